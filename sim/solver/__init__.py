"""Batched stiff ODE integration (RODAS4 in numba, parallel over the ensemble axis)."""

from sim.solver.ensemble import Events, SolverInfo, ensemble_sparsity, solve_ensemble
from sim.solver.signatures import JAC_SIGNATURE, RHS_SIGNATURE
from sim.solver.sparsity import auto_sparsity, color_columns, detect_sparsity
from sim.solver.status import STAT_FIELDS, Status

__all__ = ["Events", "JAC_SIGNATURE", "RHS_SIGNATURE", "STAT_FIELDS", "SolverInfo", "Status", "auto_sparsity",
           "color_columns", "detect_sparsity", "ensemble_sparsity", "solve_ensemble"]
