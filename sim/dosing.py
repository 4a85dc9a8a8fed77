"""Doses -> the per-run dose event schedule (umol of free base) and the dose table of the HDF5 file."""

from __future__ import annotations

import numpy as np

from sim.cohort import dose_amounts
from sim.config import Experiment
from sim.errors import ConfigError
from sim.model import Model
from sim.solver import Events
from sim.units import mg_to_umol, salt_to_base_fraction

NO_EFFECT_DRUGS = ("placebo",)


def dose_events(exp: Experiment, model: Model, params: np.ndarray) -> tuple[Events, dict[str, np.ndarray]]:
    """Dose events (amounts in umol of free base) per run, and the dose table for the HDF5 file. ``params``: the
    (N, p) parameters, or the (N,) body weights (kg), all that is read of them."""
    weight = params if params.ndim == 1 else params[:, model.parameter_index("pk.body_weight_kg")]
    n_runs = weight.shape[0]
    varied = dose_amounts(exp, n_runs)
    times, indices, amounts = [], [], []
    table = {"run": [], "time_h": [], "drug": [], "route": [], "amount_mg": []}
    for k, dose in enumerate(exp.doses):
        if dose.drug in NO_EFFECT_DRUGS:
            continue
        target = model.dose_target(dose.drug, dose.route)
        if target is None:
            from sim.errors import closest
            from sim.kinetics.drugs import LIBRARY, dosable

            if dose.drug not in LIBRARY:
                raise ConfigError(f"{exp.source_path}: dose.{k}.drug: unknown drug {dose.drug!r}; "
                                  f"{closest(dose.drug, sorted(LIBRARY), listed=0)}")
            if not dosable(dose.drug, exp.species):
                raise ConfigError(f"{exp.source_path}: dose.{k}.drug: {dose.drug!r} has no {exp.species} "
                                  "pharmacokinetics in the drug library")
            raise ConfigError(f"{exp.source_path}: dose.{k}.route: no model takes {dose.drug!r} by route "
                              f"{dose.route!r}")
        per_run = varied.get(k)
        if dose.amount_mg is not None:
            mg = per_run if per_run is not None else np.full(n_runs, dose.amount_mg)
        else:
            mg = (per_run if per_run is not None else dose.amount_mg_per_kg) * weight
        try:
            base_mg = mg * (salt_to_base_fraction(dose.drug) if dose.salt == "hcl" else 1.0)
        except KeyError:
            raise ConfigError(f"{exp.source_path}: dose.{k}.salt: no hydrochloride of {dose.drug!r} known; "
                              'use salt = "base"') from None
        times.append(np.full(n_runs, dose.time_h))
        indices.append(np.full(n_runs, target))
        amounts.append(mg_to_umol(base_mg, dose.drug))
        table["run"].append(np.arange(n_runs))
        table["time_h"].append(np.full(n_runs, dose.time_h))
        table["drug"].append(np.full(n_runs, dose.drug))
        table["route"].append(np.full(n_runs, dose.route))
        table["amount_mg"].append(mg)
    if not times:
        return Events(np.empty((n_runs, 0)), np.empty((n_runs, 0), np.int64), np.empty((n_runs, 0))), {}
    events = Events(np.stack(times, 1), np.stack(indices, 1), np.stack(amounts, 1))
    return events, {k: np.concatenate(v) for k, v in table.items()}

