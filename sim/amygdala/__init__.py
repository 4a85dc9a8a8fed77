"""Amygdala: a rate model and a spiking network of the fear circuit, with one interface.

Populations (LA principal and PV cells, BA fear and extinction neurons and PV cells, ITC, CeL
ON/OFF, CeM) and their wiring are in :mod:`sim.amygdala.params`; :mod:`sim.amygdala.drive` is the
only place where receptor responses enter; :mod:`sim.amygdala.plasticity` holds the learning
rule; :mod:`sim.amygdala.model` runs trials on either model and returns per-trial ``bla_rate``,
``cem_rate`` (Hz) and ``fear_response`` (1 = untreated trauma-cue response).

>>> from sim.amygdala import RateModel, SpikingModel, run_trials, conditioning, extinction, probe
>>> res = run_trials(RateModel(), conditioning(5) + extinction(10, t0_h=24.0, context="B") + probe(48.0, "A"))
"""

from sim.amygdala.circuit import NO_MODULATION, Circuit, Modulation, build_circuit
from sim.amygdala.drive import (
    MAPPINGS,
    NO_DRIVE,
    SIGNALS,
    Drive,
    Mapping,
    TimedArray,
    drives_from_outputs,
    modulation,
)
from sim.amygdala.model import (
    RateModel,
    SpikingModel,
    Trial,
    TrialResult,
    conditioned_weights,
    conditioning,
    extinction,
    probe,
    run_trials,
)
from sim.amygdala.params import POPULATIONS, all_parameters

__all__ = ["MAPPINGS", "NO_DRIVE", "NO_MODULATION", "POPULATIONS", "SIGNALS", "Circuit", "Drive", "Mapping",
           "Modulation", "RateModel", "SpikingModel", "TimedArray", "Trial", "TrialResult", "all_parameters",
           "build_circuit", "conditioned_weights", "conditioning", "drives_from_outputs", "extinction",
           "modulation", "probe", "run_trials"]
