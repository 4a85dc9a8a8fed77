"""Calibrate the rate model's transfer function on the spiking cells.

Unconnected conductance-LIF cells of one type receive excitatory Poisson afferents of several
unitary weights (0.5-4 nS, which sets the noise), with or without inhibitory Poisson input (3 nS
events, 10 nS mean: shunting and inhibitory noise, as from the circuit's PV cells), at rates that
put their free membrane potential V across -62..-44 mV. Against the measured rates, the three
numbers of :func:`sim.amygdala.circuit.transfer` (gain, theta, noise) are fitted by least squares
on sqrt(rate), which weights the low rates the circuit lives at. The fitted values are stored in
:data:`sim.amygdala.params.TRANSFER` as ``calibrated:``; ``tests/test_amygdala_calibration.py``
re-runs a smaller simulation and checks that they still fit (``python -m sim.amygdala.calibrate``
prints fresh values).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import least_squares

from sim.amygdala import params as P
from sim.amygdala.circuit import MS, build_circuit, free_potential, transfer
from sim.amygdala.spiking import run_network


def f_v_curve(cell_type: int, n: int = 400, t_ms: float = 2000.0, v_range=(-62.0, -44.0), seed: int = 0,
              weights_ns=(0.5, 1.0, 2.0, 4.0), inhibition=(0.0, 10.0)):
    """Rates (Hz) of ``n`` unconnected cells against their free potential V and its s.d. s_V (mV).

    Cells differ in excitatory afferent weight (``weights_ns``, which sets the noise), in the mean
    inhibitory conductance from Poisson events of 3 nS (``inhibition``, nS; shunting and inhibitory
    noise, as the circuit's PV input) and in excitatory rate (which sets V across ``v_range``).
    """
    circ = build_circuit()
    c_m, g_l, e_l, v_th, v_reset, t_ref = circ.membrane[cell_type]
    rng = np.random.default_rng(seed)
    groups = [(w, g) for w in weights_ns for g in inhibition]
    m = n // len(groups)
    v_inf = np.tile(np.linspace(*v_range, m), len(groups))
    w = np.repeat([x[0] for x in groups], m)
    gi = np.repeat([x[1] for x in groups], m)
    n = v_inf.size
    ge = ((g_l + gi) * v_inf - g_l * e_l - gi * circ.e_i) / (circ.e_e - v_inf)
    rate = ge / (w * circ.tau_e * MS)
    w_i = 3.0
    rate_i = gi / (w_i * circ.tau_i * MS)
    dt = P.NETWORK["dt"].value
    full = np.ones(n)
    counts = np.zeros((2, n), dtype=np.int64)
    steps = np.array([round(200.0 / dt), round(t_ms / dt)], dtype=np.int64)
    run_network(rng.uniform(v_reset, v_th, n), ge.copy(), gi.copy(), np.zeros(n, dtype=np.int64), c_m * full,
                g_l * full, e_l * full, v_th * full, v_reset * full, np.full(n, round(t_ref / dt), dtype=np.int64),
                np.zeros(n), np.zeros(n), np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64),
                np.zeros(0), np.zeros(n, dtype=np.uint8), np.stack([rate, rate]), w, np.stack([rate_i, rate_i]),
                np.full(n, w_i), steps, dt,
                circ.tau_e, circ.tau_i, circ.e_e, circ.e_i, circ.e_k, seed, counts)
    var_e = w * w * circ.tau_e * MS / 2.0 * rate
    var_i = w_i * w_i * circ.tau_i * MS / 2.0 * rate_i
    v, s_v, g_ratio = free_potential(c_m, g_l, e_l, ge, gi, var_e, var_i, 0.0, 0.0, circ.e_e, circ.e_i,
                                     circ.e_k, circ.tau_e, circ.tau_i)
    return v, s_v, g_ratio, np.full(n, t_ref), counts[1] / (t_ms * MS)


def fit_transfer(v, s_v, g_ratio, t_ref, rate, max_rate=100.0):
    """Least-squares (gain, theta, noise) of :func:`sim.amygdala.circuit.transfer` to measured rates."""
    keep = rate <= max_rate

    def resid(p):
        return np.sqrt(transfer(v[keep], s_v[keep], g_ratio[keep], t_ref[keep], *p)) - np.sqrt(rate[keep])

    sol = least_squares(resid, x0=[5.0, -50.0, 1.0], bounds=([0.01, -70.0, 0.01], [100.0, -30.0, 20.0]))
    return tuple(float(x) for x in sol.x)


def calibrate_transfer(cell_type: int, **kw):
    """(gain Hz/mV, theta mV, noise) for one cell type."""
    return fit_transfer(*f_v_curve(cell_type, **kw))


if __name__ == "__main__":  # pragma: no cover - prints the values stored in params.TRANSFER
    for t, name in ((P.REGULAR, "regular"), (P.FAST, "fast")):
        print(name, calibrate_transfer(t, n=2000, t_ms=5000.0))
