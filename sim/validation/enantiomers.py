"""``sim validate enantiomers``: S- and R-MDMA (and S-/R-MDA) after racemic and single-enantiomer doses
(Straumann et al. 2025; Fallon et al. 1999).

Each hepatic route of MDMA has an intrinsic clearance per enantiomer (sim/kinetics/drugs/mdma.py); R's relative to
S's (``pk.r_s_2d6``, ``pk.r_s_other``, ``pk.r_s_mda``) are fitted, with the racemic PK parameters, to
Straumann's S half-life after the racemate, Fallon's R:S AUC ratio and Fallon's S-MDA:R-MDA urinary ratio.
Everything else is a prediction: R half-lives after the racemate, Fallon's half-lives at 40 mg, the
half-lives after S- or R-MDMA given alone, and Fallon's urinary R:S MDMA ratio. Fallon's urinary values are
compared as ratios: the abstract gives them as "% of the dose" (R-MDMA 21.4 +/- 11.6, S-MDMA 9.3 +/- 4.9,
S-MDA 1.4 +/- 0.5, R-MDA 1.0 +/- 0.3), which may mean the racemic dose or each enantiomer's half of it; the
ratios do not depend on which. Fallon's S half-life at 40 mg stays a known miss, just above its band.
"""

from __future__ import annotations

import math

import numpy as np

from sim.targets import Target
from sim.validation.common import _experiment, _simulate, _simulate_doses, _window


def enantiomer_half_life(name, dose_mg, t0=8.0, t1=24.0, **kw):
    """Terminal half-life (h) of ``plasma_s_mdma`` or ``plasma_r_mdma`` from a log-linear fit, t0-t1 h."""
    t, out = _simulate(((dose_mg, 0.0),), 48.0, **kw)
    tw, cw = _window(t, out[name], t0, t1)
    return math.log(2.0) / -np.polyfit(tw, np.log(cw), 1)[0]


def alone_half_life(drug, dose_mg, t0=8.0, t1=24.0):
    """Terminal half-life (h) of one enantiomer given alone (``s_mdma`` or ``r_mdma``, mg of the HCl salt)."""
    t, out = _simulate_doses(((drug, dose_mg, 0.0, "oral", False, "hcl"),), 48.0, "human", 2.0)
    tw, cw = _window(t, out[f"plasma_{drug}"], t0, t1)
    return math.log(2.0) / -np.polyfit(tw, np.log(cw), 1)[0]


def urinary_r_to_s(dose_mg, t1=24.0):
    """R- over S-MDMA excreted unchanged in urine by ``t1`` h after a racemic dose."""
    from sim.runner import run

    res = run(_experiment([(dose_mg, 0.0)], t1))
    urine, d = res["pk.urine"][0, -1], res["pk.d_urine"][0, -1]
    return float((urine + d) / (urine - d))


def auc_mda_s_to_r(dose_mg, t1=24.0, **kw):
    """S- over R-MDA plasma AUC0-t1 after a racemic dose: their urinary ratio if MDA's renal clearance is not
    stereoselective (assumed)."""
    t, out = _simulate(((dose_mg, 0.0),), 48.0, **kw)
    tw, s = _window(t, out["plasma_s_mda"], 0.0, t1)
    _, r = _window(t, out["plasma_r_mda"], 0.0, t1)
    return float(np.trapezoid(s, tw) / np.trapezoid(r, tw))


def auc_r_to_s(dose_mg, t1=24.0, **kw):
    t, out = _simulate(((dose_mg, 0.0),), 48.0, **kw)
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
    Target("enantiomers", "S-MDMA half-life, 125 mg S-MDMA alone", "4.1", 3.28, 4.92, "h", STRAUMANN, False,
           lambda: alone_half_life("s_mdma", 125.0)),
    Target("enantiomers", "R-MDMA half-life, 125 mg R-MDMA alone", "12", 9.6, 14.4, "h", STRAUMANN, False,
           lambda: alone_half_life("r_mdma", 125.0)),
    Target("enantiomers", "R-MDMA half-life, 250 mg R-MDMA alone", "14", 11.2, 16.8, "h", STRAUMANN, False,
           lambda: alone_half_life("r_mdma", 250.0)),
    Target("enantiomers", "R:S MDMA excreted unchanged in 24-h urine after 40 mg racemic", "21.4 % / 9.3 % = 2.30",
           1.84, 2.76, "1", FALLON + " band +/-20 % (SDs of the ratio not published)", False,
           lambda: urinary_r_to_s(40.0)),
    Target("enantiomers", "S:R MDA in 24-h urine after 40 mg racemic (plasma AUC0-24 ratio)", "1.4 % / 1.0 % = 1.4",
           1.12, 1.68, "1", FALLON + " band +/-20 % (SDs of the ratio not published); MDA renal clearance taken as not "
           "stereoselective; fitted: pk.r_s_mda", True, lambda: auc_mda_s_to_r(40.0)),
)
