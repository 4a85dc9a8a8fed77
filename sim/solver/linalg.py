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


def lu_solve_reference(a, b):
    """NumPy twin used in tests."""
    return np.linalg.solve(a, b)
