"""The spiking amygdala circuit on 1 and 2 threads: run time of one trial, same network and seed.

Workload: :func:`sim.amygdala.spiking.simulate_trial` on the circuit of
:func:`sim.amygdala.circuit.build_circuit` (``--scale``, default 1: about 5800 conductance-based
LIF cells in nine populations, Poisson afferents on every cell), one probe trial of the
conditioned circuit in context A (a pre-cue and a cue window, 1 s at dt 0.1 ms: 10,000 steps),
without neuromodulation. Each thread count runs the identical network and seed; the thread counts
alternate over ``--repeats`` rounds (the first call of each compiles or loads the numba cache and is
not timed). The trial's rates must be equal bit for bit, and a recorded run of every cell must keep
the same spikes (step and cell) at every thread count, or the benchmark fails.

The threads meet at a barrier every step (a spike acts from the next step), so a second thread
pays only where it has a free core: note the load average, which is recorded.

    python -m benchmarks.spiking_threads [--scale 1] [--threads 1,2] [--repeats 5] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np


def _trial(net, threads, seed, record=None):
    from sim.amygdala import Trial, conditioned_weights, spiking
    from sim.amygdala.circuit import NO_MODULATION

    lb, lc = Trial(0.0, context="A").levels()
    t0 = time.perf_counter()
    out = spiking.simulate_trial(net, lb, lc, conditioned_weights(), NO_MODULATION, seed, record=record,
                                 threads=threads)
    return out, time.perf_counter() - t0


def run(scale: float = 1.0, threads=(1, 2), repeats: int = 5, seed: int = 1, out_dir=None, quick: bool = False,
        full: bool = False) -> dict:
    """Time one trial per thread count, ``repeats`` rounds; returns (and writes) the result dict.
    ``quick`` (``python -m benchmarks --quick``): scale 0.25 and 2 rounds; ``full`` changes nothing."""
    if quick:
        scale, repeats = min(scale, 0.25), min(repeats, 2)
    from benchmarks.results_file import write_result
    from sim.amygdala import spiking
    from sim.amygdala.circuit import build_circuit

    net = spiking.build_network(build_circuit(scale), seed=seed)
    row, _, _ = spiking.raster_rows(net, net.n_neurons)   # every cell recorded: the identity check
    reference = None
    for k in threads:
        (rb, rc, (t, r)), _ = _trial(net, k, seed, record=row)
        spikes = (rb, rc, t, r)
        if reference is None:
            reference = spikes
        elif not all(np.array_equal(a, b) for a, b in zip(reference, spikes, strict=True)):
            raise AssertionError(f"{k} threads: spikes differ from {threads[0]} thread(s)")
    times = {k: [] for k in threads}
    load = [os.getloadavg()[0]]
    for _ in range(repeats):
        for k in threads:
            (rb, rc), s = _trial(net, k, seed)
            if not (np.array_equal(rb, reference[0]) and np.array_equal(rc, reference[1])):
                raise AssertionError(f"{k} threads: rates differ")
            times[k].append(s)
    load.append(os.getloadavg()[0])
    base = min(times[threads[0]])
    result = {
        "workload": f"simulate_trial, conditioned circuit, context A, scale {scale:g}",
        "cells": int(net.n_neurons), "synapses": int(net.indices.size), "steps": 10000, "seed": seed,
        "spikes": int(reference[2].size), "spikes_identical": True,
        "load_average_1min": {"start": load[0], "end": load[1]}, "cpus": os.cpu_count(),
        "threads": {str(k): {"run_s": times[k], "min_s": min(times[k]), "median_s": float(np.median(times[k])),
                             "speedup_min": base / min(times[k])} for k in threads},
    }
    write_result(result, "spiking_threads", out_dir)
    _report(result)
    return result


def _report(res: dict) -> None:
    print(f"{res['cells']} cells, {res['synapses']} synapses, {res['steps']} steps, {res['spikes']} spikes "
          f"(identical at every thread count); load average {res['load_average_1min']['start']:.2f} -> "
          f"{res['load_average_1min']['end']:.2f} on {res['cpus']} CPUs")
    for k, v in res["threads"].items():
        print(f"  {k} thread(s): min {v['min_s']:.3f} s, median {v['median_s']:.3f} s, "
              f"speed-up (min) {v['speedup_min']:.2f}x")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=None)
    a = ap.parse_args(argv)
    run(a.scale, tuple(int(x) for x in a.threads.split(",")), a.repeats, a.seed, a.out)


if __name__ == "__main__":
    main()
