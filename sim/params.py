"""Parameters carry a value, a unit, a source and a status; a table of them prints and exports.

Status says how a value was obtained (the project's five kinds):

- ``measured``: read from a cited measurement (paper, table or figure);
- ``derived``: computed from other parameters or measured quantities (the source gives the formula);
- ``calibrated``: fitted to a validation row (that row is marked ``fitted``);
- ``assumed``: a modelling choice with a stated reason, no direct measurement;
- ``unverified``: a citation whose number could not be checked against the paper here (sources that
  say "check").

Where a parameter does not set it, :func:`status_from_source` derives it from the source text's
leading keyword (``assumed:``, ``calibrated:``, ``derived:``/``unit:``); a plain citation is
``measured``, or ``unverified`` if it says "check".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

STATUSES = ("measured", "derived", "calibrated", "assumed", "unverified")


def status_from_source(source: str) -> str:
    """The status a source text implies by its leading keyword (see the module docstring)."""
    text = source.strip().lower()
    for kind in STATUSES:
        if text.startswith(kind):
            return kind
    if text.startswith("unit"):
        return "derived"
    if re.search(r"\bcheck\b", text):
        return "unverified"
    return "measured"


@dataclass(frozen=True)
class Parameter:
    """One model parameter.

    ``source`` is a citation (paper, table or figure), or starts with ``assumed:`` or
    ``calibrated:`` followed by the reason. ``lower``/``upper`` bound what a user may set. ``status``
    (one of :data:`STATUSES`) defaults to what the source's leading keyword implies.
    """

    name: str
    value: float
    unit: str
    source: str
    description: str = ""
    lower: float = 0.0
    upper: float = math.inf
    status: str = ""

    def __post_init__(self):
        if not self.source:
            raise ValueError(f"parameter {self.name!r} has no source")
        if not self.status:
            object.__setattr__(self, "status", status_from_source(self.source))
        if self.status not in STATUSES:
            raise ValueError(f"parameter {self.name!r}: status {self.status!r} not one of {', '.join(STATUSES)}")
        if not (self.lower <= self.value <= self.upper):
            raise ValueError(f"parameter {self.name!r} default {self.value} outside [{self.lower}, {self.upper}]")


def format_table(rows: Iterable[Parameter], qualified_names: Iterable[str] | None = None) -> str:
    """A fixed-width text table of parameters: name, value, unit, status, description, source."""
    rows = list(rows)
    names = list(qualified_names) if qualified_names is not None else [p.name for p in rows]
    header = ("name", "value", "unit", "status", "description", "source")
    body = [(n, f"{p.value:.6g}", p.unit, p.status, p.description, p.source)
            for n, p in zip(names, rows, strict=True)]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(5)]
    lines = []
    for r in [header, *body]:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r[:5], widths, strict=True)) + "  " + r[5])
    return "\n".join(lines)


def status_summary(rows: Iterable[tuple[str, Parameter]]) -> str:
    """Counts of each status per mechanism (the part of a qualified name before the first dot)."""
    counts: dict[str, dict[str, int]] = {}
    for name, p in rows:
        per = counts.setdefault(name.split(".")[0], dict.fromkeys(STATUSES, 0))
        per[p.status] += 1
    header = ("mechanism", *STATUSES, "total")
    body = [(m, *(str(c[s]) for s in STATUSES), str(sum(c.values()))) for m, c in counts.items()]
    total = {s: sum(c[s] for c in counts.values()) for s in STATUSES}
    body.append(("all", *(str(total[s]) for s in STATUSES), str(sum(total.values()))))
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [header, *body])
