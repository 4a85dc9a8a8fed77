"""HDF5 round trip, layout, xarray compatibility, and clear errors for foreign or damaged files."""

import h5py
import numpy as np
import pytest

from sim.errors import StoreError
from sim.result import Result
from sim.store import FORMAT


def _result(n=3, t=50):
    time = np.linspace(0, 10, t)
    rng = np.random.default_rng(0)
    return Result(
        time=time,
        outputs={"plasma_mdma": rng.random((n, t)), "cyp2d6_activity": rng.random((n, t))},
        units={"plasma_mdma": "ng/mL", "cyp2d6_activity": "1"},
        long_names={"plasma_mdma": "plasma MDMA concentration"},
        params={"pk.ka": np.array([1.0, 1.1, 1.2])[:n]},
        param_units={"pk.ka": "1/h"}, param_sources={"pk.ka": "test"},
        status=np.zeros(n, dtype=np.int64),
        events={"run": np.arange(n), "time_h": np.zeros(n), "drug": np.array(["mdma"] * n)},
        attrs={"seed": 7, "experiment_toml": "[experiment]\nduration_h = 10\n", "git_commit": "abc"},
    )


def test_round_trip_float64(tmp_path):
    res = _result()
    path = tmp_path / "r.h5"
    res.to_hdf5(path, precision="float64")
    back = Result.from_hdf5(path)
    np.testing.assert_array_equal(back.time, res.time)
    for name in res.outputs:
        np.testing.assert_array_equal(back[name], res[name])
        assert back.units[name] == res.units[name]
    np.testing.assert_array_equal(back.params["pk.ka"], res.params["pk.ka"])
    assert back.param_units["pk.ka"] == "1/h" and back.param_sources["pk.ka"] == "test"
    assert back.attrs["seed"] == 7 and back.attrs["experiment_toml"] == res.attrs["experiment_toml"]
    assert list(back.events["drug"]) == ["mdma"] * 3


def test_float32_is_default_and_close(tmp_path):
    res = _result()
    res.to_hdf5(tmp_path / "r.h5")
    with h5py.File(tmp_path / "r.h5") as f:
        assert f["outputs/plasma_mdma"].dtype == np.float32
        assert f["outputs/plasma_mdma"].compression == "lzf"
        assert f["outputs/plasma_mdma"].chunks is not None
        assert f.attrs["format"] == FORMAT
    back = Result.from_hdf5(tmp_path / "r.h5")
    np.testing.assert_allclose(back["plasma_mdma"], res["plasma_mdma"], rtol=1e-6)


def test_xarray_reads_outputs_with_run_time_dims(tmp_path):
    xr = pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    _result().to_hdf5(tmp_path / "r.h5")
    ds = xr.open_dataset(tmp_path / "r.h5", engine="h5netcdf", group="outputs")
    assert ds["plasma_mdma"].dims == ("run", "time")
    assert ds["plasma_mdma"].attrs["units"] == "ng/mL"
    assert ds["plasma_mdma"].shape == (3, 50)
    root = xr.open_dataset(tmp_path / "r.h5", engine="h5netcdf")
    assert "time" in root.coords or "time" in root.variables


def test_not_hdf5(tmp_path):
    path = tmp_path / "x.h5"
    path.write_text("hello")
    with pytest.raises(StoreError, match="not an HDF5 file"):
        Result.from_hdf5(path)


def test_foreign_hdf5(tmp_path):
    path = tmp_path / "foreign.h5"
    with h5py.File(path, "w") as f:
        f["data"] = np.arange(3)
    with pytest.raises(StoreError, match="not a neuropharm-sim result"):
        Result.from_hdf5(path)


def test_truncated_file(tmp_path):
    path = tmp_path / "r.h5"
    _result(n=3, t=5000).to_hdf5(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError) as info:
        Result.from_hdf5(path)
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(StoreError, match="no such file"):
        Result.from_hdf5(tmp_path / "none.h5")


def test_write_is_atomic(tmp_path):
    path = tmp_path / "r.h5"
    _result().to_hdf5(path)
    assert path.exists() and not (tmp_path / "r.h5.partial").exists()


def _spikes():
    return {"time_s": np.array([-0.25, 0.01, 0.02, -0.1]), "neuron": np.array([0, 3, 1, 2]),
            "trial": np.array([0, 0, 0, 1]), "run": np.zeros(4, int), "cell": np.array([0, 1, 10, 11]),
            "populations": ["a", "b"], "population_start": np.array([0, 2]), "population_stop": np.array([2, 4]),
            "population_size": np.array([10, 20]), "window_s": [-0.3, 0.5], "cue_duration_s": 0.5, "dt_ms": 0.1,
            "runs": [0], "trials": [0, 1], "scale": 0.1}


def test_spikes_round_trip_with_units_and_xarray(tmp_path):
    res = _result()
    res.spikes = _spikes()
    res.to_hdf5(tmp_path / "s.h5")
    with h5py.File(tmp_path / "s.h5") as f:
        g = f["amygdala/spikes"]
        assert g["time_s"].dtype == np.float32 and g["time_s"].attrs["units"] == "s"
        for name in ("neuron", "trial", "spike_run", "cell"):
            assert g[name].dtype == np.int32 and g[name].attrs["units"] == "1" and g[name].attrs["long_name"]
        assert list(g.attrs["population_start"]) == [0, 2]
    back = Result.from_hdf5(tmp_path / "s.h5").spikes
    np.testing.assert_allclose(back["time_s"], res.spikes["time_s"], rtol=1e-6)
    for name in ("neuron", "trial", "run", "cell", "population_start", "population_stop", "population_size"):
        np.testing.assert_array_equal(back[name], res.spikes[name])
    assert back["populations"] == ["a", "b"] and back["window_s"] == [-0.3, 0.5] and back["trials"] == [0, 1]
    assert back["cue_duration_s"] == 0.5 and back["scale"] == 0.1
    xr = pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    ds = xr.open_dataset(tmp_path / "s.h5", engine="h5netcdf", group="amygdala/spikes")
    assert ds["neuron"].dims == ("time_s",) and ds["time_s"].attrs["units"] == "s" and ds.sizes["cell"] == 4


def test_files_without_spikes_read_back_with_empty_spikes(tmp_path):
    _result().to_hdf5(tmp_path / "r.h5")
    with h5py.File(tmp_path / "r.h5") as f:
        assert "amygdala" not in f
    assert Result.from_hdf5(tmp_path / "r.h5").spikes == {}
