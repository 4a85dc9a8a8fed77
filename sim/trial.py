"""Virtual trials (``sim trial``): one protocol, any number of arms, one cohort of virtual patients.

An arm (``[[arm]]`` in the experiment file, :class:`sim.protocol.Arm`) is data: the doses of its
drug sessions (``[[arm.dose]]``: drug, amount, time within the session, route, probability, which
sessions) and its background medication (``[[arm.daily]]``: a drug taken every day over a span of
days). Without ``[[arm]]`` tables a protocol has two arms: ``placebo`` (the same therapy, no drug)
and ``mdma`` (the protocol's own doses). Every arm runs on the same virtual patients: the same
parameters, baseline severity and trauma-memory strength, and the same random draws of who takes an
optional dose.

Per arm:

1. **Pharmacology.** An arm without background medication is simulated in its drug sessions only
   (``session_h`` each, output every :data:`SESSION_STEP_H`), each from the drug-free steady state (or,
   for patients who keep taking an SSRI, from its steady state; :func:`ssri_steady_state`); outside the
   sessions its drive is zero. An arm without doses (placebo) is simulated in the same sessions, drug-free:
   every arm's drive is relative to the pre-dose state, and the drug-free course (circadian cortisol) is
   part of it in every arm. An arm with background medication is simulated without a break from day
   0 to the follow-up, the drug sessions at the session step and the stretches between them every
   :data:`BETWEEN_STEP_H`, each stretch starting from the last one's end: the chronic drug's effect
   reaches every exposure, reminder and visit.
2. **Amygdala.** Each patient's receptor signals, relative to the drug-free state, drive the fear
   circuit over the protocol's trials (:func:`sim.protocol.trials`): exposures and reminders learn,
   visits measure.
3. **Outcomes.** The circuit's drug-free cue response at each visit maps to a CAPS-5 score
   (:mod:`sim.outcomes`).

Arms are coded 0, 1, ... in declaration order (default: placebo 0, mdma 1); ``/outcomes/arm`` stores
the codes and its attribute ``labels`` the names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from sim import outcomes, provenance, simulate
from sim import protocol as proto
from sim.assembly import build_model
from sim.cohort import parameter_matrix, prior_ssri, trauma_strength
from sim.config import Experiment
from sim.errors import ConfigError
from sim.kinetics.drugs import DEFAULT_DRUG
from sim.model import Model
from sim.probes import TRIAL_LONG_NAMES, amygdala_model
from sim.protocol import Arm
from sim.result import Result
from sim.solver import Events
from sim.units import mg_to_umol, salt_to_base_fraction

SESSION_STEP_H = 10.0 / 60.0   # output step of a drug session's pharmacology
BETWEEN_STEP_H = 1.0           # output step between sessions (background medication only)
STRETCH_H = 168.0              # longest stretch solved at once between sessions (bounds memory)


# ---- the protocol of an experiment, and its first drug session for `sim run` -----------------------

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


def arms_of(exp: Experiment, protocol) -> tuple[Arm, ...]:
    """The experiment's ``[[arm]]`` tables, or the protocol's default placebo and MDMA arms."""
    return exp.arms or proto.default_arms(protocol)


def drugs_of(arms, protocol, continuing_ssri: bool) -> tuple[str, ...]:
    """Every drug the trial's pharmacology needs (one model serves all arms)."""
    names = {d.drug for a in arms for d in a.doses} | {d.drug for a in arms for d in a.daily}
    if continuing_ssri:
        names.add(protocol.ssri)
    return tuple(sorted(names - {"placebo"})) or (DEFAULT_DRUG,)


@dataclass(frozen=True)
class SessionDoses:
    """One drug session of one arm: each patient's doses (N, k) and where they go."""

    session: int           # index among the drug sessions
    start_h: float         # session start, hours from day 0
    times_h: np.ndarray    # (N, k) within the session
    amounts_mg: np.ndarray  # (N, k) as given (salt as declared); 0 = not taken
    umol: np.ndarray       # (N, k) of free base
    target: np.ndarray     # (k,) state index of each dose
    drugs: tuple[str, ...]
    routes: tuple[str, ...]


def session_doses(exp: Experiment, arm: Arm, protocol, model: Model, params: np.ndarray) -> list[SessionDoses]:
    """Per drug session, the arm's doses for every patient; optional doses are taken with their probability,
    drawn per patient, session and dose from one seeded stream (the same draws in every arm)."""
    n = params.shape[0]
    weight = params[:, model.parameter_index("pk.body_weight_kg")]
    rng = np.random.default_rng([exp.seed, 31])
    out = []
    if any(d.sessions and max(d.sessions) > len(protocol.drug_sessions) for d in arm.doses) or (
            arm.doses and not protocol.drug_sessions):
        raise ConfigError(f"{exp.source_path}: arm.{arm.name}.dose.sessions: the protocol has "
                          f"{len(protocol.drug_sessions)} drug sessions")
    for k, s in enumerate(protocol.drug_sessions):
        doses = [d for d in arm.doses if not d.sessions or (k + 1) in d.sessions]
        times = np.tile([d.time_h for d in doses], (n, 1)) if doses else np.empty((n, 0))
        taken = np.stack([rng.random(n) < d.probability for d in doses], 1) if doses else np.empty((n, 0), bool)
        mg = np.stack([np.full(n, d.amount_mg) if d.amount_mg is not None else d.amount_mg_per_kg * weight
                       for d in doses], 1) if doses else np.empty((n, 0))
        amounts = np.where(taken, mg, 0.0)
        umol = np.empty_like(amounts)
        for j, d in enumerate(doses):
            base = amounts[:, j] * salt_to_base_fraction(d.drug) if d.salt == "hcl" else amounts[:, j]
            umol[:, j] = mg_to_umol(base, d.drug)
        target = np.array([_target(exp, model, d.drug, d.route, arm) for d in doses], np.int64)
        out.append(SessionDoses(k, s.day * 24.0, times, amounts, umol, target, tuple(d.drug for d in doses),
                                tuple(d.route for d in doses)))
    return out


def _target(exp, model, drug, route, arm) -> int:
    target = model.dose_target(drug, route)
    if target is None:
        raise ConfigError(f"{exp.source_path}: arm.{arm.name}: no {exp.species} model takes {drug!r} by route "
                          f"{route!r}")
    return target


def daily_times(arm: Arm, protocol) -> list[tuple[float, str, float, str]]:
    """(time h, drug, amount mg, salt) of every background dose, from its first day up to (not including)
    its last day, or up to the follow-up."""
    out = []
    for d in arm.daily:
        end = protocol.followup_day if d.to_day is None else min(d.to_day, protocol.followup_day)
        for day in np.arange(d.from_day, end, 1.0):
            out += [(day * 24.0 + j * 24.0 / d.times_per_day, d.drug, d.amount_mg, d.salt)
                    for j in range(d.times_per_day)]
    return sorted(out)


def ssri_steady_state(exp: Experiment, model: Model, params: np.ndarray, drug: str, umol: np.ndarray):
    """Every patient's state just before a daily SSRI dose after :data:`sim.protocol.SSRI_PRELOAD_DAYS`
    days of daily doses of ``umol`` (N,) (0: no SSRI), from the drug-free steady state: SERT occupancy,
    the terminals' adaptation and (paroxetine) CYP2D6 inactivation as the cascade gives them. Returns
    (states (N, n_states), status)."""
    n = params.shape[0]
    days = np.arange(proto.SSRI_PRELOAD_DAYS) * 24.0
    events = Events(np.tile(days, (n, 1)), np.full((n, days.size), model.dose_target(drug, "oral"), np.int64),
                    np.repeat(np.asarray(umol, float)[:, None], days.size, 1))
    traj = simulate.solve(simulate.Problem(model, params, np.array([0.0, proto.SSRI_PRELOAD_DAYS * 24.0]), events,
                                           simulate.SolverSettings.of(exp)))
    return traj.final_states(), traj.status


@dataclass
class ArmPharmacology:
    """What the amygdala and the result file need from an arm's pharmacology."""

    drives: list                 # per patient: a sim.protocol.ProtocolDrive or None (drug-free)
    first: tuple                 # (time, outputs) of the first drug session
    status: np.ndarray           # (N,) worst solver status over the arm's solves
    events: dict                 # the dose table (run, time_h, drug, route, amount_mg)


class _DoseTable:
    def __init__(self):
        self.cols = {"run": [], "time_h": [], "drug": [], "route": [], "amount_mg": []}

    def add(self, rows, time_h, drug, route, amount_mg):
        rows = np.asarray(rows)
        self.cols["run"].append(rows)
        self.cols["time_h"].append(np.broadcast_to(time_h, rows.shape).astype(float))
        self.cols["drug"].append(np.full(rows.size, drug))
        self.cols["route"].append(np.full(rows.size, route))
        self.cols["amount_mg"].append(np.broadcast_to(amount_mg, rows.shape).astype(float))

    def table(self) -> dict:
        if not self.cols["run"]:
            return {}
        out = {k: np.concatenate(v) for k, v in self.cols.items()}
        order = np.lexsort((out["time_h"], out["run"]))
        return {k: v[order] for k, v in out.items()}


def _session_events(sd: SessionDoses | None, model: Model, n: int, ssri) -> Events:
    times, index, amounts = [np.empty((n, 0))], [np.empty((n, 0), np.int64)], [np.empty((n, 0))]
    if sd is not None and sd.target.size:
        times.append(sd.times_h)
        index.append(np.tile(sd.target, (n, 1)))
        amounts.append(sd.umol)
    if ssri is not None:
        times.append(np.zeros((n, 1)))
        index.append(np.full((n, 1), model.dose_target(ssri[0], "oral"), np.int64))
        amounts.append(np.asarray(ssri[1], float)[:, None])
    return Events(np.concatenate(times, 1), np.concatenate(index, 1), np.concatenate(amounts, 1))


def _grid(length_h: float, step_h: float) -> np.ndarray:
    steps = max(1, int(round(length_h / step_h)))
    return np.linspace(0.0, length_h, steps + 1)


SHARE_SESSIONS = True  # False: solve every session of every patient (the reference path of the tests)


def shared_session_solve(model: Model, params, t_eval, events: Events, settings, y0, solved: list):
    """Every patient's session from ``y0`` with ``events`` (per patient), reusing the patients' rows of the
    sessions already in ``solved`` (a list of (events, outputs, status), appended to) whose events are the
    same: a session is a function of the patient's parameters, start state and doses only, and each member
    of an ensemble solve is integrated on its own, so the reused rows are the numbers a new solve would
    give. Only the patients with a new dose schedule are solved. Returns (outputs, status)."""
    n = params.shape[0]
    source = np.full((n, 2), -1, np.int64)   # (earlier session, its row) per patient
    if SHARE_SESSIONS:
        for k, (ev, _, _) in enumerate(solved):
            if ev.time.shape != events.time.shape:
                continue
            same = ((source[:, 0] < 0) & np.all(ev.time == events.time, axis=1)
                    & np.all(ev.index == events.index, axis=1) & np.all(ev.amount == events.amount, axis=1))
            source[same] = np.stack([np.full(int(same.sum()), k), np.flatnonzero(same)], 1)
    todo = np.flatnonzero(source[:, 0] < 0)
    parts = []
    if todo.size:
        sub = Events(events.time[todo], events.index[todo], events.amount[todo])
        traj = simulate.solve(simulate.Problem(model, params[todo], t_eval, sub, settings,
                                               None if y0 is None else y0[todo]))
        parts.append((todo, traj.outputs(), traj.status))
    if todo.size == n:
        full, status = parts[0][1], np.asarray(parts[0][2])
    else:
        template = parts[0][1] if parts else solved[0][1]
        full = {k: (np.empty((n, *v.shape[1:]), v.dtype), unit, name) for k, (v, unit, name) in template.items()}
        status = np.zeros(n, np.int64)
        for k, (_, out, st) in enumerate(solved):
            rows = np.flatnonzero(source[:, 0] == k)
            for key, (v, _, _) in full.items():
                v[rows] = out[key][0][source[rows, 1]]
            status[rows] = st[source[rows, 1]]
        for rows, out, st in parts:
            for key, (v, _, _) in full.items():
                v[rows] = out[key][0]
            status[rows] = st
    solved.append((events, full, status))
    return full, status


def session_pharmacology(exp, arm: Arm, protocol, model: Model, params, y0=None, ssri=None) -> ArmPharmacology:
    """An arm without background medication: its drug sessions, each from ``y0`` (default: drug-free)."""
    from sim.amygdala import drives_from_outputs

    n = params.shape[0]
    # an arm without doses (placebo) runs its sessions through the same pipeline: the drug-free course
    # relative to the pre-dose state (circadian cortisol) reaches its patients as it reaches the drug arms'
    schedule = session_doses(exp, arm, protocol, model, params)
    status = np.zeros(n, np.int64)
    sessions = [[] for _ in range(n)]
    first, table = None, _DoseTable()
    t_eval = _grid(protocol.session_h, SESSION_STEP_H)
    settings = simulate.SolverSettings.of(exp)
    solved = []
    for sd in schedule or [None]:
        full, traj_status = shared_session_solve(model, params, t_eval, _session_events(sd, model, n, ssri),
                                                 settings, y0, solved)
        if first is None:
            first = (t_eval, full)
        if sd is None:
            break  # a protocol without drug sessions: one session is solved for the result's time courses
        status = np.where(status == 0, traj_status, status)
        outputs = {k: v[0] for k, v in full.items()}
        for r, drive in enumerate(drives_from_outputs(t_eval, outputs, relative=True)):
            sessions[r].append((sd.start_h, protocol.session_h, drive if traj_status[r] == 0 else None))
        for j, (drug, route) in enumerate(zip(sd.drugs, sd.routes, strict=True)):
            rows = np.nonzero(sd.amounts_mg[:, j] > 0)[0]
            table.add(rows, sd.start_h + sd.times_h[rows, j], drug, route, sd.amounts_mg[rows, j])
        if ssri is not None:
            rows = np.nonzero(np.asarray(ssri[1]) > 0)[0]
            table.add(rows, sd.start_h, ssri[0], "oral", ssri[2])
    drives = [proto.ProtocolDrive(s) if s else None for s in sessions]
    return ArmPharmacology(drives, first, status, table.table())


def continuous_pharmacology(exp, arm: Arm, protocol, model: Model, params) -> ArmPharmacology:
    """An arm with background medication: day 0 to the follow-up without a break (see the module docstring)."""
    from sim.amygdala import drives_from_outputs

    n = params.shape[0]
    schedule = session_doses(exp, arm, protocol, model, params)
    daily = daily_times(arm, protocol)
    end_h = protocol.followup_day * 24.0
    windows = []   # (start, length, step, session doses or None)

    def between(a, b):
        pieces = max(1, int(np.ceil((b - a) / STRETCH_H - 1e-9)))
        edges = np.linspace(a, b, pieces + 1)
        windows.extend((float(x), float(y - x), BETWEEN_STEP_H, None)
                       for x, y in zip(edges[:-1], edges[1:], strict=True))

    t = 0.0
    if not schedule:  # no drug session: the first session_h hours make the result's time courses
        t = min(protocol.session_h, end_h)
        windows.append((0.0, t, SESSION_STEP_H, None))
    for sd in schedule:
        if sd.start_h > t:
            between(t, sd.start_h)
        length = min(protocol.session_h, max(end_h - sd.start_h, SESSION_STEP_H))
        windows.append((sd.start_h, length, SESSION_STEP_H, sd))
        t = sd.start_h + length
    if end_h > t:
        between(t, end_h)
    settings = simulate.SolverSettings.of(exp)
    y = np.tile(model.initial_state(), (n, 1))
    baseline = {k: v[:, 0] for k, (v, _, _) in model.outputs(y[:, None, :], params).items()}
    status = np.zeros(n, np.int64)
    sessions = [[] for _ in range(n)]
    first, table = None, _DoseTable()
    for start, length, step, sd in windows:
        t_eval = _grid(length, step)
        ev_t = [np.empty((n, 0))]
        ev_i = [np.empty((n, 0), np.int64)]
        ev_a = [np.empty((n, 0))]
        for time_h, drug, mg, salt in daily:
            if start <= time_h < start + length:
                base = mg * salt_to_base_fraction(drug) if salt == "hcl" else mg
                ev_t.append(np.full((n, 1), time_h - start))
                ev_i.append(np.full((n, 1), _target(exp, model, drug, "oral", arm), np.int64))
                ev_a.append(np.full((n, 1), mg_to_umol(base, drug)))
                table.add(np.arange(n), time_h, drug, "oral", mg)
        if sd is not None and sd.target.size:
            ev_t.append(sd.times_h)
            ev_i.append(np.tile(sd.target, (n, 1)))
            ev_a.append(sd.umol)
            for j, (drug, route) in enumerate(zip(sd.drugs, sd.routes, strict=True)):
                rows = np.nonzero(sd.amounts_mg[:, j] > 0)[0]
                table.add(rows, sd.start_h + sd.times_h[rows, j], drug, route, sd.amounts_mg[rows, j])
        events = Events(np.concatenate(ev_t, 1), np.concatenate(ev_i, 1), np.concatenate(ev_a, 1))
        traj = simulate.solve(simulate.Problem(model, params, t_eval, events, settings, y))
        y = traj.final_states()
        status = np.where(status == 0, traj.status, status)
        full = traj.outputs()
        if first is None and step == SESSION_STEP_H:
            first = (t_eval, full)
        outputs = {k: v[0] for k, v in full.items()}
        for r, drive in enumerate(drives_from_outputs(t_eval, outputs, relative=True, baseline=baseline)):
            sessions[r].append((start, length, drive if traj.status[r] == 0 else None))
    drives = [proto.ProtocolDrive(s) for s in sessions]
    return ArmPharmacology(drives, first, status, table.table())


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
    """(drive mappings, learning rule) of a protocol's mechanism switches (:class:`sim.protocol.Protocol`); the
    rule's extinction rate and consolidated share of extinction are the patients', derived from the protocol's
    measured deficit ratios (:mod:`sim.amygdala.deficit`)."""
    from sim.amygdala.deficit import patient_rule
    from sim.amygdala.drive import MAPPINGS
    from sim.amygdala.plasticity import Rule

    dropped = set()
    if not protocol.oxytocin:
        dropped.add("response_oxtr")
    if not protocol.ht1a_damping:
        dropped.add("response_5ht1a")
    if not protocol.beta_adrenergic:
        dropped.add("response_beta")
    mappings = tuple(m for m in MAPPINGS if m.signal not in dropped)
    off = {**({} if protocol.cortisol else {"k_cortisol": 0.0}), **({} if protocol.bdnf_route else {"k_bdnf": 0.0})}
    scale, kappa = patient_rule(protocol.learning_ratio, protocol.retention_ratio, protocol.extinction_scale)
    rule = Rule.default(tau_forget_ext=protocol.tau_forget_ext_h, omission_scale=scale, kappa_ext=kappa,
                        il_learning=protocol.il_learning, **off)
    return mappings, rule


def arm_amygdala(exp: Experiment, protocol, drives: list, strength=None):
    """The amygdala of every patient over the protocol (exposures and reminders learn; visits measure;
    last trial: the follow-up probe), all patients in one batched call, with the protocol's mechanism
    switches (:func:`trial_mechanisms`)."""
    from sim.amygdala import run_trials

    mappings, rule = trial_mechanisms(protocol)
    trials = proto.trials(protocol)
    n = len(drives)
    return run_trials(amygdala_model(exp), trials, drives, initial=initial_weights(strength, n), members=n,
                      learn=True, rule=rule, mappings=mappings)


def trial_protocol(exp: Experiment):
    """The experiment's protocol, with the sessions declared in the file if any."""
    from dataclasses import replace

    protocol = protocol_of(exp)
    if exp.protocol.sessions:
        sessions = tuple(proto.Session(s.kind, s.day, s.exposures_h, duration_h=s.duration_h)
                         for s in exp.protocol.sessions)
        protocol = replace(protocol, sessions=sessions)
    return protocol


def run_trial(exp: Experiment) -> tuple[Result, dict]:
    """``sim trial``: every arm (``[cohort] size`` patients each, the same virtual patients in every arm)
    through ``[protocol]``; returns the Result (runs 0..N-1 the first arm, N..2N-1 the second, ...: first
    drug-session time courses, per-trial amygdala summaries with times in hours from day 0) and the
    per-patient outcomes (:mod:`sim.outcomes`), with ``arm_labels`` naming the arm codes."""
    if exp.amygdala.model == "spiking":
        raise ConfigError(f"{exp.source_path}: amygdala.model: `sim trial` runs the rate model only")
    protocol = trial_protocol(exp)
    varied = [k for k in exp.cohort_vary if k.startswith("dose.")]
    if exp.doses or varied:
        where = f"cohort.vary.{varied[0]}" if varied else "dose"
        raise ConfigError(f"{exp.source_path}: {where}: [protocol] and [[arm]] give the doses")
    arms = arms_of(exp, protocol)
    n, k_arms = exp.cohort_size, len(arms)
    strength = trauma_strength(exp, n)
    on_ssri = prior_ssri(exp, n)
    continuing = on_ssri & (not protocol.ssri_washout)
    model = build_model(exp.species, drugs_of(arms, protocol, bool(continuing.any())))
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
    exp_rate = with_rate_model(exp)
    pharm = []
    for arm in arms:
        if arm.daily:
            if ssri is not None:
                raise ConfigError(f"{exp.source_path}: arm.{arm.name}.daily: background medication and "
                                  "[protocol] ssri_washout = false cannot be combined")
            pharm.append(continuous_pharmacology(exp_rate, arm, protocol, model, params))
        else:
            pharm.append(session_pharmacology(exp_rate, arm, protocol, model, params, y0, ssri))
    trial_res = [arm_amygdala(exp_rate, protocol, p.drives, strength) for p in pharm]
    arm_code = np.repeat(np.arange(k_arms), n)
    t_eval, full = pharm[-1].first
    outputs = {k: np.concatenate([p.first[1][k][0] for p in pharm]) for k in full}
    status = np.concatenate([np.where(pre_status == 0, p.status, pre_status) for p in pharm])
    fear = np.concatenate([r.fear_response for r in trial_res])
    trials = {"time_h": np.tile(trial_res[0].time_h, (k_arms * n, 1)), "fear_response": fear,
              "bla_rate": np.concatenate([r.bla_rate for r in trial_res]),
              "cem_rate": np.concatenate([r.cem_rate for r in trial_res])}
    for key in ("fear_response", "bla_rate", "cem_rate"):
        trials[key][status != 0] = np.nan
    baseline = np.tile(outcomes.baseline_scores(n, exp.caps5_baseline_mean, exp.caps5_baseline_sd, exp.seed), k_arms)
    visits = np.nan_to_num(fear[:, proto.visit_index(protocol)], nan=1.0)
    caps5_visit = outcomes.visit_scores(visits, baseline, proto.visit_weeks(protocol), exp.seed)
    final, diagnosis = caps5_visit[:, -1], caps5_visit[:, -1] >= outcomes.defaults()["threshold"]
    parts = [{**p.events, "run": p.events["run"] + k * n} for k, p in enumerate(pharm) if p.events]
    events = {c: np.concatenate([p[c] for p in parts]) for c in parts[0]} if parts else {}
    labels = [a.name for a in arms]
    attrs = {
        **provenance.experiment_attributes(exp),
        "protocol": json.dumps({"name": protocol.name, **{k: list(v) if isinstance(v, tuple) else v
                                                           for k, v in exp.protocol.overrides.items()}}),
        "arms": json.dumps(labels),
        "outputs_note": "time courses of the first drug session (time from its start), arm by arm",
        "outcome_model": json.dumps(outcomes.defaults()),
    }
    result = Result(time=t_eval, outputs=outputs, units={k: v[1] for k, v in full.items()},
                    long_names={k: v[2] for k, v in full.items()},
                    **simulate.parameter_fields(model, np.tile(params, (k_arms, 1))),
                    status=status, events=events, attrs=attrs, trials=trials,
                    trial_units={"time_h": "h", **trial_res[0].units}, trial_long_names=dict(TRIAL_LONG_NAMES))
    outcome = {"arm": arm_code, "caps5_baseline": baseline, "caps5_final": final, "diagnosis_final": diagnosis,
               "fear_followup": fear[:, -1], "caps5_visit": caps5_visit, "fear_visit": visits,
               "visit_week": proto.visit_weeks(protocol), "arm_labels": labels}
    if exp.trauma_strength_cv > 0.0:
        outcome["trauma_strength"] = np.tile(strength, k_arms)
    if on_ssri.any():
        outcome["prior_ssri"] = np.tile(on_ssri, k_arms).astype(float)
        outcome["ssri_continued"] = np.tile(continuing, k_arms).astype(float)
    return result, outcome
