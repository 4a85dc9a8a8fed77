"""The CUDA ensemble path (sim.solver.cuda) against the CPU path, on numba's CUDA simulator.

numba reads NUMBA_ENABLE_CUDASIM when it is first imported, so each check runs in a fresh Python
process with the simulator switched on; no GPU is needed. A few members over a few hours keep the
simulated kernel (Python threads) fast.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

PK_SCRIPT = r"""
import json, sys
import numpy as np
from sim.kinetics.pk import HUMAN
from sim.model import Model
from sim.solver import Events, solve_ensemble

model = Model([HUMAN])
params = np.tile(model.default_parameters(), (3, 1))
params[1, model.parameter_index("pk.ka")] *= 2.0          # members differ: faster absorption,
params[2, model.parameter_index("pk.body_weight_kg")] = 50.0  # a lighter subject
gut = model.dose_target("mdma", "oral")
events = Events.from_rows(json.loads(sys.argv[1]))
t_eval = np.linspace(0.0, 6.0, 13)
kw = dict(rtol=1e-6, atol=1e-9, autonomous=True, return_info=True)
y0 = model.initial_state()
cpu, cpu_info = solve_ensemble(model.rhs, y0, params, t_eval, events, **kw)
gpu, gpu_info = solve_ensemble(model.rhs, y0, params, t_eval, events, backend="cuda", **kw)
print(json.dumps({"cpu": cpu.tolist(), "gpu": gpu.tolist(), "gut": gut,
                  "central": model.state_index("pk.central"),
                  "status": gpu_info.status.tolist(), "steps_cpu": cpu_info["steps"].tolist(),
                  "steps_gpu": gpu_info["steps"].tolist()}))
"""


def run_simulated(script, *args, simulator="1"):
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM=simulator, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=300)


def solve_pk(events):
    proc = run_simulated(PK_SCRIPT, json.dumps(events))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def scaled_difference(a, b, rtol=1e-6, atol=1e-9):
    import numpy as np

    a, b = np.asarray(a), np.asarray(b)
    return float(np.max(np.abs(a - b) / (atol + rtol * np.abs(a))))


@pytest.fixture(scope="module")
def two_doses():
    # 125 mg at 0 h and a 62.5 mg booster at 2 h (in micromol of the oral gut state: the model's unit)
    import numpy as np  # noqa: F401

    return [[0.0, "gut", 125.0], [2.0, "gut", 62.5]]


def _rows(result, rows):
    return [[t, result, a] for t, _, a in rows]


def test_cuda_path_equals_cpu_path_on_pk_with_a_dose_event():
    # the gut index is not known before the model is built: build it once in the child (first call)
    probe = solve_pk([])
    gut = probe["gut"]
    res = solve_pk([[0.0, gut, 500.0], [2.0, gut, 250.0]])
    assert res["status"] == [0, 0, 0]
    # agreement within the tolerances (same method and error control; dense LU on the GPU)
    assert scaled_difference(res["cpu"], res["gpu"]) < 1.0
    # the booster at 2 h is seen by both: central amount rises again after it in every member
    import numpy as np

    gpu = np.asarray(res["gpu"])
    central = res["central"]
    assert np.all(gpu[:, 5, central] > gpu[:, 4, central])  # 2.5 h (after the booster) vs 2.0 h
    # the members differ (else the test would not see a member mix-up)
    assert np.ptp(gpu[:, 6, central]) > 0.01 * gpu[:, 6, central].max()
    # drug-free run stays at the initial state on both paths
    assert scaled_difference(probe["cpu"], probe["gpu"]) < 1.0


def test_cuda_refused_without_gpu_or_simulator():
    script = ("from sim.solver.cuda import unavailable_reason\n"
              "import sys\nr = unavailable_reason()\nprint(r)\nsys.exit(0 if r else 3)")
    proc = run_simulated(script, simulator="0")
    if proc.returncode == 3:
        pytest.skip("a CUDA GPU is present on this machine")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "no CUDA GPU" in proc.stdout or "cannot be imported" in proc.stdout
