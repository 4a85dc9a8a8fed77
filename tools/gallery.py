"""Run the guided demonstrations in experiments/ and write their figures and reports (``make gallery``).

    python tools/gallery.py [--out results/gallery] [--only NAME ...]     every demonstration
    python tools/gallery.py --readme-figures [--out docs/figures]         the README's figures

Each demonstration is an experiment file whose header comment says what it shows; the gallery runs it
(``sim run``, or ``sim sweep`` for a ``[sweep]`` file), draws the figure kinds that suit it and writes its
HTML report (``sim report``), then an ``index.html`` that links them all with their header comments.
"""

from __future__ import annotations

import argparse
import html
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Every experiments/**/*.toml is in the gallery, with the figure kinds that suit its result
# (sim.plots.suggested_kinds: the cascade, the cohort view for many runs, dose-response for a sweep or
# varied doses, the amygdala's probe trials -- with the spike raster for a spiking run) and the AUC as
# the dose-response metric.


def experiments() -> list[str]:
    """Every experiment file, relative to experiments/, single-file demonstrations first."""
    paths = sorted((ROOT / "experiments").rglob("*.toml"), key=lambda p: (len(p.parts), p.name))
    return [str(p.relative_to(ROOT / "experiments")) for p in paths]
# cross-file comparisons: name -> (experiment files, legend labels)
COMPARISONS = {
    "compare_single_vs_supplemental": (("single_dose.toml", "supplemental_dose.toml"),
                                       ("125 mg once", "120 mg + 60 mg at 2 h")),
}


def _header(path: Path) -> str:
    lines = []
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(lines)


def run_one(rel: str, out: Path, workers: int) -> Path:
    """Run (or sweep) one experiment into OUT/<name>.h5; returns the file."""
    import sim
    from sim.sweep import run_sweep

    path = ROOT / "experiments" / rel
    exp = sim.load_experiment(path)
    h5 = out / (Path(rel).stem + ".h5")
    if h5.exists():
        h5.unlink()
    if exp.sweep:
        run_sweep(exp, h5, workers=workers, progress=False)
    else:
        sim.run(exp).to_hdf5(h5, precision=exp.precision)
    return h5


def figures_for(h5: Path, out: Path) -> list[Path]:
    from sim import plots
    from sim.result import Result

    result = Result.from_hdf5(h5)
    made = []
    for kind in plots.suggested_kinds(result):
        made.append(out / f"{h5.stem}.{kind}.png")
        if kind == "cascade":
            plots.cascade(result, made[-1])
        elif kind == "cohort":
            plots.cohort(result, made[-1])
        elif kind == "dose-response":
            plots.dose_response(result, path=made[-1], metric="auc")
        elif kind == "amygdala":
            plots.amygdala(result, made[-1])
    return made


def gallery(out: Path, only=None, workers: int = 2) -> Path:
    from sim import plots
    from sim.report import write_report
    from sim.result import Result

    out.mkdir(parents=True, exist_ok=True)
    entries, files, failed = [], {}, []
    for rel in experiments():
        if only and Path(rel).stem not in only:
            continue
        started = time.perf_counter()
        try:
            h5 = run_one(rel, out, workers)
            figs = figures_for(h5, out)
            report = write_report(Result.from_hdf5(h5), out / f"{h5.stem}.html", source=h5.name, validate=False)
        except Exception as exc:  # one broken demonstration must not hide the others
            failed.append(rel)
            print(f"gallery: {rel}: FAILED: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            continue
        files[rel] = h5
        entries.append((rel, figs, report))
        print(f"gallery: {rel}: {len(figs)} figure(s), report, {time.perf_counter() - started:.1f} s", flush=True)
    comparisons = []
    for name, (rels, labels) in COMPARISONS.items():
        if not all(r in files for r in rels):
            continue
        fig = out / f"{name}.png"
        plots.compare([Result.from_hdf5(files[r]) for r in rels], labels, fig)
        comparisons.append((name, rels, fig))
        print(f"gallery: {name}", flush=True)
    index = out / "index.html"
    index.write_text(_index_html(entries, comparisons), encoding="utf-8")
    print(f"gallery: wrote {index}")
    if failed:
        raise SystemExit(f"gallery: {len(failed)} demonstration(s) failed: {', '.join(failed)}")
    return index


def _index_html(entries, comparisons) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>neuropharm-sim gallery</title>"
             "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
             "line-height:1.45}img{max-width:48%;border:1px solid #eee;margin:0.3em}</style></head><body>",
             "<h1>neuropharm-sim: guided demonstrations</h1><p>Each experiment below runs with one command "
             "(<code>sim run experiments/NAME.toml</code>); its header comment says what it shows. A research and "
             "teaching simulator, not clinical guidance.</p>"]
    for rel, figs, report in entries:
        parts.append(f"<h2>{e(rel)}</h2><p>{e(_header(ROOT / 'experiments' / rel))}</p><p>"
                     + "".join(f'<a href="{e(f.name)}"><img src="{e(f.name)}" alt="{e(f.name)}"></a>' for f in figs)
                     + f'</p><p><a href="{e(report.name)}">full report</a></p>')
    for name, rels, fig in comparisons:
        parts.append(f"<h2>{e(name)}</h2><p>{e(' vs '.join(rels))}</p>"
                     f'<p><a href="{e(fig.name)}"><img src="{e(fig.name)}" alt="{e(name)}"></a></p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def readme_figures(out: Path, workers: int = 2) -> list[Path]:
    """The README figures: small PNGs (< 200 KB each) with the panels that tell each story."""
    import tempfile

    from sim import plots
    from sim.result import Result

    out.mkdir(parents=True, exist_ok=True)
    made = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ssri = Result.from_hdf5(run_one("ssri_pretreatment.toml", tmp, workers))
        made.append(out / "ssri_cascade.png")
        _small(plots.cascade(ssri, outputs=["plasma_mdma", "plasma_citalopram", "ec_serotonin"]), made[-1])
        rep = Result.from_hdf5(run_one("multiday/repeated_dose.toml", tmp, workers))
        made.append(out / "repeated_dose.png")
        _small(plots.cascade(rep, outputs=["plasma_mdma", "cyp2d6_activity", "ec_serotonin"]), made[-1])
        sweep = Result.from_hdf5(run_one("sweep_dose_response.toml", tmp, workers))
        made.append(out / "dose_response.png")
        _small(plots.dose_response(sweep, outputs=["plasma_mdma", "ec_serotonin"], metric="auc"), made[-1])
        spk = Result.from_hdf5(run_one("amygdala_spiking.toml", tmp, workers))
        made.append(out / "amygdala_spiking.png")  # linked from the README, not embedded
        _small(plots.amygdala(spk), made[-1], dpi=60)
    from sim.amygdala.plots import vlachos_figure

    made.append(out / "vlachos_renewal.png")  # the amygdala's reproduced published result
    _small(vlachos_figure(), made[-1], dpi=80)
    for path in made:
        print(f"figures: wrote {path} ({path.stat().st_size / 1024:.0f} KB)")
    return made


def _small(fig, path: Path, dpi: int = 72) -> None:
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="folder (default results/gallery, or docs/figures with --readme-figures)")
    parser.add_argument("--only", nargs="*", help="only these experiments (file stems)")
    parser.add_argument("--readme-figures", action="store_true", help="write the README's figures instead")
    parser.add_argument("--workers", type=int, default=2, help="sweep worker processes (default 2)")
    args = parser.parse_args(argv)
    if args.readme_figures:
        readme_figures(Path(args.out or ROOT / "docs" / "figures"), args.workers)
    else:
        gallery(Path(args.out or ROOT / "results" / "gallery"), args.only, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
