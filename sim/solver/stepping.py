"""What the ensemble kernels share: the first step size, finiteness checks, applying the dose
events and writing the outputs that fall due at a time, and the kernels' common signature."""

import math

import numpy as np
from numba import njit, types

from sim.solver.signatures import JAC_TYPE, RHS_TYPE


@njit(cache=True)
def initial_step(f0, y, rtol, atol, span):
    """A first step from the scale of y and of dy/dt (Hairer, Norsett & Wanner I, II.4)."""
    n = y.size
    d0 = 0.0
    d1 = 0.0
    for i in range(n):
        sk = atol[i] + rtol[i] * abs(y[i])
        d0 += (y[i] / sk) ** 2
        d1 += (f0[i] / sk) ** 2
    d0 = math.sqrt(d0 / n)
    d1 = math.sqrt(d1 / n)
    if d0 < 1e-5 or d1 < 1e-5:
        h = 1e-6 * span
    else:
        h = 0.01 * d0 / d1
    return min(max(h, 1e-12 * span), span)


@njit(cache=True)
def all_finite(v):
    for i in range(v.size):
        if not np.isfinite(v[i]):
            return False
    return True


@njit(cache=True)
def apply_due(t, y, e, ev_time, ev_index, ev_amount):
    """Apply events ``e, e+1, ...`` with time <= t to ``y``; returns (next event index, any applied)."""
    changed = False
    while e < ev_time.size and ev_time[e] <= t:
        y[ev_index[e]] += ev_amount[e]
        e += 1
        changed = True
    return e, changed


@njit(cache=True)
def write_due(t, y, k_out, t_eval, save_idx, out):
    """Write ``y[save_idx]`` to every output row ``k_out, ...`` with time <= t; returns the next row."""
    while k_out < t_eval.size and t_eval[k_out] <= t:
        for j in range(save_idx.size):
            out[k_out, j] = y[save_idx[j]]
        k_out += 1
    return k_out


@njit(cache=True)
def fail_rows(out, k_out, code):
    """A failed run: output rows from ``k_out`` on (never reached) become NaN; returns ``code``."""
    out[k_out:, :] = np.nan
    return code


F8_1D = types.float64[::1]
F8_2D = types.float64[:, ::1]
I8_1D = types.int64[::1]
I8_2D = types.int64[:, ::1]

ENSEMBLE_SIGNATURE = types.void(
    RHS_TYPE, JAC_TYPE, types.boolean, types.boolean, F8_2D, F8_2D, F8_1D, F8_2D, I8_2D, F8_2D,
    F8_1D, F8_1D, types.float64, types.int64, I8_1D, types.float64[:, :, ::1], I8_2D, I8_1D,
    I8_1D, I8_1D, I8_1D, I8_1D, I8_1D, I8_1D, I8_1D, I8_1D, I8_1D, I8_1D, I8_1D,
)
