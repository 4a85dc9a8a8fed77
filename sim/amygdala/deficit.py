"""Where the patients' extinction deficit sits: learning rule parameters from measured PTSD / control ratios.

Laboratory studies of PTSD compare patients with trauma-exposed controls in a two-day paradigm (Milad et
al. 2009 Biol Psychiatry 66:1075; Milad et al. 2008 J Psychiatr Res 42:515): conditioning (context A) and
extinction (context B) on day 1, extinction recall (B) on day 2. Two measures separate the two places a
deficit can sit:

    within-session extinction  X = 1 - late / early        (drop of the CS+ response during extinction,
                                                             early: first two CS, late: last two CS)
    extinction retention index ERI = 1 - recall / conditioned   (Milad 2009: 100 - recall SCR as a
                                                             percentage of the largest conditioning SCR)

Their PTSD / control ratios (``learning_ratio`` = X_PTSD / X_control, ``retention_ratio`` = ERI_PTSD /
ERI_control) are data (values, sources and status: :data:`sim.protocol.PTSD_LEARNING_RATIO`,
:data:`sim.protocol.PTSD_RETENTION_RATIO`). The rule has one parameter for each place: ``omission_scale``
(how much an omitted US teaches within the session) and ``kappa_ext`` (the consolidated share of the
session's extinction, :mod:`sim.amygdala.plasticity`). Controls keep the human extinction rate
(``control_scale``, :data:`sim.protocol.EXTINCTION_SCALE`) and the rule's baseline ``kappa_ext``; the patients'
two parameters are solved so that the model, run through the same paradigm without a drug, reproduces both
measured ratios: first ``omission_scale`` from X (recall does not enter it), then ``kappa_ext`` from the ERI
with that rate. The solution is a calibration on the laboratory rows (``sim validate extinction`` marks them
fitted), not on any trial outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from scipy.optimize import brentq

CONDITIONING_CS = 5      # CS-US pairings on day 1 (Milad 2009 used partial reinforcement; assumed 5 paired)
EXTINCTION_CS = 10       # CS+ alone in extinction on day 1 (assumed order of the paradigm)
EXTINCTION_START_H = 0.25  # extinction follows conditioning on the same day (Milad 2009: day 1)
ITI_S = 20.0             # inter-trial interval of human paradigms (s, as the Vizeli row)
RECALL_DELAY_H = 24.0    # recall test the next day
RECALL_CS = 2            # the ERI uses the first CS+ trials of recall (Milad 2009: first two)


@dataclass(frozen=True)
class Paradigm:
    """The model's readout of the two-day paradigm: conditioned response, extinction early / late, recall."""
    conditioned: float
    early: float
    late: float
    recall: float

    @property
    def within(self) -> float:
        """Within-session extinction X = 1 - late / early."""
        return 1.0 - self.late / self.early

    @property
    def eri(self) -> float:
        """Extinction retention index ERI = 1 - recall / conditioned."""
        return 1.0 - self.recall / self.conditioned


@cache
def paradigm(omission_scale: float, kappa_ext: float) -> Paradigm:
    """Run the two-day paradigm drug-free on the rate amygdala with the rule's defaults except the two."""
    from sim.amygdala import RateModel, conditioning, extinction, probe, run_trials
    from sim.amygdala.plasticity import Rule

    t0 = EXTINCTION_START_H
    trials = (conditioning(CONDITIONING_CS, 0.0, "A", iti_s=ITI_S)
              + extinction(EXTINCTION_CS, t0, "B", iti_s=ITI_S) + probe(t0 + RECALL_DELAY_H, "B", n=RECALL_CS))
    rule = Rule.default(omission_scale=omission_scale, kappa_ext=kappa_ext)
    fr = run_trials(RateModel(), trials, rule=rule).fear_response[0]
    c, e = CONDITIONING_CS, CONDITIONING_CS + EXTINCTION_CS
    return Paradigm(float(fr[c - 1]), float(fr[c:c + 2].mean()), float(fr[e - 2:e].mean()),
                    float(fr[e:e + RECALL_CS].mean()))


def control_kappa() -> float:
    """The consolidated share of extinction of a person without PTSD: the rule's baseline ``kappa_ext``."""
    from sim.amygdala.params import PLASTICITY

    return PLASTICITY["kappa_ext"].value


@cache
def patient_rule(learning_ratio: float, retention_ratio: float, control_scale: float) -> tuple[float, float]:
    """(omission_scale, kappa_ext) of the patients such that the paradigm's X and ERI, patients over
    controls, equal ``learning_ratio`` and ``retention_ratio``. Raises ValueError where no value in [0, 1]
    reproduces a ratio (the model cannot represent it)."""
    k_c = control_kappa()
    ctrl = paradigm(control_scale, k_c)
    if learning_ratio == 1.0:
        scale = control_scale
    else:
        def f_x(s):
            return paradigm(s, k_c).within - learning_ratio * ctrl.within
        if f_x(1e-6) * f_x(1.0) > 0:
            raise ValueError(f"no extinction rate in (0, 1] gives a within-session ratio of {learning_ratio}")
        scale = brentq(f_x, 1e-6, 1.0, xtol=1e-6)
    if retention_ratio == 1.0 and scale == control_scale:
        return float(scale), k_c

    def f_r(k):
        return paradigm(scale, k).eri - retention_ratio * ctrl.eri
    if f_r(0.0) * f_r(1.0) > 0:
        raise ValueError(f"no kappa_ext in [0, 1] gives a retention ratio of {retention_ratio} at rate {scale:.4g}")
    return float(scale), float(brentq(f_r, 0.0, 1.0, xtol=1e-6))
