"""MDMA pharmacokinetics with mechanism-based inactivation of CYP2D6, and the metabolite MDA.

Compartments (amounts in umol, volumes in L, time in h)::

    gut --ka--> central <--Q--> peripheral          depot (s.c./i.p.) --ka_depot--> central
                   |  <--Q_brain--> brain (tissue; C_brain / Kp equilibrates with plasma)
                   |-- CL_renal ------------> urine (unchanged MDMA)
                   |-- CL_2D6 * E * phenotype -> HHMA/HMMA (CYP2D6 demethylenation)
                   |-- CL_other --------------> other metabolites (CYP1A2/2B6/2C19/3A4, conjugates)
                   |-- CL_mda_formation ------> MDA (N-demethylation, CYP1A2/2B6) --CL_mda--> eliminated

``E`` (``cyp2d6_activity``) is the active fraction of hepatic CYP2D6. MDMA reaching the liver
(plasma plus the portal share of what is being absorbed) inactivates it irreversibly at rate
``kinact * Cu / (KI + Cu)``; new enzyme is made at the turnover rate ``kdeg``::

    dE/dt = kdeg (1 - E) - kinact Cu / (KI + Cu) E - kinact_inh * inhibitor term (reserved)

This is what makes MDMA kinetics nonlinear: larger and repeated doses remove more of their own
clearance. Volumes scale with (body weight / 70 kg)^1 and clearances and flows with ^0.75.
Parameters are *apparent oral* values (F folded in) unless stated; see ``HUMAN``, ``RAT`` and ``MOUSE``.

Enantiomers. Racemic MDMA is half S-(+)-, half R-(-)-MDMA; CYP2D6 demethylenates S faster than R
(Fallon et al. 1999 Clin Chem 45:1058; Straumann et al. 2025 Neuropsychopharmacology 50:362), so plasma
becomes R-rich and R outlasts S. The model carries the difference ``D = R - S`` in the central,
peripheral and brain compartments, in urine and in MDA (``d_mda``); ``R = (total + D) / 2``. Racemic
doses add equal amounts (D unchanged); a single enantiomer (library entries ``s_mdma``, ``r_mdma``) is
dosed into its own gut or depot state (``gut_s``, ``gut_r``, ``depot_s``, ``depot_r``) and enters D with
its sign. Distribution, renal clearance, CYP2D6 inactivation and MDA elimination are not stereoselective
(assumed). Each hepatic route has an intrinsic clearance per enantiomer, R's being ``r`` times S's
(``r_s_2d6`` for CYP2D6, ``r_s_other`` for the other routes, ``r_s_mda`` for N-demethylation to MDA),
normalised so that a 50:50 mixture is cleared at the route's ``cl_*``::

    flux_S = cl 2/(1+r) C_S,   flux_R = r cl 2/(1+r) C_R,   total = cl C g,   g = 2 (1 - f_R + r f_R)/(1 + r)

with ``f_R = R / (R + S)`` in plasma (g = 1 for the racemate, falls as plasma turns R-rich). MDA keeps
the configuration of the MDMA it is formed from. Outputs ``plasma_s_mdma`` + ``plasma_r_mdma`` =
``plasma_mdma`` and ``plasma_s_mda`` + ``plasma_r_mda`` = ``plasma_mda``. The terminals and receptors
see brain MDMA (S + R) with the racemate's potencies (no same-assay enantiomer potencies: the library entries).

Every amount that leaves a compartment lands in an accumulator state, so the mass balance
``dose = sum of all MDMA-derived amounts`` closes to solver tolerance (tests check it).
"""

from __future__ import annotations

import math

from numba import njit

from sim.model import Mechanism, Output, State
from sim.params import Parameter
from sim.units import MOLAR_MASS_G_PER_MOL

# Order of states in the state vector (offsets from the mechanism's first state).
GUT, DEPOT, CENTRAL, PERIPHERAL, BRAIN, CYP2D6, MDA, URINE, HHMA, OTHER, MDA_OUT, D_CENTRAL, D_PERIPHERAL, D_BRAIN, \
    D_URINE, GUT_S, GUT_R, DEPOT_S, DEPOT_R, D_MDA = range(20)

STATES = (
    State("gut", "umol", "MDMA in the gut lumen awaiting absorption"),
    State("depot", "umol", "MDMA at a parenteral injection site (s.c. or i.p.)"),
    State("central", "umol", "MDMA in the central (plasma) compartment"),
    State("peripheral", "umol", "MDMA in peripheral tissue"),
    State("brain", "umol", "MDMA in brain tissue"),
    State("cyp2d6", "1", "active fraction of hepatic CYP2D6 (1 = baseline)", initial=1.0),
    State("mda", "umol", "MDA in its distribution volume"),
    State("urine", "umol", "MDMA excreted unchanged (cumulative)"),
    State("hhma", "umol", "MDMA demethylenated by CYP2D6 to HHMA/HMMA (cumulative)"),
    State("other", "umol", "MDMA cleared by other hepatic routes (cumulative)"),
    State("mda_eliminated", "umol", "MDA eliminated (cumulative)"),
    State("d_central", "umol", "R- minus S-MDMA in the central compartment (signed)"),
    State("d_peripheral", "umol", "R- minus S-MDMA in peripheral tissue (signed)"),
    State("d_brain", "umol", "R- minus S-MDMA in brain tissue (signed)"),
    State("d_urine", "umol", "R- minus S-MDMA excreted unchanged (cumulative, signed)"),
    State("gut_s", "umol", "S-(+)-MDMA dosed alone, in the gut lumen awaiting absorption"),
    State("gut_r", "umol", "R-(-)-MDMA dosed alone, in the gut lumen awaiting absorption"),
    State("depot_s", "umol", "S-(+)-MDMA dosed alone at a parenteral injection site"),
    State("depot_r", "umol", "R-(-)-MDMA dosed alone at a parenteral injection site"),
    State("d_mda", "umol", "R- minus S-MDA in MDA's distribution volume (signed)"),
)

# Order of parameters in the parameter vector (offsets from the mechanism's first parameter).
PARAMETER_NAMES = (
    "body_weight_kg", "ka", "ka_depot", "f_depot", "v_central", "v_peripheral", "q_peripheral",
    "cl_renal", "cl_2d6", "cl_other", "cl_mda_formation", "cyp2d6_capacity", "kinact", "ki_unbound",
    "fu_plasma", "q_hepatic", "cyp2d6_half_life", "v_brain", "q_brain", "kp_brain", "v_mda", "cl_mda", "km_2d6",
    "r_s_2d6", "r_s_other", "r_s_mda",
)
(BW, KA, KA_DEPOT, F_DEPOT, VC, VP, QP, CLR, CL2D6, CLOTHER, CLMDA_F, CAPACITY, KINACT, KI, FU, QH, T_HALF_2D6,
 VBR, QBR, KPBR, VMDA, CLMDA, KM2D6, RS2D6, RSOTHER, RSMDA) = range(len(PARAMETER_NAMES))

REFERENCE_WEIGHT_KG = 70.0
VOLUME_EXPONENT = 1.0  # allometric exponents: Anderson & Holford 2008 Annu Rev Pharmacol Toxicol 48:303
CLEARANCE_EXPONENT = 0.75

# CYP2D6 phenotype -> capacity of the CYP2D6 route relative to an extensive metaboliser
# (assumed: activity-score scale of Gaedigk et al. 2008 Clin Pharmacol Ther 83:234: PM 0, IM 0.5,
# EM 1, UM 2).
PHENOTYPE_CAPACITY = {"poor": 0.0, "intermediate": 0.5, "extensive": 1.0, "ultrarapid": 2.0}


@njit(cache=True)
def pk_rhs(t, y, p, dydt, s, q, x):
    """MDMA/MDA disposition and CYP2D6 inactivation (see module docstring)."""
    w = p[q + BW] / REFERENCE_WEIGHT_KG
    vscale = w ** VOLUME_EXPONENT
    cscale = w ** CLEARANCE_EXPONENT
    vc = p[q + VC] * vscale
    vp = p[q + VP] * vscale
    vbr = p[q + VBR]  # brain volume does not scale with body weight
    vmda = p[q + VMDA] * vscale

    gut_s = max(y[s + GUT_S], 0.0)
    gut_r = max(y[s + GUT_R], 0.0)
    depot_s = max(y[s + DEPOT_S], 0.0)
    depot_r = max(y[s + DEPOT_R], 0.0)
    gut = max(y[s + GUT], 0.0) + gut_s + gut_r      # all MDMA awaiting absorption (racemic + single enantiomers)
    depot = max(y[s + DEPOT], 0.0) + depot_s + depot_r
    central = max(y[s + CENTRAL], 0.0)
    peripheral = max(y[s + PERIPHERAL], 0.0)
    brain = max(y[s + BRAIN], 0.0)
    enzyme = min(max(y[s + CYP2D6], 0.0), 1.0)
    mda = max(y[s + MDA], 0.0)

    cp = central / vc
    absorption = p[q + KA] * gut
    injection = p[q + KA_DEPOT] * depot
    # hepatic inlet: plasma plus the portal share of what is being absorbed from the gut
    c_liver_unbound = p[q + FU] * (cp + absorption / (p[q + QH] * cscale))
    inactivation = p[q + KINACT] * c_liver_unbound / (p[q + KI] + c_liver_unbound)
    kdeg = math.log(2.0) / p[q + T_HALF_2D6]

    # enantiomers: D = R - S in each MDMA compartment (racemic doses add none; see module docstring).
    # Each enantiomer has its own intrinsic clearance (S: CL x 2/(1+r), R: r x that), so a hepatic route
    # clears the mixture at CL x g with g = 2 (1 - f_R + r f_R) / (1 + r): g = 1 for the racemate.
    # (|D| <= central; the floor only matters for an empty pool, where every flux the share scales is ~0,
    # and keeps the expression free of a branch that an exported model's integrator would root-find on)
    d_share = y[s + D_CENTRAL] / max(central, 1e-12)
    f_r = 0.5 * (1.0 + min(max(d_share, -1.0), 1.0))
    g_2d6 = 2.0 * (1.0 - f_r + p[q + RS2D6] * f_r) / (1.0 + p[q + RS2D6])
    g_other = 2.0 * (1.0 - f_r + p[q + RSOTHER] * f_r) / (1.0 + p[q + RSOTHER])
    g_mda = 2.0 * (1.0 - f_r + p[q + RSMDA] * f_r) / (1.0 + p[q + RSMDA])

    renal = p[q + CLR] * cscale * cp
    # saturable (Michaelis-Menten) CYP2D6 route; unbound concentration against Km
    by_2d6 = (g_2d6 * p[q + CL2D6] * cscale * p[q + CAPACITY] * enzyme * cp
              / (1.0 + p[q + FU] * cp / p[q + KM2D6]))
    other = g_other * p[q + CLOTHER] * cscale * cp
    to_mda = g_mda * p[q + CLMDA_F] * cscale * cp
    to_peripheral = p[q + QP] * cscale * (cp - peripheral / vp)
    to_brain = p[q + QBR] * cscale * (cp - brain / (vbr * p[q + KPBR]))

    dydt[s + GUT] += -p[q + KA] * max(y[s + GUT], 0.0)
    dydt[s + DEPOT] += -p[q + KA_DEPOT] * max(y[s + DEPOT], 0.0)
    dydt[s + GUT_S] += -p[q + KA] * gut_s
    dydt[s + GUT_R] += -p[q + KA] * gut_r
    dydt[s + DEPOT_S] += -p[q + KA_DEPOT] * depot_s
    dydt[s + DEPOT_R] += -p[q + KA_DEPOT] * depot_r
    dydt[s + CENTRAL] += (absorption + p[q + F_DEPOT] * injection - renal - by_2d6 - other - to_mda
                          - to_peripheral - to_brain)
    dydt[s + PERIPHERAL] += to_peripheral
    dydt[s + BRAIN] += to_brain
    dydt[s + CYP2D6] += kdeg * (1.0 - enzyme) - inactivation * enzyme
    mda_out = p[q + CLMDA] * cscale * mda / vmda
    dydt[s + MDA] += to_mda - mda_out
    dydt[s + URINE] += renal
    dydt[s + HHMA] += by_2d6
    # what a parenteral dose loses before reaching plasma is counted with the other routes
    dydt[s + OTHER] += other + (1.0 - p[q + F_DEPOT]) * injection
    dydt[s + MDA_OUT] += mda_out

    d_c = y[s + D_CENTRAL]
    d_share = min(max(d_share, -1.0), 1.0)
    a = p[q + RS2D6]
    weight = a * f_r + (1.0 - f_r)
    share_r = a * f_r / weight if weight > 0.0 else 0.5
    b = p[q + RSOTHER]
    weight_o = b * f_r + (1.0 - f_r)
    share_r_o = b * f_r / weight_o if weight_o > 0.0 else 0.5
    m = p[q + RSMDA]
    weight_m = m * f_r + (1.0 - f_r)
    share_r_m = m * f_r / weight_m if weight_m > 0.0 else 0.5
    d_per = p[q + QP] * cscale * (d_c / vc - y[s + D_PERIPHERAL] / vp)
    d_br = p[q + QBR] * cscale * (d_c / vc - y[s + D_BRAIN] / (vbr * p[q + KPBR]))
    # a single-enantiomer dose enters as R (+) or S (-) in D
    d_in = p[q + KA] * (gut_r - gut_s) + p[q + F_DEPOT] * p[q + KA_DEPOT] * (depot_r - depot_s)
    dydt[s + D_CENTRAL] += (d_in - renal * d_share - other * (2.0 * share_r_o - 1.0) - to_mda * (2.0 * share_r_m - 1.0)
                            - by_2d6 * (2.0 * share_r - 1.0) - d_per - d_br)
    dydt[s + D_PERIPHERAL] += d_per
    dydt[s + D_BRAIN] += d_br
    dydt[s + D_URINE] += renal * d_share
    # MDA keeps the configuration of the MDMA it came from; its elimination is not stereoselective (assumed)
    dydt[s + D_MDA] += to_mda * (2.0 * share_r_m - 1.0) - mda_out * y[s + D_MDA] / max(mda, 1e-12)


def _volume(par, name):
    return par[name] * (par["body_weight_kg"] / REFERENCE_WEIGHT_KG) ** VOLUME_EXPONENT


def _plasma_mdma(st, par):
    return st["central"] / _volume(par, "v_central") * MOLAR_MASS_G_PER_MOL["mdma"]


def _plasma_mda(st, par):
    return st["mda"] / _volume(par, "v_mda") * MOLAR_MASS_G_PER_MOL["mda"]


def _enantiomer(sign):
    def compute(st, par):
        return 0.5 * (st["central"] + sign * st["d_central"]) / _volume(par, "v_central") * MOLAR_MASS_G_PER_MOL["mdma"]
    return compute


def _mda_enantiomer(sign):
    def compute(st, par):
        return 0.5 * (st["mda"] + sign * st["d_mda"]) / _volume(par, "v_mda") * MOLAR_MASS_G_PER_MOL["mda"]
    return compute


def _brain_mdma(st, par):
    return st["brain"] / par["v_brain"]


def _cyp2d6(st, par):
    return st["cyp2d6"]


OUTPUTS = (
    Output("plasma_mdma", "ng/mL", "plasma MDMA concentration", _plasma_mdma),
    Output("plasma_mda", "ng/mL", "plasma MDA concentration", _plasma_mda),
    Output("plasma_s_mdma", "ng/mL", "plasma S-(+)-MDMA (plasma_mdma = S + R)", _enantiomer(-1.0)),
    Output("plasma_r_mdma", "ng/mL", "plasma R-(-)-MDMA (plasma_mdma = S + R)", _enantiomer(+1.0)),
    Output("plasma_s_mda", "ng/mL", "plasma S-(+)-MDA (plasma_mda = S + R)", _mda_enantiomer(-1.0)),
    Output("plasma_r_mda", "ng/mL", "plasma R-(-)-MDA (plasma_mda = S + R)", _mda_enantiomer(+1.0)),
    Output("brain_mdma", "uM", "MDMA concentration in brain tissue", _brain_mdma),
    Output("cyp2d6_activity", "1", "active hepatic CYP2D6, fraction of baseline", _cyp2d6),
)

DOSE_TARGETS = {("mdma", "oral"): "gut", ("mdma", "iv"): "central", ("mdma", "sc"): "depot",
                ("mdma", "ip"): "depot",
                # single enantiomers (library entries s_mdma, r_mdma): oral and parenteral
                ("s_mdma", "oral"): "gut_s", ("s_mdma", "sc"): "depot_s", ("s_mdma", "ip"): "depot_s",
                ("r_mdma", "oral"): "gut_r", ("r_mdma", "sc"): "depot_r", ("r_mdma", "ip"): "depot_r"}

_CAL = "calibrated: fitted to Mas et al. 1999 JPET 290:136 (Cmax, tmax, t1/2 at 75 and 125 mg) and " \
       "de la Torre et al. 2000 Br J Clin Pharmacol 49:104 (AUC ratio) by tools/calibrate_pk.py human, jointly with " \
       "the enantiomer parameters r_s_*"


def _human_parameters() -> tuple[Parameter, ...]:
    p = Parameter
    return (
        p("body_weight_kg", 70.0, "kg", "assumed: reference adult", "body weight", 0.01, 300.0),
        p("ka", 0.713, "1/h", _CAL, "oral absorption rate constant", 0.01, 50.0),
        p("ka_depot", 3.0, "1/h", "assumed: s.c. absorption faster than oral (no human data)",
          "absorption rate from an injection depot", 0.01, 500.0),
        p("f_depot", 1.0, "1", "assumed: complete parenteral absorption", "depot bioavailability", 0.0, 1.0),
        p("v_central", 123.6, "L", _CAL, "apparent central volume (V/F) at 70 kg", 1.0, 5000.0),
        p("v_peripheral", 227.2, "L", _CAL, "apparent peripheral volume at 70 kg", 1.0, 5000.0),
        p("q_peripheral", 40.0, "L/h", "assumed: distribution phase not resolved in Mas 1999 (not fitted)",
          "intercompartmental clearance at 70 kg", 0.1, 1000.0),
        p("cl_renal", 12.0, "L/h", "derived: ~20 % of the dose excreted unchanged x CL/F ~55 L/h "
          "(de la Torre et al. 2004 Ther Drug Monit 26:137; Fallon et al. 1999 Clin Chem 45:1058)",
          "renal clearance at 70 kg", 0.0, 200.0),
        p("cl_2d6", 163.3, "L/h", _CAL, "CYP2D6 demethylenation clearance, extensive metaboliser, "
          "fully active enzyme, 70 kg", 0.0, 20000.0),
        p("cl_other", 28.8, "L/h", _CAL, "clearance by other hepatic routes (CYP1A2/2B6/2C19/3A4)",
          0.0, 1000.0),
        p("cl_mda_formation", 5.79, "L/h", _CAL + "; MDA/MDMA AUC 8-9 % (Mas 1999)",
          "N-demethylation to MDA (CYP1A2/2B6; Meyer et al. 2008 Drug Metab Dispos 36:2345)", 0.0, 1000.0),
        p("cyp2d6_capacity", 1.0, "1", "CYP2D6 phenotype (PHENOTYPE_CAPACITY; Gaedigk et al. 2008)",
          "capacity of the CYP2D6 route relative to an extensive metaboliser", 0.0, 5.0),
        p("kinact", 18.0, "1/h", "Van et al. 2006 J Psychopharmacol 20:834: 0.31 /min (5-fold dilution; "
          "range 0.20-0.58 /min)", "maximal CYP2D6 inactivation rate", 0.0, 1000.0),
        p("ki_unbound", 37.53, "uM", _CAL + ". In vitro unbound KI is 2.2-6.4 uM (Van et al. 2006 J "
          "Psychopharmacol 20:834); the in vivo value is ~8x higher, as expected if unbound hepatocyte "
          "MDMA is below unbound plasma MDMA", "unbound MDMA for half-maximal inactivation (in vivo)", 1e-3, 1000.0),
        p("fu_plasma", 0.7, "1", "assumed: 20-40 % plasma protein binding commonly quoted (check: "
          "Wan Aasim et al. 2017 J Chem 8103726 gives no value in its abstract)", "unbound fraction in plasma",
          0.01, 1.0),
        p("q_hepatic", 90.0, "L/h", "Davies & Morris 1993 Pharm Res 10:1093 (liver blood flow 1.5 L/min)",
          "hepatic blood flow at 70 kg", 1.0, 1000.0),
        p("cyp2d6_half_life", 51.0, "h", "Yang et al. 2006 J Psychopharmacol 20:842 (hepatic CYP2D6 "
          "turnover ~51 h, second-hand; check); O'Mathuna et al. 2008 J Clin Psychopharmacol 28:523 "
          "estimate ~46 h in vivo",
          "turnover half-life of hepatic CYP2D6", 1.0, 1000.0),
        p("v_brain", 1.45, "L", "Davies & Morris 1993 Pharm Res 10:1093 (brain 1.45 kg)", "brain volume",
          0.001, 10.0),
        p("q_brain", 42.0, "L/h", "Davies & Morris 1993 Pharm Res 10:1093 (brain blood flow 0.7 L/min)",
          "brain blood flow at 70 kg", 0.01, 500.0),
        p("kp_brain", 6.0, "1", "assumed: rat brain:plasma ratios of 5-10 for MDMA (Chu et al. 1996 Drug "
          "Metab Dispos 24:1262, second-hand; check)", "brain:plasma partition coefficient", 0.01, 100.0),
        p("v_mda", 560.0, "L", "assumed: as MDMA (no human MDA volume published)", "MDA apparent volume at 70 kg",
          1.0, 5000.0),
        p("cl_mda", 24.0, "L/h", "calibrated: MDA t1/2 16-28 h (Mas 1999, second-hand; check) with v_mda "
          "(that row is marked fitted). Formation from systemic MDMA only then puts MDA's tmax late after MDMA's, "
          "later than the ~5-7 h reported (presystemic N-demethylation is not modelled)",
          "MDA clearance at 70 kg", 0.01, 1000.0),
        p("km_2d6", 1000.0, "uM", "assumed: no saturation at clinical concentrations in humans (the dose "
          "dependence is carried by the fitted in vivo KI)", "unbound MDMA at half-maximal CYP2D6 rate", 1e-3, 1e4),
        p("r_s_2d6", 0.552, "1", "calibrated with r_s_other, r_s_mda and the racemic parameters (tools/calibrate_pk.py "
          "human): "
          "S-MDMA t1/2 5.1 h after 125 mg racemic (Straumann et al. 2025 Neuropsychopharmacology 50:362) and R:S AUC "
          "2.4 after 40 mg (Fallon et al. 1999 Clin Chem 45:1058); both rows are marked fitted. CYP2D6 prefers "
          "S-MDMA",
          "CYP2D6 intrinsic clearance of R- relative to S-MDMA", 1e-3, 10.0),
        p("r_s_other", 0.0535, "1", "calibrated with r_s_2d6 (same two rows): the other hepatic routes (CYP1A2/2B6/"
          "2C19/3A4) taken as S-selective too; with CYP2D6 alone selective the two rows cannot both hold (CYP2D6 "
          "is largely inactivated at 125 mg; check)",
          "intrinsic clearance of R- relative to S-MDMA by the other hepatic routes", 1e-3, 10.0),
        p("r_s_mda", 0.315, "1", "calibrated with r_s_2d6 and r_s_other: S-MDA:R-MDA 1.4 in 24-h urine after 40 mg "
          "racemic (Fallon et al. 1999 Clin Chem 45:1058; 1.4 % and 1.0 % of the dose), with R:S MDMA exposure 2.4 "
          "(r ~ 1 / (1.4 x 2.4)); that row is marked fitted",
          "N-demethylation (MDA formation) clearance of R- relative to S-MDMA", 1e-3, 10.0),
    )


def _preset(base: dict, values: dict, carry=lambda p: p) -> tuple[Parameter, ...]:
    """A species preset: ``base`` (name -> Parameter) with ``values`` (name -> (value, unit, source))
    replacing some entries (the allowed range widened to hold the new value); ``carry`` maps the others."""
    out = []
    for name in PARAMETER_NAMES:
        b = base[name]
        if name in values:
            v, unit, src = values[name]
            out.append(Parameter(name, v, unit, src, b.description, min(b.lower, v), max(b.upper, v)))
        else:
            out.append(carry(b))
    return tuple(out)


def _rat_parameters() -> tuple[Parameter, ...]:
    """Rat preset: same equations, rat values (per 0.3 kg animal unless stated)."""
    human = {p.name: p for p in _human_parameters()}
    rat_src = "calibrated: Baumann et al. 2009 Drug Metab Dispos 37:2163 (Cmax ~200 ng/mL and t1/2 < 1 h " \
              "at 2 mg/kg i.p.; AUC ratio 10/2 mg/kg i.p.) and Concheiro et al. 2014 Drug Metab Dispos 42:119 " \
              "(2.5 mg/kg s.c.: Cmax 164 +/- 47 ng/mL, first sample 0.5 h; AUC 3x and 10x after 5 and 10 mg/kg); " \
              "tools/calibrate_pk.py rat"
    values = {
        "body_weight_kg": (0.3, "kg", "assumed: adult male Sprague-Dawley rat (Baumann 2009 used 300-400 g)"),
        "ka": (1.5, "1/h", "assumed: oral tmax later than i.p. (Baumann 2009)"),
        "ka_depot": (3.0, "1/h", "assumed: i.p./s.c. absorption half-life ~14 min. The fit leaves it free (no "
                                 "sample before 0.5 h in Concheiro 2014); faster absorption moves the 10 mg/kg i.p. "
                                 "5-HT peak into the first 20-min dialysate bin, before Gudelsky & Nash's ~1 h"),
        "f_depot": (1.0, "1", "assumed"),
        # rat volumes and clearances are given for a 70-kg-equivalent so the allometric scaling applies
        "v_central": (232.0, "L", rat_src + " (scaled to 70 kg by (BW/70)^1)"),
        "v_peripheral": (150.0, "L", "assumed (earlier fit, not refitted)"),
        "q_peripheral": (400.0, "L/h", "assumed (earlier fit, not refitted)"),
        "cl_renal": (11.47, "L/h", rat_src),
        "cl_2d6": (140.7, "L/h", rat_src + "; rat CYP2D1/2 demethylenation dominant"),
        "cl_other": (0.167, "L/h", "assumed (earlier fit, not refitted)"),
        "cl_mda_formation": (14.66, "L/h", rat_src + "; ~12 % of the dose to MDA (Concheiro 2014: < 20 %)"),
        "kinact": (18.0, "1/h", "assumed: as human CYP2D6 (Van et al. 2006)"),
        "ki_unbound": (23.21, "uM", rat_src + "; the non-linearity (rat CYP2D1/2 inactivation potency: no in vitro "
                                        "value found)"),
        "cyp2d6_half_life": (30.0, "h", "assumed: shorter enzyme turnover in rat"),
        "q_hepatic": (90.0, "L/h", "Davies & Morris 1993 (rat liver blood flow scaled to 70 kg)"),
        "v_brain": (0.0018, "L", "Davies & Morris 1993 Pharm Res 10:1093 (rat brain 1.8 g)"),
        "q_brain": (42.0, "L/h", "Davies & Morris 1993 (rat brain flow scaled to 70 kg)"),
        "v_mda": (500.0, "L", "assumed"),
        "km_2d6": (1000.0, "uM", "assumed: as human (no saturation); with Concheiro 2014 in the fit, the "
                                 "non-linearity is carried by the inactivation (ki_unbound), not by saturation"),
        "cl_mda": (300.0, "L/h", "calibrated: MDA t1/2 > 2 h (Baumann 2009)"),
        "r_s_2d6": (0.552, "1", "assumed: the human value (no rat enantiomer data used)"),
        "r_s_other": (0.0535, "1", "assumed: the human value (no rat enantiomer data used)"),
        "r_s_mda": (0.315, "1", "assumed: the human value (no rat enantiomer data used)"),
    }
    return _preset(human, values)


def _mouse_parameters() -> tuple[Parameter, ...]:
    """Mouse preset: the rat preset's 70-kg-equivalent values at a 25-g mouse, so the allometric scaling
    (volumes ^1, clearances and flows ^0.75; Anderson & Holford 2008) makes the mouse's weight-normalised
    clearance (25/300)^-0.25 = 1.86x the rat's and its half-lives ~0.54x. That direction is measured:
    MDMA is eliminated faster in mice than in rats, with the same metabolic pattern (MDA the major
    metabolite, then HMMA and HHMA; Mueller et al. 2013 J Pharmacol Exp Ther 344:479). No mouse plasma
    time course was used: values not listed below are the rat's (status derived from it)."""
    rat = {p.name: p for p in _rat_parameters()}
    scaled = ("derived: rat preset value (70-kg equivalent) applied at the mouse's weight by allometric "
              "scaling (Anderson & Holford 2008 Annu Rev Pharmacol Toxicol 48:303); faster elimination in mice "
              "than rats, Mueller et al. 2013 J Pharmacol Exp Ther 344:479")
    values = {
        "body_weight_kg": (0.025, "kg", "assumed: adult C57BL/6 mouse (Young et al. 2015 Transl Psychiatry "
                                        "5:e634 used adult males; 20-30 g)"),
        "v_brain": (0.00045, "L", "assumed: adult mouse brain ~0.4-0.5 g"),
        "ka_depot": (3.0, "1/h", "assumed: as the rat's i.p. absorption (half-life ~14 min)"),
    }
    def carried(base):  # a rat value measured or fitted in rats: derived for the mouse
        if base.status not in ("calibrated", "measured", "unverified"):
            return base
        return Parameter(base.name, base.value, base.unit, scaled + f" (rat: {base.source})", base.description,
                         base.lower, base.upper, status="derived")
    return _preset(rat, values, carried)


def _check_layout(params: tuple[Parameter, ...]) -> tuple[Parameter, ...]:
    assert tuple(p.name for p in params) == PARAMETER_NAMES
    return params


HUMAN = Mechanism(
    name="pk", states=STATES, parameters=_check_layout(_human_parameters()), rhs=pk_rhs, outputs=OUTPUTS,
    dose_targets=DOSE_TARGETS, description="human MDMA/MDA pharmacokinetics with CYP2D6 auto-inactivation")
RAT = Mechanism(
    name="pk", states=STATES, parameters=_check_layout(_rat_parameters()), rhs=pk_rhs, outputs=OUTPUTS,
    dose_targets=DOSE_TARGETS, description="rat MDMA/MDA pharmacokinetics (preset)")

MOUSE = Mechanism(
    name="pk", states=STATES, parameters=_check_layout(_mouse_parameters()), rhs=pk_rhs, outputs=OUTPUTS,
    dose_targets=DOSE_TARGETS, description="mouse MDMA/MDA pharmacokinetics (preset: rat values scaled to 25 g)")

SPECIES = {"human": HUMAN, "rat": RAT, "mouse": MOUSE}


def brain_inputs(mechanism) -> list:
    """Where the terminals and receptors find this PK model's drugs: unbound brain MDMA from ``brain``
    and the MDA it forms from ``mda`` (as :class:`sim.kinetics.terminal.DrugInput` s, scaled to uM)."""
    from sim.kinetics.terminal import DrugInput

    par = mechanism.parameter
    mdma = par("fu_plasma").value / (par("kp_brain").value * par("v_brain").value)
    mda = par("fu_plasma").value / par("v_mda").value
    return [DrugInput("mdma", "mdma", "pk.brain", mdma,
                      "derived: pk.fu_plasma / (pk.kp_brain * pk.v_brain) (unbound brain = unbound plasma)"),
            DrugInput("mda", "mda", "pk.mda", mda,
                      "derived: pk.fu_plasma / pk.v_mda (MDA metabolite; assumed: brain unbound = plasma "
                      "unbound, instantaneous equilibrium)")]


def input_scales(col) -> dict:
    """Per-run factors from the brain-drug states to unbound uM at the target (``col``: a qualified parameter
    name -> its value in every run): unbound brain MDMA per unit of ``pk.brain`` (fu / (Kp V_brain), 1/L:
    unbound brain = unbound plasma) and unbound MDA per unit of ``pk.mda`` (fu / V_mda with V_mda scaled to
    body weight, 1/L)."""
    w = col("pk.body_weight_kg") / REFERENCE_WEIGHT_KG
    return {"pk.brain": col("pk.fu_plasma") / (col("pk.kp_brain") * col("pk.v_brain")),
            "pk.mda": col("pk.fu_plasma") / (col("pk.v_mda") * w**VOLUME_EXPONENT)}
