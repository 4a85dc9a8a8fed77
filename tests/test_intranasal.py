"""Intranasal oxytocin: a dosable drug whose nasal dose joins the oxytocin pools and acts on OXTR (issue 17)."""

import numpy as np
import pytest

from sim.assembly import build_model
from sim.config import parse_experiment
from sim.errors import ConfigError
from sim.kinetics import drugs
from sim.kinetics.intranasal import UG_PER_IU
from sim.runner import run
from sim.validation import extinction as ext

IU24_MG = 24.0 * UG_PER_IU * 1e-3


def _experiment(species="human", route="intranasal", drug="oxytocin", amount=IU24_MG):
    return parse_experiment(f"""
[experiment]
name = "nasal"
species = "{species}"
duration_h = 4.0
output_interval_min = 1.0

[[dose]]
drug = "{drug}"
amount_mg = {amount}
time_h = 0.0
route = "{route}"
salt = "base"
""", "nasal.toml")


def test_oxytocin_is_a_library_drug_with_an_intranasal_route_in_the_human():
    assert drugs.get("oxytocin").pk_mechanism == "intranasal" and drugs.dosable("oxytocin", "human")
    names = [m.name for m in build_model("human", ("oxytocin",)).mechanisms]
    assert "intranasal" in names and "oxytocin" in names
    assert "intranasal" not in [m.name for m in build_model("human", ("mdma",)).mechanisms]


def test_a_nasal_dose_raises_plasma_then_central_oxytocin_and_oxtr_occupancy():
    res = run(_experiment())
    t = res.time
    plasma, central = res.outputs["plasma_oxytocin"][0], res.outputs["central_oxytocin"][0]
    occ = res.outputs["occupancy_oxtr"][0]
    tp, tc = t[np.argmax(plasma)], t[np.argmax(central)]
    assert 0.1 <= tp <= 0.5 < tc <= 1.5              # plasma peaks first (~15 min), the CSF pool later
    assert plasma.max() > plasma[0] and central.max() > central[0]
    assert occ.max() > occ[0]
    assert central[-1] - central[0] < 0.2 * (central.max() - central[0])   # cleared within hours
    # dose-proportional: twice the spray, twice the central rise
    res2 = run(_experiment(amount=2 * IU24_MG))
    c2 = res2.outputs["central_oxytocin"][0]
    assert c2.max() - c2[0] == pytest.approx(2 * (central.max() - central[0]), rel=1e-3)


def test_intranasal_is_refused_where_no_model_takes_it():
    for exp in (_experiment(species="rat"), _experiment(route="oral"), _experiment(drug="fluoxetine", amount=20.0)):
        with pytest.raises(ConfigError) as info:
            run(exp)
        msg = str(info.value)
        assert "\n" not in msg and "dose.0.route" in msg


def test_an_unknown_route_is_one_line_naming_the_allowed_routes():
    with pytest.raises(ConfigError) as info:
        parse_experiment(_experiment().source_text.replace('"intranasal"', '"snorted"'), "bad.toml")
    msg = str(info.value)
    assert "\n" not in msg and "dose.0.route" in msg and "intranasal" in msg


def test_acheson_rows_compare_with_a_drug_free_run_of_the_same_pipeline():
    on, off = ext.acheson(True), ext.acheson(False)
    assert all(np.isfinite(v) for v in (*on.values(), *off.values()))
    # the placebo arm is the same pipeline without a dose: identical conditioning, and no effect of the
    # pipeline itself on the first trials
    assert on["early"] == pytest.approx(off["early"], rel=1e-3)
    rows = [t for t in ext.EXTINCTION_TARGETS if t.quantity.startswith("Acheson 2013")]
    assert len(rows) == 2 and not any(t.fitted for t in rows)


def test_human_placebo_arms_run_the_drug_free_pipeline():
    """The drug-free human run has a course of its own (circadian cortisol feeds the plasticity state), so a
    placebo arm without any drive would not be a placebo: Acheson's and Vizeli's placebo arms go through the
    pipeline without a dose."""
    from sim.amygdala import conditioning, extinction, probe

    free = ext._drive((), 30.0, "human")
    assert np.ptp(free.values("plasma_cortisol", np.arange(0.0, 30.0, 0.5))) > 0.05
    t0 = ext.VIZELI_EXTINCTION_H
    trials = (conditioning(5, t0_h=t0 - 24.0) + extinction(ext.VIZELI_CS, t0, "B", iti_s=20.0)
              + probe(t0 + 23.0, "B"))
    om = ext.human_omission_scale()
    assert ext.vizeli(False)["recall"] == pytest.approx(float(ext._run(trials, free, omission_scale=om)
                                                              .fear_response[0, -1]))
    assert ext.vizeli(False)["recall"] != pytest.approx(float(ext._run(trials, None, omission_scale=om)
                                                              .fear_response[0, -1]))
