"""Jacobian sparsity: column grouping for finite differences, and detecting the pattern.

A forward-difference Jacobian costs one RHS call per column. Columns that share no row where both
may be nonzero can be perturbed together (Curtis, Powell & Reid 1974 J Inst Math Appl 13:117), so
a sparse model needs only as many calls as it has column groups.
"""

from __future__ import annotations

import numpy as np

from sim.solver.signatures import RHS_SIGNATURE, as_function

AUTO_MIN_MEMBERS = 32
AUTO_MIN_STATES = 12


def color_columns(sparsity) -> np.ndarray:
    """Greedy column colouring of an (n, n) Jacobian pattern (Curtis, Powell & Reid 1974).

    Returns ``group_of_column`` (n,) int64: columns in the same group share no row where both
    may be nonzero, so one forward-difference RHS call can perturb them all. Columns are visited
    in decreasing order of their nonzero count (ties by index), each put in the lowest group free
    of conflicts. A dense pattern gives one group per column.
    """
    pattern = sparsity_pattern(sparsity)
    n = pattern.shape[0]
    group = np.full(n, -1, dtype=np.int64)
    # rows already claimed by each group
    taken: list[np.ndarray] = []
    for j in sorted(range(n), key=lambda c: (-int(pattern[:, c].sum()), c)):
        rows = pattern[:, j]
        for g, used in enumerate(taken):
            if not (used & rows).any():
                group[j] = g
                used |= rows
                break
        else:
            group[j] = len(taken)
            taken.append(rows.copy())
    return group


def sparsity_pattern(sparsity, n=None) -> np.ndarray:
    pattern = np.asarray(sparsity)
    if pattern.ndim != 2 or pattern.shape[0] != pattern.shape[1] or (n is not None and pattern.shape[0] != n):
        raise ValueError(f"jac_sparsity must be an ({n or 'n'}, {n or 'n'}) array, got shape {pattern.shape}")
    if pattern.dtype != bool:
        if not np.isfinite(pattern).all():
            raise ValueError("jac_sparsity must be finite")
        pattern = pattern != 0
    return pattern


def jacobian_groups(sparsity, n):
    """Kernel arrays for a pattern (None: dense): ``(group_ptr, group_cols, col_ptr, row_idx)`` of the
    forward-difference Jacobian, then the sparse-LU plan of :func:`lu_plan` (empty when dense)."""
    if sparsity is None:
        pattern = np.ones((n, n), dtype=bool)
        group = np.arange(n, dtype=np.int64)
    else:
        pattern = sparsity_pattern(sparsity, n)
        group = color_columns(pattern)
    n_groups = int(group.max()) + 1 if n else 0
    group_cols = np.argsort(group, kind="stable").astype(np.int64)
    group_ptr = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(group, minlength=n_groups), out=group_ptr[1:])
    col_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(pattern.sum(axis=0), out=col_ptr[1:])
    row_idx = np.ascontiguousarray(np.nonzero(pattern.T)[1], dtype=np.int64)  # rows, column by column
    plan = lu_plan(pattern) if sparsity is not None else tuple(np.zeros(k, np.int64) for k in (0, 1, 0, 1, 0, 1, 0))
    return (group_ptr, group_cols, col_ptr, row_idx, *plan)


def _ptr(rows_of: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    ptr = np.zeros(len(rows_of) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows_of], out=ptr[1:])
    flat = np.array([x for r in rows_of for x in r], dtype=np.int64)
    return ptr, flat


def lu_plan(sparsity):
    """The static sparse-LU plan of the Rosenbrock matrix ``I/(h gamma) - J`` for a Jacobian pattern.

    Gaussian elimination in the natural order on the pattern plus the diagonal gives the fill
    pattern F (symbolic factorisation). Returns seven int64 arrays for the kernel
    (:func:`sim.solver.linalg.sparse_lu_factor` / ``sparse_lu_solve``):

    - ``fill_pos``: flat indices ``i * n + j`` of F (where the matrix is assembled);
    - ``lcol_ptr, lcol_rows``: rows ``i > k`` of F in column ``k`` (L's columns);
    - ``urow_ptr, urow_cols``: columns ``j > k`` of F in row ``k`` (U's rows);
    - ``lrow_ptr, lrow_cols``: columns ``j < i`` of F in row ``i`` (L's rows, forward solve).
    """
    fill = sparsity_pattern(sparsity) | np.eye(np.shape(sparsity)[0], dtype=bool)
    n = fill.shape[0]
    for k in range(n):
        rows = np.flatnonzero(fill[k + 1:, k]) + k + 1
        cols = np.flatnonzero(fill[k, k + 1:]) + k + 1
        fill[np.ix_(rows, cols)] = True
    fill_pos = np.ascontiguousarray(np.flatnonzero(fill.ravel()), dtype=np.int64)
    lcol = _ptr([list(np.flatnonzero(fill[k + 1:, k]) + k + 1) for k in range(n)])
    urow = _ptr([list(np.flatnonzero(fill[k, k + 1:]) + k + 1) for k in range(n)])
    lrow = _ptr([list(np.flatnonzero(fill[i, :i])) for i in range(n)])
    return (fill_pos, *lcol, *urow, *lrow)


def detect_sparsity(rhs, y0, p, t=0.0, trials=3, seed=0) -> np.ndarray:
    """Estimate the Jacobian's sparsity pattern of ``rhs`` numerically (a heuristic).

    For each of ``trials`` random states near ``y0`` (``y0 + (|y0| + 1) * U(0.1, 1)``, positive
    where ``y0 >= 0``) every state is perturbed in turn by 10 % of ``|y_j| + 1``, and entry (i, j) is
    marked where ``dy_i/dt`` changes (or turns non-finite). Returns the (n, n) boolean union over
    the trials, diagonal included. A dependence that vanishes at all the sampled points (e.g. in a
    branch of ``max(0, .)`` never taken) is missed: check the result, or pass your own pattern
    to :func:`solve_ensemble` (``jac_sparsity``); a superset of the true pattern is always safe.
    """
    rhs = as_function(rhs, RHS_SIGNATURE, "rhs")
    y0 = np.asarray(y0, dtype=float).ravel()
    p = np.ascontiguousarray(p, dtype=float).ravel()
    n = y0.size
    rng = np.random.default_rng(seed)
    pattern = np.eye(n, dtype=bool)
    f0 = np.empty(n)
    f1 = np.empty(n)
    for _ in range(int(trials)):
        y = y0 + (np.abs(y0) + 1.0) * rng.uniform(0.1, 1.0, n)
        rhs(float(t), y, p, f0)
        for j in range(n):
            yj = y[j]
            y[j] = yj + 0.1 * (abs(yj) + 1.0)
            rhs(float(t), y, p, f1)
            y[j] = yj
            pattern[:, j] |= (f1 != f0) & ~(np.isnan(f1) & np.isnan(f0))
    return pattern


def auto_sparsity(rhs, y0, params, t_eval, rtol, atol, integrate, n_samples=24):
    """A verified pattern for this ensemble, or None (use the dense path).

    The first and last members are integrated densely; at ``n_samples`` of their output times every
    state is nudged up and down and each derivative that changes marks an entry. The probes are then
    integrated with the pattern, and it is kept only if every probe succeeds, agrees with its dense
    result to 10 (atol + rtol |y|) and needs at most 20 % more steps. ``integrate(members, pattern,
    keep)`` runs the solver on a subset (supplied by :func:`sim.solver.solve_ensemble`).
    """
    n_members, n = y0.shape
    if n_members < AUTO_MIN_MEMBERS or n < AUTO_MIN_STATES:
        return None
    probes = np.unique([0, n_members - 1])
    keep = np.arange(n, dtype=np.int64)
    dense, dense_counts, dense_status = integrate(probes, None, keep)
    if (dense_status != 0).any():
        return None
    pattern = np.eye(n, dtype=bool)
    f0, f1 = np.empty(n), np.empty(n)
    times = np.unique(np.linspace(0, t_eval.size - 1, n_samples).astype(int))
    for k, member in enumerate(probes):
        p = np.array(params[member], dtype=float)  # a writable copy (the rhs signature wants one)
        for i in times:
            y = np.array(dense[k, i], dtype=float)
            rhs(t_eval[i], y, p, f0)
            for j in range(n):
                yj = y[j]
                for step in (1.0, -1.0):
                    y[j] = yj + step * max(1e-7 * abs(yj), atol[j])
                    rhs(t_eval[i], y, p, f1)
                    pattern[:, j] |= f1 != f0
                y[j] = yj
    sparse, sparse_counts, sparse_status = integrate(probes, pattern, keep)
    scale = atol + rtol * np.abs(dense)
    agree = np.nanmax(np.abs(sparse - dense) / scale) <= 10.0 if np.isfinite(sparse).all() else False
    fewer_steps = (sparse_counts[:, 0] <= 1.2 * dense_counts[:, 0] + 5).all()
    return pattern if (sparse_status == 0).all() and agree and fewer_steps else None
