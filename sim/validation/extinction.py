"""``sim validate extinction``: drugs and fear extinction, every row through the model's own pharmacology.

Each row simulates the study's species, dose, route and timing with the cascade (PK -> transmitters ->
receptors), turns the run's outputs into the amygdala's drive relative to the pre-dose state
(:func:`sim.amygdala.drive.drives_from_outputs`), and runs the study's conditioning / extinction /
test schedule on the rate amygdala with its own learning rule (:mod:`sim.amygdala.plasticity`). No
drive is set by hand. Qualitative findings become ratios (drug / vehicle) with a band that says the
direction and a minimum size (stated per row; the studies report freezing or skin conductance in
figures, not a number the model's fear response maps onto).

Species: rodent rows use the ``mouse`` preset (the ``rat`` preset where a pharmacology lacks it; the
row's label says which); mg/kg doses are scaled by the preset's body weight. Chronic fluoxetine reaches the
plasticity state by two routes, both from the pharmacology: its small 5-HT2A change and its direct binding
to TrkB (drug-library data, :mod:`sim.receptors.trkb`); :func:`karpova` can switch the second off (the
ablation). Human rows learn at the human extinction rate (:func:`human_omission_scale`), rodent rows at the
rule's own. A human placebo arm is the same pipeline without a dose (:func:`_drive` of no doses): the drug-free
human run has a course of its own (circadian cortisol reaches the plasticity state); the rodents' drug-free
drive is zero (no cortisol signal), so their vehicle arms run without one.

Known misses: both Acheson 2013 rows, and not because of the nasal route's brain exposure. 24 IU
intranasally brings ~0.005 % of the dose to the CSF pool (Leng & Ludwig 2016), a rise of a few pM against
OXTR's ~1 nM K_d; but ``experiments/acheson_exposure.py`` scales that share up to one that saturates OXTR,
at the rodent and at the patients' omission rate, and neither row moves. In the circuit, OXTR excites CeL
OFF cells, which lowers CeM's spontaneous output (the amygdala suite's OXTR row) but not its response to a
conditioned cue: during the cue CeL ON cells keep the OFF cells silent, so the extra current does not reach
CeM, and learning, which reads the cue response and the teaching signal, is unchanged. What Acheson found
(startle higher early in extinction, better recall a day later) would need oxytocin to act where the model
has no oxytocin action: on attention to, or expression of, the cue early in extinction (a larger prediction
error to learn from) or on the consolidation of extinction itself. Eckstein et al. 2015 Biol Psychiatry 78:194
found the opposite early effect with the same dose (lower skin conductance and amygdala response), so the
direction of the early effect is itself unsettled; the rows stay as published and fail.
"""

from __future__ import annotations

import math
from functools import cache

from sim.protocol import PTSD_RETENTION_RATIO
from sim.targets import Target

YOUNG = "Young et al. 2015 Transl Psychiatry 5:e634"
KARPOVA = "Karpova et al. 2011 Science 334:1731"
VIZELI = "Vizeli et al. 2022 Front Pharmacol 13:906639"
BEDI = "Bedi et al. 2009 Psychopharmacology 207:73"
ACHESON = "Acheson et al. 2013 Psychopharmacology 229:199"
MILAD = "Milad et al. 2009 Biol Psychiatry 66:1075"


def rodent_species() -> str:
    """The rodent preset the rows run on: ``mouse`` once the pharmacology provides it, else ``rat``."""
    from sim.kinetics.drugs import mdma as pk

    return "mouse" if "mouse" in pk.SPECIES else "rat"


@cache
def _drive(doses: tuple, duration_h: float, species: str, interval_min: float = 10.0):
    """The amygdala drive (relative to t = 0) of one subject given ``doses`` (drug, amount, time_h,
    route, per_kg, salt)."""
    from sim.amygdala.drive import drives_from_outputs
    from sim.validation.common import _simulate_doses

    t, out = _simulate_doses(doses, duration_h, species, interval_min)
    return drives_from_outputs(t, {k: v[None] for k, v in out.items()}, relative=True)[0]


def _run(trials, drive, trkb_block=False, initial=None, omission_scale=1.0):
    from sim.amygdala import run_trials
    from sim.amygdala.plasticity import Rule

    rule = Rule.default(trkb_block=trkb_block, omission_scale=omission_scale)
    return run_trials(_model(), trials, drive=drive, initial=initial, rule=rule)


def human_omission_scale() -> float:
    """The human extinction rate relative to the rodent rule, for the human rows (Vizeli, Acheson): the rate of
    people without PTSD (:data:`sim.protocol.EXTINCTION_SCALE`, calibrated on MAPP1's placebo arm, not on these
    rows). Patients with PTSD extinguish within a session as trauma-exposed controls do (skin conductance,
    Milad et al. 2009 Biol Psychiatry 66:1075) and retain less of it (:mod:`sim.amygdala.deficit`). At the rodent
    rate 16 CS would extinguish a human placebo arm completely within the session."""
    from sim.protocol import EXTINCTION_SCALE

    return EXTINCTION_SCALE


# ---- Milad et al. 2009: PTSD vs trauma-exposed controls, two-day paradigm (drug-free) -----------------------

def milad(group: str):
    """The two-day paradigm (:func:`sim.amygdala.deficit.paradigm`) for ``control`` or ``ptsd`` with the rule
    parameters the trial gives each group (:func:`sim.amygdala.deficit.patient_rule`)."""
    from sim.amygdala import deficit
    from sim.protocol import EXTINCTION_SCALE, PTSD_LEARNING_RATIO, PTSD_RETENTION_RATIO

    if group == "control":
        return deficit.paradigm(EXTINCTION_SCALE, deficit.control_kappa())
    return deficit.paradigm(*deficit.patient_rule(PTSD_LEARNING_RATIO, PTSD_RETENTION_RATIO, EXTINCTION_SCALE))


@cache
def _model():
    from sim.amygdala import RateModel

    return RateModel()


# ---- Young et al. 2015: MDMA 7.8 mg/kg i.p. (mice) 30 min before extinction ------------------------------

YOUNG_MG_PER_KG = 7.8
YOUNG_EXTINCTION_H = 0.5   # drug given 30 min before extinction training
YOUNG_CS = 10              # extinction trials (a partial extinction leaves room to enhance it; assumed)


@cache
def young_recall(drug: bool, trkb_block: bool = False) -> float:
    """Drug-free fear at the extinction-recall test (48 h after extinction, extinction context) after
    conditioning the day before and extinction under MDMA or vehicle."""
    from sim.amygdala import conditioning, extinction, probe

    doses = (("mdma", YOUNG_MG_PER_KG, 0.0, "ip", True, "hcl"),) if drug else ()
    drive = _drive(doses, 24.0, rodent_species()) if drug else None
    t0 = YOUNG_EXTINCTION_H
    trials = conditioning(5, t0_h=t0 - 24.0) + extinction(YOUNG_CS, t0, "B") + probe(t0 + 48.0, "B")
    return float(_run(trials, drive, trkb_block).fear_response[0, -1])


# ---- Karpova et al. 2011: chronic fluoxetine and extinction (mice) ----------------------------------------

KARPOVA_MG_PER_KG_DAY = 10.0      # fluoxetine in the drinking water (~0.08 mg/mL gives ~10-20 mg/kg/day)
KARPOVA_PORTIONS = 8              # drinking water: the daily intake spread over the day (every 3 h)
KARPOVA_EXTINCTION_DAYS = (14.0, 15.0)   # Fig. 2 protocol I: two weeks of fluoxetine after conditioning
KARPOVA_TEST_DAY = 22.0                  # a week after extinction: spontaneous recovery, then renewal
KARPOVA_DAYS = 23                        # fluoxetine continues to the tests


@cache
def karpova(fluoxetine: bool, extinction_on: bool, trkb_route: bool = True) -> dict[str, float]:
    """Conditioning in A on day 0, fluoxetine in the drinking water (or water) from day 0, extinction (2 x 10 CS
    in B) on days 14-15, tests a week later: spontaneous recovery in B, renewal in A (Karpova 2011 Fig. 2,
    protocol I). Fear responses relative to the conditioned one. ``trkb_route=False`` is the ablation of the
    drug's direct TrkB binding (``k_trkb = 0``; its 5-HT2A route stays)."""
    from sim.amygdala import conditioning, extinction, probe, run_trials
    from sim.amygdala.plasticity import Rule

    drive = None
    if fluoxetine:
        step = 24.0 / KARPOVA_PORTIONS
        doses = tuple(("fluoxetine", KARPOVA_MG_PER_KG_DAY / KARPOVA_PORTIONS, step * k, "oral", True, "hcl")
                      for k in range(KARPOVA_DAYS * KARPOVA_PORTIONS))
        drive = _drive(doses, 24.0 * KARPOVA_DAYS, rodent_species(), 60.0)
    trials = conditioning(5) + probe(KARPOVA_EXTINCTION_DAYS[0] * 24.0 - 1.0, "A")
    if extinction_on:
        for d in KARPOVA_EXTINCTION_DAYS:
            trials += extinction(10, 24.0 * d, "B")
    t = 24.0 * KARPOVA_TEST_DAY
    trials += probe(t, "B") + probe(t + 2.0, "A")
    rule = Rule.default() if trkb_route else Rule.default(k_trkb=0.0)
    fr = run_trials(_model(), trials, drive=drive, rule=rule).fear_response[0]
    cond = fr[5]
    return {"recovery_b": fr[-2] / cond, "renewal_a": fr[-1] / cond}


# ---- Vizeli et al. 2022: MDMA 125 mg 2 h before extinction (healthy humans) --------------------------------

VIZELI_MG = 125.0
VIZELI_EXTINCTION_H = 2.0
VIZELI_CS = 16          # CS+ presentations in extinction (assumed order of the paradigm)


@cache
def vizeli(drug: bool) -> dict[str, float]:
    """Conditioning on day 1 (A), MDMA or placebo 2 h before extinction on day 2 (B), recall 23 h later
    (B, drug-free). Mean fear response during extinction and at recall."""
    from sim.amygdala import conditioning, extinction, probe

    # placebo: the same pipeline without a dose (both arms carry the drug-free circadian cortisol course)
    drive = _drive((("mdma", VIZELI_MG, 0.0, "oral", False, "hcl"),) if drug else (), 30.0, "human")
    t0 = VIZELI_EXTINCTION_H
    trials = conditioning(5, t0_h=t0 - 24.0) + extinction(VIZELI_CS, t0, "B", iti_s=20.0) + probe(t0 + 23.0, "B")
    fr = _run(trials, drive, omission_scale=human_omission_scale()).fear_response[0]
    return {"during": float(fr[5:5 + VIZELI_CS].mean()), "recall": float(fr[-1])}


# ---- Acheson et al. 2013: intranasal oxytocin 24 IU 45 min before extinction (healthy humans) ---------------

ACHESON_IU = 24.0
ACHESON_EXTINCTION_H = 0.75   # spray after acquisition, extinction 45 min later
ACHESON_CS = 16               # CS+ presentations in extinction (assumed, as for Vizeli; the paper's count unchecked)
ACHESON_EARLY = 4             # "earliest stage of extinction": the first block (assumed 4 CS)


@cache
def acheson(drug: bool) -> dict[str, float]:
    """Conditioning, then oxytocin 24 IU intranasally (or placebo) at t = 0 after acquisition, extinction (B) 45 min
    later, recall 24 h after extinction (B, drug-free). Mean fear response in the first block of extinction and at
    recall."""
    from sim.amygdala import conditioning, extinction, probe
    from sim.kinetics.intranasal import UG_PER_IU

    # placebo: the same pipeline without a dose, so both arms carry the drug-free course (circadian cortisol)
    dose = (("oxytocin", ACHESON_IU * UG_PER_IU * 1e-3, 0.0, "intranasal", False, "base"),) if drug else ()
    drive = _drive(dose, 30.0, "human")
    t0 = ACHESON_EXTINCTION_H
    trials = (conditioning(5, t0_h=-0.5) + extinction(ACHESON_CS, t0, "B", iti_s=20.0)
              + probe(t0 + 24.0, "B"))
    fr = _run(trials, drive, omission_scale=human_omission_scale()).fear_response[0]
    return {"early": float(fr[5:5 + ACHESON_EARLY].mean()), "recall": float(fr[-1])}


# ---- Bedi et al. 2009: acute amygdala response to threat (humans) ------------------------------------------

BEDI_TEST_H = 1.5   # scan near the subjective peak (assumed ~1.5 h after the dose)


@cache
def bedi_ratio(mg_per_kg: float) -> float:
    """Cue response of the conditioned memory (fear_response, context A) at BEDI_TEST_H after an oral dose
    (mg/kg, 70-kg subject), MDMA / no drug."""
    from sim.amygdala import Trial, conditioned_weights

    drive = _drive((("mdma", mg_per_kg, 0.0, "oral", True, "hcl"),), 4.0, "human")
    trial = [Trial(BEDI_TEST_H, context="A", learn=False)]
    on = _run(trial, drive, initial=conditioned_weights()).fear_response[0, 0]
    off = _run(trial, None, initial=conditioned_weights()).fear_response[0, 0]
    return float(on / off)


def _label(text):
    return f"{text} ({rodent_species()} pharmacology)"


EXTINCTION_TARGETS = (
    Target("extinction", _label("Young 2015: 7.8 mg/kg i.p. before extinction, recall fear MDMA / vehicle"),
           "lower (enhanced extinction)", 0.0, 0.9, "1", YOUNG, False,
           lambda: young_recall(True) / young_recall(False)),
    Target("extinction", _label("Young 2015: the same under BDNF/TrkB block, MDMA / vehicle"), "abolished (~1)",
           0.9, 1.1, "1", YOUNG, False, lambda: young_recall(True, True) / young_recall(False, True)),
    Target("extinction", _label("Karpova 2011: chronic fluoxetine + extinction, renewal in A / conditioned"),
           "no renewal (erased)", 0.0, 0.5, "1", KARPOVA, False, lambda: karpova(True, True)["renewal_a"]),
    Target("extinction", _label("Karpova 2011: chronic fluoxetine + extinction, recovery in B / conditioned"),
           "no spontaneous recovery", 0.0, 0.5, "1", KARPOVA, False, lambda: karpova(True, True)["recovery_b"]),
    Target("extinction", _label("Karpova 2011: extinction alone, renewal in A / conditioned"), "fear returns",
           0.6, math.inf, "1", KARPOVA, False, lambda: karpova(False, True)["renewal_a"]),
    Target("extinction", _label("Karpova 2011: fluoxetine alone, fear in A / conditioned"), "fear kept", 0.8,
           math.inf, "1", KARPOVA, False, lambda: karpova(True, False)["renewal_a"]),
    Target("extinction", "Vizeli 2022: 125 mg 2 h before, conditioned response during extinction, MDMA / placebo",
           "lower", 0.0, 0.95, "1", VIZELI, False, lambda: vizeli(True)["during"] / vizeli(False)["during"]),
    Target("extinction", "Vizeli 2022: recall 23 h later (drug-free), MDMA / placebo", "lower", 0.0, 0.95, "1",
           VIZELI, False, lambda: vizeli(True)["recall"] / vizeli(False)["recall"]),
    Target("extinction", "Acheson 2013: oxytocin 24 IU intranasal, extinction recall 24 h later, oxytocin / placebo",
           "lower (better recall)", 0.0, 0.95, "1", ACHESON, False,
           lambda: acheson(True)["recall"] / acheson(False)["recall"]),
    Target("extinction", "Acheson 2013: the same, first block of extinction, oxytocin / placebo",
           "not lower (startle higher early)", 1.0, math.inf, "1", ACHESON, False,
           lambda: acheson(True)["early"] / acheson(False)["early"]),
    # fitted: the patients' rule parameters are solved so that these two ratios equal the measured ones
    # (sim.amygdala.deficit); the bands say the model reproduces them (1 %), not that they were predicted
    Target("extinction", "Milad 2009: within-session extinction (1 - late/early), PTSD / controls", "no difference",
           0.99, 1.01, "1", MILAD, True, lambda: milad("ptsd").within / milad("control").within),
    Target("extinction", "Milad 2009: extinction retention index day 2, PTSD / controls",
           f"lower (magnitude unverified: {PTSD_RETENTION_RATIO:g})", 0.99 * PTSD_RETENTION_RATIO,
           1.01 * PTSD_RETENTION_RATIO, "1", MILAD, True,
           lambda: milad("ptsd").eri / milad("control").eri),
    Target("extinction", "Bedi 2009: acute cue response at 1.5 mg/kg, MDMA / no drug", "lowered", 0.0, 0.9, "1",
           BEDI, False, lambda: bedi_ratio(1.5)),
    Target("extinction", "Bedi 2009: acute cue response at 0.75 mg/kg, MDMA / no drug", "not lowered", 0.9,
           math.inf, "1", BEDI, False, lambda: bedi_ratio(0.75)),
)

