"""Oxytocin: hypothalamic release driven by 5-HT1A activation, plasma oxytocin, central oxytocin at the amygdala.

States (concentrations in pM; 1 pM = 1.0072 pg/mL, sim/units.py)::

    S     = max(signal_5ht1a - 1, 0)                  5-HT1A response above its drug-free baseline
                                                      (receptors.signal_5ht1a, sim/receptors/mechanism.py)
    d(pvn)/dt     = (S^n / (S50^n + S^n) - pvn) / tau_pvn          PVN/SON magnocellular activation (0-1)
    d(plasma)/dt  = k_el OT0 (1 + g pvn) - k_el plasma             neurohypophysial secretion, t1/2 minutes
    d(central)/dt = k_c (OTc0 (1 + g pvn) - central)               axonal release in the amygdala, slower

What drives release, and why only 5-HT1A: MDMA-evoked oxytocin release in rats is blocked by the 5-HT1A
antagonist WAY-100635 and mimicked by 5-HT1A agonists (Thompson et al. 2007 Neuroscience 146:509; Hunt
et al. 2011). 5-HT2C and 5-HT4 receptors also excite oxytocin neurons (Jorgensen et al. 2003 Neuroendocrinology
77:349), but MDMA's effect on them in this model would rise and fall with its 5-HT1A effect (both are
driven by the same extracellular 5-HT), so one plasma time course cannot tell them apart: they are left
out rather than given arbitrary shares. A 5-HT1A antagonist (pindolol, WAY-100635) therefore lowers the
modelled response; the size of that effect is a prediction (tests report it, no published human number
is asserted).

The activation state ``pvn`` is an effect-compartment lag: plasma oxytocin peaks at ~1.5-2 h after oral
MDMA (Kirkpatrick et al. 2014), later than the modelled 5-HT peak (~1.5 h) and with a half-life of
minutes, so secretion itself must lag 5-HT1A activation (stimulus-secretion coupling, peptide synthesis
and vesicle mobilisation in magnocellular neurons; assumed).

Dose dependence. Kirkpatrick et al. 2014 saw ~4.5x placebo after 1.5 mg/kg and no significant rise after
0.75 mg/kg (n = 14). Along the modelled chain the 5-HT1A response above baseline (S) roughly doubles
between the two doses (5-HT release off its ceiling with MDMA's human-cell SERT potency and MDA's
same-assay potency, sim/kinetics/drugs/; the response uses 5-HT's operational K_A, catalogue.py). A
doubling of S must still become a > 3x larger secretion above basal, so the release relation has a
threshold: a Hill coefficient of 4 (``hill``, calibrated on the 0.75 mg/kg row, which is therefore marked
fitted). Magnocellular oxytocin neurons do respond with a threshold: recruitment into high-frequency and
burst firing, and frequency facilitation of neurohypophysial release (release per spike rises steeply with
firing rate; Bicknell 1988 J Neuroendocrinol 1:297; check), but the value is not measured. A 5-HT1A
antagonist that lowers S therefore removes much of the rise (oral pindolol 20 mg, 5-HT1A occupancy ~25 %
with its PET-derived in vivo K: a prediction, `sim validate oxytocin`). The threshold also amplifies
between-subject differences in the 5-HT response (PK, body weight) into larger differences in oxytocin.

Central oxytocin (the amygdala's OXTR ligand) is released from PVN axons in the central amygdala
(Knobloch et al. 2012 Neuron 73:553), driven here by the same activation, and cleared as from CSF
(t1/2 ~20-30 min; Mens et al. 1983 Brain Res 262:143). Peripheral oxytocin does not cross the blood-
brain barrier appreciably, so the two pools are separate states.

Rat and mouse (``RODENT``): the same chain; the 5-HT1A dependence itself is a rat finding (Thompson et
al. 2007). Basal levels and the plasma half-life are rodent values (assumed); the release relation
(gain, s50, hill, tau_pvn) is the human calibration carried over, marked assumed.
"""

from __future__ import annotations

import math

from numba import njit

from sim.model import Mechanism, Output, State
from sim.params import Parameter
from sim.units import pg_per_ml_to_pm, pm_to_pg_per_ml

PVN, PLASMA, CENTRAL = range(3)
STATES = (
    State("pvn", "1", "activation of hypothalamic oxytocin neurons above baseline (0-1)"),
    State("plasma", "pM", "plasma oxytocin"),
    State("central", "pM", "extracellular oxytocin in the central amygdala"),
)
PARAMETER_NAMES = ("plasma_baseline", "plasma_half_life", "gain", "s50", "hill", "tau_pvn", "central_baseline",
                   "central_half_life")
OT0, THALF, GAIN, S50, HILL, TAU, OTC0, THALF_C = range(len(PARAMETER_NAMES))


@njit(cache=True)
def oxytocin_rhs(t, y, p, dydt, s, q, x):
    """PVN activation from 5-HT1A signalling, plasma and central oxytocin (see module docstring)."""
    stim = max(y[x[0]] - 1.0, 0.0)
    n = p[q + HILL]
    sn = stim**n
    drive = sn / (p[q + S50]**n + sn)
    pvn = max(y[s + PVN], 0.0)
    kel = math.log(2.0) / p[q + THALF]
    kc = math.log(2.0) / p[q + THALF_C]
    secretion = 1.0 + p[q + GAIN] * pvn
    dydt[s + PVN] += (drive - pvn) / p[q + TAU]
    dydt[s + PLASMA] += kel * (p[q + OT0] * secretion - max(y[s + PLASMA], 0.0))
    dydt[s + CENTRAL] += kc * (p[q + OTC0] * secretion - max(y[s + CENTRAL], 0.0))


KIRKPATRICK = "Kirkpatrick et al. 2014 Psychoneuroendocrinology 46:23"
_FIT = (f"calibrated: {KIRKPATRICK} (1.5 mg/kg: peak 83.7 pg/mL at ~90-120 min, and 0.75 mg/kg not "
        "significant; those rows are marked fitted)")
PLASMA_BASELINE_PM = pg_per_ml_to_pm(18.6, "oxytocin")


def _parameters() -> tuple[Parameter, ...]:
    p = Parameter
    return (
        p("plasma_baseline", PLASMA_BASELINE_PM, "pM", f"{KIRKPATRICK} (placebo 18.6 pg/mL at the matching time)",
          "drug-free plasma oxytocin", 0.0, 1e4),
        p("plasma_half_life", 4.0 / 60.0, "h", "clinical PK literature: plasma t1/2 ~3-5 min after i.v. oxytocin "
          "(docs/targets.md; e.g. Gonser 1995 Arch Gynecol Obstet 256:63; check)", "plasma oxytocin half-life",
          1e-3, 10.0),
        p("gain", 6.93, "1", _FIT, "maximal secretion, as a multiple of basal secretion above it", 0.0, 1e3),
        p("s50", 2.8, "1", "calibrated with gain and hill on the 1.5 and 0.75 mg/kg rows of " + KIRKPATRICK + ": "
          "half-maximal activation near the 5-HT1A response above baseline at the 1.5 mg/kg peak",
          "5-HT1A response above baseline (relative) for half-maximal activation",
          1e-3, 1e3),
        p("hill", 4.0, "1", "calibrated: " + KIRKPATRICK + " 0.75 mg/kg not significant (row marked fitted; module "
          "docstring: threshold of magnocellular stimulus-secretion coupling)",
          "steepness of the activation threshold", 0.5, 10.0),
        p("tau_pvn", 0.45, "h", _FIT + " (time of the peak)", "lag of hypothalamic activation", 1e-3, 24.0),
        p("central_baseline", 15.0, "pM", "assumed: human CSF oxytocin ~10-30 pg/mL (e.g. Carson et al. 2015 "
          "Mol Psychiatry 20:1085; check), taken for extracellular amygdala oxytocin",
          "drug-free central (amygdala) oxytocin", 0.0, 1e5),
        p("central_half_life", 0.35, "h", "Mens et al. 1983 Brain Res 262:143 (CSF oxytocin t1/2 ~19-28 min, rat; "
          "check)", "central oxytocin clearance half-life", 1e-3, 24.0),
    )


RODENT = {  # name -> (value, source) replacing the human entry; the rest are the human values (assumed)
    "plasma_baseline": (pg_per_ml_to_pm(10.0, "oxytocin"), "assumed: basal plasma oxytocin in rats and mice "
                        "~5-20 pg/mL by radioimmunoassay (check)"),
    "plasma_half_life": (2.0 / 60.0, "assumed: rodent plasma oxytocin t1/2 ~1-2 min, shorter than the human "
                         "(check)"),
    "central_baseline": (15.0, "assumed: as the human value (rat CSF oxytocin ~10-30 pg/mL; check)"),
}
_CARRIED = ("assumed: the human value carried to the rodent (the release relation is the human calibration; "
            "no rodent dose-response was used). Rat: MDMA-evoked oxytocin release depends on 5-HT1A, Thompson "
            "et al. 2007 Neuroscience 146:509")


def _species_parameters(species: str) -> tuple[Parameter, ...]:
    human = _parameters()
    if species == "human":
        return human
    out = []
    for q in human:
        if q.name in RODENT:
            value, src = RODENT[q.name]
            out.append(Parameter(q.name, value, q.unit, src, q.description, q.lower, q.upper))
        elif q.name == "central_half_life":
            out.append(q)   # a rat measurement already
        else:
            out.append(Parameter(q.name, q.value, q.unit, f"{_CARRIED}; human: {q.source}", q.description, q.lower,
                                 q.upper, status="assumed"))
    return tuple(out)


def _plasma(st, par):
    return pm_to_pg_per_ml(st["plasma"], "oxytocin")


def _central(st, par):
    return pm_to_pg_per_ml(st["central"], "oxytocin")


def mechanism(species: str = "human") -> Mechanism:
    if species not in ("human", "rat", "mouse"):
        raise KeyError(f"no {species} oxytocin model (human, rat, mouse)")
    params = _species_parameters(species)
    assert tuple(x.name for x in params) == PARAMETER_NAMES
    states = (STATES[0], State("plasma", "pM", STATES[1].description, initial=params[OT0].value),
              State("central", "pM", STATES[2].description, initial=params[OTC0].value))
    outputs = (Output("plasma_oxytocin", "pg/mL", "plasma oxytocin", _plasma),
               Output("central_oxytocin", "pg/mL", "extracellular oxytocin in the central amygdala", _central))
    return Mechanism(name="oxytocin", states=states, parameters=params, rhs=oxytocin_rhs,
                     inputs=("receptors.signal_5ht1a",), outputs=outputs,
                     description=f"{species} hypothalamic oxytocin release (5-HT1A), plasma and central oxytocin")
