"""Batched stiff ODE integration (RODAS4 in numba, parallel over the ensemble axis).

The names below are imported on first use, so that importing one submodule (``sim.solver.signatures``,
which every generated model module imports) does not import the whole solver.
"""

_API = {"Events": "sim.solver.ensemble", "SolverInfo": "sim.solver.ensemble",
        "ensemble_sparsity": "sim.solver.ensemble", "solve_ensemble": "sim.solver.ensemble",
        "JAC_SIGNATURE": "sim.solver.signatures", "RHS_SIGNATURE": "sim.solver.signatures",
        "auto_sparsity": "sim.solver.sparsity", "color_columns": "sim.solver.sparsity",
        "detect_sparsity": "sim.solver.sparsity", "STAT_FIELDS": "sim.solver.status", "Status": "sim.solver.status"}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'sim.solver' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_API[name]), name)
