"""Every parameter carries a status; the default follows the source's leading keyword."""

import pytest

from sim.params import STATUSES, Parameter, status_from_source, status_summary


@pytest.mark.parametrize("source, status", [
    ("assumed: no data", "assumed"), ("calibrated: fitted to X", "calibrated"), ("derived: a / b", "derived"),
    ("unit: uM", "derived"), ("Smith 2001 J X 1:1 (Table 2)", "measured"), ("Smith 2001 (check)", "unverified"),
])
def test_status_from_leading_keyword(source, status):
    assert status_from_source(source) == status
    assert Parameter("x", 1.0, "1", source).status == status


def test_explicit_status_wins_and_unknown_is_refused():
    assert Parameter("x", 1.0, "1", "Smith 2001 (check)", status="measured").status == "measured"
    with pytest.raises(ValueError):
        Parameter("x", 1.0, "1", "Smith 2001", status="guessed")


def test_every_model_parameter_has_a_status_and_the_summary_counts_them():
    from sim.assembly import build_model

    model = build_model("human", ("paroxetine",))
    rows = [(n, model.parameter(n)) for n in model.parameter_names]
    assert all(p.status in STATUSES for _, p in rows)
    assert {p.status for n, p in rows if n.startswith("paroxetine.") and n.split(".")[1] in ("v", "cl")} == \
        {"calibrated"}
    last = status_summary(rows).splitlines()[-1].split()
    assert last[0] == "all" and int(last[-1]) == len(rows)
    assert sum(int(c) for c in last[1:-1]) == len(rows)
