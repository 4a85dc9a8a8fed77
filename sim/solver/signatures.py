"""Numba types of the functions the solver calls.

A right-hand side is any ``@njit`` function ``rhs(t, y, p, dydt) -> None`` that writes dy/dt into
``dydt``; an optional Jacobian ``jac(t, y, p, J) -> None`` writes df/dy into the (n, n) array ``J``.
The solver receives them as first-class function values of these fixed types, so the solver itself
compiles once and is cached on disk (numba ``cache=True``) whatever model it integrates.
"""

from numba import types
from numba.core.registry import CPUDispatcher

RHS_SIGNATURE = types.void(types.float64, types.float64[::1], types.float64[::1], types.float64[::1])
JAC_SIGNATURE = types.void(types.float64, types.float64[::1], types.float64[::1], types.float64[:, ::1])

RHS_TYPE = types.FunctionType(RHS_SIGNATURE)
JAC_TYPE = types.FunctionType(JAC_SIGNATURE)


def as_function(f, signature, what: str):
    """``f`` compiled for ``signature`` (an ``@njit`` dispatcher), so the solver can take it as a value."""
    if not isinstance(f, CPUDispatcher):
        raise TypeError(f"{what} must be a numba @njit function, got {type(f).__name__}")
    if tuple(signature.args) not in [tuple(s) for s in f.signatures]:
        f.compile(signature)
    return f
