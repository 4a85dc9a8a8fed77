"""Plain-NumPy twins of the amygdala's numba kernels, same arguments, same results (tests compare).

They follow the kernels step by step, vectorised over cells or ensemble members, and are slow:
for tests and benchmarks on small networks only.
"""

from __future__ import annotations

import numpy as np


def run_network_numpy(v, ge, gi, refractory, c_m, g_l, e_l, v_th, v_reset, ref_steps, g_k, i_ext,
                      indptr, indices, weights, inhibitory, ext_rate, w_ext, ext_rate_i, w_ext_i, phase_steps,
                      dt, tau_e, tau_i, e_e, e_i, e_k, seed, counts):
    """Twin of :func:`sim.amygdala.spiking.run_network`. External Poisson input is drawn from
    NumPy's generator (not the kernel's per-cell streams), so only noise-free runs match spike for
    spike; with noise they agree in distribution."""
    rng = np.random.default_rng(max(seed, 0))
    de, di = np.exp(-dt / tau_e), np.exp(-dt / tau_i)
    a, g0, i0 = dt / c_m, g_l + g_k, g_l * e_l + g_k * e_k + i_ext
    pre_of = np.repeat(np.arange(v.size), np.diff(indptr))
    for ph in range(phase_steps.shape[0]):
        lam = ext_rate[ph] * (dt * 1e-3)
        lam_i = ext_rate_i[ph] * (dt * 1e-3)
        for _ in range(phase_steps[ph]):
            if np.any(lam > 0):
                ge += w_ext * rng.poisson(lam)
            if np.any(lam_i > 0):
                gi += w_ext_i * rng.poisson(lam_i)
            free = refractory <= 0
            refractory[~free] -= 1
            v_new = np.where(free, v + a * (i0 - g0 * v + ge * (e_e - v) + gi * (e_i - v)), v)
            spk = free & (v_new > v_th)
            v_new[spk] = v_reset[spk]
            refractory[spk] = ref_steps[spk]
            counts[ph, spk] += 1
            v[:] = v_new
            ge *= de
            gi *= di
            if spk.any():
                on = spk[pre_of]
                inh = inhibitory[pre_of].astype(bool)
                np.add.at(gi, indices[on & inh], weights[on & inh])
                np.add.at(ge, indices[on & ~inh], weights[on & ~inh])


def run_rates_numpy(r0, j_e, j_i, v_e, v_i, ext_rate, c_m, g_l, e_l, t_ref, gain, theta, noise, g_k, i_ext,
                    phase_steps, dt, tau_r, e_e, e_i, e_k, tau_e, tau_i, w_ext, out):
    """Twin of :func:`sim.amygdala.rate.run_rates`, vectorised over members and populations."""
    r = r0.copy()
    a = dt / tau_r
    m_ext = w_ext * tau_e * 1e-3
    s_ext = w_ext * w_ext * tau_e * 1e-3 / 2.0
    for ph in range(phase_steps.shape[0]):
        acc = np.zeros_like(r)
        for _ in range(phase_steps[ph]):
            ge = m_ext * ext_rate[:, ph] + np.einsum("ebc,ec->eb", j_e, r)
            ve = s_ext * ext_rate[:, ph] + np.einsum("ebc,ec->eb", v_e, r)
            gi = np.einsum("ebc,ec->eb", j_i, r)
            vi = np.einsum("ebc,ec->eb", v_i, r)
            g_tot = g_l + ge + gi + g_k
            v = (g_l * e_l + ge * e_e + gi * e_i + g_k * e_k + i_ext) / g_tot
            tau_m = c_m / g_tot
            s2 = (ve * ((e_e - v) / g_tot) ** 2 * tau_m / (tau_m + tau_e)
                  + vi * ((e_i - v) / g_tot) ** 2 * tau_m / (tau_m + tau_i))
            sigma = np.maximum(noise * np.sqrt(s2), 0.05)
            raw = g_tot / g_l * gain * sigma * np.logaddexp(0.0, (v - theta) / sigma)
            drive = raw / (1.0 + raw * t_ref * 1e-3)
            r = r + a * (drive - r)
            acc += r
        out[:, ph] = acc / max(phase_steps[ph], 1)
