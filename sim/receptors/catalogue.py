"""The receptor catalogue: each receptor with its endogenous ligand, that ligand's affinity and efficacy.

Drug affinities and efficacies live with the drugs (``sim/kinetics/drugs/``, field ``affinities``);
:func:`sim.kinetics.drugs.affinity_table` joins both into one table with sources.

Affinities are equilibrium dissociation constants K (uM). For the endogenous agonists they are the
agonist (high-affinity or functional) constants, since those set the occupancy a transmitter level
produces in vivo; where only ranges are known a mid value is taken and marked (check). Efficacy is the
operational-model transducer ratio tau of Black & Leff (1983): response = tau x / (1 + x (1 + tau))
with x = C/K. tau is not measured for these tissues: it is set to 10 for every receptor (assumed: a
receptor reserve, so the maximal response is reached at well under full occupancy), and a drug's
efficacy is given *relative* to the endogenous ligand (1 = full agonist, 0 = neutral antagonist).
Exception: postsynaptic 5-HT1A (tau = 1, little reserve), which sets how far the oxytocin drive can rise.

Binding K and operational K_A. Agonist radioligand binding (e.g. [3H]8-OH-DPAT at 5-HT1A) measures the
high-affinity, G-protein-coupled state; in cells (millimolar GTP) most receptors are uncoupled and bind
the agonist with the low-affinity constant, which is the K_A of the operational model (Kenakin 2009 ch. 5;
the high-affinity state is part of efficacy, not of affinity). For 5-HT at 5-HT1A the two differ ~110-fold
(rat hippocampus: [3H]8-OH-DPAT vs [3H]p-MPPF in Gpp(NH)p; Assie, Cosi & Koek 1999 Eur J Pharmacol
386:97). With K = 3 nM in the response, the modelled extracellular 5-HT after 0.75 mg/kg MDMA (~6.6 nM)
already held ~70 % of the receptors and 1.5 mg/kg (~9 nM) ~75 %, so the 5-HT1A response (and the oxytocin
release it drives) could not tell the doses apart (Kirkpatrick et al. 2014). So a receptor may carry a
separate ``ka_um`` used in the operational response.

The convention, for every receptor (sim/receptors/mechanism.py): ``occupancy_<receptor>`` uses the
binding K (what PET measures) and is reported only; ``response_<receptor>`` (and the ``signal_<receptor>``
states that oxytocin and physiology read) uses the functional K_A and the efficacy of each ligand and is
relative to the drug-free baseline response; every downstream consumer (oxytocin, physiology, amygdala)
reads responses. Only 5-HT1A has an endogenous K_A distinct from K so far; for the others K_A = K
(``k_response_source`` says so): far below K the relative response is then proportional to the
transmitter level whatever K is, so this choice matters only where the transmitter approaches K.

References
----------
Black JW, Leff P (1983) Proc R Soc Lond B 220:141 (operational model of agonism).
Hoyer D et al. (1994) Pharmacol Rev 46:157 (5-HT receptor classification and affinities).
Bylund DB et al. (1994) Pharmacol Rev 46:121 (alpha adrenoceptors).
Baker JG (2010) Br J Pharmacol 160:1048 (beta1/beta2 affinities of agonists, noradrenaline).
Missale C et al. (1998) Physiol Rev 78:189 (dopamine receptors).
Gimpl G, Fahrenholz F (2001) Physiol Rev 81:629 (the oxytocin receptor).
Assie MB, Cosi C, Koek W (1999) Eur J Pharmacol 386:97 (low/high agonist affinity ratios at 5-HT1A).
Kenakin T (2009) A Pharmacology Primer, 3rd ed. Academic Press (operational K_A vs binding constants).
"""

from __future__ import annotations

from dataclasses import dataclass

TAU_DEFAULT = 10.0
TAU_SOURCE = ("assumed: operational efficacy tau = 10 (receptor reserve; Black & Leff 1983 Proc R Soc Lond B "
              "220:141); not measured for these tissues")


@dataclass(frozen=True)
class Receptor:
    """One receptor: its endogenous agonist, that agonist's K (uM) and tau, where it acts, and sources."""

    name: str
    ligand: str            # endogenous agonist: serotonin | dopamine | norepinephrine | oxytocin
    k_um: float
    source: str
    site: str
    tau: float = TAU_DEFAULT
    tau_source: str = TAU_SOURCE
    ka_um: float | None = None      # operational K_A (uM) where it differs from the binding K (see module docstring)
    ka_source: str = ""

    @property
    def k_response_um(self) -> float:
        """The endogenous agonist's constant in the operational response: K_A if given, else the binding K."""
        return self.k_um if self.ka_um is None else self.ka_um

    @property
    def k_response_source(self) -> str:
        return self.ka_source if self.ka_um is not None else "derived: equal to the binding K (no separate K_A known)"


RECEPTORS: dict[str, Receptor] = {r.name: r for r in (
    Receptor("5ht1a", "serotonin", 0.003, "Hoyer et al. 1994 Pharmacol Rev 46:157 (5-HT pKi ~8.5-9 at 5-HT1A; "
             "check)", "raphe somatodendritic autoreceptors, hypothalamus (PVN), amygdala",
             tau=1.0, tau_source="assumed: little receptor reserve at postsynaptic 5-HT1A receptors (partial agonists "
             "act as antagonists there; Meller et al. 1990 Mol Pharmacol 37:231; check), tau = 1",
             ka_um=0.33, ka_source="Assie, Cosi & Koek 1999 Eur J Pharmacol 386:97 (5-HT low/high affinity ratio "
             "110 at rat hippocampal 5-HT1A: [3H]p-MPPF + Gpp(NH)p vs [3H]8-OH-DPAT; applied to the 3 nM binding K; "
             "check the absolute low-affinity Ki)"),
    Receptor("5ht1b", "serotonin", 0.005, "Hoyer et al. 1994 (5-HT pKi ~8-8.5 at 5-HT1B; check)",
             "5-HT terminal autoreceptors"),
    Receptor("5ht2a", "serotonin", 0.05, "Hoyer et al. 1994 (5-HT high-affinity agonist state pKi ~7-8.5; mid "
             "value; check)", "cortex, amygdala PV interneurons, vascular smooth muscle"),
    Receptor("5ht2c", "serotonin", 0.01, "Hoyer et al. 1994 (5-HT pKi ~8 at 5-HT2C; check)",
             "choroid plexus, limbic forebrain, hypothalamus"),
    Receptor("d1", "dopamine", 1.0, "Missale et al. 1998 Physiol Rev 78:189 (DA low-affinity state ~1-2 uM; check)",
             "striatum, amygdala projection neurons"),
    Receptor("d2", "dopamine", 0.02, "Missale et al. 1998 (DA high-affinity state ~10-30 nM; check)",
             "striatum, DA autoreceptors"),
    Receptor("alpha1", "norepinephrine", 0.3, "Bylund et al. 1994 Pharmacol Rev 46:121 (NE pKi ~6.5 at alpha1; "
             "check)", "vascular smooth muscle (blood pressure, skin blood flow)"),
    Receptor("alpha2", "norepinephrine", 0.05, "Bylund et al. 1994 (NE pKi ~7.3 at alpha2; check)",
             "NE terminal and locus coeruleus autoreceptors, amygdala"),
    Receptor("beta1", "norepinephrine", 1.6, "Baker 2010 Br J Pharmacol 160:1048 (noradrenaline log KD ~-5.8 at "
             "human beta1; check)", "heart (rate, contractility), brown fat, amygdala"),
    Receptor("beta2", "norepinephrine", 30.0, "Baker 2010 (noradrenaline log KD ~-4.5 at human beta2; check)",
             "vascular and bronchial smooth muscle, amygdala"),
    Receptor("oxtr", "oxytocin", 0.001, "Gimpl & Fahrenholz 2001 Physiol Rev 81:629 (oxytocin Kd ~1 nM; check)",
             "central amygdala (CeL), uterus, mammary gland"),
)}
RECEPTOR_NAMES = tuple(RECEPTORS)
LIGANDS = ("serotonin", "dopamine", "norepinephrine", "oxytocin")


def get(name: str) -> Receptor:
    try:
        return RECEPTORS[name]
    except KeyError:
        raise KeyError(f"unknown receptor {name!r} (catalogue: {', '.join(RECEPTOR_NAMES)})") from None
