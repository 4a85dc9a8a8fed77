"""Outcome of integrating one ensemble member, with a readable message per code."""

from enum import IntEnum


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
