"""Which learning parameters decide the MDMA-vs-placebo difference? A Sobol analysis of the virtual trial.

The pharmacology of experiments/phase3_trial.toml does not depend on the amygdala's learning parameters,
so the drug sessions' cascade is solved once (both arms, ``--size`` patients each) and only the amygdala
is re-run for every sample of a Saltelli design (SALib) over the parameters below, each varied uniformly
over the range given (assumed: about half to twice the default, narrower where the parameter is a share).
The output is the CAPS-5 advantage at 18 weeks (placebo change minus MDMA change, points) through the
frozen outcome map (sim/outcomes.py, fitted on the placebo arm only); the script prints first-order and
total Sobol indices with their 95 % intervals and draws them.

    .venv/bin/python experiments/trial_sobol.py [--size 40] [--samples 32] [-o results/trial_sobol]

writes OUT/trial_sobol.json and OUT/trial_sobol.png.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

import sim
from sim import outcomes
from sim import protocol as proto
from sim import trial as runner

EXPERIMENT = Path(__file__).with_name("phase3_trial.toml")
# name: (low, high, where it acts)
RANGES = {
    "k_bdnf": (0.165, 0.66, "plasticity state per unit 5-HT2A response change"),
    "tau_bdnf": (6.0, 24.0, "plasticity state time constant (h)"),
    "kappa_ext": (0.5, 0.9, "baseline consolidated share of extinction"),
    "arousal_half": (0.5, 2.0, "window of tolerance (fear response halving learning)"),
    "extinction_scale": (0.1, 0.4, "patients' extinction rate vs rodent"),
    "gain_5ht1a": (0.15, 0.6, "5-HT1A K+ conductance per unit response change (nS)"),
    "gain_oxtr": (2.0, 8.0, "oxytocin current into CeL OFF cells per unit response change (pA)"),
}


def capture_drives(size: int):
    """Run the trial once; return (protocol, experiment, {"arms": [drives of each arm], "strength"})."""
    captured = {"arms": []}
    original = runner.arm_amygdala

    def keep(exp, protocol, drives, strength=None):
        captured["arms"].append(drives)
        captured["protocol"], captured["strength"] = protocol, strength
        return original(exp, protocol, drives, strength)

    runner.arm_amygdala = keep
    try:
        exp = sim.load_experiment(EXPERIMENT, {"cohort.size": size})
        runner.run_trial(exp)
    finally:
        runner.arm_amygdala = original
    return captured["protocol"], exp, captured


def advantage(x: dict, protocol, exp, captured) -> float:
    from sim.amygdala import run_trials

    p = replace(protocol, extinction_scale=x["extinction_scale"])
    mappings, rule = runner.trial_mechanisms(p)
    rule = replace(rule, k_bdnf=x["k_bdnf"], tau_bdnf=x["tau_bdnf"], kappa_ext=x["kappa_ext"],
                   arousal_half=x["arousal_half"])
    gains = {"response_5ht1a": x["gain_5ht1a"], "response_oxtr": x["gain_oxtr"]}
    mappings = tuple(replace(m, gain=gains[m.signal]) if m.signal in gains and m.target != "learn_gain" else m
                     for m in mappings)
    trials, idx, weeks = proto.trials(p), proto.visit_index(p), proto.visit_weeks(p)
    from sim.probes import amygdala_model

    model = amygdala_model(exp)
    n = exp.cohort_size
    base = outcomes.baseline_scores(n, exp.caps5_baseline_mean, exp.caps5_baseline_sd, exp.seed)
    change = []
    for drives in captured["arms"]:   # arm 0: placebo, arm 1: MDMA
        res = run_trials(model, trials, drives, initial=runner.initial_weights(captured["strength"], n),
                         members=n, rule=rule, mappings=mappings)
        final = outcomes.visit_scores(res.fear_response[:, idx], base, weeks, exp.seed)[:, -1]
        change.append(float((final - base).mean()))
    return change[0] - change[1]


def main(argv=None):
    from SALib.analyze import sobol
    from SALib.sample import sobol as sobol_sample

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=40, help="patients per arm (default 40)")
    ap.add_argument("--samples", type=int, default=32, help="Saltelli base samples (power of 2; default 32)")
    ap.add_argument("-o", "--out", type=Path, default=Path("results/trial_sobol"))
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    names = list(RANGES)
    problem = {"num_vars": len(names), "names": names, "bounds": [RANGES[k][:2] for k in names]}
    design = sobol_sample.sample(problem, args.samples, calc_second_order=False, seed=2021)
    protocol, exp, captured = capture_drives(args.size)
    y = np.array([advantage(dict(zip(names, row, strict=True)), protocol, exp, captured) for row in design])
    si = sobol.analyze(problem, y, calc_second_order=False, seed=2021)
    rows = {k: {"S1": float(si["S1"][i]), "S1_conf": float(si["S1_conf"][i]), "ST": float(si["ST"][i]),
                "ST_conf": float(si["ST_conf"][i]), "range": RANGES[k][:2], "meaning": RANGES[k][2]}
            for i, k in enumerate(names)}
    print(f"CAPS-5 advantage over {len(y)} samples: mean {y.mean():.1f}, 5-95 % {np.percentile(y, 5):.1f} to "
          f"{np.percentile(y, 95):.1f} points ({args.size} patients per arm)")
    for k in sorted(rows, key=lambda k: -rows[k]["ST"]):
        r = rows[k]
        print(f"  {k:<17} S1 {r['S1']:+.2f} (+/- {r['S1_conf']:.2f})  ST {r['ST']:.2f} (+/- {r['ST_conf']:.2f})  "
              f"{r['meaning']}, {r['range'][0]:g}-{r['range'][1]:g}")
    (args.out / "trial_sobol.json").write_text(json.dumps({"size_per_arm": args.size, "samples": len(y),
                                                           "advantage": y.tolist(), "indices": rows}, indent=2))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    order = sorted(rows, key=lambda k: rows[k]["ST"])
    fig, ax = plt.subplots(figsize=(8, 4.2), layout="constrained")
    yy = np.arange(len(order))
    ax.barh(yy + 0.2, [rows[k]["ST"] for k in order], 0.4, xerr=[rows[k]["ST_conf"] for k in order],
            color="#1f4e9c", label="total (ST)")
    ax.barh(yy - 0.2, [rows[k]["S1"] for k in order], 0.4, xerr=[rows[k]["S1_conf"] for k in order],
            color="#7fa7d9", label="first order (S1)")
    ax.set_yticks(yy, order)
    ax.axvline(0, color="k", lw=0.8)
    ax.set_xlabel("Sobol index of the CAPS-5 advantage (placebo change minus MDMA change)")
    ax.set_title(f"Which learning parameters decide the MDMA advantage ({args.size} per arm, {len(y)} runs)",
                 fontsize=10)
    ax.legend(frameon=False)
    fig.savefig(args.out / "trial_sobol.png", dpi=110)
    print(f"wrote {args.out / 'trial_sobol.png'}")


if __name__ == "__main__":
    main()
