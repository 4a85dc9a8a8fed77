"""Published targets -> simulated vs published vs band, with sources; ``sim validate`` prints it.

Each :class:`Target` names the study it comes from and whether model parameters were fitted to it
(``fitted``) or it is an out-of-sample check. Bands follow ``../shared/targets/TARGETS.md`` and the
issue's rule (published mean +/- the larger of 1 SD and 20 %, unless the source gives more).
"""

from __future__ import annotations

import math

from sim.targets import Target  # noqa: F401  (re-exported: sim.validate.Target)
from sim.validation.common import (  # noqa: F401  (re-exported: sim.validate.<name>)
    PINDOLOL_PRE,
    _dose_block,
    _experiment,
    _mdma,
    _simulate,
    _simulate_doses,
    _window,
    peak_rise,
)
from sim.validation.oxytocin import (  # noqa: F401  (re-exported: sim.validate.<name>)
    KIRK,
    OXYTOCIN_TARGETS,
    human_peak_time,
    oxytocin_fold,
    oxytocin_rise_remaining,
    peak_value,
)
from sim.validation.physiology import (  # noqa: F401  (re-exported: sim.validate.<name>)
    CARVEDILOL_PRE,
    CITALOPRAM_PRE,
    HYSEK,
    HYSEK_2010,
    LIECHTI_V,
    MAS_PD,
    PHYSIOLOGY_INTERACTION_TARGETS,
    PHYSIOLOGY_TARGETS,
    SAFETY_EXPERIMENT,
    VIZELI,
    _safety_cohort,
    evoked_peak_ratio,
    mdma_auc_ratio,
    rise_ratio,
    share_over,
)
from sim.validation.pk import (  # noqa: F401  (re-exported: sim.validate.<name>)
    DLT,
    MAS,
    PK_TARGETS,
    auc,
    auc_ratio,
    cmax,
    cyp2d6_min,
    cyp2d6_recovery_day,
    half_life,
    rat,
    repeat_dose_ratio,
    tmax,
)
from sim.validation.transmitters import (  # noqa: F401  (re-exported: sim.validate.<name>)
    BAUMANN,
    INTERACTION_TARGETS,
    KG,
    KG_FLUOXETINE,
    KG_MDMA_MG_PER_KG,
    MICRODIALYSIS,
    SEGURA,
    TRANSMITTER_TARGETS,
    _dialysate_bins,
    _evoked_auc,
    _rat_mdma,
    baseline_nm,
    evoked_remaining,
    koch_galloway_da,
    paroxetine_auc_ratio,
    paroxetine_cyp2d6_after,
    paroxetine_half_life,
    paroxetine_inhibition_half_life,
    peak_fold,
    peak_time,
)
from sim.validation.trial import (  # noqa: F401  (re-exported: sim.validate.<name>)
    _TRIAL_CACHE,
    MAPP1,
    TRIAL_TARGETS,
    _trial,
    _trial_summary,
)

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
