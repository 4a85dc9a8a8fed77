"""Oxytocin: units, plasma half-life, the 5-HT1A-driven response to MDMA, the central pool, and the
5-HT1A antagonist prediction (reported, not asserted to a published number)."""

import math

import numpy as np
import pytest
from conftest import run_experiment

from sim import units, validate
from sim.assembly import build_model
from sim.kinetics import oxytocin


def _run(doses, duration=8.0):
    return run_experiment(doses, duration=duration, interval_min=2.0)


def test_units():
    assert units.pm_to_pg_per_ml(1.0, "oxytocin") == pytest.approx(1.0072)
    assert units.pg_per_ml_to_pm(units.pm_to_pg_per_ml(37.0, "oxytocin"), "oxytocin") == pytest.approx(37.0)


def test_plasma_half_life_is_minutes():
    model = build_model("human", ())
    p = model.default_parameters()
    y = model.initial_state()
    i = model.state_index("oxytocin.plasma")
    base = y[i]
    y[i] = 3.0 * base  # excess oxytocin with release at baseline: first-order decay of the excess
    dydt = np.zeros_like(y)
    model.rhs(0.0, y, p, dydt)
    k = -dydt[i] / (2.0 * base)
    assert math.log(2.0) / k * 60.0 == pytest.approx(4.0, rel=1e-9)   # minutes
    assert 3.0 <= model.parameter("oxytocin.plasma_half_life").value * 60.0 <= 5.0


def test_mdma_raises_plasma_then_central_oxytocin():
    placebo = _run("")
    res = _run('[[dose]]\ndrug = "mdma"\namount_mg_per_kg = 1.5\n', duration=12.0)
    assert res.units["plasma_oxytocin"] == "pg/mL"
    np.testing.assert_allclose(placebo["plasma_oxytocin"], 18.6, rtol=1e-6)
    plasma, central = res["plasma_oxytocin"][0], res["central_oxytocin"][0]
    assert plasma.max() > 3.0 * 18.6
    t_plasma, t_central = res.time[np.argmax(plasma)], res.time[np.argmax(central)]
    assert 1.0 <= t_plasma <= 2.5 and t_central > t_plasma         # slower central pool
    assert plasma[-1] < 1.1 * 18.6                                   # back to baseline within 12 h
    assert res["occupancy_oxtr"][0].max() > 2.0 * res["occupancy_oxtr"][0, 0]


def test_oxytocin_response_is_dose_dependent():
    """Kirkpatrick et al. 2014: 0.75 mg/kg small (not significant), 1.5 mg/kg ~4.5x placebo."""
    low = _run('[[dose]]\ndrug = "mdma"\namount_mg_per_kg = 0.75\n')["plasma_oxytocin"][0].max()
    high = _run('[[dose]]\ndrug = "mdma"\namount_mg_per_kg = 1.5\n')["plasma_oxytocin"][0].max()
    assert low < 2.0 * 18.6 < 3.6 * 18.6 < high
    assert (low - 18.6) < 0.3 * (high - 18.6)


def test_5ht1a_antagonist_lowers_the_oxytocin_response():
    alone = _run('[[dose]]\ndrug = "mdma"\namount_mg = 125.0\ntime_h = 1.0\n')
    for drug, mg in (("pindolol", 20.0), ("way100635", 10.0)):
        pre = _run(f'[[dose]]\ndrug = "{drug}"\namount_mg = {mg}\nsalt = "base"\nroute = "iv"\n'
                   '[[dose]]\ndrug = "mdma"\namount_mg = 125.0\ntime_h = 1.0\n')
        rise = (pre["plasma_oxytocin"].max() - 18.6) / (alone["plasma_oxytocin"].max() - 18.6)
        print(f"{drug} {mg} mg i.v. 1 h before 125 mg MDMA: oxytocin rise {100 * rise:.0f} % of MDMA alone")
        assert rise < 0.9


def test_all_oxytocin_rows_pass():
    """Every row passes, the 0.75 mg/kg row included (no longer an expected failure)."""
    rows = validate.evaluate(["oxytocin"])
    assert all(ok for _, _, ok in rows), [(t.quantity, v) for t, v, ok in rows if not ok]
    assert any(not t.fitted for t, _, _ in rows)
    assert oxytocin.PLASMA_BASELINE_PM == pytest.approx(18.6 / 1.0072)
