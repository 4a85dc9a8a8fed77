"""Command line: ``python -m benchmarks [--quick | --full] [--out DIR]``."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent / "results"


def run(quick: bool = False, out_dir=DEFAULT_OUT, full: bool = False) -> dict:
    """Run every benchmark suite; return ``{suite name: result dict}``.

    quick: small sizes only (N = 1 and 100; under 2 minutes on 2 cores).
    full: time every scipy member at N = 10,000 instead of extrapolating from a subset (slow).
    out_dir: folder for the ``<suite>.json`` result files.
    """
    from benchmarks import (
        cascade_model,
        cli_startup,
        coba_vs_brian2,
        gpu_ensemble,
        jacobian,
        pk_model,
        scaling,
        solver_vs_scipy,
        spiking_threads,
        sweep_scaling,
        trial,
    )

    if quick and full:
        raise ValueError("--quick and --full exclude each other")
    t0 = time.perf_counter()
    results = {}
    for name, suite in (("solver_vs_scipy", solver_vs_scipy), ("pk_model", pk_model), ("cascade_model", cascade_model),
                        ("jacobian", jacobian),
                        ("sweep_scaling", sweep_scaling), ("coba_vs_brian2", coba_vs_brian2),
                        ("spiking_threads", spiking_threads),
                        ("trial", trial), ("cli_startup", cli_startup), ("scaling", scaling),
                        ("gpu_ensemble", gpu_ensemble)):
        if results:
            print()
        results[name] = suite.run(quick=quick, full=full, out_dir=out_dir)
    print(f"\nbenchmarks finished in {time.perf_counter() - t0:.1f} s")
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="N = 1 and 100 only, small scipy subsets")
    size.add_argument("--full", action="store_true",
                      help="time every scipy member at N = 10,000 (no extrapolation; tens of minutes)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR",
                        help=f"folder for result JSON files (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    run(quick=args.quick, out_dir=args.out, full=args.full)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
