"""Karpova et al. 2011 (chronic fluoxetine + extinction erases fear) through the TrkB route: ablation and ranges.

Runs the schedule of ``sim validate extinction``'s Karpova rows (mouse, fluoxetine in the drinking water from
conditioning on, extinction on days 14-15, tests a week later; :func:`sim.validation.extinction.karpova`)
and prints spontaneous recovery (context B) and renewal (context A), relative to the conditioned response,
for:

- the shipped model, extinction alone and fluoxetine alone;
- the ablations: the direct TrkB route off (``k_trkb = 0``), the 5-HT2A route off (``k_bdnf = 0``), both;
- each TrkB input over its published or assumed range, one at a time: the brain:plasma ratio (2.6, Renshaw
  et al. 1992; 20, Karson et al. 1993), K_d (1-4 uM around Casarotto et al. 2021's low-micromolar binding),
  the gain ``k_trkb`` (0.5-2) and the daily dose (10-20 mg/kg/day, the range 0.08 mg/mL in the drinking
  water gives);
- the dosing pattern: the daily amount as one bolus instead of spread over the day;
- the time constant of the juvenile-like state J that lets extinction unlearn (``tau_juvenile``, 3.5-14 days
  around its assumed week).

This is a sensitivity table, not a fit: no value is chosen from it.

    .venv/bin/python experiments/karpova_trkb.py
"""

from __future__ import annotations

import numpy as np

from sim.amygdala import conditioning, extinction, probe, run_trials
from sim.amygdala.drive import drives_from_outputs
from sim.amygdala.plasticity import Rule
from sim.kinetics import drugs
from sim.validation import extinction as ext
from sim.validation.common import _simulate_doses


def rows(mg_per_kg_day=ext.KARPOVA_MG_PER_KG_DAY, portions=ext.KARPOVA_PORTIONS, overrides=(), fluoxetine=True,
         extinction_on=True, **rule):
    drive = None
    if fluoxetine:
        step = 24.0 / portions
        doses = tuple(("fluoxetine", mg_per_kg_day / portions, step * k, "oral", True, "hcl")
                      for k in range(ext.KARPOVA_DAYS * portions))
        t, out = _simulate_doses(doses, 24.0 * ext.KARPOVA_DAYS, ext.rodent_species(), 60.0, tuple(overrides))
        drive = drives_from_outputs(t, {k: v[None] for k, v in out.items()}, relative=True)[0]
    trials = conditioning(5) + probe(ext.KARPOVA_EXTINCTION_DAYS[0] * 24.0 - 1.0, "A")
    if extinction_on:
        for d in ext.KARPOVA_EXTINCTION_DAYS:
            trials += extinction(10, 24.0 * d, "B")
    t_test = 24.0 * ext.KARPOVA_TEST_DAY
    trials += probe(t_test, "B") + probe(t_test + 2.0, "A")
    res = run_trials(ext._model(), trials, drive=drive, rule=Rule.default(**rule))
    fr = res.fear_response[0]
    theta = drive.values("occupancy_trkb", np.arange(24.0 * 13, 24.0 * 14)).mean() if drive else 0.0
    return fr[-2] / fr[5], fr[-1] / fr[5], theta, res.bdnf[0, 6:26].mean(), res.juvenile[0, 6:26].mean()


def main():
    fu = drugs.pk_for("fluoxetine", ext.rodent_species()).fu
    b = drugs.get("fluoxetine").trkb
    variants = [
        ("shipped model", {}),
        ("extinction alone", {"fluoxetine": False}),
        ("fluoxetine alone", {"extinction_on": False}),
        ("TrkB route off (k_trkb = 0)", {"k_trkb": 0.0}),
        ("5-HT2A route off (k_bdnf = 0)", {"k_bdnf": 0.0}),
        ("both routes off", {"k_trkb": 0.0, "k_bdnf": 0.0}),
        ("brain:plasma 2.6 (Renshaw 1992)", {"overrides": (("trkb.fluoxetine_tissue", 2.6 / fu),)}),
        ("brain:plasma 10", {"overrides": (("trkb.fluoxetine_tissue", 10.0 / fu),)}),
        ("K_d 1 uM", {"overrides": (("trkb.fluoxetine_kd", 1.0),)}),
        ("K_d 4 uM", {"overrides": (("trkb.fluoxetine_kd", 4.0),)}),
        ("k_trkb 0.5", {"k_trkb": 0.5}),
        ("k_trkb 2", {"k_trkb": 2.0}),
        ("20 mg/kg/day", {"mg_per_kg_day": 20.0}),
        ("one bolus a day", {"portions": 1}),
        ("tau_juvenile 3.5 days", {"tau_juvenile": 84.0}),
        ("tau_juvenile 14 days", {"tau_juvenile": 336.0}),
    ]
    print(f"fluoxetine TrkB: K_d {b.kd_um} uM, brain:plasma {b.brain_plasma_ratio}; bands: recovery and renewal < 0.5")
    print(f"{'variant':36s} {'recovery B':>10s} {'renewal A':>10s} {'theta':>7s} {'B ext.':>7s} {'J ext.':>7s}")
    for name, kw in variants:
        rec, ren, theta, bdnf, juvenile = rows(**kw)
        print(f"{name:36s} {rec:10.3f} {ren:10.3f} {theta:7.3f} {bdnf:7.3f} {juvenile:7.3f}")


if __name__ == "__main__":
    main()
