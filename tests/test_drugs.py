"""The drug library: entries carry sources, doses route to the right mechanism, and a new drug is one entry."""

import numpy as np
import pytest
from conftest import experiment as build

import sim
from sim import units
from sim.errors import ConfigError
from sim.kinetics import drugs


def experiment(doses, duration=6.0, species="human"):
    return build(doses, duration=duration, species=species, interval_min=10.0)


def test_library_has_the_first_entries_with_sources():
    for name in ("mdma", "mda", "citalopram", "fluoxetine", "paroxetine", "pindolol", "way100635", "placebo"):
        drug = drugs.get(name)
        for pot in [*drug.transporters.values(), *drug.receptors.values()]:
            assert pot.source and pot.k_um > 0
        for pk in drug.pk.values():
            assert pk.source
    assert drugs.get("mdma").potency("sert", "human").mode == "substrate"
    assert drugs.get("paroxetine").potency("sert", "human").mode == "blocker"
    assert drugs.get("paroxetine").pk["human"].cyp2d6_kinact > 0
    with pytest.raises(KeyError, match="unknown drug"):
        drugs.get("nope")


def test_placebo_changes_nothing():
    a = sim.run(experiment('[[dose]]\ndrug = "mdma"\namount_mg = 100.0\n'))
    b = sim.run(experiment('[[dose]]\ndrug = "mdma"\namount_mg = 100.0\n[[dose]]\ndrug = "placebo"\namount_mg = 1.0\n'))
    np.testing.assert_array_equal(a["ec_serotonin"], b["ec_serotonin"])


def test_unknown_or_undosable_drug_is_a_config_error():
    with pytest.raises(ConfigError, match="dose.0"):
        sim.run(experiment('[[dose]]\ndrug = "aspirin"\namount_mg = 100.0\n'))
    with pytest.raises(ConfigError, match="dose.0"):   # no rat PK for carvedilol in the library
        sim.run(experiment('[[dose]]\ndrug = "carvedilol"\namount_mg = 1.0\n', species="rat"))


def test_comedication_mass_balance():
    res = sim.run(experiment('[[dose]]\ndrug = "citalopram"\namount_mg = 40.0\nsalt = "base"\n'
                             '[[dose]]\ndrug = "citalopram"\namount_mg = 20.0\nroute = "iv"\nsalt = "base"\n'
                             'time_h = 2.0\n', duration=24.0))
    total = sum(res[f"citalopram.{s}"][0] for s in ("gut", "depot", "central", "eliminated"))
    dose_umol = units.mg_to_umol(60.0, "citalopram")
    np.testing.assert_allclose(total[res.time > 2.0], dose_umol, rtol=1e-5)
    assert res["plasma_citalopram"].max() > 0 and res.units["plasma_citalopram"] == "ng/mL"


def test_salt_conversion_for_comedications():
    base = sim.run(experiment('[[dose]]\ndrug = "citalopram"\namount_mg = 20.0\nsalt = "base"\n'))
    salt = sim.run(experiment('[[dose]]\ndrug = "citalopram"\namount_mg = 20.0\nsalt = "hcl"\n'))
    ratio = salt["plasma_citalopram"].max() / base["plasma_citalopram"].max()
    assert ratio == pytest.approx(324.39 / 360.85, rel=1e-4)  # linear PK


@pytest.fixture
def sertraline():
    entry = drugs.Drug(
        "sertraline_test", "an SSRI added by a user (test)",
        transporters={"sert": drugs.Potency(0.00029, "blocker", "Tatsumi et al. 1997"),
                      "dat": drugs.Potency(0.025, "blocker", "Tatsumi et al. 1997")},
        pk={"human": drugs.DrugPK(ka=0.2, f_oral=0.44, v=1400.0, cl=100.0, fu=0.02, source="test values")},
        molar_mass=306.23)
    drugs.register(entry)
    yield entry
    del drugs.LIBRARY["sertraline_test"]
    del units.MOLAR_MASS_G_PER_MOL["sertraline_test"]


def test_a_new_drug_is_one_library_entry(sertraline):
    res = sim.run(experiment('[[dose]]\ndrug = "sertraline_test"\namount_mg = 100.0\nsalt = "base"\n', duration=12.0))
    assert res["plasma_sertraline_test"].max() > 0
    # a SERT blocker raises extracellular 5-HT; its DAT affinity raises DA a little
    assert res["ec_serotonin"][0, -1] > 1.2 * 0.8
    assert res["ec_dopamine"][0, -1] > 10.0
    assert res.params["serotonin.sertraline_test_k_sert"][0] == pytest.approx(0.00029)


def test_register_rejects_bad_entries():
    with pytest.raises(ValueError):
        drugs.register(drugs.Drug("mdma", "duplicate"))
    with pytest.raises(ValueError):
        drugs.register(drugs.Drug("x_test", "bad target", transporters={"vmat9": drugs.Potency(1.0, "blocker", "s")}))
    with pytest.raises(ValueError):
        drugs.Potency(1.0, "agonist", "s")


def test_mda_can_be_dosed_alongside_the_metabolite():
    res = sim.run(experiment('[[dose]]\ndrug = "mda"\namount_mg = 50.0\n[[dose]]\ndrug = "mdma"\namount_mg = 50.0\n'))
    assert res["plasma_mda_dosed"].max() > 5 * res["plasma_mda"].max() > 0
    assert res["ec_serotonin"].max() > 2 * 0.8


def test_an_active_metabolite_is_data_sertraline_forms_desmethylsertraline():
    """Dosing sertraline brings desmethylsertraline's mechanism along (its own PK and SERT/NET/DAT
    potencies); the parent's clearance forms it, mole for mole, and nothing is lost."""
    res = sim.run(build('[[dose]]\ndrug = "sertraline"\namount_mg = 50.0\nsalt = "base"\n', duration=1200.0,
                        interval_min=60.0))
    assert {"plasma_sertraline", "plasma_desmethylsertraline", "brain_desmethylsertraline"} <= set(res.outputs)
    amounts = ("gut", "depot", "central", "eliminated")
    total = sum(res[f"{d}.{s}"][0] for d in ("sertraline", "desmethylsertraline") for s in amounts)
    np.testing.assert_allclose(total, units.mg_to_umol(50.0, "sertraline"), rtol=1e-5)
    parent, metabolite = res["plasma_sertraline"][0], res["plasma_desmethylsertraline"][0]
    assert res.time[metabolite.argmax()] > res.time[parent.argmax()]     # formed, then eliminated more slowly
    late = (res.time >= 600.0) & (res.time <= 1200.0)
    half_life = np.log(2) / -np.polyfit(res.time[late], np.log(metabolite[late]), 1)[0]
    assert 62.0 <= half_life <= 104.0                                    # its label range (Zoloft PI)
    # the metabolite is a weaker SERT blocker than its parent (Sprouse 1996; Tatsumi 1997)
    assert drugs.get("desmethylsertraline").potency("sert", "human").k_um > 100 * drugs.get(
        "sertraline").potency("sert", "human").k_um


def test_a_metabolite_must_be_registered_with_its_pk_first():
    pk = drugs.DrugPK(ka=1.0, f_oral=1.0, v=10.0, cl=1.0, fu=1.0, source="assumed: test", metabolite="nope",
                      f_metabolite=0.5, metabolite_source="assumed: test")
    with pytest.raises(ValueError, match="metabolite 'nope'"):
        drugs.register(drugs.Drug("parent_without_metabolite", "test", pk={"human": pk}))
    with pytest.raises(ValueError, match="f_metabolite"):
        drugs.DrugPK(ka=1.0, f_oral=1.0, v=10.0, cl=1.0, fu=1.0, source="assumed: test", f_metabolite=0.5)
