"""COBA benchmark network (Brette et al. 2007) on the amygdala's spiking kernel."""

import numpy as np

from sim.amygdala import reference
from sim.amygdala.coba import coba_network, run_coba


def test_coba_kernel_matches_numpy_twin_on_a_small_network():
    net = coba_network(seed=3, n=1000, p=0.08)   # in-degree 80, as the full network
    fast = run_coba(100.0, network=net)
    slow = run_coba(100.0, network=net, kernel=reference.run_network_numpy)
    assert fast["counts"].sum() > 1000
    assert np.array_equal(fast["counts"], slow["counts"])


def test_coba_standard_network_is_self_sustained_at_published_rates():
    res = run_coba(1000.0, seed=0)
    assert 120_000 < res["n_synapses"] < 200_000 * 2   # 4000^2 x 2 % ~ 320k
    assert 5.0 < res["rate_hz"] < 40.0                  # Brette et al. 2007 COBA: tens of Hz, sustained
    late = run_coba(1000.0, network=coba_network(0))
    assert np.array_equal(late["counts"], res["counts"])   # seeded


def test_threaded_coba_kernel_is_bit_identical_to_the_serial_one():
    net = coba_network(seed=3, n=700, p=0.08)    # 11 blocks of 64 cells: uneven shares for 2 and 3 threads
    serial = run_coba(50.0, network=net, threads=1)
    assert serial["counts"].sum() > 300
    for threads in (2, 3):
        par = run_coba(50.0, network=net, threads=threads)
        assert np.array_equal(par["counts"], serial["counts"])


def test_threaded_coba_kernel_state_matches_serial_after_a_run():
    from sim.amygdala.coba import COBA, coba_kernel
    from sim.amygdala.spiking import csr_from_pairs

    net = coba_network(seed=5, n=300, p=0.1)
    n, c = net["v"].size, COBA
    indptr, indices, weights = csr_from_pairs(net["pre"], net["post"],
                                              np.where(net["pre"] < net["n_exc"], c["w_e"], c["w_i"]), n)
    states = []
    for threads in (1, 2):
        v, ge, gi, refr = net["v"].copy(), net["ge"].copy(), net["gi"].copy(), np.zeros(n, dtype=np.int64)
        counts = np.zeros((2, n), dtype=np.int64)
        full = np.ones(n)
        coba_kernel(v, ge, gi, refr, c["c_m"] * full, c["g_l"] * full, c["e_l"] * full, c["v_th"] * full,
                    c["v_reset"] * full, np.full(n, 50, dtype=np.int64), np.zeros(n), np.zeros(n), indptr, indices,
                    weights, (np.arange(n) >= net["n_exc"]).astype(np.uint8), np.zeros((2, n)), np.zeros(n),
                    np.zeros((2, n)), np.zeros(n), np.array([200, 150]), c["dt"], c["tau_e"], c["tau_i"], c["e_e"],
                    c["e_i"], 0.0, -1, counts, threads=threads)
        states.append((v, ge, gi, refr, counts))
    for a, b in zip(*states, strict=True):
        assert np.array_equal(a, b)   # bit for bit, not within a tolerance
    assert states[0][4].sum() > 0


def test_threaded_worker_vectorises_the_membrane_update_like_the_serial_kernel():
    """The worker's share of the cells must compile to SIMD code as the serial kernel's loop does
    (indexing the arrays from an offset unknown at compile time once stopped that)."""
    import re

    from numba import njit

    from sim.amygdala import coba

    net = coba_network(seed=3, n=200, p=0.1)
    for threads in (1, 2):                               # compiles (or loads) both cached kernels
        assert run_coba(5.0, network=net, threads=threads)["counts"].shape == (200,)
    irs = {}
    for name in ("_coba_steps", "_coba_worker"):
        disp = getattr(coba, name)
        fresh = njit(nogil=True)(disp.py_func)            # cached code cannot be inspected: recompile
        sig = disp.signatures[0]
        fresh.compile(sig)
        irs[name] = fresh.inspect_llvm(sig)
    for name, text in irs.items():
        assert re.search(r"fmul[^\n]*<\d+ x double>", text), f"{name}: no vector multiply of doubles"
