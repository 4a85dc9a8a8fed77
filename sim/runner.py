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
                                        "drive": "occupancy relative to each run's value at t = 0"})
    return Result(
        time=t_eval, outputs=outputs, units=units, long_names=long_names, **simulate.parameter_fields(model, params),
        status=info.status, events=dose_table, attrs=attrs,
        trials=trials, trial_units=trial_units, trial_long_names=trial_long_names,
        spikes=spike_table(recorder, exp) if recorder is not None else {},
    )


# spikes kept from a spiking `sim run` (for the raster of `sim plot --kind amygdala`): the first
# SPIKE_RUNS runs (both arms of a placebo-controlled cycle), the first SPIKE_TRIALS probe trials,
# SPIKE_CELLS cells per population, from 300 ms before to 500 ms after each cue onset -- about 1 MB
# at most whatever the cohort
SPIKE_RUNS, SPIKE_TRIALS, SPIKE_CELLS = 2, 12, 40


def spike_recorder():
    from sim.amygdala.model import SpikeRecorder

    return SpikeRecorder(runs=SPIKE_RUNS, max_trials=SPIKE_TRIALS, per_population=SPIKE_CELLS)


def spike_table(recorder, exp: Experiment) -> dict:
    """The recorder's spikes as :attr:`Result.spikes` (arrays and the attributes of /amygdala/spikes)."""
    from sim.amygdala import params as P

    data = recorder.arrays()
    if not data:
        return {}
    start = np.asarray(data.pop("population_start"), dtype=np.int64)
    return {**data, "populations": list(P.POPULATIONS), "population_start": start[:-1],
            "population_stop": start[1:], "window_s": list(recorder.window_s),
            "cue_duration_s": P.NETWORK["t_cs"].value * 1e-3, "dt_ms": P.NETWORK["dt"].value,
            "scale": exp.amygdala.scale}


TRIAL_LONG_NAMES = {
    "time_h": "time of the probe trial since start of the experiment",
    "bla_rate": "LA/BA principal-cell rate during the trauma cue",
    "cem_rate": "CeM output rate during the trauma cue",
    "fear_response": "CeM trauma-cue output relative to the untreated conditioned response (1 = untreated)",
}


def amygdala_model(exp: Experiment):
    """The amygdala model of ``[amygdala]`` (spiking: seeded with the experiment's seed)."""
    from sim.amygdala import RateModel, SpikingModel

    if exp.amygdala.model == "rate":
        return RateModel()
    return SpikingModel(scale=exp.amygdala.scale, seed=exp.seed)


def probe_trials(exp: Experiment, time_h: np.ndarray, outputs: dict, status: np.ndarray, recorder=None):
    """Trauma-cue probe trials at ``[amygdala] probes_h`` for every run, driven by that run's receptor
    occupancies relative to its pre-dose value at t = 0 (:func:`sim.amygdala.drives_from_outputs`
    with ``relative=True``). All runs go through the model together (the rate model batches them).
    Runs whose solve failed get NaN. Returns (trials, units, long names), each array (run, trial).
    ``recorder`` (spiking model): a :class:`sim.amygdala.model.SpikeRecorder` that keeps some spikes."""
    from sim.amygdala import Trial, conditioned_weights, drives_from_outputs, run_trials

    cfg = exp.amygdala
    n_runs = len(status)
    drives = drives_from_outputs(time_h, outputs, relative=True)
    if len(drives) != n_runs:  # no occupancy outputs (rat has them too; kept for safety): drug-free
        drives = [None] * n_runs
    ok = np.asarray(status) == 0
    drives = [d if ok[r] else None for r, d in enumerate(drives)]
    probes = [Trial(t, context=cfg.context) for t in cfg.probes_h]
    model = amygdala_model(exp)
    if recorder is not None:
        model.recorder = recorder
    res = run_trials(model, probes, drives, initial=conditioned_weights() if cfg.conditioned else None,
                     members=n_runs, learn=cfg.learn)
    trials = {"time_h": np.tile(res.time_h, (n_runs, 1))}
    for name in ("bla_rate", "cem_rate", "fear_response"):
        values = np.array(getattr(res, name), dtype=float)
        values[~ok] = np.nan
        trials[name] = values
    units = {"time_h": "h", **res.units}
    return trials, units, dict(TRIAL_LONG_NAMES)


# ---- a protocol experiment in `sim run` (the whole trial: sim.trial) ---------------------------------

def protocol_of(exp: Experiment):
    """The :class:`sim.protocol.Protocol` of ``[protocol]`` (its settings overridden as the file says)."""
    from sim import protocol as proto

    spec = exp.protocol
    if spec is None:
        raise ConfigError(f"{exp.source_path}: protocol: `sim trial` needs a [protocol] table")
    try:
        return proto.make(spec.name, **spec.overrides)
    except ValueError as exc:
        raise ConfigError(f"{exp.source_path}: protocol: {exc}") from None


def first_session(exp: Experiment) -> Experiment:
    """``sim run`` on a protocol experiment: the pharmacology of the first drug session of the arm named by
    ``[protocol] arm`` (every dose it may take there, optional ones included) over the run's
    ``duration_h``; ``sim trial`` runs the whole protocol for every arm. Background medication and the
    cohort options of a trial (prior SSRI use, trauma-memory strength) are not applied here."""
    from dataclasses import replace

    from sim import protocol as proto
    from sim.config import Dose

    protocol = protocol_of(exp)
    if exp.doses:
        raise ConfigError(f"{exp.source_path}: dose: [protocol] gives the doses; remove the [[dose]] tables")
    arm = next(a for a in (exp.arms or proto.default_arms(protocol)) if a.name == exp.protocol.arm)
    doses = tuple(Dose(d.drug, d.time_h, d.route, amount_mg=d.amount_mg, amount_mg_per_kg=d.amount_mg_per_kg,
                       salt=d.salt)
                  for d in arm.doses if (not d.sessions or 1 in d.sessions) and d.probability > 0
                  and d.time_h <= exp.duration_h)
    return replace(exp, doses=doses)


def with_rate_model(exp: Experiment) -> Experiment:
    """``exp`` with the rate amygdala (the one a trial runs)."""
    from dataclasses import replace

    from sim.config import Amygdala

    return exp if exp.amygdala.model == "rate" else replace(exp, amygdala=Amygdala(model="rate"))
