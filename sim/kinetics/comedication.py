"""Generic PK of a dosed drug other than MDMA: one compartment, first-order absorption, brain effect site.

One :class:`~sim.model.Mechanism` per drug, named after it (``paroxetine.central`` ...), built from
the drug's :class:`~sim.kinetics.drugs.DrugPK` entry. Amounts in umol, volumes in L, time in h::

    gut --ka--> central --CL + CL_2D6 * E / (1 + C/Km)--> eliminated
    depot --ka_depot--^        (1 - F) of the gut and depot goes straight to ``eliminated``
    brain (unbound, uM): dC_b/dt = keq (fu C - C_b)     (Kp,uu = 1: unbound brain = unbound plasma)

``E`` is the PK model's hepatic CYP2D6 state ``pk.cyp2d6``. A drug with ``cyp2d6_kinact > 0`` is a
mechanism-based inactivator and adds ``-kinact C_h / (KI + C_h) E`` to dE/dt, with ``C_h`` the
driving concentration (``cyp2d6_driver`` x total plasma): the same enzyme state MDMA inactivates,
so a pre-treatment with paroxetine slows MDMA's CYP2D6 clearance. A drug whose entry names an active
``metabolite`` (itself a library drug with its own mechanism) hands ``f_metabolite`` of its clearance,
in moles, to the metabolite's central compartment instead of ``eliminated``::

    d(metabolite.central)/dt += f_metabolite * clearance

Reversible (competitive) CYP2D6 inhibition. A drug whose entry lists ``enzymes["cyp2d6"]`` (its K_i) is a
competitive inhibitor of CYP2D6, and the CYP2D6 route of every other generic drug present is divided by
``1 + sum_j C_j / K_i,j`` over those inhibitors, with ``C_j`` the inhibitor's total plasma concentration (the
same driver assumption as paroxetine's inactivation: these lipophilic amines accumulate in the liver, and
unbound plasma levels would leave CYP2D6 almost untouched at doses that convert extensive metabolisers to
the poor-metaboliser phenotype). A drug's own saturation ``1 + C/Km`` is the same competition with itself,
so for an inhibitor ``km_2d6`` is its K_i. Fluoxetine and norfluoxetine inhibit CYP2D6 this way (K_i ~0.15-0.2
uM, Otton et al. 1993 Clin Pharmacol Ther 53:401; 0.60 and 0.43 uM with sparteine, Crewe et al. 1992 Br J
Clin Pharmacol 34:262), so fluoxetine slows its own clearance as it and its metabolite accumulate: the
acute half-life of 1-3 days becomes 4-6 days in chronic use (Prozac label), the nonlinear kinetics of
Altamura et al. 1994 Clin Pharmacokinet 26:201 and Hiemke & Haertter 2000 Pharmacol Ther 85:11. MDMA's own
CYP2D6 route (sim/kinetics/drugs/mdma.py) does not see these reversible inhibitors (only the shared enzyme state).

A one-compartment model is the usual simple description of these drugs' oral PK (references per
entry in the drug library).
"""

from __future__ import annotations

from numba import njit

from sim.kinetics import drugs as library
from sim.model import Mechanism, Output, State
from sim.params import Parameter
from sim.units import MOLAR_MASS_G_PER_MOL

GUT, DEPOT, CENTRAL, BRAIN, ELIMINATED = range(5)
STATES = (
    State("gut", "umol", "drug in the gut lumen awaiting absorption"),
    State("depot", "umol", "drug at a parenteral injection site (s.c. or i.p.)"),
    State("central", "umol", "drug in its distribution volume (plasma-referenced)"),
    State("brain", "uM", "unbound drug concentration at brain targets (effect site)"),
    State("eliminated", "umol", "drug eliminated or not absorbed (cumulative)"),
)
PARAMETER_NAMES = ("body_weight_kg", "ka", "ka_depot", "f_oral", "v", "cl", "cl_2d6", "km_2d6", "fu",
                   "keq_brain", "cyp2d6_ki", "cyp2d6_kinact", "cyp2d6_driver", "f_metabolite", "n_inhibitors")
BW, KA, KA_DEPOT, F, V, CL, CL2D6, KM2D6, FU, KEQ, CKI, CKINACT, CDRIVER, FMET, NINH = range(len(PARAMETER_NAMES))
PER_INHIBITOR = ("v", "cyp2d6_ki")   # per reversible CYP2D6 inhibitor: its volume (L, 70 kg) and K_i (uM)
NPER_INH = len(PER_INHIBITOR)
NFIXED = len(PARAMETER_NAMES)
REFERENCE_WEIGHT_KG = 70.0
REFERENCE_BODY_WEIGHT_KG = {"human": 70.0, "rat": 0.3, "mouse": 0.025}   # the PK presets' (sim/kinetics/drugs/mdma.py)


@njit(cache=True)
def clearance_rate(y, p, s, q, x):
    """Elimination rate (umol/h) from the central compartment: CL + CL_2D6 E / (1 + C/Km + sum_j C_j/Ki_j),
    allometric; ``x[0]`` is the enzyme state, the last ``n_inhibitors`` inputs the inhibitors' central amounts."""
    w = p[q + BW] / REFERENCE_WEIGHT_KG
    cp = max(y[s + CENTRAL], 0.0) / (p[q + V] * w)
    enzyme = min(max(y[x[0]], 0.0), 1.0)
    n = int(p[q + NINH])
    competition = 1.0 + cp / p[q + KM2D6]
    first = len(x) - n
    for k in range(n):
        b = q + NFIXED + k * NPER_INH
        competition += max(y[x[first + k]], 0.0) / (p[b] * w) / p[b + 1]
    return (p[q + CL] + p[q + CL2D6] * enzyme / competition) * w**0.75 * cp


@njit(cache=True)
def comedication_rhs(t, y, p, dydt, s, q, x):
    """One-compartment PK with a brain effect site; optional CYP2D6 clearance and inactivation."""
    w = p[q + BW] / REFERENCE_WEIGHT_KG
    v = p[q + V] * w
    gut = max(y[s + GUT], 0.0)
    depot = max(y[s + DEPOT], 0.0)
    central = max(y[s + CENTRAL], 0.0)
    cp = central / v
    enzyme = min(max(y[x[0]], 0.0), 1.0)
    absorbed = p[q + KA] * gut
    injected = p[q + KA_DEPOT] * depot
    clearance = clearance_rate(y, p, s, q, x)
    dydt[s + GUT] += -absorbed
    dydt[s + DEPOT] += -injected
    dydt[s + CENTRAL] += p[q + F] * (absorbed + injected) - clearance
    dydt[s + BRAIN] += p[q + KEQ] * (p[q + FU] * cp - y[s + BRAIN])
    dydt[s + ELIMINATED] += clearance + (1.0 - p[q + F]) * (absorbed + injected)
    if p[q + CKINACT] > 0.0:
        ch = p[q + CDRIVER] * cp
        dydt[x[0]] -= p[q + CKINACT] * ch / (p[q + CKI] + ch) * enzyme


@njit(cache=True)
def comedication_metabolite_rhs(t, y, p, dydt, s, q, x):
    """:func:`comedication_rhs`, with ``f_metabolite`` of the clearance formed into the metabolite's central
    compartment (``x[1]``) rather than eliminated."""
    comedication_rhs(t, y, p, dydt, s, q, x)
    formed = p[q + FMET] * clearance_rate(y, p, s, q, x)
    dydt[s + ELIMINATED] -= formed
    dydt[x[1]] += formed


def _plasma(drug_name):
    mm = MOLAR_MASS_G_PER_MOL[drug_name]

    def compute(st, par):
        w = par["body_weight_kg"] / REFERENCE_WEIGHT_KG
        return st["central"] / (par["v"] * w) * mm
    return compute


def _brain(st, par):
    return st["brain"]


def cyp2d6_inhibitors(drug_name: str, present, species: str) -> tuple[str, ...]:
    """The drugs in ``present`` that competitively inhibit ``drug_name``'s CYP2D6 route (none if it has none)."""
    own = library.pk_for(drug_name, species)
    if own is None or own.cl_2d6 <= 0:
        return ()
    return tuple(d for d in present if d != drug_name and "cyp2d6" in library.get(d).enzymes)


def mechanism(drug_name: str, species: str, inhibitors=()) -> Mechanism:
    """The PK mechanism of a library drug in a species (KeyError if it has no PK there); ``inhibitors``: the
    other generic drugs present that competitively inhibit its CYP2D6 route (:func:`cyp2d6_inhibitors`)."""
    pk = library.pk_for(drug_name, species)
    if pk is None:
        raise KeyError(f"drug {drug_name!r} has no {species} PK in the library")
    params = (Parameter("body_weight_kg", REFERENCE_BODY_WEIGHT_KG[species], "kg",
                        "derived: copied from pk.body_weight_kg by the runner", "body weight", 0.01, 300.0),
              *pk.parameters())
    n = float(len(inhibitors))   # layout, not physiology: bounds pin it so no override can change it
    params += (Parameter("n_inhibitors", n, "1", "derived: number of reversible CYP2D6 inhibitors present",
                         "drugs competing at this drug's CYP2D6 route (layout)", n, n),)
    assert tuple(x.name for x in params) == PARAMETER_NAMES
    for other in inhibitors:
        opk = library.pk_for(other, species)
        ki = library.get(other).enzymes["cyp2d6"]
        params += (Parameter(f"{other}_v", opk.v, "L", opk.source, f"{other}'s distribution volume at 70 kg "
                             "(its central amount -> plasma concentration)", 0.1, 1e5, status=opk.status),
                   Parameter(f"{other}_cyp2d6_ki", ki.k_um, "uM", ki.source,
                             f"{other}'s K_i at CYP2D6 (competitive, total plasma concentration)", 1e-6, 1e6))
    # MDA is also MDMA's metabolite (drugs/mdma.py's plasma_mda): a dosed MDA gets outputs of its own
    label = "mda_dosed" if drug_name == "mda" else drug_name
    outputs = (Output(f"plasma_{label}", "ng/mL", f"plasma {label} concentration", _plasma(drug_name)),
               Output(f"brain_{label}", "uM", f"unbound {label} at brain targets", _brain))
    targets = {(drug_name, "oral"): "gut", (drug_name, "iv"): "central", (drug_name, "sc"): "depot",
               (drug_name, "ip"): "depot"}
    inputs, rhs = ("pk.cyp2d6",), comedication_rhs
    if pk.metabolite:
        inputs, rhs = ("pk.cyp2d6", f"{pk.metabolite}.central"), comedication_metabolite_rhs
    inputs += tuple(f"{other}.central" for other in inhibitors)
    return Mechanism(name=drug_name, states=STATES, parameters=params, rhs=rhs,
                     inputs=inputs, outputs=outputs, dose_targets=targets,
                     description=f"{species} PK of {drug_name} (one compartment)")
