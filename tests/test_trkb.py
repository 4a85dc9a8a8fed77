"""Direct drug binding to TrkB: drug-library data -> occupancy_trkb -> the amygdala's plasticity state (issue 17)."""

import numpy as np
import pytest

from sim.amygdala import plasticity
from sim.amygdala.drive import PLASTICITY_SIGNALS, drives_from_outputs
from sim.assembly import build_model
from sim.kinetics import drugs
from sim.kinetics.terminal import DrugInput
from sim.receptors import trkb
from sim.validation import extinction as ext


def test_trkb_binding_is_library_data_with_sources():
    flx = drugs.get("fluoxetine").trkb
    assert flx is not None and flx.kd_um > 0 and flx.source and flx.ratio_source
    for name in ("mdma", "mda", "norfluoxetine", "placebo"):   # no direct binding reported
        assert drugs.get(name).trkb is None
    with pytest.raises(ValueError):
        drugs.TrkBBinding(0.0, 20.0, "x", "y")
    with pytest.raises(ValueError):
        drugs.TrkBBinding(1.0, 20.0, "", "y")


def test_the_mechanism_exists_only_when_a_dosed_drug_binds_trkb():
    assert "trkb" not in [m.name for m in build_model("mouse", ("mdma",)).mechanisms]
    model = build_model("mouse", ("fluoxetine",))
    assert "trkb" in [m.name for m in model.mechanisms]
    assert trkb.mechanism("mouse", [DrugInput("mdma", "mdma", "pk.brain", 1.0, "unit")]) == ()


def test_occupancy_is_a_bounded_increasing_function_of_the_brain_level():
    (mech,) = trkb.mechanism("mouse", [DrugInput("fluoxetine", "fluoxetine", "fluoxetine.brain", 1.0, "unit")])
    par = {p.name: np.array([[p.value]]) for p in mech.parameters}
    c = np.array([[0.0, 1e-3, 1e-2, 0.1, 1.0, 100.0]])
    occ = mech.outputs[0].compute({"fluoxetine.brain": c}, par)[0]
    assert occ[0] == 0.0 and np.all(np.diff(occ) > 0) and occ[-1] < 1.0
    # half occupancy where the total tissue level (brain:plasma ratio x total plasma) equals K_d
    b, fu = drugs.get("fluoxetine").trkb, drugs.pk_for("fluoxetine", "mouse").fu
    half = b.kd_um * fu / b.brain_plasma_ratio
    assert mech.outputs[0].compute({"fluoxetine.brain": np.array([[half]])}, par)[0, 0] == pytest.approx(0.5)


def test_the_plasticity_state_reads_trkb_occupancy():
    assert "occupancy_trkb" in PLASTICITY_SIGNALS
    d = drives_from_outputs(np.arange(3.0), {"occupancy_trkb": np.array([[0.0, 0.5, 0.5]])}, relative=True)[0]
    assert d.values("occupancy_trkb", [2.0])[0] == pytest.approx(0.5)
    rule = plasticity.Rule.default()
    b = plasticity.bdnf_step(np.zeros(1), 0.0, 1e3, rule, 0.5)
    assert b[0] == pytest.approx(rule.k_trkb * 0.5)
    assert plasticity.bdnf_step(np.zeros(1), 0.0, 1e3, plasticity.Rule.default(k_trkb=0.0), 0.5)[0] == 0.0
    assert plasticity.bdnf_step(np.zeros(1), 0.0, 1e3, plasticity.Rule.default(trkb_block=True), 0.5)[0] == 0.0


def test_karpova_erasure_depends_on_the_trkb_route():
    """Chronic fluoxetine + extinction: less spontaneous recovery and renewal than extinction alone, and the
    direct TrkB route carries part of the difference (its ablation brings renewal back)."""
    full, ablated, alone = ext.karpova(True, True), ext.karpova(True, True, False), ext.karpova(False, True)
    assert full["recovery_b"] < ablated["recovery_b"] < alone["recovery_b"]
    assert full["renewal_a"] < ablated["renewal_a"] < alone["renewal_a"]
    assert ablated["renewal_a"] > 0.5 > full["renewal_a"]
    assert ext.karpova(True, False)["renewal_a"] > 0.8   # the drug alone erases nothing
