"""Monoamine transporters (SERT, DAT, NET): uptake, competitive inhibition by drugs, reverse transport.

Fluxes in uM/h (all terminal pools are referred to one volume, the extracellular space of the
terminal field, so that fluxes between pools need no volume factors)::

    uptake  = Vmax E / (Km (1 + I) + E)                    I = sum_k C_k / K_k over every drug present
    efflux  = k_efflux * occ_sub^n * C_cyt                 occ_sub = S / (1 + I + E / Km)
                                                           S = sum over substrates (releasers) of C_k / K_k

Uptake is Michaelis-Menten with every drug a competitive inhibitor (blockers and substrates alike).
A substrate-type releaser (MDMA, MDA) is carried in by the transporter and drives exchange
(reverse transport of cytosolic transmitter) in proportion to the fraction of transporters it
occupies; its transport also exposes VMAT2 to the drug inside the terminal (the vesicular leak term
of terminal.py scales with the same occupancy). A blocker (SSRI) occupies the transporter without
being carried: it inhibits uptake and, by lowering the releaser's occupancy, prevents both MDMA's
entry and the release it causes (Rudnick & Wall 1992 PNAS 89:1817; Sitte & Freissmuth 2015 Trends
Pharmacol Sci 36:41). Best, Nijhout & Reed use the same uptake law; their models have no drugs.

Order of reverse transport (``n``, the terminal's ``efflux_hill``). Releaser-induced efflux needs two
correlated transporter processes (Khoshbouei et al. 2003 J Biol Chem 278:12070, DAT in HEK-293 cells):
the releaser is bound and carried inward, and the Na+ carried in with it (the releaser-induced inward
current) raises the intracellular Na+ that the inward-facing transporter must bind to carry transmitter
out; efflux grew with the intracellular Na+ in the pipette and with the size of the releaser-induced
current (review of the transport cycle: Sitte & Freissmuth 2015). With both factors proportional to the
releaser occupancy, efflux is of second order in it (n = 2): it falls off faster than the releaser
does, so the release excess wanes while the drug is still present. ``n = 1`` is the plain exchange
model (efflux proportional to occupancy). The NE terminal uses n = 2 (norepinephrine.py). The 5-HT
terminal keeps n = 1: with n = 2 no rate constant fits the rat 5-HT rows at 1 and 10 mg/kg together
(the dose-response becomes too steep; tools/efflux_order_sert_check.py). The DA terminal keeps n = 1
(one DA release row, which cannot tell the orders apart).

Constants (``TRANSPORTERS``) are shared by human and rat (no species-specific values are used).
After editing the ``@njit`` helpers here (or in rate_laws.py), run ``make clean-cache``: numba keys the
cached terminal kernel that inlines them on terminal.py alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from numba import njit


@dataclass(frozen=True)
class TransporterConstants:
    km: float      # uM
    vmax: float    # uM/h
    source: str


TRANSPORTERS = {
    "sert": TransporterConstants(
        0.17, 360.0,
        "Km: Bunin & Wightman 1998 J Neurosci 18:4854 (0.17 uM; check). Vmax assumed 0.1 uM/s: forebrain "
        "terminal fields have sparser 5-HT innervation than the SNr/DRN slices of Bunin & Wightman (check)"),
    "dat": TransporterConstants(
        0.2, 14400.0,
        "Bunin & Wightman 1998; Best, Nijhout & Reed 2009 Theor Biol Med Model 6:21 (striatum: Km ~0.2 uM, "
        "Vmax ~4 uM/s; check)"),
    "net": TransporterConstants(
        0.45, 720.0,
        "Km 0.4-0.5 uM (docs/targets.md, check); Vmax assumed 0.2 uM/s (cortex, sparse innervation)"),
}


@njit(cache=True, inline="always")
def uptake(vmax, km, ec, inhibition):
    """Michaelis-Menten uptake of extracellular transmitter with competitive inhibition."""
    ec = max(ec, 0.0)
    return vmax * ec / (km * (1.0 + inhibition) + ec)


@njit(cache=True, inline="always")
def substrate_occupancy(substrate, inhibition, ec, km):
    """Fraction of transporters occupied by releasers (competing with every drug and the transmitter)."""
    return substrate / (1.0 + inhibition + max(ec, 0.0) / km)


@njit(cache=True, inline="always")
def reverse_transport(k_efflux, occ_sub, cyt, hill):
    """Exchange-driven efflux of cytosolic transmitter, of order ``hill`` in releaser occupancy (module docstring)."""
    return k_efflux * max(occ_sub, 0.0) ** hill * max(cyt, 0.0)
