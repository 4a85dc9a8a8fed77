"""Operational (Black-Leff) response of a receptor to several competing ligands: njit and NumPy twins.

For ligands with x_i = C_i / K_i and operational efficacies tau_i (Hill slope 1), the fraction of the
system's maximal response is (Black & Leff 1983; for several ligands, Leff & Dougall 1993)::

    E / Em = sum_i tau_i x_i / (1 + sum_i x_i + sum_i tau_i x_i)

An antagonist has tau = 0: it appears in the binding sum only. A partial agonist has 0 < tau_i <
tau_endogenous; here tau_i = efficacy_i x tau of the receptor (catalogue.py). Mechanisms use the
response *relative to the drug-free baseline* (E / E0), so the unmeasured Em cancels.

References
----------
Black JW, Leff P (1983) Proc R Soc Lond B 220:141.
Leff P, Dougall IG (1993) Trends Pharmacol Sci 14:110.
Kenakin T (2009) A Pharmacology Primer, 3rd ed. Academic Press, ch. 5.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def operational(tau_x_total, x_total):
    """``sum tau_i x_i / (1 + sum x_i + sum tau_i x_i)`` from the two sums (fraction of Em)."""
    a = max(tau_x_total, 0.0)
    return a / (1.0 + max(x_total, 0.0) + a)


def operational_np(conc, k, tau):
    """Fraction of Em for ligands on axis 0 with concentrations ``conc``, constants ``k`` and ``tau`` (each
    one value per ligand, or shaped like ``conc``)."""
    conc = np.asarray(conc, float)

    def per(v):
        v = np.asarray(v, float)
        return v.reshape((-1,) + (1,) * (conc.ndim - 1)) if v.ndim == 1 else v
    x = np.maximum(conc, 0.0) / per(k)
    a = (per(tau) * x).sum(axis=0)
    return a / (1.0 + x.sum(axis=0) + a)
