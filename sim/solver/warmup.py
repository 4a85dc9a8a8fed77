"""Compile the ensemble kernel and the model's RHS in a second process while this one does the Jacobian.

A first run on a fresh machine compiles: the model's right-hand side, its analytic Jacobian (traced and
differentiated with sympy, then compiled), and the ensemble kernel (:mod:`sim.solver.rodas4` or
:mod:`sim.solver.bdf`). The kernel does not depend on the model (it takes the RHS as a first-class
function value), the RHS not on the Jacobian, and numba's compiler lock serialises compilation within one
process; so :func:`start` has a child Python process compile the kernel when numba's on-disk cache lacks
it, and the generated model module when it was written just now (nothing has compiled it yet), writing
both to the cache, while this process derives and compiles the Jacobian. :func:`wait_model` (before the
RHS is loaded, :func:`sim.simulate.solve`) and :func:`wait` (in :func:`sim.solver.ensemble.ensemble_kernel`,
just before the kernel is needed) wait for the child; both are then loaded from the cache. The machine
code is the same either way (same source, same flags), so the numbers are too.

Nothing is started when both are cached, on a machine with one CPU, or with
``NEUROPHARM_SIM_PARALLEL_COMPILE=0``. A child that fails only costs the time it ran: this process
then compiles what it needs itself. Waiting is bounded: a child still running :data:`WAIT_S` seconds
after it started (a stalled or starved child) is stopped, and this process compiles instead, so a run
never waits on its child for longer than that.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

_CHILDREN: dict[tuple, subprocess.Popen] = {}
_STARTED: dict[int, float] = {}  # child pid -> time.monotonic() when it was started


def _compiled(method: str, parallel: bool) -> list:
    """(python function, signature) of each function the kernel compiles with ``cache=True``."""
    if method == "bdf":
        from sim.solver import bdf as module

        kernel = module._solve_all_bdf_parallel if parallel else module._solve_all_bdf_serial
        member = module.integrate_member_bdf
    else:
        from sim.solver import rodas4 as module

        kernel = module._solve_all_parallel if parallel else module._solve_all_serial
        member = module.integrate_member
    from sim.solver import jacobian

    return [(kernel, module.KERNEL_SIGNATURE), (member.py_func, module.MEMBER_SIGNATURE),
            (jacobian.factor_w.py_func, jacobian.FACTOR_SIGNATURE),
            (jacobian.solve_w.py_func, jacobian.SOLVE_SIGNATURE)]


def parallel_kernel(n_members: int) -> bool:
    """Whether a solve of ``n_members`` uses the parallel kernel (several members on several numba threads)."""
    import numba

    return n_members > 1 and numba.get_num_threads() > 1


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


def start(method: str, n_members: int, model_file=None) -> None:
    """Start compiling, in a child process, the kernel ``method`` needs for ``n_members`` (if numba's cache
    lacks it) and the generated model module ``model_file`` (a path, or None when it is compiled already)."""
    parallel = parallel_kernel(n_members)
    kernel_key = (method, parallel)
    if os.environ.get("NEUROPHARM_SIM_PARALLEL_COMPILE", "1") == "0" or _cpus() < 2:
        return
    keys = [] if kernel_key in _CHILDREN or cached(method, parallel) else [kernel_key]
    if model_file is not None and ("model", str(model_file)) not in _CHILDREN:
        keys.append(("model", str(model_file)))
    if not keys:
        return
    root = str(Path(__file__).resolve().parents[2])  # the folder holding this `sim` package
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
    for key in keys:  # one child each: the kernel (the longest compile) and the model's RHS run side by side
        kernel, model = (key, None) if key[0] != "model" else (None, key[1])
        code = f"from sim.solver.warmup import _compile; _compile({kernel!r}, {model!r})"
        try:
            child = subprocess.Popen([sys.executable, "-c", code], env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError:
            return
        if not _STARTED:
            atexit.register(_stop_unused)
        _STARTED[child.pid] = time.monotonic()
        _CHILDREN[key] = child


def _stop_unused() -> None:
    """At exit: stop the children nothing waited for (a run that ended early, e.g. on bad input)."""
    for child in set(_CHILDREN.values()):
        if child.poll() is None:
            child.kill()
            child.wait()


# seconds after its start that a child may still be compiling: quiet 2 cores need ~10 s, busy ones ~30 s; a child
# still running after this is stopped and this process compiles itself (at most about twice the time)
def _wait_s() -> float:
    try:
        return max(0.0, float(os.environ.get("NEUROPHARM_SIM_COMPILE_WAIT_S", "180")))
    except ValueError:
        return 180.0


WAIT_S = _wait_s()


def _wait(key) -> None:
    child = _CHILDREN.pop(key, None)
    if child is None:
        return
    left = _STARTED.get(child.pid, time.monotonic()) + WAIT_S - time.monotonic()
    try:
        child.wait(timeout=max(left, 0.0))
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def wait(method: str, parallel: bool) -> None:
    """Wait for a child compiling this kernel, if one was started."""
    _wait((method, parallel))


def wait_model(model_file) -> None:
    """Wait for a child compiling the generated model module ``model_file``, if one was started."""
    _wait(("model", str(model_file)))


def _compile(kernel, model_file) -> None:
    """In the child: import the generated model module (compiling its RHS), then compile the kernel
    ``(method, parallel)``; numba writes both to its cache."""
    if model_file is not None:
        from sim.generated import load_generated

        load_generated(Path(model_file))
    if kernel is not None:
        method, parallel = kernel
        if method == "bdf":
            from sim.solver import bdf as module
        else:
            from sim.solver import rodas4 as module
        module.kernel(parallel)
