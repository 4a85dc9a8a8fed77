"""Fit the calibrated vital-sign parameters of sim/kinetics/physiology.py to their rows (run by hand; prints the
values to copy into physiology.py).

Each step holds the other parameters at their values in physiology.py (and norepinephrine.py):
00. ``norepinephrine.k_efflux`` (NET reverse transport, of order ``norepinephrine.efflux_hill`` in releaser
   occupancy): for each candidate value (``d50_hr`` and ``emax_sbp`` refitted to the peak rows) the systolic rise
   after 75 mg and the temperature ratio with carvedilol are printed; norepinephrine.py takes the smallest
   candidate for which both are in their bands (SBP 32-48 mmHg, ratio <= 0.8; both rows marked fitted);
0. ``d50_sbp``: for each candidate value (``emax_sbp`` refitted to the peak row) the citalopram and carvedilol
   SBP ratios are printed; physiology.py takes the middle of the range where both are in their bands (<= 0.8);
1. ``desens_rate_<receptor>`` (one rate for the three receptors): for each candidate rate, ``d50_hr`` and
   ``emax_sbp`` are refitted to the peak rows and the rises 6 h after 125 mg are printed as shares of their
   peaks; the rate chosen is the smallest candidate for which both shares are in the band of the two 6-h rows
   (sim/validation/physiology.py, marked fitted);
2. ``d50_hr`` to the peak heart-rate rise after 125 mg (29 bpm; ``emax_hr`` is the chronotropic reserve);
3. ``emax_sbp`` to the peak systolic rise after 125 mg (35 mmHg);
4. ``emax_temp`` to the Vizeli & Liechti 2017 share of subjects over 38 C (19 %) in the cohort of
   experiments/cardiovascular_safety.toml.
The 24-h rows are not used.

    python tools/calibrate_physiology.py
"""

import sys
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

from sim.config import load_experiment
from sim.runner import run
from sim.validation.common import _mdma, _simulate_doses
from sim.validation.physiology import CARVEDILOL_PRE, CITALOPRAM_PRE, SAFETY_EXPERIMENT, SIX_H_BAND

ROOT = Path(__file__).resolve().parent.parent
HR_PEAK, SBP_PEAK, TEMP_SHARE = 29.0, 35.0, 0.19
CANDIDATE_K_EFFLUX = (1500.0, 2000.0, 2500.0, 3000.0)
SBP_75_BAND = (32.0, 48.0)
CANDIDATE_RATES = (0.05, 0.07, 0.08, 0.1)
CANDIDATE_D50_SBP = (1.0, 1.2, 1.4, 1.6, 1.8, 2.0)
RECEPTORS = ("5ht2a", "alpha1", "beta1")


def _run(doses, overrides, duration=10.0):
    return _simulate_doses(tuple(doses), duration, "human", 2.0, tuple(sorted((k, float(v)) for k, v in
                                                                              overrides.items())))


def interaction_ratios(overrides):
    """(citalopram, carvedilol) SBP ratios as the two rows of sim/validation/physiology.py compute them."""
    cit_mdma, carv_mdma = _mdma(105.0, 1.5), _mdma(125.0, 1.0)
    t, combo = _run((*CITALOPRAM_PRE, cit_mdma), overrides)
    _, pre = _run(CITALOPRAM_PRE, overrides)
    _, alone = _run((cit_mdma,), overrides)
    _, none = _run((), overrides)
    keep = (t >= 1.5 - 1e-9) & (t <= 7.5 + 1e-9)
    name = "systolic_bp"
    cit = (combo[name] - pre[name])[keep].max() / (alone[name] - none[name])[keep].max()
    t, with_carv = _run((*CARVEDILOL_PRE, carv_mdma), overrides)
    _, without = _run((carv_mdma,), overrides)
    after = t >= 1.0 - 1e-9
    carv = (with_carv[name][after].max() - with_carv[name][0]) / (without[name][after].max() - without[name][0])
    return float(cit), float(carv)


def rises(overrides):
    """Heart rate, systolic BP and temperature after 125 mg minus the drug-free run (time, dict)."""
    ov = tuple(sorted((k, float(v)) for k, v in overrides.items()))
    t, out = _simulate_doses((_mdma(125.0),), 10.0, "human", 2.0, ov)
    _, none = _simulate_doses((), 10.0, "human", 2.0, ov)
    return t, {k: out[k] - none[k] for k in ("heart_rate", "systolic_bp", "body_temperature")}


def peak(overrides, name):
    return float(rises(overrides)[1][name].max())


def fit_peaks(overrides):
    """``d50_hr`` and ``emax_sbp`` for the two peak rows, given the other values in ``overrides``."""
    ov = dict(overrides)
    ov["physiology.d50_hr"] = brentq(lambda d: peak({**ov, "physiology.d50_hr": d}, "heart_rate") - HR_PEAK,
                                     0.5, 100.0, xtol=1e-3)
    e = ov.get("physiology.emax_sbp", 50.0)
    for _ in range(3):      # the SBP rise is proportional to emax_sbp
        e *= SBP_PEAK / peak({**ov, "physiology.emax_sbp": e}, "systolic_bp")
    ov["physiology.emax_sbp"] = e
    return ov


def efflux_rows(overrides):
    """(SBP rise after 75 mg, temperature ratio with / without carvedilol) as the rows compute them."""
    ov = tuple(sorted((k, float(v)) for k, v in overrides.items()))
    t, out = _simulate_doses((_mdma(75.0),), 10.0, "human", 2.0, ov)
    sbp75 = float(out["systolic_bp"][t >= -1e-9].max() - out["systolic_bp"][0])
    carv_mdma, name = _mdma(125.0, 1.0), "body_temperature"
    t, with_carv = _run((*CARVEDILOL_PRE, carv_mdma), overrides)
    _, without = _run((carv_mdma,), overrides)
    after = t >= 1.0 - 1e-9
    ratio = (with_carv[name][after].max() - with_carv[name][0]) / (without[name][after].max() - without[name][0])
    return sbp75, float(ratio)


def scan_k_efflux():
    for k in CANDIDATE_K_EFFLUX:
        ov = fit_peaks({"norepinephrine.k_efflux": k})
        sbp75, carv = efflux_rows(ov)
        ok = SBP_75_BAND[0] <= sbp75 <= SBP_75_BAND[1] and carv <= 0.8
        print(f"NET k_efflux {k:6.0f} /h: d50_hr {ov['physiology.d50_hr']:.2f}, emax_sbp "
              f"{ov['physiology.emax_sbp']:.2f} mmHg; SBP rise after 75 mg {sbp75:.1f} mmHg (band {SBP_75_BAND}), "
              f"temperature ratio with carvedilol {carv:.3f} (<= 0.8): {'both hold' if ok else 'no'}", flush=True)


def share_at_6h(overrides, name):
    t, d = rises(overrides)
    return float(d[name][int(np.argmin(abs(t - 6.0)))] / d[name].max())


def temperature_share(overrides):
    exp = load_experiment(ROOT / SAFETY_EXPERIMENT, {f"subject.{k}": float(v) for k, v in overrides.items()})
    res = run(exp)
    ok = res.status == 0
    return float((res["body_temperature"][ok].max(axis=1) > 38.0).mean())


def main() -> int:
    scan_k_efflux()
    for d50 in CANDIDATE_D50_SBP:
        ov = fit_peaks({"physiology.d50_sbp": d50})
        cit, carv = interaction_ratios(ov)
        print(f"d50_sbp {d50:4.2f}: emax_sbp {ov['physiology.emax_sbp']:.2f} mmHg; SBP ratio with citalopram "
              f"{cit:.3f}, with carvedilol {carv:.3f} (both rows: <= 0.8)")
    chosen = None
    for rate in CANDIDATE_RATES:
        ov = fit_peaks({f"physiology.desens_rate_{r}": rate for r in RECEPTORS})
        hr, sbp = share_at_6h(ov, "heart_rate"), share_at_6h(ov, "systolic_bp")
        ok = all(SIX_H_BAND[0] <= v <= SIX_H_BAND[1] for v in (hr, sbp))
        print(f"desens_rate {rate:5.2f} /h: d50_hr {ov['physiology.d50_hr']:.3f}, emax_sbp "
              f"{ov['physiology.emax_sbp']:.2f} mmHg; rise at 6 h / peak: HR {hr:.2f}, SBP {sbp:.2f} "
              f"({'in' if ok else 'outside'} the band {SIX_H_BAND})")
        if ok and chosen is None:
            chosen = ov
    if chosen is None:
        print("no candidate rate puts both 6-h shares in their band")
        return 1
    e_temp = brentq(lambda e: temperature_share({**chosen, "physiology.emax_temp": e}) - TEMP_SHARE, 0.3, 3.0,
                    xtol=2e-3)
    print(f"chosen: desens_rate {chosen['physiology.desens_rate_beta1']} /h, d50_hr {chosen['physiology.d50_hr']:.2f}, "
          f"emax_sbp {chosen['physiology.emax_sbp']:.2f} mmHg, emax_temp {e_temp:.3f} C")
    return 0


if __name__ == "__main__":
    sys.exit(main())
