"""MDMA PK mechanism: mass balance, non-negativity, (non)linearity, phenotypes, species."""

import numpy as np
import pytest
from conftest import experiment as build

import sim
from sim.kinetics.drugs import mdma as pk
from sim.units import mg_to_umol, salt_to_base_fraction

AMOUNT_STATES = ("gut", "depot", "central", "peripheral", "brain", "mda", "urine", "hhma", "other",
                 "mda_eliminated", "gut_s", "gut_r", "depot_s", "depot_r")


def experiment(doses="[[dose]]\ndrug = \"mdma\"\namount_mg = 125.0\n", duration=48.0, extra="", species="human"):
    return build(doses, duration=duration, species=species, interval_min=10.0,
                 extra=f"[solver]\nrtol = 1e-8\natol = 1e-10\n{extra}")


def auc(result, name="plasma_mdma"):
    return np.trapezoid(result[name], result.time, axis=1)


def test_mass_balance_closes():
    res = sim.run(experiment(doses='[[dose]]\ndrug = "mdma"\namount_mg = 125.0\n'
                                   '[[dose]]\ndrug = "mdma"\namount_mg = 62.5\ntime_h = 2.0\n'))
    total = sum(res[f"pk.{s}"][0] for s in AMOUNT_STATES)
    dose_umol = mg_to_umol(187.5 * salt_to_base_fraction("mdma"), "mdma")
    after = res.time > 2.0
    np.testing.assert_allclose(total[after], dose_umol, rtol=1e-6)
    assert abs(total[res.time < 2.0] - mg_to_umol(125 * salt_to_base_fraction("mdma"), "mdma")).max() < 1e-3


def test_states_stay_non_negative():
    res = sim.run(experiment(duration=240.0))
    for s in AMOUNT_STATES:
        assert res[f"pk.{s}"].min() > -1e-8, s
    cyp = res["cyp2d6_activity"]
    assert cyp.min() >= 0.0 and cyp.max() <= 1.0 + 1e-9


def test_linear_without_inactivation():
    # inactivation off and Km at its ceiling: the remaining saturation term fu*C/Km < 1e-4 at 150 mg
    off = "[subject]\n\"pk.kinact\" = 0.0\n\"pk.km_2d6\" = 1e4\n"
    low = sim.run(experiment('[[dose]]\ndrug = "mdma"\namount_mg = 50.0\n', extra=off))
    high = sim.run(experiment('[[dose]]\ndrug = "mdma"\namount_mg = 150.0\n', extra=off))
    np.testing.assert_allclose(auc(high) / auc(low), 3.0, rtol=2e-4)


def test_inactivation_makes_exposure_supra_proportional():
    low = sim.run(experiment('[[dose]]\ndrug = "mdma"\namount_mg = 50.0\n'))
    high = sim.run(experiment('[[dose]]\ndrug = "mdma"\namount_mg = 150.0\n'))
    assert auc(high)[0] / auc(low)[0] > 3.0 * 1.05


def test_phenotype_ordering():
    aucs = []
    for phenotype in ("ultrarapid", "extensive", "intermediate", "poor"):
        res = sim.run(experiment(extra=f'[subject]\ncyp2d6 = "{phenotype}"\n'))
        aucs.append(auc(res)[0])
    assert all(a < b for a, b in zip(aucs, aucs[1:], strict=False)), aucs


def test_heavier_subject_has_lower_peak():
    light = sim.run(experiment(extra="[subject]\nbody_weight_kg = 55.0\n"))
    heavy = sim.run(experiment(extra="[subject]\nbody_weight_kg = 95.0\n"))
    assert heavy["plasma_mdma"].max() < light["plasma_mdma"].max()


def test_dose_per_kg_uses_body_weight():
    heavy = "[subject]\nbody_weight_kg = 80.0\n"
    a = sim.run(experiment('[[dose]]\ndrug = "mdma"\namount_mg_per_kg = 1.5\n', extra=heavy))
    b = sim.run(experiment('[[dose]]\ndrug = "mdma"\namount_mg = 120.0\n', extra=heavy))
    np.testing.assert_allclose(a["plasma_mdma"], b["plasma_mdma"], rtol=1e-10)


def test_salt_and_base_doses():
    salt = sim.run(experiment('[[dose]]\ndrug = "mdma"\namount_mg = 125.0\nsalt = "hcl"\n'))
    base = sim.run(experiment('[[dose]]\ndrug = "mdma"\namount_mg = 105.16\nsalt = "base"\n'))
    np.testing.assert_allclose(salt["plasma_mdma"].max(), base["plasma_mdma"].max(), rtol=1e-3)


def test_rat_preset_runs_with_parenteral_routes():
    for route in ("ip", "sc", "oral"):
        dose = f'[[dose]]\ndrug = "mdma"\namount_mg_per_kg = 2.0\nroute = "{route}"\n'
        res = sim.run(experiment(dose, duration=12.0, species="rat"))
        assert res["plasma_mdma"].max() > 0
        assert res.params["pk.body_weight_kg"][0] == pytest.approx(0.3)


def test_every_parameter_has_unit_and_source():
    for mech in pk.SPECIES.values():
        for p in mech.parameters:
            assert p.unit and p.source and p.description, p.name


def test_enantiomers_sum_to_the_racemate_and_r_outlasts_s():
    res = sim.run(experiment(duration=24.0))
    s, r, total = res["plasma_s_mdma"][0], res["plasma_r_mdma"][0], res["plasma_mdma"][0]
    np.testing.assert_allclose(s + r, total, rtol=1e-9, atol=1e-12)
    assert r[-1] > 2.0 * s[-1] and s.min() >= -1e-9            # CYP2D6 prefers S: plasma turns R-rich
    same = sim.run(experiment(duration=24.0, extra='[subject]\n"pk.r_s_2d6" = 1.0\n"pk.r_s_other" = 1.0\n'
                                                   '"pk.r_s_mda" = 1.0\n'))
    np.testing.assert_allclose(same["plasma_s_mdma"][0], same["plasma_r_mdma"][0], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(same["plasma_s_mda"][0], same["plasma_r_mda"][0], rtol=1e-6, atol=1e-9)
