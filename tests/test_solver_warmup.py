"""Compiling the ensemble kernel in a child process on a cold cache (sim.solver.warmup)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

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


def test_a_stalled_child_is_stopped_after_the_wait_limit(monkeypatch):
    # a child that never finishes (a stalled compile) must not hold the run: the wait ends WAIT_S after
    # the child started, the child is stopped, and this process goes on (and compiles itself)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    monkeypatch.setattr(warmup, "WAIT_S", 1.0)
    warmup._STARTED[child.pid] = time.monotonic()
    warmup._CHILDREN[("rodas4", True)] = child
    warmup._CHILDREN[("model", "stalled.py")] = child
    t0 = time.monotonic()
    try:
        warmup.wait("rodas4", True)
        assert child.poll() is not None  # stopped, not left running
        warmup.wait_model("stalled.py")  # the same child: returns at once
        assert time.monotonic() - t0 < 30
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert ("rodas4", True) not in warmup._CHILDREN and ("model", "stalled.py") not in warmup._CHILDREN


def test_compile_notice_with_an_empty_cache_and_not_with_a_warm_one(monkeypatch, capsys, tmp_path):
    # the notice asks warmup.cached, which reads numba's index: silent once the kernel is cached, one line when
    # numba's cache (here an empty folder in its place) lacks it
    import argparse

    import numba

    from sim import cli
    from sim.kinetics.drugs.mdma import HUMAN
    from sim.model import Model

    model = Model([HUMAN])
    solve_ensemble(model.rhs, model.initial_state(), model.default_parameters(), np.array([0.0, 1.0]))
    args = argparse.Namespace(quiet=False)
    for cache, lines in ((None, 0), (str(tmp_path), 1)):
        if cache is not None:
            monkeypatch.setattr(numba.config, "CACHE_DIR", cache)
        monkeypatch.setattr(cli, "_NOTICE_SHOWN", False)
        capsys.readouterr()
        cli._compile_notice(args)
        cli._compile_notice(args)  # once per process
        err = capsys.readouterr().err.splitlines()
        assert len(err) == lines and all(line.startswith("sim: compiling kernels, once") for line in err)


def test_compile_notice_knows_a_model_new_to_this_machine(monkeypatch, tmp_path):
    # sim run says it is compiling for a model whose generated RHS or Jacobian is not in numba's cache yet
    from pathlib import Path as P

    from sim.analytic import analytic_jacobian
    from sim.assembly import build_model
    from sim.cli import _model_compiled

    model = build_model("human", ("mdma",))
    numba_cache = P(os.environ["NUMBA_CACHE_DIR"]) if os.environ.get("NUMBA_CACHE_DIR") else None
    assert model.rhs is not None and analytic_jacobian(model, model.default_parameters()) is not None
    assert _model_compiled(model, numba_cache, True)  # loaded or compiled just now: in the cache
    monkeypatch.setenv("NEUROPHARM_SIM_CACHE", str(tmp_path))  # another machine's (empty) generated-model cache
    assert not _model_compiled(model, numba_cache, True)
    assert not _model_compiled(model, numba_cache, False)


def test_bad_input_leaves_no_compile_child_running(tmp_path):
    # sim run starts compiling the kernel before its input checks; a run refused on bad input stops that child
    # when it exits instead of leaving it compiling in the background
    if not Path("/proc/self/environ").exists():
        pytest.skip("needs /proc")
    bad = tmp_path / "bad.toml"
    bad.write_text((REPO / "experiments" / "single_dose.toml").read_text() + "\n[cohort.vary]\n"
                   '"pk.no_such_parameter" = { dist = "normal", sd = 1.0 }\n')
    marker = str(tmp_path / "numba")
    env = dict(os.environ, NUMBA_CACHE_DIR=marker, NEUROPHARM_SIM_CACHE=str(tmp_path / "sim"), NUMBA_NUM_THREADS="1",
               PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "sim", "run", str(bad), "-o", str(tmp_path / "x.h5")],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert proc.returncode == 2 and "no_such_parameter" in proc.stderr
    left = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in environ.read_bytes():
                left.append(environ.parent.name)
        except OSError:
            continue
    assert left == []
