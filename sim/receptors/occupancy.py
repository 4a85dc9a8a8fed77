"""Competitive binding of every ligand present at one receptor: pure functions, njit and NumPy twins.

With ligand i at concentration C_i and dissociation constant K_i (x_i = C_i / K_i), a receptor with a
single site at equilibrium is occupied by ligand i with fraction::

    occ_i = x_i / (1 + sum_j x_j)                                  (Gaddum 1937; Clark 1933)

``agonist_occupancy`` weights each ligand by its efficacy relative to the endogenous agonist (1 for
that agonist and full agonists, 0 for antagonists), so it is the share of receptors held in an
active-agonist state: what ``occupancy_<receptor>`` outputs report and what the amygdala reads. An
antagonist lowers it by competition without adding to it.

Binding is taken at equilibrium: the ligands here associate and dissociate within seconds to minutes
(oxytocin, monoamines, MDMA), far faster than their concentrations change (tens of minutes to hours).
Slowly dissociating ligands (e.g. some antagonists with koff < 0.1 /min) would need a kinetic state;
none in the library is known to, so none is modelled (listed as left out in the issue notes).

The njit kernels take scalars (sums the caller forms in its loop over ligands); the NumPy twins take
arrays with ligands on axis 0 and any trailing shape (runs, times). Tests check that they agree.

Note for developers: numba caches a caller keyed on its own file; after editing this module run
``make clean-cache``.

References
----------
Clark AJ (1933) The Mode of Action of Drugs on Cells. Arnold, London.
Gaddum JH (1937) J Physiol 89:7P (competitive binding of two ligands).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def bound_fraction(x_i, x_total):
    """Fraction of receptors bound by a ligand at ``x_i = C/K`` among ligands summing to ``x_total``."""
    return max(x_i, 0.0) / (1.0 + max(x_total, 0.0))


@njit(cache=True, inline="always")
def agonist_occupancy(ex_total, x_total):
    """Efficacy-weighted occupancy ``sum e_i x_i / (1 + sum x_i)`` from the two sums."""
    return max(ex_total, 0.0) / (1.0 + max(x_total, 0.0))


def _per_ligand(values, ndim):
    """Constants per ligand: a 1-D array (one per ligand) or an array already shaped like ``conc``."""
    v = np.asarray(values, float)
    return v.reshape((-1,) + (1,) * (ndim - 1)) if v.ndim == 1 else v


def bound_fraction_np(conc, k):
    """Occupancy of each ligand (axis 0) by competitive binding: ``x_i / (1 + sum x)``."""
    conc = np.asarray(conc, float)
    x = np.maximum(conc, 0.0) / _per_ligand(k, conc.ndim)
    return x / (1.0 + x.sum(axis=0))


def agonist_occupancy_np(conc, k, efficacy):
    """Efficacy-weighted occupancy of a receptor by ligands on axis 0 (``efficacy`` 1 = endogenous)."""
    conc = np.asarray(conc, float)
    occ = bound_fraction_np(conc, k)
    return (_per_ligand(efficacy, conc.ndim) * occ).sum(axis=0)
