"""Performance benchmarks of neuropharm-sim, run as ``python -m benchmarks`` (or ``sim bench``).

Each comparison is one module with a ``run(quick, full, out_dir)`` function that prints a table and
writes ``results/<suite>.json`` (timings, ratios, machine facts, versions):

- :mod:`benchmarks.solver_vs_scipy`: the ensemble solver's two methods (NDF and RODAS4, with
  ``jac_sparsity="auto"``, as ``sim run`` uses it) vs scipy ``solve_ivp`` (LSODA, BDF) looped over
  members and, where installed, numbalsoda's LSODA in a prange loop, on the 16-state test model of
  :mod:`benchmarks.models`.
- :mod:`benchmarks.pk_model`: the same comparison on the project's own human MDMA PK model
  (``sim.assembly.build_model("human")``) with 10,000 virtual subjects.
- :mod:`benchmarks.cascade_model`: the same on the whole 36-state human cascade.
- :mod:`benchmarks.jacobian`: analytic vs finite-difference Jacobian (NDF, RODAS4), libRoadRunner and
  scipy LSODA per member on one thread, on the test model and the whole cascade.
- :mod:`benchmarks.sweep_scaling`: ``sim sweep`` with 1 and 2 workers on the PK + monoamine cascade.
- :mod:`benchmarks.coba_vs_brian2`: the spiking amygdala's COBA engine vs Brian2 (where installed).
- :mod:`benchmarks.scaling`: time and peak memory of `sim sweep` and a `sim run` cohort against N (log-log).
- :mod:`benchmarks.trial`: a 1,000-patient-per-arm virtual trial with the rate amygdala.
"""
