"""``sim validate trial``: the virtual phase-3 trial (experiments/phase3_trial.toml) against MAPP1.

The outcome map (sim/outcomes.py) is fitted on the placebo arm only, so the two placebo rows are
``fitted``; the MDMA arm's change, the between-arm difference, Cohen's d and the MDMA arm's responder
share are predictions (out of sample). Bands are MAPP1's 95 % intervals, computed from the published
means, SDs and completer numbers (MDMA 42, placebo 37; Mitchell et al. 2021 Nat Med 27:1025): a mean
+/- 1.96 SD / sqrt(n), a difference +/- 1.96 sqrt(SD1^2/n1 + SD2^2/n2), a share +/- 1.96 sqrt(p(1-p)/n)
and d +/- 1.96 sqrt((n1 + n2)/(n1 n2) + d^2 / (2 (n1 + n2))) (Hedges & Olkin 1985).
"""

from __future__ import annotations

import math

from sim.targets import Target

MAPP1 = "Mitchell et al. 2021 Nat Med 27:1025 (MAPP1)"
N_MDMA, N_PLACEBO = 42, 37
_TRIAL_CACHE: dict[str, tuple] = {}


def trial_summary(name: str = "phase3_trial.toml"):
    """Per-arm summaries and d of ``experiments/<name>`` (as shipped), computed once per file."""
    if name not in _TRIAL_CACHE:
        from pathlib import Path

        from sim import outcomes
        from sim.config import load_experiment
        from sim.trial import run_trial

        path = Path(__file__).resolve().parents[2] / "experiments" / name
        _, o = run_trial(load_experiment(path))
        _TRIAL_CACHE[name] = outcomes.summarize(o["arm"], o["caps5_baseline"], o["caps5_final"],
                                                o["diagnosis_final"])
    return _TRIAL_CACHE[name]


def trial_value(what: str, name: str = "phase3_trial.toml"):
    """A callable giving one outcome of the trial in ``experiments/<name>``: ``diff`` (placebo minus MDMA change),
    ``d``, ``<arm>_change`` (mean CAPS-5 change) or ``<arm>`` (% no longer meeting the diagnosis)."""
    def value():
        s, d = trial_summary(name)
        if what == "diff":
            return s["placebo"].change_mean - s["mdma"].change_mean
        if what == "d":
            return d
        if what.endswith("_change"):
            return s[what.removesuffix("_change")].change_mean
        return 100.0 * s[what].no_diagnosis
    return value


def d_half_width(d: float, n1: int, n2: int) -> float:
    """Half-width of the 95 % interval of Cohen's d (Hedges & Olkin 1985)."""
    return 1.96 * math.sqrt((n1 + n2) / (n1 * n2) + d**2 / (2 * (n1 + n2)))


def _mean_band(m, sd, n):
    h = 1.96 * sd / math.sqrt(n)
    return round(m - h, 1), round(m + h, 1)


def _share_band(p, n):
    h = 1.96 * math.sqrt(p * (1 - p) / n)
    return round(100 * (p - h), 1), round(100 * (p + h), 1)


_DIFF_H = round(1.96 * math.sqrt(11.6**2 / N_MDMA + 11.5**2 / N_PLACEBO), 1)
_D_H = round(d_half_width(0.91, N_MDMA, N_PLACEBO), 2)

TRIAL_TARGETS = (
    Target("trial", "placebo arm CAPS-5 change (18 weeks)", "-13.9 (SD 11.5)", *_mean_band(-13.9, 11.5, N_PLACEBO),
           "points", MAPP1, True, trial_value("placebo_change")),
    Target("trial", "placebo arm no longer meeting PTSD diagnosis", "32 %", *_share_band(0.32, N_PLACEBO), "%", MAPP1,
           True, trial_value("placebo")),
    Target("trial", "MDMA arm CAPS-5 change (18 weeks), predicted", "-24.4 (SD 11.6)", *_mean_band(-24.4, 11.6, N_MDMA),
           "points", MAPP1, False, trial_value("mdma_change")),
    Target("trial", "CAPS-5 change, placebo minus MDMA, predicted", "10.5", 10.5 - _DIFF_H, 10.5 + _DIFF_H, "points",
           MAPP1, False, trial_value("diff")),
    Target("trial", "Cohen's d between arms, predicted", "0.91", 0.91 - _D_H, 0.91 + _D_H, "1", MAPP1, False,
           trial_value("d")),
    Target("trial", "MDMA arm no longer meeting PTSD diagnosis, predicted", "67 %", *_share_band(0.67, N_MDMA), "%",
           MAPP1, False, trial_value("mdma")),
)
