"""``sim validate enantiomers``: S- and R-MDMA after racemic doses (Straumann et al. 2025; Fallon et al. 1999).

The enantiomer split decomposes the calibrated racemic kinetics (sim/kinetics/pk.py) with two parameters
(``pk.r_s_2d6``, ``pk.r_s_other``: R's intrinsic clearance relative to S's), fitted to Straumann's S
half-life and Fallon's R:S AUC ratio. The R half-lives are predictions. Fallon's S half-life after 40 mg is
missed (the modelled racemate's half-life at 40 mg is longer than Fallon's): the row stays as a known miss.
"""

from __future__ import annotations

import math

import numpy as np

from sim.targets import Target
from sim.validation.common import _simulate, _window


def enantiomer_half_life(name, dose_mg, t0=8.0, t1=24.0):
    """Terminal half-life (h) of ``plasma_s_mdma`` or ``plasma_r_mdma`` from a log-linear fit, t0-t1 h."""
    t, out = _simulate(((dose_mg, 0.0),), 48.0)
    tw, cw = _window(t, out[name], t0, t1)
    return math.log(2.0) / -np.polyfit(tw, np.log(cw), 1)[0]


def auc_r_to_s(dose_mg, t1=24.0):
    t, out = _simulate(((dose_mg, 0.0),), 48.0)
    tw, r = _window(t, out["plasma_r_mdma"], 0.0, t1)
    _, s = _window(t, out["plasma_s_mdma"], 0.0, t1)
    return float(np.trapezoid(r, tw) / np.trapezoid(s, tw))


FALLON = "Fallon et al. 1999 Clin Chem 45:1058 (n = 8);"
STRAUMANN = "Straumann et al. 2025 Neuropsychopharmacology 50:362 (n = 24; band +/-20 %)"
ENANTIOMER_TARGETS = (
    Target("enantiomers", "S-MDMA half-life after 125 mg racemic", "5.1", 4.08, 6.12, "h",
           STRAUMANN + "; fitted: pk.r_s_2d6, pk.r_s_other", True,
           lambda: enantiomer_half_life("plasma_s_mdma", 125.0)),
    Target("enantiomers", "R-MDMA half-life after 125 mg racemic", "11", 8.8, 13.2, "h", STRAUMANN, False,
           lambda: enantiomer_half_life("plasma_r_mdma", 125.0)),
    Target("enantiomers", "R:S plasma AUC0-24 after 40 mg racemic", "2.4 +/- 0.3", 1.92, 2.88, "1",
           FALLON + " band +/-20 %; fitted: pk.r_s_2d6, pk.r_s_other", True, lambda: auc_r_to_s(40.0)),
    Target("enantiomers", "R-MDMA half-life after 40 mg racemic", "5.8 +/- 2.2", 3.6, 8.0, "h",
           FALLON + " band +/-1 SD", False, lambda: enantiomer_half_life("plasma_r_mdma", 40.0)),
    Target("enantiomers", "S-MDMA half-life after 40 mg racemic", "3.6 +/- 0.9", 2.7, 4.5, "h",
           FALLON + " band +/-1 SD", False, lambda: enantiomer_half_life("plasma_s_mdma", 40.0)),
)
