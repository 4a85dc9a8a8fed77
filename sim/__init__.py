"""neuropharm-sim: drug pharmacokinetics -> transmitters -> receptors -> amygdala.

A research and teaching simulator, not clinical guidance.

>>> import sim
>>> exp = sim.load_experiment("experiments/single_dose.toml", overrides={"dose.0.amount_mg": 80})
>>> res = sim.run(exp)
>>> res["plasma_mdma"].shape   # (runs, times)
"""

__version__ = "0.1.0"

from sim.config import Experiment, load_experiment, parse_experiment  # noqa: E402
from sim.result import Result  # noqa: E402
from sim.runner import run  # noqa: E402

__all__ = ["Experiment", "Result", "load_experiment", "parse_experiment", "run"]
