"""The only module that touches HDF5: DESIGN.md section 4, readable by xarray (engine="h5netcdf").

Layout::

    /                attrs: format, created, package versions, git commit, seed, experiment_toml
    /time  (T,)      hours, dimension scale        /run (N,)  dimension scale
    /params/<name>   (N,)   attrs units, source
    /outputs/<name>  (N, T) attrs units, long_name; dims (run, time); chunked, shuffle+lzf
    /summaries/<name>.<metric> (N,)  per-run cmax, tmax, auc, final (sweeps that keep no time courses)
    /solver/status   (N,)   0 = success (-1: not run yet, in an unfinished sweep)
    /events/dose/*   one row per dose: run, time_h, amount_mg, drug, route
    /trials/<name>   (N, K) per-trial amygdala summaries (bla_rate, cem_rate, fear_response) and
                     /trials/time_h (N, K); attrs units, long_name; dims (run, trial), /trials/trial (K,)
    /outcomes/<name> (N,)   per-patient outcomes of `sim trial`: arm (0 = placebo, 1 = drug; attrs labels),
                     caps5_baseline, caps5_final, diagnosis_final (bool), fear_followup
    /amygdala/spikes spikes a spiking amygdala kept for rasters (``[amygdala] model = "spiking"`` only; a
                     bounded sample: some runs, probe trials and cells, sim.runner.SPIKE_*), one entry
                     per spike, sorted by run, trial, time:
                       time_s (S,) float32  s, relative to the cue (CS) onset of the spike's probe trial;
                                            the dimension scale of the spike arrays
                       neuron (S,) int32    raster row of the cell (1)
                       trial  (S,) int32    probe-trial index, as /trials/trial (1)
                       run    (S,) int32    run index, as /run (1)
                       cell   (R,) int32    network index of each raster row's cell (1)
                     attrs: populations (JSON list of names), population_start, population_stop (the
                     raster rows of each population: start <= row < stop), population_size (cells in
                     the network), window_s (recorded window [start, stop] s around each cue onset),
                     cue_duration_s, dt_ms, runs and trials (JSON lists: what was recorded), scale
    /sweep/done      (N,)   bool, chunk completion flags for --resume; /sweep/samples (N, k)
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import h5py
import numpy as np

from sim.errors import StoreError

FORMAT = "neuropharm-sim/1"
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


def _write_header(f: h5py.File, attrs: dict, time: np.ndarray, n_runs: int):
    f.attrs["format"] = FORMAT
    for key, value in attrs.items():
        f.attrs[key] = _attr(value)
    t = f.create_dataset("time", data=np.asarray(time, dtype=np.float64))
    t.attrs["units"] = "h"
    t.attrs["long_name"] = "time since start of the experiment"
    t.make_scale("time")
    run = f.create_dataset("run", data=np.arange(n_runs, dtype=np.int64))
    run.attrs["long_name"] = "run (subject or parameter-set) index"
    run.make_scale("run")
    return t, run


def _write_params(f: h5py.File, run, params: dict, units: dict, sources: dict) -> None:
    group = f.create_group("params")
    for name, values in params.items():
        ds = group.create_dataset(name, data=np.asarray(values, dtype=np.float64))
        ds.attrs["units"] = units.get(name, "")
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
    ds.attrs["units"] = unit
    ds.attrs["long_name"] = long_name
    ds.dims[0].attach_scale(run)
    if len(shape) == 2:
        ds.dims[1].attach_scale(time)
    return ds


def _write_events(f: h5py.File, events: dict) -> None:
    if not events:
        return
    dose = f.create_group("events").create_group("dose")
    for col, values in events.items():
        values = np.asarray(values)
        if values.dtype.kind in "US":
            dose.create_dataset(col, data=values.astype(object), dtype=_STR)
        else:
            dose.create_dataset(col, data=values)


def write_result(result, path, precision: str = "float32", outcomes: dict | None = None) -> None:
    """Write ``result`` to ``path`` (written to a temporary name, then moved into place); ``outcomes``:
    per-run arrays for ``/outcomes`` (:data:`OUTCOME_ATTRS`)."""
    if precision not in ("float32", "float64"):
        raise ValueError(f"precision must be float32 or float64, got {precision!r}")
    dtype = np.float32 if precision == "float32" else np.float64
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_target(path) as tmp, h5py.File(tmp, "w") as f:
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
    "arm": ("1", "trial arm (0 = placebo, 1 = drug)"),
    "caps5_baseline": ("CAPS-5 points", "baseline CAPS-5-like total severity (0-80)"),
    "caps5_final": ("CAPS-5 points", "CAPS-5-like total severity at follow-up (0-80; sim.outcomes)"),
    "diagnosis_final": ("1", "still meeting the diagnosis at follow-up (CAPS-5 at or above the threshold)"),
    "fear_followup": ("1", "drug-free trauma-cue fear_response at follow-up (1 = untreated)"),
    "caps5_visit": ("CAPS-5 points", "CAPS-5-like total severity at each assessment visit (run, visit)"),
    "fear_visit": ("1", "drug-free trauma-cue fear_response at each assessment visit (run, visit)"),
    "visit_week": ("week", "time of each assessment visit, weeks from the first session (visit,)"),
    "trauma_strength": ("1", "baseline trauma-memory strength, factor on the conditioned weight changes (median 1)"),
    "prior_ssri": ("1", "1 = the patient took an SSRI before the trial ([cohort] prior_ssri_fraction)"),
    "ssri_continued": ("1", "1 = the SSRI was kept through the drug sessions (no washout)"),
}


def _write_outcomes(f: h5py.File, run, outcomes: dict) -> None:
    group = f.create_group("outcomes")
    for name, values in outcomes.items():
        values = np.asarray(values)
        data = values.astype(bool) if name == "diagnosis_final" else (
            values.astype(np.int64) if name == "arm" else values.astype(np.float64))
        ds = group.create_dataset(name, data=data)
        unit, long_name = OUTCOME_ATTRS.get(name, ("", name))
        ds.attrs["units"] = unit
        ds.attrs["long_name"] = long_name
        if name == "arm":
            ds.attrs["labels"] = json.dumps({"0": "placebo", "1": "mdma"})
        if values.shape[0] == run.shape[0]:
            ds.dims[0].attach_scale(run)


def read_outcomes(path) -> dict[str, np.ndarray]:
    """``/outcomes`` of a `sim trial` file (empty if there is none)."""
    with h5py.File(path, "r") as f:
        return {name: ds[()] for name, ds in f.get("outcomes", {}).items()}


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
        ds.attrs["units"] = result.trial_units.get(name, "")
        ds.attrs["long_name"] = result.trial_long_names.get(name, name)
        if values.shape[0] == run.shape[0]:
            ds.dims[0].attach_scale(run)
        ds.dims[1].attach_scale(trial)


_SPIKE_DTYPES = {"time_s": np.float32, "neuron": np.int32, "trial": np.int32, "run": np.int32, "cell": np.int32}


def _write_spikes(f: h5py.File, spikes: dict) -> None:
    """``/amygdala/spikes``: the spike arrays (compressed) with units, the recording's layout as attributes."""
    if not spikes:
        return
    group = f.require_group("amygdala").create_group("spikes")
    made = {}
    for name, (unit, long_name) in SPIKE_ARRAYS.items():
        data = np.asarray(spikes.get(name, []), dtype=_SPIKE_DTYPES[name])
        ds = group.create_dataset(name, data=data, chunks=(min(max(data.size, 1), 65536),), maxshape=(None,),
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
    out = {name: group[name][()] for name in SPIKE_ARRAYS if name in group}
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
    def create(cls, path, *, time, shapes, units, long_names, precision, params, param_units, param_sources,
               sweep_names, sweep_samples, sweep_base_samples, events, attrs, compress=False) -> SweepFile:
        """A new sweep file with every dataset allocated. Time courses are stored uncompressed by
        default: a single writer compressing with LZF falls behind two or more workers."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        f = h5py.File(path, "w")
        n_runs = len(next(iter(params.values())))
        t, run = _write_header(f, {**attrs, "sweep_complete": 0}, time, n_runs)
        _write_params(f, run, params, param_units, param_sources)
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
        samples = sweep.create_dataset("samples", data=np.asarray(sweep_samples, dtype=np.float64))
        samples.attrs["names"] = json.dumps(list(sweep_names))
        samples.attrs["long_name"] = "value of each swept key per run (columns: attrs names)"
        samples.dims[0].attach_scale(run)
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
        if _text(f.attrs.get("format")) != FORMAT or "sweep/done" not in f:
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
            if fmt != FORMAT:
                raise StoreError(f"{path}: not a neuropharm-sim result (format attribute {fmt!r}, "
                                 f"expected {FORMAT!r})")
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
                for col, ds in f["events/dose"].items():
                    data = ds[()]
                    events[col] = np.array([_text(x) for x in data]) if data.dtype.kind == "O" else data
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
    present, else the codes of :func:`sim.runner.run_trial` (0 = placebo, 1 = mdma)."""
    labels = {0: "placebo", 1: "mdma"}
    try:
        with h5py.File(path, "r") as f:
            raw = f["outcomes/arm"].attrs.get("labels") if "outcomes/arm" in f else None
        if raw is not None:
            labels = {int(k): str(v) for k, v in json.loads(_text(raw)).items()}
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    return labels
