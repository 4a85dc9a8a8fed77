"""`sim validate mapp2`: MAPP2 is a second, out-of-sample trial for the MAPP1-placebo-fitted model."""

import dataclasses
from pathlib import Path

from sim import validate
from sim.config import load_experiment
from sim.validation import mapp2

EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"


def test_mapp2_trial_is_mapp1s_protocol_with_mapp2s_baseline_only():
    mapp1 = load_experiment(EXPERIMENTS / "phase3_trial.toml")
    mapp2_exp = load_experiment(EXPERIMENTS / "mapp2_trial.toml")
    differ = {f.name for f in dataclasses.fields(mapp1) if getattr(mapp1, f.name) != getattr(mapp2_exp, f.name)}
    # `reference` holds the published endpoints (MAPP1 only), not the protocol
    assert differ <= {"name", "seed", "caps5_baseline_mean", "caps5_baseline_sd", "source_text", "source_path",
                      "reference"}, differ
    assert mapp2_exp.seed != mapp1.seed                                    # an independent virtual cohort
    assert 38.7 <= mapp2_exp.caps5_baseline_mean <= 39.4                   # between the two arms' means (Table 1)


def test_every_mapp2_row_is_out_of_sample_with_the_published_value_in_its_band():
    rows = validate.SUITES["mapp2"]
    assert rows is mapp2.MAPP2_TARGETS and len(rows) == 6
    for t in rows:
        assert not t.fitted and "Mitchell et al. 2023" in t.source
        published = float(t.published.split()[0])
        assert t.low < published < t.high
    for p, n in mapp2.NO_DIAGNOSIS.values():   # the stated denominators reproduce the published percentages
        assert round(100 * round(p * n) / n, 1) == round(100 * p, 1)
    by_name = {t.quantity.split(",")[0]: t for t in rows}
    assert (by_name["MDMA arm CAPS-5 change"].low, by_name["MDMA arm CAPS-5 change"].high) == mapp2.MDMA_CI
    # the difference's interval is wider than either arm's (two arms' errors combine), d's excludes 0
    diff = next(t for t in rows if "minus" in t.quantity)
    assert diff.high - diff.low > mapp2.MDMA_CI[1] - mapp2.MDMA_CI[0]
    d = next(t for t in rows if "Cohen" in t.quantity)
    assert 0.0 < d.low < mapp2.D < d.high
