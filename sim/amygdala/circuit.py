"""The circuit as plain arrays, shared by the rate and the spiking model.

:func:`build_circuit` turns the tables of :mod:`sim.amygdala.params` into a :class:`Circuit`
(population-level in-degrees, weights, inputs, membranes) and solves the background input so that
the rate model's spontaneous fixed point sits at the published baseline rates. Both models read the
same :class:`Circuit`, the same plastic weights and the same :class:`Modulation`, so they can only
differ in how they turn conductances into spikes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from sim.amygdala import params as P

MS = 1e-3  # s per ms (rates are in Hz, time constants in ms)


@dataclass(frozen=True)
class Modulation:
    """What neuromodulators do to the circuit during one trial (built by :mod:`sim.amygdala.drive`).

    i_ext: tonic current per population (pA); g_k: extra K+ (GIRK) conductance per population (nS);
    bg_scale: multiplier of the spontaneous afferent rate per population; cs_gain: multiplier of the
    CS afferent drive (evoked responses); learn_gain: multiplier of the learning rates.
    """

    i_ext: np.ndarray = field(default_factory=lambda: np.zeros(P.N_POP))
    g_k: np.ndarray = field(default_factory=lambda: np.zeros(P.N_POP))
    bg_scale: np.ndarray = field(default_factory=lambda: np.ones(P.N_POP))
    cs_gain: float = 1.0
    learn_gain: float = 1.0

    def vector(self) -> np.ndarray:
        """Flat float64 vector: i_ext, g_k, bg_scale (each N_POP), cs_gain, learn_gain."""
        return np.concatenate([self.i_ext, self.g_k, self.bg_scale, [self.cs_gain, self.learn_gain]])


NO_MODULATION = Modulation()


class Modulations(Sequence):
    """The :class:`Modulation` of each of several members, as member-axis arrays: ``i_ext``, ``g_k``,
    ``bg_scale`` (member, pop) and ``cs_gain``, ``learn_gain`` (member,). A sequence of Modulation (item
    ``r`` is member ``r``'s, its arrays rows of these), which batched code reads without stacking members."""

    def __init__(self, i_ext, g_k, bg_scale, cs_gain, learn_gain):
        self.i_ext, self.g_k, self.bg_scale = i_ext, g_k, bg_scale
        self.cs_gain, self.learn_gain = np.asarray(cs_gain, float), np.asarray(learn_gain, float)

    def __len__(self) -> int:
        return self.cs_gain.shape[0]

    def __getitem__(self, r):
        if isinstance(r, slice):
            return [self[k] for k in range(len(self))[r]]
        return Modulation(i_ext=self.i_ext[r], g_k=self.g_k[r], bg_scale=self.bg_scale[r],
                          cs_gain=self.cs_gain[r].item(), learn_gain=self.learn_gain[r].item())

    @staticmethod
    def of(mods, members: int) -> Modulations:
        """``mods`` (one Modulation for all members, or one per member) as :class:`Modulations`."""
        if isinstance(mods, Modulations) and len(mods) == members:
            return mods
        if len(mods) != members:  # one for all
            m = mods[0]
            return Modulations(np.tile(m.i_ext, (members, 1)), np.tile(m.g_k, (members, 1)),
                               np.tile(m.bg_scale, (members, 1)), np.full(members, float(m.cs_gain)),
                               np.full(members, float(m.learn_gain)))
        return Modulations(np.stack([m.i_ext for m in mods]), np.stack([m.g_k for m in mods]),
                           np.stack([m.bg_scale for m in mods]), [m.cs_gain for m in mods],
                           [m.learn_gain for m in mods])

    def take(self, rows) -> Modulations:
        """The members ``rows`` (an index array)."""
        return Modulations(self.i_ext[rows], self.g_k[rows], self.bg_scale[rows], self.cs_gain[rows],
                           self.learn_gain[rows])

    def modulated(self) -> np.ndarray:
        """(member,) bool: the members whose circuit changes differ from :data:`NO_MODULATION` (learn_gain
        aside; compared as values, as ``np.array_equal`` does)."""
        return ~(np.all(self.i_ext == NO_MODULATION.i_ext, axis=1) & np.all(self.g_k == NO_MODULATION.g_k, axis=1)
                 & np.all(self.bg_scale == NO_MODULATION.bg_scale, axis=1) & (self.cs_gain == NO_MODULATION.cs_gain))


@dataclass(frozen=True)
class Circuit:
    sizes: np.ndarray          # (pop,) int, neurons at this scale
    cell_type: np.ndarray      # (pop,) int
    excitatory: np.ndarray     # (pop,) bool
    membrane: np.ndarray       # (type, 6): c_m pF, g_l nS, e_l, v_th, v_reset mV, t_ref ms
    transfer: np.ndarray       # (type, 3): gain Hz/mV, theta mV, noise (width / s_V)
    e_e: float
    e_i: float
    e_k: float
    tau_e: float               # ms
    tau_i: float               # ms
    w_ext: float               # nS
    k_in: np.ndarray           # (post, pre) in-degree
    w: np.ndarray              # (post, pre) nS
    plastic_rec: np.ndarray    # (post, pre) int, plastic index or -1
    k_input: np.ndarray        # (pop, channel) in-degree of external afferents
    plastic_input: np.ndarray  # (pop, channel) int, plastic index or -1
    input_rate: np.ndarray     # (channel,) Hz
    k_bg: float
    nu_bg: np.ndarray          # (pop,) Hz per background afferent (solved)
    scale: float = 1.0

    @property
    def n_neurons(self) -> int:
        return int(self.sizes.sum())


def _pair(table, name):
    return [table[name][t].value for t in (P.REGULAR, P.FAST)]


def build_circuit(scale: float = 1.0, baseline: dict[str, float] | None = None) -> Circuit:
    """The default circuit at ``scale`` (population sizes times scale, in-degrees unchanged)."""
    n = P.N_POP
    idx = {name: i for i, name in enumerate(P.POPULATIONS)}
    ch = {name: i for i, name in enumerate(P.INPUT_CHANNELS)}
    sizes = np.array([max(1, round(P.SIZE[p].value * scale)) for p in P.POPULATIONS], dtype=np.int64)
    k = np.zeros((n, n))
    w = np.zeros((n, n))
    prec = -np.ones((n, n), dtype=np.int64)
    for (post, pre), (kk, ww, _src) in P.CONNECTIONS.items():
        k[idx[post], idx[pre]] = kk
        w[idx[post], idx[pre]] = ww
        prec[idx[post], idx[pre]] = P.PLASTIC_OF.get((post, pre), -1)
    kin = np.zeros((n, len(P.INPUT_CHANNELS)))
    pin = -np.ones((n, len(P.INPUT_CHANNELS)), dtype=np.int64)
    for (post, c), (kk, _src) in P.INPUTS.items():
        kin[idx[post], ch[c]] = kk
        pin[idx[post], ch[c]] = P.PLASTIC_OF.get((post, c), -1)
    membrane = np.array([_pair(P.MEMBRANE, m) for m in ("c_m", "g_l", "e_l", "v_th", "v_reset", "t_ref")]).T
    transfer = np.array([_pair(P.TRANSFER, m) for m in ("gain", "theta", "noise")]).T
    s = P.SYNAPSE
    circ = Circuit(
        sizes=sizes, cell_type=np.array(P.CELL_TYPE, dtype=np.int64),
        excitatory=np.isin(np.arange(n), P.EXCITATORY), membrane=membrane, transfer=transfer,
        e_e=s["e_e"].value, e_i=s["e_i"].value, e_k=s["e_k"].value, tau_e=s["tau_e"].value,
        tau_i=s["tau_i"].value, w_ext=s["w_ext"].value, k_in=k, w=w, plastic_rec=prec, k_input=kin,
        plastic_input=pin, input_rate=np.array([P.INPUT_RATE[c].value for c in P.INPUT_CHANNELS]),
        k_bg=s["k_bg"].value, nu_bg=np.zeros(n), scale=scale)
    target = np.array([(baseline or {}).get(p, P.BASELINE_RATE[p].value) for p in P.POPULATIONS])
    return replace(circ, nu_bg=solve_background(circ, target))


# ---- mean field pieces shared by both models --------------------------------------------------
# Shot-noise (Campbell) statistics of Poisson conductance input: each event of weight w decaying
# with tau gives mean w*tau*R and variance w^2*tau/2*R. The membrane turns them into a mean free
# potential and a standard deviation (effective-time-constant approximation, Richardson 2004):
#   s_V^2 = sum_x var_x ((E_x - V) / g_tot)^2 tau_eff / (tau_eff + tau_x),  tau_eff = C / g_tot.
# The rate is a softplus in (V - theta) / (noise * s_V) times g_tot / g_L, saturated by t_ref:
# three fitted numbers per cell type (sim.amygdala.calibrate).

def transfer(v, s_v, g_ratio, t_ref, gain, theta, noise):
    """Rate (Hz) from the free potential V, its s.d. s_V (mV) and g_tot / g_L.

    A softplus of width noise * s_V, scaled by g_tot / g_L (the rate of a diffusion-driven cell
    scales with 1 / tau_eff) and saturated by the refractory period ``t_ref`` (ms).
    """
    sigma = np.maximum(noise * s_v, 0.05)
    raw = g_ratio * gain * sigma * np.logaddexp(0.0, (v - theta) / sigma)
    return raw / (1.0 + raw * t_ref * MS)


def inverse_transfer(rate, s_v, g_ratio, t_ref, gain, theta, noise):
    sigma = np.maximum(noise * s_v, 0.05)
    raw = rate / (1.0 - rate * t_ref * MS)
    return theta + sigma * np.log(np.expm1(raw / (g_ratio * gain * sigma)))


def free_potential(c_m, g_l, e_l, ge, gi, var_e, var_i, g_k, i_ext, e_e, e_i, e_k, tau_e, tau_i):
    """(V mV, s_V mV, g_tot / g_L) from mean conductances (nS), variances (nS^2), g_K (nS), I (pA)."""
    g_tot = g_l + ge + gi + g_k
    v = (g_l * e_l + ge * e_e + gi * e_i + g_k * e_k + i_ext) / g_tot
    tau_m = c_m / g_tot
    s2 = (var_e * ((e_e - v) / g_tot) ** 2 * tau_m / (tau_m + tau_e)
          + var_i * ((e_i - v) / g_tot) ** 2 * tau_m / (tau_m + tau_i))
    return v, np.sqrt(s2), g_tot / g_l


def plastic_multipliers(index: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Map plastic indices (-1 = fixed) to multipliers from the plastic weight vector."""
    return np.where(index >= 0, weights[np.maximum(index, 0)], 1.0)


def external_rate(circ: Circuit, levels: np.ndarray, weights: np.ndarray, mod: Modulation) -> np.ndarray:
    """Total external excitatory afferent event rate per population (Hz), each event ``w_ext`` nS.

    ``levels`` (channel,) in [0, 1]: cs, ctx_a, ctx_b, il; ``weights`` the plastic multipliers.
    """
    gain = np.ones(len(P.INPUT_CHANNELS))
    gain[P.CS] = mod.cs_gain
    per_channel = circ.k_input * circ.input_rate * levels * gain * plastic_multipliers(circ.plastic_input, weights)
    return circ.k_bg * circ.nu_bg * mod.bg_scale + per_channel.sum(axis=1)


def recurrent_weights(circ: Circuit, weights: np.ndarray):
    """(post, pre) mean (nS/Hz) and variance (nS^2/Hz) of conductance per presynaptic Hz."""
    tau = np.where(circ.excitatory, circ.tau_e, circ.tau_i) * MS
    w = circ.w * plastic_multipliers(circ.plastic_rec, weights)
    return circ.k_in * w * tau[None, :], circ.k_in * w * w * tau[None, :] / 2.0


def mean_field(circ: Circuit, rates, ext, weights, mod: Modulation):
    """(V, s_V, g_tot / g_L) per population at ``rates`` with external event rate ``ext``."""
    j, j2 = recurrent_weights(circ, weights)
    exc = circ.excitatory[None, :]
    ge = (j * exc) @ rates + circ.w_ext * circ.tau_e * MS * ext
    var_e = (j2 * exc) @ rates + circ.w_ext**2 * circ.tau_e * MS / 2.0 * ext
    gi = (j * ~exc) @ rates
    var_i = (j2 * ~exc) @ rates
    m = circ.membrane[circ.cell_type]
    return free_potential(m[:, 0], m[:, 1], m[:, 2], ge, gi, var_e, var_i, mod.g_k, mod.i_ext, circ.e_e,
                          circ.e_i, circ.e_k, circ.tau_e, circ.tau_i)


def solve_background(circ: Circuit, target: np.ndarray, iterations: int = 50) -> np.ndarray:
    """Background afferent rate (Hz) per population that puts the rate model's fixed point at ``target``.

    With every population at its target rate the recurrent conductances are known; the transfer
    function's inverse gives the free potential each population needs, and the excitatory
    conductance that reaches it is what the background must supply. The noise depends on the
    background itself, so this is iterated to a fixed point.
    """
    weights = np.ones(P.N_PLASTIC)
    j, j2 = recurrent_weights(circ, weights)
    exc = circ.excitatory[None, :]
    ge_rec, gi = (j * exc) @ target, (j * ~exc) @ target
    t = circ.cell_type
    g_l, e_l = circ.membrane[t, 1], circ.membrane[t, 2]
    unit = circ.w_ext * circ.tau_e * MS
    ext = np.full(P.N_POP, 1000.0)
    t_ref = circ.membrane[t, 5]
    for _ in range(iterations):
        _, s_v, g_ratio = mean_field(circ, target, ext, weights, NO_MODULATION)
        v = inverse_transfer(target, s_v, g_ratio, t_ref, *circ.transfer[t].T)
        ge = (v * (g_l + gi) - g_l * e_l - gi * circ.e_i) / (circ.e_e - v)
        ext = (ge - ge_rec) / unit
        if np.any(ext <= 0.0):
            bad = [P.POPULATIONS[i] for i in np.flatnonzero(ext <= 0.0)]
            raise ValueError(f"baseline rates unreachable with excitatory background alone for {bad}")
    return ext / circ.k_bg


def population_of(circ: Circuit) -> np.ndarray:
    """Population index of every neuron (neurons are numbered population by population)."""
    return np.repeat(np.arange(P.N_POP), circ.sizes)


def mean_of_principal(rates: np.ndarray) -> np.ndarray:
    """Size-weighted mean rate of the LA/BA principal populations (``bla_rate``); rates (..., pop)."""
    idx = np.array(P.PRINCIPAL)
    wts = np.array([P.SIZE[P.POPULATIONS[i]].value for i in idx])
    return rates[..., idx] @ (wts / wts.sum())
