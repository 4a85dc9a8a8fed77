"""neuropharm-sim: drug pharmacokinetics -> transmitters -> receptors -> amygdala (research and teaching)."""

__version__ = "0.1.0"
