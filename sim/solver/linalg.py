"""Small dense LU factorisation with partial pivoting, for the Rosenbrock matrix.

For the state sizes of this project (tens of states) an in-register loop beats a LAPACK call,
and it keeps the kernel free of allocation.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def lu_factor(a, piv):
    """Factor the square matrix ``a`` in place (L below, U on and above the diagonal).

    Returns False if a zero pivot is met (matrix singular to working precision).
    """
    n = a.shape[0]
    nz = np.empty(n, dtype=np.int64)
    for k in range(n):
        p = k
        big = abs(a[k, k])
        for i in range(k + 1, n):
            v = abs(a[i, k])
            if v > big:
                big = v
                p = i
        piv[k] = p
        if big == 0.0:
            return False
        if p != k:
            for j in range(n):
                tmp = a[k, j]
                a[k, j] = a[p, j]
                a[p, j] = tmp
        inv = 1.0 / a[k, k]
        # the pivot row's nonzeros: the Rosenbrock matrix of a model is mostly zeros
        n_nz = 0
        for j in range(k + 1, n):
            if a[k, j] != 0.0:
                nz[n_nz] = j
                n_nz += 1
        for i in range(k + 1, n):
            a[i, k] *= inv
            lik = a[i, k]
            if lik != 0.0:
                for jj in range(n_nz):
                    j = nz[jj]
                    a[i, j] -= lik * a[k, j]
    return True


@njit(cache=True)
def lu_solve(lu, piv, b):
    """Solve ``A x = b`` in place in ``b`` from the factors of :func:`lu_factor`."""
    n = lu.shape[0]
    for k in range(n):
        p = piv[k]
        if p != k:
            tmp = b[k]
            b[k] = b[p]
            b[p] = tmp
    for i in range(n):
        s = b[i]
        for j in range(i):
            s -= lu[i, j] * b[j]
        b[i] = s
    for i in range(n - 1, -1, -1):
        s = b[i]
        for j in range(i + 1, n):
            s -= lu[i, j] * b[j]
        b[i] = s / lu[i, i]


@njit(cache=True)
def lu_nonzeros(lu, lower, upper):
    """Record where the factors of :func:`lu_factor` are nonzero, row by row, so that
    :func:`lu_solve_nonzeros` touches only those entries (a model's factors are mostly zeros).

    ``lower`` and ``upper`` are int64 arrays of at least ``n + 1 + n * n``: row pointers in the first
    ``n + 1`` entries, then the column indices of L (``j < i``) and of U (``j > i``) row by row.
    """
    n = lu.shape[0]
    a = n + 1
    b = n + 1
    lower[0] = a
    upper[0] = b
    for i in range(n):
        for j in range(i):
            if lu[i, j] != 0.0:
                lower[a] = j
                a += 1
        lower[i + 1] = a
        for j in range(i + 1, n):
            if lu[i, j] != 0.0:
                upper[b] = j
                b += 1
        upper[i + 1] = b


@njit(cache=True)
def lu_solve_nonzeros(lu, piv, lower, upper, b):
    """:func:`lu_solve` over the nonzeros recorded by :func:`lu_nonzeros` (same result)."""
    n = lu.shape[0]
    for k in range(n):
        p = piv[k]
        if p != k:
            tmp = b[k]
            b[k] = b[p]
            b[p] = tmp
    for i in range(n):
        s = b[i]
        for c in range(lower[i], lower[i + 1]):
            s -= lu[i, lower[c]] * b[lower[c]]
        b[i] = s
    for i in range(n - 1, -1, -1):
        s = b[i]
        for c in range(upper[i], upper[i + 1]):
            s -= lu[i, upper[c]] * b[upper[c]]
        b[i] = s / lu[i, i]


def lu_solve_reference(a, b):
    """NumPy twin used in tests."""
    return np.linalg.solve(a, b)


# Sparse LU with a static elimination order, for Rosenbrock matrices W = I/(h gamma) - J whose
# pattern (J's plus the diagonal) is known. :func:`sim.solver.sparsity.lu_plan` computes the fill
# once; each factorisation then touches only the structural nonzeros. Pivots stay on the diagonal
# (the order is fixed so the fill is too); a pivot that fails the threshold test of threshold
# partial pivoting (|a_kk| >= PIVOT_THRESHOLD * max_i |a_ik|, Duff, Erisman & Reid 1986 "Direct
# Methods for Sparse Matrices", sec. 5.4; MA28's default u = 0.1) makes the factorisation return
# False, and the caller falls back to the dense, partially pivoted :func:`lu_factor`.
PIVOT_THRESHOLD = 0.1


@njit(cache=True)
def sparse_lu_factor(a, lcol_ptr, lcol_rows, urow_ptr, urow_cols):
    """Factor ``a`` in place without pivoting, on the plan's fill pattern only.

    Entries of ``a`` outside the fill pattern are never read. Returns False if a pivot is zero or
    fails the threshold test (then ``a`` is partly overwritten: rebuild it before a dense retry).
    """
    n = a.shape[0]
    for k in range(n):
        akk = a[k, k]
        big = 0.0
        for r in range(lcol_ptr[k], lcol_ptr[k + 1]):
            big = max(big, abs(a[lcol_rows[r], k]))
        if akk == 0.0 or not abs(akk) >= PIVOT_THRESHOLD * big:
            return False
        inv = 1.0 / akk
        for r in range(lcol_ptr[k], lcol_ptr[k + 1]):
            i = lcol_rows[r]
            lik = a[i, k] * inv
            a[i, k] = lik
            if lik != 0.0:
                for c in range(urow_ptr[k], urow_ptr[k + 1]):
                    j = urow_cols[c]
                    a[i, j] -= lik * a[k, j]
    return True


@njit(cache=True)
def sparse_lu_solve(lu, lrow_ptr, lrow_cols, urow_ptr, urow_cols, b):
    """Solve ``A x = b`` in place in ``b`` from the factors of :func:`sparse_lu_factor`."""
    n = lu.shape[0]
    for i in range(n):
        s = b[i]
        for c in range(lrow_ptr[i], lrow_ptr[i + 1]):
            s -= lu[i, lrow_cols[c]] * b[lrow_cols[c]]
        b[i] = s
    for i in range(n - 1, -1, -1):
        s = b[i]
        for c in range(urow_ptr[i], urow_ptr[i + 1]):
            s -= lu[i, urow_cols[c]] * b[urow_cols[c]]
        b[i] = s / lu[i, i]
