"""What the implicit methods share: the forward-difference Jacobian (column groups on a sparsity
pattern) and the iteration matrix ``W = fac * I - J``, factored sparse or dense.

Pure kernels; every array is supplied by the caller (no allocation inside the step loop).
"""

import math

from numba import njit, types

from sim.solver.linalg import lu_factor, lu_nonzeros, lu_solve_nonzeros, sparse_lu_factor, sparse_lu_solve

UROUND = 2.220446049250313e-16
SQRT_UROUND = math.sqrt(UROUND)
# consecutive factorisations whose sparse plan fell back to the pivoted LU before a member stops trying it
PLAN_MISSES = 3


@njit(cache=True)
def fd_jacobian(rhs, t, y, p, f0, h, rtol, atol, g_ptr, g_cols, c_ptr, r_idx, ysave, dinc, fy, jmat):
    """Forward-difference J = df/dy at ``(t, y)`` into ``jmat`` (``f0 = f(t, y)``); returns the RHS calls.

    Increments as in LSODE's PREPJ: relative to y_j, floored by a step- and f-dependent amount in
    units of the error weight (robust for states near zero). Columns of one group (see
    :func:`sim.solver.sparsity.jacobian_groups`) are perturbed together; only pattern entries are written.
    """
    n = y.size
    fnorm = 0.0
    for i in range(n):
        fnorm += (f0[i] / (atol[i] + rtol[i] * abs(y[i]))) ** 2
    r0 = 1000.0 * abs(h) * UROUND * n * math.sqrt(fnorm / n)
    if r0 == 0.0:
        r0 = 1.0
    n_groups = g_ptr.size - 1
    for g in range(n_groups):
        for c in range(g_ptr[g], g_ptr[g + 1]):
            j = g_cols[c]
            yj = y[j]
            delta = max(SQRT_UROUND * max(abs(yj), atol[j] / rtol[j]), r0 * (atol[j] + rtol[j] * abs(yj)))
            ysave[j] = yj
            dinc[j] = delta
            y[j] = yj + delta
        rhs(t, y, p, fy)
        for c in range(g_ptr[g], g_ptr[g + 1]):
            j = g_cols[c]
            y[j] = ysave[j]
            delta = dinc[j]
            for r in range(c_ptr[j], c_ptr[j + 1]):
                i = r_idx[r]
                jmat[i, j] = (fy[i] - f0[i]) / delta
    return n_groups


@njit(cache=True)
def factor_w(jmat, fac, wmat, piv, f_pos, lc_ptr, lc_rows, ur_ptr, ur_cols, lower, upper):
    """Factor ``W = fac * I - J`` in ``wmat``; returns ``(ok, dense)``.

    With a sparse-LU plan (``f_pos`` not empty) W is assembled on its fill pattern and factored
    without pivoting; if a pivot fails the threshold test, or without a plan, W is rebuilt in full and
    factored with partial pivoting (``dense`` True), and where its factors are nonzero is recorded in
    ``lower`` and ``upper`` (:func:`sim.solver.linalg.lu_nonzeros`) for the solves. ``ok`` False: W is
    singular to working precision.
    """
    n = jmat.shape[0]
    if f_pos.size > 0:
        w_flat = wmat.reshape(n * n)
        j_flat = jmat.reshape(n * n)
        for q in range(f_pos.size):
            w_flat[f_pos[q]] = -j_flat[f_pos[q]]
        for i in range(n):
            wmat[i, i] += fac
        if sparse_lu_factor(wmat, lc_ptr, lc_rows, ur_ptr, ur_cols):
            return True, False
    for i in range(n):
        for j in range(n):
            wmat[i, j] = -jmat[i, j]
        wmat[i, i] += fac
    if not lu_factor(wmat, piv):
        return False, True
    lu_nonzeros(wmat, lower, upper)
    return True, True


# the types of factor_w and solve_w as the integrators receive them: function values, each compiled once with
# these signatures instead of being re-optimised inside every integrator that calls them
_F8_1D, _F8_2D, _I8_1D = types.float64[::1], types.float64[:, ::1], types.int64[::1]
FACTOR_SIGNATURE = types.UniTuple(types.boolean, 2)(_F8_2D, types.float64, _F8_2D, *([_I8_1D] * 8))
SOLVE_SIGNATURE = types.void(_F8_2D, _I8_1D, types.boolean, *([_I8_1D] * 6), _F8_1D)


@njit(cache=True)
def solve_w(lu, piv, dense, lr_ptr, lr_cols, ur_ptr, ur_cols, lower, upper, b):
    """Solve ``W x = b`` in place from the factors of :func:`factor_w`."""
    if dense:
        lu_solve_nonzeros(lu, piv, lower, upper, b)
    else:
        sparse_lu_solve(lu, lr_ptr, lr_cols, ur_ptr, ur_cols, b)
