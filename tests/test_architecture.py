"""The module map of docs/architecture.md holds: no import cycles, lower layers never import higher ones,
and the command line starts without the numerical stack."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _modules() -> dict[str, Path]:
    mods = {}
    for path in (ROOT / "sim").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        mods[name.removesuffix(".__init__")] = path
    return mods


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports, at module level or inside functions alike.
    ``from package import name`` counts as importing the submodule ``package.name`` where one exists."""
    mods = _modules()
    graph = {m: set() for m in mods}
    for name, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                subs = [f"{node.module}.{a.name}" for a in node.names]
                targets = [s for s in subs if s in mods]
                if len(targets) < len(subs):
                    targets.append(node.module)
            else:
                continue
            graph[name].update(t for t in targets if t in mods and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan 1972)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    assert cycles(import_graph()) == []


# lower layers (keys) must not import these higher ones
FORBIDDEN = {
    "sim.solver": ("sim.kinetics", "sim.receptors", "sim.amygdala", "sim.runner", "sim.store", "sim.cli",
                   "sim.config", "sim.plots", "sim.model"),
    "sim.kinetics": ("sim.runner", "sim.store", "sim.cli", "sim.plots", "sim.report", "sim.sweep", "sim.amygdala"),
    "sim.receptors": ("sim.runner", "sim.store", "sim.cli", "sim.plots", "sim.report", "sim.sweep",
                      "sim.amygdala"),
    "sim.amygdala": ("sim.kinetics", "sim.receptors", "sim.runner", "sim.store", "sim.cli", "sim.sweep"),
    "sim.store": ("sim.runner", "sim.result", "sim.cli", "sim.plots", "sim.report"),
    "sim.config": ("sim.runner", "sim.store", "sim.cli", "sim.plots", "sim.model", "sim.solver"),
    "sim.assembly": ("sim.runner", "sim.trial", "sim.store", "sim.cli", "sim.plots", "sim.sweep", "sim.amygdala"),
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_lower_layers_do_not_import_higher_ones(layer):
    bad = sorted((m, t) for m, targets in import_graph().items() if m == layer or m.startswith(layer + ".")
                 for t in targets if any(t == h or t.startswith(h + ".") for h in FORBIDDEN[layer]))
    assert bad == []


def test_help_does_not_import_the_numerical_stack():
    code = ("import runpy, sys\nsys.argv = ['sim', '--help']\ntry:\n    runpy.run_module('sim', run_name='__main__')\n"
            "except SystemExit:\n    pass\nprint(sorted(m for m in ('numba', 'scipy', 'h5py', 'matplotlib') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_one_solve_path():
    """sim.simulate.solve is the only caller of the ensemble solver outside the solver package."""
    callers = set()
    for name, path in _modules().items():
        if name.startswith("sim.solver"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                f = node.func
                called = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if called == "solve_ensemble":
                    callers.add(name)
    assert callers == {"sim.simulate"}


# ---- the engine names no drug ------------------------------------------------------------------------------
# Where the string "mdma" may appear (string literals, docstrings excepted):
#   - study and library data: the drug library (MDMA's entry and its own PK mechanism), the validation suites
#     (they reproduce studies of named drugs) and the explorer (the teaching page of one MDMA session);
#   - mechanisms: only in prose, i.e. the parameter sources and descriptions that cite the MDMA studies a value
#     comes from (a literal with a space); a bare name such as "plasma_mdma" would be a mechanism that knows
#     the drug;
#   - every other module (the engine: config, assembly, simulate, trial, cohort, store, plots, report, cli, ...):
#     never. The drug of a protocol's sessions comes from ``drugs.DEFAULT_DRUG``, its outputs and colours from
#     its library entry, published trial endpoints from the experiment's ``[reference]``.
DRUG_DATA = ("sim/kinetics/drugs/", "sim/validation/", "sim/amygdala/validation.py", "sim/explore.py")
MECHANISMS = ("sim/kinetics/", "sim/receptors/", "sim/amygdala/")


def drug_literals(path: Path, word: str = "mdma") -> list[tuple[int, str]]:
    """(line, text) of every string literal of ``path`` that contains ``word`` (case-insensitive), docstrings
    excepted."""
    tree = ast.parse(path.read_text())
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    return sorted((node.lineno, node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
                  and word in node.value.lower())


def test_drug_literal_scan_finds_names_and_skips_docstrings(tmp_path):
    f = tmp_path / "m.py"
    f.write_text('"""About MDMA."""\nX = {"plasma_mdma": 1}\ndef g():\n    """mdma"""\n    return "MDMA study"\n')
    assert drug_literals(f) == [(2, "plasma_mdma"), (5, "MDMA study")]


def test_engine_names_no_drug():
    engine, mechanism = [], []
    for path in sorted((ROOT / "sim").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(DRUG_DATA):
            continue
        found = drug_literals(path)
        if rel.startswith(MECHANISMS):
            mechanism += [(rel, line, text) for line, text in found if " " not in text]
        else:
            engine += [(rel, line, text) for line, text in found]
    assert engine == [], "engine modules name MDMA (take it from the drug library / the experiment)"
    assert mechanism == [], "mechanisms use MDMA's name in code (only sources and descriptions may cite it)"
