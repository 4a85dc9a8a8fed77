"""The analytic Jacobian the solvers use by default: the generated numba code equals the symbolic
Jacobian, runs with it agree with finite-difference runs within the tolerances, it is refused where the
traced parameter branches do not hold, and a bad ``[solver] jacobian`` is one line and exit 2."""

from pathlib import Path

import numpy as np
import pytest
from conftest import SHORT_RUN

import sim
from sim.cli import main

pytest.importorskip("sympy")

REPO = Path(__file__).resolve().parent.parent


def _model(name, **overrides):
    from sim.assembly import model_for
    from sim.cohort import parameter_matrix

    exp = sim.load_experiment(REPO / "experiments" / f"{name}.toml", overrides=overrides)
    model = model_for(exp)
    return exp, model, parameter_matrix(exp, model)


@pytest.mark.parametrize("name", ["single_dose", "rat_microdialysis"])
def test_generated_jacobian_equals_the_symbolic_one_on_its_pattern(name):
    from sim.analytic import analytic_jacobian
    from sim.symbolic import symbolic

    _, model, params = _model(name)
    jac, pattern = analytic_jacobian(model, params)
    sym = symbolic(model, params[0])
    assert np.array_equal(pattern, sym.jacobian_sparsity())
    reference = sym.jacobian_function()
    rng = np.random.default_rng(5)
    for _ in range(3):
        y = model.initial_state() * np.exp(0.3 * rng.standard_normal(model.n_states)) + rng.random(model.n_states)
        got = np.zeros((model.n_states, model.n_states))
        jac(0.7, y, np.ascontiguousarray(params[0]), got)
        want = reference(0.7, y, params[0])
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12 * np.abs(want).max())
        assert not got[~pattern].any()


@pytest.mark.parametrize("method", ["rodas4", "bdf"])
def test_analytic_and_finite_difference_runs_agree_within_the_tolerances(method):
    rtol, atol = 1e-6, 1e-9
    runs = {}
    for jacobian in ("analytic", "finite-difference"):
        exp = sim.load_experiment(REPO / "experiments" / "single_dose.toml",
                                  overrides={"solver.jacobian": jacobian, "solver.method": method,
                                             "experiment.duration_h": 12.0})
        runs[jacobian] = sim.run(exp)
    a, f = runs["analytic"], runs["finite-difference"]
    assert list(a.status) == [0] and list(f.status) == [0]
    for out in ("plasma_mdma", "plasma_mda", "ec_serotonin", "ec_dopamine", "cyp2d6_activity", "heart_rate"):
        peak = np.abs(f[out]).max()
        # two solutions each within ~rtol of the truth: their difference is a small multiple of rtol
        assert np.abs(a[out] - f[out]).max() <= 100 * rtol * peak + atol, out


def test_analytic_jacobian_needs_fewer_rhs_calls():
    from sim.analytic import analytic_jacobian
    from sim.solver import solve_ensemble

    _, model, params = _model("single_dose")
    jac, pattern = analytic_jacobian(model, params)
    events = [(0.0, model.dose_target("mdma", "oral"), 500.0)]
    t = np.linspace(0.0, 12.0, 49)
    common = dict(events=events, rtol=1e-6, atol=1e-9, autonomous=True, return_info=True, method="bdf")
    out_a, info_a = solve_ensemble(model.rhs, model.initial_state(), params, t, jac=jac, jac_sparsity=pattern, **common)
    out_f, info_f = solve_ensemble(model.rhs, model.initial_state(), params, t, **common)
    assert info_a.ok and info_f.ok
    assert info_a["jac_evals"][0] > 0
    # finite differences spend one RHS call per column group on every Jacobian; the analytic one none
    assert info_a["rhs_evals"][0] < info_f["rhs_evals"][0] - info_f["jac_evals"][0]


def test_the_traced_parameter_branches_are_checked():
    from sim.analytic import analytic_jacobian

    _, model, params = _model("single_dose")
    assert analytic_jacobian(model, params) is not None
    # a count the tracing fixed (the number of drugs a terminal sums over) taking another value: not this form
    counts = [i for i, n in enumerate(model.parameter_names) if n.endswith(".n_drugs")]
    assert counts
    other = params.copy()
    other[:, counts[0]] += 1
    mixed = np.vstack([params, other])
    assert analytic_jacobian(model, mixed) is None  # the members disagree: finite differences


def test_bad_jacobian_value_exits_2_with_one_line(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(SHORT_RUN.format(name="bad", mg=100.0) + '[solver]\njacobian = "exact"\n')
    code = main(["run", str(path), "-o", str(tmp_path / "x.h5")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") <= 1 and "solver.jacobian" in err and "finite-difference" in err and str(path) in err, err
    assert "Traceback" not in err
