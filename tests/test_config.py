"""Experiment TOML validation: every bad input is one ConfigError line naming the key."""

import pytest

from sim.config import load_experiment, parse_experiment, parse_override
from sim.errors import ConfigError

GOOD = """
[experiment]
name = "t"
duration_h = 24.0
output_interval_min = 2.0
seed = 3

[[dose]]
drug = "mdma"
amount_mg = 125.0
time_h = 0.0

[subject]
body_weight_kg = 80.0
cyp2d6 = "poor"
"""


def test_good_file_parses():
    exp = parse_experiment(GOOD, "good.toml")
    assert exp.duration_h == 24.0 and exp.seed == 3 and exp.output_interval_min == 2.0
    assert exp.doses[0].amount_mg == 125.0 and exp.doses[0].route == "oral" and exp.doses[0].salt == "hcl"
    assert exp.subject == {"body_weight_kg": 80.0, "cyp2d6": "poor"}
    assert exp.source_text == GOOD


def _bad(text, *needles):
    with pytest.raises(ConfigError) as info:
        parse_experiment(text, "bad.toml")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("bad.toml: ")
    for needle in needles:
        assert needle in message, message
    return message


def test_malformed_toml():
    _bad("[experiment\nduration_h = 1", "malformed TOML")


def test_unknown_top_level_table():
    _bad(GOOD + "\n[dosing]\nx = 1\n", "dosing", "unknown table")


def test_unknown_key():
    _bad(GOOD.replace("seed = 3", "seed = 3\nspeed = 2"), "experiment.speed", "unknown key")


def test_negative_dose():
    _bad(GOOD.replace("amount_mg = 125.0", "amount_mg = -5.0"), "dose.0.amount_mg", ">= 0")


def test_nan_dose():
    _bad(GOOD.replace("amount_mg = 125.0", "amount_mg = nan"), "dose.0.amount_mg", "finite")


def test_dose_wrong_type():
    _bad(GOOD.replace("amount_mg = 125.0", 'amount_mg = "lots"'), "dose.0.amount_mg", "number")


def test_dose_both_amount_kinds():
    _bad(GOOD.replace("amount_mg = 125.0", "amount_mg = 125.0\namount_mg_per_kg = 1.5"), "dose.0", "exactly one")


def test_dose_after_end_of_run():
    _bad(GOOD.replace("time_h = 0.0", "time_h = 30.0"), "dose.0.time_h", "after the end")


def test_negative_duration():
    _bad(GOOD.replace("duration_h = 24.0", "duration_h = -1.0"), "experiment.duration_h", "> 0")


def test_missing_duration():
    _bad(GOOD.replace("duration_h = 24.0\n", ""), "experiment.duration_h", "missing")


def test_unknown_route_and_phenotype():
    _bad(GOOD.replace('time_h = 0.0', 'time_h = 0.0\nroute = "nasal"'), "dose.0.route", "oral")
    _bad(GOOD.replace('"poor"', '"slow"'), "subject.cyp2d6", "poor")


def test_boolean_is_not_a_number():
    _bad(GOOD.replace("seed = 3", "seed = true"), "experiment.seed", "integer")


def test_cohort_distribution_checked():
    text = GOOD + '\n[cohort]\nsize = 10\n[cohort.vary]\n"pk.ka" = { dist = "lognormal" }\n'
    _bad(text, "cohort.vary.pk.ka.cv", "missing")
    text = GOOD + '\n[cohort]\nsize = 10\n[cohort.vary]\n"pk.ka" = { dist = "gamma", cv = 1 }\n'
    _bad(text, "cohort.vary.pk.ka.dist")


def test_overrides_apply_before_validation():
    exp = parse_experiment(GOOD, "g.toml", {"dose.0.amount_mg": 80.0, "subject.pk.ka": 2.0})
    assert exp.doses[0].amount_mg == 80.0
    assert exp.subject["pk.ka"] == 2.0
    with pytest.raises(ConfigError, match="dose.0.amount_mg"):
        parse_experiment(GOOD, "g.toml", {"dose.0.amount_mg": -1})
    with pytest.raises(ConfigError, match="no entry dose.3"):
        parse_experiment(GOOD, "g.toml", {"dose.3.amount_mg": 1})


def test_parse_override_reads_toml_values_without_eval():
    assert parse_override("dose.0.amount_mg=80") == ("dose.0.amount_mg", 80)
    assert parse_override("subject.cyp2d6=poor") == ("subject.cyp2d6", "poor")
    assert parse_override("x=__import__('os')") == ("x", "__import__('os')")
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_override("novalue")


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_experiment(tmp_path / "nope.toml")


def test_solver_method_key():
    from sim.config import parse_experiment

    base = '[experiment]\nname = "x"\nduration_h = 2.0\n'
    assert parse_experiment(base, "<t>").solver_method == "rodas4"
    assert parse_experiment(base + '[solver]\nmethod = "BDF"\n', "<t>").solver_method == "bdf"
    with pytest.raises(ConfigError, match=r"solver\.method: must be one of rodas4, bdf"):
        parse_experiment(base + '[solver]\nmethod = "euler"\n', "<t>")


SPIKING = GOOD + "\n[amygdala]\nmodel = \"spiking\"\n"


def test_amygdala_threads_is_a_positive_integer_of_the_spiking_model():
    assert parse_experiment(SPIKING + "threads = 2\n", "t.toml").amygdala.threads == 2
    assert parse_experiment(SPIKING, "t.toml").amygdala.threads == 1
    _bad(SPIKING + "threads = 0\n", "amygdala.threads", ">= 1")
    _bad(SPIKING + "threads = 1.5\n", "amygdala.threads", "integer")
    _bad(SPIKING.replace('"spiking"', '"rate"') + "threads = 2\n", "amygdala.threads", "spiking model")
