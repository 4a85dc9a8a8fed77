"""Therapy protocols, the outcome model and `sim trial` (issue 8, first slice)."""

from pathlib import Path

import h5py
import numpy as np
import pytest

import sim
from sim import outcomes
from sim import protocol as proto
from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
PHASE3 = ROOT / "experiments" / "phase3_trial.toml"


# ---- protocol expansion ----------------------------------------------------------------------------

def test_phase3_sessions_and_dose_times():
    p = proto.make("phase3")
    kinds = [s.kind for s in p.sessions]
    assert kinds.count("preparation") == 3 and kinds.count("drug") == 3 and kinds.count("integration") == 9
    days = [s.day for s in p.drug_sessions]
    assert np.diff(days).tolist() == [28.0, 28.0]
    sched = proto.dose_schedule(p, "mdma", 4, seed=1)
    assert len(sched) == 3
    for k, (first, supp) in enumerate([(80.0, 40.0), (120.0, 60.0), (120.0, 60.0)]):
        s = sched[k]
        assert s.start_h == days[k] * 24.0
        np.testing.assert_array_equal(s.times_h, np.tile([0.0, 1.75], (4, 1)))
        np.testing.assert_array_equal(s.amounts_mg[:, 0], first)
        assert set(np.unique(s.amounts_mg[:, 1])) <= {0.0, supp}


def test_supplemental_probability_is_seeded():
    p = proto.make("phase3", supplemental_probability=0.7)
    a = proto.dose_schedule(p, "mdma", 2000, seed=5)
    b = proto.dose_schedule(p, "mdma", 2000, seed=5)
    c = proto.dose_schedule(p, "mdma", 2000, seed=6)
    taken = np.mean([s.amounts_mg[:, 1] > 0 for s in a])
    assert 0.65 < taken < 0.75
    np.testing.assert_array_equal(a[0].amounts_mg, b[0].amounts_mg)
    assert not np.array_equal(a[0].amounts_mg, c[0].amounts_mg)
    none = proto.dose_schedule(proto.make("phase3", supplemental_probability=0.0), "mdma", 50, seed=5)
    assert all((s.amounts_mg[:, 1] == 0).all() for s in none)


def test_placebo_arm_has_no_drug_doses():
    assert proto.dose_schedule(proto.make("phase3"), "placebo", 10, seed=1) == []


def test_trials_are_exposures_visits_then_a_followup_probe():
    p = proto.make("phase3", cues_per_exposure=2)
    trials = proto.trials(p)
    n_exposures = sum(len(s.exposures_h) for s in p.sessions)
    visits = [t for t in trials[:-1] if not t.learn]
    assert len(visits) == len(p.visit_days) - 1 and all(t.context == "A" and t.cs == 1.0 for t in visits)
    assert len(trials) == 2 * n_exposures + len(visits) + 1
    assert all(not t.us for t in trials) and all(t.il == proto.IL_EXPOSURE > 0 for t in trials)
    assert trials[-1].time_h == p.followup_day * 24.0 and trials[-1].learn
    drug = p.drug_sessions[0]
    in_session = [t for t in trials if drug.day * 24 <= t.time_h <= drug.day * 24 + drug.duration_h]
    assert len(in_session) == 2 * len(drug.exposures_h)
    idx = proto.visit_index(p)
    assert idx[-1] == len(trials) - 1 and all(not trials[i].learn for i in idx[:-1])
    np.testing.assert_allclose(proto.visit_weeks(p), np.array(p.visit_days) / 7.0)


# ---- outcome model -----------------------------------------------------------------------------------

def test_outcome_map_is_monotone_bounded_and_starts_at_baseline():
    p = outcomes.defaults()
    q = np.linspace(0.0, 2.0, 201)
    r = outcomes.severity_ratio(q, p["gamma"])
    assert np.all(np.diff(r) > 0) and r.min() >= 0 and outcomes.severity_ratio(1.0, p["gamma"]) == 1.0
    fear = np.stack([np.full(q.size, 0.9), 0.9 * q], 1)            # baseline visit, then the follow-up
    base = np.full(q.size, 79.0)
    scores = outcomes.visit_scores(fear, base, [0.0, 18.0], seed=3)
    assert scores.min() >= 0 and scores.max() <= 80
    np.testing.assert_array_equal(scores[:, 0], base)               # the baseline visit is the baseline score
    quiet = outcomes.visit_scores(fear, base, [0.0, 18.0], seed=3, params={"sigma": 0.0})
    assert np.all(np.diff(quiet[:, 1]) >= 0)


def test_summary_counts_and_cohens_d():
    arm = np.array([0, 0, 1, 1])
    base = np.array([40.0, 40.0, 40.0, 40.0])
    final = np.array([30.0, 20.0, 10.0, 20.0])
    s, d = outcomes.summarize(arm, base, final, final >= 25.0)
    assert s["placebo"].change_mean == -15.0 and s["mdma"].change_mean == -25.0
    assert s["mdma"].no_diagnosis == 1.0 and s["placebo"].no_diagnosis == 0.5
    assert d == pytest.approx(10.0 / np.std([30.0, 20.0], ddof=1))


# ---- configuration and the command -------------------------------------------------------------------

@pytest.mark.parametrize("table,needle", [
    ('[protocol]\nname = "nosuch"\n', "protocol.name"),
    ('[protocol]\nname = "phase3"\narm = "ketamine"\n', "protocol.arm"),
    ('[protocol]\nname = "phase3"\nbogus = 1\n', "protocol.bogus"),
    ('[protocol]\nname = "phase3"\nsupplemental_probability = 1.5\n', "protocol.supplemental_probability"),
    ('[protocol]\nname = "phase3"\n[cohort]\ncaps5_baseline_mean = 95.0\n', "cohort.caps5_baseline_mean"),
    ('[protocol]\nname = "phase3"\n[[dose]]\ndrug = "mdma"\namount_mg = 80.0\n', "[protocol] gives the doses"),
])
def test_bad_protocol_keys_exit_2_with_one_line(tmp_path, capsys, table, needle):
    path = tmp_path / "bad.toml"
    path.write_text('[experiment]\nduration_h = 10.0\n' + table)
    assert main(["trial", str(path), "-o", str(tmp_path / "x.h5")]) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and "\n" not in err


def test_cohort_caps5_keys_are_read():
    exp = sim.load_experiment(PHASE3, {"cohort.caps5_baseline_mean": 50.0, "cohort.caps5_baseline_sd": 3.0})
    assert exp.caps5_baseline_mean == 50.0 and exp.caps5_baseline_sd == 3.0
    assert exp.protocol.name == "phase3" and exp.protocol.arm == "mdma"


def test_sim_trial_writes_outcomes_and_is_deterministic(tmp_path, capsys):
    outs = []
    for k in range(2):
        out = tmp_path / f"t{k}.h5"
        assert main(["trial", str(PHASE3), "-o", str(out), "--set", "cohort.size=3"]) == 0
        outs.append(out)
    text = capsys.readouterr().out
    assert "mdma" in text and "placebo" in text and "Cohen's d" in text
    with h5py.File(outs[0]) as f, h5py.File(outs[1]) as g:
        for name in ("arm", "caps5_baseline", "caps5_final", "diagnosis_final"):
            assert f[f"outcomes/{name}"].shape == (6,)
            np.testing.assert_array_equal(f[f"outcomes/{name}"][()], g[f"outcomes/{name}"][()])
        weeks = f["outcomes/visit_week"][()]
        visits = f["outcomes/caps5_visit"][()]
        assert visits.shape == (6, weeks.size) and weeks[0] == 0.0 and weeks[-1] == 18.0
        np.testing.assert_allclose(visits[:, 0], f["outcomes/caps5_baseline"][()])
        np.testing.assert_allclose(visits[:, -1], f["outcomes/caps5_final"][()])
        np.testing.assert_array_equal(f["outcomes/arm"][()], [0, 0, 0, 1, 1, 1])
        assert f["outcomes/diagnosis_final"].dtype == bool
        caps = f["outcomes/caps5_final"][()]
        assert ((caps >= 0) & (caps <= 80)).all()
        fear = f["trials/fear_response"][()]
        assert fear.shape[0] == 6 and np.isfinite(fear).all()
        # placebo patients take no drug: every dose event belongs to an MDMA-arm run
        assert (f["events/dose/dose_run"][()] >= 3).all()
        assert set(f["events/dose/amount_mg"][()]) <= {80.0, 40.0, 120.0, 60.0}
    fig = tmp_path / "trial.png"
    assert main(["plot", str(outs[0]), "--kind", "trial", "-o", str(fig)]) == 0
    assert fig.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_trial_plot_refuses_a_file_without_outcomes(tmp_path, capsys):
    out = tmp_path / "run.h5"
    assert main(["run", str(PHASE3), "-o", str(out), "--set", "cohort.size=2"]) == 0
    assert main(["plot", str(out), "--kind", "trial", "-o", str(tmp_path / "t.png")]) == 2
    assert "sim trial" in capsys.readouterr().err


def test_sim_run_on_a_protocol_gives_the_first_drug_session():
    exp = sim.load_experiment(PHASE3, {"cohort.size": 1})
    res = sim.run(exp)
    np.testing.assert_array_equal(res.events["amount_mg"], [80.0, 40.0])
    placebo = sim.run(sim.load_experiment(PHASE3, {"cohort.size": 1, "protocol.arm": "placebo"}))
    assert not placebo.events and placebo["plasma_mdma"].max() < 1e-12


def test_mechanism_switches_change_only_the_drug_arm():
    from sim.trial import run_trial

    (_, a) = run_trial(sim.load_experiment(PHASE3, {"cohort.size": 2}))
    for key in ("bdnf_route", "ht1a_damping"):
        _, b = run_trial(sim.load_experiment(PHASE3, {"cohort.size": 2, f"protocol.{key}": False}))
        placebo = a["arm"] == 0
        np.testing.assert_array_equal(a["fear_followup"][placebo], b["fear_followup"][placebo])
        assert (a["fear_followup"][~placebo] < b["fear_followup"][~placebo]).all(), key


def test_each_mechanism_switch_removes_its_mappings():
    from sim.trial import trial_mechanisms

    full, _ = trial_mechanisms(proto.make("phase3"))
    for key, signal in (("oxytocin", "response_oxtr"), ("ht1a_damping", "response_5ht1a"),
                        ("beta_adrenergic", "response_beta")):
        mappings, _ = trial_mechanisms(proto.make("phase3", **{key: False}))
        assert signal in {m.signal for m in full} and signal not in {m.signal for m in mappings}, key
        assert len(mappings) < len(full)


def test_no_bond_gain_anywhere():
    assert "bond_gain" not in proto.OVERRIDABLE
    text = "".join(p.read_text() for p in (ROOT / "sim").rglob("*.py")) + PHASE3.read_text()
    assert "bond_gain" not in text
