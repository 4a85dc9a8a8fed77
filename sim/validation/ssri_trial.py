"""``sim validate ssri_trial``: a trial the model was not fitted to, exposure therapy with an SSRI.

PROGrESS (Rauch et al. 2019 JAMA Psychiatry 76:117) randomised veterans with PTSD to prolonged exposure
(PE, up to thirteen 90-min sessions) plus placebo, PE plus sertraline, or sertraline alone, for 24 weeks;
207 were analysed, about 69 per arm. PTSD severity fell in every arm and neither the slopes nor the
week-24 severity differed between the arms: sertraline added nothing measurable to PE.

``experiments/pe_sertraline_trial.toml`` runs the two PE arms through the whole model (sertraline and
desmethylsertraline PK, chronic SERT blockade with autoreceptor desensitisation, the amygdala's learning,
the outcome map fitted on MAPP1's placebo arm only). No parameter was fitted to this trial, so the row is
a prediction. Band: Cohen's d of the between-arm difference in CAPS change within the 95 % interval a
trial of PROGrESS's size would give around no difference, +/- 1.96 sqrt(2 / 69) (Hedges & Olkin 1985).
"""

from __future__ import annotations

import math

from sim.targets import Target

RAUCH = "Rauch et al. 2019 JAMA Psychiatry 76:117 (PROGrESS: PE + sertraline vs PE + placebo, 24 weeks)"
N_PER_ARM = 69
_CACHE: dict[str, float] = {}


def _d() -> float:
    """Cohen's d of PE + sertraline over PE + placebo (positive: the SSRI arm improves more)."""
    if "d" not in _CACHE:
        from pathlib import Path

        from sim import outcomes
        from sim.config import load_experiment
        from sim.trial import run_trial

        path = Path(__file__).resolve().parents[2] / "experiments" / "pe_sertraline_trial.toml"
        _, o = run_trial(load_experiment(path))
        _, d = outcomes.summarize(o["arm"], o["caps5_baseline"], o["caps5_final"], o["diagnosis_final"],
                                  o["arm_labels"])
        _CACHE["d"] = d
    return _CACHE["d"]


_HALF = round(1.96 * math.sqrt(2.0 / N_PER_ARM), 2)
SSRI_TRIAL_TARGETS = (
    Target("ssri_trial", "Cohen's d, PE + sertraline vs PE + placebo (CAPS change, 24 weeks)",
           "no difference", -_HALF, _HALF, "1", RAUCH, False, _d),
)
