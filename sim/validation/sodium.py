"""``sim validate sodium``: plasma sodium after MDMA with and without fluid restriction (Atila et al. 2024)."""

from __future__ import annotations

import math

from sim.targets import Target
from sim.validation.common import _mdma, _simulate_doses

# Between-subject spread of drug-free plasma sodium used to turn a modelled fall into a share below
# 135 mmol/L (assumed: healthy adults 140 +/- 2 mmol/L, reference-range data; check).
NA_MEAN, NA_SD = 140.0, 2.0
# Atila et al. 2024: 41 % of the 96 took 100 mg, 59 % 125 mg
DOSE_MIX = ((0.41, 100.0), (0.59, 125.0))


def sodium_fall(mg, fluid_intake_l=None):
    """Largest fall of plasma sodium within 6 h of an oral dose below the drug-free start (mmol/L)."""
    ov = (("fluid_intake_l", float(fluid_intake_l)),) if fluid_intake_l is not None else ()
    t, out = _simulate_doses((_mdma(mg),), 6.0, "human", 2.0, ov)
    return float(out["plasma_sodium"][0] - out["plasma_sodium"].min())


def share_below_135(fluid_intake_l=None):
    """Share of a population (sodium NA_MEAN +/- NA_SD before the dose) below 135 mmol/L within 6 h, Atila's
    dose mix."""
    share = 0.0
    for weight, mg in DOSE_MIX:
        after = NA_MEAN - sodium_fall(mg, fluid_intake_l)
        share += weight * 0.5 * (1.0 + math.erf((135.0 - after) / (NA_SD * math.sqrt(2.0))))
    return share


ATILA = "Atila et al. 2024 JAMA Netw Open 7:e2445278 (4 Basel trials, n = 96)"
SODIUM_TARGETS = (
    Target("sodium", "share below 135 mmol/L within 6 h of 100-125 mg (unrestricted fluids)", "31 % (37 % of the "
           "81 unrestricted)", 0.248, 0.372, "1", ATILA + "; band +/-20 %; population sodium 140 +/- 2 mmol/L "
           "assumed; fitted: water.g_ot", True, share_below_135),
    Target("sodium", "sodium fall after 125 mg / after 100 mg", "larger at 125 mg (P = .045)", 1.0, math.inf, "1",
           ATILA + " (direction)", False, lambda: sodium_fall(125.0) / sodium_fall(100.0)),
    Target("sodium", "share below 135 mmol/L with fluid restriction (0.5 L over 6 h, assumed)", "0 of 15", 0.0, 0.2,
           "1", ATILA + "; band assumed: 0 of 15 is compatible with up to ~20 %", False,
           lambda: share_below_135(0.5)),
)
