"""Run an :class:`~sim.config.Experiment`: build the model, draw subjects, dose, integrate, package."""

from __future__ import annotations

import json

import numpy as np

from sim import provenance, simulate
from sim.cohort import parameter_matrix
from sim.config import Experiment
from sim.dosing import NO_EFFECT_DRUGS, dose_events
from sim.errors import ConfigError
from sim.kinetics import (
    comedication,
    dopamine,
    endocrine,
    norepinephrine,
    oxytocin,
    physiology,
    pk,
    rodent_temperature,
    serotonin,
    water,
)
from sim.kinetics import drugs as library
from sim.kinetics.terminal import DrugInput
from sim.model import Model
from sim.receptors import mechanism as receptors
from sim.result import Result
from sim.solver import Events
from sim.units import mg_to_umol, salt_to_base_fraction

_MODELS: dict[str, Model] = {}


def build_model(species: str, drugs=None) -> Model:
    """The model for a species (built once per process and combination; its RHS is cached on disk).

    ``drugs=None`` gives the MDMA PK model alone (what sweeps, ``sim params`` and the PK benchmark used
    before the transmitters existed). A sequence of dosed drug names (possibly empty) gives the cascade:
    MDMA PK, one PK mechanism per other dosed drug, the serotonin, dopamine and norepinephrine
    terminals and the receptors, which see every drug present, oxytocin and physiology (rat and mouse:
    core temperature with the ambient temperature, sim/kinetics/rodent_temperature.py), which read
    receptor responses. Outputs a species does not model are listed in :data:`REFUSED_OUTPUTS`.
    :func:`model_for` picks this for an experiment.
    """
    if drugs is None:
        key = (species, None)
        if key not in _MODELS:
            _MODELS[key] = Model([pk.SPECIES[species]])
        return _MODELS[key]
    # drugs without PK in this species are left out here; dose_events() then names the bad [[dose]]
    dosed = {d for d in drugs if d not in ("mdma", *NO_EFFECT_DRUGS) and library.dosable(d, species)}
    extra = library.with_metabolites(dosed, species)
    key = (species, extra)
    if key not in _MODELS:
        base = pk.SPECIES[species]
        inputs = [DrugInput("mdma", "mdma", "pk.brain", _mdma_scale(base.parameter),
                            "derived: pk.fu_plasma / (pk.kp_brain * pk.v_brain) (unbound brain = unbound plasma)"),
                  DrugInput("mda", "mda", "pk.mda", _mda_scale(base.parameter),
                            "derived: pk.fu_plasma / pk.v_mda (MDA metabolite; assumed: brain unbound = plasma "
                            "unbound, instantaneous equilibrium)")]
        inputs += [DrugInput("mda_dosed" if d == "mda" else d, d, f"{d}.brain", 1.0,
                             "unit: the drug's brain state is unbound uM") for d in extra]
        mechanisms = [base, *(comedication.mechanism(d, species) for d in extra),
                      serotonin.mechanism(species, inputs), dopamine.mechanism(species, inputs),
                      norepinephrine.mechanism(species, inputs)]
        ot = oxytocin.mechanism(species)
        inhibitors = [(d, f"{d}.brain", 1.0, library.get(d).enzymes["cyp11b1"]) for d in extra
                      if "cyp11b1" in library.get(d).enzymes]
        mechanisms += [receptors.mechanism(species, inputs, "oxytocin.central",
                                           ot.parameter("central_baseline").value), ot,
                       physiology.mechanism(species) if species == "human" else rodent_temperature.mechanism(species),
                       endocrine.mechanism(species, inhibitors)]
        if species == "human":
            mechanisms.append(water.mechanism(species, ot.parameter("plasma_baseline").value))
        _MODELS[key] = Model(mechanisms)
    return _MODELS[key]


# outputs of the human model that another species does not have, and why (one line each)
_NO_RODENT_CV = ("not modelled in {species}: no {species} heart-rate or blood-pressure rows (the rodent model has "
                 "core temperature only, sim/kinetics/rodent_temperature.py)")
_GC = "{species} make corticosterone, not cortisol: read plasma_corticosterone (nmol/L)"
REFUSED_OUTPUTS = {species: {**{name: _NO_RODENT_CV.format(species=species) for name in ("heart_rate", "systolic_bp")},
                             "plasma_cortisol": _GC.format(species=species),
                             "plasma_sodium": f"not modelled in {species}: no {species} water-balance rows "
                                              "(sim/kinetics/water.py is human only)"}
                   for species in ("rat", "mouse")}


def refusal(species: str, output: str) -> str | None:
    """Why ``species`` has no ``output`` that the human model has (None if it has it or nobody has it)."""
    return REFUSED_OUTPUTS.get(species, {}).get(output)


def model_for(exp: Experiment) -> Model:
    """The model an experiment needs (its species and the drugs it doses)."""
    return build_model(exp.species, tuple(d.drug for d in exp.doses))


def _mdma_scale(par) -> float:
    return par("fu_plasma").value / (par("kp_brain").value * par("v_brain").value)


def _mda_scale(par) -> float:
    return par("fu_plasma").value / par("v_mda").value


def time_grid(exp: Experiment) -> np.ndarray:
    step = exp.output_interval_min / 60.0
    n = int(np.floor(exp.duration_h / step + 1e-9))
    grid = np.arange(n + 1) * step
    if exp.duration_h - grid[-1] > 1e-9:
        grid = np.append(grid, exp.duration_h)
    return grid


def run(exp: Experiment) -> Result:
    """Simulate an experiment; returns a :class:`Result` with outputs (N, T) and provenance."""
    if exp.protocol is not None:
        exp = first_session(exp)
    model = model_for(exp)
    params = parameter_matrix(exp, model)
    events, dose_table = dose_events(exp, model, params)
    t_eval = time_grid(exp)
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


# ---- therapy protocols and virtual trials (sim trial) ---------------------------------------------

ARM_CODES = {"placebo": 0, "mdma": 1}


def _protocol(exp: Experiment):
    from sim import protocol as proto

    spec = exp.protocol
    if spec is None:
        raise ConfigError(f"{exp.source_path}: protocol: `sim trial` needs a [protocol] table")
    try:
        return proto.make(spec.name, **spec.overrides)
    except ValueError as exc:
        raise ConfigError(f"{exp.source_path}: protocol: {exc}") from None


def first_session(exp: Experiment) -> Experiment:
    """``sim run`` on a protocol experiment: the pharmacology of the first drug session of ``[protocol]
    arm`` (every dose the protocol may give, supplemental included; placebo: none) over the run's
    ``duration_h``; ``sim trial`` runs the whole protocol for both arms. Cohort options of the trial
    (prior SSRI use, trauma-memory strength) are not applied here."""
    from dataclasses import replace

    from sim.config import Dose

    protocol = _protocol(exp)
    if exp.doses:
        raise ConfigError(f"{exp.source_path}: dose: [protocol] gives the doses; remove the [[dose]] tables")
    session = protocol.drug_sessions[0] if protocol.drug_sessions and exp.protocol.arm == "mdma" else None
    doses = tuple(Dose("mdma", d.time_h, "oral", amount_mg=d.amount_mg) for d in (session.doses if session else ())
                  if d.probability > 0 and d.time_h <= exp.duration_h)
    return replace(exp, doses=doses)


def _session_cascade(exp: Experiment, model: Model, params: np.ndarray, session, protocol, y0=None, ssri=None):
    """Solve one drug session's pharmacology for every patient; returns (time, outputs, status).
    ``y0``: (N, states) start states (default: the drug-free steady state); ``ssri``: (drug, umol (N,))
    taken at the session's start (0 = not taken)."""
    n = params.shape[0]
    step = 10.0 / 60.0
    t_eval = np.arange(int(round(protocol.session_h / step)) + 1) * step
    times, index, amounts = [np.empty((n, 0))], [np.empty((n, 0), np.int64)], [np.empty((n, 0))]
    if session is not None:
        target = model.dose_target("mdma", "oral")
        times.append(session.times_h)
        index.append(np.full(session.times_h.shape, target, np.int64))
        amounts.append(mg_to_umol(session.amounts_mg * salt_to_base_fraction("mdma"), "mdma"))
    if ssri is not None:
        times.append(np.zeros((n, 1)))
        index.append(np.full((n, 1), model.dose_target(ssri[0], "oral"), np.int64))
        amounts.append(np.asarray(ssri[1], float)[:, None])
    events = Events(np.concatenate(times, 1), np.concatenate(index, 1), np.concatenate(amounts, 1))
    traj = simulate.solve(simulate.Problem(model, params, t_eval, events, simulate.SolverSettings.of(exp), y0))
    return t_eval, traj.outputs(), traj.status


def ssri_steady_state(exp: Experiment, model: Model, params: np.ndarray, drug: str, umol: np.ndarray):
    """Every patient's state just before a daily SSRI dose after :data:`sim.protocol.SSRI_PRELOAD_DAYS`
    days of daily doses of ``umol`` (N,) (0: no SSRI), from the drug-free steady state: SERT occupancy,
    the terminals' adaptation and (paroxetine) CYP2D6 inactivation as the cascade gives them. Returns
    (states (N, n_states), status)."""
    from sim.protocol import SSRI_PRELOAD_DAYS

    n = params.shape[0]
    days = np.arange(SSRI_PRELOAD_DAYS) * 24.0
    events = Events(np.tile(days, (n, 1)), np.full((n, days.size), model.dose_target(drug, "oral"), np.int64),
                    np.repeat(np.asarray(umol, float)[:, None], days.size, 1))
    traj = simulate.solve(simulate.Problem(model, params, np.array([0.0, SSRI_PRELOAD_DAYS * 24.0]), events,
                                           simulate.SolverSettings.of(exp)))
    return traj.final_states(), traj.status


def simulate_arm(exp: Experiment, arm: str, params: np.ndarray, model: Model, protocol, seed: int,
                 strength=None, ssri=None, y0=None):
    """One arm of a trial: the drug sessions' cascade, then the amygdala over the whole protocol.
    ``strength``: per-patient trauma-memory strength (:func:`sim.cohort.trauma_strength`); ``ssri``:
    (drug, umol (N,)) of patients who keep taking an SSRI, ``y0`` their steady state
    (:func:`ssri_steady_state`); with an SSRI the placebo arm's sessions are simulated too (SSRI only).
    Returns (trial result, session-1 outputs and time, status, dose table)."""
    from dataclasses import replace

    from sim import protocol as proto
    from sim.amygdala import drives_from_outputs

    n = params.shape[0]
    schedule = proto.dose_schedule(protocol, arm, n, seed)
    if arm == "placebo" and ssri is not None:
        schedule = [replace(sd, amounts_mg=np.zeros_like(sd.amounts_mg))
                    for sd in proto.dose_schedule(protocol, "mdma", n, seed)]
    status = np.zeros(n, np.int64)
    sessions = [[] for _ in range(n)]
    first = None
    table = {"run": [], "time_h": [], "drug": [], "route": [], "amount_mg": []}
    for sd in schedule or [None]:
        t_eval, full, st = _session_cascade(exp, model, params, sd, protocol, y0=y0, ssri=ssri)
        outputs = {k: v[0] for k, v in full.items()}
        if first is None:
            first = (t_eval, full)
        if sd is None:
            break
        status = np.where(status == 0, st, status)
        for r, drive in enumerate(drives_from_outputs(t_eval, outputs, relative=True)):
            sessions[r].append((sd.start_h, protocol.session_h, drive if st[r] == 0 else None))
        rows, cols = np.nonzero(sd.amounts_mg > 0)
        table["run"].append(rows)
        table["time_h"].append(sd.start_h + sd.times_h[rows, cols])
        table["drug"].append(np.full(rows.size, "mdma"))
        table["route"].append(np.full(rows.size, "oral"))
        table["amount_mg"].append(sd.amounts_mg[rows, cols])
        if ssri is not None:
            rows = np.nonzero(np.asarray(ssri[1]) > 0)[0]
            table["run"].append(rows)
            table["time_h"].append(np.full(rows.size, sd.start_h))
            table["drug"].append(np.full(rows.size, ssri[0]))
            table["route"].append(np.full(rows.size, "oral"))
            table["amount_mg"].append(np.full(rows.size, ssri[2]))
    drives = [proto.ProtocolDrive(s) if s else None for s in sessions]
    res = arm_amygdala(exp, protocol, drives, strength)
    events = {}
    if table["run"]:
        events = {k: np.concatenate(v) for k, v in table.items()}
        order = np.lexsort((events["time_h"], events["run"]))
        events = {k: v[order] for k, v in events.items()}
    return res, first, status, events


def initial_weights(strength, n: int) -> np.ndarray:
    """(n, plastic) start weights: the conditioned memory scaled per patient (see
    :func:`sim.cohort.trauma_strength`); ``strength=None``: the canonical memory for all."""
    from sim.amygdala import conditioned_weights
    from sim.amygdala.plasticity import Rule

    w_c = conditioned_weights()
    if strength is None:
        return np.tile(w_c, (n, 1))
    s = np.asarray(strength, float)[:, None]
    return np.clip(1.0 + s * (w_c - 1.0), 0.0, Rule.default().w_max)


def trial_mechanisms(protocol):
    """(drive mappings, learning rule) of a protocol's mechanism switches (:class:`sim.protocol.Protocol`)."""
    from sim.amygdala.drive import MAPPINGS
    from sim.amygdala.plasticity import Rule

    dropped = set()
    if not protocol.oxytocin:
        dropped.add("occupancy_oxtr")
    if not protocol.ht1a_damping:
        dropped.add("occupancy_5ht1a")
    mappings = tuple(m for m in MAPPINGS if m.signal not in dropped)
    eta_ext = Rule.default().eta_ext * protocol.extinction_scale
    off = {**({} if protocol.cortisol else {"k_cortisol": 0.0}), **({} if protocol.bdnf_route else {"k_bdnf": 0.0})}
    rule = Rule.default(tau_forget_ext=protocol.tau_forget_ext_h, eta_ext=eta_ext, il_learning=protocol.il_learning,
                        **off)
    return mappings, rule


def arm_amygdala(exp: Experiment, protocol, drives: list, strength=None):
    """The amygdala of every patient over the protocol (exposures and reminders learn; visits measure;
    last trial: the follow-up probe), all patients in one batched call, with the protocol's mechanism
    switches (:func:`trial_mechanisms`)."""
    from sim import protocol as proto
    from sim.amygdala import run_trials

    mappings, rule = trial_mechanisms(protocol)
    trials = proto.trials(protocol)
    model = amygdala_model(exp)
    n = len(drives)
    return run_trials(model, trials, drives, initial=initial_weights(strength, n), members=n, learn=True,
                      rule=rule, mappings=mappings)


def run_trial(exp: Experiment) -> tuple[Result, dict]:
    """``sim trial``: both arms (placebo, then MDMA; ``[cohort] size`` patients each, the same virtual
    patients in both arms) through ``[protocol]``; returns the Result (runs 0..N-1 placebo, N..2N-1
    MDMA: session-1 time courses, per-trial amygdala summaries with times in hours from day 0) and
    the per-patient outcomes (:mod:`sim.outcomes`)."""
    from sim import outcomes

    if exp.amygdala.model == "spiking":
        raise ConfigError(f"{exp.source_path}: amygdala.model: `sim trial` runs the rate model only")
    protocol = _protocol(exp)
    varied = [k for k in exp.cohort_vary if k.startswith("dose.")]
    if exp.doses or varied:
        where = f"cohort.vary.{varied[0]}" if varied else "dose"
        raise ConfigError(f"{exp.source_path}: {where}: [protocol] gives the doses (override them in [protocol])")
    from sim.cohort import prior_ssri, trauma_strength

    n = exp.cohort_size
    strength = trauma_strength(exp, n)
    on_ssri = prior_ssri(exp, n)
    continuing = on_ssri & (not protocol.ssri_washout)
    model = build_model(exp.species, ("mdma", protocol.ssri) if continuing.any() else ("mdma",))
    params = parameter_matrix(exp, model)
    ssri, y0, pre_status = None, None, np.zeros(n, np.int64)
    if continuing.any():
        # assumed: an SSRI's own CYP2D6 clearance (paroxetine) follows the patient's phenotype capacity as
        # MDMA's does (the drug library leaves it at the extensive metaboliser's value)
        if model.has_parameter(f"{protocol.ssri}.cl_2d6"):
            params[:, model.parameter_index(f"{protocol.ssri}.cl_2d6")] *= \
                params[:, model.parameter_index("pk.cyp2d6_capacity")]
        umol = np.where(continuing, mg_to_umol(protocol.ssri_daily_mg, protocol.ssri), 0.0)
        ssri = (protocol.ssri, umol, protocol.ssri_daily_mg)
        y0, pre_status = ssri_steady_state(exp, model, params, protocol.ssri, umol)
    exp_rate = exp if exp.amygdala.model == "rate" else _with_rate(exp)
    results = {arm: simulate_arm(exp_rate, arm, params, model, protocol, exp.seed, strength, ssri, y0)
               for arm in ("placebo", "mdma")}
    arm = np.repeat([0, 1], n)
    t_eval = results["placebo"][1][0]
    full = results["mdma"][1][1]
    outputs = {k: np.concatenate([results[a][1][1][k][0] for a in ("placebo", "mdma")]) for k in full}
    status = np.concatenate([np.where(pre_status == 0, results[a][2], pre_status) for a in ("placebo", "mdma")])
    trial_res = [results[a][0] for a in ("placebo", "mdma")]
    fear = np.concatenate([r.fear_response for r in trial_res])
    trials = {"time_h": np.tile(trial_res[0].time_h, (2 * n, 1)), "fear_response": fear,
              "bla_rate": np.concatenate([r.bla_rate for r in trial_res]),
              "cem_rate": np.concatenate([r.cem_rate for r in trial_res])}
    for k in ("fear_response", "bla_rate", "cem_rate"):
        trials[k][status != 0] = np.nan
    baseline = np.tile(outcomes.baseline_scores(n, exp.caps5_baseline_mean, exp.caps5_baseline_sd, exp.seed), 2)
    from sim.protocol import visit_index, visit_weeks

    visits = np.nan_to_num(fear[:, visit_index(protocol)], nan=1.0)
    followup = fear[:, -1]
    caps5_visit = outcomes.visit_scores(visits, baseline, visit_weeks(protocol), exp.seed)
    final, diagnosis = caps5_visit[:, -1], caps5_visit[:, -1] >= outcomes.defaults()["threshold"]
    parts = [({**results[a][3], "run": results[a][3]["run"] + k * n}) for k, a in enumerate(("placebo", "mdma"))
             if results[a][3]]
    events = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]} if parts else {}
    attrs = {
        **provenance.experiment_attributes(exp),
        "protocol": json.dumps({"name": protocol.name, **{k: list(v) if isinstance(v, tuple) else v
                                                           for k, v in exp.protocol.overrides.items()}}),
        "outputs_note": "time courses of the first drug session (time from its start); placebo: no doses",
        "outcome_model": json.dumps(outcomes.defaults()),
    }
    result = Result(time=t_eval, outputs=outputs, units={k: v[1] for k, v in full.items()},
                    long_names={k: v[2] for k, v in full.items()},
                    **simulate.parameter_fields(model, np.tile(params, (2, 1))),
                    status=status, events=events, attrs=attrs, trials=trials,
                    trial_units={"time_h": "h", **trial_res[0].units}, trial_long_names=dict(TRIAL_LONG_NAMES))
    outcome = {"arm": arm, "caps5_baseline": baseline, "caps5_final": final, "diagnosis_final": diagnosis,
               "fear_followup": followup, "caps5_visit": caps5_visit, "fear_visit": visits,
               "visit_week": visit_weeks(protocol)}
    if exp.trauma_strength_cv > 0.0:
        outcome["trauma_strength"] = np.tile(strength, 2)
    if on_ssri.any():
        outcome["prior_ssri"] = np.tile(on_ssri, 2).astype(float)
        outcome["ssri_continued"] = np.tile(continuing, 2).astype(float)
    return result, outcome


def _with_rate(exp: Experiment) -> Experiment:
    from dataclasses import replace

    from sim.config import Amygdala

    return replace(exp, amygdala=Amygdala(model="rate"))
