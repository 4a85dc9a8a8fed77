"""Fear conditioning and extinction: an explicit three-factor rule on pathway weights, with consolidation.

Each plastic pathway ``k`` (:data:`sim.amygdala.params.PLASTIC`) has a multiplier
``w_k = 1 + S_k + L_k``: a stable part ``S`` and a labile part ``L``. After each trial::

    fear pathways (CS->LA, LA->BA_fear, context->BA_fear), CS paired with the US:
        dL_k = eta_fear * M * us * pre_k * (w_max - w_k)
    extinction pathways (LA->BA_ext, context->BA_ext, IL->ITC), CS without the US:
        dL_k = eta_ext * M * G * (1 - us) * pre_k * (w_max - w_k)
    G = e / (1 + (a / a_half)^2)
    e = retrieval: the cue response of BA fear neurons relative to the untreated conditioned one
    a = arousal: the trial's fear response (CeM cue response, 1 = untreated)

Contextual fear pathways learn at ``eta_context`` times the rate (cued conditioning is mostly
cue-specific); extinction's contextual pathways at the full rate (extinction is context
dependent, Bouton 2004). ``pre`` is the presynaptic activity: CS level for the cue pathways, CS x context for contextual
ones (coincidence of CS and context on BA afferents, Vlachos et al. 2011), CS x IL level for
IL->ITC. ``M`` is the neuromodulatory learning gain (:mod:`sim.amygdala.drive`). The US acts as
the teaching signal of conditioning (Johansen et al. 2010 PNAS 107:12692); extinction is driven by
the cue arriving without the US it predicts, in proportion to how strongly it retrieves the fear
memory: a cue that retrieves nothing teaches nothing (e = 0), and an overwhelming output (a >>
a_half) teaches little. Since e and a rise together with the strength of an exposure, learning is
an inverted U of it (Yerkes-Dodson; the seed's "revisiting trauma without being overwhelmed"):
drive that damps the output (a) more than the retrieval (e) helps extinction.

Between trials (any gap dt, hours) the labile part consolidates and fades::

    f = 1 - exp(-dt / tau_consolidation);  S += kappa * f * L;  L *= (1 - f)
    extinction pathways only: S *= exp(-dt / tau_forget_ext)   (spontaneous recovery)

Fear memory is kept (kappa_fear = 1, no forgetting); extinction memory is partly consolidated
(kappa_ext) and fades over days, so fear returns with time (Quirk 2002) and in another context
(renewal, because contextual extinction pathways are context specific).
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

    @classmethod
    def default(cls, **overrides):
        vals = {k: p.value for k, p in P.PLASTICITY.items()}
        vals.update(overrides)
        return cls(**vals)


def extinction_gate(retrieval, arousal, a_half):
    """G = e / (1 + (a / a_half)^2): grows with retrieval e, falls with overwhelming arousal a."""
    e = np.maximum(np.asarray(retrieval, float), 0.0)
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


def learn(stable, labile, pre, us, retrieval, fear_response, learn_gain, rule: Rule):
    """New labile weights after one trial; arrays (E, plastic); us, retrieval, fear_response,
    learn_gain (E,)."""
    w = 1.0 + stable + labile
    us = np.asarray(us, float)[:, None]
    m = np.asarray(learn_gain, float)[:, None]
    eta_scale = np.ones(P.N_PLASTIC)
    eta_scale[[P.W_CTXA_FEAR, P.W_CTXB_FEAR]] = rule.eta_context
    room = np.maximum(rule.w_max - w, 0.0)
    gate = extinction_gate(retrieval, fear_response, rule.arousal_half)[:, None]
    d_fear = rule.eta_fear * m * us * pre * room * FEAR
    d_ext = rule.eta_ext * m * gate * (1.0 - us) * pre * room * EXT
    return labile + eta_scale * (d_fear + d_ext)


def elapse(stable, labile, dt_h, rule: Rule):
    """Consolidate and forget over a gap of ``dt_h`` hours; returns (stable, labile)."""
    if dt_h <= 0:
        return stable, labile
    f = 1.0 - np.exp(-dt_h / rule.tau_consolidation)
    kappa = np.where(FEAR, rule.kappa_fear, rule.kappa_ext)
    stable = stable + kappa * f * labile
    labile = labile * (1.0 - f)
    stable = np.where(EXT, stable * np.exp(-dt_h / rule.tau_forget_ext), stable)
    return stable, labile


def weights(stable, labile):
    return 1.0 + stable + labile
