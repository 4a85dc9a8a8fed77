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
