"""Physiology: subjects start and stay at their own baselines without drug; MDMA raises heart rate, blood
pressure and temperature; carvedilol lowers the rise without changing MDMA exposure; experiments run."""

from pathlib import Path

import numpy as np
import pytest
from conftest import run_experiment

import sim
from sim import validate

ROOT = Path(__file__).resolve().parent.parent


def _run(doses, duration=8.0, extra=""):
    return run_experiment(doses, duration=duration, extra=extra)


def test_each_subject_stays_at_its_own_baseline_without_drug():
    res = _run("", extra='[cohort]\nsize = 5\n[cohort.vary]\n"physiology.hr0" = { dist = "normal", sd = 10.0 }\n'
                         '"physiology.temp0" = { dist = "normal", sd = 0.3 }\n')
    hr0 = res.params["physiology.hr0"]
    assert np.ptp(hr0) > 1.0
    np.testing.assert_allclose(res["heart_rate"], hr0[:, None] * np.ones_like(res["heart_rate"]), atol=1e-6)
    np.testing.assert_allclose(res["body_temperature"][:, -1], res.params["physiology.temp0"], atol=1e-6)
    assert res.units["systolic_bp"] == "mmHg" and res.units["body_temperature"] == "degC"


def test_mdma_raises_vital_signs_and_carvedilol_lowers_them():
    mdma = '[[dose]]\ndrug = "mdma"\namount_mg = 125.0\ntime_h = 1.0\n'
    alone = _run(mdma)
    carv = _run('[[dose]]\ndrug = "carvedilol"\namount_mg = 50.0\nsalt = "base"\n' + mdma)
    carv_only = _run('[[dose]]\ndrug = "carvedilol"\namount_mg = 50.0\nsalt = "base"\n')
    rises = {}
    for name, low in (("heart_rate", 15.0), ("systolic_bp", 20.0), ("body_temperature", 0.3)):
        rise = alone[name][0].max() - alone[name][0, 0]
        assert rise > low
        assert carv[name][0].max() < alone[name][0].max()
        assert carv_only[name][0].min() < carv_only[name][0, 0]     # blockade removes basal tone
        rises[name] = (carv[name][0].max() - carv[name][0, 0]) / rise
    print("rise with carvedilol / without:", {k: round(v, 2) for k, v in rises.items()})
    np.testing.assert_allclose(carv["plasma_mdma"], alone["plasma_mdma"], rtol=1e-6, atol=1e-9)  # exposure unchanged
    assert alone["heart_rate"][0, -1] < alone["heart_rate"][0].max()


@pytest.mark.parametrize("name", ["oxytocin_dose_response", "cardiovascular_safety", "carvedilol"])
def test_experiment_files_run(name):
    exp = sim.load_experiment(ROOT / "experiments" / f"{name}.toml")
    res = sim.run(exp)
    assert np.all(res.status == 0)
    for out in ("plasma_oxytocin", "heart_rate", "systolic_bp", "body_temperature", "occupancy_5ht1a"):
        assert np.all(np.isfinite(res[out]))


# Known out-of-sample misses: 24 h after 125 mg the model still has heart rate and systolic BP raised (NE
# release follows the slowly falling MDMA without acute tolerance; the vital-sign map saturates), where the
# clinical effects have resolved. Listed here so that every other row must pass and the misses stay visible.
KNOWN_MISSES = {"heart rate vs placebo 24 h after 125 mg", "systolic BP vs placebo 24 h after 125 mg"}


def test_all_physiology_rows_pass_and_shares_are_reported():
    """Every row but the known misses passes (the Vizeli shares and the carvedilol SBP row were fixed; see
    sim/kinetics/physiology.py)."""
    rows = validate.evaluate(["physiology"])
    assert KNOWN_MISSES <= {t.quantity for t, _, _ in rows}
    assert all(ok for t, _, ok in rows if t.quantity not in KNOWN_MISSES), \
        [(t.quantity, v) for t, v, ok in rows if not ok and t.quantity not in KNOWN_MISSES]
    assert any(not t.fitted for t, _, _ in rows)
    shares = {t.quantity: v for t, v, _ in rows if "share" in t.quantity}
    assert len(shares) == 3 and all(0.0 <= v <= 1.0 for v in shares.values())
    print(shares)
