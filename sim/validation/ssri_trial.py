"""``sim validate ssri_trial``: a trial the model was not fitted to, exposure therapy with an SSRI.

PROGrESS (Rauch et al. 2019 JAMA Psychiatry 76:117) randomised veterans with PTSD to prolonged exposure
(PE, up to thirteen 90-min sessions) plus placebo, PE plus sertraline, or sertraline alone, for 24 weeks;
207 were analysed, about 69 per arm. PTSD severity fell in every arm and neither the slopes nor the
week-24 severity differed between the arms: sertraline added nothing measurable to PE.

``experiments/pe_sertraline_trial.toml`` runs the two PE arms through the whole model (sertraline and
desmethylsertraline PK, chronic SERT blockade with autoreceptor desensitisation, the amygdala's learning,
the outcome map fitted on MAPP1's placebo arm only). No parameter was fitted to this trial, so the row is
a prediction. Band: Cohen's d of the between-arm difference in CAPS change within the 95 % interval a
trial of PROGrESS's size would give around no difference, +/- 1.96 sqrt(2 / 69) (Hedges & Olkin 1985: the
standard error of d is sqrt((n1 + n2) / (n1 n2) + d^2 / (2 (n1 + n2))), at d = 0 and n1 = n2 = 69),
unrounded. The model's d comes from 1,000 virtual patients per arm (as the MAPP rows): each arm draws its
own individual course (``outcomes.sigma``), so at 100 per arm the model's own d would carry a sampling
error (+/- 1.96 sqrt(2 / 100)) as wide as the band.

Where the model's SSRI effect comes from. Sertraline reaches the fear circuit only through serotonin: chronic
SERT blockade raises extracellular 5-HT at every exposure session, and three routes can turn that into
stronger extinction: the 5-HT2A -> BDNF/TrkB plasticity state (the route that carries MDMA's advantage;
chronic fluoxetine with extinction engages BDNF-dependent plasticity in the mouse BLA, Karpova et al. 2011
Science 334:1731), 5-HT1A damping of BLA principal cells, and the glucocorticoid strengthening of
consolidation through the HPA drive of 5-HT1A and 5-HT2A signals (:mod:`sim.kinetics.endocrine`). The
last no longer counts under daily dosing: the HPA axis adapts to a lasting drive (``endocrine.
adapt_half_life``), as randomised human studies of daily escitalopram show (all-day cortisol unchanged at 6
days, Ronaldson et al. 2018 Psychopharmacology 235:3415; lower than placebo's at 4 weeks, Knorr et al. 2012
Psychiatry Res 200:354; ``sim validate endocrine``). Switching all three routes off (``[protocol]
bdnf_route``, ``cortisol``, ``ht1a_damping``) removes the arms' difference; the BDNF route carries most of
what is left. Adaptations to chronic SSRIs still missing, read as abstracts: cortical 5-HT2A binding falls
only ~10 % after 6 weeks of paroxetine in patients aged 20-30 and not at 30-40 (Meyer et al. 2001 Am J
Psychiatry 158:78; PROGrESS's mean age was 34.5), too little to remove the BDNF route; chronic citalopram
impairs extinction learning in rats through NR2B loss in the amygdala (Burghardt et al. 2013 Biol Psychiatry
73:1078; check), a route of the other sign that the model does not have.

Not a row: prior SSRI use before MDMA-assisted therapy. Feduccia et al. 2021 Psychopharmacology 238:581
pooled the MDMA arms (75-125 mg) of four phase 2 trials and compared participants who had tapered an
antidepressant that blocks reuptake before enrolling (n = 16) with those who had not (n = 34): at the primary
endpoint CAPS-IV total 70.3 (SD 33.6) against 45.7 (27.2), p = 0.009 (d ~0.8), and 25.0 % against 63.6 % no
longer meeting the diagnosis. The model cannot make this comparison: a washed-out SSRI (``[protocol]
ssri_washout``, the default, as MAPP1 and MAPP2 required) is assumed gone, so it predicts no difference, and
the slow state a chronic SSRI leaves in the model, the 5-HT1A autoreceptor's desensitisation (half-life
~3.5 days, :mod:`sim.kinetics.serotonin`), would be nearly gone after a taper and points the other way (less
autoinhibition, more release). The model's only route by which an SSRI lowers MDMA's benefit is SERT blocked
during the sessions (``ssri_washout = false``), which shrinks the predicted advantage: the direction
Feduccia reports, but for patients who keep taking the drug, not for those who stopped. A lasting effect of a
taper would need a state that outlasts the drug, e.g. a fall in SERT density under chronic SSRI (Benmansour
et al. 1999 J Neurosci 19:10494, rat; its recovery after stopping is the number needed), which the model does
not have. The comparison is also not randomised: who had been prescribed an SSRI, and who tapered one, may
differ in course and severity. And its data come from the phase 2 programme whose pooled analysis (Mithoefer
et al. 2019) was retracted; the paper's own status should be checked before it becomes a target.
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


_HALF = 1.96 * math.sqrt(2.0 / N_PER_ARM)
SSRI_TRIAL_TARGETS = (
    Target("ssri_trial", "Cohen's d, PE + sertraline vs PE + placebo (CAPS change, 24 weeks)",
           "no difference", -_HALF, _HALF, "1", RAUCH, False, _d),
)
