"""Fit the outcome map (``gamma``, ``sigma`` of sim/outcomes.py) on the PLACEBO arm of MAPP1 only.

Everything upstream keeps its values. The script runs experiments/phase3_trial.toml (both arms, the same
virtual patients), takes each placebo patient's assessment-visit fear responses and baseline CAPS-5, and
fits the map by least squares on the placebo arm's rows of MAPP1 (Mitchell et al. 2021 Nat Med 27:1025):
CAPS-5 change mean and SD at 18 weeks (points) and the share no longer meeting the diagnosis (as %/2, so
10 % weighs like 5 points). The MDMA arm is never used in the fit: with the map frozen, its change, the
between-arm difference, Cohen's d and its responder share are printed as predictions.

    .venv/bin/python experiments/calibrate_trial.py [--size 200]

Copy the fitted values into sim.outcomes.PARAMS.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from sim import outcomes
from sim.config import load_experiment
from sim.trial import run_trial

PLACEBO = (-13.9, 11.5, 32.0)   # MAPP1 placebo arm: change mean, SD (points), % no longer meeting the diagnosis


def _scores(x, visits, baseline, weeks, seed):
    gamma, sigma = x
    return outcomes.visit_scores(visits, baseline, weeks, seed, {"gamma": gamma, "sigma": sigma})[:, -1]


def loss(x, visits, baseline, weeks, seed):
    gamma, sigma = x
    if gamma <= 0 or sigma < 0:
        return 1e9
    final = _scores(x, visits, baseline, weeks, seed)
    change = final - baseline
    m, sd, share = PLACEBO
    no_dx = 100.0 * np.mean(final < outcomes.defaults()["threshold"])
    return (change.mean() - m) ** 2 + (change.std(ddof=1) - sd) ** 2 + ((no_dx - share) / 2) ** 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=None, help="patients per arm (default: the experiment's)")
    args = ap.parse_args()
    over = {"cohort.size": args.size} if args.size else {}
    exp = load_experiment(Path(__file__).with_name("phase3_trial.toml"), over)
    _, o = run_trial(exp)
    arm, weeks, fear = o["arm"], o["visit_week"], o["fear_visit"]
    placebo = arm == 0
    print("visit weeks:", weeks)
    print("mean visit fear_response, placebo:", np.round(fear[placebo].mean(0), 3))
    print("mean visit fear_response, mdma:   ", np.round(fear[~placebo].mean(0), 3))
    best = None
    for g0 in (0.5, 1.0, 2.0, 4.0, 8.0):
        r = minimize(loss, [g0, 10.0], args=(fear[placebo], o["caps5_baseline"][placebo], weeks, exp.seed),
                     method="Nelder-Mead", options={"xatol": 1e-4, "fatol": 1e-4, "maxiter": 2000})
        if best is None or r.fun < best.fun:
            best = r
    gamma, sigma = best.x
    print(f"fitted on the placebo arm: gamma = {gamma:.4f}, sigma = {sigma:.3f} (loss {best.fun:.3f})")
    final = outcomes.visit_scores(fear, o["caps5_baseline"], weeks, exp.seed, {"gamma": gamma, "sigma": sigma})[:, -1]
    s, d = outcomes.summarize(arm, o["caps5_baseline"], final, final >= outcomes.defaults()["threshold"])
    print("with the map frozen (MDMA arm: predictions):")
    print(outcomes.format_table(s, d))


if __name__ == "__main__":
    main()
