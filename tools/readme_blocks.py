"""Copy generated Markdown blocks into the README, so that its numbers come from the scripts that compute them.

A block file (written by e.g. experiments/trial_mechanisms.py, experiments/trial_sobol.py) starts with a line
``<!-- block: NAME -->``; the README holds the same block between ``<!-- begin NAME -->`` and
``<!-- end NAME -->``, which this tool replaces with the file's content::

    python tools/readme_blocks.py results/trial_mechanisms/trial_mechanisms.md results/trial_sobol/trial_sobol.md
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def replace(readme: str, block: str) -> str:
    """``readme`` with the block named in ``block``'s first line replaced by ``block``'s other lines."""
    first, _, body = block.partition("\n")
    m = re.fullmatch(r"<!-- block: ([\w-]+) -->", first.strip())
    if not m:
        raise ValueError("a block file starts with '<!-- block: NAME -->'")
    name = m.group(1)
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    if readme.count(begin) != 1 or readme.count(end) != 1:
        raise ValueError(f"the README needs exactly one {begin} ... {end}")
    head, rest = readme.split(begin)
    _, tail = rest.split(end)
    return f"{head}{begin}\n{body.strip()}\n{end}{tail}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("blocks", nargs="+", type=Path)
    ap.add_argument("--readme", type=Path, default=README)
    args = ap.parse_args(argv)
    text = args.readme.read_text()
    try:
        for path in args.blocks:
            text = replace(text, path.read_text())
    except (OSError, ValueError) as err:
        print(f"readme_blocks: {err}", file=sys.stderr)
        return 2
    args.readme.write_text(text)
    print(f"updated {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
