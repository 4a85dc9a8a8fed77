"""Every class of bad input: exit 2 and one line naming the file, the key and what is allowed (closest
matches, never the whole list); warnings outside the validated range; output-path rules."""

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SHORT_RUN

from sim.cli import default_name, main

ROOT = Path(__file__).resolve().parent.parent
BASE = SHORT_RUN.format(name="short", mg=125.0)


def run_cli(argv, capsys):
    code = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return code, cap.out, drop_notices(cap.err)


def drop_notices(err: str) -> str:
    """stderr without the once-only compile notice (a fresh clone compiles on its first run)."""
    return "\n".join(line for line in err.strip().splitlines() if not line.startswith("sim: compiling kernels"))


@pytest.fixture
def base(tmp_path):
    path = tmp_path / "base.toml"
    path.write_text(BASE)
    return path


@pytest.mark.parametrize("content, needle", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
    ('[experiment]\nname = "caf\xe9"\nduration_h = 1.0\n'.encode("latin-1"), "not UTF-8"),
    (BASE.replace('"mdma"', '"mdmaa"').encode(), "did you mean 'mdma'"),
    (BASE.replace("[experiment]", "[experimnt]").encode(), "did you mean 'experiment'"),
    (BASE.replace("duration_h", "duraton_h").encode(), "did you mean 'duration_h'"),
    ((BASE + '[subject]\n"pk.kaa" = 1.0\n').encode(), "did you mean 'pk.ka'"),
    ((BASE + '[solver]\nmethod = "rodas"\n').encode(), "did you mean 'rodas4'"),
    (BASE.replace("1.0", "nan", 1).encode(), "must be finite"),
    (BASE.replace("125.0", "1000000.0").encode(), "hard limit of 50 mg/kg"),
    ((BASE + "[cohort]\nsize = 100000000000\n").encode(), "cohort.size"),
    ((BASE + "[experiment.x]\n").encode(), "experiment.x"),
    ((BASE + "[subject]\nbody_weight_kg = 400.0\n").encode(), "body_weight_kg"),
])
def test_bad_file_exits_2_with_one_line_naming_file_and_key(tmp_path, capsys, content, needle):
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    code, _, err = run_cli(["run", path, "-o", tmp_path / "x.h5"], capsys)
    assert code == 2, err
    assert err.count("\n") == 0 and err.startswith("sim: error: ") and str(path) in err, err
    assert needle in err, err
    assert "Traceback" not in err and len(err) < 400, err  # never the whole list of ~300 parameter names
    assert not (tmp_path / "x.h5").exists()


def test_unknown_parameter_does_not_list_every_name(tmp_path, capsys):
    path = tmp_path / "p.toml"
    path.write_text(BASE + '[subject]\n"zzz.qqq" = 1.0\n')
    code, _, err = run_cli(["run", path, "-o", tmp_path / "x.h5"], capsys)
    assert code == 2 and "subject.zzz.qqq" in err and "sim params" in err and err.count(",") < 5, err


@pytest.mark.parametrize("override, needle", [
    ("experiment.duratoin_h=3", "did you mean 'duration_h'"),
    ("dose.0.amount_mg=abc", "must be a number"),
    ("dose.0.amount_mg=-3", "dose.0.amount_mg"),
    ("dose.5.amount_mg=3", "no entry dose.5"),
    ("novalue", "KEY=VALUE"),
])
def test_bad_override_exits_2(base, tmp_path, capsys, override, needle):
    code, _, err = run_cli(["run", base, "-o", tmp_path / "x.h5", "--set", override], capsys)
    assert code == 2 and err.count("\n") == 0 and needle in err, err


def test_outside_validated_range_warns_in_one_line_and_runs(base, tmp_path, capsys):
    code, out, err = run_cli(["run", base, "-o", tmp_path / "x.h5", "--set", "dose.0.amount_mg=400"], capsys)
    assert code == 0, err
    lines = [line for line in err.splitlines() if "warning" in line]
    assert len(lines) == 1 and "40-150 mg" in lines[0] and "Mas 1999" in lines[0] and "dose.0.amount_mg" in lines[0]


@pytest.mark.parametrize("where, needle", [
    ("missing_dir/x.h5", "does not exist"),
    ("x.txt", "must end in .h5 or .hdf5"),
])
def test_output_path_rules(base, tmp_path, capsys, where, needle):
    code, _, err = run_cli(["run", base, "-o", tmp_path / where], capsys)
    assert code == 2 and needle in err, err
    assert not (tmp_path / "missing_dir").exists()


def test_existing_output_needs_force(base, tmp_path, capsys):
    out = tmp_path / "x.h5"
    out.write_bytes(b"precious")
    code, _, err = run_cli(["run", base, "-o", out], capsys)
    assert code == 2 and "--force" in err and out.read_bytes() == b"precious"
    assert run_cli(["run", base, "-o", out, "--force"], capsys)[0] == 0
    assert out.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"


def test_default_output_name_carries_the_overrides(base, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert default_name("x/single_dose.toml", {"dose.0.amount_mg": 80}) == "single_dose__dose.0.amount_mg=80.h5"
    assert run_cli(["run", base, "--set", "dose.0.amount_mg=80"], capsys)[0] == 0
    assert run_cli(["run", base, "--set", "dose.0.amount_mg=90"], capsys)[0] == 0
    names = sorted(p.name for p in (tmp_path / "results").glob("*.h5"))
    assert names == ["base__dose.0.amount_mg=80.h5", "base__dose.0.amount_mg=90.h5"]
    import sim

    res = sim.Result.from_hdf5(tmp_path / "results" / names[0])
    assert "dose.0.amount_mg=80" in res.attrs["experiment_name"]  # titles and reports say what changed


def test_version_and_no_doubled_prefix(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and "neuropharm-sim" in capsys.readouterr().out
    code, _, err = run_cli(["plot"], capsys)
    assert code == 2 and "sim: error: sim" not in err and err.count("\n") == 0, err
    code, _, err = run_cli([], capsys)
    assert code == 2 and "sim: error: sim" not in err, err


def test_validate_help_lists_the_suites(capsys):
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    text = capsys.readouterr().out
    assert "pk" in text and "amygdala" in text and "transmitters" in text


def test_trial_refuses_fewer_than_two_patients_per_arm(tmp_path, capsys):
    code, _, err = run_cli(["trial", ROOT / "experiments" / "phase3_trial.toml", "-o", tmp_path / "t.h5",
                            "--set", "cohort.size=1"], capsys)
    assert code == 2 and "cohort.size" in err and "at least 2" in err, err


def test_plot_output_is_optional(base, tmp_path, capsys):
    h5 = tmp_path / "x.h5"
    assert run_cli(["run", base, "-o", h5], capsys)[0] == 0
    code, out, err = run_cli(["plot", h5], capsys)
    assert code == 0, err
    assert (tmp_path / "x_cascade.png").read_bytes()[:4] == b"\x89PNG"


def test_help_imports_no_numerics():
    """`sim --help` stays fast: the CLI module imports neither numpy, numba, scipy nor h5py at start-up."""
    code = ("import sys; from sim.cli import build_parser; build_parser(); "
            "print(sorted(m for m in ('numpy', 'numba', 'scipy', 'h5py', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == "[]"
