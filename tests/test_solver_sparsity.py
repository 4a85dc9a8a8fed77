"""Column-grouped (Curtis-Powell-Reid) finite-difference Jacobians: ``solve_ensemble(jac_sparsity=)``,
:func:`sim.solver.color_columns` and :func:`sim.solver.detect_sparsity`.

Error measure as in test_solver.py: ``|y - y_ref| / (atol + rtol |y_ref|)``; a correct pattern only
changes which RHS call supplies each Jacobian entry, so the results must agree with the dense
forward-difference path to within the tolerance (bound 10).
"""

import numpy as np
import pytest
from numba import njit

from sim.solver import RHS_SIGNATURE, Status, color_columns, detect_sparsity, solve_ensemble

try:
    import problems as P
except ImportError:  # tests/ collected as a package
    from tests import problems as P


def scaled_error(y, ref, rtol, atol):
    return float(np.max(np.abs(y - ref) / (atol + rtol * np.abs(ref))))


def hires_pattern():
    """Nonzero pattern of HIRES's analytic Jacobian, at a state where no entry cancels."""
    jmat = np.zeros((8, 8))
    P.hires_jac(0.0, np.linspace(0.1, 0.8, 8), P.HIRES_PARAMS, jmat)
    return jmat != 0.0


# three independent ROBER blocks, each with its own rate constants: a block-diagonal 9-state system
@njit(RHS_SIGNATURE, cache=True)
def rober_blocks_rhs(t, y, p, dydt):
    for b in range(3):
        i = 3 * b
        r1 = p[i] * y[i]
        r2 = p[i + 1] * y[i + 1] * y[i + 2]
        r3 = p[i + 2] * y[i + 1] * y[i + 1]
        dydt[i] = -r1 + r2
        dydt[i + 1] = r1 - r2 - r3
        dydt[i + 2] = r3


def rober_blocks_ensemble(n_members=6):
    rng = np.random.default_rng(7)
    params = np.tile(P.ROBER_PARAMS, 3) * rng.uniform(0.5, 2.0, (n_members, 9))
    y0 = np.tile(P.ROBER_Y0, (n_members, 3))
    return y0, params, np.concatenate([[0.0], np.geomspace(1e-5, 1e4, 25)])


def test_hires_sparse_matches_dense_and_reference():
    rtol = 1e-7
    atol = 1e-4 * rtol
    t_eval = np.linspace(0.0, P.HIRES_T_END, 40)
    kw = dict(rtol=rtol, atol=atol, autonomous=True, return_info=True)
    dense, info_d = solve_ensemble(P.hires_rhs, P.HIRES_Y0, P.HIRES_PARAMS, t_eval, **kw)
    sparse, info_s = solve_ensemble(P.hires_rhs, P.HIRES_Y0, P.HIRES_PARAMS, t_eval,
                                    jac_sparsity=hires_pattern(), **kw)
    assert info_d.ok and info_s.ok
    assert scaled_error(sparse[0], dense[0], rtol, atol) < 10.0
    assert scaled_error(sparse[0, -1], P.HIRES_REF, rtol, atol) < 100.0
    n_groups = int(color_columns(hires_pattern()).max()) + 1
    assert n_groups < 8
    # n_groups RHS calls per Jacobian instead of 8
    assert info_s["rhs_evals"][0] < info_d["rhs_evals"][0]
    if info_d["jac_evals"][0] == info_s["jac_evals"][0]:
        saved = info_d["rhs_evals"][0] - info_s["rhs_evals"][0]
        assert saved == (8 - n_groups) * info_s["jac_evals"][0]


def test_block_diagonal_ensemble_sparse_matches_dense():
    y0, params, t_eval = rober_blocks_ensemble()
    rtol, atol = 1e-7, 1e-14
    rober = np.array([[1, 1, 1], [1, 1, 1], [0, 1, 0]], dtype=bool)
    pattern = np.kron(np.eye(3, dtype=bool), rober)
    kw = dict(rtol=rtol, atol=atol, autonomous=True, return_info=True)
    dense, info_d = solve_ensemble(rober_blocks_rhs, y0, params, t_eval, **kw)
    sparse, info_s = solve_ensemble(rober_blocks_rhs, y0, params, t_eval, jac_sparsity=pattern, **kw)
    assert info_d.ok and info_s.ok, info_s.messages()
    assert int(color_columns(pattern).max()) + 1 == 3
    assert scaled_error(sparse, dense, rtol, atol) < 10.0
    assert (info_s["rhs_evals"] < info_d["rhs_evals"]).all()
    # the detected pattern (the truth plus the diagonal), and a superset (whole blocks)
    detected = detect_sparsity(rober_blocks_rhs, y0[0], params[0])
    assert np.array_equal(detected, pattern | np.eye(9, dtype=bool))
    blocks = np.kron(np.eye(3, dtype=bool), np.ones((3, 3), dtype=bool))
    for other in (detected, blocks):
        again = solve_ensemble(rober_blocks_rhs, y0, params, t_eval, jac_sparsity=other, **kw)[0]
        assert scaled_error(again, dense, rtol, atol) < 10.0


def test_dense_pattern_is_the_default_path():
    t_eval = np.linspace(0.0, P.HIRES_T_END, 9)
    kw = dict(rtol=1e-6, atol=1e-10, autonomous=True, return_info=True)
    a, ia = solve_ensemble(P.hires_rhs, P.HIRES_Y0, P.HIRES_PARAMS, t_eval, **kw)
    b, ib = solve_ensemble(P.hires_rhs, P.HIRES_Y0, P.HIRES_PARAMS, t_eval, jac_sparsity=np.ones((8, 8)), **kw)
    assert np.array_equal(a, b) and np.array_equal(ia.counts, ib.counts)


def test_with_an_analytic_jacobian_the_pattern_plans_the_sparse_lu():
    t_eval = np.linspace(0.0, P.HIRES_T_END, 9)
    rtol, atol = 1e-6, 1e-10
    kw = dict(rtol=rtol, atol=atol, autonomous=True, jac=P.hires_jac)
    dense = solve_ensemble(P.hires_rhs, P.HIRES_Y0, P.HIRES_PARAMS, t_eval, **kw)
    # "auto" has nothing to detect with a given Jacobian: the dense path, bit for bit
    auto = solve_ensemble(P.hires_rhs, P.HIRES_Y0, P.HIRES_PARAMS, t_eval, jac_sparsity="auto", **kw)
    assert np.array_equal(dense, auto)
    pattern = detect_sparsity(P.hires_rhs, P.HIRES_Y0, P.HIRES_PARAMS)
    assert pattern.sum() < pattern.size
    sparse = solve_ensemble(P.hires_rhs, P.HIRES_Y0, P.HIRES_PARAMS, t_eval, jac_sparsity=pattern, **kw)
    assert scaled_error(sparse, dense, rtol, atol) < 10.0


@pytest.mark.parametrize("seed", range(20))
def test_coloring_groups_share_no_rows(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    pattern = rng.random((n, n)) < rng.uniform(0.02, 0.5)
    group = color_columns(pattern)
    assert group.shape == (n,) and group.dtype == np.int64
    assert group.min() == 0 and set(np.unique(group)) == set(range(group.max() + 1))
    for g in range(group.max() + 1):
        rows_hit = pattern[:, group == g].sum(axis=1)
        assert rows_hit.max(initial=0) <= 1, f"group {g} has columns sharing a row"


def test_coloring_dense_and_diagonal():
    assert np.array_equal(color_columns(np.ones((5, 5), bool)), np.array([0, 1, 2, 3, 4]))
    assert np.array_equal(color_columns(np.eye(5, dtype=bool)), np.zeros(5, np.int64))


def test_detect_sparsity_finds_hires_pattern():
    detected = detect_sparsity(P.hires_rhs, P.HIRES_Y0, P.HIRES_PARAMS)
    true = hires_pattern()
    assert detected.shape == (8, 8) and detected.dtype == bool
    assert (detected >= true).all()
    assert detected.diagonal().all()
    assert detected.sum() <= true.sum() + 8  # not much more than the truth (plus the diagonal)


def test_bad_sparsity_raises():
    with pytest.raises(ValueError, match="jac_sparsity"):
        solve_ensemble(P.hires_rhs, P.HIRES_Y0, P.HIRES_PARAMS, [0.0, 1.0], jac_sparsity=np.ones((7, 7)))


def test_sparse_path_status_ok_on_hires_fd():
    out, info = solve_ensemble(P.hires_rhs, P.HIRES_Y0, P.HIRES_PARAMS, np.array([0.0, P.HIRES_T_END]),
                               rtol=1e-8, atol=1e-12, autonomous=True, return_info=True,
                               jac_sparsity=detect_sparsity(P.hires_rhs, P.HIRES_Y0, P.HIRES_PARAMS))
    assert info.status[0] == Status.SUCCESS
    assert scaled_error(out[0, -1], P.HIRES_REF, 1e-8, 1e-12) < 100.0


@njit(RHS_SIGNATURE, cache=True)
def rober5_rhs(t, y, p, dydt):
    for b in range(5):  # five independent Robertson blocks: 15 states, a block-diagonal Jacobian
        i = 3 * b
        r1 = p[3 * (b % 3)] * y[i]
        r2 = p[3 * (b % 3) + 1] * y[i + 1] * y[i + 2]
        r3 = p[3 * (b % 3) + 2] * y[i + 1] * y[i + 1]
        dydt[i] = -r1 + r2
        dydt[i + 1] = r1 - r2 - r3
        dydt[i + 2] = r3


def test_auto_sparsity_on_a_large_sparse_ensemble_agrees_with_dense():
    _, params, t = rober_blocks_ensemble(40)
    y0 = np.tile(P.ROBER_Y0, (40, 5))
    dense, d_info = solve_ensemble(rober5_rhs, y0, params, t, rtol=1e-6, atol=1e-10, autonomous=True,
                                   return_info=True)
    auto, a_info = solve_ensemble(rober5_rhs, y0, params, t, rtol=1e-6, atol=1e-10, autonomous=True,
                                  return_info=True, jac_sparsity="auto")
    assert (a_info.status == Status.SUCCESS).all()
    assert scaled_error(auto, dense, 1e-6, 1e-10) < 10.0
    assert a_info["rhs_evals"].sum() < 0.6 * d_info["rhs_evals"].sum()


def test_auto_sparsity_leaves_small_ensembles_dense():
    y0, params, t = rober_blocks_ensemble(6)
    dense, d_info = solve_ensemble(rober_blocks_rhs, y0, params, t, autonomous=True, return_info=True)
    auto, a_info = solve_ensemble(rober_blocks_rhs, y0, params, t, autonomous=True, return_info=True,
                                  jac_sparsity="auto")
    np.testing.assert_array_equal(auto, dense)
    np.testing.assert_array_equal(a_info.counts, d_info.counts)
    with pytest.raises(ValueError, match="'auto' or None"):
        solve_ensemble(rober_blocks_rhs, y0, params, t, jac_sparsity="sparse")


@njit(RHS_SIGNATURE, cache=True)
def _damped_rotation(t, y, p, dydt):
    dydt[0] = -p[0] * y[0] - p[1] * y[1]
    dydt[1] = p[1] * y[0] - p[0] * y[1]


def test_sparse_lu_falls_back_to_pivoting_on_a_damped_rotation():
    # W = (1/(h g) + k) I - [[0, -w], [w, 0]]: once the rotation has decayed and steps grow,
    # 1/(h g) + k < w / 10, the diagonal pivot fails the threshold test and steps use the dense,
    # pivoted LU. The sparse and dense paths must agree with each other and the exact solution.
    k, w = 100.0, 2000.0
    t = np.linspace(0.0, 1.0, 201)
    runs = [solve_ensemble(_damped_rotation, [1.0, 0.0], [k, w], t, rtol=1e-8, atol=1e-12, autonomous=True,
                           jac_sparsity=sp, return_info=True) for sp in (np.ones((2, 2), bool), None)]
    (sparse, info), (dense, _) = runs
    assert info.ok
    exact = np.exp(-k * t)[:, None] * np.stack([np.cos(w * t), np.sin(w * t)], 1)
    np.testing.assert_allclose(sparse[0], exact, atol=1e-6)
    np.testing.assert_allclose(sparse[0], dense[0], atol=1e-9)
    # late steps are long enough for the fallback (1/(h g) + k < w / 10 needs h > 4e-3): fewer than
    # 0.5 / 4e-3 steps between t = 0.5 and 1 (output times do not change the steps taken)
    _, half = solve_ensemble(_damped_rotation, [1.0, 0.0], [k, w], t[t <= 0.5], rtol=1e-8, atol=1e-12,
                             autonomous=True, jac_sparsity=np.ones((2, 2), bool), return_info=True)
    assert info["steps"][0] - half["steps"][0] < 0.5 / 4e-3
