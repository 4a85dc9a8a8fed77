"""``sim validate species``: the rat and mouse presets beyond PK and microdialysis -- core temperature
against the ambient temperature, the 5-HT1A dependence of oxytocin release (WAY-100635, pindolol) and the
mouse's faster MDMA elimination."""

from __future__ import annotations

import math

import numpy as np

from sim.targets import Target
from sim.validation.common import _simulate_doses


def temperature_change(species, mg_per_kg, ambient_c, route="ip", duration=6.0):
    """Largest signed change of core temperature from its pre-dose value (degC) within ``duration`` h."""
    t, out = _simulate_doses((("mdma", mg_per_kg, 0.0, route, True, "hcl"),), duration, species, 5.0,
                             (("ambient_temperature_c", float(ambient_c)),))
    d = out["body_temperature"] - out["body_temperature"][0]
    return float(d.max() if d.max() >= -d.min() else d.min())


def oxytocin_rise_remaining(species, pre, mg_per_kg=5.0, t_mdma=0.5):
    """MDMA-evoked plasma oxytocin rise (peak minus pre-dose) with a pre-treatment / without it."""
    mdma = ("mdma", mg_per_kg, t_mdma, "ip", True, "hcl")

    def rise(doses):
        t, out = _simulate_doses(doses, t_mdma + 4.0, species, 2.0)
        c = out["plasma_oxytocin"]
        return float(c[t >= t_mdma - 1e-9].max() - c[np.searchsorted(t, t_mdma - 1e-9)])
    return rise((*pre, mdma)) / rise((mdma,))


def half_life(species, mg_per_kg=10.0, route="ip"):
    """Terminal MDMA half-life (h) from the log-linear slope 2-4 h after the dose."""
    t, out = _simulate_doses((("mdma", mg_per_kg, 0.0, route, True, "hcl"),), 6.0, species, 5.0)
    keep = (t >= 2.0 - 1e-9) & (t <= 4.0 + 1e-9)
    slope = np.polyfit(t[keep], np.log(out["plasma_mdma"][keep]), 1)[0]
    return float(math.log(2.0) / -slope)


WAY_RAT = (("way100635", 1.0, 0.0, "ip", True, "base"),)
PINDOLOL_RAT = (("pindolol", 10.0, 0.0, "ip", True, "base"),)
_DAFTERS = "Dafters 1994 Psychopharmacology 114:505"
_DL = "Dafters & Lynch 1998 Psychopharmacology 138:207"
_GREEN = "Green et al. 2005 Br J Pharmacol 146:306 (review: hyperthermia at >= 20 C, hypothermia at <= 17 C)"
_SIGN = ("; band: a change of at least 0.2 C in the published direction (assumed: resolution of rectal "
         "probes), route i.p. assumed (check)")
INF = math.inf
SPECIES_TARGETS = (
    Target("species", "rat core temperature change, 7.5 mg/kg at 24 C ambient", "hyperthermia", 0.2, INF, "degC",
           _DAFTERS + _SIGN, False, lambda: temperature_change("rat", 7.5, 24.0)),
    Target("species", "rat core temperature change, 7.5 mg/kg at 11 C ambient", "hypothermia", -INF, -0.2, "degC",
           _DAFTERS + _SIGN, False, lambda: temperature_change("rat", 7.5, 11.0)),
    Target("species", "rat core temperature change, 15 mg/kg at 22 C ambient", "profound hyperthermia", 0.2, INF,
           "degC", _DL + _SIGN, False, lambda: temperature_change("rat", 15.0, 22.0)),
    Target("species", "rat core temperature change, 15 mg/kg at 17 C ambient", "hypothermia", -INF, -0.2, "degC",
           _DL + _SIGN, False, lambda: temperature_change("rat", 15.0, 17.0)),
    Target("species", "rat core temperature change, 10 mg/kg at 20 C ambient", "hyperthermia", 0.2, INF, "degC",
           _GREEN + _SIGN + "; fitted: rodent_temperature t_switch", True,
           lambda: temperature_change("rat", 10.0, 20.0)),
    Target("species", "rat core temperature change, 10 mg/kg at 17 C ambient", "hypothermia", -INF, -0.2, "degC",
           _GREEN + _SIGN + "; fitted: rodent_temperature t_switch", True,
           lambda: temperature_change("rat", 10.0, 17.0)),
    Target("species", "mouse core temperature change, 7.8 mg/kg i.p. at 24 C vs 11 C", "up warm, down cool "
           "(rodents alike)", 0.2, INF, "degC", _GREEN + "; mice: Mueller et al. 2013 J Pharmacol Exp Ther 344:479 "
           "(MDMA at 25 C and 4 C ambient; check); value: warm minus cool change, band assumed", False,
           lambda: temperature_change("mouse", 7.8, 24.0) - temperature_change("mouse", 7.8, 11.0)),
    Target("species", "rat: MDMA 5 mg/kg i.p. oxytocin rise remaining after WAY-100635 1 mg/kg i.p.",
           "prevented", 0.0, 0.5, "1", "Thompson et al. 2007 Neuroscience 146:509; band assumed: 'prevented' "
           "read as less than half of the rise remaining", False,
           lambda: oxytocin_rise_remaining("rat", WAY_RAT)),
    Target("species", "rat: MDMA 5 mg/kg i.p. oxytocin rise remaining after pindolol 10 mg/kg i.p.",
           "lowered (5-HT1A antagonism, as WAY-100635)", 0.0, 0.99, "1",
           "Thompson et al. 2007 (5-HT1A dependence, rat); direction only; pindolol's rat PK assumed", False,
           lambda: oxytocin_rise_remaining("rat", PINDOLOL_RAT)),
    Target("species", "MDMA half-life, mouse / rat (10 mg/kg i.p.)", "faster elimination in mice", 0.0, 0.99, "1",
           "Mueller et al. 2013 J Pharmacol Exp Ther 344:479 (direction only)", False,
           lambda: half_life("mouse") / half_life("rat")),
)
