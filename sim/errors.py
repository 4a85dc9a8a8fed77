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


def closest(name: str, options, *, listed: int = 8) -> str:
    """What to tell a user who wrote ``name`` where one of ``options`` was expected: the closest
    matches (difflib); the whole list only when it is short (``listed`` names or fewer), or when
    nothing is close and it has at most 20 names -- never a long list.

    >>> closest("duraton_h", ["name", "duration_h", "seed"])
    "did you mean 'duration_h'? (allowed: name, duration_h, seed)"
    """
    options = [str(o) for o in options]
    near = nearest(name, options)
    hint = f"did you mean {' or '.join(repr(n) for n in near)}?" if near else ""
    if len(options) <= listed or (not near and len(options) <= 20):
        listing = f"allowed: {', '.join(options)}"
        return f"{hint} ({listing})" if hint else listing
    return hint or f"none of the {len(options)} known names is close"


def nearest(name, options) -> list[str]:
    """Up to three of ``options`` closest to ``name`` (difflib), best first."""
    import difflib

    options = [str(o) for o in options]
    near = difflib.get_close_matches(str(name), options, n=3, cutoff=0.6)
    if not near:  # a dotted name: compare the last part too (pk.kaa -> pk.ka)
        tail = str(name).rsplit(".", 1)[-1]
        close = difflib.get_close_matches(tail, [x.rsplit(".", 1)[-1] for x in options], n=3, cutoff=0.75)
        near = [o for o in options if o.rsplit(".", 1)[-1] in close][:3]
    return near
