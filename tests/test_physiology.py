"""Physiology: subjects start and stay at their own baselines without drug; MDMA raises heart rate, blood
pressure and temperature; carvedilol lowers the rise without changing MDMA exposure; experiments run."""

from pathlib import Path

import numpy as np
import pytest
from conftest import run_experiment

import sim
from sim import validate

ROOT = Path(__file__).resolve().parent.parent


def _run(doses, duration=8.0, extra=""):
    return run_experiment(doses, duration=duration, extra=extra)


def test_each_subject_stays_at_its_own_baseline_without_drug():
    res = _run("", extra='[cohort]\nsize = 5\n[cohort.vary]\n"physiology.hr0" = { dist = "normal", sd = 10.0 }\n'
                         '"physiology.temp0" = { dist = "normal", sd = 0.3 }\n')
    hr0 = res.params["physiology.hr0"]
    assert np.ptp(hr0) > 1.0
    np.testing.assert_allclose(res["heart_rate"], hr0[:, None] * np.ones_like(res["heart_rate"]), atol=1e-6)
    np.testing.assert_allclose(res["body_temperature"][:, -1], res.params["physiology.temp0"], atol=1e-6)
    assert res.units["systolic_bp"] == "mmHg" and res.units["body_temperature"] == "degC"


def test_mdma_raises_vital_signs_and_carvedilol_lowers_them():
    mdma = '[[dose]]\ndrug = "mdma"\namount_mg = 125.0\ntime_h = 1.0\n'
    alone = _run(mdma)
    carv = _run('[[dose]]\ndrug = "carvedilol"\namount_mg = 50.0\nsalt = "base"\n' + mdma)
    carv_only = _run('[[dose]]\ndrug = "carvedilol"\namount_mg = 50.0\nsalt = "base"\n')
    rises = {}
    for name, low in (("heart_rate", 15.0), ("systolic_bp", 20.0), ("body_temperature", 0.3)):
        rise = alone[name][0].max() - alone[name][0, 0]
        assert rise > low
        assert carv[name][0].max() < alone[name][0].max()
        assert carv_only[name][0].min() < carv_only[name][0, 0]     # blockade removes basal tone
        rises[name] = (carv[name][0].max() - carv[name][0, 0]) / rise
    print("rise with carvedilol / without:", {k: round(v, 2) for k, v in rises.items()})
    np.testing.assert_allclose(carv["plasma_mdma"], alone["plasma_mdma"], rtol=1e-6, atol=1e-9)  # exposure unchanged
    assert alone["heart_rate"][0, -1] < alone["heart_rate"][0].max()


@pytest.mark.parametrize("name", ["oxytocin_dose_response", "cardiovascular_safety", "carvedilol"])
def test_experiment_files_run(name):
    exp = sim.load_experiment(ROOT / "experiments" / f"{name}.toml")
    res = sim.run(exp)
    assert np.all(res.status == 0)
    for out in ("plasma_oxytocin", "heart_rate", "systolic_bp", "body_temperature", "occupancy_5ht1a"):
        assert np.all(np.isfinite(res[out]))


# Known out-of-sample miss: the heart-rate rise after 75 mg (Mas et al. 1999, n = 8: ~+30 bpm after both 75 and
# 125 mg) is just below its band. The model's rise after 75 mg is ~0.8 of that after 125 mg because its drive (NE
# through beta1, 5-HT through 5-HT2A) follows the release, and the heart-rate map is nearly linear (chronotropic
# reserve); second-order NET efflux adds a little (order 1: 0.84). Only a saturating map (~0.95) would meet Mas, and it
# would nearly remove the dose dependence of the tachycardia share that the pooled Basel data (Vizeli & Liechti 2017,
# n = 166) found significant (tools/hr_dose_response.py). Listed so that every other row must pass and the miss stays
# visible.
KNOWN_MISSES = {"peak rise of heart rate vs placebo after 75 mg"}


def test_all_physiology_rows_pass_and_shares_are_reported():
    """Every physiology row but the known miss passes, the 24-h rows among them (sim/kinetics/physiology.py)."""
    rows = validate.evaluate(["physiology"])
    assert KNOWN_MISSES <= {t.quantity for t, _, _ in rows}
    assert all(ok for t, _, ok in rows if t.quantity not in KNOWN_MISSES), \
        [(t.quantity, v) for t, v, ok in rows if not ok and t.quantity not in KNOWN_MISSES]
    late = [t for t, _, _ in rows if "24 h after 125 mg" in t.quantity]
    assert len(late) == 2 and not any(t.fitted for t in late)      # predicted, not fitted
    farre = [t for t, _, _ in rows if "2nd of two 100 mg doses" in t.quantity]
    assert len(farre) == 2 and not any(t.fitted for t in farre)
    assert any(not t.fitted for t, _, _ in rows)
    shares = {t.quantity: v for t, v, _ in rows if t.quantity.startswith("share of subjects")}
    assert len(shares) == 3 and all(0.0 <= v <= 1.0 for v in shares.values())
    print(shares)
    by_dose = [t for t, _, _ in rows if "share after 125 mg minus share after 75 mg" in t.quantity]
    assert len(by_dose) == 3 and not any(t.fitted for t in by_dose)      # the dose dependence is predicted


MDMA_125 = '[[dose]]\ndrug = "mdma"\namount_mg = 125.0\n'
NO_DESENSITISATION = {f"subject.physiology.desens_rate_{r}": 0.0 for r in ("5ht2a", "alpha1", "beta1")}


def _rises(overrides=None, duration=26.0):
    """(time, plasma MDMA, heart-rate and SBP rises over the drug-free run) after 125 mg."""
    from conftest import experiment

    from sim.runner import run
    kw = {"duration": duration, "interval_min": 10.0, "overrides": overrides}
    drug, none = run(experiment(MDMA_125, **kw)), run(experiment("", **kw))
    return (drug.time, drug["plasma_mdma"][0], drug["heart_rate"][0] - none["heart_rate"][0],
            drug["systolic_bp"][0] - none["systolic_bp"][0], none)


def test_acute_tolerance_vital_signs_return_while_mdma_is_still_in_plasma():
    """Clockwise hysteresis: heart rate and blood pressure return towards baseline while plasma MDMA is still
    high, so on the falling limb they are lower than at the same concentration on the rising limb; sensitivity
    recovers, and without the desensitisation the rises 24 h later are several times larger."""
    t, c, hr, sbp, none = _rises()
    i24 = int(np.argmin(abs(t - 24.0)))
    assert c[i24] > 5.0                                       # ng/mL: MDMA still present at 24 h
    for rise in (hr, sbp):
        peak = rise.max()
        i6 = int(np.argmin(abs(t - 6.0)))
        assert c[i6] > 0.3 * c.max() and rise[i6] < 0.5 * peak
        # equal concentration on both limbs: half of Cmax
        up = int(np.argmax(c >= 0.5 * c.max()))
        down = len(c) - 1 - int(np.argmax(c[::-1] >= 0.5 * c.max()))
        assert up < down and rise[up] > 1.5 * max(rise[down], 0.0)
        # the loop of effect against concentration runs clockwise: its integral of E dC is positive
        assert np.trapezoid(rise, c) > 0.0
    for r in ("5ht2a", "alpha1", "beta1"):
        np.testing.assert_allclose(none[f"effector_sensitivity_{r}"], 1.0, atol=1e-9)   # no drug, no tolerance
    _, _, hr_off, sbp_off, _ = _rises(NO_DESENSITISATION)
    assert abs(hr[i24]) < 5.0 and abs(sbp[i24]) < 8.0
    assert hr_off[i24] > 3.0 * abs(hr[i24]) and sbp_off[i24] > 2.0 * abs(sbp[i24])
    print(f"24 h: HR {hr[i24]:.1f} (no desensitisation {hr_off[i24]:.1f}) bpm, SBP {sbp[i24]:.1f} "
          f"({sbp_off[i24]:.1f}) mmHg, plasma MDMA {c[i24]:.1f} ng/mL")


def _second_dose_hr_ratio(overrides=None):
    """Farre et al. 2004: peak heart-rate rise after the 2nd of two 100 mg doses 24 h apart / after the 1st, and
    forebrain NE at the time of the 2nd dose relative to the drug-free run."""
    from conftest import experiment

    from sim.runner import run
    doses = '[[dose]]\ndrug = "mdma"\namount_mg = 100.0\n[[dose]]\ndrug = "mdma"\namount_mg = 100.0\ntime_h = 24.0\n'
    kw = {"duration": 34.0, "interval_min": 10.0, "overrides": overrides}
    drug, none = run(experiment(doses, **kw)), run(experiment("", **kw))
    t = drug.time
    rise = drug["heart_rate"][0] - none["heart_rate"][0]
    i24 = int(np.argmin(abs(t - 24.0)))
    ne = drug["ec_norepinephrine"][0] / none["ec_norepinephrine"][0]
    return rise[(t >= 24.0) & (t <= 34.0)].max() / rise[t <= 10.0].max(), ne[i24], ne.max()


def test_release_side_tolerance_returns_noradrenaline_and_second_dose_response():
    """NET reverse transport of second order in releaser occupancy (sim/kinetics/transporters.py): the NE excess
    falls faster than MDMA, so 24 h after 100 mg NE is near baseline while MDMA is still in plasma, the effector
    receptors have resensitised and a second 100 mg dose raises heart rate about as much as the first (Farre et al.
    2004). Ablation: with release proportional to occupancy (order 1, its own fitted rate constant 880 /h) the NE
    excess at 24 h is much larger and the second heart-rate rise falls below the row's band (0.8)."""
    ratio, ne24, ne_peak = _second_dose_hr_ratio()
    assert 0.8 <= ratio <= 1.5
    assert ne24 - 1.0 < 0.1 * (ne_peak - 1.0)       # NE excess at 24 h: under a tenth of its peak excess
    off = {"subject.norepinephrine.efflux_hill": 1.0, "subject.norepinephrine.k_efflux": 880.0}
    ratio_off, ne24_off, ne_peak_off = _second_dose_hr_ratio(off)
    assert ratio_off < 0.8 and ratio - ratio_off > 0.1
    assert ne24_off - 1.0 > 2.0 * (ne24 - 1.0)
    print(f"2nd/1st HR rise {ratio:.3f} (order 1: {ratio_off:.3f}); NE at 24 h x{ne24:.2f} (order 1: x{ne24_off:.2f})")


def _ne_and_plasma_peaks(dose_mg, overrides=None):
    from conftest import experiment

    from sim.runner import run
    kw = {"duration": 10.0, "interval_min": 2.0, "overrides": overrides}
    res = run(experiment(f'[[dose]]\ndrug = "mdma"\namount_mg = {dose_mg}\n', **kw))
    none = run(experiment("", **kw))
    return res["ec_norepinephrine"][0].max() / none["ec_norepinephrine"][0, 0] - 1.0, res["plasma_mdma"][0].max()


def test_second_order_net_efflux_steepens_the_noradrenaline_dose_response():
    """Release of second order in releaser occupancy makes the peak NE excess fall off faster from 125 to 75 mg than
    release proportional to occupancy does, at the same plasma MDMA (tools/hr_dose_response.py: this is one part of
    why the heart-rate rise after 75 mg is below Mas et al. 1999's)."""
    order1 = {"subject.norepinephrine.efflux_hill": 1.0, "subject.norepinephrine.k_efflux": 880.0}
    (ne75, c75), (ne125, c125) = _ne_and_plasma_peaks(75.0), _ne_and_plasma_peaks(125.0)
    (ne75_1, c75_1), (ne125_1, c125_1) = _ne_and_plasma_peaks(75.0, order1), _ne_and_plasma_peaks(125.0, order1)
    assert c75 / c125 == pytest.approx(c75_1 / c125_1, rel=1e-6)     # the order of release leaves the PK alone
    assert ne75 > 0.0 and ne75_1 > 0.0
    assert ne75 / ne125 < ne75_1 / ne125_1 - 0.03
    assert ne75 / ne125 > c75 / c125          # still flatter than plasma MDMA (transporter occupancy saturates)
    print(f"peak NE excess 75 / 125 mg: order 2 {ne75 / ne125:.3f}, order 1 {ne75_1 / ne125_1:.3f}; "
          f"plasma MDMA {c75 / c125:.3f}")
