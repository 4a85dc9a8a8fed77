"""Published targets -> simulated vs published vs band, with sources; ``sim validate`` prints it.

Each :class:`Target` names the study it comes from and whether model parameters were fitted to it
(``fitted``) or it is an out-of-sample check. Bands follow the sources listed in ``docs/targets.md`` and the
project's rule (published mean +/- the larger of 1 SD and 20 %, unless the source gives more).
"""

from __future__ import annotations

import math

from sim.targets import Target
from sim.validation.oxytocin import OXYTOCIN_TARGETS
from sim.validation.physiology import PHYSIOLOGY_INTERACTION_TARGETS, PHYSIOLOGY_TARGETS
from sim.validation.pk import PK_TARGETS
from sim.validation.transmitters import INTERACTION_TARGETS, TRANSMITTER_TARGETS
from sim.validation.trial import TRIAL_TARGETS

SUITES: dict[str, tuple[Target, ...]] = {"pk": PK_TARGETS, "transmitters": TRANSMITTER_TARGETS,
                                         "interactions": INTERACTION_TARGETS, "oxytocin": OXYTOCIN_TARGETS,
                                         "physiology": PHYSIOLOGY_TARGETS + PHYSIOLOGY_INTERACTION_TARGETS}


def _amygdala_targets():
    from sim.amygdala.validation import AMYGDALA_TARGETS

    return tuple(AMYGDALA_TARGETS)


SUITES["amygdala"] = _amygdala_targets()
SUITES["trial"] = TRIAL_TARGETS


def evaluate(suites=None) -> list[tuple[Target, float, bool]]:
    names = suites or list(SUITES)
    unknown = [s for s in names if s not in SUITES]
    if unknown:
        from sim.errors import SimInputError

        raise SimInputError(f"sim validate: unknown suite {unknown[0]!r} (available: {', '.join(SUITES)})")
    return [(t, *t.check()) for name in names for t in SUITES[name]]


def format_rows(rows) -> str:
    header = ("suite", "quantity", "simulated", "published", "band", "unit", "ok", "fit", "source")
    body = []
    for t, value, ok in rows:
        band = f"{t.low:g}-{t.high:g}" if math.isfinite(t.high) else f">= {t.low:g}"
        body.append((t.suite, t.quantity, f"{value:.3g}", t.published, band, t.unit, "PASS" if ok else "FAIL",
                     "fitted" if t.fitted else "out-of-sample", t.source))
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header) - 1)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1]
             for r in [header, *body]]
    return "\n".join(lines)


def run_suites(suites=None) -> bool:
    rows = evaluate(suites)
    print(format_rows(rows))
    failed = sum(not ok for _, _, ok in rows)
    print(f"\n{len(rows) - failed} of {len(rows)} targets within their bands")
    return failed == 0
