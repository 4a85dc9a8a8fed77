"""Per-run parameters of a cohort: defaults, ``[subject]`` overrides, ``[cohort.vary]`` draws (parameters
and dose amounts), then the parameters derived from each run's own values (the derivation hooks of the
mechanisms, :func:`sim.assembly.derive_parameters`)."""

from __future__ import annotations

import numpy as np

from sim.assembly import derive_parameters
from sim.config import Experiment, Variation
from sim.errors import ConfigError
from sim.kinetics.drugs import mdma
from sim.model import Model

# [subject] keys that are not parameter names, and the parameter each one sets.
SUBJECT_KEYS = {"body_weight_kg": "pk.body_weight_kg", "cyp2d6": "pk.cyp2d6_capacity",
                "ambient_temperature_c": "physiology.ambient_temperature_c", "fluid_intake_l": "water.fluid_intake_l"}


def _subject_value(model: Model, key: str, value, where: str) -> tuple[int, float]:
    """Map a [subject] or [cohort.vary] key and value to (parameter index, numeric value)."""
    name = SUBJECT_KEYS.get(key, key)
    if not model.has_parameter(name):
        from sim.errors import closest

        hint = closest(key, [*SUBJECT_KEYS, *model.parameter_names])
        raise ConfigError(f"{where}.{key}: unknown parameter; {hint} (`sim params` lists every parameter)")
    if key == "cyp2d6":
        if value not in mdma.PHENOTYPE_CAPACITY:
            raise ConfigError(f"{where}.{key}: unknown phenotype {value!r}")
        value = mdma.PHENOTYPE_CAPACITY[value]
    if isinstance(value, str):
        raise ConfigError(f"{where}.{key}: expected a number, got {value!r}")
    par = model.parameter(name)
    if not (par.lower <= value <= par.upper):
        raise ConfigError(f"{where}.{key}: {value:g} {par.unit} is outside the allowed range "
                          f"[{par.lower:g}, {par.upper:g}]")
    return model.parameter_index(name), float(value)


def parameter_matrix(exp: Experiment, model: Model) -> np.ndarray:
    """(N, p) parameters: defaults, then [subject] overrides, then [cohort.vary] draws (seeded)."""
    base, drawn = parameter_draws(exp, model)
    return parameter_rows(model, base, drawn, 0, exp.cohort_size)


def parameter_draws(exp: Experiment, model: Model) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """What :func:`parameter_matrix` is made of: the (p,) row of defaults with the [subject] overrides, and
    each column drawn by [cohort.vary] ((N,) values by parameter index), without the (N, p) matrix."""
    base = model.default_parameters()
    for key, value in exp.subject.items():
        i, v = _subject_value(model, key, value, "subject")
        base[i] = v
    rng = np.random.default_rng(exp.seed)
    drawn = {}
    for key in sorted(exp.cohort_vary):
        if key.startswith("dose."):
            continue  # drawn by dose_amounts()
        spec = exp.cohort_vary[key]
        i, _ = _subject_value(model, key, exp.subject.get(key, _default_for(model, key)), "cohort.vary")
        drawn[i] = _draw(model, key, spec, base[i], exp.cohort_size, rng)
    return base, drawn


def parameter_rows(model: Model, base: np.ndarray, drawn: dict[int, np.ndarray], start: int, stop: int) -> np.ndarray:
    """Rows ``start:stop`` of the parameter matrix from :func:`parameter_draws` (derived parameters included):
    a sweep builds its chunks' rows one chunk at a time."""
    params = np.tile(base, (stop - start, 1))
    for i, values in drawn.items():
        params[:, i] = values[start:stop]
    derive_parameters(model, params)
    return params


def _default_for(model: Model, key: str):
    if key == "cyp2d6":
        return "extensive"
    name = SUBJECT_KEYS.get(key, key)
    return model.parameter(name).value if model.has_parameter(name) else None  # unknown: _subject_value names it


def _draw(model: Model, key: str, spec: Variation, center: float, n: int, rng) -> np.ndarray:
    par = model.parameter(SUBJECT_KEYS.get(key, key))
    if spec.dist == "lognormal":  # median = the subject's value, CV of the lognormal distribution
        sigma = np.sqrt(np.log1p(spec.cv**2))
        values = center * np.exp(sigma * rng.standard_normal(n))
    elif spec.dist == "normal":
        values = center + spec.sd * rng.standard_normal(n)
    elif spec.dist == "uniform":
        values = rng.uniform(spec.low, spec.high, n)
    else:
        numeric = np.asarray([_subject_value(model, key, v, "cohort.vary")[1] for v in spec.values])
        values = numeric[_picks(spec, n, rng)]
    return np.clip(values, par.lower, par.upper)


def _picks(spec: Variation, n: int, rng) -> np.ndarray:
    if spec.dist == "cycle":
        return np.arange(n) % len(spec.values)
    return rng.choice(len(spec.values), size=n, p=np.asarray(spec.weights) / np.sum(spec.weights))


def dose_amounts(exp: Experiment, n_runs: int) -> dict[int, np.ndarray]:
    """Per-run amounts (mg, or mg/kg) of doses varied in [cohort.vary] as ``dose.K.amount_mg`` (drawn
    after the parameters, from a stream of their own)."""
    rng = np.random.default_rng([exp.seed, 1])
    amounts = {}
    for key in sorted(k for k in exp.cohort_vary if k.startswith("dose.")):
        parts = key.split(".")
        dose = exp.doses[int(parts[1])] if len(parts) == 3 and parts[1].isdigit() and \
            int(parts[1]) < len(exp.doses) else None
        kind = "amount_mg" if dose is None or dose.amount_mg is not None else "amount_mg_per_kg"
        if dose is None or parts[2] != kind:
            raise ConfigError(f"cohort.vary.{key}: only the amount (dose.K.{kind}) of an existing [[dose]] can vary")
        spec = exp.cohort_vary[key]
        if spec.dist in ("cycle", "categorical"):
            values = np.asarray(spec.values, dtype=float)[_picks(spec, n_runs, rng)]
        elif spec.dist == "uniform":
            values = rng.uniform(spec.low, spec.high, n_runs)
        else:
            raise ConfigError(f"cohort.vary.{key}: doses vary by cycle, categorical or uniform")
        if (values < 0).any():
            raise ConfigError(f"cohort.vary.{key}: dose amounts must be >= 0")
        amounts[int(parts[1])] = values
    return amounts



def trauma_strength(exp: Experiment, n: int) -> np.ndarray:
    """Per-patient baseline trauma-memory strength s_i (``[cohort] trauma_strength_cv``): lognormal with
    median 1 and that CV (0, the default: every patient has the canonical conditioned memory). Patient i
    starts with plastic weights 1 + s_i (w_c - 1), w_c = :func:`sim.amygdala.conditioned_weights`
    (clipped to the plasticity rule's w_max): s_i scales how far conditioning moved each weight.
    Assumed (trauma memories differ in strength; no published distribution on this scale); drawn from
    a stream of its own, independent of the baseline CAPS-5 score."""
    if exp.trauma_strength_cv <= 0.0:
        return np.ones(n)
    sigma = np.sqrt(np.log1p(exp.trauma_strength_cv**2))
    return np.exp(sigma * np.random.default_rng([exp.seed, 47]).standard_normal(n))


def prior_ssri(exp: Experiment, n: int) -> np.ndarray:
    """Which patients took an SSRI before the trial (``[cohort] prior_ssri_fraction``; seeded draw)."""
    if exp.prior_ssri_fraction <= 0.0:
        return np.zeros(n, bool)
    return np.random.default_rng([exp.seed, 53]).random(n) < exp.prior_ssri_fraction
