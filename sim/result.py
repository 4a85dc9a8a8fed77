"""A simulation result: named (run, time) arrays with units, parameters and provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim import store


@dataclass
class Result:
    """Outputs of one experiment (one subject, a cohort or a sweep).

    ``time`` is in hours, shape (T,). Each output is (N, T) with N runs; ``params`` holds each named
    parameter's value per run, (N,). ``attrs`` carries provenance (experiment TOML, seed, versions,
    git commit). ``status`` is the solver status per run (0 = success). ``trials`` holds the amygdala's
    per-trial summaries (``bla_rate``, ``cem_rate`` in Hz, ``fear_response``, 1 = untreated trauma-cue
    response), each (N, K) for K probe trials, with ``time_h`` (N, K) giving each trial's time; units
    and long names in ``trial_units`` and ``trial_long_names``; empty without ``[amygdala]``.
    ``spikes`` holds the spikes a spiking amygdala kept for rasters (:data:`sim.store.SPIKE_ARRAYS` and the
    layout of the recording: ``populations``, ``population_start``/``population_stop`` raster rows,
    ``population_size``, ``window_s``, ``cue_duration_s``, ``dt_ms``, ``runs``, ``trials``; stored
    in /amygdala/spikes); empty for the rate model and files without spikes.
    """

    time: np.ndarray
    outputs: dict[str, np.ndarray]
    units: dict[str, str]
    long_names: dict[str, str] = field(default_factory=dict)
    params: dict[str, np.ndarray] = field(default_factory=dict)
    param_units: dict[str, str] = field(default_factory=dict)
    param_sources: dict[str, str] = field(default_factory=dict)
    status: np.ndarray | None = None
    events: dict[str, np.ndarray] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict)
    trials: dict[str, np.ndarray] = field(default_factory=dict)
    trial_units: dict[str, str] = field(default_factory=dict)
    trial_long_names: dict[str, str] = field(default_factory=dict)
    spikes: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.outputs[name]
        except KeyError:
            raise KeyError(f"no output {name!r}; available: {', '.join(self.outputs)}") from None

    def __contains__(self, name: str) -> bool:
        return name in self.outputs

    @property
    def n_runs(self) -> int:
        return next(iter(self.outputs.values())).shape[0] if self.outputs else 0

    def to_hdf5(self, path, precision: str = "float32") -> None:
        store.write_result(self, path, precision=precision)

    @classmethod
    def from_hdf5(cls, path) -> Result:
        return cls(**store.read_fields(path))
