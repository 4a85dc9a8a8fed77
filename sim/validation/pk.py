"""``sim validate pk``: MDMA pharmacokinetics (human and rat) against published studies."""

from __future__ import annotations

import math

import numpy as np

from sim.targets import Target
from sim.validation.common import _simulate, _window


def cmax(dose_mg, name="plasma_mdma", t0=0.0, t1=24.0, **kw):
    t, out = _simulate(((dose_mg, 0.0),), 48.0, **kw)
    return _window(t, out[name], t0, t1)[1].max()


def tmax(dose_mg, name="plasma_mdma", **kw):
    t, out = _simulate(((dose_mg, 0.0),), 48.0, **kw)
    return t[np.argmax(out[name])]


def half_life(dose_mg, t0=8.0, t1=24.0, **kw):
    """Terminal half-life (h) from a log-linear fit between t0 and t1 (h), as from sampling to 24 h."""
    t, out = _simulate(((dose_mg, 0.0),), 48.0, **kw)
    tw, cw = _window(t, out["plasma_mdma"], t0, t1)
    slope = np.polyfit(tw, np.log(cw), 1)[0]
    return math.log(2.0) / -slope


def mda_half_life(dose_mg, t0=36.0, t1=72.0):
    """MDA terminal half-life (h) from a log-linear fit between t0 and t1 (h)."""
    t, out = _simulate(((dose_mg, 0.0),), t1)
    tw, cw = _window(t, out["plasma_mda"], t0, t1)
    return math.log(2.0) / -np.polyfit(tw, np.log(cw), 1)[0]


def auc(doses, name="plasma_mdma", t0=0.0, t1=24.0, duration=48.0, **kw):
    t, out = _simulate(tuple(doses), duration, **kw)
    tw, cw = _window(t, out[name], t0, t1)
    return float(np.trapezoid(cw, tw))


def auc_ratio(high_mg, low_mg, t1=24.0, **kw):
    return auc(((high_mg, 0.0),), t1=t1, **kw) / auc(((low_mg, 0.0),), t1=t1, **kw)


def cyp2d6_min(mg_per_kg, within_h, **kw):
    t, out = _simulate(((mg_per_kg, 0.0),), 480.0, per_kg=True, interval_min=10.0, **kw)
    return _window(t, out["cyp2d6_activity"], 0.0, within_h)[1].min()


def cyp2d6_recovery_day(mg_per_kg, level=0.9, **kw):
    """First day (after the nadir) on which CYP2D6 activity is back to ``level`` of baseline."""
    t, out = _simulate(((mg_per_kg, 0.0),), 480.0, per_kg=True, interval_min=10.0, **kw)
    e = out["cyp2d6_activity"]
    nadir = int(np.argmin(e))
    back = np.nonzero(e[nadir:] >= level)[0]
    return (t[nadir + back[0]] if back.size else math.inf) / 24.0


def repeat_dose_ratio(metric, dose_mg=100.0, interval_h=24.0, **kw):
    t, out = _simulate(((dose_mg, 0.0), (dose_mg, interval_h)), 2 * interval_h, interval_min=2.0, **kw)
    c = out["plasma_mdma"]
    first_t, first_c = _window(t, c, 0.0, interval_h - 1e-6)
    second_t, second_c = _window(t, c, interval_h, 2 * interval_h)
    if metric == "auc":
        return np.trapezoid(second_c, second_t) / np.trapezoid(first_c, first_t)
    return second_c.max() / first_c.max()


CONCHEIRO_SAMPLES_H = (0.5, 1.0, 2.0, 4.0, 6.0, 8.0, 16.0, 24.0)  # blood sampling after the dose


def rat(metric, mg_per_kg, route, **kw):
    t, out = _simulate(((mg_per_kg, 0.0),), 24.0, species="rat", route=route, per_kg=True, interval_min=1.0, **kw)
    c = out["plasma_mdma"]
    if metric == "cmax":
        return c.max()
    if metric == "sampled_cmax":  # highest concentration at Concheiro et al. 2014's sampling times
        return np.interp(CONCHEIRO_SAMPLES_H, t, c).max()
    if metric == "auc":
        return np.trapezoid(c, t)
    i = int(np.argmax(c))  # half-life from the 2 h after the peak
    tw, cw = _window(t, c, t[i] + 0.5, t[i] + 2.5)
    return math.log(2.0) / -np.polyfit(tw, np.log(cw), 1)[0]


CONCHEIRO = "Concheiro et al. 2014 Drug Metab Dispos 42:119 (male rats, s.c.)"
MAS = "Mas et al. 1999 J Pharmacol Exp Ther 290:136 (n=8 men)"
DLT = "de la Torre et al. 2000 Br J Clin Pharmacol 49:104"
PK_TARGETS = (
    Target("pk", "Cmax after 75 mg", "130.9", 98.2, 163.6, "ng/mL", MAS, True, lambda: cmax(75.0)),
    Target("pk", "tmax after 75 mg", "1.8", 1.2, 2.6, "h", MAS, True, lambda: tmax(75.0)),
    Target("pk", "t1/2 after 75 mg", "7.7", 6.0, 10.0, "h", MAS, True, lambda: half_life(75.0)),
    Target("pk", "Cmax after 125 mg", "236.4", 177.3, 295.5, "ng/mL", MAS, True, lambda: cmax(125.0)),
    Target("pk", "tmax after 125 mg", "2.4", 1.5, 3.0, "h", MAS, True, lambda: tmax(125.0)),
    Target("pk", "t1/2 after 125 mg", "8.6", 6.5, 11.0, "h", MAS, True, lambda: half_life(125.0)),
    Target("pk", "AUC0-24 ratio 125/75 mg (dose ratio 1.67)", "2.25", 1.9, 2.6, "1", DLT, True,
           lambda: auc_ratio(125.0, 75.0)),
    Target("pk", "AUC0-24 ratio 150/50 mg (dose ratio 3)", ">10 (n~2; check)", 4.0, math.inf, "1", DLT, False,
           lambda: auc_ratio(150.0, 50.0)),
    Target("pk", "plasma MDA/MDMA AUC0-24 after 125 mg", "8-9 %", 0.04, 0.15, "1", MAS, True,
           lambda: auc(((125.0, 0.0),), "plasma_mda") / auc(((125.0, 0.0),))),
    Target("pk", "MDA Cmax after 125 mg", "~10-15 (check)", 5.0, 25.0, "ng/mL", MAS + "; " + DLT, False,
           lambda: cmax(125.0, "plasma_mda", t1=48.0)),
    Target("pk", "MDA terminal half-life after 125 mg (36-72 h)", "16-28", 16.0, 28.0, "h",
           MAS + " (second-hand; check); fitted: pk.cl_mda", True, lambda: mda_half_life(125.0)),
    Target("pk", "MDA tmax minus MDMA tmax after 125 mg", "> 0 (MDA tmax ~5-7 h)", 0.5, 10.0, "h", MAS, False,
           lambda: tmax(125.0, "plasma_mda") - tmax(125.0)),
    Target("pk", "CYP2D6 activity nadir within 6 h of 1.5 mg/kg", "poor-metaboliser level", 0.0, 0.3, "1",
           "O'Mathuna et al. 2008 J Clin Psychopharmacol 28:523", False, lambda: cyp2d6_min(1.5, 6.0)),
    Target("pk", "days to 90 % CYP2D6 recovery after 1.5 mg/kg", "~10", 7.0, 14.0, "d",
           "O'Mathuna et al. 2008; Yang et al. 2006 J Psychopharmacol 20:842", False,
           lambda: cyp2d6_recovery_day(1.5)),
    Target("pk", "AUC0-24 ratio, 2nd/1st of two 100 mg doses 24 h apart", "1.77", 1.42, 2.12, "1",
           "Farre et al. 2004 Psychopharmacology 173:364", False, lambda: repeat_dose_ratio("auc")),
    Target("pk", "Cmax ratio, 2nd/1st of two 100 mg doses 24 h apart", "1.29", 1.03, 1.55, "1",
           "Farre et al. 2004 Psychopharmacology 173:364", False, lambda: repeat_dose_ratio("cmax")),
    Target("pk", "rat Cmax after 2 mg/kg i.p.", "~200", 130.0, 270.0, "ng/mL",
           "Baumann et al. 2009 Drug Metab Dispos 37:2163", True, lambda: rat("cmax", 2.0, "ip")),
    Target("pk", "rat t1/2 after 2 mg/kg i.p.", "< 1", 0.2, 1.0, "h", "Baumann et al. 2009", True,
           lambda: rat("t_half", 2.0, "ip")),
    Target("pk", "rat AUC ratio 10/2 mg/kg i.p.", "21", 13.7, 28.4, "1", "Baumann et al. 2009", True,
           lambda: rat("auc", 10.0, "ip") / rat("auc", 2.0, "ip")),
    Target("pk", "rat Cmax after 2.5 mg/kg s.c. (at the sampling times, first 0.5 h)", "164 +/- 47.1", 117.0, 211.0,
           "ng/mL", CONCHEIRO, True, lambda: rat("sampled_cmax", 2.5, "sc")),
    Target("pk", "rat AUC ratio 5/2.5 mg/kg s.c.", "3", 2.4, 3.6, "1", CONCHEIRO + "; band +/-20 %", True,
           lambda: rat("auc", 5.0, "sc") / rat("auc", 2.5, "sc")),
    Target("pk", "rat AUC ratio 10/2.5 mg/kg s.c.", "10", 8.0, 12.0, "1", CONCHEIRO + "; band +/-20 %", True,
           lambda: rat("auc", 10.0, "sc") / rat("auc", 2.5, "sc")),
)
