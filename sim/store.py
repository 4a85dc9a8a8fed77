"""The only module that touches HDF5: DESIGN.md section 4, readable by xarray (engine="h5netcdf").

Layout::

    /                attrs: format, created, package versions, git commit, seed, experiment_toml
    /time  (T,)      hours, dimension scale        /run (N,)  dimension scale
    /params/<name>   (N,)   attrs units, source
    /outputs/<name>  (N, T) attrs units, long_name; dims (run, time); chunked, shuffle+lzf
    /solver/status   (N,)   0 = success (attrs: messages)
    /events/dose/*   one row per dose: run, time_h, amount_mg, drug, route
"""

from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np

from sim.errors import StoreError
from sim.result import Result

FORMAT = "neuropharm-sim/1"
_STR = h5py.string_dtype()


def _chunks(shape: tuple[int, ...], itemsize: int) -> tuple[int, ...] | None:
    """About 256 KiB per chunk, long along time, so both per-run and per-time reads stay cheap."""
    if len(shape) != 2 or 0 in shape:
        return None
    n, t = shape
    t_chunk = min(t, 4096)
    n_chunk = max(1, min(n, (256 * 1024) // (itemsize * t_chunk)))
    return (n_chunk, t_chunk)


def write_result(result: Result, path, precision: str = "float32") -> None:
    """Write ``result`` to ``path`` (written to a temporary name, then moved into place)."""
    if precision not in ("float32", "float64"):
        raise ValueError(f"precision must be float32 or float64, got {precision!r}")
    dtype = np.float32 if precision == "float32" else np.float64
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    n_runs = result.n_runs
    with h5py.File(tmp, "w") as f:
        f.attrs["format"] = FORMAT
        for key, value in result.attrs.items():
            f.attrs[key] = value if isinstance(value, str | int | float | np.integer | np.floating) \
                else json.dumps(value, sort_keys=True)
        time = f.create_dataset("time", data=np.asarray(result.time, dtype=np.float64))
        time.attrs["units"] = "h"
        time.attrs["long_name"] = "time since start of the experiment"
        time.make_scale("time")
        run = f.create_dataset("run", data=np.arange(n_runs, dtype=np.int64))
        run.attrs["long_name"] = "run (subject or parameter-set) index"
        run.make_scale("run")

        params = f.create_group("params")
        for name, values in result.params.items():
            ds = params.create_dataset(name, data=np.asarray(values, dtype=np.float64))
            ds.attrs["units"] = result.param_units.get(name, "")
            ds.attrs["source"] = result.param_sources.get(name, "")
            ds.dims[0].attach_scale(run)

        outputs = f.create_group("outputs")
        for name, values in result.outputs.items():
            arr = np.asarray(values, dtype=dtype)
            ds = outputs.create_dataset(name, data=arr, chunks=_chunks(arr.shape, arr.itemsize),
                                        shuffle=arr.size > 0, compression="lzf" if arr.size else None)
            ds.attrs["units"] = result.units.get(name, "")
            ds.attrs["long_name"] = result.long_names.get(name, name)
            ds.dims[0].attach_scale(run)
            ds.dims[1].attach_scale(time)

        if result.status is not None:
            solver = f.create_group("solver")
            ds = solver.create_dataset("status", data=np.asarray(result.status, dtype=np.int64))
            ds.attrs["long_name"] = "solver status per run (0 = success)"
            ds.dims[0].attach_scale(run)

        if result.events:
            dose = f.create_group("events").create_group("dose")
            for col, values in result.events.items():
                values = np.asarray(values)
                if values.dtype.kind in "US":
                    dose.create_dataset(col, data=values.astype(object), dtype=_STR)
                else:
                    dose.create_dataset(col, data=values)
    tmp.replace(path)


def read_result(path) -> Result:
    """Read a file written by :func:`write_result`; a foreign or damaged file is a :class:`StoreError`."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"{path}: no such file")
    if not h5py.is_hdf5(path):
        raise StoreError(f"{path}: not an HDF5 file")
    try:
        with h5py.File(path, "r") as f:
            fmt = f.attrs.get("format")
            if isinstance(fmt, bytes):
                fmt = fmt.decode()
            if fmt != FORMAT:
                raise StoreError(f"{path}: not a neuropharm-sim result (format attribute {fmt!r}, "
                                 f"expected {FORMAT!r})")
            for required in ("time", "run", "outputs"):
                if required not in f:
                    raise StoreError(f"{path}: damaged result file: /{required} is missing")
            time = f["time"][()]
            outputs, units, long_names = {}, {}, {}
            for name, ds in f["outputs"].items():
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
    except StoreError:
        raise
    except (OSError, KeyError, ValueError) as exc:
        raise StoreError(f"{path}: unreadable or truncated HDF5 file ({exc})") from None
    return Result(time=time, outputs=outputs, units=units, long_names=long_names, params=params,
                  param_units=param_units, param_sources=param_sources, status=status, events=events, attrs=attrs)


def _text(value):
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.generic):
        return value.item()
    return value
