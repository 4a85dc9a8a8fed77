"""Reversible CYP2D6 inhibition in the generic PK model (sim/kinetics/comedication.py): fluoxetine and
norfluoxetine compete at fluoxetine's CYP2D6 route, so fluoxetine's clearance falls as they accumulate."""

import numpy as np

from sim.kinetics import comedication


def _clearance(mech, central, inhibitor_amounts, enzyme=1.0):
    """Elimination rate (umol/h) of ``mech`` with the given central amount and inhibitor amounts (umol)."""
    p = np.array([x.value for x in mech.parameters])
    n = len(inhibitor_amounts)
    y = np.zeros(len(comedication.STATES) + 2 + n)
    y[comedication.CENTRAL] = central
    enzyme_index = len(comedication.STATES)
    y[enzyme_index] = enzyme
    inhibitors = list(range(enzyme_index + 2, enzyme_index + 2 + n))
    y[inhibitors] = inhibitor_amounts
    x = np.array([enzyme_index, enzyme_index + 1] + inhibitors, dtype=np.int64)
    return comedication.clearance_rate(y, p, 0, 0, x)


def test_only_cyp2d6_substrates_see_inhibitors():
    present = ("fluoxetine", "norfluoxetine", "citalopram")
    assert comedication.cyp2d6_inhibitors("fluoxetine", present, "human") == ("norfluoxetine",)
    assert comedication.cyp2d6_inhibitors("citalopram", present, "human") == ()
    assert comedication.cyp2d6_inhibitors("fluoxetine", present, "rat") == ()   # the rat entry has no CYP2D6 route


def test_norfluoxetine_and_fluoxetine_slow_fluoxetine_clearance():
    mech = comedication.mechanism("fluoxetine", "human", ("norfluoxetine",))
    v = mech.parameter("v").value
    low = _clearance(mech, 0.01 * v, [0.0]) / 0.01         # umol/h per uM: clearance (L/h) at 10 nM
    high = _clearance(mech, 0.5 * v, [0.0]) / 0.5           # at 0.5 uM (chronic levels): self-competition
    inhibited = _clearance(mech, 0.01 * v, [0.5 * v]) / 0.01  # 10 nM with 0.5 uM norfluoxetine
    cl, cl_2d6 = mech.parameter("cl").value, mech.parameter("cl_2d6").value
    assert low > high > cl and low > inhibited > cl
    assert np.isclose(low, cl + cl_2d6 / (1 + 0.01 / mech.parameter("km_2d6").value))
    ki = mech.parameter("norfluoxetine_cyp2d6_ki").value
    assert np.isclose(inhibited, cl + cl_2d6 / (1 + 0.01 / mech.parameter("km_2d6").value + 0.5 / ki))
    # without CYP2D6 (enzyme state 0) no inhibitor changes anything
    assert np.isclose(_clearance(mech, 0.01 * v, [0.5 * v], enzyme=0.0), _clearance(mech, 0.01 * v, [0.0], enzyme=0.0))
