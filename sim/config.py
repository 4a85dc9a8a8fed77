"""Experiment TOML -> validated :class:`Experiment` (docs/experiment-format.md). No numerics here.

Every problem is reported as one line ``FILE: KEY: what is wrong``. Parameter names in
``[subject]`` and ``[cohort.vary]`` are checked against the model later, by :mod:`sim.runner`.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import ConfigError, closest, nearest
from sim.kinetics.drugs import DEFAULT_DRUG, LIBRARY

SPECIES = ("human", "rat", "mouse")
ROUTES = ("oral", "iv", "ip", "sc", "intranasal")
SALTS = ("hcl", "base")
PHENOTYPES = ("poor", "intermediate", "extensive", "ultrarapid")
AMYGDALA_MODELS = ("none", "rate", "spiking")
PRECISIONS = ("float32", "float64")
DISTRIBUTIONS = ("lognormal", "normal", "uniform", "categorical", "cycle")
SWEEP_METHODS = ("grid", "lhs", "sobol")
SOLVER_METHODS = ("rodas4", "bdf")  # keys of sim.solver.ensemble.SOLVERS
SOLVER_BACKENDS = ("cpu", "cuda")  # sim.solver.ensemble.BACKENDS
JACOBIANS = ("analytic", "finite-difference")  # sim.simulate.SolverSettings.jacobian


@dataclass(frozen=True)
class Dose:
    """One administration. ``amount_mg`` is of the salt named by ``salt`` (MDMA: hydrochloride)."""

    drug: str
    time_h: float
    route: str
    amount_mg: float | None = None
    amount_mg_per_kg: float | None = None
    salt: str = "hcl"


@dataclass(frozen=True)
class Variation:
    """A between-subject distribution of one named parameter or subject key."""

    dist: str
    cv: float | None = None
    sd: float | None = None
    low: float | None = None
    high: float | None = None
    values: tuple = ()
    weights: tuple[float, ...] = ()


@dataclass(frozen=True)
class Amygdala:
    """``[amygdala]``: the fear circuit probed with trauma-cue trials after the cascade is solved.

    ``probes_h``: probe-trial times (h; default hourly over the run, set by :func:`_validate`);
    ``context``: where the cue is presented ("A" = the conditioning context); ``conditioned``: start
    from the untreated conditioned trauma memory (:func:`sim.amygdala.conditioned_weights`), else
    from naive weights; ``learn``: let probe trials teach (off: they measure only); ``scale``: size of
    the spiking network (population sizes times scale).
    """

    model: str = "none"
    probes_h: tuple[float, ...] = ()
    context: str = "A"
    conditioned: bool = True
    learn: bool = False
    scale: float = 0.1
    threads: int = 1


@dataclass(frozen=True)
class SessionSpec:
    """``[[protocol.session]]``: one therapy session declared in the file (replaces the protocol's own list).
    ``kind``: preparation | drug | integration; ``day`` from the first session; ``exposures_h``: the times
    (h within the session) of trauma-cue exposure."""

    kind: str
    day: float
    duration_h: float = 1.5
    exposures_h: tuple[float, ...] = ()


@dataclass(frozen=True)
class ProtocolSpec:
    """``[protocol]``: a therapy protocol by name (:mod:`sim.protocol`), the arm ``sim run`` simulates,
    overrides of the protocol's own settings (keys of :data:`sim.protocol.OVERRIDABLE`) and, optionally,
    its sessions declared in the file."""

    name: str
    arm: str = DEFAULT_DRUG
    overrides: dict[str, Any] = field(default_factory=dict)
    sessions: tuple[SessionSpec, ...] = ()


@dataclass(frozen=True)
class Experiment:
    """A validated experiment. ``source_text`` is the file as read; ``overrides`` the --set pairs."""

    name: str
    duration_h: float
    output_interval_min: float = 1.0
    species: str = "human"
    seed: int = 0
    description: str = ""
    doses: tuple[Dose, ...] = ()
    subject: dict[str, Any] = field(default_factory=dict)
    amygdala: Amygdala = field(default_factory=Amygdala)
    cohort_size: int = 1
    cohort_vary: dict[str, Variation] = field(default_factory=dict)
    sweep: dict[str, Any] = field(default_factory=dict)
    protocol: ProtocolSpec | None = None
    arms: tuple = ()                      # sim.protocol.Arm, from [[arm]]
    reference: dict[str, Any] = field(default_factory=dict)   # [reference]: a trial's published endpoints
    caps5_baseline_mean: float = 44.0
    caps5_baseline_sd: float = 6.0
    trauma_strength_cv: float = 0.0
    prior_ssri_fraction: float = 0.0
    rtol: float = 1e-6
    atol: float = 1e-9
    max_steps: int = 200_000
    solver_method: str = "rodas4"
    solver_jacobian: str = "analytic"
    solver_backend: str = "cpu"
    precision: str = "float32"
    save_states: bool = True
    source_text: str = ""
    source_path: str = "<string>"
    overrides: tuple[tuple[str, Any], ...] = ()

    def solver_settings(self) -> dict[str, Any]:
        """The [solver] settings as recorded in result files."""
        return {"method": self.solver_method, "rtol": self.rtol, "atol": self.atol, "max_steps": self.max_steps,
                "jacobian": self.solver_jacobian, "backend": self.solver_backend}


# ---- reading and overriding -----------------------------------------------------------------

def load_experiment(path, overrides: dict[str, Any] | None = None) -> Experiment:
    """Read, override (``{"dose.0.amount_mg": 80}``) and validate an experiment file."""
    path = Path(path)
    try:
        if path.is_file() and path.stat().st_size > MAX_EXPERIMENT_BYTES:
            raise ConfigError(f"{path}: {path.stat().st_size / 1e6:.0f} MB is too large for an experiment file "
                              "(a TOML text file)")
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read experiment file ({exc.strerror or exc})") from None
    return parse_experiment(decode_text(raw, path), str(path), overrides)


MAX_EXPERIMENT_BYTES = 10_000_000


def decode_text(raw: bytes, path) -> str:
    """The text of an experiment file: UTF-8 TOML (the TOML standard's only encoding), no binary data."""
    if len(raw) > MAX_EXPERIMENT_BYTES:
        raise ConfigError(f"{path}: {len(raw) / 1e6:.0f} MB is too large for an experiment file (a TOML text file)")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise ConfigError(f"{path}: binary data (NUL byte at offset {nul}); an experiment is a UTF-8 TOML text file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save the "
                          "experiment as UTF-8 TOML") from None


def parse_experiment(text: str, source: str = "<string>", overrides: dict[str, Any] | None = None) -> Experiment:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: malformed TOML: {exc}") from None
    overrides = dict(overrides or {})
    for key, value in overrides.items():
        _apply_override(data, key, value, source)
    return _validate(data, text, source, tuple(overrides.items()))


def override_label(overrides) -> str:
    """``--set`` overrides as one short label: ``dose.0.amount_mg=80,cohort.size=50``."""
    return ",".join(f"{k}={_short(v)}" for k, v in dict(overrides).items())


def _short(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return text if len(text) <= 24 else text[:21] + "..."


def parse_override(pair: str) -> tuple[str, Any]:
    """``KEY=VALUE`` from the command line; VALUE is read as a TOML value, else as a string."""
    if "=" not in pair:
        raise ConfigError(f"--set {pair}: expected KEY=VALUE")
    key, raw = pair.split("=", 1)
    key = key.strip()
    if not key:
        raise ConfigError(f"--set {pair}: empty key")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key, value


def _apply_override(data: dict, key: str, value: Any, source: str) -> None:
    parts = key.split(".")
    if parts[0] == "subject" and len(parts) > 1:  # parameter names are dotted themselves
        subject = data.setdefault("subject", {})
        if not isinstance(subject, dict):
            raise ConfigError(f"{source}: --set {key}: subject is not a table")
        subject[".".join(parts[1:])] = value
        return
    node: Any = data
    for i, part in enumerate(parts):
        where = ".".join(parts[: i + 1])
        last = i == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ConfigError(f"{source}: --set {key}: no entry {where}")
            if last:
                node[int(part)] = value
            else:
                node = node[int(part)]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            elif part in node:
                node = node[part]
            elif part != "dose":
                node = node.setdefault(part, {})
            else:
                raise ConfigError(f"{source}: --set {key}: no entry {where}")
        else:
            raise ConfigError(f"{source}: --set {key}: {where} is not a table")


# ---- validation helpers ---------------------------------------------------------------------

class _Checker:
    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, problem: str):
        raise ConfigError(f"{self.source}: {key}: {problem}")

    def table(self, data: dict, key: str, allowed: tuple[str, ...], where: str) -> dict:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.fail(where, f"must be a table, got {type(value).__name__}")
        for k in value:
            if k not in allowed:
                self.fail(f"{where}.{k}", f"unknown key; {closest(k, allowed, listed=12)}")
        return value

    def number(self, table: dict, key: str, where: str, default=None, *, minimum=None, positive=False,
               maximum=None) -> float | None:
        if key not in table:
            if default is _REQUIRED:
                self.fail(f"{where}.{key}", "missing (required)")
            return default
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"{where}.{key}", f"must be a number, got {type(value).__name__} {_clip(value)}")
        value = float(value)
        if math.isnan(value) or math.isinf(value):
            self.fail(f"{where}.{key}", f"must be finite, got {value}")
        if positive and value <= 0:
            self.fail(f"{where}.{key}", f"must be > 0, got {value:g}")
        if minimum is not None and value < minimum:
            self.fail(f"{where}.{key}", f"must be >= {minimum:g}, got {value:g}")
        if maximum is not None and value > maximum:
            self.fail(f"{where}.{key}", f"must be <= {maximum:g}, got {value:g}")
        return value

    def integer(self, table: dict, key: str, where: str, default: int, minimum: int,
                maximum: int = 2**63 - 1) -> int:
        if key not in table:
            return default
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{where}.{key}", f"must be an integer, got {type(value).__name__} {_clip(value)}")
        if value < minimum:
            self.fail(f"{where}.{key}", f"must be >= {minimum}, got {_clip(value)}")
        if value > maximum:
            self.fail(f"{where}.{key}", f"must be <= {maximum:,}, got {_clip(value)}")
        return value

    def choice(self, table: dict, key: str, where: str, options: tuple[str, ...], default: str) -> str:
        value = table.get(key, default)
        if not isinstance(value, str) or value.lower() not in options:
            near = nearest(value.lower(), options) if isinstance(value, str) else []
            hint = f"; did you mean {near[0]!r}?" if near else ""
            self.fail(f"{where}.{key}", f"must be one of {', '.join(options)}, got {_clip(value)}{hint}")
        return value.lower()

    def string(self, table: dict, key: str, where: str, default: str) -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            self.fail(f"{where}.{key}", f"must be a string, got {type(value).__name__}")
        return value


_REQUIRED = object()


def _clip(value, limit: int = 60) -> str:
    """``repr`` of a user's value, cut to one short line."""
    text = repr(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."
_TOP = ("experiment", "dose", "subject", "amygdala", "protocol", "arm", "reference", "cohort", "sweep", "solver",
        "output")


def flatten(table: dict, prefix: str = "") -> dict[str, Any]:
    """``{"pk": {"ka": 1}}`` -> ``{"pk.ka": 1}`` (so bare dotted TOML keys work too)."""
    flat = {}
    for k, v in table.items():
        name = f"{prefix}{k}"
        if isinstance(v, dict):
            flat.update(flatten(v, name + "."))
        else:
            flat[name] = v
    return flat


def _validate(data: dict, text: str, source: str, overrides) -> Experiment:
    c = _Checker(source)
    for k in data:
        if k not in _TOP:
            c.fail(k, f"unknown table; {closest(k, _TOP, listed=12)}")
    exp = c.table(data, "experiment", ("name", "species", "duration_h", "output_interval_min", "seed",
                                       "description"), "experiment")
    if "experiment" not in data:
        c.fail("experiment", "missing table [experiment]")
    name = c.string(exp, "name", "experiment", Path(source).stem)
    label = override_label((k, v) for k, v in overrides if k != "experiment.name")
    if label:  # titles and reports say what was changed
        name = f"{name} [{label}]"
    duration = c.number(exp, "duration_h", "experiment", _REQUIRED, positive=True, maximum=MAX_DURATION_H)
    interval = c.number(exp, "output_interval_min", "experiment", 1.0, positive=True)
    if interval / 60.0 > duration:
        c.fail("experiment.output_interval_min", f"{interval:g} min is longer than the run ({duration:g} h)")
    if duration * 60.0 / interval > 5e6:
        c.fail("experiment.output_interval_min", "more than 5 million output times; raise the interval")
    species = c.choice(exp, "species", "experiment", SPECIES, "human")
    seed = c.integer(exp, "seed", "experiment", 0, 0, 2**63 - 1)
    description = c.string(exp, "description", "experiment", "")

    doses = _validate_doses(c, data.get("dose", []), duration)

    subject_raw = data.get("subject", {})
    if not isinstance(subject_raw, dict):
        c.fail("subject", "must be a table")
    subject = flatten(subject_raw)
    for k, v in subject.items():
        if k == "cyp2d6":
            if not isinstance(v, str) or v.lower() not in PHENOTYPES:
                c.fail(f"subject.{k}", f"must be one of {', '.join(PHENOTYPES)}, got {v!r}")
            subject[k] = v.lower()
        else:
            c.number(subject, k, "subject", None, minimum=0.0)
            subject[k] = float(v)

    amygdala = _validate_amygdala(c, data, duration)
    steps = duration * 60.0 / interval
    if amygdala.model != "none" and abs(steps - round(steps)) > 1e-6:
        c.fail("experiment.output_interval_min", f"the amygdala needs a uniform time grid: the run ({duration:g} h) "
               f"must be a whole number of output intervals ({interval:g} min)")
    arms = _validate_arms(c, data.get("arm", []))
    protocol = _validate_protocol(c, data, arms) if "protocol" in data else None
    if arms and protocol is None:
        c.fail("arm", "trial arms need a [protocol] (the sessions they are given in)")
    reference = _validate_reference(c, data, arms) if "reference" in data else {}
    if reference and protocol is None:
        c.fail("reference", "published trial endpoints need a [protocol] (the trial they describe)")

    cohort = c.table(data, "cohort", ("size", "vary", "caps5_baseline_mean", "caps5_baseline_sd",
                                      "trauma_strength_cv", "prior_ssri_fraction"), "cohort")
    size = c.integer(cohort, "size", "cohort", 1, 1, MAX_COHORT)
    caps_mean = c.number(cohort, "caps5_baseline_mean", "cohort", 44.0, minimum=0.0, maximum=80.0)
    caps_sd = c.number(cohort, "caps5_baseline_sd", "cohort", 6.0, minimum=0.0, maximum=40.0)
    trauma_cv = c.number(cohort, "trauma_strength_cv", "cohort", 0.0, minimum=0.0, maximum=2.0)
    ssri_fraction = c.number(cohort, "prior_ssri_fraction", "cohort", 0.0, minimum=0.0, maximum=1.0)
    vary_raw = cohort.get("vary", {})
    if not isinstance(vary_raw, dict):
        c.fail("cohort.vary", "must be a table")
    vary = {k: _validate_variation(c, k, v) for k, v in _flatten_variations(vary_raw).items()}

    sweep = c.table(data, "sweep", ("method", "samples", "ranges", "factors", "seed", "chunk_runs",
                                     "summaries_only", "compress"), "sweep")
    if sweep:
        c.choice(sweep, "method", "sweep", SWEEP_METHODS, "sobol")
        c.integer(sweep, "samples", "sweep", 1, 1, MAX_COHORT)
        c.integer(sweep, "seed", "sweep", 0, 0, 2**32 - 1)
        c.integer(sweep, "chunk_runs", "sweep", 1, 1, MAX_COHORT)
        for flag in ("summaries_only", "compress"):
            if not isinstance(sweep.get(flag, False), bool):
                c.fail(f"sweep.{flag}", "must be true or false")
        for part in ("ranges", "factors"):
            for k, v in flatten(sweep.get(part, {})).items() if isinstance(sweep.get(part, {}), dict) else []:
                if (not isinstance(v, list) or len(v) != 2
                        or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in v)
                        or not v[0] < v[1]):
                    c.fail(f"sweep.{part}.{k}", f"must be [low, high] with low < high, got {v!r}")

    solver = c.table(data, "solver", ("method", "rtol", "atol", "max_steps", "jacobian", "backend"), "solver")
    solver_method = c.choice(solver, "method", "solver", SOLVER_METHODS, "rodas4")
    solver_jacobian = c.choice(solver, "jacobian", "solver", JACOBIANS, "analytic")
    solver_backend = c.choice(solver, "backend", "solver", SOLVER_BACKENDS, "cpu")
    if solver_backend == "cuda":
        if solver_method != "rodas4":
            c.fail("solver.backend", f"'cuda' integrates with method 'rodas4' only, got method {solver_method!r}")
        from sim.gpu import unavailable_reason

        reason = unavailable_reason()
        if reason:
            c.fail("solver.backend", f"'cuda' cannot run here: {reason}")
    rtol = c.number(solver, "rtol", "solver", 1e-6, positive=True, maximum=0.1)
    atol = c.number(solver, "atol", "solver", 1e-9, positive=True)
    max_steps = c.integer(solver, "max_steps", "solver", 200_000, 10, 10**9)

    output = c.table(data, "output", ("precision", "states"), "output")
    precision = c.choice(output, "precision", "output", PRECISIONS, "float32")
    save_states = output.get("states", True)
    if not isinstance(save_states, bool):
        c.fail("output.states", f"must be true or false, got {_clip(save_states)}")
    values = size * (duration * 60.0 / interval + 1) * (max(len(arms), 2) if protocol is not None else 1)
    if values > MAX_OUTPUT_VALUES:
        c.fail("cohort.size" if size > 1 else "experiment.output_interval_min",
               f"{size:,} runs x {duration * 60.0 / interval + 1:,.0f} output times is more than "
               f"{MAX_OUTPUT_VALUES:,.0f} values per output; use fewer runs, a shorter run or a longer interval")
    _hard_limits(c, doses, subject, species)
    for i, arm in enumerate(arms):
        _hard_limits(c, arm.doses, subject, species, f"arm.{i}.dose")

    return Experiment(
        name=name, duration_h=duration, output_interval_min=interval, species=species, seed=seed,
        description=description, doses=doses, subject=subject, amygdala=amygdala,
        cohort_size=size, cohort_vary=vary, sweep=dict(sweep), protocol=protocol, arms=arms, reference=reference,
        caps5_baseline_mean=caps_mean, caps5_baseline_sd=caps_sd, trauma_strength_cv=trauma_cv,
        prior_ssri_fraction=ssri_fraction, rtol=rtol, atol=atol, max_steps=max_steps, solver_method=solver_method,
        solver_jacobian=solver_jacobian, solver_backend=solver_backend,
        precision=precision, save_states=save_states, source_text=text, source_path=source,
        overrides=overrides,
    )


PROTOCOL_ARMS = (DEFAULT_DRUG, "placebo")
TIME_DECIMALS = 9  # dose times are kept to 1e-9 h (3.6 us): a subnormal time would break the step control
MAX_DURATION_H = 10 * 365 * 24.0  # ten years: beyond anything the model describes
MAX_COHORT = 1_000_000
MAX_OUTPUT_VALUES = 2e9  # per output: 8 GB in float32


# ---- the ranges the model was validated for (warnings) and hard limits (refusals) ---------------

REFERENCE_WEIGHT_KG = {"human": 70.0, "rat": 0.3, "mouse": 0.025}  # MDMA PK presets' body weights (drugs/mdma.py)
# validated dose ranges and hard limits are the drug library's (Drug.validated_doses, Drug.hard_limit_mg_per_kg)
VALIDATED_BODY_WEIGHT = {
    "human": (50.0, 100.0, "assumed: adults of the PK targets, Mas 1999, de la Torre 2000"),
    "rat": (0.25, 0.45, "Baumann 2009: 300-400 g rats"),
    "mouse": (0.018, 0.035, "assumed: adult mice of 20-30 g"),
}
VALIDATED_DURATION_H = (240.0, "the longest single-run target: CYP2D6 recovery, O'Mathuna 2008")


def _weight(subject: dict, species: str) -> float:
    default = REFERENCE_WEIGHT_KG.get(species, 70.0)
    return float(subject.get("body_weight_kg", subject.get("pk.body_weight_kg", default)))


def _hard_limits(c: _Checker, doses, subject: dict, species: str, where: str = "dose") -> None:
    weight = _weight(subject, species)
    for i, d in enumerate(doses):
        drug = LIBRARY.get(d.drug)
        if drug is None or drug.hard_limit_mg_per_kg is None:
            continue
        per_kg = d.amount_mg_per_kg if d.amount_mg_per_kg is not None else d.amount_mg / weight
        if per_kg > drug.hard_limit_mg_per_kg:
            key = "amount_mg_per_kg" if d.amount_mg_per_kg is not None else "amount_mg"
            c.fail(f"{where}.{i}.{key}", f"{per_kg:.4g} mg/kg is beyond the hard limit of "
                   f"{drug.hard_limit_mg_per_kg:g} mg/kg ({drug.hard_limit_source}); refused")


def range_warnings(exp: Experiment) -> list[str]:
    """One line per setting outside the range the model was validated for (the run goes ahead)."""
    out = []
    src = exp.source_path
    weight = _weight(exp.subject, exp.species)
    for i, d in enumerate(exp.doses):
        drug = LIBRARY.get(d.drug)
        if drug is None or exp.species not in drug.validated_doses:
            continue
        low, high, unit, source = drug.validated_doses[exp.species]
        if unit == "mg":
            value = d.amount_mg if d.amount_mg is not None else d.amount_mg_per_kg * weight
            key = "amount_mg" if d.amount_mg is not None else "amount_mg_per_kg"
        else:
            value = d.amount_mg_per_kg if d.amount_mg_per_kg is not None else d.amount_mg / weight
            key = "amount_mg_per_kg" if d.amount_mg_per_kg is not None else "amount_mg"
        if not low <= value <= high:
            out.append(f"{src}: dose.{i}.{key}: {value:.4g} {unit} of {d.drug.upper()} is outside the validated range "
                       f"{low:g}-{high:g} {unit} ({source}): extrapolation")
    low, high, source = VALIDATED_BODY_WEIGHT.get(exp.species, (0.0, math.inf, ""))
    if not low <= weight <= high:
        out.append(f"{src}: subject.body_weight_kg: {weight:g} kg is outside the validated range {low:g}-{high:g} kg "
                   f"({source}): extrapolation")
    if exp.protocol is None and exp.duration_h > VALIDATED_DURATION_H[0]:
        out.append(f"{src}: experiment.duration_h: {exp.duration_h:g} h is longer than the validated "
                   f"{VALIDATED_DURATION_H[0]:g} h ({VALIDATED_DURATION_H[1]}): extrapolation")
    return out


def _validate_protocol(c: _Checker, data: dict, arms: tuple = ()) -> ProtocolSpec:
    from sim.protocol import OVERRIDABLE, PROTOCOLS, SESSION_KINDS

    table = c.table(data, "protocol", ("name", "arm", "session", *OVERRIDABLE), "protocol")
    name = c.string(table, "name", "protocol", "")
    if name not in PROTOCOLS:
        c.fail("protocol.name", f"unknown protocol {name!r} (known: {', '.join(PROTOCOLS)})")
    names = tuple(a.name for a in arms) or PROTOCOL_ARMS
    arm = table.get("arm", names[-1] if arms else DEFAULT_DRUG)
    if arm not in names:
        c.fail("protocol.arm", f"must be one of {', '.join(names)}, got {_clip(arm)}")
    sessions = _validate_sessions(c, table.get("session", []), SESSION_KINDS)
    if sessions and not arms:
        c.fail("protocol.session", "declared sessions carry no doses: declare the arms with [[arm]] and [[arm.dose]]")
    overrides = {}
    for key, (kind, low, high) in OVERRIDABLE.items():
        if key not in table:
            continue
        if kind == "context":
            if table[key] not in AMYGDALA_CONTEXTS:
                c.fail(f"protocol.{key}", f"must be one of {', '.join(AMYGDALA_CONTEXTS)}, got {table[key]!r}")
            overrides[key] = table[key]
        elif kind == "choice":
            if table[key] not in low:
                c.fail(f"protocol.{key}", f"must be one of {', '.join(low)}, got {table[key]!r}")
            overrides[key] = table[key]
        elif kind == "bool":
            if not isinstance(table[key], bool):
                c.fail(f"protocol.{key}", f"must be true or false, got {table[key]!r}")
            overrides[key] = table[key]
        elif kind == "list":
            raw = table[key]
            if (not isinstance(raw, list) or not raw
                    or not all(isinstance(v, int | float) and not isinstance(v, bool) and low <= v <= high
                               for v in raw)):
                c.fail(f"protocol.{key}", f"must be a non-empty list of numbers in [{low:g}, {high:g}], got {raw!r}")
            overrides[key] = tuple(float(v) for v in raw)
        elif kind == "int":
            overrides[key] = c.integer(table, key, "protocol", 0, int(low))
            if overrides[key] > high:
                c.fail(f"protocol.{key}", f"must be <= {high:g}, got {overrides[key]}")
        else:
            overrides[key] = c.number(table, key, "protocol", None, minimum=low, maximum=high)
    return ProtocolSpec(name=name, arm=arm, overrides=overrides, sessions=sessions)


def _array_of_tables(c: _Checker, value, where: str) -> list:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        c.fail(where, f"must be an array of tables [[{where}]]")
    return value


def _number_list(c: _Checker, table: dict, key: str, where: str, low: float, high: float) -> tuple[float, ...]:
    raw = table.get(key, [])
    if (not isinstance(raw, list) or not all(isinstance(v, int | float) and not isinstance(v, bool)
                                             and math.isfinite(v) and low <= v <= high for v in raw)):
        c.fail(f"{where}.{key}", f"must be a list of numbers in [{low:g}, {high:g}], got {_clip(raw)}")
    return tuple(float(v) for v in raw)


def _validate_sessions(c: _Checker, raw, kinds: tuple[str, ...]) -> tuple[SessionSpec, ...]:
    out = []
    for i, t in enumerate(_array_of_tables(c, raw, "protocol.session")):
        where = f"protocol.session.{i}"
        c.table({"s": t}, "s", ("kind", "day", "duration_h", "exposures_h"), where)
        kind = c.choice(t, "kind", where, kinds, "")
        day = c.number(t, "day", where, _REQUIRED, minimum=0.0, maximum=3650.0)
        duration = c.number(t, "duration_h", where, 8.0 if kind == "drug" else 1.5, positive=True, maximum=24.0)
        exposures = _number_list(c, t, "exposures_h", where, 0.0, duration)
        out.append(SessionSpec(kind, day, duration, exposures))
    return tuple(sorted(out, key=lambda s: s.day))


ARM_DOSE_KEYS = ("drug", "amount_mg", "amount_mg_per_kg", "time_h", "route", "salt", "probability", "sessions")
DAILY_KEYS = ("drug", "amount_mg", "from_day", "to_day", "times_per_day", "salt")


def _drug_tables(c: _Checker, raw, where: str, keys: tuple[str, ...]):
    """(key path, table, drug name) of each table of an array of tables that names a drug."""
    for j, d in enumerate(_array_of_tables(c, raw, where)):
        w = f"{where}.{j}"
        c.table({"d": d}, "d", keys, w)
        drug = c.string(d, "drug", w, "").lower()
        if not drug:
            c.fail(f"{w}.drug", "missing (required)")
        yield w, d, drug


def _validate_arms(c: _Checker, raw) -> tuple:
    from sim.protocol import Arm, ArmDose, DailyDose

    arms = []
    for i, a in enumerate(_array_of_tables(c, raw, "arm")):
        where = f"arm.{i}"
        c.table({"a": a}, "a", ("name", "dose", "daily"), where)
        name = c.string(a, "name", where, "")
        if not name.isidentifier():
            c.fail(f"{where}.name", f"must be a name of letters, digits and _, got {_clip(name)}")
        if name in (x.name for x in arms):
            c.fail(f"{where}.name", f"arm {name!r} is declared twice")
        doses = []
        for w, d, drug in _drug_tables(c, a.get("dose", []), f"{where}.dose", ARM_DOSE_KEYS):
            if ("amount_mg" in d) == ("amount_mg_per_kg" in d):
                c.fail(w, "give exactly one of amount_mg or amount_mg_per_kg")
            sessions = d.get("sessions", [])
            if (not isinstance(sessions, list)
                    or not all(isinstance(k, int) and not isinstance(k, bool) and k >= 1 for k in sessions)):
                c.fail(f"{w}.sessions", f"must be a list of drug-session numbers (1, 2, ...), got {_clip(sessions)}")
            doses.append(ArmDose(drug, c.number(d, "time_h", w, 0.0, minimum=0.0, maximum=24.0),
                                 c.choice(d, "route", w, ROUTES, "oral"),
                                 c.number(d, "amount_mg", w, None, minimum=0.0),
                                 c.number(d, "amount_mg_per_kg", w, None, minimum=0.0),
                                 c.choice(d, "salt", w, SALTS, "hcl"),
                                 c.number(d, "probability", w, 1.0, minimum=0.0, maximum=1.0), tuple(sessions)))
        daily = []
        for w, d, drug in _drug_tables(c, a.get("daily", []), f"{where}.daily", DAILY_KEYS):
            from_day = c.number(d, "from_day", w, 0.0, minimum=0.0, maximum=3650.0)
            to_day = c.number(d, "to_day", w, None, minimum=from_day, maximum=3650.0)
            daily.append(DailyDose(drug, c.number(d, "amount_mg", w, _REQUIRED, minimum=0.0), from_day, to_day,
                                   c.integer(d, "times_per_day", w, 1, 1, 24), c.choice(d, "salt", w, SALTS, "base")))
        arms.append(Arm(name, tuple(doses), tuple(daily)))
    return tuple(arms)


REFERENCE_ARM_KEYS = ("caps5_change_mean", "caps5_change_sd", "no_diagnosis")


def _validate_reference(c: _Checker, data: dict, arms: tuple) -> dict:
    """``[reference]``: the published endpoints of the trial an experiment reproduces (``name``, ``source``,
    optional ``cohens_d``, and ``[reference.arm.<name>]`` with the CAPS-5 change at the primary endpoint, mean and SD,
    and the share no longer meeting the diagnosis), keyed by the experiment's own arm names."""
    table = c.table(data, "reference", ("name", "source", "cohens_d", "arm"), "reference")
    out = {"name": c.string(table, "name", "reference", "published"),
           "source": c.string(table, "source", "reference", "")}
    if not out["source"]:
        c.fail("reference.source", "missing (required): the publication the endpoints come from")
    d = c.number(table, "cohens_d", "reference", None)
    if d is not None:
        out["cohens_d"] = d
    names = tuple(a.name for a in arms) or PROTOCOL_ARMS
    per_arm = c.table(table, "arm", names, "reference.arm")
    out["arm"] = {}
    for name in per_arm:
        where = f"reference.arm.{name}"
        entry = c.table(per_arm, name, REFERENCE_ARM_KEYS, where)
        out["arm"][name] = {"caps5_change_mean": c.number(entry, "caps5_change_mean", where, _REQUIRED,
                                                          minimum=-80.0, maximum=80.0),
                            "caps5_change_sd": c.number(entry, "caps5_change_sd", where, _REQUIRED, minimum=0.0,
                                                        maximum=80.0),
                            "no_diagnosis": c.number(entry, "no_diagnosis", where, None, minimum=0.0, maximum=1.0)}
    return out



AMYGDALA_KEYS = ("model", "probes_h", "context", "conditioned", "learn", "scale", "threads")
AMYGDALA_CONTEXTS = ("A", "B", "none")
MAX_PROBES = 10_000
MAX_SPIKING_SCALE = 16.0
MAX_AMYGDALA_THREADS = 256


def _validate_amygdala(c: _Checker, data: dict, duration: float) -> Amygdala:
    amyg = c.table(data, "amygdala", AMYGDALA_KEYS, "amygdala")
    model = c.choice(amyg, "model", "amygdala", AMYGDALA_MODELS, "none")
    if model == "none":
        extra = [k for k in amyg if k != "model"]
        if extra:
            c.fail(f"amygdala.{extra[0]}", "needs model = \"rate\" or \"spiking\" (the amygdala is off)")
        return Amygdala()
    if "probes_h" in amyg:
        raw = amyg["probes_h"]
        if not isinstance(raw, list) or not raw:
            c.fail("amygdala.probes_h", f"must be a non-empty list of times in hours, got {raw!r}")
        probes = []
        for i, v in enumerate(raw):
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                c.fail("amygdala.probes_h", f"entry {i} must be a finite number of hours, got {v!r}")
            if not 0.0 <= v <= duration:
                c.fail("amygdala.probes_h", f"{v:g} h is outside the run (0 to {duration:g} h)")
            probes.append(float(v))
        if len(probes) > MAX_PROBES:
            c.fail("amygdala.probes_h", f"more than {MAX_PROBES} probe trials")
        probes = sorted(probes)
    else:  # hourly over the run
        probes = [float(h) for h in range(int(math.floor(duration + 1e-9)) + 1)][:MAX_PROBES]
    context = amyg.get("context", "A")
    if context not in AMYGDALA_CONTEXTS:
        c.fail("amygdala.context", f"must be one of {', '.join(AMYGDALA_CONTEXTS)}, got {context!r}")
    flags = {}
    for flag, default in (("conditioned", True), ("learn", False)):
        flags[flag] = amyg.get(flag, default)
        if not isinstance(flags[flag], bool):
            c.fail(f"amygdala.{flag}", f"must be true or false, got {flags[flag]!r}")
    for key in ("scale", "threads"):
        if key in amyg and model != "spiking":
            c.fail(f"amygdala.{key}", "only the spiking model has it (model = \"spiking\")")
    scale = c.number(amyg, "scale", "amygdala", 0.1, positive=True, maximum=MAX_SPIKING_SCALE)
    threads = c.integer(amyg, "threads", "amygdala", 1, minimum=1, maximum=MAX_AMYGDALA_THREADS)
    return Amygdala(model=model, probes_h=tuple(probes), context=context, conditioned=flags["conditioned"],
                    learn=flags["learn"], scale=scale, threads=threads)


def _validate_doses(c: _Checker, doses, duration: float) -> tuple[Dose, ...]:
    if isinstance(doses, dict):
        doses = [doses]
    if not isinstance(doses, list):
        c.fail("dose", "must be an array of tables [[dose]]")
    result = []
    for i, d in enumerate(doses):
        where = f"dose.{i}"
        if not isinstance(d, dict):
            c.fail(where, "must be a table")
        c.table({"d": d}, "d", ("drug", "amount_mg", "amount_mg_per_kg", "time_h", "route", "salt"), where)
        if "drug" not in d:
            c.fail(f"{where}.drug", "missing (required)")
        drug = c.string(d, "drug", where, "").lower()
        has_mg, has_kg = "amount_mg" in d, "amount_mg_per_kg" in d
        if has_mg == has_kg:
            c.fail(where, "give exactly one of amount_mg or amount_mg_per_kg")
        amount = c.number(d, "amount_mg", where, None, minimum=0.0)
        per_kg = c.number(d, "amount_mg_per_kg", where, None, minimum=0.0)
        time_h = round(c.number(d, "time_h", where, 0.0, minimum=0.0), TIME_DECIMALS)
        if time_h > duration:
            c.fail(f"{where}.time_h", f"{time_h:g} h is after the end of the run ({duration:g} h)")
        route = c.choice(d, "route", where, ROUTES, "oral")
        salt = c.choice(d, "salt", where, SALTS, "hcl")
        result.append(Dose(drug=drug, time_h=time_h, route=route, amount_mg=amount,
                           amount_mg_per_kg=per_kg, salt=salt))
    return tuple(result)


def _flatten_variations(table: dict, prefix: str = "") -> dict[str, Any]:
    flat = {}
    for k, v in table.items():
        name = f"{prefix}{k}"
        if isinstance(v, dict) and "dist" not in v:
            flat.update(_flatten_variations(v, name + "."))
        else:
            flat[name] = v
    return flat


def _validate_variation(c: _Checker, name: str, spec) -> Variation:
    where = f"cohort.vary.{name}"
    if not isinstance(spec, dict):
        c.fail(where, "must be a table like {dist = \"lognormal\", cv = 0.3}")
    c.table({"s": spec}, "s", ("dist", "cv", "sd", "low", "high", "values", "weights"), where)
    dist = c.choice(spec, "dist", where, DISTRIBUTIONS, "")
    if dist == "lognormal":
        return Variation(dist, cv=c.number(spec, "cv", where, _REQUIRED, positive=True))
    if dist == "normal":
        return Variation(dist, sd=c.number(spec, "sd", where, _REQUIRED, positive=True))
    if dist == "uniform":
        low = c.number(spec, "low", where, _REQUIRED)
        high = c.number(spec, "high", where, _REQUIRED)
        if not low < high:
            c.fail(where, f"needs low < high, got {low:g}, {high:g}")
        return Variation(dist, low=low, high=high)
    values = spec.get("values")
    weights = spec.get("weights")
    if not isinstance(values, list) or not values:
        c.fail(f"{where}.values", "must be a non-empty list")
    if dist == "cycle":  # run i takes values[i % len(values)]: deterministic arms of a cohort
        return Variation(dist, values=tuple(values))
    if (not isinstance(weights, list) or len(weights) != len(values)
            or not all(isinstance(w, int | float) and not isinstance(w, bool) and w >= 0 for w in weights)
            or sum(weights) <= 0):
        c.fail(f"{where}.weights", "must be a list of non-negative numbers, one per value, not all zero")
    return Variation(dist, values=tuple(values), weights=tuple(float(w) for w in weights))
