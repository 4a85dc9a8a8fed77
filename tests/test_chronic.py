"""Chronic SSRI dosing: norfluoxetine accumulates, the 5-HT1A autoreceptor desensitises over days and
resensitises after the drug is stopped, raphe firing returns to baseline; a 12-week regimen runs."""

from pathlib import Path

import numpy as np

import sim
from sim.config import load_experiment

ROOT = Path(__file__).resolve().parents[1]


def _day(res, name, day):
    keep = (res.time >= 24.0 * day - 1e-9) & (res.time < 24.0 * (day + 1) - 1e-9)
    return float(res[name][0][keep].mean())


def test_twelve_weeks_of_daily_fluoxetine_run_through_the_pipeline():
    res = sim.run(load_experiment(ROOT / "experiments" / "multiday" / "ssri_12_weeks.toml"))
    assert (res.status == 0).all() and res.time[-1] == 2016.0
    assert _day(res, "plasma_norfluoxetine", 83) > 3.0 * _day(res, "plasma_norfluoxetine", 0)   # t1/2 ~6 days
    sens = [_day(res, "autoreceptor_sensitivity_serotonin", d) for d in (0, 3, 20, 41, 83)]
    assert sens[0] > sens[1] > sens[2] and abs(sens[3] - sens[4]) < 0.03 and sens[4] < 0.9   # falls, then plateaus
    firing = [_day(res, "firing_serotonin", d) for d in (0, 20, 83)]
    assert firing[0] < 0.95 and 0.8 < firing[1] < 1.2 and 0.8 < firing[2] < 1.2
    assert _day(res, "sert_occupancy", 83) > 0.7


def test_autoreceptor_resensitises_after_the_ssri_is_stopped():
    doses = "".join(f'[[dose]]\ndrug = "fluoxetine"\namount_mg_per_kg = 10.0\ntime_h = {24.0 * d}\nroute = "ip"\n'
                    f'salt = "base"\n' for d in range(14))
    from conftest import run_experiment

    res = run_experiment(doses, species="rat", duration=24.0 * 35, interval_min=120.0,
                         extra='[amygdala]\nmodel = "none"\n')
    sens = res["autoreceptor_sensitivity_serotonin"][0]
    at = {d: float(np.interp(24.0 * d, res.time, sens)) for d in (14, 35)}
    assert at[14] < 0.8 and at[35] > 0.95 and sens.min() >= 0.0
