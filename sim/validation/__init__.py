"""The ``sim validate`` suites, one module per suite: published targets and the metrics that simulate
them. :mod:`sim.validate` collects them into ``SUITES`` and prints the table."""
