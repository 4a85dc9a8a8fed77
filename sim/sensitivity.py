"""Sobol sensitivity indices of a Sobol (Saltelli-design) sweep, computed with SALib.

References
----------
Saltelli A et al. (2010) Variance based sensitivity analysis of model output. Comput Phys Commun
181:259-270. Herman J, Usher W (2017) SALib: an open-source Python library for sensitivity analysis.
J Open Source Softw 2:97.
"""

from __future__ import annotations

import json

import numpy as np

from sim.errors import SimInputError
from sim.result import Result
from sim.sweep import summarise

METRICS = ("auc", "cmax", "final")
# The smallest Saltelli base sample this module reports without a warning. Assumed: the confidence
# half-widths shrink about as 1/sqrt(N) (Saltelli 2010, section 4), and below ~256 base samples they are
# commonly wider than the indices of a handful of parameters (what `sim sensitivity` then shows).
MIN_BASE_SAMPLES = 256
TARGET_HALF_WIDTH = 0.05  # what the sample-size advice aims at: +/-0.05, or half the index if larger


def sobol_indices(result: Result, output: str, metric: str = "auc", seed: int = 0) -> dict[str, np.ndarray]:
    """First-order (S1) and total-order (ST) indices with 95 % confidence half-widths, per swept key."""
    if result.attrs.get("sweep_method") != "sobol":
        raise SimInputError(f"sensitivity needs a sweep run with method = 'sobol' (this file: "
                            f"{result.attrs.get('sweep_method', 'not a sweep')!r})")
    metric = "cmax" if metric == "peak" else metric  # peak: the old name
    if metric not in METRICS:
        raise SimInputError(f"--metric must be one of {', '.join(METRICS)}, got {metric!r}")
    values = _metric_values(result, output, metric)
    names = json.loads(result.attrs["sweep_names"])
    base = int(result.attrs["sweep_base_samples"])
    if values.size != base * (len(names) + 2):
        raise SimInputError(f"sweep has {values.size} runs, expected {base * (len(names) + 2)} for a Saltelli design")
    if not np.isfinite(values).all():
        raise SimInputError(f"{output}: some runs failed or are missing (NaN); finish the sweep with --resume")
    from SALib.analyze import sobol

    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    res = sobol.analyze(problem, values, calc_second_order=False, seed=seed)
    return {"names": np.array(names), "S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"],
            "ST_conf": res["ST_conf"]}


def _metric_values(result: Result, output: str, metric: str) -> np.ndarray:
    summary_name = f"{output}.{metric}"
    if summary_name in result.outputs:
        return np.asarray(result[summary_name], dtype=float)
    if output not in result.outputs:
        from sim.errors import closest

        names = sorted({n.rsplit(".", 1)[0] if "." in n else n for n in result.outputs})
        raise SimInputError(f"--output-var: no output {output!r} in the sweep file; {closest(output, names)}")
    return summarise(np.asarray(result[output], dtype=float), result.time)[metric]


def design_warnings(indices: dict, result: Result) -> list[str]:
    """Lines to print when the indices cannot be read: intervals wider than the indices, negative
    first-order indices, a base sample below :data:`MIN_BASE_SAMPLES`; with the base sample size that
    would bring the half-widths to about :data:`TARGET_HALF_WIDTH` (half-width ~ 1/sqrt(N))."""
    base = int(result.attrs.get("sweep_base_samples", 0))
    k = len(indices["names"])
    out = []
    wide, need = [], base
    for i, name in enumerate(indices["names"]):
        for kind in ("S1", "ST"):
            value, conf = float(indices[kind][i]), float(indices[f"{kind}_conf"][i])
            target = max(TARGET_HALF_WIDTH, 0.5 * abs(value))
            if conf > max(abs(value), TARGET_HALF_WIDTH):
                wide.append(f"{name} {kind} {value:.2f} +/- {conf:.2f}")
            if conf > target and base > 0:
                need = max(need, int(np.ceil(base * (conf / target) ** 2)))
    if wide:
        out.append(f"the 95 % intervals are wider than the indices ({'; '.join(wide[:4])}"
                   f"{'; ...' if len(wide) > 4 else ''}): these indices are noise at {base} base samples")
    negative = [str(n) for n, v, c in zip(indices["names"], indices["S1"], indices["S1_conf"], strict=True)
                if v < -c]
    if negative:
        out.append(f"first-order indices below zero beyond their interval ({', '.join(negative)}): the design is too "
                   "small")
    if base < MIN_BASE_SAMPLES:
        out.append(f"{base} base samples is below the stated minimum of {MIN_BASE_SAMPLES} for Sobol indices")
    if base < MIN_BASE_SAMPLES:
        need = max(need, MIN_BASE_SAMPLES)
    if out and need > base:
        n = 2 ** int(np.ceil(np.log2(need)))  # Sobol sequences are balanced at powers of two
        out.append(f"with about {n} base samples ([sweep] samples = {n}: {n * (k + 2):,} runs) the half-widths "
                   f"would be about +/-{TARGET_HALF_WIDTH:g} (or half of each index)")
    return out


def format_table(indices: dict, output: str, metric: str) -> str:
    lines = [f"Sobol indices of {metric} of {output} (SALib; 95 % confidence half-widths)",
             f"{'parameter':<28} {'S1':>8} {'+/-':>7} {'ST':>8} {'+/-':>7}"]
    for i, name in enumerate(indices["names"]):
        lines.append(f"{name:<28} {indices['S1'][i]:8.3f} {indices['S1_conf'][i]:7.3f} "
                     f"{indices['ST'][i]:8.3f} {indices['ST_conf'][i]:7.3f}")
    return "\n".join(lines)


def plot(indices: dict, output: str, metric: str, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(indices["names"])
    y = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(7, 1.2 + 0.45 * len(names)))
    ax.barh(y - 0.2, indices["S1"], 0.4, xerr=indices["S1_conf"], label="first order (S1)", color="#1f4e9c")
    ax.barh(y + 0.2, indices["ST"], 0.4, xerr=indices["ST_conf"], label="total order (ST)", color="#7a9cd6")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlabel("Sobol index")
    ax.set_title(f"sensitivity of {metric} of {output}")
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
