"""neuropharm-sim: drug pharmacokinetics -> transmitters -> receptors -> amygdala.

A research and teaching simulator, not clinical guidance.

>>> import sim
>>> exp = sim.load_experiment("experiments/single_dose.toml", overrides={"dose.0.amount_mg": 80})
>>> res = sim.run(exp)
>>> res["plasma_mdma"].shape   # (runs, times)
"""

__version__ = "0.1.0"

_API = {"Experiment": "sim.config", "load_experiment": "sim.config", "parse_experiment": "sim.config",
        "Result": "sim.result", "run": "sim.runner"}
__all__ = sorted(_API)


def __getattr__(name: str):
    """The public API, imported on first use: ``import sim`` stays light (``sim --help`` needs no numba)."""
    if name not in _API:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_API[name]), name)
