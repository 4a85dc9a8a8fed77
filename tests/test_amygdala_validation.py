"""`sim validate amygdala` rows: every target within its band; rows carry sources and fit status."""

from sim.amygdala.validation import AMYGDALA_TARGETS


def test_amygdala_targets_within_bands():
    rows = [(t, *t.check()) for t in AMYGDALA_TARGETS]
    failures = [(t.quantity, value, (t.low, t.high)) for t, value, ok in rows if not ok]
    assert not failures, failures


def test_targets_have_the_validate_shape_and_sources():
    for t in AMYGDALA_TARGETS:
        assert t.suite == "amygdala" and t.source and t.unit and t.low <= t.high
    assert any(t.fitted for t in AMYGDALA_TARGETS) and any(not t.fitted for t in AMYGDALA_TARGETS)
    assert not any("Young" in t.source for t in AMYGDALA_TARGETS)   # drug x extinction: the extinction suite
    assert any("Vlachos" in t.source for t in AMYGDALA_TARGETS)
