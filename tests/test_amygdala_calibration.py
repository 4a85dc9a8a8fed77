"""The rate model's transfer function (stored, calibrated) still fits freshly simulated spiking cells."""

import numpy as np

from sim.amygdala import params as P
from sim.amygdala.calibrate import f_v_curve, fit_transfer
from sim.amygdala.circuit import build_circuit, transfer


def test_stored_transfer_predicts_spiking_cells():
    circ = build_circuit()
    for cell_type in (P.REGULAR, P.FAST):
        v, s_v, g_ratio, t_ref, rate = f_v_curve(cell_type, n=400, t_ms=1500.0, seed=11)
        model = transfer(v, s_v, g_ratio, t_ref, *circ.transfer[cell_type])
        keep = rate < 60.0
        rms = np.sqrt(np.mean((np.sqrt(model[keep]) - np.sqrt(rate[keep])) ** 2))
        assert rms < 0.8, (cell_type, rms)           # sqrt(Hz): ~ +-1 Hz at 1 Hz, +-5 Hz at 20 Hz
        refit = fit_transfer(v, s_v, g_ratio, t_ref, rate)
        assert abs(refit[1] - circ.transfer[cell_type, 1]) < 1.5   # threshold within 1.5 mV


def test_transfer_rises_with_potential_and_noise():
    g, th, nz = build_circuit().transfer[P.REGULAR]
    v = np.array([-60.0, -55.0, -50.0])
    r = transfer(v, 3.0, 1.5, 5.0, g, th, nz)
    assert np.all(np.diff(r) > 0)
    assert transfer(-60.0, 6.0, 1.5, 5.0, g, th, nz) > transfer(-60.0, 3.0, 1.5, 5.0, g, th, nz)
