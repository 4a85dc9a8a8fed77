"""``sim report``: one self-contained HTML file, checked by its contents and by rendering it in Chromium.

The rendering test opens the report in headless Chromium (Debian's ``chromium``; ``.ci/run`` installs it)
with networking switched off, waits for the load event, and reads back from the DOM how many images
decoded (``naturalWidth > 0``); it also takes a screenshot and checks that it is not blank. Without a
Chromium binary the test is skipped and says why.
"""

import base64
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.cli import main
from sim.report import applicable_suites, metrics_table, per_run_metrics, trials_table
from sim.result import Result

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                  "--disable-default-apps", "--mute-audio"]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def ssri_h5(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "ssri.h5"
    sim.run(sim.load_experiment(ROOT / "experiments" / "ssri_pretreatment.toml")).to_hdf5(path)
    return path


@pytest.fixture(scope="module")
def ssri_report(ssri_h5):
    out = ssri_h5.with_name("ssri.html")
    assert main(["report", str(ssri_h5), "-o", str(out)]) == 0  # validation rows included by default
    return out


@pytest.fixture(scope="module")
def spiking_report(tmp_path_factory):
    """A single-subject spiking run with stored spikes (experiments/amygdala_spiking.toml)."""
    d = tmp_path_factory.mktemp("spiking-report")
    sim.run(sim.load_experiment(ROOT / "experiments" / "amygdala_spiking.toml")).to_hdf5(d / "spiking.h5")
    out = d / "spiking.html"
    assert main(["report", str(d / "spiking.h5"), "-o", str(out), "--no-validate"]) == 0
    return out


def test_report_of_a_spiking_run_has_the_raster_and_stays_small(spiking_report):
    text = spiking_report.read_text()
    assert spiking_report.stat().st_size < 5e6
    assert text.count("<img ") == 2  # the cascade and the amygdala's probe trials with the raster
    assert "spike raster of the recorded cells grouped and coloured by population" in text
    assert "--no-validate" in text and "amygdala-spiking-raster" in text
    # the probe-trial table: one row per probe, its time and the fear response stored in /trials
    assert "Probe trials (amygdala)" in text
    h5 = spiking_report.with_suffix(".h5")
    result = Result.from_hdf5(h5)
    header, rows = trials_table(result)
    assert header[:3] == ["probe", "time (h)", "fear response (1 = untreated)"]
    assert [r[1] for r in rows] == ["0", "1.5", "5"]
    np.testing.assert_allclose([float(r[2]) for r in rows], result.trials["fear_response"][0], rtol=2e-3)


def test_report_is_self_contained_and_small(ssri_report):
    text = ssri_report.read_text()
    assert ssri_report.stat().st_size < 5e6
    srcs = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', text)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs), "nothing may load from elsewhere"
    assert not re.search(r"https?://|<link|<script|@import|url\(", text)
    for src in srcs:
        png = base64.b64decode(src.split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_report_holds_experiment_metrics_validation_and_provenance(ssri_report, ssri_h5):
    text = ssri_report.read_text()
    result = Result.from_hdf5(ssri_h5)
    # the experiment as run, verbatim (HTML-escaped)
    import html

    assert html.escape(result.attrs["experiment_toml"]) in text
    for needle in ("What this experiment shows", "Summary metrics", "MDMA Cmax (ng/mL)", "5-HT peak",
                   "Doses", "Validation", "targets within their bands", "Provenance", result.attrs["git_commit"],
                   "version: numpy", "seed", "not clinical guidance"):
        assert needle in text, needle
    assert "suites: pk, transmitters, interactions" in text  # and oxytocin etc. when present


def test_metrics_match_the_time_courses(ssri_h5):
    result = Result.from_hdf5(ssri_h5)
    cols = per_run_metrics(result)
    mdma = np.asarray(result["plasma_mdma"], float)
    np.testing.assert_allclose(cols["MDMA Cmax"][0], mdma.max(axis=1))
    np.testing.assert_allclose(cols["MDMA tmax"][0], result.time[mdma.argmax(axis=1)])
    np.testing.assert_allclose(cols["MDMA AUC 0-12 h"][0], np.trapezoid(mdma, result.time, axis=1))
    five_ht = np.asarray(result["ec_serotonin"], float)
    np.testing.assert_allclose(cols["5-HT peak"][0], five_ht.max(axis=1) / five_ht[:, 0])
    assert cols["5-HT peak"][0][1] < cols["5-HT peak"][0][0]  # citalopram arm: lower 5-HT peak
    header, rows = metrics_table(result)
    assert header[0] == "runs" and [r[0] for r in rows] == ["no citalopram", "citalopram 40 mg"]
    # oxytocin, physiology (and amygdala) join when the file has those outputs and the suites exist
    assert applicable_suites(result)[:3] == ["pk", "transmitters", "interactions"]


def test_report_of_a_summaries_only_sweep_and_without_validation(tmp_path):
    from sim.sweep import run_sweep

    exp = sim.load_experiment(ROOT / "experiments" / "sweep_dose_response.toml",
                              {"sweep.samples": 16, "sweep.summaries_only": True, "experiment.duration_h": 6.0})
    h5 = run_sweep(exp, tmp_path / "s.h5", workers=1, progress=False)
    out = tmp_path / "s.html"
    assert main(["report", str(h5), "-o", str(out), "--no-validate"]) == 0
    text = out.read_text()
    assert text.count("<img ") == 1 and "Dose-response" in text  # no time courses: no cascade
    assert "16 runs" in text or "(n = 16)" in text
    assert "--no-validate" in text and "targets within their bands" not in text


def test_report_input_errors_exit_2(ssri_h5, tmp_path, capsys):
    assert main(["report", str(ssri_h5), "-o", str(tmp_path / "r.pdf")]) == 2
    assert "must end in .html" in capsys.readouterr().err
    assert main(["report", str(ssri_h5), "-o", str(tmp_path / "r.html"), "--validate", "nosuch"]) == 2
    assert "unknown suite" in capsys.readouterr().err


@pytest.mark.parametrize("which", ["ssri_report", "spiking_report", "trial_report"])
def test_report_renders_in_headless_chromium_with_every_image(which, request, tmp_path):
    report = request.getfixturevalue(which)
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no Chromium binary on PATH (Debian: apt-get install chromium; .ci/run installs it)")
    # a copy with a probe that writes, after the load event, how many images decoded into the DOM
    probe = ("<script>window.addEventListener('load', () => { const imgs = [...document.images]; "
             "document.body.setAttribute('data-images', imgs.filter(i => i.complete && i.naturalWidth > 0)"
             ".length + '/' + imgs.length); });</script></body>")
    page = tmp_path / "probe.html"
    page.write_text(report.read_text().replace("</body>", probe))
    common = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,2400",
              "--virtual-time-budget=5000"]
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'data-images="(\d+)/(\d+)"', dom.stdout)
    assert found, "the load event did not fire (or the DOM was not dumped)"
    loaded, total = map(int, found.groups())
    assert total == report.read_text().count("<img ") >= 1 and loaded == total
    shot = tmp_path / "shot.png"
    subprocess.run([*common, f"--screenshot={shot}", report.as_uri()], capture_output=True, timeout=120,
                   check=True)
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.std() > 10 and (pixels < 128).mean() > 0.01  # text and plotted lines, not a blank page


def test_probe_trial_table_has_a_column_group_per_arm():
    res = sim.run(sim.load_experiment(ROOT / "experiments" / "mdma_probe_trials.toml",
                                      {"cohort.size": 4, "experiment.duration_h": 3.0}))
    header, rows = trials_table(res)
    assert header == ["probe", "time (h)", "no mdma: fear response (1 = untreated)", "no mdma: BLA (Hz)",
                      "no mdma: CeM (Hz)", "mdma 125 mg: fear response (1 = untreated)", "mdma 125 mg: BLA (Hz)",
                      "mdma 125 mg: CeM (Hz)"]
    assert [r[1] for r in rows] == ["0", "1", "2", "3"]
    assert rows[1][2] == "1" and "[" in rows[1][5]  # placebo at 1; two MDMA runs: median [5-95 %]
    assert trials_table(sim.run(sim.load_experiment(ROOT / "experiments" / "single_dose.toml",
                                                    {"experiment.duration_h": 2.0}))) == ([], [])


# ---- `sim trial` files: per-arm outcome table with intervals, trial figure, per-arm pharmacology ----

@pytest.fixture(scope="module")
def trial_h5(tmp_path_factory):
    path = tmp_path_factory.mktemp("trial-report") / "trial.h5"
    assert main(["trial", str(ROOT / "experiments" / "phase3_trial.toml"), "-o", str(path), "-q",
                 "--set", "cohort.size=4"]) == 0
    return path


@pytest.fixture(scope="module")
def trial_report(trial_h5):
    out = trial_h5.with_name("trial.html")
    assert main(["report", str(trial_h5), "-o", str(out), "--no-validate"]) == 0
    return out


def test_trial_report_has_the_outcome_table_per_arm_with_intervals(trial_h5, trial_report):
    import json

    text = trial_report.read_text()
    assert "Trial outcome" in text and "95 % bootstrap" in text and "Cohen&#x27;s d" in text
    summary = json.loads(Result.from_hdf5(trial_h5).attrs["outcome_summary"])  # stored by sim trial
    for arm in ("placebo", "mdma"):
        a = summary["arms"][arm]
        assert f"{a['change_mean']:.1f} ({a['change_ci'][0]:.1f}, {a['change_ci'][1]:.1f})" in text
    assert summary["cohens_d_ci"][0] <= summary["cohens_d"] <= summary["cohens_d_ci"][1]
    # pharmacology per arm, never pooled: one row per arm, and the placebo arm has no drug
    assert "placebo (n = 4)" in text and "mdma (n = 4)" in text and "no drug" in text
    assert "all runs" not in text
    assert text.count("<img ") == 2  # the trial figure and the session figure, arm by arm
    assert applicable_suites(Result.from_hdf5(trial_h5), trial=True) == ["pk", "trial"]


def test_arm_names_come_from_the_file(trial_h5, tmp_path):
    import json
    import shutil

    import h5py

    from sim.report import trial_context

    copy = tmp_path / "renamed.h5"
    shutil.copy(trial_h5, copy)
    with h5py.File(copy, "r+") as f:
        f["outcomes/arm"].attrs["labels"] = json.dumps({"0": "control", "1": "drug"})
    ctx = trial_context(Result.from_hdf5(copy), str(copy))
    assert [g.label for g in ctx["groups"]] == ["control", "drug"]
    assert [g.runs.size for g in ctx["groups"]] == [4, 4]


def test_plot_of_a_trial_file_defaults_to_the_trial_figure(trial_h5, tmp_path, capsys):
    import shutil

    copy = tmp_path / "t.h5"
    shutil.copy(trial_h5, copy)
    assert main(["plot", str(copy)]) == 0
    assert (tmp_path / "t_trial.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["plot", str(copy), "--kind", "cascade"]) == 0  # the arms side by side, not pooled
    assert (tmp_path / "t_compare.png").read_bytes()[:4] == b"\x89PNG"


# ---- runs whose solver failed: refused when all failed, marked and left out when some did -----------

@pytest.fixture(scope="module")
def failed_h5(tmp_path_factory):
    d = tmp_path_factory.mktemp("failed")
    exp = d / "e.toml"
    exp.write_text('[experiment]\nduration_h = 2.0\noutput_interval_min = 10.0\n[[dose]]\ndrug = "mdma"\n'
                   'amount_mg = 100.0\n[cohort]\nsize = 3\n[solver]\nmax_steps = 10\n')
    out = d / "all_failed.h5"
    assert main(["run", str(exp), "-o", str(out), "-q"]) == 1  # the run says its runs failed
    return out


def test_plot_and_report_refuse_a_file_whose_runs_all_failed(failed_h5, tmp_path, capsys):
    for argv in (["plot", str(failed_h5), "-o", str(tmp_path / "f.png")],
                 ["report", str(failed_h5), "-o", str(tmp_path / "r.html")]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert "solver failed in every run" in err and err.count("\n") == 0, err
    assert not (tmp_path / "f.png").exists() and not (tmp_path / "r.html").exists()


def test_partly_failed_runs_are_left_out_and_marked(ssri_h5, tmp_path, capsys):
    from sim import plots
    from sim.store import write_result

    res = Result.from_hdf5(ssri_h5)
    res.status = np.array(res.status).copy()
    res.status[0] = 1  # pretend the first run's solver gave up
    path = tmp_path / "partly.h5"
    write_result(res, path)
    drawn = plots.without_failed_runs(Result.from_hdf5(path))
    assert np.isnan(drawn["plasma_mdma"][0]).all() and np.isfinite(drawn["plasma_mdma"][1:]).all()
    assert "1 of" in drawn.attrs["experiment_name"] and "not drawn" in drawn.attrs["experiment_name"]
    assert main(["plot", str(path), "-o", str(tmp_path / "p.png")]) == 0
    assert "left out of the figure" in capsys.readouterr().err
    assert main(["report", str(path), "-o", str(tmp_path / "p.html"), "--no-validate"]) == 0
    assert "left out of the figures" in (tmp_path / "p.html").read_text()
