"""`sim export`: the symbolic form traced from the mechanisms equals the compiled RHS; its Jacobian
equals finite differences; the SBML validates with libsbml and, simulated in libRoadRunner, gives what
`sim run` gives."""

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.cli import main

sympy = pytest.importorskip("sympy")

REPO = Path(__file__).resolve().parent.parent
TIGHT = {"solver.rtol": 1e-8, "solver.atol": 1e-12}


def _model(name, **overrides):
    from sim.assembly import model_for
    from sim.cohort import parameter_matrix

    exp = sim.load_experiment(REPO / "experiments" / f"{name}.toml", overrides=overrides)
    model = model_for(exp)
    return exp, model, parameter_matrix(exp, model)


def _random_states(model, rng, k=4):
    """Positive states around the initial state (and around a dosed PK), away from the max(x, 0) kinks."""
    y0 = model.initial_state()
    out = []
    for _ in range(k):
        y = y0 * np.exp(0.3 * rng.standard_normal(y0.size)) + rng.random(y0.size)
        for i, name in enumerate(model.state_names):
            if name.endswith("cyp2d6") or name.endswith("enzyme"):
                y[i] = 0.2 + 0.6 * rng.random()  # clipped to [0, 1] in the RHS
        out.append(y)
    return out


@pytest.mark.parametrize("name", ["single_dose", "rat_microdialysis"])
def test_symbolic_rhs_equals_the_compiled_rhs(name):
    from sim.symbolic import symbolic

    _, model, params = _model(name)
    sym = symbolic(model, params[0])
    f = sym.rhs_function()
    for y in _random_states(model, np.random.default_rng(1)):
        compiled = np.zeros(model.n_states)
        model.rhs(0.7, y, params[0], compiled)
        np.testing.assert_allclose(f(0.7, y, params[0]), compiled, rtol=1e-10, atol=1e-10 * np.abs(compiled).max())


@pytest.mark.parametrize("name", ["single_dose", "rat_microdialysis"])
def test_analytic_jacobian_equals_finite_differences(name):
    from sim.symbolic import symbolic

    _, model, params = _model(name)
    p = params[0]
    sym = symbolic(model, p)
    jac = sym.jacobian_function()
    pattern = sym.jacobian_sparsity()
    assert pattern.sum() < 0.5 * pattern.size  # sparse: most entries identically zero

    def f(y):
        d = np.zeros(model.n_states)
        model.rhs(0.7, y, p, d)
        return d

    for y in _random_states(model, np.random.default_rng(2), k=3):
        exact = jac(0.7, y, p)
        h = 1e-6 * np.maximum(np.abs(y), 1e-3)
        fd = np.empty_like(exact)
        for j in range(y.size):
            e = np.zeros_like(y)
            e[j] = h[j]
            fd[:, j] = (f(y + e) - f(y - e)) / (2 * h[j])
        scale = np.abs(exact).max(axis=1, keepdims=True) + 1e-12
        np.testing.assert_array_less(np.abs(exact - fd) / scale, 1e-5)
        assert not np.any(exact[~pattern]), "an entry outside the sparsity pattern"


def _roadrunner_vs_sim(name, run):
    roadrunner = pytest.importorskip("roadrunner")
    from sim.export import assemble, ident, to_sbml, validate_sbml

    exp = sim.load_experiment(REPO / "experiments" / f"{name}.toml", overrides=TIGHT)
    a = assemble(exp, run=run)
    text = to_sbml(a)
    assert validate_sbml(text) == []
    rr = roadrunner.RoadRunner(text)
    rr.integrator.relative_tolerance = 1e-10
    rr.integrator.absolute_tolerance = 1e-12
    rr.integrator.maximum_num_steps = 200_000
    res = sim.run(exp)
    assert not a.sym.skipped_outputs
    observables = {o for o in res.outputs if o not in a.sym.state_names}  # save_states adds the states
    assert observables <= set(a.sym.outputs), "every output of sim run is exported"
    outputs = sorted(observables)
    # every k-th time of the run's grid (about 100 points), so the comparison points are the run's own times
    k = max(1, (len(res.time) - 1) // 100)
    while (len(res.time) - 1) % k:
        k -= 1
    keep = np.arange(0, len(res.time), k)
    data = rr.simulate(0.0, float(res.time[-1]), len(keep), ["time", *(ident(o) for o in outputs)])
    np.testing.assert_allclose(data[:, 0], res.time[keep], atol=1e-9)
    return {o: (data[:, j + 1], res[o][run][keep]) for j, o in enumerate(outputs)}, a


EXPERIMENTS = ["single_dose", "ssri_pretreatment", "poor_metabolizer", "rat_microdialysis"]


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_sbml_in_libroadrunner_matches_sim_run(name):
    pytest.importorskip("libsbml")
    exp = sim.load_experiment(REPO / "experiments" / f"{name}.toml")
    for run in range(min(exp.cohort_size, 4)):
        pairs, a = _roadrunner_vs_sim(name, run)
        assert {"plasma_mdma", "ec_serotonin", "cyp2d6_activity"} <= set(pairs)
        for out, (rr_values, sim_values) in pairs.items():
            peak = np.abs(sim_values).max()
            if peak < 1e-9:  # an output that stays at zero (a drug this run does not take): absolute check
                np.testing.assert_allclose(rr_values, sim_values, rtol=0, atol=1e-9, err_msg=out)
                continue
            err = np.abs(rr_values - sim_values).max() / peak
            assert err < 1e-4, f"{name} run {run} {out}: {err:.2e} of its peak"


def test_antimony_describes_the_same_model():
    antimony = pytest.importorskip("antimony")
    roadrunner = pytest.importorskip("roadrunner")
    from sim.export import assemble, to_antimony, to_sbml

    exp = sim.load_experiment(REPO / "experiments" / "single_dose.toml", overrides={"experiment.duration_h": 6.0})
    a = assemble(exp)
    assert antimony.loadAntimonyString(to_antimony(a)) >= 0, antimony.getLastError()
    from_ant = roadrunner.RoadRunner(antimony.getSBMLString(antimony.getMainModuleName()))
    from_sbml = roadrunner.RoadRunner(to_sbml(a))
    for rr in (from_ant, from_sbml):
        rr.integrator.relative_tolerance = 1e-10
        rr.integrator.absolute_tolerance = 1e-12
    x = from_ant.simulate(0, 6, 13, ["time", "plasma_mdma", "ec_serotonin"])
    y = from_sbml.simulate(0, 6, 13, ["time", "plasma_mdma", "ec_serotonin"])
    np.testing.assert_allclose(x, y, rtol=1e-6)


def test_sbml_carries_units_sources_and_dose_events(tmp_path, capsys):
    pytest.importorskip("libsbml")
    import libsbml

    out = tmp_path / "supp.xml"
    assert main(["export", str(REPO / "experiments" / "supplemental_dose.toml"), "--format", "sbml", "-o",
                 str(out), "-q"]) == 0
    assert "wrote" in capsys.readouterr().out
    model = libsbml.readSBMLFromFile(str(out)).getModel()
    assert model.getNumEvents() >= 1  # the supplemental dose (the first, at t = 0, is the initial gut amount)
    ka = model.getParameter("pk__ka")
    assert ka.getConstant() and "unit: 1/h" in ka.getNotesString() and "source:" in ka.getNotesString()
    assert model.getAssignmentRuleByVariable("plasma_mdma") is not None
    assert model.getNumRules() > 40


def test_export_refuses_a_bad_suffix(tmp_path, capsys):
    code = main(["export", str(REPO / "experiments" / "single_dose.toml"), "--format", "sbml", "-o",
                 str(tmp_path / "x.h5")])
    assert code == 2 and capsys.readouterr().err.count("\n") == 1
