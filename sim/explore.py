"""``sim explore``: one self-contained HTML page in which a teacher moves sliders instead of editing TOML.

What the page shows
-------------------
One virtual adult in one MDMA session: co-medications (an SSRI's daily dose, pindolol 20 mg, carvedilol
50 mg) at t = 0, the first MDMA dose at t = 1 h, a supplemental dose 2 h after it; time is drawn from the
first MDMA dose. Controls: the MDMA dose and the supplemental dose (mg of the hydrochloride), CYP2D6
phenotype, body weight, an SSRI taken daily for three weeks (the session starts from the cascade's own
steady state after :data:`sim.protocol.SSRI_PRELOAD_DAYS` days of :data:`sim.protocol.SSRI_DAILY_MG`, as in
``sim trial`` with ``ssri_washout = false``) or washed out (no SSRI), pindolol, carvedilol, and a drug or a
placebo session. Panels: plasma MDMA and MDA, CYP2D6 activity, extracellular 5-HT/DA/NE, plasma oxytocin,
receptor occupancy, heart rate, systolic blood pressure, body temperature and the amygdala's response to a
trauma cue (rate model, probe trials that measure and do not teach, every :data:`PROBE_STEP_H`).

Where the numbers come from
---------------------------
Nothing is simulated in the browser. At build time the engine runs every point of a grid (:class:`Grid`):
each categorical combination (phenotype, SSRI, pindolol, carvedilol) times each level of the continuous
controls (dose, supplemental dose, body weight), plus the placebo session of every categorical
combination and body weight. The runs go through the engine in cohorts (one experiment per chunk of
:data:`CHUNK_RUNS` runs, the grid point of each run set by ``cycle`` variations), with the same model,
solver and amygdala probe trials as ``sim run``.

Interpolation is measured, not assumed: for each continuous control, the engine also runs the midpoints
between neighbouring levels (other controls drawn at random from the grid, seeded) and the page may
interpolate linearly along that control only if, for every output, the largest difference between the
midpoint run and the linear interpolation of its neighbours is below :data:`MAX_INTERPOLATION_ERROR` of
that output's range over the grid; otherwise the slider moves in grid steps. The measured errors are
written into the page and returned by :func:`build`.

Data in the page: per output, one uint16 per (grid point, time) scaled to the output's range over the
grid (quantisation step 1/65535 of the range), differenced along time, split into high and low byte
planes, gzip-compressed and base64-encoded; the page inflates it with the browser's own
``DecompressionStream``. Plotly's minified JavaScript (from the ``plotly`` Python package) is inlined, so
the file opens from a USB stick with no network.
"""

from __future__ import annotations

import base64
import gzip
import html
import itertools
import json
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from sim.config import PHENOTYPES, Experiment, parse_experiment
from sim.errors import ConfigError, SimInputError

# ---- the session ----------------------------------------------------------------------------------

MDMA_AT_H = 1.0          # co-medications at t = 0, MDMA 1 h later (experiments/oxytocin_dose_response.toml)
SUPPLEMENT_AFTER_H = 2.0  # supplemental dose 2 h after the first, as in experiments/supplemental_dose.toml
DURATION_H = 13.0        # 12 h after the first MDMA dose
OUTPUT_STEP_MIN = 15.0
PROBE_STEP_H = 0.5
SSRIS = ("citalopram", "fluoxetine", "paroxetine")
PINDOLOL_MG = 20.0       # oral, 1 h before MDMA (Hysek et al. 2012; experiments/oxytocin_dose_response.toml)
CARVEDILOL_MG = 50.0     # oral, 1 h before MDMA (Hysek et al. 2012 Br J Pharmacol 166:2277)
MAX_INTERPOLATION_ERROR = 0.02  # of each output's range over the grid
CHUNK_RUNS = 512
MAX_FILE_MB = 10.0

# (output, label, unit as drawn, panel): what the page stores and draws
SERIES = (
    ("plasma_mdma", "MDMA", "ng/mL"), ("plasma_mda", "MDA", "ng/mL"),
    ("cyp2d6_activity", "CYP2D6 activity", "fraction of baseline"),
    ("ec_serotonin", "5-HT", "nM"), ("ec_dopamine", "DA", "nM"), ("ec_norepinephrine", "NE", "nM"),
    ("plasma_oxytocin", "oxytocin", "pg/mL"),
    ("occupancy_5ht1a", "5-HT1A", "fraction"), ("occupancy_5ht2a", "5-HT2A", "fraction"),
    ("occupancy_alpha1", "alpha1", "fraction"), ("occupancy_beta1", "beta1", "fraction"),
    ("occupancy_oxtr", "OXTR", "fraction"),
    ("heart_rate", "heart rate", "bpm"), ("systolic_bp", "systolic BP", "mmHg"),
    ("body_temperature", "body temperature", "°C"),
)
TRIAL_SERIES = (("fear_response", "trauma-cue response", "1 = untreated"),)


@dataclass(frozen=True)
class Grid:
    """The controls' levels. Continuous controls (dose, supplement, weight) may be interpolated between
    levels where the measured error allows; the others are categories."""

    dose_mg: tuple[float, ...] = (40.0, 60.0, 80.0, 100.0, 120.0, 140.0, 160.0)
    supplement_mg: tuple[float, ...] = (0.0, 30.0, 60.0)
    weight_kg: tuple[float, ...] = (50.0, 65.0, 80.0, 95.0, 110.0)
    cyp2d6: tuple[str, ...] = PHENOTYPES
    ssri: tuple[str, ...] = ("none", *SSRIS)
    pindolol: tuple[bool, ...] = (False, True)
    carvedilol: tuple[bool, ...] = (False, True)
    checks_per_interval: int = 8  # midpoint runs per pair of neighbouring levels (interpolation check)

    # axis order of the stored arrays: categories first, then the continuous controls
    CATEGORICAL = ("cyp2d6", "ssri", "pindolol", "carvedilol")
    CONTINUOUS = ("weight_kg", "dose_mg", "supplement_mg")

    def levels(self, axis: str) -> tuple:
        return getattr(self, axis)

    @property
    def drug_axes(self) -> tuple[str, ...]:
        return (*self.CATEGORICAL, *self.CONTINUOUS)

    @property
    def placebo_axes(self) -> tuple[str, ...]:
        return (*self.CATEGORICAL, "weight_kg")


SMALL_GRID = Grid(dose_mg=(80.0, 125.0), supplement_mg=(0.0, 60.0), weight_kg=(70.0,), cyp2d6=("poor", "extensive"),
                  ssri=("none", "citalopram", "paroxetine"), checks_per_interval=2)
GRIDS = {"full": Grid(), "small": SMALL_GRID}


@dataclass
class Point:
    """One run: a grid point (or an interpolation check point) of the session."""

    cyp2d6: str
    ssri: str
    pindolol: bool
    carvedilol: bool
    weight_kg: float
    dose_mg: float
    supplement_mg: float


@dataclass
class Built:
    """What :func:`build` measured."""

    path: Path
    size_mb: float
    build_s: float
    simulate_s: float
    runs: int
    check_runs: int
    interpolation_error: dict[str, dict[str, float]]  # control -> output -> max error / range
    interpolated: dict[str, bool]
    failed_runs: int = 0
    notes: list[str] = field(default_factory=list)


# ---- running the grid through the engine ---------------------------------------------------------

def _session_toml(base: Experiment, points: list[Point]) -> str:
    """One experiment (a cohort of ``len(points)`` runs) whose ``cycle`` variations set each run's grid
    point: doses 0-2 the SSRIs' daily doses, 3 pindolol, 4 carvedilol, 5 and 6 MDMA."""
    n = len(points)

    def cycle(values) -> str:
        return "{ dist = \"cycle\", values = [" + ", ".join(json.dumps(v) for v in values) + "] }"

    lines = ["[experiment]", 'name = "explorer-grid"', 'species = "human"', f"duration_h = {DURATION_H}",
             f"output_interval_min = {OUTPUT_STEP_MIN}", f"seed = {base.seed}", "", "[solver]",
             f'method = "{base.solver_method}"', f"rtol = {base.rtol}", f"atol = {base.atol}",
             f"max_steps = {base.max_steps}", "", "[output]", "states = false", ""]
    from sim.protocol import SSRI_DAILY_MG

    doses = [(s, SSRI_DAILY_MG[s], 0.0, "base") for s in SSRIS]
    doses += [("pindolol", PINDOLOL_MG, 0.0, "base"), ("carvedilol", CARVEDILOL_MG, 0.0, "base"),
              ("mdma", 100.0, MDMA_AT_H, "hcl"), ("mdma", 0.0, MDMA_AT_H + SUPPLEMENT_AFTER_H, "hcl")]
    for drug, mg, t, salt in doses:
        lines += ["[[dose]]", f'drug = "{drug}"', f"amount_mg = {mg}", f"time_h = {t}", f'salt = "{salt}"', ""]
    lines += ["[subject]"] + [f"{json.dumps(k)} = {json.dumps(v)}" for k, v in base.subject.items()
                              if k not in ("cyp2d6", "body_weight_kg")]
    amounts = [[SSRI_DAILY_MG[s] if p.ssri == s else 0.0 for p in points] for s in SSRIS]
    amounts += [[PINDOLOL_MG if p.pindolol else 0.0 for p in points],
                [CARVEDILOL_MG if p.carvedilol else 0.0 for p in points],
                [p.dose_mg for p in points], [p.supplement_mg for p in points]]
    lines += ["", "[cohort]", f"size = {n}", "", "[cohort.vary]"]
    lines += [f'"dose.{k}.amount_mg" = {cycle(a)}' for k, a in enumerate(amounts)]
    lines += [f"cyp2d6 = {cycle([p.cyp2d6 for p in points])}",
              f"body_weight_kg = {cycle([p.weight_kg for p in points])}"]
    probes = np.arange(0.0, DURATION_H + 1e-9, PROBE_STEP_H)
    lines += ["", "[amygdala]", 'model = "rate"', f"probes_h = [{', '.join(f'{t:g}' for t in probes)}]",
              'context = "A"', "conditioned = true", "learn = false"]
    return "\n".join(lines) + "\n"


def simulate(base: Experiment, points: list[Point]) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Run ``points`` through the engine: (time (T,), outputs {name: (N, T) or trial name: (N, probes)},
    status (N,)). Runs with an SSRI start from the steady state of three weeks of its daily dose
    (:func:`sim.trial.ssri_steady_state`), computed once per distinct subject."""
    from sim.assembly import model_for
    from sim.cohort import parameter_matrix
    from sim.dosing import dose_events
    from sim.probes import probe_trials
    from sim.protocol import SSRI_DAILY_MG
    from sim.runner import time_grid
    from sim.simulate import Problem, SolverSettings, solve
    from sim.trial import ssri_steady_state
    from sim.units import mg_to_umol

    exp = parse_experiment(_session_toml(base, points), "<explorer grid>")
    model = model_for(exp)
    params = parameter_matrix(exp, model)
    # as sim trial assumes: an SSRI's own CYP2D6 clearance follows the subject's phenotype capacity
    capacity = params[:, model.parameter_index("pk.cyp2d6_capacity")]
    for s in SSRIS:
        if model.has_parameter(f"{s}.cl_2d6"):
            params[:, model.parameter_index(f"{s}.cl_2d6")] *= capacity
    events, _ = dose_events(exp, model, params)
    y0 = np.tile(model.initial_state(), (len(points), 1))
    status = np.zeros(len(points), np.int64)
    for s in SSRIS:
        rows = np.array([i for i, p in enumerate(points) if p.ssri == s], dtype=np.int64)
        if rows.size == 0:
            continue
        unique, inverse = np.unique(params[rows], axis=0, return_inverse=True)
        umol = np.full(unique.shape[0], mg_to_umol(SSRI_DAILY_MG[s], s))
        states, st = ssri_steady_state(exp, model, unique, s, umol)
        y0[rows] = states[inverse.ravel()]
        status[rows] = st[inverse.ravel()]
    t_eval = time_grid(exp)
    traj = solve(Problem(model, params, t_eval, events, SolverSettings.of(exp), y0=y0))
    status = np.where(status == 0, traj.status, status)
    outputs = {name: values for name, (values, _unit, _long) in traj.outputs().items()}
    trials, _, _ = probe_trials(exp, t_eval, outputs, status)
    kept = {name: np.asarray(outputs[name], float) for name, *_ in SERIES}
    kept.update({name: np.asarray(trials[name], float) for name, *_ in TRIAL_SERIES})
    kept["probe_time_h"] = np.asarray(trials["time_h"][0], float)
    return t_eval, kept, status


def _simulate_chunked(base: Experiment, points: list[Point], progress) -> tuple[np.ndarray, dict, np.ndarray]:
    parts = []
    for start in range(0, len(points), CHUNK_RUNS):
        parts.append(simulate(base, points[start:start + CHUNK_RUNS]))
        progress(min(start + CHUNK_RUNS, len(points)), len(points))
    t = parts[0][0]
    names = [k for k in parts[0][1] if k != "probe_time_h"]
    out = {k: np.concatenate([p[1][k] for p in parts]) for k in names}
    out["probe_time_h"] = parts[0][1]["probe_time_h"]
    return t, out, np.concatenate([p[2] for p in parts])


def grid_points(grid: Grid) -> tuple[list[Point], list[Point]]:
    """The drug-session points (C order over :attr:`Grid.drug_axes`) and the placebo points (over
    :attr:`Grid.placebo_axes`, MDMA doses 0)."""
    drug = [Point(c, s, p, k, w, d, u) for c, s, p, k, w, d, u in
            itertools.product(*(grid.levels(a) for a in grid.drug_axes))]
    placebo = [Point(c, s, p, k, w, 0.0, 0.0) for c, s, p, k, w in
               itertools.product(*(grid.levels(a) for a in grid.placebo_axes))]
    return drug, placebo


def check_points(grid: Grid, seed: int = 20) -> list[tuple[str, int, Point]]:
    """Interpolation checks: for each continuous control and each pair of neighbouring levels,
    ``checks_per_interval`` runs at the midpoint, the other controls drawn from the grid (seeded).
    Returns (control, index of the lower level, point)."""
    rng = np.random.default_rng(seed)
    out = []
    for axis in grid.CONTINUOUS:
        levels = grid.levels(axis)
        for j in range(len(levels) - 1):
            for _ in range(grid.checks_per_interval):
                values = {a: grid.levels(a)[rng.integers(len(grid.levels(a)))] for a in grid.drug_axes}
                values[axis] = 0.5 * (levels[j] + levels[j + 1])
                out.append((axis, j, Point(**values)))
    return out


def interpolation_errors(grid: Grid, data: dict[str, np.ndarray], checks, check_data: dict[str, np.ndarray],
                         ranges: dict[str, float]) -> dict[str, dict[str, float]]:
    """Per continuous control and output: the largest |engine - linear interpolation| at the midpoint
    checks, as a fraction of the output's range over the grid."""
    shape = tuple(len(grid.levels(a)) for a in grid.drug_axes)
    errors = {axis: {name: 0.0 for name in ranges} for axis in grid.CONTINUOUS if len(grid.levels(axis)) > 1}
    for k, (axis, j, p) in enumerate(checks):
        index = [grid.levels(a).index(getattr(p, a)) if a != axis else j for a in grid.drug_axes]
        pos = grid.drug_axes.index(axis)
        lo = np.ravel_multi_index(index, shape)
        index[pos] = j + 1
        hi = np.ravel_multi_index(index, shape)
        for name in ranges:
            interp = 0.5 * (data[name][lo] + data[name][hi])
            err = np.nanmax(np.abs(check_data[name][k] - interp)) / ranges[name]
            errors[axis][name] = max(errors[axis][name], float(err))
    return errors


# ---- encoding for the page -------------------------------------------------------------------------

def encode(values: np.ndarray, lo: float, hi: float) -> str:
    """(rows, T) floats -> base64 of gzip of [high bytes | low bytes] of uint16 time differences of the
    values scaled to [lo, hi] (the page's ``decode`` inverts it)."""
    scale = 65535.0 / (hi - lo) if hi > lo else 0.0
    q = np.rint((np.nan_to_num(values, nan=lo) - lo) * scale).clip(0, 65535).astype(np.int64)
    d = np.diff(q, axis=-1, prepend=0).astype(np.uint16)  # mod 2**16
    planes = np.concatenate([(d >> 8).astype(np.uint8).ravel(), (d & 0xFF).astype(np.uint8).ravel()])
    return base64.b64encode(gzip.compress(planes.tobytes(), compresslevel=9, mtime=0)).decode("ascii")


def decode(text: str, rows: int, cols: int, lo: float, hi: float) -> np.ndarray:
    """The inverse of :func:`encode` (what the page does in JavaScript), for tests."""
    planes = np.frombuffer(gzip.decompress(base64.b64decode(text)), np.uint8)
    n = rows * cols
    d = (planes[:n].astype(np.uint16) << 8) | planes[n:].astype(np.uint16)
    q = np.cumsum(d.reshape(rows, cols).astype(np.int64), axis=-1) % 65536
    return lo + q * ((hi - lo) / 65535.0)


# ---- stories: the gallery's guided demonstrations ----------------------------------------------------

@dataclass(frozen=True)
class Story:
    """A guided demonstration: the controls it sets, the grey reference it is compared with (changes on
    top of its controls) and the panels to look at."""

    title: str
    file: str  # in experiments/
    controls: dict
    reference: dict
    look: str


_BASE = {"dose_mg": 125.0, "supplement_mg": 0.0, "cyp2d6": "extensive", "weight_kg": 70.0, "ssri": "none",
         "ssri_taken": False, "pindolol": False, "carvedilol": False, "session": "drug"}
STORIES = (
    Story("Single dose", "single_dose.toml", {}, {"session": "placebo"},
          "plasma MDMA and MDA, CYP2D6 (grey: the placebo session)"),
    Story("Supplemental dose", "supplemental_dose.toml", {"dose_mg": 120.0, "supplement_mg": 60.0},
          {"supplement_mg": 0.0}, "plasma MDMA (grey: without the supplemental dose)"),
    Story("Poor metaboliser", "poor_metabolizer.toml", {"cyp2d6": "poor"}, {"cyp2d6": "extensive"},
          "plasma MDMA, CYP2D6 (grey: an extensive metaboliser)"),
    Story("SSRI blockade", "ssri_pretreatment.toml", {"dose_mg": 105.0, "ssri": "citalopram", "ssri_taken": True},
          {"ssri": "none", "ssri_taken": False}, "extracellular 5-HT, oxytocin (grey: MDMA alone)"),
    Story("Paroxetine double block", "multiday/paroxetine_mdma.toml",
          {"dose_mg": 100.0, "ssri": "paroxetine", "ssri_taken": True}, {"ssri": "none", "ssri_taken": False},
          "plasma MDMA, CYP2D6, extracellular 5-HT (grey: MDMA alone)"),
    Story("Pindolol and oxytocin", "oxytocin_dose_response.toml", {"dose_mg": 105.0, "pindolol": True},
          {"pindolol": False}, "oxytocin, 5-HT1A occupancy (grey: MDMA alone)"),
    Story("Carvedilol and heart rate", "carvedilol.toml", {"carvedilol": True}, {"carvedilol": False},
          "heart rate, blood pressure, temperature (grey: MDMA alone)"),
    Story("Extinction with and without drug", "multiday/extinction_mdma.toml", {}, {"session": "placebo"},
          "the amygdala's response to the trauma cue (grey: the placebo session)"),
)


def header_text(path: Path) -> str:
    """The leading comment of an experiment file (command lines and notes about the folder left out)."""
    lines, aside = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        text = line[1:].strip()
        aside = aside or text.startswith("(In experiments/")  # a note on the folder, not on the science
        if aside:
            aside = not text.endswith(")")
            continue
        if text.startswith("sim "):
            continue
        lines.append(text)
    return " ".join(t for t in lines if t).strip()


def experiments_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "experiments"


def stories(grid: Grid) -> list[dict]:
    folder = experiments_dir()
    out = []
    for s in STORIES:
        path = folder / s.file
        if not path.is_file():
            continue
        controls = _snap({**_BASE, **s.controls}, grid)
        reference = _snap({**_BASE, **s.controls, **s.reference}, grid)
        out.append({"title": s.title, "file": f"experiments/{s.file}", "text": header_text(path), "look": s.look,
                    "controls": controls, "reference": reference})
    return out


def _snap(controls: dict, grid: Grid) -> dict:
    """Controls clipped to the grid's range; categories not in the grid replaced by the first level."""
    c = dict(controls)
    for axis in grid.CONTINUOUS:
        levels = grid.levels(axis)
        c[axis] = float(min(max(c[axis], min(levels)), max(levels)))
    for axis in ("cyp2d6",):
        if c[axis] not in grid.levels(axis):
            c[axis] = grid.levels(axis)[0]
    if c["ssri"] not in grid.ssri:
        c["ssri"], c["ssri_taken"] = "none", False
    return c


def start_controls(exp: Experiment | None, grid: Grid) -> dict:
    """The controls the page opens with: the experiment's first and second MDMA doses, phenotype, body
    weight and co-medications (within the grid), else a 125-mg single dose."""
    c = dict(_BASE)
    if exp is None:
        return _snap(c, grid)
    weight = float(exp.subject.get("body_weight_kg", 70.0))
    c["weight_kg"] = weight
    c["cyp2d6"] = exp.subject.get("cyp2d6", "extensive")
    mdma = [d for d in exp.doses if d.drug == "mdma"]
    mg = [d.amount_mg if d.amount_mg is not None else d.amount_mg_per_kg * weight for d in mdma]
    if mg:
        c["dose_mg"] = mg[0]
        c["supplement_mg"] = mg[1] if len(mg) > 1 else 0.0
        if mg[0] == 0:
            c["session"] = "placebo"
    for d in exp.doses:
        if d.drug in SSRIS:
            c["ssri"], c["ssri_taken"] = d.drug, True
        elif d.drug in ("pindolol", "carvedilol"):
            c[d.drug] = True
    return _snap(c, grid)


# ---- the page ----------------------------------------------------------------------------------------

def plotly_js() -> str:
    """Plotly's minified JavaScript from the ``plotly`` Python package (inlined: the page needs no network)."""
    try:
        from plotly.offline import get_plotlyjs
    except ImportError:
        raise SimInputError("sim explore: the plotly package is missing (pip install plotly)") from None
    return get_plotlyjs()


def _template() -> str:
    return (Path(__file__).resolve().parent / "data" / "explorer.html").read_text(encoding="utf-8")


def page(payload: dict) -> str:
    js = plotly_js().replace("</script", "<\\/script")
    data = json.dumps(payload, separators=(",", ":")).replace("</", "<\\/")
    text = _template()
    text = text.replace("__TITLE__", html.escape(payload["title"]))
    return text.replace("\"__EXPLORER_DATA__\"", data, 1).replace("/*PLOTLY_JS*/", js, 1)


def build(out, experiment: Experiment | None = None, grid: Grid = GRIDS["full"], progress=None) -> Built:
    """Simulate the grid and the interpolation checks, write the page to ``out``; returns what was measured."""
    started = time.perf_counter()
    if experiment is not None and experiment.species != "human":
        raise ConfigError(f"{experiment.source_path}: experiment.species: sim explore shows the human cascade "
                          f"(oxytocin and physiology have human parameters only), got {experiment.species!r}")
    base = experiment if experiment is not None else parse_experiment(
        "[experiment]\nname = \"explorer\"\nduration_h = 1.0\n", "<explorer>")
    base = replace(base, subject={k: v for k, v in base.subject.items()})
    say = progress or (lambda done, total: None)
    drug_pts, placebo_pts = grid_points(grid)
    checks = check_points(grid)
    points = drug_pts + placebo_pts + [p for _, _, p in checks]
    t0 = time.perf_counter()
    t, data, status = _simulate_chunked(base, points, say)
    simulate_s = time.perf_counter() - t0
    n_drug, n_placebo = len(drug_pts), len(placebo_pts)
    names = [n for n, *_ in SERIES] + [n for n, *_ in TRIAL_SERIES]
    grid_rows = slice(0, n_drug + n_placebo)
    ranges, bounds = {}, {}
    for name in names:
        v = data[name][grid_rows]
        lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
        bounds[name] = (lo, hi)
        ranges[name] = hi - lo if hi > lo else 1.0
    check_data = {name: data[name][n_drug + n_placebo:] for name in names}
    errors = interpolation_errors(grid, {n: data[n][:n_drug] for n in names}, checks, check_data, ranges)
    interpolated = {axis: len(grid.levels(axis)) > 1 and axis in errors
                    and max(errors[axis].values()) < MAX_INTERPOLATION_ERROR for axis in grid.CONTINUOUS}
    failed = int((status[grid_rows] != 0).sum())
    series = {}
    for name in names:
        lo, hi = bounds[name]
        series[name] = {"lo": lo, "hi": hi, "drug": encode(data[name][:n_drug], lo, hi),
                        "placebo": encode(data[name][n_drug:n_drug + n_placebo], lo, hi)}
    # drug-free reference of the transmitter panel: the subject without drugs at t = 0 (first placebo point
    # with no SSRI)
    ref = next(i for i, p in enumerate(placebo_pts) if p.ssri == "none" and not p.pindolol and not p.carvedilol)
    baseline = {n: float(data[n][n_drug + ref, 0]) for n in ("ec_serotonin", "ec_dopamine", "ec_norepinephrine")}
    title = "neuropharm-sim explorer" + (f": {experiment.name}" if experiment is not None else "")
    intro = header_text(Path(experiment.source_path)) if experiment is not None and \
        Path(experiment.source_path).is_file() else ""
    from sim import plots, provenance

    payload = {
        "title": title, "intro": intro,
        "time_h": [round(float(x) - MDMA_AT_H, 6) for x in t],
        "probe_time_h": [round(float(x) - MDMA_AT_H, 6) for x in data["probe_time_h"]],
        "axes": {a: list(grid.levels(a)) for a in grid.drug_axes}, "drug_axes": list(grid.drug_axes),
        "placebo_axes": list(grid.placebo_axes), "series": series,
        "labels": {n: [label, unit] for n, label, unit in (*SERIES, *TRIAL_SERIES)},
        "colours": {n: plots.colour(n) for n in names},  # the colours of `sim plot`, checked for colour-blind readers
        "baseline": baseline, "interpolated": interpolated,
        "interpolation_error": errors, "max_interpolation_error": MAX_INTERPOLATION_ERROR,
        "start": start_controls(experiment, grid), "stories": stories(grid),
        "session": {"mdma_at_h": MDMA_AT_H, "supplement_after_h": SUPPLEMENT_AFTER_H, "pindolol_mg": PINDOLOL_MG,
                    "carvedilol_mg": CARVEDILOL_MG, "ssri_daily_mg": _ssri_daily()},
        "provenance": {"git_commit": provenance.git_commit(), "created": provenance.now_utc(),
                       "runs": len(points), "failed_runs": failed},
    }
    text = page(payload)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    size_mb = out.stat().st_size / 1e6
    notes = []
    if experiment is not None and (experiment.cohort_size > 1 or experiment.cohort_vary):
        notes.append(f"{experiment.source_path}: cohort: the page shows one subject; the page starts from the "
                     "experiment's [subject] and doses, its [cohort] is not used")
    if size_mb > MAX_FILE_MB:
        notes.append(f"the page is {size_mb:.1f} MB, over the {MAX_FILE_MB:g} MB aim: use a smaller grid")
    return Built(out, size_mb, time.perf_counter() - started, simulate_s, n_drug + n_placebo, len(checks), errors,
                 interpolated, failed, notes)


def _ssri_daily() -> dict:
    from sim.protocol import SSRI_DAILY_MG

    return dict(SSRI_DAILY_MG)


def print_progress(done: int, total: int) -> None:
    print(f"sim: explore: {done} of {total} runs simulated", file=sys.stderr, flush=True)


def format_errors(built: Built) -> str:
    """The interpolation check as a table: control, output, largest error (% of the output's range)."""
    rows = [f"{'control':<14} {'interpolated':<12} worst outputs (max |engine - interpolation| / range)"]
    for axis, errs in built.interpolation_error.items():
        worst = sorted(errs.items(), key=lambda kv: -kv[1])[:4]
        rows.append(f"{axis:<14} {('yes' if built.interpolated[axis] else 'no'):<12} "
                    + ", ".join(f"{n} {100 * e:.2f} %" for n, e in worst))
    return "\n".join(rows)
