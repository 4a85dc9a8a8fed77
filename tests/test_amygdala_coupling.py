"""The amygdala inside `sim run`: [amygdala] config, probe trials driven by the cascade's receptor
responses (relative to each run's pre-dose value), /trials in HDF5, `sim plot --kind amygdala`."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.amygdala import SIGNALS, drives_from_outputs, modulation
from sim.cli import main
from sim.config import parse_experiment
from sim.errors import ConfigError
from sim.result import Result

# placebo runs are drug-free: their drive is exactly zero, so the model reproduces its own reference
PLACEBO_TOL = 1e-6

BASE = """
[experiment]
name = "probe-test"
duration_h = 4.0
output_interval_min = 10.0
seed = 3

[[dose]]
drug = "mdma"
amount_mg = 125.0
time_h = 0.0

[cohort]
size = 4

[cohort.vary]
"dose.0.amount_mg" = { dist = "cycle", values = [0.0, 125.0] }
"pk.ka" = { dist = "lognormal", cv = 0.3 }
"""


def _exp(amygdala: str = 'model = "rate"\nprobes_h = [0.0, 1.0, 2.0, 4.0]\n', base: str = BASE):
    return parse_experiment(base + "\n[amygdala]\n" + amygdala, "probe.toml")


@pytest.fixture(scope="module")
def rate_result():
    return sim.run(_exp())


@pytest.mark.parametrize("table, key", [
    ('model = "bogus"', "amygdala.model"),
    ('model = "rate"\nprobes_h = [1.0, 4.5]', "amygdala.probes_h"),
    ('model = "rate"\nprobes_h = [-0.5]', "amygdala.probes_h"),
    ('model = "rate"\nprobes_h = []', "amygdala.probes_h"),
    ('model = "rate"\nprobes_h = "hourly"', "amygdala.probes_h"),
    ('model = "rate"\nprobes_h = [1.0, "x"]', "amygdala.probes_h"),
    ('model = "rate"\ncontext = "C"', "amygdala.context"),
    ('model = "rate"\nconditioned = 1', "amygdala.conditioned"),
    ('model = "rate"\nlearn = "no"', "amygdala.learn"),
    ('model = "rate"\nscale = 0.1', "amygdala.scale"),
    ('model = "spiking"\nscale = -1.0', "amygdala.scale"),
    ('model = "spiking"\nscale = 100.0', "amygdala.scale"),
    ('model = "rate"\nprobe_times = [1.0]', "amygdala.probe_times"),
    ('probes_h = [1.0]', "amygdala.probes_h"),   # amygdala off (model = "none")
])
def test_config_errors_name_the_key(table, key):
    with pytest.raises(ConfigError) as err:
        _exp(table)
    msg = str(err.value)
    assert msg.startswith(f"probe.toml: {key}:") and "\n" not in msg


def test_config_defaults_and_cli_error(tmp_path, capsys):
    a = _exp('model = "rate"').amygdala
    assert a.probes_h == (0.0, 1.0, 2.0, 3.0, 4.0)   # hourly over the run
    assert (a.context, a.conditioned, a.learn) == ("A", True, False)
    s = _exp('model = "spiking"\nprobes_h = [2.0, 1.0]').amygdala
    assert s.scale == 0.1 and s.probes_h == (1.0, 2.0)
    assert _exp('model = "none"').amygdala.model == "none"
    path = tmp_path / "bad.toml"
    path.write_text(BASE + '\n[amygdala]\nmodel = "rate"\nprobes_h = [5.0]\n')
    assert main(["run", str(path), "-o", str(tmp_path / "x.h5")]) == 2
    err = capsys.readouterr().err.strip()
    assert "amygdala.probes_h" in err and "outside the run" in err and len(err.splitlines()) == 1


def test_drive_is_relative_to_each_runs_pre_dose_value(rate_result):
    res = rate_result
    assert res["occupancy_5ht1a"][0, 0] > 0.1     # endogenous 5-HT tone: not zero without drug
    drives = drives_from_outputs(res.time, res.outputs)
    placebo, mdma = drives[0], drives[1]
    assert not any(k.startswith("occupancy_") for k in mdma.signals)   # occupancy is reported, never read
    # receptor signals at steady state: rounding only (plasma cortisol follows its circadian rhythm)
    assert all(abs(v) < 1e-12 for k, v in placebo.at(1.0).items() if k in SIGNALS)
    np.testing.assert_allclose(modulation(placebo, 1.0).vector(), modulation(None, 1.0).vector(), atol=1e-9)
    assert all(v == 0.0 for v in mdma.at(0.0).values()) and mdma.at(1.0)["response_5ht1a"] > 1.0
    assert mdma.at(1.0)["plasma_cortisol"] > placebo.at(1.0)["plasma_cortisol"]   # MDMA raises cortisol
    k = int(np.searchsorted(res.time, 1.0))
    # s = E/E_ref - 1; from a drug-free start E_ref is the drug-free E0, so both references agree
    drug_free_ref = drives_from_outputs(res.time, res.outputs, relative=False)[1]
    assert mdma.at(1.0)["response_5ht1a"] == pytest.approx(res["response_5ht1a"][1, k] - 1.0, rel=1e-9)
    assert drug_free_ref.at(1.0)["response_5ht1a"] == pytest.approx(mdma.at(1.0)["response_5ht1a"], rel=1e-9)


def test_drive_reference_change_is_the_order_of_a_clinical_peak(rate_result):
    """The drive gains are stated at the reference change params.DRIVE_REFERENCE: at a 125 mg MDMA peak the
    receptors that carry the drive respond within a factor of three of it (E/E_ref - 1)."""
    from sim.amygdala import params as P

    res = rate_result
    for name in ("response_5ht1a", "response_5ht2a", "response_alpha2", "response_oxtr"):
        peak = res[name][1::2].max(1) / res[name][1::2, 0] - 1.0
        assert (peak > P.DRIVE_REFERENCE / 3).all() and (peak < 3 * P.DRIVE_REFERENCE).all(), (name, peak)


def test_placebo_stays_at_one_and_mdma_lowers_fear_at_peak(rate_result):
    tr = rate_result.trials
    assert set(tr) == {"time_h", "bla_rate", "cem_rate", "fear_response"}
    assert all(v.shape == (4, 4) for v in tr.values())
    np.testing.assert_array_equal(tr["time_h"][0], [0.0, 1.0, 2.0, 4.0])
    placebo, mdma = tr["fear_response"][0::2], tr["fear_response"][1::2]
    np.testing.assert_allclose(placebo, 1.0, atol=PLACEBO_TOL)          # every probe, every placebo run
    np.testing.assert_allclose(mdma[:, 0], 1.0, atol=PLACEBO_TOL)       # pre-dose probe: no drug yet
    peak = 2  # the 2-h probe, near the 5-HT and 5-HT1A occupancy peak (~1.5 h after oral MDMA)
    assert (mdma[:, peak] < placebo[:, peak] - 0.1).all()               # direction: MDMA lowers fear
    assert (tr["cem_rate"][1::2, peak] < tr["cem_rate"][0::2, peak]).all()
    assert (tr["bla_rate"][1::2, peak] < tr["bla_rate"][0::2, peak]).all()
    assert (mdma[:, -1] > mdma[:, peak]).all()                          # wears off
    assert rate_result.trial_units == {"time_h": "h", "bla_rate": "Hz", "cem_rate": "Hz", "fear_response": "1"}


def test_determinism_rate_and_spiking(rate_result):
    again = sim.run(_exp())
    for name, values in rate_result.trials.items():
        np.testing.assert_array_equal(values, again.trials[name])
    # 10 % of full size: at 5 % the arm difference (2 runs per arm) was within the network's noise
    spk = _exp('model = "spiking"\nscale = 0.1\nprobes_h = [0.0, 1.0]\n')
    a, b = sim.run(spk), sim.run(spk)
    for name in a.trials:
        np.testing.assert_array_equal(a.trials[name], b.trials[name])
    assert np.isfinite(a.trials["fear_response"]).all()
    # same direction in the spiking network (arm means; seeds 1-6 all agree at this size)
    f = a.trials["fear_response"][:, 1]
    assert f[1::2].mean() < f[0::2].mean()


def test_hdf5_round_trip_and_xarray(rate_result, tmp_path):
    xr = pytest.importorskip("xarray")
    path = tmp_path / "p.h5"
    rate_result.to_hdf5(path)
    back = Result.from_hdf5(path)
    assert set(back.trials) == set(rate_result.trials)
    for name, values in rate_result.trials.items():
        np.testing.assert_allclose(back.trials[name], values, rtol=1e-6)
        assert back.trial_units[name] == rate_result.trial_units[name]
        assert back.trial_long_names[name] == rate_result.trial_long_names[name]
    assert back.trials["time_h"].dtype == np.float64
    assert '"model": "rate"' in back.attrs["amygdala"] and "t = 0" in back.attrs["amygdala"]
    ds = xr.open_dataset(path, engine="h5netcdf", group="trials")
    assert ds["fear_response"].dims == ("run", "trial") and ds["fear_response"].attrs["units"] == "1"
    assert ds["time_h"].attrs["units"] == "h"
    out = xr.open_dataset(path, engine="h5netcdf", group="outputs")
    assert out["plasma_mdma"].dims == ("run", "time")
    # a file without [amygdala] has no /trials and reads back with empty trials
    plain = sim.run(parse_experiment(BASE, "plain.toml"))
    plain.to_hdf5(tmp_path / "plain.h5")
    assert Result.from_hdf5(tmp_path / "plain.h5").trials == {}


def test_cli_plot_amygdala_writes_png(rate_result, tmp_path, capsys):
    path = tmp_path / "p.h5"
    rate_result.to_hdf5(path)
    fig = tmp_path / "fig" / "amygdala.png"
    fig.parent.mkdir()  # sim refuses an -o whose folder does not exist
    assert main(["plot", str(path), "--kind", "amygdala", "-o", str(fig)]) == 0
    assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and fig.stat().st_size > 10_000
    plain = sim.run(parse_experiment(BASE.replace("size = 4", "size = 1"), "plain.toml"))
    plain.to_hdf5(tmp_path / "plain.h5")
    capsys.readouterr()
    assert main(["plot", str(tmp_path / "plain.h5"), "--kind", "amygdala", "-o", str(tmp_path / "x.png")]) == 2
    assert "no amygdala probe trials" in capsys.readouterr().err


def test_failed_runs_get_nan_trials():
    res = sim.run(parse_experiment(BASE + '\n[solver]\nmax_steps = 30\n[amygdala]\nmodel = "rate"\n', "f.toml"))
    failed = res.status != 0
    assert failed.any() and not failed.all()
    assert np.isnan(res.trials["fear_response"][failed]).all()
    np.testing.assert_allclose(res.trials["fear_response"][~failed], 1.0, atol=PLACEBO_TOL)


def test_options_learn_context_conditioned(rate_result):
    measure = rate_result.trials["fear_response"][0]
    teach = sim.run(_exp('model = "rate"\nprobes_h = [0.0, 1.0, 2.0, 4.0]\nlearn = true\n')).trials["fear_response"][0]
    assert teach[0] == pytest.approx(measure[0]) and teach[-1] < measure[-1] - 0.03   # unreinforced cues extinguish
    other = sim.run(_exp('model = "rate"\nprobes_h = [1.0]\ncontext = "B"\n')).trials["fear_response"][0, 0]
    assert other < 0.95   # the trauma memory is tied to its context A
    naive = sim.run(_exp('model = "rate"\nprobes_h = [1.0]\nconditioned = false\n')).trials["fear_response"][0, 0]
    assert naive < 0.2    # no trauma memory: little CeM output to the cue


def test_plot_vlachos_reference_needs_no_file(tmp_path, capsys):
    from sim.cli import main

    fig = tmp_path / "vlachos.png"
    assert main(["plot", "--kind", "vlachos", "-o", str(fig)]) == 0
    assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["plot", "--kind", "cascade", "-o", str(fig)]) == 2
    assert "needs a result file" in capsys.readouterr().err
