"""Bootstrap intervals of trial results (sim/stats.py): coverage on synthetic trials with a known difference."""

import numpy as np
import pytest
from scipy.stats import norm

from sim import stats

TRUE_PLACEBO, TRUE_DRUG, SD = -14.0, -24.0, 11.0  # CAPS-5 changes; true difference 10, true d 10/11


def _synthetic(rng, n, drug_mean=TRUE_DRUG):
    return drug_mean + SD * rng.standard_normal(n), TRUE_PLACEBO + SD * rng.standard_normal(n)


@pytest.mark.parametrize("drug_mean", [TRUE_DRUG, TRUE_PLACEBO])  # a real difference, and none
def test_intervals_cover_the_true_difference_and_effect_size(drug_mean):
    true_diff = TRUE_PLACEBO - drug_mean
    true_d = true_diff / SD
    rng = np.random.default_rng(7)
    reps, n = 120, 30
    hits = {"difference": 0, "d": 0, "share": 0}
    true_share = norm.cdf((-10.0 - drug_mean) / SD)  # P(change <= -10) in the drug arm
    widths = []
    for r in range(reps):
        drug, placebo = _synthetic(rng, n, drug_mean)
        lo, hi = stats.interval((drug, placebo), stats._difference, seed=r, n_resamples=999)
        hits["difference"] += lo <= true_diff <= hi
        lo, hi = stats.interval((drug, placebo), stats.cohens_d, seed=r, n_resamples=999)
        hits["d"] += lo <= true_d <= hi
        widths.append(hi - lo)
        share = (drug <= -10.0).astype(float)
        lo, hi = stats.interval((share,), stats._mean, seed=r, n_resamples=999)
        hits["share"] += lo <= true_share <= hi
    # nominal 95 %; with 120 repetitions the binomial SD of the coverage is 2 %: 87 % is 4 SD below
    for name, k in hits.items():
        assert 0.87 <= k / reps <= 1.0, (name, k / reps)
    # the d interval has the width the normal approximation gives (about 2 x 1.96 x sqrt(2/n + d^2/(4n)))
    expected = 2 * 1.96 * np.sqrt(2 / n + true_d**2 / (4 * n))
    assert 0.8 * expected < np.median(widths) < 1.25 * expected


def test_intervals_shrink_with_the_sample_and_are_seeded():
    rng = np.random.default_rng(3)
    small, big = _synthetic(rng, 20), _synthetic(rng, 500)
    w_small = np.diff(stats.interval(small, stats.cohens_d, seed=1))[0]
    w_big = np.diff(stats.interval(big, stats.cohens_d, seed=1))[0]
    assert w_big < 0.3 * w_small  # ~ sqrt(20 / 500) = 0.2
    assert stats.interval(small, stats.cohens_d, seed=1) == stats.interval(small, stats.cohens_d, seed=1)


def test_trial_summary_per_arm_and_between_arms():
    rng = np.random.default_rng(11)
    n = 40
    drug, placebo = _synthetic(rng, n)
    baseline = np.full(2 * n, 44.0)
    outcome = {"arm": np.repeat([0, 1], n), "caps5_baseline": baseline,
               "caps5_final": baseline + np.concatenate([placebo, drug]),
               "diagnosis_final": baseline + np.concatenate([placebo, drug]) >= 25.0}
    s = stats.trial_summary(outcome, seed=5)
    assert set(s["arms"]) == {"placebo", "mdma"} and s["drug_arm"] == "mdma"
    for a in s["arms"].values():
        assert a["n"] == n
        assert a["change_ci"][0] < a["change_mean"] < a["change_ci"][1]
        assert 0 <= a["no_diagnosis_ci"][0] <= a["no_diagnosis"] <= a["no_diagnosis_ci"][1] <= 1
    assert s["cohens_d_ci"][0] < s["cohens_d"] < s["cohens_d_ci"][1]
    assert s["difference"] == pytest.approx(placebo.mean() - drug.mean())
    text = stats.format_trial_summary(s)
    assert "95 %" in text and "Cohen's d" in text and "(" in text
    outcome["arm"] = np.r_[0, np.ones(2 * n - 1, int)]  # one placebo patient: no spread, no interval
    with pytest.raises(ValueError, match="at least 2|>= 2"):
        stats.trial_summary(outcome)
