"""`sim validate extinction`: drug x extinction studies through the model's own pharmacology (issue 17).

Rows that the model misses (Karpova 2011's erasure, Bedi 2009's dose threshold) are named in
KNOWN_MISSES with the reason; every other row must be within its band, and the named ones must still
be evaluated (not skipped)."""

import math

import numpy as np

from sim import validate
from sim.validation import extinction as ext

KNOWN_MISSES = {
    # 24 IU intranasally puts ~0.005 % of the dose into the CSF: central oxytocin rises by a few pg/mL and
    # OXTR occupancy by ~0.003, too little to change extinction; the model has no route by which oxytocin
    # raises early-extinction startle
    "Acheson 2013: oxytocin 24 IU intranasal, extinction recall 24 h later",
    "Acheson 2013: the same, first block of extinction",
    # the model's 5-HT1A damping already lowers the cue response at 0.75 mg/kg (dose-response shallower
    # than Bedi's threshold)
    "Bedi 2009: acute cue response at 0.75 mg/kg, MDMA / no drug",
}


def _known(quantity):
    return any(quantity.startswith(k) for k in KNOWN_MISSES)


def test_extinction_suite_is_registered_and_out_of_sample():
    """Every drug row is out of sample; only the Milad 2009 PTSD / control rows are fitted (the patients' rule
    parameters are solved from them, sim.amygdala.deficit)."""
    assert validate.SUITES["extinction"] is ext.EXTINCTION_TARGETS
    assert all(t.source for t in ext.EXTINCTION_TARGETS)
    fitted = [t for t in ext.EXTINCTION_TARGETS if t.fitted]
    assert len(fitted) == 2 and all(t.source == ext.MILAD for t in fitted)


def test_extinction_rows_within_bands_except_the_named_misses():
    rows = validate.evaluate(["extinction"])
    assert all(math.isfinite(v) for _, v, _ in rows)
    failures = [(t.quantity, v) for t, v, ok in rows if not ok and not _known(t.quantity)]
    assert not failures, failures


def test_young_effect_needs_trkb_and_vizeli_recall_follows_extinction():
    assert ext.young_recall(True) < ext.young_recall(False)
    assert abs(ext.young_recall(True, True) / ext.young_recall(False, True) - 1.0) < 0.1
    v, p = ext.vizeli(True), ext.vizeli(False)
    assert v["during"] < p["during"] and v["recall"] < p["recall"]


def test_human_rows_learn_at_the_human_rate_so_placebo_recall_is_off_the_floor():
    """Vizeli and Acheson run at the human within-session extinction rate (Milad 2009: PTSD and controls alike),
    slower than the rodent rule: 16 CS leave the placebo arm's recall well above zero, so their recall ratios
    compare two measurable responses; at the rodent rate the same schedule extinguishes it completely."""
    from sim.amygdala import conditioning, extinction, probe
    from sim.protocol import EXTINCTION_SCALE

    assert ext.human_omission_scale() == EXTINCTION_SCALE < 1.0
    assert ext.vizeli(False)["recall"] > 0.3 and ext.acheson(False)["recall"] > 0.3
    t0 = ext.VIZELI_EXTINCTION_H
    trials = (conditioning(5, t0_h=t0 - 24.0) + extinction(ext.VIZELI_CS, t0, "B", iti_s=20.0)
              + probe(t0 + 23.0, "B"))
    rodent = float(ext._run(trials, ext._drive((), 30.0, "human")).fear_response[0, -1])
    assert rodent < 0.1 * ext.vizeli(False)["recall"]


def test_bedi_dose_response_is_monotone():
    r = [ext.bedi_ratio(x) for x in (0.375, 0.75, 1.5)]
    assert np.all(np.diff(r) < 0) and r[-1] < 0.9


def test_ketanserin_blocks_mdmas_5ht2a_route_into_the_plasticity_state():
    mdma = (("mdma", 125.0, 2.0, "oral", False, "hcl"),)
    ket = (("ketanserin", 40.0, 0.0, "oral", False, "base"),)
    t = np.arange(2.5, 8.0, 0.5)
    alone = ext._drive(mdma, 10.0, "human").values("response_5ht2a", t)
    blocked = ext._drive(ket + mdma, 10.0, "human").values("response_5ht2a", t)
    # the response keeps part of MDMA's rise through the receptor reserve (operational tau 10): a block by two
    # thirds, not the near-total fall occupancy shows
    assert alone.max() > 1.0 and blocked.max() < alone.max() / 3


def test_oxytocin_lowers_resting_cem_output_but_not_the_conditioned_cue_response():
    """Why the Acheson rows do not move with the nose-to-brain share: OXTR excites CeL OFF cells, which lowers
    CeM's pre-cue output, but during a conditioned cue CeL ON cells keep the OFF cells silent, so even a
    saturating OXTR response leaves the cue response (what extinction learns from) unchanged."""
    from sim.amygdala import params as P
    from sim.amygdala.drive import Drive
    from sim.amygdala.validation import _cue_trial_rates, agonist_signal

    (pre0, cue0), (pre1, cue1) = _cue_trial_rates(None), _cue_trial_rates(Drive({"response_oxtr":
                                                                                   agonist_signal("response_oxtr")}))
    assert pre1[P.CEM] < 0.8 * pre0[P.CEM] and pre1[P.CEL_OFF] > pre0[P.CEL_OFF]
    assert cue0[P.CEL_OFF] < 0.05 * pre0[P.CEL_OFF]
    assert abs(cue1[P.CEM] / cue0[P.CEM] - 1.0) < 0.01
