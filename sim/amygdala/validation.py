"""`sim validate amygdala`: published (mostly qualitative) targets for the amygdala models.

:data:`AMYGDALA_TARGETS` is a tuple of :class:`sim.targets.Target` rows, wired into
``sim validate`` as the ``amygdala`` suite.

Qualitative findings become ratios with a band that says the direction and a minimum size. Rows
marked ``fitted`` are ones the parameters were chosen to meet (the rate model's baseline is solved
for the in-vivo rates; tau_forget_ext was set from Quirk 2002); the spiking network's baseline,
the neuromodulator directions and the drug/extinction interaction are out of sample (the gains
are assumptions, not fits). Drugs and extinction, through the model's own pharmacology, are the
``extinction`` suite (:mod:`sim.validation.extinction`).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from sim.amygdala import params as P
from sim.amygdala.circuit import NO_MODULATION
from sim.amygdala.drive import Drive, modulation
from sim.amygdala.model import (
    RateModel,
    SpikingModel,
    Trial,
    conditioned_weights,
    conditioning,
    extinction,
    probe,
    run_trials,
)
from sim.targets import Target

SPIKING_SCALE = 0.25


@cache
def _models():
    return RateModel(), SpikingModel(scale=SPIKING_SCALE, seed=0)


def _model(name):
    return _models()[0 if name == "rate" else 1]


@cache
def baseline_rates(model: str = "spiking") -> np.ndarray:
    """Spontaneous rates (Hz) per population, naive weights, no context, no drive."""
    rb, _ = _model(model).respond(np.zeros(4), np.zeros(4), np.ones(P.N_PLASTIC)[None], [NO_MODULATION])
    return rb[0]


def _cea(r):
    return float(np.mean(r[[P.CEL_ON, P.CEL_OFF, P.CEM]]))


@cache
def fear_story(model: str = "rate") -> dict[str, float]:
    """Naive probe, conditioning in A, extinction (10 CS) in B a day later, tests on day 2 in A and B,
    and in B 10 days after extinction. Fear responses and BA fear/extinction neuron cue rates."""
    trials = (probe(-1.0, "A") + conditioning(5) + probe(23.0, "A") + extinction(10, 24.0, "B")
              + probe(48.0, "B") + probe(48.1, "A"))
    res = run_trials(_model(model), trials)
    late = run_trials(_model(model), extinction(10, 24.0, "B") + probe(24.0 + 240.0, "B"),
                      initial=conditioned_weights())
    fr, rc = res.fear_response[0], res.rates_cs[0]
    k_test_b, k_test_a = len(trials) - 2, len(trials) - 1
    return dict(naive=fr[0], conditioned=fr[6], ext_first=fr[7], recall_b=fr[k_test_b], renewal_a=fr[k_test_a],
                late_b=late.fear_response[0, -1], late_before=late.fear_response[0, 0],
                fear_b=rc[k_test_b, P.BA_FEAR], ext_b=rc[k_test_b, P.BA_EXT],
                fear_a=rc[k_test_a, P.BA_FEAR], ext_a=rc[k_test_a, P.BA_EXT],
                fear_cond=rc[6, P.BA_FEAR], fear_naive=rc[0, P.BA_FEAR], ext_before=rc[7, P.BA_EXT])


def _cue_trial_rates(drive: Drive | None, model="rate", conditioned=True):
    w = conditioned_weights() if conditioned else np.ones(P.N_PLASTIC)
    lb, lc = Trial(0.0, context="A").levels()
    rb, rc = _model(model).respond(lb, lc, w[None], [modulation(drive, 0.0)])
    return rb[0], rc[0]


MDMA_MG, MDMA_PEAK_H = 125.0, 1.5   # a clinical dose, read near its subjective peak (Bedi 2009's scan time)


@cache
def mdma_signal(signal: str) -> float:
    """One receptor's drive signal (E/E_ref - 1) 125 mg oral MDMA gives at 1.5 h, through the model's own
    pharmacology (human cascade, response relative to the pre-dose value)."""
    from sim.amygdala.drive import drives_from_outputs
    from sim.validation.common import _simulate_doses

    t, out = _simulate_doses((("mdma", MDMA_MG, 0.0, "oral", False, "hcl"),), 2.0 * MDMA_PEAK_H, "human", 10.0)
    return drives_from_outputs(t, {k: v[None] for k, v in out.items()})[0].at(MDMA_PEAK_H)[signal]


@cache
def agonist_signal(signal: str) -> float:
    """The drive signal (E/E0 - 1) of a saturating full-agonist application, as in the slice and
    iontophoresis studies the mappings' directions come from, from the receptor's own operational
    parameters (human): with one full agonist at a concentration far above K_A the operational model
    (sim/receptors/response.py) gives E/Em = tau / (1 + tau), and the drug-free response is E0/Em = r0, so
    s = tau / ((1 + tau) r0) - 1."""
    from sim.assembly import build_model

    name = signal.removeprefix("response_")
    model = build_model("human", ())
    tau = model.parameter(f"receptors.{name}_tau").value
    return tau / ((1.0 + tau) * model.parameter(f"receptors.{name}_r0").value) - 1.0


def drive_ratio(signal: str, value: float, population: int, window: str = "baseline") -> float:
    """Rate with ``signal`` at ``value`` / rate without (rate model, conditioned, context A)."""
    i = 0 if window == "baseline" else 1
    on = _cue_trial_rates(Drive({signal: value}))[i][population]
    off = _cue_trial_rates(None)[i][population]
    return on / off


def evoked_ratio(signal: str, value: float, population: int) -> float:
    """Cue-evoked rise (cue minus pre-cue) with ``signal`` at ``value`` / without."""
    def rise(d):
        rb, rc = _cue_trial_rates(d)
        return rc[population] - rb[population]
    return rise(Drive({signal: value})) / rise(None)


_REC = "in vivo recordings (rodent), docs/targets.md soft check"
_VL = "Vlachos et al. 2011 PLoS Comput Biol 7:e1001104 (central result; Herry et al. 2008 Nature 454:600)"
AMYGDALA_TARGETS = (
    Target("amygdala", "baseline LA principal, spiking", "~3", 1.5, 5.0, "Hz", _REC, False,
           lambda: baseline_rates()[P.LA_PC]),
    Target("amygdala", "baseline LA interneurons, spiking", "~15-20", 10.0, 25.0, "Hz", _REC, False,
           lambda: baseline_rates()[P.LA_PV]),
    Target("amygdala", "baseline BA principal, spiking", "~4", 2.0, 7.0, "Hz", _REC, False,
           lambda: np.mean(baseline_rates()[[P.BA_FEAR, P.BA_EXT]])),
    Target("amygdala", "baseline CeA (CeL on/off, CeM), spiking", "~2", 0.5, 5.0, "Hz", _REC, False,
           lambda: _cea(baseline_rates())),
    Target("amygdala", "baseline LA principal, rate model", "~3", 1.5, 5.0, "Hz", _REC, True,
           lambda: baseline_rates("rate")[P.LA_PC]),
    Target("amygdala", "conditioning: fear response after / before (rate)", "rises", 5.0, math.inf, "1",
           "LeDoux 2000 Annu Rev Neurosci 23:155 (CS-US pairing)", False,
           lambda: fear_story()["conditioned"] / max(fear_story()["naive"], 1e-3)),
    Target("amygdala", "conditioning: BA fear-neuron cue rate after / before (rate)", "rises", 1.5, math.inf, "1",
           _VL, False, lambda: fear_story()["fear_cond"] / fear_story()["fear_naive"]),
    Target("amygdala", "extinction recall (B, next day) / conditioned (rate)", "falls", 0.0, 0.5, "1",
           "Quirk 2002 Learn Mem 9:402; Milad & Quirk 2002 Nature 420:70", False,
           lambda: fear_story()["recall_b"] / fear_story()["conditioned"]),
    Target("amygdala", "renewal: fear in A / in B after extinction in B (rate)", "renewal (ABA)", 2.0, math.inf,
           "1", _VL + "; Bouton 2004 Learn Mem 11:485", False,
           lambda: fear_story()["renewal_a"] / max(fear_story()["recall_b"], 0.05)),
    Target("amygdala", "BA extinction-neuron cue rate in B, after / before extinction (rate)", "rises", 2.0,
           math.inf, "1", _VL, False, lambda: fear_story()["ext_b"] / fear_story()["ext_before"]),
    Target("amygdala", "BA fear-neuron cue rate after extinction, in A / in B (rate)", "higher in A", 1.2,
           math.inf, "1", _VL, False, lambda: fear_story()["fear_a"] / fear_story()["fear_b"]),
    Target("amygdala", "BA extinction / fear neuron cue rate in A after extinction (rate)", "< 1", 0.0, 0.5,
           "1", _VL, False, lambda: fear_story()["ext_a"] / fear_story()["fear_a"]),
    Target("amygdala", "renewal: fear in A / in B after extinction in B (spiking)", "renewal (ABA)", 2.0,
           math.inf, "1", _VL, False,
           lambda: fear_story("spiking")["renewal_a"] / max(fear_story("spiking")["recall_b"], 0.05)),
    Target("amygdala", "spontaneous recovery: fear 10 d after extinction / before (rate)", "~1 by day 10", 0.7,
           1.3, "1", "Quirk 2002 Learn Mem 9:402", True,
           lambda: fear_story()["late_b"] / fear_story()["late_before"]),
    Target("amygdala", "OXTR agonist (saturating): spontaneous CeM rate, with / without", "lowers", 0.0, 0.8, "1",
           "Huber, Veinante & Stoop 2005 Science 308:245", False,
           lambda: drive_ratio("response_oxtr", agonist_signal("response_oxtr"), P.CEM)),
    Target("amygdala", "5-HT2A agonist (saturating): LA interneuron rate, with / without", "raises", 1.02, math.inf,
           "1", "Bocchio et al. 2015 Neuropsychopharmacology 40:3015", False,
           lambda: drive_ratio("response_5ht2a", agonist_signal("response_5ht2a"), P.LA_PV)),
    Target("amygdala", "5-HT2A agonist (saturating): LA principal rate (via interneurons), with / without", "lowers",
           0.0, 0.95, "1", "Bocchio et al. 2015; Rainnie 1999 J Neurophysiol 82:69", False,
           lambda: drive_ratio("response_5ht2a", agonist_signal("response_5ht2a"), P.LA_PC)),
    Target("amygdala", "alpha2 agonist (saturating): spontaneous LA principal rate, with / without", "lowers", 0.0,
           0.9, "1", "Buffalari & Grace 2007 J Neurosci 27:12358", False,
           lambda: drive_ratio("response_alpha2", agonist_signal("response_alpha2"), P.LA_PC)),
    Target("amygdala", "MDMA 125 mg, beta response at 1.5 h: cue-evoked LA principal rise, with / without",
           "raises", 1.1, math.inf, "1", "Buffalari & Grace 2007 J Neurosci 27:12358", False,
           lambda: evoked_ratio("response_beta", mdma_signal("response_beta"), P.LA_PC)),
)
