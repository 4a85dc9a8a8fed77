"""Figures from results (``sim plot --kind KIND``). Colours are fixed per quantity so every figure reads the
same way: a transmitter, a drug or a receptor has one colour in every kind; line *styles* tell runs, arms
or files apart.

Kinds
-----
- :func:`timecourse`: chosen outputs, one panel each (median and 5-95 % band for a cohort).
- :func:`cascade`: the causal chain on one time axis: doses -> plasma drug -> CYP2D6 -> extracellular
  transmitters -> oxytocin, receptors, physiology, amygdala (panels only for outputs the file has).
- :func:`compare`: two or more result files (or the arms of one file) overlaid on the cascade panels.
- :func:`cohort`: median, 5-95 % band and a few individual subjects per output.
- :func:`dose_response`: a per-run summary metric against a swept (or cycled) parameter, with the
  spread across runs.
- :func:`amygdala`: the per-trial amygdala summaries of ``[amygdala]`` probe trials (fear response,
  BLA and CeM rates) against probe time, per arm, with the doses above; for a spiking run whose file
  holds spikes (/amygdala/spikes), the fear response per probe and, for up to four recorded probe
  trials side by side, a raster of the recorded cells grouped and coloured by population and their
  binned population rates (Hz) on time from cue onset, the cue shaded.

Every function takes :class:`~sim.result.Result` objects, returns the figure and saves it to ``path``
(.png, .svg or .pdf) when given. Figures are sized and lettered for a lecture slide.

Reading at a glance: units are printed as written by hand (:func:`unit_text`: "µM", "°C"; files keep the
pint-parseable "uM", "degC"); heart rate and blood pressure each have their own axis; quantities that share a
panel have colours that stay apart under simulated colour-blind vision (deutan, protan and tritan, checked in
tests/test_plots.py with colorspacious; the colours come from the Okabe-Ito and Tol palettes); legends stay
inside the canvas.
"""

from __future__ import annotations

import json
import re
import tomllib
import zlib
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter, MultipleLocator  # noqa: E402

from sim.kinetics.drugs import DEFAULT_DRUG, LIBRARY  # noqa: E402
from sim.result import Result  # noqa: E402

# a drug's outputs (plasma, brain) take the colours of its library entry (``Drug.display``)
COLOURS = {
    **{name: c for drug in LIBRARY.values() for name, (_, c) in drug.display.items()},
    # one colour per transmitter, everywhere (extracellular, vesicular, cytosolic, synthesis enzyme)
    "ec_serotonin": "#D55E00", "ec_dopamine": "#000000", "ec_norepinephrine": "#33BBEE",
    "plasma_oxytocin": "#882255",
    "cyp2d6_activity": "#009E73",
    # physiology and amygdala
    "heart_rate": "#CC3311", "systolic_bp": "#0072B2", "body_temperature": "#E69F00",
    "bla_rate": "#1b7837", "cem_rate": "#5aae61", "fear_response": "#40004b",
    # receptors: the key six (drawn together in the cascade) and those the explorer draws together stay apart
    # under colour-blind vision; 5-HT1A red, OXTR wine as its hormone
    "occupancy_5ht1a": "#CC3311", "occupancy_5ht2a": "#E69F00", "occupancy_d2": "#56B4E9",
    "occupancy_alpha2": "#0072B2", "occupancy_beta1": "#000000", "occupancy_oxtr": "#882255",
    "occupancy_alpha1": "#44AA99", "occupancy_5ht1b": "#EE6677", "occupancy_5ht2c": "#AA3377",
    "occupancy_d1": "#CCBB44", "occupancy_beta2": "#777777", "occupancy_beta": "#000000",
}
# the receptors shown in the cascade when the file has them (all of them would crowd one panel)
KEY_RECEPTORS = ("occupancy_5ht1a", "occupancy_5ht2a", "occupancy_d2", "occupancy_alpha2", "occupancy_beta1",
                 "occupancy_oxtr")
_TRANSMITTER_OF = {"serotonin": "ec_serotonin", "dopamine": "ec_dopamine", "norepinephrine": "ec_norepinephrine"}
# drugs given as doses (dose panel markers) share their plasma colour
DRUG_COLOURS = {**{d: COLOURS[f"plasma_{d}"] for d in LIBRARY if f"plasma_{d}" in COLOURS}, "placebo": "#999999"}
_FALLBACK = ("#1b9e77", "#d95f02", "#7570b3", "#66a61e", "#e6ab02", "#a6761d", "#666666", "#17becf")
SHORT = {"ec_serotonin": "5-HT", "ec_dopamine": "DA", "ec_norepinephrine": "NE", "cyp2d6_activity": "CYP2D6",
         "bla_rate": "BLA", "cem_rate": "CeM", "plasma_oxytocin": "oxytocin",
         **{name: short for drug in LIBRARY.values() for name, (short, _) in drug.display.items()}}
TRANSMITTERS = ("ec_serotonin", "ec_dopamine", "ec_norepinephrine")
# the protocol drug's own PK outputs (its library entry's key_outputs) lead the default figures
DEFAULT_TIMECOURSE = LIBRARY[DEFAULT_DRUG].key_outputs
DRUG_PLASMA = tuple(n for n in DEFAULT_TIMECOURSE if n.startswith("plasma_"))
COHORT_OUTPUTS = (*DRUG_PLASMA, "cyp2d6_activity", *TRANSMITTERS, "plasma_oxytocin", "heart_rate",
                  "systolic_bp", "body_temperature", "fear_response")
# outputs of drugs whose PK is a mechanism of their own: panels of their own, not the co-medication panel
OWN_PK_OUTPUTS = frozenset({f"plasma_{d}" for d, drug in LIBRARY.items() if drug.pk_mechanism != "generic"}
                           | {n for drug in LIBRARY.values() for n in drug.key_outputs})
LINESTYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 2)), (0, (1, 3)), (0, (3, 2, 1, 2)))
MAX_LINES = 8  # more runs than this (in one arm) are drawn as median and 5-95 % band

# lecture-slide lettering: 12-13 pt text at 100 % on a 10-inch-wide figure
STYLE = {"font.size": 12, "axes.labelsize": 12, "axes.titlesize": 13, "xtick.labelsize": 11,
         "ytick.labelsize": 11, "legend.fontsize": 11, "figure.titlesize": 14, "lines.linewidth": 2.2,
         "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3,
         "svg.fonttype": "none"}
DPI = 110


def colour(name: str) -> str:
    """The fixed colour of an output (a stable fallback for names without one)."""
    if name in COLOURS:
        return COLOURS[name]
    for transmitter, ec in _TRANSMITTER_OF.items():
        if transmitter in name:
            return COLOURS[ec]
    return _FALLBACK[zlib.crc32(name.encode()) % len(_FALLBACK)]


_MICRO = re.compile(r"(?<![A-Za-z])u(?=(M|mol|g|L|m|s)(?![A-Za-z]))")


def unit_text(unit: str) -> str:
    """A unit as written by hand: "uM" -> "µM", "umol" -> "µmol", "degC" -> "°C", "1/min" -> "per min" (labels
    only; files keep the pint-parseable spelling)."""
    unit = _MICRO.sub("µ", str(unit)).replace("degC", "°C")
    return "per min" if unit == "1/min" else unit


def short_name(name: str) -> str:
    if name in SHORT:
        return SHORT[name]
    if name.startswith("occupancy_"):
        receptor = name.removeprefix("occupancy_")
        if receptor.startswith("5ht"):
            return "5-HT" + receptor[3:].upper()
        if receptor[0] == "d" and receptor[1:].isdigit() or receptor == "oxtr":
            return receptor.upper()
        return receptor
    if name.startswith("plasma_"):
        return name.removeprefix("plasma_")
    if name in ("heart_rate", "systolic_bp", "body_temperature"):
        return {"heart_rate": "heart rate", "systolic_bp": "systolic BP", "body_temperature": "temperature"}[name]
    return name.replace("_", " ")


# ---- what the file holds ------------------------------------------------------------------------

@dataclass
class Group:
    """Runs of one result drawn as one line (or median and band): a file, an arm or a single run."""

    label: str
    result: Result
    runs: np.ndarray
    style: object = "-"


def _series_names(result: Result) -> list[str]:
    return [n for n, v in result.outputs.items() if np.ndim(v) == 2]


def _require_timecourses(result: Result, kind: str, source: str = "") -> None:
    if not _series_names(result):
        where = f"{source}: " if source else ""
        raise ValueError(f"{where}the file holds only per-run summaries (a summaries-only sweep), no time courses; "
                         f"--kind {kind} needs time courses: use --kind dose-response")


def _experiment_table(result: Result) -> dict:
    text = result.attrs.get("experiment_toml") or ""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}


def _describe(key: str, value, table: dict) -> str:
    parts = key.split(".")
    doses = table.get("dose", [])
    if len(parts) == 3 and parts[0] == "dose" and parts[1].isdigit() and int(parts[1]) < len(doses):
        k = int(parts[1])
        drug = doses[k].get("drug", "drug")
        same = [j for j, d in enumerate(doses) if d.get("drug") == drug]
        unit = "mg/kg" if parts[2] == "amount_mg_per_kg" else "mg" if parts[2] == "amount_mg" else parts[2]
        amount = f"{value:.3g} {unit}" if isinstance(value, int | float) else str(value)
        if len(same) > 1 and k != same[0]:  # a later dose of a drug given before: name it by its place
            nth = same.index(k) + 1
            ordinal = {2: "2nd", 3: "3rd"}.get(nth, f"{nth}th")
            return f"{ordinal} {drug} dose: " + ("none" if amount.startswith("0 ") else amount)
        if isinstance(value, int | float) and value == 0:
            return f"no {drug}"
        return f"{drug} {amount}"
    if key == "cyp2d6":
        return f"{value} metaboliser"
    return f"{key} = {value:g}" if isinstance(value, int | float) else f"{key} = {value}"


def run_labels(result: Result) -> list[str] | None:
    """One label per run from the experiment's ``cycle`` variations (dose arms, phenotypes), else None."""
    table = _experiment_table(result)
    vary = table.get("cohort", {}).get("vary", {})
    cycles = {k: v["values"] for k, v in vary.items() if isinstance(v, dict) and v.get("dist") == "cycle"
              and v.get("values")}
    if not cycles:
        return None
    # several cycled doses of one drug (a daily regimen on or off) are labelled by the first of them
    doses, seen = table.get("dose", []), set()
    for key in list(cycles):
        parts = key.split(".")
        if parts[0] == "dose" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(doses):
            drug = doses[int(parts[1])].get("drug")
            if drug in seen:
                del cycles[key]
            seen.add(drug)
    labels = []
    for i in range(result.n_runs):
        parts = []
        for key, values in cycles.items():
            text = _describe(key, values[i % len(values)], table)
            if text not in parts:
                parts.append(text)
        labels.append(", ".join(parts))
    return labels


def groups_of(result: Result, label: str = "", split: bool = True) -> list[Group]:
    """Arms of one file: runs with the same cycle label together; a plain cohort is one group."""
    n = result.n_runs
    labels = run_labels(result) if split else None
    if labels is None:
        if split and 1 < n <= MAX_LINES:
            return [Group(f"{label} run {i}".strip(), result, np.array([i])) for i in range(n)]
        return [Group(label, result, np.arange(n))]
    order = list(dict.fromkeys(labels))
    return [Group(f"{label} {lab}".strip() if label else lab, result,
                  np.array([i for i in range(n) if labels[i] == lab])) for lab in order]


def _styled(groups: list[Group]) -> list[Group]:
    for k, g in enumerate(groups):
        g.style = LINESTYLES[k % len(LINESTYLES)]
    return groups


# ---- drawing helpers ----------------------------------------------------------------------------

def _time_axis(ax, t_max: float) -> None:
    """Ticks on whole hours that divide a day (1, 2, 3, 6, 12, 24 h ...), at most about nine of them; runs
    longer than four days are labelled in days."""
    step = next((s for s in (0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 72, 168, 336, 672) if t_max / s <= 9), t_max / 8)
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.set_xlim(0.0, t_max)
    if t_max > 96.0:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda h, _: f"{h / 24.0:g}"))
        ax.set_xlabel("time since start (days)")
    else:
        ax.set_xlabel("time since start (h)")


def _draw(ax, g: Group, data: np.ndarray, c: str, label: str | None = None, traces: int = 0) -> Line2D:
    """One group's runs of one output: a line per run if few, else median and 5-95 % band."""
    t = g.result.time
    rows = np.asarray(data, dtype=float)[g.runs]
    if rows.shape[0] == 1:
        (line,) = ax.plot(t, rows[0], color=c, linestyle=g.style, label=label)
        return line
    lo, med, hi = np.nanpercentile(rows, [5, 50, 95], axis=0)
    ax.fill_between(t, lo, hi, color=c, alpha=0.18, linewidth=0)
    if traces:
        pick = np.random.default_rng(0).choice(rows.shape[0], size=min(traces, rows.shape[0]), replace=False)
        for i in pick:
            ax.plot(t, rows[i], color=c, linewidth=0.6, alpha=0.45)
    (line,) = ax.plot(t, med, color=c, linestyle=g.style, label=label)
    return line


def _fold(data: np.ndarray) -> np.ndarray:
    data = np.asarray(data, dtype=float)
    base = data[:, :1]
    return np.divide(data, base, out=np.full_like(data, np.nan), where=base > 0)


def _change(data: np.ndarray) -> np.ndarray:
    data = np.asarray(data, dtype=float)
    return data - data[:, :1]


def _legend_right(ax, handles=None, title=None) -> None:
    kw = {"handles": handles} if handles is not None else {}
    ax.legend(**kw, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, title=title,
              handlelength=2.6)


def _arms_legend(fig, handles, title: str) -> None:
    """The arms' (or files') legend above the panels, in as many columns (at most 3) as fit the canvas:
    about 0.55 em per character and 9 characters for the line sample; longer names wrap."""
    import textwrap

    chars = fig.get_figwidth() * 72.0 / (0.55 * plt.rcParams["legend.fontsize"]) - 4
    for h in handles:
        h.set_label(textwrap.fill(h.get_label(), int(chars - 10)))
    longest = max(max(len(line) for line in h.get_label().splitlines()) for h in handles)
    ncol = max(1, min(len(handles), 3, int(chars // (longest + 9))))
    title_chars = int(fig.get_figwidth() * 72.0 / (0.55 * 14) - 4)
    title = "\n".join(textwrap.fill(line, title_chars) for line in title.splitlines())
    fig.legend(handles=handles, loc="outside upper center", ncol=ncol, frameon=False, handlelength=3.0,
               title=title, title_fontsize=14)


def _save(fig, path):
    if path is not None:
        fig.savefig(path, dpi=DPI)
        plt.close(fig)
    return fig


def _dose_rows(groups: list[Group]):
    """Per row (a drug, or an arm when there are several): [(time_h, drug, amount text)]."""
    rows: dict[str, list] = {}
    for g in groups:
        ev = g.result.events
        if "time_h" not in ev or len(ev["time_h"]) == 0:
            continue
        runs = np.asarray(ev.get("run", np.zeros(len(ev["time_h"]), int)))
        keep = np.isin(runs, g.runs)
        times, drugs = np.asarray(ev["time_h"])[keep], np.asarray(ev["drug"])[keep]
        amounts = np.asarray(ev.get("amount_mg", np.full(keep.sum(), np.nan)), dtype=float)[keep]
        # doses written per kg in the experiment are shown per kg (the file stores mg)
        per_kg = {d.get("drug") for d in _experiment_table(g.result).get("dose", []) if "amount_mg_per_kg" in d}
        weight = g.result.params.get("pk.body_weight_kg")
        for drug in dict.fromkeys(drugs):
            unit = "mg"
            if drug in per_kg and weight is not None:
                amounts = np.where(drugs == drug, amounts / np.asarray(weight, dtype=float)[runs[keep]], amounts)
                unit = "mg/kg"
            for time_h in np.unique(times[drugs == drug]):
                mg = amounts[(drugs == drug) & (times == time_h)]
                mg = np.unique([float(f"{m:.3g}") for m in mg[mg > 0]])
                if mg.size == 0:
                    continue
                text = "/".join(f"{m:g}" for m in mg) + f" {unit}"
                if mg.size > 3:
                    text = f"{mg.min():g}-{mg.max():g} {unit}"
                row = g.label if len(groups) > 1 else drug
                rows.setdefault(row, []).append((float(time_h), str(drug), text))
    return rows


def _stacked_axes(heights, pad_in, groups, t_max, show_doses):
    """A column of panels sharing the time axis (``heights`` in inches, plus ``pad_in``); the first holds
    the dose strip when ``show_doses``. Returns the figure and the remaining axes."""
    fig, axes = plt.subplots(len(heights), 1, sharex=True, figsize=(11, pad_in + sum(heights)),
                             height_ratios=heights, layout="constrained", squeeze=False)
    axes = list(axes[:, 0])
    if show_doses:
        _dose_panel(axes.pop(0), groups, t_max)
    return fig, axes


def _dose_panel(ax, groups: list[Group], t_max: float) -> None:
    rows = _dose_rows(groups)
    names = list(rows)
    drugs_seen = {}
    for y, name in enumerate(names):
        last_x, last_len, prev_side = -np.inf, 0, 1
        for time_h, drug, text in sorted(rows[name]):
            c = DRUG_COLOURS.get(drug, colour("plasma_" + drug))
            ax.plot([time_h], [y], marker="v", markersize=11, color=c, linestyle="none", clip_on=False)
            drugs_seen[drug] = c
            label = text if len(groups) == 1 or len({d for _, d, _ in rows[name]}) == 1 else f"{drug} {text}"
            # about 8.5 px per character on an axis about 700 px wide: stagger labels that would touch
            close = time_h - last_x < (8.5 * last_len + 14.0) / 700.0 * t_max
            side = -prev_side if close else 1
            # above the marker, or beside it when the previous label above would be in the way
            ax.annotate(label, (time_h, y), xytext=(5, 9) if side > 0 else (9, -1), textcoords="offset points",
                        fontsize=10, color=c, va="center", annotation_clip=False)
            prev_side = side
            last_x, last_len = time_h, len(label)
    ax.set_yticks(range(len(names)), [n if len(n) <= 28 else n[:26] + "..." for n in names])
    ax.set_ylim(-0.75, len(names) - 0.25)
    ax.grid(axis="y", visible=False)
    ax.set_title("doses", loc="left", fontsize=12)
    if len(groups) > 1:
        handles = [Line2D([], [], marker="v", color=c, linestyle="none", markersize=9, label=d)
                   for d, c in drugs_seen.items()]
        _legend_right(ax, handles)


# ---- panel plans --------------------------------------------------------------------------------

@dataclass
class Panel:
    names: list[str]
    ylabel: str
    fold: bool = False
    title: str = ""
    change: bool = False  # drawn as the difference from the value at t = 0


def cascade_panels(results: list[Result]) -> list[Panel]:
    """Which panels the cascade has, in causal order, given the outputs of ``results`` (union)."""
    have = set()
    units, longs = {}, {}
    for r in results:
        have |= set(_series_names(r))
        units.update(r.units)
        longs.update(r.long_names)
    panels = []
    for k, name in enumerate(n for n in DRUG_PLASMA if n in have):   # the protocol drug, then its metabolites
        panels.append(Panel([name], "ng/mL", title=f"plasma {short_name(name)}" + (" (metabolite)" if k else "")))
    # co-medications are the library's drugs with generic PK (not hormones)
    comed = sorted(n for n in have if n.startswith("plasma_") and n.removeprefix("plasma_") in LIBRARY
                   and n not in OWN_PK_OUTPUTS)
    if comed:
        panels.append(Panel(comed, "ng/mL", title="plasma " + (short_name(comed[0]) if len(comed) == 1
                                                              else "co-medications")))
    if "cyp2d6_activity" in have:
        panels.append(Panel(["cyp2d6_activity"], "fraction of baseline", title="liver CYP2D6 activity"))
    tx = [n for n in TRANSMITTERS if n in have]
    if tx:
        panels.append(Panel(tx, "x value at t = 0", fold=True, title="extracellular transmitters (forebrain)"))
    if "plasma_oxytocin" in have:
        panels.append(Panel(["plasma_oxytocin"], units.get("plasma_oxytocin", "pg/mL"), title="plasma oxytocin"))
    occ = [n for n in KEY_RECEPTORS if n in have] or sorted(n for n in have if n.startswith("occupancy_"))[:6]
    if occ:
        panels.append(Panel(occ, "fraction", title="receptor occupancy by transmitters and drugs"))
    if "heart_rate" in have:  # heart rate and blood pressure on axes of their own
        panels.append(Panel(["heart_rate"], units.get("heart_rate", "bpm"), change=True, title="heart rate, change"))
    if "systolic_bp" in have:
        panels.append(Panel(["systolic_bp"], units.get("systolic_bp", "mmHg"), change=True,
                            title="systolic blood pressure, change"))
    if "body_temperature" in have:
        panels.append(Panel(["body_temperature"], units.get("body_temperature", "degC"),
                            change=True, title="body temperature, change"))
    amy = [n for n in ("bla_rate", "cem_rate") if n in have]
    if amy:
        panels.append(Panel(amy, "Hz", title="amygdala output (population rate)"))
    if "fear_response" in have:
        panels.append(Panel(["fear_response"], "1 = untreated", title="fear response to the trauma cue"))
    return panels


def _panel_legend_label(name: str, panel: Panel, groups: list[Group]) -> str:
    label = short_name(name)
    if panel.change:
        base = np.nanmedian(np.asarray(groups[0].result[name], dtype=float)[groups[0].runs, 0])
        return f"{label} ({base:.3g} {unit_text(groups[0].result.units.get(name, ''))} at t = 0)"
    if panel.fold:
        base = [np.nanmedian(np.asarray(g.result[name], dtype=float)[g.runs, 0]) for g in groups
                if name in g.result.outputs]
        unit = unit_text(groups[0].result.units.get(name, ""))
        if base:
            label += f" ({base[0]:.3g} {unit} at t = 0)"
    return label


def _stacked(groups: list[Group], panels: list[Panel], title: str, *, traces: int = 0, doses: bool = True):
    t_max = max(float(g.result.time[-1]) for g in groups)
    n_dose_rows = len(_dose_rows(groups)) if doses else 0
    show_doses = n_dose_rows > 0
    panel_h = 2.0 if len(panels) <= 6 else 1.6
    heights = ([0.45 + 0.5 * n_dose_rows] if show_doses else []) + [panel_h] * len(panels)
    with plt.rc_context(STYLE):
        fig, axes = _stacked_axes(heights, 0.9, groups, t_max, show_doses)
        for ax, panel in zip(axes, panels, strict=True):
            for name in panel.names:
                for g in groups:
                    if name not in g.result.outputs:
                        continue
                    data = (_fold(g.result[name]) if panel.fold else _change(g.result[name]) if panel.change
                            else g.result[name])
                    _draw(ax, g, data, colour(name), traces=traces)
            ax.set_ylabel("fraction" if panel.ylabel == "1" else unit_text(panel.ylabel))
            ax.set_title(panel.title, loc="left", fontsize=12)
            if panel.fold:
                ax.axhline(1.0, color="0.4", linewidth=0.8, linestyle=(0, (2, 2)))
            if panel.change:
                ax.axhline(0.0, color="0.4", linewidth=0.8, linestyle=(0, (2, 2)))
            if len(panel.names) > 1 or panel.fold or panel.change:
                handles = [Line2D([], [], color=colour(n), label=_panel_legend_label(n, panel, groups))
                           for n in panel.names]
                _legend_right(ax, handles)
            lows = [np.nanmin(np.asarray(g.result[n], dtype=float)[g.runs]) for g in groups for n in panel.names
                    if n in g.result.outputs]
            highs = [np.nanmax(np.asarray(g.result[n], dtype=float)[g.runs]) for g in groups for n in panel.names
                     if n in g.result.outputs]
            if not panel.change and 0 <= min(lows) and (panel.fold or min(lows) < 0.5 * max(highs)):
                ax.set_ylim(0, None)
        _time_axis(axes[-1], t_max)
        if len(groups) > 1:
            handles = [Line2D([], [], color="0.2", linestyle=g.style, label=g.label or "all runs") for g in groups]
            _arms_legend(fig, handles, title + "\n(line style: arm or file; colour: quantity)")
        else:
            fig.suptitle(title)
    return fig


def _title(result: Result, fallback: str = "") -> str:
    return str(result.attrs.get("experiment_name", "") or fallback)


# ---- the kinds ----------------------------------------------------------------------------------

def _one_panel_per_output(result: Result, kind: str, wanted) -> tuple[list[Panel], list[Group]]:
    """One panel per output present in ``result`` (in ``wanted`` order) and one group of all runs."""
    _require_timecourses(result, kind)
    names = [n for n in wanted if n in result.outputs]
    if not names:
        raise ValueError(f"none of the outputs {list(wanted)} are in the result")
    panels = [Panel([n], result.units.get(n, ""), title=result.long_names.get(n, n)) for n in names]
    return panels, _styled([Group("", result, np.arange(result.n_runs))])


def timecourse(result: Result, outputs=None, path=None):
    """Stacked panels on a shared time axis: median and 5-95 % band across runs (a line for one run)."""
    panels, groups = _one_panel_per_output(result, "timecourse", outputs or DEFAULT_TIMECOURSE)
    n = result.n_runs
    title = _title(result) + (f"  (n = {n}: median and 5-95 % band)" if n > 1 else "")
    return _save(_stacked(groups, panels, title), path)


def cascade(result: Result, path=None, outputs=None):
    """The mechanism chain of one file on one time axis; arms of a cycled cohort as line styles."""
    _require_timecourses(result, "cascade")
    panels = cascade_panels([result])
    if outputs:
        panels = [p for p in panels if set(p.names) & set(outputs)]
    if not panels:
        raise ValueError(f"the file has none of the cascade outputs ({', '.join(DRUG_PLASMA)}, ec_serotonin, ...)")
    groups = _styled(groups_of(result))
    bands = any(g.runs.size > 1 for g in groups)
    note = "  (median and 5-95 % band)" if bands else ""
    return _save(_stacked(groups, panels, f"{_title(result, 'cascade')}: from dose to brain{note}"), path)


def compare(results: list[Result], labels=None, path=None, outputs=None):
    """Two or more results overlaid (one file: its arms). Same panels as the cascade, one line style each."""
    if not results:
        raise ValueError("compare needs at least one result")
    for r in results:
        _require_timecourses(r, "compare")
    if len(results) == 1:
        groups = groups_of(results[0])
        if len(groups) < 2:
            raise ValueError("compare needs two or more files, or one file with several runs or arms")
    else:
        labels = list(labels or [_title(r, f"file {k + 1}") for k, r in enumerate(results)])
        if len(set(labels)) < len(labels):
            labels = [f"{lab} ({k + 1})" for k, lab in enumerate(labels)]
        groups = [Group(lab, r, np.arange(r.n_runs)) for lab, r in zip(labels, results, strict=True)]
    groups = _styled(groups)
    panels = cascade_panels(results)
    if outputs:
        panels = [p for p in panels if set(p.names) & set(outputs)]
    if not panels:
        raise ValueError("the files share none of the cascade outputs")
    names = " vs ".join(_title(r, f"file {k + 1}") for k, r in enumerate(results))
    title = "compare: " + (names if len(names) <= 70 else f"{len(results)} experiments")
    return _save(_stacked(groups, panels, title), path)


def cohort(result: Result, path=None, outputs=None, traces: int = 12):
    """Median, 5-95 % band and a few individual subjects (thin lines) per output, in absolute units."""
    panels, groups = _one_panel_per_output(result, "cohort", outputs or COHORT_OUTPUTS)
    n = result.n_runs
    title = (f"{_title(result, 'cohort')}: n = {n} virtual subjects"
             + (f" (line: median; band: 5-95 %; thin: {min(traces, n)} subjects)" if n > 1 else ""))
    return _save(_stacked(groups, panels, title, traces=traces if n > 1 else 0), path)


# ---- dose-response ------------------------------------------------------------------------------

METRICS = {"cmax": "peak", "tmax": "time of peak", "auc": "AUC", "final": "final value", "fold": "peak fold change"}


def swept_parameters(result: Result) -> dict[str, np.ndarray]:
    """Per-run values of what was varied: swept keys, cycled or drawn dose amounts, varied parameters."""
    out: dict[str, np.ndarray] = {}
    for name, values in result.params.items():
        if name.startswith("sweep:"):
            out[name.removeprefix("sweep:")] = np.asarray(values, dtype=float)
    ev = result.events
    if "amount_mg" in ev and "run" in ev and len(ev["run"]):
        runs = np.asarray(ev["run"])
        n = result.n_runs
        k = len(runs) // n if n and len(runs) % n == 0 else 0
        for j in range(k):
            amounts = np.asarray(ev["amount_mg"])[j * n:(j + 1) * n]
            key = f"dose.{j}.amount_mg"
            if key not in out and np.ptp(amounts) > 0:
                out[key] = amounts.astype(float)
    for name, values in result.params.items():
        if name.startswith("sweep:") or name in out:
            continue
        values = np.asarray(values, dtype=float)
        if values.size > 1 and np.ptp(values) > 1e-12 * max(1.0, np.abs(values).max()):
            out[name] = values
    return out


def metric_values(result: Result, output: str, metric: str) -> tuple[np.ndarray, str]:
    """Per-run ``metric`` of ``output`` from stored summaries or from the time courses; with its unit."""
    from sim.sweep import summarise

    unit = result.units.get(output, result.units.get(f"{output}.cmax", ""))
    if metric == "fold":
        if output not in result.outputs or np.ndim(result[output]) != 2:
            raise ValueError(f"metric 'fold' needs the time course of {output!r} (not stored in this file)")
        return np.nanmax(_fold(result[output]), axis=1), "x value at t = 0"
    summary = f"{output}.{metric}"
    if summary in result.outputs:
        return np.asarray(result[summary], dtype=float), _metric_unit(metric, unit)
    if output in result.outputs and np.ndim(result[output]) == 2:
        return summarise(np.asarray(result[output], dtype=float), result.time)[metric], _metric_unit(metric, unit)
    raise ValueError(f"no output {output!r} (or summary {summary!r}) in the file")


def baseline_metric(result: Result, output: str, metric: str, x: np.ndarray) -> float | None:
    """The drug-free value of ``metric`` (cmax or auc) of ``output``: the median over runs given no dose
    (x = 0) if any, else what each run's value at t = 0 would give held constant (auc: times the run's
    duration); 0 for a drug concentration without either; None when it cannot be known."""
    if (x == 0).any():
        values, _ = metric_values(result, output, metric)
        return float(np.nanmedian(values[x == 0]))
    if output in result.outputs and np.ndim(result[output]) == 2:
        v0 = np.asarray(result[output], dtype=float)[:, 0]
        span = float(result.time[-1] - result.time[0])
        return float(np.nanmedian(v0 * span if metric == "auc" else v0))
    return None if output == "plasma_oxytocin" else 0.0


def _metric_unit(metric: str, unit: str) -> str:
    if metric == "tmax":
        return "h"
    if metric == "auc":
        return f"{unit} x h"
    return unit


def _binned(x: np.ndarray, y: np.ndarray, bins: int = 12):
    """Median and 5-95 % of y per x value (few distinct x) or per quantile bin of x."""
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    levels = np.unique(x)
    if levels.size <= 20:
        centres, groups = levels, [y[x == v] for v in levels]
    else:
        edges = np.unique(np.quantile(x, np.linspace(0, 1, bins + 1)))
        idx = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, edges.size - 2)
        centres = np.array([np.median(x[idx == i]) for i in range(edges.size - 1) if (idx == i).any()])
        groups = [y[idx == i] for i in range(edges.size - 1) if (idx == i).any()]
    stats = np.array([np.percentile(g, [5, 50, 95]) for g in groups])
    return centres, stats, np.array([g.size for g in groups])


def dose_response(result: Result, outputs=None, param: str | None = None, metric: str = "cmax", path=None):
    """One panel per output: per-run ``metric`` against ``param`` (points), median and 5-95 % band."""
    varied = swept_parameters(result)
    if not varied:
        raise ValueError("nothing varies between the runs of this file: dose-response needs a sweep or a "
                         "cohort with varied doses or parameters")
    if param is None:
        param = next(iter(_x_candidates(result)), next(iter(varied)))
    if param not in varied:
        raise ValueError(f"--param {param!r} did not vary in this file (varied: {', '.join(varied)})")
    if metric not in METRICS:
        raise ValueError(f"--metric must be one of {', '.join(METRICS)}, got {metric!r}")
    default = (*DRUG_PLASMA, "ec_serotonin", "ec_dopamine", "plasma_oxytocin")
    names = [n for n in (outputs or default)
             if n in result.outputs or f"{n}.{'cmax' if metric == 'fold' else metric}" in result.outputs]
    if metric == "fold":
        names = [n for n in names if n in result.outputs]
    if not names:
        raise ValueError(f"none of the outputs {list(outputs or default)} have a {metric!r} in this file")
    x = varied[param]
    unit = result.param_units.get(param, result.param_units.get(f"sweep:{param}", ""))
    if param.startswith("dose.") and param.endswith("amount_mg"):
        table = _experiment_table(result)
        k = int(param.split(".")[1])
        drug = table.get("dose", [{}] * (k + 1))[k].get("drug", "drug") if k < len(table.get("dose", [])) else "drug"
        xlabel = f"dose {k + 1}: {drug} (mg)"
    else:
        xlabel = f"{param} ({unit_text(unit)})" if unit else param
    ncols = 1 if len(names) == 1 else 2
    nrows = int(np.ceil(len(names) / ncols))
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(nrows, ncols, figsize=(6.0 * ncols, 0.9 + 3.6 * nrows), layout="constrained",
                                 squeeze=False)
        for ax in axes.flat[len(names):]:
            ax.set_visible(False)
        for ax, name in zip(axes.flat, names, strict=False):
            y, yunit = metric_values(result, name, metric)
            c = colour(name)
            many = result.n_runs > 100
            ax.scatter(x, y, s=9 if many else 28, color=c, alpha=0.25 if many else 0.6, linewidths=0,
                       label="one run")
            centres, stats, counts = _binned(np.asarray(x, float), np.asarray(y, float))
            ax.fill_between(centres, stats[:, 0], stats[:, 2], color=c, alpha=0.2, linewidth=0, label="5-95 %")
            ax.plot(centres, stats[:, 1], color=c, marker="o", markersize=5, label="median")
            if param.startswith("dose.") and metric in ("auc", "cmax") and name.startswith("plasma_"):
                # what a linear response would give: the change over baseline proportional to the lowest dose
                base = baseline_metric(result, name, metric, np.asarray(x, float))
                dosed = centres > 0
                if base is not None and dosed.any():
                    x0, y0 = centres[dosed][0], stats[dosed][0, 1]
                    xs = np.linspace(0.0 if base else x0, centres[-1], 50)
                    ax.plot(xs, base + (y0 - base) * xs / x0, color="0.35", linestyle="--", linewidth=1.4,
                            label="change over baseline\nproportional to dose" if base else "proportional to dose")
            ax.set_title(f"{METRICS[metric]} of {short_name(name)}", loc="left")
            ax.set_ylabel(unit_text(yunit))
            ax.set_xlabel(xlabel)
            if metric != "tmax" and np.nanmin(y) >= 0:
                ax.set_ylim(bottom=0)
        axes.flat[0].legend(frameon=False, loc="upper left", fontsize=10)
        fig.suptitle(f"{_title(result, 'sweep')}: {METRICS[metric]} against {xlabel} (n = {result.n_runs} runs)")
    return _save(fig, path)


# ---- amygdala probe trials ----------------------------------------------------------------------

TRIAL_PANELS = (("fear_response", "1 = untreated", "fear response to the trauma cue (CeM output; 1 = untreated "
                 "conditioned response)"),
                ("bla_rate", "Hz", "BLA principal cells during the cue"),
                ("cem_rate", "Hz", "CeM output cells during the cue"))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _draw_trials(ax, g: Group, name: str, c: str, marker: str, x=None, keep=None) -> Line2D:
    """One group's per-trial values of ``name`` against probe time (or ``x``, for the trials ``keep``):
    a line per run if one, else median and 5-95 % band."""
    t = np.nanmedian(np.asarray(g.result.trials["time_h"], dtype=float)[g.runs], axis=0)
    rows = np.asarray(g.result.trials[name], dtype=float)[g.runs]
    if keep is not None:
        t, rows = t[keep], rows[:, keep]
    if x is not None:
        t = np.asarray(x, dtype=float)
    if rows.shape[0] == 1:
        med = rows[0]
    else:
        lo, med, hi = np.nanpercentile(rows, [5, 50, 95], axis=0)
        ax.fill_between(t, lo, hi, color=c, alpha=0.18, linewidth=0, step=None)
    (line,) = ax.plot(t, med, color=c, linestyle=g.style, marker=marker, markersize=6 if t.size <= 40 else 3,
                      markerfacecolor="white" if g.style != "-" else c)
    return line


def probe_sessions(time_h: np.ndarray, t_max: float) -> list[np.ndarray] | None:
    """Probe trials grouped into sessions when a time axis would crowd them (runs of trials minutes
    apart, sessions hours or days apart): a list of index arrays, or None for evenly spread probes."""
    t = np.asarray(time_h, dtype=float)
    gaps = np.diff(t)
    if t.size < 4 or not np.all(np.isfinite(gaps)) or gaps.min() <= 0:
        return None
    if gaps.max() / gaps.min() <= 20.0 or gaps.min() >= 0.02 * t_max:
        return None
    cut = np.flatnonzero(gaps > max(10.0 * gaps.min(), 0.02 * t_max)) + 1
    return np.split(np.arange(t.size), cut)


def _session_label(t: np.ndarray) -> str:
    def h(x: float) -> str:
        return f"{x / 24.0:.3g} d" if x >= 48.0 else f"{x:.3g} h"

    if t.size == 1:
        return h(t[0])
    return f"{h(t[0])}-{h(t[-1])}".replace(" h-", "-").replace(" d-", "-") + f"\n({t.size} trials)"


def amygdala(result: Result, path=None):
    """Per-trial fear response, BLA and CeM rates against probe time; arms of a cycled cohort as line
    styles (median and 5-95 % band when an arm has several runs), doses on top. Probes in sessions
    (trials minutes apart, sessions hours apart: :func:`probe_sessions`) are drawn by trial, session by
    session, on an axis that is not to scale between sessions; a spiking run with stored spikes gets
    rasters (:func:`_amygdala_spiking`)."""
    if not result.trials or "fear_response" not in result.trials:
        raise ValueError("the file has no amygdala probe trials (/trials): run an experiment with "
                         "[amygdala] model = \"rate\" or \"spiking\"")
    groups = _styled(groups_of(result))
    if len(groups) > MAX_LINES:  # many single runs with no arms: one cohort
        groups = _styled([Group("", result, np.arange(result.n_runs))])
    t_max = max(float(result.time[-1]), float(np.nanmax(result.trials["time_h"])))
    panels = [p for p in TRIAL_PANELS if p[0] in result.trials]
    show_doses = bool(_dose_rows(groups))
    n_dose_rows = len(_dose_rows(groups)) if show_doses else 0
    heights = ([0.45 + 0.5 * n_dose_rows] if show_doses else []) + [2.8] + [1.9] * (len(panels) - 1)
    settings = _experiment_table(result).get("amygdala", {})
    try:  # as run (after --set overrides), recorded by the runner
        settings = {**settings, **json.loads(result.attrs.get("amygdala") or "{}")}
    except (TypeError, ValueError):
        pass
    model = settings.get("model", "rate")
    if has_spikes(result):
        return _save(_amygdala_spiking(result, groups, settings, show_doses, n_dose_rows), path)
    bands = any(g.runs.size > 1 for g in groups)
    probe_t = np.nanmedian(np.asarray(result.trials["time_h"], dtype=float), axis=0)
    sessions = probe_sessions(probe_t, t_max)
    if sessions is not None:  # no time axis for the doses to sit on: the arms' legend names them
        show_doses = False
        heights = [2.8] + [1.9] * (len(panels) - 1)
    with plt.rc_context(STYLE):
        fig, axes = _stacked_axes(heights, 1.3, groups, t_max, show_doses)
        for ax, (name, ylabel, title) in zip(axes, panels, strict=True):
            c = colour(name)
            for k, g in enumerate(groups):
                if sessions is None:
                    _draw_trials(ax, g, name, c, MARKERS[k % len(MARKERS)])
                    continue
                for j, idx in enumerate(sessions):  # trial number, a gap of 1.5 between sessions
                    _draw_trials(ax, g, name, c, MARKERS[k % len(MARKERS)], x=idx + 1.5 * j, keep=idx)
            ax.set_title(title, loc="left", fontsize=12)
            ax.set_ylabel(ylabel)
            if name == "fear_response":
                ax.axhline(1.0, color="0.35", linewidth=1.0, linestyle=(0, (2, 2)))
                ax.annotate("untreated", (1.0, 1.0), xycoords=("axes fraction", "data"), xytext=(4, 0),
                            textcoords="offset points", va="center", fontsize=10, color="0.35",
                            annotation_clip=False)
                hi = np.nanmax(np.asarray(result.trials[name], dtype=float))
                ax.set_ylim(0.0, max(1.2, 1.08 * hi if np.isfinite(hi) else 1.2))
            else:
                ax.set_ylim(0.0, None)
        if sessions is None:
            _time_axis(axes[-1], t_max)
            axes[-1].set_xlabel(axes[-1].get_xlabel().replace("time since start", "probe time since start"))
        else:
            edges = [(idx[0] + 1.5 * j, idx[-1] + 1.5 * j) for j, idx in enumerate(sessions)]
            for ax in axes:
                for (_, b), (a, _) in zip(edges[:-1], edges[1:], strict=True):
                    ax.axvline((a + b) / 2.0, color="0.55", linewidth=1.0, linestyle=(0, (4, 3)))
                ax.grid(axis="x", visible=False)
            axes[-1].set_xticks([(a + b) / 2.0 for a, b in edges],
                                [_session_label(probe_t[idx]) for idx in sessions])
            axes[-1].set_xlim(edges[0][0] - 0.6, edges[-1][1] + 0.6)
            axes[-1].set_xlabel("probe trials in time order, by session (time since start; not to scale "
                                "between sessions)")
        size = f", scale {settings['scale']:g}" if model == "spiking" and "scale" in settings else ""
        title = (f"{_title(result, 'amygdala')}: trauma-cue probe trials ({model} model{size}, context "
                 f"{settings.get('context', 'A')})" + ("\nline: median; band: 5-95 % of runs" if bands else ""))
        if len(groups) > 1:
            handles = [Line2D([], [], color="0.2", linestyle=g.style, marker=MARKERS[k % len(MARKERS)],
                              markerfacecolor="white" if g.style != "-" else "0.2", label=g.label or "all runs")
                       for k, g in enumerate(groups)]
            _arms_legend(fig, handles, title)
        else:
            fig.suptitle(title)
    return _save(fig, path)


# ---- spike rasters of a spiking amygdala --------------------------------------------------------

# one colour per population, in the raster and the rate panels (principal cells: blue, red, green as in
# the Vlachos figure; interneurons: teal and lavender; intercalated and central amygdala: oranges, browns, and
# CeM in the colour of fear_response, the output it defines)
POPULATION_COLOURS = {"la_pc": "#1f78b4", "la_pv": "#2c9fb0", "ba_fear": "#e31a1c", "ba_ext": "#33a02c",
                      "ba_pv": "#9e86c8", "itc": "#ff7f00", "cel_on": "#b15928", "cel_off": "#878787",
                      "cem": COLOURS["fear_response"]}
POPULATION_NAMES = {"la_pc": "LA principal", "la_pv": "LA PV", "ba_fear": "BA fear", "ba_ext": "BA extinction",
                    "ba_pv": "BA PV", "itc": "ITC", "cel_on": "CeL ON", "cel_off": "CeL OFF", "cem": "CeM"}
# the rate panels under each raster: (title, populations)
RATE_PANELS = (("LA/BA principal cells", ("la_pc", "ba_fear", "ba_ext")),
               ("LA/BA interneurons", ("la_pv", "ba_pv")),
               ("ITC and central amygdala", ("itc", "cel_on", "cel_off", "cem")))
MAX_RASTERS = 4  # probe trials shown side by side
CUE_SHADE = "#fff4c2"  # the cue (CS) window


def has_spikes(result: Result) -> bool:
    """True if the file holds recorded spikes (/amygdala/spikes) with at least one recorded trial."""
    sp = result.spikes or {}
    return "time_s" in sp and len(sp.get("trials", [])) > 0


def spike_rates(result: Result, trial: int, run: int | None = None, bin_s: float = 0.04):
    """Population rates (Hz) of the recorded cells in one probe trial of ``run`` (default: the first
    recorded), binned: ``(edges_s, rates)`` with ``edges_s`` (bins + 1,) s from cue onset over the
    recorded window and ``rates`` {population: (bins,)}."""
    sp = result.spikes
    run = sp["runs"][0] if run is None else run
    lo, hi = (float(x) for x in sp["window_s"])
    n_bins = max(1, int(round((hi - lo) / bin_s)))
    edges = np.linspace(lo, hi, n_bins + 1)
    keep = (np.asarray(sp["trial"]) == trial) & (np.asarray(sp["run"]) == run)
    t, row = np.asarray(sp["time_s"], float)[keep], np.asarray(sp["neuron"])[keep]
    rates = {}
    for name, a, b in zip(sp["populations"], sp["population_start"], sp["population_stop"], strict=True):
        mine = (row >= a) & (row < b)
        counts, _ = np.histogram(t[mine], bins=edges)
        rates[name] = counts / max(int(b - a), 1) / np.diff(edges)
    return edges, rates


def spike_counts(result: Result, population: str, trial: int, run: int | None = None) -> tuple[int, int]:
    """Spikes of ``population``'s recorded cells before the cue (window start to 0) and during it
    (0 to ``cue_duration_s``), in one probe trial."""
    sp = result.spikes
    run = sp["runs"][0] if run is None else run
    k = list(sp["populations"]).index(population)
    a, b = int(sp["population_start"][k]), int(sp["population_stop"][k])
    t = np.asarray(sp["time_s"], float)
    row = np.asarray(sp["neuron"])
    mine = (row >= a) & (row < b) & (np.asarray(sp["trial"]) == trial) & (np.asarray(sp["run"]) == run)
    return int((mine & (t < 0)).sum()), int((mine & (t >= 0) & (t < float(sp["cue_duration_s"]))).sum())


def _dosed_mg(result: Result, runs: list[int]) -> np.ndarray:
    """Total amount dosed (mg, from the stored dose events) to each of ``runs``."""
    ev = result.events
    if not ev or "amount_mg" not in ev:
        return np.zeros(len(runs))
    who, mg = np.asarray(ev["run"], dtype=int), np.asarray(ev["amount_mg"], dtype=float)
    return np.array([mg[who == r].sum() for r in runs])


def raster_run(result: Result) -> int:
    """The recorded run the rasters show: the drug arm of a placebo-controlled pair. Of the runs with
    stored spikes, the one dosed the most (its stored dose events); if they are dosed alike, the one
    whose fear response over the recorded trials departs most from the untreated response (the first
    run if they are alike in that too)."""
    sp = result.spikes
    runs = [int(r) for r in sp["runs"]]
    given = _dosed_mg(result, runs)
    if given.max() > given.min():
        return runs[int(np.argmax(given))]
    fear = np.asarray(result.trials.get("fear_response", np.ones((max(runs) + 1, 1))), dtype=float)
    trials = [int(k) for k in sp["trials"]]
    away = [np.nanmean(np.abs(fear[r, trials] - 1.0)) if r < fear.shape[0] else 0.0 for r in runs]
    away = np.nan_to_num(np.asarray(away), nan=0.0)
    return runs[int(np.argmax(away))] if np.ptp(away) > 0.02 else runs[0]


def _shown_trials(trials: list[int]) -> list[int]:
    """Up to MAX_RASTERS recorded trials, evenly spaced, the first and the last included."""
    if len(trials) <= MAX_RASTERS:
        return list(trials)
    idx = np.unique(np.round(np.linspace(0, len(trials) - 1, MAX_RASTERS)).astype(int))
    return [trials[i] for i in idx]


def _amygdala_spiking(result: Result, groups: list[Group], settings: dict, show_doses: bool, n_dose_rows: int):
    """Probe-trial fear response on top; below it, per shown probe trial, a raster of the recorded cells
    grouped and coloured by population and the populations' binned rates, on time from cue onset."""
    sp = result.spikes
    run = raster_run(result)
    shown = _shown_trials([int(k) for k in sp["trials"]])
    ncol = len(shown)
    letters = "ABCDEFGH"
    times = np.asarray(result.trials["time_h"], float)[run]
    fear = np.asarray(result.trials["fear_response"], float)[run]
    lo, hi = (float(x) for x in sp["window_s"])
    cue = float(sp["cue_duration_s"])
    names = list(sp["populations"])
    starts, stops = np.asarray(sp["population_start"]), np.asarray(sp["population_stop"])
    n_rows = int(stops[-1])
    rate_panels = [(title, [p for p in pops if p in names]) for title, pops in RATE_PANELS]
    rate_panels = [(title, pops) for title, pops in rate_panels if pops]
    heights = ([0.45 + 0.5 * n_dose_rows] if show_doses else []) + [2.2, 4.4] + [1.55] * len(rate_panels)
    t_max = max(float(result.time[-1]), float(np.nanmax(result.trials["time_h"])))
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(11, 1.6 + sum(heights)), layout="constrained")
        fig.get_layout_engine().set(w_pad=0.1)  # the rate legends' titles keep clear of the canvas edge
        gs = fig.add_gridspec(len(heights), ncol, height_ratios=heights)
        row0 = 0
        top_axes = []
        if show_doses:
            dose_ax = fig.add_subplot(gs[0, :])
            top_axes.append(dose_ax)
            row0 = 1
        fear_ax = fig.add_subplot(gs[row0, :], sharex=top_axes[0] if top_axes else None)
        if show_doses:
            _dose_panel(dose_ax, groups, t_max)
            dose_ax.tick_params(labelbottom=False)
        for k, g in enumerate(groups):
            _draw_trials(fear_ax, g, "fear_response", colour("fear_response"), MARKERS[k % len(MARKERS)])
        fear_ax.axhline(1.0, color="0.35", linewidth=1.0, linestyle=(0, (2, 2)))
        hi_f = np.nanmax(np.asarray(result.trials["fear_response"], dtype=float))
        fear_ax.set_ylim(0.0, max(1.35, 1.25 * hi_f if np.isfinite(hi_f) else 1.35))
        fear_ax.set_ylabel("1 = untreated")
        fear_ax.set_title("fear response to the trauma cue (CeM output); letters: the probe trials below",
                          loc="left", fontsize=12)
        for j, k in enumerate(shown):  # above the data (the y range leaves its top fifth free)
            fear_ax.annotate(letters[j], (times[k], 1.0), xycoords=("data", "axes fraction"), xytext=(0, -3),
                             textcoords="offset points", ha="center", va="top", fontsize=12, fontweight="bold",
                             color="0.15")
        _time_axis(fear_ax, t_max)
        fear_ax.set_xlim(-0.025 * t_max, 1.01 * t_max)  # room for the letter of a probe at t = 0
        fear_ax.set_xlabel("probe time since start (h)" if t_max <= 96.0 else "probe time since start (days)")
        raster_axes, rate_axes = [], [[] for _ in rate_panels]
        for j, k in enumerate(shown):
            ax = fig.add_subplot(gs[row0 + 1, j], sharey=raster_axes[0] if raster_axes else None)
            raster_axes.append(ax)
            keep = (np.asarray(sp["trial"]) == k) & (np.asarray(sp["run"]) == run)
            t, rows = np.asarray(sp["time_s"], float)[keep], np.asarray(sp["neuron"])[keep]
            ax.axvspan(0.0, cue, color=CUE_SHADE, zorder=0, linewidth=0)
            for name, a, b in zip(names, starts, stops, strict=True):
                mine = (rows >= a) & (rows < b)
                ax.scatter(t[mine], rows[mine], s=2.5, marker="s", color=POPULATION_COLOURS.get(name, "0.3"),
                           linewidths=0, rasterized=True)
                if a > 0:
                    ax.axhline(a - 0.5, color="0.8", linewidth=0.6)
            ax.axvline(0.0, color="0.2", linewidth=1.2)
            ax.set_xlim(lo, hi)
            ax.set_ylim(n_rows - 0.5, -0.5)
            ax.grid(False)
            ax.set_title(f"{letters[j]}: probe at {times[k]:g} h\nfear response {fear[k]:.2f}", fontsize=12)
            ax.tick_params(labelbottom=False)
            if j == 0:
                ax.set_yticks((starts + stops - 1) / 2.0, [POPULATION_NAMES.get(n, n) for n in names])
                ax.tick_params(axis="y", length=0)
                for label, name in zip(ax.get_yticklabels(), names, strict=True):
                    label.set_color(POPULATION_COLOURS.get(name, "0.3"))
            else:
                ax.tick_params(axis="y", labelleft=False, length=0)
            for i, (title, pops) in enumerate(rate_panels):
                rax = fig.add_subplot(gs[row0 + 2 + i, j], sharex=ax,
                                      sharey=rate_axes[i][0] if rate_axes[i] else None)
                rate_axes[i].append(rax)
                edges, rates = spike_rates(result, k, run)
                rax.axvspan(0.0, cue, color=CUE_SHADE, zorder=0, linewidth=0)
                for name in pops:
                    rax.stairs(rates[name], edges, color=POPULATION_COLOURS.get(name, "0.3"), linewidth=1.8,
                               label=POPULATION_NAMES.get(name, name))
                rax.axvline(0.0, color="0.2", linewidth=1.2)
                if j == 0:
                    rax.set_ylabel("Hz")
                else:
                    rax.tick_params(axis="y", labelleft=False)
                if j == ncol - 1:
                    _legend_right(rax, title=None)
                    rax.get_legend().set_title(title, prop={"size": 11})
                if i < len(rate_panels) - 1:
                    rax.tick_params(labelbottom=False)
                else:  # ticks clear of the panel edges, so neighbouring panels' labels cannot touch
                    rax.set_xticks([x for x in (-0.2, 0.0, 0.4) if lo < x < hi])
                    rax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
        for axes in rate_axes:
            axes[0].set_ylim(0.0, None)
        fig.supxlabel("time from cue onset (s)", fontsize=12)
        if len(groups) > 1:
            handles = [Line2D([], [], color=colour("fear_response"), linestyle=g.style,
                              marker=MARKERS[k % len(MARKERS)], markerfacecolor="white" if g.style != "-" else None,
                              label=g.label or "all runs") for k, g in enumerate(groups)]
            _legend_right(fear_ax, handles)
        raster_axes[0].annotate("cue on", (0.0, 0.0), xycoords=("data", "axes fraction"), xytext=(3, -3),
                                textcoords="offset points", ha="left", va="top", fontsize=10, color="0.2")
        size = f", scale {settings['scale']:g}" if "scale" in settings else ""
        n_cells = int(np.sum(np.asarray(sp.get("population_size", stops - starts))))
        label = groups[0].label if len(groups) == 1 else next((g.label for g in groups if run in g.runs), "")
        who = f"run {run}" + (f" ({label})" if label else "")
        fig.suptitle(f"{_title(result, 'amygdala')}: trauma-cue probe trials, spiking model{size} "
                     f"({n_cells} cells), context {settings.get('context', 'A')}\nraster and rates: {who}, first "
                     f"{int(np.max(stops - starts))} cells per population; shaded: the cue", fontsize=13)
    return fig


KINDS = ("timecourse", "cascade", "compare", "cohort", "dose-response", "amygdala")


def suggested_kinds(result: Result) -> list[str]:
    """The figure kinds that suit one file (used by ``sim report`` and the gallery).

    The cascade whenever there are time courses (it shows a cycled cohort's arms itself); the cohort view
    for more runs than can be told apart as lines; dose-response when a sweep or a varied dose gives an x
    axis with at least three runs; amygdala for ``[amygdala]`` probe trials of ``sim run`` (with the
    spike raster when the file holds spikes).
    """
    kinds = []
    series = bool(_series_names(result))
    if series and cascade_panels([result]):
        kinds.append("cascade")
    if series and result.n_runs > MAX_LINES:
        kinds.append("cohort")
    if _x_candidates(result):
        kinds.append("dose-response")
    if "fear_response" in result.trials and "amygdala" in result.attrs:  # `sim run` probe trials
        kinds.append("amygdala")
    return kinds


def _x_candidates(result: Result) -> list[str]:
    """Varied doses and swept keys with at least three distinct values: doses of the protocol drug
    (``DEFAULT_DRUG``) first, then sweeps."""
    varied = swept_parameters(result)
    table = _experiment_table(result).get("dose", [])

    def rank(key: str) -> int:
        parts = key.split(".")
        if parts[0] == "dose" and len(parts) == 3 and parts[1].isdigit():
            k = int(parts[1])
            return 0 if k < len(table) and table[k].get("drug") == DEFAULT_DRUG else 2
        return 1 if f"sweep:{key}" in result.params else 3

    keys = [k for k in varied if rank(k) < 3 and np.unique(varied[k]).size >= 3]
    return sorted(keys, key=rank)


# ---- virtual trial ------------------------------------------------------------------------------

PLACEBO_ARM_COLOUR = "#7f7f7f"


def arm_colour(label: str, k: int) -> str:
    """An arm's colour: grey for placebo, else its drug's colour when the arm is named after a drug."""
    return PLACEBO_ARM_COLOUR if label == "placebo" else DRUG_COLOURS.get(label, f"C{k + 2}")


def trial(result: Result, outcomes: dict, path=None):
    """Per-arm CAPS-5 course over the assessment visits and responder shares of a ``sim trial`` file.

    The course is the scored CAPS-5 at each visit (``/outcomes/caps5_visit``; mean and 95 % interval of
    the mean per arm, with the interquartile range shaded). Where the experiment declares the published
    endpoints of the trial it reproduces (``[reference]``, by arm name), they are markers: the change at
    the last visit (mean +/- SD, from the arm's simulated baseline) and the share no longer meeting the
    diagnosis. The bars are the shares no longer meeting the diagnosis and with a >= 10-point drop.
    """
    from sim import outcomes as om
    from sim.kinetics.drugs import DEFAULT_ARMS

    if not outcomes or "arm" not in outcomes:
        raise ValueError("no /outcomes in this file: make it with `sim trial`")
    arm = np.asarray(outcomes["arm"])
    base = np.asarray(outcomes["caps5_baseline"], float)
    final = np.asarray(outcomes["caps5_final"], float)
    diagnosis = np.asarray(outcomes["diagnosis_final"], bool)
    p = om.defaults()
    fig, (ax, bars) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [2.2, 1]})
    visits = np.asarray(outcomes.get("caps5_visit", np.stack([base, final], 1)), float)
    weeks = np.asarray(outcomes.get("visit_week", [0.0, 18.0]), float)
    names = [str(x) for x in outcomes.get("arm_labels", DEFAULT_ARMS)]
    colours = {label: arm_colour(label, k) for k, label in enumerate(names)}
    reference = _experiment_table(result).get("reference", {})
    published = reference.get("arm", {})
    source = reference.get("name", "published")
    for code, label in enumerate(names):
        m = arm == code
        if not m.any():
            continue
        c = colours[label]
        v = visits[m]
        mean = v.mean(0)
        half = 1.96 * v.std(0, ddof=1) / np.sqrt(max(m.sum(), 1)) if m.sum() > 1 else np.zeros_like(mean)
        q1, q3 = np.percentile(v, [25, 75], axis=0)
        ax.fill_between(weeks, q1, q3, color=c, alpha=0.15, linewidth=0)
        ax.errorbar(weeks, mean, yerr=half, color=c, marker="o", linewidth=2, capsize=3,
                    label=f"{label}: simulated, mean (95 % CI), IQR shaded (n = {m.sum()})")
        if label not in published:
            continue
        pub = published[label]
        ax.errorbar([weeks[-1] + 0.35 * (1 if code else -1)], [base[m].mean() + pub["caps5_change_mean"]],
                    yerr=[pub["caps5_change_sd"]], color=c, marker="s", markerfacecolor="white", capsize=4,
                    linestyle="none", label=f"{label}: {source} at week {weeks[-1]:g} (baseline + published "
                                            "change, +/- SD)")
    ax.axhline(p["threshold"], color="0.4", linestyle=":", linewidth=1)
    ax.text(0.2, p["threshold"] + 1, "diagnosis threshold", fontsize=9, color="0.3")
    ax.set_xlabel("weeks since the first preparatory session (assessment visits)")
    ax.set_ylabel("CAPS-5-like severity (points)")
    ax.set_ylim(0, 80)
    ax.set_xlim(-0.5, weeks[-1] + 1.5)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, frameon=False, loc="upper right")
    summaries, d = om.summarize(arm, base, final, diagnosis, names)
    labels = [s for s in names if s in summaries]
    x = np.arange(2)
    width = 0.76 / max(len(labels), 1)
    for k, label in enumerate(labels):
        s = summaries[label]
        offset = (k - (len(labels) - 1) / 2) * width
        bars.bar(x + offset, [s.no_diagnosis, s.drop_10], 0.95 * width, color=colours[label], label=label)
        if published.get(label, {}).get("no_diagnosis") is not None:
            bars.plot([x[0] + offset], [published[label]["no_diagnosis"]], marker="_", markersize=22, color="k",
                      markeredgewidth=2, label=f"{source} (published)" if k == 0 else None)
    bars.set_xticks(x, ["no longer meeting\nthe diagnosis", ">= 10-point drop"])
    bars.set_ylim(0, 1)
    bars.set_ylabel("share of patients")
    bars.set_title(f"responders (Cohen's d = {d:.2f})" if len(labels) == 2 else "responders", fontsize=11)
    bars.legend(fontsize=8, frameon=False, loc="upper left")
    fig.suptitle(f"{_title(result, 'virtual trial')}: outcome map fitted on MAPP1's placebo arm only; "
                 "every drug arm is the model's prediction (a hypothesis)", fontsize=11)
    fig.tight_layout()
    return _save(fig, path)


# ---- which figure for a file, and runs whose solver failed (used by `sim plot` and `sim report`) ----

def default_kind(result: Result, has_outcomes: bool = False) -> str:
    """The kind `sim plot` draws when none is asked for: the trial figure for a `sim trial` file,
    dose-response for a sweep (or summaries only), else the cascade when it fits, else time courses."""
    if has_outcomes:
        return "trial"
    kinds = suggested_kinds(result)
    if "sweep_method" in result.attrs and "dose-response" in kinds:
        return "dose-response"
    if "cascade" in kinds:
        return "cascade"
    if not _series_names(result) and "dose-response" in kinds:
        return "dose-response"
    return "timecourse"


def failed_runs_note(result: Result, source: str = "") -> tuple[str, str]:
    """(refusal, note): a refusal when every run's solver failed (nothing to draw), else a note naming
    how many runs failed and are left out; both empty when all runs finished."""
    if result.status is None or result.n_runs == 0:
        return "", ""
    status = np.asarray(result.status)
    failed = int((status != 0).sum())
    if failed == 0:
        return "", ""
    from sim.solver.status import Status

    try:
        why = Status(int(status[status != 0][0])).message
    except ValueError:
        why = f"status {int(status[status != 0][0])}"
    where = f"{source}: " if source else ""
    if failed == status.size:
        return (f"{where}the solver failed in every run ({why}); nothing to draw (see /solver/status; loosen "
                "[solver] rtol/atol or raise max_steps)"), ""
    return "", f"{where}{failed} of {status.size} runs failed ({why}); they are left out of the figure"


def without_failed_runs(result: Result) -> Result:
    """A copy of ``result`` whose failed runs' outputs are NaN (not drawn; run numbers and arms kept);
    the title says how many runs were left out."""
    import dataclasses

    if result.status is None:
        return result
    bad = np.asarray(result.status) != 0
    if not bad.any() or bad.all():
        return result

    def masked(values):
        arr = np.array(values, dtype=float)
        if arr.ndim >= 1 and arr.shape[0] == bad.size:
            arr[bad] = np.nan
        return arr

    attrs = dict(result.attrs)
    attrs["experiment_name"] = (f"{attrs.get('experiment_name', '')} ({int(bad.sum())} of {bad.size} runs "
                                "failed, not drawn)").strip()
    return dataclasses.replace(result, outputs={k: masked(v) for k, v in result.outputs.items()}, attrs=attrs)
