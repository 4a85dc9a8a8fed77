"""RODAS4: a stiffly accurate, L-stable Rosenbrock method of order 4 (embedded order 3).

One member of an ensemble is integrated by :func:`integrate_member`, a pure kernel: arrays in,
arrays out, no allocation visible to the caller, no I/O. Dose events split the time axis into
segments; the integration restarts at each event, so no discontinuity falls inside a step.
Output at the requested times uses the method's own third-order dense output.

Stage equations (Hairer & Wanner form, W = I/(h*gamma) - J, J and df/dt taken at the step start)::

    W k_i = f(t + c_i h, y + sum_j a_ij k_j) + sum_j (c_ij / h) k_j + h d_i df/dt
    y_new = y + a51 k1 + a52 k2 + a53 k3 + a54 k4 + k5 + k6,    error estimate = k6

Step-size control is rodas.f's: factor bounds 0.2..6, safety 0.9, exponent 1/4, with Gustafsson's
predictive controller, no growth right after a rejection, and the Jacobian reused on rejection.

References
----------
Hairer E, Wanner G (1996) Solving Ordinary Differential Equations II, 2nd ed., Springer, sec. IV.7
(method RODAS, coefficient set of p. 452, as in the authors' rodas.f of 28 Oct 1996, ROCOE set 1).
Gustafsson K (1994) Control-theoretic techniques for stepsize selection in implicit Runge-Kutta
methods. ACM TOMS 20:496-517.
"""

import functools
import math

import numpy as np
from numba import njit, prange, types

from sim.solver.jacobian import FACTOR_SIGNATURE, PLAN_MISSES, SOLVE_SIGNATURE, factor_w, fd_jacobian, solve_w
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

GAMMA = 0.25
C2, C3, C4 = 0.386, 0.21, 0.63
D1, D2, D3, D4 = 0.25, -0.1043, 0.1035, -0.03620000000000023
A21 = 1.544
A31, A32 = 0.9466785280815826, 0.2557011698983284
A41, A42, A43 = 3.314825187068521, 2.896124015972201, 0.9986419139977817
A51, A52, A53, A54 = 1.221224509226641, 6.019134481288629, 12.53708332932087, -0.6878860361058950
C21 = -5.6688
C31, C32 = -2.430093356833875, -0.2063599157091915
C41, C42, C43 = -0.1073529058151375, -9.594562251023355, -20.47028614809616
C51, C52, C53, C54 = 7.496443313967647, -10.24680431464352, -33.99990352819905, 11.70890893206160
C61, C62, C63, C64, C65 = (8.083246795921522, -7.981132988064893, -31.52159432874371,
                           16.31930543123136, -6.058818238834054)
# Dense output: y(s) = y0 (1 - s) + s (y1 + (1 - s) (q1 + s q2)), q1 = sum D2j k_j, q2 = sum D3j k_j.
E21, E22, E23, E24, E25 = (10.12623508344586, -7.487995877610167, -34.80091861555747,
                           -7.992771707568823, 1.025137723295662)
E31, E32, E33, E34, E35 = (-0.6762803392801253, 6.087714651680015, 16.43084320892478,
                           24.76722511418386, -6.594389125716872)

SAFETY = 0.9
FAC_MIN = 1.0 / 6.0  # fac = h / h_new is bounded to [1/6, 5]: 0.2 <= h_new / h <= 6
FAC_MAX = 5.0
UROUND = 2.220446049250313e-16

# stats columns (see sim.solver.status.STAT_FIELDS)
_STEPS, _REJECTED, _RHS, _JAC, _LU = 0, 1, 2, 3, 4


@njit(cache=True)
def _error_norm(err, y, ynew, rtol, atol):
    n = err.size
    acc = 0.0
    for i in range(n):
        sk = atol[i] + rtol[i] * max(abs(y[i]), abs(ynew[i]))
        v = err[i] / sk
        acc += v * v
    return math.sqrt(acc / n)


@njit(cache=True)
def integrate_member(factor, solve, rhs, jac, has_jac, autonomous, y0, p, t_eval, ev_time, ev_index, ev_amount,
                     rtol, atol, h_max, max_steps, save_idx, out, stats, group_ptr=None, group_cols=None,
                     col_ptr=None, row_idx=None, fill_pos=None, lcol_ptr=None, lcol_rows=None, urow_ptr=None,
                     urow_cols=None, lrow_ptr=None, lrow_cols=None):
    """Integrate one parameter set over ``t_eval``; return a :class:`Status` code.

    Parameters
    ----------
    factor, solve : :func:`sim.solver.jacobian.factor_w` and :func:`~sim.solver.jacobian.solve_w`, as function
        values (compiled once, not re-optimised inside this function: see ``FACTOR_TYPE``)
    rhs, jac : first-class njit functions (see ``sim.solver.signatures``)
    has_jac : bool, use ``jac`` (else a forward-difference Jacobian)
    autonomous : bool, skip the df/dt term (the RHS does not depend on t)
    y0 : (n,) initial state at ``t_eval[0]``;  p : (n_par,) parameters
    t_eval : (T,) increasing output times; integration runs from t_eval[0] to t_eval[-1]
    ev_time, ev_index, ev_amount : (E,) events sorted by time: ``y[ev_index] += ev_amount`` at
        ``ev_time``; entries with time = +inf are padding. Outputs at a time t include every event
        with time <= t.
    rtol, atol : (n,) tolerances;  h_max : largest step (inf for none);  max_steps : step budget
    save_idx : (k,) state indices to store;  out : (T, k) output, written here
    stats : (5,) int64 counters, incremented here (steps, rejected, rhs, jac, lu)
    group_ptr, group_cols : column groups of the forward-difference Jacobian (Curtis, Powell &
        Reid 1974): the columns of group g are ``group_cols[group_ptr[g]:group_ptr[g + 1]]``; they
        share no nonzero row, so one RHS call perturbing all of them gives all their columns.
    col_ptr, row_idx : the Jacobian's sparsity pattern by columns: the rows where column j may be
        nonzero are ``row_idx[col_ptr[j]:col_ptr[j + 1]]``. Other entries of J are taken as zero.
        All four None (the default): dense, one column per group (the same arithmetic).
    fill_pos, lcol_ptr, lcol_rows, urow_ptr, urow_cols, lrow_ptr, lrow_cols : the sparse-LU plan of
        ``W = I/(h gamma) - J`` (:func:`sim.solver.sparsity.lu_plan`); W is then assembled and
        factored on its fill pattern only, falling back to dense partial pivoting for a step whose
        diagonal pivot fails the threshold test. None or empty ``fill_pos``: dense LU throughout.
    """
    n = y0.size
    if group_ptr is None:
        g_ptr = np.arange(n + 1)
        g_cols = np.arange(n)
        c_ptr = np.arange(n + 1) * n
        r_idx = np.empty(n * n, dtype=np.int64)
        for j in range(n):
            for i in range(n):
                r_idx[j * n + i] = i
    else:
        g_ptr = group_ptr
        g_cols = group_cols
        c_ptr = col_ptr
        r_idx = row_idx
    if fill_pos is None:
        f_pos = np.empty(0, dtype=np.int64)
        lc_ptr = np.zeros(1, dtype=np.int64)
        lc_rows = np.empty(0, dtype=np.int64)
        ur_ptr = np.zeros(1, dtype=np.int64)
        ur_cols = np.empty(0, dtype=np.int64)
        lr_ptr = np.zeros(1, dtype=np.int64)
        lr_cols = np.empty(0, dtype=np.int64)
    else:
        f_pos = fill_pos
        lc_ptr = lcol_ptr
        lc_rows = lcol_rows
        ur_ptr = urow_ptr
        ur_cols = urow_cols
        lr_ptr = lrow_ptr
        lr_cols = lrow_cols
    ysave = np.empty(n)
    dinc = np.empty(n)
    n_out = t_eval.size
    n_ev = ev_time.size
    y = y0.copy()
    ynew = np.empty(n)
    yarg = np.empty(n)
    f0 = np.empty(n)
    fy = np.empty(n)
    ft = np.zeros(n)
    k1 = np.empty(n)
    k2 = np.empty(n)
    k3 = np.empty(n)
    k4 = np.empty(n)
    k5 = np.empty(n)
    k6 = np.empty(n)
    q1 = np.empty(n)
    q2 = np.empty(n)
    jmat = np.zeros((n, n))
    wmat = np.zeros((n, n))
    piv = np.empty(n, dtype=np.int64)
    lower = np.empty(n * n + n + 1, dtype=np.int64)  # nonzeros of a dense LU's factors
    upper = np.empty(n * n + n + 1, dtype=np.int64)
    plan = f_pos  # the sparse-LU plan, while its pivots pass
    plan_misses = 0

    t = t_eval[0]
    t_end = t_eval[n_out - 1]
    span = max(t_end - t, 1e-300)
    k_out = np.int64(0)
    e = np.int64(0)
    e, _ = apply_due(t, y, e, ev_time, ev_index, ev_amount)
    k_out = write_due(t, y, k_out, t_eval, save_idx, out)
    if k_out >= n_out:
        return _SUCCESS

    rhs(t, y, p, f0)
    stats[_RHS] += 1
    if not (all_finite(y) and all_finite(f0)):
        return fail_rows(out, k_out, _NON_FINITE)
    h = min(initial_step(f0, y, rtol, atol, span), h_max)
    h_acc = h
    err_acc = 1.0
    n_accepted_total = 0

    while t < t_end:
        seg_end = t_end
        if e < n_ev and ev_time[e] < t_end:
            seg_end = ev_time[e]
        reject_prev = False
        while t < seg_end:
            if stats[_STEPS] + stats[_REJECTED] >= max_steps:
                return fail_rows(out, k_out, _MAX_STEPS)
            if 0.1 * abs(h) <= abs(t) * UROUND:
                return fail_rows(out, k_out, _STEP_TOO_SMALL)
            h_plan = h
            last = False
            if t + 1.0001 * h >= seg_end:
                h = seg_end - t
                last = True
            # Jacobian and df/dt at (t, y); reused if the step is rejected.
            if has_jac:
                jac(t, y, p, jmat)
            else:
                stats[_RHS] += fd_jacobian(rhs, t, y, p, f0, h, rtol, atol, g_ptr, g_cols, c_ptr, r_idx, ysave,
                                           dinc, fy, jmat)
            stats[_JAC] += 1
            if not autonomous:
                delta = math.sqrt(UROUND * max(1e-5, abs(t)))
                rhs(t + delta, y, p, fy)
                stats[_RHS] += 1
                for i in range(n):
                    ft[i] = (fy[i] - f0[i]) / delta

            n_singular = 0
            while True:
                fac = 1.0 / (h * GAMMA)
                stats[_LU] += 1
                ok, dense = factor(jmat, fac, wmat, piv, plan, lc_ptr, lc_rows, ur_ptr, ur_cols, lower, upper)
                if plan.size > 0:
                    # a plan whose pivots keep failing is dropped for the rest of this member's run
                    plan_misses = plan_misses + 1 if dense else 0
                    if plan_misses >= PLAN_MISSES:
                        plan = f_pos[:0]
                if not ok:
                    n_singular += 1
                    if n_singular > 5:
                        return fail_rows(out, k_out, _SINGULAR)
                    h *= 0.5
                    last = False
                    continue
                inv_h = 1.0 / h
                # stage 1
                hd = h * D1
                for i in range(n):
                    k1[i] = f0[i] + hd * ft[i]
                solve(wmat, piv, dense, lr_ptr, lr_cols, ur_ptr, ur_cols, lower, upper, k1)
                # stage 2
                for i in range(n):
                    yarg[i] = y[i] + A21 * k1[i]
                rhs(t + C2 * h, yarg, p, fy)
                hd = h * D2
                for i in range(n):
                    k2[i] = fy[i] + hd * ft[i] + (C21 * k1[i]) * inv_h
                solve(wmat, piv, dense, lr_ptr, lr_cols, ur_ptr, ur_cols, lower, upper, k2)
                # stage 3
                for i in range(n):
                    yarg[i] = y[i] + A31 * k1[i] + A32 * k2[i]
                rhs(t + C3 * h, yarg, p, fy)
                hd = h * D3
                for i in range(n):
                    k3[i] = fy[i] + hd * ft[i] + (C31 * k1[i] + C32 * k2[i]) * inv_h
                solve(wmat, piv, dense, lr_ptr, lr_cols, ur_ptr, ur_cols, lower, upper, k3)
                # stage 4
                for i in range(n):
                    yarg[i] = y[i] + A41 * k1[i] + A42 * k2[i] + A43 * k3[i]
                rhs(t + C4 * h, yarg, p, fy)
                hd = h * D4
                for i in range(n):
                    k4[i] = fy[i] + hd * ft[i] + (C41 * k1[i] + C42 * k2[i] + C43 * k3[i]) * inv_h
                solve(wmat, piv, dense, lr_ptr, lr_cols, ur_ptr, ur_cols, lower, upper, k4)
                # stage 5 (at t + h)
                for i in range(n):
                    yarg[i] = y[i] + A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]
                rhs(t + h, yarg, p, fy)
                for i in range(n):
                    k5[i] = fy[i] + (C51 * k1[i] + C52 * k2[i] + C53 * k3[i] + C54 * k4[i]) * inv_h
                solve(wmat, piv, dense, lr_ptr, lr_cols, ur_ptr, ur_cols, lower, upper, k5)
                # stage 6 at the embedded solution
                for i in range(n):
                    yarg[i] += k5[i]
                rhs(t + h, yarg, p, fy)
                for i in range(n):
                    k6[i] = fy[i] + (C61 * k1[i] + C62 * k2[i] + C63 * k3[i] + C64 * k4[i]
                                     + C65 * k5[i]) * inv_h
                solve(wmat, piv, dense, lr_ptr, lr_cols, ur_ptr, ur_cols, lower, upper, k6)
                for i in range(n):
                    ynew[i] = yarg[i] + k6[i]
                stats[_RHS] += 5

                err = _error_norm(k6, y, ynew, rtol, atol)
                if not (err < math.inf):  # NaN or inf: shrink hard and retry
                    stats[_REJECTED] += 1
                    h *= 0.2
                    last = False
                    reject_prev = True
                    if abs(h) <= abs(t) * UROUND or stats[_STEPS] + stats[_REJECTED] >= max_steps:
                        return fail_rows(out, k_out, _NON_FINITE)
                    continue
                fac = max(FAC_MIN, min(FAC_MAX, err ** 0.25 / SAFETY))
                h_new = h / fac
                if err <= 1.0:
                    break
                # rejected: same Jacobian, smaller step
                stats[_REJECTED] += 1
                reject_prev = True
                h = h_new
                last = False
                if t + 1.0001 * h >= seg_end:
                    h = seg_end - t
                    last = True
                if stats[_STEPS] + stats[_REJECTED] >= max_steps:
                    return fail_rows(out, k_out, _MAX_STEPS)

            # accepted step from t to t_new
            stats[_STEPS] += 1
            n_accepted_total += 1
            t_new = seg_end if last else t + h
            if k_out < n_out and t_eval[k_out] < seg_end and t_eval[k_out] <= t_new:
                for i in range(n):
                    q1[i] = E21 * k1[i] + E22 * k2[i] + E23 * k3[i] + E24 * k4[i] + E25 * k5[i]
                    q2[i] = E31 * k1[i] + E32 * k2[i] + E33 * k3[i] + E34 * k4[i] + E35 * k5[i]
                while k_out < n_out and t_eval[k_out] < seg_end and t_eval[k_out] <= t_new:
                    s = (t_eval[k_out] - t) * inv_h
                    for j in range(save_idx.size):
                        i = save_idx[j]
                        out[k_out, j] = y[i] * (1.0 - s) + s * (ynew[i] + (1.0 - s) * (q1[i] + s * q2[i]))
                    k_out += 1
            if n_accepted_total > 1:
                fac_gus = (h_acc / h) * (err * err / err_acc) ** 0.25 / SAFETY
                fac_gus = max(FAC_MIN, min(FAC_MAX, fac_gus))
                fac = max(fac, fac_gus)
                h_new = h / fac
            h_acc = h
            err_acc = max(1e-2, err)
            for i in range(n):
                y[i] = ynew[i]
            t = t_new
            if not all_finite(y):
                return fail_rows(out, k_out, _NON_FINITE)
            rhs(t, y, p, f0)
            stats[_RHS] += 1
            if reject_prev:
                h_new = min(h_new, h)
            reject_prev = False
            h = min(h_new, h_max)
            if last:
                h = min(max(h, h_plan), h_max)

        # at seg_end: apply the events due, write outputs due, restart
        t = seg_end
        e, changed = apply_due(t, y, e, ev_time, ev_index, ev_amount)
        k_out = write_due(t, y, k_out, t_eval, save_idx, out)
        if changed:
            rhs(t, y, p, f0)
            stats[_RHS] += 1
            h = min(h, initial_step(f0, y, rtol, atol, span), h_max)
            n_accepted_total = 0
    return _SUCCESS


# Kept in this file so that numba's on-disk cache, keyed on this file, sees every kernel change.
# Plain functions, compiled on first use by kernel(): a run that never needs one never compiles it.
def _solve_all_parallel(member, factor, solve, rhs, jac, has_jac, autonomous, y0, params, t_eval, ev_time, ev_index,
                        ev_amount, rtol, atol, h_max, max_steps, save_idx, out, stats, status, group_ptr, group_cols,
                        col_ptr, row_idx, fill_pos, lcol_ptr, lcol_rows, urow_ptr, urow_cols, lrow_ptr, lrow_cols):
    for m in prange(y0.shape[0]):
        status[m] = member(factor, solve, rhs, jac, has_jac, autonomous, y0[m], params[m], t_eval, ev_time[m],
                                     ev_index[m], ev_amount[m], rtol, atol, h_max, max_steps, save_idx,
                                     out[m], stats[m], group_ptr, group_cols, col_ptr, row_idx, fill_pos, lcol_ptr,
                                     lcol_rows, urow_ptr, urow_cols, lrow_ptr, lrow_cols)


def _solve_all_serial(member, factor, solve, rhs, jac, has_jac, autonomous, y0, params, t_eval, ev_time, ev_index,
                      ev_amount, rtol, atol, h_max, max_steps, save_idx, out, stats, status, group_ptr, group_cols,
                      col_ptr, row_idx, fill_pos, lcol_ptr, lcol_rows, urow_ptr, urow_cols, lrow_ptr, lrow_cols):
    for m in range(y0.shape[0]):
        status[m] = member(factor, solve, rhs, jac, has_jac, autonomous, y0[m], params[m], t_eval, ev_time[m],
                                     ev_index[m], ev_amount[m], rtol, atol, h_max, max_steps, save_idx,
                                     out[m], stats[m], group_ptr, group_cols, col_ptr, row_idx, fill_pos, lcol_ptr,
                                     lcol_rows, urow_ptr, urow_cols, lrow_ptr, lrow_cols)


# integrate_member reaches the kernels as a function value (not a direct call): numba then compiles it once,
# instead of compiling it and again re-optimising and re-emitting all of its machine code inside each kernel
MEMBER_SIGNATURE = types.int64(types.FunctionType(FACTOR_SIGNATURE), types.FunctionType(SOLVE_SIGNATURE),
                               RHS_TYPE, JAC_TYPE, types.boolean, types.boolean, F8_1D, F8_1D, F8_1D, F8_1D, I8_1D,
                               F8_1D, F8_1D, F8_1D, types.float64, types.int64, I8_1D, F8_2D, I8_1D,
                               *([I8_1D] * 11))
KERNEL_SIGNATURE = types.void(types.FunctionType(MEMBER_SIGNATURE), types.FunctionType(FACTOR_SIGNATURE),
                              types.FunctionType(SOLVE_SIGNATURE), *ENSEMBLE_SIGNATURE.args)
_KERNELS = {}


def kernel(parallel: bool):
    """The ensemble kernel, compiled (or loaded from numba's cache) on first use: ``parallel`` splits the
    members over numba's threads (``prange``), otherwise one thread integrates them in order (the same
    arithmetic per member, so the same numbers)."""
    if parallel not in _KERNELS:
        f = _solve_all_parallel if parallel else _solve_all_serial
        factor_w.compile(FACTOR_SIGNATURE)
        solve_w.compile(SOLVE_SIGNATURE)
        integrate_member.compile(MEMBER_SIGNATURE)
        compiled = njit(KERNEL_SIGNATURE, parallel=parallel, cache=True)(f)
        _KERNELS[parallel] = functools.partial(compiled, integrate_member, factor_w, solve_w)
    return _KERNELS[parallel]


@njit(cache=True)  # compiled (for JAC_SIGNATURE) only when a solve has no Jacobian: not at import
def no_jacobian(t, y, p, jmat):  # placeholder when the model supplies none
    jmat[:, :] = 0.0
