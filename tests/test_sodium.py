"""Plasma sodium: water balance with oxytocin antidiuresis; no drinking, no dilution."""

import numpy as np
from conftest import run_experiment

MDMA = '[[dose]]\ndrug = "mdma"\namount_mg = 125.0\n'


def _na(doses, intake):
    res = run_experiment(doses, duration=8.0, extra=f"[subject]\nfluid_intake_l = {intake}\n")
    return res.time, res["plasma_sodium"][0]


def test_sodium_falls_only_when_water_is_drunk_and_more_under_mdma():
    t, dry = _na(MDMA, 0.0)
    np.testing.assert_allclose(dry, dry[0], rtol=1e-9)             # sodium is conserved: no water, no change
    _, placebo = _na("", 1.5)
    _, mdma = _na(MDMA, 1.5)
    assert placebo.min() < placebo[0] and mdma.min() < placebo.min() - 1.0   # oxytocin holds the water back
    assert placebo[-1] > placebo.min() + 0.5                         # drug-free, the load is excreted
    _, more = _na(MDMA, 3.0)
    assert more.min() < mdma.min()
