"""Norepinephrine (NE) terminal in the forebrain (cortex/hippocampus; equations: terminal.py).

Same structure as the DA terminal (TH with end-product inhibition; dopamine beta-hydroxylase lumped
into synthesis), with NET, alpha2 terminal and somatodendritic (locus coeruleus) autoreceptors.
MDMA is a potent NET substrate. NET reverse transport is of second order in releaser occupancy
(``efflux_hill`` = 2; sim/kinetics/transporters.py), so the NE excess falls faster than MDMA does: after a
dose it is near baseline by the next day while MDMA is still in plasma. Human and rat share these values.
"""

from __future__ import annotations

from sim.kinetics import terminal
from sim.kinetics.transporters import TRANSPORTERS

BASELINE = terminal.Baseline(
    ec=0.001,       # 1 nM: middle of the dialysate range 0.5-2 nM (docs/targets.md, check)
    cyt=0.05,
    ves=10.0,       # ~2 uM tissue NE (~0.35 ug/g cortex) / extracellular volume fraction 0.2
    synthesis=3.0,
    vmat=5.0,
    other_clearance=0.2,
)
BASELINE_SOURCE = ("assumed: extracellular 1 nM (dialysate 0.5-2 nM), store ~10 uM ECS-equivalent; see "
                   "norepinephrine.BASELINE")

_NET = TRANSPORTERS["net"]
GIVEN = {
    "vmax_t": (_NET.vmax, _NET.source),
    "km_t": (_NET.km, _NET.source),
    "k_fb": (0.05, "assumed: TH end-product inhibition half-maximal at the basal cytosolic level"),
    "km_vmat": (2.0, "assumed: VMAT2 Km for NE ~2 uM (check)"),
    "km_mao": (200.0, "assumed: as DA"),
    "ka_term": (0.001, "assumed: alpha2 half-effect at the basal level"),
    "ka_soma": (0.001, "assumed: locus coeruleus alpha2 half-activation at the basal level"),
    "g_soma": (1.0, "assumed"),
    "tau_auto": (0.1, "assumed: ~6 min"),
    "efflux_hill": (2.0, "assumed: second order in releaser occupancy, from the mechanism of releaser-induced "
                           "efflux (the releaser carried in, and the intracellular Na+ its inward current supplies, "
                           "each proportional to occupancy; Khoshbouei et al. 2003 J Biol Chem 278:12070; Sitte & "
                           "Freissmuth 2015 Trends Pharmacol Sci 36:41; sim/kinetics/transporters.py); not scanned "
                           "against any row"),
    "k_efflux": (2500.0, "calibrated: the smallest of 1500, 2000, 2500, 3000 /h (order efflux_hill) for which the "
                          "SBP rise after 75 mg (band 32-48 mmHg, needs it high) and carvedilol's temperature ratio "
                          "(band <= 0.8, needs it low) both hold, with d50_hr and emax_sbp refitted to the 125 mg "
                          "peaks (tools/calibrate_physiology.py); both rows are marked fitted"),
    "g_vesicle": (1.0, "assumed: as the 5-HT terminal"),
    "k_enz_inact": (0.0, "assumed: no lasting TH inactivation"),
    "enz_half_life": (72.0, "unused (no inactivation)"),
    "g_facil": (0.0, "no facilitation modelled for NE"),
    "k_facil": (1.0, "unused (g_facil = 0)"),
    "k_desens": (0.0, "assumed: alpha2 autoreceptor desensitisation not modelled (no data used)"),
    "desens_half_life": (168.0, "unused (k_desens = 0)"),
}


def mechanism(species: str, drug_inputs) -> terminal.Mechanism:
    fixed = terminal.fixed_parameters(BASELINE, GIVEN, BASELINE_SOURCE)
    return terminal.build("norepinephrine", "norepinephrine", species, fixed, BASELINE, "net", None, drug_inputs,
                          description=f"{species} forebrain NE terminal (TH, VMAT2, NET, MAO, alpha2)")
