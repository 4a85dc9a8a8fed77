"""A 16-state MDMA pharmacokinetic / monoamine-terminal test model for the solver benchmarks.

The model is self-contained (it does not use ``sim.kinetics``) so that the benchmark stays fixed
while the library's own mechanisms change. It is meant to be realistic in its time scales, which
is what makes it stiff: transporter reuptake clears extracellular transmitter in about a second
(rate constants of 10^3-10^4 per hour), vesicular loading takes about a minute, absorption and
distribution take hours, and CYP2D6 comes back by resynthesis over days (t1/2 48 h).

Units: amounts in mg, volumes in L, flows and clearances in L/h, time in hours, drug
concentrations in uM, transmitter pools in nM (tissue-averaged), enzyme activity as a fraction.

States
------
====  ============  ====  ===========================================================
 0    ``gut``       mg    MDMA in the gut (oral doses land here)
 1    ``central``   mg    MDMA in the central (plasma) compartment, volume ``vc``
 2    ``periph``    mg    MDMA in the peripheral compartment, volume ``vp``
 3    ``brain``     mg    MDMA in brain tissue, volume ``v_brain``
 4    ``cyp2d6``    1     fraction of CYP2D6 that is active (1 at baseline)
 5    ``mda``       mg    MDA (N-demethylated metabolite) in its distribution volume
 6    ``hhma``      mg    HHMA (CYP2D6 O-demethylenation product) before conjugation
 7-9  ``5ht_*``     nM    serotonin: vesicular, cytosolic, extracellular
10-12 ``da_*``      nM    dopamine: vesicular, cytosolic, extracellular
13-15 ``ne_*``      nM    norepinephrine: vesicular, cytosolic, extracellular
====  ============  ====  ===========================================================

Mechanisms
----------
- Oral first-order absorption with bioavailability ``f_oral``; two-compartment disposition.
- Brain uptake is flow-limited: ``Q_brain (C_plasma - C_brain / kp_brain)``.
- Clearance ``cl_2d6 * E + cl_nd + cl_renal``; the CYP2D6 route forms HHMA, N-demethylation
  forms MDA.
- Mechanism-based inactivation of CYP2D6 by MDMA (Heydari et al. 2004 report kinact ~0.29/min;
  KI of a few uM)::

      dE/dt = k_deg (1 - E) - k_inact C / (K_I + C) E,     k_deg = ln 2 / 48 h

- Each monoamine terminal: synthesis into the cytosol, VMAT2 loading (Michaelis-Menten) into
  vesicles, vesicular leak (strongly increased by the drug: the redistribution step of amphetamine
  action), tonic exocytosis, Michaelis-Menten reuptake competitively inhibited by the drug,
  drug-driven reverse transport (efflux) of cytosolic transmitter, MAO degradation in the cytosol
  and slow non-transporter clearance outside. The driving concentration is brain MDMA plus brain
  MDA (``kp_mda`` x plasma MDA) weighted by ``mda_potency``.

Transporter rate constants and basal levels are order-of-magnitude values for rodent and human
brain (extracellular 5-HT ~1 nM, DA ~10 nM, NE ~2 nM; Vmax/Km of 10^3-10^4 per hour); the
synthesis rate, VMAT Vmax, exocytosis and uptake Vmax are derived so that the drug-free state is an
exact steady state (see :func:`default_parameters`). This is a benchmark model, not a validated
one.

References
----------
Heydari A, Yeo KR, Lennard MS, Ellis SW, Tucker GT, Rostami-Hodjegan A (2004) Mechanism-based
inactivation of CYP2D6 by methylenedioxymethamphetamine. Drug Metab Dispos 32:1213-1217.
de la Torre R, Farre M, et al. (2000) Non-linear pharmacokinetics of MDMA ('ecstasy') in humans.
Br J Clin Pharmacol 49:104-109.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from numba.extending import register_jitable

from sim.solver import RHS_SIGNATURE

MW_MDMA = 193.25  # g/mol
MW_MDA = 179.22  # g/mol
MW_HHMA = 181.23  # g/mol

STATE_NAMES = (
    "gut", "central", "periph", "brain", "cyp2d6", "mda", "hhma",
    "5ht_ves", "5ht_cyt", "5ht_ext", "da_ves", "da_cyt", "da_ext", "ne_ves", "ne_cyt", "ne_ext",
)
N_STATES = len(STATE_NAMES)
GUT, CENTRAL, PERIPH, BRAIN, CYP2D6, MDA, HHMA = range(7)
SEROTONIN, DOPAMINE, NOREPINEPHRINE = 7, 10, 13  # first state (vesicular) of each terminal

# PK parameters: (name, value, unit, description)
PK_PARAMETERS = (
    ("ka", 1.5, "1/h", "oral absorption rate constant"),
    ("f_oral", 0.8, "1", "oral bioavailability"),
    ("vc", 150.0, "L", "central volume"),
    ("vp", 150.0, "L", "peripheral volume"),
    ("q", 40.0, "L/h", "inter-compartmental clearance"),
    ("cl_2d6", 15.0, "L/h", "CYP2D6 clearance at full enzyme activity (forms HHMA)"),
    ("cl_nd", 6.0, "L/h", "N-demethylation clearance (CYP1A2/2B6; forms MDA)"),
    ("cl_renal", 12.0, "L/h", "renal clearance of MDMA"),
    ("v_brain", 1.4, "L", "brain volume"),
    ("q_brain", 45.0, "L/h", "cerebral blood flow"),
    ("kp_brain", 4.0, "1", "brain:plasma partition coefficient of MDMA"),
    ("k_inact", 17.4, "1/h", "maximal CYP2D6 inactivation rate constant"),
    ("ki_inact", 5.0, "uM", "MDMA concentration at half-maximal inactivation"),
    ("k_deg", math.log(2.0) / 48.0, "1/h", "CYP2D6 turnover (resynthesis) rate constant"),
    ("v_mda", 500.0, "L", "MDA distribution volume"),
    ("cl_mda", 25.0, "L/h", "MDA clearance"),
    ("kp_mda", 4.0, "1", "brain:plasma partition coefficient of MDA"),
    ("mda_potency", 1.0, "1", "releasing potency of MDA relative to MDMA"),
    ("k_hhma", 0.5, "1/h", "HHMA conjugation / elimination rate constant"),
)
(KA, F_ORAL, VC, VP, Q, CL_2D6, CL_ND, CL_RENAL, V_BRAIN, Q_BRAIN, KP_BRAIN, K_INACT, KI_INACT,
 K_DEG, V_MDA, CL_MDA, KP_MDA, MDA_POTENCY, K_HHMA) = range(len(PK_PARAMETERS))
N_PK = len(PK_PARAMETERS)

# Per-terminal parameter block (offsets within the block); the block follows the PK parameters.
TERMINAL_FIELDS = (
    ("ksyn", "nM/h", "synthesis into the cytosol (derived: drug-free steady state)"),
    ("vmax_vmat", "nM/h", "VMAT2 maximal loading rate (derived)"),
    ("km_vmat", "nM", "VMAT2 Michaelis constant"),
    ("kleak", "1/h", "basal vesicular leak rate constant"),
    ("krel", "1/h", "tonic exocytosis rate constant (derived)"),
    ("vmax_t", "nM/h", "plasma-membrane transporter Vmax (derived from Vmax/Km)"),
    ("km_t", "nM", "transporter Michaelis constant"),
    ("kclr", "1/h", "non-transporter extracellular clearance"),
    ("kmao", "1/h", "MAO degradation of cytosolic transmitter"),
    ("ki_t", "uM", "competitive inhibition constant of the drug at the transporter"),
    ("kefx", "1/h", "maximal drug-driven reverse-transport rate constant"),
    ("ec50_rev", "uM", "drug concentration at half-maximal reverse transport"),
    ("alpha_ves", "1", "maximal fold increase of vesicular leak by the drug"),
    ("ec50_ves", "uM", "drug concentration at half-maximal vesicular leak increase"),
)
(T_KSYN, T_VMAX_VMAT, T_KM_VMAT, T_KLEAK, T_KREL, T_VMAX_T, T_KM_T, T_KCLR, T_KMAO, T_KI_T, T_KEFX,
 T_EC50_REV, T_ALPHA_VES, T_EC50_VES) = range(len(TERMINAL_FIELDS))
N_TERMINAL = len(TERMINAL_FIELDS)
SEROTONIN_BLOCK = N_PK
DOPAMINE_BLOCK = N_PK + N_TERMINAL
NOREPINEPHRINE_BLOCK = N_PK + 2 * N_TERMINAL
N_PARAMS = N_PK + 3 * N_TERMINAL

# Basal pools (nM) and primary terminal constants; the rest is derived.
#   ves, cyt, ext: basal vesicular, cytosolic, extracellular levels
#   k_uptake: transporter Vmax / Km (1/h): 3600/h is a 1 s clearance time constant
TERMINALS = {
    "serotonin": dict(ves=5000.0, cyt=50.0, ext=1.0, km_t=100.0, k_uptake=3600.0, km_vmat=200.0,
                      kleak=0.2, kclr=10.0, kmao=5.0, ki_t=0.5, kefx=40.0, ec50_rev=1.0,
                      alpha_ves=20.0, ec50_ves=3.0),
    "dopamine": dict(ves=20000.0, cyt=100.0, ext=10.0, km_t=200.0, k_uptake=20000.0, km_vmat=300.0,
                     kleak=0.2, kclr=20.0, kmao=8.0, ki_t=5.0, kefx=40.0, ec50_rev=10.0,
                     alpha_ves=20.0, ec50_ves=10.0),
    "norepinephrine": dict(ves=8000.0, cyt=50.0, ext=2.0, km_t=300.0, k_uptake=6000.0, km_vmat=300.0,
                           kleak=0.2, kclr=15.0, kmao=6.0, ki_t=1.0, kefx=40.0, ec50_rev=2.0,
                           alpha_ves=20.0, ec50_ves=5.0),
}

# Parameters varied between ensemble members (lognormal, CV 20 %, mean preserved).
VARIED = ("ka", "vc", "cl_2d6", "cl_nd", "kp_brain")

DOSES = ((0.0, 125.0), (2.0, 62.5))  # (time h, oral MDMA mg)


def _terminal_block(c):
    """Flat parameter block of one terminal, derived so the drug-free state is a steady state."""
    vmax_t = c["k_uptake"] * c["km_t"]
    uptake = vmax_t * c["ext"] / (c["km_t"] + c["ext"])
    krel = (uptake + c["kclr"] * c["ext"]) / c["ves"]  # exocytosis balances uptake + clearance
    vmat_flux = (c["kleak"] + krel) * c["ves"]  # VMAT loading balances leak + exocytosis
    vmax_vmat = vmat_flux * (c["km_vmat"] + c["cyt"]) / c["cyt"]
    ksyn = c["kmao"] * c["cyt"] + c["kclr"] * c["ext"]  # synthesis balances MAO + clearance
    block = np.empty(N_TERMINAL)
    block[T_KSYN] = ksyn
    block[T_VMAX_VMAT] = vmax_vmat
    block[T_KM_VMAT] = c["km_vmat"]
    block[T_KLEAK] = c["kleak"]
    block[T_KREL] = krel
    block[T_VMAX_T] = vmax_t
    block[T_KM_T] = c["km_t"]
    block[T_KCLR] = c["kclr"]
    block[T_KMAO] = c["kmao"]
    block[T_KI_T] = c["ki_t"]
    block[T_KEFX] = c["kefx"]
    block[T_EC50_REV] = c["ec50_rev"]
    block[T_ALPHA_VES] = c["alpha_ves"]
    block[T_EC50_VES] = c["ec50_ves"]
    return block


def default_parameters() -> np.ndarray:
    """The fixed (N_PARAMS,) parameter vector of the test model (units as in the tables above)."""
    p = np.empty(N_PARAMS)
    p[:N_PK] = [v for _, v, _, _ in PK_PARAMETERS]
    for block, name in zip((SEROTONIN_BLOCK, DOPAMINE_BLOCK, NOREPINEPHRINE_BLOCK), TERMINALS,
                           strict=True):
        p[block:block + N_TERMINAL] = _terminal_block(TERMINALS[name])
    return p


def initial_state() -> np.ndarray:
    """Drug-free steady state (N_STATES,): no drug, full CYP2D6, basal transmitter pools (nM)."""
    y = np.zeros(N_STATES)
    y[CYP2D6] = 1.0
    for first, name in zip((SEROTONIN, DOPAMINE, NOREPINEPHRINE), TERMINALS, strict=True):
        c = TERMINALS[name]
        y[first:first + 3] = c["ves"], c["cyt"], c["ext"]
    return y


def dose_events() -> list[tuple[float, int, float]]:
    """Dose rows ``(time h, state index, amount mg)`` for :func:`sim.solver.solve_ensemble`."""
    return [(t, GUT, amount) for t, amount in DOSES]


def ensemble_parameters(n_members: int, cv: float = 0.2, seed: int = 20240611) -> np.ndarray:
    """(n_members, N_PARAMS) parameters: the parameters in ``VARIED`` times lognormal factors.

    The factors have mean 1 and coefficient of variation ``cv``. Draws fill member by member, so
    the first k members are the same whatever ``n_members`` is (subsets can be timed).
    """
    names = [name for name, *_ in PK_PARAMETERS]
    rng = np.random.default_rng(seed)
    sigma = math.sqrt(math.log1p(cv * cv))
    factors = rng.lognormal(-0.5 * sigma * sigma, sigma, (n_members, len(VARIED)))
    params = np.tile(default_parameters(), (n_members, 1))
    params[:, [names.index(name) for name in VARIED]] *= factors
    return params


@register_jitable
def _terminal(y, i, p, b, drug, dydt):
    """One monoamine terminal: states y[i:i+3] (vesicular, cytosolic, extracellular, nM),
    parameter block p[b:b+N_TERMINAL], driving drug concentration ``drug`` (uM)."""
    ves = y[i]
    cyt = y[i + 1]
    ext = y[i + 2]
    vmat = p[b + T_VMAX_VMAT] * cyt / (p[b + T_KM_VMAT] + cyt)
    leak = p[b + T_KLEAK] * (1.0 + p[b + T_ALPHA_VES] * drug / (p[b + T_EC50_VES] + drug)) * ves
    exo = p[b + T_KREL] * ves
    km_app = p[b + T_KM_T] * (1.0 + drug / p[b + T_KI_T])
    uptake = p[b + T_VMAX_T] * ext / (km_app + ext)
    efflux = p[b + T_KEFX] * drug / (p[b + T_EC50_REV] + drug) * cyt
    dydt[i] = vmat - leak - exo
    dydt[i + 1] = p[b + T_KSYN] + leak + uptake - vmat - efflux - p[b + T_KMAO] * cyt
    dydt[i + 2] = exo + efflux - uptake - p[b + T_KCLR] * ext


@njit(RHS_SIGNATURE, cache=True)
def rhs(t, y, p, dydt):
    """dy/dt of the test model (per hour); autonomous: ``t`` is unused. See the module docstring."""
    c_plasma = y[CENTRAL] / p[VC]  # mg/L
    c_periph = y[PERIPH] / p[VP]
    c_brain = y[BRAIN] / p[V_BRAIN]
    c_plasma_um = c_plasma * (1000.0 / MW_MDMA)
    enzyme = y[CYP2D6]

    absorbed = p[KA] * y[GUT]
    to_periph = p[Q] * (c_plasma - c_periph)
    to_brain = p[Q_BRAIN] * (c_plasma - c_brain / p[KP_BRAIN])
    by_2d6 = p[CL_2D6] * enzyme * c_plasma
    by_nd = p[CL_ND] * c_plasma
    dydt[GUT] = -absorbed
    dydt[CENTRAL] = (p[F_ORAL] * absorbed - to_periph - to_brain - by_2d6 - by_nd
                     - p[CL_RENAL] * c_plasma)
    dydt[PERIPH] = to_periph
    dydt[BRAIN] = to_brain
    dydt[CYP2D6] = (p[K_DEG] * (1.0 - enzyme)
                    - p[K_INACT] * c_plasma_um / (p[KI_INACT] + c_plasma_um) * enzyme)
    dydt[MDA] = by_nd * (MW_MDA / MW_MDMA) - p[CL_MDA] / p[V_MDA] * y[MDA]
    dydt[HHMA] = by_2d6 * (MW_HHMA / MW_MDMA) - p[K_HHMA] * y[HHMA]

    mda_brain_um = p[KP_MDA] * y[MDA] / p[V_MDA] * (1000.0 / MW_MDA)
    drug = c_brain * (1000.0 / MW_MDMA) + p[MDA_POTENCY] * mda_brain_um  # uM
    if drug < 0.0:  # tiny negative amounts from the integrator must not flip the saturations
        drug = 0.0
    _terminal(y, SEROTONIN, p, SEROTONIN_BLOCK, drug, dydt)
    _terminal(y, DOPAMINE, p, DOPAMINE_BLOCK, drug, dydt)
    _terminal(y, NOREPINEPHRINE, p, NOREPINEPHRINE_BLOCK, drug, dydt)


class ScipyRHS:
    """``fun(t, y)`` for :func:`scipy.integrate.solve_ivp` around :func:`rhs` with fixed parameters.

    ``compiled=True`` calls the numba-compiled function (writing into a fresh array each call, since
    scipy's BDF keeps references to earlier returned derivatives); ``compiled=False`` calls the
    plain-Python twin ``rhs.py_func`` (the NumPy reference, slower).
    """

    def __init__(self, params, compiled: bool = True):
        self.params = np.ascontiguousarray(params, dtype=float)
        self.compiled = compiled
        self._f = rhs if compiled else rhs.py_func
        self.n_calls = 0

    def __call__(self, t, y):
        self.n_calls += 1
        dydt = np.empty(N_STATES)
        self._f(float(t), np.ascontiguousarray(y, dtype=float), self.params, dydt)
        return dydt
