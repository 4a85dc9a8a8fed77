"""Dopamine (DA) terminal in the striatum (equations: terminal.py).

Structure after Best, Nijhout & Reed 2009 Theor Biol Med Model 6:21 (TH with end-product inhibition,
VMAT2, MAO, DAT, D2 autoreceptors), simplified as terminal.py says. MDMA is a weak DAT substrate.
Extracellular 5-HT facilitates DA release in vivo (5-HT2 receptors; intrastriatal 5-HT facilitates DA
release, and fluoxetine reduces MDMA-evoked DA in vivo but not in slices: Koch & Galloway 1997 J
Neural Transm 104:135): exocytosis is multiplied by ``1 + g_facil E5HT / (E5HT + k_facil)``, reading
``serotonin.extracellular``. MDMA-evoked DA release is carrier-mediated (it survives the loss of firing:
(+)-MDMA releases DA from striatal slices, Koch & Galloway 1997): MDMA inside the terminal moves DA from
the vesicles to the cytosol (``g_vesicle``) and DAT carries it out (``k_efflux``); tests check that the
evoked rise survives with exocytosis removed. Human and rat share these values.
"""

from __future__ import annotations

from sim.kinetics import terminal
from sim.kinetics.transporters import TRANSPORTERS

SEROTONIN_BASELINE_UM = 0.0008
BASELINE = terminal.Baseline(
    ec=0.01,         # 10 nM: middle of the striatal dialysate range 5-20 nM (docs/targets.md)
    cyt=0.5,
    ves=300.0,       # ~60 uM tissue DA (~10 ug/g striatum) / extracellular volume fraction 0.2
    synthesis=75.0,  # ~0.25 of the store per hour (striatal DA turnover; check)
    vmat=822.0,      # exocytosis (~722 uM/h, mostly recaptured) + a leak of 100 uM/h
    other_clearance=0.05,
    facilitator=SEROTONIN_BASELINE_UM,
)
BASELINE_SOURCE = ("assumed: extracellular 10 nM (dialysate 5-20 nM), store ~300 uM ECS-equivalent, turnover "
                   "~0.25/h; see dopamine.BASELINE")

_DAT = TRANSPORTERS["dat"]
GIVEN = {
    "vmax_t": (_DAT.vmax, _DAT.source),
    "km_t": (_DAT.km, _DAT.source),
    "k_fb": (0.5, "assumed: TH end-product inhibition half-maximal near the basal cytosolic level (Best et al. "
                  "2009 use catechol feedback on TH)"),
    "km_vmat": (1.4, "assumed: VMAT2 Km for DA ~1-1.5 uM (Erickson et al. 1992; check)"),
    "km_mao": (200.0, "assumed: MAO Km for DA ~0.2 mM (Best et al. 2009; check)"),
    "ka_term": (0.01, "assumed: D2 autoreceptor half-effect at the basal level"),
    "ka_soma": (0.01, "assumed: somatodendritic D2 half-activation at the basal level"),
    "g_soma": (1.0, "assumed: D2 feedback can halve DA-neuron firing"),
    "tau_auto": (0.1, "assumed: ~6 min"),
    "efflux_hill": (1.0, "assumed: proportional to releaser occupancy; the second order of "
                         "norepinephrine.efflux_hill (sim/kinetics/transporters.py) is not applied to DAT: its rows "
                         "were calibrated with order 1"),
    "k_efflux": (12800.0, "calibrated: Koch & Galloway 1997 (501 % striatal DA after (+)-MDMA i.v.; that row is "
                         "marked fitted), with MDMA's Pifl 2005 DAT EC50: in 2x steps, the step nearest 501 % "
                         "(6400: 333 %; 12800: 438 %; 25600: 584 %, where 5-HT/DA after 1 mg/kg would also fall "
                         "to 1.20, against Baumann 2008's 5-HT > DA); tools/rat_rows_sensitivity.py"),
    "g_vesicle": (30.0, "assumed: amphetamine-type releasers collapse the vesicular pH gradient and DA moves from "
                        "vesicles to cytosol, the pool DAT reverses (Sulzer et al. 2005 Prog Neurobiol 75:406); "
                        "(+)-MDMA releases DA from striatal slices, where neurons do not fire (Koch & Galloway "
                        "1997). At the 5-HT terminal's value (1) MDMA-evoked DA was all exocytotic"),
    "k_enz_inact": (0.0, "assumed: no lasting TH inactivation after MDMA in rats (Stone et al. 1989 JPET 249:177)"),
    "enz_half_life": (72.0, "unused (no inactivation)"),
    "g_facil": (4.0, "calibrated: Koch & Galloway 1997 (ratio of MDMA-evoked DA with/without fluoxetine, "
                     "375 %/501 %); that validation row is marked fitted"),
    "k_facil": (0.01, "assumed: half-maximal facilitation at ~10 nM 5-HT (~12x basal)"),
    "k_desens": (0.0, "assumed: D2 autoreceptor desensitisation not modelled (no data used)"),
    "desens_half_life": (168.0, "unused (k_desens = 0)"),
}


def mechanism(species: str, drug_inputs) -> terminal.Mechanism:
    fixed = terminal.fixed_parameters(BASELINE, GIVEN, BASELINE_SOURCE)
    return terminal.build("dopamine", "dopamine", species, fixed, BASELINE, "dat", None, drug_inputs,
                          facilitator="serotonin.extracellular",
                          description=f"{species} striatal DA terminal (TH, VMAT2, DAT, MAO, D2)")
