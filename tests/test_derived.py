"""Derived parameters are hooks of their mechanisms (sim/assembly.py): each run's drug input scales and body
weights follow that run's own PK parameters, whatever the drugs and species."""

import numpy as np
import pytest

from sim.assembly import REGISTRY, build_model, derive_parameters


@pytest.mark.parametrize("species,drugs", [("human", ("paroxetine", "oxytocin", "sertraline")),
                                           ("rat", ("fluoxetine", "way100635"))])
def test_derived_parameters_follow_each_runs_pk(species, drugs):
    model = build_model(species, drugs)
    params = np.tile(model.default_parameters(), (3, 1))
    ix = model.parameter_index
    params[:, ix("pk.body_weight_kg")] *= np.array([0.5, 1.0, 2.0])
    params[:, ix("pk.v_mda")] *= np.array([1.0, 2.0, 4.0])
    derive_parameters(model, params)
    bw = params[:, ix("pk.body_weight_kg")]
    weights = [n for n in model.parameter_names if n.endswith(".body_weight_kg") and not n.startswith("pk.")]
    mda = [n for n in model.parameter_names if n.endswith(".mda_scale")]
    mdma = [n for n in model.parameter_names if n.endswith(".mdma_scale")]
    assert len(weights) >= len(drugs) and len(mda) >= 4 and len(mdma) >= 4
    for n in weights:
        assert np.array_equal(params[:, ix(n)], bw)
    for n in mda:   # fu / (V_mda (BW/70)): 1, 1/4, 1/16 of the first run's
        assert np.allclose(params[:, ix(n)] / params[0, ix(n)], [1.0, 0.25, 1.0 / 16.0])
    for n in mdma:  # brain MDMA's scale does not depend on body weight or V_mda
        assert np.allclose(params[:, ix(n)], params[0, ix(n)])


def test_every_copied_parameter_has_a_hook():
    """A parameter whose source says it is copied per run is set by some mechanism's hook."""
    model = build_model("human", ("paroxetine", "oxytocin", "mda"))
    params = np.tile(model.default_parameters(), (1, 1))
    params[:] = np.nan   # every value a hook does not set stays NaN; pk's own stay NaN too
    params[:, [i for i, n in enumerate(model.parameter_names) if n.startswith("pk.")]] = 1.0
    derive_parameters(model, params)
    for i, (n, p) in enumerate(zip(model.parameter_names, model.parameters, strict=True)):
        if "copied from pk." in p.source or n.endswith((".mdma_scale", ".mda_scale")):
            assert np.isfinite(params[0, i]), n
    assert REGISTRY["pk"].input_scales is not None
