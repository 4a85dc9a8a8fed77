"""Issue 8 mechanism checks and options: prior SSRI use without washout, everyday reminders, trauma-memory
strength, CYP2D6 exposure. Directions asserted on small cohorts; the measured sizes are in the README
(experiments/trial_mechanisms.py)."""

from pathlib import Path

import numpy as np
import pytest

import sim
from sim import protocol as proto
from sim.cohort import prior_ssri, trauma_strength
from sim.errors import ConfigError
from sim.trial import initial_weights, run_trial

ROOT = Path(__file__).resolve().parent.parent
PHASE3 = ROOT / "experiments" / "phase3_trial.toml"
NO_WASHOUT = {"cohort.prior_ssri_fraction": 1.0, "protocol.ssri_washout": False}


def _advantage(overrides, size=6):
    """Mean follow-up fear_response, placebo minus MDMA (> 0: the MDMA arm's memory is weaker)."""
    _, o = run_trial(sim.load_experiment(PHASE3, {"cohort.size": size, **overrides}))
    f, arm = o["fear_followup"], o["arm"]
    return f[arm == 0].mean() - f[arm == 1].mean(), o


# ---- options -----------------------------------------------------------------------------------------

def test_reminders_are_drug_free_weak_cues_until_followup():
    assert proto.reminder_times(proto.make("phase3")) == []
    p = proto.make("phase3", reminders_per_week=2.0)
    times = proto.reminder_times(p)
    assert 30 <= len(times) <= 36                           # 18 weeks at 2 per week, minus session clashes
    assert all(0 < t < p.followup_day * 24.0 for t in times)
    for s in p.drug_sessions:
        assert not any(s.day * 24.0 <= t < s.day * 24.0 + p.session_h for t in times)
    trials = proto.trials(p)
    reminders = [t for t in trials if t.cs == proto.REMINDER_CS]
    assert len(reminders) == len(times) and all(t.context == "B" for t in reminders)
    assert [t.time_h for t in trials] == sorted(t.time_h for t in trials)
    assert trials[-1].time_h == p.followup_day * 24.0 and trials[-1].cs == 1.0


def test_reminders_extinguish_the_placebo_arm_further():
    exp = sim.load_experiment(PHASE3, {"cohort.size": 2})
    _, without = run_trial(exp)
    _, with_rem = run_trial(sim.load_experiment(PHASE3, {"cohort.size": 2, "protocol.reminders_per_week": 3.0}))
    placebo = without["arm"] == 0
    assert (with_rem["fear_followup"][placebo] < without["fear_followup"][placebo]).all()


def test_trauma_strength_scales_the_conditioned_memory():
    base = sim.load_experiment(PHASE3, {"cohort.size": 400})
    np.testing.assert_array_equal(trauma_strength(base, 400), 1.0)
    exp = sim.load_experiment(PHASE3, {"cohort.size": 400, "cohort.trauma_strength_cv": 0.3})
    s = trauma_strength(exp, 400)
    np.testing.assert_array_equal(s, trauma_strength(exp, 400))
    assert 0.9 < np.median(s) < 1.1 and 0.2 < s.std() / s.mean() < 0.4
    w = initial_weights(np.array([0.0, 1.0, 2.0]), 3)
    np.testing.assert_allclose(w[0], 1.0)
    np.testing.assert_allclose(w[1], initial_weights(None, 1)[0])
    assert (w[2] >= w[1]).all() and w.max() <= 3.0


def test_stronger_trauma_memory_means_more_fear_at_followup():
    _, o = run_trial(sim.load_experiment(PHASE3, {"cohort.size": 8, "cohort.trauma_strength_cv": 0.5}))
    placebo = o["arm"] == 0
    s, f = o["trauma_strength"][placebo], o["fear_followup"][placebo]
    assert np.corrcoef(s, f)[0, 1] > 0.8


def test_prior_ssri_fraction_and_washout():
    exp = sim.load_experiment(PHASE3, {"cohort.size": 1000, "cohort.prior_ssri_fraction": 0.3})
    on = prior_ssri(exp, 1000)
    assert 0.25 < on.mean() < 0.35
    assert not prior_ssri(sim.load_experiment(PHASE3, {"cohort.size": 10}), 10).any()
    # washed out (the default): nothing changes
    a, o = _advantage({"cohort.prior_ssri_fraction": 1.0}, size=2)
    b, _ = _advantage({}, size=2)
    assert a == b and (o["ssri_continued"] == 0).all()


# ---- mechanism checks ------------------------------------------------------------------------------

def test_ssri_not_washed_out_shrinks_the_mdma_advantage():
    base, _ = _advantage({})
    ssri, o = _advantage(NO_WASHOUT)
    assert (o["ssri_continued"] == 1).all()
    assert ssri < 0.5 * base


def test_ssri_steady_state_occupies_sert_and_paroxetine_inactivates_cyp2d6():
    res, _ = run_trial(sim.load_experiment(PHASE3, {"cohort.size": 2, **NO_WASHOUT,
                                                    "protocol.ssri": "paroxetine"}))
    plain, _ = run_trial(sim.load_experiment(PHASE3, {"cohort.size": 2}))
    drug = slice(2, 4)
    assert (res["cyp2d6_activity"][drug, 0] < 0.3).all()                 # pre-dose, from the pre-load
    assert (res["plasma_mdma"][drug].max(1) > 1.1 * plain["plasma_mdma"][drug].max(1)).all()
    rise = res["ec_serotonin"][drug] - res["ec_serotonin"][drug, :1]
    rise0 = plain["ec_serotonin"][drug] - plain["ec_serotonin"][drug, :1]
    assert (rise.max(1) < 0.5 * rise0.max(1)).all()
    dose_drugs = set(res.events["drug"])
    assert dose_drugs == {"mdma", "paroxetine"}
    assert (res.events["run"][res.events["drug"] == "paroxetine"] < 2).any()   # placebo patients keep it too
    from sim.kinetics import drugs

    cl_2d6 = drugs.get("paroxetine").pk["human"].cl_2d6        # its CYP2D6 route follows the phenotype
    np.testing.assert_allclose(res.params["paroxetine.cl_2d6"], cl_2d6 * res.params["pk.cyp2d6_capacity"])


def test_poor_metabolisers_get_higher_exposure():
    text = PHASE3.read_text()
    text = text[:text.index("[cohort.vary]")] + text[text.index("[amygdala]"):]  # one typical patient
    text = text.replace("duration_h = 10.0", "duration_h = 24.0")
    auc = {}
    for phenotype in ("poor", "extensive"):
        exp = sim.parse_experiment(text + f'\n[subject]\ncyp2d6 = "{phenotype}"\n', "<test>")
        res = sim.run(exp)
        auc[phenotype] = np.trapezoid(res["plasma_mdma"][0], res.time)
    assert auc["poor"] > 1.2 * auc["extensive"]


def test_dropping_the_supplemental_dose_lowers_exposure():
    full = sim.run(sim.load_experiment(PHASE3, {"cohort.size": 1}))
    none = sim.run(sim.load_experiment(PHASE3, {"cohort.size": 1, "protocol.supplemental_probability": 0.0}))
    assert np.trapezoid(none["plasma_mdma"][0], none.time) < 0.8 * np.trapezoid(full["plasma_mdma"][0], full.time)


@pytest.mark.parametrize("key,value", [
    ("protocol.ssri", "sertraline"), ("protocol.ssri_washout", "no"), ("protocol.ssri_dose_mg", -5.0),
    ("protocol.reminders_per_week", -1.0), ("protocol.reminder_cs", 3.0), ("protocol.reminder_context", "C"),
    ("cohort.trauma_strength_cv", -0.1), ("cohort.prior_ssri_fraction", 1.5),
])
def test_bad_new_keys_name_the_key(key, value):
    with pytest.raises(ConfigError) as err:
        sim.load_experiment(PHASE3, {key: value})
    assert key in str(err.value) and "\n" not in str(err.value)


def test_both_arms_decline_gradually_without_floor_or_rebound():
    _, o = run_trial(sim.load_experiment(PHASE3, {"cohort.size": 4}))
    for code in (0, 1):
        f = o["fear_visit"][o["arm"] == code].mean(0)
        assert np.all(np.diff(f[:-1]) < 0)                  # falls over the sessions
        assert f[-1] > 0.2 * f[0]                          # no floor
        assert f[-1] < f[0] and f[-1] < 1.1 * f[-2]        # no large rebound at the follow-up
    mdma, placebo = (o["fear_visit"][o["arm"] == c].mean(0) for c in (1, 0))
    assert (mdma[1:] < placebo[1:]).all()                  # the MDMA arm diverges


def test_no_5ht2a_bdnf_route_removes_a_clear_part_of_the_advantage():
    # the route acts through the consolidation of extinction; MDMA does not bind TrkB, so its sessions
    # do not open the juvenile-like state in which extinction erases (sim.amygdala.plasticity)
    full, _ = _advantage({})
    none, _ = _advantage({"protocol.bdnf_route": False})
    assert full > 0 and 0 < none < 0.8 * full
