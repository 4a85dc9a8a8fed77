"""Rat and mouse presets: the whole cascade runs, every human output exists or is refused with a reason,
5-HT1A antagonists act in the rat as in the human, and the ambient temperature sets the sign of the
rodent temperature change."""

import numpy as np
import pytest
from conftest import run_experiment

from sim.assembly import build_model, refusal
from sim.kinetics import drugs


def _outputs(model):
    return {o.name for m in model.mechanisms for o in m.outputs}


@pytest.mark.parametrize("species", ["rat", "mouse"])
def test_every_human_output_exists_or_is_refused_with_a_reason(species):
    human, other = _outputs(build_model("human", ())), _outputs(build_model(species, ()))
    for name in sorted(human - other):
        why = refusal(species, name)
        assert why and "\n" not in why and species in why, name
    assert {"plasma_oxytocin", "body_temperature", "response_5ht1a", "response_oxtr"} <= other


def _rodent(species, doses, subject=""):
    return run_experiment(doses, duration=4.0, species=species, interval_min=5.0,
                          extra=f"[subject]\n{subject}\n" if subject else "")


@pytest.mark.parametrize("species", ["rat", "mouse"])
def test_cascade_runs_and_ambient_temperature_sets_the_sign(species):
    dose = '[[dose]]\ndrug = "mdma"\namount_mg_per_kg = 7.8\nroute = "ip"\n'
    warm = _rodent(species, dose, "ambient_temperature_c = 24.0")
    cool = _rodent(species, dose, "ambient_temperature_c = 11.0")
    assert (warm.status == 0).all() and (cool.status == 0).all()
    t_w, t_c = warm["body_temperature"][0], cool["body_temperature"][0]
    assert t_w.max() - t_w[0] > 0.2 and t_c.min() - t_c[0] < -0.2
    ot = warm["plasma_oxytocin"][0]
    assert ot.max() > 2.0 * ot[0]
    np.testing.assert_allclose(warm["response_5ht1a"][0, 0], 1.0, rtol=1e-9)


def test_way100635_and_pindolol_act_through_5ht1a_in_the_rat_as_in_the_human():
    for drug in ("way100635", "pindolol"):
        assert drugs.dosable(drug, "rat")
        rat, human = build_model("rat", (drug,)), build_model("human", (drug,))
        names = [n for n in human.parameter_names if drug in n and "5ht1a" in n]
        assert any(n.startswith("serotonin.") for n in names) and "receptors.5ht1a_" + drug + "_k" in names
        for n in names:   # the raphe autoreceptor and the postsynaptic receptors: same constants in both species
            assert rat.parameter(n).value == human.parameter(n).value, n
    mdma = '[[dose]]\ndrug = "mdma"\namount_mg_per_kg = 5.0\nroute = "ip"\ntime_h = 0.5\n'
    alone = _rodent("rat", mdma)
    way = _rodent("rat", '[[dose]]\ndrug = "way100635"\namount_mg_per_kg = 1.0\nroute = "ip"\nsalt = "base"\n' + mdma)
    assert way["response_5ht1a"][0].max() < 0.5 * alone["response_5ht1a"][0].max()
    assert way["plasma_oxytocin"][0].max() < alone["plasma_oxytocin"][0].max()


def test_mouse_drugs_fall_back_to_rat_pk_scaled_by_weight():
    pk = drugs.pk_for("fluoxetine", "mouse")
    assert pk.status == "derived" and pk.v == drugs.get("fluoxetine").pk["rat"].v
    assert drugs.pk_for("carvedilol", "mouse") is None
    model = build_model("mouse", ("fluoxetine",))
    assert model.parameter("fluoxetine.body_weight_kg").value == pytest.approx(0.025)
