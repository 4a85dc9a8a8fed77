"""Spiking amygdala: conductance-based LIF cells, CSR connectivity, event-driven synapses (numba).

Each cell obeys (Brette et al. 2007, benchmark 1)::

    C dV/dt = g_L (E_L - V) + g_e (E_e - V) + g_i (E_i - V) + g_K (E_K - V) + I
    dg_e/dt = -g_e / tau_e,   dg_i/dt = -g_i / tau_i

integrated with forward Euler for V (as Brian2's ``method='euler'``) and exact decay for the
conductances, step ``dt``. A spike (V > V_th) resets V to V_reset for ``t_ref``; it is delivered
only along the spiking cell's CSR row (event-driven), adding its weight to the target's g_e or
g_i, which acts from the next step. External afferents are Poisson processes of ``w_ext`` nS
events on g_e (and optionally ``w_ext_i`` on g_i), drawn as exponential intervals so that the cost
scales with the number of events, not cells x steps. Rates are piecewise constant over *phases*
(e.g. pre-CS and CS) and spikes are counted per phase.

:func:`run_network` is the pure kernel (arrays in, counts out); :func:`build_network` draws the
connectivity (fixed in-degree, presynaptic cells with replacement, seeded) and
:func:`simulate_trial` runs one trial of the circuit. The NumPy twin is
:func:`sim.amygdala.reference.run_network_numpy`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from sim.amygdala import params as P
from sim.amygdala.circuit import MS, Circuit, Modulation, external_rate, plastic_multipliers, population_of


@njit(cache=True)
def poisson_step(next_event, lam, g, w):
    """One step of independent Poisson inputs: every event due within the step (``next_event`` in
    steps, < 1) adds ``w`` to the conductance ``g``; the next event is drawn at rate ``lam`` per step."""
    for i in range(g.shape[0]):
        x = next_event[i]
        while x < 1.0:
            g[i] += w[i]
            x += np.random.exponential(1.0 / lam[i])  # noqa: NPY002
        next_event[i] = x - 1.0


@njit(cache=True)
def deliver_spikes(spiked, n_spiked, inhibitory, indptr, indices, weights, ge, gi):
    """Add the synaptic weights of this step's spikes (``spiked[:n_spiked]``, CSR rows by presynaptic
    cell) to the postsynaptic excitatory or inhibitory conductances."""
    for k in range(n_spiked):
        j = spiked[k]
        if inhibitory[j]:
            for s in range(indptr[j], indptr[j + 1]):
                gi[indices[s]] += weights[s]
        else:
            for s in range(indptr[j], indptr[j + 1]):
                ge[indices[s]] += weights[s]


@njit(cache=True)
def run_network(v, ge, gi, refractory, c_m, g_l, e_l, v_th, v_reset, ref_steps, g_k, i_ext,
                indptr, indices, weights, inhibitory, ext_rate, w_ext, ext_rate_i, w_ext_i, phase_steps,
                dt, tau_e, tau_i, e_e, e_i, e_k, seed, counts):
    """Advance the network through its phases; state arrays are updated in place.

    Parameters are per-cell float64 arrays (c_m pF, g_l nS, mV potentials, g_k nS, i_ext pA),
    ``ref_steps`` int refractory length in steps, ``refractory`` int steps left; CSR by
    presynaptic cell (``indptr``, ``indices``, ``weights`` nS); ``inhibitory`` uint8 per cell;
    ``ext_rate``, ``ext_rate_i`` (phase, cell) Hz of excitatory and inhibitory external events of
    ``w_ext``, ``w_ext_i`` (cell,) nS; ``phase_steps`` (phase,) int; ``dt``, taus in ms; ``seed``
    seeds numba's generator (a negative seed leaves it alone). ``counts`` (phase, cell) int64 is
    incremented with each cell's spikes. :func:`run_network_recording` also records spike times.
    """
    _advance(v, ge, gi, refractory, c_m, g_l, e_l, v_th, v_reset, ref_steps, g_k, i_ext, indptr, indices, weights,
             inhibitory, ext_rate, w_ext, ext_rate_i, w_ext_i, phase_steps, dt, tau_e, tau_i, e_e, e_i, e_k, seed,
             counts, np.empty(0, dtype=np.int32), 0, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32),
             np.zeros(1, dtype=np.int64))


@njit(cache=True)
def run_network_recording(v, ge, gi, refractory, c_m, g_l, e_l, v_th, v_reset, ref_steps, g_k, i_ext,
                          indptr, indices, weights, inhibitory, ext_rate, w_ext, ext_rate_i, w_ext_i, phase_steps,
                          dt, tau_e, tau_i, e_e, e_i, e_k, seed, counts, row, rec_from, rec_step, rec_row, n_rec):
    """:func:`run_network` (same arguments, same spikes and counts) that also records spikes.

    ``row`` (cell,) int32: the raster row of each recorded cell, -1 for cells not recorded; spikes of
    recorded cells at steps >= ``rec_from`` (counted from the start of the first phase) are written
    as (step, row) into ``rec_step`` (int64) and ``rec_row`` (int32) at ``n_rec[0]``, which is
    incremented; spikes beyond the arrays' capacity are counted in ``n_rec[0]`` but not written.
    Recording only reads the state: the dynamics and the random draws are :func:`run_network`'s.
    """
    _advance(v, ge, gi, refractory, c_m, g_l, e_l, v_th, v_reset, ref_steps, g_k, i_ext, indptr, indices, weights,
             inhibitory, ext_rate, w_ext, ext_rate_i, w_ext_i, phase_steps, dt, tau_e, tau_i, e_e, e_i, e_k, seed,
             counts, row, rec_from, rec_step, rec_row, n_rec)


@njit(cache=True)
def _advance(v, ge, gi, refractory, c_m, g_l, e_l, v_th, v_reset, ref_steps, g_k, i_ext,
             indptr, indices, weights, inhibitory, ext_rate, w_ext, ext_rate_i, w_ext_i, phase_steps,
             dt, tau_e, tau_i, e_e, e_i, e_k, seed, counts, row, rec_from, rec_step, rec_row, n_rec):
    """The kernel of :func:`run_network` and :func:`run_network_recording`, whose arguments it takes
    (``row`` empty: nothing is recorded)."""
    n = v.shape[0]
    if seed >= 0:
        np.random.seed(seed)  # noqa: NPY002 - numba supports only the legacy global generator
    de = np.exp(-dt / tau_e)
    di = np.exp(-dt / tau_i)
    a = dt / c_m                        # the constant parts of the membrane equation, once
    g0 = g_l + g_k
    i0 = g_l * e_l + g_k * e_k + i_ext
    spiked = np.empty(n, dtype=np.int64)
    next_e = np.full(n, np.inf)  # steps until the next external event (exponential intervals)
    next_i = np.full(n, np.inf)
    recording = row.shape[0] == n
    cap = rec_step.shape[0]
    step = 0
    for ph in range(phase_steps.shape[0]):
        lam = ext_rate[ph] * (dt * 1e-3)
        lam_i = ext_rate_i[ph] * (dt * 1e-3)
        any_ext = np.any(lam > 0.0)
        any_ext_i = np.any(lam_i > 0.0)
        for i in range(n):  # Poisson processes are memoryless: redraw at a rate change
            next_e[i] = np.random.exponential(1.0 / lam[i]) if lam[i] > 0.0 else np.inf  # noqa: NPY002
            next_i[i] = np.random.exponential(1.0 / lam_i[i]) if lam_i[i] > 0.0 else np.inf  # noqa: NPY002
        for _ in range(phase_steps[ph]):
            if any_ext:
                poisson_step(next_e, lam, ge, w_ext)
            if any_ext_i:
                poisson_step(next_i, lam_i, gi, w_ext_i)
            ns = 0
            for i in range(n):
                gei = ge[i]
                gii = gi[i]
                if refractory[i] > 0:
                    refractory[i] -= 1
                else:
                    vi = v[i]
                    vi += a[i] * (i0[i] - g0[i] * vi + gei * (e_e - vi) + gii * (e_i - vi))
                    if vi > v_th[i]:
                        vi = v_reset[i]
                        refractory[i] = ref_steps[i]
                        spiked[ns] = i
                        ns += 1
                        counts[ph, i] += 1
                        if recording and row[i] >= 0 and step >= rec_from:
                            r = n_rec[0]
                            if r < cap:
                                rec_step[r] = step
                                rec_row[r] = row[i]
                            n_rec[0] = r + 1
                    v[i] = vi
                ge[i] = gei * de
                gi[i] = gii * di
            deliver_spikes(spiked, ns, inhibitory, indptr, indices, weights, ge, gi)
            step += 1


@dataclass(frozen=True)
class Network:
    """Drawn connectivity of a circuit: CSR by presynaptic cell plus each synapse's pathway."""

    circuit: Circuit
    pop: np.ndarray          # (cell,) population index
    indptr: np.ndarray       # (cell + 1,) int64
    indices: np.ndarray      # (synapse,) int64 postsynaptic cell
    weights: np.ndarray      # (synapse,) nS, naive weights
    plastic: np.ndarray      # (synapse,) plastic pathway index or -1
    inhibitory: np.ndarray   # (cell,) uint8
    seed: int

    @property
    def n_neurons(self) -> int:
        return self.pop.shape[0]

    def cell_arrays(self):
        """Per-cell membrane arrays (c_m, g_l, e_l, v_th, v_reset, ref_ms)."""
        m = self.circuit.membrane[self.circuit.cell_type[self.pop]]
        return tuple(np.ascontiguousarray(m[:, k]) for k in range(6))


def csr_from_pairs(pre, post, w, n, extra=None):
    """Sort synapses by presynaptic cell into CSR (indptr, indices, weights[, extra])."""
    order = np.argsort(pre, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(pre, minlength=n), out=indptr[1:])
    out = (indptr, post[order].astype(np.int64), w[order].astype(np.float64))
    return out + ((extra[order],) if extra is not None else ())


def build_network(circ: Circuit, seed: int = 0) -> Network:
    """Fixed in-degree connectivity: each cell draws K presynaptic cells (with replacement) per pathway."""
    rng = np.random.default_rng(seed)
    pop = population_of(circ)
    start = np.concatenate([[0], np.cumsum(circ.sizes)])
    pres, posts, ws, pls = [], [], [], []
    for b in range(P.N_POP):
        for a in range(P.N_POP):
            k = int(circ.k_in[b, a])
            if k == 0:
                continue
            nb = circ.sizes[b]
            pre = rng.integers(start[a], start[a + 1], size=(nb, k))
            post = np.repeat(np.arange(start[b], start[b + 1]), k)
            pres.append(pre.ravel())
            posts.append(post)
            ws.append(np.full(nb * k, circ.w[b, a]))
            pls.append(np.full(nb * k, circ.plastic_rec[b, a], dtype=np.int64))
    indptr, indices, weights, plastic = csr_from_pairs(
        np.concatenate(pres), np.concatenate(posts), np.concatenate(ws), pop.shape[0], np.concatenate(pls))
    inhib = (~circ.excitatory[pop]).astype(np.uint8)
    return Network(circ, pop, indptr, indices, weights, plastic, inhib, seed)


def raster_rows(net: Network, per_population: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which cells a spike recording keeps: the first ``per_population`` cells of every population.

    Returns ``(row, cells, start)``: ``row`` (cell,) int32, each cell's raster row or -1; ``cells``
    (rows,) the network index of each row's cell; ``start`` (pop + 1,) the first row of each
    population (rows of population p are ``start[p]:start[p + 1]``, in population order).
    """
    sizes = net.circuit.sizes
    first = np.concatenate([[0], np.cumsum(sizes)])
    kept = np.minimum(sizes, max(0, int(per_population)))
    cells = np.concatenate([np.arange(first[p], first[p] + kept[p]) for p in range(P.N_POP)]).astype(np.int64)
    row = np.full(net.n_neurons, -1, dtype=np.int32)
    row[cells] = np.arange(cells.size, dtype=np.int32)
    return row, cells, np.concatenate([[0], np.cumsum(kept)]).astype(np.int64)


def simulate_trial(net: Network, levels_baseline, levels_cs, weights, mod: Modulation, seed: int,
                   t_baseline_ms=None, t_cs_ms=None, t_settle_ms=None, dt_ms=None, record=None):
    """One trial: a pre-CS window then a CS window; mean rate per population (Hz) in each.

    Returns ``(rates_baseline, rates_cs)``, each (pop,), measured after discarding ``t_settle``
    at the start of each window. The initial state is drawn from ``seed``.

    ``record``: a raster-row map from :func:`raster_rows`; then the spikes of those cells from the
    end of the first settling period (``t_settle``) to the end of the CS window are returned too,
    as a third element ``(time_s, row)``: time in s relative to the CS onset (negative before the
    cue), float64, and the raster row, int32. Recording does not change the rates.
    """
    circ = net.circuit
    nt = P.NETWORK
    dt = dt_ms or nt["dt"].value
    t_b = t_baseline_ms or nt["t_baseline"].value
    t_c = t_cs_ms or nt["t_cs"].value
    t_s = nt["t_settle"].value if t_settle_ms is None else t_settle_ms
    windows = [t_s, t_b - t_s, t_s, t_c - t_s]
    steps = np.array([round(x / dt) for x in windows], dtype=np.int64)
    rb = external_rate(circ, np.asarray(levels_baseline, float), weights, mod)
    rc = external_rate(circ, np.asarray(levels_cs, float), weights, mod)
    ext = np.ascontiguousarray(np.stack([rb, rb, rc, rc])[:, net.pop])
    c_m, g_l, e_l, v_th, v_reset, t_ref = net.cell_arrays()
    rng = np.random.default_rng(seed)
    n = net.n_neurons
    v = rng.uniform(v_reset, v_th)
    ge = np.zeros(n)
    gi = np.zeros(n)
    refr = np.zeros(n, dtype=np.int64)
    syn_w = net.weights * plastic_multipliers(net.plastic, np.asarray(weights, float))
    counts = np.zeros((4, n), dtype=np.int64)
    ref_steps = np.round(t_ref / dt).astype(np.int64)
    args = (v, ge, gi, refr, c_m, g_l, e_l, v_th, v_reset, ref_steps, mod.g_k[net.pop].copy(),
            mod.i_ext[net.pop].copy(), net.indptr, net.indices, syn_w, net.inhibitory, ext, np.full(n, circ.w_ext),
            np.zeros_like(ext), np.zeros(n), steps, dt, circ.tau_e, circ.tau_i, circ.e_e, circ.e_i,
            circ.e_k, int(rng.integers(2**31 - 1)), counts)
    if record is None:
        run_network(*args)
    else:
        row = np.ascontiguousarray(record, dtype=np.int32)
        kept = row >= 0
        # each recorded cell spikes at most once per refractory period plus one step
        span = int(steps[1:].sum())
        cap = int(np.sum(span // (ref_steps[kept] + 1) + 1))
        rec_step, rec_row, n_rec = np.empty(cap, np.int64), np.empty(cap, np.int32), np.zeros(1, np.int64)
        run_network_recording(*args, row, int(steps[0]), rec_step, rec_row, n_rec)
        k = int(min(n_rec[0], cap))
        onset = int(steps[:2].sum())
        spikes = ((rec_step[:k] - onset) * dt * MS, rec_row[:k].copy())
    per_pop = np.stack([np.bincount(net.pop, weights=counts[k], minlength=P.N_POP) for k in (1, 3)])
    rates = per_pop / circ.sizes / (steps[[1, 3]][:, None] * dt * MS)
    if record is None:
        return rates[0], rates[1]
    return rates[0], rates[1], spikes
