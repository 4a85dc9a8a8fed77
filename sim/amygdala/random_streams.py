"""One random stream per cell, in numba: xoshiro256** seeded by SplitMix64.

The spiking kernel's Poisson inputs draw from these streams, one per cell, so a cell's draws do
not depend on the order in which cells are visited (or on which thread visits them): the same
seed gives the same numbers for any number of threads.

**Generator** (Blackman & Vigna 2021, "Scrambled linear pseudorandom number generators", ACM
Trans Math Softw 47:36, xoshiro256**): a state of four 64-bit words (s0, s1, s2, s3), not all
zero, period 2^256 - 1. Each draw outputs ``rotl(s1 * 5, 7) * 9`` and advances::

    t = s1 << 17;  s2 ^= s0;  s3 ^= s1;  s1 ^= s2;  s0 ^= s3;  s2 ^= t;  s3 = rotl(s3, 45)

(all arithmetic modulo 2^64, ``rotl`` a left rotation).

**Seeding** (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators", OOPSLA,
the SplitMix64 output function, as Blackman & Vigna recommend for seeding xoshiro): with
gamma = 0x9E3779B97F4A7C15, the k-th output (k = 1, 2, ...) of SplitMix64 from ``seed`` is
``mix(seed + k * gamma)``, where::

    mix(z):  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;  z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
             return z ^ (z >> 31)

Cell i's state is outputs 4i + 1 ... 4i + 4. ``mix`` is a bijection and the Weyl sequence
``seed + k * gamma`` does not repeat within 2^64 outputs, so no two cells of a network start
from the same state; with a period of 2^256 the chance that two cells' draws overlap is
negligible (Blackman & Vigna 2021, section 4.2).

**Draws.** A uniform in (0, 1] takes the top 53 bits: u = (x >> 11 + 1) 2^-53. An exponential
interval of rate lam (inverse CDF): -ln(u) / lam, finite for every u.
"""

from __future__ import annotations

import numpy as np
from numba import njit

GAMMA = 0x9E3779B97F4A7C15   # SplitMix64's Weyl increment (the odd integer nearest 2^64 / golden ratio)
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB


@njit(inline="always")
def _mix(z):
    """SplitMix64's output function (a bijection of 64-bit words)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(MIX1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(MIX2)
    return z ^ (z >> np.uint64(31))


@njit(inline="always")
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True)
def _seed_states(seed, n):
    state = np.empty((n, 4), dtype=np.uint64)
    z = seed
    for i in range(n):
        for w in range(4):
            z += np.uint64(GAMMA)
            state[i, w] = _mix(z)
    return state


def stream_states(seed: int, n: int) -> np.ndarray:
    """(n, 4) uint64: the initial xoshiro256** state of each of ``n`` cells from an integer ``seed``
    (any Python int; taken modulo 2^64)."""
    return _seed_states(np.uint64(int(seed) % 2**64), int(n))


@njit(inline="always")
def next_bits(state, i):
    """The next 64-bit output of cell ``i``'s stream (row ``i`` of ``state``), advancing it."""
    s0, s1, s2, s3 = state[i, 0], state[i, 1], state[i, 2], state[i, 3]
    out = _rotl(s1 * np.uint64(5), 7) * np.uint64(9)
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    state[i, 0], state[i, 1], state[i, 2], state[i, 3] = s0, s1, s2, _rotl(s3, 45)
    return out


@njit(inline="always")
def uniform(state, i):
    """A uniform draw in (0, 1] from cell ``i``'s stream."""
    return (np.float64(next_bits(state, i) >> np.uint64(11)) + 1.0) * (1.0 / 9007199254740992.0)


@njit(inline="always")
def exponential(state, i, lam):
    """An exponential interval of rate ``lam`` (> 0) from cell ``i``'s stream (inverse CDF)."""
    return -np.log(uniform(state, i)) / lam


@njit(cache=True)
def draw_bits(state, i, k):
    """``k`` successive outputs of cell ``i``'s stream (for tests against the published algorithm)."""
    out = np.empty(k, dtype=np.uint64)
    for m in range(k):
        out[m] = next_bits(state, i)
    return out


@njit(cache=True)
def draw_exponential(state, i, lam, k):
    """``k`` successive exponential intervals of rate ``lam`` from cell ``i``'s stream."""
    out = np.empty(k)
    for m in range(k):
        out[m] = exponential(state, i, lam)
    return out
