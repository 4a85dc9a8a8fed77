"""The fast trial path (shared session solves, each distinct member integrated once, the sparse batched rate
kernel taking members side by side, the drug-free re-evaluation of the modulated members only) gives the
numbers of the reference path: every session of every patient
solved, the rate model's inputs packed member by member through the circuit's own functions and the dense
kernel, every member re-evaluated drug-free. Properties of equality, not timings (benchmarks/trial.py
times them)."""

from pathlib import Path

import numpy as np
import pytest

import sim
from sim import trial
from sim.amygdala import RateModel, conditioned_weights, rate
from sim.amygdala import params as P
from sim.amygdala.circuit import Modulation, build_circuit

PHASE3 = Path(__file__).resolve().parent.parent / "experiments" / "phase3_trial.toml"


def _run(size, overrides, reference, monkeypatch):
    with monkeypatch.context() as m:
        if reference:
            m.setattr(trial, "SHARE_SESSIONS", False)
            m.setattr(RateModel, "fast", False)
            m.setattr(RateModel, "independent_members", False)
        return trial.run_trial(sim.load_experiment(PHASE3, {"cohort.size": size, **overrides}))


@pytest.mark.parametrize("overrides", [{}, {"cohort.prior_ssri_fraction": 0.5, "protocol.ssri_washout": False}])
def test_fast_trial_equals_reference_path(overrides, monkeypatch):
    res_f, out_f = _run(20 if not overrides else 8, overrides, False, monkeypatch)
    res_r, out_r = _run(20 if not overrides else 8, overrides, True, monkeypatch)
    for key in ("caps5_final", "caps5_visit", "fear_visit", "fear_followup", "diagnosis_final"):
        np.testing.assert_array_equal(out_f[key], out_r[key], err_msg=key)
    for key in res_r.trials:
        np.testing.assert_array_equal(res_f.trials[key], res_r.trials[key], err_msg=key)
    np.testing.assert_array_equal(res_f.status, res_r.status)
    for key in res_r.outputs:
        np.testing.assert_array_equal(res_f.outputs[key], res_r.outputs[key], err_msg=key)


def test_sparse_kernel_equals_dense_kernel_bit_for_bit():
    circ = build_circuit()
    rng = np.random.default_rng(7)
    n = rate.LANES + 5  # a full block of lanes and a part-filled one
    w = conditioned_weights()[None, :] * rng.uniform(0.0, 1.5, (n, P.N_PLASTIC))
    w[0] = 0.0  # a member with every plastic path silenced: its zeros are skipped like structural ones
    mods = [Modulation(i_ext=rng.normal(0, 5, P.N_POP), g_k=rng.uniform(0, 1, P.N_POP),
                       bg_scale=rng.uniform(0.8, 1.2, P.N_POP), cs_gain=rng.uniform(0.8, 1.2)) for _ in range(n)]
    # repeated members (integrated once on the fast path), one differing from its twin only by a -0.0
    w[5:9], mods[5:9] = w[1], mods[1:2] * 4
    w[9], mods[9] = w[0], Modulation(i_ext=-np.zeros(P.N_POP))
    w[10], mods[10] = w[0], Modulation()
    lb, lc = np.array([0.0, 1.0, 0.0, 0.3]), np.array([1.0, 1.0, 0.0, 0.3])
    fast = rate.kernel_inputs(circ, lb, lc, w, mods)
    ref = rate.kernel_inputs_reference(circ, lb, lc, w, mods)
    for key in ref:
        np.testing.assert_array_equal(fast[key], ref[key], err_msg=key)
    for a, b in zip(rate.simulate_trials(circ, lb, lc, w, mods), rate.simulate_trials(circ, lb, lc, w, mods,
                                                                                       reference=True), strict=True):
        np.testing.assert_array_equal(a, b)
        assert np.all(np.isfinite(a)) and np.all(a >= 0.0)
    distinct, inverse = rate.distinct_members(lb, lc, w, mods)
    assert len(distinct[3]) == n - 4 and np.array_equal(inverse[5:9], [inverse[1]] * 4)
    assert len(set(inverse[[0, 9, 10]])) == 3
