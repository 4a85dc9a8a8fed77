"""The project's own human MDMA PK model as an ensemble: RODAS4 vs scipy ``solve_ivp`` loops.

Workload: ``sim.assembly.build_model("human")`` (the composed, compiled ``sim.kinetics.drugs.mdma`` model),
virtual subjects, 48 h, output every minute (2881 points), one oral dose of 125 mg MDMA
hydrochloride (as free base, in umol) into the gut at t = 0, rtol 1e-6 and atol 1e-9 for every
method. Subjects differ by lognormal factors (median 1) with CV 30 % on ``pk.ka``, ``pk.cl_2d6``,
``pk.cl_other``, ``pk.cl_renal`` and ``pk.v_central``, and CV 18 % on ``pk.body_weight_kg``,
seeded and clipped to each parameter's allowed range.

- Ensemble: :func:`sim.solver.solve_ensemble` on ``model.rhs``, numba-parallel over members, in
  chunks of 1000 members; a warm-up call runs first, so compile time is not in the timings.
- scipy: one ``solve_ivp`` call per member (the dose at t = 0 goes into the initial state), the
  compiled ``model.rhs`` wrapped as ``fun(t, y)``. For large N only the first members are timed and
  the total is extrapolated linearly (rows marked "extrapolated") unless ``full``. scipy runs in
  this one process (one core); the ensemble uses every numba thread.
- Accuracy: ensemble and LSODA against scipy Radau at rtol 1e-10 on a few members, both on the
  whole state vector (relative, with a floor of 1e-6 of each state's peak) and on plasma MDMA
  (ng/mL, the model's ``plasma_mdma`` output: central amount / weight-scaled central volume).
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks.results_file import write_result
from benchmarks.solver_vs_scipy import machine_info, output_times, print_counts, scipy_member, time_size
from sim.solver import solve_ensemble

RTOL = 1e-6
ATOL = 1e-9
T_END = 48.0  # h
DT_OUT = 1.0 / 60.0  # h (one minute)
REF_RTOL = 1e-10
REF_ATOL = 1e-14
ENSEMBLE_CHUNK = 1000  # members per solve_ensemble call: bounds the (N, 2881, 11) output memory
SPECIES = "human"
DOSE_MG_HCL = 125.0  # mg MDMA hydrochloride, oral, t = 0
VARIED = {"pk.ka": 0.30, "pk.cl_2d6": 0.30, "pk.cl_other": 0.30, "pk.cl_renal": 0.30,
          "pk.v_central": 0.30, "pk.body_weight_kg": 0.18}  # parameter -> CV of its lognormal factor
SEED = 20240612


def load_model(cascade=False):
    """The human PK model, or with ``cascade`` the whole MDMA cascade (PK, the three monoamine
    terminals, receptors, oxytocin and physiology). Built once per process; RHS cached on disk."""
    from sim.assembly import build_model

    return build_model(SPECIES, ("mdma",)) if cascade else build_model(SPECIES)


def dose_rows(model) -> list[tuple[float, int, float]]:
    """Dose rows ``(time h, state index, amount umol)``: 125 mg MDMA.HCl orally at t = 0."""
    from sim.units import mg_to_umol, salt_to_base_fraction

    amount = float(mg_to_umol(DOSE_MG_HCL * salt_to_base_fraction("mdma"), "mdma"))
    return [(0.0, model.dose_target("mdma", "oral"), amount)]


def subject_parameters(model, n_members: int, seed: int = SEED) -> np.ndarray:
    """(n_members, p) parameters: defaults times lognormal factors (median 1) on ``VARIED``.

    Draws fill subject by subject, so the first k subjects are the same whatever ``n_members`` is
    (subsets can be timed). Values are clipped to each parameter's allowed range.
    """
    names = list(VARIED)
    index = [model.parameter_index(name) for name in names]
    sigma = np.sqrt(np.log1p(np.square([VARIED[name] for name in names])))
    z = np.random.default_rng(seed).standard_normal((n_members, len(names)))
    params = np.tile(model.default_parameters(), (n_members, 1))
    params[:, index] *= np.exp(sigma * z)
    for i, name in zip(index, names, strict=True):
        par = model.parameter(name)
        params[:, i] = np.clip(params[:, i], par.lower, par.upper)
    return params


class ScipyRHS:
    """``fun(t, y)`` for :func:`scipy.integrate.solve_ivp` around the compiled ``model.rhs``.

    Writes into a fresh array each call, since scipy's BDF keeps references to earlier returned
    derivatives.
    """

    def __init__(self, rhs, params):
        self.rhs = rhs
        self.params = np.ascontiguousarray(params, dtype=float)

    def __call__(self, t, y):
        dydt = np.empty(y.shape[0])
        self.rhs(float(t), np.ascontiguousarray(y, dtype=float), self.params, dydt)
        return dydt


def run_ensemble(model, y0, params, t_eval, rtol=RTOL, atol=ATOL, chunk=ENSEMBLE_CHUNK, keep=True, method="bdf"):
    """Solve all members with the ensemble solver, ``chunk`` members per call.

    Returns ``(out (N, T, n) or None, counts (N, len(STAT_FIELDS)))``; raises if any member failed.
    """
    rows = dose_rows(model)
    outs, counts = [], []
    for start in range(0, y0.shape[0], chunk):
        stop = start + chunk
        out, info = solve_ensemble(model.rhs, y0[start:stop], params[start:stop], t_eval, events=rows,
                                   rtol=rtol, atol=atol, autonomous=True, return_info=True,
                                   jac_sparsity="auto", method=method)
        if not info.ok:
            bad = int(np.flatnonzero(info.status)[0])
            raise RuntimeError(f"ensemble member {start + bad} failed: {info.messages()[bad]}")
        if keep:
            outs.append(out)
        counts.append(info.counts)
    return (np.concatenate(outs) if keep else None), np.concatenate(counts)


def time_scipy(model, params, t_eval, method, n_timed):
    """Per-member wall times (s) and mean solver counters of the first ``n_timed`` members."""
    y0 = model.initial_state()
    rows = dose_rows(model)
    seconds = []
    totals = {"nfev": 0, "njev": 0, "nlu": 0}
    for m in range(n_timed):
        fun = ScipyRHS(model.rhs, params[m])
        t0 = time.perf_counter()
        _, stats = scipy_member(fun, y0, t_eval, rows, method)
        seconds.append(time.perf_counter() - t0)
        for key in totals:
            totals[key] += stats[key]
    return np.array(seconds), {k: v / n_timed for k, v in totals.items()}


def relative_difference(values, reference, names) -> tuple[float, str]:
    """Largest ``|values - reference| / max(|reference|, 1e-6 * peak of that column)`` and where;
    arrays are (T, k), ``names`` the k column names."""
    peak = np.abs(reference).max(axis=0)
    scale = np.maximum(np.abs(reference), 1e-6 * np.where(peak > 0, peak, 1.0))
    rel = np.abs(values - reference) / scale
    worst = np.unravel_index(np.argmax(rel), rel.shape)
    return float(rel[worst]), f"{names[worst[1]]} at t={worst[0] * DT_OUT:.2f} h"


def plasma_mdma(model, states, params) -> np.ndarray:
    """(N, T) plasma MDMA (ng/mL) from states (N, T, n) via the model's own output."""
    return model.outputs(states, params)["plasma_mdma"][0]


def accuracy(model, n_members, t_eval) -> list[dict]:
    """Ensemble and LSODA (rtol 1e-6) vs scipy Radau at rtol 1e-10 on the first members."""
    params = subject_parameters(model, n_members)
    y0 = np.tile(model.initial_state(), (n_members, 1))
    rows = dose_rows(model)
    ens, _ = run_ensemble(model, y0, params, t_eval, method="bdf")
    rodas, _ = run_ensemble(model, y0, params, t_eval, method="rodas4")
    ens_cp = plasma_mdma(model, ens, params)
    rodas_cp = plasma_mdma(model, rodas, params)
    names = list(model.state_names)
    result = []
    for m in range(n_members):
        fun = ScipyRHS(model.rhs, params[m])
        t0 = time.perf_counter()
        ref, _ = scipy_member(fun, y0[m], t_eval, rows, "Radau", REF_RTOL, REF_ATOL)
        ref_s = time.perf_counter() - t0
        lsoda, _ = scipy_member(fun, y0[m], t_eval, rows, "LSODA")
        ref_cp, lsoda_cp = plasma_mdma(model, np.stack([ref, lsoda]), params[[m, m]])
        ens_rel, ens_where = relative_difference(ens[m], ref, names)
        rodas_rel, rodas_where = relative_difference(rodas[m], ref, names)
        lsoda_rel, lsoda_where = relative_difference(lsoda, ref, names)
        cp_floor = 1e-6 * np.abs(ref_cp).max()
        cp_scale = np.maximum(np.abs(ref_cp), cp_floor)
        result.append({
            "member": m, "ensemble_max_rel": ens_rel, "ensemble_worst": ens_where,
            "rodas4_max_rel": rodas_rel, "rodas4_worst": rodas_where,
            "rodas4_plasma_mdma_max_rel": float((np.abs(rodas_cp[m] - ref_cp) / cp_scale).max()),
            "lsoda_max_rel": lsoda_rel, "lsoda_worst": lsoda_where,
            "plasma_mdma_peak_ng_ml": float(np.abs(ref_cp).max()),
            "ensemble_plasma_mdma_max_rel": float((np.abs(ens_cp[m] - ref_cp) / cp_scale).max()),
            "lsoda_plasma_mdma_max_rel": float((np.abs(lsoda_cp - ref_cp) / cp_scale).max()),
            "radau_ref_s": ref_s,
        })
    return result


def run(quick: bool = False, full: bool = False, out_dir=None, cascade: bool = False) -> dict:
    """Run the suite, print the table, write ``pk_model.json`` (``cascade_model.json`` for the
    whole cascade, ``cascade=True``) into ``out_dir``.

    quick: N = 1 and 100, small scipy subsets, one accuracy member.
    full: time every scipy member instead of extrapolating (N = 10,000 takes a long while).
    """
    sizes = (1, 100) if quick else (1, 100, 10_000)
    subset = {"LSODA": 20, "BDF": 5} if quick else {"LSODA": 100, "BDF": 30}
    n_accuracy = 1 if quick else 3
    t_eval = output_times()

    t0 = time.perf_counter()
    model = load_model(cascade)
    suite = "cascade_model" if cascade else "pk_model"
    rhs = model.rhs
    build_s = time.perf_counter() - t0
    n_states = model.n_states
    print(f"{suite}: sim model {SPECIES!r} ({n_states} states, {model.default_parameters().size} "
          f"parameters), {T_END:g} h, output every minute ({t_eval.size} points), "
          f"{DOSE_MG_HCL:g} mg MDMA.HCl oral at t=0, rtol {RTOL:g}, atol {ATOL:g}")
    print("  varied (lognormal, median = default): "
          + ", ".join(f"{name} CV {cv:.0%}" for name, cv in VARIED.items()))

    y1 = model.initial_state()[None, :]
    p1 = subject_parameters(model, 1)
    t0 = time.perf_counter()
    run_ensemble(model, y1, p1, t_eval)
    first_call = time.perf_counter() - t0
    ScipyRHS(rhs, p1[0])(0.0, y1[0])
    print(f"  model build + load {build_s:.2f} s, first ensemble call {first_call:.2f} s")

    n_max = max(sizes)
    p_all = subject_parameters(model, n_max)
    y_all = np.tile(model.initial_state(), (n_max, 1))
    rows, stats = [], {}
    for n in sizes:
        y0, params = y_all[:n], p_all[:n]
        repeat = 20 if n == 1 else (5 if n <= 100 else 2)

        ensembles = {label: (lambda y0=y0, params=params, m=m: run_ensemble(model, y0, params, t_eval, keep=False,
                                                                            method=m))
                     for label, m in (("NDF", "bdf"), ("RODAS4", "rodas4"))}

        def scipy_seconds(method, n_timed, params=params):
            return time_scipy(model, params, t_eval, method, n_timed)

        ens_wall = time_size(n, ensembles, scipy_seconds, subset, full, repeat, rows, stats)
        here = [r for r in rows if r["n"] == n]
        walls = {m: next(r["wall_s"] for r in here if r["method"] == f"scipy {m} loop") for m in ("LSODA", "BDF")}
        for row in here:
            row["per_member_ms"] = row["wall_s"] / n * 1e3
            row["ratio_to_ensemble"] = row["wall_s"] / ens_wall
            row["lsoda_over_this"] = walls["LSODA"] / row["wall_s"]
            row["bdf_over_this"] = walls["BDF"] / row["wall_s"]

    print()
    print(f"{'N':>6}  {'method':<30} {'wall (s)':>10} {'per member (ms)':>16} {'x NDF':>11} "
          f"{'LSODA/this':>11} {'BDF/this':>9}  note")
    for r in rows:
        print(f"{r['n']:>6}  {r['method']:<30} {r['wall_s']:>10.3f} {r['per_member_ms']:>16.3f} "
              f"{r['ratio_to_ensemble']:>11.2f} {r['lsoda_over_this']:>11.1f} {r['bdf_over_this']:>9.1f}  "
              f"{r['note']}")
    print()
    print_counts(stats)

    acc = accuracy(model, n_accuracy, t_eval)
    print(f"\n  accuracy vs scipy Radau (rtol {REF_RTOL:g}, atol {REF_ATOL:g}); relative difference, "
          "values under 1e-6 of a state's peak compared against that floor:")
    for a in acc:
        print(f"    member {a['member']}: states: NDF {a['ensemble_max_rel']:.2e} ({a['ensemble_worst']}), "
              f"RODAS4 {a['rodas4_max_rel']:.2e}, "
              f"LSODA {a['lsoda_max_rel']:.2e} ({a['lsoda_worst']}); plasma MDMA (peak "
              f"{a['plasma_mdma_peak_ng_ml']:.0f} ng/mL): ensemble {a['ensemble_plasma_mdma_max_rel']:.2e}, "
              f"LSODA {a['lsoda_plasma_mdma_max_rel']:.2e}; reference took {a['radau_ref_s']:.1f} s")

    result = {
        "suite": suite, "quick": quick, "full": full,
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine_info(),
        "settings": {"species": SPECIES, "t_end_h": T_END, "dt_out_h": DT_OUT, "n_outputs": int(t_eval.size),
                     "rtol": RTOL, "atol": ATOL, "doses": [list(d) for d in dose_rows(model)],
                     "dose_mg_hcl": DOSE_MG_HCL, "n_states": n_states, "state_names": list(model.state_names),
                     "varied_cv": VARIED, "seed": SEED, "ensemble_chunk": ENSEMBLE_CHUNK,
                     "scipy_subset": None if full else subset, "scipy_rhs": "compiled model.rhs"},
        "compile": {"model_build_s": build_s, "first_call_this_process_s": first_call},
        "rows": rows, "solver_stats": stats,
        "accuracy": {"reference": f"scipy Radau rtol {REF_RTOL:g} atol {REF_ATOL:g}", "members": acc},
    }
    path = write_result(result, suite, out_dir, default=_json_default)
    print(f"  wrote {path}")
    return result


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
