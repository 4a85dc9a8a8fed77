"""``sim report``: one self-contained HTML file per result (docs/architecture.md).

The report holds the experiment as run (verbatim TOML, overrides), the figures (PNG embedded as base64
``data:`` URIs, so it opens offline and can be mailed as one file), a table of summary metrics (Cmax,
tmax and AUC of plasma MDMA and MDA, the CYP2D6 nadir, the peak fold change of each transmitter against
its value at t = 0), the dose table, optionally the ``sim validate`` rows that apply to the experiment,
and provenance (git commit, package versions, seed, creation time). Nothing in it loads from the network.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import numpy as np

from sim import plots
from sim.result import Result

# the protocol drug's plasma outputs (its library entry) and their short names
PK_OUTPUTS = tuple((name, plots.short_name(name)) for name in plots.DRUG_PLASMA)
COMEDICATIONS = ("citalopram", "fluoxetine", "paroxetine", "pindolol", "way100635")

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 1200px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
.note { color: #7a4b00; background: #fff6e0; padding: 0.5em 0.8em; border-radius: 4px; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #1a7f37; font-weight: 600; } .fail { color: #b3261e; font-weight: 600; }
figure { margin: 1em 0 2em; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.92em; }
"""


# ---- numbers ------------------------------------------------------------------------------------

def _auc(values: np.ndarray, time: np.ndarray) -> np.ndarray:
    return np.trapezoid(values, time, axis=-1)


def _fold_peak(values: np.ndarray) -> np.ndarray:
    base = values[:, :1]
    return np.max(np.divide(values, base, out=np.full_like(values, np.nan), where=base > 0), axis=1)


def per_run_metrics(result: Result) -> dict[str, tuple[np.ndarray, str]]:
    """Column name -> (per-run values, unit). From time courses, or from a sweep's stored summaries."""
    t = result.time
    cols: dict[str, tuple[np.ndarray, str]] = {}
    for name, short in PK_OUTPUTS:
        unit = result.units.get(name, result.units.get(f"{name}.cmax", "ng/mL"))
        if name in result.outputs and np.ndim(result[name]) == 2:
            v = np.asarray(result[name], dtype=float)
            cols[f"{short} Cmax"] = (v.max(axis=1), unit)
            cols[f"{short} tmax"] = (t[np.argmax(v, axis=1)], "h")
            cols[f"{short} AUC 0-{t[-1]:g} h"] = (_auc(v, t), f"{unit} x h")
        elif f"{name}.cmax" in result.outputs:
            cols[f"{short} Cmax"] = (np.asarray(result[f"{name}.cmax"], float), unit)
            cols[f"{short} tmax"] = (np.asarray(result[f"{name}.tmax"], float), "h")
            cols[f"{short} AUC 0-{t[-1]:g} h"] = (np.asarray(result[f"{name}.auc"], float), f"{unit} x h")
    if "cyp2d6_activity" in result.outputs and np.ndim(result["cyp2d6_activity"]) == 2:
        cols["CYP2D6 nadir"] = (np.asarray(result["cyp2d6_activity"], float).min(axis=1), "of baseline")
    for name in plots.TRANSMITTERS:
        if name in result.outputs and np.ndim(result[name]) == 2:
            cols[f"{plots.short_name(name)} peak"] = (_fold_peak(np.asarray(result[name], float)), "x value at t = 0")
        elif f"{name}.cmax" in result.outputs:
            cols[f"{plots.short_name(name)} peak"] = (np.asarray(result[f"{name}.cmax"], float),
                                                      result.units.get(f"{name}.cmax", ""))
    return cols


def metrics_table(result: Result, groups: list | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows: one row per arm (median over its runs if several; 5-95 % in brackets).
    ``groups``: the arms (:class:`sim.plots.Group`; default: those of :func:`sim.plots.groups_of`)."""
    cols = per_run_metrics(result)
    if not cols:
        return [], []
    has_series = bool(plots._series_names(result))
    if groups is None:
        groups = plots.groups_of(result) if has_series else [plots.Group("all runs", result, np.arange(result.n_runs))]
    header = ["runs"] + [f"{name} ({unit})" for name, (_, unit) in cols.items()]
    rows = []
    for g in groups:
        label = g.label or ("run 0" if g.runs.size == 1 else "all runs")
        row = [f"{label} (n = {g.runs.size})" if g.runs.size > 1 else label]
        undosed = _undosed(cols, g.runs)
        for name, (values, _) in cols.items():
            v = values[g.runs]
            row.append("no drug" if name.split(" ")[0] in undosed else _spread(v, v.size == 1))
        rows.append(row)
    return header, rows


def _undosed(cols: dict, runs: np.ndarray) -> set[str]:
    """Drugs (MDMA, MDA) whose plasma peak is nil in every run of an arm (a placebo arm): their Cmax, tmax
    and AUC say nothing, and are shown as 'no drug' instead of rounding noise."""
    out = set()
    for name, (values, _) in cols.items():
        short, _, what = name.partition(" ")
        if what == "Cmax" and np.all(np.abs(np.asarray(values, float)[runs]) < 1e-9):
            out.add(short)
    return out


TRIAL_COLUMNS = (("fear_response", "fear response", "1 = untreated"), ("bla_rate", "BLA", "Hz"),
                 ("cem_rate", "CeM", "Hz"))
MAX_TRIAL_ROWS = 60


def trials_table(result: Result, groups: list | None = None) -> tuple[list[str], list[list[str]]]:
    """The amygdala's probe trials: one row per trial (time in h), per arm its fear response (and, for one
    or two arms, the BLA and CeM cue rates); several runs in an arm: median [5-95 %]."""
    if "fear_response" not in result.trials:
        return [], []
    if groups is None:
        groups = plots.groups_of(result) if result.n_runs else []
    if not groups or len(groups) > plots.MAX_LINES:
        groups = [plots.Group("", result, np.arange(np.shape(result.trials["fear_response"])[0]))]
    columns = [c for c in TRIAL_COLUMNS if c[0] in result.trials][: 1 if len(groups) > 2 else 3]
    header = ["probe", "time (h)"]
    for g in groups:
        label = g.label or ("run 0" if g.runs.size == 1 else "all runs")
        header += [f"{label}: {name} ({unit})" if len(groups) > 1 else f"{name} ({unit})"
                   for _, name, unit in columns]
    time_h = np.nanmedian(np.asarray(result.trials["time_h"], float), axis=0)
    rows = []
    for k in range(min(time_h.size, MAX_TRIAL_ROWS)):
        row = [str(k), f"{time_h[k]:.4g}"]
        for g in groups:
            for key, _, _ in columns:
                v = np.asarray(result.trials[key], float)[g.runs, k]
                finite = v[np.isfinite(v)]
                row.append(_spread(v, v.size == 1 or finite.size == 0 or np.ptp(finite) == 0))
        rows.append(row)
    return header, rows


def _spread(v, single: bool) -> str:
    """One value, or the median [5th-95th percentile] of several."""
    if single:
        return f"{v[0]:.3g}"
    lo, med, hi = np.nanpercentile(v, [5, 50, 95])
    return f"{med:.3g} [{lo:.3g}-{hi:.3g}]"


def applicable_suites(result: Result, trial: bool = False) -> list[str]:
    """The ``sim validate`` suites whose targets concern what this experiment simulates (``trial``: a
    `sim trial` file: the pharmacology of its drug sessions and the trial outcome rows)."""
    if trial:
        from sim.validate import SUITES

        return [s for s in ("pk", "trial") if s in SUITES]
    names = set(result.outputs) | {n.rsplit(".", 1)[0] for n in result.outputs}
    drugs = set(np.asarray(result.events.get("drug", []), dtype=str))
    suites = []
    if plots.DRUG_PLASMA[:1] and plots.DRUG_PLASMA[0] in names:   # the protocol drug's PK rows
        suites.append("pk")
    if names & set(plots.TRANSMITTERS):
        suites.append("transmitters")
    if drugs & set(COMEDICATIONS):
        suites.append("interactions")
    for suite, outputs in (("oxytocin", {"plasma_oxytocin"}), ("physiology", {"heart_rate", "body_temperature"}),
                           ("amygdala", {"bla_rate", "fear_response"})):
        if names & outputs:
            suites.append(suite)
    from sim.validate import SUITES

    return [s for s in suites if s in SUITES]


# ---- virtual trials (`sim trial` files) ------------------------------------------------------------

def trial_context(result: Result, source: str) -> dict | None:
    """For a `sim trial` file: its outcomes, arm names (``/outcomes/arm`` attribute ``labels``) and one
    :class:`sim.plots.Group` per arm; None for any other file."""
    from sim.store import read_arm_labels, read_outcomes

    if not source or not Path(source).is_file():
        return None
    outcomes = read_outcomes(source)
    if "arm" not in outcomes or np.size(outcomes["arm"]) != result.n_runs:
        return None
    labels = read_arm_labels(source)
    arm = np.asarray(outcomes["arm"]).astype(int)
    groups = [plots.Group(labels.get(code, str(code)), result, np.nonzero(arm == code)[0])
              for code in sorted(set(arm.tolist()))]
    return {"outcomes": outcomes, "labels": labels, "groups": groups}


def trial_summary(result: Result, trial: dict) -> dict:
    """The stored outcome summary with intervals (attribute ``outcome_summary``), else computed now."""
    from sim import stats

    stored = result.attrs.get("outcome_summary")
    if stored:
        try:
            return json.loads(stored)
        except ValueError:
            pass
    return stats.trial_summary(trial["outcomes"], seed=int(result.attrs.get("seed", 0) or 0), labels=trial["labels"])


def _ci(pair, scale: float = 1.0, digits: int = 1) -> str:
    return "(" + ", ".join(f"{scale * v:.{digits}f}" for v in pair) + ")"


def trial_outcome_html(result: Result, trial: dict) -> str:
    """The per-arm outcome table with 95 % bootstrap intervals, and the between-arm effect."""
    s = trial_summary(result, trial)
    rows = []
    for name, a in s["arms"].items():
        rows.append([name, str(a["n"]), f"{a['change_mean']:.1f} {_ci(a['change_ci'])}", f"{a['change_sd']:.1f}",
                     f"{100 * a['no_diagnosis']:.0f} % {_ci(a['no_diagnosis_ci'], 100, 0)}",
                     f"{100 * a['drop_10']:.0f} % {_ci(a['drop_10_ci'], 100, 0)}"])
    table = _table(["arm", "N", "CAPS-5 change, mean (95 % CI)", "SD", "no longer meeting the diagnosis (95 % CI)",
                    ">= 10-point drop (95 % CI)"], rows)
    effect = "".join(f"<p>Advantage of {_e(name)} over {_e(s['reference_arm'])}: "
                     f"{c['difference']:.1f} CAPS-5 points {_ci(c['difference_ci'])}; Cohen's d {c['cohens_d']:.2f} "
                     f"{_ci(c['cohens_d_ci'], 1.0, 2)}.</p>" for name, c in s.get("comparisons", {}).items())
    return ("<h2>Trial outcome</h2><p>CAPS-5-like change from baseline at follow-up per arm. Intervals: "
            f"{100 * s['confidence']:.0f} % bootstrap ({_e(s['method'])}): what another virtual trial of the same "
            "size could show. The outcome mapping is calibration, not mechanism; read these numbers as hypotheses, "
            "not predictions.</p>" + table + effect)


def _arm_result(result: Result, runs: np.ndarray, label: str = "", keep_events: bool = True) -> Result:
    """The runs of one arm as a result of their own (dose rows renumbered), titled by the arm."""
    import dataclasses

    n = result.n_runs

    def rows(d):
        return {k: np.asarray(v)[runs] if np.ndim(v) >= 1 and np.shape(v)[0] == n else v for k, v in d.items()}

    events = dict(result.events)
    if "run" in events:
        keep = np.isin(np.asarray(events["run"], int), runs)
        renumber = np.full(n, -1)
        renumber[runs] = np.arange(runs.size)
        events = {k: np.asarray(v)[keep] for k, v in events.items()}
        events["run"] = renumber[np.asarray(events["run"], int)]
    status = None if result.status is None else np.asarray(result.status)[runs]
    attrs = {**result.attrs, "experiment_name": f"{label} arm" if label else result.attrs.get("experiment_name", "")}
    return dataclasses.replace(result, outputs=rows(result.outputs), params=rows(result.params), status=status,
                               events=events if keep_events else {}, trials=rows(result.trials), attrs=attrs)


SESSION_OUTPUTS = (*plots.DRUG_PLASMA, "cyp2d6_activity", "ec_serotonin", "ec_dopamine", "ec_norepinephrine",
                   "plasma_oxytocin")


def trial_figures(result: Result, trial: dict) -> list[tuple[str, object]]:
    """The trial figure, then the first drug session's pharmacology with the arms side by side."""
    out = [("The virtual trial: CAPS-5-like course per arm and the shares of responders; outcomes are hypotheses "
            "from a calibrated mapping.", plots.trial(result, trial["outcomes"]))]
    # the dose table holds every session's doses on the trial's own clock (days): the session figure leaves it out
    arms = [(g.label, _arm_result(result, g.runs, g.label, keep_events=False)) for g in trial["groups"] if g.runs.size]
    if plots._series_names(result) and len(arms) > 1:
        out.append(("The first drug session, arm by arm (line style: arm; median and 5-95 % band across the arm's "
                    "patients; time from the session's start, doses as in the protocol): plasma drug levels, liver "
                    "CYP2D6, extracellular transmitters and oxytocin.",
                    plots.compare([r for _, r in arms], [label for label, _ in arms], outputs=SESSION_OUTPUTS)))
    return out


# ---- figures ------------------------------------------------------------------------------------

def figures(result: Result) -> list[tuple[str, object]]:
    """(caption, matplotlib figure) for every kind that fits this file (:func:`sim.plots.suggested_kinds`)."""
    out = []
    for kind in plots.suggested_kinds(result):
        if kind == "cascade":
            arms = " Line styles tell the arms apart." if len(plots.groups_of(result)) > 1 else ""
            out.append(("The cascade: doses, plasma drug levels, liver CYP2D6, extracellular transmitters (as "
                        "multiples of their value at t = 0) and, where the model has them, oxytocin, receptor "
                        "occupancies, physiology and amygdala output, on one time axis." + arms,
                        plots.cascade(result)))
        elif kind == "cohort":
            out.append((f"The cohort: median, 5-95 % band and a few individual subjects of {result.n_runs} runs, in "
                        "absolute units.", plots.cohort(result)))
        elif kind == "dose-response":
            out.append(("Dose-response: each run's peak (dots) against the varied dose or first swept quantity, with "
                        "the median and 5-95 % band across runs.", plots.dose_response(result)))
        elif kind == "amygdala" and plots.has_spikes(result):
            out.append(("The amygdala (spiking network): the fear response to each trauma-cue probe (CeM output, 1 = "
                        "the untreated conditioned response) and, for the lettered probes, a spike raster of the "
                        "recorded cells grouped and coloured by population with their population rates in 40-ms "
                        "bins, on time from cue onset (shaded: the cue).", plots.amygdala(result)))
        elif kind == "amygdala":
            out.append(("The amygdala's trauma-cue probe trials: fear response (CeM output, 1 = the untreated "
                        "conditioned response) and the BLA and CeM rates during the cue, against probe time.",
                        plots.amygdala(result)))
    return out


def _png_data_uri(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=plots.DPI)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


# ---- HTML ---------------------------------------------------------------------------------------

def _e(value) -> str:
    return html.escape(str(value))


def _table(header: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td{" class=num" if i >= numeric_from else ""}>{_e(c)}</td>'
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _header_comment(toml_text: str) -> str:
    lines = []
    for line in toml_text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(lines).strip()


def _dose_rows(result: Result) -> list[list[str]]:
    ev = result.events
    if "time_h" not in ev:
        return []
    keys = list(zip(np.asarray(ev["time_h"], float), np.asarray(ev["drug"], str), np.asarray(ev["route"], str),
                    strict=True))
    amounts = np.asarray(ev.get("amount_mg", np.full(len(keys), np.nan)), float)
    rows = []
    for key in dict.fromkeys(keys):
        mg = amounts[[k == key for k in keys]]
        text = f"{mg[0]:g}" if np.ptp(mg) == 0 else f"{np.min(mg):g}-{np.max(mg):g} (varies by run)"
        rows.append([f"{key[0]:g}", key[1], key[2], text])
    return rows


def _validation_html(suites: list[str]) -> str:
    from sim.validate import evaluate

    rows = []
    for t, value, ok in evaluate(suites):
        band = f"{t.low:g}-{t.high:g}" if np.isfinite(t.high) else f">= {t.low:g}"
        rows.append((t.suite, t.quantity, f"{value:.3g}", t.published, band, t.unit, ok,
                     "fitted" if t.fitted else "out-of-sample", t.source))
    head = "".join(f"<th>{h}</th>" for h in ("suite", "quantity", "simulated", "published", "band", "unit", "",
                                             "fit", "source"))
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r[:6])
        + (f'<td class="{"pass" if r[6] else "fail"}">{"PASS" if r[6] else "FAIL"}</td>')
        + "".join(f"<td>{_e(c)}</td>" for c in r[7:]) + "</tr>" for r in rows)
    passed = sum(r[6] for r in rows)
    return (f"<p>{passed} of {len(rows)} targets within their bands (suites: {_e(', '.join(suites))}). These rows "
            "test the model against published studies; they are computed by fresh runs, not from this file.</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def render(result: Result, *, source: str = "", validate: bool = False, suites: list[str] | None = None) -> str:
    """The report as one HTML string."""
    a = result.attrs
    name = a.get("experiment_name", "") or Path(source).stem or "result"
    toml_text = a.get("experiment_toml", "") or ""
    parts = [f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{_e(name)}: neuropharm-sim "
             f"report</title><style>{CSS}</style></head><body>",
             f"<h1>{_e(name)}</h1>",
             f"<p>{result.n_runs} run(s), {result.time.size} time points from 0 to {result.time[-1]:g} h, species "
             f"{_e(a.get('species', '?'))}. File: <code>{_e(source)}</code>.</p>",
             '<p class="note">neuropharm-sim is a research and teaching simulator. It is not clinical guidance, it '
             "has not been validated for any clinical decision, and nothing in this report is a dosing "
             "recommendation.</p>"]
    comment = _header_comment(toml_text)
    if comment:
        parts.append(f"<h2>What this experiment shows</h2><p>{_e(comment)}</p>")
    failed = int((np.asarray(result.status) != 0).sum()) if result.status is not None else 0
    if failed:
        parts.append(f'<p class="fail">{failed} of {result.n_runs} runs did not finish (solver status in '
                     "/solver/status); they are left out of the figures and are NaN in the tables.</p>")
    drawn = plots.without_failed_runs(result)
    if drawn is not result:
        import warnings

        warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)  # the failed runs are NaN
    trial = trial_context(result, source)
    groups = trial["groups"] if trial else None
    if trial:
        parts.append(trial_outcome_html(result, trial))

    parts.append("<h2>Figures</h2>")
    shown = trial_figures(drawn, trial) if trial else figures(drawn)
    for k, (caption, fig) in enumerate(shown, start=1):
        parts.append(f'<figure><img src="{_png_data_uri(fig)}" alt="figure {k}: {_e(caption)}">'
                     f"<figcaption>Figure {k}. {_e(caption)}</figcaption></figure>")

    header, rows = metrics_table(drawn, groups)
    if rows:
        scope = (" Per arm, never pooled across arms; the time courses are those of the first drug session."
                 if trial else "")
        parts.append("<h2>Summary metrics</h2><p>Cmax and tmax: the highest plasma concentration and when it "
                     f"occurs; AUC: area under the plasma curve over the whole run (0-{result.time[-1]:g} h, "
                     "trapezoids); transmitter peaks: the highest extracellular level as a multiple of its value at "
                     f"t = 0. Several runs in one arm: median [5-95 %].{scope}</p>" + _table(header, rows))
    header, rows = trials_table(result, groups)
    if rows:
        n_trials = np.shape(result.trials["time_h"])[1]
        more = f" The first {len(rows)} of {n_trials} trials are listed." if n_trials > len(rows) else ""
        parts.append("<h2>Probe trials (amygdala)</h2><p>The trauma cue presented to the amygdala at each probe: "
                     "fear response (CeM output during the cue, 1 = the untreated conditioned response) and the BLA "
                     "principal-cell and CeM rates during the cue (in /trials of the file)." + more + "</p>"
                     + _table(header, rows, numeric_from=1))
    doses = _dose_rows(result)
    if doses:
        parts.append("<h2>Doses</h2>" + _table(["time (h)", "drug", "route", "amount (mg)"], doses))

    parts.append("<h2>Validation</h2>")
    chosen = suites if suites is not None else applicable_suites(result, trial=bool(trial))
    if validate and chosen:
        parts.append(_validation_html(chosen))
    elif validate:
        parts.append("<p>No validation suite applies to the outputs of this file.</p>")
    else:
        parts.append(f"<p>Left out of this report (<code>--no-validate</code>). The suites that apply here: <code>"
                     f"{_e(', '.join(chosen) or 'none')}</code>; run <code>sim validate {_e(' '.join(chosen))}</code>."
                     "</p>")

    parts.append("<h2>The experiment as run</h2>")
    overrides = a.get("overrides", "{}")
    if overrides not in ("{}", "", None):
        parts.append(f"<p>Overrides (<code>--set</code>): <code>{_e(overrides)}</code></p>")
    parts.append(f"<pre>{_e(toml_text) or '(no experiment text stored)'}</pre>")

    prov = [["created", a.get("created", "")], ["git commit", a.get("git_commit", "")], ["seed", a.get("seed", "")],
            ["experiment file", a.get("experiment_path", "")], ["solver", a.get("solver", "")],
            ["solver steps (all runs)", a.get("solver_steps_total", "")]]
    try:
        versions = json.loads(a.get("package_versions") or "{}")
    except ValueError:
        versions = {}
    prov += [[f"version: {k}", v] for k, v in sorted(versions.items())]
    if "sweep_method" in a:
        prov.append(["sweep", f"{a['sweep_method']} over {a.get('sweep_names', '')}"])
    from sim import provenance

    prov.append(["report made", f"{provenance.now_utc()} with neuropharm-sim "
                                f"{provenance.package_versions().get('neuropharm-sim', '?')}"])
    parts.append("<h2>Provenance</h2>" + _table(["", ""], [[k, str(v)] for k, v in prov if v != ""], numeric_from=9))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(result: Result, path, *, source: str = "", validate: bool = False,
                 suites: list[str] | None = None) -> Path:
    """Write the report for ``result`` to ``path`` (HTML); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = render(result, source=str(source), validate=validate, suites=suites)
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
