"""Rat and mouse body temperature after MDMA: the sign is set by the ambient temperature.

In rats MDMA raises core temperature in a warm room and lowers it in a cool one: hyperthermia at 24 C
and hypothermia at 11 C after 5-7.5 mg/kg (Dafters 1994 Psychopharmacology 114:505), hypothermia at
17 C and marked hyperthermia at 22 C after 10-15 mg/kg (Dafters & Lynch 1998 Psychopharmacology
138:207); the switch lies between 17 and 20 C (Green et al. 2005 Br J Pharmacol 146:306, review).
Mice behave alike. The drug acts on both sides of the heat balance: sympathetic heat production
(brown fat, muscle; beta adrenoceptors) and less heat loss through the tail skin (alpha1
vasoconstriction), while thermoregulatory control is weakened, so the net change follows the
gradient to the room. As in the human model (physiology.py), the receptor drive is the relative
response of alpha1 and beta1 above baseline, and the deviation follows an indirect response::

    D     = w_a1 (signal_alpha1 - 1) + w_b1 (signal_beta1 - 1)
    A     = (T_ambient - T_switch) / (T_ref - T_switch)          sign and size set by the room
    dd/dt = k_out (Emax A D / (D50 + |D|) - d)                    body_temperature = temp0 + d

``A`` is linear in ambient temperature (assumed: the simplest form with a sign change; heat exchange
with the room is proportional to the gradient), 1 at ``T_ref`` (24 C, Dafters 1994's warm room) and
0 at ``T_switch`` (18.5 C, the middle of Green et al. 2005's 17-20 C; calibrated on that row, which is
marked fitted; the Dafters rows are predictions of the sign at their ambient temperatures). Heart rate
and blood pressure are not modelled in rodents (no rodent rows; refused with a reason by the runner).
"""

from __future__ import annotations

import math

from numba import njit

from sim.model import Mechanism, Output, State
from sim.params import Parameter

PARAMETER_NAMES = ("temp0", "ambient_temperature_c", "t_switch", "t_ref", "emax_temp", "d50_temp",
                   "half_life_temp", "w_alpha1_temp", "w_beta1_temp")
T0, TAMB, TSW, TREF, EMAX, D50, THALF, WA1, WB1 = range(len(PARAMETER_NAMES))
# inputs: x[0] signal_alpha1, x[1] signal_beta1


@njit(cache=True)
def rodent_temperature_rhs(t, y, p, dydt, s, q, x):
    """Ambient-dependent indirect response of rodent core temperature (see module docstring)."""
    drive = p[q + WA1] * (y[x[0]] - 1.0) + p[q + WB1] * (y[x[1]] - 1.0)
    room = (p[q + TAMB] - p[q + TSW]) / (p[q + TREF] - p[q + TSW])
    effect = p[q + EMAX] * room * drive / (p[q + D50] + abs(drive))
    dydt[s] += math.log(2.0) / p[q + THALF] * (effect - y[s])


_GREEN = "Green et al. 2005 Br J Pharmacol 146:306"
BASELINE_C = {"rat": (37.5, "assumed: rat core (rectal) temperature ~37-38 C at 20-24 C ambient (check)"),
              "mouse": (37.0, "assumed: mouse core temperature ~36.5-37.5 C at 20-24 C ambient (check)")}


def mechanism(species: str) -> Mechanism:
    if species not in BASELINE_C:
        raise KeyError(f"no {species} rodent temperature model (rat, mouse)")
    t0, t0_src = BASELINE_C[species]
    p = Parameter
    params = (
        p("temp0", t0, "degC", t0_src, "baseline core temperature", 30.0, 42.0),
        p("ambient_temperature_c", 22.0, "degC", "assumed: standard animal-room temperature 20-24 C (set with "
          "[subject] ambient_temperature_c)", "ambient (room) temperature", 0.0, 40.0),
        p("t_switch", 18.5, "degC", f"calibrated: middle of the 17-20 C switch of {_GREEN} (that row is marked "
          "fitted)", "ambient temperature at which MDMA leaves core temperature unchanged", 0.0, 40.0),
        p("t_ref", 24.0, "degC", "assumed: the warm room of Dafters 1994 Psychopharmacology 114:505 (scale only)",
          "ambient temperature at which the maximal change is emax_temp", 0.0, 40.0),
        p("emax_temp", 2.0, "degC", "assumed: rises of ~1-2 C after 5-15 mg/kg at 22-24 C (Dafters 1994; Dafters "
          "& Lynch 1998; check)", "maximal MDMA-driven change at t_ref", 0.0, 10.0),
        p("d50_temp", 1.0, "1", "assumed: as the human model (half-maximal at a doubled receptor response)",
          "drive for half-maximal change", 1e-3, 1e3),
        p("half_life_temp", 0.5, "h", "assumed: thermal time constant of a small rodent (~30 min, shorter than "
          "the human 45 min)", "turnover half-life of core temperature", 1e-3, 24.0),
        p("w_alpha1_temp", 0.5, "1", "assumed: as the human model (tail-skin vasoconstriction)",
          "alpha1 share of the drive", 0.0, 10.0),
        p("w_beta1_temp", 0.5, "1", "assumed: as the human model (sympathetic thermogenesis)",
          "beta share of the drive", 0.0, 10.0),
    )
    assert tuple(x.name for x in params) == PARAMETER_NAMES
    return Mechanism(name="physiology", states=(State("d_temp", "degC", "core temperature minus baseline (signed)"),),
                     parameters=params, rhs=rodent_temperature_rhs,
                     inputs=("receptors.signal_alpha1", "receptors.signal_beta1"),
                     outputs=(Output("body_temperature", "degC", "body (core) temperature",
                                     lambda st, par: par["temp0"] + st["d_temp"]),),
                     description=f"{species} core temperature after MDMA, sign set by the ambient temperature")
