"""Published targets -> simulated vs published vs band, with sources; ``sim validate`` prints it.

Each :class:`Target` names the study it comes from and whether model parameters were fitted to it
(``fitted``) or it is an out-of-sample check. Bands follow the sources listed in ``docs/targets.md`` and the
project's rule (published mean +/- the larger of 1 SD and 20 %, unless the source gives more).
"""

from __future__ import annotations

import math

from sim.targets import Target
from sim.validation.chronic import CHRONIC_TARGETS
from sim.validation.enantiomers import ENANTIOMER_TARGETS
from sim.validation.endocrine import ENDOCRINE_TARGETS
from sim.validation.extinction import EXTINCTION_TARGETS
from sim.validation.mapp2 import MAPP2_TARGETS
from sim.validation.oxytocin import OXYTOCIN_TARGETS
from sim.validation.physiology import PHYSIOLOGY_INTERACTION_TARGETS, PHYSIOLOGY_TARGETS
from sim.validation.pk import PK_TARGETS
from sim.validation.sodium import SODIUM_TARGETS
from sim.validation.species import SPECIES_TARGETS
from sim.validation.ssri_trial import SSRI_TRIAL_TARGETS
from sim.validation.transmitters import INTERACTION_TARGETS, TRANSMITTER_TARGETS
from sim.validation.trial import TRIAL_TARGETS

SUITES: dict[str, tuple[Target, ...]] = {"pk": PK_TARGETS, "transmitters": TRANSMITTER_TARGETS,
                                         "interactions": INTERACTION_TARGETS, "oxytocin": OXYTOCIN_TARGETS,
                                         "physiology": PHYSIOLOGY_TARGETS + PHYSIOLOGY_INTERACTION_TARGETS,
                                         "species": SPECIES_TARGETS, "endocrine": ENDOCRINE_TARGETS,
                                         "chronic": CHRONIC_TARGETS, "sodium": SODIUM_TARGETS,
                                         "enantiomers": ENANTIOMER_TARGETS}


def _amygdala_targets():
    from sim.amygdala.validation import AMYGDALA_TARGETS

    return tuple(AMYGDALA_TARGETS)


SUITES["amygdala"] = _amygdala_targets()
SUITES["trial"] = TRIAL_TARGETS
SUITES["extinction"] = EXTINCTION_TARGETS
SUITES["ssri_trial"] = SSRI_TRIAL_TARGETS
SUITES["mapp2"] = MAPP2_TARGETS


def evaluate(suites=None, progress: bool = False) -> list[tuple[Target, float, bool]]:
    """Check every target of ``suites`` (default: all); ``progress``: a bar on stderr (terminals only)."""
    names = suites or list(SUITES)
    unknown = [s for s in names if s not in SUITES]
    if unknown:
        from sim.errors import SimInputError, closest

        raise SimInputError(f"validate: unknown suite {unknown[0]!r}; {closest(unknown[0], list(SUITES), listed=20)}")
    targets = [t for name in names for t in SUITES[name]]
    bar = _bar(len(targets), progress)
    rows = []
    for t in targets:
        rows.append((t, *t.check()))
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return rows


def _bar(total: int, show: bool):
    import sys

    if not show or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="validate", unit="target", file=sys.stderr, leave=False)


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


def run_suites(suites=None, progress: bool = False) -> bool:
    rows = evaluate(suites, progress)
    print(format_rows(rows))
    failed = sum(not ok for _, _, ok in rows)
    print(f"\n{len(rows) - failed} of {len(rows)} targets within their bands")
    return failed == 0
