"""Start-up of the command line: ``sim --help`` and ``sim --version`` against a bare ``python -c pass``
(the peer: what any Python command costs) and ``python -c "import numpy"`` (what one numerical import
costs), each the median of several whole-process runs, started the way ``sim`` is started
(``python -m sim``). The target (issue 19): ``sim --help`` under 0.3 s; the ratio to a bare Python
start says how much of it is ours. Writes ``cli_startup.json``.

Cold start (issue 21; ``--cold``, and with ``--full``): the first ``sim run experiments/single_dose.toml``
on a fresh clone, i.e. with an empty numba cache (``NUMBA_CACHE_DIR``) and an empty generated-model cache
(``NEUROPHARM_SIM_CACHE``), each repeat in new empty folders, then the same run warm (caches filled).
Per run: wall seconds, CPU seconds of the process and of the child it may start to compile the kernel
and the model (:mod:`sim.solver.warmup`; from ``wait4``), and the 1-minute load average before it. One numba thread.
Compile time = cold minus warm. On a machine whose cores are busy the wall time mostly measures the load.
After each cold run, a "new model" run: the kernel cached, the generated-model cache empty again (what a model
not run on this machine before costs: its RHS and analytic Jacobian).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.results_file import write_result

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
    "sim --help": [sys.executable, "-m", "sim", "--help"],
    "sim --version": [sys.executable, "-m", "sim", "--version"],
}


def _median_wall(cmd: list[str], repeats: int) -> float:
    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


COLD_EXPERIMENT = "experiments/single_dose.toml"


def _timed_run(folder: Path, env: dict) -> dict:
    """One ``sim run`` of COLD_EXPERIMENT: wall and CPU seconds (process and reaped children), load before."""
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "sim", "run", COLD_EXPERIMENT, "-o", str(folder / "out.h5"),
                             "--force"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    if status != 0:
        raise RuntimeError(f"sim run failed: {stderr[-500:]}")
    notice = next((line for line in stderr.splitlines() if "compiling" in line), "")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "load_before": load, "notice": notice}


def cold_start(repeats: int = 3) -> dict:
    """``repeats`` cold runs (each with new empty caches) and, after the last, 3 warm runs on its caches."""
    cold, warm, new_model = [], [], []
    for k in range(repeats):
        folder = Path(tempfile.mkdtemp(prefix="cold-start-"))
        env = dict(os.environ, NUMBA_CACHE_DIR=str(folder / "numba"), NEUROPHARM_SIM_CACHE=str(folder / "sim"),
                   NUMBA_NUM_THREADS="1")
        try:
            cold.append(_timed_run(folder, env))
            new_model.append(_timed_run(folder, dict(env, NEUROPHARM_SIM_CACHE=str(folder / f"sim{k}"))))
            if k == repeats - 1:
                warm = [_timed_run(folder, env) for _ in range(3)]
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    warm_wall = statistics.median(r["wall_s"] for r in warm)
    warm_cpu = statistics.median(r["cpu_s"] for r in warm)
    print(f"Cold start, first `sim run {COLD_EXPERIMENT}` with empty caches ({repeats} runs, 1 numba thread)")
    for r in cold:
        print(f"  cold: wall {r['wall_s']:5.1f} s  CPU {r['cpu_s']:5.1f} s  (load {r['load_before']:.2f})  "
              f"compile ~{r['wall_s'] - warm_wall:4.1f} s wall, {r['cpu_s'] - warm_cpu:4.1f} s CPU")
    for r in new_model:
        print(f"  new model (kernel cached): wall {r['wall_s']:5.1f} s  CPU {r['cpu_s']:5.1f} s  "
              f"(load {r['load_before']:.2f})  compile ~{r['wall_s'] - warm_wall:4.1f} s wall")
    print(f"  warm: wall {warm_wall:5.1f} s  CPU {warm_cpu:5.1f} s (median of 3)")
    print(f"  notice: {cold[0]['notice']}")
    print(f"  notice, new model: {new_model[0]['notice']}")
    return {"experiment": COLD_EXPERIMENT, "cold": cold, "warm": warm, "new_model": new_model,
            "compile_wall_s": [r["wall_s"] - warm_wall for r in cold],
            "compile_cpu_s": [r["cpu_s"] - warm_cpu for r in cold],
            "new_model_compile_wall_s": [r["wall_s"] - warm_wall for r in new_model]}


def run(quick: bool = False, full: bool = False, out_dir=None, cold: bool | None = None) -> dict:
    repeats = 5 if quick else 15
    walls = {name: _median_wall(cmd, repeats) for name, cmd in COMMANDS.items()}
    base = walls["python -c pass"]
    print(f"CLI start-up (median of {repeats} whole-process runs)")
    for name, wall in walls.items():
        print(f"  {name:<26} {wall * 1e3:7.0f} ms   {wall / base:5.2f} x python -c pass")
    result = {"wall_s": walls, "ratio_to_python": {k: v / base for k, v in walls.items()},
              "help_under_0_3_s": walls["sim --help"] < 0.3, "repeats": repeats}
    if full if cold is None else cold:
        result["cold_start"] = cold_start()
    if out_dir is not None:
        write_result(result, "cli_startup", out_dir)
    return result


if __name__ == "__main__":
    run(quick="--quick" in sys.argv, out_dir=ROOT / "benchmarks" / "results", cold="--cold" in sys.argv or None)
