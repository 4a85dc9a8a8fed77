"""Compiling the ensemble kernel in a child process on a cold cache (sim.solver.warmup)."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from sim.solver import solve_ensemble, warmup

REPO = Path(__file__).resolve().parent.parent


def test_cached_agrees_with_numbas_cache_after_a_solve():
    # a solve loads or compiles (and stores) the serial kernel: the check must then see it
    from sim.kinetics.drugs.mdma import HUMAN
    from sim.model import Model

    model = Model([HUMAN])
    solve_ensemble(model.rhs, model.initial_state(), model.default_parameters(), np.array([0.0, 1.0]))
    assert warmup.cached("rodas4", False)


def test_cold_cache_starts_a_child_and_the_switch_stops_it(tmp_path):
    script = ("from sim.solver import warmup\n"
              "assert not warmup.cached('rodas4', False)\n"
              "warmup.start('rodas4', 1)\n"
              "child = warmup._CHILDREN.get(('rodas4', False))\n"
              "print('started' if child else 'none')\n"
              "if child: child.kill(); child.wait()\n")
    for switch, expected in (("1", "started"), ("0", "none")):
        env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"), NEUROPHARM_SIM_PARALLEL_COMPILE=switch,
                   NUMBA_NUM_THREADS="1", PYTHONPATH=str(REPO))
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=REPO,
                              timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        assert proc.stdout.strip() == (expected if cpus > 1 else "none")
