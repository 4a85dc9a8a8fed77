"""``sim validate endocrine``: cortisol, prolactin and corticosterone after MDMA (human and rat), the
metyrapone block of the cortisol rise, cortisol and prolactin after one SSRI dose, and all-day cortisol under a
daily SSRI (the HPA axis' adaptation)."""

from __future__ import annotations

import math

import numpy as np

from sim.targets import Target
from sim.validation.common import _mdma, _simulate_doses


def fold_over_placebo(name, doses, duration=10.0, species="human", interval=2.0):
    """Largest ratio of ``name`` after the doses to the drug-free run at the same time."""
    t, out = _simulate_doses(tuple(doses), duration, species, interval)
    _, none = _simulate_doses((), duration, species, interval)
    return float((out[name] / none[name]).max())


def peak_time(name, doses, duration=10.0):
    t, out = _simulate_doses(tuple(doses), duration, "human", 2.0)
    return float(t[np.argmax(out[name])] - doses[-1][2])


METYRAPONE = (("metyrapone", 750.0, 0.0, "oral", False, "base"),)


def metyrapone_block(t_mdma=1.0, amount=75.0):
    """MDMA-evoked cortisol rise after metyrapone 750 mg (1 h earlier) / the rise without it; each rise is the
    largest difference from the matching run without MDMA."""
    mdma = ("mdma", amount, t_mdma, "oral", False, "hcl")
    _, met = _simulate_doses(METYRAPONE, 10.0, "human", 2.0)
    _, both = _simulate_doses((*METYRAPONE, mdma), 10.0, "human", 2.0)
    _, none = _simulate_doses((), 10.0, "human", 2.0)
    _, alone = _simulate_doses((mdma,), 10.0, "human", 2.0)
    name = "plasma_cortisol"
    return float((both[name] - met[name]).max() / (alone[name] - none[name]).max())


def rat_fold_at(name, mg_per_kg, time_h):
    """Rat ``name`` at ``time_h`` after an i.p. dose / the drug-free run at that time."""
    doses = (("mdma", mg_per_kg, 0.0, "ip", True, "hcl"),)
    t, out = _simulate_doses(doses, 6.0, "rat", 5.0)
    _, none = _simulate_doses((), 6.0, "rat", 5.0)
    i = int(np.searchsorted(t, time_h - 1e-9))
    return float(out[name][i] / none[name][i])


def rat_peak_time(name, mg_per_kg):
    t, out = _simulate_doses((("mdma", mg_per_kg, 0.0, "ip", True, "hcl"),), 6.0, "rat", 5.0)
    return float(t[np.argmax(out[name])])


def chronic_ssri_cortisol(days: int, drug="citalopram", mg=20.0):
    """Mean plasma cortisol over the last 24 h of ``days`` daily doses (08:00-like dosing from t = 0) / the
    drug-free run over the same hours."""
    doses = tuple((drug, mg, 24.0 * d, "oral", False, "base") for d in range(days))
    t, out = _simulate_doses(doses, 24.0 * days, "human", 30.0)
    _, none = _simulate_doses((), 24.0 * days, "human", 30.0)
    last = t >= 24.0 * (days - 1) - 1e-9
    return float(out["plasma_cortisol"][last].mean() / none["plasma_cortisol"][last].mean())


def acute_ssri_ratio(name, at_h=None, drug="citalopram", mg=20.0):
    """``name`` after one oral SSRI dose / the drug-free run: at ``at_h`` hours, or the largest ratio over 0-4 h
    (the studies' sampling window)."""
    t, out = _simulate_doses(((drug, mg, 0.0, "oral", False, "base"),), 4.0, "human", 10.0)
    _, none = _simulate_doses((), 4.0, "human", 10.0)
    ratio = out[name] / none[name]
    return float(ratio.max() if at_h is None else ratio[int(np.searchsorted(t, at_h - 1e-9))])


_HARRIS = "Harris et al. 2002 Psychopharmacology 162:396"
_CIT = ("Int J Neuropsychopharmacol 2002 5:67 (oral citalopram 20 mg, 48 healthy men, crossover); Nadeem, "
        "Attenburrow & Cowen 2004 Neuropsychopharmacology 29:1699 (n = 15)")
_ESC = "; citalopram 20 mg stands for escitalopram 10 mg (its active enantiomer at half the dose)"
_NASH = "Nash, Meltzer & Gudelsky 1988 J Pharmacol Exp Ther 245:873"
_UP = "; band assumed: 'raised' read as at least +20 %"
INF = math.inf
ENDOCRINE_TARGETS = (
    Target("endocrine", "peak plasma cortisol after 125 mg / placebo", "+100-200 % (laboratory studies)", 2.0, 3.0,
           "1", "Parrott 2009 Neuropsychobiology 60:148 (review); fitted: endocrine.emax_acth", True,
           lambda: fold_over_placebo("plasma_cortisol", (_mdma(125.0),))),
    Target("endocrine", "time of the plasma cortisol peak after 1.5 mg/kg", "~2 h (near the subjective peak)", 1.0,
           3.0, "h", _HARRIS + "; band assumed: +/- 1 h (sampling and the falling morning baseline)", False,
           lambda: peak_time("plasma_cortisol", (_mdma(1.5, 0.0, True),))),
    Target("endocrine", "peak plasma prolactin after 1.5 mg/kg / placebo", "raised", 1.2, INF, "1",
           _HARRIS + _UP, False, lambda: fold_over_placebo("plasma_prolactin", (_mdma(1.5, 0.0, True),))),
    Target("endocrine", "time of the plasma prolactin peak after 1.5 mg/kg", "~2 h (near the subjective peak)", 1.0,
           3.0, "h", _HARRIS + "; band assumed: +/- 1 h, as the cortisol row", False,
           lambda: peak_time("plasma_prolactin", (_mdma(1.5, 0.0, True),))),
    Target("endocrine", "MDMA-evoked cortisol rise with / without metyrapone 750 mg (75 mg MDMA 1 h later)",
           "blocked", 0.0, 0.5, "1", "Kuypers et al. 2013 Br J Pharmacol 168:607; band assumed: 'blocks' read as "
           "less than half of the rise remaining", False, metyrapone_block),
    Target("endocrine", "rat corticosterone 30 min after 10 mg/kg i.p. / vehicle", "raised", 1.2, INF, "1",
           _NASH + _UP, False, lambda: rat_fold_at("plasma_corticosterone", 10.0, 0.5)),
    Target("endocrine", "rat corticosterone 4 h after 10 mg/kg i.p. / vehicle", "still raised (>= 4 h)", 1.2, INF,
           "1", _NASH + _UP, False, lambda: rat_fold_at("plasma_corticosterone", 10.0, 4.0)),
    Target("endocrine", "time of the rat prolactin peak after 10 mg/kg i.p.", "60 min", 0.5, 1.5, "h",
           _NASH + "; band assumed: +/- 30 min (sampling times)", False,
           lambda: rat_peak_time("plasma_prolactin", 10.0)),
    Target("endocrine", "plasma cortisol 2 h after citalopram 20 mg (oral) / placebo", "raised (significant ~2 h)",
           1.2, INF, "1", _CIT + _UP, False, lambda: acute_ssri_ratio("plasma_cortisol", 2.0)),
    Target("endocrine", "peak plasma prolactin over 4 h after citalopram 20 mg (oral) / placebo", "unchanged", 0.8,
           1.2, "1", _CIT + "; band assumed: +/- 20 %, as the 6-day cortisol row", False,
           lambda: acute_ssri_ratio("plasma_prolactin")),
    Target("endocrine", "all-day cortisol after 6 days of daily SSRI / placebo", "total daily output unchanged",
           0.8, 1.2, "1", "Ronaldson et al. 2018 Psychopharmacology 235:3415 (n = 64, randomised)" + _ESC
           + "; band assumed: +/- 20 %, about what 32 per arm detect at a between-subject CV near 40 % (assumed)",
           False, lambda: chronic_ssri_cortisol(6)),
    Target("endocrine", "all-day cortisol after 4 weeks of daily SSRI / placebo", "lower (P = 0.02)", 0.0, 1.0,
           "1", "Knorr et al. 2012 Psychiatry Res 200:354 (n = 80, randomised)" + _ESC + "; band: not raised (the "
           "model has no route below baseline); fitted: that endocrine.adapt_half_life's adaptation is complete "
           "was chosen from this row", True, lambda: chronic_ssri_cortisol(28)),
)
