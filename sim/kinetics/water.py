"""Plasma sodium from water balance, with oxytocin's antidiuretic action (human).

One state, the water retained above the drug-free balance ``W`` (L). Sodium is conserved (no change in
natriuresis is modelled), so plasma sodium is diluted by the retained water::

    intake(t)  = fluid_intake_l / intake_duration_h     for 0 <= t < intake_duration_h, else 0
    A          = 1 / (1 + g_ot max(OT / OT0 - 1, 0))   free-water excretion left by antidiuresis
    dW/dt      = intake(t) - k_exc A max(W, 0) - k_exc A min(W, 0)
    plasma_sodium = na0 TBW / (TBW + W),   TBW = tbw_fraction x body weight

``intake`` is what is drunk *beyond* the drug-free losses over the session (insensible losses and basal
urine are balanced by basal intake and left out). Without a drug the kidney excretes such a water load
with a half-life ``ln 2 / k_exc`` of ~1.5 h (a 20 mL/kg oral water load is mostly excreted within ~4 h;
assumed, check). Oxytocin, released by MDMA through 5-HT1A (oxytocin.py), acts on renal V2 receptors
and lowers free-water excretion: MDMA-induced hyponatremia tracks the oxytocin rise, not copeptin
(vasopressin), and fluid restriction prevents it (Atila et al. 2024 JAMA Netw Open 7:e2445278; Baggott
et al. 2016 Adv Pharmacol Sci 2175896: MDMA lowered sodium and impaired the response to a water load
without raising ADH). ``g_ot`` is calibrated on Atila's share below 135 mmol/L (that row is marked
fitted). Human only: rat and mouse refuse plasma_sodium (no rodent rows).
"""

from __future__ import annotations

from numba import njit

from sim.model import Mechanism, Output, State
from sim.params import Parameter

PARAMETER_NAMES = ("na0", "tbw_fraction", "body_weight_kg", "fluid_intake_l", "intake_duration_h", "k_exc", "g_ot",
                   "ot0")
NA0, TBWF, BW, INTAKE, DUR, KEXC, GOT, OT0 = range(len(PARAMETER_NAMES))
# inputs: x[0] oxytocin.plasma (pM)


@njit(cache=True)
def water_rhs(t, y, p, dydt, s, q, x):
    """Retained water (see module docstring)."""
    intake = p[q + INTAKE] / p[q + DUR] if 0.0 <= t < p[q + DUR] else 0.0
    rise = max(y[x[0]] / p[q + OT0] - 1.0, 0.0)
    a = 1.0 / (1.0 + p[q + GOT] * rise)
    dydt[s] += intake - p[q + KEXC] * a * y[s]


def mechanism(species: str, ot0_pm: float) -> Mechanism:
    if species != "human":
        raise KeyError(f"no {species} water-balance model (human only)")
    P = Parameter
    params = (
        P("na0", 140.0, "mmol/L", "assumed: healthy adults' plasma sodium ~136-145 mmol/L, mean ~140 (reference "
          "ranges; check)", "drug-free plasma sodium", 100.0, 180.0),
        P("tbw_fraction", 0.6, "L/kg", "assumed: total body water ~60 % of body weight in adult men, ~50 % in women",
          "total body water per kg", 0.3, 0.8),
        P("body_weight_kg", 70.0, "kg", "derived: copied from pk.body_weight_kg by the runner", "body weight",
          0.01, 300.0),
        P("fluid_intake_l", 1.5, "L", "assumed: unrestricted drinking in a 6-h laboratory session beyond basal "
          "losses (Atila et al. 2024 JAMA Netw Open 7:e2445278: intake unrestricted in 81 of 96; volume not used "
          "here); set with [subject] fluid_intake_l", "fluid drunk beyond basal losses over the session", 0.0, 20.0),
        P("intake_duration_h", 6.0, "h", "assumed: drinking spread over the 6-h session (Atila 2024 measured to "
          "360 min)", "period over which the fluid is drunk", 0.1, 48.0),
        P("k_exc", 0.46, "1/h", "assumed: a water load is excreted with t1/2 ~1.5 h when drug-free (check)",
          "free-water excretion rate constant", 0.0, 10.0),
        P("g_ot", 10.0, "1", "calibrated: Atila et al. 2024 (31 % of 96 below 135 mmol/L after 100-125 mg; that row "
          "is marked fitted)", "antidiuretic gain per unit rise of plasma oxytocin over baseline", 0.0, 100.0),
        P("ot0", ot0_pm, "pM", "derived: the oxytocin mechanism's plasma baseline", "drug-free plasma oxytocin",
          1e-6, 1e6),
    )
    return Mechanism(name="water", states=(State("retained", "L", "water retained above the drug-free balance"),),
                     parameters=params, rhs=water_rhs, inputs=("oxytocin.plasma",),
                     outputs=(Output("plasma_sodium", "mmol/L", "plasma sodium",
                                     lambda st, par: par["na0"] * par["tbw_fraction"] * par["body_weight_kg"]
                                     / (par["tbw_fraction"] * par["body_weight_kg"] + st["retained"])),),
                     description="human water balance and plasma sodium (oxytocin antidiuresis)")
