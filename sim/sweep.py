"""Parameter sweeps: samplers, chunked execution (local processes or Dask), resumable HDF5.

A sweep turns an experiment's ``[sweep]`` table into N parameter sets (grid, Latin hypercube or a
Saltelli/Sobol design), splits them into chunks, runs the chunks on workers and lets one process,
the writer, store each finished chunk and flag it in ``/sweep/done``. Every random draw happens
here, before any chunk runs, so results do not depend on the number or kind of workers. After a
crash, ``resume=True`` runs only the chunks not yet flagged.

The sweep is expressed as a cohort: each swept key becomes a ``cycle`` variation whose i-th value
is run i's sample, so sweeps and cohorts share one code path (``sim.runner``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim import provenance
from sim.config import Experiment, Variation, flatten
from sim.errors import ConfigError, SimInputError
from sim.store import Journal, SweepFile, store_complete

DEFAULT_CHUNK_RUNS = 256
PARAM_BLOCK = 4096  # rows of the parameter matrix built at once outside the chunks (writing /params, checks)
METRICS = ("cmax", "tmax", "auc", "final")


# ---- planning ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SweepPlan:
    """The runs of a sweep: swept keys, their values per run, and the equivalent cohort experiment."""

    names: tuple[str, ...]
    samples: np.ndarray  # (N, k) value of each swept key per run
    experiment: Experiment  # cohort of N runs with one cycle variation per swept key
    method: str
    base_samples: int  # the [sweep] samples value (Saltelli designs have samples * (k + 2) runs)
    fingerprint: str


def _sampler_unit(method: str, n_keys: int, samples: int, seed: int) -> np.ndarray:
    from scipy.stats import qmc

    if method == "grid":
        per_axis = max(2, int(round(samples ** (1.0 / n_keys))))
        axes = [np.linspace(0.0, 1.0, per_axis)] * n_keys
        return np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, n_keys)
    if method == "lhs":
        return qmc.LatinHypercube(d=n_keys, seed=seed).random(samples)
    try:
        from SALib.sample import sobol as saltelli
    except ImportError:
        raise SimInputError("sweep.method = 'sobol' needs SALib: pip install 'neuropharm-sim[sensitivity]'") \
            from None
    problem = {"num_vars": n_keys, "names": [f"x{i}" for i in range(n_keys)], "bounds": [[0.0, 1.0]] * n_keys}
    return saltelli.sample(problem, samples, calc_second_order=False, scramble=True, seed=seed)


def plan(exp: Experiment, model) -> SweepPlan:
    """Draw the sweep's runs from ``[sweep]``: ``ranges`` are absolute, ``factors`` multiply defaults."""
    sweep = exp.sweep
    if not sweep:
        raise ConfigError(f"{exp.source_path}: sweep: no [sweep] table in the experiment")
    if exp.amygdala.model != "none":
        raise ConfigError(f"{exp.source_path}: amygdala.model: probe trials are not stored by sweeps yet; "
                          'use sim run with a [cohort], or set model = "none" for the sweep')
    method = sweep.get("method", "sobol")
    samples = int(sweep.get("samples", 64))
    seed = int(sweep.get("seed", exp.seed))
    keys, lows, highs = [], [], []
    for part in ("ranges", "factors"):
        for key, (low, high) in flatten(sweep.get(part, {})).items():
            base = _base_value(exp, model, key, part)
            keys.append(key)
            lows.append(low * base if part == "factors" else low)
            highs.append(high * base if part == "factors" else high)
    if not keys:
        raise ConfigError(f"{exp.source_path}: sweep: give at least one entry in [sweep.ranges] or [sweep.factors]")
    if len(set(keys)) != len(keys):
        raise ConfigError(f"{exp.source_path}: sweep: a key appears in both ranges and factors")
    unit = _sampler_unit(method, len(keys), samples, seed)
    values = np.asarray(lows) + unit * (np.asarray(highs) - np.asarray(lows))
    vary = dict(exp.cohort_vary)
    for i, key in enumerate(keys):
        vary[key] = Variation("cycle", values=tuple(float(v) for v in values[:, i]))
    cohort = dataclasses.replace(exp, cohort_size=len(values), cohort_vary=vary)
    digest = hashlib.sha256()
    digest.update(exp.source_text.encode())
    digest.update(json.dumps(dict(exp.overrides), sort_keys=True, default=str).encode())
    digest.update(np.ascontiguousarray(values).tobytes())
    return SweepPlan(tuple(keys), values, cohort, method, samples, digest.hexdigest())


def _base_value(exp: Experiment, model, key: str, part: str) -> float:
    """Default of a swept key: a dose amount or a (subject-overridden) parameter value."""
    from sim.cohort import SUBJECT_KEYS

    where = f"{exp.source_path}: sweep.{part}.{key}"
    parts = key.split(".")
    if parts[0] == "dose":
        if len(parts) != 3 or not parts[1].isdigit() or int(parts[1]) >= len(exp.doses) \
                or parts[2] not in ("amount_mg", "amount_mg_per_kg"):
            raise ConfigError(f"{where}: only dose.K.amount_mg or dose.K.amount_mg_per_kg of an existing dose")
        value = getattr(exp.doses[int(parts[1])], parts[2])
        if value is None:
            raise ConfigError(f"{where}: dose {parts[1]} is given as the other amount kind")
        return value
    if key == "cyp2d6":
        raise ConfigError(f"{where}: cyp2d6 is categorical; sweep pk.cyp2d6_capacity instead")
    name = SUBJECT_KEYS.get(key, key)
    if not model.has_parameter(name):
        raise ConfigError(f"{where}: unknown parameter")
    if key in exp.subject:
        return float(exp.subject[key])
    return model.parameter(name).value


# ---- one chunk (runs in a worker) ---------------------------------------------------------------

@dataclass(frozen=True)
class ChunkTask:
    start: int
    stop: int
    species: str
    drugs: tuple[str, ...]
    params: np.ndarray
    ev_time: np.ndarray
    ev_index: np.ndarray
    ev_amount: np.ndarray
    t_eval: np.ndarray
    rtol: float
    atol: float
    max_steps: int
    save_states: bool
    summaries_only: bool
    dtype: str
    jac_sparsity: np.ndarray | None = None  # one pattern for every chunk (see ensemble_sparsity)
    method: str = "rodas4"  # solve_ensemble's method
    backend: str = "cpu"  # solve_ensemble's backend
    jacobian: str = "analytic"  # [solver] jacobian, decided once for the whole sweep


def run_chunk(task: ChunkTask) -> tuple[int, int, dict[str, np.ndarray], np.ndarray]:
    """Integrate one chunk; returns (start, stop, arrays by name, status). Pure: no file access."""
    import numba

    from sim import simulate
    from sim.assembly import build_model
    from sim.solver import Events

    numba.set_num_threads(1)  # parallelism comes from the workers
    model = build_model(task.species, task.drugs)
    events = Events(task.ev_time, task.ev_index, task.ev_amount)
    settings = simulate.SolverSettings(task.method, task.rtol, task.atol, task.max_steps, task.jacobian,
                                       backend=task.backend)
    traj = simulate.solve(simulate.Problem(model, task.params, task.t_eval, events, settings,
                                           jac_sparsity=task.jac_sparsity))
    states, info = traj.states, traj.info
    series = {name: values for name, (values, _, _) in model.outputs(states, task.params).items()}
    if task.save_states:
        series.update({name: states[:, :, i] for i, name in enumerate(model.state_names)})
    if task.summaries_only:
        arrays = {f"{name}.{metric}": value for name, values in series.items()
                  for metric, value in summarise(values, task.t_eval).items()}
    else:
        arrays = {name: values.astype(task.dtype) for name, values in series.items()}
    return task.start, task.stop, arrays, info.status


def summarise(values: np.ndarray, time: np.ndarray) -> dict[str, np.ndarray]:
    """Per-run summaries of (N, T) time courses: peak, time of peak (h), AUC (unit x h), final value."""
    finite = np.where(np.isfinite(values), values, -np.inf)
    peak_index = np.argmax(finite, axis=1)
    return {
        "cmax": np.max(finite, axis=1),
        "tmax": time[peak_index],
        "auc": np.trapezoid(values, time, axis=1),
        "final": values[:, -1],
    }


def chunk_size(n_runs: int, workers: int) -> int:
    """Runs per chunk: at most :data:`DEFAULT_CHUNK_RUNS`, and small enough that every worker gets a chunk."""
    return max(1, min(DEFAULT_CHUNK_RUNS, math.ceil(n_runs / max(1, workers))))


# ---- executors ----------------------------------------------------------------------------------

def _init_worker():
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")


def _local_results(tasks, workers: int, retries: int = 2) -> Iterator[tuple]:
    """Run tasks (an iterable, consumed as workers free up) in a process pool, at most two per worker queued or
    running, so that only those tasks' parameters are in memory; resubmit the tasks lost with a dead worker
    (up to ``retries`` times each)."""
    if workers <= 1:
        for task in tasks:
            yield run_chunk(task)
        return
    import multiprocessing

    # spawn, not fork: numba's OpenMP threading layer makes fork() unsafe once it has started
    context = multiprocessing.get_context("spawn")
    source = iter(tasks)
    lost: list[ChunkTask] = []  # tasks whose worker died, to run again
    attempts: dict[int, int] = {}
    while True:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker) as pool:
            futures = {}
            broken = not _top_up(pool, futures, lost, source, 2 * workers)
            if not futures and not broken:
                return
            try:
                while futures and not broken:
                    done, _ = wait(futures, return_when=FIRST_COMPLETED)
                    for future in done:
                        task = futures.pop(future)
                        try:
                            result = future.result()
                        except BrokenProcessPool:
                            broken = True
                            lost.append(task)
                            continue
                        yield result
                    if not broken:
                        broken = not _top_up(pool, futures, lost, source, 2 * workers)
            except BaseException:  # interrupted (Ctrl-C, SIGTERM, a full disk): stop the workers now
                _stop_workers(pool)
                raise
            if broken:
                lost.extend(futures.values())  # in flight in the broken pool: lost with it
                lost.sort(key=lambda t: t.start)
                for task in lost:
                    attempts[task.start] = attempts.get(task.start, 0) + 1
                    if attempts[task.start] > retries:
                        raise RuntimeError(f"sweep: chunk starting at run {task.start} lost its worker "
                                           f"{attempts[task.start]} times; giving up") from None


def _top_up(pool, futures: dict, lost: list, source, limit: int) -> bool:
    """Submit tasks (those lost first, then new ones from ``source``) until ``limit`` are queued or running;
    False if the pool broke (a worker died), the task then kept in ``lost``."""
    while len(futures) < limit:
        task = lost.pop(0) if lost else next(source, None)
        if task is None:
            return True
        try:
            futures[pool.submit(run_chunk, task)] = task
        except BrokenProcessPool:
            lost.append(task)
            return False
    return True


def _stop_workers(pool) -> None:
    """Cancel queued chunks and end running ones, rather than waiting for them to finish; the
    journal keeps what was stored, ``--resume`` does the rest."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def _dask_results(tasks, scheduler: str, window: int | None = None) -> Iterator[tuple]:
    """Run tasks (an iterable in chunk order, consumed as chunks finish) on a Dask cluster and yield their results
    in chunk order. At most ``window`` chunks (default two per worker thread, counted as each one is submitted)
    are submitted and not yet yielded, so the client holds only those chunks' parameters and futures, and the
    writer stores chunks in the same order whatever the number of workers."""
    from collections import deque

    try:
        from distributed import Client
    except ImportError:
        raise SimInputError("--scheduler needs Dask: pip install 'neuropharm-sim[dask]'") from None
    source = iter(tasks)
    with Client(scheduler, timeout="20s") as client:
        pending: deque = deque()  # futures of submitted chunks, oldest first
        while True:
            limit = window or max(2, 2 * sum(client.nthreads().values()))
            while len(pending) < limit:
                task = next(source, None)
                if task is None:
                    break
                pending.append(client.submit(run_chunk, task, pure=False, retries=2))
                del task  # its parameters now live on the cluster, not here
            if not pending:
                return
            future = pending.popleft()
            result = future.result()
            future.release()
            del future
            yield result


# ---- the writer ---------------------------------------------------------------------------------

def run_sweep(exp: Experiment, out, *, workers: int | None = None, scheduler: str | None = None,
              resume: bool = False, chunk_runs: int | None = None, summaries_only: bool | None = None,
              progress: bool | None = None, on_chunk=None) -> Path:
    """Run the experiment's sweep into ``out`` (HDF5); returns the path. See the module docstring.

    ``on_chunk(start, stop)``, if given, is called after each chunk is stored (e.g. for notebooks).
    """
    from sim.assembly import model_for
    from sim.cohort import parameter_draws, parameter_rows
    from sim.dosing import dose_events
    from sim.runner import time_grid

    out = Path(out)
    model = model_for(exp)
    drugs = tuple(d.drug for d in exp.doses)
    sweep_plan = plan(exp, model)
    cohort = sweep_plan.experiment
    n_runs = cohort.cohort_size
    # the (N, p) parameter matrix is never held whole (its rows are ~2.4 kB per run): each chunk's rows are
    # built when the chunk is, from the default row and the drawn columns
    base, drawn = parameter_draws(cohort, model)

    def rows(a: int, b: int) -> np.ndarray:
        return parameter_rows(model, base, drawn, a, b)

    blocks = [(a, min(a + PARAM_BLOCK, n_runs)) for a in range(0, n_runs, PARAM_BLOCK)]
    weight = model.parameter_index("pk.body_weight_kg")
    events, dose_table = dose_events(cohort, model, np.concatenate([rows(a, b)[:, weight].copy() for a, b in blocks]))
    ev_time, ev_index, ev_amount = events.broadcast(n_runs, model.n_states)
    t_eval = time_grid(exp)
    if summaries_only is None:
        summaries_only = bool(exp.sweep.get("summaries_only", False))
    workers = workers or os.cpu_count() or 1
    chunk_runs = chunk_runs or exp.sweep.get("chunk_runs") or chunk_size(n_runs, 1 if scheduler else workers)

    # one Jacobian pattern for all chunks, found on (at most) the first 64 runs
    from sim.solver import Events, ensemble_sparsity

    probe_runs = slice(0, min(n_runs, 64))
    pattern = ensemble_sparsity(model.rhs, np.tile(model.initial_state(), (probe_runs.stop, 1)),
                                rows(0, probe_runs.stop), t_eval,
                                Events(ev_time[probe_runs], ev_index[probe_runs], ev_amount[probe_runs]),
                                exp.rtol, exp.atol, autonomous=True, max_steps=exp.max_steps, method=exp.solver_method)

    # one Jacobian for all chunks: the analytic one only if it holds for every run (else no chunk's results
    # would depend on which runs share its chunk, i.e. on the worker count)
    jacobian = exp.solver_jacobian
    if jacobian == "analytic":
        from sim.analytic import analytic_jacobian

        found = [analytic_jacobian(model, rows(a, b)) for a, b in blocks]  # one module must hold for every block
        same = all(f is not None and f[0] is found[0][0] for f in found)
        jacobian = "analytic" if same else "finite-difference"

    def task(a: int, b: int, times: np.ndarray, pattern=None, backend: str = "cpu") -> ChunkTask:
        return ChunkTask(a, b, exp.species, drugs, rows(a, b), ev_time[a:b], ev_index[a:b], ev_amount[a:b], times,
                         exp.rtol, exp.atol, exp.max_steps, exp.save_states, summaries_only, exp.precision,
                         pattern, exp.solver_method, backend, jacobian)

    # the layout of the results, from a one-run dry chunk (on the CPU, two output times)
    _, _, probe_arrays, _ = run_chunk(task(0, 1, t_eval[:2]))
    units, long_names = _units(model, exp.save_states, summaries_only)
    shapes = {name: (n_runs,) if summaries_only else (n_runs, t_eval.size) for name in probe_arrays}
    size_mb = sum(math.prod(s) for s in shapes.values()) * np.dtype(exp.precision).itemsize / 1e6
    attrs = {
        **provenance.experiment_attributes(exp),
        "sweep_method": sweep_plan.method, "sweep_fingerprint": sweep_plan.fingerprint,
    }
    journal = Journal(out, sweep_plan.fingerprint)

    def create() -> SweepFile:
        return SweepFile.create(
            out, time=t_eval, shapes=shapes, units=units, long_names=long_names, precision=exp.precision,
            n_runs=n_runs, param_names=model.parameter_names, param_rows=rows, param_block=PARAM_BLOCK,
            param_units={n: p.unit for n, p in zip(model.parameter_names, model.parameters, strict=True)},
            param_sources={n: p.source for n, p in zip(model.parameter_names, model.parameters, strict=True)},
            sweep_names=sweep_plan.names, sweep_samples=sweep_plan.samples, sweep_base_samples=sweep_plan.base_samples,
            events=dose_table, attrs=attrs, compress=bool(exp.sweep.get("compress", False)))

    if resume and out.exists():
        if journal.matches():
            # the journal holds every finished chunk: rebuild the file from it, since a writer killed
            # mid-flush can leave damage that only shows when the file is next written
            store = create()
            for start, stop, arrays, status in journal.chunks(warn=lambda m: print(f"sweep: {m}", file=sys.stderr)):
                store.write_chunk(start, stop, arrays, status)
        else:
            store = SweepFile.open_for_resume(out, sweep_plan.fingerprint)
            journal.start()
    else:
        if out.exists() and not resume:
            raise SimInputError(f"{out}: exists; use --resume to finish it or choose another -o")
        store = create()
        journal.start()
    try:
        done = store.done()
        spans = [(a, b) for a in range(0, n_runs, chunk_runs) for b in [min(a + chunk_runs, n_runs)]
                 if not done[a:b].all()]
        tasks = (task(a, b, t_eval, pattern, exp.solver_backend) for a, b in spans)  # built as workers take them
        show = sys.stderr.isatty() if progress is None else progress
        if progress is not False:
            print(f"sweep: {n_runs} runs in {math.ceil(n_runs / chunk_runs)} chunks, results about {size_mb:.1f} MB; "
                  f"{len(spans)} chunks to run on {'Dask at ' + scheduler if scheduler else f'{workers} worker(s)'}",
                  file=sys.stderr)
        workers = min(workers, len(spans))
        results = _dask_results(tasks, scheduler) if scheduler else _local_results(tasks, workers)
        bar = _progress_bar(sum(b - a for a, b in spans), show)
        started = time.perf_counter()
        write_s = journal_s = 0.0
        for start, stop, arrays, status in results:
            t_journal = time.perf_counter()
            journal.save(start, stop, arrays, status)
            t_write = time.perf_counter()
            store.write_chunk(start, stop, arrays, status)
            write_s += time.perf_counter() - t_write
            journal_s += t_write - t_journal
            bar.update(stop - start)
            if on_chunk is not None:
                on_chunk(start, stop)
        bar.close()
        store.finish(wall_s=time.perf_counter() - started, write_s=write_s, journal_s=journal_s, tasks=len(spans))
    finally:
        store.close()
    if store_complete(out):
        journal.clear()
    return out


def _units(model, save_states: bool, summaries_only: bool):
    units, long_names = {}, {}
    for mech in model.mechanisms:
        for o in mech.outputs:
            units[o.name], long_names[o.name] = o.unit, o.long_name
    if save_states:
        for name, unit in zip(model.state_names, model.state_units, strict=True):
            units[name], long_names[name] = unit, f"state {name}"
    if not summaries_only:
        return units, long_names
    su, sl = {}, {}
    for name in units:
        for metric, unit in (("cmax", units[name]), ("tmax", "h"), ("auc", f"{units[name]}*h"),
                             ("final", units[name])):
            su[f"{name}.{metric}"], sl[f"{name}.{metric}"] = unit, f"{metric} of {long_names[name]}"
    return su, sl


class _NoBar:
    def update(self, n):
        pass

    def close(self):
        pass


def _progress_bar(total: int, show: bool):
    if not show:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="run", desc="sweep", smoothing=0.1)
