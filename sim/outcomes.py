"""Outcome model: the amygdala's drug-free trauma-cue response at each assessment visit -> a CAPS-5-like
score (0-80).

The map is calibration, fitted on the PLACEBO arm of MAPP1 only (Mitchell et al. 2021 Nat Med
27:1025: CAPS-5 change -13.9 (SD 11.5) at 18 weeks, 32 % no longer meeting the diagnosis;
``experiments/calibrate_trial.py``) and then frozen. Everything upstream keeps its literature values
or its own stated assumptions, so the MDMA arm's outcomes are predictions of the model, not fits.

Per patient i and visit v, with F_iv the drug-free trauma-cue fear_response at the visit (the
assessment probes of :func:`sim.protocol.trials`) and q_iv = F_iv / F_i0 its ratio to the patient's
own baseline visit::

    r(q)       = max(q, 0) ** gamma                 (r(1) = 1: an unchanged memory keeps the baseline severity)
    caps5_iv   = clip(caps5_baseline_i * r(q_iv) + sigma * z_i * sqrt(t_v / t_end), 0, 80)
    diagnosis  = caps5 >= threshold

``gamma`` says how symptom severity scales with the fear circuit's cue response; ``sigma`` lumps
measurement noise and everything the amygdala model leaves out (individual course, life events),
accumulating over the trial as a per-patient random walk (z_i ~ N(0, 1), seeded; zero at baseline).
``caps5_baseline`` is drawn from N(mean, sd) of ``[cohort] caps5_baseline_mean/_sd`` (default 44, 6:
MAPP1), clipped to 0-80. The diagnosis threshold is stated, not fitted: 25 points (MAPP1 judged the
diagnosis by DSM-5 criteria, not by a total; 25 is in the range of CAPS-5 totals that separate the
diagnosis in validation studies, assumed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.kinetics.drugs import DEFAULT_ARMS
from sim.params import Parameter

CAPS5_MAX = 80.0


# Fitted by experiments/calibrate_trial.py --size 1000 (seed 2021, phase3 defaults), placebo arm only.
_FIT = "calibrated: experiments/calibrate_trial.py to the placebo arm of MAPP1 only"
PARAMS = {
    "gamma": Parameter("gamma", 4.1311, "1", _FIT + " (mean change)",
                       "exponent of the map from the visit's fear ratio to the share of baseline severity", 0.0, 10.0),
    "sigma": Parameter("sigma", 11.419, "CAPS-5 points", _FIT + " (SD of change)",
                       "SD of what the circuit leaves out (measurement, individual course)", 0.0, 40.0),
    "threshold": Parameter("threshold", 25.0, "CAPS-5 points", "assumed: diagnosis lost below this total (stated)",
                           "CAPS-5 total at or above which the diagnosis is still met", 0.0, 80.0),
}


def parameters() -> list[tuple[str, Parameter]]:
    """The outcome map's parameters with qualified names (``outcomes.gamma``, ...), for ``sim params``."""
    return [(f"outcomes.{k}", p) for k, p in PARAMS.items()]


def defaults() -> dict[str, float]:
    return {k: p.value for k, p in PARAMS.items()}


def severity_ratio(q, gamma: float) -> np.ndarray:
    """r(q) = max(q, 0) ** gamma: the fraction of baseline severity left at a fear ratio q (monotone, r(1) = 1)."""
    return np.maximum(np.asarray(q, float), 0.0) ** gamma


def baseline_scores(n: int, mean: float, sd: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng([seed, 41])
    return np.clip(mean + sd * rng.standard_normal(n), 0.0, CAPS5_MAX)


def visit_scores(fear_visits, baseline, weeks, seed: int, params: dict | None = None) -> np.ndarray:
    """(patients, visits) CAPS-5 scores from the visits' fear responses (patients, visits; the first
    visit is the baseline), baseline scores (patients,) and visit times in weeks (visits,)."""
    p = {**defaults(), **(params or {})}
    fear = np.nan_to_num(np.asarray(fear_visits, float), nan=1.0)
    base = np.asarray(baseline, float)
    q = fear / np.maximum(fear[:, :1], 1e-9)
    w = np.asarray(weeks, float)
    walk = np.sqrt(np.clip((w - w[0]) / max(w[-1] - w[0], 1e-9), 0.0, 1.0))
    z = np.random.default_rng([seed, 43]).standard_normal(base.shape)
    return np.clip(base[:, None] * severity_ratio(q, p["gamma"]) + p["sigma"] * z[:, None] * walk[None, :],
                   0.0, CAPS5_MAX)


@dataclass(frozen=True)
class ArmSummary:
    arm: str
    n: int
    change_mean: float
    change_sd: float
    no_diagnosis: float      # share no longer meeting the diagnosis
    drop_10: float           # share with a >= 10-point drop


def summarize(arm: np.ndarray, baseline, final, diagnosis, labels=DEFAULT_ARMS) -> tuple[dict[str, ArmSummary],
                                                                                                   float]:
    """Per-arm summaries by name (``labels[code]``; default: :data:`sim.kinetics.drugs.DEFAULT_ARMS`) and Cohen's d of
    arm 1 against arm 0 (arm 0's change minus arm 1's over the pooled SD; positive when arm 1 improves
    more)."""
    arm = np.asarray(arm)
    change = np.asarray(final, float) - np.asarray(baseline, float)
    out = {}
    for code, label in reversed(list(enumerate(labels))):
        m = arm == code
        if not m.any():
            continue
        out[label] = ArmSummary(label, int(m.sum()), float(change[m].mean()),
                                float(change[m].std(ddof=1)) if m.sum() > 1 else 0.0,
                                float((~np.asarray(diagnosis)[m]).mean()), float((change[m] <= -10.0).mean()))
    d = float("nan")
    if len(labels) >= 2 and labels[0] in out and labels[1] in out:
        a, b = out[labels[1]], out[labels[0]]
        pooled = np.sqrt(((a.n - 1) * a.change_sd**2 + (b.n - 1) * b.change_sd**2) / max(a.n + b.n - 2, 1))
        d = (b.change_mean - a.change_mean) / pooled if pooled > 0 else float("nan")
    return out, d


def published_line(reference: dict) -> str:
    """One line with a trial's published endpoints (an experiment's ``[reference]``: source, per-arm CAPS-5
    change mean (SD) and share no longer meeting the diagnosis, Cohen's d); empty without one."""
    if not reference:
        return ""
    parts = []
    for name, e in reference.get("arm", {}).items():
        share = e.get("no_diagnosis")
        parts.append(f"{name} {e['caps5_change_mean']:.1f} ({e['caps5_change_sd']:.1f})"
                     + (f", {100 * share:.0f} %" if share is not None else ""))
    if reference.get("cohens_d") is not None:
        parts.append(f"d {reference['cohens_d']:.2f}")
    return f"{reference.get('name', 'published')} ({reference['source']}): " + "; ".join(parts)


def format_table(summaries: dict[str, ArmSummary], d: float, reference: dict | None = None) -> str:
    head = f"{'arm':<8} {'N':>5}  {'CAPS-5 change mean (SD)':>24}  {'no longer PTSD':>14}  {'>=10-pt drop':>12}"
    lines = [head]
    for s in summaries.values():
        lines.append(f"{s.arm:<8} {s.n:>5}  {f'{s.change_mean:.1f} ({s.change_sd:.1f})':>24}  "
                     f"{100 * s.no_diagnosis:>13.0f}%  {100 * s.drop_10:>11.0f}%")
    lines.append(f"Cohen's d (between arms): {d:.2f}")
    if reference:
        lines.append(published_line(reference))
    return "\n".join(lines)
