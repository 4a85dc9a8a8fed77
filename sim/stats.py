"""Uncertainty of a virtual trial's results: bootstrap 95 % intervals (scipy.stats.bootstrap).

A virtual trial of N patients per arm is one draw of the trial; its numbers would differ with other
patients. This module states by how much, the way a trial report would: for each arm the mean
CAPS-5 change from baseline, the share no longer meeting the diagnosis and the share with a drop of
10 points or more, and between the arms the difference of mean changes and Cohen's d::

    d = (mean change_reference - mean change_drug) / s_pooled,
    s_pooled = sqrt(((n_d - 1) s_d^2 + (n_r - 1) s_r^2) / (n_d + n_r - 2))

(positive when the drug arm improves more; the reference arm is arm code 0, placebo). Intervals are
bias-corrected and accelerated (BCa) bootstrap intervals (Efron & Tibshirani 1993, ch. 14) from
``scipy.stats.bootstrap`` with a fixed seed, so the same file gives the same interval. The arms are
resampled independently, as for a parallel-group trial: the interval says what another trial of the
same size could have shown, even though the simulator gives both arms the same virtual patients.
Where BCa is undefined (every resample equal, e.g. a share of 0 or 1) the percentile interval is used.
"""

from __future__ import annotations

import numpy as np

from sim.kinetics.drugs import DEFAULT_ARMS

CONFIDENCE = 0.95
N_RESAMPLES = 2000
DROP_POINTS = 10.0  # a ">= 10-point drop": the responder definition of the MAPP1 report (Mitchell 2021)
DEFAULT_LABELS = dict(enumerate(DEFAULT_ARMS))


def interval(samples, statistic, *, seed: int, n_resamples: int = N_RESAMPLES,
             confidence: float = CONFIDENCE) -> tuple[float, float]:
    """(low, high) bootstrap interval of ``statistic`` over one or more independent samples (a tuple
    of 1-D arrays). Needs at least two values in each sample."""
    import warnings

    from scipy.stats import bootstrap

    data = tuple(np.asarray(s, float) for s in samples)
    if any(s.size < 2 for s in data):
        raise ValueError("a bootstrap interval needs at least 2 values per sample")
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # degenerate samples: BCa warns and gives NaN; percentile follows
            res = bootstrap(data, statistic, n_resamples=n_resamples, confidence_level=confidence, method=method,
                            vectorized=True, axis=-1, rng=np.random.default_rng(seed))
        low, high = float(res.confidence_interval.low), float(res.confidence_interval.high)
        if np.isfinite(low) and np.isfinite(high):
            return low, high
    value = float(statistic(*data, axis=-1))  # every resample equal: the interval is the value itself
    return value, value


def _mean(x, axis=-1):
    return np.mean(x, axis=axis)


def cohens_d(drug, reference, axis=-1):
    """Cohen's d of changes (negative = improvement): positive when ``drug`` improves more."""
    drug, reference = np.asarray(drug, float), np.asarray(reference, float)
    n_d, n_r = drug.shape[axis], reference.shape[axis]
    var = ((n_d - 1) * np.var(drug, axis=axis, ddof=1) + (n_r - 1) * np.var(reference, axis=axis, ddof=1)) \
        / (n_d + n_r - 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.mean(reference, axis=axis) - np.mean(drug, axis=axis)) / np.sqrt(var)


def _difference(drug, reference, axis=-1):
    return np.mean(reference, axis=axis) - np.mean(drug, axis=axis)


def trial_summary(outcome: dict, seed: int = 0, labels: dict | None = None) -> dict:
    """Per-arm results with intervals, and the between-arm difference and Cohen's d with intervals.

    ``outcome``: per-patient arrays ``arm`` (codes), ``caps5_baseline``, ``caps5_final``,
    ``diagnosis_final`` (as :func:`sim.trial.run_trial` returns and ``/outcomes`` stores; ``arm_labels``
    names the codes).
    Returns a JSON-ready dict (stored as the root attribute ``outcome_summary`` of a trial file).
    """
    if labels is None and "arm_labels" in outcome:
        labels = dict(enumerate(outcome["arm_labels"]))
    labels = {int(k): str(v) for k, v in (labels or DEFAULT_LABELS).items()}
    arm = np.asarray(outcome["arm"]).astype(int)
    change = np.asarray(outcome["caps5_final"], float) - np.asarray(outcome["caps5_baseline"], float)
    diagnosis = np.asarray(outcome["diagnosis_final"]).astype(bool)
    codes = sorted(set(arm.tolist()))
    arms = {}
    for k, code in enumerate(codes):
        m = arm == code
        if m.sum() < 2:
            raise ValueError(f"arm {labels.get(code, code)!r} has {int(m.sum())} patient(s); intervals need >= 2")
        c, no_dx, drop = change[m], (~diagnosis[m]).astype(float), (change[m] <= -DROP_POINTS).astype(float)
        arms[labels.get(code, str(code))] = {
            "code": code, "n": int(m.sum()),
            "change_mean": float(c.mean()), "change_sd": float(c.std(ddof=1)),
            "change_ci": list(interval((c,), _mean, seed=seed + 11 * k)),
            "no_diagnosis": float(no_dx.mean()),
            "no_diagnosis_ci": list(interval((no_dx,), _mean, seed=seed + 11 * k + 1)),
            "drop_10": float(drop.mean()), "drop_10_ci": list(interval((drop,), _mean, seed=seed + 11 * k + 2)),
        }
    summary = {"arms": arms, "confidence": CONFIDENCE, "method": f"scipy.stats.bootstrap, BCa, {N_RESAMPLES} "
               f"resamples, arms resampled independently, seed {seed}"}
    comparisons = {}
    for code in codes:
        if code == 0 or 0 not in codes:
            continue
        drug, ref = change[arm == code], change[arm == 0]
        comparisons[labels.get(code, str(code))] = {
            "difference": float(_difference(drug, ref)),
            "difference_ci": list(interval((drug, ref), _difference, seed=seed + 101 + 7 * (code - 1))),
            "cohens_d": float(cohens_d(drug, ref)),
            "cohens_d_ci": list(interval((drug, ref), cohens_d, seed=seed + 102 + 7 * (code - 1)))}
    if comparisons:
        summary["reference_arm"] = labels.get(0, "0")
        summary["comparisons"] = comparisons
    if len(comparisons) == 1:
        (name, c), = comparisons.items()
        summary["drug_arm"] = name
        summary.update(c)
    return summary


def _ci(pair, fmt="{:.1f}", scale=1.0) -> str:
    return "(" + ", ".join(fmt.format(scale * v) for v in pair) + ")"


def format_trial_summary(summary: dict, reference_line: str = "") -> str:
    """The per-arm table with 95 % intervals, as ``sim trial`` prints it."""
    w = max([8, *(len(name) for name in summary["arms"])])
    lines = [f"{'arm':<{w}} {'N':>5}  {'CAPS-5 change, mean (95 % CI) SD':>34}  {'no longer PTSD (95 % CI)':>24}  "
             f"{'>=10-pt drop (95 % CI)':>22}"]
    for name, a in summary["arms"].items():
        change = f"{a['change_mean']:.1f} {_ci(a['change_ci'])} {a['change_sd']:.1f}"
        no_dx = f"{100 * a['no_diagnosis']:.0f} % {_ci(a['no_diagnosis_ci'], '{:.0f}', 100)}"
        drop = f"{100 * a['drop_10']:.0f} % {_ci(a['drop_10_ci'], '{:.0f}', 100)}"
        lines.append(f"{name:<{w}} {a['n']:>5}  {change:>34}  {no_dx:>24}  {drop:>22}")
    for name, c in summary.get("comparisons", {}).items():
        lines.append(f"advantage of {name} over {summary['reference_arm']} (CAPS-5 points): "
                     f"{c['difference']:.1f} {_ci(c['difference_ci'])}; Cohen's d "
                     f"{c['cohens_d']:.2f} {_ci(c['cohens_d_ci'], '{:.2f}')}")
    lines.append(f"intervals: {100 * summary['confidence']:.0f} % bootstrap ({summary['method']})")
    if reference_line:
        lines.append(reference_line)
    return "\n".join(lines)
