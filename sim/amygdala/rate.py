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
from sim.amygdala.circuit import MS, Circuit, Modulation, Modulations, external_rate, recurrent_weights


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


LANES = 16  # members integrated side by side by one thread of run_rates_sparse


@njit(cache=True, parallel=True, error_model="numpy")
def run_rates_sparse(r0, j_e, j_i, v_e, v_i, ext_rate, c_m, g_l, e_l, t_ref, gain, theta, noise, g_k, i_ext,
                     phase_steps, dt, tau_r, e_e, e_i, e_k, tau_e, tau_i, w_ext, e_ptr, e_pre, i_ptr, i_pre, out,
                     lanes=LANES):
    """:func:`run_rates` summing only over the presynaptic populations that can contribute: for
    population ``b``, the excitatory terms over ``e_pre[e_ptr[b]:e_ptr[b + 1]]`` and the inhibitory ones
    over ``i_pre[i_ptr[b]:i_ptr[b + 1]]`` (:func:`presynaptic_lists`: every ``c`` whose conductance or
    variance entry is non-zero in some member). The skipped terms are exact zeros (``0 * r``), so the
    sums, taken in the same order, are the same numbers.

    Members are taken ``lanes`` at a time (``prange`` over the blocks), with the member as the innermost,
    contiguous index, so that the compiler evaluates the same arithmetic for several members in one
    vector instruction (IEEE add, multiply, divide and square root give the same result in a vector lane
    as in a scalar register; ``exp`` and ``log1p`` stay the scalar library calls). Every operation of
    :func:`run_rates` is kept in the same order, without fast-math, so each member's numbers are those
    of :func:`run_rates` bit for bit, whatever its block, its lane and the number of threads. A block
    that is not full repeats its last member in the spare lanes (computed, not stored). ``error_model
    = "numpy"``: a division by zero gives inf/nan instead of raising, which lets the loops vectorise
    (the model's divisors are conductances and widths, positive)."""
    n_e, n_p = r0.shape
    n_ph = phase_steps.shape[0]
    a = dt / tau_r
    m_ext = w_ext * tau_e * 1e-3
    s_ext = w_ext * w_ext * tau_e * 1e-3 / 2.0
    n_l = max(min(lanes, n_e), 1)
    for blk in prange((n_e + n_l - 1) // n_l):
        e0 = blk * n_l
        n = min(n_l, n_e - e0)
        # this block's inputs, member last: conductance and variance per presynaptic entry; g_k, i_ext
        # and the external rate of each phase per population; work rows ge, ve, gi, vi, x, prefactor
        jv_e = np.empty((e_pre.shape[0], 2, n_l))
        jv_i = np.empty((i_pre.shape[0], 2, n_l))
        inp = np.empty((n_p, 2 + n_ph, n_l))
        r = np.empty((n_p, n_l))
        acc = np.empty((n_p, n_l))
        drive = np.empty((n_p, n_l))
        w = np.empty((6, n_l))
        for ln in range(n_l):
            m = e0 + min(ln, n - 1)
            for b in range(n_p):
                r[b, ln] = r0[m, b]
                inp[b, 0, ln] = g_k[m, b]
                inp[b, 1, ln] = i_ext[m, b]
                for ph in range(n_ph):
                    inp[b, 2 + ph, ln] = ext_rate[m, ph, b]
                for k in range(e_ptr[b], e_ptr[b + 1]):
                    jv_e[k, 0, ln] = j_e[m, b, e_pre[k]]
                    jv_e[k, 1, ln] = v_e[m, b, e_pre[k]]
                for k in range(i_ptr[b], i_ptr[b + 1]):
                    jv_i[k, 0, ln] = j_i[m, b, i_pre[k]]
                    jv_i[k, 1, ln] = v_i[m, b, i_pre[k]]
        for ph in range(n_ph):
            acc[:, :] = 0.0
            for _ in range(phase_steps[ph]):
                for b in range(n_p):
                    gl, cm, th, nz, gn, tr = g_l[b], c_m[b], theta[b], noise[b], gain[b], t_ref[b]
                    gle = g_l[b] * e_l[b]
                    for ln in range(n_l):
                        w[0, ln] = m_ext * inp[b, 2 + ph, ln]
                        w[1, ln] = s_ext * inp[b, 2 + ph, ln]
                        w[2, ln] = 0.0
                        w[3, ln] = 0.0
                    for k in range(e_ptr[b], e_ptr[b + 1]):
                        c = e_pre[k]
                        for ln in range(n_l):
                            w[0, ln] += jv_e[k, 0, ln] * r[c, ln]
                            w[1, ln] += jv_e[k, 1, ln] * r[c, ln]
                    for k in range(i_ptr[b], i_ptr[b + 1]):
                        c = i_pre[k]
                        for ln in range(n_l):
                            w[2, ln] += jv_i[k, 0, ln] * r[c, ln]
                            w[3, ln] += jv_i[k, 1, ln] * r[c, ln]
                    for ln in range(n_l):
                        ge, ve, gi, vi, gk = w[0, ln], w[1, ln], w[2, ln], w[3, ln], inp[b, 0, ln]
                        g_tot = gl + ge + gi + gk
                        v = (gle + ge * e_e + gi * e_i + gk * e_k + inp[b, 1, ln]) / g_tot
                        tau_m = cm / g_tot
                        s2 = (ve * ((e_e - v) / g_tot) ** 2 * tau_m / (tau_m + tau_e)
                              + vi * ((e_i - v) / g_tot) ** 2 * tau_m / (tau_m + tau_i))
                        sigma = max(nz * np.sqrt(s2), 0.05)
                        w[4, ln] = (v - th) / sigma
                        w[5, ln] = g_tot / gl * gn * sigma
                    for ln in range(n_l):  # softplus log(1 + e^x); x itself above 30, as in run_rates
                        x = w[4, ln]
                        if x <= 30.0:
                            w[4, ln] = np.log1p(np.exp(x))
                    for ln in range(n_l):
                        raw = w[5, ln] * w[4, ln]
                        drive[b, ln] = raw / (1.0 + raw * tr * 1e-3)
                for b in range(n_p):
                    for ln in range(n_l):
                        r[b, ln] += a * (drive[b, ln] - r[b, ln])
                        acc[b, ln] += r[b, ln]
            for ln in range(n):
                for b in range(n_p):
                    out[e0 + ln, ph, b] = acc[b, ln] / max(phase_steps[ph], 1)


def presynaptic_lists(j, v):
    """CSR lists (ptr (pop + 1,), pre) of the presynaptic populations ``c`` with ``j[:, b, c]`` or
    ``v[:, b, c]`` non-zero in any member, in increasing ``c`` (the order :func:`run_rates` sums in)."""
    nz = np.any(j != 0.0, axis=0) | np.any(v != 0.0, axis=0)
    ptr = np.concatenate([[0], np.cumsum(nz.sum(axis=1))]).astype(np.int64)
    return ptr, np.nonzero(nz)[1].astype(np.int64)


def kernel_inputs(circ: Circuit, levels_baseline, levels_cs, weights, mods: list[Modulation]):
    """Pack E members' inputs: weights (E, plastic), levels (E, channel) or (channel,), mods (E).

    The same element-wise arithmetic as :func:`sim.amygdala.circuit.recurrent_weights` and
    :func:`sim.amygdala.circuit.external_rate`, over all members at once."""
    weights = np.atleast_2d(np.asarray(weights, float))
    n_e = max(weights.shape[0], len(mods))
    weights = np.broadcast_to(weights, (n_e, P.N_PLASTIC))
    lb = np.broadcast_to(np.asarray(levels_baseline, float), (n_e, len(P.INPUT_CHANNELS)))
    lc = np.broadcast_to(np.asarray(levels_cs, float), (n_e, len(P.INPUT_CHANNELS)))
    mods = Modulations.of(mods, n_e)
    tau = np.where(circ.excitatory, circ.tau_e, circ.tau_i) * MS
    w = circ.w * _multipliers(circ.plastic_rec, weights)
    j = circ.k_in * w * tau[None, :]
    j2 = circ.k_in * w * w * tau[None, :] / 2.0
    exc = circ.excitatory[None, None, :]
    g_k, i_ext, bg_scale, cs_gain = mods.g_k, mods.i_ext, mods.bg_scale, mods.cs_gain
    mult_in = _multipliers(circ.plastic_input, weights)
    background = circ.k_bg * circ.nu_bg * bg_scale

    def external(levels):
        gain = np.ones((n_e, len(P.INPUT_CHANNELS)))
        gain[:, P.CS] = cs_gain
        per_channel = circ.k_input * circ.input_rate * levels[:, None, :] * gain[:, None, :] * mult_in
        return background + per_channel.sum(axis=2)

    eb, ec = external(lb), external(lc)
    ext = np.stack([eb, eb, ec, ec], axis=1)
    t = circ.cell_type
    return dict(j_e=np.ascontiguousarray(j * exc), j_i=np.ascontiguousarray(j * ~exc),
                v_e=np.ascontiguousarray(j2 * exc), v_i=np.ascontiguousarray(j2 * ~exc), ext_rate=ext,
                c_m=circ.membrane[t, 0].copy(), g_l=circ.membrane[t, 1].copy(), e_l=circ.membrane[t, 2].copy(),
                t_ref=circ.membrane[t, 5].copy(),
                gain=circ.transfer[t, 0].copy(), theta=circ.transfer[t, 1].copy(),
                noise=circ.transfer[t, 2].copy(), g_k=g_k, i_ext=i_ext)


def _multipliers(index: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """:func:`sim.amygdala.circuit.plastic_multipliers` for every member: (E, *index.shape)."""
    return np.where(index >= 0, weights[:, np.maximum(index, 0)], 1.0)


def kernel_inputs_reference(circ: Circuit, levels_baseline, levels_cs, weights, mods: list[Modulation]):
    """:func:`kernel_inputs` member by member through the circuit's own functions (tests)."""
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
                    kernel=None, reference: bool = False):
    """E circuits' trials at once; returns ``(rates_baseline, rates_cs)``, each (E, pop) in Hz.

    ``kernel``: a function with :func:`run_rates`'s signature (the NumPy twin in tests); default the
    sparse kernel :func:`run_rates_sparse`. ``reference=True``: :func:`run_rates` on inputs packed member
    by member (:func:`kernel_inputs_reference`), the path the fast one must reproduce. The default path
    integrates each distinct member once (:func:`distinct_members`)."""
    if kernel is None and not reference:
        distinct, inverse = distinct_members(levels_baseline, levels_cs, weights, mods)
        if distinct is not None:
            rb, rc = _simulate(circ, *distinct)
            return rb[inverse], rc[inverse]
    return _simulate(circ, levels_baseline, levels_cs, weights, mods, kernel, reference)


def _simulate(circ: Circuit, levels_baseline, levels_cs, weights, mods, kernel=None, reference=False):
    k = (kernel_inputs_reference if reference else kernel_inputs)(circ, levels_baseline, levels_cs, weights, mods)
    dt, steps = _steps()
    n_e = k["ext_rate"].shape[0]
    target = np.array([P.BASELINE_RATE[p].value for p in P.POPULATIONS])
    r0 = np.tile(target, (n_e, 1))
    out = np.zeros((n_e, 4, P.N_POP))
    args = (r0, k["j_e"], k["j_i"], k["v_e"], k["v_i"], k["ext_rate"], k["c_m"], k["g_l"], k["e_l"],
            k["t_ref"], k["gain"], k["theta"], k["noise"], k["g_k"], k["i_ext"], steps, dt,
            P.NETWORK["tau_rate"].value, circ.e_e, circ.e_i, circ.e_k, circ.tau_e, circ.tau_i, circ.w_ext)
    if kernel is not None or reference:
        (kernel or run_rates)(*args, out)
    else:
        run_rates_sparse(*args, *presynaptic_lists(k["j_e"], k["v_e"]), *presynaptic_lists(k["j_i"], k["v_i"]), out)
    return out[:, 1], out[:, 3]


def distinct_members(levels_baseline, levels_cs, weights, mods: list[Modulation]):
    """The members whose inputs (levels, weights, modulation) differ bit for bit: ``((levels_baseline,
    levels_cs, weights, mods) of the distinct members, inverse)`` with member ``e``'s inputs those of
    distinct member ``inverse[e]``; ``(None, None)`` when every member is distinct. A member's rates are a
    function of its own inputs only (each member is integrated on its own), so the rates of a repeated
    member are those of its first occurrence: a cohort whose patients share a state (the same trauma
    memory, the same drug-free modulation) is integrated once per distinct state."""
    weights = np.atleast_2d(np.asarray(weights, float))
    n_e = max(weights.shape[0], len(mods))
    if n_e < 2:
        return None, None
    mods = Modulations.of(mods, n_e)
    n_c = len(P.INPUT_CHANNELS)
    lb = np.broadcast_to(np.asarray(levels_baseline, float), (n_e, n_c))
    lc = np.broadcast_to(np.asarray(levels_cs, float), (n_e, n_c))
    key = np.concatenate([lb, lc, np.broadcast_to(weights, (n_e, P.N_PLASTIC)), mods.i_ext, mods.g_k,
                          mods.bg_scale, mods.cs_gain[:, None]], axis=1)
    # each row compared as one byte string: -0.0 and 0.0 (or two NaNs) are different inputs here
    rows = np.ascontiguousarray(key).view(np.dtype((np.void, key.shape[1] * key.itemsize))).ravel()
    _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    if first.size == n_e:
        return None, None
    w = np.broadcast_to(weights, (n_e, P.N_PLASTIC))
    return (lb[first], lc[first], w[first], mods.take(first)), inverse.reshape(-1)


def simulate_trial(circ: Circuit, levels_baseline, levels_cs, weights, mod: Modulation):
    """One circuit's trial, same signature and result as :func:`sim.amygdala.spiking.simulate_trial`."""
    rb, rc = simulate_trials(circ, levels_baseline, levels_cs, weights, [mod])
    return rb[0], rc[0]
