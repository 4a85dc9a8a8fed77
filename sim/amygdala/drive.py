"""The only coupling point between pharmacology and the amygdala.

Receptor occupancies (fractions, 0-1) arrive as sampled time courses (:class:`TimedArray`, like
Brian2's: values at a fixed step, sample-and-hold). :func:`modulation` evaluates them at a trial's
time and maps each through a :class:`Mapping` -- a signal, a target (cell or synapse property), the
populations it acts on, a gain per unit occupancy with its sign (direction) and the source for
that direction -- into a :class:`sim.amygdala.circuit.Modulation`. Nothing else in the amygdala
knows about drugs or receptors; a missing signal counts as zero occupancy.

Gains are assumptions sized to give effects of the order reported (a few mV of hyperpolarisation
or depolarisation, tens of percent changes in spontaneous or evoked firing); the directions are
from the sources. A trial lasts about a second, far shorter than any drug time course, so
occupancies are taken as constant within a trial.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.amygdala import params as P
from sim.amygdala.circuit import Modulation


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
        return self.values[np.clip(i, 0, self.values.size - 1)]


SIGNALS = ("occupancy_5ht1a", "occupancy_5ht2a", "occupancy_alpha2", "occupancy_beta", "occupancy_d1",
           "occupancy_oxtr")
# plasma cortisol (where the pharmacology has it) acts on consolidation only (sim.amygdala.plasticity), as a
# fold change over the run's pre-dose value (not clipped to [-1, 1])
FOLD_SIGNALS = ("plasma_cortisol",)
# direct drug binding to TrkB (an output only where a dosed drug binds it, sim/receptors/trkb.py) acts on the
# plasticity state only
TRKB_SIGNALS = ("occupancy_trkb",)
ALL_SIGNALS = SIGNALS + TRKB_SIGNALS + FOLD_SIGNALS


@dataclass(frozen=True)
class Mapping:
    signal: str
    target: str                  # "i_ext" (pA) | "g_k" (nS) | "bg_scale" | "cs_gain" | "learn_gain"
    populations: tuple[str, ...]  # empty for circuit-wide targets (cs_gain, learn_gain)
    gain: float                  # change per unit occupancy, magnitude
    direction: int               # +1 or -1
    unit: str
    source: str


_PC = ("la_pc", "ba_fear", "ba_ext")
MAPPINGS = (
    Mapping("occupancy_5ht2a", "i_ext", ("la_pv", "ba_pv"), 40.0, +1, "pA",
            "Bocchio et al. 2015 Neuropsychopharmacology 40:3015: 5-HT2A excites BA PV interneurons; "
            "gain assumed"),
    Mapping("occupancy_5ht1a", "g_k", _PC, 3.0, +1, "nS",
            "Rainnie 1999 J Neurophysiol 82:69: 5-HT1A opens a K+ conductance that hyperpolarises BLA "
            "projection neurons; gain assumed"),
    Mapping("occupancy_alpha2", "bg_scale", _PC, 0.3, -1, "1",
            "Buffalari & Grace 2007 J Neurosci 27:12358: alpha2 agonism lowers spontaneous BLA firing "
            "(modelled as less spontaneous afferent drive); gain assumed"),
    Mapping("occupancy_beta", "cs_gain", (), 0.5, +1, "1",
            "Buffalari & Grace 2007: beta-adrenergic agonism potentiates sensory-evoked BLA responses; "
            "gain assumed"),
    Mapping("occupancy_d1", "i_ext", _PC, 20.0, +1, "pA",
            "Kroner et al. 2005 J Neurophysiol 93:1598: D1 activation increases BLA projection-neuron "
            "excitability; gain assumed"),
    Mapping("occupancy_oxtr", "i_ext", ("cel_off",), 150.0, +1, "pA",
            "Huber, Veinante & Stoop 2005 Science 308:245: oxytocin excites CeL GABAergic neurons that "
            "inhibit CeM output (here the PKCdelta+ OFF cells, Haubensak 2010); gain assumed"),
    Mapping("occupancy_beta", "learn_gain", (), 0.5, +1, "1",
            "assumed: beta-adrenergic facilitation of amygdala-dependent memory consolidation "
            "(McGaugh 2004 Annu Rev Neurosci 27:1)"),
)
# 5-HT2A's route to learning is the plasticity state (BDNF/TrkB) of sim.amygdala.plasticity, not a mapping.
PLASTICITY_SIGNALS = ("occupancy_5ht2a", "occupancy_trkb", "plasma_cortisol")


@dataclass(frozen=True)
class Drive:
    """Named occupancy time courses (TimedArray); ``Drive()`` is the drug-free state."""

    signals: dict

    def __init__(self, signals: dict | None = None, **named):
        sig = dict(signals or {}, **named)
        unknown = set(sig) - set(ALL_SIGNALS)
        if unknown:
            raise ValueError(f"unknown drive signals {sorted(unknown)}; known: {ALL_SIGNALS}")
        object.__setattr__(self, "signals", {k: v if isinstance(v, TimedArray) else TimedArray([float(v)], 1.0)
                                             for k, v in sig.items()})

    def at(self, t_h: float) -> dict[str, float]:
        """Occupancies at ``t_h``, clipped to [-1, 1]: negative values are only meaningful for drives
        relative to a baseline (:func:`drives_from_outputs` with ``relative=True``)."""
        return {k: float(_clip(k, v(t_h))) for k, v in self.signals.items()}

    def values(self, name: str, times) -> np.ndarray:
        """Signal ``name`` at ``times`` (h), clipped as in :meth:`at`; zeros if the drive lacks it."""
        t = np.asarray(times, float)
        return _clip(name, self.signals[name](t)) if name in self.signals else np.zeros(t.shape)

    def breakpoints(self) -> np.ndarray:
        """Times (h) at which a signal may change value (sample-and-hold: its sample boundaries)."""
        parts = [v.t0_h + v.dt_h * np.arange(1, v.values.size) for v in self.signals.values()]
        return np.unique(np.concatenate([np.zeros(0), *parts]))


def _clip(name, x):
    return np.maximum(x, -1.0) if name in FOLD_SIGNALS else np.clip(x, -1.0, 1.0)


NO_DRIVE = Drive()


def modulation(drive: Drive | None, t_h: float, mappings=MAPPINGS) -> Modulation:
    """The circuit changes that ``drive`` causes at time ``t_h`` (hours)."""
    occ = (drive or NO_DRIVE).at(t_h)
    pop = {name: i for i, name in enumerate(P.POPULATIONS)}
    i_ext, g_k, bg = np.zeros(P.N_POP), np.zeros(P.N_POP), np.ones(P.N_POP)
    cs_gain = learn_gain = 1.0
    for m in mappings:
        x = m.direction * m.gain * occ.get(m.signal, 0.0)
        idx = [pop[p] for p in m.populations]
        if m.target == "i_ext":
            i_ext[idx] += x
        elif m.target == "g_k":
            g_k[idx] += x
        elif m.target == "bg_scale":
            bg[idx] += x
        elif m.target == "cs_gain":
            cs_gain += x
        elif m.target == "learn_gain":
            learn_gain += x
        else:
            raise ValueError(f"unknown mapping target {m.target!r}")
    return Modulation(i_ext=i_ext, g_k=np.maximum(g_k, 0.0), bg_scale=np.maximum(bg, 0.0),
                      cs_gain=max(cs_gain, 0.0), learn_gain=max(learn_gain, 0.0))


def mdma_like(level: float = 1.0) -> Drive:
    """A constant, illustrative MDMA-like drive (synthetic, until the transmitter cascade exists).

    Occupancies at ``level`` = 1: 5-HT1A 0.3, 5-HT2A 0.3, alpha2 0.2, beta 0.3, D1 0.1, OXTR 0.5
    (assumed: MDMA releases 5-HT > NE > DA and raises oxytocin; Dumont et al. 2009).
    """
    base = dict(occupancy_5ht1a=0.3, occupancy_5ht2a=0.3, occupancy_alpha2=0.2, occupancy_beta=0.3,
                occupancy_d1=0.1, occupancy_oxtr=0.5)
    return Drive({k: min(1.0, v * level) for k, v in base.items()})


def drives_from_outputs(time_h, outputs: dict, relative: bool = False, baseline: dict | None = None) -> list[Drive]:
    """One Drive per run from a run's outputs: every ``occupancy_<receptor>`` array (run, time)
    whose name is in :data:`SIGNALS` becomes a TimedArray on the (uniform) output grid ``time_h``;
    other outputs are ignored. This is how a pharmacology result feeds the amygdala.

    ``relative=True`` (what ``sim run`` uses) subtracts each run's first sample (the pre-dose
    steady state at t = 0) from its signal. The cascade's occupancies are not zero without a drug
    (endogenous 5-HT occupies ~21 % of 5-HT1A, oxytocin ~1.5 % of OXTR), while the circuit's
    baseline rates were calibrated with zero drive: the tonic receptor activity is part of that
    calibration, so only the change from it is a drive. The change is signed: a fall below the
    pre-dose tone (an antagonist displacing the transmitter, 5-HT depletion after MDMA) acts in the
    opposite direction of each mapping, within :func:`modulation`'s limits (K+ conductances and
    background scales do not go below zero). ``plasma_cortisol`` (when the model has it) becomes its
    fold change over the pre-dose value. The mappings' gains are per unit occupancy change, so the
    drive reads ``occupancy_<receptor>``; the receptors' ``response_<receptor>`` outputs (E/E0) are
    on another scale (a fold change, e.g. ~4.7 for 5-HT1A at 125 mg MDMA against an occupancy change
    of 0.35) and need the gains re-sized before the drive can read them. ``baseline`` (name -> (run,)
    values; with ``relative=True``) takes the reference from there instead of the first sample: for a
    time course that starts after drug has already been given (a later stretch of daily dosing), the
    reference is the drug-free state."""
    t = np.asarray(time_h, float)
    dt = float(t[1] - t[0]) if t.size > 1 else 1.0
    if t.size > 2 and not np.allclose(np.diff(t), dt, rtol=1e-6, atol=1e-9):
        raise ValueError("drives_from_outputs needs a uniform time grid")
    used = {k: np.atleast_2d(np.asarray(v, float)) for k, v in outputs.items() if k in ALL_SIGNALS}
    if relative:
        ref = {k: v[:, :1] for k, v in used.items()}
        if baseline is not None:
            ref = {k: np.asarray(baseline[k], float).reshape(-1, 1) for k in used}
        used = {k: (v / np.maximum(ref[k], 1e-12) - 1.0 if k in FOLD_SIGNALS else v - ref[k])
                for k, v in used.items()}
    n_runs = max((v.shape[0] for v in used.values()), default=1)
    return [Drive({k: TimedArray(v[min(r, v.shape[0] - 1)], dt, float(t[0])) for k, v in used.items()})
            for r in range(n_runs)]


def parameters() -> list:
    """The drive mappings' gains as parameters (``sim params``): the direction of each is from its
    source, the size assumed."""
    from sim.params import Parameter

    out = []
    for m in MAPPINGS:
        where = "_".join(m.populations) or "circuit"
        name = f"{m.signal.removeprefix('occupancy_').removeprefix('plasma_')}_{m.target}_{where}"
        out.append((f"amygdala.drive.{name}",
                    Parameter(name, m.gain, f"{m.unit} per unit signal", m.source,
                              f"{'+' if m.direction > 0 else '-'}{m.target} of {where} per unit change of {m.signal}",
                              0.0, math.inf, status="assumed" if "assumed" in m.source else "")))
    return out
