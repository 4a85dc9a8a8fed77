"""Shared rate laws (Michaelis-Menten, competitive inhibition, Hill), as small ``@njit`` kernels.

Every mechanism builds its fluxes from these, so a rate law is written (and tested) once.
Concentrations are in uM and rates in uM/h unless the caller says otherwise. Each function guards
its substrate with ``max(s, 0)`` so a state that the solver drives slightly negative within a
step cannot produce a negative flux or a division by zero.

Note for developers: numba caches a kernel keyed on its own file, so after editing this module run
``make clean-cache`` (the mechanisms that call it are cached separately).

References
----------
Segel IH (1975) Enzyme Kinetics. Wiley (Michaelis-Menten and competitive inhibition).
Hill AV (1910) J Physiol 40:iv-vii.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True, inline="always")
def michaelis_menten(vmax, km, s):
    """``vmax * s / (km + s)``."""
    s = max(s, 0.0)
    return vmax * s / (km + s)


@njit(cache=True, inline="always")
def competitive_mm(vmax, km, s, inhibition):
    """Michaelis-Menten rate with competitive inhibitors: ``vmax s / (km (1 + I) + s)``.

    ``inhibition`` is ``sum_k C_k / K_k`` over every competitor (dimensionless, >= 0).
    """
    s = max(s, 0.0)
    return vmax * s / (km * (1.0 + inhibition) + s)


@njit(cache=True, inline="always")
def occupancy(c_over_k, competition):
    """Fractional occupancy of a site by a ligand at ``C/K`` among competitors summing to ``competition``
    (which includes the ligand's own ``C/K``): ``(C/K) / (1 + competition)``."""
    return max(c_over_k, 0.0) / (1.0 + competition)


@njit(cache=True, inline="always")
def hill(x, k, n):
    """Hill activation ``x^n / (k^n + x^n)`` (uses pow: keep it out of the hottest loops)."""
    x = max(x, 0.0)
    xn = x**n
    return xn / (k**n + xn)


@njit(cache=True, inline="always")
def inhibition_factor(x, k):
    """Hyperbolic feedback inhibition ``1 / (1 + x/k)`` (a Hill coefficient of 1)."""
    return 1.0 / (1.0 + max(x, 0.0) / k)
