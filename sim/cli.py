"""The ``sim`` command (DESIGN.md section 2). Bad input: one line on stderr, exit status 2."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.errors import SimInputError

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, status 2, like every other input error
        raise SimInputError(f"{self.prog}: {message}")


def _overrides(pairs):
    from sim.config import parse_override

    return dict(parse_override(p) for p in pairs or [])


def cmd_run(args) -> int:
    from sim.config import load_experiment
    from sim.runner import run

    exp = load_experiment(args.experiment, _overrides(args.set))
    result = run(exp)
    out = Path(args.output) if args.output else Path("results") / f"{Path(args.experiment).stem}.h5"
    result.to_hdf5(out, precision=exp.precision)
    failed = int((result.status != 0).sum())
    if failed:
        from sim.solver import Status

        first = Status(int(result.status[result.status != 0][0])).message
        print(f"sim run: {failed} of {len(result.status)} runs failed ({first}); their rows are kept with "
              f"status in /solver/status", file=sys.stderr)
    print(f"wrote {out} ({result.n_runs} run(s), {len(result.time)} times, {len(result.outputs)} outputs)")
    return EXIT_FAILED if failed else 0


def cmd_trial(args) -> int:
    from sim import outcomes
    from sim.config import load_experiment
    from sim.runner import run_trial
    from sim.store import write_result

    exp = load_experiment(args.experiment, _overrides(args.set))
    result, outcome = run_trial(exp)
    out = Path(args.output) if args.output else Path("results") / f"{Path(args.experiment).stem}.h5"
    write_result(result, out, precision=exp.precision, outcomes=outcome)
    summaries, d = outcomes.summarize(outcome["arm"], outcome["caps5_baseline"], outcome["caps5_final"],
                                      outcome["diagnosis_final"])
    print(outcomes.format_table(summaries, d))
    failed = int((result.status != 0).sum())
    if failed:
        print(f"sim trial: {failed} of {len(result.status)} patients' pharmacology failed; their amygdala rows "
              "are NaN and their outcome assumes an untreated memory", file=sys.stderr)
    print(f"wrote {out} ({len(outcome['arm'])} patients)")
    return EXIT_FAILED if failed else 0


def cmd_sweep(args) -> int:
    from sim.config import load_experiment
    from sim.sweep import run_sweep

    if args.workers is not None and args.workers < 1:
        raise SimInputError(f"sim sweep: --workers must be >= 1, got {args.workers}")
    exp = load_experiment(args.experiment, _overrides(args.set))
    out = run_sweep(exp, args.output, workers=args.workers, scheduler=args.scheduler, resume=args.resume,
                    chunk_runs=args.chunk_runs, summaries_only=args.summaries_only or None)
    print(f"wrote {out}")
    return 0


def cmd_sensitivity(args) -> int:
    from sim import sensitivity
    from sim.result import Result

    result = Result.from_hdf5(args.result)
    indices = sensitivity.sobol_indices(result, args.output, args.metric)
    print(sensitivity.format_table(indices, args.output, args.metric))
    if args.plot:
        sensitivity.plot(indices, args.output, args.metric, args.plot)
        print(f"wrote {args.plot}")
    return 0


def cmd_params(args) -> int:
    from sim.amygdala.params import qualified_parameters
    from sim.params import format_table
    from sim.runner import build_model

    model = build_model(args.species, ())  # the MDMA cascade: PK and the three monoamine terminals
    table = [(n, model.parameter(n)) for n in model.parameter_names] + qualified_parameters()
    rows = [(n, p) for n, p in table if args.mechanism in (None, n.split(".")[0])]
    if not rows:
        mechanisms = sorted({n.split(".")[0] for n, _ in table})
        raise SimInputError(f"sim params: unknown mechanism {args.mechanism!r} (known: {', '.join(mechanisms)})")
    print(format_table([p for _, p in rows], [n for n, _ in rows]))
    return 0


def _figure_path(path: str, verb: str) -> Path:
    out = Path(path)
    if out.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise SimInputError(f"sim {verb}: -o {path}: the figure must end in .png, .svg or .pdf")
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def cmd_plot(args) -> int:
    from sim import plots
    from sim.result import Result

    if args.kind == "vlachos":  # the amygdala models' reproduced published result; needs no file
        if args.result:
            raise SimInputError("sim plot: --kind vlachos draws the reference protocol and takes no result file")
        from sim.amygdala.plots import vlachos_figure

        vlachos_figure(_figure_path(args.output, "plot"))
        print(f"wrote {args.output}")
        return 0
    if not args.result:
        raise SimInputError(f"sim plot: --kind {args.kind} needs a result file")
    results = [Result.from_hdf5(p) for p in args.result]
    if len(results) > 1 and args.kind != "compare":
        raise SimInputError(f"sim plot: {len(results)} result files given; only --kind compare takes several")
    outputs = args.outputs.split(",") if args.outputs else None
    if outputs:
        have = set().union(*(r.outputs for r in results))
        have |= {n.rsplit(".", 1)[0] for n in have}  # summaries: <output>.<metric>
        missing = [o for o in outputs if o not in have]
        if missing:
            raise SimInputError(f"{args.result[0]}: --outputs: no output named {missing[0]!r}")
    labels = args.labels.split(",") if args.labels else None
    if labels and len(labels) != len(results):
        raise SimInputError(f"sim plot: --labels has {len(labels)} names for {len(results)} files")
    out = _figure_path(args.output, "plot")
    result = results[0]
    try:
        if args.kind == "timecourse":
            plots.timecourse(result, outputs, out)
        elif args.kind == "cascade":
            plots.cascade(result, out, outputs)
        elif args.kind == "compare":
            plots.compare(results, labels, out, outputs)
        elif args.kind == "cohort":
            plots.cohort(result, out, outputs)
        elif args.kind == "dose-response":
            plots.dose_response(result, outputs, args.param, args.metric, out)
        elif args.kind == "amygdala":
            plots.amygdala(result, out)
        elif args.kind == "trial":
            from sim.store import read_outcomes

            plots.trial(result, read_outcomes(args.result[0]), out)
    except ValueError as exc:
        raise SimInputError(f"{args.result[0]}: --kind {args.kind}: {exc}") from None
    print(f"wrote {out}")
    return 0


def cmd_report(args) -> int:
    from sim.report import write_report
    from sim.result import Result

    out = Path(args.output)
    if out.suffix.lower() not in (".html", ".htm"):
        raise SimInputError(f"sim report: -o {args.output}: the report must end in .html")
    result = Result.from_hdf5(args.result)
    suites = [s for s in args.validate.split(",") if s] if args.validate else None
    write_report(result, out, source=args.result, validate=not args.no_validate, suites=suites)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)")
    return 0


def cmd_validate(args) -> int:
    from sim.validate import run_suites

    ok = run_suites(args.suites or None)
    return 0 if ok else EXIT_FAILED


def cmd_bench(args) -> int:
    from benchmarks.__main__ import run as run_benchmarks

    run_benchmarks(quick=args.quick, out_dir=args.out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sim", description="neuropharm-sim: research and teaching simulator "
                                              "(not clinical guidance)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("run", help="run one experiment (one subject or a cohort)")
    p.add_argument("experiment", help="experiment TOML file")
    p.add_argument("-o", "--output", help="HDF5 file to write (default results/<name>.h5)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a TOML key, e.g. dose.0.amount_mg=80")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("trial", help="virtual clinical trial: [protocol] for both arms (MDMA, placebo)")
    p.add_argument("experiment", help="experiment TOML file with a [protocol] table")
    p.add_argument("-o", "--output", help="HDF5 file to write (default results/<name>.h5)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a TOML key, e.g. cohort.size=1000")
    p.set_defaults(func=cmd_trial)

    p = sub.add_parser("sweep", help="run the experiment's [sweep] in chunks; resumable")
    p.add_argument("experiment", help="experiment TOML file with a [sweep] table")
    p.add_argument("-o", "--output", required=True, help="HDF5 file to write")
    p.add_argument("--workers", type=int, help="local worker processes (default: number of cores)")
    p.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://127.0.0.1:8786")
    p.add_argument("--resume", action="store_true", help="finish an interrupted sweep in OUT")
    p.add_argument("--chunk-runs", type=int, help="runs per task (default 256)")
    p.add_argument("--summaries-only", action="store_true", help="store cmax/tmax/auc/final, not time courses")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a TOML key")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("sensitivity", help="Sobol indices of a Sobol sweep (SALib)")
    p.add_argument("result", help="HDF5 file from sim sweep with method = 'sobol'")
    p.add_argument("--output", required=True, help="output name, e.g. plasma_mdma")
    p.add_argument("--metric", default="auc", choices=("auc", "peak", "final"))
    p.add_argument("--plot", help="also write a bar chart (.png/.svg/.pdf)")
    p.set_defaults(func=cmd_sensitivity)

    p = sub.add_parser("params", help="list every parameter: value, unit, source")
    p.add_argument("mechanism", nargs="?", help="only this mechanism (e.g. pk)")
    p.add_argument("--species", default="human", choices=("human", "rat"))
    p.set_defaults(func=cmd_params)

    p = sub.add_parser("plot", help="figures of result files (kinds: timecourse, cascade, compare, cohort, "
                                     "dose-response, amygdala, trial, vlachos)")
    p.add_argument("result", nargs="*", help="HDF5 result file (several for --kind compare; none for vlachos)")
    p.add_argument("-o", "--output", required=True, help="figure file (.png, .svg, .pdf)")
    p.add_argument("--kind", default="timecourse", choices=("timecourse", "cascade", "compare", "cohort",
                                                            "dose-response", "amygdala", "trial", "vlachos"),
                   help="timecourse (default): chosen outputs; cascade: dose to brain on one time axis; "
                        "compare: files (or one file's arms) overlaid; cohort: median and 5-95 %% band; "
                        "dose-response: a sweep's summary metric against a swept parameter; "
                        "amygdala: per-trial fear response and BLA/CeM rates of [amygdala] probe trials; "
                        "trial: per-arm CAPS-5 course and responder shares of a sim trial file; "
                        "vlachos: both amygdala models through the Vlachos et al. 2011 protocol (no file)")
    p.add_argument("--outputs", help="comma-separated output names (default depends on the kind)")
    p.add_argument("--param", help="dose-response: the swept parameter on the x axis (default: the first dose)")
    p.add_argument("--metric", default="cmax", choices=("cmax", "tmax", "auc", "final", "fold"),
                   help="dose-response: per-run summary on the y axis (default cmax; fold = peak / value at t=0)")
    p.add_argument("--labels", help="compare: comma-separated legend names, one per file")
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser("report", help="one self-contained HTML report: experiment, figures, metrics, provenance")
    p.add_argument("result", help="HDF5 result file")
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    p.add_argument("--validate", metavar="SUITES",
                   help="comma-separated sim validate suites to include (default: those that apply to the file)")
    p.add_argument("--no-validate", action="store_true",
                   help="leave out the validation rows (they re-run the published targets: about 1-6 s per suite)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("validate", help="compare with published targets; non-zero exit on failure")
    p.add_argument("suites", nargs="*", help="suites to run (default: all)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("bench", help="run the benchmark suite")
    p.add_argument("--quick", action="store_true", help="small sizes only")
    p.add_argument("--out", default="benchmarks/results", help="folder for the JSON results")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except SimInputError as exc:
        print(f"sim: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("sim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
