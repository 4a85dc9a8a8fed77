"""Integrate N parameter sets of one model at once, in parallel over the ensemble axis."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.solver.rodas4 import no_jacobian
from sim.solver.signatures import JAC_SIGNATURE, RHS_SIGNATURE, as_function
from sim.solver.sparsity import auto_sparsity, jacobian_groups
from sim.solver.status import STAT_FIELDS, Status


@dataclass(frozen=True)
class Events:
    """State jumps at exact times: ``y[index] += amount`` at ``time`` (same units as the state).

    Arrays are (E,) for events shared by every member or (N, E) per member; pad with
    ``time = inf`` where members have fewer events.
    """

    time: np.ndarray
    index: np.ndarray
    amount: np.ndarray

    @classmethod
    def from_rows(cls, rows):
        """Shared events from ``[(time, state_index, amount), ...]``."""
        rows = list(rows)
        if not rows:
            return cls(np.empty(0), np.empty(0, dtype=np.int64), np.empty(0))
        t, i, a = zip(*rows, strict=True)
        return cls(np.asarray(t, float), np.asarray(i, np.int64), np.asarray(a, float))

    def broadcast(self, n_members: int, n_states: int):
        """(N, E) arrays, each member's events sorted by time (stable)."""
        time = np.broadcast_to(np.asarray(self.time, float), (n_members, np.shape(self.time)[-1]))
        index = np.broadcast_to(np.asarray(self.index, np.int64), time.shape)
        amount = np.broadcast_to(np.asarray(self.amount, float), time.shape)
        if np.isnan(time).any() or not np.isfinite(amount[np.isfinite(time)]).all():
            raise ValueError("event times and amounts must not be NaN")
        if index.size and (index.min() < 0 or index.max() >= n_states):
            raise ValueError(f"event state index out of range 0..{n_states - 1}")
        order = np.argsort(time, axis=1, kind="stable")
        take = np.take_along_axis
        return (np.ascontiguousarray(take(time, order, 1)), np.ascontiguousarray(take(index, order, 1)),
                np.ascontiguousarray(take(amount, order, 1)))


@dataclass(frozen=True)
class SolverInfo:
    """Per-member outcome: status codes (see :class:`Status`) and counters (``STAT_FIELDS``)."""

    status: np.ndarray
    counts: np.ndarray

    def __getitem__(self, field: str) -> np.ndarray:
        return self.counts[:, STAT_FIELDS.index(field)]

    @property
    def ok(self) -> bool:
        return bool((self.status == Status.SUCCESS).all())

    def messages(self) -> list[str]:
        return [Status(int(s)).message for s in self.status]


def _tolerance(value, n, what):
    arr = np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy()
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"{what} must be positive and finite")
    return arr


SOLVERS = ("rodas4", "bdf")
BACKENDS = ("cpu", "cuda")


def ensemble_kernel(method: str, n_members: int):
    """The compiled kernel for ``method``: the parallel one (members over numba's threads) when there
    is more than one member and more than one thread, else the serial one. Each is compiled, or loaded
    from numba's cache, the first time a run needs it, so a run never pays for a kernel it does not use
    (the NDF module is not even imported by a RODAS4 run). Both give the same numbers per member."""
    from sim.solver.warmup import parallel_kernel, wait

    parallel = parallel_kernel(n_members)
    wait(method, parallel)  # a child process compiling this kernel (sim.solver.warmup), if one was started
    if method == "bdf":
        from sim.solver import bdf as module
    else:
        from sim.solver import rodas4 as module
    return module.kernel(parallel)


def solve_ensemble(rhs, y0, params, t_eval, events=None, rtol=1e-6, atol=1e-9, *, jac=None,
                   autonomous=False, h_max=math.inf, max_steps=200_000, save_idx=None,
                   return_info=False, jac_sparsity=None, method="rodas4", backend="cpu"):
    """Integrate ``dy/dt = rhs(t, y, p)`` for N parameter sets at once (RODAS4 or NDF).

    Parameters
    ----------
    rhs : numba @njit function ``rhs(t, y, p, dydt)`` writing dy/dt into ``dydt``.
    y0 : (N, n) or (n,) initial states at ``t_eval[0]``.
    params : (N, p) or (p,) parameter vectors.
    t_eval : (T,) strictly increasing output times; the run spans ``t_eval[0]..t_eval[-1]``.
    events : :class:`Events` or rows ``(time, state_index, amount)``; jumps applied at exact times.
    rtol, atol : scalars or (n,) arrays.
    jac : optional @njit ``jac(t, y, p, J)`` writing at least every entry of ``jac_sparsity`` (J starts at
        zero and keeps what it is given); else forward differences.
    autonomous : True if rhs does not depend on t (saves one RHS call per step).
    save_idx : state indices to keep in the output (default: all).
    return_info : also return a :class:`SolverInfo` (status and step counters per member).
    jac_sparsity : optional (n, n) boolean pattern, True where df_i/dy_j may be nonzero (see
        :func:`detect_sparsity`). The forward-difference Jacobian then perturbs groups of columns
        that share no row in one RHS call each (:func:`color_columns`) and treats entries outside
        the pattern as zero: a pattern missing a true nonzero gives a wrong Jacobian (slower steps,
        possibly failures), never a wrong tolerance test. With ``jac`` the pattern only plans the
        sparse LU of the iteration matrix ("auto" then means dense).
        ``"auto"``: for ensembles of at least 32 members and 12 states, detect the pattern along
        probe members' trajectories and keep it only if the probes' results then agree with the
        dense path (:func:`sim.solver.sparsity.auto_sparsity`); otherwise dense.

    method : ``"rodas4"`` (one-step Rosenbrock, order 4: robust, restarts cheaply at events, the
        default) or ``"bdf"`` (variable-order NDF 1-5, :mod:`sim.solver.bdf`: reuses the Jacobian and
        its LU across steps, so long smooth runs cost fewer operations per step; ``autonomous`` is
        irrelevant to it).
    backend : ``"cpu"`` (numba threads) or ``"cuda"``: RODAS4 with one member per GPU thread
        (:mod:`sim.solver.cuda`; dense Jacobian and LU, ``jac_sparsity`` ignored; agrees with the CPU
        path within the tolerances). Runs on numba's CUDA simulator where no GPU is present.

    Returns
    -------
    (N, T, k) array of states at ``t_eval`` (k = len(save_idx)), and a SolverInfo if asked.
    """
    if method not in SOLVERS:
        raise ValueError(f"method must be one of {', '.join(SOLVERS)}, got {method!r}")
    rhs = as_function(rhs, RHS_SIGNATURE, "rhs")
    has_jac = jac is not None
    jac = as_function(jac if has_jac else no_jacobian, JAC_SIGNATURE, "jac")
    y0 = np.atleast_2d(np.asarray(y0, dtype=float))
    params = np.atleast_2d(np.asarray(params, dtype=float))
    n_members, n = y0.shape
    if params.shape[0] == 1 and n_members > 1:
        params = np.broadcast_to(params, (n_members, params.shape[1]))
    if y0.shape[0] == 1 and params.shape[0] > 1:
        n_members = params.shape[0]
        y0 = np.broadcast_to(y0, (n_members, n))
    if params.shape[0] != n_members:
        raise ValueError(f"y0 has {n_members} members but params has {params.shape[0]}")
    t_eval = np.ascontiguousarray(t_eval, dtype=float)
    if t_eval.ndim != 1 or t_eval.size < 1 or np.any(np.diff(t_eval) <= 0) or not np.isfinite(t_eval).all():
        raise ValueError("t_eval must be a finite, strictly increasing 1-D array")
    if events is None:
        events = Events.from_rows([])
    elif not isinstance(events, Events):
        events = Events.from_rows(events)
    ev_time, ev_index, ev_amount = events.broadcast(n_members, n)
    if ev_time.size and ev_time.min() < t_eval[0]:
        raise ValueError(f"an event at t={ev_time.min():g} comes before the start t={t_eval[0]:g}")
    save_idx = np.arange(n, dtype=np.int64) if save_idx is None else np.asarray(save_idx, dtype=np.int64)
    out = np.empty((n_members, t_eval.size, save_idx.size))  # the kernel sets NaN where a failed run never reached
    counts = np.zeros((n_members, len(STAT_FIELDS)), dtype=np.int64)
    status = np.zeros(n_members, dtype=np.int64)
    rtol, atol = _tolerance(rtol, n, "rtol"), _tolerance(atol, n, "atol")
    y0, params = np.ascontiguousarray(y0), np.ascontiguousarray(params)
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    if backend == "cuda":
        if method != "rodas4":
            raise ValueError(f"backend 'cuda' integrates with rodas4 only, got method {method!r}")
        from sim.solver.cuda import solve_members

        out, counts, status = solve_members(rhs, jac if has_jac else None, autonomous, y0, params, t_eval, ev_time,
                                            ev_index, ev_amount, rtol, atol, h_max, max_steps, save_idx)
        return (out, SolverInfo(status, counts)) if return_info else out

    solve_all = ensemble_kernel(method, n_members)

    def integrate(members, pattern, keep):
        sub_out = np.empty((members.size, t_eval.size, keep.size))
        sub_counts = np.zeros((members.size, len(STAT_FIELDS)), dtype=np.int64)
        sub_status = np.zeros(members.size, dtype=np.int64)
        solve_all(rhs, jac, has_jac, autonomous, y0[members], params[members], t_eval, ev_time[members],
                  ev_index[members], ev_amount[members], rtol, atol, float(h_max), int(max_steps), keep, sub_out,
                  sub_counts, sub_status, *jacobian_groups(pattern, n))
        return sub_out, sub_counts, sub_status

    if has_jac and isinstance(jac_sparsity, str):
        jac_sparsity = None  # nothing to detect: a given Jacobian with a given pattern plans a sparse LU
    elif isinstance(jac_sparsity, str):
        if jac_sparsity != "auto":
            raise ValueError(f"jac_sparsity must be an (n, n) pattern, 'auto' or None, got {jac_sparsity!r}")
        jac_sparsity = auto_sparsity(rhs, y0, params, t_eval, rtol, atol, integrate)
    groups = jacobian_groups(jac_sparsity, n)
    solve_all(rhs, jac, has_jac, autonomous, y0, params, t_eval, ev_time, ev_index, ev_amount, rtol, atol,
              float(h_max), int(max_steps), save_idx, out, counts, status, *groups)
    if return_info:
        return out, SolverInfo(status, counts)
    return out


def ensemble_sparsity(rhs, y0, params, t_eval, events=None, rtol=1e-6, atol=1e-9, **solver_options):
    """The pattern ``solve_ensemble(..., jac_sparsity="auto")`` would use for this ensemble (or None).

    Useful to fix one pattern for many calls, e.g. every chunk of a sweep, so that all chunks use
    the same Jacobian grouping whatever their size. Arguments as for :func:`solve_ensemble`.
    """
    y0 = np.atleast_2d(np.asarray(y0, dtype=float))
    params = np.atleast_2d(np.asarray(params, dtype=float))
    n_members, n = max(y0.shape[0], params.shape[0]), y0.shape[1]
    y0 = np.ascontiguousarray(np.broadcast_to(y0, (n_members, n)))
    params = np.ascontiguousarray(np.broadcast_to(params, (n_members, params.shape[1])))
    if events is None:
        events = Events.from_rows([])
    elif not isinstance(events, Events):
        events = Events.from_rows(events)
    ev = events.broadcast(n_members, n)
    rtol_v = np.broadcast_to(np.asarray(rtol, dtype=float), (n,))
    atol_v = np.broadcast_to(np.asarray(atol, dtype=float), (n,))

    def integrate(members, pattern, keep):
        out, info = solve_ensemble(rhs, y0[members], params[members], t_eval,
                                   Events(ev[0][members], ev[1][members], ev[2][members]), rtol, atol,
                                   save_idx=keep, return_info=True, jac_sparsity=pattern, **solver_options)
        return out, info.counts, info.status

    return auto_sparsity(rhs, y0, params, np.asarray(t_eval, dtype=float), rtol_v, atol_v, integrate)

