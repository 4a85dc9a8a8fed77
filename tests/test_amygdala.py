"""Amygdala: kernels vs NumPy twins, drive directions, plasticity, rate vs spiking, Vlachos 2011 result."""

import math

import numpy as np
import pytest

from sim.amygdala import (
    MAPPINGS,
    NO_MODULATION,
    Drive,
    RateModel,
    SpikingModel,
    TimedArray,
    Trial,
    all_parameters,
    build_circuit,
    conditioned_weights,
    conditioning,
    extinction,
    modulation,
    plasticity,
    probe,
    rate,
    reference,
    run_trials,
    spiking,
)
from sim.amygdala import params as P
from sim.amygdala.circuit import Modulation

# ---- parameters and drive ----------------------------------------------------------------------


def test_every_parameter_has_a_unit_and_a_source():
    for p in all_parameters():
        assert p.unit and p.source, p.name
    for (post, pre), (_k, _w, src) in P.CONNECTIONS.items():
        assert src, (post, pre)
    for m in MAPPINGS:
        assert m.direction in (-1, 1) and m.gain > 0 and m.source


def test_timed_array_samples_and_holds():
    ta = TimedArray([0.0, 1.0, 2.0], dt_h=0.5)
    assert ta(0.0) == 0.0 and ta(0.49) == 0.0 and ta(0.5) == 1.0 and ta(1.2) == 2.0 and ta(9.0) == 2.0
    assert np.array_equal(ta(np.array([0.1, 0.6])), [0.0, 1.0])
    with pytest.raises(ValueError):
        Drive(occupancy_5ht1a=0.3)   # occupancy is reported, never a drive


def test_drive_is_the_only_coupling_and_follows_its_time_course():
    d = Drive(response_5ht1a=TimedArray([0.0, 2.0, 0.0], 1.0))
    assert modulation(d, 0.5).g_k.sum() == 0.0
    on = modulation(d, 1.5)
    assert on.g_k[P.LA_PC] == pytest.approx(2.0 * P.DRIVE["5ht1a_g_k_pc"].value) and on.g_k[P.LA_PV] == 0.0
    assert modulation(None, 3.0).vector().tolist() == NO_MODULATION.vector().tolist()


def test_signals_and_modulations_of_all_members_at_once_are_each_members_own():
    """run_trials reads every drive once for all trial times (signal_table, ``at_times``) and maps the signals
    of all members at once (member_modulations): the values each drive's ``at`` gives and :func:`modulation`
    member by member, bit for bit; where a protocol's sessions overlap, the first session's drive."""
    from sim.amygdala.drive import member_modulations, signal_table
    from sim.protocol import ProtocolDrive

    a = Drive(response_5ht1a=TimedArray([0.0, 2.0, -3.0], 1.0), response_oxtr=0.5)
    b = Drive(response_beta=TimedArray([1.0, -0.5], 2.0), response_alpha2=3.0, plasma_cortisol=2.0)
    overlapping = ProtocolDrive([(10.0, 4.0, a), (12.0, 4.0, b), (11.0, 2.0, None)])

    class AnyDrive:  # anything with at(t)
        def at(self, t):
            return {"response_d1": 0.1 * t, "response_5ht2a": -0.3}

    drives = [a, None, overlapping, AnyDrive(), b]
    times = np.array([0.0, 0.5, 1.5, 2.5, 10.5, 12.5, 13.99, 14.0, 15.0, 20.0])
    names = {m.signal for m in MAPPINGS}
    table = signal_table(drives, times, names)
    assert table["response_5ht1a"][2, 5] == -1.0 and table["response_beta"][2, 5] == 0.0  # a's session first
    assert table["response_beta"][2, 7] == -0.5                                             # then b's
    for k, t in enumerate(times):
        mods = member_modulations({s: v[:, k] for s, v in table.items()}, len(drives))
        for r, d in enumerate(drives):
            at = d.at(float(t)) if d is not None else {}
            assert [table[s][r, k] for s in sorted(names)] == [at.get(s, 0.0) for s in sorted(names)]
            assert mods[r].vector().tobytes() == modulation(d, float(t)).vector().tobytes()
            assert type(mods[r].cs_gain) is float and type(mods[r].learn_gain) is float


def _rates(drive, conditioned=True, context="A"):
    m = RateModel()
    w = conditioned_weights() if conditioned else np.ones(P.N_PLASTIC)
    lb, lc = Trial(0.0, context=context).levels()
    rb, rc = m.respond(lb, lc, w[None], [modulation(drive, 0.0)])
    return rb[0], rc[0]


@pytest.mark.parametrize("signal, pop, window, sign", [
    ("response_5ht1a", P.LA_PC, 0, -1),     # Rainnie 1999: K+ current inhibits principal cells
    ("response_5ht2a", P.LA_PV, 0, +1),     # Bocchio 2015: PV cells excited...
    ("response_5ht2a", P.LA_PC, 0, -1),     # ...and principal cells inhibited through them
    ("response_alpha2", P.BA_FEAR, 0, -1),  # Buffalari & Grace 2007: spontaneous BLA firing falls
    ("response_d1", P.LA_PC, 0, +1),        # Kroner 2005: D1 raises principal excitability
    ("response_oxtr", P.CEL_OFF, 0, +1),    # Huber 2005: CeL GABA cells excited...
    ("response_oxtr", P.CEM, 0, -1),        # ...and CeM output inhibited
])
def test_neuromodulator_directions(signal, pop, window, sign):
    base = _rates(None)[window][pop]
    mod = _rates(Drive({signal: P.DRIVE_REFERENCE}))[window][pop]
    assert np.sign(mod - base) == sign, (signal, base, mod)


def test_beta_potentiates_evoked_but_not_spontaneous_firing():
    rb0, rc0 = _rates(None)
    rb1, rc1 = _rates(Drive(response_beta=2 * P.DRIVE_REFERENCE))
    assert rb1[P.LA_PC] == pytest.approx(rb0[P.LA_PC], rel=1e-9)
    assert rc1[P.LA_PC] - rb1[P.LA_PC] > 1.05 * (rc0[P.LA_PC] - rb0[P.LA_PC])


# ---- kernels vs NumPy twins --------------------------------------------------------------------


def test_rate_kernel_matches_numpy_twin():
    circ = build_circuit()
    rng = np.random.default_rng(2)
    weights = 1.0 + rng.uniform(0, 1.5, (3, P.N_PLASTIC))
    mods = [NO_MODULATION, modulation(Drive(response_5ht1a=3.0, response_oxtr=3.0), 0.0),
            Modulation(i_ext=rng.normal(0, 20, P.N_POP), cs_gain=1.3)]
    lb, lc = Trial(0.0, context="B", il=0.5).levels()
    fast = rate.simulate_trials(circ, lb, lc, weights, mods)
    slow = rate.simulate_trials(circ, lb, lc, weights, mods, kernel=reference.run_rates_numpy)
    for a, b in zip(fast, slow, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)


def _kernel_args(net, i_ext, steps, ext_rate=None):
    n = net.n_neurons
    c_m, g_l, e_l, v_th, v_reset, t_ref = net.cell_arrays()
    dt = 0.1
    ext = np.zeros((len(steps), n)) if ext_rate is None else ext_rate
    rng = np.random.default_rng(0)
    return [rng.uniform(v_reset, v_th), np.zeros(n), np.zeros(n), np.zeros(n, dtype=np.int64), c_m, g_l, e_l,
            v_th, v_reset, np.round(t_ref / dt).astype(np.int64), np.zeros(n), i_ext, net.indptr, net.indices,
            net.weights, net.inhibitory, ext, np.ones(n), np.zeros_like(ext), np.zeros(n),
            np.asarray(steps, dtype=np.int64), dt, 5.0, 10.0, 0.0, -80.0, -90.0, 7,
            np.zeros((len(steps), n), dtype=np.int64)]


def test_spiking_kernel_matches_numpy_twin_spike_for_spike():
    net = spiking.build_network(build_circuit(0.03), seed=4)
    i_ext = np.random.default_rng(1).uniform(200.0, 400.0, net.n_neurons)
    a = _kernel_args(net, i_ext, [1500, 1500])
    b = [x.copy() if isinstance(x, np.ndarray) else x for x in a]
    spiking.run_network(*a)
    reference.run_network_numpy(*b)
    assert a[-1].sum() > 200                       # the network is active
    assert np.array_equal(a[-1], b[-1])            # identical spikes per cell and phase
    np.testing.assert_allclose(a[0], b[0], rtol=0, atol=1e-9)   # membrane potentials


def test_spiking_kernel_with_poisson_input_agrees_with_twin_in_rate():
    net = spiking.build_network(build_circuit(0.03), seed=4)
    n = net.n_neurons
    ext = np.full((1, n), 2500.0)
    a = _kernel_args(net, np.zeros(n), [5000], ext)
    b = [x.copy() if isinstance(x, np.ndarray) else x for x in a]
    spiking.run_network(*a)
    reference.run_network_numpy(*b)
    ra, rb = a[-1].sum() / n / 0.5, b[-1].sum() / n / 0.5
    assert ra > 1.0 and abs(ra - rb) < 0.15 * ra + 0.5, (ra, rb)


def test_spiking_runs_are_seeded():
    m1, m2 = SpikingModel(scale=0.05, seed=3), SpikingModel(scale=0.05, seed=3)
    lb, lc = Trial(0.0).levels()
    r1 = m1.respond(lb, lc, np.ones((1, P.N_PLASTIC)), [NO_MODULATION])
    r2 = m2.respond(lb, lc, np.ones((1, P.N_PLASTIC)), [NO_MODULATION])
    r3 = m1.respond(lb, lc, np.ones((1, P.N_PLASTIC)), [NO_MODULATION])   # next trial: fresh noise
    assert np.array_equal(r1[1], r2[1]) and not np.array_equal(r1[1], r3[1])


# ---- plasticity --------------------------------------------------------------------------------


def test_extinction_gate_is_an_inverted_u_of_exposure():
    g = plasticity.extinction_gate
    assert g(0.0, 0.0, 1.0) == 0.0                                   # nothing retrieved: nothing learned
    assert g(1.0, 0.5, 1.0) > g(1.0, 1.0, 1.0) > g(1.0, 3.0, 1.0)    # overwhelming output: little learned
    strength = np.linspace(0.0, 4.0, 41)                             # retrieval and arousal rise together
    gate = g(strength, strength, 1.0)
    assert 0 < np.argmax(gate) < strength.size - 1 and gate[-1] < 0.5 * gate.max()


def test_consolidation_and_forgetting():
    rule = plasticity.Rule.default()
    stable = np.zeros((1, P.N_PLASTIC))
    labile = np.full((1, P.N_PLASTIC), 1.0)
    s, lab = plasticity.elapse(stable, labile, 1000.0, rule)
    assert np.allclose(lab, 0.0, atol=1e-12)
    assert s[0, P.W_CS_LA] == pytest.approx(rule.kappa_fear)                 # fear memory kept
    assert s[0, P.W_LA_EXT] < 0.01 * rule.kappa_ext                          # extinction fades
    s1, _ = plasticity.elapse(stable, labile, 24.0, rule)
    assert 0.3 * rule.kappa_ext < s1[0, P.W_LA_EXT] < rule.kappa_ext


def test_ensemble_members_are_independent():
    trials = conditioning(3) + extinction(4, 24.0, "B")
    drives = [None, Drive(response_oxtr=3.0), None]
    res = run_trials(RateModel(), trials, drive=drives, members=3)
    single = run_trials(RateModel(), trials)
    np.testing.assert_allclose(res.fear_response[0], single.fear_response[0], rtol=1e-12)
    np.testing.assert_allclose(res.fear_response[2], single.fear_response[0], rtol=1e-12)
    assert res.weights.shape == (3, len(trials) + 1, P.N_PLASTIC)
    assert not np.allclose(res.cem_rate[1], res.cem_rate[0])


# ---- the published result (no neuromodulation) --------------------------------------------------

def _vlachos(model):
    """Conditioning in A, extinction in B, tests in B and A (ABA renewal), as in Vlachos et al. 2011."""
    trials = probe(-1.0, "A") + conditioning(5) + probe(23.0, "A") + extinction(10, 24.0, "B") \
        + probe(48.0, "B") + probe(48.1, "A")
    res = run_trials(model, trials)
    fr, rc = res.fear_response[0], res.rates_cs[0]
    return dict(naive=fr[0], cond=fr[6], recall_b=fr[-2], renewal_a=fr[-1],
                f_naive=rc[0, P.BA_FEAR], f_cond=rc[6, P.BA_FEAR], f_b=rc[-2, P.BA_FEAR], f_a=rc[-1, P.BA_FEAR],
                x_before=rc[7, P.BA_EXT], x_b=rc[-2, P.BA_EXT], x_a=rc[-1, P.BA_EXT])


def _check_vlachos(r):
    assert r["naive"] < 0.1 and r["cond"] > 0.8                 # conditioning creates a cue response
    assert r["f_cond"] > 2.0 * r["f_naive"]                       # fear neurons acquire CS responses
    assert r["recall_b"] < 0.4 * r["cond"]                        # extinction recalled in its context
    assert r["renewal_a"] > 2.0 * r["recall_b"] and r["renewal_a"] > 0.6   # fear renews in context A
    assert r["x_b"] > 2.0 * r["x_before"]                         # extinction neurons recruited in B
    assert r["f_a"] > 1.2 * r["f_b"] and r["x_a"] < 0.5 * r["f_a"]  # context switches fear vs extinction


def test_vlachos_2011_context_dependent_fear_and_extinction_rate_model():
    _check_vlachos(_vlachos(RateModel()))


def test_vlachos_2011_context_dependent_fear_and_extinction_spiking():
    _check_vlachos(_vlachos(SpikingModel(scale=0.1, seed=1)))


def test_spontaneous_recovery_after_extinction():
    w = conditioned_weights()
    res = run_trials(RateModel(), extinction(10, 24.0, "B") + probe(25.0, "B") + probe(24.0 + 240.0, "B"),
                     initial=w)
    before, soon, late = res.fear_response[0, 0], res.fear_response[0, -2], res.fear_response[0, -1]
    assert soon < 0.3 * before and late > 0.7 * before


# ---- rate model vs spiking network --------------------------------------------------------------

@pytest.fixture(scope="module")
def rate_vs_spiking():
    """Population rates of both models: baseline (naive, no context) and cue (conditioned, context A);
    the spiking network's are the mean of 4 members (4 networks, 4 noise draws), so that a property
    does not hang on one draw."""
    rm, sm = RateModel(), SpikingModel(scale=0.25, seed=0)
    members = 4
    w = np.repeat(conditioned_weights()[None], members, axis=0)
    out = {}
    for name, m in (("rate", rm), ("spiking", sm)):
        b, _ = m.respond(np.zeros(4), np.zeros(4), np.ones((members, P.N_PLASTIC)), [NO_MODULATION] * members)
        lb, lc = Trial(0.0, context="A").levels()
        _, c = m.respond(lb, lc, w, [NO_MODULATION] * members)
        out[name] = (b.mean(axis=0), c.mean(axis=0))
    return out


def test_spiking_baseline_rates_in_published_ranges(rate_vs_spiking):
    b = rate_vs_spiking["spiking"][0]
    assert 1.5 < b[P.LA_PC] < 5.0                                   # LA principal ~3 Hz
    assert 10.0 < b[P.LA_PV] < 25.0                                 # LA interneurons ~15-20 Hz
    assert 2.0 < np.mean(b[[P.BA_FEAR, P.BA_EXT]]) < 7.0            # BA principal ~4 Hz
    assert 0.5 < np.mean(b[[P.CEL_ON, P.CEL_OFF, P.CEM]]) < 5.0     # CeA ~2 Hz


def _calibration_error(rate_vs_spiking, window):
    r, s = rate_vs_spiking["rate"][window], rate_vs_spiking["spiking"][window]
    return np.abs(r - s) / np.maximum(s, 5.0), r, s   # relative, or absolute against 5 Hz for quiet cells


NAIVE_GAP = [P.ITC, P.CEM]   # see test_rate_model_naive_baseline_of_itc_and_cem_matches_spiking_network


def test_rate_model_is_calibrated_against_spiking_network(rate_vs_spiking):
    for window in (0, 1):
        err, r, s = _calibration_error(rate_vs_spiking, window)
        checked = np.ones(P.N_POP, dtype=bool)
        if window == 0:
            checked[NAIVE_GAP] = False
        assert np.all(err[checked] < 0.4), (window, np.round(r, 2), np.round(s, 2))
    assert math.isclose(r[P.CEM], s[P.CEM], rel_tol=0.3, abs_tol=2.0)   # the fear output at the cue


@pytest.mark.xfail(strict=True, reason=(
    "known gap in the rate model's transfer function: ITC and CeL cells receive no (ITC, CeL_on) or little "
    "(CeL_off) inhibition, a regime in which the calibrated softplus of (V, s_V, g_tot/g_L) overestimates "
    "the conductance LIF's own rate (unconnected LIF cells given ITC's mean input fire as the network's "
    "ITC cells do, well below the transfer function), while it underestimates cells under PV inhibition; "
    "the background solved through it therefore under-drives the spiking network's ITC and CeL_off "
    "cells, and CeM, released from their inhibition, fires above its target (the rate model, given the "
    "network's own ITC, CeL_off and BA rates, puts CeM near the network's raised rate). Solving the "
    "network's background through the LIF's own response instead closes this gap but makes ITC respond "
    "more at the cue after extinction and weakens the spiking ABA renewal, so the fix is a transfer "
    "function that follows the LIF in this regime, which changes the rate model and the virtual trial"))
def test_rate_model_naive_baseline_of_itc_and_cem_matches_spiking_network(rate_vs_spiking):
    err, r, s = _calibration_error(rate_vs_spiking, 0)
    assert np.all(err[NAIVE_GAP] < 0.4), (np.round(r[NAIVE_GAP], 2), np.round(s[NAIVE_GAP], 2))
    assert math.isclose(r[P.CEM], s[P.CEM], rel_tol=0.3, abs_tol=2.0)


# ---- neuromodulation of learning -----------------------------------------------------------------

def _extinction_then_recall(drive, rule=None, n=6):
    """Drug-free recall (next day, extinction context) after n CS-alone trials under ``drive``."""
    res = run_trials(RateModel(), extinction(n, 24.0, "B") + probe(48.0, "B"), drive=drive,
                     initial=conditioned_weights(), rule=rule)
    return res


def test_damping_fear_expression_does_not_lower_what_is_learned():
    # 5-HT1A opens a K+ conductance on BLA principal cells (Rainnie 1999): the cue response during
    # extinction falls, the expected outcome (read drug-free from the weights) does not
    damped = _extinction_then_recall(Drive(response_5ht1a=TimedArray([0.0] * 24 + [4.0] * 2 + [0.0], 1.0)))
    plain = _extinction_then_recall(None)
    assert damped.fear_response[0, 0] < 0.9 * plain.fear_response[0, 0]
    np.testing.assert_allclose(damped.expectation[0, 0], plain.expectation[0, 0], rtol=1e-12)
    assert damped.fear_response[0, -1] <= plain.fear_response[0, -1]      # lower arousal: at least as much learned


def test_5ht2a_plasticity_state_strengthens_extinction_and_trkb_block_abolishes_it():
    s2a = Drive(response_5ht2a=TimedArray([0.0] * 24 + [3.0] * 4 + [0.0], 1.0))
    plain = _extinction_then_recall(None).fear_response[0, -1]
    res = _extinction_then_recall(s2a)
    assert res.bdnf[0, 1] > 0.0 and res.bdnf[0, 0] == 0.0                # B follows its drive with a delay
    assert res.fear_response[0, -1] < 0.9 * plain
    blocked = _extinction_then_recall(s2a, plasticity.Rule.default(k_bdnf=0.0))
    assert (blocked.bdnf == 0).all()
    # without the plasticity state, the 5-HT2A drive's circuit effect alone gives about the placebo recall
    assert abs(blocked.fear_response[0, -1] - plain) < 0.1 * plain
    # a TrkB block stops extinction from consolidating at all (Chhatwal et al. 2006)
    trkb = _extinction_then_recall(s2a, plasticity.Rule.default(trkb_block=True))
    before = _extinction_then_recall(None).fear_response[0, 0]
    assert (trkb.bdnf == 0).all() and trkb.fear_response[0, -1] > 0.8 * before


def test_high_plasticity_state_lets_extinction_erase_fear():
    rule = plasticity.Rule.default()
    w = conditioned_weights()[None]
    stable, labile = w - 1.0, np.zeros_like(w)
    pre = plasticity.presynaptic(1.0, 0.0, 1.0, 0.0)
    low = plasticity.learn(stable, labile, pre, 0.0, 1.0, 0.5, 1.0, rule, juvenile=0.0)
    high = plasticity.learn(stable, labile, pre, 0.0, 1.0, 0.5, 1.0, rule, juvenile=3.0)
    fear, ext = list(P.FEAR_PATHWAYS), list(P.EXTINCTION_PATHWAYS)
    assert np.allclose(low[0, fear], 0.0) and (high[0, [P.W_CS_LA, P.W_LA_FEAR]] < 0).all()
    # one prediction error, shared: what updates the fear memory does not also teach the extinction memory
    eps = float(plasticity.erasure(3.0))
    np.testing.assert_allclose(high[0, ext], (1.0 - eps) * low[0, ext], rtol=1e-12)
    # the association is unlearned at its own (conditioning) rate
    w_cs = w[0, P.W_CS_LA]
    expected = -rule.eta_fear * plasticity.extinction_gate(1.0, 0.5, rule.arousal_half) * eps * (w_cs - 1.0)
    assert high[0, P.W_CS_LA] == pytest.approx(expected, rel=1e-12)
    assert plasticity.kappa(np.array([0.0]), rule)[0, P.W_LA_EXT] == pytest.approx(rule.kappa_ext)
    assert plasticity.kappa(np.array([2.0]), rule)[0, P.W_LA_EXT] > rule.kappa_ext


def test_the_juvenile_like_state_follows_drug_bound_trkb_slowly_and_exactly():
    rule = plasticity.Rule.default()
    j0, trkb, h = np.array([0.1]), 0.3, 30.0
    j, n = j0.copy(), 30000
    for _ in range(n):                                           # fine Euler of dJ/dt
        j = j + h / n * (rule.k_trkb * trkb - j) / rule.tau_juvenile
    np.testing.assert_allclose(plasticity.juvenile_step(j0, h, rule, trkb), j, rtol=1e-3)
    # a day of binding moves J a little; weeks of it bring J to k_trkb * theta
    day = plasticity.juvenile_step(np.zeros(1), 24.0, rule, 0.6)[0]
    weeks = plasticity.juvenile_step(np.zeros(1), 24.0 * 42, rule, 0.6)[0]
    assert day < 0.2 * rule.k_trkb * 0.6 and weeks > 0.95 * rule.k_trkb * 0.6
    assert plasticity.juvenile_step(j0, h, plasticity.Rule.default(trkb_block=True), trkb)[0] == 0.0
    # serotonin's 5-HT2A route raises B, not J (Casarotto et al. 2021)
    s2a = Drive(response_5ht2a=TimedArray([3.0] * 200, 1.0))
    res = run_trials(RateModel(), probe(0.0, "B") + extinction(3, 24.0, "B"), drive=s2a, initial=conditioned_weights())
    assert res.bdnf[0, 1] > 0.5 and (res.juvenile == 0).all()


def _half_extinguished(fear):
    """Index of the first extinction trial whose fear response is below half the first one's."""
    return int(np.argmax(fear < 0.5 * fear[0]))


def test_extinction_by_unlearning_is_as_fast_within_a_session_and_leaves_no_return_of_fear(monkeypatch):
    """eps = 1 (juvenile-like: every omission updates the fear memory) against eps = 0 (adult, new learning):
    within a session fear falls about as fast (juvenile and adult rats extinguish alike, Kim & Richardson
    2008); a week later the adult's fear returns in both contexts, the juvenile-like one's does not."""
    trials = conditioning(5) + extinction(20, 24.0, "B") + probe(24.0 * 8, "B") + probe(24.0 * 8 + 2.0, "A")
    adult = run_trials(RateModel(), trials).fear_response[0]
    monkeypatch.setattr(plasticity, "erasure", lambda b: np.ones_like(np.asarray(b, float)))
    juvenile = run_trials(RateModel(), trials).fear_response[0]
    assert abs(_half_extinguished(juvenile[5:25]) - _half_extinguished(adult[5:25])) <= 2
    assert adult[-2] > 0.6 * adult[4] and adult[-1] > 0.6 * adult[4]         # recovery and renewal
    assert juvenile[-2] < 0.25 * adult[-2] and juvenile[-1] < 0.5 * adult[-1]


def test_learning_is_gated_by_neuromodulators():
    trials = conditioning(3)
    mute = Modulation(learn_gain=0.0)
    res = run_trials(RateModel(), trials, modulations=[mute])
    assert np.allclose(res.weights[0, -1], 1.0)                       # no gain, no learning
    boosted = run_trials(RateModel(), trials, modulations=[Modulation(learn_gain=1.5)])
    plain = run_trials(RateModel(), trials)
    assert boosted.weights[0, -1, P.W_CS_LA] > plain.weights[0, -1, P.W_CS_LA] > 1.0


def test_trial_plot_is_drawn(tmp_path):
    from sim.amygdala.plots import plot_trials

    axes = plot_trials(run_trials(RateModel(), conditioning(2) + probe(1.0)))
    axes[0].figure.savefig(tmp_path / "trials.png")
    assert (tmp_path / "trials.png").stat().st_size > 1000


def test_drives_from_pharmacology_outputs():
    from sim.amygdala.drive import drives_from_outputs

    t = np.arange(0.0, 6.0, 0.5)
    resp = np.vstack([np.ones(t.size), np.where(t >= 2.0, 1.6, 1.0)])        # E/E0: 1 at baseline
    drives = drives_from_outputs(t, {"response_oxtr": resp, "occupancy_oxtr": resp - 0.9, "plasma_mdma": resp * 100})
    assert len(drives) == 2 and set(drives[1].signals) == {"response_oxtr"}   # occupancy is never read
    assert drives[1].at(3.0)["response_oxtr"] == pytest.approx(0.6)           # s = E/E_ref - 1
    assert modulation(drives[1], 1.0).i_ext[P.CEL_OFF] == 0.0
    assert modulation(drives[1], 3.0).i_ext[P.CEL_OFF] > 0.0 and modulation(drives[0], 3.0).i_ext.sum() == 0.0
