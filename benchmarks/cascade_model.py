"""The whole human MDMA cascade as an ensemble (PK, the serotonin, dopamine and norepinephrine
terminals, receptors, oxytocin and physiology): the NDF and RODAS4 ensemble solvers vs scipy
``solve_ivp`` loops, as :mod:`benchmarks.pk_model` does for the PK model alone (same workload:
48 h, output every minute, 125 mg MDMA.HCl orally, rtol 1e-6, atol 1e-9)."""

from __future__ import annotations

from benchmarks import pk_model


def run(quick: bool = False, full: bool = False, out_dir=None) -> dict:
    """Run the suite; writes ``cascade_model.json`` into ``out_dir``."""
    return pk_model.run(quick=quick, full=full, out_dir=out_dir, cascade=True)
