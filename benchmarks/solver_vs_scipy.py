"""Ensemble RODAS4 solver vs scipy ``solve_ivp`` (LSODA, BDF) looped over members.

Workload: the 16-state test model of :mod:`benchmarks.models`, 48 h, output every minute
(2881 points), 125 mg oral MDMA at t = 0 and 62.5 mg at t = 2 h, rtol 1e-6 and atol 1e-9 for
every method. Members differ by lognormal (CV 20 %) factors on a few PK parameters.

- Ensemble: :func:`sim.solver.solve_ensemble`, numba-parallel over members; compile time is
  excluded from the timings (a warm-up call runs first) and reported separately, including a cold
  compile in a fresh numba cache directory.
- scipy: one ``solve_ivp`` call per dose interval and member, the dose added to the gut state at
  the interval boundary (the same restart the ensemble solver does). For large N only the first
  members are timed and the total is extrapolated linearly; such rows are marked "extrapolated".
  scipy runs in this one process (one core); the ensemble uses every numba thread. The RHS is
  handed to scipy as the compiled numba function (about 1 us per call); one more row times LSODA
  with the RHS as plain Python (``rhs.py_func``, about 12 us per call), which is how the issue's
  reference figure (41 ms per member) was made.
- numbalsoda (optional, where installed: ``make numbalsoda``): ODEPACK's LSODA called from numba,
  one integration per member in a ``prange`` loop over the ensemble (:mod:`benchmarks.numbalsoda_loop`):
  the strongest per-member baseline, sharing the ensemble's threads, model and output grid.
- Accuracy: each method against scipy Radau at rtol 1e-10 on a few members.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np
import scipy
from scipy.integrate import solve_ivp

from benchmarks import models, numbalsoda_loop
from benchmarks.results_file import write_result
from sim.solver import STAT_FIELDS, solve_ensemble

RTOL = 1e-6
ATOL = 1e-9
T_END = 48.0  # h
DT_OUT = 1.0 / 60.0  # h (one minute)
REF_RTOL = 1e-10
REF_ATOL = 1e-14
ENSEMBLE_CHUNK = 1000  # members per solve_ensemble call: bounds the (N, 2881, 16) output memory
REPO_ROOT = Path(__file__).resolve().parent.parent


def output_times() -> np.ndarray:
    """(2881,) output grid in hours: 0 to 48 h every minute."""
    return np.arange(int(round(T_END / DT_OUT)) + 1) * DT_OUT


def ensemble_inputs(n_members: int):
    """``(y0 (N, 16), params (N, p))`` for the first ``n_members`` members (prefix-stable)."""
    params = models.ensemble_parameters(n_members)
    y0 = np.tile(models.initial_state(), (n_members, 1))
    return y0, params


METHODS = {"NDF": "bdf", "RODAS4": "rodas4"}  # label -> solve_ensemble method; the first is the reference


def run_ensemble(y0, params, t_eval, rtol=RTOL, atol=ATOL, chunk=ENSEMBLE_CHUNK, keep=True, method="bdf"):
    """Solve all members with the ensemble solver (``method``), ``chunk`` members per call.

    Returns ``(out (N, T, 16), counts (N, len(STAT_FIELDS)))``; raises if any member failed.
    With ``keep=False`` each chunk's output is dropped (``out`` is None), so timings do not include
    concatenating gigabytes of trajectories.
    """
    outs, counts = [], []
    for start in range(0, y0.shape[0], chunk):
        stop = start + chunk
        out, info = solve_ensemble(models.rhs, y0[start:stop], params[start:stop], t_eval,
                                   events=models.dose_events(), rtol=rtol, atol=atol, autonomous=True,
                                   return_info=True, jac_sparsity="auto", method=method)
        if not info.ok:
            bad = int(np.flatnonzero(info.status)[0])
            raise RuntimeError(f"ensemble member {start + bad} failed: {info.messages()[bad]}")
        if keep:
            outs.append(out)
        counts.append(info.counts)
    return (np.concatenate(outs) if keep else None), np.concatenate(counts)


def lsoda_prange_for(y0, params, t_eval):
    """A callable solving these members with numbalsoda's LSODA in a prange loop, or None if absent."""
    if not numbalsoda_loop.available():
        return None

    def solve():
        for start in range(0, y0.shape[0], ENSEMBLE_CHUNK):
            stop = start + ENSEMBLE_CHUNK
            numbalsoda_loop.solve(y0[start:stop], params[start:stop], t_eval, RTOL, ATOL)
    return solve


def scipy_member(fun, y0, t_eval, doses, method, rtol=RTOL, atol=ATOL):
    """One member with ``solve_ivp``, restarting at each dose; returns ``(out (T, n), stats)``.

    ``doses`` are rows ``(time, state index, amount)``; doses at or before ``t_eval[0]`` go into
    the initial state, and an output at a dose time includes that dose.
    """
    t_eval = np.asarray(t_eval, dtype=float)
    y = np.array(y0, dtype=float)
    out = np.empty((t_eval.size, y.size))
    t_start, t_end = t_eval[0], t_eval[-1]
    for t_dose, index, amount in doses:
        if t_dose <= t_start:
            y[index] += amount
    cuts = sorted({t for t, _, _ in doses if t_start < t < t_end})
    bounds = [t_start, *cuts, t_end]
    stats = {"nfev": 0, "njev": 0, "nlu": 0}
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        last = b == t_end
        mask = (t_eval >= a) & ((t_eval <= b) if last else (t_eval < b))
        seg_t = t_eval[mask]
        sol = solve_ivp(fun, (a, b), y, method=method, t_eval=seg_t if last else np.append(seg_t, b),
                        rtol=rtol, atol=atol)
        if not sol.success:
            raise RuntimeError(f"solve_ivp {method} failed near t={sol.t[-1]:g} h: {sol.message}")
        out[mask] = sol.y[:, :seg_t.size].T
        for key in stats:
            stats[key] += int(getattr(sol, key))
        y = sol.y[:, -1].copy()
        for t_dose, index, amount in doses:
            if t_dose == b:
                y[index] += amount
    return out, stats


def time_scipy(params, t_eval, method, n_timed, compiled=True):
    """Per-member wall times (s) and mean solver counters of the first ``n_timed`` members."""
    y0 = models.initial_state()
    seconds = []
    totals = {"nfev": 0, "njev": 0, "nlu": 0}
    for m in range(n_timed):
        fun = models.ScipyRHS(params[m], compiled=compiled)
        t0 = time.perf_counter()
        _, stats = scipy_member(fun, y0, t_eval, models.dose_events(), method)
        seconds.append(time.perf_counter() - t0)
        for key in totals:
            totals[key] += stats[key]
    return np.array(seconds), {k: v / n_timed for k, v in totals.items()}


def choose_wrapper(t_eval) -> dict:
    """Time the two scipy wrappers (compiled numba call vs ``rhs.py_func``) per call and on one
    LSODA solve; the faster one is used for every scipy row."""
    params = models.default_parameters()
    y = models.initial_state() + 1.0
    result = {}
    for label, compiled in (("compiled", True), ("py_func", False)):
        fun = models.ScipyRHS(params, compiled=compiled)
        fun(0.0, y)
        n_calls = 20_000
        t0 = time.perf_counter()
        for _ in range(n_calls):
            fun(0.0, y)
        per_call = (time.perf_counter() - t0) / n_calls
        lsoda, _ = time_scipy(params[None, :], t_eval, "LSODA", 1, compiled=compiled)
        result[label] = {"per_call_us": per_call * 1e6, "lsoda_one_member_s": float(lsoda[0])}
    result["chosen"] = min(("compiled", "py_func"), key=lambda k: result[k]["lsoda_one_member_s"])
    return result


def compile_times() -> dict:
    """First-call costs in fresh interpreters: a cold numba cache (compile) and a warm one (load).

    ``import_s`` covers importing ``sim`` and the model (signature-typed kernels compile or load at
    import); ``first_solve_s`` is the first ``solve_ensemble`` call with one member.
    """
    code = (
        "import time, json\n"
        "t0 = time.perf_counter()\n"
        "import numpy as np\n"
        "from benchmarks import models\n"
        "from sim.solver import solve_ensemble\n"
        "t1 = time.perf_counter()\n"
        "solve_ensemble(models.rhs, models.initial_state(), models.default_parameters(),\n"
        "               np.arange(2881) / 60.0, events=models.dose_events(), autonomous=True)\n"
        "t2 = time.perf_counter()\n"
        "print(json.dumps({'import_s': t1 - t0, 'first_solve_s': t2 - t1}))\n"
    )
    result = {}
    with tempfile.TemporaryDirectory() as cache_dir:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir,
                   PYTHONPATH=os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]))
        for label in ("cold_cache", "warm_cache"):
            proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO_ROOT,
                                  capture_output=True, text=True, timeout=600)
            if proc.returncode != 0:
                result[label] = {"error": proc.stderr.strip().splitlines()[-1:]}
                continue
            result[label] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def relative_difference(values, reference) -> tuple[float, str]:
    """Largest ``|values - reference| / max(|reference|, 1e-6 * peak of that state)``, and the
    state where it occurs; arrays are (T, n)."""
    peak = np.abs(reference).max(axis=0)
    scale = np.maximum(np.abs(reference), 1e-6 * np.where(peak > 0, peak, 1.0))
    rel = np.abs(values - reference) / scale
    worst = np.unravel_index(np.argmax(rel), rel.shape)
    return float(rel[worst]), f"{models.STATE_NAMES[worst[1]]} at t={worst[0] * DT_OUT:.2f} h"


def accuracy(n_members, t_eval, compiled) -> list[dict]:
    """Each ensemble method and LSODA (rtol 1e-6) vs scipy Radau at rtol 1e-10 on the first members."""
    y0, params = ensemble_inputs(n_members)
    ens = {label: run_ensemble(y0, params, t_eval, method=m)[0] for label, m in METHODS.items()}
    rows = []
    for m in range(n_members):
        fun = models.ScipyRHS(params[m], compiled=compiled)
        t0 = time.perf_counter()
        ref, _ = scipy_member(fun, y0[m], t_eval, models.dose_events(), "Radau", REF_RTOL, REF_ATOL)
        ref_s = time.perf_counter() - t0
        lsoda, _ = scipy_member(fun, y0[m], t_eval, models.dose_events(), "LSODA")
        row = {"member": m}
        for label, values in (*ens.items(), ("LSODA", lsoda)):
            row[f"{label}_max_rel"], row[f"{label}_worst"] = relative_difference(values[m] if label in ens else values,
                                                                                 ref)
        rows.append({**row, "radau_ref_s": ref_s})
    return rows


def time_size(n, ensembles, scipy_seconds, subset, full, repeat, rows, stats, lsoda_prange=None,
              plain_lsoda_seconds=None) -> float:
    """Append the rows for one ensemble size to ``rows`` and its work counters to ``stats``.

    ``ensembles`` maps a method label to a callable that solves all n members and returns
    ``(out, counts)``; each is timed on all numba threads and on one. ``lsoda_prange()`` (optional)
    solves them with numbalsoda. ``scipy_seconds(method, n_timed)`` returns per-member seconds and
    counters for LSODA and BDF, timed on ``subset[method]`` members and extrapolated unless ``full``;
    ``plain_lsoda_seconds(n_timed)`` (optional) the same for LSODA calling the RHS as a plain Python
    function (``rhs.py_func``: the set-up of the issue's 41 ms reference), on ``subset["plain"]`` members.
    Returns the wall time on all threads of the first ensemble method (s): the reference of the ratios.
    """
    threads = numba.get_num_threads()
    reference = None
    for label, ensemble in ensembles.items():
        _, counts = ensemble()
        stats[f"{n}/{label}"] = {f: float(counts[:, i].mean()) for i, f in enumerate(STAT_FIELDS)}
        wall = _best_time(ensemble, repeat)
        reference = wall if reference is None else reference
        rows.append({"n": n, "method": f"ensemble {label} ({threads} thr)", "wall_s": wall,
                     "timed_members": n, "extrapolated": False, "note": f"best of {repeat}"})
        if threads > 1 and n > 1:
            numba.set_num_threads(1)
            try:
                wall = _best_time(ensemble, max(1, repeat // 2))
            finally:
                numba.set_num_threads(threads)
            rows.append({"n": n, "method": f"ensemble {label} (1 thr)", "wall_s": wall, "timed_members": n,
                         "extrapolated": False, "note": f"best of {max(1, repeat // 2)}"})
    if lsoda_prange is not None:
        lsoda_prange()  # compile
        wall = _best_time(lsoda_prange, repeat)
        rows.append({"n": n, "method": f"numbalsoda LSODA prange ({threads} thr)", "wall_s": wall,
                     "timed_members": n, "extrapolated": False, "note": f"best of {repeat}"})
    for method in ("LSODA", "BDF"):
        n_timed = n if full else min(n, subset[method])
        seconds, scipy_counts = scipy_seconds(method, n_timed)
        extrapolated = n_timed < n
        wall = seconds.mean() * n if extrapolated else seconds.sum()
        stats[f"{n}/scipy {method}"] = scipy_counts
        rows.append({"n": n, "method": f"scipy {method} loop", "wall_s": float(wall),
                     "timed_members": n_timed, "extrapolated": extrapolated,
                     "note": f"extrapolated from {n_timed}" if extrapolated else "measured"})
    if plain_lsoda_seconds is not None:
        n_timed = min(n, subset["plain"])
        seconds, _ = plain_lsoda_seconds(n_timed)
        rows.append({"n": n, "method": "scipy LSODA loop, Python RHS", "wall_s": float(seconds.mean() * n),
                     "timed_members": n_timed, "extrapolated": n_timed < n,
                     "note": f"extrapolated from {n_timed}" if n_timed < n else "measured"})
    return reference


def print_counts(stats: dict) -> None:
    """Per-member work counters, ``stats[f"{N}/{method}"]``: the ensemble's or scipy's."""
    for key, s in stats.items():
        if "steps" not in s:
            print(f"  per member, N={key}: nfev {s['nfev']:.0f}, njev {s['njev']:.1f}, nlu {s['nlu']:.0f}")
        else:
            print(f"  per member, N={key}: steps {s['steps']:.1f}, rejected {s['rejected']:.1f}, "
                  f"rhs {s['rhs_evals']:.0f}, jac {s['jac_evals']:.0f}, lu {s['lu_decompositions']:.0f}")


def machine_info() -> dict:
    """CPU, thread and version facts recorded with every result."""
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), cpu)
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    try:
        layer = numba.threading_layer()
    except ValueError:  # no parallel region has run yet
        layer = None
    return {
        "cpu": cpu, "cpu_count": os.cpu_count(), "usable_cpus": usable,
        "numba_threads": numba.get_num_threads(), "numba_threading_layer": layer,
        "python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
        "numba": numba.__version__, "platform": platform.platform(),
    }


def _best_time(fn, repeat):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _roadrunner_note() -> str:
    try:
        import roadrunner  # noqa: F401
    except ImportError:
        return "libRoadRunner not installed"
    return "libRoadRunner is installed, but this suite has no SBML export of the test model yet; skipped"


def run(quick: bool = False, full: bool = False, out_dir=None) -> dict:
    """Run the suite, print the table, write ``solver_vs_scipy.json`` into ``out_dir``.

    quick: N = 1 and 100, small scipy subsets, one accuracy member (about a minute on 2 cores).
    full: time every scipy member instead of extrapolating (N = 10,000 takes tens of minutes).
    """
    sizes = (1, 100) if quick else (1, 100, 10_000)
    subset = {"LSODA": 20, "BDF": 5, "plain": 3} if quick else {"LSODA": 100, "BDF": 30, "plain": 10}
    n_accuracy = 1 if quick else 3
    t_eval = output_times()
    print(f"solver_vs_scipy: 16-state model, {T_END:g} h, output every minute ({t_eval.size} points), "
          f"rtol {RTOL:g}, atol {ATOL:g}")

    compile_info = compile_times()
    y1, p1 = ensemble_inputs(1)
    t0 = time.perf_counter()
    run_ensemble(y1, p1, t_eval)
    compile_info["first_call_this_process_s"] = time.perf_counter() - t0
    for label in ("cold_cache", "warm_cache"):
        c = compile_info.get(label, {})
        if "error" in c:
            print(f"  first call, {label.replace('_', ' ')}: failed: {c['error']}")
        else:
            print(f"  first call, {label.replace('_', ' ')}: import {c['import_s']:.2f} s "
                  f"+ first solve {c['first_solve_s']:.2f} s")

    wrapper = choose_wrapper(t_eval)
    compiled = wrapper["chosen"] == "compiled"
    print("  scipy RHS wrapper: " + ", ".join(
        f"{k} {wrapper[k]['per_call_us']:.1f} us/call, LSODA {wrapper[k]['lsoda_one_member_s'] * 1e3:.0f} ms"
        for k in ("compiled", "py_func")) + f" -> using {wrapper['chosen']}")

    n_max = max(sizes)
    y_all, p_all = ensemble_inputs(n_max)
    rows, stats = [], {}
    for n in sizes:
        y0, params = y_all[:n], p_all[:n]
        repeat = 20 if n == 1 else (5 if n <= 100 else 2)

        ensembles = {label: (lambda y0=y0, params=params, m=m: run_ensemble(y0, params, t_eval, keep=False, method=m))
                     for label, m in METHODS.items()}

        def scipy_seconds(method, n_timed, params=params):
            return time_scipy(params, t_eval, method, n_timed, compiled)

        ens_wall = time_size(n, ensembles, scipy_seconds, subset, full, repeat, rows, stats,
                             lsoda_prange_for(y0, params, t_eval),
                             lambda n_timed, params=params: time_scipy(params, t_eval, "LSODA", n_timed, False))
        for row in rows:
            if row["n"] == n:
                row["per_member_ms"] = row["wall_s"] / n * 1e3
                row["ratio_to_ensemble"] = row["wall_s"] / ens_wall

    print()
    print(f"{'N':>6}  {'method':<36} {'wall (s)':>10} {'per member (ms)':>16} {'x NDF':>7}  note")
    for r in rows:
        print(f"{r['n']:>6}  {r['method']:<36} {r['wall_s']:>10.3f} {r['per_member_ms']:>16.3f} "
              f"{r['ratio_to_ensemble']:>7.1f}  {r['note']}")
    print()
    print_counts(stats)

    acc = accuracy(n_accuracy, t_eval, compiled)
    print(f"\n  accuracy vs scipy Radau (rtol {REF_RTOL:g}, atol {REF_ATOL:g}); relative difference, "
          "values under 1e-6 of a state's peak compared against that floor:")
    for a in acc:
        print(f"    member {a['member']}: " + ", ".join(f"{label} {a[label + '_max_rel']:.2e} ({a[label + '_worst']})"
                                                     for label in (*METHODS, "LSODA"))
              + f"; reference took {a['radau_ref_s']:.1f} s")
    note = _roadrunner_note()
    print(f"  {note}")

    result = {
        "suite": "solver_vs_scipy", "quick": quick, "full": full,
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine_info(),
        "settings": {"t_end_h": T_END, "dt_out_h": DT_OUT, "n_outputs": int(t_eval.size), "rtol": RTOL,
                     "atol": ATOL, "doses": [list(d) for d in models.dose_events()],
                     "n_states": models.N_STATES, "varied": list(models.VARIED), "cv": 0.2,
                     "ensemble_chunk": ENSEMBLE_CHUNK, "scipy_subset": None if full else subset},
        "compile": compile_info, "scipy_wrapper": wrapper, "rows": rows, "solver_stats": stats,
        "accuracy": {"reference": f"scipy Radau rtol {REF_RTOL:g} atol {REF_ATOL:g}", "members": acc},
        "roadrunner": note,
    }
    path = write_result(result, "solver_vs_scipy", out_dir)
    print(f"  wrote {path}")
    return result
