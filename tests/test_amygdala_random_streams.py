"""The spiking kernel's per-cell random streams (sim.amygdala.random_streams): the generator is the
published xoshiro256** seeded by SplitMix64, and the Poisson inputs drawn from it have the requested
rate, Poisson variability and no correlation between cells."""

import numpy as np

from sim.amygdala import random_streams, spiking

MASK = 2**64 - 1


def _splitmix_state(seed, cell):
    """Cell ``cell``'s four state words: SplitMix64 outputs 4 cell + 1 ... 4 cell + 4 from ``seed``
    (Steele et al. 2014), written out with Python integers."""
    out = []
    for w in range(4):
        z = (seed + (4 * cell + w + 1) * 0x9E3779B97F4A7C15) & MASK
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        out.append(z ^ (z >> 31))
    return out


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


def _xoshiro256ss(s, k):
    """``k`` outputs of xoshiro256** (Blackman & Vigna 2021) from state ``s`` (list of 4 ints)."""
    out = []
    for _ in range(k):
        out.append((_rotl((s[1] * 5) & MASK, 7) * 9) & MASK)
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
    return out


def test_streams_are_xoshiro256starstar_seeded_by_splitmix64():
    for seed in (0, 12345, -7):   # any integer, taken modulo 2^64
        state = random_streams.stream_states(seed, 6)
        for cell in (0, 1, 5):
            expected = _splitmix_state(seed % 2**64, cell)
            assert [int(x) for x in state[cell]] == expected
            drawn = random_streams.draw_bits(state, cell, 20)
            assert [int(x) for x in drawn] == _xoshiro256ss(list(expected), 20)
    a, b = random_streams.stream_states(1, 3), random_streams.stream_states(2, 3)
    assert not np.any(a == b)                          # another seed, other states


def test_exponential_draws_have_the_requested_mean_and_variance():
    x = random_streams.draw_exponential(random_streams.stream_states(3, 1), 0, 4.0, 200_000)
    se = 0.25 / np.sqrt(x.size)
    assert abs(x.mean() - 0.25) < 4 * se
    assert abs(x.var() - 0.0625) < 0.05 * 0.0625
    assert x.min() >= 0.0 and np.isfinite(x).all()


def _input_counts(seed, n, steps, rate_hz, rate_i_hz):
    """Excitatory and inhibitory external events per cell: unconnected cells that never fire, with
    unit event weights and conductances that do not decay (tau = inf), so g counts the events."""
    ge, gi = np.zeros(n), np.zeros(n)
    phases = len(steps)
    spiking.run_network(np.full(n, -70.0), ge, gi, np.zeros(n, np.int64), np.full(n, 200.0), np.full(n, 10.0),
                        np.full(n, -70.0), np.full(n, 1e9), np.full(n, -70.0), np.zeros(n, np.int64), np.zeros(n),
                        np.zeros(n), np.zeros(n + 1, np.int64), np.zeros(0, np.int64), np.zeros(0),
                        np.zeros(n, np.uint8), np.asarray(rate_hz, float).reshape(phases, -1) * np.ones((1, n)),
                        np.ones(n), np.asarray(rate_i_hz, float).reshape(phases, -1) * np.ones((1, n)), np.ones(n),
                        np.asarray(steps, np.int64), 0.1, np.inf, np.inf, 0.0, -80.0, -90.0, seed,
                        np.zeros((phases, n), np.int64))
    return ge, gi


def test_poisson_inputs_have_the_requested_rate_and_poisson_counts():
    n = 4000
    # two phases (the rate changes between them): 100 ms at 2 kHz then 50 ms at 6 kHz -> 200 + 300 events
    ge, gi = _input_counts(11, n, [1000, 500], [2000.0, 6000.0], [500.0, 0.0])
    for counts, mean in ((ge, 500.0), (gi, 50.0)):
        assert np.array_equal(counts, np.round(counts))
        assert abs(counts.mean() - mean) < 4 * np.sqrt(mean / n)         # mean within 4 standard errors
        assert abs(counts.var(ddof=1) / mean - 1.0) < 0.1                # Poisson: variance = mean
    # independent streams: no correlation between neighbouring cells, nor between a cell's two inputs
    assert abs(np.corrcoef(ge[:-1], ge[1:])[0, 1]) < 4 / np.sqrt(n)
    assert abs(np.corrcoef(ge, gi)[0, 1]) < 4 / np.sqrt(n)


def test_a_cells_draws_do_not_depend_on_the_network_around_it():
    """Cell i's stream is seeded from (seed, i) only: the first cells of a larger network draw the
    same events as a smaller network of those cells."""
    small, _ = _input_counts(5, 10, [400], [3000.0], [0.0])
    large, _ = _input_counts(5, 300, [400], [3000.0], [0.0])
    assert np.array_equal(small, large[:10])
    other, _ = _input_counts(6, 10, [400], [3000.0], [0.0])
    assert not np.array_equal(small, other)
