"""A published target: one row of a ``sim validate`` table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """A published quantity, its acceptance band, its source, and how to simulate it.

    ``fitted`` says whether model parameters were fitted to this row (else it is out of sample).
    ``simulate()`` returns the simulated value in ``unit``.
    """

    suite: str
    quantity: str
    published: str
    low: float
    high: float
    unit: str
    source: str
    fitted: bool
    simulate: Callable[[], float]

    def check(self) -> tuple[float, bool]:
        value = float(self.simulate())
        return value, bool(self.low <= value <= self.high)
