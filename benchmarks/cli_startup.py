"""Start-up of the command line: ``sim --help`` and ``sim --version`` against a bare ``python -c pass``
(the peer: what any Python command costs) and ``python -c "import numpy"`` (what one numerical import
costs), each the median of several whole-process runs, started the way ``sim`` is started
(``python -m sim``). The target (issue 19): ``sim --help`` under 0.3 s; the ratio to a bare Python
start says how much of it is ours. Writes ``cli_startup.json``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
    "sim --help": [sys.executable, "-m", "sim", "--help"],
    "sim --version": [sys.executable, "-m", "sim", "--version"],
}


def _median_wall(cmd: list[str], repeats: int) -> float:
    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(quick: bool = False, full: bool = False, out_dir=None) -> dict:
    repeats = 5 if quick else 15
    walls = {name: _median_wall(cmd, repeats) for name, cmd in COMMANDS.items()}
    base = walls["python -c pass"]
    print(f"CLI start-up (median of {repeats} whole-process runs)")
    for name, wall in walls.items():
        print(f"  {name:<26} {wall * 1e3:7.0f} ms   {wall / base:5.2f} x python -c pass")
    result = {"wall_s": walls, "ratio_to_python": {k: v / base for k, v in walls.items()},
              "help_under_0_3_s": walls["sim --help"] < 0.3, "repeats": repeats}
    if out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        (Path(out_dir) / "cli_startup.json").write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    run(quick="--quick" in sys.argv, out_dir=ROOT / "benchmarks" / "results")
