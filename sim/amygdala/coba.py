"""The standard COBA benchmark network on this engine's spiking kernel.

Brette et al. 2007 (J Comput Neurosci 23:349), benchmark 1, after Vogels & Abbott 2005
(J Neurosci 25:10786): 4000 conductance-based LIF cells, 3200 excitatory and 800 inhibitory, each
pair connected with probability 2 %, exponential conductances (tau_e 5 ms, tau_i 10 ms), weights
6 nS (excitatory) and 67 nS (inhibitory), E_L -60 mV, threshold -50 mV, reset -60 mV, refractory
5 ms, C 200 pF, g_L 10 nS, E_e 0 mV, E_i -80 mV, forward Euler at dt 0.1 ms, no external input:
the activity is self-sustained from the initial state (as in Brian2's example ``COBA.py``):
V ~ E_L + N(-5, 5) mV, g_e ~ N(4, 1.5) x 10 nS, g_i ~ N(20, 12) x 10 nS.

Whether the activity survives depends on the draw, so comparisons with another simulator must use
the same connectivity and initial state: :func:`coba_network` returns both as plain arrays
(connectivity as (pre, post) pairs) to hand to the other simulator.

:func:`run_coba` runs :func:`coba_kernel`: :func:`sim.amygdala.spiking.run_network`'s arguments and
bit-for-bit results, specialised to identical cells without external input (scalar parameters,
a branch-free SIMD membrane update per block of 64 cells, spikes scanned only in blocks that
crossed threshold, int32 CSR indices and refractory counters): about 2.6x faster on COBA (4000
cells, 10 s: ~0.51 s against ~1.32 s on these 2-core machines, the same 816,098 spikes).
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit

from sim.amygdala.spiking import csr_from_pairs, run_network
from sim.amygdala.threads import barrier, deliver_owned, row_splits, rows_sorted, run_threads

COBA = dict(n=4000, n_exc=3200, p=0.02, c_m=200.0, g_l=10.0, e_l=-60.0, v_th=-50.0, v_reset=-60.0,
            t_ref=5.0, e_e=0.0, e_i=-80.0, tau_e=5.0, tau_i=10.0, w_e=6.0, w_i=67.0, dt=0.1)


BLOCK = 64  # cells per block of the vectorised membrane update
_FOREVER = 2**30  # refractory steps of the padding cells (and the limit of the int32 counter)


@njit(inline="always")
def _advance_block(b0, v, ge, gi, rl, a, g0, i0, v_th, e_e, e_i, de, di):
    """Advance the BLOCK cells from ``b0`` by one step (branch-free, SIMD): V of free cells, refractory
    steps left and the conductances' decay; returns how many crossed threshold. Inlined into both
    kernels, so the arithmetic is the same in the serial and the threaded one."""
    hits = 0
    for k in range(BLOCK):
        i = b0 + k
        vi = v[i]
        gei = ge[i]
        gii = gi[i]
        r = rl[i]
        dv = a * (i0 - g0 * vi + gei * (e_e - vi) + gii * (e_i - vi))
        free = np.float64(r <= 0)
        vn = vi + free * dv
        v[i] = vn
        rl[i] = r - np.int32(1)
        hits += np.int64(vn > v_th)
        ge[i] = gei * de
        gi[i] = gii * di
    return hits


@njit(inline="always")
def _reset_block(b0, v, rl, v_th, v_reset, ref_steps, counts, spiked, ns):
    """Reset the cells of the block from ``b0`` that crossed threshold, in cell order, recording them in
    ``spiked`` from position ``ns``; returns the new count."""
    for i in range(b0, b0 + BLOCK):
        if rl[i] < 0 and v[i] > v_th:
            v[i] = v_reset
            rl[i] = np.int32(ref_steps)
            spiked[ns] = i
            ns += 1
            counts[i] += 1
    return ns


@njit(cache=True)
def _coba_steps(v, ge, gi, rl, a, g0, i0, v_th, v_reset, ref_steps, indptr, indices, weights, inhibitory,
                n_steps, dt, tau_e, tau_i, e_e, e_i, counts, spiked):
    """``n_steps`` steps of a noise-free network of identical cells (scalar parameters); ``rl`` is
    steps of refractoriness left, <= 0 free.

    Per block of cells, a branch-free loop (SIMD) advances V of free cells, decrements ``rl`` and
    decays the conductances, counting threshold crossings; only blocks with a crossing are scanned
    again to reset and record spikes, in cell order, and spikes are delivered along CSR rows after
    the whole population is updated. The arithmetic is :func:`run_network`'s expression for
    expression (``v + 1.0 * dv`` is ``v + dv`` exactly, ``v + 0.0 * dv`` is ``v``), so the spikes
    are the same.
    """
    de = np.exp(-dt / tau_e)  # numba's exp, as in run_network (NumPy's may differ in the last bit)
    di = np.exp(-dt / tau_i)
    nb = v.shape[0] // BLOCK  # arrays padded to whole blocks
    for _ in range(n_steps):
        ns = 0
        for b in range(nb):
            b0 = b * BLOCK
            hits = _advance_block(b0, v, ge, gi, rl, a, g0, i0, v_th, e_e, e_i, de, di)
            if hits:
                ns = _reset_block(b0, v, rl, v_th, v_reset, ref_steps, counts, spiked, ns)
        # spike delivery along CSR rows
        for k in range(ns):
            j = spiked[k]
            if inhibitory[j]:
                for s in range(indptr[j], indptr[j + 1]):
                    gi[indices[s]] += weights[s]
            else:
                for s in range(indptr[j], indptr[j + 1]):
                    ge[indices[s]] += weights[s]


# ---- the same steps on several threads ---------------------------------------------------------
# Each thread owns a contiguous range of whole blocks of cells (their V, g_e, g_i, refractory counters
# and spike counts): it updates its cells, lists their spikes (in cell order) in its own buffer, waits
# at a barrier, then delivers every thread's spikes, thread by thread, each spike along the part of
# its CSR row whose targets it owns (rows are sorted by target, so that part is a slice). Every
# target therefore receives the same additions in the same order as in the serial kernel: the
# results are bit-identical for any number of threads. The buffers alternate between even and odd
# steps, so one barrier per step suffices (a thread cannot refill a buffer before every thread has
# passed the next barrier, i.e. finished delivering from it). The threads are OS threads running
# nogil numba code, and the barrier spins on atomic integers, because a step (~4 us for COBA) is
# shorter than the cost of starting a numba parallel region.


@njit(nogil=True, cache=True)
def _coba_worker(t, n_threads, lo, hi, v, ge, gi, rl, a, g0, i0, v_th, v_reset, ref_steps, split, indices,
                 weights, inhibitory, n_steps, dt, tau_e, tau_i, e_e, e_i, counts, spk, nspk, bar):
    """Thread ``t``'s share of :func:`_coba_steps`: cells ``lo:hi`` (whole blocks)."""
    de = np.exp(-dt / tau_e)
    di = np.exp(-dt / tau_i)
    # The membrane update indexes views of the thread's cells from 0, as the serial kernel does: with
    # indices starting at an offset unknown at compile time, numba's negative-index wraparound stays in
    # the loop and LLVM does not vectorise it (the threaded kernel was then slower than the serial one).
    vs, ges, gis, rls = v[lo:hi], ge[lo:hi], gi[lo:hi], rl[lo:hi]
    for step in range(n_steps):
        par = step & 1
        ns = 0
        for b in range((hi - lo) // BLOCK):
            hits = _advance_block(b * BLOCK, vs, ges, gis, rls, a, g0, i0, v_th, e_e, e_i, de, di)
            if hits:
                ns = _reset_block(lo + b * BLOCK, v, rl, v_th, v_reset, ref_steps, counts, spk[par, t], ns)
        nspk[par, t] = ns
        barrier(bar, n_threads)
        deliver_owned(t, spk[par], nspk[par], split, indices, weights, inhibitory, ge, gi)


def _coba_steps_threads(n_threads, v, ge, gi, rl, a, g0, i0, v_th, v_reset, ref_steps, indptr, indices, weights,
                        inhibitory, n_steps, dt, tau_e, tau_i, e_e, e_i, counts):
    """:func:`_coba_steps` on ``n_threads`` threads (rows of ``indices`` sorted by target)."""
    nb = v.shape[0] // BLOCK
    bounds = np.array([(nb * t // n_threads) * BLOCK for t in range(n_threads + 1)], dtype=np.int64)
    split = row_splits(indptr, indices, bounds)
    spk = np.empty((2, n_threads, int(np.diff(bounds).max())), dtype=np.int64)
    nspk = np.zeros((2, n_threads), dtype=np.int64)
    bar = np.zeros(2, dtype=np.int64)

    def work(t):
        _coba_worker(t, n_threads, int(bounds[t]), int(bounds[t + 1]), v, ge, gi, rl, a, g0, i0, v_th, v_reset,
                     ref_steps, split, indices, weights, inhibitory, n_steps, dt, tau_e, tau_i, e_e, e_i, counts,
                     spk, nspk, bar)

    run_threads(n_threads, work)


def _uniform(x) -> bool:
    return x.size > 0 and bool(np.all(x == x[0]))


def coba_kernel(v, ge, gi, refractory, c_m, g_l, e_l, v_th, v_reset, ref_steps, g_k, i_ext,
                indptr, indices, weights, inhibitory, ext_rate, w_ext, ext_rate_i, w_ext_i, phase_steps,
                dt, tau_e, tau_i, e_e, e_i, e_k, seed, counts, threads=None):
    """:func:`sim.amygdala.spiking.run_network`, same arguments and results, faster for networks of
    identical cells without external input (COBA); otherwise it calls :func:`run_network`.

    ``threads``: how many threads share the cells (default 1); the spikes are bit-identical for any
    number (see :func:`_coba_worker`). The threads meet at a barrier every step, so they help only
    where each has a core of its own: on a machine whose cores are busy with other work, waiting
    for a descheduled thread costs more than the step."""
    a = dt / c_m                        # the same constants as run_network computes
    g0 = g_l + g_k
    i0 = g_l * e_l + g_k * e_k + i_ext
    if (np.any(ext_rate > 0.0) or np.any(ext_rate_i > 0.0)
            or not all(_uniform(x) for x in (a, g0, i0, v_th, v_reset, ref_steps))
            or max(refractory.max(initial=0), ref_steps.max(initial=0)) >= _FOREVER):
        return run_network(v, ge, gi, refractory, c_m, g_l, e_l, v_th, v_reset, ref_steps, g_k, i_ext,
                           indptr, indices, weights, inhibitory, ext_rate, w_ext, ext_rate_i, w_ext_i,
                           phase_steps, dt, tau_e, tau_i, e_e, e_i, e_k, seed, counts)
    n = v.shape[0]
    m = -(-n // BLOCK) * BLOCK          # padded to whole blocks; padding cells: unconnected, refractory forever
    pv, pge, pgi = np.full(m, float(v_reset[0])), np.zeros(m), np.zeros(m)
    rl = np.full(m, _FOREVER, dtype=np.int32)   # int32: less memory traffic in the SIMD loop
    pv[:n], pge[:n], pgi[:n], rl[:n] = v, ge, gi, refractory
    pcounts = np.zeros(m, dtype=np.int64)
    idx = indices.astype(np.int32) if indices.max(initial=0) < 2**31 else indices
    spiked = np.empty(m, dtype=np.int64)
    n_threads = max(1, min(int(threads or 1), m // BLOCK))
    if n_threads > 1 and not rows_sorted(indptr, idx):
        n_threads = 1  # a thread delivers a slice of each row: rows must be sorted by target
    for ph in range(phase_steps.shape[0]):
        pcounts[:] = 0
        for start in range(0, int(phase_steps[ph]), _FOREVER // 2):
            rl[n:] = _FOREVER
            steps = min(int(phase_steps[ph]) - start, _FOREVER // 2)
            scalars = (float(a[0]), float(g0[0]), float(i0[0]), float(v_th[0]), float(v_reset[0]), int(ref_steps[0]))
            if n_threads > 1:
                _coba_steps_threads(n_threads, pv, pge, pgi, rl, *scalars, indptr, idx, weights, inhibitory, steps,
                                    float(dt), float(tau_e), float(tau_i), float(e_e), float(e_i), pcounts)
            else:
                _coba_steps(pv, pge, pgi, rl, *scalars, indptr, idx, weights, inhibitory, steps, float(dt),
                            float(tau_e), float(tau_i), float(e_e), float(e_i), pcounts, spiked)
        counts[ph] += pcounts[:n]
    v[:], ge[:], gi[:] = pv[:n], pge[:n], pgi[:n]
    refractory[:] = np.maximum(rl[:n], 0)


def coba_network(seed: int = 0, n: int = COBA["n"], p: float = COBA["p"]):
    """Connectivity (pre, post) and initial state (v, ge, gi) of a COBA network, from ``seed``."""
    rng = np.random.default_rng(seed)
    n_exc = int(round(n * COBA["n_exc"] / COBA["n"]))
    conn = rng.random((n, n)) < p if n <= 20000 else None
    if conn is None:  # pragma: no cover - large n: draw per row to bound memory
        rows = [np.flatnonzero(rng.random(n) < p) for _ in range(n)]
        pre = np.repeat(np.arange(n), [r.size for r in rows])
        post = np.concatenate(rows)
    else:
        np.fill_diagonal(conn, False)  # Brian2 connect(p=...) on P->P allows autapses; we exclude them
        pre, post = np.nonzero(conn)
    v = COBA["e_l"] + (rng.standard_normal(n) * 5.0 - 5.0)
    ge = (rng.standard_normal(n) * 1.5 + 4.0) * 10.0
    gi = (rng.standard_normal(n) * 12.0 + 20.0) * 10.0
    return dict(pre=pre.astype(np.int64), post=post.astype(np.int64), n_exc=n_exc, v=v, ge=ge, gi=gi)


def run_coba(duration_ms: float = 1000.0, seed: int = 0, n: int = COBA["n"], network=None, kernel=None,
             threads=None):
    """Simulate COBA; returns dict(counts (cell,), rate_hz, run_s, n_synapses). ``threads``: see
    :func:`coba_kernel` (ignored by another ``kernel``)."""
    net = network or coba_network(seed, n)
    n = net["v"].size
    c = COBA
    w = np.where(net["pre"] < net["n_exc"], c["w_e"], c["w_i"])
    indptr, indices, weights = csr_from_pairs(net["pre"], net["post"], w, n)
    inhib = (np.arange(n) >= net["n_exc"]).astype(np.uint8)
    full = np.ones(n)
    steps = np.array([round(duration_ms / c["dt"])], dtype=np.int64)
    counts = np.zeros((1, n), dtype=np.int64)
    args = (net["v"].copy(), net["ge"].copy(), net["gi"].copy(), np.zeros(n, dtype=np.int64), c["c_m"] * full,
            c["g_l"] * full, c["e_l"] * full, c["v_th"] * full, c["v_reset"] * full,
            np.full(n, round(c["t_ref"] / c["dt"]), dtype=np.int64), np.zeros(n), np.zeros(n), indptr, indices,
            weights, inhib, np.zeros((1, n)), np.zeros(n), np.zeros((1, n)), np.zeros(n), steps, c["dt"],
            c["tau_e"], c["tau_i"], c["e_e"], c["e_i"], 0.0, -1, counts)
    t0 = time.perf_counter()
    if kernel is None:
        coba_kernel(*args, threads=threads)
    else:
        kernel(*args)
    run_s = time.perf_counter() - t0
    return dict(counts=counts[0], rate_hz=counts.sum() / n / (duration_ms * 1e-3), run_s=run_s,
                n_synapses=int(indices.size))


def spike_count(duration_ms: float = 10000.0, seed: int = 0) -> int:
    """Total COBA spikes over ``duration_ms`` (the number to compare with Brian2 on the same network)."""
    return int(run_coba(duration_ms, seed)["counts"].sum())
