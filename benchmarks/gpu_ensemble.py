"""The GPU ensemble path (``solve_ensemble(..., backend="cuda")``) against the CPU path on the whole cascade.

Workload: the whole human MDMA cascade (``build_model("human", ("mdma",))``: PK, the three monoamine
terminals, receptors, oxytocin, physiology, endocrine, water), 125 mg MDMA.HCl orally at t = 0,
48 h with output every 10 min (289 times), subjects varied as in :mod:`benchmarks.pk_model`, RODAS4
at rtol 1e-6 / atol 1e-9 with the analytic Jacobian where it can be generated (else forward
differences, on both paths alike). Only the central MDMA amount is kept, so that 10^6 members'
output fits in host memory.

Measured where a CUDA GPU is present: the first (compiling) call on 64 members, then wall time and
members per second at 10^4, 10^5 and 10^6 members (``--quick``: 10^4 only), against the CPU path
(numba threads) on 1,000 members (``--quick``: 200) in the same process; and the largest difference
between the two paths on those members, in units of the tolerance (``atol + rtol |y|``).

Without a GPU (numba's CUDA simulator does not count: it runs the kernel in Python threads) the
script says "no GPU" and measures nothing; the CUDA path's agreement with the CPU path is then
checked by ``tests/test_solver_cuda.py`` on the simulator.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.results_file import results_dir, write_result

RTOL, ATOL = 1e-6, 1e-9
DURATION_H, OUTPUT_MIN = 48.0, 10.0


def gpu_reason() -> str | None:
    """None where a real GPU runs the kernel, else why not."""
    from sim.gpu import simulated, unavailable_reason

    if simulated():
        return "numba's CUDA simulator is on (NUMBA_ENABLE_CUDASIM=1): it is not a GPU"
    return unavailable_reason()


def _solve(model, jac, params, t_eval, events, keep, backend):
    from sim.solver import solve_ensemble

    y0 = model.initial_state()
    t0 = time.perf_counter()
    out, info = solve_ensemble(model.rhs, y0, params, t_eval, events, rtol=RTOL, atol=ATOL, autonomous=True,
                               return_info=True, jac=jac, save_idx=keep, backend=backend)
    return out, info, time.perf_counter() - t0


def run(quick: bool = False, full: bool = False, out_dir=None) -> dict:
    out_dir = results_dir(out_dir)
    result = {"suite": "gpu_ensemble", "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    reason = gpu_reason()
    if reason is not None:
        print(f"  gpu_ensemble: no GPU ({reason}); nothing measured")
        result["gpu"] = None
        result["reason"] = reason
        write_result(result, "gpu_ensemble", out_dir)
        return result

    from numba import cuda

    from benchmarks.pk_model import dose_rows, load_model, subject_parameters
    from sim.analytic import analytic_jacobian
    from sim.solver import Events

    name = cuda.get_current_device().name
    result["gpu"] = name.decode() if isinstance(name, bytes) else str(name)
    model = load_model(cascade=True)
    sizes = [10_000] if quick else [10_000, 100_000, 1_000_000]
    n_cpu = 200 if quick else 1000
    params_all = subject_parameters(model, max(sizes))
    found = analytic_jacobian(model, params_all[:n_cpu])
    jac = found[0] if found is not None else None
    t_eval = np.linspace(0.0, DURATION_H, int(DURATION_H * 60 / OUTPUT_MIN) + 1)
    events = Events.from_rows(dose_rows(model))
    keep = np.array([model.state_index("pk.central")])
    result.update(states=model.n_states, jacobian="analytic" if jac is not None else "finite differences",
                  output_times=t_eval.size)

    _, _, compile_s = _solve(model, jac, params_all[:64], t_eval, events, keep, "cuda")
    print(f"  gpu_ensemble: {result['gpu']}, {model.n_states} states; first call (compiles) {compile_s:.1f} s")
    result["first_call_s"] = compile_s

    cpu_out, cpu_info, cpu_s = _solve(model, jac, params_all[:n_cpu], t_eval, events, keep, "cpu")
    import numba

    result["cpu"] = {"members": n_cpu, "threads": numba.get_num_threads(), "wall_s": cpu_s,
                     "members_per_s": n_cpu / cpu_s, "failed": int((cpu_info.status != 0).sum())}
    print(f"  cpu  N={n_cpu:>8}: {cpu_s:8.2f} s  {n_cpu / cpu_s:10.0f} members/s "
          f"({numba.get_num_threads()} threads)")
    result["points"] = []
    for n in sizes:
        out, info, wall = _solve(model, jac, params_all[:n], t_eval, events, keep, "cuda")
        point = {"members": n, "wall_s": wall, "members_per_s": n / wall, "failed": int((info.status != 0).sum()),
                 "vs_cpu": (n / wall) / result["cpu"]["members_per_s"]}
        if n >= n_cpu:
            a, b = cpu_out, out[:n_cpu]
            point["max_diff_in_tolerance"] = float(np.nanmax(np.abs(a - b) / (ATOL + RTOL * np.abs(a))))
        result["points"].append(point)
        print(f"  cuda N={n:>8}: {wall:8.2f} s  {n / wall:10.0f} members/s  x{point['vs_cpu']:.1f} the CPU path"
              + (f"  max |gpu - cpu| {point['max_diff_in_tolerance']:.2g} tolerances"
                 if "max_diff_in_tolerance" in point else "")
              + (f"  failed {point['failed']}" if point["failed"] else ""), flush=True)
        del out
    write_result(result, "gpu_ensemble", out_dir)
    return result


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    run(quick="--quick" in sys.argv[1:], full="--full" in sys.argv[1:])
