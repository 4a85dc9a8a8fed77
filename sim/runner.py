"""Run an :class:`~sim.config.Experiment`: build the model, draw subjects, dose, integrate, package."""

from __future__ import annotations

import json

import numpy as np

from sim import provenance, simulate
from sim.assembly import model_for
from sim.cohort import parameter_matrix
from sim.config import Experiment
from sim.dosing import dose_events
from sim.errors import ConfigError
from sim.model import Model
from sim.probes import probe_trials, spike_recorder, spike_table
from sim.result import Result


def time_grid(exp: Experiment) -> np.ndarray:
    step = exp.output_interval_min / 60.0
    n = int(np.floor(exp.duration_h / step + 1e-9))
    grid = np.arange(n + 1) * step
    if exp.duration_h - grid[-1] > 1e-9:
        grid = np.append(grid, exp.duration_h)
    return grid


def cohort_bytes(model: Model, n_runs: int, n_times: int) -> int:
    """Memory a `sim run` cohort holds at once: the solver's states (run, time, state) and the outputs
    computed from them (run, time, output), float64, plus one copy of the largest of the two while the
    file is written."""
    n_outputs = sum(len(m.outputs) for m in model.mechanisms)
    per_run_time = model.n_states + n_outputs + max(model.n_states, n_outputs)
    return 8 * n_runs * n_times * per_run_time


def available_memory_bytes() -> int:
    """Memory the system can give this process now (MemAvailable on Linux, else physical memory)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import os

    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def check_cohort_fits(exp: Experiment, model: Model, n_times: int) -> None:
    """Refuse, before any work, a cohort whose whole output would not fit in memory."""
    need = cohort_bytes(model, exp.cohort_size, n_times)
    have = available_memory_bytes()
    if need > have:
        raise ConfigError(f"{exp.source_path}: cohort.size: {exp.cohort_size} runs x {n_times} output times need "
                          f"about {need / 1e9:.3g} GB in memory, {have / 1e9:.3g} GB available; `sim sweep` writes "
                          "large cohorts to disk chunk by chunk (or lower cohort.size or output_interval_min)")


def run(exp: Experiment) -> Result:
    """Simulate an experiment; returns a :class:`Result` with outputs (N, T) and provenance."""
    if exp.protocol is not None:
        from sim.trial import first_session

        exp = first_session(exp)
    model = model_for(exp)
    t_eval = time_grid(exp)
    check_cohort_fits(exp, model, t_eval.size)
    params = parameter_matrix(exp, model)
    events, dose_table = dose_events(exp, model, params)
    traj = simulate.solve(simulate.Problem(model, params, t_eval, events, simulate.SolverSettings.of(exp)))
    states, info = traj.states, traj.info
    outputs, units, long_names = {}, {}, {}
    for name, (values, unit, long_name) in model.outputs(states, params).items():
        outputs[name], units[name], long_names[name] = values, unit, long_name
    if exp.save_states:
        for i, name in enumerate(model.state_names):
            outputs[name], units[name] = states[:, :, i], model.state_units[i]
            long_names[name] = f"state {name}"
    trials, trial_units, trial_long_names = {}, {}, {}
    recorder = spike_recorder() if exp.amygdala.model == "spiking" else None
    if exp.amygdala.model != "none":
        trials, trial_units, trial_long_names = probe_trials(exp, t_eval, outputs, info.status, recorder)
    attrs = {**provenance.experiment_attributes(exp), "solver_steps_total": int(info["steps"].sum())}
    if exp.amygdala.model != "none":
        a = exp.amygdala
        attrs["amygdala"] = json.dumps({"model": a.model, "context": a.context, "conditioned": a.conditioned,
                                        "learn": a.learn, **({"scale": a.scale} if a.model == "spiking" else {}),
                                        "drive": "receptor response relative to each run's value at t = 0"})
    return Result(
        time=t_eval, outputs=outputs, units=units, long_names=long_names, **simulate.parameter_fields(model, params),
        status=info.status, events=dose_table, attrs=attrs,
        trials=trials, trial_units=trial_units, trial_long_names=trial_long_names,
        spikes=spike_table(recorder, exp) if recorder is not None else {},
    )
