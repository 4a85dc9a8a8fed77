"""NDF: variable-order (1-5) numerical differentiation formulas with quasi-constant step size.

The multistep alternative to RODAS4 for long, smooth, stiff runs (the PK/transmitter cascade over
days): a step costs one or two RHS calls and triangular solves, and the Jacobian and its LU are
reused across steps until Newton's method slows down or the step size changes; RODAS4 pays a
Jacobian, an LU and six solves on every step.

Method (Shampine & Reichelt 1997, the formulas of MATLAB's ode15s; Klopfenstein 1971): the solution
is carried as modified backward differences ``D[j] = nabla^j y_n`` on an equally spaced grid of the
current step ``h``. A step of order k predicts ``y_pred = sum_{j<=k} D[j]`` and solves

    (y - y_pred) - c f(t + h, y) + psi = 0,   c = h / alpha_k,   psi = sum_{j=1..k} gamma_j D[j] / alpha_k

by a simplified Newton iteration on ``W = I/c - J`` (J from forward differences on the model's
sparsity pattern, as RODAS4). ``alpha_k = (1 - kappa_k) gamma_k``, ``gamma_k = sum_{j<=k} 1/j`` and
the NDF constants ``kappa = (-0.1850, -1/9, -0.0823, -0.0415, 0)`` for k = 1..5 (order 5 is BDF5).
The local error is ``(kappa_k gamma_k + 1/(k+1)) * (y - y_pred)``. A step size change rescales the
differences to the new grid (interpolation through the stored points, as in Byrne & Hindmarsh
1975); the order changes by at most one after k + 1 steps of equal size, to whichever of k - 1,
k, k + 1 allows the largest next step. Output between steps uses the interpolating polynomial
of the differences. Dose events end a segment; integration restarts there at order 1.

References
----------
Shampine LF, Reichelt MW (1997) The MATLAB ODE suite. SIAM J Sci Comput 18:1-22.
Klopfenstein RW (1971) Numerical differentiation formulas for stiff systems of ordinary
differential equations. RCA Review 32:447-462.
Byrne GD, Hindmarsh AC (1975) A polyalgorithm for the numerical solution of ordinary differential
equations. ACM Trans Math Softw 1:71-96.
"""

import functools
import math

import numpy as np
from numba import njit, prange, types

from sim.solver.jacobian import (
    FACTOR_SIGNATURE,
    PLAN_MISSES,
    SOLVE_SIGNATURE,
    UROUND,
    factor_w,
    fd_jacobian,
    solve_w,
)
from sim.solver.signatures import JAC_TYPE, RHS_TYPE
from sim.solver.status import MAX_STEPS_CODE as _MAX_STEPS
from sim.solver.status import NON_FINITE_CODE as _NON_FINITE
from sim.solver.status import SINGULAR_CODE as _SINGULAR
from sim.solver.status import STEP_TOO_SMALL_CODE as _STEP_TOO_SMALL
from sim.solver.status import SUCCESS_CODE as _SUCCESS
from sim.solver.stepping import (
    ENSEMBLE_SIGNATURE,
    F8_1D,
    F8_2D,
    I8_1D,
    all_finite,
    apply_due,
    fail_rows,
    initial_step,
    write_due,
)

_STEPS, _REJECTED, _RHS, _JAC, _LU = 0, 1, 2, 3, 4

MAX_ORDER = 5
NEWTON_MAXITER = 4
MIN_FACTOR = 0.2
MAX_FACTOR = 10.0
# indexed by order 0..MAX_ORDER + 1 (entries 0 and 6 complete the formulas for k - 1 and k + 1)
KAPPA = np.array([0.0, -0.1850, -1.0 / 9.0, -0.0823, -0.0415, 0.0, 0.0])
GAMMA = np.array([0.0] + [sum(1.0 / j for j in range(1, k + 1)) for k in range(1, MAX_ORDER + 2)])
ALPHA = (1.0 - KAPPA) * GAMMA
ERROR_CONST = KAPPA * GAMMA + 1.0 / np.arange(1, MAX_ORDER + 3)


@njit(cache=True)
def _grid_matrix(order, factor, r):
    """``r[i, j] = prod_{m=1..i} (m - 1 - factor j) / m`` (row 0 ones, column 0 zero below it)."""
    for j in range(order + 1):
        r[0, j] = 1.0
    for i in range(1, order + 1):
        r[i, 0] = 0.0
        for j in range(1, order + 1):
            r[i, j] = r[i - 1, j] * (i - 1 - factor * j) / i


@njit(cache=True)
def _rescale(d, order, factor, r, u, ru, tmp):
    """Differences of a grid of step h to those of step ``factor * h``, in place in ``d``."""
    _grid_matrix(order, factor, r)
    _grid_matrix(order, 1.0, u)
    k = order + 1
    for i in range(k):
        for j in range(k):
            s = 0.0
            for m in range(k):
                s += r[i, m] * u[m, j]
            ru[i, j] = s
    n = d.shape[1]
    for j in range(k):
        for c in range(n):
            s = 0.0
            for i in range(k):
                s += ru[i, j] * d[i, c]
            tmp[j, c] = s
    for j in range(k):
        for c in range(n):
            d[j, c] = tmp[j, c]


@njit(cache=True)
def _rms(v, inv_scale):
    """Root-mean-square of ``v * inv_scale`` (inv_scale = 1 / (atol + rtol |y|))."""
    acc = 0.0
    for i in range(v.size):
        x = v[i] * inv_scale[i]
        acc += x * x
    return math.sqrt(acc / v.size)


@njit(cache=True)
def _rms_row(d, row, inv_scale):
    acc = 0.0
    for i in range(inv_scale.size):
        x = d[row, i] * inv_scale[i]
        acc += x * x
    return math.sqrt(acc / inv_scale.size)


@njit(cache=True)
def _restart(d, y, f, h):
    d[:, :] = 0.0
    for i in range(y.size):
        d[0, i] = y[i]
        d[1, i] = f[i] * h


@njit(cache=True)
def integrate_member_bdf(w_factor, w_solve, rhs, jac, has_jac, y0, p, t_eval, ev_time, ev_index, ev_amount, rtol, atol,
                         h_max, max_steps, save_idx, out, stats, g_ptr, g_cols, c_ptr, r_idx, f_pos, lc_ptr, lc_rows,
                         ur_ptr, ur_cols, lr_ptr, lr_cols):
    """Integrate one parameter set over ``t_eval`` with the NDF; return a :class:`Status` code.

    Arguments as :func:`sim.solver.rodas4.integrate_member` (all pattern and LU-plan arrays given; ``w_factor`` and
    ``w_solve`` are :func:`~sim.solver.jacobian.factor_w` and :func:`~sim.solver.jacobian.solve_w` as function values).
    """
    n = y0.size
    d = np.zeros((MAX_ORDER + 3, n))
    tmp = np.empty((MAX_ORDER + 3, n))
    r = np.empty((MAX_ORDER + 1, MAX_ORDER + 1))
    u = np.empty((MAX_ORDER + 1, MAX_ORDER + 1))
    ru = np.empty((MAX_ORDER + 1, MAX_ORDER + 1))
    y = y0.copy()
    f = np.empty(n)
    fy = np.empty(n)
    f_pred = np.empty(n)
    y_pred = np.empty(n)
    yv = np.empty(n)
    dv = np.empty(n)
    dy = np.empty(n)
    psi = np.empty(n)
    scale = np.empty(n)
    ysave = np.empty(n)
    dinc = np.empty(n)
    jmat = np.zeros((n, n))
    wmat = np.zeros((n, n))
    piv = np.empty(n, dtype=np.int64)
    lower = np.empty(n * n + n + 1, dtype=np.int64)  # nonzeros of a dense LU's factors
    upper = np.empty(n * n + n + 1, dtype=np.int64)
    plan = f_pos  # the sparse-LU plan, while its pivots pass
    plan_misses = 0
    newton_tol = 0.03
    for i in range(n):
        newton_tol = min(newton_tol, math.sqrt(rtol[i]))
        newton_tol = max(newton_tol, 10.0 * UROUND / rtol[i])

    t = t_eval[0]
    t_end = t_eval[t_eval.size - 1]
    span = max(t_end - t, 1e-300)
    k_out = np.int64(0)
    e = np.int64(0)
    e, _ = apply_due(t, y, e, ev_time, ev_index, ev_amount)
    k_out = write_due(t, y, k_out, t_eval, save_idx, out)
    if k_out >= t_eval.size:
        return _SUCCESS

    rhs(t, y, p, f)
    stats[_RHS] += 1
    if not (all_finite(y) and all_finite(f)):
        return fail_rows(out, k_out, _NON_FINITE)
    h = min(initial_step(f, y, rtol, atol, span), h_max)
    restart = True
    order = 1
    n_equal = 0
    lu_ok = False
    dense = True
    jac_fresh = False
    n_singular = 0
    h_plan = h

    while t < t_end:
        seg_end = t_end
        if e < ev_time.size and ev_time[e] < t_end:
            seg_end = ev_time[e]
        if restart:
            # order 1 from (t, y): a fresh Jacobian, differences of the current step
            if has_jac:
                jac(t, y, p, jmat)
            else:
                stats[_RHS] += fd_jacobian(rhs, t, y, p, f, h, rtol, atol, g_ptr, g_cols, c_ptr, r_idx, ysave,
                                           dinc, fy, jmat)
            stats[_JAC] += 1
            jac_fresh = True
            order = 1
            n_equal = 0
            lu_ok = False
            _restart(d, y, f, h)
            restart = False
        while t < seg_end:
            if stats[_STEPS] + stats[_REJECTED] >= max_steps:
                return fail_rows(out, k_out, _MAX_STEPS)
            if h <= 10.0 * UROUND * abs(t):
                return fail_rows(out, k_out, _STEP_TOO_SMALL)
            last = False
            if t + 1.0001 * h >= seg_end:
                factor = (seg_end - t) / h
                if factor != 1.0:
                    _rescale(d, order, factor, r, u, ru, tmp)
                    lu_ok = False
                    n_equal = 0
                h_plan = h
                h = seg_end - t
                last = True
            t_new = seg_end if last else t + h
            c = h / ALPHA[order]
            inv_c = 1.0 / c
            inv_alpha = 1.0 / ALPHA[order]
            for i in range(n):
                s = d[0, i]
                q = 0.0
                for j in range(1, order + 1):
                    s += d[j, i]
                    q += GAMMA[j] * d[j, i]
                y_pred[i] = s
                psi[i] = q * inv_alpha
                scale[i] = 1.0 / (atol[i] + rtol[i] * abs(s))
            if not lu_ok:
                stats[_LU] += 1
                ok, dense = w_factor(jmat, inv_c, wmat, piv, plan, lc_ptr, lc_rows, ur_ptr, ur_cols, lower, upper)
                if plan.size > 0:
                    # a plan whose pivots keep failing is dropped for the rest of this member's run
                    plan_misses = plan_misses + 1 if dense else 0
                    if plan_misses >= PLAN_MISSES:
                        plan = f_pos[:0]
                if not ok:
                    n_singular += 1
                    if n_singular > 5:
                        return fail_rows(out, k_out, _SINGULAR)
                    _rescale(d, order, 0.5, r, u, ru, tmp)
                    h *= 0.5
                    n_equal = 0
                    continue
                n_singular = 0
                lu_ok = True

            # simplified Newton iteration for y = y_pred + dv
            converged = False
            pred_finite = False
            rate = -1.0
            dy_norm_old = 0.0
            n_iter = 0
            for i in range(n):
                yv[i] = y_pred[i]
                dv[i] = 0.0
            for it in range(NEWTON_MAXITER):
                n_iter = it + 1
                rhs(t_new, yv, p, fy)
                stats[_RHS] += 1
                if not all_finite(fy):
                    break
                if it == 0:
                    pred_finite = True
                    for i in range(n):
                        f_pred[i] = fy[i]
                for i in range(n):
                    dy[i] = fy[i] - (psi[i] + dv[i]) * inv_c
                w_solve(wmat, piv, dense, lr_ptr, lr_cols, ur_ptr, ur_cols, lower, upper, dy)
                dy_norm = _rms(dy, scale)
                if it > 0:
                    rate = dy_norm / dy_norm_old if dy_norm_old > 0.0 else 0.0
                    if rate >= 1.0 or rate ** (NEWTON_MAXITER - it) / (1.0 - rate) * dy_norm > newton_tol:
                        break
                for i in range(n):
                    yv[i] += dy[i]
                    dv[i] += dy[i]
                if dy_norm == 0.0 or (it > 0 and rate / (1.0 - rate) * dy_norm < newton_tol):
                    converged = True
                    break
                dy_norm_old = dy_norm

            if not converged:
                if not jac_fresh and pred_finite:
                    # the Jacobian is from an earlier step: renew it at the prediction and retry
                    if has_jac:
                        jac(t_new, y_pred, p, jmat)
                    else:
                        stats[_RHS] += fd_jacobian(rhs, t_new, y_pred, p, f_pred, h, rtol, atol, g_ptr, g_cols,
                                                   c_ptr, r_idx, ysave, dinc, fy, jmat)
                    stats[_JAC] += 1
                    jac_fresh = True
                    lu_ok = False
                    continue
                stats[_REJECTED] += 1
                _rescale(d, order, 0.5, r, u, ru, tmp)
                h *= 0.5
                n_equal = 0
                lu_ok = False
                continue

            safety = 0.9 * (2 * NEWTON_MAXITER + 1) / (2 * NEWTON_MAXITER + n_iter)
            for i in range(n):
                scale[i] = 1.0 / (atol[i] + rtol[i] * abs(yv[i]))
            err = ERROR_CONST[order] * _rms(dv, scale)
            if err > 1.0:
                stats[_REJECTED] += 1
                factor = max(MIN_FACTOR, safety * err ** (-1.0 / (order + 1)))
                _rescale(d, order, factor, r, u, ru, tmp)
                h *= factor
                n_equal = 0
                lu_ok = False
                continue

            # accepted: update the differences (D[0] becomes the new solution)
            stats[_STEPS] += 1
            jac_fresh = False
            for i in range(n):
                d[order + 2, i] = dv[i] - d[order + 1, i]
                d[order + 1, i] = dv[i]
            for j in range(order, -1, -1):
                for i in range(n):
                    d[j, i] += d[j + 1, i]
            while k_out < t_eval.size and t_eval[k_out] < seg_end and t_eval[k_out] <= t_new:
                # Newton backward-difference interpolant: y(t_new + s h) = sum_j D[j] prod_{m<j} (s + m) / (m + 1)
                s_out = (t_eval[k_out] - t_new) / h
                prod = 1.0
                for i in range(n):
                    yv[i] = d[0, i]
                for m in range(order):
                    prod *= (s_out + m) / (m + 1)
                    for i in range(n):
                        yv[i] += d[m + 1, i] * prod
                for jj in range(save_idx.size):
                    out[k_out, jj] = yv[save_idx[jj]]
                k_out += 1
            t = t_new
            for i in range(n):
                y[i] = d[0, i]
            if not all_finite(y):
                return fail_rows(out, k_out, _NON_FINITE)

            n_equal += 1
            if n_equal < order + 1:
                continue
            # order and step size for what follows
            err_m = _rms_row(d, order, scale) * ERROR_CONST[order - 1] if order > 1 else math.inf
            err_p = _rms_row(d, order + 2, scale) * ERROR_CONST[order + 1] if order < MAX_ORDER else math.inf
            best = err ** (-1.0 / (order + 1)) if err > 0.0 else math.inf
            delta = 0
            f_m = err_m ** (-1.0 / order) if err_m > 0.0 else math.inf
            if f_m > best:
                best = f_m
                delta = -1
            f_p = err_p ** (-1.0 / (order + 2)) if err_p > 0.0 else math.inf
            if f_p > best:
                best = f_p
                delta = 1
            order += delta
            factor = min(MAX_FACTOR, safety * best, h_max / h)
            _rescale(d, order, factor, r, u, ru, tmp)
            h *= factor
            n_equal = 0
            lu_ok = False

        # at seg_end: apply the events due, write outputs due, restart at order 1
        t = seg_end
        e, changed = apply_due(t, y, e, ev_time, ev_index, ev_amount)
        k_out = write_due(t, y, k_out, t_eval, save_idx, out)
        if changed:
            rhs(t, y, p, f)
            stats[_RHS] += 1
            if not (all_finite(y) and all_finite(f)):
                return fail_rows(out, k_out, _NON_FINITE)
            h = min(max(h, h_plan), initial_step(f, y, rtol, atol, span), h_max)
            restart = True
    return _SUCCESS


# Kept in this file so that numba's on-disk cache, keyed on this file, sees every kernel change.
# Plain functions, compiled on first use by kernel(): a run that never needs one never compiles it.
def _solve_all_bdf_parallel(member, factor, solve, rhs, jac, has_jac, autonomous, y0, params, t_eval, ev_time,
                            ev_index, ev_amount, rtol, atol, h_max, max_steps, save_idx, out, stats, status, group_ptr,
                            group_cols, col_ptr, row_idx, fill_pos, lcol_ptr, lcol_rows, urow_ptr, urow_cols, lrow_ptr,
                            lrow_cols):
    for m in prange(y0.shape[0]):
        status[m] = member(factor, solve, rhs, jac, has_jac, y0[m], params[m], t_eval, ev_time[m], ev_index[m],
                           ev_amount[m], rtol, atol, h_max, max_steps, save_idx, out[m], stats[m], group_ptr,
                           group_cols, col_ptr, row_idx, fill_pos, lcol_ptr, lcol_rows, urow_ptr, urow_cols, lrow_ptr,
                           lrow_cols)


def _solve_all_bdf_serial(member, factor, solve, rhs, jac, has_jac, autonomous, y0, params, t_eval, ev_time, ev_index,
                          ev_amount, rtol, atol, h_max, max_steps, save_idx, out, stats, status, group_ptr, group_cols,
                          col_ptr, row_idx, fill_pos, lcol_ptr, lcol_rows, urow_ptr, urow_cols, lrow_ptr, lrow_cols):
    for m in range(y0.shape[0]):
        status[m] = member(factor, solve, rhs, jac, has_jac, y0[m], params[m], t_eval, ev_time[m], ev_index[m],
                           ev_amount[m], rtol, atol, h_max, max_steps, save_idx, out[m], stats[m], group_ptr,
                           group_cols, col_ptr, row_idx, fill_pos, lcol_ptr, lcol_rows, urow_ptr, urow_cols, lrow_ptr,
                           lrow_cols)


# integrate_member_bdf reaches the kernels as a function value, compiled once (see sim.solver.rodas4)
MEMBER_SIGNATURE = types.int64(types.FunctionType(FACTOR_SIGNATURE), types.FunctionType(SOLVE_SIGNATURE),
                               RHS_TYPE, JAC_TYPE, types.boolean, F8_1D, F8_1D, F8_1D, F8_1D, I8_1D, F8_1D, F8_1D,
                               F8_1D, types.float64, types.int64, I8_1D, F8_2D, I8_1D, *([I8_1D] * 11))
KERNEL_SIGNATURE = types.void(types.FunctionType(MEMBER_SIGNATURE), types.FunctionType(FACTOR_SIGNATURE),
                              types.FunctionType(SOLVE_SIGNATURE), *ENSEMBLE_SIGNATURE.args)
_KERNELS = {}


def kernel(parallel: bool):
    """The NDF ensemble kernel, compiled (or loaded from numba's cache) on first use; see
    :func:`sim.solver.rodas4.kernel`."""
    if parallel not in _KERNELS:
        f = _solve_all_bdf_parallel if parallel else _solve_all_bdf_serial
        factor_w.compile(FACTOR_SIGNATURE)
        solve_w.compile(SOLVE_SIGNATURE)
        integrate_member_bdf.compile(MEMBER_SIGNATURE)
        compiled = njit(KERNEL_SIGNATURE, parallel=parallel, cache=True)(f)
        _KERNELS[parallel] = functools.partial(compiled, integrate_member_bdf, factor_w, solve_w)
    return _KERNELS[parallel]
