"""One interface for both amygdala models: trials in, per-trial summaries out.

>>> from sim.amygdala import RateModel, Trial, run_trials, conditioning, extinction
>>> res = run_trials(RateModel(), conditioning(5) + extinction(t0_h=24.0, n=15, context="B"))
>>> res.fear_response          # (members, trials), 1 = untreated conditioned response

A *trial* is a short cue presentation (pre-CS window, then CS window; see
:data:`sim.amygdala.params.NETWORK`) in a context, with or without the US and with a level of
IL/vmPFC drive, at a time in hours. Between trials the plastic weights consolidate and fade, gated by
the plasticity state that the drive's 5-HT2A and cortisol signals set (:mod:`sim.amygdala.plasticity`);
after each trial they learn from the expected outcome, which is read from the weights by the same
circuit without neuromodulation (one extra drug-free evaluation on trials with drive), and from the
expressed (drug-modulated) fear response as arousal. Summaries per trial and member:

- ``bla_rate`` (Hz): CS-window rate of the LA/BA principal cells (size-weighted mean);
- ``cem_rate`` (Hz): CS-window rate of CeM output cells;
- ``fear_response`` (1): CeM output during the cue relative to the same model's CeM output
  during the trauma cue in the untreated conditioned state (:func:`conditioned_weights`, context
  A, no drive): 1 = untreated trauma-cue response. (The total rate, not the rise over the pre-CS
  window: drugs that lower CeM's baseline lower fear output, they do not enlarge a "response".)

:class:`RateModel` and :class:`SpikingModel` implement ``respond(levels_baseline, levels_cs,
weights, mods) -> (rates_baseline, rates_cs)`` over an ensemble axis; everything else is shared.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from sim.amygdala import params as P
from sim.amygdala import plasticity, rate, spiking
from sim.amygdala.circuit import NO_MODULATION, Circuit, Modulation, Modulations, build_circuit, mean_of_principal
from sim.amygdala.drive import MAPPINGS, PLASTICITY_SIGNALS, Drive, member_modulations, signal_table


@dataclass(frozen=True)
class Trial:
    time_h: float
    cs: float = 1.0
    us: bool = False
    context: str = "A"      # "A", "B" or "none"
    il: float = 0.0         # IL/vmPFC drive, 0-1
    learn: bool = True      # False: the trial measures without teaching (a clinical assessment)

    def levels(self):
        """(baseline, cs) input levels over the channels cs, ctx_a, ctx_b, il."""
        if self.context not in ("A", "B", "none"):
            raise ValueError(f"trial context must be 'A', 'B' or 'none', not {self.context!r}")
        ca, cb = float(self.context == "A"), float(self.context == "B")
        return np.array([0.0, ca, cb, self.il]), np.array([self.cs, ca, cb, self.il])


def conditioning(n: int = 5, t0_h: float = 0.0, context: str = "A", iti_s: float = 120.0) -> list[Trial]:
    """n CS-US pairings (auditory fear conditioning; ITI ~2 min)."""
    return [Trial(t0_h + k * iti_s / 3600.0, us=True, context=context) for k in range(n)]


def extinction(n: int = 15, t0_h: float = 24.0, context: str = "B", il: float = 0.0,
               iti_s: float = 120.0) -> list[Trial]:
    """n CS-alone presentations."""
    return [Trial(t0_h + k * iti_s / 3600.0, context=context, il=il) for k in range(n)]


def probe(t_h: float, context: str = "A", il: float = 0.0, n: int = 1) -> list[Trial]:
    """Test trials: CS alone (these also learn, as any unreinforced CS does)."""
    return [Trial(t_h + k * 120.0 / 3600.0, context=context, il=il) for k in range(n)]


@dataclass
class TrialResult:
    time_h: np.ndarray          # (trial,)
    bla_rate: np.ndarray        # (member, trial) Hz
    cem_rate: np.ndarray        # (member, trial) Hz
    fear_response: np.ndarray   # (member, trial)
    rates_baseline: np.ndarray  # (member, trial, pop) Hz
    rates_cs: np.ndarray        # (member, trial, pop) Hz
    weights: np.ndarray         # (member, trial + 1, plastic): before each trial, and at the end
    stable: np.ndarray          # (member, plastic) at the end
    labile: np.ndarray          # (member, plastic) at the end
    expectation: np.ndarray     # (member, trial) expected outcome V that taught (0 where nothing learned)
    bdnf: np.ndarray            # (member, trial) plasticity state B at the trial
    juvenile: np.ndarray        # (member, trial) juvenile-like state J at the trial

    units = {"bla_rate": "Hz", "cem_rate": "Hz", "fear_response": "1"}


class _Base(ABC):
    name = "base"
    circuit: Circuit

    @abstractmethod
    def respond(self, levels_baseline, levels_cs, weights, mods):
        """Population rates (member, pop) in Hz before and during the cue: ``(rates_baseline, rates_cs)``."""

    @cached_property
    def reference(self) -> tuple[float, float]:
        """CeM cue-window rate and BA fear-neuron cue response (rise over pre-CS), Hz, in the
        untreated conditioned state, context A: they define fear_response = 1 and expectation = 1."""
        lb, lc = Trial(0.0, context="A").levels()
        rb, rc = self.respond(lb, lc, conditioned_weights()[None, :], [NO_MODULATION])
        return float(rc[0, P.CEM]), float(rc[0, P.BA_FEAR] - rb[0, P.BA_FEAR])


class RateModel(_Base):
    """Population rate model (:mod:`sim.amygdala.rate`), batched over members with numba."""

    name = "rate"
    independent_members = True  # each member is integrated on its own (see _drug_free)

    def __init__(self, circuit: Circuit | None = None):
        self.circuit = circuit or build_circuit()

    fast = True  # False: the member-by-member reference path (rate.simulate_trials(reference=True))

    def respond(self, levels_baseline, levels_cs, weights, mods):
        return rate.simulate_trials(self.circuit, levels_baseline, levels_cs, weights, mods, reference=not self.fast)


@dataclass
class SpikeRecorder:
    """A bounded spike recording for :class:`SpikingModel` (for rasters; the rates do not need it).

    Keeps the first ``per_population`` cells of every population (:func:`sim.amygdala.spiking.raster_rows`)
    of members ``0 .. runs - 1`` in the first ``max_trials`` trials of :func:`run_trials`, from the end of
    the pre-CS settling period to the end of the CS window (``window_s``, s relative to CS onset).
    :func:`run_trials` sets ``trial`` before each trial (None: not recording, e.g. the reference
    response). After the run, :meth:`arrays` gives the spikes as flat arrays.
    """

    runs: int = 1
    max_trials: int = 12
    per_population: int = 40
    trial: int | None = None
    _parts: list = field(default_factory=list)
    _layout: tuple | None = None

    def wants(self, member: int) -> bool:
        return self.trial is not None and self.trial < self.max_trials and member < self.runs

    def rows(self, net: spiking.Network) -> np.ndarray:
        row, cells, start = spiking.raster_rows(net, self.per_population)
        if self._layout is None:
            self._layout = (cells, start, np.asarray(net.circuit.sizes, np.int64))
        return row

    def add(self, member: int, spikes) -> None:
        time_s, row = spikes
        self._parts.append((member, self.trial, time_s, row))

    @property
    def window_s(self) -> tuple[float, float]:
        nt = P.NETWORK
        return (-(nt["t_baseline"].value - nt["t_settle"].value) * 1e-3, nt["t_cs"].value * 1e-3)

    def arrays(self) -> dict:
        """Flat spike arrays sorted by (run, trial, time): ``time_s`` (s from CS onset), ``neuron``
        (raster row), ``trial`` (index among the trials of :func:`run_trials`), ``run`` (member);
        with ``cell`` (network index per row), ``population_start`` (pop + 1,), ``population_size``
        (cells per population in the network) and the recorded
        ``runs`` and ``trials`` (also those without spikes). Empty dict if nothing was recorded."""
        if self._layout is None:
            return {}
        parts = sorted(self._parts, key=lambda x: (x[0], x[1]))
        sizes = [len(x[2]) for x in parts]
        return {"time_s": np.concatenate([np.zeros(0)] + [np.asarray(x[2], np.float64) for x in parts]),
                "neuron": np.concatenate([np.zeros(0, np.int32)] + [np.asarray(x[3], np.int32) for x in parts]),
                "trial": np.repeat(np.array([x[1] for x in parts], np.int32), sizes),
                "run": np.repeat(np.array([x[0] for x in parts], np.int32), sizes),
                "cell": self._layout[0], "population_start": self._layout[1], "population_size": self._layout[2],
                "runs": sorted({x[0] for x in parts}), "trials": sorted({x[1] for x in parts})}


class SpikingModel(_Base):
    """Spiking network (:mod:`sim.amygdala.spiking`); members are run one after another.

    Member m has its own connectivity (seed ``1000 * seed + m``); the noise of the k-th call of
    ``respond`` is seeded from ``(seed, m, k)``, so the same sequence of calls on a new model
    gives the same spikes. ``scale`` multiplies population sizes (in-degrees are fixed, so the
    mean field, and the rate model's calibration, do not change with it): 0.25 is ~1450 cells,
    16 is ~93 000.
    """

    name = "spiking"

    def __init__(self, scale: float = 0.25, seed: int = 0, circuit: Circuit | None = None,
                 recorder: SpikeRecorder | None = None, threads: int | None = None):
        self.circuit = circuit or build_circuit(scale)
        self.seed = seed
        self.threads = threads  # threads per trial (spiking.run_network); the spikes do not depend on it
        self.recorder = recorder  # spikes of some members and trials, for rasters (None: rates only)
        self._nets: dict[int, spiking.Network] = {}
        self._calls = 0

    def network(self, member: int) -> spiking.Network:
        if member not in self._nets:
            self._nets[member] = spiking.build_network(self.circuit, seed=self.seed * 1000 + member)
        return self._nets[member]

    def respond(self, levels_baseline, levels_cs, weights, mods):
        weights = np.atleast_2d(weights)
        n_e = max(weights.shape[0], len(mods))
        weights = np.broadcast_to(weights, (n_e, P.N_PLASTIC))
        mods = list(mods) if len(mods) == n_e else [mods[0]] * n_e
        lb = np.broadcast_to(np.asarray(levels_baseline, float), (n_e, len(P.INPUT_CHANNELS)))
        lc = np.broadcast_to(np.asarray(levels_cs, float), (n_e, len(P.INPUT_CHANNELS)))
        rb, rc = np.zeros((n_e, P.N_POP)), np.zeros((n_e, P.N_POP))
        self._calls += 1
        for m in range(n_e):
            seed = int(np.random.SeedSequence([self.seed, m, self._calls]).generate_state(1)[0])
            net, rec = self.network(m), self.recorder
            if rec is not None and rec.wants(m):
                rb[m], rc[m], spikes = spiking.simulate_trial(net, lb[m], lc[m], weights[m], mods[m], seed,
                                                              record=rec.rows(net), threads=self.threads)
                rec.add(m, spikes)
            else:
                rb[m], rc[m] = spiking.simulate_trial(net, lb[m], lc[m], weights[m], mods[m], seed,
                                                      threads=self.threads)
        return rb, rc


def conditioned_weights() -> np.ndarray:
    """The canonical untreated trauma state: the rate model after :func:`conditioning` (5 pairings
    in context A) and a day of consolidation. Shared by both models so they start alike."""
    return _conditioned().copy()


_CACHE: dict[str, np.ndarray] = {}


def _conditioned() -> np.ndarray:
    if "w" not in _CACHE:
        res = run_trials(RateModel(), conditioning(5), reference=(1.0, 1.0))
        s, lab = plasticity.elapse(res.stable, res.labile, 24.0, plasticity.Rule.default())
        _CACHE["w"] = plasticity.weights(s, lab)[0]
    return _CACHE["w"]


def run_trials(model: _Base, trials: list[Trial], drive: Drive | list[Drive] | None = None,
               initial: np.ndarray | None = None, members: int = 1, learn: bool = True,
               rule: plasticity.Rule | None = None, reference: tuple[float, float] | None = None,
               modulations: list[Modulation] | None = None, mappings=MAPPINGS) -> TrialResult:
    """Run ``trials`` (sorted by time) for ``members`` circuits; see the module docstring.

    ``drive``: one Drive for all members or one per member (None: drug-free); anything with ``at(t)``
    works, ``at_times(times)`` reads it at every trial at once (:func:`sim.amygdala.drive.signal_table`;
    the circuit changes of all members are then mapped together), and ``values(name, times)`` /
    ``breakpoints()`` (:class:`Drive`, :class:`sim.protocol.ProtocolDrive`) let the plasticity state follow
    the drive between trials.
    ``initial``: plastic weights (plastic,) or (members, plastic) taken as consolidated; default naive
    (all 1). ``reference``: CeM cue-window rate and BA-fear-neuron cue response (Hz) that define
    fear_response = 1 and expectation = 1 (default: the model's own untreated conditioned
    responses). ``modulations`` overrides the drive's circuit changes with fixed ones (tests, the
    reproduction without neuromodulation); ``mappings``: the drive mappings in use (ablations drop
    some). Trials with ``learn=False`` only measure.
    """
    rule = rule or plasticity.Rule.default()
    trials = sorted(trials, key=lambda t: t.time_h)
    drives = drive if isinstance(drive, list) else [drive] * members
    if len(drives) != members:
        raise ValueError("one drive per member, or a single drive")
    w0 = np.ones(P.N_PLASTIC) if initial is None else np.asarray(initial, float)
    stable = np.broadcast_to(w0 - 1.0, (members, P.N_PLASTIC)).copy()
    labile = np.zeros_like(stable)
    ref_cem, ref_fear = model.reference if reference is None else reference
    n_t = len(trials)
    out = TrialResult(np.array([t.time_h for t in trials]), np.zeros((members, n_t)), np.zeros((members, n_t)),
                      np.zeros((members, n_t)), np.zeros((members, n_t, P.N_POP)),
                      np.zeros((members, n_t, P.N_POP)), np.zeros((members, n_t + 1, P.N_PLASTIC)),
                      stable, labile, np.zeros((members, n_t)), np.zeros((members, n_t)), np.zeros((members, n_t)))
    state = _PlasticityState(drives, trials, rule, members)
    recorder = getattr(model, "recorder", None)  # spike recording (SpikingModel), told the trial index
    # every member's drive signals at every trial, asked once per drive (not per trial)
    signals = None if modulations else signal_table(drives, out.time_h, {m.signal for m in mappings})
    for k, tr in enumerate(trials):
        stable, labile = state.advance(stable, labile, tr.time_h)
        w = plasticity.weights(stable, labile)
        out.weights[:, k] = w
        mods = modulations or member_modulations({s: v[:, k] for s, v in signals.items()}, members, mappings)
        lb, lc = tr.levels()
        if recorder is not None:
            recorder.trial = k
        rb, rc = model.respond(lb, lc, w, mods)
        if recorder is not None:
            recorder.trial = None
        out.rates_baseline[:, k], out.rates_cs[:, k] = rb, rc
        out.bla_rate[:, k] = mean_of_principal(rc)
        out.cem_rate[:, k] = rc[:, P.CEM]
        out.fear_response[:, k] = rc[:, P.CEM] / ref_cem
        out.bdnf[:, k] = state.bdnf
        out.juvenile[:, k] = state.juvenile
        if learn and tr.learn:
            # the expected outcome is read from the learned weights, not from drug-altered expression
            rb0, rc0 = _drug_free(model, lb, lc, w, mods, rb, rc)
            expectation = (rc0[:, P.BA_FEAR] - rb0[:, P.BA_FEAR]) / ref_fear
            out.expectation[:, k] = expectation
            pre = plasticity.presynaptic(tr.cs, *lb[1:])
            gain = Modulations.of(mods, len(mods)).learn_gain * np.ones(members)
            labile = plasticity.learn(stable, labile, pre, float(tr.us), expectation, out.fear_response[:, k],
                                      gain, rule, state.juvenile)
    out.weights[:, n_t] = plasticity.weights(stable, labile)
    out.stable, out.labile = stable, labile
    return out


def _drug_free(model, lb, lc, w, mods, rb, rc):
    """The drug-free rates (for the expected outcome) given the drug-modulated ones ``rb, rc``: members
    without modulation keep theirs. A model whose members are independent (``independent_members``:
    the rate model) evaluates only the modulated members again; any other (the spiking model, whose
    noise seeds follow the member's position in the call) evaluates all of them when any is modulated."""
    modulated = Modulations.of(mods, len(mods)).modulated()
    if not modulated.any():
        return rb, rc
    if not getattr(model, "independent_members", False) or len(mods) != w.shape[0] or modulated.all():
        return model.respond(lb, lc, w, [NO_MODULATION])
    rows = np.flatnonzero(modulated)
    rb0, rc0 = rb.copy(), rc.copy()
    rb0[rows], rc0[rows] = model.respond(lb, lc, w[rows], [NO_MODULATION])
    return rb0, rc0


class _PlasticityState:
    """The plasticity state B and the juvenile-like state J of every member (:mod:`sim.amygdala.plasticity`)
    and the consolidation between trials. The drives' 5-HT2A change and cortisol fold change are
    sample-and-hold signals, so between their breakpoints they are constant and B and J are updated
    exactly; consolidation, which B gates, is stepped at most ``STEP_H`` hours at a time while B or its
    inputs are not zero."""

    STEP_H = 1.0

    def __init__(self, drives, trials, rule: plasticity.Rule, members: int):
        self.rule, self.bdnf, self.juvenile = rule, np.zeros(members), np.zeros(members)
        t_trials = np.array([t.time_h for t in trials]) if trials else np.zeros(1)
        self.t = float(t_trials[0])
        lo, hi = t_trials[0], t_trials[-1]
        cuts = [t_trials]
        for d in {id(d): d for d in drives if d is not None}.values():
            b = np.asarray(d.breakpoints(), float) if hasattr(d, "breakpoints") else np.zeros(0)
            cuts.append(b[(b > lo) & (b < hi)])
        self.edges = np.unique(np.concatenate(cuts))
        self.signals = {}
        for name in PLASTICITY_SIGNALS:
            sig = np.zeros((members, self.edges.size))
            for i, d in enumerate(drives):
                if d is None:
                    continue
                if hasattr(d, "values"):
                    sig[i] = d.values(name, self.edges)
                else:
                    sig[i] = [d.at(t).get(name, 0.0) for t in self.edges]
            self.signals[name] = sig if sig.any() else None

    def _signal(self, name, j):
        s = self.signals[name]
        return 0.0 if s is None else s[:, j]

    def advance(self, stable, labile, t_h: float):
        """Consolidate, forget and update B from the current time to ``t_h``; returns (stable, labile)."""
        rule = self.rule
        j0 = int(np.searchsorted(self.edges, self.t, side="right")) - 1
        j1 = int(np.searchsorted(self.edges, t_h, side="left"))
        points = [self.t, *self.edges[max(j0 + 1, 0):j1], t_h]
        for j, (a, b) in enumerate(zip(points[:-1], points[1:], strict=True)):
            if b <= a:
                continue
            col = max(j0 + j, 0)
            s2a = self._signal("response_5ht2a", col)
            trkb = self._signal("occupancy_trkb", col)
            cort = rule.k_cortisol * np.maximum(self._signal("plasma_cortisol", col), 0.0)
            active = np.abs(self.bdnf).max() > 1e-4 or np.any(s2a) or np.any(trkb) or np.any(cort)
            n = int(np.ceil((b - a) / self.STEP_H)) if active else 1
            h = (b - a) / n
            for _ in range(n):
                new = plasticity.bdnf_step(self.bdnf, s2a, h, rule, trkb)
                self.juvenile = plasticity.juvenile_step(self.juvenile, h, rule, trkb)
                stable, labile = plasticity.elapse(stable, labile, h, rule, 0.5 * (self.bdnf + new) + cort)
                self.bdnf = new
        self.t = max(self.t, t_h)
        return stable, labile


__all__ = ["RateModel", "SpikeRecorder", "SpikingModel", "Trial", "TrialResult", "conditioned_weights", "conditioning",
           "extinction", "probe", "run_trials"]
