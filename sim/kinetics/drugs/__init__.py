"""The drug library: each drug is one :class:`Drug` entry (PK and target potencies, with sources).

A drug acts on the monoamine terminals through its potency at SERT, DAT and NET (``transporters``:
constant K in uM, and whether it is a *substrate* that is carried in and drives reverse transport,
or a *blocker*), at the somatodendritic autoreceptors (``receptors``: antagonist Ki in uM, e.g.
5-HT1A), and through its own PK (``pk``). MDMA's PK is the calibrated model of ``sim/kinetics/drugs/mdma.py``
(MDA is its metabolite there); every other drug, and MDA given as a drug, uses the generic oral
one-compartment model of ``sim/kinetics/comedication.py`` with the parameters in its :class:`DrugPK`.

To add a drug, ``register(Drug(...))`` one entry (with its ``molar_mass``, and ``hcl_molar_mass`` for a
salt): runner, terminals and validation pick it up by name (``tests/test_drugs.py`` proves it).

Potency tables
--------------
- MDMA (both species): Pifl et al. 2005 J Pharmacol Exp Ther 314:346 (release EC50 at human transporters
  in cells: NET 0.64, SERT 1.12, DAT 3.24 uM); why not the rat-synaptosome release EC50s of Rothman et al.
  2001 Synapse 39:32 (MDMA 5-HT 56.6 nM, NE 77.4 nM, DA 376 nM) is said at the MDMA entry.
- MDA (both species): same-assay potencies, MDMA's Pifl 2005 values times the MDA/MDMA ratios of one assay
  (Rothman et al. 2001 Table 1, rat synaptosome release EC50); see ``MDA_SAME_ASSAY``.
- Blockers: Tatsumi et al. 1997 Eur J Pharmacol 340:249 (Kd at hSERT/hNET/hDAT).
Receptors (``affinities``: K in uM and efficacy relative to the endogenous agonist, 0 = antagonist)
are the catalogue's (``sim/receptors/catalogue.py``); they set occupancy and operational response
there. MDMA's receptor affinities are micromolar (Simmler et al. 2013 Br J Pharmacol 168:458 Table 2;
Battaglia et al. 1988 Eur J Pharmacol 149:159), so at ~1 uM brain unbound MDMA release dominates. An
antagonist K at ``receptors["5ht1a"]`` (the serotonin terminal's autoreceptor) is copied into
``affinities`` by :func:`register` when the entry has none, so the two cannot disagree silently.
For a *substrate*, K is its release EC50, taken as its transport Km: it sets both its competition
with the transmitter for uptake and its occupancy-driven reverse transport. For a *blocker*, K is
its Kd (= Ki against uptake). Brain concentrations at the target are unbound concentrations,
assumed equal to unbound plasma at equilibrium (Kp,uu = 1; no active efflux), see comedication.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sim.params import STATUSES, Parameter, status_from_source
from sim.receptors import catalogue

TRANSPORTERS = ("sert", "dat", "net")
ENZYMES = ("cyp11b1", "cyp2d6")   # adrenal 11-beta-hydroxylase (cortisol synthesis; sim/kinetics/endocrine.py);
#                                  hepatic CYP2D6, competitive K_i (sim/kinetics/comedication.py)
RECEPTORS = ("5ht1a",)
MODES = ("substrate", "blocker")
SPECIES = ("human", "rat", "mouse")
# A species without its own DrugPK entry uses this one's, scaled allometrically to its body weight by the
# generic PK model (comedication.py): the mouse uses rat entries (Anderson & Holford 2008).
PK_FALLBACK = {"mouse": "rat"}


@dataclass(frozen=True)
class Potency:
    """Action at one transporter: K (uM), mode (substrate | blocker) and the source of K."""

    k_um: float
    mode: str
    source: str

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}")
        if not (self.k_um > 0 and math.isfinite(self.k_um)):
            raise ValueError("potency K must be positive and finite")


@dataclass(frozen=True)
class Affinity:
    """Binding at one catalogue receptor: K (uM), efficacy relative to the endogenous agonist (1 full
    agonist, 0 < e < 1 partial agonist, 0 neutral antagonist) and the sources of both.

    ``k_um`` is the binding constant (what occupancy and PET measure). ``ka_um`` is the functional
    constant of the operational model (what the response uses); absent, it equals ``k_um``: exactly so
    for a neutral antagonist (its Schild K_B is its binding K_d), an assumption for an agonist (see
    :attr:`response_k_source`)."""

    k_um: float
    efficacy: float
    source: str
    ka_um: float | None = None   # functional (operational) K_A where it differs from the binding K
    ka_source: str = ""

    def __post_init__(self):
        if not (self.k_um > 0 and math.isfinite(self.k_um)):
            raise ValueError("affinity K must be positive and finite")
        if self.ka_um is not None and not (self.ka_um > 0 and math.isfinite(self.ka_um) and self.ka_source):
            raise ValueError("a functional K_A must be positive, finite and sourced")
        if not 0.0 <= self.efficacy <= 1.0:
            raise ValueError("efficacy must lie in [0, 1] (relative to the endogenous agonist)")
        if not self.source:
            raise ValueError("an affinity needs a source")

    @property
    def response_k_um(self) -> float:
        return self.k_um if self.ka_um is None else self.ka_um

    @property
    def response_k_source(self) -> str:
        if self.ka_um is not None:
            return self.ka_source
        if self.efficacy == 0.0:
            return "derived: neutral antagonist, functional K_B = binding K_d (Schild; " + self.source + ")"
        return "assumed: functional K_A taken equal to the binding K (no functional K_A at hand; " + self.source + ")"


@dataclass(frozen=True)
class TrkBBinding:
    """Direct binding to TrkB, the BDNF receptor: an allosteric potentiator of BDNF signalling that binds the
    transmembrane domain of TrkB dimers (Casarotto et al. 2021 Cell 184:1299).

    ``kd_um`` is the binding constant (uM) against the drug's *total* brain-tissue concentration (the site lies
    in the membrane, where these lipophilic amines accumulate), which the pipeline takes as
    ``brain_plasma_ratio`` (total brain tissue : total plasma at steady state) times the total plasma level
    (:mod:`sim.receptors.trkb`). A drug without an entry has no TrkB binding (none reported)."""

    kd_um: float
    brain_plasma_ratio: float
    source: str                 # of kd_um
    ratio_source: str           # of brain_plasma_ratio
    status: str = "unverified"  # of kd_um (sim.params.STATUSES)

    def __post_init__(self):
        if not (self.kd_um > 0 and math.isfinite(self.kd_um)):
            raise ValueError("a TrkB K_d must be positive and finite")
        if not (self.brain_plasma_ratio > 0 and math.isfinite(self.brain_plasma_ratio)):
            raise ValueError("a brain:plasma ratio must be positive and finite")
        if not (self.source and self.ratio_source):
            raise ValueError("TrkB binding needs a source for K_d and for the brain:plasma ratio")
        if self.status not in STATUSES:
            raise ValueError(f"TrkB binding status {self.status!r} not one of {', '.join(STATUSES)}")


# The generic PK's fields as parameters (sim/kinetics/comedication.py): unit, description, the range a user may
# set, and where the value's source is read ("source": the entry's PK source, with the entry's status; any
# other name: that field of the entry; else the text itself, whose leading keyword gives the status).
PK_FIELDS = {
    "ka": ("1/h", "oral absorption rate constant", 0.0, 100.0, "source"),
    "ka_depot": ("1/h", "absorption rate from an s.c./i.p. depot", 0.0, 1000.0, "source"),
    "f_oral": ("1", "bioavailability of oral and depot doses", 0.0, 1.0, "source"),
    "v": ("L", "distribution volume at 70 kg", 0.1, 1e5, "source"),
    "cl": ("L/h", "non-CYP2D6 clearance at 70 kg", 0.0, 1e4, "source"),
    "cl_2d6": ("L/h", "CYP2D6 clearance at full enzyme activity, 70 kg", 0.0, 1e4, "source"),
    "km_2d6": ("uM", "total plasma concentration half-saturating the CYP2D6 route", 1e-6, 1e6, "source"),
    "fu": ("1", "unbound fraction in plasma", 0.0, 1.0, "source"),
    "keq_brain": ("1/h", "plasma-brain equilibration rate constant", 0.0, 100.0,
                  "assumed: brain equilibration within ~0.5-2 h"),
    "cyp2d6_ki": ("uM", "KI of CYP2D6 mechanism-based inactivation", 1e-6, 1e6, "cyp2d6_source"),
    "cyp2d6_kinact": ("1/h", "maximal CYP2D6 inactivation rate", 0.0, 1e4, "cyp2d6_source"),
    "cyp2d6_driver": ("1", "fraction of total plasma concentration driving inactivation", 0.0, 100.0,
                      "cyp2d6_source"),
    "f_metabolite": ("1", "molar share of the clearance forming {metabolite}", 0.0, 1.0, "metabolite_source"),
}


_NO_SOURCE = {"metabolite_source": "assumed: no active metabolite in the model (f_metabolite 0)"}


@dataclass(frozen=True)
class DrugPK:
    """Generic PK of a dosed drug in one species (one compartment, first-order absorption; 70-kg values):
    the values of the parameters :data:`PK_FIELDS` declares (unit, description, range), their sources and
    the status of the PK values; :meth:`parameters` gives them as :class:`sim.params.Parameter` s, which
    the generic PK mechanism (sim/kinetics/comedication.py) is built from and ``sim params`` lists.

    Volumes scale with (BW/70)^1 and clearances with (BW/70)^0.75, as in mdma.py. ``cl_2d6`` is the part
    of clearance through hepatic CYP2D6 (scaled by the shared enzyme state ``pk.cyp2d6`` and saturable
    with ``km_2d6``, total plasma); ``cyp2d6_ki``/``cyp2d6_kinact`` make the drug a mechanism-based
    inactivator of CYP2D6, driven by ``cyp2d6_driver`` x total plasma concentration. ``metabolite`` names
    an active metabolite (itself a library entry with its own PK and targets) formed from ``f_metabolite``
    of the clearance, in moles: dosing the drug brings the metabolite's mechanism along (a metabolite's own
    entry can be written with :func:`metabolite_pk`). ``status`` (measured | derived | calibrated | assumed
    | unverified) describes the PK values; by default it is what the source's leading keyword implies
    (:func:`sim.params.status_from_source`).
    """

    ka: float
    f_oral: float
    v: float
    cl: float
    fu: float
    source: str
    ka_depot: float = 3.0
    keq_brain: float = 2.0
    cl_2d6: float = 0.0
    km_2d6: float = 1e3
    cyp2d6_ki: float = 1.0
    cyp2d6_kinact: float = 0.0
    cyp2d6_driver: float = 1.0
    cyp2d6_source: str = "assumed: no mechanism-based CYP2D6 inactivation (kinact 0, so KI and driver act on nothing)"
    status: str = ""             # of the PK values (sim.params.STATUSES); default: from ``source``
    metabolite: str = ""         # library name of an active metabolite formed from this drug ("" = none)
    f_metabolite: float = 0.0
    metabolite_source: str = ""

    def __post_init__(self):
        if not self.status:
            object.__setattr__(self, "status", status_from_source(self.source))
        if self.status not in STATUSES:
            raise ValueError(f"DrugPK status {self.status!r} not one of {', '.join(STATUSES)}")
        if not 0.0 <= self.f_metabolite <= 1.0 or bool(self.metabolite) != (self.f_metabolite > 0.0):
            raise ValueError("a metabolite needs 0 < f_metabolite <= 1, and f_metabolite > 0 needs a metabolite")
        if self.metabolite and not self.metabolite_source:
            raise ValueError("a metabolite needs a source for its formation")
        self.parameters()   # every value within its range

    def parameters(self) -> tuple[Parameter, ...]:
        """The PK values as parameters, in :data:`PK_FIELDS` order."""
        out = []
        for name, (unit, description, lower, upper, where) in PK_FIELDS.items():
            source = getattr(self, where, where) or _NO_SOURCE[where]
            status = self.status if where == "source" else ""
            out.append(Parameter(name, getattr(self, name), unit, source,
                                 description.format(metabolite=self.metabolite or "an active metabolite"),
                                 lower, upper, status))
        return tuple(out)


def metabolite_pk(parent: DrugPK, *, cl: float, source: str, status: str = "", **values) -> DrugPK:
    """The PK of an active metabolite that shares its parent's distribution: the parent's absorption, volume,
    binding and brain equilibration (used when the metabolite itself is dosed: complete oral availability),
    its own clearance, no CYP2D6 route and no metabolite of its own; ``values`` override any field."""
    return DrugPK(**{"ka": parent.ka, "f_oral": 1.0, "v": parent.v, "fu": parent.fu, "ka_depot": parent.ka_depot,
                     "keq_brain": parent.keq_brain, **values}, cl=cl, source=source, status=status)


@dataclass(frozen=True)
class Drug:
    """One library entry. ``transporters`` and ``receptors`` may be overridden per species in
    ``species_transporters``; ``pk`` maps species -> DrugPK (absent: the drug is not dosable there
    through the generic model). ``pk_mechanism`` names a dedicated PK mechanism instead (MDMA: ``"pk"``,
    the nonlinear model of sim/kinetics/drugs/mdma.py, which also forms MDA)."""

    name: str
    description: str
    transporters: dict[str, Potency] = field(default_factory=dict)
    receptors: dict[str, Potency] = field(default_factory=dict)
    pk: dict[str, DrugPK] = field(default_factory=dict)
    species_transporters: dict[str, dict[str, Potency]] = field(default_factory=dict)
    affinities: dict[str, Affinity] = field(default_factory=dict)
    enzymes: dict[str, Potency] = field(default_factory=dict)   # inhibited enzymes (ENZYMES): IC50 (uM)
    molar_mass: float | None = None        # g/mol of the base; registered into sim/units.py if given
    hcl_molar_mass: float | None = None    # g/mol of the hydrochloride (salt = "hcl" doses)
    pk_mechanism: str = "generic"          # "generic": comedication.py from ``pk``; else the named PK mechanism
    trkb: TrkBBinding | None = None        # direct TrkB binding (None: none reported; sim/receptors/trkb.py)
    # doses the validation rows cover, per species: (low, high, unit "mg" | "mg/kg", source); outside: a warning
    validated_doses: dict[str, tuple[float, float, str, str]] = field(default_factory=dict)
    hard_limit_mg_per_kg: float | None = None   # a dose above it is refused (no simulation is meaningful)
    hard_limit_source: str = ""
    # how figures and reports show the drug's outputs: output -> (short label, colour)
    display: dict[str, tuple[str, str]] = field(default_factory=dict)
    # the outputs that show the drug's own PK, in order (the default time courses when it is the protocol's drug)
    key_outputs: tuple[str, ...] = ()

    def potency(self, target: str, species: str) -> Potency | None:
        override = self.species_transporters.get(species, {})
        if target in override:
            return override[target]
        return self.transporters.get(target) or self.receptors.get(target)


_PIFL = "Pifl et al. 2005 J Pharmacol Exp Ther 314:346 (release EC50, human transporters in cells)"
_ROTHMAN = "Rothman et al. 2001 Synapse 39:32 Table 1 (release EC50, rat synaptosomes; check)"
_TATSUMI = "Tatsumi et al. 1997 Eur J Pharmacol 340:249 (Kd at human transporters)"
_SIMMLER = "Simmler et al. 2013 Br J Pharmacol 168:458 Table 2"
_S, _B = "substrate", "blocker"

LIBRARY: dict[str, Drug] = {}

# The drug of a protocol's own sessions, and so of the default trial arms (placebo first, then this drug),
# when an experiment names none: the therapy trials this project was built for (MAPP1, MDMA-assisted therapy).
DEFAULT_DRUG = "mdma"
DEFAULT_ARMS = ("placebo", DEFAULT_DRUG)


def register(drug: Drug) -> Drug:
    """Add a drug to the library (names are lower case and unique)."""
    if drug.name != drug.name.lower() or not drug.name.isidentifier():
        raise ValueError(f"drug name {drug.name!r} must be a lower-case identifier")
    if drug.name in LIBRARY:
        raise ValueError(f"drug {drug.name!r} is already in the library")
    for target in [*drug.transporters, *(t for o in drug.species_transporters.values() for t in o)]:
        if target not in TRANSPORTERS:
            raise ValueError(f"{drug.name}: unknown transporter {target!r}")
    for target in drug.enzymes:
        if target not in ENZYMES:
            raise ValueError(f"{drug.name}: unknown enzyme {target!r}")
    for target in drug.receptors:
        if target not in RECEPTORS:
            raise ValueError(f"{drug.name}: unknown receptor {target!r}")
    for target in drug.affinities:
        if target not in catalogue.RECEPTOR_NAMES:
            known = ", ".join(catalogue.RECEPTOR_NAMES)
            raise ValueError(f"{drug.name}: unknown receptor {target!r} (catalogue: {known})")
    for species, pk in drug.pk.items():
        if pk.metabolite and (pk.metabolite not in LIBRARY or species not in LIBRARY[pk.metabolite].pk):
            raise ValueError(f"{drug.name}: register its metabolite {pk.metabolite!r} (with {species} PK) first")
    for target, pot in drug.receptors.items():  # the terminal's autoreceptor antagonism is also a binding
        if target not in drug.affinities:
            drug.affinities[target] = Affinity(pot.k_um, 0.0, pot.source)
    if drug.molar_mass is not None:  # conversion factors live in sim/units.py: add them there
        from sim import units

        units.MOLAR_MASS_G_PER_MOL.setdefault(drug.name, drug.molar_mass)
        if drug.hcl_molar_mass is not None:
            units.MOLAR_MASS_G_PER_MOL.setdefault(f"{drug.name}_hcl", drug.hcl_molar_mass)
    LIBRARY[drug.name] = drug
    return drug


# MDMA: release EC50s at human transporters expressed in cells (Pifl et al. 2005: NET 0.64, SERT 1.12,
# DAT 3.24 uM), for both species. Reason: with a rat PK consistent with measured plasma levels (Concheiro
# et al. 2014: ~160 ng/mL at 0.5 h after 2.5 mg/kg s.c.), brain unbound MDMA after 1 and 3 mg/kg i.v. is
# ~0.3-2 uM. At the rat-synaptosome EC50s (Rothman 2001: SERT 0.0566, NET 0.0774, DAT 0.376 uM) SERT is
# > 90 % occupied at both doses and the graded dialysate 5-HT rise of Baumann 2008 (3-5x, then 8-12x)
# cannot be reproduced; at Pifl's values it is (sim validate transmitters). Pifl's are release EC50s,
# what K means for a substrate here; the uptake IC50s of Simmler et al. 2013 (Table 1) are an
# alternative that was tried (similar SERT, 5x weaker DAT), but their values could not be checked from
# here. The reverse-transport rate constants of the three terminals are calibrated with Pifl's values.
PIFL_2005_MDMA = {"net": Potency(0.64, _S, _PIFL), "sert": Potency(1.12, _S, _PIFL), "dat": Potency(3.24, _S, _PIFL)}
register(Drug(
    "mdma", "(+/-)-3,4-methylenedioxymethamphetamine; substrate-type releaser (PK: sim/kinetics/drugs/mdma.py)",
    molar_mass=193.25, hcl_molar_mass=229.70,   # g/mol, PubChem CID 1615; hydrochloride CID 9860366
    display={"plasma_mdma": ("MDMA", "#1f4e9c"), "plasma_mda": ("MDA", "#7a9cd6"),
             "brain_mdma": ("brain MDMA", "#6a3d9a"), "brain_mda": ("brain MDA", "#9e86c8")},
    key_outputs=("plasma_mdma", "plasma_mda", "brain_mdma", "cyp2d6_activity"),
    pk_mechanism="pk",
    validated_doses={
        "human": (40.0, 150.0, "mg", "the human PK targets: Fallon 1999, Mas 1999, de la Torre 2000"),
        "rat": (1.0, 20.0, "mg/kg", "the rat targets: Baumann 2009, Gudelsky & Nash 1996"),
        "mouse": (1.0, 20.0, "mg/kg", "the mouse rows: Young 2015 (7.8 mg/kg i.p.); PK scaled from the rat"),
    },
    # single oral doses of 40 mg/kg and above killed rats (20-320 mg/kg tested; "An appraisal of the
    # pharmacological and toxicological effects of a single oral administration of MDMA in the rat", check), far
    # above any human exposure described
    hard_limit_mg_per_kg=50.0, hard_limit_source="single oral MDMA doses from 40 mg/kg killed rats",
    transporters=dict(PIFL_2005_MDMA),
    receptors={"5ht1a": Potency(12.0, _B, "Battaglia et al. 1988 Eur J Pharmacol 149:159 (micromolar; "
                                           "check) - negligible at brain concentrations")},
    affinities={
        "5ht2a": Affinity(4.7, 0.3, _SIMMLER + " (Ki ~4.7 uM); partial agonist, efficacy assumed 0.3 (Nash et al. "
                                    "1994 Neurosci Lett 177:111: MDMA stimulates 5-HT2 signalling weakly; check)"),
        "5ht2c": Affinity(5.0, 0.3, "Battaglia et al. 1988 (micromolar at 5-HT2 sites; check); efficacy assumed 0.3"),
        "alpha2": Affinity(15.0, 0.5, _SIMMLER + " (alpha2A Ki ~15 uM; check); partial agonist, efficacy assumed "
                                      "0.5 (Lavelle et al. 1999 Eur J Pharmacol 365:R1)"),
        "alpha1": Affinity(20.0, 0.0, _SIMMLER + " (alpha1A Ki > 10 uM; taken as 20 uM; check); no agonism "
                                      "assumed"),
        "d1": Affinity(100.0, 0.0, "Battaglia et al. 1988 (D1 Ki > 10 uM; taken as 100 uM; check)"),
        "d2": Affinity(30.0, 0.0, _SIMMLER + " (D2 Ki > 10 uM; taken as 30 uM; check)"),
        "beta1": Affinity(100.0, 0.0, "Battaglia et al. 1988 (beta sites: no affinity below 10 uM; taken as "
                                      "100 uM; check)"),
        "beta2": Affinity(100.0, 0.0, "Battaglia et al. 1988 (as beta1; check)"),
    },
))

# Single enantiomers: dosed into the enantiomer states of MDMA's PK (sim/kinetics/drugs/mdma.py: gut_s/gut_r,
# depot_s/depot_r), where they join the racemate's compartments with their own hepatic clearance. Their
# actions are MDMA's: the terminals and receptors read brain MDMA (S + R) with the racemate's potencies.
# Reason: no same-assay release EC50s per enantiomer were found. What is published is qualitative: in rat
# whole-brain synaptosomes S-(+)-MDMA released more [3H]5-HT than R-(-)-MDMA at 1 uM, not at 10 uM
# (Nichols et al. 1982 J Med Chem 25:530); in rat brain slices 5-HT release showed no stereoselectivity,
# DA release was S-selective (Johnson, Hoffman & Nichols 1986 Eur J Pharmacol 132:269); R-MDMA is a much
# weaker DA releaser (Curry et al. 2018 Neuropharmacology 128:196; check). A second search (Setola et al. 2003
# Mol Pharmacol 63:1223, Verrico et al. 2007, Acquas et al. 2007, Pitts et al. 2018, Pifl et al. 2005) found
# no per-enantiomer EC50 that could be read: Setola 2003 is cited second-hand for rat-synaptosome release EC50s of
# both enantiomers beside the racemate (one assay), but its table was not at hand; Pifl 2005 and Verrico 2007
# tested the racemate only. No ratio was carried across.
_ENANTIOMER_NOTE = ("potencies: the racemate's (Pifl et al. 2005); no same-assay enantiomer EC50s at hand (S more "
                    "potent at DA release, Johnson et al. 1986 Eur J Pharmacol 132:269; check)")
for _name, _label in (("s_mdma", "S-(+)-MDMA (esmidomafetamine)"), ("r_mdma", "R-(-)-MDMA (levo-MDMA)")):
    register(Drug(
        _name, f"{_label} given alone; PK: the enantiomer states of sim/kinetics/drugs/mdma.py; " + _ENANTIOMER_NOTE,
        pk_mechanism="pk", transporters=dict(PIFL_2005_MDMA),
        molar_mass=193.25, hcl_molar_mass=229.70))   # as the racemate

_MDA_PK_HUMAN = DrugPK(
    ka=0.66, f_oral=1.0, v=560.0, cl=24.0, fu=0.7,
    source="assumed: as the MDA metabolite of sim/kinetics/drugs/mdma.py (v_mda, cl_mda; Mas et al. 1999) with MDMA's "
           "absorption and unbound fraction (no human MDA dosing data used)")
# MDA: no human-transporter release EC50s at hand. Same-assay potencies: MDMA's human-cell values (Pifl
# 2005, the assay MDMA's rows were calibrated in) times the MDA/MDMA ratio measured *in one assay*, the rat
# synaptosome release EC50s of Rothman et al. 2001 Table 1 (MDA / MDMA: SERT 160/56.6 = 2.83, NET
# 108/77.4 = 1.40, DAT 190/376 = 0.505). Carried across: the three ratios (assumed: species and assay
# change both drugs' potencies alike). Before, MDA's rat-synaptosome values sat beside MDMA's human-cell
# values, making MDA ~7x (SERT), ~6x (NET) and ~17x (DAT) more potent relative to MDMA than in any one assay.
_ROTHMAN_RATIO = {"sert": 160.0 / 56.6, "net": 108.0 / 77.4, "dat": 190.0 / 376.0}
MDA_SAME_ASSAY = {
    t: Potency(PIFL_2005_MDMA[t].k_um * r, _S,
               f"derived: MDMA's release EC50 at the human transporter (Pifl et al. 2005 J Pharmacol Exp Ther 314:346, "
               f"{PIFL_2005_MDMA[t].k_um:g} uM) x the MDA/MDMA ratio in one assay ({r:.3g}; rat synaptosome release "
               "EC50s, Rothman et al. 2001 Synapse 39:32 Table 1; check)")
    for t, r in _ROTHMAN_RATIO.items()}
register(Drug(
    "mda", "3,4-methylenedioxyamphetamine; MDMA metabolite, substrate-type releaser",
    molar_mass=179.22, hcl_molar_mass=215.68,   # g/mol, PubChem CID 1614
    transporters=MDA_SAME_ASSAY,
    affinities={"5ht2a": Affinity(5.0, 0.5, "Battaglia et al. 1988 Eur J Pharmacol 149:159 (micromolar at 5-HT2; "
                                            "check); partial agonist (more efficacious than MDMA), efficacy "
                                            "assumed 0.5")},
    pk={"human": _MDA_PK_HUMAN,
        "rat": DrugPK(ka=1.5, f_oral=1.0, v=500.0, cl=300.0, fu=0.7, ka_depot=20.0,
                      source="assumed: as the rat MDA metabolite of drugs/mdma.py (t1/2 > 2 h, Baumann et al. 2009)")},
))

register(Drug(
    "citalopram", "selective serotonin reuptake inhibitor (racemate)",
    molar_mass=324.39, hcl_molar_mass=360.85,   # g/mol, PubChem
    display={"plasma_citalopram": ("citalopram", "#009988")},
    transporters={"sert": Potency(0.00116, _B, _TATSUMI), "net": Potency(4.07, _B, _TATSUMI),
                  "dat": Potency(28.1, _B, _TATSUMI)},
    pk={"human": DrugPK(ka=0.5, f_oral=0.8, v=840.0, cl=20.0, fu=0.2, keq_brain=1.0,
                        source="Milne & Goa 1991 Drugs 41:450 (F ~80 %, Vd ~12 L/kg, CL ~0.33 L/min, t1/2 ~33 h, "
                               "tmax 2-4 h, 80 % protein bound; check)"),
        "rat": DrugPK(ka=2.0, f_oral=0.8, v=840.0, cl=280.0, fu=0.2, ka_depot=6.0, keq_brain=2.0,
                      source="assumed: human volume, rat t1/2 ~3 h (Fredricson Overo 1982 Acta Pharmacol "
                             "Toxicol 50:110; check)")},
))

_PROZAC = "Prozac (fluoxetine) US prescribing information, Clinical Pharmacology"
OTTON_1993 = ("Otton et al. 1993 Clin Pharmacol Ther 53:401 (human liver microsomes, dextromethorphan O-demethylation: "
              "competitive K_i ~0.15-0.2 uM for fluoxetine and norfluoxetine; Crewe et al. 1992 Br J Clin Pharmacol "
              "34:262, sparteine: 0.60 and 0.43 uM). Read as total plasma concentration, as paroxetine's driver "
              "(sim/kinetics/comedication.py)")
CASAROTTO_2021 = "Casarotto et al. 2021 Cell 184:1299"
# Direct TrkB binding is reported for fluoxetine, imipramine and ketamine (Casarotto 2021) and for LSD and psilocin
# (Moliner 2023); none is reported for MDMA, MDA, norfluoxetine or the other library drugs, so they have none here.
KARSON_1993 = ("Karson et al. 1993 J Neuropsychiatry Clin Neurosci 5:322 (19F MRS in 22 patients: brain fluoxetine + "
               "norfluoxetine up to 10.7 ug/mL, apparent brain:plasma 20:1, 'roughly parallel to brain antidepressant "
               "concentration ratios in animal studies'; Renshaw et al. 1992 Am J Psychiatry 149:1592 found 2.6 (SD "
               "1.0) in 8 patients, MRS seeing only mobile drug). Rodents: the same ratio, assumed from Karson's "
               "remark")
register(Drug(
    "norfluoxetine", "norfluoxetine: fluoxetine's active N-demethylated metabolite, an SSRI of similar potency",
    transporters={"sert": Potency(0.0013, _B, "Wong et al. 1993 Neuropsychopharmacology 8:337 (S-norfluoxetine Ki "
                                              "~1.3 nM at 5-HT uptake, as potent as fluoxetine; R-norfluoxetine "
                                              "weaker; check)"),
                  "net": Potency(0.4, _B, "assumed: weak at NET like fluoxetine (Tatsumi et al. 1997 for the parent)"),
                  "dat": Potency(4.0, _B, "assumed: weak at DAT like fluoxetine (Tatsumi et al. 1997 for the parent)")},
    enzymes={"cyp2d6": Potency(0.19, _B, OTTON_1993)},
    pk={"human": DrugPK(ka=1.0, f_oral=1.0, v=1010.0, cl=2.9, fu=0.05, keq_brain=0.5,
                        source=f"{_PROZAC}: norfluoxetine t1/2 4-16 days (7-15 d, Altamura et al. 1994 Clin "
                               "Pharmacokinet 26:201); V as fluoxetine's; CL gives t1/2 ~10 days",
                        status="derived"),
        "rat": DrugPK(ka=1.0, f_oral=1.0, v=1400.0, cl=65.0, fu=0.05, keq_brain=1.0,
                      source="assumed: rat norfluoxetine t1/2 ~15 h, longer than the parent's ~5 h (Caccia et al. "
                             "1990 Drug Metab Dispos 18:1039; check), V as the parent")},
    molar_mass=295.30,
))

register(Drug(
    "fluoxetine", "selective serotonin reuptake inhibitor; forms the active metabolite norfluoxetine",
    molar_mass=309.33, hcl_molar_mass=345.79,   # g/mol, PubChem
    display={"plasma_fluoxetine": ("fluoxetine", "#66CCEE")},
    transporters={"sert": Potency(0.00081, _B, _TATSUMI), "net": Potency(0.240, _B, _TATSUMI),
                  "dat": Potency(3.6, _B, _TATSUMI)},
    affinities={"5ht2c": Affinity(0.072, 0.0, "Ni & Miledi 1997 PNAS 94:2036 (fluoxetine Ki ~72 nM at 5-HT2C; "
                                              "check); antagonist")},
    enzymes={"cyp2d6": Potency(0.17, _B, OTTON_1993)},
    pk={"human": DrugPK(ka=0.3, f_oral=0.72, v=1010.0, cl=4.4, cl_2d6=14.2, km_2d6=0.17, fu=0.055, keq_brain=0.5,
                        source="Altamura et al. 1994 Clin Pharmacokinet 26:201 (F ~72 %, t1/2 1-4 d acute, 94.5 % "
                               "bound) and the Prozac label (Vd 20-45 L/kg; 40 mg once: peak 15-55 ng/mL at 6-8 h): "
                               "V/F at the label's 20 L/kg (V = 0.72 x 1400 L), the only end that lets a 40-mg peak "
                               "reach the label's range; cl + cl_2d6 give an acute t1/2 of ~2 days. CYP2D6 share of "
                               "the acute clearance ~0.7 (assumed: CYP2D6 is the main route of N-demethylation, "
                               "Margolis et al. 2000 Drug Metab Dispos 28:1187; Ring et al. 2001 J Pharmacol Exp Ther "
                               "297:1044); km_2d6 = fluoxetine's own K_i at CYP2D6 (Otton et al. 1993). "
                               "Calibrated because V was chosen with the 40-mg peak row (marked fitted)",
                        status="calibrated",
                        metabolite="norfluoxetine", f_metabolite=0.4,
                        metabolite_source="assumed: N-demethylation (CYP2D6, CYP2C9) forms norfluoxetine; 0.4 of "
                                          "the clearance gives the label's similar steady-state levels (Prozac "
                                          "label; check)"),
        "rat": DrugPK(ka=1.0, f_oral=0.7, v=1400.0, cl=50.0, fu=0.055, ka_depot=2.0, keq_brain=1.0,
                      source="assumed: rat Vd ~20 L/kg and t1/2 ~5 h (Caccia et al. 1990 Drug Metab Dispos "
                             "18:1039; check), scaled to 70 kg",
                      metabolite="norfluoxetine", f_metabolite=0.5,
                      metabolite_source="assumed: half of the rat clearance forms norfluoxetine (Caccia et al. "
                                        "1990; check)")},
    trkb=TrkBBinding(2.0, 20.0, CASAROTTO_2021 + ": fluoxetine binds the transmembrane domain of TRKB dimers with "
                     "low-micromolar affinity (Fig. 2; Moliner et al. 2023 Nat Neurosci 26:1032: LSD and psilocin bind "
                     "~1,000-fold more tightly, nanomolar); K_d taken 2 uM, the figure's exact value not checked here",
                     KARSON_1993),
))

register(Drug(
    "paroxetine", "selective serotonin reuptake inhibitor; CYP2D6 substrate and mechanism-based inactivator",
    molar_mass=329.37, hcl_molar_mass=365.83,   # g/mol, PubChem
    display={"plasma_paroxetine": ("paroxetine", "#882255")},
    transporters={"sert": Potency(0.00013, _B, _TATSUMI), "net": Potency(0.040, _B, _TATSUMI),
                  "dat": Potency(0.490, _B, _TATSUMI)},
    pk={"human": DrugPK(
        ka=0.5, f_oral=1.0, v=2000.0, cl=34.0, cl_2d6=100.0, km_2d6=1e3, fu=0.05, keq_brain=0.5,
        source="calibrated: apparent oral values (F folded in); cl gives t1/2 ~41 h in poor metabolisers and "
               "cl_2d6 t1/2 ~16 h in extensive metabolisers after a single 20 mg dose, with paroxetine's own "
               "CYP2D6 inactivation acting (Sindrup et al. 1992 Clin Pharmacol Ther 51:278, second-hand; "
               "check); V/F assumed 2000 L (Vd 3-28 L/kg, Kaye et al. 1989 Acta Psychiatr Scand 80 suppl "
               "350:60); 95 % protein bound. The CYP2D6 route ignores the pk.cyp2d6_capacity phenotype "
               "(set paroxetine.cl_2d6 = 0 for a poor metaboliser)",
        cyp2d6_ki=4.85, cyp2d6_kinact=10.2, cyp2d6_driver=1.0,
        cyp2d6_source="Bertelsen et al. 2003 Drug Metab Dispos 31:289 (KI 4.85 uM, kinact 0.17 /min; "
                      "not verified here: check). Driver = total plasma paroxetine (assumed: hepatic "
                      "accumulation of this lipophilic amine; with unbound plasma (fu 0.05) 20 mg/day would "
                      "remove < 20 % of CYP2D6, contradicting the conversion of most extensive metabolisers "
                      "to poor-metaboliser phenotype on 20 mg/day, Lam et al. 2002 Pharmacotherapy 22:1001)"),
    },
))

register(Drug(
    "pindolol", "beta-adrenoceptor blocker and 5-HT1A (partial agonist/) antagonist",
    molar_mass=248.32, hcl_molar_mass=284.78,   # g/mol, PubChem
    display={"plasma_pindolol": ("pindolol", "#CC3311")},
    receptors={"5ht1a": Potency(0.67, _B, (
        "derived: in vivo apparent K from human PET, Andree et al. 1999 Psychopharmacology 144:303 "
        "([11C]WAY-100635: 7-21 % 5-HT1A occupancy 2 h after 10 mg oral, mid 14 %) with this library's unbound "
        "brain pindolol at 2 h (0.109 uM): K = 0.109 x 0.86 / 0.14 = 0.67 uM (range 0.41-1.44 over 7-21 %); "
        "Rabiner et al. 2000 Neuropsychopharmacology 23:285 agree (low occupancy at clinical doses, raphe > "
        "cortex). The in vitro Ki (~9 nM, pKi ~8.0-8.1, Hoyer et al. 1994 Pharmacol Rev 46:157) would give > 90 % "
        "occupancy at 10 mg. Modelled as a pure antagonist, one K for raphe and postsynaptic sites"))},
    affinities={"beta1": Affinity(0.0005, 0.0, "Baker 2005 Br J Pharmacol 144:317 (pindolol log KD ~-9.3 at "
                                               "beta1; check); its partial agonism (ISA) is not modelled"),
                "beta2": Affinity(0.0003, 0.0, "Baker 2005 (pindolol log KD ~-9.5 at beta2; check)")},
    pk={"human": DrugPK(ka=2.0, f_oral=0.87, v=140.0, cl=28.0, fu=0.6, keq_brain=2.0,
                        source="Meier 1982 Am Heart J 104:364 (F 87 %, Vd ~2 L/kg, t1/2 ~3-4 h, 40 % bound; "
                               "check)"),
        "rat": DrugPK(ka=2.0, f_oral=0.87, v=140.0, cl=28.0, fu=0.6, ka_depot=6.0, keq_brain=2.0,
                      source="assumed: the human values (Meier 1982) scaled allometrically to the rat's weight "
                             "(t1/2 ~1.6 h); no rat pindolol PK at hand")},
))

register(Drug(
    "way100635", "silent 5-HT1A antagonist (research tool)",
    molar_mass=422.57, hcl_molar_mass=459.03,   # g/mol, PubChem
    display={"plasma_way100635": ("way100635", "#E69F00")},
    receptors={"5ht1a": Potency(0.00084, _B, "Forster et al. 1995 Eur J Pharmacol 281:81 (pIC50 8.87 at "
                                             "5-HT1A; IC50 1.35 nM, Ki ~0.84 nM; check)")},
    pk={"rat": DrugPK(ka=3.0, f_oral=0.1, v=350.0, cl=89.0, fu=0.5, ka_depot=10.0, keq_brain=4.0,
                      source="assumed: Vd ~5 L/kg and t1/2 ~0.7 h in the rat after scaling to 0.3 kg (check), "
                             "poor oral availability"),
        "human": DrugPK(ka=1.0, f_oral=0.1, v=350.0, cl=300.0, fu=0.5, keq_brain=4.0,
                        source="assumed: used in humans only as an i.v. PET tracer; short-acting")},
))

register(Drug(
    "carvedilol", "non-selective beta- and alpha1-adrenoceptor blocker (dosed as the base)",
    molar_mass=406.47,   # g/mol, PubChem CID 2585; dosed as the base (Coreg tablets state the base)
    display={"plasma_carvedilol": ("carvedilol", "#000000")},
    affinities={
        "beta1": Affinity(0.0009, 0.0, "Bristow et al. 1992 J Cardiovasc Pharmacol 19 suppl 1:S68; Baker 2005 Br "
                                       "J Pharmacol 144:317 (carvedilol Kd ~0.5-1 nM at beta1; check)"),
        "beta2": Affinity(0.0005, 0.0, "Baker 2005 (carvedilol Kd ~0.2-1 nM at beta2; check)"),
        "alpha1": Affinity(0.0034, 0.0, "Ruffolo et al. 1990 Eur J Clin Pharmacol 38 suppl 2:S82 (alpha1 Kd "
                                        "~2-4 nM, beta1:alpha1 selectivity ~4-10x; check)"),
    },
    pk={"human": DrugPK(ka=1.5, f_oral=0.25, v=115.0, cl=36.0, fu=0.02, keq_brain=4.0,
                        source="Morgan 1994 Clin Pharmacokinet 26:335 (F ~25 %, CL ~600 mL/min, Vss ~115 L, "
                               "tmax ~1-1.5 h, > 98 % bound; check); one compartment: fits the first hours, "
                               "misses the 6-10 h terminal phase, which carries little exposure")},
))

register(Drug(
    "ketanserin", "5-HT2A antagonist (also alpha1); blocks the 5-HT2A route of MDMA's effects (dosed as the base)",
    affinities={
        "5ht2a": Affinity(0.002, 0.0, "Leysen et al. 1982 Mol Pharmacol 21:301 (ketanserin Ki ~2 nM at 5-HT2 "
                                      "sites; check)"),
        "alpha1": Affinity(0.04, 0.0, "Leysen et al. 1982 (alpha1 Ki ~40 nM, ~20x weaker than at 5-HT2; check)"),
    },
    pk={"human": DrugPK(ka=1.0, f_oral=0.5, v=280.0, cl=30.0, fu=0.05, keq_brain=1.0,
                        source="Persson et al. 1991 Clin Pharmacokinet 20:263 (F ~50 %, Vd ~3-6 L/kg, CL ~0.5 "
                               "L/min, t1/2 ~10-20 h, ~95 % bound; check); brain partition assumed 1")},
    molar_mass=395.43,   # C22H22FN3O3 (PubChem CID 3822)
))

_SPROUSE = ("Sprouse et al. 1996 Neuropsychopharmacology 14:225 (Ki of desmethylsertraline at 5-HT, NE and DA "
            "uptake: 76, 420, 440 nM; rat synaptosomes)")
_ZOLOFT = "Zoloft (sertraline) US prescribing information, Clinical Pharmacology"

SERTRALINE_PK = DrugPK(
    ka=0.3, f_oral=0.44, v=1400.0, cl=37.3, fu=0.015, keq_brain=0.5,
    source=f"{_ZOLOFT}: bioavailability ~44 %, Vd > 20 L/kg, 98.5 % bound, t1/2 ~26 h, tmax 4.5-8.4 h; CL = ln 2 V / "
           "26 h (derived)", status="unverified",
    metabolite="desmethylsertraline", f_metabolite=0.7,
    metabolite_source="assumed: N-demethylation is sertraline's principal route (Zoloft label; Obach et al. 2005 "
                      "Drug Metab Dispos 33:262); 0.7 of the clearance gives a steady-state metabolite:parent ratio "
                      "of ~1.8")

register(Drug(
    "desmethylsertraline", "N-desmethylsertraline (norsertraline): sertraline's active metabolite, a weaker, less "
    "selective monoamine uptake inhibitor",
    transporters={"sert": Potency(0.076, _B, _SPROUSE), "net": Potency(0.420, _B, _SPROUSE),
                  "dat": Potency(0.440, _B, _SPROUSE)},
    pk={"human": metabolite_pk(SERTRALINE_PK, cl=14.7, status="assumed",
                               source=f"{_ZOLOFT}: elimination half-life 62-104 h; assumed: the parent's volume "
                                      "(20 L/kg) and binding (98.5 %), so CL = ln 2 V / 66 h")},
    molar_mass=292.20,
))

register(Drug(
    "sertraline", "selective serotonin reuptake inhibitor; forms the active metabolite desmethylsertraline",
    transporters={"sert": Potency(0.00029, _B, _TATSUMI), "net": Potency(0.420, _B, _TATSUMI),
                  "dat": Potency(0.025, _B, _TATSUMI)},
    pk={"human": SERTRALINE_PK},
    molar_mass=306.23, hcl_molar_mass=342.69,
))

register(Drug(
    "metyrapone", "11-beta-hydroxylase (CYP11B1) inhibitor: blocks cortisol synthesis",
    enzymes={"cyp11b1": Potency(0.015, _B, "assumed: IC50 ~10-20 nM at human CYP11B1 in cell assays (check); at "
                                           "the micromolar plasma levels after 750 mg any value below ~0.5 uM "
                                           "gives a near-complete block")},
    pk={"human": DrugPK(ka=3.0, f_oral=1.0, v=140.0, cl=51.0, fu=0.5, keq_brain=4.0,
                        source="Metopirone SmPC (peak ~1 h after an oral dose, t1/2 ~1.9 h; check): V/F 140 L and "
                               "CL/F 51 L/h give t1/2 1.9 h and a peak of a few ug/mL after 750 mg; unbound "
                               "fraction assumed 0.5; its active metabolite (reduced metyrapone, Meikle et al. 1975 "
                               "J Clin Endocrinol Metab 40:290) is not modelled")},
    molar_mass=226.27,
))

register(Drug(
    "oxytocin", "the neuropeptide oxytocin, dosed intranasally: it joins the endogenous plasma and central pools "
    "and acts on OXTR as released oxytocin does (PK: sim/kinetics/intranasal.py, human; 1 IU ~ 1.68 ug)",
    pk_mechanism="intranasal", molar_mass=1007.2,   # PubChem CID 439302
))

register(Drug("placebo", "inert: no PK, no targets"))


def get(name: str) -> Drug:
    try:
        return LIBRARY[name]
    except KeyError:
        raise KeyError(f"unknown drug {name!r} (library: {', '.join(sorted(LIBRARY))})") from None


def pk_for(name: str, species: str) -> DrugPK | None:
    """The drug's DrugPK in ``species``: its own entry, else the entry of :data:`PK_FALLBACK`'s species
    with status ``derived`` (volumes and clearances are scaled by body weight in comedication.py), else None."""
    drug = get(name)
    if species in drug.pk:
        return drug.pk[species]
    other = PK_FALLBACK.get(species)
    if other is None or other not in drug.pk:
        return None
    base = drug.pk[other]
    from dataclasses import replace

    return replace(base, source=f"derived: the {other} entry scaled allometrically to the {species}'s body weight "
                                f"(Anderson & Holford 2008 Annu Rev Pharmacol Toxicol 48:303); {other}: {base.source}",
                   status="derived")


def pk_parameters(species: str) -> list[tuple[str, Parameter]]:
    """Every library drug's generic PK parameters in ``species`` (``<drug>.<field>``), for ``sim params``."""
    return [(f"{name}.{p.name}", p) for name in sorted(LIBRARY) if LIBRARY[name].pk_mechanism == "generic"
            and (pk := pk_for(name, species)) is not None for p in pk.parameters()]


def with_metabolites(names, species: str) -> tuple[str, ...]:
    """``names`` and, recursively, the active metabolites their PK forms in ``species`` (sorted)."""
    out, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in out:
            continue
        out.add(name)
        pk = pk_for(name, species) if name in LIBRARY else None
        if pk is not None and pk.metabolite:
            todo.append(pk.metabolite)
    return tuple(sorted(out))


def dosable(name: str, species: str) -> bool:
    """Whether ``name`` can be dosed in ``species`` (through its dedicated PK mechanism or its DrugPK)."""
    drug = LIBRARY.get(name)
    return drug is not None and (drug.pk_mechanism != "generic" or pk_for(name, species) is not None)


def generic_pk(names, species: str) -> tuple[str, ...]:
    """The drugs among ``names`` dosed through the generic PK model in ``species``, with their active
    metabolites (sorted)."""
    dosed = {d for d in names if d in LIBRARY and LIBRARY[d].pk_mechanism == "generic" and dosable(d, species)}
    return with_metabolites(dosed, species)


def affinity_table(drug_names=None) -> list[tuple[str, str, float, float, str]]:
    """Rows (receptor, ligand, K uM, efficacy relative to the endogenous agonist, source): the endogenous
    agonist of each receptor first, then every library drug (or those named) with an affinity there."""
    names = sorted(LIBRARY) if drug_names is None else list(drug_names)
    rows = []
    for r in catalogue.RECEPTORS.values():
        rows.append((r.name, f"{r.ligand} (endogenous)", r.k_um, 1.0, r.source))
        if r.ka_um is not None:
            rows.append((r.name, f"{r.ligand} (endogenous, operational K_A)", r.ka_um, 1.0, r.ka_source))
        for d in names:
            a = get(d).affinities.get(r.name)
            if a is not None:
                rows.append((r.name, d, a.k_um, a.efficacy, a.source))
    return rows
