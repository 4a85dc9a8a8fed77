"""The README's scaling figure is rebuilt from the committed points (benchmarks/results/reference_scaling.json)."""

import json

from benchmarks import scaling
from benchmarks.results_file import RESULTS_DIR


def test_reference_points_redraw_the_figure(tmp_path):
    source = RESULTS_DIR / f"{scaling.REFERENCE}.json"
    series = json.loads(source.read_text())["series"]
    assert set(series) <= set(scaling.KINDS)
    for kind, points in series.items():
        ok = [p for p in points if p["rc"] == 0]
        assert len(ok) >= 2, kind  # a slope needs two sizes
        assert all(p["kind"] == kind and p["cpu_s"] > 0 and p["peak_rss_mb"] > 0 for p in ok)
        assert all("timestamp" in p or "source" in p for p in points)  # every point says when or where from
    out = scaling.redraw(source, tmp_path / "scaling.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
