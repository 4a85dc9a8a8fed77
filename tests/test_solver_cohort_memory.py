"""`sim run` refuses, before any work, a cohort whose output would not fit in memory."""

import subprocess
import sys

from sim import assembly, runner
from sim.config import parse_experiment

EXP = """
[experiment]
name = "huge"
duration_h = 48.0
output_interval_min = 1.0

[[dose]]
drug = "mdma"
amount_mg = 100.0

[cohort]
size = {size}
"""


def test_cohort_memory_estimate_counts_states_and_outputs():
    exp = parse_experiment(EXP.format(size=10), "<test>")
    model = assembly.model_for(exp)
    n_times = runner.time_grid(exp).size
    one = runner.cohort_bytes(model, 1, n_times)
    assert one >= 8 * n_times * (model.n_states + 1)
    assert runner.cohort_bytes(model, 1000, n_times) == 1000 * one   # linear in the cohort


def test_sim_run_refuses_a_cohort_that_cannot_fit_in_memory(tmp_path):
    toml = tmp_path / "huge.toml"
    toml.write_text(EXP.format(size=200_000))   # 2 x 10^5 runs x 2881 times: hundreds of GB
    proc = subprocess.run([sys.executable, "-m", "sim", "run", str(toml), "-o", str(tmp_path / "x.h5")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    # the once-only compile notice may precede the refusal on a machine with empty caches
    lines = [x for x in proc.stderr.strip().splitlines() if not x.startswith("sim: compiling kernels")]
    assert len(lines) == 1, proc.stderr
    assert "huge.toml" in lines[0] and "cohort.size" in lines[0] and "sim sweep" in lines[0]
    assert "GB" in lines[0] and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.h5").exists()
