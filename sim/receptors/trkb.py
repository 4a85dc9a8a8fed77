"""Direct drug binding to TrkB, the BDNF receptor: ``occupancy_trkb``, read by the amygdala's plasticity state.

Antidepressants bind the transmembrane domain of TrkB dimers and act as allosteric potentiators of BDNF
signalling (Casarotto et al. 2021 Cell 184:1299; psychedelics at a partly overlapping site, Moliner et al.
2023 Nat Neurosci 26:1032). Which drug binds, with what K_d, and how far it accumulates in brain tissue is
data in the drug library (:class:`sim.kinetics.drugs.TrkBBinding`); this mechanism turns the run's drug
levels into the share of TrkB dimers bound::

    C_tissue,i = (R_i / fu_i) * C_brain,i          total brain-tissue concentration (uM)
    x_i = C_tissue,i / K_d,i,   occupancy_trkb = sum_i x_i / (1 + sum_i x_i)   (one site, competitive)

``C_brain`` is the drug's unbound brain concentration (the PK effect site; unbound brain = unbound plasma
at equilibrium), so ``C_brain / fu`` is the total plasma level it is in equilibrium with, and ``R`` the
total brain : total plasma ratio at steady state. Why total tissue and not unbound drug: the binding site
lies inside the membrane, where lipophilic amines such as fluoxetine accumulate (brain:plasma ~20 in 19F
MRS, Karson et al. 1993), and it is the tissue level that reaches K_d under chronic dosing (Casarotto
2021). Measured unbound levels (CSF) are nano- to picomolar, far below K_d; whether the membrane level is
the right one is disputed (a 2024 preprint, "Revisiting the SSRI-TRKB mechanism", argues it is not), so
the route can be switched off in the amygdala (``k_trkb = 0``, :mod:`sim.amygdala.plasticity`).

The mechanism has no states: it exists only when a dosed drug has a TrkB entry, and adds one output.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.model import Mechanism, Output
from sim.params import Parameter


@njit(cache=True)
def trkb_rhs(t, y, p, dydt, s, q, x):
    """No states: the occupancy is an output computed after integration."""
    return


def binders(drug_inputs) -> list:
    """The drug inputs (terminal.DrugInput) whose library drug binds TrkB."""
    from sim.kinetics import drugs as library

    return [d for d in drug_inputs if library.get(d.drug).trkb is not None]


def mechanism(species: str, drug_inputs) -> tuple[Mechanism, ...]:
    """The TrkB mechanism for the drugs in ``drug_inputs`` that bind TrkB; () if none does."""
    from sim.kinetics import drugs as library

    found = binders(drug_inputs)
    if not found:
        return ()
    params = []
    for d in found:
        b = library.get(d.drug).trkb
        pk = library.pk_for(d.drug, species)
        if pk is None:
            raise ValueError(f"{d.drug}: TrkB binding needs its unbound fraction (a DrugPK in {species})")
        params += [
            Parameter(f"{d.label}_kd", b.kd_um, "uM", b.source, f"{d.drug} K_d at TrkB (total tissue concentration)",
                      1e-9, 1e9, status=b.status),
            Parameter(f"{d.label}_tissue", b.brain_plasma_ratio / pk.fu * d.scale, "1",
                      f"derived: brain:plasma ratio {b.brain_plasma_ratio:g} / unbound plasma fraction {pk.fu:g} "
                      f"(x state scale {d.scale:g}); ratio: {b.ratio_source}",
                      f"state {d.state} -> total {d.drug} in brain tissue (uM)", 0.0, 1e9),
        ]

    def occupancy(st, par):
        x = sum(np.maximum(st[d.state], 0.0) * par[f"{d.label}_tissue"] / par[f"{d.label}_kd"] for d in found)
        return x / (1.0 + x)

    return (Mechanism(name="trkb", states=(), parameters=tuple(params), rhs=trkb_rhs,
                      inputs=tuple(d.state for d in found),
                      outputs=(Output("occupancy_trkb", "1", "share of TrkB dimers bound by drugs (allosteric "
                                      "potentiators of BDNF signalling)", occupancy),),
                      description=f"{species} direct drug binding to TrkB"),)
