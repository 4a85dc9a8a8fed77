"""Parameters carry a value, a unit and a source; a table of them prints and exports."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Parameter:
    """One model parameter.

    ``source`` is a citation (paper, table or figure), or starts with ``assumed:`` or
    ``calibrated:`` followed by the reason. ``lower``/``upper`` bound what a user may set.
    """

    name: str
    value: float
    unit: str
    source: str
    description: str = ""
    lower: float = 0.0
    upper: float = math.inf

    def __post_init__(self):
        if not self.source:
            raise ValueError(f"parameter {self.name!r} has no source")
        if not (self.lower <= self.value <= self.upper):
            raise ValueError(f"parameter {self.name!r} default {self.value} outside [{self.lower}, {self.upper}]")


def format_table(rows: Iterable[Parameter], qualified_names: Iterable[str] | None = None) -> str:
    """A fixed-width text table of parameters: name, value, unit, source."""
    rows = list(rows)
    names = list(qualified_names) if qualified_names is not None else [p.name for p in rows]
    header = ("name", "value", "unit", "description", "source")
    body = [(n, f"{p.value:.6g}", p.unit, p.description, p.source) for n, p in zip(names, rows, strict=True)]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(4)]
    lines = []
    for r in [header, *body]:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4])
    return "\n".join(lines)
