"""The spiking amygdala's kernel on several threads (sim.amygdala.spiking.run_network(threads=k)):
bit-identical to one thread in state, spikes and recorded spikes, for any thread count."""

from pathlib import Path

import numpy as np
import pytest

from sim.amygdala import Trial, conditioned_weights, spiking
from sim.amygdala.circuit import NO_MODULATION, build_circuit


@pytest.fixture(scope="module")
def net():
    return spiking.build_network(build_circuit(0.03), seed=2)


def _args(net, seed):
    """A run with Poisson input of both signs, per-cell rates and two phases."""
    n = net.n_neurons
    c_m, g_l, e_l, v_th, v_reset, t_ref = net.cell_arrays()
    rng = np.random.default_rng(seed)
    ext = rng.uniform(1000.0, 4000.0, (2, n))
    return [rng.uniform(v_reset, v_th), np.zeros(n), np.zeros(n), np.zeros(n, dtype=np.int64), c_m, g_l, e_l,
            v_th, v_reset, np.round(t_ref / 0.1).astype(np.int64), np.zeros(n), np.zeros(n), net.indptr,
            net.indices, net.weights, net.inhibitory, ext, np.ones(n), 0.2 * ext, np.full(n, 0.5),
            np.array([1500, 1000]), 0.1, 5.0, 10.0, 0.0, -80.0, -90.0, seed, np.zeros((2, n), dtype=np.int64)]


@pytest.mark.parametrize("seed", [3, 40])
def test_two_and_three_threads_equal_one_bit_for_bit(net, seed):
    serial = _args(net, seed)
    spiking.run_network(*serial, threads=1)
    assert serial[-1].sum() > 500                            # the network is active
    for threads in (2, 3):
        par = _args(net, seed)
        spiking.run_network(*par, threads=threads)
        assert np.array_equal(par[-1], serial[-1])           # spikes per cell and phase
        for k in range(4):                                   # v, g_e, g_i, refractory steps left
            assert np.array_equal(par[k], serial[k])
    again = _args(net, seed)
    spiking.run_network(*again, threads=2)
    assert np.array_equal(again[-1], serial[-1])             # same seed, same numbers
    other = _args(net, seed)
    other[-2] = seed + 1                                     # another seed for the inputs only
    spiking.run_network(*other, threads=2)
    assert not np.array_equal(other[-1], serial[-1])


def test_threads_with_rows_not_sorted_by_target_still_equal_one_thread(net):
    """A thread delivers the slice of each row it owns, so rows are sorted by target first; the
    additions to each target keep their order."""
    args = _args(net, 8)
    rng = np.random.default_rng(0)
    indices, weights = args[13].copy(), args[14].copy()
    for j in range(net.n_neurons):   # shuffle every row
        s = slice(net.indptr[j], net.indptr[j + 1])
        p = rng.permutation(s.stop - s.start)
        indices[s], weights[s] = indices[s][p], weights[s][p]
    args[13], args[14] = indices, weights
    serial = [x.copy() if isinstance(x, np.ndarray) else x for x in args]
    spiking.run_network(*serial, threads=1)
    spiking.run_network(*args, threads=2)
    assert np.array_equal(args[-1], serial[-1])
    assert np.array_equal(args[0], serial[0])


def test_a_threaded_trial_records_the_same_spikes(net):
    row, _, _ = spiking.raster_rows(net, 4)
    lb, lc = Trial(0.0).levels()
    w = conditioned_weights()
    one = spiking.simulate_trial(net, lb, lc, w, NO_MODULATION, seed=9, record=row, threads=1)
    two = spiking.simulate_trial(net, lb, lc, w, NO_MODULATION, seed=9, record=row, threads=2)
    assert one[2][0].size > 50
    for a, b in zip(one[:2] + one[2], two[:2] + two[2], strict=True):
        assert np.array_equal(a, b)


def test_a_spiking_model_on_two_threads_gives_the_same_rates():
    from sim.amygdala import SpikingModel, run_trials

    trials = [Trial(0.0), Trial(0.1, us=True)]
    one = run_trials(SpikingModel(scale=0.03, seed=4), trials, initial=conditioned_weights(), members=2)
    two = run_trials(SpikingModel(scale=0.03, seed=4, threads=2), trials, initial=conditioned_weights(), members=2)
    assert one.rates_cs.sum() > 0
    assert np.array_equal(one.rates_baseline, two.rates_baseline) and np.array_equal(one.rates_cs, two.rates_cs)
    assert np.array_equal(one.weights, two.weights)


def test_amygdala_threads_in_an_experiment_change_no_number():
    """``[amygdala] threads = 2`` in an experiment file: the probe trials' outputs equal one thread's."""
    import sim

    gallery = Path(__file__).resolve().parent.parent / "experiments" / "amygdala_spiking.toml"
    small = {"amygdala.scale": 0.03, "amygdala.probes_h": [0.0, 1.5], "experiment.duration_h": 2.0}
    two_exp = sim.load_experiment(gallery, {**small, "amygdala.threads": 2})
    assert two_exp.amygdala.threads == 2
    one, two = sim.run(sim.load_experiment(gallery, small)), sim.run(two_exp)
    assert one.trials and set(one.trials) == set(two.trials)
    assert np.nanmax(one.trials["cem_rate"]) > 0
    for name in one.trials:
        assert np.array_equal(one.trials[name], two.trials[name], equal_nan=True), name
