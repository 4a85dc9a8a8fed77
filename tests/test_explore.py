"""``sim explore``: the offline teaching page, opened in a real headless browser (Debian's chromium driven by
Playwright). A small grid keeps the build to seconds once the model is compiled."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from sim import explore
from sim.cli import main as cli_main
from sim.config import parse_experiment

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
# the small grid, with two body weights so that every control can move
GRID = explore.Grid(dose_mg=(80.0, 125.0), supplement_mg=(0.0, 60.0), weight_kg=(60.0, 90.0),
                    cyp2d6=("poor", "extensive"), ssri=("none", "citalopram", "paroxetine"), checks_per_interval=1)


# ---- without a browser ---------------------------------------------------------------------------

def test_encode_round_trip_within_one_quantisation_step():
    rng = np.random.default_rng(0)
    values = np.cumsum(rng.normal(size=(7, 53)), axis=1) * 40.0 + 300.0
    lo, hi = float(values.min()), float(values.max())
    back = explore.decode(explore.encode(values, lo, hi), 7, 53, lo, hi)
    assert np.max(np.abs(back - values)) <= (hi - lo) / 65535.0


def test_interpolation_error_is_measured_against_the_midpoint_run():
    grid = explore.Grid(dose_mg=(0.0, 2.0), supplement_mg=(0.0,), weight_kg=(70.0,), cyp2d6=("extensive",),
                        ssri=("none",), pindolol=(False,), carvedilol=(False,), checks_per_interval=1)
    checks = explore.check_points(grid)
    assert [(a, j, p.dose_mg) for a, j, p in checks] == [("dose_mg", 0, 1.0)]
    data = {"y": np.array([[0.0, 0.0], [4.0, 10.0]])}          # the grid runs at 0 and 2
    midpoint = {"y": np.array([[2.0, 4.0]])}                     # the engine at 1: interpolation gives [2, 5]
    errors = explore.interpolation_errors(grid, data, checks, midpoint, {"y": 10.0})
    assert errors["dose_mg"]["y"] == pytest.approx(0.1)


def test_bad_output_name_and_species_exit_2(tmp_path, capsys):
    assert cli_main(["explore", "-o", str(tmp_path / "page.txt")]) == 2
    assert "must end in .html" in capsys.readouterr().err
    rat = tmp_path / "rat.toml"
    rat.write_text('[experiment]\nname = "r"\nspecies = "rat"\nduration_h = 2.0\n')
    assert cli_main(["explore", str(rat), "-o", str(tmp_path / "page.html")]) == 2
    err = capsys.readouterr().err
    assert "species" in err and "rat.toml" in err and "Traceback" not in err


def test_every_story_names_an_experiment_with_a_header():
    folder = explore.experiments_dir()
    for story in explore.STORIES:
        assert (folder / story.file).is_file(), story.file
        assert len(explore.header_text(folder / story.file)) > 80, story.file


# ---- in the browser --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    out = tmp_path_factory.mktemp("explore") / "explorer.html"
    return explore.build(out, None, GRID)


@pytest.fixture(scope="module")
def page(built):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1200})
        pg.errors, pg.requests = [], []
        pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.on("request", lambda r: pg.requests.append(r.url))
        pg.goto(built.path.resolve().as_uri())
        pg.wait_for_function("window.explorer && window.explorer.state.ready", timeout=60_000)
        yield pg
        browser.close()


def _trace(page, panel: str, meta: str) -> np.ndarray:
    page.evaluate("window.explorer.state.pending")
    y = page.evaluate(f"document.getElementById('plot-{panel}').data.find(t => t.meta === '{meta}').y")
    return np.asarray(y, float)


def _slide(page, id_: str, value: float) -> None:
    page.evaluate(f"(() => {{ const e = document.getElementById('{id_}'); e.value = {value}; "
                  "e.dispatchEvent(new Event('input')); })()")
    page.evaluate("window.explorer.state.pending")


def _peak(page, panel, meta):
    return float(np.max(_trace(page, panel, meta)))


def _rise(page, panel, meta):
    y = _trace(page, panel, meta)
    return float(np.max(y) - y[0])


def test_page_is_one_offline_file(built, page):
    assert built.size_mb < explore.MAX_FILE_MB
    assert built.failed_runs == 0
    html = built.path.read_text(encoding="utf-8")
    assert "<script src" not in html and "<link" not in html  # every script and style inlined
    assert [u for u in page.requests if not u.startswith("file:")] == []
    assert page.requests == [built.path.resolve().as_uri()]
    assert page.errors == []


def test_page_numbers_are_the_engines(built, page):
    """One grid point simulated afresh equals what the page draws for it (JavaScript decoding and indexing)."""
    point = explore.Point("poor", "citalopram", True, False, 90.0, 125.0, 60.0)
    base = parse_experiment('[experiment]\nname = "x"\nduration_h = 1.0\n')
    _, fresh, _ = explore.simulate(base, [point])
    page.evaluate("window.explorer.setControls({cyp2d6: 'poor', ssri: 'citalopram', ssri_taken: true, pindolol: true,"
                  " carvedilol: false, weight_kg: 90, dose_mg: 125, supplement_mg: 60, session: 'drug'})")
    for panel, name in (("pk", "plasma_mdma"), ("tx", "ec_serotonin"), ("cardio", "heart_rate"),
                        ("amy", "fear_response")):
        y = _trace(page, panel, name)
        if panel == "tx":
            y = y * page.evaluate(f"window.explorer.data.baseline['{name}']")
        lo, hi = (page.evaluate(f"window.explorer.data.series['{name}'].{k}") for k in ("lo", "hi"))
        np.testing.assert_allclose(y, fresh[name][0], atol=2e-4 * (hi - lo), err_msg=name)


def test_each_control_moves_the_panels_the_right_way(built, page):
    page.evaluate("window.explorer.setControls({cyp2d6: 'extensive', ssri: 'citalopram', ssri_taken: false, "
                  "pindolol: false, carvedilol: false, weight_kg: 60, dose_mg: 80, supplement_mg: 0, session: 'drug'})")
    mdma_80 = _peak(page, "pk", "plasma_mdma")
    _slide(page, "dose", 125)
    assert _peak(page, "pk", "plasma_mdma") > 1.3 * mdma_80            # a larger dose: more MDMA
    late = _trace(page, "pk", "plasma_mdma")[-1]
    _slide(page, "supplement", 60)
    assert _trace(page, "pk", "plasma_mdma")[-1] > 1.2 * late          # a supplemental dose: more MDMA later
    _slide(page, "supplement", 0)
    light = _peak(page, "pk", "plasma_mdma")
    _slide(page, "weight", 90)
    assert _peak(page, "pk", "plasma_mdma") < light                   # a heavier body: lower concentration
    extensive = _peak(page, "pk", "plasma_mdma")
    page.select_option("#cyp2d6", "poor")
    assert _peak(page, "pk", "plasma_mdma") > extensive               # poor metaboliser: more plasma MDMA
    page.select_option("#cyp2d6", "extensive")

    serotonin = _peak(page, "tx", "ec_serotonin")
    page.select_option("#ssri-status", "taken")                       # citalopram taken daily
    assert _peak(page, "tx", "ec_serotonin") < 0.8 * serotonin        # SERT blocked: lower 5-HT peak
    page.select_option("#ssri", "paroxetine")
    assert _peak(page, "pk", "plasma_mdma") > 1.1 * extensive         # paroxetine also blocks CYP2D6
    assert np.min(_trace(page, "cyp", "cyp2d6_activity")) < 0.5
    page.select_option("#ssri-status", "washed")
    assert _peak(page, "tx", "ec_serotonin") == pytest.approx(serotonin)

    oxytocin = _rise(page, "ot", "plasma_oxytocin")
    page.check("#pindolol")
    assert _rise(page, "ot", "plasma_oxytocin") < 0.5 * oxytocin      # 5-HT1A blocked: smaller oxytocin rise
    page.uncheck("#pindolol")
    heart = _rise(page, "cardio", "heart_rate")
    page.check("#carvedilol")
    assert _rise(page, "cardio", "heart_rate") < 0.9 * heart          # beta blocked: smaller heart-rate rise
    page.uncheck("#carvedilol")

    fear_drug = np.min(_trace(page, "amy", "fear_response"))
    page.select_option("#session", "placebo")
    assert np.max(_trace(page, "pk", "plasma_mdma")) < 1e-3 * extensive
    assert np.min(_trace(page, "amy", "fear_response")) > fear_drug + 0.05  # no drug: the cue's full response
    np.testing.assert_allclose(_trace(page, "amy", "fear_response:other").min(), fear_drug)
    page.select_option("#session", "drug")

    page.click("#pin")                                                 # the reference follows the controls
    np.testing.assert_allclose(_trace(page, "pk", "plasma_mdma:ref"), _trace(page, "pk", "plasma_mdma"))
    assert page.errors == [] and [u for u in page.requests if not u.startswith("file:")] == []


def test_story_buttons_set_the_controls_and_show_the_header(page):
    stories = page.evaluate("window.explorer.data.stories")
    assert [s["title"] for s in stories] == [s.title for s in explore.STORIES]
    for k, story in enumerate(stories):
        page.click(f"#stories button[data-story='{k}']")
        page.evaluate("window.explorer.state.pending")
        text = page.inner_text("#story")
        assert story["text"][:60] in text.replace("\n", " ")
        controls = page.evaluate("window.explorer.state.controls")
        for key in ("cyp2d6", "ssri_taken", "pindolol", "carvedilol", "session"):
            assert controls[key] == story["controls"][key], (story["title"], key)
    # the SSRI story against MDMA alone: the coloured 5-HT peak under the grey one
    page.click("#stories button[data-story='3']")
    assert _peak(page, "tx", "ec_serotonin") < _peak(page, "tx", "ec_serotonin:ref")
    redraws = page.evaluate("window.explorer.state.redrawMs")
    assert len(redraws) > 10 and page.errors == []
