"""Virtual trial: `sim trial` on experiments/phase3_trial.toml with the rate amygdala, 1,000 patients per arm
(100 with ``--quick``), the fast path against the reference path in one run.

Measures the wall time of :func:`sim.trial.run_trial` (both arms: three drug sessions' cascade per arm,
then the amygdala over the whole protocol, ~28 cue trials per patient, and the outcome model) after a
small warm-up run that loads the numba caches, split into the pharmacology (the drug sessions' ensemble
solves), the amygdala (the trials of every patient in one batched call per arm) and the rest (outcomes,
packing the result). Two paths, same numbers (tests/test_trial_fast_path.py asserts it bit for bit):

- ``reference``: every session of every patient solved; the rate model's inputs packed member by member
  and the dense kernel; every member re-evaluated drug-free on trials under drug;
- ``fast``: sessions with the same per-patient doses share one solve (the placebo arm's three sessions
  are one); each distinct member (weights, modulation, cue) integrated once per trial (the placebo arm's
  patients share one state); inputs packed for all members at once and the sparse kernel, which takes
  16 members side by side; only modulated members re-evaluated drug-free.

The machine (CPU model, cores, ``NUMBA_NUM_THREADS``) and its load average (``os.getloadavg``) are recorded
with each figure, and the process CPU time beside the wall time: on a shared machine the absolute times
move with the load, the ratio and the CPU time less so. ``--fast-only`` skips the reference path (about
five times longer). Writes ``trial.json``.
"""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

import sim
from benchmarks.results_file import write_result
from sim import outcomes, trial
from sim.amygdala import RateModel

EXPERIMENT = Path(__file__).resolve().parent.parent / "experiments" / "phase3_trial.toml"


def _timed(size: int, reference: bool = False) -> dict:
    spent = {"cascade_s": 0.0, "amygdala_s": 0.0}
    originals = {"session_pharmacology": trial.session_pharmacology, "arm_amygdala": trial.arm_amygdala}
    switches = {"share": trial.SHARE_SESSIONS, "fast": RateModel.fast, "indep": RateModel.independent_members}

    def wrap(name, key):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return originals[name](*args, **kwargs)
            finally:
                spent[key] += time.perf_counter() - t0
        return timed

    trial.session_pharmacology = wrap("session_pharmacology", "cascade_s")
    trial.arm_amygdala = wrap("arm_amygdala", "amygdala_s")
    if reference:
        trial.SHARE_SESSIONS, RateModel.fast, RateModel.independent_members = False, False, False
    try:
        exp = sim.load_experiment(EXPERIMENT, {"cohort.size": size})
        load = os.getloadavg()[0]
        t0, c0 = time.perf_counter(), time.process_time()
        _, o = trial.run_trial(exp)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    finally:
        trial.session_pharmacology = originals["session_pharmacology"]
        trial.arm_amygdala = originals["arm_amygdala"]
        trial.SHARE_SESSIONS, RateModel.fast, RateModel.independent_members = switches.values()
    s, d = outcomes.summarize(o["arm"], o["caps5_baseline"], o["caps5_final"], o["diagnosis_final"])
    return {"path": "reference" if reference else "fast", "patients_per_arm": size, "wall_s": wall, **spent,
            "other_s": wall - sum(spent.values()), "cpu_s": cpu, "ms_per_patient": 1e3 * wall / (2 * size),
            "load_before": load, "load_after": os.getloadavg()[0],
            "caps5_advantage": float(s["placebo"].change_mean - s["mdma"].change_mean), "cohens_d": float(d)}


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def run(quick: bool = False, full: bool = False, out_dir=None, fast_only: bool = False) -> dict:
    size = 100 if quick else 1000
    _timed(2)  # compile / load the numba caches
    if not fast_only:
        _timed(2, reference=True)
    rows = ([] if fast_only else [_timed(size, reference=True)]) + [_timed(size)]
    threads = os.environ.get("NUMBA_NUM_THREADS", "default")
    machine = f"{_cpu_model()}, {os.cpu_count()} CPUs, NUMBA_NUM_THREADS={threads}"
    print(f"Virtual trial: {size} patients per arm, phase3 protocol, rate amygdala ({machine})")
    for row in rows:
        print(f"  {row['path']:9s} wall {row['wall_s']:.1f} s  (cascade {row['cascade_s']:.1f} s, amygdala "
              f"{row['amygdala_s']:.1f} s, other {row['other_s']:.1f} s; CPU {row['cpu_s']:.1f} s; "
              f"{row['ms_per_patient']:.1f} ms per patient; load average {row['load_before']:.1f} -> "
              f"{row['load_after']:.1f})")
    fast = rows[-1]
    result = {"rows": rows, "machine": machine, "cpus": os.cpu_count(), "numba_threads": threads,
              "experiment": EXPERIMENT.name, "wall_s": fast["wall_s"]}
    if not fast_only:
        ref = rows[0]
        same = bool(ref["caps5_advantage"] == fast["caps5_advantage"] and ref["cohens_d"] == fast["cohens_d"])
        print(f"  fast / reference: wall {fast['wall_s'] / ref['wall_s']:.2f}, cascade "
              f"{fast['cascade_s'] / ref['cascade_s']:.2f}, amygdala {fast['amygdala_s'] / ref['amygdala_s']:.2f}; "
              f"CAPS-5 advantage {fast['caps5_advantage']:.2f} points, d {fast['cohens_d']:.3f} "
              f"({'identical' if same else 'DIFFERENT'} in both paths)")
        result.update(fast_over_reference=fast["wall_s"] / ref["wall_s"], identical=same)
    if out_dir is not None:
        write_result(result, "trial", out_dir)
    return result


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="100 patients per arm")
    ap.add_argument("--fast-only", action="store_true", help="time the fast path only")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = ap.parse_args()
    run(quick=args.quick, out_dir=args.out, fast_only=args.fast_only)
