"""Shared test helpers: one builder for experiment files, and the ``slow`` marker.

``experiment(doses, ...)`` writes the TOML a test needs around its ``[[dose]]`` tables and extra
sections, parses it as ``sim run`` would, and returns the validated :class:`sim.config.Experiment`;
``run_experiment`` also runs it. Tests import them (``from conftest import experiment``) or take the
``make_experiment`` fixture.
"""

from __future__ import annotations

import pytest


def experiment_text(doses: str = "", *, duration: float = 6.0, species: str = "human", interval_min: float = 5.0,
                    extra: str = "", name: str = "t") -> str:
    """The text of an experiment file: ``[experiment]``, then ``extra`` sections, then ``doses``."""
    return (f'[experiment]\nname = "{name}"\nspecies = "{species}"\nduration_h = {duration}\n'
            f"output_interval_min = {interval_min}\n{extra}\n{doses}")


# a one-hour run with one MDMA dose, as a file's text (CLI tests: bad input, faults)
SHORT_RUN = """[experiment]
name = "{name}"
duration_h = 1.0
output_interval_min = 15.0
[[dose]]
drug = "mdma"
amount_mg = {mg}
"""


def experiment(doses: str = "", *, overrides: dict | None = None, source: str = "test.toml", **kw):
    """A validated experiment (keywords as :func:`experiment_text`; ``overrides`` as ``--set``)."""
    from sim.config import parse_experiment

    return parse_experiment(experiment_text(doses, **kw), source, overrides)


def run_experiment(doses: str = "", **kw):
    """:func:`experiment`, run: a :class:`sim.result.Result`."""
    from sim.runner import run

    return run(experiment(doses, **kw))


@pytest.fixture
def make_experiment():
    return experiment


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long-running test (deselect with -m 'not slow')")
