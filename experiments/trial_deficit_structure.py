"""Ablation: where the patients' extinction deficit sits, and what the trial then predicts.

The patients' learning rule follows two measured ratios, PTSD / trauma-exposed controls, in the two-day
laboratory paradigm (:mod:`sim.amygdala.deficit`): within-session extinction (``learning_ratio``; skin
conductance: no difference, Milad et al. 2009 Biol Psychiatry 66:1075) and the extinction retention index the
next day (``retention_ratio``; lower in PTSD, magnitude unverified). This script switches the structure
between variants, each reproducing its own pair of ratios in the laboratory paradigm:

- data (shipped): learning 1, retention ``PTSD_RETENTION_RATIO``: the deficit in retention (``kappa_ext``);
- the retention ratio's magnitude scanned (0.25, 0.75), learning 1;
- deficit in learning: the same retention index ratio reached by a slower within-session rate with the
  controls' ``kappa_ext`` (the startle studies' structure: Norrholm et al. 2011 Biol Psychiatry 69:556); its
  within-session ratio is printed (Milad 2009 measured 1 by skin conductance);
- no deficit: patients extinguish and retain as controls do.

It captures the drug sessions' drives once (both arms, ``--size`` patients each; as
``experiments/trial_sobol.py``), re-runs the amygdala per variant, refits the outcome map (``gamma``,
``sigma``) on the placebo arm only against MAPP1's placebo rows (the loss of
``experiments/calibrate_trial.py``), and prints the MDMA arm's predictions with that map. No variant is chosen
from the MDMA arm's numbers.

    .venv/bin/python experiments/trial_deficit_structure.py [--size 300]
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np
from calibrate_trial import loss
from scipy.optimize import brentq, minimize
from trial_sobol import capture_drives

from sim import outcomes
from sim import protocol as proto
from sim import trial as runner
from sim.amygdala import deficit


def variants(control_scale: float):
    """(label, omission_scale, kappa_ext) of each structure."""
    r = proto.PTSD_RETENTION_RATIO
    k_c = deficit.control_kappa()
    out = [(f"data: retention {r:g}, learning 1", *deficit.patient_rule(1.0, r, control_scale))]
    for rr in (0.25, 0.75):
        out.append((f"retention {rr:g}, learning 1", *deficit.patient_rule(1.0, rr, control_scale)))
    ctrl = deficit.paradigm(control_scale, k_c)
    s = brentq(lambda x: deficit.paradigm(x, k_c).eri - r * ctrl.eri, 1e-6, control_scale, xtol=1e-7)
    out.append((f"learning: same ERI ratio {r:g} from a slower rate", s, k_c))
    out.append(("no deficit", control_scale, k_c))
    return out


def visits(protocol, exp, captured, scale: float, kappa: float):
    """Per arm (placebo, MDMA): the visits' fear responses (patients, visits)."""
    from sim.amygdala import run_trials
    from sim.probes import amygdala_model

    p = replace(protocol, learning_ratio=1.0, retention_ratio=1.0)
    mappings, rule = runner.trial_mechanisms(p)
    rule = replace(rule, omission_scale=scale, kappa_ext=kappa)
    trials, idx = proto.trials(p), proto.visit_index(p)
    n, model = exp.cohort_size, amygdala_model(exp)
    return [run_trials(model, trials, drives, initial=runner.initial_weights(captured["strength"], n), members=n,
                       rule=rule, mappings=mappings).fear_response[:, idx] for drives in captured["arms"]]


def predict(fear, base, weeks, seed, size):
    """Refit (gamma, sigma) on the placebo arm; return (gamma, sigma, summaries, d)."""
    best = None
    for g0 in (0.5, 1.0, 2.0, 4.0, 8.0):
        r = minimize(loss, [g0, 10.0], args=(fear[0], base, weeks, seed), method="Nelder-Mead",
                     options={"xatol": 1e-4, "fatol": 1e-4, "maxiter": 2000})
        best = r if best is None or r.fun < best.fun else best
    gamma, sigma = best.x
    finals = [outcomes.visit_scores(f, base, weeks, seed, {"gamma": gamma, "sigma": sigma})[:, -1] for f in fear]
    arm = np.repeat([0, 1], size)
    final = np.concatenate(finals)
    s, d = outcomes.summarize(arm, np.tile(base, 2), final, final >= outcomes.defaults()["threshold"])
    return gamma, sigma, s, d


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=300, help="patients per arm (default 300)")
    args = ap.parse_args(argv)
    protocol, exp, captured = capture_drives(args.size)
    weeks = proto.visit_weeks(protocol)
    base = outcomes.baseline_scores(exp.cohort_size, exp.caps5_baseline_mean, exp.caps5_baseline_sd, exp.seed)
    ctrl = deficit.paradigm(protocol.extinction_scale, deficit.control_kappa())
    print("| variant | omission_scale | kappa_ext | lab within ratio | lab ERI ratio | placebo fear 18 w | gamma | "
          "placebo change | placebo no PTSD | MDMA change | MDMA no PTSD | difference | d |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for label, scale, kappa in variants(protocol.extinction_scale):
        lab = deficit.paradigm(scale, kappa)
        fear = visits(protocol, exp, captured, scale, kappa)
        gamma, _, s, d = predict(fear, base, weeks, exp.seed, exp.cohort_size)
        pl, md = s["placebo"], s["mdma"]
        print(f"| {label} | {scale:.4g} | {kappa:.3f} | {lab.within / ctrl.within:.2f} | {lab.eri / ctrl.eri:.2f} | "
              f"{fear[0][:, -1].mean():.3f} | {gamma:.3f} | {pl.change_mean:.1f} | {100 * pl.no_diagnosis:.0f} % | "
              f"{md.change_mean:.1f} | {100 * md.no_diagnosis:.0f} % | {pl.change_mean - md.change_mean:.2f} | "
              f"{d:.2f} |", flush=True)


if __name__ == "__main__":
    main()
