"""Declare mechanisms, then compose them into one state vector and one compiled RHS.

A :class:`Mechanism` declares its states, its parameters (value, unit, source), the states of
other mechanisms it reads (``inputs``), the observable outputs derived from its states, and an
``@njit`` right-hand-side fragment with the fixed signature::

    fragment(t, y, p, dydt, s, q, x)

``s`` is the offset of the mechanism's first state in ``y``, ``q`` the offset of its first
parameter in ``p`` and ``x`` a tuple with the global indices of its ``inputs``. ``dydt`` is zeroed
before the fragments run; a fragment *adds* to ``dydt``, so two mechanisms may act on one state.

:class:`Model` lays the mechanisms out and generates one small Python module that calls every
fragment with its offsets. The module is written once to a cache folder (its name is a hash of its
text and of the mechanisms' source files), so numba's on-disk cache serves later runs and a change
to a mechanism gives a new module.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.errors import ModelError
from sim.generated import load_generated
from sim.params import Parameter

OutputFunction = Callable[[Mapping[str, np.ndarray], Mapping[str, np.ndarray]], np.ndarray]


@dataclass(frozen=True)
class State:
    """One state variable of a mechanism, in the engine's canonical units (sim.units)."""

    name: str
    unit: str
    description: str
    initial: float = 0.0


@dataclass(frozen=True)
class Output:
    """An observable computed after integration from states (N, T) and parameters (N, 1).

    ``compute(states, params)`` receives mappings keyed by the mechanism's own short names
    (inputs under their qualified names) and returns an (N, T) array in ``unit``.
    """

    name: str
    unit: str
    long_name: str
    compute: OutputFunction


@dataclass(frozen=True)
class Mechanism:
    """States, parameters and an njit RHS fragment: one piece of physiology."""

    name: str
    states: tuple[State, ...]
    parameters: tuple[Parameter, ...]
    rhs: Callable
    inputs: tuple[str, ...] = ()
    outputs: tuple[Output, ...] = ()
    dose_targets: Mapping[tuple[str, str], str] = field(default_factory=dict)
    description: str = ""

    def parameter(self, short_name: str) -> Parameter:
        for p in self.parameters:
            if p.name == short_name:
                return p
        raise KeyError(short_name)


def cache_folder() -> Path:
    """Where generated model modules live: $NEUROPHARM_SIM_CACHE, else the user cache folder."""
    root = os.environ.get("NEUROPHARM_SIM_CACHE")
    if root:
        return Path(root)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "neuropharm-sim"


def write_generated(path, source: str) -> bool:
    """Write generated code once, atomically: rewriting would change the mtime and void numba's cache.
    True if it was written now (so nothing has compiled it yet)."""
    if path.exists():
        return False
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(source)
    os.replace(tmp, path)
    return True


class Model:
    """Mechanisms laid out in one flat state vector and one flat parameter vector."""

    def __init__(self, mechanisms: Sequence[Mechanism]):
        self.mechanisms = tuple(mechanisms)
        names = [m.name for m in self.mechanisms]
        if len(set(names)) != len(names):
            raise ModelError(f"duplicate mechanism names in {names}")
        self.state_names: list[str] = []
        self.state_units: list[str] = []
        self.parameter_names: list[str] = []
        self.parameters: list[Parameter] = []
        self.state_offset: dict[str, int] = {}
        self.parameter_offset: dict[str, int] = {}
        for m in self.mechanisms:
            self.state_offset[m.name] = len(self.state_names)
            self.parameter_offset[m.name] = len(self.parameter_names)
            for s in m.states:
                self.state_names.append(f"{m.name}.{s.name}")
                self.state_units.append(s.unit)
            for p in m.parameters:
                self.parameter_names.append(f"{m.name}.{p.name}")
                self.parameters.append(p)
        self._state_index = {n: i for i, n in enumerate(self.state_names)}
        self._parameter_index = {n: i for i, n in enumerate(self.parameter_names)}
        for m in self.mechanisms:
            for name in m.inputs:
                if name not in self._state_index:
                    raise ModelError(f"mechanism {m.name!r} reads {name!r}, which no mechanism declares")
        self._rhs = None
        self._source_key = None

    # ---- layout -------------------------------------------------------------------------
    @property
    def n_states(self) -> int:
        return len(self.state_names)

    def state_index(self, name: str) -> int:
        return self._state_index[name]

    def parameter_index(self, name: str) -> int:
        return self._parameter_index[name]

    def has_parameter(self, name: str) -> bool:
        return name in self._parameter_index

    def parameter(self, name: str) -> Parameter:
        return self.parameters[self._parameter_index[name]]

    def default_parameters(self) -> np.ndarray:
        return np.array([p.value for p in self.parameters], dtype=float)

    def initial_state(self) -> np.ndarray:
        return np.array([s.initial for m in self.mechanisms for s in m.states], dtype=float)

    def dose_target(self, drug: str, route: str) -> int | None:
        """State index that receives a dose of ``drug`` by ``route``, or None if no mechanism takes it."""
        for m in self.mechanisms:
            target = m.dose_targets.get((drug, route))
            if target is not None:
                return self._state_index[f"{m.name}.{target}"]
        return None

    # ---- outputs ------------------------------------------------------------------------
    def outputs(self, states: np.ndarray, params: np.ndarray) -> dict[str, tuple[np.ndarray, str, str]]:
        """Observables from states (N, T, n) and params (N, p): name -> (array, unit, long_name)."""
        result = {}
        for m in self.mechanisms:
            s0, q0 = self.state_offset[m.name], self.parameter_offset[m.name]
            own = {s.name: states[:, :, s0 + i] for i, s in enumerate(m.states)}
            own.update({name: states[:, :, self._state_index[name]] for name in m.inputs})
            par = {p.name: params[:, q0 + i, None] for i, p in enumerate(m.parameters)}
            for out in m.outputs:
                result[out.name] = (np.asarray(out.compute(own, par), dtype=float), out.unit, out.long_name)
        return result

    # ---- compiled right-hand side -------------------------------------------------------
    @property
    def rhs(self):
        """The composed ``rhs(t, y, p, dydt)``, compiled (and cached on disk) on first use."""
        if self._rhs is None:
            self._rhs = self._load_generated()
        return self._rhs

    def generated_source(self) -> str:
        lines = [
            f'"""Generated by sim.model for mechanisms: {", ".join(m.name for m in self.mechanisms)}.',
            "",
            'Do not edit: regenerated when any mechanism changes."""',
            "",
            "from numba import njit",
            "",
            "from sim.solver.signatures import RHS_SIGNATURE",
        ]
        for k, m in enumerate(self.mechanisms):
            fn = getattr(m.rhs, "py_func", m.rhs)
            lines.append(f"from {fn.__module__} import {fn.__name__} as _fragment{k}")
        lines += ["", "", "@njit(RHS_SIGNATURE, cache=True)", "def rhs(t, y, p, dydt):",
                  "    for i in range(dydt.size):", "        dydt[i] = 0.0"]
        for k, m in enumerate(self.mechanisms):
            x = tuple(self._state_index[name] for name in m.inputs) or (-1,)
            lines.append(f"    _fragment{k}(t, y, p, dydt, {self.state_offset[m.name]}, "
                         f"{self.parameter_offset[m.name]}, {x!r})")
        return "\n".join(lines) + "\n"

    def source_key(self) -> str:
        """Hash of the generated module and of every mechanism's source file: names generated code."""
        if self._source_key is None:
            digest = hashlib.sha256(self.generated_source().encode())
            for m in self.mechanisms:
                fn = getattr(m.rhs, "py_func", m.rhs)
                digest.update(inspect.getsource(sys.modules[fn.__module__]).encode())
            self._source_key = digest.hexdigest()[:16]
        return self._source_key

    def generated_file(self) -> tuple[Path, bool]:
        """The generated module's path, and True if it was written now (it did not exist: nothing compiled it)."""
        folder = cache_folder() / "models"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"model_{self.source_key()}.py"
        return path, write_generated(path, self.generated_source())

    def _load_generated(self):
        path, _ = self.generated_file()
        return load_generated(path).rhs
