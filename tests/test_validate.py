"""`sim validate pk`: every published target within its band; the table names its sources."""

from sim import validate


def test_pk_targets_within_bands():
    rows = validate.evaluate(["pk"])
    failures = [(t.quantity, value, (t.low, t.high)) for t, value, ok in rows if not ok]
    assert not failures, failures


def test_table_lists_sources_and_out_of_sample_rows():
    rows = validate.evaluate(["pk"])
    text = validate.format_rows(rows)
    assert "Mas et al. 1999" in text and "Farre et al. 2004" in text
    assert any(not t.fitted for t, _, _ in rows) and any(t.fitted for t, _, _ in rows)
