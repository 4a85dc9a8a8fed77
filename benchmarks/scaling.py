"""Scaling at size: wall time and peak memory of `sim sweep` and of a `sim run` cohort against N.

Workload: an MDMA dose (120 mg, then 60 mg at 2 h), 48 h with output every 10 min (289 times), the
whole model an MDMA experiment builds; sweeps draw four PK factors by Latin hypercube. Each point is
one `python -m sim ...` process (one worker: ``--workers 1``, so the memory is one process's and the
time is not shared between workers); its wall time and peak resident memory (``ru_maxrss`` from
``wait4``, the largest process of the tree) are recorded.

Series: ``sim sweep`` with summaries only (``--summaries-only``), ``sim sweep`` with the time courses,
and a ``sim run`` cohort (``[cohort] size = N``), each at N = 10^3 and 10^4 (``--full`` adds 10^5;
``--quick`` runs 10^2 and 10^3). The slope of log(time) and of log(peak RSS) against log(N) between
the points is printed and written to ``scaling.json``, with a log-log figure ``scaling.png`` (CPU time and peak RSS):
a slope of 1 is linear, 0 is flat. Sizes not run are not extrapolated here; the JSON says which ran.
``--sizes=1000,30000`` and ``--series=sweep_summaries`` choose the points; with ``--merge`` the new points
are added to those of an earlier ``scaling.json`` in the output folder (same series and N replaced), so
one long point can be measured alone and the figure still shows every series.

The README's figure (``docs/figures/scaling.png``) is drawn from the committed points in
``benchmarks/results/reference_scaling.json`` (measured in several sessions; each point carries its own
timestamp, or its source): ``python -m benchmarks.scaling --figure`` redraws it from them, measuring nothing.
``--reference`` merges newly measured points into that file (same series and N replaced) and redraws the figure.

Timings on a shared machine are disturbed by other load: compare the slopes, and rerun to see the
spread. The CPU time of the process tree (user + system) is much less disturbed than the wall time,
so its slope is the better test of "linear in N".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.results_file import results_dir, write_result
from benchmarks.sweep_scaling import DOSING, FACTORS

REPO_ROOT = Path(__file__).resolve().parent.parent

BODY = DOSING.format(name="scaling-benchmark")
SWEEP = '\n[sweep]\nmethod = "lhs"\nsamples = {n}\n' + FACTORS

COHORT = """
[cohort]
size = {n}
"""


def _timed(cmd, cwd) -> dict:
    """Run ``cmd``; wall time, CPU time (user + system, its whole tree), peak RSS (MB) of the largest process
    in its tree, exit status, stderr tail."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024.0,
            "rc": proc.returncode,
            "stderr": stderr.strip().splitlines()[-1:] if stderr.strip() else []}


def point(kind: str, n: int, folder: Path) -> dict:
    """One measurement: ``kind`` in sweep_summaries | sweep_time_courses | run_cohort."""
    toml = folder / f"{kind}_{n}.toml"
    out = folder / f"{kind}_{n}.h5"
    py = [sys.executable, "-m", "sim"]
    if kind.startswith("sweep"):
        toml.write_text(BODY + SWEEP.format(n=n))
        cmd = py + ["sweep", str(toml), "-o", str(out), "--workers", "1", "--force"]
        if kind == "sweep_summaries":
            cmd.append("--summaries-only")
    else:
        toml.write_text(BODY + COHORT.format(n=n))
        cmd = py + ["run", str(toml), "-o", str(out), "--force", "--quiet"]
    res = _timed(cmd, folder)
    res.update(kind=kind, n=n, file_mb=out.stat().st_size / 1e6 if out.exists() else None)
    if out.exists():
        out.unlink()
    return res


def slopes(points: list[dict], key: str) -> list[float]:
    """d log(key) / d log(N) between consecutive sizes."""
    ok = sorted((p for p in points if p["rc"] == 0), key=lambda p: p["n"])
    return [float(np.log(b[key] / a[key]) / np.log(b["n"] / a["n"])) for a, b in zip(ok, ok[1:], strict=False)]


def _slope_label(n, y) -> str:
    """", slope s": d log(y) / d log(N) from the first to the last point (none for one point)."""
    return f", slope {np.log(y[-1] / y[0]) / np.log(n[-1] / n[0]):.2f}" if len(n) > 1 else ""


def figure(series: dict, path: Path) -> None:
    """Log-log CPU time and peak RSS against N, each series labelled with its end-to-end slope."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for kind, pts in series.items():
        ok = [p for p in pts if p["rc"] == 0 and "cpu_s" in p]
        if not ok:
            continue
        n = [p["n"] for p in ok]
        cpu, rss = [p["cpu_s"] for p in ok], [p["peak_rss_mb"] for p in ok]
        axes[0].loglog(n, cpu, "o-", label=kind.replace("_", " ") + _slope_label(n, cpu))
        axes[1].loglog(n, rss, "o-", label=kind.replace("_", " ") + _slope_label(n, rss))
    axes[0].set(xlabel="runs N", ylabel="CPU time (s)", title="CPU time (process tree)")
    axes[1].set(xlabel="runs N", ylabel="peak RSS (MB)", title="peak memory")
    axes[0].legend(fontsize=8)
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


KINDS = ("sweep_summaries", "sweep_time_courses", "run_cohort")
REFERENCE = "reference_scaling"  # the committed points the README figure is drawn from
FIGURE = REPO_ROOT / "docs" / "figures" / "scaling.png"


def _summary(series: dict, **fields) -> dict:
    return {"suite": "scaling", **fields, "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "series": series,
            "slopes": {k: {"time": slopes(v, "wall_s"), "peak_rss": slopes(v, "peak_rss_mb"),
                           "cpu": slopes([p for p in v if "cpu_s" in p], "cpu_s")}
                       for k, v in series.items()}}


def redraw(source=None, out=FIGURE) -> Path:
    """Draw the figure from the points in ``source`` (default: the committed reference points); measures nothing."""
    source = Path(source) if source is not None else results_dir() / f"{REFERENCE}.json"
    series = json.loads(source.read_text())["series"]
    figure(series, Path(out))
    for kind, pts in series.items():
        ok = [p for p in pts if p["rc"] == 0]
        print(f"  {kind:<20} N = {', '.join(str(p['n']) for p in ok)}"
              + (f"; refused: N = {', '.join(str(p['n']) for p in pts if p['rc'] != 0)}" if len(ok) < len(pts) else ""))
    print(f"  wrote {out} from {source}")
    return Path(out)


def run(quick: bool = False, full: bool = False, out_dir=None, sizes=None, kinds=KINDS, merge=False,
        reference=False) -> dict:
    """Measure ``kinds`` at ``sizes``; write ``scaling.json`` and ``scaling.png`` in ``out_dir`` (with ``merge``,
    after the points of an earlier ``scaling.json`` there). ``reference``: merge into the committed
    ``reference_scaling.json`` instead and redraw the README figure."""
    if sizes is None:
        sizes = [100, 1000] if quick else [1000, 10_000] + ([100_000] if full else [])
    out_dir = results_dir(out_dir)
    name = REFERENCE if reference else "scaling"
    earlier = {}
    if (merge or reference) and (out_dir / f"{name}.json").exists():
        earlier = json.loads((out_dir / f"{name}.json").read_text())["series"]
    series = {k: [p for p in earlier.get(k, []) if k not in kinds or p["n"] not in sizes] for k in KINDS}
    with tempfile.TemporaryDirectory(prefix="scaling_") as tmp:
        folder = Path(tmp)
        point("sweep_summaries", 10, folder)  # warm the numba cache outside the measurements
        for kind in kinds:
            for n in sizes:
                p = point(kind, n, folder)
                p["timestamp"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
                series[kind].append(p)
                series[kind].sort(key=lambda q: q["n"])
                print(f"  {kind:<20} N={n:>7}: {p['wall_s']:8.1f} s  CPU {p['cpu_s']:8.1f} s  "
                      f"peak RSS {p['peak_rss_mb']:8.1f} MB"
                      + (f"  file {p['file_mb']:.1f} MB" if p["file_mb"] else "")
                      + (f"  rc {p['rc']} {p['stderr']}" if p["rc"] else ""), flush=True)
    series = {k: v for k, v in series.items() if v}
    result = _summary(series, sizes=sizes, quick=quick, full=full, merged=bool(earlier))
    for k, s in result["slopes"].items():
        print(f"  slope {k:<20} time {', '.join(f'{x:.2f}' for x in s['time'])}   "
              f"CPU {', '.join(f'{x:.2f}' for x in s['cpu'])}   "
              f"peak RSS {', '.join(f'{x:.2f}' for x in s['peak_rss'])}")
    write_result(result, name, out_dir)
    png = FIGURE if reference else out_dir / "scaling.png"
    figure(series, png)
    print(f"  wrote {out_dir / (name + '.json')} and {png}")
    return result


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    args = sys.argv[1:]
    opt = {a.split("=", 1)[0]: a.split("=", 1)[1] for a in args if "=" in a}
    if "--figure" in args:
        redraw(opt.get("--from"), opt.get("--out", FIGURE))
        raise SystemExit(0)
    run(reference="--reference" in args, quick="--quick" in args, full="--full" in args, merge="--merge" in args,
        sizes=[int(float(x)) for x in opt["--sizes"].split(",")] if "--sizes" in opt else None,
        kinds=tuple(opt["--series"].split(",")) if "--series" in opt else KINDS)
