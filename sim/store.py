"""The only module that touches HDF5: docs/hdf5-layout.md, readable by xarray (engine="h5netcdf").

Layout::

    /                attrs: format, CF attributes (Conventions, title, history, source, references),
                     created, package versions, git commit, seed, experiment_toml
    /time  (T,)      hours, dimension scale        /run (N,)  dimension scale
    /params/<name>   (N,)   attrs units, source
    /outputs/<name>  (N, T) attrs units, long_name; dims (run, time); chunked, shuffle+lzf
    /summaries/<name>.<metric> (N,)  per-run cmax, tmax, auc, final (sweeps that keep no time courses)
    /solver/status   (N,)   0 = success (-1: not run yet, in an unfinished sweep)
    /events/dose/*   one row per dose along its own dimension /events/dose/dose_event (E,): dose_run (the
                     run dosed; Result.events["run"]), time_h, amount_mg, drug, route
    /trials/<name>   (N, K) per-trial amygdala summaries (bla_rate, cem_rate, fear_response) and
                     /trials/time_h (N, K); attrs units, long_name; dims (run, trial), /trials/trial (K,)
    /outcomes/<name> (N,)   per-patient outcomes of `sim trial`: arm (0 = placebo, 1 = drug; attrs labels),
                     caps5_baseline, caps5_final, diagnosis_final (bool), fear_followup; (N, V) per
                     assessment visit, with /outcomes/visit (V,) and visit_week (V,)
    /amygdala/spikes spikes a spiking amygdala kept for rasters (``[amygdala] model = "spiking"`` only; a
                     bounded sample: some runs, probe trials and cells, sim.probes.SPIKE_*), one entry
                     per spike, sorted by run, trial, time:
                       time_s (S,) float32  s, relative to the cue (CS) onset of the spike's probe trial;
                                            the dimension scale of the spike arrays
                       neuron (S,) int32    raster row of the cell (1)
                       trial  (S,) int32    probe-trial index, as /trials/trial (1)
                       spike_run (S,) int32 run index, as /run (1; Result.spikes["run"])
                       cell   (R,) int32    network index of each raster row's cell (1)
                     attrs: populations (JSON list of names), population_start, population_stop (the
                     raster rows of each population: start <= row < stop), population_size (cells in
                     the network), window_s (recorded window [start, stop] s around each cue onset),
                     cue_duration_s, dt_ms, runs and trials (JSON lists: what was recorded), scale
    /sweep/done      (N,)   bool, chunk completion flags for --resume; /sweep/samples (N, k) with the
                     swept keys as the coordinate /sweep/sweep_key (k,)

Every dimension has a coordinate variable (an HDF5 dimension scale) and every ``units`` attribute parses
with pint (:func:`sim.units.pint_unit`), so ``xarray.open_datatree(path, engine="h5netcdf")`` opens a
whole file. Files of an older layout (:data:`OLDER_FORMATS`) are still read by :func:`read_fields`.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import h5py
import numpy as np

from sim.errors import StoreError
from sim.kinetics.drugs import DEFAULT_ARMS
from sim.units import pint_unit

FORMAT = "neuropharm-sim/2"
# layouts this reader still reads: /1 had no coordinates for dose events, visits and sweep keys and
# wrote heart rate in bpm (xarray.open_datatree fails on its cohort, trial and sweep files)
OLDER_FORMATS = ("neuropharm-sim/1",)
CONVENTIONS = "CF-1.10"
_STR = h5py.string_dtype()
NOT_RUN = -1

# the per-spike and per-row arrays of Result.spikes: name -> (units, long name)
SPIKE_ARRAYS = {
    "time_s": ("s", "spike time relative to the cue (CS) onset of its probe trial"),
    "neuron": ("1", "raster row of the recorded cell (rows of population k: population_start[k] to "
                    "population_stop[k] - 1, group attributes)"),
    "trial": ("1", "probe-trial index of the spike (as /trials/trial)"),
    "run": ("1", "run index of the spike (as /run)"),
    "cell": ("1", "index of each raster row's cell in the spiking network (cells numbered population by "
                  "population)"),
}


def _chunks(shape: tuple[int, ...], itemsize: int) -> tuple[int, ...] | None:
    """About 256 KiB per chunk, long along time, so both per-run and per-time reads stay cheap."""
    if len(shape) != 2 or 0 in shape:
        return None
    n, t = shape
    t_chunk = min(t, 4096)
    n_chunk = max(1, min(n, (256 * 1024) // (itemsize * t_chunk)))
    return (n_chunk, t_chunk)


def _attr(value):
    scalar = isinstance(value, str | int | float | np.integer | np.floating)
    return value if scalar else json.dumps(value, sort_keys=True)


def cf_attributes(attrs: dict) -> dict[str, str]:
    """Root attributes of the CF conventions that apply to a result (Conventions, title, history,
    source, references), made from the provenance in ``attrs``; keys already in ``attrs`` win."""
    versions = attrs.get("package_versions", "{}")
    try:
        version = json.loads(versions).get("neuropharm-sim", "") if isinstance(versions, str) else ""
    except ValueError:
        version = ""
    engine = f"neuropharm-sim {version}".strip()
    name = attrs.get("experiment_name") or "experiment"
    path = attrs.get("experiment_path") or ""
    overrides = attrs.get("overrides") or "{}"
    history = f"{attrs.get('created', '')}: {engine} simulated {name}"
    if path:
        history += f" ({path})"
    if overrides not in ("{}", ""):
        history += f" with overrides {overrides}"
    cf = {
        "Conventions": CONVENTIONS,
        "title": f"neuropharm-sim result: {name}",
        "history": history.strip(": "),
        "source": f"{engine} (git {attrs.get('git_commit', 'unknown')}); research and teaching simulator, "
                  "not clinical guidance",
        "references": "docs/hdf5-layout.md of neuropharm-sim (layout, units, provenance)",
    }
    return {k: v for k, v in cf.items() if k not in attrs}


def _set_units(ds, unit: str) -> None:
    ds.attrs["units"] = pint_unit(unit)


def _index_scale(group, name: str, n: int, long_name: str):
    """An integer coordinate ``name`` = 0..n-1, made a dimension scale of that name."""
    ds = group.create_dataset(name, data=np.arange(n, dtype=np.int64))
    ds.attrs["long_name"] = long_name
    ds.make_scale(name)
    return ds


def _write_header(f: h5py.File, attrs: dict, time: np.ndarray, n_runs: int):
    f.attrs["format"] = FORMAT
    for key, value in cf_attributes(attrs).items():
        f.attrs[key] = value
    for key, value in attrs.items():
        f.attrs[key] = _attr(value)
    t = f.create_dataset("time", data=np.asarray(time, dtype=np.float64))
    t.attrs["units"] = "h"
    t.attrs["long_name"] = "time since start of the experiment"
    t.attrs["axis"] = "T"
    t.make_scale("time")
    run = f.create_dataset("run", data=np.arange(n_runs, dtype=np.int64))
    run.attrs["long_name"] = "run (subject or parameter-set) index"
    run.make_scale("run")
    return t, run


def _write_params(f: h5py.File, run, params: dict, units: dict, sources: dict) -> None:
    group = f.create_group("params")
    for name, values in params.items():
        ds = group.create_dataset(name, data=np.asarray(values, dtype=np.float64))
        _set_units(ds, units.get(name, ""))
        ds.attrs["source"] = sources.get(name, "")
        if values.shape[0] == run.shape[0]:
            ds.dims[0].attach_scale(run)


def _create_series(group, name, shape, dtype, unit, long_name, run, time, data=None, compress=True):
    """A (run,) or (run, time) dataset with units and dimension scales; (run, time) ones chunked and,
    with ``compress``, shuffled and LZF-compressed."""
    itemsize = np.dtype(dtype).itemsize
    packed = compress and int(np.prod(shape)) > 0 and len(shape) == 2
    ds = group.create_dataset(name, shape=shape, dtype=dtype, data=data, chunks=_chunks(shape, itemsize),
                              shuffle=packed, compression="lzf" if packed else None,
                              fillvalue=np.nan if np.dtype(dtype).kind == "f" else None)
    _set_units(ds, unit)
    ds.attrs["long_name"] = long_name
    ds.dims[0].attach_scale(run)
    if len(shape) == 2:
        ds.dims[1].attach_scale(time)
    return ds


# the columns of /events/dose: units and long names
EVENT_ATTRS = {
    "run": (None, "run that received the dose (index into /run)"),
    "time_h": ("h", "time of the dose since start of the experiment"),
    "amount_mg": ("mg", "dose as free base"),
    "drug": (None, "drug dosed"),
    "route": (None, "route of administration"),
}


# columns named differently in the file (see SPIKE_FILE_NAMES; neuropharm-sim/1 used "run")
EVENT_FILE_NAMES = {"run": "dose_run"}


def _write_events(f: h5py.File, events: dict) -> None:
    """``/events/dose``: one entry per dose along the dimension ``dose_event``."""
    if not events:
        return
    dose = f.create_group("events").create_group("dose")
    n = len(np.asarray(next(iter(events.values()))))
    scale = _index_scale(dose, "dose_event", n, "dose event index (in the order the doses were given)")
    for col, values in events.items():
        values = np.asarray(values)
        stored = EVENT_FILE_NAMES.get(col, col)
        if values.dtype.kind in "US":
            ds = dose.create_dataset(stored, data=values.astype(object), dtype=_STR)
        else:
            ds = dose.create_dataset(stored, data=values)
        unit, long_name = EVENT_ATTRS.get(col, (None, col))
        if unit is not None:
            _set_units(ds, unit)
        ds.attrs["long_name"] = long_name
        if values.ndim == 1 and values.shape[0] == n:
            ds.dims[0].attach_scale(scale)


def write_result(result, path, precision: str = "float32", outcomes: dict | None = None) -> None:
    """Write ``result`` to ``path`` (written to a temporary name, then moved into place); ``outcomes``:
    per-run arrays for ``/outcomes`` (:data:`OUTCOME_ATTRS`)."""
    if precision not in ("float32", "float64"):
        raise ValueError(f"precision must be float32 or float64, got {precision!r}")
    dtype = np.float32 if precision == "float32" else np.float64
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_target(path) as tmp, h5py.File(tmp, "w") as f:
        write_layout(f, result, dtype, outcomes)


def write_layout(f: h5py.File, result, dtype=np.float64, outcomes: dict | None = None) -> None:
    """Write ``result`` (and ``outcomes``) into the open, empty HDF5 file ``f`` in the layout above
    (also used in memory by :meth:`sim.result.Result.to_xarray`, so the two never differ)."""
    time, run = _write_header(f, result.attrs, result.time, result.n_runs)
    _write_params(f, run, result.params, result.param_units, result.param_sources)
    outputs = f.create_group("outputs")
    for name, values in result.outputs.items():
        arr = np.asarray(values, dtype=dtype)
        _create_series(outputs, name, arr.shape, dtype, result.units.get(name, ""),
                       result.long_names.get(name, name), run, time, data=arr)
    if result.status is not None:
        solver = f.create_group("solver")
        _create_series(solver, "status", (result.n_runs,), np.int64, "1", "solver status per run (0 = success)",
                       run, time, data=np.asarray(result.status, dtype=np.int64))
    _write_events(f, result.events)
    _write_trials(f, run, result, dtype)
    _write_spikes(f, result.spikes)
    if outcomes:
        _write_outcomes(f, run, outcomes)


OUTCOME_ATTRS = {
    "arm": ("1", "trial arm code (the arm names in the attribute labels, in code order)"),
    "caps5_baseline": ("1", "baseline CAPS-5-like total severity (points, 0-80)"),
    "caps5_final": ("1", "CAPS-5-like total severity at follow-up (points, 0-80; sim.outcomes)"),
    "diagnosis_final": ("1", "still meeting the diagnosis at follow-up (CAPS-5 at or above the threshold)"),
    "fear_followup": ("1", "drug-free trauma-cue fear_response at follow-up (1 = untreated)"),
    "caps5_visit": ("1", "CAPS-5-like total severity at each assessment visit (points, 0-80; run, visit)"),
    "fear_visit": ("1", "drug-free trauma-cue fear_response at each assessment visit (run, visit)"),
    "visit_week": ("week", "time of each assessment visit, weeks from the first session (visit,)"),
    "trauma_strength": ("1", "baseline trauma-memory strength, factor on the conditioned weight changes (median 1)"),
    "prior_ssri": ("1", "1 = the patient took an SSRI before the trial ([cohort] prior_ssri_fraction)"),
    "ssri_continued": ("1", "1 = the SSRI was kept through the drug sessions (no washout)"),
}


# per-visit outcomes (their second dimension is /outcomes/visit; visit_week is the visit coordinate's time)
VISIT_OUTCOMES = ("caps5_visit", "fear_visit")


def _write_outcomes(f: h5py.File, run, outcomes: dict) -> None:
    """``/outcomes``: per-run arrays on ``run``; per-visit ones on (run, visit) with the coordinate
    ``/outcomes/visit`` and the visit times ``visit_week`` (visit,); any other second dimension gets its
    own index coordinate ``<name>_index``."""
    group = f.create_group("outcomes")
    outcomes = dict(outcomes)
    labels = outcomes.pop("arm_labels", DEFAULT_ARMS)
    n_visits = None
    if "visit_week" in outcomes:
        n_visits = len(np.asarray(outcomes["visit_week"]))
    elif any(k in outcomes for k in VISIT_OUTCOMES):
        n_visits = np.shape(outcomes[next(k for k in VISIT_OUTCOMES if k in outcomes)])[1]
    visit = _index_scale(group, "visit", n_visits, "assessment visit index (in time order)") \
        if n_visits is not None else None
    for name, values in outcomes.items():
        values = np.asarray(values)
        data = values.astype(bool) if name == "diagnosis_final" else (
            values.astype(np.int64) if name == "arm" else values.astype(np.float64))
        ds = group.create_dataset(name, data=data)
        unit, long_name = OUTCOME_ATTRS.get(name, ("", name))
        _set_units(ds, unit)
        ds.attrs["long_name"] = long_name
        if name == "arm":
            ds.attrs["labels"] = json.dumps({str(k): str(v) for k, v in enumerate(labels)})
        if name == "visit_week":
            ds.dims[0].attach_scale(visit)
            continue
        if values.ndim >= 1 and values.shape[0] == run.shape[0]:
            ds.dims[0].attach_scale(run)
        else:
            ds.dims[0].attach_scale(_index_scale(group, f"{name}_index", values.shape[0], f"index of {name}"))
        if values.ndim == 2:
            second = visit if visit is not None and values.shape[1] == n_visits else \
                _index_scale(group, f"{name}_index", values.shape[1], f"index of {name}")
            ds.dims[1].attach_scale(second)


def read_outcomes(path) -> dict:
    """``/outcomes`` of a `sim trial` file (empty if there is none), with ``arm_labels``: the arm names in
    code order (:func:`read_arm_labels`)."""
    with h5py.File(path, "r") as f:
        out = {name: ds[()] for name, ds in f.get("outcomes", {}).items() if not _is_index(ds)}
    if "arm" in out:
        labels = read_arm_labels(path)
        out["arm_labels"] = [labels.get(k, str(k)) for k in range(max(labels) + 1)]
    return out


def _is_index(ds) -> bool:
    """True for the coordinate variables this module adds (visit, dose_event, ..._index)."""
    return ds.is_scale and ds.name.rsplit("/", 1)[-1] in ("visit", "dose_event", "trial", "sweep_key") \
        or ds.name.endswith("_index")


def _write_trials(f: h5py.File, run, result, dtype) -> None:
    """``/trials/<name>`` (run, trial): float64 for trial times, the output precision for the rest."""
    if not result.trials:
        return
    group = f.create_group("trials")
    n_trials = np.shape(next(iter(result.trials.values())))[1]
    trial = group.create_dataset("trial", data=np.arange(n_trials, dtype=np.int64))
    trial.attrs["long_name"] = "probe-trial index (in time order)"
    trial.make_scale("trial")
    for name, values in result.trials.items():
        ds = group.create_dataset(name, data=np.asarray(values, dtype=np.float64 if name == "time_h" else dtype))
        _set_units(ds, result.trial_units.get(name, ""))
        ds.attrs["long_name"] = result.trial_long_names.get(name, name)
        if values.shape[0] == run.shape[0]:
            ds.dims[0].attach_scale(run)
        ds.dims[1].attach_scale(trial)


# names in the file that differ from Result.spikes: a variable "run" beside the inherited /run coordinate
# would be shadowed by it in an xarray DataTree (layout neuropharm-sim/1 used "run")
SPIKE_FILE_NAMES = {"run": "spike_run"}
_SPIKE_DTYPES = {"time_s": np.float32, "neuron": np.int32, "trial": np.int32, "run": np.int32, "cell": np.int32}


def _write_spikes(f: h5py.File, spikes: dict) -> None:
    """``/amygdala/spikes``: the spike arrays (compressed) with units, the recording's layout as attributes."""
    if not spikes:
        return
    group = f.require_group("amygdala").create_group("spikes")
    made = {}
    for name, (unit, long_name) in SPIKE_ARRAYS.items():
        data = np.asarray(spikes.get(name, []), dtype=_SPIKE_DTYPES[name])
        ds = group.create_dataset(SPIKE_FILE_NAMES.get(name, name), data=data,
                                  chunks=(min(max(data.size, 1), 65536),), maxshape=(None,),
                                  shuffle=True, compression="gzip", compression_opts=4)
        ds.attrs["units"] = unit
        ds.attrs["long_name"] = long_name
        made[name] = ds
    made["time_s"].make_scale("time_s")
    made["cell"].make_scale("cell")
    for name in ("neuron", "trial", "run"):
        made[name].dims[0].attach_scale(made["time_s"])
    for key, value in spikes.items():
        if key in SPIKE_ARRAYS:
            continue
        if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "iuf":
            group.attrs[key] = value
        else:
            group.attrs[key] = _attr(value)


def _read_spikes(f: h5py.File) -> dict:
    if "amygdala/spikes" not in f:
        return {}
    group = f["amygdala/spikes"]
    out = {}
    for name in SPIKE_ARRAYS:
        for stored in (SPIKE_FILE_NAMES.get(name, name), name):
            if stored in group:
                out[name] = group[stored][()]
                break
    for key, value in group.attrs.items():
        if key in ("CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST"):
            continue
        value = _text(value)
        if key in ("populations", "window_s", "runs", "trials") and isinstance(value, str):
            value = json.loads(value)
        out[key] = value
    return out


class SweepFile:
    """A sweep's HDF5 file, written chunk by chunk by one process and flushed after each chunk."""

    def __init__(self, f: h5py.File, path: Path):
        self._f = f
        self.path = path

    @classmethod
    def create(cls, path, *, time, shapes, units, long_names, precision, n_runs, param_names, param_rows, param_block,
               param_units, param_sources, sweep_names, sweep_samples, sweep_base_samples, events, attrs,
               compress=False) -> SweepFile:
        """A new sweep file with every dataset allocated. Time courses are stored uncompressed by
        default: a single writer compressing with LZF falls behind two or more workers. ``/params`` is
        written ``param_block`` runs at a time from ``param_rows(start, stop)`` ((stop - start, p) rows, columns
        in ``param_names`` order), so the whole parameter matrix is never in memory."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        f = h5py.File(path, "w")
        t, run = _write_header(f, {**attrs, "sweep_complete": 0}, time, n_runs)
        group = f.create_group("params")
        columns = []
        for name in param_names:
            ds = group.create_dataset(name, shape=(n_runs,), dtype=np.float64)
            _set_units(ds, param_units.get(name, ""))
            ds.attrs["source"] = param_sources.get(name, "")
            ds.dims[0].attach_scale(run)
            columns.append(ds)
        for start in range(0, n_runs, param_block):
            stop = min(start + param_block, n_runs)
            block = param_rows(start, stop)
            for j, ds in enumerate(columns):
                ds[start:stop] = block[:, j]
        dtype = np.float32 if precision == "float32" else np.float64
        for name, shape in shapes.items():
            group = f.require_group("outputs" if len(shape) == 2 else "summaries")
            _create_series(group, name, shape, dtype, units.get(name, ""), long_names.get(name, name), run, t,
                           compress=compress)
        _create_series(f.create_group("solver"), "status", (n_runs,), np.int64, "1",
                       "solver status per run (0 = success, -1 = not run yet)", run, t,
                       data=np.full(n_runs, NOT_RUN, dtype=np.int64))
        sweep = f.create_group("sweep")
        _create_series(sweep, "done", (n_runs,), bool, "1", "run finished and stored", run, t,
                       data=np.zeros(n_runs, dtype=bool))
        key = sweep.create_dataset("sweep_key", data=np.array([str(n) for n in sweep_names], dtype=object),
                                   dtype=_STR)
        key.attrs["long_name"] = "swept experiment key (a TOML key or a model parameter)"
        key.make_scale("sweep_key")
        samples = sweep.create_dataset("samples", data=np.asarray(sweep_samples, dtype=np.float64))
        samples.attrs["names"] = json.dumps(list(sweep_names))
        samples.attrs["long_name"] = "value of each swept key per run (columns: sweep_key)"
        samples.dims[0].attach_scale(run)
        samples.dims[1].attach_scale(key)
        sweep.attrs["base_samples"] = int(sweep_base_samples)
        _write_events(f, events)
        f.flush()
        return cls(f, path)

    @classmethod
    def open_for_resume(cls, path, fingerprint: str) -> SweepFile:
        path = Path(path)
        if not h5py.is_hdf5(path):
            raise StoreError(f"{path}: not an HDF5 file; cannot resume (delete it to start over)")
        try:
            f = h5py.File(path, "r+")
        except OSError as exc:
            raise StoreError(f"{path}: cannot reopen to resume ({exc}); delete it to start over") from None
        fmt = _text(f.attrs.get("format"))
        if fmt in OLDER_FORMATS:
            f.close()
            raise StoreError(f"{path}: written in the older layout {fmt} (this version writes {FORMAT}); "
                             "cannot resume it, delete it to start over")
        if fmt != FORMAT or "sweep/done" not in f:
            f.close()
            raise StoreError(f"{path}: not a neuropharm-sim sweep file; cannot resume")
        if _text(f.attrs.get("sweep_fingerprint")) != fingerprint:
            f.close()
            raise StoreError(f"{path}: was written by a different experiment or sweep; refusing to resume")
        return cls(f, path)

    def done(self) -> np.ndarray:
        return self._f["sweep/done"][()]

    def write_chunk(self, start: int, stop: int, arrays: dict, status: np.ndarray) -> None:
        for name, values in arrays.items():
            group = "outputs" if np.ndim(values) == 2 else "summaries"
            self._f[group][name][start:stop] = values
        self._f["solver/status"][start:stop] = status
        self._f["sweep/done"][start:stop] = True  # flagged after the data, then flushed
        self._f.flush()

    def finish(self, wall_s: float, write_s: float, journal_s: float, tasks: int) -> None:
        """Mark completion and record the last session's timing (wall, HDF5 writing, journal, tasks)."""
        self._f.attrs["sweep_complete"] = int(self.done().all())
        self._f.attrs["sweep_last_wall_s"] = float(wall_s)
        self._f.attrs["sweep_last_write_s"] = float(write_s)
        self._f.attrs["sweep_last_journal_s"] = float(journal_s)
        self._f.attrs["sweep_last_tasks"] = int(tasks)
        self._f.flush()

    def close(self) -> None:
        self._f.close()


def store_complete(path) -> bool:
    """True if the sweep file at ``path`` has every run flagged done."""
    with h5py.File(path, "r") as f:
        return bool(f["sweep/done"][()].all())


class Journal:
    """Finished chunks saved as small ``.npz`` files beside the sweep file until the sweep completes.

    HDF5 files are not crash-safe: a writer killed in the middle of a flush can leave the file
    unreadable. Each chunk is therefore first saved here (atomically: temporary name, then rename),
    then written to the HDF5 file. ``--resume`` replays the journal into the file, rebuilding the
    file from it if the file itself was damaged. No pickles: arrays only.
    """

    def __init__(self, sweep_path, fingerprint: str):
        self.folder = Path(str(sweep_path) + ".journal")
        self.fingerprint = fingerprint

    def start(self) -> None:
        if self.folder.exists():
            self.clear()
        self.folder.mkdir(parents=True)
        (self.folder / "fingerprint").write_text(self.fingerprint)

    def matches(self) -> bool:
        stamp = self.folder / "fingerprint"
        return stamp.is_file() and stamp.read_text() == self.fingerprint

    def save(self, start: int, stop: int, arrays: dict, status: np.ndarray) -> None:
        """Save one chunk as ``chunk_<start>_<stop>_<sha256>.npz``: the checksum of the file's bytes is in
        its name, so a chunk truncated or altered on disk is recognised when it is read back."""
        import hashlib
        import io

        names = list(arrays)
        buf = io.BytesIO()
        np.savez(buf, status=status, names=np.array(names), **{f"a{i}": arrays[n] for i, n in enumerate(names)})
        data = buf.getvalue()
        digest = hashlib.sha256(data).hexdigest()[:32]
        final = self.folder / f"chunk_{start}_{stop}_{digest}.npz"
        with atomic_target(final) as tmp:
            tmp.write_bytes(data)

    def chunks(self, warn=None):
        """Yield (start, stop, arrays, status) for every saved chunk whose checksum matches; a damaged
        chunk (truncated, bit-flipped, unreadable) is removed and reported through ``warn(message)``, and
        its runs are then computed again."""
        import hashlib

        for path in sorted(self.folder.glob("chunk_*_*_*.npz")):
            parts = path.stem.split("_")
            try:
                _, start, stop, digest = parts
                data = path.read_bytes()
                if hashlib.sha256(data).hexdigest()[:32] != digest:
                    raise ValueError("checksum mismatch")
                import io

                with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                    names = [str(n) for n in npz["names"]]
                    arrays = {n: npz[f"a{i}"] for i, n in enumerate(names)}
                    status = npz["status"]
            except (ValueError, OSError, KeyError, EOFError, zipfile.BadZipFile) as exc:
                path.unlink(missing_ok=True)
                if warn is not None:
                    warn(f"{path.name}: damaged journal chunk ({exc}); its runs will be computed again")
                continue
            yield int(start), int(stop), arrays, status

    def clear(self) -> None:
        for path in self.folder.glob("*"):
            path.unlink()
        self.folder.rmdir()


def read_fields(path) -> dict:
    """The fields of a :class:`sim.result.Result` from a file written by this module (keyword
    arguments of its constructor); a foreign or damaged file is a :class:`StoreError`."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"{path}: no such file")
    if not h5py.is_hdf5(path):
        raise StoreError(f"{path}: not an HDF5 file")
    try:
        with h5py.File(path, "r") as f:
            fmt = _text(f.attrs.get("format"))
            _check_format(path, fmt)
            for required in ("time", "run"):
                if required not in f:
                    raise StoreError(f"{path}: damaged result file: /{required} is missing")
            if "outputs" not in f and "summaries" not in f:
                raise StoreError(f"{path}: damaged result file: /outputs is missing")
            time = f["time"][()]
            outputs, units, long_names = {}, {}, {}
            for group in ("outputs", "summaries"):
                for name, ds in f.get(group, {}).items():
                    outputs[name] = ds[()]
                    units[name] = _text(ds.attrs.get("units", ""))
                    long_names[name] = _text(ds.attrs.get("long_name", name))
            params, param_units, param_sources = {}, {}, {}
            for name, ds in f.get("params", {}).items():
                params[name] = ds[()]
                param_units[name] = _text(ds.attrs.get("units", ""))
                param_sources[name] = _text(ds.attrs.get("source", ""))
            status = f["solver/status"][()] if "solver/status" in f else None
            events = {}
            if "events/dose" in f:
                back = {v: k for k, v in EVENT_FILE_NAMES.items()}
                for col, ds in f["events/dose"].items():
                    if col == "dose_event":
                        continue
                    data = ds[()]
                    events[back.get(col, col)] = np.array([_text(x) for x in data]) if data.dtype.kind == "O" else data
            attrs = {k: _text(v) for k, v in f.attrs.items() if k != "format"}
            trials, trial_units, trial_long_names = {}, {}, {}
            for name, ds in f.get("trials", {}).items():
                if name == "trial":
                    continue
                trials[name] = ds[()]
                trial_units[name] = _text(ds.attrs.get("units", ""))
                trial_long_names[name] = _text(ds.attrs.get("long_name", name))
            spikes = _read_spikes(f)
            if "sweep/samples" in f:
                attrs["sweep_names"] = _text(f["sweep/samples"].attrs["names"])
                attrs["sweep_base_samples"] = int(f["sweep"].attrs.get("base_samples", 0))
                params.update({f"sweep:{n}": f["sweep/samples"][:, i]
                               for i, n in enumerate(json.loads(attrs["sweep_names"]))})
    except StoreError:
        raise
    except (OSError, KeyError, ValueError) as exc:
        raise StoreError(f"{path}: unreadable or truncated HDF5 file ({exc})") from None
    return dict(time=time, outputs=outputs, units=units, long_names=long_names, params=params,
                param_units=param_units, param_sources=param_sources, status=status, events=events, attrs=attrs,
                trials=trials, trial_units=trial_units, trial_long_names=trial_long_names, spikes=spikes)


def _check_format(path, fmt) -> None:
    """Accept this layout and the older ones; anything else is named in one line."""
    if fmt == FORMAT or fmt in OLDER_FORMATS:
        return
    if isinstance(fmt, str) and fmt.startswith("neuropharm-sim/"):
        raise StoreError(f"{path}: written in layout {fmt}, newer than this version reads ({FORMAT} and "
                         f"older); update neuropharm-sim")
    raise StoreError(f"{path}: not a neuropharm-sim result (format attribute {fmt!r}, expected {FORMAT!r})")


def file_format(path) -> str:
    """The layout of a result file: ``FORMAT`` or one of :data:`OLDER_FORMATS` (else a StoreError)."""
    with h5py.File(path, "r") as f:
        fmt = _text(f.attrs.get("format"))
    _check_format(path, fmt)
    return fmt


def _text(value):
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.generic):
        return value.item()
    return value


# ---- write mechanics: atomic replacement and a lock per output ----------------------------------

class OutputLocked(StoreError):
    """Another process is writing the same output."""


class OutputLock:
    """An exclusive, non-blocking lock on an output path, held from before the computation until the
    file is in place, so that a second ``sim`` writing the same file stops at once with a clear error.

    The lock is ``flock`` on a hidden file ``.<name>.lock`` beside the output; it is removed on release
    (after checking, on acquiring, that the lock file is still the one on disk, so that a removal racing
    with a second writer cannot give two holders). A killed process's lock ends with the process."""

    def __init__(self, path):
        self.path = Path(path)
        self.lock_path = self.path.with_name(f".{self.path.name}.lock")
        self._fd = None

    def acquire(self) -> OutputLock:
        import fcntl
        import os

        while True:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise OutputLocked(f"{self.path}: another sim process is writing this file (lock "
                                   f"{self.lock_path.name}); wait for it to finish or choose another -o") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.lock_path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
                return self
            os.close(fd)  # the holder removed it meanwhile: take a fresh one

    def release(self) -> None:
        import os

        if self._fd is None:
            return
        try:
            os.unlink(self.lock_path)
        except FileNotFoundError:
            pass
        os.close(self._fd)
        self._fd = None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


class atomic_target:  # noqa: N801 (used as a context manager, like open)
    """``with atomic_target(path) as tmp:`` write ``tmp``; on success it is flushed to disk and renamed
    over ``path`` in one step (same folder, ``os.replace``), on any failure (disk full, a signal turned
    into an exception, a bug) it is removed. Either the previous file or a complete new one is at
    ``path``, never a partial one."""

    def __init__(self, path):
        import os

        self.path = Path(path)
        self.tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.partial")

    def __enter__(self) -> Path:
        return self.tmp

    def __exit__(self, exc_type, exc, tb):
        import os

        if exc_type is None:
            try:
                with open(self.tmp, "rb+") as f:
                    os.fsync(f.fileno())
                os.replace(self.tmp, self.path)
            except BaseException:
                self.tmp.unlink(missing_ok=True)
                raise
        else:
            self.tmp.unlink(missing_ok=True)
        return False


def read_arm_labels(path) -> dict[int, str]:
    """Arm code -> name of a `sim trial` file: ``/outcomes/arm`` attribute ``labels`` (JSON) where
    present, else the codes of :func:`sim.trial.run_trial` (:data:`sim.kinetics.drugs.DEFAULT_ARMS`)."""
    labels = dict(enumerate(DEFAULT_ARMS))
    try:
        with h5py.File(path, "r") as f:
            raw = f["outcomes/arm"].attrs.get("labels") if "outcomes/arm" in f else None
        if raw is not None:
            labels = {int(k): str(v) for k, v in json.loads(_text(raw)).items()}
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    return labels


# ---- `sim fit` files: a result of the fitted model plus /fit ------------------------------------

def write_fit(path, result, tables: dict) -> None:
    """A result file of the best-fit simulation (:func:`write_layout`, float64) with ``/fit``:

    /fit/parameter (k,) names (coordinate); estimate, se, wald_low/high, profile_low/high,
    profile_open_low/high, initial, lower_bound, upper_bound (parameter,), attrs units per parameter
    in ``units`` (JSON list); /fit/row (n,) the data rows: time_h, output, value, sd, run, prediction,
    residual ((value - prediction) / sd); /fit/start (S,) multistart: start, end (start, parameter),
    chi2 (start,); /fit/profile/<name>: value, chi2 along point; attrs: chi2, data file and sha256.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_target(path) as tmp, h5py.File(tmp, "w") as f:
        write_layout(f, result, np.float64)
        g = f.create_group("fit")
        for key, value in tables["attrs"].items():
            g.attrs[key] = _attr(value)
        par = tables["parameters"]
        names = list(par["names"])
        scale = g.create_dataset("parameter", data=np.array(names, dtype=object), dtype=_STR)
        scale.attrs["long_name"] = "fitted parameter"
        scale.make_scale("parameter")
        g.attrs["units"] = json.dumps([pint_unit(u) for u in par["units"]])
        for key, values in par.items():
            if key in ("names", "units"):
                continue
            ds = g.create_dataset(key, data=np.asarray(values))
            ds.attrs["long_name"] = key.replace("_", " ")
            ds.dims[0].attach_scale(scale)
        rows = tables["rows"]
        row = _index_scale(g, "row", len(rows["value"]), "data row (in the order of the data file)")
        for key, values in rows.items():
            values = np.asarray(values)
            ds = g.create_dataset(key, data=values.astype(object) if values.dtype.kind in "US" else values,
                                  dtype=_STR if values.dtype.kind in "US" else None)
            if key == "time_h":
                _set_units(ds, "h")
            ds.dims[0].attach_scale(row)
        st = tables["starts"]
        start = _index_scale(g, "start", len(st["chi2"]), "multistart index (0 = the default values)")
        for key in ("start", "end"):
            ds = g.create_dataset(f"start_{key}" if key == "end" else "start_value", data=np.asarray(st[key]))
            ds.dims[0].attach_scale(start)
            ds.dims[1].attach_scale(scale)
        ds = g.create_dataset("start_chi2", data=np.asarray(st["chi2"]))
        ds.dims[0].attach_scale(start)
        prof = g.create_group("profile")
        for name, (values, chi2) in tables["profiles"].items():
            sub = prof.create_group(name)
            point = _index_scale(sub, "point", len(values), "profile grid point")
            for key, arr in (("value", values), ("chi2", chi2)):
                ds = sub.create_dataset(key, data=np.asarray(arr, float))
                ds.dims[0].attach_scale(point)


def read_fit(path) -> dict:
    """``/fit`` of a `sim fit` file: parameter table, data rows and attributes as plain arrays."""
    with h5py.File(path, "r") as f:
        if "fit" not in f:
            raise StoreError(f"{path}: no /fit group (not written by `sim fit`)")
        g = f["fit"]
        out = {k: ds[()] for k, ds in g.items() if isinstance(ds, h5py.Dataset)}
        out["parameter"] = [_text(x) for x in out["parameter"]]
        out["output"] = np.array([_text(x) for x in out["output"]])
        out["attrs"] = {k: _text(v) for k, v in g.attrs.items()}
    return out
