"""Receptors: competitive binding and operational response (njit kernels against NumPy twins), the catalogue
and drug affinities with sources, and the receptor mechanism inside the cascade."""

import numpy as np
import pytest
from conftest import run_experiment
from numba import njit

from sim.amygdala.drive import ALL_SIGNALS, SIGNALS, drives_from_outputs
from sim.assembly import build_model
from sim.kinetics import drugs
from sim.receptors import catalogue
from sim.receptors.occupancy import agonist_occupancy, agonist_occupancy_np, bound_fraction, bound_fraction_np
from sim.receptors.response import operational, operational_np


@njit(cache=True)
def _kernels(conc, k, eff, tau):
    """Sum the ligands as a fragment does and call the njit kernels."""
    x_total = 0.0
    ex_total = 0.0
    tx_total = 0.0
    for i in range(conc.size):
        x = conc[i] / k[i]
        x_total += x
        ex_total += eff[i] * x
        tx_total += eff[i] * tau * x
    return bound_fraction(conc[0] / k[0], x_total), agonist_occupancy(ex_total, x_total), operational(tx_total, x_total)


def test_njit_kernels_agree_with_numpy_twins():
    rng = np.random.default_rng(3)
    for _ in range(50):
        n = rng.integers(1, 5)
        conc = 10 ** rng.uniform(-4, 1, n)
        k = 10 ** rng.uniform(-3, 1, n)
        eff = np.concatenate([[1.0], rng.uniform(0, 1, n - 1)])
        tau = 10 ** rng.uniform(-1, 2)
        b, a, r = _kernels(conc, k, eff, tau)
        assert b == pytest.approx(bound_fraction_np(conc, k)[0], rel=1e-12)
        assert a == pytest.approx(agonist_occupancy_np(conc, k, eff), rel=1e-12)
        assert r == pytest.approx(operational_np(conc, k, eff * tau), rel=1e-12)


def test_competitive_binding_and_operational_model():
    # one ligand at its K occupies half; a competitor at its K shifts that to one third (Gaddum)
    assert bound_fraction_np([1.0], [1.0])[0] == pytest.approx(0.5)
    assert bound_fraction_np([1.0, 2.0], [1.0, 2.0])[0] == pytest.approx(1.0 / 3.0)
    occ = bound_fraction_np(np.array([[0.5, 5.0], [1.0, 1.0]]), [1.0, 0.1])
    assert np.all(occ.sum(axis=0) < 1.0)
    # an antagonist lowers agonist occupancy and response, never adds to them
    alone = agonist_occupancy_np([1.0], [1.0], [1.0])
    with_antagonist = agonist_occupancy_np([1.0, 1.0], [1.0, 0.1], [1.0, 0.0])
    assert with_antagonist < alone / 5
    # full agonist saturates at tau / (1 + tau); a saturating partial agonist caps the response lower
    assert operational_np([1e6], [1.0], [10.0]) == pytest.approx(10.0 / 11.0, rel=1e-5)
    partial = operational_np([1.0, 1e4], [1.0, 1.0], [10.0, 1.0])
    assert partial == pytest.approx(0.5, rel=1e-3) and partial < operational_np([1.0], [1.0], [10.0])
    # arrays with trailing (run, time) axes and per-run constants
    conc = np.ones((2, 3, 4))
    assert bound_fraction_np(conc, np.ones((2, 3, 1))).shape == (2, 3, 4)


def test_catalogue_and_affinities_have_sources():
    for name in ("5ht1a", "5ht1b", "5ht2a", "5ht2c", "d1", "d2", "alpha1", "alpha2", "beta1", "beta2", "oxtr"):
        rec = catalogue.get(name)
        assert rec.k_um > 0 and rec.source and rec.ligand in catalogue.LIGANDS
    rows = drugs.affinity_table()
    assert all(src for *_, src in rows)
    assert ("beta1", "carvedilol") in {(r, d) for r, d, *_ in rows}
    carvedilol = drugs.get("carvedilol")
    assert carvedilol.affinities["alpha1"].efficacy == 0.0 and "human" in carvedilol.pk
    # the terminal's autoreceptor antagonism is also a catalogue affinity (one value, not two)
    assert drugs.get("pindolol").affinities["5ht1a"].k_um == drugs.get("pindolol").receptors["5ht1a"].k_um
    with pytest.raises(ValueError, match="unknown receptor"):
        drugs.register(drugs.Drug("x_test", "bad", affinities={"h9": drugs.Affinity(1.0, 0.0, "s")}))
    with pytest.raises(ValueError):
        drugs.Affinity(1.0, 1.5, "s")


def test_drug_free_cascade_is_at_steady_state():
    model = build_model("human", ("carvedilol",))
    y0 = model.initial_state()
    dydt = np.zeros_like(y0)
    params = model.default_parameters()
    params[model.parameter_index("water.fluid_intake_l")] = 0.0   # no drinking: water balance at rest
    model.rhs(0.0, y0, params, dydt)
    dydt[model.state_index("endocrine.elapsed")] -= 1.0   # the clock of the circadian baseline runs
    assert np.abs(dydt).max() < 1e-9
    signals = [model.state_index(f"receptors.signal_{r}") for r in ("5ht1a", "5ht2a", "alpha1", "beta1")]
    assert np.all(y0[signals] == 1.0)


def _run(doses, duration=6.0, solver=""):
    return run_experiment(doses, duration=duration, extra=solver)


def test_occupancy_outputs_follow_transmitters_and_drugs():
    res = _run('[[dose]]\ndrug = "mdma"\namount_mg = 125.0\n')
    for r in catalogue.RECEPTOR_NAMES:
        occ = res[f"occupancy_{r}"]
        assert res.units[f"occupancy_{r}"] == "1" and np.all((occ >= 0) & (occ <= 1))
    # 5-HT2A by hand: 5-HT (K 50 nM, efficacy 1) and MDMA (unbound brain, K 4.7 uM, efficacy 0.3), plus MDA
    ht = res["ec_serotonin"][0] / 1000.0
    brain_umol = res["brain_mdma"][0] * res.params["pk.v_brain"][0]
    mdma = brain_umol * res.params["receptors.mdma_scale"][0]           # unbound uM
    mda = res["plasma_mda"][0] / 179.22 * res.params["pk.fu_plasma"][0]   # unbound uM
    by_hand = agonist_occupancy_np(np.stack([ht, mdma, mda]), [0.05, 4.7, 5.0], [1.0, 0.3, 0.5])
    np.testing.assert_allclose(res["occupancy_5ht2a"][0], by_hand, rtol=1e-6)
    assert res["occupancy_5ht1a"][0].max() > 2 * res["occupancy_5ht1a"][0, 0]   # MDMA releases 5-HT
    # the amygdala reads every drive signal that the run has among its outputs
    drive = drives_from_outputs(res.time, res.outputs)[0]
    assert set(drive.signals) == {s for s in ALL_SIGNALS if s in res.outputs}
    assert set(SIGNALS) <= set(drive.signals)


def test_blockers_occupy_their_receptors():
    # the two runs are different models (carvedilol's PK is added), so their steps differ: integrate both
    # tightly so that the comparison below tests the pharmacology, not the solver's error control
    tight = "[solver]\nrtol = 1e-9\natol = 1e-12\n"
    alone = _run('[[dose]]\ndrug = "mdma"\namount_mg = 125.0\ntime_h = 1.0\n', solver=tight)
    carv = _run('[[dose]]\ndrug = "carvedilol"\namount_mg = 50.0\nsalt = "base"\n'
                '[[dose]]\ndrug = "mdma"\namount_mg = 125.0\ntime_h = 1.0\n', solver=tight)
    t = np.searchsorted(alone.time, 2.0)
    for r in ("alpha1", "beta1"):
        assert carv[f"occupancy_{r}"][0, t] < 0.7 * alone[f"occupancy_{r}"][0, t]
    np.testing.assert_allclose(carv["occupancy_5ht1a"], alone["occupancy_5ht1a"], rtol=1e-6)


def test_njit_signal_states_match_numpy_response_in_the_cascade():
    """The receptor signal states (njit fragment) follow the operational response that the NumPy twin
    computes from the same outputs, to within the short transduction lag."""
    res = _run('[[dose]]\ndrug = "mdma"\namount_mg = 125.0\n[output]\nstates = true\n', duration=8.0)
    t = res.time >= 4.0  # slow phase: the 3-min lag is negligible
    brain_umol = res["brain_mdma"][0] * res.params["pk.v_brain"][0]
    mdma = brain_umol * res.params["receptors.mdma_scale"][0]
    mda = res["plasma_mda"][0] * res.params["receptors.mda_scale"][0] * res.params["pk.v_mda"][0] / 179.22
    ligands = {"5ht1a": res["ec_serotonin"][0] / 1000.0, "5ht2a": res["ec_serotonin"][0] / 1000.0,
               "alpha1": res["ec_norepinephrine"][0] / 1000.0, "beta1": res["ec_norepinephrine"][0] / 1000.0}
    for r, endo in ligands.items():
        p = {k.split(".", 1)[1]: v[0] for k, v in res.params.items() if k.startswith("receptors.")}
        rec = catalogue.get(r)
        tau = p[f"{r}_tau"]
        k = [p[f"{r}_ka_{rec.ligand}"], p[f"{r}_mdma_k"], p[f"{r}_mda_k"]]   # operational K_A (catalogue.py)
        resp = operational_np(np.stack([endo, mdma, mda]), k,
                              [tau, tau * p[f"{r}_mdma_efficacy"], tau * p[f"{r}_mda_efficacy"]])
        np.testing.assert_allclose(res[f"receptors.signal_{r}"][0, t], resp[t] / p[f"{r}_r0"], rtol=0.02)


def test_5ht1a_response_uses_the_low_affinity_constant_and_occupancy_the_binding_one():
    """5-HT at 5-HT1A: the operational K_A (uncoupled, low-affinity state) is ~110x the high-affinity binding
    K (Assie et al. 1999), so the response keeps rising between 0.75 and 1.5 mg/kg MDMA (oxytocin dose
    dependence) while ``occupancy_5ht1a`` (reported only: what PET measures) keeps the binding K."""
    rec = catalogue.get("5ht1a")
    assert rec.k_response_um == pytest.approx(110 * rec.k_um, rel=0.01) and rec.ka_source
    for name in ("5ht2a", "alpha1", "beta1"):
        assert catalogue.get(name).k_response_um == catalogue.get(name).k_um
    model = build_model("human", ())
    assert model.parameter("receptors.5ht1a_ka_serotonin").value == rec.ka_um
    assert model.parameter("receptors.5ht1a_k_serotonin").value == rec.k_um
    peaks = [_run(f'[[dose]]\ndrug = "mdma"\namount_mg_per_kg = {d}\n[output]\nstates = true\n', 8.0)
             ["receptors.signal_5ht1a"][0].max() - 1.0 for d in (0.75, 1.5)]
    assert peaks[1] > 1.25 * peaks[0]


def _consumers(model):
    """(mechanism, input) for every mechanism input that is a receptor state."""
    return [(m.name, name) for m in model.mechanisms for name in m.inputs if name.startswith("receptors.")]


def test_every_receptor_consumer_reads_responses_relative_to_baseline():
    """The convention (sim/receptors/mechanism.py): occupancy from binding K is reported, never consumed;
    every consumer reads a response relative to its drug-free baseline (1 = baseline). Walks every mechanism
    of the full human cascade (oxytocin, physiology, endocrine, ...) and every signal the amygdala reads:
    its drive mappings, its plasticity state's inputs and what ``drives_from_outputs`` turns into a drive."""
    from sim.amygdala import drive as amygdala_drive

    everything = tuple(d for d in drugs.LIBRARY if drugs.dosable(d, "human") and d != "placebo")
    model = build_model("human", everything)
    consumers = _consumers(model)
    assert {m for m, _ in consumers} >= {"oxytocin", "physiology", "endocrine"}
    receptor_states = [n for n in model.state_names if n.startswith("receptors.")]
    assert all(n.startswith("receptors.signal_") for n in receptor_states)  # the only receptor states: responses
    assert all(name in receptor_states for _, name in consumers)
    # drug-free: every signal state is at 1 and stays there (relative to the drug-free baseline)
    y0 = model.initial_state()
    dydt = np.zeros_like(y0)
    model.rhs(0.0, y0, model.default_parameters(), dydt)
    idx = [model.state_index(n) for n in receptor_states]
    assert np.all(y0[idx] == 1.0) and np.abs(dydt[idx]).max() < 1e-12
    # the amygdala: every receptor signal it reads (mappings and plasticity state) is a response_<receptor>
    # output of the cascade, never an occupancy
    outputs = {o.name for m in model.mechanisms for o in m.outputs}
    receptors = set(catalogue.RECEPTOR_NAMES) | {"beta"}
    read = ({m.signal for m in amygdala_drive.MAPPINGS} | set(amygdala_drive.PLASTICITY_SIGNALS)
            | set(amygdala_drive.SIGNALS))
    for sig in read:
        if sig.startswith("occupancy_"):
            # only a drug-bound share at a site with no endogenous ligand and no response output (TrkB's
            # antidepressant site, sim/receptors/trkb.py): 0 drug-free, so the share is itself the change from
            # the drug-free state, and the drive takes it as a difference
            assert sig in amygdala_drive.TRKB_SIGNALS and sig in outputs, sig
            assert "response_" + sig.removeprefix("occupancy_") not in outputs, sig
            continue
        if sig.removeprefix("response_") in receptors:
            assert sig.startswith("response_") and sig in outputs, sig
        else:
            assert sig in amygdala_drive.HORMONE_SIGNALS, sig
    # ... relative to baseline: a drug-free state is no drive, whatever the outputs' absolute values; a
    # response at twice its reference is a change of +1; occupancy outputs are ignored
    t = np.arange(0.0, 3.0, 1.0)
    fake = {name: np.full((1, t.size), 1.0) for name in outputs if name.startswith("response_")}
    fake.update({name: np.full((1, t.size), 0.4) for name in outputs if name.startswith("occupancy_")})
    fake.pop("occupancy_trkb", None)
    drug_free = amygdala_drive.drives_from_outputs(t, fake)[0]
    assert set(drug_free.signals) == set(amygdala_drive.SIGNALS)
    assert all(v == 0.0 for v in drug_free.at(2.0).values())
    doubled = {k: np.where(t >= 1.0, 2.0, 1.0)[None] * v for k, v in fake.items()}
    assert all(v == pytest.approx(1.0) for v in amygdala_drive.drives_from_outputs(t, doubled)[0].at(2.0).values())


def test_response_outputs_are_one_drug_free_and_the_beta_route_carries_mdma():
    none = _run("", duration=2.0)
    for name in [k for k in none.outputs if k.startswith("response_")]:
        np.testing.assert_allclose(none[name], 1.0, rtol=1e-9)
    res = _run('[[dose]]\ndrug = "mdma"\namount_mg = 125.0\n', duration=6.0)
    assert {f"response_{r}" for r in catalogue.RECEPTOR_NAMES} <= set(res.outputs)
    # occupancy of beta receptors barely moves (K >> NE); the relative response follows the NE rise
    assert res["occupancy_beta"][0].max() - res["occupancy_beta"][0, 0] < 0.01
    ne_fold = res["ec_norepinephrine"][0].max() / res["ec_norepinephrine"][0, 0]
    assert res["response_beta"][0].max() > 2.0
    assert res["response_beta1"][0].max() == pytest.approx(ne_fold, rel=0.15)


def test_antagonist_functional_k_is_its_binding_k_and_agonists_say_so():
    a = drugs.Affinity(1.0, 0.0, "s")
    assert a.response_k_um == 1.0 and a.response_k_source.startswith("derived:")
    assert drugs.Affinity(1.0, 0.5, "s").response_k_source.startswith("assumed:")
    assert drugs.Affinity(1.0, 0.5, "s", 3.0, "Study 2000").response_k_um == 3.0
    with pytest.raises(ValueError):
        drugs.Affinity(1.0, 0.5, "s", 3.0)   # a K_A needs a source
    model = build_model("human", ("carvedilol",))
    par = model.parameter
    assert par("receptors.beta1_carvedilol_ka").value == par("receptors.beta1_carvedilol_k").value
