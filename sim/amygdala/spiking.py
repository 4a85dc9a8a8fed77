"""Spiking amygdala: conductance-based LIF cells, CSR connectivity, event-driven synapses (numba).

Each cell obeys (Brette et al. 2007, benchmark 1)::

    C dV/dt = g_L (E_L - V) + g_e (E_e - V) + g_i (E_i - V) + g_K (E_K - V) + I
    dg_e/dt = -g_e / tau_e,   dg_i/dt = -g_i / tau_i

integrated with forward Euler for V (as Brian2's ``method='euler'``) and exact decay for the
conductances, step ``dt``. A spike (V > V_th) resets V to V_reset for ``t_ref``; it is delivered
only along the spiking cell's CSR row (event-driven), adding its weight to the target's g_e or
g_i, which acts from the next step. External afferents are Poisson processes of ``w_ext`` nS
events on g_e (and optionally ``w_ext_i`` on g_i), drawn as exponential intervals so that the cost
scales with the number of events, not cells x steps; each cell draws from its own random stream
(:mod:`sim.amygdala.random_streams`), so the numbers do not depend on the order in which cells are
visited. Rates are piecewise constant over *phases* (e.g. pre-CS and CS) and spikes are counted
per phase. The cells can be shared among threads (:mod:`sim.amygdala.threads`) with bit-identical
results.

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
from sim.amygdala.random_streams import exponential, stream_states
from sim.amygdala.threads import barrier, deliver_owned, row_splits, rows_sorted, run_threads


def run_network(v, ge, gi, refractory, c_m, g_l, e_l, v_th, v_reset, ref_steps, g_k, i_ext,
                indptr, indices, weights, inhibitory, ext_rate, w_ext, ext_rate_i, w_ext_i, phase_steps,
                dt, tau_e, tau_i, e_e, e_i, e_k, seed, counts, threads=None):
    """Advance the network through its phases; state arrays are updated in place.

    Parameters are per-cell float64 arrays (c_m pF, g_l nS, mV potentials, g_k nS, i_ext pA),
    ``ref_steps`` int refractory length in steps, ``refractory`` int steps left; CSR by
    presynaptic cell (``indptr``, ``indices``, ``weights`` nS); ``inhibitory`` uint8 per cell;
    ``ext_rate``, ``ext_rate_i`` (phase, cell) Hz of excitatory and inhibitory external events of
    ``w_ext``, ``w_ext_i`` (cell,) nS; ``phase_steps`` (phase,) int; ``dt``, taus in ms. ``seed``
    (any integer) seeds one random stream per cell (:mod:`sim.amygdala.random_streams`), from which
    that cell's external events are drawn. ``counts`` (phase, cell) int64 is incremented with each
    cell's spikes. :func:`run_network_recording` also records spike times.

    ``threads``: how many threads share the cells (default 1). Each cell's draws come from its own
    stream and every target receives its synaptic additions in the same order (see :func:`_cells`),
    so the state and the spikes are bit-identical for any number of threads. The threads meet at a
    barrier every step: they help only where each has a core of its own.
    """
    run_network_recording(v, ge, gi, refractory, c_m, g_l, e_l, v_th, v_reset, ref_steps, g_k, i_ext, indptr,
                          indices, weights, inhibitory, ext_rate, w_ext, ext_rate_i, w_ext_i, phase_steps, dt,
                          tau_e, tau_i, e_e, e_i, e_k, seed, counts, np.empty(0, dtype=np.int32), 0,
                          np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32), np.zeros(1, dtype=np.int64),
                          threads=threads)


def run_network_recording(v, ge, gi, refractory, c_m, g_l, e_l, v_th, v_reset, ref_steps, g_k, i_ext,
                          indptr, indices, weights, inhibitory, ext_rate, w_ext, ext_rate_i, w_ext_i, phase_steps,
                          dt, tau_e, tau_i, e_e, e_i, e_k, seed, counts, row, rec_from, rec_step, rec_row, n_rec,
                          threads=None):
    """:func:`run_network` (same arguments, same spikes and counts) that also records spikes.

    ``row`` (cell,) int32: the raster row of each recorded cell, -1 for cells not recorded; spikes of
    recorded cells at steps >= ``rec_from`` (counted from the start of the first phase) are written
    as (step, row) into ``rec_step`` (int64) and ``rec_row`` (int32) at ``n_rec[0]``, which is
    incremented, in order of step and then cell; spikes beyond the arrays' capacity are counted in
    ``n_rec[0]`` but not written. Recording only reads the state: the dynamics and the random draws
    are :func:`run_network`'s. An empty ``row`` records nothing.
    """
    n = v.shape[0]
    n_threads = max(1, min(int(threads or 1), n))
    bounds = np.array([n * t // n_threads for t in range(n_threads + 1)], dtype=np.int64)
    if n_threads > 1 and not rows_sorted(indptr, indices):
        # a thread delivers the slice of each row it owns: sort each row by target (stable, so the
        # additions to any one target keep their order)
        order = np.lexsort((indices, np.repeat(np.arange(n), np.diff(indptr))))
        indices, weights = indices[order], weights[order]
    split = row_splits(indptr, indices, bounds)
    a = dt / c_m                        # the constant parts of the membrane equation, once
    g0 = g_l + g_k
    i0 = g_l * e_l + g_k * e_k + i_ext
    state = stream_states(seed, n)
    next_e, next_i = np.full(n, np.inf), np.full(n, np.inf)  # steps until each cell's next external event
    spk = np.empty((2, n_threads, int(np.diff(bounds).max(initial=1))), dtype=np.int64)
    nspk = np.zeros((2, n_threads), dtype=np.int64)
    bar = np.zeros(2, dtype=np.int64)

    def work(t):
        _cells(t, n_threads, int(bounds[t]), int(bounds[t + 1]), v, ge, gi, refractory, a, g0, i0, v_th, v_reset,
               ref_steps, split, indices, weights, inhibitory, ext_rate, w_ext, ext_rate_i, w_ext_i, phase_steps,
               float(dt), float(tau_e), float(tau_i), float(e_e), float(e_i), state, next_e, next_i, counts, spk, nspk,
               bar, row, int(rec_from), rec_step, rec_row, n_rec)

    run_threads(n_threads, work)


@njit(inline="always")
def _poisson(x, g, w, lam, state, i):
    """External events of one step on cell ``i``: each event due within the step (``x``, steps to
    the next event, < 1) adds ``w`` to the conductance ``g``, and the next interval is drawn from the
    cell's stream at rate ``lam`` per step. Returns (g, steps to the next event from the next step)."""
    while x < 1.0:
        g += w
        x += exponential(state, i, lam)
    return g, x - 1.0


@njit(nogil=True, cache=True)
def _cells(t, n_threads, lo, hi, v, ge, gi, refractory, a, g0, i0, v_th, v_reset, ref_steps, split, indices,
           weights, inhibitory, ext_rate, w_ext, ext_rate_i, w_ext_i, phase_steps, dt, tau_e, tau_i, e_e, e_i,
           state, next_e, next_i, counts, spk, nspk, bar, row, rec_from, rec_step, rec_row, n_rec):
    """Thread ``t``'s share of :func:`run_network_recording`: cells ``lo:hi``; one thread runs it all.

    Per step, the thread draws its cells' external events (from each cell's own stream), advances
    their V (forward Euler) and conductances (exact decay) and lists their spikes, in cell order,
    in its buffer ``spk[step % 2, t]``; at the barrier all threads have listed theirs; then it
    delivers every thread's spikes, thread by thread, each along the slice of its CSR row whose
    targets it owns (``split[t, j]:split[t + 1, j]``), so every target receives the same additions
    in the same order as with one thread. Thread 0 also records spikes, in the same order. The
    buffers alternate between even and odd steps, so one barrier per step suffices: no thread can
    refill a buffer before every thread has passed the next barrier, i.e. finished reading it.
    """
    lo = max(lo, 0)  # known non-negative: numba's wraparound of negative indices drops out of the loops
    de = np.exp(-dt / tau_e)
    di = np.exp(-dt / tau_i)
    tick = dt * 1e-3                    # s per step
    recording = row.shape[0] == v.shape[0] and t == 0
    cap = rec_step.shape[0]
    # the membrane update indexes views of the thread's cells from 0: with indices from an offset
    # unknown at compile time, numba's wraparound of negative indices stays in the loop (slower)
    m = hi - lo
    v_t, ge_t, gi_t, refr_t = v[lo:hi], ge[lo:hi], gi[lo:hi], refractory[lo:hi]
    a_t, g0_t, i0_t, v_th_t, v_reset_t, ref_steps_t = a[lo:hi], g0[lo:hi], i0[lo:hi], v_th[lo:hi], v_reset[lo:hi], \
        ref_steps[lo:hi]
    step = 0
    for ph in range(phase_steps.shape[0]):
        counts_t = counts[ph, lo:hi]
        any_e = False
        any_i = False
        for i in range(lo, hi):  # Poisson processes are memoryless: redraw at a rate change
            lam_e = ext_rate[ph, i] * tick
            lam_i = ext_rate_i[ph, i] * tick
            next_e[i] = exponential(state, i, lam_e) if lam_e > 0.0 else np.inf
            next_i[i] = exponential(state, i, lam_i) if lam_i > 0.0 else np.inf
            any_e |= lam_e > 0.0
            any_i |= lam_i > 0.0
        for _ in range(phase_steps[ph]):
            par = step & 1
            ns = 0
            if any_e or any_i:
                for i in range(lo, hi):
                    ge[i], next_e[i] = _poisson(next_e[i], ge[i], w_ext[i], ext_rate[ph, i] * tick, state, i)
                    gi[i], next_i[i] = _poisson(next_i[i], gi[i], w_ext_i[i], ext_rate_i[ph, i] * tick, state, i)
            for k in range(m):
                gei = ge_t[k]
                gii = gi_t[k]
                if refr_t[k] > 0:
                    refr_t[k] -= 1
                else:
                    vi = v_t[k]
                    vi += a_t[k] * (i0_t[k] - g0_t[k] * vi + gei * (e_e - vi) + gii * (e_i - vi))
                    if vi > v_th_t[k]:
                        vi = v_reset_t[k]
                        refr_t[k] = ref_steps_t[k]
                        spk[par, t, ns] = lo + k
                        ns += 1
                        counts_t[k] += 1
                    v_t[k] = vi
                ge_t[k] = gei * de
                gi_t[k] = gii * di
            nspk[par, t] = ns
            if n_threads > 1:
                barrier(bar, n_threads)
            deliver_owned(t, spk[par], nspk[par], split, indices, weights, inhibitory, ge, gi)
            if recording and step >= rec_from:
                for u in range(n_threads):
                    for k in range(nspk[par, u]):
                        j = spk[par, u, k]
                        if row[j] >= 0:
                            r = n_rec[0]
                            if r < cap:
                                rec_step[r] = step
                                rec_row[r] = row[j]
                            n_rec[0] = r + 1
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
                   t_baseline_ms=None, t_cs_ms=None, t_settle_ms=None, dt_ms=None, record=None, threads=None):
    """One trial: a pre-CS window then a CS window; mean rate per population (Hz) in each.

    Returns ``(rates_baseline, rates_cs)``, each (pop,), measured after discarding ``t_settle``
    at the start of each window. The initial state is drawn from ``seed``.

    ``record``: a raster-row map from :func:`raster_rows`; then the spikes of those cells from the
    end of the first settling period (``t_settle``) to the end of the CS window are returned too,
    as a third element ``(time_s, row)``: time in s relative to the CS onset (negative before the
    cue), float64, and the raster row, int32. Recording does not change the rates. ``threads``: as
    :func:`run_network` (the results do not depend on it).
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
        run_network(*args, threads=threads)
    else:
        row = np.ascontiguousarray(record, dtype=np.int32)
        kept = row >= 0
        # each recorded cell spikes at most once per refractory period plus one step
        span = int(steps[1:].sum())
        cap = int(np.sum(span // (ref_steps[kept] + 1) + 1))
        rec_step, rec_row, n_rec = np.empty(cap, np.int64), np.empty(cap, np.int32), np.zeros(1, np.int64)
        run_network_recording(*args, row, int(steps[0]), rec_step, rec_row, n_rec, threads=threads)
        k = int(min(n_rec[0], cap))
        onset = int(steps[:2].sum())
        spikes = ((rec_step[:k] - onset) * dt * MS, rec_row[:k].copy())
    per_pop = np.stack([np.bincount(net.pop, weights=counts[k], minlength=P.N_POP) for k in (1, 3)])
    rates = per_pop / circ.sizes / (steps[[1, 3]][:, None] * dt * MS)
    if record is None:
        return rates[0], rates[1]
    return rates[0], rates[1], spikes
