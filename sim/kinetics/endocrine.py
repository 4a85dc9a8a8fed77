"""HPA axis and prolactin: ACTH -> glucocorticoid and prolactin as indirect responses to the model's own
receptor responses, around a circadian baseline.

States are relative to the drug-free level at the same clock time (1 = baseline)::

    D_h   = w_1a (signal_5ht1a - 1) + w_2a (signal_5ht2a - 1) + w_a1 (signal_alpha1 - 1)
    dh/dt = k_adapt (D_h - h)                                                     adaptation to a lasting drive
    da/dt = k_acth ((1 + emax_acth (D_h - h) / (d50 + |D_h - h|)) c^-fb - a)     ACTH (pituitary)
    dc/dt = k_gc   (a (1 - I) - c),  I = imax C_inh / (IC50 + C_inh)           cortisol / corticosterone
    D_p   = v_1a (signal_5ht1a - 1) + v_2a (signal_5ht2a - 1)
    dp/dt = k_prl  ((1 + emax_prl D_p / (d50 + |D_p|)) p^-fb_p - p)             prolactin
    plasma_cortisol(t) = C0(t) c,   C0(t) = mesor + amplitude cos(2 pi (clock(t) - peak_clock) / 24)

Routes (sources for each; the weights among them are assumptions: all three are driven by the same
MDMA-released transmitters, so the session time course cannot separate them):
- 5-HT1A: 5-HT1A agonists raise ACTH/cortisol and prolactin in humans (ipsapirone challenge, Lesch et al.
  1989 Biol Psychiatry 26:203; check);
- 5-HT2A: hypothalamic 5-HT2A receptors drive CRH/ACTH (rat: DOI-evoked ACTH and corticosterone blocked by
  5-HT2A antagonists, Van de Kar et al. 2001 J Neurosci 21:3572; check) and prolactin;
- alpha1: noradrenaline excites PVN CRH neurons through alpha1 receptors (Plotsky et al. 1989 Endocr Rev
  10:437; check); beta adrenoceptors have no established route to ACTH and are left out.
Glucocorticoid negative feedback on ACTH: production scales with c^-fb (fb = 0.5, assumed: a power law
that is 1 at baseline), so blocking cortisol synthesis raises ACTH, as metyrapone does (Metopirone label:
the compensatory ACTH rise is the basis of the metyrapone test), and an MDMA-driven cortisol rise damps
its own ACTH drive. Prolactin has a feedback of the same form (exponent ``prl_feedback``): prolactin
excites the tuberoinfundibular dopamine neurons whose dopamine inhibits its release (short-loop
feedback), so a sustained drive gives a prolactin peak that falls back while the drive lasts, rather
than a plateau that lags the drive. The relative states multiply a circadian baseline: an
approximation of an indirect-response model with circadian production (Chakraborty, Krzyzanski & Jusko
1999 J Pharmacokinet Biopharm 27:23) that keeps every run at its own baseline when drug-free.

Adaptation of the ACTH drive (``h``, half-life ``adapt_half_life``): the axis answers a change in its drive
and adapts to a drive that lasts. Under daily SSRIs the hypothalamic 5-HT1A -> ACTH/corticosterone response
fades over days in the rat (blunted after 3 daily paroxetine doses, maximal after 7, still maximal at 14,
PMID 9316875; chronic fluoxetine, Li et al., Van de Kar group), and in humans the all-day cortisol output is
not raised after 6 days of escitalopram 10 mg (Ronaldson et al. 2018 Psychopharmacology 235:3415) and lower
than placebo's after 4 weeks (Knorr et al. 2012 Psychiatry Res 200:354), although a single SSRI dose raises
it. The adaptation is written for the whole drive (the rat 5-HT2A -> ACTH response is potentiated rather
than blunted, Li et al. 1993 J Pharmacol Exp Ther 266:836, so the human net result, not a receptor, sets
its scope; assumed) and is complete for a constant drive (the model has no route that lowers cortisol below
baseline, e.g. antidepressant-strengthened glucocorticoid feedback). An 8-h drug session adapts little.

Cortisol synthesis inhibitors (metyrapone, an 11-beta-hydroxylase inhibitor) act through ``I``; their
unbound concentration is read from their effect-site state (assumed: the adrenal equilibrates with
plasma like the brain site of comedication.py). Rat and mouse make corticosterone instead of cortisol
(``plasma_corticosterone``) with a nocturnal rhythm.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.model import Mechanism, Output, State
from sim.params import Parameter

ACTH, GC, PRL, ELAPSED, ADAPT = range(5)
STATES = (
    State("acth", "1", "plasma ACTH relative to its drug-free level at the same clock time", initial=1.0),
    State("glucocorticoid", "1", "plasma cortisol (rodents: corticosterone) relative to its circadian baseline",
          initial=1.0),
    State("prolactin", "1", "plasma prolactin relative to its drug-free level", initial=1.0),
    State("elapsed", "h", "time since the start (carries the clock for the circadian baseline)"),
    State("hpa_adaptation", "1", "part of the ACTH drive the axis has adapted to (0 when drug-free)"),
)
PARAMETER_NAMES = ("acth_half_life", "gc_half_life", "prl_half_life", "emax_acth", "emax_prl", "d50",
                   "w_5ht1a_acth", "w_5ht2a_acth", "w_alpha1_acth", "w_5ht1a_prl", "w_5ht2a_prl",
                   "gc_mesor", "gc_amplitude", "gc_peak_clock_h", "clock_at_start_h", "prl_baseline", "feedback",
                   "prl_feedback", "adapt_half_life", "n_inhibitors")
(TA, TG, TP, EA, EP, D50, W1A, W2A, WA1, V1A, V2A, MESOR, AMP, PEAK, CLOCK, PRL0, FB, FBP, TADAPT,
 NINH) = range(len(PARAMETER_NAMES))
PER_INHIBITOR = 3   # imax, ic50 (uM), scale (state -> unbound uM)
# inputs: x[0] signal_5ht1a, x[1] signal_5ht2a, x[2] signal_alpha1, x[3:] inhibitor effect-site states


@njit(cache=True)
def endocrine_rhs(t, y, p, dydt, s, q, x):
    """ACTH -> glucocorticoid and prolactin indirect responses (see module docstring)."""
    s1a = y[x[0]] - 1.0
    s2a = y[x[1]] - 1.0
    sa1 = y[x[2]] - 1.0
    d50 = p[q + D50]
    dh = p[q + W1A] * s1a + p[q + W2A] * s2a + p[q + WA1] * sa1
    dp = p[q + V1A] * s1a + p[q + V2A] * s2a
    ln2 = math.log(2.0)
    inhibition = 0.0
    for k in range(int(p[q + NINH])):
        b = q + len(PARAMETER_NAMES) + PER_INHIBITOR * k
        c = max(y[x[3 + k]], 0.0) * p[b + 2]
        inhibition = max(inhibition, p[b] * c / (p[b + 1] + c))
    feedback = max(y[s + GC], 1e-3) ** -p[q + FB]
    drive = dh - y[s + ADAPT]
    dydt[s + ADAPT] += ln2 / p[q + TADAPT] * drive
    dydt[s + ACTH] += ln2 / p[q + TA] * ((1.0 + p[q + EA] * drive / (d50 + abs(drive))) * feedback - y[s + ACTH])
    dydt[s + GC] += ln2 / p[q + TG] * (max(y[s + ACTH], 0.0) * (1.0 - inhibition) - y[s + GC])
    prl_feedback = max(y[s + PRL], 1e-3) ** -p[q + FBP]
    dydt[s + PRL] += ln2 / p[q + TP] * ((1.0 + p[q + EP] * dp / (d50 + abs(dp))) * prl_feedback - y[s + PRL])
    dydt[s + ELAPSED] += 1.0


def circadian_baseline(time_h, mesor, amplitude, peak_clock_h, clock_at_start_h):
    """Drug-free glucocorticoid (nmol/L) at ``time_h`` after the start (clock ``clock_at_start_h``)."""
    clock = clock_at_start_h + np.asarray(time_h, float)
    return mesor + amplitude * np.cos(2.0 * np.pi * (clock - peak_clock_h) / 24.0)


_W = ("assumed: share of the drive (module docstring: each route has a source, their weights are not "
      "separable from the session time course)")
_PARROTT = ("calibrated: cortisol +100-200 % over baseline after MDMA in the laboratory (Parrott 2009 "
            "Neuropsychobiology 60:148, review); peak near +150 % after 125 mg (that row is marked fitted)")
SPECIES = {
    "human": dict(
        output="plasma_cortisol", long="plasma cortisol (total)",
        acth_half_life=(10.0 / 60.0, "assumed: plasma ACTH t1/2 ~7-12 min (check)"),
        gc_half_life=(70.0 / 60.0, "assumed: plasma cortisol t1/2 ~60-90 min (check)"),
        prl_half_life=(50.0 / 60.0, "assumed: plasma prolactin t1/2 ~50 min (check)"),
        emax_acth=(4.0, _PARROTT),
        emax_prl=(3.0, "assumed: prolactin roughly doubles at the 125 mg peak (Harris et al. 2002 "
                       "Psychopharmacology 162:396 and Mas et al. 1999 J Pharmacol Exp Ther 290:136: raised, "
                       "size not used)"),
        gc_mesor=(230.0, "assumed: cosinor of healthy adults' serum cortisol, morning peak ~400 nmol/L at "
                         "08:00-09:00 and night nadir ~60 nmol/L (e.g. Debono et al. 2009 J Clin Endocrinol Metab "
                         "94:1548; check)"),
        gc_amplitude=(170.0, "assumed: as gc_mesor"),
        gc_peak_clock_h=(8.5, "assumed: as gc_mesor"),
        prl_baseline=(8.0, "assumed: basal prolactin in healthy adults ~5-15 ug/L (check)"),
    ),
    "rat": dict(
        output="plasma_corticosterone", long="plasma corticosterone (total)",
        acth_half_life=(5.0 / 60.0, "assumed: rodent ACTH clearance faster than human (check)"),
        gc_half_life=(25.0 / 60.0, "assumed: rat corticosterone t1/2 ~15-30 min (check)"),
        prl_half_life=(10.0 / 60.0, "assumed: rat prolactin t1/2 ~10 min (check)"),
        emax_acth=(4.0, "assumed: the human value (the rat rows assert direction and duration only)"),
        emax_prl=(3.0, "assumed: the human value"),
        gc_mesor=(250.0, "assumed: rat plasma corticosterone ~50-100 nmol/L in the light phase, ~400-600 "
                         "nmol/L at lights-off (check)"),
        gc_amplitude=(200.0, "assumed: as gc_mesor"),
        gc_peak_clock_h=(19.0, "assumed: peak at lights-off (lights on 07:00-19:00)"),
        prl_baseline=(5.0, "assumed: basal rat prolactin ~2-10 ug/L (check)"),
    ),
}
SPECIES["mouse"] = dict(SPECIES["rat"], gc_mesor=(150.0, "assumed: mouse corticosterone light-phase ~20-80, "
                                                         "lights-off ~250-400 nmol/L (check)"),
                        gc_amplitude=(120.0, "assumed: as gc_mesor"))


def mechanism(species: str, inhibitors=()) -> Mechanism:
    """The endocrine mechanism of ``species``; ``inhibitors``: (drug, effect-site state, scale, Potency) of
    cortisol synthesis inhibitors present."""
    if species not in SPECIES:
        raise KeyError(f"no {species} endocrine model (human, rat, mouse)")
    sp = SPECIES[species]
    P = Parameter

    def given(name, unit, desc, lo, hi):
        value, src = sp[name]
        return P(name, value, unit, src, desc, lo, hi)
    params = [
        given("acth_half_life", "h", "ACTH turnover half-life", 1e-3, 24.0),
        given("gc_half_life", "h", "glucocorticoid turnover half-life", 1e-3, 24.0),
        given("prl_half_life", "h", "prolactin turnover half-life", 1e-3, 24.0),
        given("emax_acth", "1", "maximal drug-driven ACTH rise (relative)", 0.0, 100.0),
        given("emax_prl", "1", "maximal drug-driven prolactin rise (relative)", 0.0, 100.0),
        P("d50", 1.0, "1", "assumed: half-maximal at a doubled receptor response (as physiology.py)",
          "receptor drive for half-maximal release", 1e-3, 1e3),
        P("w_5ht1a_acth", 0.4, "1", _W, "5-HT1A share of the ACTH drive", 0.0, 10.0),
        P("w_5ht2a_acth", 0.4, "1", _W, "5-HT2A share of the ACTH drive", 0.0, 10.0),
        P("w_alpha1_acth", 0.2, "1", _W, "alpha1 share of the ACTH drive", 0.0, 10.0),
        P("w_5ht1a_prl", 0.5, "1", _W, "5-HT1A share of the prolactin drive", 0.0, 10.0),
        P("w_5ht2a_prl", 0.5, "1", _W, "5-HT2A share of the prolactin drive", 0.0, 10.0),
        given("gc_mesor", "nmol/L", "circadian mean of the drug-free glucocorticoid", 0.0, 5000.0),
        given("gc_amplitude", "nmol/L", "circadian amplitude of the drug-free glucocorticoid", 0.0, 5000.0),
        given("gc_peak_clock_h", "h", "clock time of the circadian glucocorticoid peak", 0.0, 24.0),
        P("clock_at_start_h", 9.0, "h", "assumed: experiments start at 09:00 (morning laboratory sessions)",
          "clock time at t = 0", 0.0, 24.0),
        given("prl_baseline", "ug/L", "drug-free plasma prolactin", 0.0, 1000.0),
        P("feedback", 0.5, "1", "assumed: glucocorticoid negative feedback on ACTH as a power law (exponent 0.5; "
          "no fitted value)", "exponent of the glucocorticoid feedback on ACTH production", 0.0, 5.0),
        P("prl_feedback", 0.5, "1", "assumed: short-loop feedback of prolactin on its own release through the "
          "tuberoinfundibular dopamine neurons (Freeman et al. 2000 Physiol Rev 80:1523; Ben-Jonathan & Hnasko 2001 "
          "Endocr Rev 22:724), written as the glucocorticoid feedback is, with the same exponent (no fitted value)",
          "exponent of prolactin's short-loop feedback on its own release", 0.0, 5.0),
        P("adapt_half_life", 48.0, "h", "derived: hypothalamic 5-HT1A -> ACTH responses blunted after 3 daily "
          "paroxetine doses and maximally after 7 (rat, PMID 9316875): first order with ~2 d half-life; that the "
          "adaptation is complete: humans' all-day cortisol not raised after 6 d / lower after 4 weeks of "
          "escitalopram (Ronaldson et al. 2018 Psychopharmacology 235:3415; Knorr et al. 2012 Psychiatry Res "
          "200:354)", "half-life of the HPA axis' adaptation to a lasting ACTH drive", 1.0, 1e4),
        P("n_inhibitors", float(len(inhibitors)), "1", "derived: number of synthesis inhibitors (layout)",
          "cortisol synthesis inhibitors present", float(len(inhibitors)), float(len(inhibitors))),
    ]
    for drug, _state, scale, pot in inhibitors:
        params += [P(f"{drug}_imax", 1.0, "1", "assumed: complete inhibition at saturating concentration",
                     f"maximal 11-beta-hydroxylase inhibition by {drug}", 0.0, 1.0),
                   P(f"{drug}_ic50", pot.k_um, "uM", pot.source, f"{drug} IC50 at 11-beta-hydroxylase", 1e-9, 1e9),
                   P(f"{drug}_scale", scale, "1", "unit: the drug's effect-site state is unbound uM",
                     "state -> unbound uM", 0.0, 1e9)]
    assert tuple(x.name for x in params[:len(PARAMETER_NAMES)]) == PARAMETER_NAMES

    def gc(st, par):
        base = circadian_baseline(st["elapsed"], par["gc_mesor"], par["gc_amplitude"], par["gc_peak_clock_h"],
                                  par["clock_at_start_h"])
        return base * st["glucocorticoid"]
    outputs = (Output(sp["output"], "nmol/L", sp["long"] + " with its circadian baseline", gc),
               Output("plasma_acth_relative", "1", "plasma ACTH relative to its drug-free level",
                      lambda st, par: st["acth"]),
               Output("plasma_prolactin", "ug/L", "plasma prolactin",
                      lambda st, par: par["prl_baseline"] * st["prolactin"]))
    inputs = ("receptors.signal_5ht1a", "receptors.signal_5ht2a", "receptors.signal_alpha1",
              *(state for _d, state, _s, _p in inhibitors))
    return Mechanism(name="endocrine", states=STATES, parameters=tuple(params), rhs=endocrine_rhs, inputs=inputs,
                     outputs=outputs, description=f"{species} HPA axis (ACTH -> {sp['output']}) and prolactin")
