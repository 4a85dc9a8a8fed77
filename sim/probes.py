"""The amygdala side of a run: trauma-cue probe trials driven by each run's receptor signals, and the
bounded spike sample a spiking amygdala keeps for rasters.

After the cascade is solved, each run's receptor signals (relative to its own pre-dose value,
:func:`sim.amygdala.drives_from_outputs`) drive the fear circuit over ``[amygdala] probes_h``; every run
goes through the model at once (the rate model batches them). Per-trial summaries go to ``/trials``.
"""

from __future__ import annotations

import numpy as np

from sim.config import Experiment

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
    """The amygdala model of ``[amygdala]`` (spiking: seeded with the experiment's seed, its cells shared by
    ``threads`` threads)."""
    from sim.amygdala import RateModel, SpikingModel

    if exp.amygdala.model == "rate":
        return RateModel()
    return SpikingModel(scale=exp.amygdala.scale, seed=exp.seed, threads=exp.amygdala.threads)


def probe_trials(exp: Experiment, time_h: np.ndarray, outputs: dict, status: np.ndarray, recorder=None):
    """Trauma-cue probe trials at ``[amygdala] probes_h`` for every run, driven by that run's receptor
    responses relative to its pre-dose value at t = 0 (:func:`sim.amygdala.drives_from_outputs`). All
    runs go through the model together (the rate model batches them). Runs whose solve failed get NaN.
    Returns (trials, units, long names), each array (run, trial). ``recorder`` (spiking model): a
    :class:`sim.amygdala.model.SpikeRecorder` that keeps some spikes."""
    from sim.amygdala import Trial, conditioned_weights, drives_from_outputs, run_trials

    cfg = exp.amygdala
    n_runs = len(status)
    drives = drives_from_outputs(time_h, outputs)
    if len(drives) != n_runs:  # no response outputs (every species has them; kept for safety): drug-free
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
