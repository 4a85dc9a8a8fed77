"""Fear conditioning and extinction: a prediction-error rule on pathway weights, with a plasticity state.

Each plastic pathway ``k`` (:data:`sim.amygdala.params.PLASTIC`) has a multiplier
``w_k = 1 + S_k + L_k``: a stable part ``S`` and a labile part ``L``. After each trial::

    fear pathways (CS->LA, LA->BA_fear, context->BA_fear), CS paired with the US:
        dL_k = eta_fear * M * us * pre_k * (w_max - w_k)
    a CS without the US is a prediction error (gated: G); a share eps(J) of it updates the fear memory
    itself and the rest teaches a new extinction memory, eps(J) = J+ / (1 + J+):
    extinction pathways (LA->BA_ext, context->BA_ext, IL->ITC), new learning:
        dL_k = eta_ext * M * G * (1 - us) * pre_k * (w_max - w_k) * (1 - eps(J))
    fear pathways, erasure (depotentiation of the CS-US association at its own learning rate):
        dL_k = -eta_fear * M * G * (1 - us) * pre_k * (w_k - 1) * eps(J)
    G = V / (1 + (a / a_half)^2)
    V = expected outcome: the fear memory's prediction of the US given the CS and the context, read
        from the learned weights (the cue response of BA fear neurons of the same circuit WITHOUT
        neuromodulation, relative to the untreated conditioned one); omitting the predicted US is the
        prediction error that teaches extinction (Rescorla & Wagner 1972; the US omission signal of
        extinction, Milad & Quirk 2012 Annu Rev Psychol 63:129)
    a = arousal: the trial's expressed fear response (CeM cue response with the drug, 1 = untreated)

J is the juvenile-like state of the circuit (below); eps is the share of the omission assigned to the
fear memory rather than to a new memory (the latent-cause account of extinction: Gershman, Blei & Niv
2010 Psychol Rev 117:197); both shares are driven by the one prediction error V, so learning stops,
whichever memory learned, once the CS no longer predicts the US (Rescorla & Wagner 1972). In the adult
state (eps ~ 0) extinction is new learning, partly bound to the context it was learned in, while the
CS-US association is kept: fear returns with time and in the conditioning context (Bouton 2004 Learn Mem
11:485). In a high plasticity state extinction unlearns the association itself, and what is unlearned is
gone in every context: juvenile rats extinguish by unlearning, with no renewal or reinstatement (Kim &
Richardson 2008 J Neurosci 28:1282); juvenile extinction erases fear, and adult extinction does once
perineuronal nets are removed (Gogolla et al. 2009 Science 325:1258); extinction can reverse the
conditioning-induced potentiation of CS->LA synapses (Lin et al. 2003 J Neurosci 23:1574; Mao, Hsiao &
Gean 2006 J Neurosci 26:8892; Kim et al. 2007 PNAS 104:20955). The association is unlearned at the rate
it is learned (eta_fear: the same synapses, potentiated by the US, depotentiated by its omission), so
extinction by unlearning alone (eps = 1) lowers the expressed fear within a session about as fast as
adult extinction by new learning does, as juvenile and adult rats extinguish alike within a session (Kim
& Richardson 2008; tests/test_amygdala.py checks this).

Expression and learning are separate: a drug that damps fear expression (5-HT1A on BLA principal
cells, oxytocin on CeL) lowers a without lowering V, so it widens the window of tolerance and the
same exposure teaches more; an overwhelming exposure (a >> a_half) teaches little. A cue that
predicts nothing (naive weights, V = 0) teaches nothing. Contextual fear pathways learn at
``eta_context`` times the rate; extinction's contextual pathways at the full rate (Bouton 2004).
``omission_scale`` (1 in rodents) scales what an omitted US teaches, in both of its shares: a subject who
extinguishes slowly (humans relative to rodents, :data:`sim.protocol.EXTINCTION_SCALE`) also unlearns slowly,
since unlearning is calibrated to extinguish as fast as new learning does in the same subject. Patients with
PTSD extinguish within a session as trauma-exposed controls do and retain less (Milad et al. 2009 Biol
Psychiatry 66:1075): their lower ``kappa_ext`` is derived from that in :mod:`sim.amygdala.deficit`.
``pre`` is the presynaptic activity: CS level for the cue pathways, CS x context for contextual
ones (Vlachos et al. 2011), CS x IL level for IL->ITC (IL/vmPFC learns only when it is engaged
during exposure; Milad & Quirk 2002 Nature 420:70). ``M`` is the neuromodulatory learning gain.

Plasticity state B (BDNF/TrkB signalling above baseline, dimensionless), juvenile-like state J and
consolidation::

    dB/dt = (k_bdnf * s(t) + k_trkb * theta(t) - B) / tau_bdnf
    dJ/dt = (k_trkb * theta(t) - J) / tau_juvenile
        s = change of 5-HT2A activation from the pre-dose value
        theta = share of TrkB bound by drugs that bind it directly (occupancy_trkb, sim/receptors/trkb.py)
    P = B + k_cortisol * c(t),                 c = fold rise of plasma cortisol over its pre-dose value
                                               (rises only: the circadian fall after a morning dose is no drug effect)
    between trials: f = 1 - exp(-dt / tau_consolidation);  S += kappa * f * L;  L *= (1 - f)
        kappa_fear = 1;  kappa_ext(P) = clip(1 - (1 - kappa_ext) exp(-P), 0, 1)
    extinction pathways only: S *= exp(-dt / tau_forget_ext)   (spontaneous recovery)

so serotonergic 5-HT2A drive and glucocorticoids strengthen the consolidation of extinction (Young et
al. 2015: MDMA-enhanced extinction needs amygdala BDNF; de Quervain et al. 2011 PNAS 108:6621).
Antidepressants also raise B without serotonin: they bind TrkB directly and potentiate BDNF signalling
(Casarotto et al. 2021 Cell 184:1299), which the pipeline delivers as theta (which drug binds, its K_d
and brain accumulation are drug-library data); ``k_trkb = 0`` removes that route (its ablation).
Sustained, that binding opens the juvenile-like state J in which extinction unlearns the fear memory
itself (eps; Karpova et al. 2011 Science 334:1731: chronic fluoxetine plus extinction erases fear, no
spontaneous recovery or renewal). J is a remodelling of the circuit (dematuration of parvalbumin
interneurons and their perineuronal nets) that weeks of treatment bring about (Karpova 2011: two to
three weeks of fluoxetine; Maya Vetencourt et al. 2008 Science 320:385: four weeks reopen visual-cortex
plasticity), and it needs the drug's binding to TrkB: fluoxetine does not reopen plasticity in mice
whose TrkB cannot bind it although it still blocks SERT (Casarotto 2021), so serotonin's 5-HT2A route
into B does not drive J. A single drug session moves J little; drugs without reported TrkB binding
(MDMA, sertraline in the library) leave it at 0. Consolidating extinction needs TrkB signalling at all
(a dominant-negative TrkB in the amygdala blocks it, Chhatwal et al. 2006 Nat Neurosci 9:870): a TrkB
block holds B and J at 0 and kappa_ext at 0, while ``k_bdnf = 0`` removes only the 5-HT2A route into B
(the ablation of the trial). The fear memory does not fade (only unlearning lowers it); extinction
memory fades, so fear returns with time (Quirk 2002) and in another context (renewal).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.amygdala import params as P

FEAR = np.isin(np.arange(P.N_PLASTIC), P.FEAR_PATHWAYS)
EXT = np.isin(np.arange(P.N_PLASTIC), P.EXTINCTION_PATHWAYS)


@dataclass(frozen=True)
class Rule:
    eta_fear: float
    eta_ext: float
    w_max: float
    arousal_half: float
    tau_consolidation: float
    kappa_fear: float
    kappa_ext: float
    tau_forget_ext: float
    eta_context: float
    tau_bdnf: float
    tau_juvenile: float
    k_bdnf: float
    k_trkb: float
    k_cortisol: float
    il_learning: bool = True     # False: the IL->ITC pathway does not learn (ablation)
    omission_scale: float = 1.0  # how well the subject learns from an omitted US, in both of its shares (patients)
    trkb_block: bool = False     # True: TrkB/BDNF block: B held at 0, extinction does not consolidate

    @classmethod
    def default(cls, **overrides):
        vals = {k: p.value for k, p in P.PLASTICITY.items()}
        vals.update(overrides)
        return cls(**vals)


def extinction_gate(expectation, arousal, a_half):
    """G = V / (1 + (a / a_half)^2): grows with the expected outcome V, falls with overwhelming arousal a."""
    e = np.maximum(np.asarray(expectation, float), 0.0)
    a = np.maximum(np.asarray(arousal, float), 0.0)
    return e / (1.0 + (a / a_half) ** 2)


def presynaptic(cs, context_a, context_b, il):
    """(E, plastic) presynaptic activity per pathway from the trial's inputs (each (E,) or scalar)."""
    cs, ca, cb, il = (np.atleast_1d(np.asarray(x, float)) for x in (cs, context_a, context_b, il))
    cs, ca, cb, il = np.broadcast_arrays(cs, ca, cb, il)
    pre = np.empty(cs.shape + (P.N_PLASTIC,))
    pre[:, P.W_CS_LA] = cs
    pre[:, P.W_LA_FEAR] = cs
    pre[:, P.W_LA_EXT] = cs
    pre[:, P.W_CTXA_FEAR] = cs * ca
    pre[:, P.W_CTXB_FEAR] = cs * cb
    pre[:, P.W_CTXA_EXT] = cs * ca
    pre[:, P.W_CTXB_EXT] = cs * cb
    pre[:, P.W_IL_ITC] = cs * il
    return pre


def erasure(juvenile):
    """eps(J) = J+ / (1 + J+): the share of an extinction event's prediction error that updates the fear memory
    (depotentiates the fear pathways) rather than teaching the extinction pathways."""
    j = np.maximum(np.asarray(juvenile, float), 0.0)
    return j / (1.0 + j)


def learn(stable, labile, pre, us, expectation, arousal, learn_gain, rule: Rule, juvenile=0.0):
    """New labile weights after one trial; arrays (E, plastic); us, expectation, arousal, learn_gain and
    the juvenile-like state J (E,) or scalars."""
    w = 1.0 + stable + labile
    n = w.shape[0]
    us = np.broadcast_to(np.asarray(us, float), (n,))[:, None]
    m = np.broadcast_to(np.asarray(learn_gain, float), (n,))[:, None]
    eta_scale = np.ones(P.N_PLASTIC)
    eta_scale[[P.W_CTXA_FEAR, P.W_CTXB_FEAR]] = rule.eta_context
    if not rule.il_learning:
        eta_scale[P.W_IL_ITC] = 0.0
    room = np.maximum(rule.w_max - w, 0.0)
    gate = np.broadcast_to(extinction_gate(expectation, arousal, rule.arousal_half), (n,))[:, None]
    eps = np.broadcast_to(erasure(0.0 if rule.trkb_block else juvenile), (n,))[:, None]
    d_fear = rule.eta_fear * m * us * pre * room * FEAR
    omission = rule.omission_scale * m * gate * (1.0 - us) * pre
    d_ext = rule.eta_ext * omission * (1.0 - eps) * room * EXT
    d_erase = -rule.eta_fear * omission * eps * np.maximum(w - 1.0, 0.0) * FEAR
    return labile + eta_scale * (d_fear + d_ext + d_erase)


def kappa(state, rule: Rule):
    """(E, plastic) consolidated share of the labile weights at plasticity state P (E,)."""
    p = np.atleast_1d(np.asarray(state, float))[:, None]
    k_ext = np.clip(1.0 - (1.0 - rule.kappa_ext) * np.exp(-p), 0.0, 1.0)
    if rule.trkb_block:
        k_ext = np.zeros_like(k_ext)
    return np.where(FEAR, rule.kappa_fear, k_ext)


def elapse(stable, labile, dt_h, rule: Rule, state=0.0):
    """Consolidate and forget over a gap of ``dt_h`` hours at plasticity state ``state`` (P, (E,) or a
    scalar, constant over the gap); returns (stable, labile)."""
    if dt_h <= 0:
        return stable, labile
    f = 1.0 - np.exp(-dt_h / rule.tau_consolidation)
    stable = stable + kappa(np.broadcast_to(state, (stable.shape[0],)), rule) * f * labile
    labile = labile * (1.0 - f)
    stable = np.where(EXT, stable * np.exp(-dt_h / rule.tau_forget_ext), stable)
    return stable, labile


def _bdnf_target(drive_5ht2a, trkb, rule: Rule):
    return rule.k_bdnf * np.asarray(drive_5ht2a, float) + rule.k_trkb * np.asarray(trkb, float)


def bdnf_step(bdnf, drive_5ht2a, dt_h, rule: Rule, trkb=0.0):
    """B after ``dt_h`` hours with the 5-HT2A change ``drive_5ht2a`` and the TrkB occupancy ``trkb`` (E,) or
    scalars held constant (exact)."""
    if rule.trkb_block:
        return np.zeros_like(np.asarray(bdnf, float))
    target = _bdnf_target(drive_5ht2a, trkb, rule)
    return target + (bdnf - target) * np.exp(-dt_h / rule.tau_bdnf)


def juvenile_step(juvenile, dt_h, rule: Rule, trkb=0.0):
    """J after ``dt_h`` hours from J = ``juvenile`` with the TrkB occupancy ``trkb`` (E,) or scalars held constant
    (exact): J relaxes to k_trkb * theta over tau_juvenile."""
    if rule.trkb_block:
        return np.zeros_like(np.asarray(juvenile, float))
    target = rule.k_trkb * np.asarray(trkb, float)
    return target + (juvenile - target) * np.exp(-dt_h / rule.tau_juvenile)


def weights(stable, labile):
    return 1.0 + stable + labile
