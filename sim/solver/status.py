"""Outcome of integrating one ensemble member, with a readable message per code."""

from enum import IntEnum

import numpy as np


class Status(IntEnum):
    SUCCESS = 0
    MAX_STEPS = 1
    STEP_TOO_SMALL = 2
    SINGULAR_MATRIX = 3
    NON_FINITE = 4

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_MESSAGES = {
    Status.SUCCESS: "integration finished",
    Status.MAX_STEPS: "maximum number of steps reached; increase max_steps or loosen rtol/atol",
    Status.STEP_TOO_SMALL: "step size fell below machine precision; the problem may be ill-posed",
    Status.SINGULAR_MATRIX: "the Rosenbrock matrix I/(h*gamma) - J stayed singular after 5 step halvings",
    Status.NON_FINITE: "the state or its derivative became NaN or infinite",
}

# Columns of the per-member statistics array returned by the solver.
STAT_FIELDS = ("steps", "rejected", "rhs_evals", "jac_evals", "lu_decompositions")

# The status codes as int64 scalars, not Python ints: numba types an int constant by its value, so each
# code would otherwise compile its own copy of the kernels' failure bookkeeping (stepping.fail_rows)
SUCCESS_CODE = np.int64(Status.SUCCESS)
MAX_STEPS_CODE = np.int64(Status.MAX_STEPS)
STEP_TOO_SMALL_CODE = np.int64(Status.STEP_TOO_SMALL)
SINGULAR_CODE = np.int64(Status.SINGULAR_MATRIX)
NON_FINITE_CODE = np.int64(Status.NON_FINITE)
