"""Progress on stderr for the long steps of the command line (tqdm; off when stderr is not a terminal
or with ``--quiet``). Sweeps and ``sim validate`` count their chunks and targets; a trial or a large
cohort is one batched solve that reports no progress of its own, so it shows the elapsed time."""

from __future__ import annotations

import contextlib
import sys

COHORT_PROGRESS_RUNS = 300  # cohorts above this many runs show the elapsed time


@contextlib.contextmanager
def stage(label: str, quiet: bool = False):
    """A progress line on stderr (elapsed time, updated twice a second) for a step that reports no
    progress of its own; off when stderr is not a terminal or with ``quiet``."""
    if quiet or not sys.stderr.isatty():
        yield
        return
    import threading

    from tqdm import tqdm

    bar = tqdm(total=None, desc=label, bar_format="{desc}: {elapsed} elapsed", file=sys.stderr, leave=False)
    stop = threading.Event()

    def tick():
        while not stop.wait(0.5):
            bar.refresh()

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        bar.close()
