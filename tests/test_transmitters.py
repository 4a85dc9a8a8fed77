"""Monoamine terminals: true drug-free steady state, non-negativity, release, blockade, slow recovery."""

import numpy as np
import pytest
from conftest import experiment as build

import sim
from sim.assembly import build_model
from sim.cohort import parameter_matrix
from sim.kinetics import rate_laws, terminal

TERMINALS = ("serotonin", "dopamine", "norepinephrine")


def experiment(doses="", duration=6.0, species="human", interval=5.0, extra=""):
    return build(doses, duration=duration, species=species, interval_min=interval, extra=extra)


def dose(drug, amount, time_h=0.0, route="oral", per_kg=False, salt="hcl"):
    key = "amount_mg_per_kg" if per_kg else "amount_mg"
    return f'[[dose]]\ndrug = "{drug}"\n{key} = {amount}\ntime_h = {time_h}\nroute = "{route}"\nsalt = "{salt}"\n'


@pytest.mark.parametrize("species", ["human", "rat"])
def test_drug_free_state_is_a_true_steady_state(species):
    model = build_model(species, ("paroxetine",) if species == "human" else ("fluoxetine",))
    params = parameter_matrix(experiment(species=species), model)[0]
    y = model.initial_state()
    dydt = np.zeros_like(y)
    model.rhs(0.0, y, params, dydt)
    for i, name in enumerate(model.state_names):
        if name.split(".")[0] in TERMINALS:
            assert abs(dydt[i]) <= 1e-9 * max(abs(y[i]), 1e-3), (name, dydt[i])
    res = sim.run(experiment(duration=48.0, species=species, interval=60.0))
    np.testing.assert_allclose(res["ec_serotonin"][0], 0.8, rtol=1e-6)
    np.testing.assert_allclose(res["ec_dopamine"][0], 10.0, rtol=1e-6)
    np.testing.assert_allclose(res["ec_norepinephrine"][0], 1.0, rtol=1e-6)


def test_baseline_levels_are_physiological():
    res = sim.run(experiment(duration=1.0))
    assert 0.3 <= res["ec_serotonin"][0, -1] <= 1.5
    assert 5.0 <= res["ec_dopamine"][0, -1] <= 20.0
    assert 0.5 <= res["ec_norepinephrine"][0, -1] <= 2.0
    assert res.units["ec_serotonin"] == "nM"


@pytest.mark.parametrize("species, text", [
    ("human", dose("mdma", 1500.0)),                                      # 10x 150 mg
    ("rat", dose("mdma", 50.0, route="ip", per_kg=True)),                 # 5x 10 mg/kg: the refusal limit
    ("human", dose("paroxetine", 200.0, salt="base") + dose("mdma", 1500.0, 2.0)),
])
def test_pools_stay_non_negative_under_the_largest_doses(species, text):
    res = sim.run(experiment(text, duration=72.0, species=species, interval=10.0))
    assert (res.status == 0).all()
    for name in res.outputs:
        if name.split(".")[0] in TERMINALS:
            assert np.nanmin(res[name]) > -1e-9, name
    assert np.isfinite(res["ec_serotonin"]).all()


def test_mdma_releases_more_serotonin_than_dopamine_in_rats():
    res = sim.run(experiment(dose("mdma", 3.0, 1.0, "iv", True), duration=4.0, species="rat", interval=1.0))
    fold = {n: res[f"ec_{n}"][0].max() / res[f"ec_{n}"][0, 0] for n in TERMINALS}
    assert fold["serotonin"] > fold["dopamine"] > 1.2
    assert fold["norepinephrine"] > 1.2


@pytest.mark.parametrize("transmitter", ["serotonin", "dopamine"])
def test_mdma_release_does_not_need_firing(transmitter):
    # MDMA-evoked 5-HT in vivo survives tetrodotoxin (Gudelsky & Nash 1996) and (+)-MDMA releases DA from
    # striatal slices, where neurons do not fire (Koch & Galloway 1997): with exocytosis removed, the
    # MDMA-evoked rise above the (now lower) baseline must be at least half of the rise with firing
    def evoked_rise(extra):
        res = sim.run(experiment(dose("mdma", 2.0, 1.0, "iv", True), duration=2.0, species="rat", interval=1.0,
                                 extra=extra))
        c = res[f"ec_{transmitter}"][0]
        return c[res.time > 1.0].max() - c[res.time < 1.0][-1]

    silenced = evoked_rise(f'[subject]\n"{transmitter}.k_exo" = 0.0\n')
    assert silenced > 0.5 * evoked_rise("")


def test_ssri_blocks_mdma_release_but_raises_serotonin_alone():
    mdma = dose("mdma", 2.0, 1.0, "iv", True)
    flx = dose("fluoxetine", 10.0, 0.0, "ip", True, "base")
    alone = sim.run(experiment(mdma, duration=4.0, species="rat", interval=2.0))
    both = sim.run(experiment(mdma + flx, duration=4.0, species="rat", interval=2.0))
    ssri = sim.run(experiment(flx, duration=4.0, species="rat", interval=2.0))
    assert ssri["ec_serotonin"][0, -1] > 1.3 * 0.8                 # uptake blockade raises 5-HT
    evoked_alone = np.trapezoid(alone["ec_serotonin"][0] - 0.8, alone.time)
    evoked_both = np.trapezoid(both["ec_serotonin"][0] - ssri["ec_serotonin"][0], both.time)
    assert evoked_both < 0.5 * evoked_alone
    # the SSRI also protects TPH from MDMA (MDMA no longer enters the terminal)
    assert both["serotonin_synthesis_enzyme"][0, -1] > alone["serotonin_synthesis_enzyme"][0, -1] + 0.05


def test_5ht1a_antagonist_augments_ssri():
    cit = dose("citalopram", 10.0, 0.0, "sc", True, "base")
    way = dose("way100635", 0.3, 0.0, "sc", True, "hcl")
    a = sim.run(experiment(cit, duration=1.0, species="rat", interval=5.0))
    b = sim.run(experiment(cit + way, duration=1.0, species="rat", interval=5.0))
    w = sim.run(experiment(way, duration=1.0, species="rat", interval=5.0))
    assert b["ec_serotonin"][0, -1] > 1.1 * a["ec_serotonin"][0, -1]
    assert w["ec_serotonin"][0, -1] > 0.8  # the antagonist alone lifts the 5-HT1A brake a little


def test_store_depletion_recovers_over_days():
    res = sim.run(experiment(dose("mdma", 10.0, 0.0, "ip", True), duration=480.0, species="rat", interval=60.0))
    t, ves, tph = res.time, res["vesicular_serotonin"][0], res["serotonin_synthesis_enzyme"][0]
    at = {h: int(np.argmin(abs(t - h))) for h in (6, 24, 96, 480)}
    assert ves[at[6]] < 0.6 * ves[0] and tph[at[6]] < 0.7
    assert ves[at[24]] < ves[at[96]] < ves[at[480]]      # recovery takes days, not hours
    assert ves[at[480]] > 0.97 * ves[0] and tph[at[480]] > 0.97


def test_jitted_terminal_matches_its_python_twin():
    model = build_model("human", ("citalopram",))
    params = parameter_matrix(experiment(), model)[0]
    rng = np.random.default_rng(3)
    for _ in range(5):
        y = model.initial_state() * rng.uniform(0.2, 3.0, model.n_states)
        jit, py = np.zeros_like(y), np.zeros_like(y)
        model.rhs(0.0, y, params, jit)
        for m in model.mechanisms:
            f = getattr(m.rhs, "py_func", m.rhs)
            x = tuple(model.state_index(n) for n in m.inputs) or (-1,)
            f(0.0, y, params, py, model.state_offset[m.name], model.parameter_offset[m.name], x)
        np.testing.assert_allclose(jit, py, rtol=1e-12, atol=1e-12)


def test_rate_laws():
    assert rate_laws.michaelis_menten(10.0, 2.0, 2.0) == pytest.approx(5.0)
    assert rate_laws.competitive_mm(10.0, 2.0, 6.0, 2.0) == pytest.approx(5.0)   # Km (1 + I) = 6
    assert rate_laws.michaelis_menten(10.0, 2.0, -1.0) == 0.0
    assert rate_laws.hill(2.0, 2.0, 3.0) == pytest.approx(0.5)
    assert rate_laws.inhibition_factor(3.0, 1.0) == pytest.approx(0.25)
    assert rate_laws.occupancy(1.0, 3.0) == pytest.approx(0.25)


def test_derived_baseline_rejects_inconsistent_fluxes():
    bad = terminal.Baseline(ec=0.001, cyt=0.05, ves=10.0, synthesis=3.0, vmat=1.0, other_clearance=0.1)
    with pytest.raises(ValueError, match="inconsistent"):
        terminal.derive(bad, vmax_t=720.0, km_t=0.45, km_vmat=2.0, km_mao=200.0, k_fb=0.05, ka_term=0.001,
                        ka_soma=0.001, g_soma=1.0)


def test_parameters_have_units_and_sources():
    model = build_model("rat", ("fluoxetine", "way100635"))
    for name, p in zip(model.parameter_names, model.parameters, strict=True):
        assert p.unit and p.source, name


def _twin_terminal(model, y, params, name):
    """The terminal equations of terminal.py's docstring written out by parameter *name* (independent of
    the kernel's index layout): d(vesicular, cytosolic, extracellular, autoreceptor, enzyme, sensitivity)/dt."""
    def p(short):
        return params[model.parameter_index(f"{name}.{short}")]

    def s(short):
        return y[model.state_index(f"{name}.{short}")]

    mech = next(m for m in model.mechanisms if m.name == name)
    transporter = {"serotonin": "sert", "dopamine": "dat", "norepinephrine": "net"}[name]
    receptor = "5ht1a" if name == "serotonin" else "autoreceptor"
    n_drugs = int(p("n_drugs"))
    labels = [pn.split(".", 1)[1][: -len("_scale")] for pn in model.parameter_names
              if pn.startswith(f"{name}.") and pn.endswith("_scale")]
    assert len(labels) == n_drugs
    conc = np.array([y[model.state_index(st)] for st in mech.inputs[:n_drugs]]) * \
        np.array([p(f"{lab}_scale") for lab in labels])
    ratio = conc / np.array([p(f"{lab}_k_{transporter}") for lab in labels])
    inhibition = ratio.sum()
    substrate = (ratio * np.array([p(f"{lab}_substrate") for lab in labels])).sum()
    auto_block = (conc / np.array([p(f"{lab}_k_{receptor}") for lab in labels])).sum()
    ves, cyt, ec, auto, enz, sens = (s(k) for k in ("vesicular", "cytosolic", "extracellular", "autoreceptor", "enzyme",
                                                    "autoreceptor_sensitivity"))
    occ = substrate / (1 + inhibition + ec / p("km_t"))
    up = p("vmax_t") * ec / (p("km_t") * (1 + inhibition) + ec)
    eff = p("k_efflux") * occ ** p("efflux_hill") * cyt
    r_term = 1 / (1 + ec / p("ka_term"))
    act = auto / (auto + p("ka_soma") * (1 + auto_block))
    fire = 1 / (1 + p("g_soma") * sens * act)
    facil = 1.0
    if len(mech.inputs) > n_drugs:
        f = y[model.state_index(mech.inputs[-1])]
        facil = 1 + p("g_facil") * f / (f + p("k_facil"))
    exo = p("k_exo") * fire * r_term * facil * ves
    syn = p("v_syn") * enz * r_term / (1 + cyt / p("k_fb"))
    vmat = p("vmax_vmat") * cyt / (p("km_vmat") + cyt)
    leak = p("k_leak") * (1 + p("g_vesicle") * occ) * ves
    mao = p("vmax_mao") * cyt / (p("km_mao") + cyt)
    return np.array([vmat - leak - exo, syn - vmat + leak + up - eff - mao, exo - up + eff - p("k_ec") * ec,
                     (ec - auto) / p("tau_auto"),
                     np.log(2) / p("enz_half_life") * (1 - enz) - p("k_enz_inact") * occ * enz,
                     np.log(2) / p("desens_half_life") * (1 - sens)
                     - p("k_desens") * max(act - p("act0"), 0) / (1 - p("act0")) * sens])


def test_terminal_kernel_matches_an_independent_numpy_twin():
    model = build_model("rat", ("fluoxetine", "way100635"))
    params = parameter_matrix(experiment(species="rat"), model)[0]
    rng = np.random.default_rng(7)
    for _ in range(5):
        y = model.initial_state() * rng.uniform(0.3, 3.0, model.n_states) + rng.uniform(0, 0.5, model.n_states)
        y[model.state_index("pk.cyp2d6")] = 0.7
        for name in TERMINALS:  # fractions stay in [0, 1] (the kernel clamps them)
            y[model.state_index(f"{name}.enzyme")] = rng.uniform(0.2, 1.0)
            y[model.state_index(f"{name}.autoreceptor_sensitivity")] = rng.uniform(0.2, 1.0)
        dydt = np.zeros_like(y)
        model.rhs(0.0, y, params, dydt)
        for name in TERMINALS:
            got = dydt[[model.state_index(f"{name}.{k}") for k in
                        ("vesicular", "cytosolic", "extracellular", "autoreceptor", "enzyme",
                         "autoreceptor_sensitivity")]]
            np.testing.assert_allclose(got, _twin_terminal(model, y, params, name), rtol=1e-10, atol=1e-12)
