"""Where is the patients' extinction deficit? The trial with it in learning (shipped) or in retention (Milad 2009).

The virtual trial gives patients a slower within-session extinction (``[protocol] extinction_scale``, 0.2 of
the rodent rule), the parameter with the largest Sobol index for the MDMA advantage. Milad et al. 2009 Biol
Psychiatry 66:1075 found patients with PTSD and trauma-exposed controls to extinguish alike within a session
(skin conductance on day 1) and to differ at the recall test the next day: the deficit is in what is retained,
not in how fast extinction proceeds. In the model, what of a session's extinction is retained is the
consolidated share ``kappa_ext`` (0.7, assumed; the plasticity state raises it towards 1).

This script captures the drug sessions' drives once (both arms, ``--size`` patients each; as
``experiments/trial_sobol.py``), then re-runs the amygdala for each variant below, refits the outcome map
(``gamma``, ``sigma``) on the placebo arm only against MAPP1's placebo rows (the loss of
``experiments/calibrate_trial.py``), and prints the MDMA arm's predictions with that map:

- shipped: deficit in learning (``extinction_scale`` 0.2, ``kappa_ext`` 0.7);
- deficit in retention: learning at the rodent rate (``extinction_scale`` 1) and ``kappa_ext`` lowered.

A structural comparison, not a fit: no variant is chosen from the MDMA arm's numbers. Read the placebo arm's
mean fear at 18 weeks beside each row: where it is near 0 the placebo arm has extinguished completely and the
refitted map works on a floor (the regime the outcome map was built to avoid).

    .venv/bin/python experiments/trial_recall_deficit.py [--size 300]
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np
from calibrate_trial import loss
from scipy.optimize import minimize
from trial_sobol import capture_drives

from sim import outcomes
from sim import protocol as proto
from sim import trial as runner

VARIANTS = (("shipped: deficit in learning", 0.2, 0.7),
            ("deficit in retention", 1.0, 0.3),
            ("deficit in retention", 1.0, 0.2),
            ("deficit in retention", 1.0, 0.1),
            ("deficit in retention", 1.0, 0.05),
            ("no deficit", 1.0, 0.7))


def visits(protocol, exp, captured, extinction_scale: float, kappa_ext: float):
    """Per arm (placebo, MDMA): the visits' fear responses (patients, visits)."""
    from sim.amygdala import run_trials
    from sim.probes import amygdala_model

    p = replace(protocol, extinction_scale=extinction_scale)
    mappings, rule = runner.trial_mechanisms(p)
    rule = replace(rule, kappa_ext=kappa_ext)
    trials, idx = proto.trials(p), proto.visit_index(p)
    n, model = exp.cohort_size, amygdala_model(exp)
    return [run_trials(model, trials, drives, initial=runner.initial_weights(captured["strength"], n), members=n,
                       rule=rule, mappings=mappings).fear_response[:, idx] for drives in captured["arms"]]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=300, help="patients per arm (default 300)")
    args = ap.parse_args(argv)
    protocol, exp, captured = capture_drives(args.size)
    weeks = proto.visit_weeks(protocol)
    base = outcomes.baseline_scores(exp.cohort_size, exp.caps5_baseline_mean, exp.caps5_baseline_sd, exp.seed)
    thr = outcomes.defaults()["threshold"]
    print("| variant | extinction_scale | kappa_ext | placebo fear at 18 w | gamma | sigma | placebo change | "
          "placebo no PTSD | MDMA change | MDMA no PTSD | difference | d |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for label, scale, kappa in VARIANTS:
        fear = visits(protocol, exp, captured, scale, kappa)
        best = None
        for g0 in (0.5, 1.0, 2.0, 4.0, 8.0):
            r = minimize(loss, [g0, 10.0], args=(fear[0], base, weeks, exp.seed), method="Nelder-Mead",
                         options={"xatol": 1e-4, "fatol": 1e-4, "maxiter": 2000})
            best = r if best is None or r.fun < best.fun else best
        gamma, sigma = best.x
        finals = [outcomes.visit_scores(f, base, weeks, exp.seed, {"gamma": gamma, "sigma": sigma})[:, -1]
                  for f in fear]
        arm = np.repeat([0, 1], exp.cohort_size)
        final = np.concatenate(finals)
        s, d = outcomes.summarize(arm, np.tile(base, 2), final, final >= thr)
        pl, md = s["placebo"], s["mdma"]
        print(f"| {label} | {scale:g} | {kappa:g} | {fear[0][:, -1].mean():.3f} | {gamma:.3f} | {sigma:.2f} | "
              f"{pl.change_mean:.1f} | {100 * pl.no_diagnosis:.0f} % | {md.change_mean:.1f} | "
              f"{100 * md.no_diagnosis:.0f} % | {pl.change_mean - md.change_mean:.2f} | {d:.2f} |", flush=True)


if __name__ == "__main__":
    main()
