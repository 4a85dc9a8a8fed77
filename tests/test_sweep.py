"""Sweeps: samplers, identical results across executors, worker loss, writer kill and resume."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import sweep_text

import sim
from sim.errors import ConfigError, StoreError
from sim.sweep import run_sweep

SWEEP = sweep_text()


def load(text=SWEEP, **overrides):
    return sim.parse_experiment(text, "sweep.toml", overrides)


def read(path):
    return sim.Result.from_hdf5(path)


def assert_same(a, b):
    assert a.outputs.keys() == b.outputs.keys()
    for name in a.outputs:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    for name in a.params:
        np.testing.assert_array_equal(a.params[name], b.params[name], err_msg=name)
    np.testing.assert_array_equal(a.status, b.status)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    path = tmp_path_factory.mktemp("ref") / "ref.h5"
    run_sweep(load(), path, workers=1, chunk_runs=5, progress=False)
    return read(path)


def test_reference_is_complete_and_applies_the_samples(reference):
    assert (reference.status == 0).all()
    amounts = reference.params["sweep:dose.0.amount_mg"]
    assert amounts.min() >= 50.0 and amounts.max() <= 150.0 and len(np.unique(amounts)) == 24
    ka_factor = reference.params["pk.ka"] / sim.assembly.build_model("human").parameter("pk.ka").value
    assert ka_factor.min() >= 0.5 and ka_factor.max() <= 2.0
    # the body-weight cohort draw is applied too, and higher doses give higher peaks on average
    assert reference.params["pk.body_weight_kg"].std() > 0
    peaks = reference["plasma_mdma"].max(axis=1)
    assert np.corrcoef(amounts, peaks)[0, 1] > 0.5


def test_two_local_workers_and_other_chunking_give_identical_results(reference, tmp_path):
    run_sweep(load(), tmp_path / "two.h5", workers=2, chunk_runs=7, progress=False)
    assert_same(reference, read(tmp_path / "two.h5"))


class KillOnce:
    """Kills one process (SIGKILL) when the first chunk has been stored."""

    def __init__(self, find_pid):
        self.find_pid = find_pid
        self.killed = None

    def __call__(self, start, stop):
        if self.killed is None:
            self.killed = self.find_pid()
            os.kill(self.killed, signal.SIGKILL)


def test_local_worker_killed_is_replaced_and_results_identical(reference, tmp_path):
    psutil = pytest.importorskip("psutil")
    def pool_worker():
        for child in psutil.Process().children(recursive=True):
            try:
                cmdline = " ".join(child.cmdline())
            except psutil.Error:  # exited or a zombie meanwhile
                continue
            if "spawn_main" in cmdline and "resource_tracker" not in cmdline:
                return child.pid
        raise AssertionError("no pool worker found to kill")

    kill = KillOnce(pool_worker)
    run_sweep(load(), tmp_path / "lost.h5", workers=2, chunk_runs=2, progress=False, on_chunk=kill)
    assert kill.killed is not None
    assert_same(reference, read(tmp_path / "lost.h5"))


def test_dask_cluster_with_a_worker_killed_gives_identical_results(reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=50) as cluster, \
            distributed.Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
        kill = KillOnce(lambda: pids[0])
        run_sweep(load(), tmp_path / "dask.h5", scheduler=cluster.scheduler_address, chunk_runs=1,
                  progress=False, on_chunk=kill)
    assert kill.killed == pids[0]
    assert_same(reference, read(tmp_path / "dask.h5"))


def test_dask_gets_a_bounded_window_of_chunks_and_stores_them_in_order(reference, tmp_path, monkeypatch):
    # the client submits a chunk only while fewer than two per worker thread are submitted and not yet stored,
    # and the writer stores chunks in run order; the file equals the local pool's
    distributed = pytest.importorskip("distributed")
    submit = distributed.Client.submit
    submitted, stored, in_flight = [0], [], []

    def counting_submit(self, *args, **kwargs):
        submitted[0] += 1
        in_flight.append(submitted[0] - len(stored))
        return submit(self, *args, **kwargs)

    monkeypatch.setattr(distributed.Client, "submit", counting_submit)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                                  silence_logs=50) as cluster:
        run_sweep(load(), tmp_path / "window.h5", scheduler=cluster.scheduler_address, chunk_runs=2,
                  progress=False, on_chunk=lambda start, stop: stored.append(start))
    assert submitted[0] == len(stored) == 12 and stored == sorted(stored)
    assert max(in_flight) == 4  # the window (2 workers x 1 thread x 2) filled, never exceeded
    assert_same(reference, read(tmp_path / "window.h5"))


def test_writer_killed_then_resumed_equals_reference(reference, tmp_path):
    out = tmp_path / "killed.h5"
    exp_path = tmp_path / "sweep.toml"
    exp_path.write_text(SWEEP)
    cmd = [sys.executable, "-m", "sim", "sweep", str(exp_path), "-o", str(out), "--workers", "1", "--chunk-runs", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = Path(str(out) + ".journal")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(journal.glob("chunk_*_*.npz"))) >= 2:  # some chunks stored, sweep not finished
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert journal.is_dir(), "the writer finished before it was killed; make the sweep longer"
    assert len(list(journal.glob("chunk_*.npz"))) < 24
    try:  # the file may be readable with runs missing, or damaged by the kill: both must resume
        assert (read(out).status == -1).any()
    except StoreError:
        pass
    run_sweep(load(), out, resume=True, workers=1, chunk_runs=1, progress=False)
    assert not journal.exists()
    assert_same(reference, read(out))


def test_resume_with_a_different_experiment_is_refused(reference, tmp_path):
    out = tmp_path / "a.h5"
    run_sweep(load(), out, workers=1, progress=False)
    with pytest.raises(StoreError, match="different experiment"):
        run_sweep(load(**{"dose.0.amount_mg": 90.0}), out, resume=True, workers=1, progress=False)
    with pytest.raises(sim.errors.SimInputError, match="exists"):
        run_sweep(load(), out, workers=1, progress=False)


def test_summaries_only_match_full_time_courses(reference, tmp_path):
    run_sweep(load(), tmp_path / "s.h5", workers=1, summaries_only=True, progress=False)
    summaries = read(tmp_path / "s.h5")
    full = reference["plasma_mdma"].astype(float)
    np.testing.assert_allclose(summaries["plasma_mdma.cmax"], full.max(axis=1), rtol=1e-6)
    np.testing.assert_allclose(summaries["plasma_mdma.auc"], np.trapezoid(full, reference.time, axis=1), rtol=1e-5)


def test_sweep_refuses_amygdala_probes_it_would_not_store():
    text = SWEEP + '\n[amygdala]\nmodel = "rate"\n'
    with pytest.raises(ConfigError, match="amygdala.model"):
        run_sweep(load(text), Path("/nonexistent/never.h5"), workers=1, progress=False)


@pytest.mark.parametrize("bad, needle", [
    ('"pk.nonsense" = [1.0, 2.0]', "sweep.factors.pk.nonsense: unknown parameter"),
    ('"dose.4.amount_mg" = [1.0, 2.0]', "existing dose"),
])
def test_bad_sweep_keys_are_named(bad, needle):
    text = SWEEP.replace('"pk.cl_2d6" = [0.5, 2.0]', bad)
    with pytest.raises(ConfigError, match=needle):
        run_sweep(load(text), Path("/nonexistent/never.h5"), workers=1, progress=False)


def test_sobol_sweep_gives_sensitivity_indices(tmp_path):
    pytest.importorskip("SALib")
    from sim.sensitivity import sobol_indices

    text = SWEEP.replace('method = "lhs"\nsamples = 24', 'method = "sobol"\nsamples = 32\nsummaries_only = true')
    run_sweep(load(text), tmp_path / "sobol.h5", workers=1, progress=False)
    res = read(tmp_path / "sobol.h5")
    assert res["plasma_mdma.auc"].shape == (32 * 5,)
    idx = sobol_indices(res, "plasma_mdma", "auc")
    st = dict(zip(idx["names"], idx["ST"], strict=True))
    # the dose range (3x) dominates the exposure; absorption rate barely changes the AUC
    assert st["dose.0.amount_mg"] > st["pk.ka"]


def test_ndf_sweep_matches_the_rodas4_reference(reference, tmp_path):
    run_sweep(load(SWEEP + '\n[solver]\nmethod = "bdf"\n'), tmp_path / "ndf.h5", workers=1, chunk_runs=12,
              progress=False)
    ndf = read(tmp_path / "ndf.h5")
    assert (ndf.status == 0).all()
    assert '"method": "bdf"' in ndf.attrs["solver"]
    for name in ("plasma_mdma", "ec_serotonin"):
        scale = np.abs(reference[name]).max()
        assert np.abs(ndf[name] - reference[name]).max() <= 1e-3 * scale, name


def test_small_sobol_design_is_flagged_with_the_sample_size_that_would_do(tmp_path, capsys):
    pytest.importorskip("SALib")
    from sim.cli import main

    exp = tmp_path / "sobol.toml"
    exp.write_text(SWEEP.replace('method = "lhs"\nsamples = 24',
                                 'method = "sobol"\nsamples = 4\nsummaries_only = true'))
    out = tmp_path / "sobol.h5"
    assert main(["sweep", str(exp), "-o", str(out), "--workers", "1", "-q"]) == 0
    capsys.readouterr()
    assert main(["sensitivity", str(out), "--output-var", "plasma_mdma", "--metric", "cmax"]) == 0
    cap = capsys.readouterr()
    assert "Sobol indices of cmax of plasma_mdma" in cap.out
    warnings = [line for line in cap.err.splitlines() if "warning" in line]
    assert any("below the stated minimum of 256" in w for w in warnings), cap.err
    advice = [w for w in warnings if "base samples ([sweep] samples =" in w]
    assert advice and int(advice[0].split("samples = ")[1].split(":")[0]) >= 256
    assert main(["sensitivity", str(out), "--output", "plasma_mdma", "--metric", "peak"]) == 0  # the old names
    assert "deprecated" in capsys.readouterr().err


def test_chunks_are_sized_so_that_every_worker_gets_work():
    from sim.sweep import DEFAULT_CHUNK_RUNS, chunk_size

    assert chunk_size(128, 2) == 64 and chunk_size(10_000, 2) == DEFAULT_CHUNK_RUNS and chunk_size(3, 8) == 1
    for n, w in ((128, 2), (1000, 3), (7, 4), (513, 2)):
        assert -(-n // chunk_size(n, w)) >= min(w, n)


def test_parameter_rows_by_blocks_equal_the_whole_matrix():
    # a sweep builds its runs' parameters chunk by chunk: the same bits as the cohort's whole matrix
    from sim.assembly import model_for
    from sim.cohort import parameter_draws, parameter_matrix, parameter_rows
    from sim.sweep import plan

    exp = load()
    model = model_for(exp)
    cohort = plan(exp, model).experiment
    whole = parameter_matrix(cohort, model)
    base, drawn = parameter_draws(cohort, model)
    assert drawn  # the sweep's keys and the body-weight draw
    blocks = [parameter_rows(model, base, drawn, a, min(a + 7, len(whole))) for a in range(0, len(whole), 7)]
    assert np.concatenate(blocks).tobytes() == whole.tobytes()


def test_a_sweep_never_builds_the_whole_parameter_matrix(monkeypatch, tmp_path):
    # memory bounded by the chunk size, not by the number of runs: no call builds more rows than a block,
    # but for the Jacobian-pattern probe (the first min(N, 64) runs, a fixed size)
    import sim.cohort
    import sim.sweep

    sizes = []
    real = sim.cohort.parameter_rows

    def rows(model, base, drawn, start, stop):
        sizes.append((start, stop))
        return real(model, base, drawn, start, stop)

    monkeypatch.setattr(sim.cohort, "parameter_rows", rows)
    monkeypatch.setattr(sim.cohort, "parameter_matrix", lambda *a: pytest.fail("whole parameter matrix built"))
    monkeypatch.setattr(sim.sweep, "PARAM_BLOCK", 6)
    run_sweep(load(), tmp_path / "rows.h5", workers=1, chunk_runs=5, progress=False)
    n = len(read(tmp_path / "rows.h5").status)
    probe = [(0, min(n, 64))]
    assert [s for s in sizes if s[1] - s[0] > 6] == probe and len(sizes) > n // 6
    assert (read(tmp_path / "rows.h5").status == 0).all()
