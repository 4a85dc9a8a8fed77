"""One writer for the benchmarks' result files: ``<out_dir>/<suite>.json``, indented, newline-terminated.

``out_dir`` None means ``benchmarks/results/`` (git-ignored) next to this file; the folder is created.
``default`` converts values json cannot write (numpy scalars, arrays), as in :func:`json.dumps`.
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def results_dir(out_dir=None) -> Path:
    """The folder the result files go to (created)."""
    folder = Path(out_dir) if out_dir is not None else RESULTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_result(result: dict, suite: str, out_dir=None, default=None) -> Path:
    """Write ``result`` to ``<out_dir>/<suite>.json``; returns the path."""
    path = results_dir(out_dir) / f"{suite}.json"
    path.write_text(json.dumps(result, indent=2, default=default) + "\n")
    return path
