"""Population rate model of the amygdala (Wilson-Cowan style, conductance mean field; numba, batched).

Each population ``b`` has a rate ``r_b`` (Hz)::

    tau_r dr_b/dt = -r_b + phi_b(V_b)
    V_b = (g_L E_L + g_e E_e + g_i E_i + g_K E_K + I) / (g_L + g_e + g_i + g_K)
    g_e = sum_{a exc} K_ba w_ba tau_e r_a + w_ext tau_e R_ext,b,   g_i = sum_{a inh} K_ba w_ba tau_i r_a

the mean conductances a spiking cell of the same circuit would see (Wilson & Cowan 1972 form with
the shunting mean field of conductance synapses). ``phi`` is a softplus in V whose width scales
with the shot-noise s.d. of V (see :mod:`sim.amygdala.circuit`), calibrated on spiking cells
receiving Poisson input (:mod:`sim.amygdala.calibrate`): the rate model is the spiking model's
mean field rather than a separate model. Forward Euler, step ``dt_rate``.

:func:`run_rates` is the pure batched kernel (``prange`` over ensemble members); the NumPy twin is
:func:`sim.amygdala.reference.run_rates_numpy`; :func:`simulate_trial` matches the spiking
model's function of the same name.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from sim.amygdala import params as P
from sim.amygdala.circuit import Circuit, Modulation, external_rate, recurrent_weights


@njit(cache=True, parallel=True)
def run_rates(r0, j_e, j_i, v_e, v_i, ext_rate, c_m, g_l, e_l, t_ref, gain, theta, noise, g_k, i_ext, phase_steps,
              dt, tau_r, e_e, e_i, e_k, tau_e, tau_i, w_ext, out):
    """Integrate E independent circuits; ``out[e, phase, pop]`` receives the mean rate per phase.

    Shapes: r0 (E, pop) Hz; j_e, j_i (E, pop, pop) mean conductance (nS) and v_e, v_i its variance
    (nS^2) per presynaptic Hz; ext_rate (E, phase, pop) Hz of ``w_ext`` nS events; c_m, g_l, e_l,
    t_ref (ms), gain, theta, noise (pop,); g_k, i_ext (E, pop); phase_steps (phase,) int; dt, tau_r, tau_e,
    tau_i in ms.
    """
    n_e, n_p = r0.shape
    a = dt / tau_r
    m_ext = w_ext * tau_e * 1e-3
    s_ext = w_ext * w_ext * tau_e * 1e-3 / 2.0
    for e in prange(n_e):
        r = r0[e].copy()
        drive = np.empty(n_p)
        for ph in range(phase_steps.shape[0]):
            acc = np.zeros(n_p)
            for _ in range(phase_steps[ph]):
                for b in range(n_p):
                    ge = m_ext * ext_rate[e, ph, b]
                    ve = s_ext * ext_rate[e, ph, b]
                    gi = 0.0
                    vi = 0.0
                    for c in range(n_p):
                        ge += j_e[e, b, c] * r[c]
                        gi += j_i[e, b, c] * r[c]
                        ve += v_e[e, b, c] * r[c]
                        vi += v_i[e, b, c] * r[c]
                    gk = g_k[e, b]
                    g_tot = g_l[b] + ge + gi + gk
                    v = (g_l[b] * e_l[b] + ge * e_e + gi * e_i + gk * e_k + i_ext[e, b]) / g_tot
                    tau_m = c_m[b] / g_tot
                    s2 = (ve * ((e_e - v) / g_tot) ** 2 * tau_m / (tau_m + tau_e)
                          + vi * ((e_i - v) / g_tot) ** 2 * tau_m / (tau_m + tau_i))
                    sigma = max(noise[b] * np.sqrt(s2), 0.05)
                    x = (v - theta[b]) / sigma
                    if x > 30.0:
                        raw = g_tot / g_l[b] * gain[b] * sigma * x
                    else:
                        raw = g_tot / g_l[b] * gain[b] * sigma * np.log1p(np.exp(x))
                    drive[b] = raw / (1.0 + raw * t_ref[b] * 1e-3)
                for b in range(n_p):
                    r[b] += a * (drive[b] - r[b])
                    acc[b] += r[b]
            for b in range(n_p):
                out[e, ph, b] = acc[b] / max(phase_steps[ph], 1)


def kernel_inputs(circ: Circuit, levels_baseline, levels_cs, weights, mods: list[Modulation]):
    """Pack E members' inputs: weights (E, plastic), levels (E, channel) or (channel,), mods (E)."""
    weights = np.atleast_2d(np.asarray(weights, float))
    n_e = max(weights.shape[0], len(mods))
    weights = np.broadcast_to(weights, (n_e, P.N_PLASTIC))
    lb = np.broadcast_to(np.asarray(levels_baseline, float), (n_e, len(P.INPUT_CHANNELS)))
    lc = np.broadcast_to(np.asarray(levels_cs, float), (n_e, len(P.INPUT_CHANNELS)))
    mods = list(mods) if len(mods) == n_e else [mods[0]] * n_e
    jj = [recurrent_weights(circ, w) for w in weights]
    j = np.stack([x[0] for x in jj])
    j2 = np.stack([x[1] for x in jj])
    exc = circ.excitatory[None, None, :]
    ext = np.stack([[external_rate(circ, b, w, m)] * 2 + [external_rate(circ, c, w, m)] * 2
                    for b, c, w, m in zip(lb, lc, weights, mods, strict=True)])
    t = circ.cell_type
    return dict(j_e=np.ascontiguousarray(j * exc), j_i=np.ascontiguousarray(j * ~exc),
                v_e=np.ascontiguousarray(j2 * exc), v_i=np.ascontiguousarray(j2 * ~exc), ext_rate=ext,
                c_m=circ.membrane[t, 0].copy(), g_l=circ.membrane[t, 1].copy(), e_l=circ.membrane[t, 2].copy(),
                t_ref=circ.membrane[t, 5].copy(),
                gain=circ.transfer[t, 0].copy(), theta=circ.transfer[t, 1].copy(),
                noise=circ.transfer[t, 2].copy(), g_k=np.stack([m.g_k for m in mods]),
                i_ext=np.stack([m.i_ext for m in mods]))


def _steps():
    """Rate-model windows: settle then average, for the pre-CS and the CS window. Shorter than the
    spiking model's (no sampling noise to average out); they report the same fixed points."""
    nt = P.NETWORK
    dt = nt["dt_rate"].value
    t_s, t_w = nt["t_settle_rate"].value, nt["t_window_rate"].value
    return dt, np.array([round(x / dt) for x in (t_s, t_w, t_s, t_w)], dtype=np.int64)


def simulate_trials(circ: Circuit, levels_baseline, levels_cs, weights, mods: list[Modulation],
                    kernel=None):
    """E circuits' trials at once; returns ``(rates_baseline, rates_cs)``, each (E, pop) in Hz."""
    k = kernel_inputs(circ, levels_baseline, levels_cs, weights, mods)
    dt, steps = _steps()
    n_e = k["ext_rate"].shape[0]
    target = np.array([P.BASELINE_RATE[p].value for p in P.POPULATIONS])
    r0 = np.tile(target, (n_e, 1))
    out = np.zeros((n_e, 4, P.N_POP))
    (kernel or run_rates)(r0, k["j_e"], k["j_i"], k["v_e"], k["v_i"], k["ext_rate"], k["c_m"], k["g_l"], k["e_l"],
                          k["t_ref"], k["gain"], k["theta"], k["noise"], k["g_k"], k["i_ext"], steps, dt,
                          P.NETWORK["tau_rate"].value, circ.e_e, circ.e_i, circ.e_k, circ.tau_e, circ.tau_i,
                          circ.w_ext, out)
    return out[:, 1], out[:, 3]


def simulate_trial(circ: Circuit, levels_baseline, levels_cs, weights, mod: Modulation):
    """One circuit's trial, same signature and result as :func:`sim.amygdala.spiking.simulate_trial`."""
    rb, rc = simulate_trials(circ, levels_baseline, levels_cs, weights, [mod])
    return rb[0], rc[0]
