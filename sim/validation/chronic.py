"""``sim validate chronic``: daily SSRI dosing over weeks -- 5-HT1A autoreceptor desensitisation and raphe
firing (rat, Czachura & Rasmussen 2000; Le Poul et al. 1995) and SERT occupancy at minimum therapeutic
doses (human PET, Meyer et al. 2004)."""

from __future__ import annotations

import numpy as np

from sim.targets import Target
from sim.validation.common import _simulate_doses


def daily(drug, amount, days, route="oral", per_kg=False):
    return tuple((drug, amount, 24.0 * d, route, per_kg, "base") for d in range(days))


def rat_fluoxetine(days=21, mg_per_kg=10.0):
    """Rat, fluoxetine ``mg_per_kg`` i.p. once a day for ``days`` days (hourly outputs)."""
    return _simulate_doses(daily("fluoxetine", mg_per_kg, days, "ip", True), 24.0 * days, "rat", 60.0)


def day_mean(name, day, sim=rat_fluoxetine):
    """Mean of ``name`` over day ``day`` (0 = the first 24 h of treatment)."""
    t, out = sim()
    keep = (t >= 24.0 * day - 1e-9) & (t < 24.0 * (day + 1) - 1e-9)
    return float(out[name][keep].mean())


def desensitised(day):
    """1 - autoreceptor sensitivity 24 h after the ``day``-th daily dose (rat fluoxetine)."""
    t, out = rat_fluoxetine()
    return 1.0 - float(np.interp(24.0 * day, t, out["autoreceptor_sensitivity_serotonin"]))


def sert_occupancy(drug, mg, weeks=4):
    """Mean SERT occupancy over the last day of ``weeks`` weeks of daily oral doses (human)."""
    days = 7 * weeks
    t, out = _simulate_doses(daily(drug, mg, days), 24.0 * days, "human", 60.0)
    return float(out["sert_occupancy"][t >= 24.0 * (days - 1) - 1e-9].mean())


def plasma_after(drug, mg, days, output):
    """Trough of ``output`` (ng/mL) just before the next dose after ``days`` daily oral doses of ``mg`` (human)."""
    t, out = _simulate_doses(daily(drug, mg, days), 24.0 * days, "human", 60.0)
    return float(out[output][-1])


def single_peak(drug, mg, output):
    """Peak of ``output`` (ng/mL) over 48 h after one oral dose of ``mg`` (human)."""
    t, out = _simulate_doses(daily(drug, mg, 1), 48.0, "human", 30.0)
    return float(out[output].max())


def time_course(days=(0, 1, 2, 3, 7, 14, 21)):
    """Rows (day, firing, autoreceptor sensitivity, SERT occupancy): day means under daily fluoxetine (rat)."""
    return [(d, day_mean("firing_serotonin", d), day_mean("autoreceptor_sensitivity_serotonin", d),
             day_mean("sert_occupancy", d)) for d in days if d < 21]


_CR = ("Czachura & Rasmussen 2000 Naunyn-Schmiedeberg's Arch Pharmacol 362:266 (rat, fluoxetine 5-20 mg/kg/day; "
       "modelled at 10 mg/kg i.p.)")
_MEYER = ("Meyer et al. 2004 Am J Psychiatry 161:826 ([11C]DASB PET, ~80 % SERT occupancy at minimum therapeutic "
          "doses after 4 weeks; band: +/-20 %)")
_LABEL = ("Prozac (fluoxetine) prescribing information, Clinical Pharmacology (ranges observed in patients; band: the "
          "range)")
CHRONIC_TARGETS = (
    Target("chronic", "rat raphe 5-HT firing, first day of daily fluoxetine / drug-free", "suppressed", 0.0, 0.9,
           "1", _CR + "; band assumed: 'suppressed' read as at least 10 % below baseline", False,
           lambda: day_mean("firing_serotonin", 0)),
    Target("chronic", "rat raphe 5-HT firing, day 14 of daily fluoxetine / drug-free", "back to baseline", 0.8, 1.2,
           "1", _CR + "; band assumed: +/-20 %; fitted: serotonin.k_desens", True,
           lambda: day_mean("firing_serotonin", 13)),
    Target("chronic", "rat raphe 5-HT firing, day 21 of daily fluoxetine / drug-free", "back to baseline", 0.8, 1.2,
           "1", _CR + "; band assumed: +/-20 %; fitted: serotonin.k_desens", True,
           lambda: day_mean("firing_serotonin", 20)),
    Target("chronic", "5-HT1A autoreceptor desensitisation, day 3 / day 21 of daily SSRI (rat)", "~40 % / 60-80 %",
           0.46, 0.69, "1", "Le Poul et al. 1995 Naunyn-Schmiedeberg's Arch Pharmacol 352:141 (share of desensitised "
           "neurons, fluoxetine or paroxetine 5 mg/kg/day; check); band: 0.57 +/-20 %; fitted: "
           "serotonin.desens_half_life", True, lambda: desensitised(3) / desensitised(21)),
    *(Target("chronic", f"SERT occupancy after 4 weeks of {drug} {mg:g} mg/day", "~80 %", 0.64, 0.96, "1", _MEYER,
             False, (lambda d=drug, m=mg: sert_occupancy(d, m)))
      for drug, mg in (("citalopram", 20.0), ("fluoxetine", 20.0), ("sertraline", 50.0), ("paroxetine", 20.0))),
    Target("chronic", "plasma fluoxetine peak after one 40 mg dose", "15-55", 15.0, 55.0, "ng/mL",
           _LABEL + "; fitted: fluoxetine.v (V/F chosen at the label's 20 L/kg so that this peak is reached)", True,
           lambda: single_peak("fluoxetine", 40.0, "plasma_fluoxetine")),
    Target("chronic", "plasma fluoxetine after 30 days of 40 mg/day", "91-302", 91.0, 302.0, "ng/mL",
           _LABEL + "; nonlinear: fluoxetine and norfluoxetine inhibit fluoxetine's CYP2D6 route (Otton et al. 1993 "
           "K_i); without that inhibition the model gives less than half of this", False,
           lambda: plasma_after("fluoxetine", 40.0, 30, "plasma_fluoxetine")),
    Target("chronic", "plasma norfluoxetine after 30 days of 40 mg/day", "72-258", 72.0, 258.0, "ng/mL", _LABEL,
           False, lambda: plasma_after("fluoxetine", 40.0, 30, "plasma_norfluoxetine")),
)

