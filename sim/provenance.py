"""What produced a result: package versions, git commit, time. Recorded in every HDF5 file."""

from __future__ import annotations

import datetime as _dt
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

_PACKAGES = ("numpy", "scipy", "numba", "h5py", "matplotlib")


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in ("neuropharm-sim", *_PACKAGES):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit() -> str:
    """Commit of the source tree this package runs from ('+dirty' if modified), or 'unknown'."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def now_utc() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def experiment_attributes(exp) -> dict:
    """The provenance every result file records for an experiment: when, what (the experiment file
    verbatim and the ``--set`` overrides), seed, species, the engine's commit and package versions,
    the solver settings."""
    return {
        "created": now_utc(),
        "experiment_name": exp.name,
        "experiment_toml": exp.source_text,
        "experiment_path": exp.source_path,
        "overrides": json.dumps(dict(exp.overrides), sort_keys=True),
        "seed": exp.seed,
        "species": exp.species,
        "git_commit": git_commit(),
        "package_versions": json.dumps(package_versions(), sort_keys=True),
        "solver": json.dumps(exp.solver_settings()),
    }
