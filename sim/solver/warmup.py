"""Compile the ensemble kernel in a second process while this one compiles the model.

A first run on a fresh machine compiles, one after the other: the model's right-hand side, its
analytic Jacobian (traced and differentiated with sympy, then compiled), and the ensemble kernel
(:mod:`sim.solver.rodas4` or :mod:`sim.solver.bdf`). The kernel does not depend on the model (it takes
the RHS as a first-class function value), and numba's compiler lock serialises compilation within one
process; so when the kernel is not in numba's on-disk cache, :func:`start` has a child Python process
compile it (writing the cache) while this process goes on with the model. :func:`wait`, called by
:func:`sim.solver.ensemble.ensemble_kernel` just before the kernel is needed, waits for the child; the
kernel is then loaded from the cache. The machine code is the same either way (same source, same
flags), so the numbers are too.

Nothing is started when the kernel is cached, on a machine with one CPU, or with
``NEUROPHARM_SIM_PARALLEL_COMPILE=0``. A child that fails only costs the time it ran: this process
then compiles the kernel itself.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

_CHILDREN: dict[tuple[str, bool], subprocess.Popen] = {}


def _compiled(method: str, parallel: bool) -> list:
    """(python function, signature) of each function the kernel compiles with ``cache=True``."""
    if method == "bdf":
        from sim.solver import bdf
        from sim.solver.stepping import ENSEMBLE_SIGNATURE

        return [(bdf._solve_all_bdf_parallel if parallel else bdf._solve_all_bdf_serial, ENSEMBLE_SIGNATURE)]
    from sim.solver import rodas4

    return [(rodas4._solve_all_parallel if parallel else rodas4._solve_all_serial, rodas4.KERNEL_SIGNATURE),
            (rodas4.integrate_member.py_func, rodas4.MEMBER_SIGNATURE)]


def cached(method: str, parallel: bool) -> bool:
    """True if numba's on-disk cache holds the kernel for this source, machine and numba version."""
    try:
        from numba.core.caching import FunctionCache
        from numba.core.registry import cpu_target

        sha = hashlib.sha256
        for f, signature in _compiled(method, parallel):
            index = FunctionCache(f)._cache_file._load_index()
            key = (signature, cpu_target.target_context.codegen().magic_tuple(),
                   (sha(f.__code__.co_code).hexdigest(), sha(b"").hexdigest()))
            if key not in index:
                return False
        return True
    except Exception:  # noqa: BLE001 - numba internals changed: behave as if cached (compile here)
        return True


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def start(method: str, n_members: int) -> None:
    """Start compiling the kernel ``method`` needs for ``n_members`` in a child process, if worthwhile."""
    import numba

    parallel = n_members > 1 and numba.get_num_threads() > 1
    key = (method, parallel)
    if (key in _CHILDREN or os.environ.get("NEUROPHARM_SIM_PARALLEL_COMPILE", "1") == "0" or _cpus() < 2
            or cached(method, parallel)):
        return
    root = str(Path(__file__).resolve().parents[2])  # the folder holding this `sim` package
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
    code = f"from sim.solver.warmup import _compile; _compile({method!r}, {parallel!r})"
    try:
        _CHILDREN[key] = subprocess.Popen([sys.executable, "-c", code], env=env, stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        pass


WAIT_S = 600  # a child still compiling after this long is stopped; this process then compiles


def wait(method: str, parallel: bool) -> None:
    """Wait for a child compiling this kernel, if one was started."""
    child = _CHILDREN.pop((method, parallel), None)
    if child is not None:
        try:
            child.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _compile(method: str, parallel: bool) -> None:
    """In the child: compile the kernel (numba writes it to its cache)."""
    if method == "bdf":
        from sim.solver import bdf as module
    else:
        from sim.solver import rodas4 as module
    module.kernel(parallel)
