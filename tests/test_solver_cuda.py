"""The CUDA ensemble path (sim.solver.cuda) against the CPU path, on numba's CUDA simulator.

numba reads NUMBA_ENABLE_CUDASIM when it is first imported, so each check runs in a fresh Python
process with the simulator switched on; no GPU is needed. A few members over a few hours keep the
simulated kernel (Python threads) fast.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent

PK_SCRIPT = r"""
import json, sys
import numpy as np
from sim.kinetics.drugs.mdma import HUMAN
from sim.model import Model
from sim.solver import Events, solve_ensemble

model = Model([HUMAN])
params = np.tile(model.default_parameters(), (3, 1))
params[1, model.parameter_index("pk.ka")] *= 2.0          # members differ: faster absorption,
params[2, model.parameter_index("pk.body_weight_kg")] = 50.0  # a lighter subject
gut = model.dose_target("mdma", "oral")
events = Events.from_rows([(t, gut, amount) for t, amount in json.loads(sys.argv[1])])
t_eval = np.linspace(0.0, 6.0, 13)
kw = dict(rtol=1e-6, atol=1e-9, autonomous=True, return_info=True)
y0 = model.initial_state()
cpu, cpu_info = solve_ensemble(model.rhs, y0, params, t_eval, events, **kw)
gpu, gpu_info = solve_ensemble(model.rhs, y0, params, t_eval, events, backend="cuda", **kw)
print(json.dumps({"cpu": cpu.tolist(), "gpu": gpu.tolist(), "gut": gut,
                  "central": model.state_index("pk.central"),
                  "status": gpu_info.status.tolist(), "steps_cpu": cpu_info["steps"].tolist(),
                  "steps_gpu": gpu_info["steps"].tolist()}))
"""


def run_simulated(script, *args, simulator="1"):
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM=simulator, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=300)


def solve_pk(events):
    proc = run_simulated(PK_SCRIPT, json.dumps(events))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def scaled_difference(a, b, rtol=1e-6, atol=1e-9):
    a, b = np.asarray(a), np.asarray(b)
    return float(np.max(np.abs(a - b) / (atol + rtol * np.abs(a))))


def test_cuda_path_equals_cpu_path_on_pk_with_a_dose_event():
    # an oral dose at 0 h and a booster at 2 h (amounts in the gut state's unit)
    res = solve_pk([[0.0, 500.0], [2.0, 250.0]])
    assert res["status"] == [0, 0, 0]
    # agreement within the tolerances (same method and error control; dense LU on the GPU)
    assert scaled_difference(res["cpu"], res["gpu"]) < 1.0
    # the booster at 2 h is seen: the central amount rises again after it in every member
    gpu = np.asarray(res["gpu"])
    central = res["central"]
    assert np.all(gpu[:, 5, central] > gpu[:, 4, central])  # 2.5 h (after the booster) vs 2.0 h
    # the members differ (else the test would not see a member mix-up)
    assert np.ptp(gpu[:, 6, central]) > 0.01 * gpu[:, 6, central].max()
    # the same step-size control: the step counts agree within a few steps
    assert all(abs(a - b) <= 3 for a, b in zip(res["steps_cpu"], res["steps_gpu"], strict=True))


CASCADE_SCRIPT = r"""
import json
import numpy as np
from benchmarks.pk_model import dose_rows, load_model, subject_parameters
from sim.analytic import analytic_jacobian
from sim.solver import Events, solve_ensemble

model = load_model(cascade=True)
params = subject_parameters(model, 1)
found = analytic_jacobian(model, params)
jac = found[0] if found is not None else None
kw = dict(rtol=1e-6, atol=1e-9, autonomous=True, return_info=True, jac=jac)
t_eval = np.linspace(0.0, 0.5, 4)
events = Events.from_rows(dose_rows(model))
cpu, _ = solve_ensemble(model.rhs, model.initial_state(), params, t_eval, events, **kw)
gpu, info = solve_ensemble(model.rhs, model.initial_state(), params, t_eval, events, backend="cuda", **kw)
print(json.dumps({"cpu": cpu.tolist(), "gpu": gpu.tolist(), "status": info.status.tolist(),
                  "jac": jac is not None}))
"""


def test_cuda_path_equals_cpu_path_on_the_whole_cascade_with_its_jacobian():
    # every mechanism's fragment and the generated analytic Jacobian run as device functions
    proc = run_simulated(CASCADE_SCRIPT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    assert res["status"] == [0]
    assert scaled_difference(res["cpu"], res["gpu"]) < 1.0


EXPERIMENT = """
[experiment]
name = "backend"
duration_h = 1.0

[[dose]]
drug = "mdma"
amount_mg = 125.0

[solver]
backend = {backend}
"""


def sim_run(tmp_path, backend, simulator):
    toml = tmp_path / "exp.toml"
    toml.write_text(EXPERIMENT.format(backend=backend))
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM=simulator, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "sim", "run", str(toml), "-o", str(tmp_path / "x.h5")],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120)


def test_bad_backend_is_one_line_exit_2(tmp_path):
    proc = sim_run(tmp_path, '"gpu"', "0")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "exp.toml" in lines[0] and "solver.backend" in lines[0] and "cpu, cuda" in lines[0]


def test_cuda_without_gpu_or_simulator_is_one_line_exit_2(tmp_path):
    if run_simulated("from sim.gpu import unavailable_reason as u; import sys; sys.exit(u() is None)",
                     simulator="0").returncode == 1:
        pytest.skip("a CUDA GPU is present on this machine")
    proc = sim_run(tmp_path, '"cuda"', "0")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "solver.backend" in lines[0] and "no CUDA GPU" in lines[0]
