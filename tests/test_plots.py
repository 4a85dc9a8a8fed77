"""Figure kinds of ``sim plot``, the gallery's claims checked on the numbers behind the figures, README figures.

The pictures themselves were looked at; these tests check what can fail silently: that each kind writes
a real image in each format, that panels follow the outputs a file has, that arms and files are told
apart, that colours are fixed per transmitter, that no text overlaps, and that the demonstrations show
what their header comments say.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

import sim
from sim import plots
from sim.cli import main
from sim.result import Result

ROOT = Path(__file__).resolve().parent.parent
SHORT = {"experiment.duration_h": 6.0, "experiment.output_interval_min": 10.0}


def _run(name, overrides=None):
    return sim.run(sim.load_experiment(ROOT / "experiments" / name, {**SHORT, **(overrides or {})}))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Short runs written to HDF5: one subject, two arms, a small cohort, a dose sweep (summaries only),
    amygdala probe trials of the spiking model (with spikes) and of the rate model (two arms)."""
    d = tmp_path_factory.mktemp("plots")
    out = {}
    for key, name, over in (("single", "single_dose.toml", None), ("ssri", "ssri_pretreatment.toml", None),
                            ("cohort", "demo.toml", {"cohort.size": 30}),
                            ("escalation", "dose_escalation.toml", None),
                            ("spiking", "amygdala_spiking.toml", None),
                            ("probes", "mdma_probe_trials.toml", {"cohort.size": 6}),
                            ("spiking_arms", "mdma_probe_trials.toml",
                             {"cohort.size": 4, "amygdala.model": "spiking", "experiment.duration_h": 3.0})):
        out[key] = d / f"{key}.h5"
        _run(name, over).to_hdf5(out[key])
    from sim.sweep import run_sweep

    exp = sim.load_experiment(ROOT / "experiments" / "sweep_dose_response.toml",
                              {**SHORT, "sweep.samples": 24, "sweep.summaries_only": True})
    out["sweep"] = run_sweep(exp, d / "sweep.h5", workers=1, progress=False)
    return out


def _texts_overlap(fig) -> list[tuple[str, str]]:
    """Pairs of visible, non-empty text boxes (titles, labels, tick labels, legends) that overlap."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        texts = [ax.title, ax._left_title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        for axis in (ax.xaxis, ax.yaxis):  # the ticks actually drawn (inside the view, labels switched on)
            texts += [tick.label1 for tick in axis._update_ticks() if tick.label1.get_visible()]
        leg = ax.get_legend()
        if leg is not None:
            texts += list(leg.get_texts())
        for t in texts:
            if t.get_visible() and t.get_text().strip():
                boxes.append((t.get_text(), t.get_window_extent(renderer)))
    for leg in fig.legends:
        boxes += [(t.get_text(), t.get_window_extent(renderer)) for t in leg.get_texts()]
        boxes.append((leg.get_title().get_text(), leg.get_title().get_window_extent(renderer)))
    for label in (fig._suptitle, fig._supxlabel, fig._supylabel):
        if label is not None and label.get_text():
            boxes.append((label.get_text(), label.get_window_extent(renderer)))
    clashes = []
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1:]:
            if a.overlaps(b) and a.width * a.height > 0 and b.width * b.height > 0:
                inter_w = min(a.x1, b.x1) - max(a.x0, b.x0)
                inter_h = min(a.y1, b.y1) - max(a.y0, b.y0)
                if inter_w > 1 and inter_h > 1:
                    clashes.append((ta, tb))
    return clashes


@pytest.mark.parametrize("kind, inputs, extra, suffix", [
    ("timecourse", ["single"], [], ".png"),
    ("cascade", ["ssri"], [], ".png"),
    ("cascade", ["ssri"], [], ".svg"),
    ("compare", ["single", "escalation"], ["--labels", "one dose,five doses"], ".png"),
    ("compare", ["ssri"], [], ".pdf"),
    ("cohort", ["cohort"], [], ".png"),
    ("dose-response", ["escalation"], ["--metric", "auc"], ".png"),
    ("dose-response", ["sweep"], [], ".svg"),
    ("amygdala", ["spiking"], [], ".png"),
    ("amygdala", ["spiking"], [], ".svg"),
    ("amygdala", ["probes"], [], ".png"),
])
def test_every_kind_writes_its_format(files, tmp_path, kind, inputs, extra, suffix):
    magic = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}[suffix]
    fig = tmp_path / f"f{suffix}"
    assert main(["plot", *[str(files[k]) for k in inputs], "--kind", kind, "-o", str(fig), *extra]) == 0
    assert fig.read_bytes()[:len(magic)] == magic
    assert fig.stat().st_size > 10_000


def test_cascade_panels_follow_the_outputs(files):
    single = Result.from_hdf5(files["single"])
    titles = [p.title for p in plots.cascade_panels([single])]
    assert titles[:3] == ["plasma MDMA", "plasma MDA (metabolite)", "liver CYP2D6 activity"]
    assert "extracellular transmitters (forebrain)" in titles
    assert not any("citalopram" in t for t in titles)  # no co-medication in this file
    ssri = Result.from_hdf5(files["ssri"])
    assert "plasma citalopram" in [p.title for p in plots.cascade_panels([ssri])]
    # a file without transmitters, oxytocin, receptors or amygdala gets no such panels
    pk_only = Result(time=single.time, outputs={"plasma_mdma": single["plasma_mdma"]}, units=single.units)
    assert [p.names for p in plots.cascade_panels([pk_only])] == [["plasma_mdma"]]
    # amygdala and oxytocin outputs, when present, get their panels in causal order (last)
    extra = Result(time=single.time, outputs={**single.outputs, "bla_rate": single["plasma_mdma"] * 0 + 2.0,
                                              "plasma_oxytocin": single["plasma_mdma"] * 0 + 20.0},
                   units={**single.units, "bla_rate": "Hz", "plasma_oxytocin": "pg/mL"})
    names = [p.names for p in plots.cascade_panels([extra])]
    assert names.index(["plasma_oxytocin"]) > names.index(list(plots.TRANSMITTERS)) and names[-1] == ["bla_rate"]


def test_arms_get_labels_and_line_styles(files):
    ssri = Result.from_hdf5(files["ssri"])
    groups = plots._styled(plots.groups_of(ssri))
    assert [g.label for g in groups] == ["no citalopram", "citalopram 40 mg"]
    assert groups[0].style != groups[1].style
    fig = plots.cascade(ssri)
    tx_ax = next(ax for ax in fig.axes if ax.get_title(loc="left").startswith("extracellular"))
    serotonin = [ln for ln in tx_ax.get_lines() if ln.get_color() == plots.COLOURS["ec_serotonin"]]
    assert len(serotonin) == 2 and serotonin[0].get_linestyle() != serotonin[1].get_linestyle()
    plt.close(fig)
    reps = Result.from_hdf5(files["escalation"])
    assert plots.run_labels(reps) == [f"mdma {d} mg" for d in (50, 75, 100, 125, 150)]


def test_colours_are_fixed_per_transmitter_across_kinds(files):
    single = Result.from_hdf5(files["single"])
    cohort = Result.from_hdf5(files["cohort"])
    seen = {}
    for fig in (plots.cascade(single), plots.cohort(cohort), plots.compare([single, cohort])):
        for ax in fig.axes:
            for line in ax.get_lines():
                if line.get_color() in {plots.COLOURS[n] for n in plots.TRANSMITTERS}:
                    seen.setdefault(line.get_color(), 0)
                    seen[line.get_color()] += 1
        plt.close(fig)
    assert set(seen) == {plots.COLOURS[n] for n in plots.TRANSMITTERS}
    assert len({plots.colour(n) for n in plots.TRANSMITTERS}) == 3
    assert plots.colour("vesicular_serotonin") == plots.colour("ec_serotonin")


@pytest.mark.parametrize("make", [
    lambda f: plots.cascade(Result.from_hdf5(f["ssri"])),
    lambda f: plots.cascade(Result.from_hdf5(f["escalation"])),
    lambda f: plots.compare([Result.from_hdf5(f["single"]), Result.from_hdf5(f["ssri"])]),
    lambda f: plots.cohort(Result.from_hdf5(f["cohort"])),
    lambda f: plots.dose_response(Result.from_hdf5(f["sweep"])),
    lambda f: plots.amygdala(Result.from_hdf5(f["spiking"])),
    lambda f: plots.amygdala(Result.from_hdf5(f["probes"])),
    lambda f: plots.amygdala(Result.from_hdf5(f["spiking_arms"])),
], ids=["cascade-arms", "cascade-five-runs", "compare", "cohort", "dose-response", "amygdala-spiking",
        "amygdala-rate", "amygdala-spiking-arms"])
def test_no_overlapping_text_and_slide_sized_letters(files, make):
    fig = make(files)
    assert _legends_off_canvas(fig) == []  # first: laid out once at the saving resolution, as _save does
    assert _texts_overlap(fig) == []
    sizes = [t.get_fontsize() for ax in fig.axes for t in (ax.xaxis.label, ax.yaxis.label) if t.get_text()]
    assert min(sizes) >= 11
    plt.close(fig)


def _legends_off_canvas(fig, margin_px: float = 1.0) -> list[str]:
    """Legends (axes and figure legends, titles included) that reach beyond the saved canvas."""
    fig.set_dpi(plots.DPI)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None] + list(fig.legends)
    off = []
    for leg in legends:
        boxes = [leg.get_window_extent(renderer)]
        if leg.get_title().get_text():
            boxes.append(leg.get_title().get_window_extent(renderer))
        if any(box.x0 < canvas.x0 + margin_px or box.x1 > canvas.x1 - margin_px
               or box.y0 < canvas.y0 + margin_px or box.y1 > canvas.y1 - margin_px for box in boxes):
            off.append(leg.get_title().get_text() or leg.get_texts()[0].get_text())
    return off


def test_the_canvas_check_itself_finds_a_legend_off_the_edge():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], label="a long legend entry")
    ax.legend(loc="center left", bbox_to_anchor=(1.05, 0.5), title="pushed off")
    assert _legends_off_canvas(fig) == ["pushed off"]
    plt.close(fig)


def _cvd_min_distance(colours) -> tuple[float, str]:
    """Smallest pairwise distance (CAM02-UCS) between ``colours`` under normal vision and simulated full
    deuteranomaly, protanomaly and tritanomaly (Machado et al. 2009, via colorspacious), and the vision
    where it occurs."""
    import itertools

    from colorspacious import cspace_convert
    from matplotlib.colors import to_rgb

    worst = (np.inf, "")
    for vision in ("normal", "deuteranomaly", "protanomaly", "tritanomaly"):
        points = []
        for c in colours:
            rgb = np.asarray(to_rgb(c))
            if vision != "normal":
                cvd = {"name": "sRGB1+CVD", "cvd_type": vision, "severity": 100}
                rgb = np.clip(cspace_convert(rgb, cvd, "sRGB1"), 0.0, 1.0)
            points.append(cspace_convert(rgb, "sRGB1", "CAM02-UCS"))
        d = min(float(np.linalg.norm(a - b)) for a, b in itertools.combinations(points, 2))
        worst = min(worst, (d, vision))
    return worst


# lines that share a panel: the cascade's receptors, transmitters, co-medications, the amygdala's rates, the
# explorer's receptor panel (sim/explore.py) and plasma MDMA with MDA
SHARED_PANELS = {
    "cascade receptors": plots.KEY_RECEPTORS,
    "transmitters": plots.TRANSMITTERS,
    "co-medications": tuple(f"plasma_{d}" for d in ("citalopram", "fluoxetine", "paroxetine", "pindolol",
                                                    "way100635", "carvedilol")),
    "amygdala rates": ("bla_rate", "cem_rate"),
    "explorer receptors": ("occupancy_5ht1a", "occupancy_5ht2a", "occupancy_alpha1", "occupancy_beta1",
                           "occupancy_oxtr"),
    "explorer physiology": ("heart_rate", "systolic_bp", "body_temperature"),
    "drug and metabolite": ("plasma_mdma", "plasma_mda"),
}
MIN_CVD_DISTANCE = 20.0  # CAM02-UCS; the old 5-HT2A/beta1 pair was 2.4 under protanomaly


@pytest.mark.parametrize("panel", list(SHARED_PANELS))
def test_colours_sharing_a_panel_stay_apart_for_colour_blind_readers(panel):
    names = SHARED_PANELS[panel]
    assert len({plots.colour(n) for n in names}) == len(names)
    distance, vision = _cvd_min_distance([plots.colour(n) for n in names])
    assert distance >= MIN_CVD_DISTANCE, f"{panel}: {distance:.1f} under {vision}"


def test_dose_strip_markers_stay_apart_for_colour_blind_readers():
    """The dose strip draws MDMA's marker beside the co-medications' (each also labelled in text)."""
    drugs = ["mdma", "citalopram", "fluoxetine", "paroxetine", "pindolol", "way100635", "carvedilol"]
    distance, vision = _cvd_min_distance([plots.DRUG_COLOURS[d] for d in drugs])
    assert distance >= 15.0, f"{distance:.1f} under {vision}"


def test_the_colour_blind_check_itself_finds_red_and_green_alike():
    distance, vision = _cvd_min_distance(["#e31a1c", "#33a02c"])  # red and green of the old palette
    assert distance < MIN_CVD_DISTANCE and vision in ("deuteranomaly", "protanomaly")


def test_units_are_printed_by_hand_but_stored_pint_parseable(files):
    assert plots.unit_text("uM") == "µM" and plots.unit_text("umol/L") == "µmol/L"
    assert plots.unit_text("1/uM") == "1/µM" and plots.unit_text("degC") == "°C"
    assert plots.unit_text("ng/mL") == "ng/mL" and plots.unit_text("mu") == "mu" and plots.unit_text("mmHg") == "mmHg"
    single = Result.from_hdf5(files["single"])
    assert single.units["brain_mdma"] == "uM"  # the file keeps the pint spelling
    fig = plots.timecourse(single, ["brain_mdma", "body_temperature"] if "body_temperature" in single.outputs
                           else ["brain_mdma"])
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert "µM" in labels and not any("uM" in lab or "degC" in lab for lab in labels)
    plt.close(fig)


def test_heart_rate_and_blood_pressure_have_axes_of_their_own(files):
    single = Result.from_hdf5(files["single"])
    panels = plots.cascade_panels([single])
    assert ["heart_rate"] in [p.names for p in panels] and ["systolic_bp"] in [p.names for p in panels]
    fig = plots.cascade(single)
    axes = {ax.get_title(loc="left"): ax for ax in fig.axes}
    assert axes["heart rate, change"].get_ylabel() == plots.unit_text(single.units["heart_rate"]) == "per min"
    assert axes["systolic blood pressure, change"].get_ylabel() == "mmHg"
    for title in ("heart rate, change", "systolic blood pressure, change"):  # one quantity per axis
        assert len({ln.get_color() for ln in axes[title].get_lines() if ln.get_linestyle() != "--"}) == 1
    plt.close(fig)


def test_dose_proportional_reference_is_drawn_on_the_change_over_baseline():
    """A response linear in dose on top of a baseline (oxytocin's 18.6 pg/mL) must lie on the reference line;
    a line through the origin would call it less than proportional."""
    time = np.linspace(0.0, 8.0, 49)
    doses = np.array([0.0, 40.0, 80.0, 120.0])
    shape = np.exp(-((time - 2.0) ** 2))
    oxytocin = 18.6 + 0.5 * doses[:, None] * shape[None, :]
    result = Result(time=time, outputs={"plasma_oxytocin": oxytocin}, units={"plasma_oxytocin": "pg/mL"},
                    events={"run": np.arange(4), "time_h": np.zeros(4), "drug": np.array(["mdma"] * 4),
                            "amount_mg": doses},
                    attrs={"experiment_toml": '[[dose]]\ndrug = "mdma"\namount_mg = 100.0\n'})
    for metric in ("auc", "cmax"):
        fig = plots.dose_response(result, ["plasma_oxytocin"], metric=metric)
        ax = fig.axes[0]
        ref = next(ln for ln in ax.get_lines() if "proportional" in (ln.get_label() or ""))
        y, _ = plots.metric_values(result, "plasma_oxytocin", metric)
        np.testing.assert_allclose(np.interp(doses[1:], *ref.get_data()), y[1:], rtol=1e-3)
        plt.close(fig)


def test_cohort_band_contains_the_median(files):
    cohort = Result.from_hdf5(files["cohort"])
    fig = plots.cohort(cohort, outputs=["plasma_mdma"])
    ax = fig.axes[-1]
    median = ax.get_lines()[-1].get_ydata()
    np.testing.assert_allclose(median, np.median(cohort["plasma_mdma"], axis=0), rtol=1e-6)
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.max() >= median.max() and band.min() <= median.min() + 1e-9
    plt.close(fig)


def test_dose_response_uses_stored_summaries_and_varied_doses(files):
    sweep = Result.from_hdf5(files["sweep"])
    assert "dose.0.amount_mg" in plots.swept_parameters(sweep)
    y, unit = plots.metric_values(sweep, "plasma_mdma", "auc")
    np.testing.assert_array_equal(y, sweep["plasma_mdma.auc"])
    assert unit == "ng/mL x h"
    esc = Result.from_hdf5(files["escalation"])
    np.testing.assert_array_equal(plots.swept_parameters(esc)["dose.0.amount_mg"], [50, 75, 100, 125, 150])
    with pytest.raises(ValueError, match="no time courses"):
        plots.cascade(sweep)


def test_spiking_amygdala_figure_draws_the_stored_spikes(files):
    """One raster per recorded probe trial with every stored spike of it, rows grouped and coloured by
    population, population-rate panels in Hz on time from cue onset, the cue shaded; the rate model's
    file keeps the per-trial figure."""
    res = Result.from_hdf5(files["spiking"])
    sp = res.spikes
    fig = plots.amygdala(res)
    rasters = [ax for ax in fig.axes if ax.get_title().startswith(("A:", "B:", "C:", "D:"))]
    assert [ax.get_title().split(":")[0] for ax in rasters] == ["A", "B", "C"]
    for k, ax in enumerate(rasters):
        assert f"probe at {res.trials['time_h'][0, k]:g} h" in ax.get_title()
        points = np.concatenate([c.get_offsets() for c in ax.collections if len(c.get_offsets())])
        assert len(points) == (sp["trial"] == k).sum()
        colours = {tuple(np.round(c.get_facecolor()[0][:3], 3)) for c in ax.collections if len(c.get_offsets())}
        assert len(colours) >= 7  # one per population that fired
    labels = [t.get_text() for t in rasters[0].get_yticklabels()]
    assert labels[:3] == ["LA principal", "LA PV", "BA fear"] and labels[-1] == "CeM"
    rate_axes = [ax for ax in fig.axes if ax.get_ylabel() == "Hz"]
    assert len(rate_axes) == 3  # principal cells, interneurons, ITC and central amygdala
    assert fig.get_supxlabel() == "time from cue onset (s)"
    # the cue window is shaded in every raster and rate panel
    assert all(any(p.get_x() == 0.0 for p in ax.patches) for ax in rasters)
    plt.close(fig)
    assert plots.suggested_kinds(res)[-1] == "amygdala"
    rate = Result.from_hdf5(files["probes"])
    assert rate.spikes == {} and "amygdala" in plots.suggested_kinds(rate)
    fig = plots.amygdala(rate)
    assert [ax.get_ylabel() for ax in fig.axes][-3:] == ["1 = untreated", "Hz", "Hz"]
    plt.close(fig)
    assert "amygdala" not in plots.suggested_kinds(Result.from_hdf5(files["ssri"]))
    # a placebo-controlled spiking cohort keeps the first two runs (one per arm); the rasters show the drug arm
    arms = Result.from_hdf5(files["spiking_arms"])
    assert arms.spikes["runs"] == [0, 1] and set(np.unique(arms.spikes["run"])) == {0, 1}
    assert plots.run_labels(arms)[:2] == ["no mdma", "mdma 125 mg"] and plots.raster_run(arms) == 1
    fig = plots.amygdala(arms)
    assert "run 1 (mdma 125 mg)" in fig._suptitle.get_text()
    plt.close(fig)


def test_plot_input_errors_exit_2_with_one_line(files, tmp_path, capsys):
    cases = [
        (["plot", str(files["single"]), str(files["ssri"]), "--kind", "cascade"], "only --kind compare"),
        (["plot", str(files["single"]), "--kind", "compare"], "two or more"),
        (["plot", str(files["sweep"]), "--kind", "cascade"], "dose-response"),
        (["plot", str(files["single"]), "--kind", "dose-response"], "nothing varies"),
        (["plot", str(files["sweep"]), "--kind", "dose-response", "--param", "pk.nope"], "did not vary"),
        (["plot", str(files["single"]), "--kind", "bogus"], "invalid choice"),
    ]
    for argv, needle in cases:
        assert main([*argv, "-o", str(tmp_path / "x.png")]) == 2, argv
        err = capsys.readouterr().err.strip()
        assert needle in err and "\n" not in err, (argv, err)


# ---- the gallery: each figure shows what its header says (on the numbers behind it) ----------------

def test_every_gallery_experiment_says_what_it_shows():
    paths = sorted((ROOT / "experiments").rglob("*.toml"))
    assert {"repeated_dose.toml", "cyp2d6_recovery.toml", "rat_fluoxetine.toml", "sweep_dose_response.toml",
            "single_dose.toml", "dose_escalation.toml", "supplemental_dose.toml", "poor_metabolizer.toml",
            "ssri_pretreatment.toml", "paroxetine_mdma.toml", "oxytocin_dose_response.toml", "carvedilol.toml",
            "extinction_mdma.toml", "amygdala_spiking.toml", "phase3_trial.toml"} <= {p.name for p in paths}
    # files whose doses fall after the 6-h smoke-test horizon live in multiday/ (run in full here and elsewhere)
    for path in paths:
        text = path.read_text()
        assert text.startswith("#") and "Shows" in text, path.name


def test_ssri_blocks_the_mdma_serotonin_peak_but_not_its_kinetics():
    res = sim.run(sim.load_experiment(ROOT / "experiments" / "ssri_pretreatment.toml"))
    five_ht = res["ec_serotonin"]
    evoked = five_ht[:, res.time >= 1.5].max(axis=1) - five_ht[:, np.searchsorted(res.time, 1.5)]
    assert evoked[1] < 0.5 * evoked[0]  # the citalopram arm's MDMA-evoked rise is under half
    np.testing.assert_allclose(res["plasma_mdma"][1], res["plasma_mdma"][0], rtol=1e-3, atol=1e-3)


def test_second_dose_a_day_later_gives_higher_plasma_mdma():
    res = sim.run(sim.load_experiment(ROOT / "experiments" / "multiday" / "repeated_dose.toml"))
    t, c = res.time, res["plasma_mdma"][1]
    first, second = c[t < 24].max(), c[t >= 24].max()
    assert second > 1.1 * first
    assert res["cyp2d6_activity"][1][np.searchsorted(t, 24.0)] < 0.5  # the enzyme has not come back
    five_ht = res["ec_serotonin"][1]
    assert five_ht[t >= 24].max() <= 1.1 * five_ht[t < 24].max()  # more drug, not more 5-HT
    np.testing.assert_allclose(res["plasma_mdma"][0][t < 24], c[t < 24], rtol=1e-5)


def test_cyp2d6_recovers_over_days_after_the_drug_is_gone():
    res = sim.run(sim.load_experiment(ROOT / "experiments" / "cyp2d6_recovery.toml"))
    t, e = res.time, res["cyp2d6_activity"][0]
    nadir = int(np.argmin(e))
    assert e[nadir] < 0.3 and t[nadir] < 12.0
    back = t[nadir:][e[nadir:] >= 0.9][0] / 24.0
    assert 5.0 < back < 14.0
    assert res["plasma_mdma"][0][np.searchsorted(t, 48.0)] < 0.02 * res["plasma_mdma"][0].max()


def test_fluoxetine_prevents_most_of_the_rat_serotonin_surge():
    res = sim.run(sim.load_experiment(ROOT / "experiments" / "rat_fluoxetine.toml"))
    t = res.time
    i = np.searchsorted(t, 1.0)
    evoked = res["ec_serotonin"][:, i:].max(axis=1) - res["ec_serotonin"][:, i]
    assert evoked[1] < 0.5 * evoked[0]
    da = res["ec_dopamine"].max(axis=1)
    assert 0.5 * da[0] < da[1] < da[0]  # dopamine only partly reduced


def _gallery(name, overrides=None):
    return sim.run(sim.load_experiment(ROOT / "experiments" / name, overrides or {}))


def _auc(res, upto=None):
    keep = res.time <= (upto if upto is not None else res.time[-1])
    return np.trapezoid(res["plasma_mdma"][:, keep], res.time[keep], axis=1)


def test_single_dose_absorption_elimination_and_enzyme_loss():
    res = _gallery("single_dose.toml")
    t, c = res.time, res["plasma_mdma"][0]
    assert 200 < c.max() < 280 and 1.5 <= t[c.argmax()] <= 2.5  # peak ~240 ng/mL at ~2 h
    a, b = np.searchsorted(t, 12.0), np.searchsorted(t, 24.0)
    half_life = np.log(2) * (t[b] - t[a]) / np.log(c[a] / c[b])
    assert 7.5 < half_life < 10.5
    mda = res["plasma_mda"][0]
    assert t[mda.argmax()] > 2 * t[c.argmax()]  # the metabolite rises and falls more slowly
    e = res["cyp2d6_activity"][0]
    assert e[np.searchsorted(t, 6.0)] < 0.2 and e[-1] < 0.5  # lost within hours, not back within two days


def test_supplemental_dose_adds_more_than_half_the_first_doses_exposure():
    res = _gallery("supplemental_dose.toml")
    first = _gallery("single_dose.toml", {"dose.0.amount_mg": 120.0})
    assert res.time[-1] == first.time[-1]
    assert _auc(res)[0] - _auc(first)[0] > 0.5 * _auc(first)[0]
    c, c1 = res["plasma_mdma"][0], first["plasma_mdma"][0]
    assert (c > 0.5 * c.max()).sum() > 1.3 * (c1 > 0.5 * c1.max()).sum()  # high levels last longer


def test_dose_escalation_exposure_grows_faster_than_dose():
    res = _gallery("dose_escalation.toml")
    auc24 = _auc(res, 24.0)
    assert np.all(np.diff(auc24) > 0) and auc24[-1] / auc24[0] > 5.0  # 3x the dose, > 5x the AUC
    assert np.all(np.diff(res["cyp2d6_activity"].min(axis=1)) < 0)  # deeper enzyme loss at higher doses


def test_poor_metabolisers_have_the_highest_exposure_but_every_phenotype_drifts_towards_them():
    res = _gallery("poor_metabolizer.toml")
    auc = _auc(res)  # runs: poor, intermediate, extensive, ultrarapid
    assert np.all(np.diff(auc) < 0)
    at6 = res["cyp2d6_activity"][:, np.searchsorted(res.time, 6.0)]
    assert np.all(at6 < 0.15)  # every phenotype near a poor metaboliser within hours
    assert auc[0] / auc[-1] < 4.0  # less spread than the enzyme capacities suggest


def test_probe_trials_mdma_lowers_the_fear_response_while_present():
    res = _gallery("mdma_probe_trials.toml", {"cohort.size": 4})  # runs alternate placebo, MDMA
    fear, t = res.trials["fear_response"], res.trials["time_h"][0]
    np.testing.assert_allclose(fear[0::2], 1.0, atol=1e-6)
    at1 = fear[1::2, np.searchsorted(t, 1.0)]
    assert np.all((0.55 < at1) & (at1 < 0.9))  # lower within the first hour (5-HT peaks at ~1.5 h)
    assert np.all(np.diff(fear[1::2, 2:], axis=1) > 0) and np.all(fear[1::2, -1] > 0.9)  # from 2 h back towards 1


def test_carvedilol_blunts_the_heart_rate_rise_but_not_mdma_exposure():
    res = _gallery("carvedilol.toml")  # runs: placebo-placebo, carvedilol-placebo, placebo-MDMA, carvedilol-MDMA
    rise = res["heart_rate"].max(axis=1) - res["heart_rate"][:, 0]
    assert rise[2] > 15.0 and rise[3] < 0.8 * rise[2]
    np.testing.assert_allclose(res["plasma_mdma"][3], res["plasma_mdma"][2], rtol=1e-6, atol=1e-9)


def test_5ht1a_antagonist_removes_most_of_the_oxytocin_response():
    res = _gallery("oxytocin_dose_response.toml")  # placebo, 0.75, 1.5 mg/kg, 1.5 mg/kg after pindolol
    rise = res["plasma_oxytocin"].max(axis=1) - res["plasma_oxytocin"][:, 0]
    assert rise[0] < 1e-6 < rise[1] < rise[2]
    assert rise[3] < 0.5 * rise[2]


def test_extinction_under_mdma_is_easier_but_does_not_last_longer():
    res = _gallery("multiday/extinction_mdma.toml")  # run 0 placebo, run 1 MDMA
    fear, t = res.trials["fear_response"], res.trials["time_h"][0]
    sessions = plots.probe_sessions(t, res.time[-1])
    assert [list(s) for s in sessions] == [[0], list(range(1, 11)), [11]]
    session = fear[:, 1:11]
    np.testing.assert_allclose(fear[:, 0], 1.0, atol=1e-6)  # before the drug acts
    assert session[1, 0] < 0.85 < 0.9 < session[0, 0]  # clearly lower from the first extinction trial under MDMA
    assert np.all(session[1, :6] < session[0, :6]) and np.all(session[:, -1] < 0.1)
    test = fear[:, -1]
    assert test[0] > 0.5 and test[1] > 0.2  # spontaneous recovery two days later, in both arms
    assert test[1] < test[0]  # less in the MDMA arm: extinction under the drug consolidated more strongly
    c = res["plasma_mdma"][1]
    assert c[np.searchsorted(res.time, t[-1])] < 0.03 * c.max()  # the test is (nearly) drug-free
    fig = plots.amygdala(res)  # drawn by trial, session by session
    labels = [x.get_text() for x in fig.axes[-1].get_xticklabels()]
    assert labels == ["0 h", "1.5-1.8 h\n(10 trials)", "47 h"]
    assert _texts_overlap(fig) == []
    plt.close(fig)


def test_dose_response_sweep_shows_more_than_proportional_exposure(tmp_path):
    from sim.sweep import run_sweep

    exp = sim.load_experiment(ROOT / "experiments" / "sweep_dose_response.toml", {"sweep.samples": 60})
    res = Result.from_hdf5(run_sweep(exp, tmp_path / "dr.h5", workers=1, progress=False))
    dose = plots.swept_parameters(res)["dose.0.amount_mg"]
    auc, _ = plots.metric_values(res, "plasma_mdma", "auc")
    slope = np.polyfit(np.log(dose), np.log(auc), 1)[0]
    assert slope > 1.2  # AUC grows faster than the dose


# ---- README figures ---------------------------------------------------------------------------------

def test_readme_embeds_three_small_figures_and_the_explorer():
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## For teaching"):]
    import re

    paths = re.findall(r"!\[[^\]]*\]\((docs/figures/[^)]+\.png)\)", section)
    assert len(paths) == 4 and paths[0] == "docs/figures/explorer.png"
    assert "make explorer" in section and "sim explore" in section
    for p in paths:
        data = (ROOT / p).read_bytes()
        assert data[:4] == b"\x89PNG" and len(data) < 200 * 1024, p


def test_the_overlap_check_itself_finds_a_clash():
    fig, ax = plt.subplots()
    ax.set_title("left title", loc="left")
    ax.text(0.0, 1.02, "clash here", transform=ax.transAxes)
    assert _texts_overlap(fig) == [("left title", "clash here")]
    plt.close(fig)
