"""Whether CUDA kernels can run here: a GPU, or numba's CUDA simulator standing in for one.

Kept apart from :mod:`sim.solver.cuda` so that checking an experiment's ``[solver] backend`` does not
import the solver; numba is imported only when the question is asked.
"""

from __future__ import annotations

import os


def simulated() -> bool:
    """True when numba's CUDA simulator stands in for a GPU (``NUMBA_ENABLE_CUDASIM=1``)."""
    from numba import config

    return bool(getattr(config, "ENABLE_CUDASIM", 0)) or os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"


def unavailable_reason() -> str | None:
    """None if CUDA kernels can run here (a GPU, or numba's simulator), else why not, in one sentence."""
    try:
        from numba import cuda
    except Exception:  # noqa: BLE001 - any failure to load the CUDA target means it cannot run
        return "numba's CUDA target cannot be imported"
    if simulated():
        return None
    try:
        if cuda.is_available():
            return None
    except Exception:  # noqa: BLE001 - a broken driver is the same as no GPU here
        pass
    return ("no CUDA GPU was found (and numba's CUDA simulator is off: set NUMBA_ENABLE_CUDASIM=1 before "
            "starting, or use backend = \"cpu\")")
