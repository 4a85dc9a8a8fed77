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
(:func:`sim.trial.run_trial`); outside them the amygdala's drive is zero.

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

from sim.kinetics.drugs import DEFAULT_DRUG
from sim.params import Parameter


@dataclass(frozen=True)
class Dose:
    time_h: float            # within the session
    amount_mg: float         # MDMA hydrochloride
    probability: float = 1.0  # taken with this probability (supplemental doses: optional)


SESSION_KINDS = ("preparation", "drug", "integration", "therapy")


@dataclass(frozen=True)
class Session:
    kind: str                           # "preparation" | "drug" | "integration" | "therapy"
    day: float                          # start, days from the first session
    exposures_h: tuple[float, ...]      # exposure periods (h within the session)
    doses: tuple[Dose, ...] = ()
    duration_h: float = 1.5


@dataclass(frozen=True)
class ArmDose:
    """``[[arm.dose]]``: a dose given in drug sessions (``sessions``: 1-based drug-session numbers, empty =
    every drug session) at ``time_h`` within the session, taken with ``probability`` (drawn per patient
    and session)."""

    drug: str
    time_h: float
    route: str = "oral"
    amount_mg: float | None = None
    amount_mg_per_kg: float | None = None
    salt: str = "hcl"
    probability: float = 1.0
    sessions: tuple[int, ...] = ()


@dataclass(frozen=True)
class DailyDose:
    """``[[arm.daily]]``: background medication, ``amount_mg`` of the base ``times_per_day`` times a day
    (evenly spaced, the first at the start of ``from_day``) from ``from_day`` to ``to_day`` (days from the
    first session; None: until the follow-up)."""

    drug: str
    amount_mg: float
    from_day: float = 0.0
    to_day: float | None = None
    times_per_day: int = 1
    salt: str = "base"


@dataclass(frozen=True)
class Arm:
    """``[[arm]]``: one arm of a virtual trial: its name, the doses of its drug sessions and its
    background medication. Every arm runs on the same virtual patients."""

    name: str
    doses: tuple[ArmDose, ...] = ()
    daily: tuple[DailyDose, ...] = ()



def default_arms(protocol) -> tuple[Arm, ...]:
    """The arms of a protocol without ``[[arm]]`` tables: ``placebo`` (the same therapy, no drug) and
    ``mdma`` (the protocol's own session doses, MDMA hydrochloride)."""
    doses = tuple(ArmDose(DEFAULT_DRUG, d.time_h, amount_mg=d.amount_mg, probability=d.probability,
                          sessions=(k + 1,)) for k, s in enumerate(protocol.drug_sessions) for d in s.doses)
    return (Arm("placebo"), Arm(DEFAULT_DRUG, doses))


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

    ``il_exposure`` (0-1): IL/vmPFC drive during every cue of the protocol (exposures, reminders,
    assessments): the patient attends to the memory with the prefrontal engagement therapy asks for,
    so the IL->ITC pathway learns during exposure and expresses extinction at recall (Milad & Quirk
    2002 Nature 420:70; vmPFC engagement in human extinction recall, Milad et al. 2007 Biol Psychiatry
    62:446); its level is assumed (:data:`IL_EXPOSURE`).

    Mechanism switches (all on by default; each off is an ablation, data not code): ``bdnf_route``
    (the 5-HT2A route into the BDNF/TrkB plasticity state; off: ``k_bdnf = 0``, baseline TrkB
    intact), ``oxytocin`` (OXTR on CeL), ``ht1a_damping`` (5-HT1A K+ conductance on BLA principal
    cells), ``cortisol`` (glucocorticoid strengthening of consolidation; acts only when the
    pharmacology model has ``plasma_cortisol``), ``il_learning`` (IL->ITC plasticity), ``beta_adrenergic``
    (the beta response's gains on the CS drive and on learning).

    ``reminders_per_week`` (1/week, default 0 = off): everyday trauma reminders, drug-free cue trials
    of intensity ``reminder_cs`` in context ``reminder_context`` with learning on, at times
    (k + 1/2) * 168 h / rate from day 0 until the follow-up probe; reminders that would fall inside a
    session's simulated window are dropped. Off by default because the calibration (sim.outcomes)
    was fitted without them. ``ssri``, ``ssri_dose_mg`` (mg/day), ``ssri_washout``: see the module
    docstring.

    ``extinction_scale``: the human extinction rate (people without PTSD) relative to the rule's rodent
    default. ``learning_ratio`` and ``retention_ratio``: the patients' within-session extinction and
    extinction retention index relative to trauma-exposed controls (measured ratios); the learning rule of
    the patients is derived from the three by :func:`sim.amygdala.deficit.patient_rule` (1 and 1: the
    patients extinguish and retain as controls do)."""

    name: str
    sessions: tuple[Session, ...]
    followup_day: float
    cues_per_exposure: int = 1
    cue_iti_s: float = 120.0
    context: str = "A"
    tau_forget_ext_h: float = 8760.0
    session_h: float = 10.0   # pharmacology simulated per drug session (h)
    il_exposure: float = 0.0
    reminders_per_week: float = 0.0
    reminder_cs: float = REMINDER_CS
    reminder_context: str = REMINDER_CONTEXT
    ssri: str = "citalopram"
    ssri_dose_mg: float | None = None   # None: SSRI_DAILY_MG[ssri]
    ssri_washout: bool = True
    bdnf_route: bool = True
    oxytocin: bool = True
    ht1a_damping: bool = True
    cortisol: bool = True
    il_learning: bool = True
    beta_adrenergic: bool = True
    extinction_scale: float = 1.0
    learning_ratio: float = 1.0
    retention_ratio: float = 1.0
    visit_days: tuple[float, ...] = ()

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
    "il_exposure": ("float", 0.0, 1.0),
    "bdnf_route": ("bool", None, None),
    "oxytocin": ("bool", None, None),
    "ht1a_damping": ("bool", None, None),
    "cortisol": ("bool", None, None),
    "il_learning": ("bool", None, None),
    "beta_adrenergic": ("bool", None, None),
    "extinction_scale": ("float", 0.0, 1.0),
    "learning_ratio": ("float", 0.0, 1.0),
    "retention_ratio": ("float", 0.0, 1.0),
    "visit_days": ("list", 0.0, 3650.0),
    "reminders_per_week": ("float", 0.0, 70.0),
    "reminder_cs": ("float", 0.0, 2.0),
    "reminder_context": ("context", None, None),
    "ssri": ("choice", tuple(SSRI_DAILY_MG), None),
    "ssri_dose_mg": ("float", 0.0, 200.0),
    "ssri_washout": ("bool", None, None),
}

# IL/vmPFC drive during the protocol's cues. Assumed: half the afferent rate of full IL activation
# (sim.amygdala.params.INPUT_RATE["il"]): therapy asks the patient to stay present with the memory.
IL_EXPOSURE = 0.1
# Fading of consolidated extinction between sessions (h). Assumed: a year; the gains of exposure therapy
# for PTSD are maintained at follow-ups of months to a year (Powers et al. 2010 Clin Psychol Rev 30:635,
# meta-analysis of prolonged exposure), far longer than one rat extinction session lasts (96 h, Quirk 2002).
TAU_FORGET_EXT_H = 8760.0
# Human extinction learning rate relative to the amygdala's default (rodent extinction, Quirk 2002): the rate
# of people without PTSD, and of patients times their measured within-session deficit (PTSD_LEARNING_RATIO).
# Calibrated on the placebo arm of MAPP1 only (experiments/calibrate_trial.py) with the outcome map.
EXTINCTION_SCALE = 0.2
# Where the patients' extinction deficit sits (sim.amygdala.deficit turns both into rule parameters).
# Within-session extinction, PTSD / trauma-exposed controls: skin conductance did not differ between the groups
# during extinction on day 1 (Milad et al. 2009 Biol Psychiatry 66:1075, n 16 / 15; Milad et al. 2008 J
# Psychiatr Res 42:515, twins, n 7 + 7 pairs); measured: no difference -> 1. Fear-potentiated startle studies
# report a within-session deficit (Norrholm et al. 2011 Biol Psychiatry 69:556, elevated CS+ startle in early and
# middle extinction; Zuj et al. 2016 Depress Anxiety 33:203, SCR, late extinction; Orr et al. 2000 J Abnorm
# Psychol 109:290, SCR: differential responses persisted through extinction in PTSD only): the ablation
# experiments/trial_deficit_structure.py runs that structure.
PTSD_LEARNING_RATIO = 1.0
# Extinction retention index (recall the next day), PTSD / controls: lower in PTSD (Milad 2009; Milad 2008;
# Garfinkel et al. 2014 J Neurosci 34:13435). The direction is measured; the magnitude is unverified here (the
# per-group indices of Milad 2009 Fig. 1 could not be read): half, to be checked.
PTSD_RETENTION_RATIO = 0.5
# Assessment visits (days from the first session): baseline, two weeks after each drug session and the
# primary endpoint. Assumed schedule; MAPP1 assessed CAPS-5 at baseline, after the experimental sessions
# and at 18 weeks (Mitchell et al. 2021 Nat Med 27:1025).
VISIT_DAYS = (0.0, 35.0, 63.0, 91.0, 126.0)


def register(name: str):
    def deco(fn):
        PROTOCOLS[name] = fn
        return fn
    return deco


@register("phase3")
def phase3(drug_days=(21.0, 49.0, 77.0), first_doses_mg=(80.0, 120.0, 120.0), supplemental_fraction=0.5,
           supplemental_h=1.75, supplemental_probability=0.9, exposures_h=(1.5, 2.5, 3.5, 4.5, 5.5),
           cues_per_exposure=1, followup_day=126.0, tau_forget_ext_h=TAU_FORGET_EXT_H, context="A",
           il_exposure=IL_EXPOSURE, reminders_per_week=0.0, reminder_cs=REMINDER_CS,
           reminder_context=REMINDER_CONTEXT, ssri="citalopram", ssri_dose_mg=None,
           ssri_washout=True, bdnf_route=True, oxytocin=True, ht1a_damping=True, cortisol=True,
           il_learning=True, beta_adrenergic=True, extinction_scale=EXTINCTION_SCALE,
           learning_ratio=PTSD_LEARNING_RATIO, retention_ratio=PTSD_RETENTION_RATIO,
           visit_days=VISIT_DAYS) -> Protocol:
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
    from sim.amygdala.deficit import patient_rule

    try:
        patient_rule(float(learning_ratio), float(retention_ratio), float(extinction_scale))
    except ValueError as exc:
        raise ValueError(f"protocol.learning_ratio {learning_ratio:g} with protocol.retention_ratio "
                         f"{retention_ratio:g}: the learning rule cannot reproduce them ({exc})") from None
    return Protocol("phase3", tuple(sessions), followup_day, cues_per_exposure, context=context,
                    tau_forget_ext_h=tau_forget_ext_h, il_exposure=il_exposure,
                    reminders_per_week=reminders_per_week, reminder_cs=reminder_cs,
                    reminder_context=reminder_context, ssri=ssri, ssri_dose_mg=ssri_dose_mg,
                    ssri_washout=bool(ssri_washout), bdnf_route=bool(bdnf_route), oxytocin=bool(oxytocin),
                    ht1a_damping=bool(ht1a_damping), cortisol=bool(cortisol), il_learning=bool(il_learning),
                    beta_adrenergic=bool(beta_adrenergic),
                    extinction_scale=extinction_scale, learning_ratio=float(learning_ratio),
                    retention_ratio=float(retention_ratio),
                    visit_days=tuple(sorted(float(d) for d in visit_days if d <= followup_day)))


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
    learning), the assessment visits (drug-free measurements that do not teach; a visit at the time of
    a session is taken just before it) and the follow-up probe (last)."""
    from sim.amygdala import Trial

    out = []
    gap = protocol.cue_iti_s / 3600.0
    il = protocol.il_exposure
    for s in protocol.sessions:
        for t in s.exposures_h:
            out += [Trial(s.day * 24.0 + t + k * gap, context=protocol.context, il=il)
                    for k in range(protocol.cues_per_exposure)]
    out += [Trial(t, cs=protocol.reminder_cs, context=protocol.reminder_context, il=il)
            for t in reminder_times(protocol)]
    out += [Trial(t, context="A", il=il, learn=False) for t in visit_times(protocol)]
    out.sort(key=lambda t: t.time_h)
    out.append(Trial(protocol.followup_day * 24.0, context="A", il=il))
    return out


def visit_times(protocol: Protocol) -> list[float]:
    """Times (h from day 0) of the assessment visits before the follow-up (which is the last trial)."""
    return [d * 24.0 - 1e-3 for d in protocol.visit_days if d < protocol.followup_day]


def visit_index(protocol: Protocol) -> np.ndarray:
    """Indices, in :func:`trials`, of the assessment visits and the follow-up probe (last)."""
    times = [t.time_h for t in trials(protocol)]
    idx = [times.index(t) for t in visit_times(protocol)]
    return np.array([*idx, len(times) - 1], dtype=np.int64)


def visit_weeks(protocol: Protocol) -> np.ndarray:
    """Weeks from day 0 of :func:`visit_index`'s trials."""
    return np.array([*(d / 7.0 for d in protocol.visit_days if d < protocol.followup_day),
                     protocol.followup_day / 7.0])


def reminder_times(protocol: Protocol) -> list[float]:
    """Times (h from day 0) of the everyday reminders (see :class:`Protocol`)."""
    if protocol.reminders_per_week <= 0.0 or protocol.reminder_cs <= 0.0:
        return []
    step = 168.0 / protocol.reminders_per_week
    end = protocol.followup_day * 24.0
    windows = [(s.day * 24.0, s.day * 24.0 + max(s.duration_h, protocol.session_h)) for s in protocol.sessions]
    times = (np.arange(int(np.ceil(end / step)) + 1) + 0.5) * step
    return [float(t) for t in times if t < end and not any(a <= t < b for a, b in windows)]


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

    def at_times(self, times) -> dict[str, np.ndarray]:
        """:meth:`at` at each of ``times`` (h from day 0): name -> array shaped like ``times``; each time takes
        the signals of the first session whose window holds it, zero where that drive lacks one or none does."""
        t = np.asarray(times, float)
        out, free = {}, np.ones(t.shape, bool)
        for start, length, drive in self.sessions:
            if drive is None:
                continue
            m = free & (start <= t) & (t < start + length)
            if m.any():
                for k, v in drive.at_times(t[m] - start).items():
                    out.setdefault(k, np.zeros(t.shape))[m] = v
                free &= ~m
        return out

    def values(self, name: str, times) -> np.ndarray:
        """Signal ``name`` at ``times`` (h from day 0); zero outside the drug sessions."""
        t = np.asarray(times, float)
        out = np.zeros(t.shape)
        for start, length, drive in self.sessions:
            if drive is not None:
                m = (t >= start) & (t < start + length)
                if m.any():
                    out[m] = drive.values(name, t[m] - start)
        return out

    def breakpoints(self) -> np.ndarray:
        """Times at which a signal may change: each session's start and end and its drive's samples."""
        parts = [np.zeros(0)]
        for start, length, drive in self.sessions:
            parts.append(np.array([start, start + length]))
            if drive is not None:
                b = drive.breakpoints()
                parts.append(start + b[b < length])
        return np.unique(np.concatenate(parts))


def parameters() -> list[tuple[str, Parameter]]:
    """The protocol-level constants that decide a trial's outcome, as parameters (``sim params``)."""
    reminder = "assumed: a reminder met in daily life is a weaker cue than revisiting the memory in therapy"
    rows = [
        Parameter("il_exposure", IL_EXPOSURE, "1", "assumed: half the afferent rate of full IL activation; therapy "
                  "asks the patient to stay present with the memory (Milad & Quirk 2002 Nature 420:70)",
                  "IL/vmPFC drive during the protocol's cues", 0.0, 1.0),
        Parameter("tau_forget_ext_h", TAU_FORGET_EXT_H, "h", "assumed: a year; exposure-therapy gains for PTSD last "
                  "months to a year (Powers et al. 2010 Clin Psychol Rev 30:635)",
                  "fading of consolidated extinction between sessions", 1.0, 1e6),
        Parameter("extinction_scale", EXTINCTION_SCALE, "1", "calibrated: experiments/calibrate_trial.py on the "
                  "placebo arm of MAPP1 only",
                  "human extinction learning rate (people without PTSD) relative to the rodent default", 0.0, 1.0),
        Parameter("learning_ratio", PTSD_LEARNING_RATIO, "1", "measured: no group difference in skin conductance "
                  "during extinction (Milad et al. 2009 Biol Psychiatry 66:1075; Milad et al. 2008 J Psychiatr Res "
                  "42:515); startle studies and one SCR study differ (Norrholm et al. 2011 Biol Psychiatry 69:556; "
                  "Orr et al. 2000 J Abnorm Psychol 109:290)",
                  "within-session extinction, PTSD / trauma-exposed controls", 0.0, 1.0),
        Parameter("retention_ratio", PTSD_RETENTION_RATIO, "1", "unverified: lower in PTSD (Milad et al. 2009 Biol "
                  "Psychiatry 66:1075, extinction retention index, day 2); magnitude not read (Fig. 1)",
                  "extinction retention index, PTSD / trauma-exposed controls", 0.0, 1.0),
        Parameter("reminder_cs", REMINDER_CS, "1", reminder, "cue intensity of an everyday reminder", 0.0, 2.0),
        Parameter("ssri_preload_days", float(SSRI_PRELOAD_DAYS), "d", "assumed: >= 5 half-lives of each SSRI",
                  "daily SSRI doses simulated before a drug session (prior SSRI not washed out)", 1.0, 365.0),
    ]
    return [(f"protocol.{p.name}", p) for p in rows]
