"""LSODA called from numba over the ensemble (``numbalsoda``, optional): the fastest non-ensemble
baseline the solver benchmark compares against.

numbalsoda (https://github.com/Nicholaswogan/numbalsoda) wraps the C++ port of ODEPACK's LSODA so
that compiled numba code can call it; :func:`solve` runs one LSODA integration per member inside a
``prange`` loop, restarting at each dose exactly as the scipy loop does. Same model, output grid
and tolerances as the ensemble solver. numbalsoda builds from source (it needs gfortran and cmake):
``make numbalsoda`` installs it; without it the benchmark skips these rows.
"""

from __future__ import annotations

import numpy as np
from numba import carray, cfunc, njit, prange

from benchmarks import models

try:
    from numbalsoda import lsoda, lsoda_sig
except ImportError:  # optional
    lsoda = lsoda_sig = None

N_STATES = models.N_STATES
N_PARAMS = models.ensemble_parameters(1).shape[1]


def available() -> bool:
    return lsoda is not None


def _build():
    rhs = models.rhs

    @cfunc(lsoda_sig)
    def c_rhs(t, u, du, p):
        y = carray(u, (N_STATES,))
        dydt = carray(du, (N_STATES,))
        par = carray(p, (N_PARAMS,))
        rhs(t, y, par, dydt)

    @njit(parallel=True)
    def solve_all(funcptr, y0, params, t_eval, cut_index, dose_state, dose_amount, rtol, atol, out, ok):
        """Segments ``t_eval[cut[k]:cut[k + 1] + 1]``; dose k lands at the start of segment k."""
        n_cuts = cut_index.size - 1
        for m in prange(y0.shape[0]):
            y = y0[m].copy()
            p = params[m].copy()
            good = True
            for k in range(n_cuts):
                y[dose_state[k]] += dose_amount[k]
                seg = t_eval[cut_index[k]:cut_index[k + 1] + 1]
                usol, success = lsoda(funcptr, y, seg, data=p, rtol=rtol, atol=atol, mxstep=100000)
                good = good and success
                out[m, cut_index[k]:cut_index[k + 1]] = usol[:-1]
                y = usol[-1].copy()
            out[m, t_eval.size - 1] = y
            ok[m] = good

    return c_rhs, solve_all


_KERNELS = None


def solve(y0, params, t_eval, rtol, atol):
    """(N, T, n) states at ``t_eval``, every member with LSODA; raises if any member failed.

    Doses are :func:`benchmarks.models.dose_events`; each dose time must be an output time.
    """
    global _KERNELS
    if _KERNELS is None:
        _KERNELS = _build()
    c_rhs, solve_all = _KERNELS
    doses = models.dose_events()
    cuts = [int(np.argmin(np.abs(t_eval - t))) for t, _, _ in doses]
    if any(abs(t_eval[c] - t) > 1e-12 for c, (t, _, _) in zip(cuts, doses, strict=True)) or cuts[0] != 0:
        raise ValueError("dose times must be output times, the first at t_eval[0]")
    cut_index = np.array([*cuts, t_eval.size - 1], dtype=np.int64)
    out = np.empty((y0.shape[0], t_eval.size, N_STATES))
    ok = np.zeros(y0.shape[0], dtype=np.bool_)
    solve_all(c_rhs.address, np.ascontiguousarray(y0), np.ascontiguousarray(params), t_eval, cut_index,
              np.array([d[1] for d in doses], dtype=np.int64), np.array([d[2] for d in doses]), rtol, atol,
              out, ok)
    if not ok.all():
        raise RuntimeError(f"numbalsoda LSODA failed for member {int(np.flatnonzero(~ok)[0])}")
    return out
