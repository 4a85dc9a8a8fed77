"""S- and R-MDMA given alone or as the racemate: dosing, mass balance and the stereoselective clearance."""

import math

import numpy as np
import pytest
from conftest import experiment as build

import sim
from sim.units import mg_to_umol, salt_to_base_fraction

AMOUNT_STATES = ("gut", "depot", "central", "peripheral", "brain", "mda", "urine", "hhma", "other",
                 "mda_eliminated", "gut_s", "gut_r", "depot_s", "depot_r")


def run(doses, duration=24.0, species="human", extra=""):
    return sim.run(build(doses, duration=duration, species=species, interval_min=10.0,
                         extra=f"[solver]\nrtol = 1e-8\natol = 1e-10\n{extra}"))


def dose(drug, mg, route="oral", time_h=0.0):
    return f'[[dose]]\ndrug = "{drug}"\namount_mg = {mg}\nroute = "{route}"\ntime_h = {time_h}\n'


def half_life(t, c, t0=8.0, t1=24.0):
    keep = (t >= t0) & (t <= t1)
    return math.log(2.0) / -np.polyfit(t[keep], np.log(c[keep]), 1)[0]


@pytest.mark.parametrize("drug,other", [("s_mdma", "plasma_r_mdma"), ("r_mdma", "plasma_s_mdma")])
def test_a_single_enantiomer_makes_none_of_the_other(drug, other):
    res = run(dose(drug, 125.0))
    assert res[f"plasma_{drug}"].max() > 50.0
    assert np.abs(res[other]).max() < 1e-6 * res[f"plasma_{drug}"].max()
    np.testing.assert_allclose(res["plasma_s_mdma"] + res["plasma_r_mdma"], res["plasma_mdma"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(res["plasma_s_mda"] + res["plasma_r_mda"], res["plasma_mda"], rtol=1e-9, atol=1e-12)


def test_mass_balance_with_racemic_and_single_enantiomer_doses():
    res = run(dose("mdma", 62.5) + dose("s_mdma", 40.0, time_h=1.0) + dose("r_mdma", 30.0, route="sc", time_h=2.0))
    total = sum(res[f"pk.{s}"][0] for s in AMOUNT_STATES)
    want = mg_to_umol(132.5 * salt_to_base_fraction("mdma"), "mdma")
    np.testing.assert_allclose(total[res.time > 2.0], want, rtol=1e-6)
    # D = R - S: the racemate adds none, so D ends up the R dose minus the S dose less what was cleared
    for s in AMOUNT_STATES:
        assert res[f"pk.{s}"].min() > -1e-8, s


def test_s_is_cleared_faster_alone_than_in_the_racemate_and_r_slower():
    # per-enantiomer intrinsic clearance: S alone meets the full S clearance; R alone only R's (Straumann 2025:
    # S 4.1 h alone vs 5.1 h in the racemate; R 12 h alone vs 11 h)
    alone_s, alone_r, racemic = run(dose("s_mdma", 125.0)), run(dose("r_mdma", 125.0)), run(dose("mdma", 125.0))
    t = racemic.time
    assert half_life(t, alone_s["plasma_s_mdma"][0]) < half_life(t, racemic["plasma_s_mdma"][0])
    assert half_life(t, alone_r["plasma_r_mdma"][0]) > half_life(t, alone_s["plasma_s_mdma"][0]) * 1.5


def test_without_stereoselectivity_the_enantiomers_are_the_racemate():
    same = '[subject]\n"pk.r_s_2d6" = 1.0\n"pk.r_s_other" = 1.0\n"pk.r_s_mda" = 1.0\n'
    s, r, rac = run(dose("s_mdma", 50.0), extra=same), run(dose("r_mdma", 50.0), extra=same), \
        run(dose("mdma", 100.0), extra=same)
    np.testing.assert_allclose(s["plasma_s_mdma"], r["plasma_r_mdma"], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(rac["plasma_s_mdma"], rac["plasma_r_mdma"], rtol=1e-6, atol=1e-9)


def test_urine_turns_r_rich_after_the_racemate():
    res = run(dose("mdma", 40.0))
    assert res["pk.d_urine"][0, -1] > 0.0 and res["pk.d_mda"][0, -1] < 0.0   # R-MDMA, S-MDA in excess


def test_single_enantiomers_in_the_rat():
    res = run(dose("s_mdma", 0.6, route="ip"), duration=6.0, species="rat")
    assert res["plasma_s_mdma"].max() > 50.0 and np.abs(res["plasma_r_mdma"]).max() < 1e-6 * res["plasma_s_mdma"].max()
