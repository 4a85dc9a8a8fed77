"""Model assembly: layout, inputs between mechanisms, generated RHS against a hand-written one."""

import numpy as np
import pytest
from numba import njit

from sim.errors import ModelError
from sim.model import Mechanism, Model, Output, State
from sim.params import Parameter
from sim.solver import solve_ensemble


@njit(cache=True)
def _source_rhs(t, y, p, dydt, s, q, x):
    dydt[s] += -p[q] * y[s]


@njit(cache=True)
def _sink_rhs(t, y, p, dydt, s, q, x):
    dydt[s] += p[q] * y[x[0]] - p[q + 1] * y[s]


SOURCE = Mechanism("a", (State("x", "umol", "source", initial=10.0),),
                   (Parameter("k", 0.5, "1/h", "assumed: test"),), _source_rhs,
                   outputs=(Output("x_doubled", "umol", "twice x", lambda st, par: 2 * st["x"]),))
SINK = Mechanism("b", (State("y", "umol", "sink"),),
                 (Parameter("k_in", 0.5, "1/h", "assumed: test"), Parameter("k_out", 0.1, "1/h", "assumed: test")),
                 _sink_rhs, inputs=("a.x",))


def test_layout_and_generated_rhs_match_analytic_solution():
    model = Model([SOURCE, SINK])
    assert model.state_names == ["a.x", "b.y"]
    assert model.parameter_names == ["a.k", "b.k_in", "b.k_out"]
    t = np.linspace(0, 10, 11)
    out = solve_ensemble(model.rhs, model.initial_state(), model.default_parameters(), t,
                         rtol=1e-10, atol=1e-12, autonomous=True)[0]
    x = 10 * np.exp(-0.5 * t)
    y = 10 * 0.5 / (0.1 - 0.5) * (np.exp(-0.5 * t) - np.exp(-0.1 * t))
    np.testing.assert_allclose(out[:, 0], x, rtol=1e-8)
    np.testing.assert_allclose(out[:, 1], y, rtol=1e-7)
    outputs = model.outputs(out[None], model.default_parameters()[None])
    np.testing.assert_allclose(outputs["x_doubled"][0][0], 2 * x, rtol=1e-8)


def test_generated_module_is_reused():
    a, b = Model([SOURCE, SINK]), Model([SOURCE, SINK])
    assert a.rhs is b.rhs


def test_unresolved_input_and_duplicates_are_errors():
    with pytest.raises(ModelError, match="reads 'a.x'"):
        Model([SINK])
    with pytest.raises(ModelError, match="duplicate"):
        Model([SOURCE, SOURCE])


def test_parameter_needs_source_and_default_in_bounds():
    with pytest.raises(ValueError, match="no source"):
        Parameter("k", 1.0, "1/h", "")
    with pytest.raises(ValueError, match="outside"):
        Parameter("k", -1.0, "1/h", "assumed: x")
