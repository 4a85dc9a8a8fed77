"""Trial arms are data: [[arm]] tables with session doses and background medication, any number of arms on
the same virtual patients, arm names carried to the file, the summary and the figures."""

from pathlib import Path

import h5py
import numpy as np
import pytest

import sim
from sim import stats
from sim.errors import ConfigError
from sim.store import read_outcomes, write_result
from sim.trial import run_trial

ROOT = Path(__file__).resolve().parents[1]
PHASE3 = ROOT / "experiments" / "phase3_trial.toml"
THREE = ROOT / "experiments" / "trial_three_arms.toml"
SERTRALINE = ROOT / "experiments" / "sertraline_trial.toml"
SMALL = {"cohort.size": 3}


def _declared_default() -> str:
    """phase3_trial.toml with its two default arms written out as [[arm]] tables."""
    doses = "".join(f"[[arm.dose]]\ndrug = \"mdma\"\namount_mg = {mg}\ntime_h = {t}\n"
                    f"probability = {p}\nsessions = [{k}]\n"
                    for k, first in ((1, 80.0), (2, 120.0), (3, 120.0))
                    for mg, t, p in ((first, 0.0, 1.0), (first / 2, 1.75, 0.9)))
    return PHASE3.read_text() + '\n[[arm]]\nname = "placebo"\n\n[[arm]]\nname = "mdma"\n' + doses


def test_declared_arms_reproduce_the_default_arms_exactly():
    default, o_default = run_trial(sim.load_experiment(PHASE3, SMALL))
    declared, o_declared = run_trial(sim.parse_experiment(_declared_default(), "declared.toml", SMALL))
    assert o_declared["arm_labels"] == ["placebo", "mdma"] == o_default["arm_labels"]
    for key in ("caps5_final", "caps5_visit", "fear_followup"):
        np.testing.assert_array_equal(o_declared[key], o_default[key])
    np.testing.assert_array_equal(declared["ec_serotonin"], default["ec_serotonin"])


def test_three_arms_run_on_the_same_patients_and_keep_their_names(tmp_path):
    res, o = run_trial(sim.load_experiment(THREE, SMALL))
    assert o["arm_labels"] == ["placebo", "mdma_full", "mdma_40mg"]
    assert np.bincount(o["arm"]).tolist() == [3, 3, 3]
    np.testing.assert_array_equal(o["caps5_baseline"][:3], o["caps5_baseline"][6:])   # same virtual patients
    fixed = res.events["drug"] == "mdma"
    runs, mg = res.events["run"][fixed], res.events["amount_mg"][fixed]
    assert set(mg[runs >= 6]) == {40.0} and np.bincount(runs[runs >= 6] - 6).tolist() == [3, 3, 3]
    assert not np.isin(runs, [0, 1, 2]).any()                                            # placebo: no doses
    summary = stats.trial_summary(o, seed=1)
    assert list(summary["arms"]) == ["placebo", "mdma_full", "mdma_40mg"]
    assert set(summary["comparisons"]) == {"mdma_full", "mdma_40mg"}
    write_result(res, tmp_path / "t.h5", outcomes=o)
    back = read_outcomes(tmp_path / "t.h5")
    assert back["arm_labels"] == ["placebo", "mdma_full", "mdma_40mg"]
    with h5py.File(tmp_path / "t.h5") as f:
        assert "arm_labels" not in f["outcomes"]


def test_background_medication_reaches_every_exposure():
    """A daily sertraline arm is simulated without a break: doses every day, drug in plasma between the
    therapy sessions, and the drive acting on trials outside any drug session."""
    res, o = run_trial(sim.load_experiment(SERTRALINE, {"cohort.size": 2}))
    assert o["arm_labels"] == ["placebo", "sertraline"]
    sert = res.events["drug"] == "sertraline"
    assert np.bincount(res.events["run"][sert]).tolist() == [0, 0, 84, 84]   # arm 1 only, 84 days
    assert {"plasma_sertraline", "plasma_desmethylsertraline"} <= set(res.outputs)
    fear = res.trials["fear_response"]
    assert not np.allclose(fear[2:, 1:], fear[:2, 1:])     # exposures after day 0 meet the chronic drug


@pytest.mark.parametrize("table, key", [
    ('[[arm]]\nname = "a"\n[[arm]]\nname = "a"\n', "arm.1.name"),
    ('[[arm]]\nname = "a b"\n', "arm.0.name"),
    ('[[arm]]\nname = "a"\n[[arm.dose]]\ndrug = "mdma"\n', "arm.0.dose.0"),
    ('[[arm]]\nname = "a"\n[[arm.dose]]\ndrug = "mdma"\namount_mg = 80.0\nsessions = [0]\n', "arm.0.dose.0.sessions"),
    ('[[arm]]\nname = "a"\n[[arm.daily]]\ndrug = "sertraline"\n', "arm.0.daily.0.amount_mg"),
    ('[[arm]]\nname = "a"\n[[arm.daily]]\ndrug = "sertraline"\namount_mg = 50.0\nfrom_day = 10.0\nto_day = 5.0\n',
     "arm.0.daily.0.to_day"),
    ('[[arm]]\nname = "a"\n[[arm.dose]]\ndrug = "mdma"\namount_mg = 80.0\ncolour = 1\n', "arm.0.dose.0.colour"),
])
def test_bad_arm_tables_name_the_key(table, key):
    with pytest.raises(ConfigError) as err:
        sim.parse_experiment(PHASE3.read_text() + "\n" + table, "bad.toml")
    message = str(err.value)
    assert f"bad.toml: {key}" in message and "\n" not in message


def test_protocol_arm_must_name_a_declared_arm():
    with pytest.raises(ConfigError, match="protocol.arm"):
        sim.parse_experiment(THREE.read_text().replace('arm = "mdma_full"', 'arm = "mdma"'), "bad.toml")


def test_placebo_sessions_run_the_same_drug_free_pipeline_as_drug_sessions():
    """An arm without doses gets each session's drug-free course relative to its pre-dose state, as the drug
    arms do (their drives carry the same course): with evening sessions cortisol rises over the session,
    and the placebo arm's plasticity state sees that rise too."""
    from sim.assembly import build_model
    from sim.cohort import parameter_matrix
    from sim.trial import arms_of, drugs_of, session_pharmacology, trial_protocol

    text = PHASE3.read_text() + '\n[subject]\n"endocrine.clock_at_start_h" = 18.0\n'
    exp = sim.parse_experiment(text, "evening.toml", SMALL)
    protocol = trial_protocol(exp)
    placebo, mdma = arms_of(exp, protocol)
    model = build_model(exp.species, drugs_of((placebo, mdma), protocol, False))
    params = parameter_matrix(exp, model)
    drives = session_pharmacology(exp, placebo, protocol, model, params).drives
    assert all(d is not None for d in drives)
    s = protocol.drug_sessions[0].day * 24.0
    cortisol = drives[0].values("plasma_cortisol", s + np.linspace(0.0, protocol.session_h, 49))
    assert cortisol.max() > 0.05 and abs(cortisol[0]) < 1e-9


def test_published_endpoints_are_experiment_data_keyed_by_arm_name():
    """[reference] holds the published endpoints by the experiment's own arm names: an arm the trial does not
    have is refused (naming the key), and `sim trial` prints the reference from the file, not from code."""
    from sim.outcomes import published_line

    exp = sim.load_experiment(PHASE3, SMALL)
    assert set(exp.reference["arm"]) == {"placebo", "mdma"}   # phase3's default arms
    line = published_line(exp.reference)
    assert line.startswith(f"{exp.reference['name']} ({exp.reference['source']})")
    assert "-13.9 (11.5), 32 %" in line and "d 0.91" in line
    assert published_line({}) == ""
    for bad, key in (("[reference.arm.sertraline]\ncaps5_change_mean = -5.0\ncaps5_change_sd = 9.0\n",
                      "reference.arm.sertraline"),
                     ("[reference.arm.placebo]\ncaps5_change_sd = 9.0\n", "reference.arm.placebo.caps5_change_mean"),
                     ("", "reference.source")):
        text = THREE.read_text() + '\n[reference]\nname = "x"\n' + ('source = "a study"\n' if bad else "") + bad
        with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
            sim.parse_experiment(text, "ref.toml")
