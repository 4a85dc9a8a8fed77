"""Sweep scaling: 1 vs 2 local workers on the PK + monoamine-terminal cascade.

Measures, for an N-run Latin-hypercube sweep (N = 10,000; 500 with ``--quick``), 48 h with output
every 10 min: wall time with 1 and 2 worker processes, parallel efficiency T1 / (2 T2), the shares of wall
time the single writer spends writing the HDF5 file and the crash journal, and the overhead per task
(wall time with tiny chunks minus wall time with large chunks, per extra task).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import h5py

import sim
from benchmarks.results_file import write_result
from sim.sweep import run_sweep

# the workload shared with benchmarks/scaling.py: two doses over 48 h, output every 10 min, four factors
DOSING = """
[experiment]
name = "{name}"
duration_h = 48.0
output_interval_min = 10.0
seed = 11

[[dose]]
drug = "mdma"
amount_mg = 120.0

[[dose]]
drug = "mdma"
amount_mg = 60.0
time_h = 2.0
"""
FACTORS = """
[sweep.factors]
"pk.ka" = [0.5, 2.0]
"pk.cl_2d6" = [0.5, 2.0]
"pk.cl_other" = [0.5, 2.0]
"pk.body_weight_kg" = [0.7, 1.4]
"""
EXPERIMENT = (DOSING.format(name="sweep-benchmark") + '\n[output]\nstates = false\n\n[sweep]\nmethod = "lhs"\n'
              "samples = {samples}\n" + FACTORS)


def _timed_sweep(samples: int, workers: int, chunk_runs: int, folder: Path) -> dict:
    exp = sim.parse_experiment(EXPERIMENT.format(samples=samples), "<benchmark>")
    out = folder / f"sweep_{workers}_{chunk_runs}.h5"
    t0 = time.perf_counter()
    run_sweep(exp, out, workers=workers, chunk_runs=chunk_runs, progress=False)
    wall = time.perf_counter() - t0
    with h5py.File(out) as f:
        write_s = float(f.attrs["sweep_last_write_s"])
        journal_s = float(f.attrs["sweep_last_journal_s"])
        tasks = int(f.attrs["sweep_last_tasks"])
    size_mb = out.stat().st_size / 1e6
    out.unlink()
    return {"workers": workers, "chunk_runs": chunk_runs, "tasks": tasks, "wall_s": wall, "write_s": write_s,
            "write_share": write_s / wall, "journal_s": journal_s, "journal_share": journal_s / wall,
            "file_mb": size_mb}


def run(quick: bool = False, full: bool = False, out_dir=None) -> dict:
    samples = 500 if quick else 10_000
    chunk = 250
    folder = Path(tempfile.mkdtemp(prefix="sweep-bench-"))
    try:
        _timed_sweep(min(samples, 50), 1, 50, folder)  # compile and warm the caches
        one = _timed_sweep(samples, 1, chunk, folder)
        two = _timed_sweep(samples, 2, chunk, folder)
        small = _timed_sweep(samples // 5, 2, 10, folder)
        large = _timed_sweep(samples // 5, 2, samples // 10, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    efficiency = one["wall_s"] / (2 * two["wall_s"])
    overhead = (small["wall_s"] - large["wall_s"]) / max(small["tasks"] - large["tasks"], 1)
    print(f"Sweep scaling: {samples} runs of the PK + monoamine cascade, 48 h, output every 10 min")
    print(f"{'workers':>8} {'wall (s)':>9} {'ms/run':>8} {'HDF5 write':>11} {'journal':>8} {'file (MB)':>10}")
    for row in (one, two):
        print(f"{row['workers']:>8} {row['wall_s']:>9.2f} {1e3 * row['wall_s'] / samples:>8.2f} "
              f"{100 * row['write_share']:>10.1f}% {100 * row['journal_share']:>7.1f}% {row['file_mb']:>10.1f}")
    print(f"2-worker efficiency T1/(2 T2): {100 * efficiency:.0f} %")
    print(f"overhead per task: {1e3 * overhead:.1f} ms ({small['tasks']} tasks of 10 runs vs "
          f"{large['tasks']} of {samples // 10})")
    result = {"samples": samples, "one_worker": one, "two_workers": two, "efficiency": efficiency,
              "overhead_per_task_s": overhead, "small_chunks": small, "large_chunks": large}
    if out_dir is not None:
        write_result(result, "sweep_scaling", out_dir)
    return result
