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


# one 100-mg oral MDMA dose, as a [[dose]] table
DEFAULT_DOSE = '[[dose]]\ndrug = "mdma"\namount_mg = 100.0\n'

# a one-hour run with one MDMA dose, as a file's text (CLI tests: bad input, faults)
SHORT_RUN = """[experiment]
name = "{name}"
duration_h = 1.0
output_interval_min = 15.0
[[dose]]
drug = "mdma"
amount_mg = {mg}
"""


def sweep_text(*, name: str = "sweep-test", duration: float = 12.0, interval_min: float = 15.0, samples: int = 24,
               vary: str = 'body_weight_kg = { dist = "lognormal", cv = 0.2 }\n',
               factors: str = '"pk.ka" = [0.5, 2.0]\n"pk.cl_2d6" = [0.5, 2.0]\n') -> str:
    """The text of an LHS sweep over one 100-mg MDMA dose (50-150 mg) and the ``factors`` (multipliers
    of parameter defaults), with ``vary`` as its ``[cohort.vary]`` table ("" for none)."""
    return (experiment_text(DEFAULT_DOSE, name=name, duration=duration, interval_min=interval_min,
                            extra="seed = 3\n")
            + (f"\n[cohort.vary]\n{vary}" if vary else "")
            + f'\n[sweep]\nmethod = "lhs"\nsamples = {samples}\n\n[sweep.ranges]\n"dose.0.amount_mg" = [50.0, 150.0]\n'
            + f"\n[sweep.factors]\n{factors}")


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
