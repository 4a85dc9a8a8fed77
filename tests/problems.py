"""Stiff test problems with published or exact reference solutions, for the solver tests.

Every right-hand side is a module-level ``@njit(RHS_SIGNATURE, cache=True)`` function
``rhs(t, y, p, dydt)`` and every Jacobian an ``@njit(JAC_SIGNATURE, cache=True)`` function
``jac(t, y, p, J)``, so they can be handed to :func:`sim.solver.solve_ensemble`. Their plain-Python
twins are available as ``rhs.py_func`` (used with scipy and with the pure-Python solver kernel).

Sources of the reference solutions
----------------------------------
ROBER, HIRES and VDPOLM: F. Mazzia and C. Magherini, *Test Set for Initial Value Problem Solvers*,
release 2.4 (2008), Department of Mathematics, University of Bari, and INdAM (problem files
``rober.f``, ``hires.f``, ``vdpolm.f``, pidate 20060828). The reference values there were computed
with RADAU/RADAU5 in extended precision (uround 1.01e-19, rtol = atol = h0 = 1.1e-18).
The problems themselves are from E. Hairer and G. Wanner, *Solving Ordinary Differential
Equations II*, 2nd ed., Springer (1996), sec. IV.10.

The linear and Prothero-Robinson problems have closed-form solutions (see their docstrings).
"""

import math

import numpy as np
from numba import njit

from sim.solver import JAC_SIGNATURE, RHS_SIGNATURE

# ---------------------------------------------------------------------------------------------
# ROBER: Robertson's chemical kinetics (H. H. Robertson 1966), n = 3, t in [0, 1e11].
#   y1' = -k1 y1 + k2 y2 y3,   y2' = k1 y1 - k2 y2 y3 - k3 y2^2,   y3' = k3 y2^2
#   k = (0.04, 1e4, 3e7),  y0 = (1, 0, 0)
# Reference at t = 1e11 from the Bari test set, rober.f ("double precision RADAU on
# Alphaserver DS20E, uround 1.01d-19, rtol=atol=h0=1.1d-18").

ROBER_PARAMS = np.array([0.04, 1.0e4, 3.0e7])
ROBER_Y0 = np.array([1.0, 0.0, 0.0])
ROBER_T_END = 1.0e11
ROBER_REF = np.array([0.2083340149701255e-07, 0.8333360770334713e-13, 0.9999999791665050e00])


@njit(RHS_SIGNATURE, cache=True)
def rober_rhs(t, y, p, dydt):
    r1 = p[0] * y[0]
    r2 = p[1] * y[1] * y[2]
    r3 = p[2] * y[1] * y[1]
    dydt[0] = -r1 + r2
    dydt[1] = r1 - r2 - r3
    dydt[2] = r3


@njit(JAC_SIGNATURE, cache=True)
def rober_jac(t, y, p, J):
    J[0, 0] = -p[0]
    J[0, 1] = p[1] * y[2]
    J[0, 2] = p[1] * y[1]
    J[1, 0] = p[0]
    J[1, 1] = -p[1] * y[2] - 2.0 * p[2] * y[1]
    J[1, 2] = -p[1] * y[1]
    J[2, 0] = 0.0
    J[2, 1] = 2.0 * p[2] * y[1]
    J[2, 2] = 0.0


# ---------------------------------------------------------------------------------------------
# HIRES: "High Irradiance RESponse" of photomorphogenesis (Schaefer 1975; Hairer & Wanner II,
# sec. IV.10), n = 8, t in [0, 321.8122]. Coefficients as in the test set's hires.f (feval/jeval).
# Reference at t = 321.8122 from hires.f ("computed using true double precision RADAU5 on Cray
# C90, uround 1.01d-19, rtol=atol=h0=1.1d-18"). The parameter vector is not used.

HIRES_PARAMS = np.zeros(1)
HIRES_Y0 = np.array([1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0057])
HIRES_T_END = 321.8122
HIRES_REF = np.array([
    0.7371312573325668e-3,
    0.1442485726316185e-3,
    0.5888729740967575e-4,
    0.1175651343283149e-2,
    0.2386356198831331e-2,
    0.6238968252742796e-2,
    0.2849998395185769e-2,
    0.2850001604814231e-2,
])


@njit(RHS_SIGNATURE, cache=True)
def hires_rhs(t, y, p, dydt):
    dydt[0] = -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007
    dydt[1] = 1.71 * y[0] - 8.75 * y[1]
    dydt[2] = -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4]
    dydt[3] = 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3]
    dydt[4] = -1.745 * y[4] + 0.43 * (y[5] + y[6])
    dydt[5] = -280.0 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6]
    dydt[6] = 280.0 * y[5] * y[7] - 1.81 * y[6]
    dydt[7] = -dydt[6]


@njit(JAC_SIGNATURE, cache=True)
def hires_jac(t, y, p, J):
    J[:, :] = 0.0
    J[0, 0] = -1.71
    J[0, 1] = 0.43
    J[0, 2] = 8.32
    J[1, 0] = 1.71
    J[1, 1] = -8.75
    J[2, 2] = -10.03
    J[2, 3] = 0.43
    J[2, 4] = 0.035
    J[3, 1] = 8.32
    J[3, 2] = 1.71
    J[3, 3] = -1.12
    J[4, 4] = -1.745
    J[4, 5] = 0.43
    J[4, 6] = 0.43
    J[5, 3] = 0.69
    J[5, 4] = 1.71
    J[5, 5] = -280.0 * y[7] - 0.43
    J[5, 6] = 0.69
    J[5, 7] = -280.0 * y[5]
    J[6, 5] = 280.0 * y[7]
    J[6, 6] = -1.81
    J[6, 7] = 280.0 * y[5]
    J[7, 5] = -280.0 * y[7]
    J[7, 6] = 1.81
    J[7, 7] = -280.0 * y[5]


# ---------------------------------------------------------------------------------------------
# VDPOLM: Van der Pol oscillator, unscaled ("VANDERPOL modified" of the test set, vdpolm.f),
#   y1' = y2,   y2' = mu (1 - y1^2) y2 - y1,   mu = p[0] = 1000,  y0 = (2, 0),  t in [0, 2000].
# Reference at t = 2000 from vdpolm.f (RADAU, Alphaserver, uround 1.01d-19, tol 1.1d-18).
# (Not the scaled VDPOL form with eps = 1e-6 on [0, 2]: its reference belongs to that form.)

VDPOL_PARAMS = np.array([1000.0])
VDPOL_Y0 = np.array([2.0, 0.0])
VDPOL_T_END = 2000.0
VDPOL_REF = np.array([0.1706167732170469e001, -0.8928097010248125e-003])


@njit(RHS_SIGNATURE, cache=True)
def vdpol_rhs(t, y, p, dydt):
    dydt[0] = y[1]
    dydt[1] = p[0] * (1.0 - y[0] * y[0]) * y[1] - y[0]


@njit(JAC_SIGNATURE, cache=True)
def vdpol_jac(t, y, p, J):
    J[0, 0] = 0.0
    J[0, 1] = 1.0
    J[1, 0] = -2.0 * p[0] * y[0] * y[1] - 1.0
    J[1, 1] = p[0] * (1.0 - y[0] * y[0])


# ---------------------------------------------------------------------------------------------
# Linear constant-coefficient system y' = A y, with A stored row-major in p (n*n entries).
# LINEAR_A = V diag(-1, -1e3, -1e6) V^-1 with V = [[1,1,0],[0,1,1],[1,0,1]] (its inverse is
# 0.5*[[1,-1,1],[1,1,-1],[-1,1,1]]), so the exact solution is y(t) = V exp(t Lambda) V^-1 y0.

LINEAR_EIGENVALUES = np.array([-1.0, -1.0e3, -1.0e6])
LINEAR_V = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0]])
LINEAR_V_INV = 0.5 * np.array([[1.0, -1.0, 1.0], [1.0, 1.0, -1.0], [-1.0, 1.0, 1.0]])
LINEAR_A = LINEAR_V @ np.diag(LINEAR_EIGENVALUES) @ LINEAR_V_INV
LINEAR_PARAMS = LINEAR_A.ravel().copy()
LINEAR_Y0 = np.array([1.0, 2.0, -1.0])


def linear_exact(t, y0=LINEAR_Y0):
    """Exact solution of y' = LINEAR_A y at times ``t`` (T,), shape (T, 3), by eigendecomposition."""
    t = np.asarray(t, dtype=float)
    c = LINEAR_V_INV @ y0
    return (np.exp(np.outer(t, LINEAR_EIGENVALUES)) * c) @ LINEAR_V.T


@njit(RHS_SIGNATURE, cache=True)
def linear_rhs(t, y, p, dydt):
    n = y.size
    for i in range(n):
        s = 0.0
        for j in range(n):
            s += p[i * n + j] * y[j]
        dydt[i] = s


@njit(JAC_SIGNATURE, cache=True)
def linear_jac(t, y, p, J):
    n = y.size
    for i in range(n):
        for j in range(n):
            J[i, j] = p[i * n + j]


# ---------------------------------------------------------------------------------------------
# Prothero-Robinson (A. Prothero and A. Robinson, Math. Comp. 28 (1974) 145-162):
#   y' = lam (y - g(t)) + g'(t),  g = sin,  lam = p[0] = -1e4,  y(0) = 0  ->  exact y(t) = sin t.
# Non-autonomous and stiff: exercises the h d_i df/dt term of the Rosenbrock stages.

PR_PARAMS = np.array([-1.0e4])
PR_Y0 = np.array([0.0])


def pr_exact(t):
    return np.sin(np.asarray(t, dtype=float))[:, None]


@njit(RHS_SIGNATURE, cache=True)
def pr_rhs(t, y, p, dydt):
    dydt[0] = p[0] * (y[0] - math.sin(t)) + math.cos(t)


@njit(JAC_SIGNATURE, cache=True)
def pr_jac(t, y, p, J):
    J[0, 0] = p[0]


# ---------------------------------------------------------------------------------------------
# Oral one-compartment pharmacokinetics (first-order absorption), for dose events:
#   gut' = -ka gut,   central' = ka gut - ke central,   p = (ka, ke).
# A dose D into the gut at time s gives, for tau = t - s >= 0 (Bateman function),
#   gut = D exp(-ka tau),   central = D ka / (ka - ke) (exp(-ke tau) - exp(-ka tau));
# a dose D into the central compartment gives central = D exp(-ke tau) (plain y' = -ke y).
# Doses superpose because the system is linear.

PK_PARAMS = np.array([1.5, 0.2])


def pk_exact(t, events, ka, ke):
    """Superposed exact solution at times ``t`` for ``events`` = [(time, index, amount), ...]."""
    t = np.asarray(t, dtype=float)
    out = np.zeros((t.size, 2))
    for s, idx, dose in events:
        tau = t - s
        on = tau >= 0.0
        tau = np.where(on, tau, 0.0)
        if idx == 0:
            out[:, 0] += np.where(on, dose * np.exp(-ka * tau), 0.0)
            out[:, 1] += np.where(on, dose * ka / (ka - ke) * (np.exp(-ke * tau) - np.exp(-ka * tau)), 0.0)
        else:
            out[:, 1] += np.where(on, dose * np.exp(-ke * tau), 0.0)
    return out


@njit(RHS_SIGNATURE, cache=True)
def pk_rhs(t, y, p, dydt):
    dydt[0] = -p[0] * y[0]
    dydt[1] = p[0] * y[0] - p[1] * y[1]


@njit(JAC_SIGNATURE, cache=True)
def pk_jac(t, y, p, J):
    J[0, 0] = -p[0]
    J[0, 1] = 0.0
    J[1, 0] = p[0]
    J[1, 1] = -p[1]


# ---------------------------------------------------------------------------------------------
# A right-hand side that turns NaN from t = p[0] on (y' = -y before), for the failure path.


@njit(RHS_SIGNATURE, cache=True)
def nan_after_rhs(t, y, p, dydt):
    if t < p[0]:
        dydt[0] = -y[0]
    else:
        dydt[0] = math.nan
