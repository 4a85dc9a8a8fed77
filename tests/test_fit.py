"""`sim fit`: known parameters are recovered from noisy synthetic data within their intervals; the
file, the figure and bad input."""

from pathlib import Path

import numpy as np
import pytest
from conftest import experiment

from sim.cli import main
from sim.fit import Data, Problem, fit, read_data
from sim.store import read_fit

DOSE = '[[dose]]\ndrug = "mdma"\namount_mg = 125.0\n'
NAMES = ["pk.cl_other", "pk.ka"]
TIMES = np.array([0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 24.0])
FACTORS = np.array([1.3, 0.7])   # the truth: 30 % more non-CYP2D6 clearance, slower absorption


def _exp():
    return experiment(DOSE, duration=24.0, interval_min=30.0)


def _data(values, sd, outputs=None):
    n = len(values)
    return Data(time_h=np.tile(TIMES, n // len(TIMES)), value=np.asarray(values, float), sd=np.asarray(sd, float),
                output=np.array(outputs if outputs is not None else ["plasma_mdma"] * n, dtype=object),
                run=np.zeros(n, np.int64), sd_given=True)


@pytest.fixture(scope="module")
def synthetic():
    """Plasma MDMA and MDA at 10 times from known parameters, with 10 % Gaussian noise (seeded)."""
    exp = _exp()
    outputs = ["plasma_mdma"] * len(TIMES) + ["plasma_mda"] * len(TIMES)
    shape = Problem(exp, _data(np.ones(20), np.ones(20), outputs), NAMES)
    truth = shape.theta0 * FACTORS
    clean = shape.predict(truth[None])[0]
    sd = 0.1 * clean
    noisy = clean + sd * np.random.default_rng(3).standard_normal(clean.size)
    return exp, _data(noisy, sd, outputs), truth


def test_known_parameters_are_recovered_within_their_intervals(synthetic):
    exp, data, truth = synthetic
    problem = Problem(exp, data, NAMES)
    from sim.assembly import build_model

    assert problem.model is build_model(exp.species)  # plasma data: the PK model alone is enough
    res = fit(problem, multistart=3)
    for j, name in enumerate(NAMES):
        assert res.profile_low[j] < truth[j] < res.profile_high[j], (name, res.table())
        assert res.wald_low[j] < truth[j] < res.wald_high[j], name
        assert abs(res.estimate[j] - truth[j]) < 3 * res.se[j], name
        assert not res.profile_open[j].any(), name        # identifiable: both limits found
        assert res.se[j] < 0.2 * res.estimate[j], name    # and reasonably precise with 10 % noise
    # moved away from the default ka (outside its interval): the fit did something
    assert not (res.profile_low[1] < problem.theta0[1] < res.profile_high[1])
    # every start ends at the same minimum, and that minimum is about n - k (chi-square)
    assert np.ptp(res.start_chi2) < 1e-3 * res.chi2 + 1e-6
    assert 2.0 < res.chi2 < 45.0
    # the profile is a minimum at the estimate
    values, chi2 = res.profiles["pk.ka"]
    assert chi2.min() == pytest.approx(res.chi2, rel=1e-6, abs=1e-9)


def test_unweighted_fit_estimates_sigma_from_residuals(synthetic):
    exp, data, truth = synthetic
    flat = Data(time_h=data.time_h, output=data.output, value=data.value, sd=np.ones_like(data.sd), run=data.run,
                sd_given=False)
    res = fit(Problem(exp, flat, ["pk.cl_other"]), profile=True)
    assert res.profile_low[0] < res.estimate[0] < res.profile_high[0]
    assert res.wald_low[0] < res.estimate[0] < res.wald_high[0]


def test_sim_fit_cli_writes_fit_file_and_figure(synthetic, tmp_path, capsys):
    exp, data, truth = synthetic
    csv = tmp_path / "data.csv"
    lines = ["time_h,output,value,sd"] + [f"{t},{o},{v},{s}" for t, o, v, s in
                                         zip(data.time_h, data.output, data.value, data.sd, strict=True)]
    csv.write_text("\n".join(lines) + "\n")
    toml = tmp_path / "exp.toml"
    toml.write_text(exp.source_text)
    out = tmp_path / "fit.h5"
    code = main(["fit", str(toml), "--data", str(csv), "--fit", ",".join(NAMES), "--multistart", "2",
                 "-o", str(out), "-q"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "pk.cl_other" in printed and "profile" in printed
    assert out.with_suffix(".png").stat().st_size > 10_000
    table = read_fit(out)
    assert table["parameter"] == NAMES
    for j in range(2):
        assert table["profile_low"][j] < truth[j] < table["profile_high"][j]
    np.testing.assert_allclose(table["value"], data.value)
    assert table["attrs"]["data_sha256"] and table["start_chi2"].shape == (2,)
    xr = pytest.importorskip("xarray")
    with xr.open_datatree(out, engine="h5netcdf") as tree:
        assert tree["fit"]["estimate"].dims == ("parameter",)
        assert list(tree["fit"]["parameter"].values) == NAMES
        assert tree["outputs"]["plasma_mdma"].dims == ("run", "time")


@pytest.mark.parametrize(("text", "needle"), [
    ("time_h,output,value\n", "no data lines"),
    ("time,output,value\n1,plasma_mdma,3\n", "unknown column 'time'"),
    ("time_h,value\n1,3\n", "column 'output' is missing"),
    ("time_h,output,value\n1,plasma_mdma,abc\n", "line 2: column value"),
    ("time_h,output,value,sd\n1,plasma_mdma,3,0\n", "column sd"),
    ("time_h,output,value\n-1,plasma_mdma,3\n", "column time_h"),
    ("metric,output,value\npeak,plasma_mdma,3\n", "column metric: 'peak'"),
    ("metric,output,value,t0_h,t1_h\ncmax,plasma_mdma,3,5,2\n", "t0_h < t1_h"),
    ("time_h,metric,output,value,over_run\n1,value,plasma_mdma,3,1\n", "a ratio needs a summary metric"),
    ("metric,output,value\nvalue,plasma_mdma,3\n", "column time_h"),
])
def test_bad_data_file_is_one_line(tmp_path, text, needle):
    path = tmp_path / "d.csv"
    path.write_text(text)
    from sim.errors import SimInputError

    with pytest.raises(SimInputError, match=needle) as info:
        read_data(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize(("csv", "fit_names", "needle"), [
    ("time_h,output,value\n1,plasma_mdmx,3\n", "pk.ka", "unknown output 'plasma_mdmx'"),
    ("time_h,output,value\n1,plasma_mdma,3\n", "pk.kx", "unknown parameter 'pk.kx'"),
    ("time_h,output,value,run\n1,plasma_mdma,3,4\n", "pk.ka", "column run"),
    ("time_h,output,value\n100,plasma_mdma,3\n", "pk.ka", "duration_h"),
    ("metric,output,value,over_output\nauc,plasma_mda,3,plasma_mdmx\n", "pk.ka", "unknown output 'plasma_mdmx'"),
    ("metric,output,value,over_run\nauc,plasma_mdma,3,2\n", "pk.ka", "column over_run"),
])
def test_sim_fit_bad_input_exits_2(tmp_path, capsys, csv, fit_names, needle):
    data = tmp_path / "d.csv"
    data.write_text(csv)
    toml = tmp_path / "e.toml"
    toml.write_text(_exp().source_text)
    code = main(["fit", str(toml), "--data", str(data), "--fit", fit_names, "-o", str(tmp_path / "f.h5")])
    err = capsys.readouterr().err
    assert code == 2 and needle in err and err.count("\n") == 1
    assert not Path(tmp_path / "f.h5").exists()


# ---- summary rows: the PK calibration (experiments/pk_calibration, tools/calibrate_pk.py) ----------------

CALIBRATION = Path(__file__).resolve().parent.parent / "experiments" / "pk_calibration"
HUMAN = ("pk.ka", "pk.v_central", "pk.v_peripheral", "pk.cl_2d6", "pk.cl_other", "pk.ki_unbound", "pk.cl_mda_formation",
         "pk.r_s_2d6", "pk.r_s_other", "pk.r_s_mda")


def _validation_metrics(overrides=()):
    """The calibration's targets as the validation suite computes them (sim.validation), one value per row of
    experiments/pk_calibration/human.csv, in its order: an independent definition of every summary row."""
    from sim.validation import enantiomers as e
    from sim.validation import pk as v

    kw = {"overrides": tuple(overrides)}
    try:
        return np.array([
            v.cmax(75.0, **kw), v.tmax(75.0, **kw), v.half_life(75.0, **kw),
            v.cmax(125.0, **kw), v.tmax(125.0, **kw), v.half_life(125.0, **kw),
            v.auc_ratio(125.0, 75.0, **kw),
            v.auc(((125.0, 0.0),), "plasma_mda", **kw) / v.auc(((125.0, 0.0),), **kw),
            v.tmax(125.0, "plasma_mda", **kw),
            e.enantiomer_half_life("plasma_s_mdma", 125.0, **kw), e.auc_r_to_s(40.0, **kw),
            e.auc_mda_s_to_r(40.0, **kw),
        ])
    finally:
        v._simulate.cache_clear()


@pytest.fixture(scope="module")
def calibration():
    from sim.config import load_experiment

    data = read_data(CALIBRATION / "human.csv")
    return Problem(load_experiment(CALIBRATION / "human.toml"), data, list(HUMAN))


def test_summary_rows_equal_the_validation_metrics(calibration):
    """Cmax, tmax, half-lives, AUC ratios across doses and outputs: each summary row's prediction equals the
    validation suite's metric (its own run at its own tolerances), at the defaults and at other values."""
    d = calibration.data
    assert list(d.metric) == ["cmax", "tmax", "half_life"] * 2 + ["auc", "auc", "tmax", "half_life", "auc", "auc"]
    rng = np.random.default_rng(11)
    for factors in (np.ones(len(HUMAN)), np.exp(0.2 * rng.standard_normal(len(HUMAN)))):
        theta = calibration.theta0 * factors
        got = calibration.predict(theta[None])[0]
        want = _validation_metrics(zip(HUMAN, map(float, theta), strict=True))
        is_tmax = d.metric == "tmax"
        np.testing.assert_allclose(got[~is_tmax], want[~is_tmax], rtol=2e-3)
        assert np.abs(got[is_tmax] - want[is_tmax]).max() <= 2.0 / 60 + 1e-9  # one step of the 2-min grid


@pytest.mark.slow
def test_sim_fit_reproduces_the_pk_calibration(calibration):
    """tools/calibrate_pk.py's human fit is this `sim fit` call. From the shipped (calibrated) values it stays
    where the calibration left them: each shipped value is inside the fit's 95 % interval, the objective
    recomputed from the validation suite's metrics at the estimate equals the fit's chi2, and the fit
    improves on the shipped values by less than one chi-square unit."""
    import sys

    sys.path.insert(0, str(CALIBRATION.parent.parent / "tools"))
    import calibrate_pk

    res = calibrate_pk.human_fit()
    assert res.names == list(HUMAN)
    inside = (res.wald_low <= calibration.theta0) & (calibration.theta0 <= res.wald_high)
    assert inside.all(), [n for n, ok in zip(HUMAN, inside, strict=True) if not ok]
    d = calibration.data
    reference = (_validation_metrics(zip(HUMAN, map(float, res.estimate), strict=True)) - d.value) / d.sd
    assert abs(float(reference @ reference) - res.chi2) < 0.05 * res.chi2 + 0.05
    at_shipped = calibration.residuals(np.log(calibration.theta0))
    assert res.chi2 <= float(at_shipped @ at_shipped) + 1e-9
    assert float(at_shipped @ at_shipped) - res.chi2 < 1.0
