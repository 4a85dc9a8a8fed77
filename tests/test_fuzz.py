"""Property-based fuzzing of the command line (hypothesis).

Generated experiment files, valid and corrupted (wrong types, missing keys, NaN and infinities, huge
and negative numbers, unknown names, random bytes), and generated ``--set`` overrides go through
``sim run`` in-process. The property: exit 0 with a complete, readable output file, or exit 2 with
exactly one line on stderr and no output file at all (nor a partial or temporary one); never a
traceback. Runs are tiny (at most 2 h of model time, one to three subjects) so that the bounded
number of examples fits in CI; ``SIM_FUZZ_EXAMPLES`` raises it (the closing note of issue 19 gives
a long run's count and findings).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sim.cli import main  # noqa: E402

EXAMPLES = int(os.environ.get("SIM_FUZZ_EXAMPLES", "30"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize="SIM_FUZZ_EXAMPLES" not in os.environ,
                    database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


# ---- a small TOML writer (the standard library reads TOML but does not write it) ----------------

def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if math.isnan(v) else repr(v)  # inf, -inf and 1e+300 are TOML as Python writes them
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def to_toml(doc: dict) -> str:
    lines = []
    for table, body in doc.items():
        if isinstance(body, list) and body and all(isinstance(b, dict) for b in body):
            for entry in body:
                lines.append(f"[[{table}]]")
                lines += [f"{json.dumps(k)} = {_value(v)}" for k, v in entry.items()]
        elif isinstance(body, dict):
            lines.append(f"[{table}]")
            lines += [f"{json.dumps(k)} = {_value(v)}" for k, v in body.items()]
        else:
            lines.append(f"{json.dumps(table)} = {_value(body)}")
    return "\n".join(lines) + "\n"


# ---- generated experiments ----------------------------------------------------------------------

DRUGS = ("mdma", "placebo", "mda", "citalopram")


@st.composite
def valid_experiments(draw) -> dict:
    doc = {"experiment": {"name": draw(st.text("abcdefgh-_ ", min_size=1, max_size=12)),
                          "duration_h": draw(st.floats(0.5, 2.0)),
                          "output_interval_min": draw(st.sampled_from([10.0, 15.0, 30.0])),
                          "seed": draw(st.integers(0, 2**31))}}
    doses = []
    for _ in range(draw(st.integers(0, 2))):
        dose = {"drug": draw(st.sampled_from(DRUGS)), "time_h": draw(st.floats(0.0, 0.25))}
        if draw(st.booleans()):
            dose["amount_mg"] = draw(st.floats(0.0, 200.0))
        else:
            dose["amount_mg_per_kg"] = draw(st.floats(0.0, 3.0))
        if dose["drug"] in ("mdma", "mda"):
            dose["route"] = draw(st.sampled_from(["oral", "iv"]))
        doses.append(dose)
    if doses:
        doc["dose"] = doses
    if draw(st.booleans()):
        doc["subject"] = {"body_weight_kg": draw(st.floats(40.0, 120.0)),
                          "cyp2d6": draw(st.sampled_from(["poor", "intermediate", "extensive", "ultrarapid"]))}
    if draw(st.integers(0, 3)) == 0:  # the amygdala's probe trials (whole output intervals: a uniform grid)
        doc["experiment"]["duration_h"] = float(draw(st.integers(1, 2)))
        doc["amygdala"] = {"model": "rate", "probes_h": sorted(draw(st.lists(st.floats(0.0, 1.0), min_size=1,
                                                                              max_size=3))),
                           "context": draw(st.sampled_from(["A", "B", "none"])), "learn": draw(st.booleans())}
    if draw(st.booleans()):
        doc["solver"] = {"method": draw(st.sampled_from(["rodas4", "bdf"])),
                         "rtol": draw(st.sampled_from([1e-4, 1e-6]))}
    if draw(st.booleans()):
        doc["cohort"] = {"size": draw(st.integers(1, 3)),
                         "vary": {"pk.ka": {"dist": "lognormal", "cv": draw(st.floats(0.01, 0.5))}}}
    return doc


def _paths(doc: dict):
    """(container, key) of every scalar in the document, for mutations."""
    for body in doc.values():
        entries = body if isinstance(body, list) else [body]
        for entry in entries:
            if isinstance(entry, dict):
                for key, value in entry.items():
                    if isinstance(value, dict):
                        for k2, v2 in value.items():
                            if isinstance(v2, dict):
                                yield from ((v2, k3) for k3 in v2)
                            else:
                                yield value, k2
                    else:
                        yield entry, key


BAD_VALUES = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, 1e300, -1e300, 10**30, -(10**30), -1, 0, "", "abc", True,
                     [1, 2], {"x": 1}, 2**63, -2**63]),
    st.text(max_size=20), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
)
NAMES = st.one_of(st.sampled_from(["experimnt", "dose", "subject", "durtion_h", "amount", "drug", "pk.kaa",
                                   "cohort", "vary", "sweep", "solver", "output", "protocol", "amygdala"]),
                  st.text("abcdefghijklmnopqrstuvwxyz_.", min_size=1, max_size=12))


@st.composite
def corrupted(draw) -> bytes:
    doc = draw(valid_experiments())
    kind = draw(st.sampled_from(["type", "delete", "unknown", "rename", "bytes", "splice", "table"]))
    spots = list(_paths(doc))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "splice":  # random bytes inside a valid file
        text = to_toml(doc).encode()
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.binary(min_size=1, max_size=20)) + text[at:]
    if kind == "table":
        doc[draw(NAMES)] = draw(st.one_of(BAD_VALUES, st.dictionaries(NAMES, BAD_VALUES, max_size=3)))
    elif spots:
        container, key = draw(st.sampled_from(spots))
        if kind == "type":
            container[key] = draw(BAD_VALUES)
        elif kind == "delete":
            del container[key]
        elif kind == "unknown":
            container[draw(NAMES)] = draw(BAD_VALUES)
        else:
            container[draw(NAMES)] = container.pop(key)
    return to_toml(doc).encode()


OVERRIDE_KEYS = st.one_of(
    st.sampled_from(["experiment.duration_h", "experiment.seed", "experiment.output_interval_min", "dose.0.amount_mg",
                     "dose.0.drug", "dose.0.route", "dose.1.time_h", "subject.body_weight_kg", "subject.pk.ka",
                     "subject.cyp2d6", "cohort.size", "solver.rtol", "solver.method", "output.precision",
                     "amygdala.model", "experiment", "dose", "dose.x", "sweep.samples", "protocol.name"]),
    NAMES)
OVERRIDE_VALUES = st.one_of(
    st.sampled_from(["1", "0", "-1", "nan", "inf", "1e300", "true", "\"mdma\"", "\"x\"", "[1, 2]", "{a = 1}", "",
                     "80", "0.5", "\"rate\"", "99999999999999999999"]),
    st.text(max_size=12))


# ---- the property -------------------------------------------------------------------------------

def check(argv: list[str], folder: Path, capsys) -> int:
    out = folder / "out.h5"
    code = main([*argv, "-o", str(out)])  # an exception here (a traceback) fails the test
    cap = capsys.readouterr()
    err = "\n".join(line for line in cap.err.strip().splitlines() if not line.startswith("sim: compiling kernels"))
    leftovers = sorted(p.name for p in folder.iterdir() if p.name not in ("exp.toml", "out.h5"))
    assert not leftovers, leftovers  # never a partial or temporary file, nor a stale lock
    if code == 0:
        from sim.result import Result

        res = Result.from_hdf5(out)  # complete and readable
        assert res.n_runs >= 1 and res.time.size >= 2
        assert all(line.startswith("sim: ") for line in err.splitlines()), err
    else:
        assert code == 2, (code, err)
        assert err.startswith("sim: error: ") and err.count("\n") == 0, err
        assert "Traceback" not in err
        assert not out.exists()
    return code


def run_file(content: bytes, capsys, overrides=()) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "exp.toml"
        path.write_bytes(content)
        argv = ["run", str(path), "-q"]
        for key, value in overrides:
            argv += ["--set", f"{key}={value}"]
        return check(argv, folder, capsys)


@SETTINGS
@given(doc=valid_experiments())
def test_valid_experiments_run(doc, capsys):
    assert run_file(to_toml(doc).encode(), capsys) == 0


@SETTINGS
@given(content=corrupted())
def test_corrupted_experiments_exit_0_or_2_with_one_line(content, capsys):
    code = run_file(content, capsys)
    hypothesis.event(f"exit {code}")


@SETTINGS
@given(doc=valid_experiments(), overrides=st.lists(st.tuples(OVERRIDE_KEYS, OVERRIDE_VALUES), min_size=1, max_size=3))
def test_overrides_exit_0_or_2_with_one_line(doc, overrides, capsys):
    code = run_file(to_toml(doc).encode(), capsys, overrides)
    hypothesis.event(f"exit {code}")
