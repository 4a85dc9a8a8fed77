"""Acheson et al. 2013 (intranasal oxytocin 24 IU before extinction): is the brain exposure the problem?

Runs the schedule of ``sim validate extinction``'s Acheson rows (:func:`sim.validation.extinction.acheson`:
conditioning, 24 IU intranasally, extinction 45 min later, recall 24 h after) with the nose-to-brain share
``intranasal.f_csf`` scaled from its shipped value (Leng & Ludwig 2016's ~0.005 %) up to shares no
measurement supports, and prints, per share: the peak rise of the central oxytocin pool (pM, the amygdala's
OXTR ligand), the peak rise of OXTR occupancy and of the OXTR response (relative to pre-dose), and the two
rows' ratios (first extinction block and recall, oxytocin / placebo). Each share is run at the rodent
omission rate (omission_scale 1, at which 16 CS extinguish the placebo arm completely) and at the human rate
the rows use (:func:`sim.validation.extinction.human_omission_scale`), at which extinction is not complete
after 16 CS, so that a ratio of recall values is not a ratio of two numbers at the floor.

This is a sensitivity table, not a fit: no value is chosen from it.

    .venv/bin/python experiments/acheson_exposure.py
"""

from __future__ import annotations

from sim.amygdala import conditioning, extinction, probe, run_trials
from sim.amygdala.drive import drives_from_outputs
from sim.amygdala.plasticity import Rule
from sim.kinetics.intranasal import UG_PER_IU
from sim.validation import extinction as ext
from sim.validation.common import _simulate_doses

SHIPPED_F_CSF = 5e-5
SCALES = (1.0, 10.0, 100.0, 1000.0, 10000.0)


def arm(drug: bool, f_csf: float, omission_scale: float):
    dose = (("oxytocin", ext.ACHESON_IU * UG_PER_IU * 1e-3, 0.0, "intranasal", False, "base"),) if drug else ()
    overrides = (("intranasal.f_csf", f_csf),) if drug else ()   # the placebo run has no nasal dose mechanism
    t, out = _simulate_doses(dose, 30.0, "human", 10.0, overrides)
    drive = drives_from_outputs(t, {k: v[None] for k, v in out.items()}, relative=True)[0]
    t0 = ext.ACHESON_EXTINCTION_H
    trials = (conditioning(5, t0_h=-0.5) + extinction(ext.ACHESON_CS, t0, "B", iti_s=20.0)
              + probe(t0 + 24.0, "B"))
    fr = run_trials(ext._model(), trials, drive=drive, rule=Rule.default(omission_scale=omission_scale)
                    ).fear_response[0]
    early = float(fr[5:5 + ext.ACHESON_EARLY].mean())
    rise = {k: float(out[k][t <= 3.0].max() - out[k][0]) for k in ("oxytocin.central", "occupancy_oxtr")
            if k in out}
    rise["response_oxtr"] = float(out["response_oxtr"][t <= 3.0].max() / out["response_oxtr"][0] - 1.0)
    return early, float(fr[-1]), rise


def main():
    print("| f_csf | central OT rise (pM) | OXTR occupancy rise | OXTR response change | omission scale | "
          "first block OT/placebo | recall OT/placebo | placebo recall |")
    print("|---|---|---|---|---|---|---|---|")
    rates = (1.0, ext.human_omission_scale())
    placebo = {om: arm(False, 0.0, om) for om in rates}
    for scale in SCALES:
        f = SHIPPED_F_CSF * scale
        for om in rates:
            e1, r1, rise = arm(True, f, om)
            e0, r0, _ = placebo[om]
            print(f"| {f:.0e} | {rise.get('oxytocin.central', float('nan')):.3g} | "
                  f"{rise.get('occupancy_oxtr', float('nan')):.3g} | {rise['response_oxtr']:.3g} | {om} | "
                  f"{e1 / e0:.3f} | {r1 / r0:.3f} | {r0:.3g} |", flush=True)


if __name__ == "__main__":
    main()
