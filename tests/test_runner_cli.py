"""End to end: experiments, cohorts, reproducibility, provenance, CLI exit codes and messages."""

import json
from pathlib import Path

import h5py
import numpy as np
import pytest

import sim
from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENTS = sorted((ROOT / "experiments").rglob("*.toml"))
SHORT_H = 6.0


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: str(p.relative_to(ROOT / "experiments")))
def test_every_experiment_runs_on_a_short_horizon(path):
    """Every experiment in experiments/ (any depth) runs: 6 h, or up to 2 h after its last dose (and its last
    amygdala probe); every drug
    it doses shows up in plasma, whichever drug that is."""
    full = sim.load_experiment(path)
    last = max((d.time_h for d in full.doses), default=0.0)
    horizon = max([SHORT_H if last < SHORT_H else last + 2.0, *full.amygdala.probes_h])
    interval = 10.0 if horizon <= 48.0 else 120.0
    exp = sim.load_experiment(path, {"experiment.duration_h": horizon, "experiment.output_interval_min": interval})
    res = sim.run(exp)
    assert (res.status == 0).all()
    for drug in {d.drug for d in exp.doses} - {"placebo"}:
        name = f"plasma_{drug}" if f"plasma_{drug}" in res.outputs else f"plasma_{drug}_dosed"
        assert np.isfinite(res[name]).all() and res[name].max() > 0, name
    assert res.time[-1] == pytest.approx(horizon)


def test_cohort_is_reproducible_and_seed_dependent():
    path = ROOT / "experiments" / "demo.toml"
    short = {"experiment.duration_h": 4.0, "cohort.size": 20}
    a = sim.run(sim.load_experiment(path, short))
    b = sim.run(sim.load_experiment(path, short))
    c = sim.run(sim.load_experiment(path, {**short, "experiment.seed": 99}))
    np.testing.assert_array_equal(a["plasma_mdma"], b["plasma_mdma"])
    assert not np.array_equal(a.params["pk.ka"], c.params["pk.ka"])
    assert len(set(np.round(a.params["pk.ka"], 12))) == 20


def test_cycle_variation_gives_dose_arms():
    res = sim.run(sim.load_experiment(ROOT / "experiments" / "dose_escalation.toml", {"experiment.duration_h": 6.0}))
    np.testing.assert_array_equal(res.events["amount_mg"], [50.0, 75.0, 100.0, 125.0, 150.0])
    peaks = res["plasma_mdma"].max(axis=1)
    assert np.all(np.diff(peaks) > 0)


def test_unknown_parameter_in_subject_is_named():
    text = '[experiment]\nduration_h = 1.0\n[subject]\n"pk.nonsense" = 1.0\n'
    with pytest.raises(sim.errors.ConfigError, match="subject.pk.nonsense: unknown parameter"):
        sim.run(sim.parse_experiment(text))


def test_parameter_out_of_range_is_named():
    text = '[experiment]\nduration_h = 1.0\n[subject]\n"pk.fu_plasma" = 3.0\n'
    with pytest.raises(sim.errors.ConfigError, match="subject.pk.fu_plasma.*outside the allowed range"):
        sim.run(sim.parse_experiment(text))


def test_unknown_drug_route_is_named():
    text = '[experiment]\nduration_h = 1.0\n[[dose]]\ndrug = "caffeine"\namount_mg = 1.0\n'
    with pytest.raises(sim.errors.ConfigError, match="dose.0"):
        sim.run(sim.parse_experiment(text))


def test_run_writes_hdf5_with_provenance(tmp_path, capsys):
    out = tmp_path / "x.h5"
    code = main(["run", str(ROOT / "experiments" / "single_dose.toml"), "-o", str(out),
                 "--set", "experiment.duration_h=6", "--set", "dose.0.amount_mg=80"])
    assert code == 0
    with h5py.File(out) as f:
        assert f.attrs["format"] == "neuropharm-sim/2"
        assert "amount_mg = 125.0" in f.attrs["experiment_toml"]
        assert json.loads(f.attrs["overrides"]) == {"dose.0.amount_mg": 80, "experiment.duration_h": 6}
        assert "numba" in json.loads(f.attrs["package_versions"])
        assert f.attrs["git_commit"]
        assert f.attrs["seed"] == 1
        for name, unit in [("plasma_mdma", "ng/mL"), ("plasma_mda", "ng/mL"), ("brain_mdma", "uM"),
                           ("cyp2d6_activity", "1")]:
            assert f[f"outputs/{name}"].attrs["units"] == unit
            assert f[f"outputs/{name}"].shape == (1, 361)
        assert f["events/dose/amount_mg"][0] == 80.0


@pytest.mark.parametrize("argv, needle", [
    (["run", "missing.toml"], "cannot read"),
    (["run", "experiments/single_dose.toml", "--set", "dose.0.amount_mg=-3"], "dose.0.amount_mg"),
    (["run", "experiments/single_dose.toml", "--set", "novalue"], "KEY=VALUE"),
    (["params", "nosuchmechanism"], "unknown mechanism"),
    (["validate", "nosuchsuite"], "unknown suite"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_input_exits_2_with_one_line(argv, needle, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and needle in err, err


def test_plot_rejects_foreign_file(tmp_path, capsys):
    bad = tmp_path / "bad.h5"
    bad.write_bytes(b"not hdf5 at all")
    assert main(["plot", str(bad), "-o", str(tmp_path / "f.png")]) == 2
    assert "not an HDF5 file" in capsys.readouterr().err


def test_plot_writes_png(tmp_path):
    out = tmp_path / "x.h5"
    assert main(["run", str(ROOT / "experiments" / "poor_metabolizer.toml"), "-o", str(out),
                 "--set", "experiment.duration_h=6"]) == 0
    fig = tmp_path / "f.png"
    assert main(["plot", str(out), "-o", str(fig)]) == 0
    assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_params_lists_values_units_sources(capsys):
    assert main(["params", "pk"]) == 0
    text = capsys.readouterr().out
    assert "pk.kinact" in text and "1/h" in text and "Van et al. 2006" in text


def test_ndf_and_rodas4_give_the_same_cascade():
    from sim.config import parse_experiment
    from sim.runner import run

    text = ('[experiment]\nname = "m"\nduration_h = 24.0\noutput_interval_min = 10.0\n'
            '[[dose]]\ndrug = "mdma"\namount_mg = 125.0\ntime_h = 1.0\n[cohort]\nsize = 3\n'
            '[cohort.vary]\n"pk.ka" = { dist = "lognormal", cv = 0.3 }\n')
    a = run(parse_experiment(text, "<t>"))
    b = run(parse_experiment(text + '[solver]\nmethod = "bdf"\n', "<t>"))
    assert (a.status == 0).all() and (b.status == 0).all()
    for name in ("plasma_mdma", "ec_serotonin", "plasma_oxytocin", "heart_rate"):
        x, y = a.outputs[name], b.outputs[name]
        assert np.max(np.abs(x - y)) <= 1e-3 * np.max(np.abs(x)), name
    assert '"method": "bdf"' in b.attrs["solver"]
