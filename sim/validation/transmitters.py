"""``sim validate transmitters`` and ``interactions``: extracellular monoamines (microdialysis) and drug
interactions of MDMA with SSRIs and CYP2D6 inhibitors."""

from __future__ import annotations

import math

import numpy as np

from sim.targets import Target
from sim.validation.common import _simulate_doses, _window


def _dialysate_bins(t, c, t0, t1, bin_h=1.0 / 3.0):
    """Means over consecutive microdialysis bins (20 min) from t0 to t1."""
    edges = np.arange(t0, t1 + 1e-9, bin_h)
    return np.array([c[(t >= a - 1e-9) & (t < b - 1e-9)].mean() for a, b in zip(edges[:-1], edges[1:], strict=True)])


def _peak_bin_fold(t, c, t_first_dose, t0, t1):
    """Peak 20-min dialysate bin between t0 and t1 / mean of the 30 min before the first dose."""
    base = c[(t >= t_first_dose - 0.5 - 1e-9) & (t < t_first_dose - 1e-9)].mean()
    return float(_dialysate_bins(t, c, t0, t1).max() / base)


def baseline_nm(name, species="human"):
    t, out = _simulate_doses((), 2.0, species)
    return float(out[name][-1])


def _rat_mdma(mg_per_kg, route="iv", salt="hcl", pre=(), t_mdma=1.0, duration=5.0, overrides=()):
    doses = (*pre, ("mdma", mg_per_kg, t_mdma, route, True, salt))
    return _simulate_doses(doses, duration, "rat", overrides=overrides)


def peak_fold(name, mg_per_kg, route="iv", salt="hcl", pre=(), t_mdma=1.0, window_h=3.0, overrides=()):
    """Peak 20-min dialysate bin after MDMA / mean of the 30 min before MDMA."""
    t, out = _rat_mdma(mg_per_kg, route, salt, pre, t_mdma, overrides=overrides)
    return _peak_bin_fold(t, out[name], t_mdma, t_mdma, t_mdma + window_h)


def baumann_2008_fold(name, second, overrides=()):
    """Baumann et al. 2008's protocol: 1 mg/kg i.v., then 3 mg/kg i.v. 60 min later (both MDMA HCl). Peak 20-min
    dialysate bin after the first (``second`` False) or the second dose (``second`` True, up to 3 h after it) /
    mean of the 30 min before the first dose."""
    doses = (("mdma", 1.0, 1.0, "iv", True, "hcl"), ("mdma", 3.0, 2.0, "iv", True, "hcl"))
    t, out = _simulate_doses(doses, 5.0, "rat", overrides=overrides)
    t0, t1 = (2.0, 5.0) if second else (1.0, 2.0)
    return _peak_bin_fold(t, out[name], 1.0, t0, t1)


def peak_time(name, mg_per_kg, route="ip", t_mdma=1.0, overrides=()):
    """Middle of the peak 20-min dialysate bin, h after MDMA."""
    t, out = _rat_mdma(mg_per_kg, route, t_mdma=t_mdma, overrides=overrides)
    bins = _dialysate_bins(t, out[name], t_mdma, t_mdma + 3.0)
    return float((np.argmax(bins) + 0.5) / 3.0)


def _evoked_auc(t, c, t0, t1, reference):
    keep = (t >= t0 - 1e-9) & (t <= t1 + 1e-9)
    return float(np.trapezoid(c[keep] - reference[keep], t[keep]))


def evoked_remaining(name, species, mdma, pre, t_mdma, window_h=4.0, duration=8.0):
    """MDMA-evoked rise (AUC above the same run without MDMA) with pre-treatment / without it."""
    alone = _simulate_doses((mdma,), duration, species)
    combo = _simulate_doses((*pre, mdma), duration, species)
    pre_only = _simulate_doses(tuple(pre), duration, species)
    none = _simulate_doses((), duration, species)
    t = alone[0]
    with_pre = _evoked_auc(t, combo[1][name], t_mdma, t_mdma + window_h, pre_only[1][name])
    without = _evoked_auc(t, alone[1][name], t_mdma, t_mdma + window_h, none[1][name])
    return with_pre / without


# Koch & Galloway 1997: (+)-MDMA 4.7 umol/kg i.v.; modelled as racemic MDMA at twice the molar dose (the
# (+)-enantiomer carries most of the releasing potency; assumed), 9.4 umol/kg = 1.82 mg/kg base.
# Fluoxetine 14.4 umol/kg s.c. = 4.45 mg/kg base, given 1 h before MDMA (assumed; check the paper).
KG_MDMA_MG_PER_KG = 9.4e-3 * 193.25
KG_FLUOXETINE = (("fluoxetine", 14.4e-3 * 309.33, 0.0, "sc", True, "base"),)


def koch_galloway_da(with_fluoxetine, overrides=()):
    pre = KG_FLUOXETINE if with_fluoxetine else ()
    return 100.0 * peak_fold("ec_dopamine", KG_MDMA_MG_PER_KG, "iv", "base", pre, overrides=overrides)


def paroxetine_auc_ratio():
    """MDMA AUC0-24 after 100 mg with / without paroxetine 20 mg/day on the 3 days before (Segura 2005)."""
    mdma = ("mdma", 100.0, 72.0, "oral", False, "hcl")
    parox = tuple(("paroxetine", 20.0, t, "oral", False, "base") for t in (0.0, 24.0, 48.0))
    t, a = _simulate_doses((mdma,), 96.0, "human", 2.0)
    _, b = _simulate_doses((*parox, mdma), 96.0, "human", 2.0)
    keep = t >= 72.0 - 1e-9
    return float(np.trapezoid(b["plasma_mdma"][keep], t[keep]) / np.trapezoid(a["plasma_mdma"][keep], t[keep]))


def paroxetine_cyp2d6_after(days=8):
    doses = tuple(("paroxetine", 20.0, 24.0 * k, "oral", False, "base") for k in range(days))
    t, out = _simulate_doses(doses, 24.0 * days, "human", 10.0)
    return float(out["cyp2d6_activity"][-1])


def paroxetine_inhibition_half_life(days=10, follow_days=10):
    """Half-life (d) of the CYP2D6 activity deficit after the last of ``days`` daily 20 mg doses (log-linear
    fit of 1 - activity over the ``follow_days`` from 24 h after the last dose)."""
    doses = tuple(("paroxetine", 20.0, 24.0 * k, "oral", False, "base") for k in range(days))
    t, out = _simulate_doses(doses, 24.0 * (days + follow_days), "human", 60.0)
    tw, dw = _window(t, 1.0 - out["cyp2d6_activity"], 24.0 * days, 24.0 * (days + follow_days))
    return math.log(2.0) / -np.polyfit(tw / 24.0, np.log(dw), 1)[0]


def paroxetine_half_life():
    t, out = _simulate_doses((("paroxetine", 20.0, 0.0, "oral", False, "base"),), 96.0, "human", 10.0)
    tw, cw = _window(t, out["plasma_paroxetine"], 24.0, 72.0)
    return math.log(2.0) / -np.polyfit(tw, np.log(cw), 1)[0]


BAUMANN = "Baumann, Clark & Rothman 2008 Pharmacol Biochem Behav 90:208 (rat accumbens, i.v.; check)"
KG = "Koch & Galloway 1997 J Neural Transm 104:135 (rat striatum, n = 12 and 8)"
MICRODIALYSIS = "microdialysis literature (docs/targets.md; check)"
TRANSMITTER_TARGETS = (
    Target("transmitters", "baseline extracellular 5-HT (human preset)", "0.3-1.5", 0.3, 1.5, "nM", MICRODIALYSIS,
           True, lambda: baseline_nm("ec_serotonin")),
    Target("transmitters", "baseline extracellular DA, striatum", "5-20", 5.0, 20.0, "nM", MICRODIALYSIS, True,
           lambda: baseline_nm("ec_dopamine")),
    Target("transmitters", "baseline extracellular NE", "0.5-2", 0.5, 2.0, "nM", MICRODIALYSIS, True,
           lambda: baseline_nm("ec_norepinephrine")),
    Target("transmitters", "rat peak dialysate 5-HT after 1 mg/kg i.v. (x baseline)", "~3-5 (check)", 3.0, 5.0,
           "1", BAUMANN, True, lambda: baumann_2008_fold("ec_serotonin", False)),
    Target("transmitters", "rat peak dialysate 5-HT after 3 mg/kg i.v., 1 h after 1 mg/kg (x baseline)",
           "~8-12 (check)", 8.0, 12.0, "1", BAUMANN, True, lambda: baumann_2008_fold("ec_serotonin", True)),
    Target("transmitters", "rat 5-HT fold / DA fold after 1 mg/kg i.v.", "> 1 (5-HT > DA at every dose)", 1.0,
           math.inf, "1", BAUMANN, False,
           lambda: baumann_2008_fold("ec_serotonin", False) / baumann_2008_fold("ec_dopamine", False)),
    Target("transmitters", "rat 5-HT fold / DA fold after 3 mg/kg i.v. (1 h after 1 mg/kg)",
           "> 1 (5-HT > DA at every dose)", 1.0, math.inf, "1", BAUMANN, False,
           lambda: baumann_2008_fold("ec_serotonin", True) / baumann_2008_fold("ec_dopamine", True)),
    Target("transmitters", "rat 5-HT fold / DA fold after 10 mg/kg i.p.", "> 1 (5-HT > DA at every dose)", 1.0,
           math.inf, "1", BAUMANN, False,
           lambda: peak_fold("ec_serotonin", 10.0, "ip") / peak_fold("ec_dopamine", 10.0, "ip")),
    Target("transmitters", "rat striatal DA after (+)-MDMA 4.7 umol/kg i.v. (% of control)", "501", 250.0, 750.0,
           "%", KG + "; band +/-50 % (SEM not at hand)", True, lambda: koch_galloway_da(False)),
    Target("transmitters", "rat striatal 5-HT after 10 mg/kg i.p. (x baseline)", "~8-10 (check)", 5.0, 15.0, "1",
           "Gudelsky & Nash 1996 J Neurochem 66:243 (check); fitted: bounds serotonin.k_efflux", True,
           lambda: peak_fold("ec_serotonin", 10.0, "ip")),
    Target("transmitters", "rat time of the 5-HT peak after 10 mg/kg i.p.", "~1", 0.3, 2.0, "h",
           "Gudelsky & Nash 1996 (check)", False, lambda: peak_time("ec_serotonin", 10.0)),
)

SEGURA = ("Segura et al. 2005 Clin Pharmacokinet 44:649; Farre et al. 2007 J Pharmacol Exp Ther 323:954 "
          "(n = 12; band: significant rise, up to ~2x the reported one)")
INTERACTION_TARGETS = (
    Target("interactions", "DA peak with / without fluoxetine pre-treatment (Koch & Galloway)", "375/501 = 0.75",
           0.6, 0.9, "1", KG + " (band: significant, partial reduction)", True,
           lambda: koch_galloway_da(True) / koch_galloway_da(False)),
    Target("interactions", "rat MDMA-evoked 5-HT remaining after fluoxetine (Koch & Galloway doses)",
           "prevented (qualitative)", 0.0, 0.5, "1", KG + "; Gudelsky & Nash 1996", False,
           lambda: evoked_remaining("ec_serotonin", "rat", ("mdma", KG_MDMA_MG_PER_KG, 1.0, "iv", True, "base"),
                                    KG_FLUOXETINE, 1.0)),
    Target("interactions", "human MDMA-evoked 5-HT remaining after citalopram 40 mg i.v. (1.5 mg/kg MDMA)",
           "effects markedly reduced (qualitative)", 0.0, 0.5, "1",
           "Liechti et al. 2000 Neuropsychopharmacology 22:513 (proxy: extracellular 5-HT AUC 0-4 h)", False,
           lambda: evoked_remaining("ec_serotonin", "human", ("mdma", 105.0, 1.5, "oral", False, "hcl"),
                                    (("citalopram", 40.0, 0.0, "iv", False, "base"),), 1.5)),
    Target("interactions", "MDMA AUC0-24 ratio after paroxetine 20 mg/day x 3 d (100 mg MDMA)", "1.30", 1.1, 1.6,
           "1", SEGURA, False, paroxetine_auc_ratio),
    Target("interactions", "CYP2D6 activity after 8 days of paroxetine 20 mg/day", "most converted to PM",
           0.0, 0.35, "1", "Lam et al. 2002 Pharmacotherapy 22:1001 (used to choose the paroxetine driver)", True,
           paroxetine_cyp2d6_after),
    Target("interactions", "CYP2D6 inhibition half-life after stopping paroxetine 20 mg/day x 10 d", "2.9 +/- 1.9",
           1.0, 4.8, "d", "Liston et al. 2002 J Clin Psychopharmacol 22:169 (dextromethorphan ratio; proxy: "
           "deficit of activity)", False, paroxetine_inhibition_half_life),
    Target("interactions", "paroxetine t1/2 after a single 20 mg dose (extensive metaboliser)", "~16", 12.0, 24.0,
           "h", "Sindrup et al. 1992 Clin Pharmacol Ther 51:278 (second-hand; check)", True, paroxetine_half_life),
)
