"""Canonical units and the only place where conversion factors live.

Inside the engine, amounts are in micromoles (umol), volumes in litres (L), concentrations in
micromolar (uM = umol/L), time in hours (h). Values cross into other units only here: at the
config boundary (doses in mg) and at the output boundary (plasma concentrations in ng/mL).

References
----------
Molar masses: oxytocin (PubChem CID 439302) 1007.2 g/mol here; every library drug's with its entry
(PubChem, base and hydrochloride; clinical labels of the SSRIs state the dose as the base equivalent,
so experiment files dose them with salt = "base").
"""

from __future__ import annotations

# g/mol of the substances the engine converts. A library drug's molar masses are part of its entry
# (sim/kinetics/drugs/: ``molar_mass``, ``hcl_molar_mass``) and are added here when it is registered.
MOLAR_MASS_G_PER_MOL = {
    # peptides (PubChem CID 439302): oxytocin 1007.2 g/mol, so 1 pM = 1.0072 pg/mL
    "oxytocin": 1007.2,
}

MINUTES_PER_HOUR = 60.0
SECONDS_PER_HOUR = 3600.0


def salt_to_base_fraction(drug: str) -> float:
    """Mass fraction of the free base in the hydrochloride salt (base / hydrochloride molar mass)."""
    return MOLAR_MASS_G_PER_MOL[drug] / MOLAR_MASS_G_PER_MOL[f"{drug}_hcl"]


def mg_to_umol(mass_mg, drug: str):
    """Mass of free base in mg -> amount in umol."""
    return mass_mg * 1000.0 / MOLAR_MASS_G_PER_MOL[drug]


def umol_to_mg(amount_umol, drug: str):
    """Amount in umol -> mass of free base in mg."""
    return amount_umol * MOLAR_MASS_G_PER_MOL[drug] / 1000.0


def um_to_ng_per_ml(concentration_um, drug: str):
    """Concentration uM (umol/L) -> ng/mL of free base (1 uM x M g/mol = M ug/L = M ng/mL)."""
    return concentration_um * MOLAR_MASS_G_PER_MOL[drug]


def ng_per_ml_to_um(concentration_ng_ml, drug: str):
    """Concentration ng/mL of free base -> uM."""
    return concentration_ng_ml / MOLAR_MASS_G_PER_MOL[drug]


def pm_to_pg_per_ml(concentration_pm, substance: str):
    """Concentration pM (pmol/L) -> pg/mL (1 pM x M g/mol = M pg/L = M/1000 pg/mL)."""
    return concentration_pm * MOLAR_MASS_G_PER_MOL[substance] / 1000.0


def pg_per_ml_to_pm(concentration_pg_ml, substance: str):
    """Concentration pg/mL -> pM."""
    return concentration_pg_ml * 1000.0 / MOLAR_MASS_G_PER_MOL[substance]


def um_to_pm(concentration_um):
    """Concentration uM -> pM."""
    return concentration_um * 1e6


def minutes_to_hours(minutes):
    return minutes / MINUTES_PER_HOUR


def per_minute_to_per_hour(rate_per_min):
    return rate_per_min * MINUTES_PER_HOUR


def um_to_nm(concentration_um):
    """Concentration uM -> nM."""
    return concentration_um * 1000.0


# Unit strings as written to result files and xarray objects: every one parses with pint, so readers
# can convert with it. Mechanisms may use the clinical spelling; it is respelled here on the way out.
PINT_SPELLING = {"bpm": "1/min", "CAPS-5 points": "1"}


def pint_unit(unit: str) -> str:
    """``unit`` spelled so that pint parses it: heart rate ``bpm`` -> ``1/min`` (also inside products
    such as the AUC unit ``bpm*h``), the CAPS-5 score (points of a 0-80 scale) -> ``1``."""
    import re

    unit = str(unit)
    if unit in PINT_SPELLING:
        return PINT_SPELLING[unit]
    return re.sub(r"\bbpm\b", "(1/min)", unit)
