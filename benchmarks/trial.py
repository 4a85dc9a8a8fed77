"""Virtual trial: `sim trial` on experiments/phase3_trial.toml with the rate amygdala, 1,000 patients per arm
(100 with ``--quick``).

Measures the wall time of :func:`sim.trial.run_trial` (both arms: three drug sessions' cascade per arm,
then the amygdala over the whole protocol, ~28 cue trials per patient, and the outcome model) after a
small warm-up run that loads the numba caches, and splits it into the pharmacology (the drug sessions'
ensemble solves) and the amygdala (the trials of every patient in one batched call per arm; trials under
drug are evaluated twice, with the drive and drug-free for the expected outcome). Writes ``trial.json``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import sim
from sim import outcomes, trial

EXPERIMENT = Path(__file__).resolve().parent.parent / "experiments" / "phase3_trial.toml"


def _timed(size: int) -> dict:
    spent = {"cascade_s": 0.0, "amygdala_s": 0.0}
    originals = {"session_pharmacology": trial.session_pharmacology, "arm_amygdala": trial.arm_amygdala}

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
    try:
        exp = sim.load_experiment(EXPERIMENT, {"cohort.size": size})
        t0 = time.perf_counter()
        _, o = trial.run_trial(exp)
        wall = time.perf_counter() - t0
    finally:
        trial.session_pharmacology = originals["session_pharmacology"]
        trial.arm_amygdala = originals["arm_amygdala"]
    s, d = outcomes.summarize(o["arm"], o["caps5_baseline"], o["caps5_final"], o["diagnosis_final"])
    return {"patients_per_arm": size, "wall_s": wall, **spent, "other_s": wall - sum(spent.values()),
            "ms_per_patient": 1e3 * wall / (2 * size),
            "caps5_advantage": s["placebo"].change_mean - s["mdma"].change_mean, "cohens_d": d}


def run(quick: bool = False, full: bool = False, out_dir=None) -> dict:
    size = 100 if quick else 1000
    _timed(2)  # compile / load the numba caches
    row = _timed(size)
    print(f"Virtual trial: {size} patients per arm, phase3 protocol, rate amygdala ({os.cpu_count()} CPUs)")
    print(f"  wall {row['wall_s']:.1f} s  (cascade {row['cascade_s']:.1f} s, amygdala {row['amygdala_s']:.1f} s, "
          f"other {row['other_s']:.1f} s; {row['ms_per_patient']:.1f} ms per patient)")
    print(f"  CAPS-5 advantage {row['caps5_advantage']:.1f} points, d {row['cohens_d']:.2f}")
    result = {**row, "cpus": os.cpu_count(), "experiment": EXPERIMENT.name}
    if out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        (Path(out_dir) / "trial.json").write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="100 patients per arm")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = ap.parse_args()
    run(quick=args.quick, out_dir=args.out)
