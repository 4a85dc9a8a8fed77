"""The NDF method of the ensemble solver (``solve_ensemble(..., method="bdf")``, sim.solver.bdf).

Against the published references of the stiff test set, against SciPy's BDF (which implements the
same formulas, Shampine & Reichelt 1997: the two should be equally accurate), against exact
solutions with dose events, and against RODAS4 on the project's own benchmark model. Error measure
as in test_solver.py: ``|y - y_ref| / (atol + rtol |y_ref|)``.
"""

import numba
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from sim.solver import Status, solve_ensemble

try:
    import problems as P
    from test_solver import PK_ROWS, PK_T, REFERENCE_PROBLEMS, max_rel_error, scaled_error
except ImportError:  # tests/ collected as a package
    from tests import problems as P
    from tests.test_solver import PK_ROWS, PK_T, REFERENCE_PROBLEMS, max_rel_error, scaled_error


def bdf_final(name, rtol, analytic):
    rhs, jac, y0, p, t_end, ref, ratio = REFERENCE_PROBLEMS[name]
    out, info = solve_ensemble(rhs, y0, p, np.array([0.0, t_end]), rtol=rtol, atol=ratio * rtol,
                               jac=jac if analytic else None, method="bdf", return_info=True)
    assert info.status[0] == Status.SUCCESS, info.messages()[0]
    return out[0, -1], info


def scipy_bdf_final(name, rtol):
    rhs, jac, y0, p, t_end, _, ratio = REFERENCE_PROBLEMS[name]
    n = len(y0)

    def f(t, y):
        d = np.empty(n)
        rhs(t, y, p, d)
        return d

    def j(t, y):
        m = np.empty((n, n))
        jac(t, y, p, m)
        return m

    sol = solve_ivp(f, (0.0, t_end), np.array(y0, float), method="BDF", rtol=rtol, atol=ratio * rtol, jac=j)
    assert sol.success
    return sol.y[:, -1]


@pytest.mark.parametrize("rtol", [1e-6, 1e-8])
@pytest.mark.parametrize("name", list(REFERENCE_PROBLEMS))
def test_as_accurate_as_scipy_bdf_on_the_test_set(name, rtol):
    ref, atol = REFERENCE_PROBLEMS[name][5], REFERENCE_PROBLEMS[name][6] * rtol
    ours = scaled_error(bdf_final(name, rtol, analytic=True)[0], ref, rtol, atol)
    theirs = scaled_error(scipy_bdf_final(name, rtol), ref, rtol, atol)
    assert ours <= 1.5 * theirs + 1.0


@pytest.mark.parametrize("analytic", [False, True])
@pytest.mark.parametrize("rtol", [1e-6, 1e-8, 1e-10])
@pytest.mark.parametrize("name", ["rober", "hires"])
def test_published_reference_within_tolerance(name, rtol, analytic):
    y, _ = bdf_final(name, rtol, analytic)
    ref, atol = REFERENCE_PROBLEMS[name][5], REFERENCE_PROBLEMS[name][6] * rtol
    assert scaled_error(y, ref, rtol, atol) < 100.0


@pytest.mark.parametrize("name", list(REFERENCE_PROBLEMS))
def test_tighter_tolerance_converges(name):
    ref = REFERENCE_PROBLEMS[name][5]
    (y1, i1), (y2, i2) = bdf_final(name, 1e-6, True), bdf_final(name, 1e-8, True)
    assert max_rel_error(y2, ref) < 0.1 * max_rel_error(y1, ref)
    assert i2["steps"][0] > i1["steps"][0]
    # the point of the method: Jacobians and LU factorisations are reused across steps
    assert i1["jac_evals"][0] < 0.2 * i1["steps"][0]
    assert i1["lu_decompositions"][0] < i1["steps"][0]


def test_dense_output_matches_radau_on_hires():
    t_eval = np.linspace(0.0, P.HIRES_T_END, 200)
    p = P.HIRES_PARAMS

    def f(t, y):
        d = np.empty(8)
        P.hires_rhs.py_func(t, y, p, d)
        return d

    ref = solve_ivp(f, (0.0, P.HIRES_T_END), P.HIRES_Y0, method="Radau", t_eval=t_eval, rtol=1e-10,
                    atol=1e-14).y.T
    rtol, atol = 1e-7, 1e-11
    out = solve_ensemble(P.hires_rhs, P.HIRES_Y0, p, t_eval, rtol=rtol, atol=atol, method="bdf")[0]
    assert scaled_error(out, ref, rtol, atol) < 100.0


def test_dose_events_match_the_exact_solution():
    # linear gut/central PK with doses into both compartments (tests/problems.py): superposition
    rtol, atol = 1e-8, 1e-10
    out, info = solve_ensemble(P.pk_rhs, [0.0, 0.0], P.PK_PARAMS, PK_T, PK_ROWS, rtol=rtol, atol=atol,
                               method="bdf", return_info=True)
    assert info.ok
    exact = P.pk_exact(PK_T, PK_ROWS, *P.PK_PARAMS)
    assert scaled_error(out[0], exact, rtol, atol) < 100.0
    i2 = int(np.searchsorted(PK_T, 2.0))  # outputs at an event time include the event
    assert out[0, i2, 1] == pytest.approx(P.pk_exact([2.0 - 1e-12], PK_ROWS, *P.PK_PARAMS)[0, 1] + 50.0, rel=1e-6)


def test_agrees_with_rodas4_on_the_benchmark_model_and_sparse_equals_dense():
    from benchmarks import models
    from benchmarks.solver_vs_scipy import ensemble_inputs

    y0, params = ensemble_inputs(40)
    t = np.linspace(0.0, 48.0, 97)
    kw = dict(events=models.dose_events(), rtol=1e-7, atol=1e-10, return_info=True)
    tight, _ = solve_ensemble(models.rhs, y0, params, t, **{**kw, "rtol": 1e-10, "atol": 1e-13}, autonomous=True)
    dense, info_d = solve_ensemble(models.rhs, y0, params, t, method="bdf", **kw)
    sparse, info_s = solve_ensemble(models.rhs, y0, params, t, method="bdf", jac_sparsity="auto", **kw)
    assert info_d.ok and info_s.ok
    floor = 1e-6 * np.abs(tight).max(axis=1, keepdims=True)  # states near zero: relative to their peak
    assert np.max(np.abs(dense - tight) / np.maximum(np.abs(tight), floor)) < 1e-4
    assert np.max(np.abs(sparse - dense) / np.maximum(np.abs(tight), floor)) < 1e-5
    assert (info_s["rhs_evals"] < info_d["rhs_evals"]).all()


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs at least 2 numba threads")
def test_members_independent_of_threads_and_of_each_other():
    from benchmarks import models
    from benchmarks.solver_vs_scipy import ensemble_inputs

    y0, params = ensemble_inputs(8)
    t = np.linspace(0.0, 24.0, 49)
    kw = dict(events=models.dose_events(), method="bdf")
    threads = numba.get_num_threads()
    many = solve_ensemble(models.rhs, y0, params, t, **kw)
    numba.set_num_threads(1)
    try:
        one_thread = solve_ensemble(models.rhs, y0, params, t, **kw)
    finally:
        numba.set_num_threads(threads)
    alone = solve_ensemble(models.rhs, y0[3], params[3], t, **kw)
    assert np.array_equal(many, one_thread)
    assert np.array_equal(many[3], alone[0])


def test_unknown_method_raises():
    with pytest.raises(ValueError, match="method must be one of"):
        solve_ensemble(P.rober_rhs, P.ROBER_Y0, P.ROBER_PARAMS, np.array([0.0, 1.0]), method="euler")
