"""Therapy protocols as data: sessions, doses and trauma-cue exposure, registered by name.

A :class:`Protocol` is a list of :class:`Session` s on a day axis (day 0 = first session) and a
follow-up day. :func:`expand` turns a protocol, an arm and a cohort into

- per drug session, the dose schedule of every patient (times within the session, amounts in mg
  of MDMA hydrochloride; a supplemental dose is taken with a probability, drawn per patient and
  session from a seeded stream): the placebo arm gets no doses at all;
- the amygdala's trial list over the whole protocol: *exposure* trials (the trauma cue without the
  US, learning on: revisiting the memory) in every session, while the drug acts in drug sessions,
  and one drug-free *probe* at follow-up, which is what the outcome model reads.

Between sessions the amygdala's own plasticity (:mod:`sim.amygdala.plasticity`) consolidates the
labile weights and lets extinction fade (spontaneous recovery); the only protocol-level change to
it is ``tau_forget_ext_h`` (below). Everyday trauma *reminders* (optional, off by default:
``reminders_per_week``, ``reminder_cs``, ``reminder_context``) add drug-free cue trials, learning on,
evenly spaced from day 0 to the follow-up. The pharmacology is simulated only for the drug sessions
(:func:`sim.runner.run_trial`); outside them the amygdala's drive is zero.

Prior SSRI use (``[cohort] prior_ssri_fraction`` of the patients; ``ssri``, ``ssri_dose_mg``,
``ssri_washout`` here): washed out (the default, as MAPP1 required) it changes nothing -- washout is
assumed complete. Not washed out, those patients keep taking the SSRI once a day: every drug session
(both arms) starts from the steady state of :data:`SSRI_PRELOAD_DAYS` days of daily doses (simulated
by the cascade, so SERT occupancy and, for paroxetine, CYP2D6 inactivation come out of the model)
and the day's SSRI dose is taken with the first MDMA dose.

``phase3`` follows MAPP1 (Mitchell et al. 2021 Nat Med 27:1025): three preparatory sessions,
three drug sessions about 4 weeks apart (session 1: 80 mg + 40 mg supplemental 1.75 h later;
sessions 2-3: 120 + 60 mg), each 8 h, three integration sessions after each drug session, primary
endpoint at 18 weeks. Settings in :data:`OVERRIDABLE` can be changed from ``[protocol]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Dose:
    time_h: float            # within the session
    amount_mg: float         # MDMA hydrochloride
    probability: float = 1.0  # taken with this probability (supplemental doses: optional)


@dataclass(frozen=True)
class Session:
    kind: str                           # "preparation" | "drug" | "integration"
    day: float                          # start, days from the first session
    exposures_h: tuple[float, ...]      # exposure periods (h within the session)
    doses: tuple[Dose, ...] = ()
    duration_h: float = 1.5


# Everyday trauma reminders (off unless reminders_per_week > 0). Assumed: a reminder met in daily life
# (a sound, a news item) is a weaker cue than revisiting the memory in therapy (cue intensity 0.5 of a
# therapy exposure) and is met outside the trauma and therapy context (amygdala context "B").
REMINDER_CS = 0.5
REMINDER_CONTEXT = "B"

# Prior SSRI use. Daily doses (mg of free base, as labelled): the usual starting and maintenance dose of
# each (citalopram 20-40 mg/day, fluoxetine 20-60 mg/day, paroxetine 20-50 mg/day; US product labels);
# assumed: 20 mg/day for each.
SSRI_DAILY_MG = {"citalopram": 20.0, "fluoxetine": 20.0, "paroxetine": 20.0}
# Days of daily dosing simulated before each drug session to reach steady state (assumed: >= 5 model
# half-lives of each SSRI -- citalopram ~33 h, fluoxetine ~48 h, paroxetine ~41 h once its own CYP2D6
# inactivation has set in; norfluoxetine is not in the drug library, so chronic fluoxetine's SERT
# occupancy is underestimated).
SSRI_PRELOAD_DAYS = 21


@dataclass(frozen=True)
class Protocol:
    """A therapy protocol. ``cues_per_exposure`` trauma cues (CS without US, ``cue_iti_s`` apart) are
    presented in each exposure period, in amygdala context ``context``; ``followup_day`` is when the
    drug-free probe is taken. ``tau_forget_ext_h``: the time constant with which consolidated
    extinction fades between sessions (the amygdala's default, 96 h, is one rat extinction session,
    Quirk 2002; exposure therapy's gains in patients last months (assumed; spaced, repeated exposure),
    so protocols set their own).

    ``bond_gain`` (safety and trust; optional, 0 switches it off): central oxytocin raises engagement
    with exposure -- the patient revisits the memory more fully -- modelled as the cue intensity of an
    exposure trial times ``1 + bond_gain * dOXTR``, dOXTR the oxytocin-receptor occupancy change from
    the session's pre-dose value at that time. Assumed (the seed's account of the therapeutic bond);
    its value is calibrated (experiments/calibrate_trial.py), so its share of the drug effect is
    measured by ablation (``bond_gain = 0``), not claimed as mechanism.

    ``reminders_per_week`` (1/week, default 0 = off): everyday trauma reminders, drug-free cue trials
    of intensity ``reminder_cs`` in context ``reminder_context`` with learning on, at times
    (k + 1/2) * 168 h / rate from day 0 until the follow-up probe; reminders that would fall inside a
    session's simulated window are dropped. Off by default because the calibration (sim.outcomes)
    was fitted without them. ``ssri``, ``ssri_dose_mg`` (mg/day), ``ssri_washout``: see the module
    docstring."""

    name: str
    sessions: tuple[Session, ...]
    followup_day: float
    cues_per_exposure: int = 1
    cue_iti_s: float = 120.0
    context: str = "A"
    tau_forget_ext_h: float = 2000.0
    session_h: float = 10.0   # pharmacology simulated per drug session (h)
    bond_gain: float = 0.0
    reminders_per_week: float = 0.0
    reminder_cs: float = REMINDER_CS
    reminder_context: str = REMINDER_CONTEXT
    ssri: str = "citalopram"
    ssri_dose_mg: float | None = None   # None: SSRI_DAILY_MG[ssri]
    ssri_washout: bool = True

    @property
    def ssri_daily_mg(self) -> float:
        return SSRI_DAILY_MG[self.ssri] if self.ssri_dose_mg is None else self.ssri_dose_mg

    @property
    def drug_sessions(self) -> tuple[Session, ...]:
        return tuple(s for s in self.sessions if s.kind == "drug")


PROTOCOLS: dict[str, Callable[..., Protocol]] = {}

# [protocol] keys other than name and arm: (kind, low, high) for validation in sim.config
OVERRIDABLE = {
    "drug_days": ("list", 0.0, 3650.0),
    "first_doses_mg": ("list", 0.0, 300.0),
    "supplemental_fraction": ("float", 0.0, 1.0),
    "supplemental_h": ("float", 0.0, 8.0),
    "supplemental_probability": ("float", 0.0, 1.0),
    "exposures_h": ("list", 0.0, 8.0),
    "cues_per_exposure": ("int", 0, 100),
    "followup_day": ("float", 0.0, 3650.0),
    "tau_forget_ext_h": ("float", 1.0, 1e6),
    "context": ("context", None, None),
    "bond_gain": ("float", 0.0, 100.0),
    "reminders_per_week": ("float", 0.0, 70.0),
    "reminder_cs": ("float", 0.0, 2.0),
    "reminder_context": ("context", None, None),
    "ssri": ("choice", tuple(SSRI_DAILY_MG), None),
    "ssri_dose_mg": ("float", 0.0, 200.0),
    "ssri_washout": ("bool", None, None),
}

# calibrated: experiments/calibrate_trial.py (see sim.outcomes for the record)
BOND_GAIN = 7.5


def register(name: str):
    def deco(fn):
        PROTOCOLS[name] = fn
        return fn
    return deco


@register("phase3")
def phase3(drug_days=(21.0, 49.0, 77.0), first_doses_mg=(80.0, 120.0, 120.0), supplemental_fraction=0.5,
           supplemental_h=1.75, supplemental_probability=0.9, exposures_h=(1.5, 2.5, 3.5, 4.5, 5.5),
           cues_per_exposure=1, followup_day=126.0, tau_forget_ext_h=2000.0, context="A",
           bond_gain=BOND_GAIN, reminders_per_week=0.0, reminder_cs=REMINDER_CS,
           reminder_context=REMINDER_CONTEXT, ssri="citalopram", ssri_dose_mg=None,
           ssri_washout=True) -> Protocol:
    """MAPP1-like phase 3 protocol (see the module docstring). Assumed: preparatory sessions weekly
    before the first drug session (days 0, 7, 14), integration sessions 1, 7 and 14 days after each
    drug session, one exposure period of each non-drug session 0.5 h in, supplemental dose taken by
    90 % (MAPP1 made it optional; most took it)."""
    if len(first_doses_mg) != len(drug_days):
        raise ValueError("protocol.first_doses_mg needs one dose per drug day")
    sessions = [Session("preparation", d, (0.5,)) for d in (0.0, 7.0, 14.0) if d < min(drug_days)]
    for day, mg in zip(drug_days, first_doses_mg, strict=True):
        doses = (Dose(0.0, mg), Dose(supplemental_h, mg * supplemental_fraction, supplemental_probability))
        sessions.append(Session("drug", day, tuple(exposures_h), doses, duration_h=8.0))
        sessions += [Session("integration", day + k, (0.5,)) for k in (1.0, 7.0, 14.0)]
    sessions.sort(key=lambda s: s.day)
    if ssri not in SSRI_DAILY_MG:
        raise ValueError(f"protocol.ssri must be one of {', '.join(SSRI_DAILY_MG)}, not {ssri!r}")
    return Protocol("phase3", tuple(sessions), followup_day, cues_per_exposure, context=context,
                    tau_forget_ext_h=tau_forget_ext_h, bond_gain=bond_gain,
                    reminders_per_week=reminders_per_week, reminder_cs=reminder_cs,
                    reminder_context=reminder_context, ssri=ssri, ssri_dose_mg=ssri_dose_mg,
                    ssri_washout=bool(ssri_washout))


def make(name: str, **overrides) -> Protocol:
    """The registered protocol ``name`` with ``overrides`` (keys of :data:`OVERRIDABLE`)."""
    if name not in PROTOCOLS:
        raise ValueError(f"unknown protocol {name!r} (known: {', '.join(PROTOCOLS)})")
    return PROTOCOLS[name](**overrides)


@dataclass(frozen=True)
class SessionDoses:
    session: int          # index among the drug sessions
    start_h: float        # session start, hours from day 0
    times_h: np.ndarray   # (N, k) within the session
    amounts_mg: np.ndarray  # (N, k); 0 = not taken


def dose_schedule(protocol: Protocol, arm: str, n: int, seed: int) -> list[SessionDoses]:
    """Per drug session, each patient's doses. Placebo: an empty list (the same therapy, no drug)."""
    if arm == "placebo":
        return []
    rng = np.random.default_rng([seed, 31])
    out = []
    for k, s in enumerate(protocol.drug_sessions):
        times = np.tile([d.time_h for d in s.doses], (n, 1))
        taken = np.stack([rng.random(n) < d.probability for d in s.doses], 1)
        amounts = np.where(taken, [d.amount_mg for d in s.doses], 0.0)
        out.append(SessionDoses(k, s.day * 24.0, times, amounts))
    return out


def trials(protocol: Protocol):
    """The amygdala trial list, by time: exposures of every session and everyday reminders (both
    learning) and the follow-up probe (last)."""
    from sim.amygdala import Trial

    out = []
    gap = protocol.cue_iti_s / 3600.0
    for s in protocol.sessions:
        for t in s.exposures_h:
            out += [Trial(s.day * 24.0 + t + k * gap, context=protocol.context)
                    for k in range(protocol.cues_per_exposure)]
    out += [Trial(t, cs=protocol.reminder_cs, context=protocol.reminder_context) for t in reminder_times(protocol)]
    out.sort(key=lambda t: t.time_h)
    out.append(Trial(protocol.followup_day * 24.0, context="A"))
    return out


def reminder_times(protocol: Protocol) -> list[float]:
    """Times (h from day 0) of the everyday reminders (see :class:`Protocol`)."""
    if protocol.reminders_per_week <= 0.0 or protocol.reminder_cs <= 0.0:
        return []
    step = 168.0 / protocol.reminders_per_week
    end = protocol.followup_day * 24.0
    windows = [(s.day * 24.0, s.day * 24.0 + max(s.duration_h, protocol.session_h)) for s in protocol.sessions]
    times = (np.arange(int(np.ceil(end / step)) + 1) + 0.5) * step
    return [float(t) for t in times if t < end and not any(a <= t < b for a, b in windows)]


def engaged(trials, drive, bond_gain: float):
    """One patient's trials with exposure cue intensity raised by oxytocin (see :class:`Protocol`)."""
    from dataclasses import replace

    if drive is None or bond_gain == 0.0:
        return list(trials)
    return [replace(t, cs=t.cs * (1.0 + bond_gain * max(drive.at(t.time_h).get("occupancy_oxtr", 0.0), 0.0)))
            for t in trials]


def engagement(trials, drives, bond_gain: float) -> np.ndarray:
    """(patients, trials) cue-intensity factors 1 + bond_gain * max(dOXTR, 0) of :func:`engaged`, for
    every patient at once (trials in time order; a patient without a drive: all 1)."""
    times = [t.time_h for t in trials]
    out = np.ones((len(drives), len(times)))
    if bond_gain == 0.0:
        return out
    for i, d in enumerate(drives):
        if d is not None:
            out[i] = [1.0 + bond_gain * max(d.at(t).get("occupancy_oxtr", 0.0), 0.0) for t in times]
    return out


class ProtocolDrive:
    """The amygdala drive of one patient over a protocol: in drug session k (from its start to start +
    ``session_h``) the session's own :class:`sim.amygdala.drive.Drive`, with time measured from the
    session's start; zero elsewhere. Duck-types ``Drive.at``."""

    def __init__(self, sessions: list[tuple[float, float, object]]):
        self.sessions = sessions

    def at(self, t_h: float) -> dict[str, float]:
        for start, length, drive in self.sessions:
            if start <= t_h < start + length and drive is not None:
                return drive.at(t_h - start)
        return {}
