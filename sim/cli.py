"""The ``sim`` command (docs/architecture.md; the verbs are listed by ``sim --help``).

Bad input: one line on stderr, exit status 2, never a traceback. A run that could not finish (a
solver failure, a full disk): one line, exit status 1. Interrupted (Ctrl-C, SIGTERM): exit 130/143,
and every output is either the previous file, untouched, or a complete new one (:mod:`sim.store`).

Only the standard library is imported at start-up, so that ``sim --help`` answers at once; each verb
imports what it needs.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
from pathlib import Path

from sim.errors import SimInputError

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1
EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h)
H5_SUFFIXES = (".h5", ".hdf5")
FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, status 2, like every other input error
        raise SimInputError(f"{self.prog}: {message}")


class _ValidateParser(_Parser):
    """``sim validate --help`` lists the suites (imported only when help is asked for)."""

    def format_help(self):
        from sim.validate import SUITES

        self.epilog = "suites: " + ", ".join(f"{name} ({len(rows)} rows)" for name, rows in SUITES.items())
        return super().format_help()


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every ``finally`` and temporary-file cleanup runs."""


def _on_sigterm(signum, frame):
    raise Terminated()


# ---- shared pieces -----------------------------------------------------------------------------

def _overrides(pairs):
    from sim.config import parse_override

    return dict(parse_override(p) for p in pairs or [])


def _load(args, compile_ahead: bool = False, chunked: bool = False):
    """The experiment with its ``--set`` overrides, checked against the model (parameter names and
    ranges, drugs and routes) before anything is computed; then one warning line per setting outside
    the validated range (after the checks, so that bad input gets exactly one line). ``chunked``: the
    runs are solved by chunks in one-thread workers (a sweep), so with the serial kernel."""
    from sim.config import load_experiment, range_warnings

    exp = load_experiment(args.experiment, _overrides(args.set))
    if compile_ahead and exp.solver_backend == "cpu" and exp.protocol is None:
        from sim.solver import warmup  # the kernel compiles in a child from now on, if numba's cache lacks it

        warmup.start(exp.solver_method, exp.cohort_size)
    try:
        model = _precheck(exp)
    except SimInputError as exc:  # every message names the file
        if str(exc).startswith(exp.source_path):
            raise
        raise SimInputError(f"{exp.source_path}: {exc}") from None
    _compile_notice(args, model, exp.solver_jacobian == "analytic", exp.solver_method,
                    1 if chunked else exp.cohort_size)
    for line in range_warnings(exp):
        _note(args, f"warning: {line}", always=True)
    return exp


def _precheck(exp):
    """Check names and ranges with a few runs' parameters; returns the model the experiment builds."""
    from dataclasses import replace

    from sim.assembly import build_model, model_for
    from sim.cohort import parameter_matrix
    from sim.dosing import dose_events
    from sim.kinetics.drugs import DEFAULT_DRUG
    from sim.trial import first_session

    exp = replace(exp, cohort_size=min(exp.cohort_size, 64))  # names and ranges: a few runs tell
    if exp.protocol is not None:
        if exp.doses:  # first_session names the conflict
            first_session(exp)
        model = build_model(exp.species, (DEFAULT_DRUG,))
        parameter_matrix(exp, model)
        return model
    model = model_for(exp)
    dose_events(exp, model, parameter_matrix(exp, model))
    return model


def _note(args, message: str, always: bool = False) -> None:
    if always or not getattr(args, "quiet", False):
        print(f"sim: {message}", file=sys.stderr)


def default_name(experiment: str, overrides: dict, suffix: str = ".h5") -> str:
    """``<stem>.h5``, or with overrides ``<stem>__dose.0.amount_mg=80.h5`` so that variants never
    overwrite each other."""
    from sim.config import override_label

    stem = Path(experiment).stem
    label = override_label(overrides)
    if label:
        stem += "__" + re.sub(r"[^A-Za-z0-9._=+,-]", "_", label.replace(",", "__"))
    return stem[:200] + suffix


def _check_output(given: str | None, default: Path, force: bool, suffixes=H5_SUFFIXES, what: str = "HDF5 file",
                  verb: str = "") -> Path:
    """The output path: the right suffix, an existing folder, not an existing file unless ``--force``."""
    out = Path(given) if given else default
    flag = f"-o {given}" if given else f"default output {out}"
    if out.suffix.lower() not in suffixes:
        raise SimInputError(f"{verb}{flag}: the {what} must end in {' or '.join(suffixes)}")
    if not given:
        out.parent.mkdir(parents=True, exist_ok=True)
    elif not out.parent.is_dir():
        raise SimInputError(f"{verb}{flag}: folder {out.parent} does not exist (create it first)")
    if not os.access(out.parent, os.W_OK):
        raise SimInputError(f"{verb}{flag}: folder {out.parent} is not writable")
    if out.is_dir():
        raise SimInputError(f"{verb}{flag}: is a folder")
    if out.exists() and not force:
        raise SimInputError(f"{verb}{flag}: exists; add --force to overwrite it (or choose another -o)")
    return out


def _compile_notice(args, model=None, analytic: bool = True, method: str = "rodas4", n_members: int = 1) -> None:
    """One line, once per process, before numba compiles for the first time: the solver kernel a solve of
    ``n_members`` uses (not in numba's cache, :func:`sim.solver.warmup.cached`), or the model's right-hand side
    or analytic Jacobian (a model not run on this machine before)."""
    global _NOTICE_SHOWN
    if _NOTICE_SHOWN:
        return
    from sim.solver import warmup

    if not warmup.cached(method, warmup.parallel_kernel(n_members)):
        _NOTICE_SHOWN = True
        _note(args, f"compiling kernels, once, ~{COMPILE_S} s (later runs load them from the cache)")
    elif model is not None and not _model_compiled(model, numba_cache(), analytic):
        _NOTICE_SHOWN = True
        _note(args, f"compiling kernels for this model, once, ~{COMPILE_MODEL_S} s (later runs load them from "
                    "the cache)")


_NOTICE_SHOWN = False


def numba_cache() -> Path | None:
    """The folder numba caches compiled functions in when ``NUMBA_CACHE_DIR`` names one, else None (then
    beside each source file, in its ``__pycache__``)."""
    root = os.environ.get("NUMBA_CACHE_DIR")
    return Path(root) if root else None


def _model_compiled(model, numba_cache, analytic: bool) -> bool:
    """True if the model's generated RHS, and with ``analytic`` its Jacobian, are written and in numba's cache."""
    from numba.core.caching import _CacheLocator

    from sim.analytic import available
    from sim.model import cache_folder

    key = model.source_key()
    files = [cache_folder() / "models" / f"model_{key}.py"]
    if analytic and available():
        files += sorted((cache_folder() / "jacobians").glob(f"jac_{key}_*.py")) or [Path(f"jac_{key}_missing")]
    for file in files:  # numba's index: <file stem>.<function>-<line>.pyXY.nbi, in the folder numba picks for the file
        index = numba_cache / _CacheLocator.get_suitable_cache_subpath(str(file)) if numba_cache else \
            file.parent / "__pycache__"
        if not (file.exists() and any(index.glob(f"{file.stem}.*.nbi"))):
            return False
    return True


# seconds a first `sim run` spends compiling the kernels it uses: 9.5-9.7 s on 2 cores at load 1.8-2.2,
# about 20 s on 2 busy cores (`python benchmarks/cli_startup.py --cold`)
COMPILE_S = "10-20"
# a model new to this machine (kernel cached): its RHS and analytic Jacobian, 7.2-7.6 s of sympy and compile on two
# free cores (`python benchmarks/cli_startup.py --cold`, new-model rows), about twice that on busy ones
COMPILE_MODEL_S = "7-15"


def _failed_runs(result) -> int:
    import numpy as np

    return int((np.asarray(result.status) != 0).sum()) if result.status is not None else 0


# ---- verbs -------------------------------------------------------------------------------------

def cmd_run(args) -> int:
    from sim.store import OutputLock

    exp = _load(args, compile_ahead=True)
    out = _check_output(args.output, Path("results") / default_name(args.experiment, dict(exp.overrides)),
                        args.force, verb="run: ")
    with OutputLock(out):
        from sim.progress import COHORT_PROGRESS_RUNS, stage
        from sim.runner import run

        quiet = args.quiet or exp.cohort_size <= COHORT_PROGRESS_RUNS
        with stage(f"run: {exp.cohort_size} subjects", quiet=quiet):
            result = run(exp)
        result.to_hdf5(out, precision=exp.precision)
    failed = _failed_runs(result)
    if failed:
        from sim.solver import Status

        first = Status(int(result.status[result.status != 0][0])).message
        print(f"sim run: {failed} of {len(result.status)} runs failed ({first}); their rows are kept with "
              f"status in /solver/status", file=sys.stderr)
    print(f"wrote {out} ({result.n_runs} run(s), {len(result.time)} times, {len(result.outputs)} outputs)")
    return EXIT_FAILED if failed else 0


MIN_PER_ARM = 2


def cmd_trial(args) -> int:
    import json

    from sim import outcomes, stats
    from sim.store import OutputLock, write_result

    exp = _load(args)
    if exp.cohort_size < MIN_PER_ARM:
        raise SimInputError(f"{exp.source_path}: cohort.size: {exp.cohort_size} patient(s) per arm; a trial needs at "
                            f"least {MIN_PER_ARM} per arm for a spread and an effect size (20 or more for intervals "
                            "worth reading)")
    out = _check_output(args.output, Path("results") / default_name(args.experiment, dict(exp.overrides)),
                        args.force, verb="trial: ")
    with OutputLock(out):
        from sim.progress import stage
        from sim.trial import run_trial

        with stage(f"trial: {exp.cohort_size} patients per arm", quiet=args.quiet):
            result, outcome = run_trial(exp)
        summary = stats.trial_summary(outcome, seed=exp.seed)
        result.attrs["outcome_summary"] = json.dumps(summary, sort_keys=True)
        write_result(result, out, precision=exp.precision, outcomes=outcome)
    print(stats.format_trial_summary(summary, outcomes.published_line(exp.reference)))
    failed = _failed_runs(result)
    if failed:
        print(f"sim trial: {failed} of {len(result.status)} patients' pharmacology failed; their amygdala rows "
              "are NaN and their outcome assumes an untreated memory", file=sys.stderr)
    print(f"wrote {out} ({len(outcome['arm'])} patients)")
    return EXIT_FAILED if failed else 0


def cmd_sweep(args) -> int:
    from sim.store import OutputLock

    if args.workers is not None and args.workers < 1:
        raise SimInputError(f"sweep: --workers must be >= 1, got {args.workers}")
    if args.chunk_runs is not None and args.chunk_runs < 1:
        raise SimInputError(f"sweep: --chunk-runs must be >= 1, got {args.chunk_runs}")
    exp = _load(args, chunked=True)
    out = _check_output(args.output, Path("results") / default_name(args.experiment, dict(exp.overrides)),
                        args.force or args.resume, verb="sweep: ")
    with OutputLock(out):
        if args.force and not args.resume and out.exists():
            from sim.store import Journal

            out.unlink()
            journal = Journal(out, "")
            if journal.folder.is_dir():
                journal.clear()
        from sim.sweep import run_sweep

        out = run_sweep(exp, out, workers=args.workers, scheduler=args.scheduler, resume=args.resume,
                        chunk_runs=args.chunk_runs, summaries_only=args.summaries_only or None,
                        progress=False if args.quiet else None)
    print(f"wrote {out}")
    return 0


def cmd_sensitivity(args) -> int:
    from sim import sensitivity
    from sim.result import Result

    var = args.output_var or args.output_deprecated
    if not var:
        raise SimInputError("sensitivity: --output-var is required (the output to analyse, e.g. ec_serotonin)")
    plot = None
    if args.plot:
        plot = _check_output(args.plot, Path(args.plot), args.force, FIGURE_SUFFIXES, "figure", "sensitivity: ")
    result = Result.from_hdf5(args.result)
    indices = sensitivity.sobol_indices(result, var, args.metric)
    print(sensitivity.format_table(indices, var, args.metric))
    for line in sensitivity.design_warnings(indices, result):
        _note(args, f"warning: {args.result}: {line}", always=True)
    if plot:
        sensitivity.plot(indices, var, args.metric, plot)
        print(f"wrote {plot}")
    if args.output_deprecated and not args.output_var:
        _note(args, "warning: --output is deprecated; use --output-var", always=True)
    return 0


def cmd_params(args) -> int:
    from sim import outcomes, protocol
    from sim.amygdala import drive
    from sim.amygdala.params import qualified_parameters
    from sim.assembly import build_model
    from sim.kinetics.drugs import pk_parameters
    from sim.params import format_table, status_summary

    model = build_model(args.species, ())  # the MDMA cascade: PK and the three monoamine terminals
    table = [(n, model.parameter(n)) for n in model.parameter_names] + qualified_parameters()
    table += drive.parameters() + protocol.parameters() + outcomes.parameters()  # what decides a trial outcome
    table += pk_parameters(args.species)  # every library drug's generic PK, per drug
    rows = [(n, p) for n, p in table if args.mechanism in (None, n.split(".")[0])]
    if not rows:
        from sim.errors import closest

        mechanisms = sorted({n.split(".")[0] for n, _ in table})
        hint = closest(args.mechanism, mechanisms, listed=20)
        raise SimInputError(f"params: unknown mechanism {args.mechanism!r}; {hint}")
    print(status_summary(rows) if args.summary else format_table([p for _, p in rows], [n for n, _ in rows]))
    return 0


def _figure_path(given: str | None, default: Path, force: bool, verb: str = "plot: ") -> Path:
    return _check_output(given, default, force, FIGURE_SUFFIXES, "figure", verb)


def cmd_plot(args) -> int:
    from sim import plots
    from sim.result import Result

    if args.kind == "vlachos":  # the amygdala models' reproduced published result; needs no file
        if args.result:
            raise SimInputError("plot: --kind vlachos draws the reference protocol and takes no result file")
        out = _figure_path(args.output, Path("results") / "vlachos.png", args.force)
        from sim.amygdala.plots import vlachos_figure

        vlachos_figure(out)
        print(f"wrote {out}")
        return 0
    if not args.result:
        raise SimInputError(f"plot: --kind {args.kind or 'timecourse'} needs a result file")
    results = [Result.from_hdf5(p) for p in args.result]
    kind = args.kind or plots.default_kind(results[0], has_outcomes=_has_outcomes(args.result[0]))
    if len(results) > 1 and kind != "compare":
        if args.kind:
            raise SimInputError(f"plot: {len(results)} result files given; only --kind compare takes several")
        kind = "compare"
    for path, result in zip(args.result, results, strict=True):
        refused, note = plots.failed_runs_note(result, path)
        if refused:
            raise SimInputError(refused)
        if note:
            _note(args, note)
    results = [plots.without_failed_runs(r) for r in results]
    if len(results) == 1 and kind in ("cascade", "compare") and _has_outcomes(args.result[0]):
        from sim.report import _arm_result, trial_context  # a trial file: its arms side by side, never pooled

        trial = trial_context(results[0], args.result[0])
        if trial and len(trial["groups"]) > 1:
            results = [_arm_result(results[0], g.runs, g.label, keep_events=False) for g in trial["groups"]]
            args.labels = args.labels or ",".join(g.label for g in trial["groups"])
            kind = "compare"
    outputs = args.outputs.split(",") if args.outputs else None
    if outputs:
        have = set().union(*(r.outputs for r in results))
        have |= {n.rsplit(".", 1)[0] for n in have}  # summaries: <output>.<metric>
        missing = [o for o in outputs if o not in have]
        if missing:
            from sim.errors import closest

            raise SimInputError(f"{args.result[0]}: --outputs: no output named {missing[0]!r}; "
                                f"{closest(missing[0], sorted(have))}")
    labels = args.labels.split(",") if args.labels else None
    if labels and len(labels) != len(results):
        raise SimInputError(f"plot: --labels has {len(labels)} names for {len(results)} files")
    default = Path(args.result[0]).with_name(f"{Path(args.result[0]).stem}_{kind}.png")
    out = _figure_path(args.output, default, args.force)
    result = results[0]
    metric = "cmax" if args.metric == "peak" else args.metric
    import warnings

    warnings.filterwarnings("ignore", "All-NaN slice", RuntimeWarning)  # runs left out (failed) are NaN
    try:
        if kind == "timecourse":
            plots.timecourse(result, outputs, out)
        elif kind == "cascade":
            plots.cascade(result, out, outputs)
        elif kind == "compare":
            plots.compare(results, labels, out, outputs)
        elif kind == "cohort":
            plots.cohort(result, out, outputs)
        elif kind == "dose-response":
            plots.dose_response(result, outputs, args.param, metric, out)
        elif kind == "amygdala":
            plots.amygdala(result, out)
        elif kind == "trial":
            from sim.store import read_outcomes

            plots.trial(result, read_outcomes(args.result[0]), out)
    except ValueError as exc:
        raise SimInputError(f"{args.result[0]}: --kind {kind}: {exc}") from None
    print(f"wrote {out}")
    return 0


def _has_outcomes(path) -> bool:
    from sim.store import read_outcomes

    return bool(read_outcomes(path))


def cmd_report(args) -> int:
    from sim.report import write_report
    from sim.result import Result

    default = Path(args.result).with_suffix(".html")
    out = _check_output(args.output, default, args.force, (".html", ".htm"), "report", "report: ")
    result = Result.from_hdf5(args.result)
    from sim.plots import failed_runs_note

    refused, note = failed_runs_note(result, args.result)
    if refused:
        raise SimInputError(refused)
    if note:
        _note(args, note.replace("the figure", "the figures"))
    suites = [s for s in args.validate.split(",") if s] if args.validate else None
    write_report(result, out, source=args.result, validate=not args.no_validate, suites=suites)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)")
    return 0


def cmd_explore(args) -> int:
    from sim import explore
    from sim.config import load_experiment

    out = _check_output(args.output, Path("results") / "explorer.html", args.force, (".html", ".htm"), "page",
                        "explore: ")
    exp = load_experiment(args.experiment, _overrides(args.set)) if args.experiment else None
    built = explore.build(out, exp, explore.GRIDS[args.grid],
                          progress=None if args.quiet else explore.print_progress)
    for note in built.notes:
        _note(args, note, always=True)
    print(explore.format_errors(built))
    print(f"wrote {out} ({built.size_mb:.2f} MB, {built.runs} runs + {built.check_runs} interpolation checks, "
          f"built in {built.build_s:.0f} s)")
    return 0


def cmd_validate(args) -> int:
    from sim.validate import run_suites

    _compile_notice(args)
    ok = run_suites(args.suites or None, progress=not args.quiet)
    return 0 if ok else EXIT_FAILED


def cmd_fit(args) -> int:
    from sim.fit import run_cli

    return run_cli(args, _load, _check_output)


def cmd_export(args) -> int:
    from sim.export import run_cli

    return run_cli(args, _load, _check_output)


def cmd_bench(args) -> int:
    from benchmarks.__main__ import run as run_benchmarks

    run_benchmarks(quick=args.quick, out_dir=args.out)
    return 0


def _version() -> str:
    from sim import __version__

    return f"sim (neuropharm-sim) {__version__}"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sim", description="neuropharm-sim: research and teaching simulator "
                                              "(not clinical guidance)")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")
    common = _Parser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", help="no progress bars or notices on stderr")
    writes = _Parser(add_help=False)
    writes.add_argument("--force", action="store_true", help="overwrite an existing output file")

    p = sub.add_parser("run", parents=[common, writes], help="run one experiment (one subject or a cohort)")
    p.add_argument("experiment", help="experiment TOML file")
    p.add_argument("-o", "--output", help="HDF5 file to write, .h5 or .hdf5 (default results/<name>[__<overrides>].h5)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a TOML key, e.g. dose.0.amount_mg=80")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("trial", parents=[common, writes],
                       help="virtual clinical trial: [protocol] for every [[arm]] (default: placebo, the protocol's "
                            "drug)")
    p.add_argument("experiment", help="experiment TOML file with a [protocol] table")
    p.add_argument("-o", "--output", help="HDF5 file to write (default results/<name>[__<overrides>].h5)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a TOML key, e.g. cohort.size=1000")
    p.set_defaults(func=cmd_trial)

    p = sub.add_parser("sweep", parents=[common, writes], help="run the experiment's [sweep] in chunks; resumable")
    p.add_argument("experiment", help="experiment TOML file with a [sweep] table")
    p.add_argument("-o", "--output", help="HDF5 file to write (default results/<name>[__<overrides>].h5)")
    p.add_argument("--workers", type=int, help="local worker processes (default: number of cores)")
    p.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://127.0.0.1:8786")
    p.add_argument("--resume", action="store_true", help="finish an interrupted sweep in OUT")
    p.add_argument("--chunk-runs", type=int, help="runs per task (default: up to 256, so that every worker gets one)")
    p.add_argument("--summaries-only", action="store_true", help="store cmax/tmax/auc/final, not time courses")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a TOML key")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("sensitivity", parents=[common, writes], help="Sobol indices of a Sobol sweep (SALib)")
    p.add_argument("result", help="HDF5 file from sim sweep with method = 'sobol'")
    p.add_argument("--output-var", help="the output to analyse, e.g. ec_serotonin")
    p.add_argument("--output", dest="output_deprecated", help=argparse.SUPPRESS)  # old name of --output-var
    p.add_argument("--metric", default="auc", choices=("auc", "cmax", "final", "peak"),
                   help="per-run summary (default auc; peak is the old name of cmax)")
    p.add_argument("--plot", help="also write a bar chart (.png/.svg/.pdf)")
    p.set_defaults(func=cmd_sensitivity)

    p = sub.add_parser("params", help="list every parameter: value, unit, status, source")
    p.add_argument("mechanism", nargs="?", help="only this mechanism (e.g. pk)")
    p.add_argument("--summary", action="store_true", help="count parameter statuses per mechanism")
    p.add_argument("--species", default="human", choices=("human", "rat", "mouse"))
    p.set_defaults(func=cmd_params)

    p = sub.add_parser("plot", parents=[common, writes],
                       help="figures of result files (kinds: timecourse, cascade, compare, cohort, dose-response, "
                            "amygdala, trial, vlachos)")
    p.add_argument("result", nargs="*", help="HDF5 result file (several for --kind compare; none for vlachos)")
    p.add_argument("-o", "--output", help="figure file, .png, .svg or .pdf (default: <result>_<kind>.png beside it)")
    p.add_argument("--kind", choices=("timecourse", "cascade", "compare", "cohort", "dose-response", "amygdala",
                                      "trial", "vlachos"),
                   help="default: trial for a sim trial file, dose-response for a sweep, compare for several "
                        "files, else cascade. timecourse: chosen outputs; cascade: dose to brain on one time axis; "
                        "compare: files (or one file's arms) overlaid; cohort: median and 5-95 %% band; "
                        "dose-response: a sweep's summary metric against a swept parameter; "
                        "amygdala: per-trial fear response and BLA/CeM rates of [amygdala] probe trials; "
                        "trial: per-arm CAPS-5 course and responder shares of a sim trial file; "
                        "vlachos: both amygdala models through the Vlachos et al. 2011 protocol (no file)")
    p.add_argument("--outputs", help="comma-separated output names (default depends on the kind)")
    p.add_argument("--param", help="dose-response: the swept parameter on the x axis (default: the first dose)")
    p.add_argument("--metric", default="cmax", choices=("cmax", "tmax", "auc", "final", "fold", "peak"),
                   help="dose-response: per-run summary on the y axis (default cmax; fold = peak / value at t=0)")
    p.add_argument("--labels", help="compare: comma-separated legend names, one per file")
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser("report", parents=[common, writes],
                       help="one self-contained HTML report: experiment, figures, metrics, provenance")
    p.add_argument("result", help="HDF5 result file")
    p.add_argument("-o", "--output", help="HTML file to write (default: <result>.html beside it)")
    p.add_argument("--validate", metavar="SUITES",
                   help="comma-separated sim validate suites to include (default: those that apply to the file)")
    p.add_argument("--no-validate", action="store_true",
                   help="leave out the validation rows (they re-run the published targets: about 1-6 s per suite, "
                        "~75 s for trial, which a sim trial file includes)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("explore", parents=[common, writes],
                       help="one offline HTML page with sliders for teaching (numbers precomputed by the engine "
                            "on a grid)")
    p.add_argument("experiment", nargs="?", help="experiment TOML whose subject and doses the page starts from")
    p.add_argument("-o", "--output", help="HTML file to write (default results/explorer.html)")
    p.add_argument("--grid", default="full", choices=("full", "small"),
                   help="full (about 7,000 runs, a few minutes) or small (about 120 runs, for a quick look)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a TOML key")
    p.set_defaults(func=cmd_explore)

    sub._parser_class = _ValidateParser  # its --help lists the suites
    p = sub.add_parser("validate", parents=[common], help="compare with published targets; non-zero exit on failure")
    sub._parser_class = _Parser
    p.add_argument("suites", nargs="*", help="suites to run (default: all; listed below)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("fit", parents=[common, writes], help="fit model parameters to data (least squares)")
    p.add_argument("experiment", help="experiment TOML file")
    p.add_argument("--data", required=True, help="CSV with columns time_h,output,value[,sd][,run]")
    p.add_argument("--fit", required=True, help="comma-separated parameters, e.g. pk.cl_other,pk.ka")
    p.add_argument("--multistart", type=int, default=1, help="number of starts (default 1: the defaults)")
    p.add_argument("--no-profile", action="store_true", help="skip the profile-likelihood intervals")
    p.add_argument("--plot", help="data-vs-fit figure (default: OUT with .png)")
    p.add_argument("-o", "--output", help="HDF5 file to write (default results/<name>_fit.h5)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a TOML key")
    p.set_defaults(func=cmd_fit)

    p = sub.add_parser("export", parents=[common, writes], help="write the experiment's model as SBML or Antimony")
    p.add_argument("experiment", help="experiment TOML file")
    p.add_argument("--format", required=True, choices=("sbml", "antimony"), help="sbml (L3V2, .xml) or antimony")
    p.add_argument("--run", type=int, default=0, help="whose parameters and doses (default run 0)")
    p.add_argument("-o", "--output", help="file to write (default results/<name>.xml or .ant)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a TOML key")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("bench", help="run the benchmark suite")
    p.add_argument("--quick", action="store_true", help="small sizes only")
    p.add_argument("--out", default="benchmarks/results", help="folder for the JSON results")
    p.set_defaults(func=cmd_bench)
    return parser


def _one_line(message: str) -> str:
    """``sim: error: <message>`` on one line, without a doubled ``sim``."""
    text = " ".join(str(message).split())
    if text.startswith("sim "):
        text = text[4:]
    elif text.startswith("sim: "):
        text = text[5:]
    return text


def main(argv=None) -> int:
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread (e.g. an embedding application): leave signals alone
        pass
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except SimInputError as exc:
        print(f"sim: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("sim: interrupted; outputs are as they were before, or complete", file=sys.stderr)
        return 130
    except Terminated:
        print("sim: terminated; outputs are as they were before, or complete", file=sys.stderr)
        return 143
    except OSError as exc:  # disk full, permissions, a vanished folder: the run itself could not finish
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"sim: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # a bug: one line, and the traceback only on request
        if os.environ.get("SIM_DEBUG"):
            raise
        text = " ".join(str(exc).split())[:300]
        print(f"sim: internal error (a bug; please report it with SIM_DEBUG=1 for the traceback): "
              f"{type(exc).__name__}: {text}", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
