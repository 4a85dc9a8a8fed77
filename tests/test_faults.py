"""Nothing lost under faults: a second writer is locked out, a full disk (ENOSPC) and SIGTERM/SIGINT in the
middle of writing leave the previous file untouched (or a complete new one), a sweep resumes from its
journal, and a damaged journal chunk is detected by its checksum and computed again."""

import errno
import os
import signal
from pathlib import Path

import numpy as np
import pytest
from conftest import SHORT_RUN

import sim
from sim import store
from sim.cli import main
from sim.sweep import run_sweep

ROOT = Path(__file__).resolve().parent.parent
PHASE3 = ROOT / "experiments" / "phase3_trial.toml"
RUN = SHORT_RUN.format(name="faults", mg=100.0) + "[cohort]\nsize = 2\n"
SWEEP = RUN.replace("[cohort]\nsize = 2\n", "") + """
[sweep]
method = "lhs"
samples = 8
[sweep.ranges]
"dose.0.amount_mg" = [50.0, 150.0]
"""
PREVIOUS = b"the previous file, which must survive"


@pytest.fixture
def exp_file(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text(RUN)
    return path


@pytest.fixture
def sweep_file(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text(SWEEP)
    return path


def leftovers(folder: Path, keep=()) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name not in keep)


def verb_argv(verb, exp_file, out):
    if verb == "trial":
        return ["trial", str(PHASE3), "-o", str(out), "--force", "-q", "--set", "cohort.size=2"]
    return ["run", str(exp_file), "-o", str(out), "--force", "-q"]


# ---- a second writer ----------------------------------------------------------------------------

def test_a_second_writer_is_locked_out(exp_file, tmp_path, capsys):
    out = tmp_path / "x.h5"
    with store.OutputLock(out):  # another sim process writing the same file
        assert main(["run", str(exp_file), "-o", str(out)]) == 2
        err = capsys.readouterr().err.strip()
        assert "another sim process is writing" in err and err.count("\n") == 0
        assert not out.exists()
    assert main(["run", str(exp_file), "-o", str(out)]) == 0  # released: the next writer goes ahead
    assert leftovers(tmp_path) == []  # no stale lock file


def test_lock_is_exclusive_across_processes(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "y.h5"
    code = ("import sys, time; from sim.store import OutputLock; lock = OutputLock(sys.argv[1]).acquire(); "
            "print('locked', flush=True); time.sleep(30)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(out)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(store.OutputLocked):
            store.OutputLock(out).acquire()
    finally:
        holder.kill()
        holder.wait()
    with store.OutputLock(out):  # a killed holder's lock ends with it
        pass


# ---- disk full ----------------------------------------------------------------------------------

def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("verb", ["run", "trial"])
def test_disk_full_leaves_the_previous_file_untouched(verb, exp_file, tmp_path, capsys, monkeypatch):
    out = tmp_path / "x.h5"
    out.write_bytes(PREVIOUS)
    monkeypatch.setattr(store, "_write_events" if verb == "run" else "_write_outcomes", _enospc)
    assert main(verb_argv(verb, exp_file, out)) == 1
    err = capsys.readouterr().err.strip()
    assert "No space left on device" in err and err.count("\n") == 0, err
    assert out.read_bytes() == PREVIOUS
    assert leftovers(tmp_path) == []  # the temporary file and the lock are gone


def test_disk_full_during_a_sweep_then_resume_completes(sweep_file, tmp_path, capsys, monkeypatch):
    out = tmp_path / "s.h5"
    real = store.SweepFile.write_chunk
    calls = []

    def fill_up(self, *args):
        calls.append(1)
        if len(calls) == 3:
            _enospc()
        return real(self, *args)

    monkeypatch.setattr(store.SweepFile, "write_chunk", fill_up)
    assert main(["sweep", str(sweep_file), "-o", str(out), "--workers", "1", "--chunk-runs", "2", "-q"]) == 1
    assert "No space left" in capsys.readouterr().err
    monkeypatch.setattr(store.SweepFile, "write_chunk", real)
    assert main(["sweep", str(sweep_file), "-o", str(out), "--workers", "1", "--chunk-runs", "2", "--resume",
                 "-q"]) == 0
    res = sim.Result.from_hdf5(out)
    assert (res.status == 0).all() and np.isfinite(res["plasma_mdma"]).all()


# ---- SIGTERM and SIGINT in the middle of writing ------------------------------------------------

@pytest.mark.parametrize("verb", ["run", "trial"])
@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_mid_write_leaves_the_previous_file(verb, sig, code, exp_file, tmp_path, capsys, monkeypatch):
    out = tmp_path / "x.h5"
    out.write_bytes(PREVIOUS)
    real = store._write_params

    def killed_while_writing(*args):
        real(*args)  # part of the new file is on disk when the signal arrives
        os.kill(os.getpid(), sig)

    monkeypatch.setattr(store, "_write_params", killed_while_writing)
    assert main(verb_argv(verb, exp_file, out)) == code
    assert "outputs are as they were before" in capsys.readouterr().err
    assert out.read_bytes() == PREVIOUS
    assert leftovers(tmp_path) == []


def test_sigterm_mid_sweep_then_resume_completes(sweep_file, tmp_path, capsys, monkeypatch):
    out = tmp_path / "s.h5"
    real = store.SweepFile.write_chunk
    calls = []

    def terminated(self, *args):
        real(self, *args)
        calls.append(1)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(store.SweepFile, "write_chunk", terminated)
    argv = ["sweep", str(sweep_file), "-o", str(out), "--workers", "1", "--chunk-runs", "2", "-q"]
    assert main(argv) == 143
    monkeypatch.setattr(store.SweepFile, "write_chunk", real)
    assert len(list(Path(str(out) + ".journal").glob("chunk_*.npz"))) == 2
    assert main([*argv, "--resume"]) == 0
    res = sim.Result.from_hdf5(out)
    assert (res.status == 0).all()
    assert not Path(str(out) + ".journal").exists()


# ---- damaged journal chunks ---------------------------------------------------------------------

def _sweep(path, **kw):
    exp = sim.parse_experiment(SWEEP, "sweep.toml")
    return run_sweep(exp, path, workers=1, chunk_runs=2, progress=False, **kw)


@pytest.mark.parametrize("damage", ["truncate", "bitflip"])
def test_damaged_journal_chunk_is_detected_and_recomputed(damage, tmp_path, capsys):
    reference = sim.Result.from_hdf5(_sweep(tmp_path / "ref.h5"))
    out = tmp_path / "s.h5"

    def stop_after_three(start, stop):
        if start >= 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _sweep(out, on_chunk=stop_after_three)
    chunks = sorted(Path(str(out) + ".journal").glob("chunk_*.npz"))
    assert len(chunks) == 3
    data = bytearray(chunks[1].read_bytes())
    if damage == "truncate":
        chunks[1].write_bytes(bytes(data[: len(data) // 2]))
    else:
        data[len(data) // 2] ^= 0x10
        chunks[1].write_bytes(bytes(data))
    _sweep(out, resume=True)
    assert "damaged journal chunk" in capsys.readouterr().err
    res = sim.Result.from_hdf5(out)
    for name in reference.outputs:
        np.testing.assert_array_equal(res[name], reference[name], err_msg=name)
    np.testing.assert_array_equal(res.status, reference.status)
