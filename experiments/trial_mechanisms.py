"""Mechanism checks of the virtual phase-3 trial (issue 8): what the model says, not what it was told.

Runs experiments/phase3_trial.toml (both arms, the same virtual patients) in these variants and reports
each as numbers (a printed table and a JSON file) and figures:

- ``full``: the protocol as shipped (outcome map fitted on the placebo arm only);
- ablations, each a ``[protocol]`` switch: ``no_bdnf`` (the 5-HT2A -> BDNF/TrkB plasticity state off:
  TrkB block), ``no_oxytocin`` (OXTR on CeL), ``no_cortisol`` (glucocorticoid strengthening of
  consolidation; inert until the pharmacology model has plasma cortisol), ``no_il_learning`` (IL->ITC
  plasticity), ``no_5ht1a`` (5-HT1A damping of BLA principal cells), ``no_beta`` (the beta response on the
  CS drive and on learning);
- ``ssri_*``: every patient keeps taking an SSRI (20 mg/day) through the drug sessions
  (``[cohort] prior_ssri_fraction = 1``, ``[protocol] ssri_washout = false``): SERT is blocked, so
  less MDMA enters serotonin terminals (and paroxetine inactivates CYP2D6);
- ``no_supplemental``: the supplemental dose never taken (``supplemental_probability = 0``);
- ``reminders_1_per_week``: everyday trauma reminders on.

Per variant: the CAPS-5 advantage of the MDMA arm (placebo change minus MDMA change, points, with a 95 %
interval from the two arms' SDs), Cohen's d, the responder shares of both arms, the mean follow-up
fear_response of both arms, and the first drug session's pharmacology in the MDMA arm (peak rise of OXTR
response and of 5-HT1A response (E/E_ref - 1, the amygdala's drive) and of extracellular 5-HT from the
session's pre-dose value; plasma MDMA AUC). Exposure by CYP2D6 phenotype: the session's plasma MDMA and MDA
AUC (0-24 h) and Cmax of the same cohort at 120 + 60 mg, by phenotype, as the poor / extensive metaboliser
ratio of medians.

    .venv/bin/python experiments/trial_mechanisms.py [--size 200] [-o results/trial_mechanisms]

writes OUT/trial_mechanisms.json, OUT/trial_mechanisms.md (the README's block: ``python
tools/readme_blocks.py OUT/trial_mechanisms.md``), OUT/trial_mechanisms.png and OUT/trial_exposure.png. The
figures in docs/figures/ and the numbers in the README come from ``--size 1000``. Outcomes are hypotheses for
research and teaching.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

import sim
from sim import outcomes
from sim.trial import run_trial

EXPERIMENT = Path(__file__).with_name("phase3_trial.toml")
SSRI = {"cohort.prior_ssri_fraction": 1.0, "protocol.ssri_washout": False}
VARIANTS = {
    "full": ("full model", {}),
    "no_bdnf": ("no 5-HT2A/BDNF route", {"protocol.bdnf_route": False}),
    "no_oxytocin": ("no oxytocin", {"protocol.oxytocin": False}),
    "no_cortisol": ("no cortisol", {"protocol.cortisol": False}),
    "no_il_learning": ("no IL learning", {"protocol.il_learning": False}),
    "no_5ht1a": ("no 5-HT1A damping", {"protocol.ht1a_damping": False}),
    "no_beta": ("no beta-adrenergic route", {"protocol.beta_adrenergic": False}),
    "ssri_citalopram": ("SERT blocked (citalopram)", {**SSRI, "protocol.ssri": "citalopram"}),
    "ssri_paroxetine": ("SERT blocked (paroxetine)", {**SSRI, "protocol.ssri": "paroxetine"}),
    "ssri_fluoxetine": ("SERT blocked (fluoxetine)", {**SSRI, "protocol.ssri": "fluoxetine"}),
    "no_supplemental": ("no supplemental dose", {"protocol.supplemental_probability": 0.0}),
    "reminders_1_per_week": ("reminders 1/week", {"protocol.reminders_per_week": 1.0}),
}
EXPOSURE_H = 24.0   # exposure runs: AUC and Cmax over 0-24 h from the first dose
PHENOTYPES = {0.0: "poor", 0.5: "intermediate", 1.0: "extensive", 2.0: "ultrarapid"}


def _auc(t, y):
    return np.trapezoid(y, t, axis=-1)


def run_variant(size: int, overrides: dict) -> dict:
    exp = sim.load_experiment(EXPERIMENT, {"cohort.size": size, **overrides})
    res, o = run_trial(exp)
    s, d = outcomes.summarize(o["arm"], o["caps5_baseline"], o["caps5_final"], o["diagnosis_final"])
    mdma, placebo = s["mdma"], s["placebo"]
    diff = placebo.change_mean - mdma.change_mean
    half = 1.96 * np.sqrt(mdma.change_sd**2 / mdma.n + placebo.change_sd**2 / placebo.n)
    drug = o["arm"] == 1
    out = {
        "n_per_arm": mdma.n, "caps5_advantage": diff, "caps5_advantage_ci95": [diff - half, diff + half],
        "cohens_d": d,
        "mdma": {"change_mean": mdma.change_mean, "change_sd": mdma.change_sd,
                 "no_diagnosis": mdma.no_diagnosis, "drop_10": mdma.drop_10,
                 "fear_followup": float(np.nanmean(o["fear_followup"][drug]))},
        "placebo": {"change_mean": placebo.change_mean, "change_sd": placebo.change_sd,
                    "no_diagnosis": placebo.no_diagnosis, "drop_10": placebo.drop_10,
                    "fear_followup": float(np.nanmean(o["fear_followup"][~drug]))},
        "failed_runs": int((res.status != 0).sum()),
    }
    t = res.time
    courses = {}
    for name in ("response_oxtr", "response_5ht1a", "ec_serotonin"):
        ref = res[name][drug][:, :1]
        rise = res[name][drug] / ref - 1.0 if name.startswith("response_") else res[name][drug] - ref
        courses[name] = rise.mean(0)
        out[f"session1_peak_rise_{name}"] = float(rise.max(1).mean())
    out["session1_auc_plasma_mdma_ng_h_ml"] = float(_auc(t, res["plasma_mdma"][drug]).mean())
    return out, t, courses


def exposure(size: int) -> tuple[dict, np.ndarray, dict]:
    """Plasma exposure over 0-24 h (120 + 60 mg, every patient takes both) by CYP2D6 phenotype."""
    exp = sim.load_experiment(EXPERIMENT, {"cohort.size": size, "protocol.first_doses_mg": [120.0, 120.0, 120.0],
                                           "experiment.duration_h": EXPOSURE_H})
    res = sim.run(exp)
    t = res.time
    cap = res.params["pk.cyp2d6_capacity"]
    out, courses = {}, {}
    for value, label in PHENOTYPES.items():
        m = np.isclose(cap, value) & (res.status == 0)
        if not m.any():
            continue
        row = {"n": int(m.sum())}
        for name in ("plasma_mdma", "plasma_mda"):
            auc, cmax = _auc(t, res[name][m]), res[name][m].max(1)
            row[f"auc_{name}_median"] = float(np.median(auc))
            row[f"auc_{name}_iqr"] = [float(x) for x in np.percentile(auc, [25, 75])]
            row[f"cmax_{name}_median"] = float(np.median(cmax))
        out[label] = row
        courses[label] = (np.median(res["plasma_mdma"][m], 0), np.percentile(res["plasma_mdma"][m], [25, 75], 0))
    pm, em = out.get("poor"), out.get("extensive")
    if pm and em:
        out["poor_over_extensive"] = {k: pm[k] / em[k] for k in pm if k.endswith("_median")}
    return out, t, courses


def figures(results: dict, sessions: dict, t, exposure_res, t_exp, exp_courses, folder: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 10})
    paths = []
    # figure 1: advantage per variant, and the session pharmacology behind the SSRI check
    fig = plt.figure(figsize=(13, 8.2), layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=[1.15, 1])
    top = grid[0, :].subgridspec(1, 2, width_ratios=[3.2, 1], wspace=0.0)
    ax = fig.add_subplot(top[0])
    notes = fig.add_subplot(top[1], sharey=ax)
    names = list(results)
    y = np.arange(len(names))[::-1]
    adv = np.array([results[k]["caps5_advantage"] for k in names])
    ci = np.array([results[k]["caps5_advantage_ci95"] for k in names])
    colours = ["#1f4e9c" if k == "full" else "#c0392b" if k.startswith("ssri") else "#7f8c8d" for k in names]
    ax.barh(y, adv, xerr=[adv - ci[:, 0], ci[:, 1] - adv], color=colours, capsize=3, height=0.6)
    ax.axvline(10.5, color="k", ls="--", lw=1, label="MAPP1 (Mitchell et al. 2021): 10.5")
    ax.axvline(0, color="k", lw=0.8)
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    ax.set_yticks(y, [f"{VARIANTS[k][0]}" for k in names])
    ax.set_xlim(min(0.0, ci[:, 0].min()) - 3.0, max(ci[:, 1].max(), 10.5) + 1.5)
    ax.set_ylim(y.min() - 0.6, y.max() + 1.9)
    notes.axis("off")
    notes.set_xlim(0, 1)
    notes.text(0.04, y.max() + 0.55, "Cohen's d;  no longer meeting the\nPTSD diagnosis, MDMA vs placebo",
               va="bottom", fontsize=8.5, style="italic")
    for yi, k in zip(y, names, strict=True):
        r = results[k]
        notes.text(0.04, yi, f"d = {r['cohens_d']:.2f};  {100 * r['mdma']['no_diagnosis']:.0f} % vs "
                   f"{100 * r['placebo']['no_diagnosis']:.0f} %", va="center", fontsize=9.5)
    n = results["full"]["n_per_arm"]
    ax.set_xlabel("CAPS-5 advantage of the MDMA arm: placebo change minus MDMA change (points; bar: 95 % interval)")
    ax.set_title(f"A  Trial variants, {n} virtual patients per arm, week 18", loc="left", fontweight="bold")
    ssri_keys = [k for k in ("full", "ssri_citalopram", "ssri_paroxetine", "ssri_fluoxetine") if k in sessions]
    styles = {"full": ("#1f4e9c", "-"), "ssri_citalopram": ("#c0392b", "-"),
              "ssri_paroxetine": ("#e67e22", "--"), "ssri_fluoxetine": ("#8e44ad", ":")}
    for col, (name, label, unit) in enumerate((
            ("response_oxtr", "B  Central OXTR response, change from pre-dose", "E/E_ref - 1"),
            ("ec_serotonin", "C  Extracellular 5-HT, rise from pre-dose", "nM"))):
        ax = fig.add_subplot(grid[1, col])
        for k in ssri_keys:
            c, ls = styles[k]
            ax.plot(t, sessions[k][name], color=c, ls=ls, lw=2, label=VARIANTS[k][0] if k != "full" else
                    "no SSRI (washed out)")
        ax.set_xlabel("time from the first dose of drug session 1 (h); 80 mg + 40 mg at 1.75 h")
        ax.set_ylabel(f"mean rise, MDMA arm ({unit})")
        ax.set_title(label, loc="left", fontweight="bold")
        ax.set_xlim(0, t[-1])
        ax.grid(alpha=0.3)
        if col == 0:
            ax.legend(fontsize=8.5, frameon=False)
    fig.suptitle("Mechanism checks of the virtual MAPP1-like trial (hypotheses for research and teaching)",
                 fontsize=11)
    path = folder / "trial_mechanisms.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    paths.append(path)

    # figure 2: exposure by CYP2D6 phenotype
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), layout="constrained")
    pcol = {"poor": "#c0392b", "intermediate": "#e67e22", "extensive": "#1f4e9c", "ultrarapid": "#27ae60"}
    ax = axes[0]
    for label, (med, (q1, q3)) in exp_courses.items():
        ax.plot(t_exp, med, color=pcol[label], lw=2, label=f"{label} (n = {exposure_res[label]['n']})")
        ax.fill_between(t_exp, q1, q3, color=pcol[label], alpha=0.15, lw=0)
    ax.set_xlabel("time from the first dose (h); 120 mg + 60 mg at 1.75 h")
    ax.set_ylabel("plasma MDMA (ng/mL); median, band: IQR")
    ax.set_title("A  Plasma MDMA by CYP2D6 phenotype", loc="left", fontweight="bold")
    ax.set_xlim(0, t_exp[-1])
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=9)
    ax = axes[1]
    labels = [k for k in PHENOTYPES.values() if k in exposure_res]
    x = np.arange(len(labels))
    em = exposure_res["extensive"]
    bars = (("auc_plasma_mdma", "MDMA AUC", "#1f4e9c"), ("cmax_plasma_mdma", "MDMA Cmax", "#5dade2"),
            ("auc_plasma_mda", "MDA AUC (metabolite)", "#95a5a6"))
    for j, (key, lab, colour) in enumerate(bars):
        ratio = np.array([exposure_res[k][f"{key}_median"] / em[f"{key}_median"] for k in labels])
        ax.bar(x + (j - 1) * 0.26, ratio, width=0.26, color=colour, label=lab)
        for xi, v in zip(x + (j - 1) * 0.26, ratio, strict=True):
            ax.text(xi, v + 0.02, f"{v:.2f}", ha="center", va="bottom", fontsize=8)
    ax.axhline(1.0, color="k", lw=0.8)
    ax.set_xticks(x, [f"{k}\n(n = {exposure_res[k]['n']})" for k in labels])
    ax.set_xlabel("CYP2D6 phenotype")
    ax.set_ylabel(f"median AUC (0-{t_exp[-1]:g} h) or Cmax / extensive median")
    ax.set_ylim(0, 1.25 * max(max(exposure_res[k][f"{key}_median"] / em[f"{key}_median"] for k in labels)
                              for key, _, _ in bars))
    ax.set_title("B  Exposure relative to extensive metabolisers", loc="left", fontweight="bold")
    ax.legend(frameon=False, fontsize=9, loc="upper right")
    ax.grid(alpha=0.3, axis="y")
    path = folder / "trial_exposure.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    paths.append(path)
    return paths


def table(results: dict, exposure_res: dict) -> str:
    lines = [f"{'variant':<28} {'advantage (95% CI)':>22} {'d':>6} {'no PTSD mdma/plac':>18} "
             f"{'>=10 drop mdma/plac':>20} {'F mdma/plac':>12} {'dOXTR':>7} {'d5-HT nM':>9} {'AUC':>6}"]
    for k, r in results.items():
        lo, hi = r["caps5_advantage_ci95"]
        m, p = r["mdma"], r["placebo"]
        adv = f"{r['caps5_advantage']:.1f} ({lo:.1f}, {hi:.1f})"
        nodx = f"{100 * m['no_diagnosis']:.0f} / {100 * p['no_diagnosis']:.0f} %"
        drop = f"{100 * m['drop_10']:.0f} / {100 * p['drop_10']:.0f} %"
        fear = f"{m['fear_followup']:.3f}/{p['fear_followup']:.3f}"
        lines.append(f"{VARIANTS[k][0]:<28} {adv:>22} {r['cohens_d']:>6.2f} {nodx:>18} {drop:>20} {fear:>12} "
                     f"{r['session1_peak_rise_response_oxtr']:>7.3f} {r['session1_peak_rise_ec_serotonin']:>9.2f} "
                     f"{r['session1_auc_plasma_mdma_ng_h_ml']:>6.0f}")
    lines.append("F: mean follow-up fear_response; dOXTR (response, E/E_ref - 1), d5-HT: mean peak rise in drug "
                 "session 1 (MDMA arm); AUC: its plasma MDMA AUC 0-10 h (ng h/mL)")
    base = results.get("full")
    if base:
        for k, r in results.items():
            if k != "full":
                lines.append(f"  change of the advantage, {VARIANTS[k][0]}: "
                             f"{r['caps5_advantage'] - base['caps5_advantage']:+.1f} points")
    lines.append("Exposure by CYP2D6 phenotype (120 + 60 mg; AUC 0-24 h, ng h/mL, median):")
    for k, r in exposure_res.items():
        if k != "poor_over_extensive":
            lines.append(f"  {k:<13} n = {r['n']:>4}  MDMA AUC {r['auc_plasma_mdma_median']:7.0f}  Cmax "
                         f"{r['cmax_plasma_mdma_median']:5.0f} ng/mL   MDA AUC {r['auc_plasma_mda_median']:6.0f}")
    ratio = exposure_res.get("poor_over_extensive")
    if ratio:
        lines.append("  poor / extensive: " + ", ".join(f"{k.replace('_median', '')} x{v:.2f}"
                                                        for k, v in ratio.items()))
    return "\n".join(lines)


def markdown(payload: dict) -> str:
    """The README's block (tools/readme_blocks.py) from a run's JSON payload: the variants' table, what
    each ablation changes, and the session pharmacology and exposure numbers the README's text relies on."""
    results, exposure_res = payload["variants"], payload["exposure_by_phenotype"]
    labels = payload["variant_labels"]
    lines = ["<!-- block: trial-mechanisms -->",
             f"<!-- generated by experiments/trial_mechanisms.py --size {payload['size_per_arm']}; "
             "do not edit by hand -->",
             "| variant | advantage, points (95 % CI) | change vs full | d | no longer PTSD, MDMA / placebo | "
             ">= 10-point drop, MDMA / placebo |", "|---|---|---|---|---|---|"]
    full = results.get("full", {}).get("caps5_advantage")
    for k, r in results.items():
        lo, hi = r["caps5_advantage_ci95"]
        m, p = r["mdma"], r["placebo"]
        delta = 0.0 if full is None else round(r["caps5_advantage"] - full, 1) + 0.0   # + 0.0: no "-0.0"
        change = "" if k == "full" or full is None else f"{delta:+.1f}"
        lines.append(f"| {labels[k]} | {r['caps5_advantage']:.1f} ({lo:.1f}, {hi:.1f}) | {change} | "
                     f"{r['cohens_d']:.2f} | {100 * m['no_diagnosis']:.0f} / {100 * p['no_diagnosis']:.0f} % | "
                     f"{100 * m['drop_10']:.0f} / {100 * p['drop_10']:.0f} % |")
    lines.append("")
    session = [f"{labels[k]}: 5-HT {r['session1_peak_rise_ec_serotonin']:.2f} nM, OXTR response "
               f"{r['session1_peak_rise_response_oxtr']:+.2f}, 5-HT1A response "
               f"{r['session1_peak_rise_response_5ht1a']:+.2f}, plasma MDMA AUC (0-10 h) "
               f"{r['session1_auc_plasma_mdma_ng_h_ml']:,.0f} ng h/mL"
               for k, r in results.items() if k in ("full", "ssri_citalopram", "no_supplemental")]
    lines.append("Drug session 1, MDMA arm, mean peak rise from the pre-dose value (responses as E/E_ref - 1): "
                 + "; ".join(session) + ".")
    ratio = exposure_res.get("poor_over_extensive")
    if ratio:
        lines += ["", "Poor / extensive CYP2D6 metabolisers, medians at 120 + 60 mg over 0-24 h: plasma MDMA AUC "
                  f"x{ratio['auc_plasma_mdma_median']:.2f}, Cmax x{ratio['cmax_plasma_mdma_median']:.2f}, "
                  f"MDA AUC x{ratio['auc_plasma_mda_median']:.2f}."]
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=200, help="patients per arm (default 200)")
    ap.add_argument("-o", "--out", type=Path, default=Path("results/trial_mechanisms"), help="output folder")
    ap.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated subset of the variants")
    ap.add_argument("--from-json", type=Path, help="no runs: redraw the figures and the README block from the "
                    "trial_mechanisms.json of an earlier run")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.from_json:
        payload = json.loads(args.from_json.read_text())
        write(payload, args.out)
        return payload
    results, sessions, t = {}, {}, None
    for key in args.variants.split(","):
        t0 = time.perf_counter()
        results[key], t, sessions[key] = run_variant(args.size, VARIANTS[key][1])
        print(f"  {key}: {time.perf_counter() - t0:.1f} s", flush=True)
    exposure_res, t_exp, exp_courses = exposure(args.size)
    print(table(results, exposure_res))
    payload = {"size_per_arm": args.size, "experiment": str(EXPERIMENT.name), "variants": results,
               "variant_labels": {k: VARIANTS[k][0] for k in results}, "exposure_by_phenotype": exposure_res,
               "courses": {"time_h": t.tolist(), "sessions": {k: {n: c.tolist() for n, c in v.items()}
                                                             for k, v in sessions.items()},
                           "exposure_time_h": t_exp.tolist(),
                           "exposure": {k: [m.tolist(), q.tolist()] for k, (m, q) in exp_courses.items()}}}
    (args.out / "trial_mechanisms.json").write_text(json.dumps(payload, indent=2))
    print(f"wrote {args.out / 'trial_mechanisms.json'}")
    write(payload, args.out)
    return payload


def write(payload: dict, folder: Path) -> None:
    """The figures and the README block of a run's payload (also from a saved JSON: ``--from-json``)."""
    c = payload["courses"]
    sessions = {k: {n: np.asarray(v) for n, v in s.items()} for k, s in c["sessions"].items()}
    exp_courses = {k: (np.asarray(m), np.asarray(q)) for k, (m, q) in c["exposure"].items()}
    for p in figures(payload["variants"], sessions, np.asarray(c["time_h"]), payload["exposure_by_phenotype"],
                     np.asarray(c["exposure_time_h"]), exp_courses, folder):
        print(f"wrote {p}")
    (folder / "trial_mechanisms.md").write_text(markdown(payload))
    print(f"wrote {folder / 'trial_mechanisms.md'}")


if __name__ == "__main__":
    main()
