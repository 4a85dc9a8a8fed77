"""A drug's generic PK is Parameters: one declaration of each field's unit and range (drugs.PK_FIELDS), sourced
values with a status, listed by `sim params`; a metabolite entry shares its parent's distribution."""

import dataclasses

import pytest

from sim.kinetics import drugs
from sim.params import STATUSES


def test_every_numeric_pk_field_is_a_declared_parameter():
    numeric = {f.name for f in dataclasses.fields(drugs.DrugPK) if f.type in ("float", float)}
    assert numeric == set(drugs.PK_FIELDS)
    pk = drugs.get("paroxetine").pk["human"]
    params = {p.name: p for p in pk.parameters()}
    assert params["cl_2d6"].value == pk.cl_2d6 and params["cl_2d6"].unit == "L/h"
    assert params["cl"].status == pk.status == "calibrated"
    assert params["cyp2d6_kinact"].source == pk.cyp2d6_source   # each value keeps its own source
    assert all(p.status in STATUSES and p.source for p in params.values())


def test_out_of_range_value_is_refused_at_the_entry():
    with pytest.raises(ValueError, match="fu"):
        drugs.DrugPK(ka=1.0, f_oral=1.0, v=10.0, cl=1.0, fu=1.5, source="assumed: test")


def test_sim_params_lists_every_drugs_pk():
    rows = dict(drugs.pk_parameters("human"))
    generic = [d for d in drugs.LIBRARY if drugs.LIBRARY[d].pk_mechanism == "generic" and drugs.pk_for(d, "human")]
    assert generic and all(f"{d}.{f}" in rows for d in generic for f in drugs.PK_FIELDS)
    assert not any(n.startswith("mdma.") for n in rows)   # MDMA's PK is its own mechanism's (sim params pk)


def test_metabolite_shares_its_parents_distribution():
    parent, met = drugs.get("sertraline").pk["human"], drugs.get("desmethylsertraline").pk["human"]
    assert parent.metabolite == "desmethylsertraline"
    assert (met.v, met.fu, met.ka, met.keq_brain) == (parent.v, parent.fu, parent.ka, parent.keq_brain)
    assert met.cl != parent.cl and met.f_oral == 1.0 and not met.metabolite and met.cl_2d6 == 0.0
