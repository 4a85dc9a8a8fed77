"""Where the patients' extinction deficit sits (sim.amygdala.deficit): the rule parameters reproduce the measured
PTSD / control ratios of the two-day paradigm, and the structure changes the trial's predicted advantage."""

from pathlib import Path

import pytest

import sim
from sim import protocol as proto
from sim.amygdala import deficit
from sim.trial import run_trial

PHASE3 = Path(__file__).resolve().parent.parent / "experiments" / "phase3_trial.toml"
SCALE = proto.EXTINCTION_SCALE


def test_patient_rule_reproduces_both_ratios():
    k_c = deficit.control_kappa()
    ctrl = deficit.paradigm(SCALE, k_c)
    assert ctrl.within > 0 and ctrl.eri > 0          # controls extinguish and keep some of it
    for learning, retention in ((1.0, 0.5), (0.6, 0.3)):
        scale, kappa = deficit.patient_rule(learning, retention, SCALE)
        pt = deficit.paradigm(scale, kappa)
        assert pt.within / ctrl.within == pytest.approx(learning, rel=0.02)
        assert pt.eri / ctrl.eri == pytest.approx(retention, rel=1e-3)


def test_retention_deficit_sits_in_kappa_learning_deficit_in_rate():
    assert deficit.patient_rule(1.0, 1.0, SCALE) == (SCALE, deficit.control_kappa())
    s, k = deficit.patient_rule(1.0, 0.5, SCALE)
    assert s == SCALE and k < deficit.control_kappa()
    k_less = deficit.patient_rule(1.0, 0.25, SCALE)[1]
    assert k_less < k                                  # a larger retention deficit: less consolidated
    s2, _ = deficit.patient_rule(0.5, 0.5, SCALE)
    assert s2 < SCALE


def test_unreachable_ratio_is_an_error():
    # a much slower within-session rate may leave too little to retain for any kappa_ext <= 1: the solver then
    # says so, and never returns a value that misses the ratio
    try:
        s, k = deficit.patient_rule(0.3, 1.0, SCALE)
    except ValueError as e:
        assert "retention ratio" in str(e)
    else:
        pt, ctrl = deficit.paradigm(s, k), deficit.paradigm(SCALE, deficit.control_kappa())
        assert pt.eri / ctrl.eri == pytest.approx(1.0, rel=1e-3)


def _advantage(retention_ratio):
    _, o = run_trial(sim.load_experiment(PHASE3, {"cohort.size": 4, "protocol.retention_ratio": retention_ratio}))
    f, arm = o["fear_followup"], o["arm"]
    return f[arm == 0].mean() - f[arm == 1].mean(), f[arm == 0].mean()


def test_deficit_structure_changes_the_predicted_advantage():
    """Same patients and drugs; only where the deficit sits differs. A retention deficit leaves the placebo arm
    more fear at follow-up, and the MDMA-placebo difference in fear moves by more than a fifth (its CAPS-5 size
    also depends on the map refitted on each structure's placebo arm: experiments/trial_deficit_structure.py)."""
    adv_none, placebo_none = _advantage(1.0)
    adv_ret, placebo_ret = _advantage(0.5)
    assert placebo_ret > placebo_none
    assert adv_none > 0 and adv_ret > 0
    assert abs(adv_ret - adv_none) > 0.2 * adv_none


def test_unreachable_ratios_are_a_config_error():
    from sim.errors import ConfigError
    from sim.trial import protocol_of

    with pytest.raises(ConfigError, match="protocol.learning_ratio"):
        protocol_of(sim.load_experiment(PHASE3, {"cohort.size": 2, "protocol.learning_ratio": 0.1}))
