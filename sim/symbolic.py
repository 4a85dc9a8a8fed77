"""Symbolic form of a model (sympy), from which the SBML/Antimony export and the analytic Jacobian are built.

One source of truth: the mechanisms' own ``@njit`` fragments. :func:`symbolic` runs each fragment's
pure-Python body (``py_func``) with sympy symbols in place of the state vector ``y`` and the
parameter vector ``p``, and with ``max``, ``min``, ``abs`` and ``math`` bound to their sympy
counterparts (numba kernels the fragment calls, such as the rate laws, are traced the same way). What
the fragment adds to ``dydt`` is then the symbolic right-hand side, and each mechanism's output
functions, called with symbols (numpy-written ones with object arrays and np.maximum etc. bound to sympy),
give the observables. A fragment that branches on time or on
a state (a drinking period ``if 0 <= t < duration``, a guard ``x / c if c > 1e-12 else 0``) is traced once
per path through its branches (every symbolic comparison is a decision, enumerated depth first) and the
paths are joined into a ``Piecewise``.

Structural parameters (counts such as ``n_drugs``, used in ``int(...)`` and ``range(...)``) take their
numeric value while tracing; every other parameter stays a symbol with its value, unit and source.

From the symbolic form, :mod:`sim.export` writes SBML and Antimony, and :func:`jacobian_source` writes
the Jacobian d f / d y (dense, with its sparsity pattern) as Python source for :mod:`sim.analytic`.
"""

from __future__ import annotations

import math
import operator
import re
import types
from dataclasses import dataclass, field

import numpy as np

from sim.errors import SimInputError


def _sympy():
    import sympy

    return sympy


def ident(name: str) -> str:
    """An SBML/Antimony identifier for a qualified name: ``pk.central`` -> ``pk__central``."""
    out = re.sub(r"[^A-Za-z0-9_]", "_", name.replace(".", "__"))
    return out if re.match(r"[A-Za-z_]", out) else f"_{out}"


class ExportError(SimInputError):
    """A mechanism whose equations cannot be traced symbolically."""


@dataclass
class SymbolicModel:
    """The model as sympy expressions: ``rhs[i]`` = d state_i / dt, ``outputs[name]`` = expression."""

    state_names: list[str]
    state_symbols: list
    state_units: list[str]
    initial: np.ndarray
    parameter_names: list[str]
    parameter_symbols: list
    parameter_values: np.ndarray
    parameter_units: list[str]
    parameter_sources: list[str]
    rhs: list
    outputs: dict = field(default_factory=dict)
    output_units: dict = field(default_factory=dict)
    skipped_outputs: dict = field(default_factory=dict)
    time: object = None
    assumed: list = field(default_factory=list)  # parameter relations the tracing decided (see _Paths)
    _jacobian: object = None

    def jacobian(self):
        """d rhs / d y as a sympy Matrix (n x n); powers with a symbolic exponent combined (x^n / x ->
        x^(n-1)) so that a Hill term's derivative stays finite where its base is zero. Each right-hand side
        is differentiated only by the states it contains."""
        sp = _sympy()
        if self._jacobian is None:
            n = len(self.state_symbols)
            jac = sp.zeros(n, n)
            column = {s: j for j, s in enumerate(self.state_symbols)}
            for i, expr in enumerate(self.rhs):
                for s in expr.free_symbols & column.keys():
                    d = expr.diff(s)
                    if d != 0 and any(a.is_Pow and not a.exp.is_Number for a in sp.preorder_traversal(d)):
                        d = sp.powsimp(d, force=True)
                    jac[i, column[s]] = d
            self._jacobian = jac
        return self._jacobian

    def jacobian_sparsity(self) -> np.ndarray:
        """(n, n) bool: entries of the Jacobian that are not identically zero."""
        jac = self.jacobian()
        return np.array([[jac[i, j] != 0 for j in range(jac.shape[1])] for i in range(jac.shape[0])])

    def jacobian_function(self):
        """``jac(t, y, p) -> (n, n)`` array, the analytic Jacobian evaluated with numpy."""
        sp = _sympy()
        fn = sp.lambdify((self.time, self.state_symbols, self.parameter_symbols), self.jacobian(),
                         modules=[{"Heaviside": lambda x, h=0.5: np.heaviside(x, h)}, "numpy"])
        return lambda t, y, p: np.asarray(fn(t, list(y), list(p)), dtype=float)

    def rhs_function(self):
        """``f(t, y, p) -> (n,)`` from the symbolic form (numpy), to check it against the compiled RHS."""
        sp = _sympy()
        fn = sp.lambdify((self.time, self.state_symbols, self.parameter_symbols), self.rhs, modules="numpy")
        return lambda t, y, p: np.asarray(fn(t, list(y), list(p)), dtype=float)


def _parameter_class():
    sp = _sympy()

    class Par(sp.Symbol):
        """A parameter symbol that converts to its numeric value where a count is needed (int, range)."""

        def __new__(cls, name, value):
            obj = sp.Symbol.__new__(cls, name, real=True)
            obj._value = value
            return obj

        def __int__(self):
            _Paths.assumed.append(sp.Eq(sp.floor(self), int(self._value), evaluate=False))
            return int(self._value)

        __index__ = __int__

        # a branch on a parameter's value (a switch such as ``if k_inact > 0``) takes the numeric value
        def _numeric(self, other, op):
            if isinstance(other, int | float):
                relation = _RELATIONS[op.__name__](self, other)
                value = op(self._value, other)
                _Paths.assumed.append(relation if value else sp.Not(relation))
                return value
            return _Condition(_RELATIONS[op.__name__](self, other))

        def __gt__(self, other):
            return self._numeric(other, operator.gt)

        def __ge__(self, other):
            return self._numeric(other, operator.ge)

        def __lt__(self, other):
            return self._numeric(other, operator.lt)

        def __le__(self, other):
            return self._numeric(other, operator.le)

        __hash__ = sp.Symbol.__hash__

    return Par


class _Paths:
    """The branch decisions of one tracing pass: ``forced`` are replayed, later ones default to True."""

    forced: list = []
    taken: list = []
    assumed: list = []  # parameter-only decisions (switches, counts): the traced form holds where these do

    @classmethod
    def decide(cls, relation) -> bool:
        free = relation.free_symbols
        if all(hasattr(sym, "_value") for sym in free):  # parameters only: a switch, decided by the values
            value = bool(relation.subs({sym: sym._value for sym in free}))
            cls.assumed.append(relation if value else _sympy().Not(relation))
            return value
        k = len(cls.taken)
        value = cls.forced[k] if k < len(cls.forced) else True
        cls.taken.append((relation, value))
        return value


class _Condition:
    """A comparison involving time (``if 0 <= t < duration``): each ``bool()`` is a branch decision."""

    def __init__(self, relation):
        self.relation = relation

    def __bool__(self):
        return _Paths.decide(self.relation)


def _relations():
    sp = _sympy()
    return {"lt": sp.Lt, "le": sp.Le, "gt": sp.Gt, "ge": sp.Ge}


class _RelationTable(dict):
    def __missing__(self, key):
        self.update(_relations())
        return self[key]


_RELATIONS = _RelationTable()


def _time_symbol():
    """The time symbol: comparisons with it are branch decisions (:class:`_Condition`)."""
    sp = _sympy()

    class Time(sp.Symbol):
        def __new__(cls):
            return sp.Symbol.__new__(cls, "time", real=True)

        def __lt__(self, other):
            return _Condition(sp.Lt(self, other))

        def __le__(self, other):
            return _Condition(sp.Le(self, other))

        def __gt__(self, other):
            return _Condition(sp.Gt(self, other))

        def __ge__(self, other):
            return _Condition(sp.Ge(self, other))

        __hash__ = sp.Symbol.__hash__

    return Time()


def _trace_paths(fragment, t, ys, ps, n, s, q, x) -> list:
    """What ``fragment`` adds to dydt, as one expression per state: a Piecewise over every path through its
    branches on time (each path traced once, decisions enumerated depth first)."""
    sp = _sympy()
    from sympy.core.relational import Relational

    results, forced = [], []
    while True:
        _Paths.forced, _Paths.taken = list(forced), []
        local = [sp.Integer(0)] * n
        saved = Relational.__bool__
        Relational.__bool__ = lambda self: _Paths.decide(self)  # every symbolic comparison is a branch
        try:
            fragment(t, ys, ps, local, s, q, x)
        finally:
            Relational.__bool__ = saved
        results.append((list(_Paths.taken), local))
        decisions = [value for _, value in _Paths.taken]
        while decisions and decisions[-1] is False:
            decisions.pop()
        if not decisions:
            break
        decisions[-1] = False
        forced = decisions
    def tree(items, depth, i):
        """Nested Piecewise following the decisions: one relation per level."""
        values = [local[i] for _, local in items]
        if len(items) == 1 or all(v == values[0] for v in values):
            return values[0]
        relation = items[0][0][depth][0]
        yes = [it for it in items if it[0][depth][1]]
        no = [it for it in items if not it[0][depth][1]]
        return sp.Piecewise((tree(yes, depth + 1, i), relation), (tree(no, depth + 1, i), True))

    return [tree(results, 0, i) for i in range(n)]


def _traced(fn, cache: dict):
    """``fn``'s Python body with max/min/abs/math rebound to sympy and called kernels traced too."""
    sp = _sympy()
    fn = getattr(fn, "py_func", fn)
    if fn in cache:
        return cache[fn]
    sym_math = types.SimpleNamespace(**{k: getattr(math, k) for k in dir(math) if not k.startswith("_")})
    for name in ("log", "exp", "sqrt", "sin", "cos", "tanh"):
        setattr(sym_math, name, getattr(sp, name))
    sym_math.pow = lambda a, b: a**b
    glb = dict(fn.__globals__)
    glb.update({"max": lambda *a: sp.Max(*a), "min": lambda *a: sp.Min(*a), "abs": sp.Abs, "math": sym_math})
    for name in fn.__code__.co_names:
        value = fn.__globals__.get(name)
        if value is not None and hasattr(value, "py_func"):
            glb[name] = _traced(value, cache)
    new = types.FunctionType(fn.__code__, glb, fn.__name__, fn.__defaults__, fn.__closure__)
    cache[fn] = new
    return new


def _numpy_shim():
    """numpy for object arrays of sympy expressions: ``asarray(x, float)`` keeps the objects."""
    shim = types.SimpleNamespace(**{k: getattr(np, k) for k in dir(np) if not k.startswith("__")})

    def asarray(a, dtype=None, **kw):
        return np.asarray(a, dtype=object if dtype in (float, np.float64) else dtype, **kw)

    shim.asarray = asarray
    sp = _sympy()
    shim.maximum = np.frompyfunc(lambda a, b: sp.Max(a, b), 2, 1)
    shim.minimum = np.frompyfunc(lambda a, b: sp.Min(a, b), 2, 1)
    shim.abs = np.frompyfunc(sp.Abs, 1, 1)
    shim.exp = np.frompyfunc(sp.exp, 1, 1)
    shim.log = np.frompyfunc(sp.log, 1, 1)
    shim.sqrt = np.frompyfunc(sp.sqrt, 1, 1)
    for name in ("sin", "cos", "tanh"):
        setattr(shim, name, np.frompyfunc(getattr(sp, name), 1, 1))
    return shim


def _numpy_traced(fn, cache: dict):
    """An output function with ``np`` replaced by :func:`_numpy_shim` (and the plain functions it calls)."""
    if fn in cache:
        return cache[fn]
    glb = dict(fn.__globals__)
    if "np" in glb:
        glb["np"] = _numpy_shim()
    for name in fn.__code__.co_names:
        value = fn.__globals__.get(name)
        if isinstance(value, types.FunctionType) and value.__module__.startswith("sim."):
            glb[name] = _numpy_traced(value, cache)
    closure = fn.__closure__
    if closure:
        closure = tuple(types.CellType(_numpy_traced(c.cell_contents, cache))
                        if isinstance(c.cell_contents, types.FunctionType)
                        and c.cell_contents.__module__.startswith("sim.") else c for c in closure)
    new = types.FunctionType(fn.__code__, glb, fn.__name__, fn.__defaults__, closure)
    cache[fn] = new
    return new


def symbolic(model, params: np.ndarray | None = None, outputs: bool = True) -> SymbolicModel:
    """Trace every mechanism of ``model`` (a :class:`sim.model.Model`); ``params`` (p,) the values
    (default: the model's defaults). ``outputs=False``: the right-hand side only, not the observables
    (what the Jacobian needs)."""
    sp = _sympy()
    values = model.default_parameters() if params is None else np.asarray(params, float)
    Par = _parameter_class()
    ys = [sp.Symbol(ident(n), real=True) for n in model.state_names]
    ps = [Par(ident(n), float(v)) for n, v in zip(model.parameter_names, values, strict=True)]
    t = _time_symbol()
    dydt = [sp.Integer(0)] * model.n_states
    cache: dict = {}
    _Paths.assumed = []
    for m in model.mechanisms:
        fragment = _traced(m.rhs, cache)
        x = tuple(model.state_index(name) for name in m.inputs) or (-1,)
        try:
            added = _trace_paths(fragment, t, ys, ps, model.n_states, model.state_offset[m.name],
                                 model.parameter_offset[m.name], x)
            dydt = [a + b for a, b in zip(dydt, added, strict=True)]
        except TypeError as exc:
            raise ExportError(f"mechanism {m.name!r}: its equations cannot be traced symbolically ({exc})") from None
    assumed = list(dict.fromkeys(_Paths.assumed))
    traced, units, skipped = {}, {}, {}
    for m in model.mechanisms if outputs else ():
        s0, q0 = model.state_offset[m.name], model.parameter_offset[m.name]
        own = {s.name: ys[s0 + i] for i, s in enumerate(m.states)}
        own.update({name: ys[model.state_index(name)] for name in m.inputs})
        par = {p.name: ps[q0 + i] for i, p in enumerate(m.parameters)}
        for out in m.outputs:
            try:
                try:
                    expr = out.compute(own, par)
                except TypeError:  # written with numpy (np.stack, np.asarray(x, float)): object arrays
                    expr = _numpy_traced(out.compute, {})({k: np.array(v, dtype=object) for k, v in own.items()},
                                                          {k: np.array(v, dtype=object) for k, v in par.items()})
                if isinstance(expr, np.ndarray):
                    expr = expr.item()
                expr = sp.sympify(expr)
            except Exception as exc:  # numpy-only output functions (clip, where): not exported
                skipped[out.name] = f"{type(exc).__name__}: {exc}"
                continue
            traced[out.name] = expr
            units[out.name] = out.unit
    return SymbolicModel(
        state_names=list(model.state_names), state_symbols=ys, state_units=list(model.state_units),
        initial=model.initial_state(), parameter_names=list(model.parameter_names), parameter_symbols=ps,
        parameter_values=values, parameter_units=[p.unit for p in model.parameters],
        parameter_sources=[p.source for p in model.parameters], rhs=dydt,
        outputs=traced, output_units=units, skipped_outputs=skipped, time=t, assumed=assumed)


# ---- printing shared by the numba and the infix printers --------------------------------------------

class _Shared:
    """What both printers (numba code, SBML/Antimony infix) write alike: floats as Python reprs, max and min
    as calls. Mixed in before the sympy printer class, so these methods win."""

    def _print_Float(self, expr):
        return repr(float(expr))

    def _print_Max(self, expr):
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Min(self, expr):
        return f"min({', '.join(self._print(a) for a in expr.args)})"


# ---- the analytic Jacobian as a numba module ----------------------------------------------------

def _code_printer(sym: SymbolicModel, local: bool = False):
    """sympy -> numba-compilable Python: states as ``y[i]``, parameters as ``p[i]``, time as ``t`` (``local``:
    as the local names ``y_i``, ``p_i`` that :func:`jacobian_source` loads once at the top)."""
    sp = _sympy()
    from sympy.printing.pycode import PythonCodePrinter

    form = "{}_{}" if local else "{}[{}]"
    names = {s: form.format("y", i) for i, s in enumerate(sym.state_symbols)}
    names.update({s: form.format("p", i) for i, s in enumerate(sym.parameter_symbols)})
    names[sym.time] = "t"

    class Numba(_Shared, PythonCodePrinter):
        def _print_Symbol(self, expr):
            return names.get(expr, expr.name)

        def _print_Rational(self, expr):
            return repr(float(expr))

        def _print_Heaviside(self, expr):  # d max(a, b) / d a; the kink itself takes one side
            x = self._print(expr.args[0])  # 1.0 or 0.0 without a branch: numba compiles straight-line code faster
            return f"(({x} > 0.0) * 1.0)"

        def _print_Piecewise(self, expr):
            text = "0.0"
            for value, cond in reversed(expr.args):
                v = f"float({self._print(value)})"
                text = v if cond is sp.true else f"({v} if {self._print(cond)} else {text})"
            return text

        def _print_floor(self, expr):
            return f"math.floor({self._print(expr.args[0])})"

    return Numba({"fully_qualified_modules": True})


def jacobian_source(sym: SymbolicModel, header: str = "") -> str:
    """A Python module (numba) with the analytic Jacobian of ``sym``:

    - ``jac(t, y, p, J)`` writes every entry of the sparsity pattern (common subexpressions computed once);
    - ``PATTERN``, the (row, column) pairs it writes (all other entries are identically zero);
    - ``applies(params)``, True if every row of ``params`` (N, p) takes the same parameter-only branches
      (switches such as ``k > 0``, counts) as the parameters the form was traced with, i.e. where it holds.
    """
    sp = _sympy()
    jac = sym.jacobian()
    entries = [(i, j, jac[i, j]) for i in range(jac.shape[0]) for j in range(jac.shape[1]) if jac[i, j] != 0]
    temps, reduced = sp.cse([e for _, _, e in entries], symbols=sp.numbered_symbols("_c"), optimizations=None)
    printer = _code_printer(sym)
    lines = [f'"""{header or "Analytic Jacobian generated by sim.symbolic.jacobian_source."}', "",
             'Do not edit: regenerated when any mechanism changes."""', "", "import math", "",
             "import numpy as np", "from numba import njit", "", "from sim.solver.signatures import JAC_SIGNATURE",
             "", f"PATTERN = {[(i, j) for i, j, _ in entries]!r}", "", "",
             "@njit(cache=True)", "def applies(params):", "    for m in range(params.shape[0]):",
             "        p = params[m]"]
    for relation in sym.assumed:
        lines.append(f"        if not ({printer.doprint(relation)}):")
        lines.append("            return False")
    lines += ["    return True", "", "", "@njit(JAC_SIGNATURE, cache=True)", "def jac(t, y, p, J):"]
    used = set().union(*(e.free_symbols for _, e in temps), *(e.free_symbols for e in reduced))
    local = _code_printer(sym, local=True)  # each state and parameter read once (fewer loads to compile)
    for k, s in enumerate(sym.state_symbols):
        if s in used:
            lines.append(f"    y_{k} = y[{k}]")
    for k, s in enumerate(sym.parameter_symbols):
        if s in used:
            lines.append(f"    p_{k} = p[{k}]")
    for name, expr in temps:
        lines.append(f"    {name} = {local.doprint(expr)}")
    for (i, j, _), expr in zip(entries, reduced, strict=True):
        lines.append(f"    J[{i}, {j}] = {local.doprint(expr)}")
    return "\n".join(lines) + "\n"


# ---- infix text shared by SBML (libsbml's L3 parser) and Antimony -----------------------------

def _printer():
    from sympy.printing.str import StrPrinter

    class Infix(_Shared, StrPrinter):
        """sympy -> SBML L3V2 / Antimony infix: ^ for powers, ln, max and min (MathML of L3V2)."""

        def _print_Pow(self, expr):
            base, exp = expr.as_base_exp()
            if exp == -1:
                return f"(1 / ({self._print(base)}))"
            if exp == 0.5 or exp == _sympy().Rational(1, 2):
                return f"sqrt({self._print(base)})"
            return f"(({self._print(base)}) ^ ({self._print(exp)}))"

        def _print_log(self, expr):
            return f"ln({self._print(expr.args[0])})"

        def _print_Abs(self, expr):
            return f"abs({self._print(expr.args[0])})"

        def _print_Rational(self, expr):
            return f"({expr.p} / {expr.q})"

        def _print_Piecewise(self, expr):
            parts = []
            for value, cond in expr.args:
                if cond is _sympy().true:
                    parts.append(self._print(value))
                else:
                    parts += [self._print(value), self._print(cond)]
            if expr.args[-1][1] is not _sympy().true:
                parts.append("0")
            return f"piecewise({', '.join(parts)})"

        def _print_And(self, expr):
            return "(" + " && ".join(self._print(a) for a in expr.args) + ")"

        def _print_Or(self, expr):
            return "(" + " || ".join(self._print(a) for a in expr.args) + ")"

        def _print_Not(self, expr):
            return f"!({self._print(expr.args[0])})"

        def _print_Relational(self, expr):
            return f"({self._print(expr.lhs)} {expr.rel_op} {self._print(expr.rhs)})"

        def _print_Exp1(self, expr):
            return "exp(1)"

        def _print_Pi(self, expr):
            return "pi"

    return Infix()


def infix(expr) -> str:
    return _printer().doprint(expr)


# ---- experiment -> model, parameters, doses -----------------------------------------------------
