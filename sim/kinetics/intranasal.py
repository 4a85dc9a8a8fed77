"""Intranasal oxytocin: a nasal dose into the oxytocin mechanism's plasma and central pools (human).

Exogenous oxytocin is the same peptide as the endogenous one, so it joins the pools of
:mod:`sim.kinetics.oxytocin` (plasma, and the central pool that is the amygdala's OXTR ligand) and is
cleared with their half-lives; it acts on OXTR through the receptor mechanism like released oxytocin.
Amounts in umol, pools in pM (1 umol/L = 1e6 pM)::

    d(nasal)/dt   = -ka * nasal
    d(plasma)/dt += 1e6 * f_sys * ka * nasal / (v_plasma * BW / 70)     systemic absorption
    d(central)/dt += 1e6 * f_csf * ka * nasal / v_csf                   nose-to-brain share
    the rest (swallowed, degraded in the mucosa) is ``lost``

One absorption rate serves both routes: with the plasma half-life of ~4 min, ka = 1/h puts the plasma
peak at ~15 min after the spray, as measured after 24 IU (Striepens et al. 2013 Sci Rep 3:3440); the
central pool, cleared with the CSF half-life of ~20 min, then peaks at ~40 min, and Striepens et al. found
CSF oxytocin raised by 75 min. The nose-to-brain share is tiny (~0.005 % of the dose reaches the CSF;
Leng & Ludwig 2016 Biol Psychiatry 79:243), and the central pool is taken to be the CSF volume: CSF and
amygdala extracellular oxytocin are equated, as for the endogenous baseline. Whether intranasal oxytocin
reaches the amygdala in larger amounts along olfactory and trigeminal nerves is debated (labelled oxytocin
reaches the macaque amygdala, Lee et al. 2020 Nat Commun 11:2783); the share is a parameter, and
``experiments/acheson_exposure.py`` runs the Acheson 2013 rows over shares up to one that saturates OXTR.

Only the human has this route (no rodent nasal dosing data are used here); elsewhere a dose of oxytocin by
``route = "intranasal"`` is refused by the dose table.
"""

from __future__ import annotations

from numba import njit

from sim.model import Mechanism, State
from sim.params import Parameter

NASAL, LOST = range(2)
STATES = (
    State("nasal", "umol", "oxytocin on the nasal mucosa awaiting absorption"),
    State("lost", "umol", "oxytocin swallowed or degraded in the mucosa (cumulative)"),
)
PARAMETER_NAMES = ("body_weight_kg", "ka", "f_sys", "f_csf", "v_plasma", "v_csf")
BW, KA, FSYS, FCSF, VP, VCSF = range(len(PARAMETER_NAMES))
REFERENCE_WEIGHT_KG = 70.0
UG_PER_IU = 1.68   # synthetic oxytocin: 24 IU ~ 40 ug (check the international standard's conversion)


@njit(cache=True)
def intranasal_rhs(t, y, p, dydt, s, q, x):
    """Absorption from the nasal mucosa into plasma (x[0], pM) and the central pool (x[1], pM)."""
    absorbed = p[q + KA] * max(y[s + NASAL], 0.0)
    v_plasma = p[q + VP] * p[q + BW] / REFERENCE_WEIGHT_KG
    dydt[s + NASAL] -= absorbed
    dydt[x[0]] += 1e6 * p[q + FSYS] * absorbed / v_plasma
    dydt[x[1]] += 1e6 * p[q + FCSF] * absorbed / p[q + VCSF]
    dydt[s + LOST] += (1.0 - p[q + FSYS] - p[q + FCSF]) * absorbed


STRIEPENS = "Striepens et al. 2013 Sci Rep 3:3440"


def _parameters() -> tuple[Parameter, ...]:
    p = Parameter
    return (
        p("body_weight_kg", REFERENCE_WEIGHT_KG, "kg", "derived: copied from pk.body_weight_kg by the runner",
          "body weight", 0.01, 300.0),
        p("ka", 1.0, "1/h", f"derived: {STRIEPENS} (plasma oxytocin peaks 15 min after 24 IU intranasally); with "
          "the plasma half-life of 4 min the peak is at 15 min for ka = 1/h", "absorption from the nasal mucosa",
          1e-3, 100.0),
        p("f_sys", 0.02, "1", "assumed: systemic bioavailability of a nasal peptide spray of a few percent "
          "(desmopressin nasal spray ~3-5 %, label; check); it sets a plasma rise of a few pg/mL after 24 IU, the "
          f"order reported ({STRIEPENS}; check)", "share of the dose absorbed into plasma", 0.0, 1.0),
        p("f_csf", 5e-5, "1", "Leng & Ludwig 2016 Biol Psychiatry 79:243 (~0.005 % of an intranasal dose reaches "
          f"the CSF, their estimate from {STRIEPENS}; check)", "share of the dose reaching the CSF / central pool",
          0.0, 1.0, status="unverified"),
        p("v_plasma", 14.0, "L", "assumed: extracellular fluid, ~0.2 L/kg at 70 kg (a peptide that stays outside "
          "cells)", "distribution volume of plasma oxytocin at 70 kg", 0.1, 1e3),
        p("v_csf", 0.15, "L", "Sakka et al. 2011 Eur Ann Otorhinolaryngol Head Neck Dis 128:309 (adult CSF volume "
          "~150 mL; check)", "volume the nose-to-brain share dilutes into", 1e-3, 10.0),
    )


def mechanism(species: str) -> tuple[Mechanism, ...]:
    """The intranasal dose mechanism (human only; () elsewhere)."""
    if species != "human":
        return ()
    return (Mechanism(name="intranasal", states=STATES, parameters=_parameters(), rhs=intranasal_rhs,
                      inputs=("oxytocin.plasma", "oxytocin.central"),
                      dose_targets={("oxytocin", "intranasal"): "nasal"},
                      description="human intranasal oxytocin into the plasma and central oxytocin pools"),)
