"""Analytic vs finite-difference Jacobian, and two peers, per member in one run.

Two models: the 16-state test model of :mod:`benchmarks.models` (wrapped as one mechanism, so that
:mod:`sim.analytic` can trace it) and the whole human cascade (``build_model("human", ("mdma",))``,
as in :mod:`benchmarks.pk_model`). Same workload for every row: 48 h, output every minute (2881
points), the model's doses (test model: 125 mg at 0 h and 62.5 mg at 2 h; cascade: 125 mg MDMA.HCl
at 0 h), rtol 1e-6 and atol 1e-9, the same members.

- NDF analytic: :func:`sim.solver.solve_ensemble` (method ``bdf``) with the generated Jacobian and its
  sparsity pattern (sparse LU), as ``sim run`` now does by default.
- NDF finite-difference: the same call without ``jac``, on the pattern ``jac_sparsity="auto"`` detects and
  verifies for these members (found once, before the timing): the previous default path of ``sim run``.
- NDF finite-difference, dense: one RHS call per column (what ``sim run`` does for fewer than 32 runs,
  where no pattern is detected).
- RODAS4 analytic / finite-difference / dense: the same for the one-step method (``sim run``'s default).
- libRoadRunner (CVODE; optional): the model exported by :mod:`sim.export` as SBML, one RoadRunner per
  member (loading and JIT compiling the model are not timed), ``simulate`` over the same grid.
- scipy LSODA: ``solve_ivp`` per member with the compiled RHS (restarting at each dose).

Every solver runs on one thread (numba's ensemble kernels with ``NUMBA_NUM_THREADS`` = 1), so the per
member times compare like with like on a shared machine; read the ratios, which are taken in one run.
Accuracy: each row's worst difference from the NDF-analytic trajectory of member 0, relative to each
state's (or output's) peak.
"""

from __future__ import annotations

import os
import time

import numpy as np
from numba import njit

from benchmarks import models, pk_model
from benchmarks.models import rhs as model_rhs
from benchmarks.results_file import write_result
from benchmarks.solver_vs_scipy import machine_info, output_times, scipy_member
from sim.model import Mechanism, Model, State
from sim.params import Parameter
from sim.solver import ensemble_sparsity, solve_ensemble

RTOL = 1e-6
ATOL = 1e-9


@njit(cache=True)
def bench_fragment(t, y, p, dydt, s, q, x):
    """The test model's RHS as a mechanism fragment (the whole state vector, offsets 0)."""
    model_rhs(t, y, p, dydt)


def test_model() -> Model:
    """The 16-state test model as a :class:`sim.model.Model` (one mechanism)."""
    names = [name for name, *_ in models.PK_PARAMETERS]
    names += [f"{t}_{f}" for t in models.TERMINALS for f, *_ in models.TERMINAL_FIELDS]
    values = models.default_parameters()
    params = tuple(Parameter(n, float(v), "1", "assumed: benchmark test model (benchmarks/models.py)")
                   for n, v in zip(names, values, strict=True))
    y0 = models.initial_state()
    states = tuple(State(f"y{i}", "1", "test model state", float(v)) for i, v in enumerate(y0))
    return Model([Mechanism("test", states, params, bench_fragment)])


def _members(label, model, n):
    if label == "test model":
        return models.ensemble_parameters(n), models.dose_events()
    return pk_model.subject_parameters(model, n), pk_model.dose_rows(model)


def _roadrunner(model, params, doses, t_eval, n_timed):
    """Per-member seconds of libRoadRunner and member 0's states (T, n), or None where not installed."""
    try:
        import roadrunner
    except ImportError:
        return None, None
    from dataclasses import replace

    from sim.export import Assembled, to_sbml
    from sim.symbolic import symbolic

    sym = symbolic(model, params[0])
    seconds, first = [], None
    names = [str(s) for s in sym.state_symbols]
    for m in range(n_timed):
        text = to_sbml(Assembled("bench", replace(sym, parameter_values=params[m]), doses, float(t_eval[-1])))
        rr = roadrunner.RoadRunner(text)
        rr.integrator.relative_tolerance = RTOL
        rr.integrator.absolute_tolerance = ATOL
        rr.integrator.maximum_num_steps = 200_000
        t0 = time.perf_counter()
        data = rr.simulate(float(t_eval[0]), float(t_eval[-1]), int(t_eval.size), ["time", *names])
        seconds.append(time.perf_counter() - t0)
        if m == 0:
            first = np.asarray(data)[:, 1:]
    return np.array(seconds), first


def _worst(values, reference) -> float:
    peak = np.abs(reference).max(axis=0)
    scale = np.where(peak > 0, peak, 1.0)
    return float((np.abs(values - reference) / scale).max())


def table(label, model, n_members, n_timed, repeat=3) -> list[dict]:
    """Rows for one model: method, per-member ms, ratio to NDF finite-difference, accuracy."""
    from sim.analytic import analytic_jacobian

    t_eval = output_times()
    params, doses = _members(label, model, n_members)
    y0 = np.tile(model.initial_state(), (n_members, 1))
    found = analytic_jacobian(model, params)
    if found is None:
        raise RuntimeError(f"{label}: no analytic Jacobian (is sympy installed?)")
    jac, pattern = found
    fd_pattern = ensemble_sparsity(model.rhs, y0, params, t_eval, doses, RTOL, ATOL, autonomous=True, method="bdf")
    solves = {
        "NDF analytic": dict(method="bdf", jac=jac, jac_sparsity=pattern),
        "NDF finite-difference": dict(method="bdf", jac_sparsity=fd_pattern),
        "NDF finite-difference, dense": dict(method="bdf", jac_sparsity=None),
        "RODAS4 analytic": dict(method="rodas4", jac=jac, jac_sparsity=pattern),
        "RODAS4 finite-difference": dict(method="rodas4", jac_sparsity=fd_pattern),
        "RODAS4 finite-difference, dense": dict(method="rodas4", jac_sparsity=None),
    }
    rows, ref = [], None
    for name, options in solves.items():
        def call(options=options):
            return solve_ensemble(model.rhs, y0, params, t_eval, events=doses, rtol=RTOL, atol=ATOL,
                                  autonomous=True, return_info=True, **options)
        out, info = call()  # warm-up (compiles)
        if not info.ok:
            raise RuntimeError(f"{label} {name}: {info.messages()[int(np.flatnonzero(info.status)[0])]}")
        best = min(_timed(call) for _ in range(repeat))
        ref = out[0] if ref is None else ref
        rows.append({"model": label, "method": name, "n": n_members, "per_member_ms": best / n_members * 1e3,
                     "steps": float(info["steps"].mean()), "rhs_calls": float(info["rhs_evals"].mean()),
                     "jacobians": float(info["jac_evals"].mean()), "max_rel_vs_ndf_analytic": _worst(out[0], ref)})
    seconds, first = _roadrunner(model, params, doses, t_eval, n_timed)
    if seconds is not None:
        rows.append({"model": label, "method": "libRoadRunner (CVODE)", "n": n_timed,
                     "per_member_ms": float(np.median(seconds)) * 1e3, "max_rel_vs_ndf_analytic": _worst(first, ref)})
    lsoda, first = [], None
    for m in range(n_timed):
        p = np.ascontiguousarray(params[m])

        def fun(t, y, p=p):
            d = np.empty(y.size)
            model.rhs(float(t), np.ascontiguousarray(y), p, d)
            return d
        t0 = time.perf_counter()
        out, _ = scipy_member(fun, model.initial_state(), t_eval, doses, "LSODA", RTOL, ATOL)
        lsoda.append(time.perf_counter() - t0)
        first = out if first is None else first
    rows.append({"model": label, "method": "scipy LSODA", "n": n_timed,
                 "per_member_ms": float(np.median(lsoda)) * 1e3, "max_rel_vs_ndf_analytic": _worst(first, ref)})
    fd = next(r["per_member_ms"] for r in rows if r["method"] == "NDF finite-difference")
    for r in rows:
        r["x_ndf_fd"] = r["per_member_ms"] / fd
    return rows


def _timed(call) -> float:
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


def run(quick: bool = False, full: bool = False, out_dir=None) -> dict:
    """Print the table for both models and write ``jacobian.json`` into ``out_dir``."""
    import numba

    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    load = os.getloadavg()[0]
    n_members, n_timed = (8, 4) if quick else (32, 8)
    try:
        rows = table("test model", test_model(), n_members, n_timed)
        rows += table("whole human cascade", pk_model.load_model(cascade=True), n_members, n_timed)
    finally:
        numba.set_num_threads(threads)
    print(f"jacobian: 48 h, output every minute, rtol {RTOL:g}, atol {ATOL:g}; one thread; "
          f"{n_members} members (libRoadRunner and LSODA: {n_timed}); load average {load:.1f} at the start")
    print(f"  {'model':<20} {'method':<32} {'per member (ms)':>15} {'x NDF FD':>9} {'steps':>7} "
          f"{'RHS calls':>9} {'Jacobians':>9} {'vs NDF analytic':>15}")
    for r in rows:
        print(f"  {r['model']:<20} {r['method']:<32} {r['per_member_ms']:>15.2f} {r['x_ndf_fd']:>9.2f} "
              f"{r.get('steps', float('nan')):>7.0f} {r.get('rhs_calls', float('nan')):>9.0f} "
              f"{r.get('jacobians', float('nan')):>9.0f} {r['max_rel_vs_ndf_analytic']:>15.1e}")
    result = {"suite": "jacobian", "quick": quick, "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "load_average_start": load, "load_average_end": os.getloadavg()[0], "machine": machine_info(),
              "settings": {"rtol": RTOL, "atol": ATOL, "t_end_h": float(output_times()[-1]),
                           "n_outputs": int(output_times().size), "n_members": n_members, "n_timed": n_timed},
              "rows": rows}
    path = write_result(result, "jacobian", out_dir)
    print(f"  load average {result['load_average_end']:.1f} at the end; wrote {path}")
    return result


if __name__ == "__main__":
    import sys

    run(quick="--quick" in sys.argv[1:])
