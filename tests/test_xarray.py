"""Result files open whole in xarray: coordinates for every dimension, pint-parseable units, CF root
attributes; Result.to_xarray / from_xarray / to_dataframe; older and newer layouts."""

from pathlib import Path

import h5py
import numpy as np
import pytest
from conftest import DEFAULT_DOSE, experiment, sweep_text

import sim
from sim.errors import StoreError
from sim.result import Result
from sim.store import FORMAT, OLDER_FORMATS, write_result

xr = pytest.importorskip("xarray")
pytest.importorskip("h5netcdf")
pint = pytest.importorskip("pint")
UREG = pint.UnitRegistry()

REPO = Path(__file__).resolve().parent.parent
DOSE = DEFAULT_DOSE
COHORT = """
[cohort]
size = 3
[cohort.vary]
"pk.ka" = { dist = "lognormal", cv = 0.3 }
[amygdala]
model = "rate"
probes_h = [0, 1, 3]
"""
SWEEP = sweep_text(name="xr-sweep", duration=4.0, interval_min=30.0, samples=5, vary="",
                   factors='"pk.ka" = [0.5, 2.0]\n')


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """One file of each kind `sim` writes: a run, a cohort (two doses, probe trials), a sweep, a trial."""
    from sim.runner import run
    from sim.sweep import run_sweep
    from sim.trial import run_trial

    folder = tmp_path_factory.mktemp("xr")
    out = {k: folder / f"{k}.h5" for k in ("run", "cohort", "sweep", "trial")}
    run(experiment(DOSE, duration=4.0, interval_min=10.0)).to_hdf5(out["run"])
    two = DOSE + DOSE.replace("amount_mg = 100.0", "amount_mg = 50.0\ntime_h = 2.0")
    run(experiment(two, duration=4.0, interval_min=10.0, extra=COHORT)).to_hdf5(out["cohort"])
    run_sweep(sim.parse_experiment(SWEEP, "sweep.toml"), out["sweep"], workers=1, progress=False)
    trial = sim.load_experiment(REPO / "experiments" / "phase3_trial.toml",
                                overrides={"cohort.size": 2, "experiment.duration_h": 2.0,
                                           "experiment.output_interval_min": 30.0})
    result, outcomes = run_trial(trial)
    write_result(result, out["trial"], outcomes=outcomes)
    return out


def _open(path):
    return xr.open_datatree(path, engine="h5netcdf", phony_dims="sort")


def _units_of(tree):
    for node in tree.subtree:
        for name, var in node.ds.variables.items():
            if "units" in var.attrs:
                yield f"{node.path}/{name}", var.attrs["units"]


@pytest.mark.parametrize("kind", ["run", "cohort", "sweep", "trial"])
def test_open_datatree_gives_coordinates_for_every_dimension_and_pint_units(files, kind):
    with _open(files[kind]) as tree:
        for node in tree.subtree:
            ds = node.ds
            for dim in ds.dims:
                assert dim in ds.coords and dim in ds.indexes, f"{node.path}: dimension {dim} has no coordinate"
                assert not dim.startswith("phony_dim"), f"{node.path}: unlabelled dimension {dim}"
        time = tree["time"]
        assert UREG.parse_units(time.attrs["units"]) == UREG.hour
        assert np.all(np.diff(time.values) > 0) and time.values[0] == 0.0
        np.testing.assert_array_equal(tree["run"].values, np.arange(tree.sizes["run"]))
        units = dict(_units_of(tree))
        assert units, "no units at all"
        for where, unit in units.items():
            try:
                UREG.parse_units(unit)
            except Exception as exc:  # pint raises several types
                pytest.fail(f"{where}: units {unit!r} do not parse with pint ({exc})")
        assert tree.attrs["Conventions"].startswith("CF-")
        for key in ("title", "history", "source"):
            assert tree.attrs[key], key
        assert tree.attrs["format"] == FORMAT


def test_run_outputs_have_time_in_hours_and_physical_units(files):
    with _open(files["run"]) as tree:
        out = tree["outputs"]
        assert out["plasma_mdma"].dims == ("run", "time")
        plasma = UREG.Quantity(1.0, out["plasma_mdma"].attrs["units"])
        assert plasma.dimensionality == UREG("g/L").dimensionality
        heart = UREG.Quantity(1.0, out["heart_rate"].attrs["units"])
        assert heart.dimensionality == (1 / UREG.minute).dimensionality
        assert UREG.Quantity(60.0, out["heart_rate"].attrs["units"]).to("1/s").magnitude == pytest.approx(1.0)
        # labelled selection by time in hours works
        at = out["plasma_mdma"].sel(time=2.0, method="nearest")
        assert float(at.time) == pytest.approx(2.0) and float(at[0]) > 0


def test_cohort_dose_events_have_their_own_dimension(files):
    with _open(files["cohort"]) as tree:
        dose = tree["events/dose"]
        assert dose.sizes["dose_event"] == 6 and tree.sizes["run"] == 3  # 3 runs x 2 doses
        assert dose["dose_run"].dims == ("dose_event",)
        np.testing.assert_array_equal(np.sort(dose["dose_run"].values), [0, 0, 1, 1, 2, 2])
        assert sorted(dose["time_h"].values) == [0, 0, 0, 2, 2, 2]
        assert UREG.parse_units(dose["amount_mg"].attrs["units"]) == UREG.milligram
        trials = tree["trials"]
        assert trials["fear_response"].dims == ("run", "trial")
        np.testing.assert_array_equal(trials["trial"].values, [0, 1, 2])


def test_sweep_samples_are_labelled_by_key(files):
    with _open(files["sweep"]) as tree:
        samples = tree["sweep"]["samples"]
        assert samples.dims == ("run", "sweep_key")
        keys = [str(k) for k in samples["sweep_key"].values]
        assert keys == ["dose.0.amount_mg", "pk.ka"]
        amount = samples.sel(sweep_key="dose.0.amount_mg").values
        assert amount.min() >= 50.0 and amount.max() <= 150.0
    back = Result.from_hdf5(files["sweep"])
    np.testing.assert_array_equal(back.params["sweep:dose.0.amount_mg"], amount)


def test_trial_outcomes_have_visit_coordinates(files):
    with _open(files["trial"]) as tree:
        out = tree["outcomes"]
        assert out["caps5_visit"].dims == ("run", "visit")
        assert out["visit_week"].dims == ("visit",)
        assert np.all(np.diff(out["visit_week"].values) > 0)
        assert UREG.parse_units(out["visit_week"].attrs["units"]) == UREG.week
        assert out["arm"].dims == ("run",) and set(out["arm"].values) == {0, 1}
    outcomes = sim.store.read_outcomes(files["trial"])
    assert "visit" not in outcomes and outcomes["caps5_visit"].shape[1] == len(outcomes["visit_week"])


@pytest.mark.parametrize("kind", ["run", "cohort", "trial"])
def test_to_xarray_matches_the_file_and_round_trips(files, kind, tmp_path):
    res = Result.from_hdf5(files[kind])
    tree = res.to_xarray()
    with _open(files[kind]) as disk:
        for group in ("outputs", "params", "trials", "events/dose"):
            if group in disk:
                xr.testing.assert_allclose(tree[group].to_dataset(), disk[group].to_dataset(), rtol=1e-6)
        assert tree.attrs["title"] == disk.attrs["title"]
    back = Result.from_xarray(tree)
    np.testing.assert_array_equal(back.time, res.time)
    assert back.outputs.keys() == res.outputs.keys()
    for name in res.outputs:
        np.testing.assert_array_equal(back[name], res[name].astype(np.float64), err_msg=name)
        assert back.units[name] == res.units[name]
    for name in res.params:
        np.testing.assert_array_equal(back.params[name], res.params[name])
    for name in res.trials:
        np.testing.assert_array_equal(back.trials[name], res.trials[name].astype(np.float64))
    for col in res.events:
        np.testing.assert_array_equal(back.events[col], res.events[col])
    np.testing.assert_array_equal(back.status, res.status)
    # and a tree written by xarray itself reads back through the project's reader
    path = tmp_path / "from_xarray.h5"
    tree.to_netcdf(path, engine="h5netcdf")
    again = Result.from_hdf5(path)
    for name in res.outputs:
        np.testing.assert_allclose(again[name], res[name], rtol=1e-6, err_msg=name)


def test_to_dataframe_is_long_with_units(files):
    res = Result.from_hdf5(files["cohort"])
    df = res.to_dataframe(["plasma_mdma", "heart_rate"])
    assert list(df.columns) == ["run", "time", "output", "value", "unit"]
    assert len(df) == 2 * res.n_runs * len(res.time)
    one = df[(df.output == "plasma_mdma") & (df.run == 2)]
    np.testing.assert_allclose(one["value"].to_numpy(), res["plasma_mdma"][2])
    np.testing.assert_allclose(one["time"].to_numpy(), res.time)
    assert set(df[df.output == "heart_rate"]["unit"]) == {"1/min"}
    assert len(res.to_dataframe()) == sum(v.size for v in res.outputs.values() if v.ndim == 2)


def test_repr_is_short_and_names_the_result(files):
    res = Result.from_hdf5(files["cohort"])
    text = repr(res)
    assert len(text) < 400 and "\n" not in text
    assert "runs=3" in text and "plasma_mdma" in text or "outputs=" in text


def _write_v1(path):
    """A minimal file of the first layout (no dose_event dimension, heart rate in bpm)."""
    with h5py.File(path, "w") as f:
        f.attrs["format"] = OLDER_FORMATS[0]
        t = f.create_dataset("time", data=np.linspace(0, 2, 5))
        t.attrs["units"] = "h"
        t.make_scale("time")
        r = f.create_dataset("run", data=np.arange(2))
        r.make_scale("run")
        hr = f.create_group("outputs").create_dataset("heart_rate", data=np.full((2, 5), 70.0))
        hr.attrs["units"] = "bpm"
        dose = f.create_group("events/dose")
        dose["run"] = np.array([0, 1, 0, 1])
        dose["time_h"] = np.array([0.0, 0.0, 1.0, 1.0])


def test_reader_reads_the_older_layout_and_names_a_newer_one(tmp_path):
    old = tmp_path / "old.h5"
    _write_v1(old)
    res = Result.from_hdf5(old)
    assert res["heart_rate"].shape == (2, 5) and list(res.events["run"]) == [0, 1, 0, 1]
    assert sim.store.file_format(old) == OLDER_FORMATS[0]
    newer = tmp_path / "newer.h5"
    _write_v1(newer)
    with h5py.File(newer, "r+") as f:
        f.attrs["format"] = "neuropharm-sim/99"
    with pytest.raises(StoreError, match="newer") as info:
        Result.from_hdf5(newer)
    assert "\n" not in str(info.value)
