"""The HPA axis adapts to a lasting drive (sim.kinetics.endocrine, ``adapt_half_life``): a single SSRI dose
raises cortisol, two weeks of daily doses do not keep it raised, and without the adaptation they would."""

import numpy as np

from sim.validation.common import _simulate_doses

DAYS = 14
DOSES = tuple(("citalopram", 20.0, 24.0 * d, "oral", False, "base") for d in range(DAYS))


def _daily_means(overrides=()):
    t, out = _simulate_doses(DOSES, 24.0 * DAYS, "human", 60.0, overrides)
    _, none = _simulate_doses((), 24.0 * DAYS, "human", 60.0, overrides)
    first, last = t < 24.0, t >= 24.0 * (DAYS - 1) - 1e-9
    ratio = out["plasma_cortisol"] / none["plasma_cortisol"]
    return ratio[first].max(), out["plasma_cortisol"][last].mean() / none["plasma_cortisol"][last].mean()


def test_cortisol_rises_after_one_ssri_dose_and_adapts_under_daily_dosing():
    acute_peak, adapted = _daily_means()
    assert acute_peak > 1.2
    assert abs(adapted - 1.0) < 0.1
    _, unadapted = _daily_means((("endocrine.adapt_half_life", 1e4),))
    assert unadapted > 1.2
    assert np.isfinite([acute_peak, adapted, unadapted]).all()
