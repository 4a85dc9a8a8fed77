"""`sim params` lists every parameter that decides a trial outcome, each with a status and a source inside
the repository."""

import re

import pytest

from sim.cli import main
from sim.params import STATUSES


@pytest.fixture(scope="module")
def listing(tmp_path_factory):
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["params"]) == 0
    return out.getvalue().splitlines()


def test_trial_deciding_parameters_are_listed(listing):
    names = {line.split()[0] for line in listing[1:]}
    for prefix in ("amygdala.drive.", "amygdala.plasticity.", "protocol.", "outcomes.", "pk.", "serotonin."):
        assert any(n.startswith(prefix) for n in names), prefix
    assert {"outcomes.gamma", "outcomes.sigma", "protocol.extinction_scale"} <= names


def test_every_parameter_has_a_status_and_no_source_outside_the_repository(listing):
    header = listing[0].split()
    assert header[:4] == ["name", "value", "unit", "status"]
    for line in listing[1:]:
        assert any(f"  {s}  " in line for s in STATUSES), line
        assert not re.search(r"\.\./|shared/|TARGETS\.md|DESIGN\.md", line), line
