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
"""

from __future__ import annotations

import time

import numpy as np

from sim.amygdala.spiking import csr_from_pairs, run_network

COBA = dict(n=4000, n_exc=3200, p=0.02, c_m=200.0, g_l=10.0, e_l=-60.0, v_th=-50.0, v_reset=-60.0,
            t_ref=5.0, e_e=0.0, e_i=-80.0, tau_e=5.0, tau_i=10.0, w_e=6.0, w_i=67.0, dt=0.1)


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


def run_coba(duration_ms: float = 1000.0, seed: int = 0, n: int = COBA["n"], network=None, kernel=None):
    """Simulate COBA; returns dict(counts (cell,), rate_hz, run_s, n_synapses)."""
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
    (kernel or run_network)(*args)
    run_s = time.perf_counter() - t0
    return dict(counts=counts[0], rate_hz=counts.sum() / n / (duration_ms * 1e-3), run_s=run_s,
                n_synapses=int(indices.size))


def spike_count(duration_ms: float = 10000.0, seed: int = 0) -> int:
    """Total COBA spikes over ``duration_ms`` (the number to compare with Brian2 on the same network)."""
    return int(run_coba(duration_ms, seed)["counts"].sum())
