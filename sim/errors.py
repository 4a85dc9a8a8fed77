"""Exceptions that reach the user as one line.

Every error that comes from what a user wrote (an experiment file, a ``--set`` override, a file
given on the command line) is a :class:`SimInputError`. The CLI prints its message on one line
and exits with status 2; no traceback is shown for these.
"""


class SimInputError(ValueError):
    """Bad input from the user: the message names the file and the key or field at fault."""


class ConfigError(SimInputError):
    """An experiment TOML (or an override of it) is malformed or invalid."""


class StoreError(SimInputError):
    """An HDF5 file is missing, foreign, truncated or of an unknown format version."""


class ModelError(RuntimeError):
    """A model was assembled inconsistently (a programming error, not a user error)."""
