"""Problem -> trajectory: the one path from an assembled model to integrated time courses.

Every simulation (a run, a cohort, a trial's drug sessions, an SSRI pre-load, a sweep chunk) is a
:class:`Problem`: the model, one parameter row per ensemble member, the output times, the dose events
(state jumps at exact times), the start states and the solver settings. :func:`solve` is the only
caller of :func:`sim.solver.solve_ensemble` outside the solver package, so every path integrates with
the same options (autonomous right-hand side; the analytic Jacobian with its sparsity pattern where it can be
generated, else finite differences on a pattern detected and verified where it pays).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model import Model
from sim.solver import Events, SolverInfo, solve_ensemble


@dataclass(frozen=True)
class SolverSettings:
    """``[solver]`` of an experiment: method (rodas4 | bdf), tolerances, step limit per member, and the
    Jacobian: "analytic" (generated from the model's symbolic form, :mod:`sim.analytic`; finite
    differences where it cannot be had) or "finite-difference"."""

    method: str = "rodas4"
    rtol: float = 1e-6
    atol: float = 1e-9
    max_steps: int = 200_000
    jacobian: str = "analytic"
    backend: str = "cpu"  # "cuda": one member per GPU thread (sim.solver.cuda)

    @classmethod
    def of(cls, exp) -> SolverSettings:
        return cls(exp.solver_method, exp.rtol, exp.atol, exp.max_steps, exp.solver_jacobian, exp.solver_backend)


@dataclass(frozen=True)
class Problem:
    """What to integrate. ``params`` (N, p); ``t_eval`` (T,) h; ``events`` per member or shared;
    ``y0`` (N, n) start states (None: every member starts from the model's drug-free steady state);
    ``jac_sparsity``: "auto" (detect and verify), a pattern, or None (dense)."""

    model: Model
    params: np.ndarray
    t_eval: np.ndarray
    events: Events
    solver: SolverSettings
    y0: np.ndarray | None = None
    jac_sparsity: object = "auto"


@dataclass(frozen=True)
class Trajectory:
    """States (N, T, n) at ``time`` for every member, with the solver's per-member status and counters."""

    problem: Problem
    time: np.ndarray
    states: np.ndarray
    info: SolverInfo

    @property
    def status(self) -> np.ndarray:
        return np.asarray(self.info.status)

    def outputs(self) -> dict[str, tuple[np.ndarray, str, str]]:
        """Every output of the model: name -> (values (N, T), unit, long name)."""
        return self.problem.model.outputs(self.states, self.problem.params)

    def final_states(self) -> np.ndarray:
        return self.states[:, -1]


def solve(problem: Problem) -> Trajectory:
    """Integrate ``problem`` (see :func:`sim.solver.solve_ensemble` for the method and its guarantees)."""
    model, params = problem.model, problem.params
    y0 = problem.y0 if problem.y0 is not None else np.tile(model.initial_state(), (params.shape[0], 1))
    s = problem.solver
    if s.backend == "cpu":  # a cold cache: a child process compiles the kernel and the model's RHS while this
        from sim.solver import warmup  # one derives and compiles the analytic Jacobian

        model_file, written = model.generated_file()
        warmup.start(s.method, params.shape[0], model_file if written else None)
    jac, pattern = None, problem.jac_sparsity
    if s.jacobian == "analytic":
        from sim.analytic import analytic_jacobian

        found = analytic_jacobian(model, params)
        if found is not None:
            jac, pattern = found
    if s.backend == "cpu":
        warmup.wait_model(model_file)
    states, info = solve_ensemble(model.rhs, y0, params, problem.t_eval, problem.events, rtol=s.rtol, atol=s.atol,
                                  autonomous=True, max_steps=s.max_steps, return_info=True, jac=jac,
                                  jac_sparsity=pattern, method=s.method, backend=s.backend)
    return Trajectory(problem, np.asarray(problem.t_eval, float), states, info)


def parameter_fields(model: Model, params: np.ndarray) -> dict:
    """The parameter part of a :class:`sim.result.Result`: each parameter's value per run (N,), unit and
    source, by qualified name."""
    return {"params": {n: params[:, i] for i, n in enumerate(model.parameter_names)},
            "param_units": {n: p.unit for n, p in zip(model.parameter_names, model.parameters, strict=True)},
            "param_sources": {n: p.source for n, p in zip(model.parameter_names, model.parameters, strict=True)}}
