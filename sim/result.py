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

    :meth:`to_xarray` gives the same tree as ``xarray.open_datatree`` on the written file;
    :meth:`to_dataframe` gives one row per (run, time, output).
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

    def __repr__(self) -> str:
        names = list(self.outputs)
        shown = ", ".join(names[:4]) + (f", ... (+{len(names) - 4})" if len(names) > 4 else "")
        span = f"{self.time[0]:g}-{self.time[-1]:g} h" if len(self.time) else "empty"
        failed = int(np.count_nonzero(np.asarray(self.status) != 0)) if self.status is not None else 0
        parts = [f"{self.attrs.get('experiment_name', '?')!r}", f"runs={self.n_runs}",
                 f"times={len(self.time)} ({span})", f"outputs={len(names)} [{shown}]",
                 f"params={len(self.params)}"]
        if self.trials:
            parts.append(f"trials={np.shape(next(iter(self.trials.values())))[1]}")
        if failed:
            parts.append(f"failed_runs={failed}")
        return f"Result({', '.join(parts)})"

    @property
    def n_runs(self) -> int:
        return next(iter(self.outputs.values())).shape[0] if self.outputs else 0

    def to_hdf5(self, path, precision: str = "float32") -> None:
        store.write_result(self, path, precision=precision)

    @classmethod
    def from_hdf5(cls, path) -> Result:
        return cls(**store.read_fields(path))

    def to_xarray(self, outcomes: dict | None = None):
        """An ``xarray.DataTree`` of this result (float64), built from the file layout itself (written to
        memory and opened with h5netcdf): the same groups, coordinates, units and attributes as
        ``xarray.open_datatree(path, engine="h5netcdf")`` on the file ``to_hdf5`` writes. The time
        courses are ``tree["outputs"]`` (run, time), with ``time`` in h."""
        import io

        import h5py
        import xarray as xr

        buf = io.BytesIO()
        with h5py.File(buf, "w") as f:
            store.write_layout(f, self, np.float64, outcomes)
        buf.seek(0)
        with xr.open_datatree(buf, engine="h5netcdf", phony_dims="sort") as tree:
            return tree.load()

    @classmethod
    def from_xarray(cls, tree) -> Result:
        """The Result of a tree made by :meth:`to_xarray` or opened from a result file."""
        import json

        def text(v):
            return v.decode() if isinstance(v, bytes) else (v.item() if isinstance(v, np.generic) else v)

        outputs, units, long_names = {}, {}, {}
        for group in ("outputs", "summaries"):
            if group in tree.children:
                for name, da in tree[group].data_vars.items():
                    outputs[name] = da.values
                    units[name] = da.attrs.get("units", "")
                    long_names[name] = da.attrs.get("long_name", name)
        params, param_units, param_sources = {}, {}, {}
        if "params" in tree.children:
            for name, da in tree["params"].data_vars.items():
                params[name] = da.values
                param_units[name] = da.attrs.get("units", "")
                param_sources[name] = da.attrs.get("source", "")
        events = {}
        if "events" in tree.children and "dose" in tree["events"].children:
            back = {v: k for k, v in store.EVENT_FILE_NAMES.items()}
            events = {back.get(name, name): da.values.astype(str) if da.dtype.kind in "OUS" else da.values
                      for name, da in tree["events/dose"].data_vars.items()}
        trials, trial_units, trial_long_names = {}, {}, {}
        if "trials" in tree.children:
            for name, da in tree["trials"].data_vars.items():
                trials[name] = da.values
                trial_units[name] = da.attrs.get("units", "")
                trial_long_names[name] = da.attrs.get("long_name", name)
        status = tree["solver"]["status"].values if "solver" in tree.children else None
        attrs = {k: text(v) for k, v in tree.attrs.items() if k != "format"}
        if "sweep" in tree.children and "samples" in tree["sweep"].data_vars:
            keys = [str(k) for k in tree["sweep"]["sweep_key"].values]
            params.update({f"sweep:{k}": tree["sweep"]["samples"].values[:, i] for i, k in enumerate(keys)})
            attrs["sweep_names"] = json.dumps(keys)
        return cls(time=tree["time"].values, outputs=outputs, units=units, long_names=long_names, params=params,
                   param_units=param_units, param_sources=param_sources, status=status, events=events,
                   attrs=attrs, trials=trials, trial_units=trial_units, trial_long_names=trial_long_names)

    def to_dataframe(self, outputs=None):
        """A long ``pandas.DataFrame``: one row per (run, time, output) with columns ``run``, ``time``
        (h), ``output``, ``value`` and ``unit`` (pint-parseable); ``outputs`` picks names (default:
        every (run, time) output)."""
        import pandas as pd

        from sim.units import pint_unit

        names = [n for n in (outputs if outputs is not None else self.outputs) if np.ndim(self[n]) == 2]
        n, t = self.n_runs, len(self.time)
        run = np.repeat(np.arange(n), t)
        time = np.tile(np.asarray(self.time, float), n)
        frames = [pd.DataFrame({"run": run, "time": time, "output": name,
                                "value": np.asarray(self[name], float).ravel(),
                                "unit": pint_unit(self.units.get(name, ""))}) for name in names]
        if not frames:
            return pd.DataFrame(columns=["run", "time", "output", "value", "unit"])
        df = pd.concat(frames, ignore_index=True)
        df["output"] = df["output"].astype("category")
        df["unit"] = df["unit"].astype("category")
        return df
