"""RODAS4 on a CUDA GPU: one ensemble member per GPU thread (``solve_ensemble(..., backend="cuda")``).

The GPU runs the same right-hand side as the CPU: the model's generated ``rhs(t, y, p, dydt)`` and,
where given, its Jacobian ``jac(t, y, p, J)`` are compiled from their own Python source as CUDA device
functions (``cuda.jit(device=True)(f.py_func)``); the mechanism fragments they call are ``@njit``
functions, which numba's CUDA target compiles as device functions too. Nothing model-specific is
written twice.

Each thread integrates one member with the method of :mod:`sim.solver.rodas4` (coefficients, error norm,
step-size controller with Gustafsson's predictive step, dose events as restarts, third-order dense
output at the requested times); the differences are those a GPU thread needs:

- every work array is a per-thread local array of a size fixed when the kernel is built for a model
  (states n, parameters p), including the dense n x n Jacobian and its LU factors (partial pivoting);
- the Jacobian's sparsity pattern and the sparse-LU plan of the CPU path are not used (dense LU
  throughout, which is the CPU path's own fallback), so results agree with the CPU path within the
  tolerances, not bit for bit.

Without a GPU, numba's CUDA simulator (``NUMBA_ENABLE_CUDASIM=1`` set before numba is imported) runs
the same kernel in Python threads: slow, for tests of a few members only.

Reference: Hairer E, Wanner G (1996) Solving Ordinary Differential Equations II, sec. IV.7 (RODAS);
one-thread-per-member kernels as in DiffEqGPU.jl (Utkarsh et al. 2024, Comput Methods Appl Mech Eng
417:116591).
"""

from __future__ import annotations

import math

import numpy as np
from numba import float64, int64

from sim.gpu import unavailable_reason
from sim.solver import rodas4 as R
from sim.solver.status import STAT_FIELDS, Status

try:  # module-level name: numba's simulator swaps a kernel's global ``cuda`` for its own
    from numba import cuda
except Exception:  # noqa: BLE001 - unavailable_reason() says why
    cuda = None

THREADS_PER_BLOCK = 64


_KERNELS: dict = {}


def _device(f):
    """The CUDA device function compiled from the njit function ``f``'s own Python source."""
    return cuda.jit(device=True)(getattr(f, "py_func", f))


def kernel_for(rhs, jac, autonomous: bool, n: int, n_par: int):
    """The kernel for this model (cached per rhs, jac, autonomy and sizes)."""
    key = (rhs, jac, bool(autonomous), n, n_par)
    if key not in _KERNELS:
        _KERNELS[key] = _build(rhs, jac, bool(autonomous), n, n_par)
    return _KERNELS[key]


def _build(rhs, jac, autonomous, n, n_par):  # noqa: C901 - one integrator, kept in one piece like rodas4's
    rhs_dev = _device(rhs)
    has_jac = jac is not None
    N = n  # noqa: N806 - compile-time sizes of the local arrays
    NP = max(n_par, 1)  # noqa: N806
    SUCCESS, MAX_STEPS, TOO_SMALL = int(Status.SUCCESS), int(Status.MAX_STEPS), int(Status.STEP_TOO_SMALL)  # noqa: N806
    SINGULAR, NON_FINITE = int(Status.SINGULAR_MATRIX), int(Status.NON_FINITE)  # noqa: N806
    UROUND = R.UROUND  # noqa: N806
    SQRT_UROUND = math.sqrt(UROUND)  # noqa: N806
    GAMMA, C2, C3, C4, D1, D2, D3, D4 = R.GAMMA, R.C2, R.C3, R.C4, R.D1, R.D2, R.D3, R.D4  # noqa: N806
    A21, A31, A32, A41, A42, A43 = R.A21, R.A31, R.A32, R.A41, R.A42, R.A43  # noqa: N806
    A51, A52, A53, A54 = R.A51, R.A52, R.A53, R.A54  # noqa: N806
    C21, C31, C32, C41, C42, C43 = R.C21, R.C31, R.C32, R.C41, R.C42, R.C43  # noqa: N806
    C51, C52, C53, C54 = R.C51, R.C52, R.C53, R.C54  # noqa: N806
    C61, C62, C63, C64, C65 = R.C61, R.C62, R.C63, R.C64, R.C65  # noqa: N806
    E21, E22, E23, E24, E25 = R.E21, R.E22, R.E23, R.E24, R.E25  # noqa: N806
    E31, E32, E33, E34, E35 = R.E31, R.E32, R.E33, R.E34, R.E35  # noqa: N806
    SAFETY, FAC_MIN, FAC_MAX = R.SAFETY, R.FAC_MIN, R.FAC_MAX  # noqa: N806

    if has_jac:
        jac_dev = _device(jac)
    else:
        @cuda.jit(device=True)
        def jac_dev(t, y, p, jmat):  # never called: forward differences instead
            for i in range(N):
                for j in range(N):
                    jmat[i, j] = 0.0

    @cuda.jit(device=True)
    def error_norm(err, y, ynew, rtol, atol):
        acc = 0.0
        for i in range(N):
            sk = atol[i] + rtol[i] * max(abs(y[i]), abs(ynew[i]))
            v = err[i] / sk
            acc += v * v
        return math.sqrt(acc / N)

    @cuda.jit(device=True)
    def finite(v):
        for i in range(N):
            if not math.isfinite(v[i]):
                return False
        return True

    @cuda.jit(device=True)
    def initial_step(f0, y, rtol, atol, span):
        d0 = 0.0
        d1 = 0.0
        for i in range(N):
            sk = atol[i] + rtol[i] * abs(y[i])
            d0 += (y[i] / sk) ** 2
            d1 += (f0[i] / sk) ** 2
        d0 = math.sqrt(d0 / N)
        d1 = math.sqrt(d1 / N)
        if d0 < 1e-5 or d1 < 1e-5:
            h = 1e-6 * span
        else:
            h = 0.01 * d0 / d1
        return min(max(h, 1e-12 * span), span)

    @cuda.jit(device=True)
    def lu_factor(a, piv):
        for k in range(N):
            p = k
            big = abs(a[k, k])
            for i in range(k + 1, N):
                v = abs(a[i, k])
                if v > big:
                    big = v
                    p = i
            piv[k] = p
            if big == 0.0:
                return False
            if p != k:
                for j in range(N):
                    tmp = a[k, j]
                    a[k, j] = a[p, j]
                    a[p, j] = tmp
            inv = 1.0 / a[k, k]
            for i in range(k + 1, N):
                a[i, k] *= inv
                lik = a[i, k]
                if lik != 0.0:
                    for j in range(k + 1, N):
                        a[i, j] -= lik * a[k, j]
        return True

    @cuda.jit(device=True)
    def lu_solve(lu, piv, b):
        for k in range(N):
            p = piv[k]
            if p != k:
                tmp = b[k]
                b[k] = b[p]
                b[p] = tmp
        for i in range(N):
            s = b[i]
            for j in range(i):
                s -= lu[i, j] * b[j]
            b[i] = s
        for i in range(N - 1, -1, -1):
            s = b[i]
            for j in range(i + 1, N):
                s -= lu[i, j] * b[j]
            b[i] = s / lu[i, i]

    @cuda.jit(device=True)
    def fd_jacobian(t, y, p, f0, h, rtol, atol, fy, jmat):
        """Forward differences, one column per RHS call (LSODE's increments, as in sim.solver.jacobian)."""
        fnorm = 0.0
        for i in range(N):
            fnorm += (f0[i] / (atol[i] + rtol[i] * abs(y[i]))) ** 2
        r0 = 1000.0 * abs(h) * UROUND * N * math.sqrt(fnorm / N)
        if r0 == 0.0:
            r0 = 1.0
        for j in range(N):
            yj = y[j]
            delta = max(SQRT_UROUND * max(abs(yj), atol[j] / rtol[j]), r0 * (atol[j] + rtol[j] * abs(yj)))
            y[j] = yj + delta
            rhs_dev(t, y, p, fy)
            y[j] = yj
            for i in range(N):
                jmat[i, j] = (fy[i] - f0[i]) / delta
        return N

    @cuda.jit(device=True)
    def member(m, y0, params, t_eval, ev_time, ev_index, ev_amount, rtol_g, atol_g, h_max, max_steps, save_idx,
               out, stats):
        """Integrate member ``m``; returns (status, first output row not written)."""
        y = cuda.local.array(N, float64)
        ynew = cuda.local.array(N, float64)
        yarg = cuda.local.array(N, float64)
        f0 = cuda.local.array(N, float64)
        fy = cuda.local.array(N, float64)
        ft = cuda.local.array(N, float64)
        k1 = cuda.local.array(N, float64)
        k2 = cuda.local.array(N, float64)
        k3 = cuda.local.array(N, float64)
        k4 = cuda.local.array(N, float64)
        k5 = cuda.local.array(N, float64)
        k6 = cuda.local.array(N, float64)
        rtol = cuda.local.array(N, float64)
        atol = cuda.local.array(N, float64)
        p = cuda.local.array(NP, float64)
        jmat = cuda.local.array((N, N), float64)
        wmat = cuda.local.array((N, N), float64)
        piv = cuda.local.array(N, int64)
        for i in range(N):
            y[i] = y0[m, i]
            rtol[i] = rtol_g[i]
            atol[i] = atol_g[i]
            ft[i] = 0.0
            for j in range(N):
                jmat[i, j] = 0.0
        for i in range(params.shape[1]):
            p[i] = params[m, i]
        n_out = t_eval.size
        n_ev = ev_time.shape[1]
        n_save = save_idx.size
        n_steps = 0
        n_rej = 0
        n_rhs = 0
        n_jac = 0
        n_lu = 0

        t = t_eval[0]
        t_end = t_eval[n_out - 1]
        span = max(t_end - t, 1e-300)
        k_out = 0
        e = 0
        while e < n_ev and ev_time[m, e] <= t:
            y[ev_index[m, e]] += ev_amount[m, e]
            e += 1
        while k_out < n_out and t_eval[k_out] <= t:
            for j in range(n_save):
                out[m, k_out, j] = y[save_idx[j]]
            k_out += 1
        code = SUCCESS
        if k_out < n_out:
            rhs_dev(t, y, p, f0)
            n_rhs += 1
            if not (finite(y) and finite(f0)):
                code = NON_FINITE
        h = min(initial_step(f0, y, rtol, atol, span), h_max) if code == SUCCESS else 0.0
        h_acc = h
        err_acc = 1.0
        n_accepted_total = 0
        inv_h = 0.0
        err = 0.0
        fac = 1.0
        h_new = h

        while code == SUCCESS and k_out < n_out and t < t_end:
            seg_end = t_end
            if e < n_ev and ev_time[m, e] < t_end:
                seg_end = ev_time[m, e]
            reject_prev = False
            while code == SUCCESS and t < seg_end:
                if n_steps + n_rej >= max_steps:
                    code = MAX_STEPS
                    break
                if 0.1 * abs(h) <= abs(t) * UROUND:
                    code = TOO_SMALL
                    break
                h_plan = h
                last = False
                if t + 1.0001 * h >= seg_end:
                    h = seg_end - t
                    last = True
                if has_jac:
                    jac_dev(t, y, p, jmat)
                else:
                    n_rhs += fd_jacobian(t, y, p, f0, h, rtol, atol, fy, jmat)
                n_jac += 1
                if not autonomous:
                    delta = math.sqrt(UROUND * max(1e-5, abs(t)))
                    rhs_dev(t + delta, y, p, fy)
                    n_rhs += 1
                    for i in range(N):
                        ft[i] = (fy[i] - f0[i]) / delta

                n_singular = 0
                accepted = False
                while True:
                    fac = 1.0 / (h * GAMMA)
                    n_lu += 1
                    for i in range(N):
                        for j in range(N):
                            wmat[i, j] = -jmat[i, j]
                        wmat[i, i] += fac
                    if not lu_factor(wmat, piv):
                        n_singular += 1
                        if n_singular > 5:
                            code = SINGULAR
                            break
                        h *= 0.5
                        last = False
                        continue
                    inv_h = 1.0 / h
                    hd = h * D1
                    for i in range(N):
                        k1[i] = f0[i] + hd * ft[i]
                    lu_solve(wmat, piv, k1)
                    for i in range(N):
                        yarg[i] = y[i] + A21 * k1[i]
                    rhs_dev(t + C2 * h, yarg, p, fy)
                    hd = h * D2
                    for i in range(N):
                        k2[i] = fy[i] + hd * ft[i] + (C21 * k1[i]) * inv_h
                    lu_solve(wmat, piv, k2)
                    for i in range(N):
                        yarg[i] = y[i] + A31 * k1[i] + A32 * k2[i]
                    rhs_dev(t + C3 * h, yarg, p, fy)
                    hd = h * D3
                    for i in range(N):
                        k3[i] = fy[i] + hd * ft[i] + (C31 * k1[i] + C32 * k2[i]) * inv_h
                    lu_solve(wmat, piv, k3)
                    for i in range(N):
                        yarg[i] = y[i] + A41 * k1[i] + A42 * k2[i] + A43 * k3[i]
                    rhs_dev(t + C4 * h, yarg, p, fy)
                    hd = h * D4
                    for i in range(N):
                        k4[i] = fy[i] + hd * ft[i] + (C41 * k1[i] + C42 * k2[i] + C43 * k3[i]) * inv_h
                    lu_solve(wmat, piv, k4)
                    for i in range(N):
                        yarg[i] = y[i] + A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]
                    rhs_dev(t + h, yarg, p, fy)
                    for i in range(N):
                        k5[i] = fy[i] + (C51 * k1[i] + C52 * k2[i] + C53 * k3[i] + C54 * k4[i]) * inv_h
                    lu_solve(wmat, piv, k5)
                    for i in range(N):
                        yarg[i] += k5[i]
                    rhs_dev(t + h, yarg, p, fy)
                    for i in range(N):
                        k6[i] = fy[i] + (C61 * k1[i] + C62 * k2[i] + C63 * k3[i] + C64 * k4[i]
                                         + C65 * k5[i]) * inv_h
                    lu_solve(wmat, piv, k6)
                    for i in range(N):
                        ynew[i] = yarg[i] + k6[i]
                    n_rhs += 5

                    err = error_norm(k6, y, ynew, rtol, atol)
                    if not (err < math.inf):
                        n_rej += 1
                        h *= 0.2
                        last = False
                        reject_prev = True
                        if abs(h) <= abs(t) * UROUND or n_steps + n_rej >= max_steps:
                            code = NON_FINITE
                            break
                        continue
                    fac = max(FAC_MIN, min(FAC_MAX, err ** 0.25 / SAFETY))
                    h_new = h / fac
                    if err <= 1.0:
                        accepted = True
                        break
                    n_rej += 1
                    reject_prev = True
                    h = h_new
                    last = False
                    if t + 1.0001 * h >= seg_end:
                        h = seg_end - t
                        last = True
                    if n_steps + n_rej >= max_steps:
                        code = MAX_STEPS
                        break
                if not accepted:
                    break

                n_steps += 1
                n_accepted_total += 1
                t_new = seg_end if last else t + h
                while k_out < n_out and t_eval[k_out] < seg_end and t_eval[k_out] <= t_new:
                    s = (t_eval[k_out] - t) * inv_h
                    for j in range(n_save):
                        i = save_idx[j]
                        q1 = E21 * k1[i] + E22 * k2[i] + E23 * k3[i] + E24 * k4[i] + E25 * k5[i]
                        q2 = E31 * k1[i] + E32 * k2[i] + E33 * k3[i] + E34 * k4[i] + E35 * k5[i]
                        out[m, k_out, j] = y[i] * (1.0 - s) + s * (ynew[i] + (1.0 - s) * (q1 + s * q2))
                    k_out += 1
                if n_accepted_total > 1:
                    fac_gus = (h_acc / h) * (err * err / err_acc) ** 0.25 / SAFETY
                    fac_gus = max(FAC_MIN, min(FAC_MAX, fac_gus))
                    fac = max(fac, fac_gus)
                    h_new = h / fac
                h_acc = h
                err_acc = max(1e-2, err)
                for i in range(N):
                    y[i] = ynew[i]
                t = t_new
                if not finite(y):
                    code = NON_FINITE
                    break
                rhs_dev(t, y, p, f0)
                n_rhs += 1
                if reject_prev:
                    h_new = min(h_new, h)
                reject_prev = False
                h = min(h_new, h_max)
                if last:
                    h = min(max(h, h_plan), h_max)
            if code != SUCCESS:
                break
            # at seg_end: apply the events due, write the outputs due, restart
            t = seg_end
            changed = False
            while e < n_ev and ev_time[m, e] <= t:
                y[ev_index[m, e]] += ev_amount[m, e]
                e += 1
                changed = True
            while k_out < n_out and t_eval[k_out] <= t:
                for j in range(n_save):
                    out[m, k_out, j] = y[save_idx[j]]
                k_out += 1
            if changed:
                rhs_dev(t, y, p, f0)
                n_rhs += 1
                h = min(h, initial_step(f0, y, rtol, atol, span), h_max)
                n_accepted_total = 0
        stats[m, 0] += n_steps
        stats[m, 1] += n_rej
        stats[m, 2] += n_rhs
        stats[m, 3] += n_jac
        stats[m, 4] += n_lu
        return code, k_out

    @cuda.jit
    def solve_all(y0, params, t_eval, ev_time, ev_index, ev_amount, rtol, atol, h_max, max_steps, save_idx,
                  out, stats, status):
        m = cuda.grid(1)
        if m >= y0.shape[0]:
            return
        code, k_out = member(m, y0, params, t_eval, ev_time, ev_index, ev_amount, rtol, atol, h_max, max_steps,
                             save_idx, out, stats)
        status[m] = code
        if code != SUCCESS:  # rows never reached
            for k in range(k_out, t_eval.size):
                for j in range(save_idx.size):
                    out[m, k, j] = math.nan

    return solve_all


def solve_members(rhs, jac, autonomous, y0, params, t_eval, ev_time, ev_index, ev_amount, rtol, atol, h_max,
                  max_steps, save_idx):
    """Run the kernel over every member; returns (out (N, T, k), counts (N, 5), status (N,)) on the host."""
    reason = unavailable_reason()
    if reason is not None:
        raise RuntimeError(f"backend 'cuda': {reason}")
    n_members, n = y0.shape
    solve_all = kernel_for(rhs, jac, autonomous, n, params.shape[1])
    out = np.empty((n_members, t_eval.size, save_idx.size))
    counts = np.zeros((n_members, len(STAT_FIELDS)), dtype=np.int64)
    status = np.zeros(n_members, dtype=np.int64)
    if ev_time.shape[1] == 0:  # a zero-width array is awkward on the device: one padding event instead
        ev_time = np.full((n_members, 1), np.inf)
        ev_index = np.zeros((n_members, 1), dtype=np.int64)
        ev_amount = np.zeros((n_members, 1))
    args = [np.ascontiguousarray(a) for a in (y0, params, t_eval, ev_time, ev_index, ev_amount, rtol, atol)]
    d = [cuda.to_device(a) for a in args]
    d_save = cuda.to_device(np.ascontiguousarray(save_idx))
    d_out, d_counts, d_status = cuda.to_device(out), cuda.to_device(counts), cuda.to_device(status)
    threads = min(THREADS_PER_BLOCK, n_members)
    blocks = (n_members + threads - 1) // threads
    solve_all[blocks, threads](*d, float(h_max), int(max_steps), d_save, d_out, d_counts, d_status)
    cuda.synchronize()
    return d_out.copy_to_host(), d_counts.copy_to_host(), d_status.copy_to_host()
