"""The solver's small dense LU (sim.solver.linalg) against numpy.linalg.solve."""

import numpy as np
import pytest

from sim.solver.linalg import lu_factor, lu_solve


def factor_and_solve(a, b):
    lu = np.array(a, dtype=float, order="C")
    piv = np.zeros(lu.shape[0], dtype=np.int64)
    ok = lu_factor(lu, piv)
    x = np.array(b, dtype=float)
    if ok:
        lu_solve(lu, piv, x)
    return ok, x, piv


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13])
def test_random_matrices_match_numpy(n):
    rng = np.random.default_rng(1000 + n)
    for _ in range(20):
        a = rng.standard_normal((n, n))
        if np.linalg.cond(a) > 1e6:
            continue
        b = rng.standard_normal(n)
        ok, x, _ = factor_and_solve(a, b)
        assert ok
        expected = np.linalg.solve(a, b)
        tol = 1e-13 * np.linalg.cond(a) * max(1.0, np.abs(expected).max())
        np.testing.assert_allclose(x, expected, rtol=0, atol=tol)
        np.testing.assert_allclose(a @ x, b, rtol=0, atol=1e-12 * np.abs(a).sum(axis=1).max() * np.abs(x).max())


def test_zero_leading_pivot_needs_row_swap():
    a = np.array([[0.0, 2.0, 1.0], [1.0, 1.0, 0.0], [3.0, 0.0, 1.0]])
    b = np.array([1.0, 2.0, 3.0])
    ok, x, piv = factor_and_solve(a, b)
    assert ok
    assert piv[0] == 2  # largest |a[i, 0]| is in row 2
    np.testing.assert_allclose(x, np.linalg.solve(a, b), rtol=1e-14)


def test_permutation_matrix():
    perm = np.array([3, 0, 4, 1, 2])
    a = np.eye(5)[perm]
    b = np.arange(1.0, 6.0)
    ok, x, piv = factor_and_solve(a, b)
    assert ok
    assert np.any(piv != np.arange(5))
    np.testing.assert_array_equal(x, np.linalg.solve(a, b))


def test_small_pivot_is_avoided():
    """Without pivoting, eps as the first pivot destroys the solution."""
    eps = 1e-18
    a = np.array([[eps, 1.0], [1.0, 1.0]])
    b = np.array([1.0, 2.0])
    ok, x, piv = factor_and_solve(a, b)
    assert ok and piv[0] == 1
    np.testing.assert_allclose(x, [1.0, 1.0], rtol=1e-14)


def test_stiff_rosenbrock_like_matrix():
    """I/(h gamma) - J with J spanning 1 .. 1e6, the matrices the solver factors."""
    rng = np.random.default_rng(7)
    q, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    j = q @ np.diag(-np.logspace(0, 6, 6)) @ q.T
    w = np.eye(6) / (1e-2 * 0.25) - j
    b = rng.standard_normal(6)
    ok, x, _ = factor_and_solve(w, b)
    assert ok
    np.testing.assert_allclose(x, np.linalg.solve(w, b), rtol=1e-10, atol=1e-14 * np.abs(x).max())


@pytest.mark.parametrize(
    "a",
    [
        np.zeros((3, 3)),
        np.array([[1.0, 2.0], [2.0, 4.0]]),  # rank 1: second pivot is exactly 0
        np.array([[1.0, 0.0, 2.0], [3.0, 0.0, 1.0], [4.0, 0.0, 5.0]]),  # zero column
        np.array([[0.0]]),
    ],
)
def test_singular_matrix_returns_false(a):
    lu = np.array(a, dtype=float, order="C")
    piv = np.zeros(lu.shape[0], dtype=np.int64)
    assert not lu_factor(lu, piv)


def test_factor_is_in_place_and_reusable():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((4, 4)) + 4 * np.eye(4)
    lu = a.copy()
    piv = np.zeros(4, dtype=np.int64)
    assert lu_factor(lu, piv)
    assert not np.array_equal(lu, a)
    for _ in range(3):  # one factorisation, several right-hand sides (as in the 6 stages)
        b = rng.standard_normal(4)
        x = b.copy()
        lu_solve(lu, piv, x)
        np.testing.assert_allclose(x, np.linalg.solve(a, b), rtol=1e-12, atol=1e-14)


# --- sparse LU with a static order (sim.solver.linalg.sparse_lu_*, plan from sim.solver.sparsity.lu_plan)

def sparse_factor_and_solve(a, pattern, b):
    from sim.solver.linalg import sparse_lu_factor, sparse_lu_solve
    from sim.solver.sparsity import lu_plan

    fill_pos, lcp, lcr, urp, urc, lrp, lrc = lu_plan(pattern)
    n = a.shape[0]
    lu = np.full((n, n), np.nan)  # entries outside the fill must never be read
    lu.reshape(-1)[fill_pos] = a.reshape(-1)[fill_pos]
    ok = sparse_lu_factor(lu, lcp, lcr, urp, urc)
    x = np.array(b, dtype=float)
    if ok:
        sparse_lu_solve(lu, lrp, lrc, urp, urc, x)
    return ok, x


@pytest.mark.parametrize("n", [1, 4, 9, 16, 30])
def test_sparse_lu_matches_numpy_on_random_sparse_matrices(n):
    rng = np.random.default_rng(2000 + n)
    for _ in range(10):
        pattern = rng.random((n, n)) < 0.2
        np.fill_diagonal(pattern, True)
        a = np.where(pattern, rng.standard_normal((n, n)), 0.0)
        a[np.diag_indices(n)] = n + np.abs(a).sum(axis=1)  # W = I/(h gamma) - J with a small step
        b = rng.standard_normal(n)
        ok, x = sparse_factor_and_solve(a, pattern, b)
        assert ok
        np.testing.assert_allclose(x, np.linalg.solve(a, b), rtol=1e-12, atol=1e-14)


def test_lu_plan_fill_closes_under_elimination():
    from sim.solver.sparsity import lu_plan

    pattern = np.eye(4, dtype=bool)
    pattern[0, :] = True  # an arrow: eliminating column 0 fills rows 1-3 ... only where column 0 is nonzero
    pattern[:, 0] = True
    fill_pos = lu_plan(pattern)[0]
    assert fill_pos.size == 16  # row 0 and column 0 full: every other entry fills in


def test_sparse_lu_refuses_a_small_pivot_so_the_caller_can_pivot():
    # |a00| = 1e-3 is below 0.1 * |a10|: threshold partial pivoting would swap rows; the static
    # order cannot, so the factorisation reports failure (the solver then uses the dense LU)
    a = np.array([[1e-3, 1.0], [1.0, 1e-3]])
    ok, _ = sparse_factor_and_solve(a, np.ones((2, 2), bool), np.ones(2))
    assert not ok
    ok, x, _ = factor_and_solve(a, np.ones(2))
    assert ok
    np.testing.assert_allclose(a @ x, np.ones(2), atol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_solve_over_the_factors_nonzeros_equals_the_dense_solve(seed):
    from sim.solver.linalg import lu_factor, lu_nonzeros, lu_solve, lu_solve_nonzeros

    rng = np.random.default_rng(seed)
    n = 30
    a = np.where(rng.random((n, n)) < 0.1, rng.standard_normal((n, n)), 0.0) + np.diag(rng.uniform(0.1, 2.0, n))
    lu, piv = a.copy(), np.empty(n, dtype=np.int64)
    assert lu_factor(lu, piv)
    lower = np.empty(n * n + n + 1, dtype=np.int64)
    upper = np.empty(n * n + n + 1, dtype=np.int64)
    lu_nonzeros(lu, lower, upper)
    assert upper[n] - (n + 1) + lower[n] - (n + 1) < n * (n - 1)  # fewer entries than the dense triangles
    b = rng.standard_normal(n)
    x, y = b.copy(), b.copy()
    lu_solve(lu, piv, x)
    lu_solve_nonzeros(lu, piv, lower, upper, y)
    assert np.array_equal(x, y)
    np.testing.assert_allclose(a @ y, b, atol=1e-10)
