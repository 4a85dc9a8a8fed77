"""The only coupling point between pharmacology and the amygdala.

The amygdala reads receptor *responses*, not occupancies (the project's one affinity convention,
sim/receptors/mechanism.py): ``response_<receptor>`` is the operational-model response E/E0 with each
ligand's functional K_A and efficacy, relative to the drug-free response E0. Occupancy (binding K,
what PET measures) is reported by the pharmacology and never read here.

Each signal arrives as a sampled time course (:class:`TimedArray`, like Brian2's: values at a fixed
step, sample-and-hold) and enters the circuit as its change relative to a reference state::

    s(t) = E(t) / E_ref - 1          (0 at the reference; > 0 more signalling, < 0 less; s >= -1)

where E_ref is the run's pre-dose response (``drives_from_outputs``: the first sample, or a given
drug-free baseline), which is E0 for a drug-free start. No further saturating transform is applied:
the operational model already saturates (E <= Em, so s <= Em/E0 - 1), and the circuit's rate
transfer function maps currents and conductances onto firing non-linearly. :func:`modulation`
evaluates the signals at a trial's time and maps each through a :class:`Mapping` -- a signal, a
target (cell or synapse property), the populations it acts on, a gain per unit response change
with its sign (direction), and the source of that direction -- into a
:class:`sim.amygdala.circuit.Modulation`::

    target += direction * gain * s

Nothing else in the amygdala knows about drugs or receptors; a missing signal counts as no change.
The gains are :data:`sim.amygdala.params.DRIVE` (value, unit, source, status): the directions are
from the sources, the sizes assumed, each stated as the effect at a reference response change
(``params.DRIVE_REFERENCE``). A trial lasts about a second, far shorter than any drug time course,
so the signals are taken as constant within a trial. Plasma cortisol (where the pharmacology has
it) enters the plasticity state only, as the same kind of fold change, and so does the share of TrkB
bound by drugs that bind it directly (as a difference: it is 0 drug-free) (:data:`PLASTICITY_SIGNALS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sim.amygdala import params as P
from sim.amygdala.circuit import Modulation, Modulations


@dataclass(frozen=True)
class TimedArray:
    """A signal sampled every ``dt_h`` hours from ``t0_h``; value at t is the sample at floor((t - t0)/dt)."""

    values: np.ndarray
    dt_h: float
    t0_h: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "values", np.asarray(self.values, dtype=float))
        if self.values.ndim != 1 or self.values.size == 0 or not self.dt_h > 0:
            raise ValueError("TimedArray needs a non-empty 1-D array and dt_h > 0")

    def __call__(self, t_h):
        i = np.floor((np.asarray(t_h, float) - self.t0_h) / self.dt_h + 1e-9).astype(int)
        return self.values.take(i, mode="clip")  # indices clipped to [0, size - 1]


SIGNALS = ("response_5ht1a", "response_5ht2a", "response_alpha2", "response_beta", "response_d1",
           "response_oxtr")
# plasma cortisol (where the pharmacology has it) acts on consolidation only (sim.amygdala.plasticity)
HORMONE_SIGNALS = ("plasma_cortisol",)
# direct drug binding to TrkB (an output only where a dosed drug binds it, sim/receptors/trkb.py) acts on the
# plasticity state only. TrkB has no endogenous ligand at that site: the share bound is 0 drug-free, so it
# enters as its difference from the reference, not a fold change (and is the one drug-bound share the amygdala
# reads; tests/test_receptors.py names it)
TRKB_SIGNALS = ("occupancy_trkb",)
ALL_SIGNALS = SIGNALS + TRKB_SIGNALS + HORMONE_SIGNALS
# 5-HT2A's route to learning is the plasticity state (BDNF/TrkB) of sim.amygdala.plasticity, not a mapping
PLASTICITY_SIGNALS = ("response_5ht2a", "occupancy_trkb", "plasma_cortisol")


@dataclass(frozen=True)
class Mapping:
    signal: str
    target: str                  # "i_ext" (pA) | "g_k" (nS) | "bg_scale" | "cs_gain" | "learn_gain"
    populations: tuple[str, ...]  # empty for circuit-wide targets (cs_gain, learn_gain)
    gain: float                  # change per unit response change (s = E/E_ref - 1), magnitude
    direction: int               # +1 or -1
    unit: str
    source: str                  # the direction's source; the size's basis is the gain parameter's


def _mapping(key: str, signal: str, target: str, populations: tuple[str, ...], direction: int, unit: str,
             source: str) -> Mapping:
    return Mapping(signal, target, populations, P.DRIVE[key].value, direction, unit, source)


_PC = ("la_pc", "ba_fear", "ba_ext")
# (parameter key in params.DRIVE, mapping)
_MAPPINGS = (
    ("5ht2a_i_ext_pv", _mapping("5ht2a_i_ext_pv", "response_5ht2a", "i_ext", ("la_pv", "ba_pv"), +1, "pA",
                                "Bocchio et al. 2015 Neuropsychopharmacology 40:3015: 5-HT2A excites BA PV "
                                "interneurons")),
    ("5ht1a_g_k_pc", _mapping("5ht1a_g_k_pc", "response_5ht1a", "g_k", _PC, +1, "nS",
                              "Rainnie 1999 J Neurophysiol 82:69: 5-HT1A opens a K+ conductance that "
                              "hyperpolarises BLA projection neurons")),
    ("alpha2_bg_scale_pc", _mapping("alpha2_bg_scale_pc", "response_alpha2", "bg_scale", _PC, -1, "1",
                                    "Buffalari & Grace 2007 J Neurosci 27:12358: alpha2 agonism lowers "
                                    "spontaneous BLA firing (modelled as less spontaneous afferent drive)")),
    ("beta_cs_gain", _mapping("beta_cs_gain", "response_beta", "cs_gain", (), +1, "1",
                              "Buffalari & Grace 2007: beta-adrenergic signalling supports sensory-evoked BLA "
                              "responses (propranolol lowers BLA firing)")),
    ("d1_i_ext_pc", _mapping("d1_i_ext_pc", "response_d1", "i_ext", _PC, +1, "pA",
                             "Kroner et al. 2005 J Neurophysiol 93:1598: D1 activation increases BLA "
                             "projection-neuron excitability")),
    ("oxtr_i_ext_cel_off", _mapping("oxtr_i_ext_cel_off", "response_oxtr", "i_ext", ("cel_off",), +1, "pA",
                                    "Huber, Veinante & Stoop 2005 Science 308:245: oxytocin excites CeL "
                                    "GABAergic neurons that inhibit CeM output (here the PKCdelta+ OFF cells, "
                                    "Haubensak 2010)")),
    ("beta_learn_gain", _mapping("beta_learn_gain", "response_beta", "learn_gain", (), +1, "1",
                                 "McGaugh 2004 Annu Rev Neurosci 27:1: beta-adrenergic facilitation of "
                                 "amygdala-dependent memory consolidation")),
)
MAPPINGS = tuple(m for _, m in _MAPPINGS)


@dataclass(frozen=True)
class Drive:
    """Named signal time courses (TimedArray), each the change relative to the reference state
    (s = E/E_ref - 1 for a response, the fold change for a hormone); ``Drive()`` is the drug-free state."""

    signals: dict

    def __init__(self, signals: dict | None = None, **named):
        sig = dict(signals or {}, **named)
        unknown = set(sig) - set(ALL_SIGNALS)
        if unknown:
            raise ValueError(f"unknown drive signals {sorted(unknown)}; known: {ALL_SIGNALS}")
        object.__setattr__(self, "signals", {k: v if isinstance(v, TimedArray) else TimedArray([float(v)], 1.0)
                                             for k, v in sig.items()})

    def at(self, t_h: float) -> dict[str, float]:
        """Signals at ``t_h``; a relative change cannot fall below -1 (no signalling at all)."""
        return {k: float(_floor(v(t_h))) for k, v in self.signals.items()}

    def at_times(self, times) -> dict[str, np.ndarray]:
        """:meth:`at` at each of ``times`` (h): name -> array shaped like ``times``."""
        t = np.asarray(times, float)
        return {k: _floor(v(t)) for k, v in self.signals.items()}

    def values(self, name: str, times) -> np.ndarray:
        """Signal ``name`` at ``times`` (h), as in :meth:`at`; zeros if the drive lacks it."""
        t = np.asarray(times, float)
        return _floor(self.signals[name](t)) if name in self.signals else np.zeros(t.shape)

    def breakpoints(self) -> np.ndarray:
        """Times (h) at which a signal may change value (sample-and-hold: its sample boundaries)."""
        return _sample_boundaries(tuple((v.t0_h, v.dt_h, v.values.size) for v in self.signals.values()))


@lru_cache(maxsize=64)
def _sample_boundaries(grids: tuple) -> np.ndarray:
    """The distinct sample boundaries of the grids ``(t0_h, dt_h, size)``, sorted; read-only, as drives on the
    same grids (every patient's of one session) share it."""
    parts = [t0 + dt * np.arange(1, n) for t0, dt, n in grids]
    out = np.unique(np.concatenate([np.zeros(0), *parts]))
    out.setflags(write=False)
    return out


def _floor(x):
    return np.maximum(x, -1.0)


NO_DRIVE = Drive()


def modulation(drive: Drive | None, t_h: float, mappings=MAPPINGS) -> Modulation:
    """The circuit changes that ``drive`` causes at time ``t_h`` (hours)."""
    sig = (drive or NO_DRIVE).at(t_h)
    return member_modulations({k: np.array([v]) for k, v in sig.items()}, 1, mappings)[0]


def member_modulations(signals: dict, members: int, mappings=MAPPINGS) -> Modulations:
    """:func:`modulation` of ``members`` members at once, from their signal values ``signals`` (name ->
    (members,) array, as :meth:`Drive.at` gives them; a missing signal counts as no change): one
    :class:`Modulation` per member, as :class:`Modulations` (its arrays are rows of arrays shared by the members)."""
    pop = {name: i for i, name in enumerate(P.POPULATIONS)}
    i_ext, g_k, bg = np.zeros((members, P.N_POP)), np.zeros((members, P.N_POP)), np.ones((members, P.N_POP))
    cs_gain, learn_gain = np.ones(members), np.ones(members)
    none = np.zeros(members)
    for m in mappings:
        x = m.direction * m.gain * np.asarray(signals.get(m.signal, none), float)
        idx = [pop[p] for p in m.populations]
        if m.target == "i_ext":
            i_ext[:, idx] += x[:, None]
        elif m.target == "g_k":
            g_k[:, idx] += x[:, None]
        elif m.target == "bg_scale":
            bg[:, idx] += x[:, None]
        elif m.target == "cs_gain":
            cs_gain += x
        elif m.target == "learn_gain":
            learn_gain += x
        else:
            raise ValueError(f"unknown mapping target {m.target!r}")
    g_k, bg = np.maximum(g_k, 0.0), np.maximum(bg, 0.0)
    return Modulations(i_ext, g_k, bg, np.maximum(cs_gain, 0.0), np.maximum(learn_gain, 0.0))


def signal_table(drives: list, times, names) -> dict[str, np.ndarray]:
    """The signals ``names`` of every member's drive at ``times`` (h): name -> (members, times), the values
    ``drive.at(t)`` gives (0 for a signal the drive lacks, and for a None drive). A drive with ``at_times``
    (:class:`Drive`, :class:`sim.protocol.ProtocolDrive`) is asked once for all times, any other time by time."""
    t = np.asarray(times, float)
    out = {name: np.zeros((len(drives), t.size)) for name in names}
    seen: dict[int, dict] = {}
    for r, d in enumerate(drives):
        if d is None:
            continue
        if id(d) not in seen:
            if hasattr(d, "at_times"):
                seen[id(d)] = d.at_times(t)
            else:
                at = [d.at(float(x)) for x in t]
                seen[id(d)] = {name: np.array([a.get(name, 0.0) for a in at]) for name in names}
        for name, v in seen[id(d)].items():
            if name in out:
                out[name][r] = v
    return out


def drives_from_outputs(time_h, outputs: dict, relative: bool = True, baseline: dict | None = None) -> list[Drive]:
    """One Drive per run from a run's outputs: every ``response_<receptor>`` array (run, time) named in
    :data:`SIGNALS` (and ``plasma_cortisol``) becomes a TimedArray of s = E/E_ref - 1 on the (uniform)
    output grid ``time_h``; other outputs (occupancies among them) are ignored. This is how every
    pharmacology result (``sim run`` probes, the trial, the extinction suite, the explorer) feeds the
    amygdala.

    The reference E_ref: with ``relative=True`` (the default) each run's first sample, the pre-dose
    state at t = 0 -- the circuit's baseline rates were calibrated with no drive, so the tonic receptor
    activity before the dose is part of that calibration and only the change from it is a drive; or,
    with ``baseline`` (name -> (run,) values), those values (for a time course that starts after drug
    has already been given, e.g. a later stretch of daily dosing, the reference is the drug-free state).
    With ``relative=False`` the reference is the model's drug-free response E0 itself (the output is
    already E/E0, so s = output - 1; the TrkB share's drug-free value is 0; cortisol has no such reference and
    keeps its first sample). ``occupancy_trkb`` enters as its difference from the reference, not a fold change. The
    change is signed: a fall below the reference (an antagonist removing tonic signalling, 5-HT
    depletion after MDMA) acts opposite to each mapping's direction, within :func:`modulation`'s
    limits (K+ conductances and background scales do not go below zero)."""
    t = np.asarray(time_h, float)
    dt = float(t[1] - t[0]) if t.size > 1 else 1.0
    if t.size > 2 and not np.allclose(np.diff(t), dt, rtol=1e-6, atol=1e-9):
        raise ValueError("drives_from_outputs needs a uniform time grid")
    used = {k: np.atleast_2d(np.asarray(v, float)) for k, v in outputs.items() if k in ALL_SIGNALS}
    ref = {k: v[:, :1] for k, v in used.items()}
    if baseline is not None:
        ref = {k: np.asarray(baseline[k], float).reshape(-1, 1) for k in used}
    elif not relative:
        ref = {k: np.ones_like(r) if k in SIGNALS else np.zeros_like(r) if k in TRKB_SIGNALS else r
               for k, r in ref.items()}
    used = {k: v - ref[k] if k in TRKB_SIGNALS else v / np.maximum(ref[k], 1e-12) - 1.0 for k, v in used.items()}
    n_runs = max((v.shape[0] for v in used.values()), default=1)
    return [Drive({k: TimedArray(v[min(r, v.shape[0] - 1)], dt, float(t[0])) for k, v in used.items()})
            for r in range(n_runs)]


def parameters() -> list:
    """The drive mappings' gains as parameters (``sim params``): :data:`sim.amygdala.params.DRIVE`."""
    return [(f"amygdala.drive.{key}", P.DRIVE[key]) for key, _ in _MAPPINGS]
