"""Serotonin (5-HT) terminal in a forebrain terminal field (equations: terminal.py).

Structure after Best, Nijhout & Reed 2010 Theor Biol Med Model 7:34 (TPH synthesis, VMAT2, MAO,
SERT, 5-HT1B terminal and 5-HT1A somatodendritic autoreceptors), simplified as terminal.py says.
SERT carries MDMA and MDA in (reverse transport of 5-HT) and is blocked by SSRIs; 5-HT1A
antagonists (pindolol, WAY-100635) remove the feedback on raphe firing. MDMA inactivates TPH
(slow recovery), so 5-HT stores recover over days after a large dose.

Human and rat share these values and the drug potencies (no species-specific terminal data are used);
they differ in the PK (sim/kinetics/drugs/), so human exposure to MDMA lasts far longer than the rat's.
Human TPH inactivation: the constants are set from rat data at 10 mg/kg (~50 % loss of TPH activity,
which the model reproduces) and humans use them unchanged (``HUMAN_TPH``, status assumed). What supports
carrying them over, and what does not:
- TPH activity cannot be measured in living humans; no PET tracer of TPH, and no CSF 5-HIAA, plasma or
  PET measurement after a single controlled dose, was found. The human CSF 5-HIAA studies (Ricaurte et al.
  1990 Ann N Y Acad Sci 600:699; McCann et al. 1994 Neuropsychopharmacology 10:129) and the SERT-PET
  studies are of repeated recreational users weeks after use, and measure lasting terminal loss, not the
  acute, reversible enzyme inactivation modelled here: no validation row can be made of them.
- The mechanism (oxidation of TPH by the drug inside the terminal, Stone et al. 1989) acts through SERT
  substrate occupancy, which the model computes from human exposure and human-transporter potencies
  (Pifl et al. 2005), so the human prediction inherits the rat's rate constant, not the rat's exposure.
- Indirect human evidence is only qualitative: low mood and irritability some days after a dose
  (Curran & Travill 1997 Addiction 92:821) are consistent with lowered 5-HT stores but do not size them.
The human 5-HT store time course after MDMA (below baseline for days) is therefore an extrapolation.
"""

from __future__ import annotations

from sim.kinetics import terminal
from sim.kinetics.transporters import TRANSPORTERS
from sim.params import Parameter

BASELINE = terminal.Baseline(
    ec=0.0008,      # 0.8 nM: middle of the dialysate range 0.3-1.5 nM (docs/targets.md)
    cyt=0.05,       # small cytosolic pool (VMAT2 keeps it low)
    ves=10.0,       # store in extracellular-space terms: tissue 5-HT ~2 uM (~0.35 ug/g) / volume fraction 0.2
    synthesis=5.0,  # ~0.5 of the store per hour (5-HT turnover ~1-2 h, Neff & Tozer 1968; check)
    vmat=8.0,
    other_clearance=0.1,
)
BASELINE_SOURCE = ("assumed: extracellular 0.8 nM (dialysate 0.3-1.5 nM), store ~10 uM ECS-equivalent, turnover "
                   "~0.5/h; see serotonin.BASELINE")

_SERT = TRANSPORTERS["sert"]
GIVEN = {
    "vmax_t": (_SERT.vmax, _SERT.source),
    "km_t": (_SERT.km, _SERT.source),
    "k_fb": (1.0, "assumed: TPH is not product-inhibited at physiological 5-HT (Best et al. 2010); weak feedback"),
    "km_vmat": (0.9, "assumed: VMAT2 Km for 5-HT ~1 uM (Erickson et al. 1992 PNAS 89:10993; check)"),
    "km_mao": (95.0, "Best, Nijhout & Reed 2010 (MAO Km 95 uM; docs/targets.md)"),
    "ka_term": (0.00077, "Best, Nijhout & Reed 2010 (autoreceptor half-effect ~0.77 nM; docs/targets.md)"),
    "ka_soma": (0.0008, "assumed: 5-HT1A half-activation at the basal level"),
    "g_soma": (3.0, "assumed: acute SSRI doses cut raphe firing by up to ~60-80 % via 5-HT1A (Blier & de "
                    "Montigny 1994 Trends Pharmacol Sci 15:220; check)"),
    "tau_auto": (0.1, "assumed: raphe 5-HT and 5-HT1A signalling lag ~6 min"),
    "efflux_hill": (1.0, "assumed: proportional to releaser occupancy. Second order (as norepinephrine.efflux_hill, "
                         "sim/kinetics/transporters.py) is ruled out here by the rat 5-HT dose-response: no k_efflux "
                         "puts the 1 mg/kg i.v. (Baumann et al. 2008) and 10 mg/kg i.p. (Gudelsky & Nash 1996) rows "
                         "in their bands together (tools/efflux_order_sert_check.py)"),
    "k_efflux": (440.0, "calibrated: rat dialysate 5-HT after 1 mg/kg and then 3 mg/kg MDMA i.v. (Baumann et al. "
                        "2008, bands 3-5x and 8-12x) holds for ~395-650 /h with MDMA's Pifl 2005 SERT EC50 and the "
                        "rat MDMA PK; Gudelsky & Nash's 10 mg/kg i.p. row (5-15x) caps it at ~485 /h; 440 /h "
                        "(3.9x, 8.6x, 14.2x) is the middle of what is left. All three rows are marked fitted"),
    "g_vesicle": (1.0, "assumed: MDMA inside the terminal collapses the vesicular pH gradient and reverses "
                       "VMAT2 (Rudnick & Wall 1992 PNAS 89:1817); leak doubled at full occupancy"),
    "k_enz_inact": (0.15, "calibrated (by hand): TPH activity falls ~40-60 % within hours of 10 mg/kg MDMA in rats "
                          "(Schmidt & Taylor 1987 Biochem Pharmacol 36:4095; Stone et al. 1989 JPET 249:177; check); "
                          "0.15 /h gives a 51 % fall after 10 mg/kg i.p. with MDMA's rat PK (0.3: ~75 %)"),
    "enz_half_life": (72.0, "assumed: TPH activity recovers over ~2 weeks after MDMA (Stone et al. 1989; check)"),
    "g_facil": (0.0, "no facilitation modelled for 5-HT"),
    "k_facil": (1.0, "unused (g_facil = 0)"),
    "k_desens": (0.0091, "calibrated: raphe firing back to baseline by 14-21 days of daily fluoxetine 10 mg/kg "
                         "(Czachura & Rasmussen 2000 Naunyn-Schmiedeberg's Arch Pharmacol 362:266, rat; those rows "
                         "are marked fitted); carried to humans (assumed)"),
    "desens_half_life": (85.0, "calibrated with k_desens: desensitisation at day 3 ~0.6 of that at day 21 (Le Poul et "
                               "al. 1995 Naunyn-Schmiedeberg's Arch Pharmacol 352:141: ~40 % of neurons at day 3, "
                               "60-80 % at day 21; check; that row is marked fitted)"),
}


HUMAN_TPH = ("assumed: the rat value carried to humans (see the module docstring). No human measurement after a "
             "single dose exists: TPH activity cannot be measured in living humans, and the CSF 5-HIAA (Ricaurte "
             "et al. 1990; McCann et al. 1994 Neuropsychopharmacology 10:129) and SERT-PET studies are of repeated "
             "recreational users weeks after use (lasting terminal loss, not acute inactivation); the human "
             "prediction (5-HT stores below baseline for days) is untested. Rat: ")


def mechanism(species: str, drug_inputs) -> terminal.Mechanism:
    fixed = terminal.fixed_parameters(BASELINE, GIVEN, BASELINE_SOURCE)
    if species == "human":   # the TPH inactivation is a rat calibration: say so where humans use it
        p = fixed["k_enz_inact"]
        fixed["k_enz_inact"] = Parameter(p.name, p.value, p.unit, HUMAN_TPH + p.source, p.description,
                                         p.lower, p.upper, status="assumed")
    return terminal.build("serotonin", "serotonin", species, fixed, BASELINE, "sert", "5ht1a", drug_inputs,
                          description=f"{species} 5-HT terminal (TPH, VMAT2, SERT, MAO, 5-HT1A/1B)")
