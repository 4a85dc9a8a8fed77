"""``sim fit``: estimate chosen model parameters from a user's data by weighted least squares.

Data (CSV, one observation per line, header required; lines starting with ``#`` are comments)::

    time_h, output, value[, sd][, run][, metric, t0_h, t1_h][, over_output, over_run]

``output`` is a model output (``plasma_mdma``, ``ec_serotonin``, ...) in that output's unit; ``sd`` the
observation's standard deviation (same unit); ``run`` the run of the experiment it belongs to (default
0; an experiment with a cohort has several runs, e.g. one per dose with ``dist = "cycle"``, and the fitted
values apply to all of them).

Summary rows (the ``metric`` column; empty or ``value`` is a plain row, the output at ``time_h``) describe the
output of one run over the window ``t0_h``..``t1_h`` (default: the whole run) on the experiment's output
grid, as a study's table reports it:

- ``cmax``: the largest value; ``tmax``: the time (h) of the largest value (the first, if tied);
- ``auc``: the trapezoidal area (output unit x h);
- ``half_life``: ln 2 / -k (h), k the slope of a least-squares line through ln(output) against time.

With ``over_output`` and/or ``over_run`` the row is a ratio: the metric divided by the same metric (same
window) of ``over_output`` (default: the row's output) in ``over_run`` (default: the row's run), e.g. an
AUC ratio between two doses or a metabolite-to-parent AUC ratio. ``time_h`` is not used by summary rows
(leave it empty).

Model. Each fitted parameter theta_j is estimated on a log scale, x_j = ln theta_j, within bounds
from the parameter's declared range (``Parameter.lower``/``upper``) intersected with
[theta0 / 100, theta0 * 100] around its default theta0 (:data:`DEFAULT_SPAN`). With residuals
r_i = (y_i - f_i(theta)) / sd_i the objective is chi2 = sum r_i^2 (scipy.optimize.least_squares, trust
region reflective), started from the default and from ``multistart - 1`` Latin-hypercube points in the
log-bounds box (seeded by the experiment's seed); the best end point is the estimate.

Uncertainty. J = d r / d x at the estimate (central differences in x, all perturbed parameter sets
solved as one ensemble). Cov(x) = s^2 (J^T J)^-1 with s^2 = 1 when ``sd`` is given (the data's own
variances) and s^2 = chi2 / (n - k) otherwise; standard errors in natural units by the delta method,
se(theta_j) = theta_j se(x_j). Profile-likelihood 95 % intervals: for each theta_j, fixed on a grid
stepping out from the estimate with the other parameters re-fitted, the interval is where
chi2_profile - chi2_min <= 3.84 (chi-square, 1 df) with ``sd`` given, or n ln(chi2_profile / chi2_min)
<= 3.84 without (sigma profiled out); a limit that reaches a bound is reported as that bound (open).
Venzon & Moolgavkar 1988 Appl Stat 37:87; Raue et al. 2009 Bioinformatics 25:1923.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.errors import SimInputError

DEFAULT_SPAN = 100.0          # bounds: at most a factor 100 either side of the default value
CHI2_95_1DF = 3.841458820694124
FIT_RTOL, FIT_ATOL = 1e-8, 1e-10   # tighter than a run, so finite-difference Jacobians stay clean
FD_STEP = 1e-3                # central-difference step in ln(theta)
PROFILE_MAX_STEPS = 12


@dataclass
class Data:
    """Observations: time (h), output name, value, sd (ones if not given), run index; ``path`` for messages."""

    time_h: np.ndarray
    output: np.ndarray
    value: np.ndarray
    sd: np.ndarray
    run: np.ndarray
    sd_given: bool
    path: str = ""
    sha256: str = ""
    metric: np.ndarray | None = None       # "value" (plain row) or a summary metric (METRICS)
    t0: np.ndarray | None = None           # summary window (h); t1 = inf: to the end of the run
    t1: np.ndarray | None = None
    over_output: np.ndarray | None = None  # ratio rows: "" where not a ratio
    over_run: np.ndarray | None = None     # ratio rows: -1 where not a ratio

    def __post_init__(self):
        n = len(self.value)
        if self.metric is None:
            self.metric = np.array(["value"] * n, dtype=object)
        if self.t0 is None:
            self.t0 = np.zeros(n)
        if self.t1 is None:
            self.t1 = np.full(n, np.inf)
        if self.over_output is None:
            self.over_output = np.array([""] * n, dtype=object)
        if self.over_run is None:
            self.over_run = np.full(n, -1, np.int64)

    @property
    def plain(self) -> np.ndarray:
        """Rows that are an output's value at ``time_h`` (not summary metrics)."""
        return self.metric == "value"

    @property
    def ratio(self) -> np.ndarray:
        return (self.over_output != "") | (self.over_run >= 0)

    def outputs(self) -> set:
        """Every output the rows need (ratio denominators included)."""
        return set(self.output) | {o for o in self.over_output if o}


METRICS = ("value", "cmax", "tmax", "auc", "half_life")
_COLUMNS = ("time_h", "output", "value", "sd", "run", "metric", "t0_h", "t1_h", "over_output", "over_run")


def read_data(path) -> Data:
    """Read DATA.csv; bad input is one line naming the file, the line and the column."""
    path = Path(path)
    if not path.is_file():
        raise SimInputError(f"{path}: no such data file")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SimInputError(f"{path}: not a UTF-8 text (CSV) file") from None
    rows = list(csv.reader(line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")))
    if not rows:
        raise SimInputError(f"{path}: empty; expected a header time_h,output,value[,sd][,run] and data lines")
    header = [h.strip() for h in rows[0]]
    for h in header:
        if h not in _COLUMNS:
            raise SimInputError(f"{path}: line 1: unknown column {h!r}; allowed: {', '.join(_COLUMNS)}")
    required = ("output", "value") if "metric" in header else ("time_h", "output", "value")
    for h in required:
        if h not in header:
            raise SimInputError(f"{path}: line 1: column {h!r} is missing (need time_h, output, value[, sd][, run])")
    col = {h: i for i, h in enumerate(header)}
    if len(rows) < 2:
        raise SimInputError(f"{path}: no data lines after the header")
    out = {h: [] for h in _COLUMNS}
    for k, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise SimInputError(f"{path}: line {k}: {len(row)} fields, the header has {len(header)}")
        cells = {h: row[i].strip() for h, i in col.items()}
        metric = cells.get("metric", "") or "value"
        if metric not in METRICS:
            raise SimInputError(f"{path}: line {k}: column metric: {metric!r}; allowed: {', '.join(METRICS)}")
        out["metric"].append(metric)
        out["output"].append(cells["output"])
        out["over_output"].append(cells.get("over_output", ""))
        defaults = {"time_h": "nan" if metric != "value" else None, "sd": "1", "run": "0", "t0_h": "0",
                    "t1_h": "inf", "over_run": "-1"}
        for h, kind in (("time_h", float), ("value", float), ("sd", float), ("run", int), ("t0_h", float),
                        ("t1_h", float), ("over_run", int)):
            cell = cells.get(h, "")
            if cell == "" and defaults.get(h) is not None:
                cell = defaults[h]
            try:
                v = kind(cell)
            except ValueError:
                raise SimInputError(f"{path}: line {k}: column {h}: {cell!r} is not a"
                                    f"{'n integer' if kind is int else ' number'}") from None
            if kind is float and not np.isfinite(v) and not (h == "t1_h" and v == np.inf) \
                    and not (h == "time_h" and metric != "value"):
                raise SimInputError(f"{path}: line {k}: column {h}: {cell!r} is not finite")
            if h in ("time_h", "t0_h") and v < 0:
                raise SimInputError(f"{path}: line {k}: column {h}: {v} < 0 (times are h since the start)")
            if h == "sd" and v <= 0:
                raise SimInputError(f"{path}: line {k}: column sd: {v} must be > 0")
            if h == "run" and v < 0:
                raise SimInputError(f"{path}: line {k}: column run: {v} must be >= 0")
            if h == "over_run" and v < -1:
                raise SimInputError(f"{path}: line {k}: column over_run: {v} must be >= 0")
            out[h].append(v)
        if out["t1_h"][-1] <= out["t0_h"][-1]:
            raise SimInputError(f"{path}: line {k}: columns t0_h, t1_h: the window must have t0_h < t1_h")
        if metric == "value" and (out["over_output"][-1] or out["over_run"][-1] >= 0):
            raise SimInputError(f"{path}: line {k}: columns over_output, over_run: a ratio needs a summary metric "
                                f"({', '.join(METRICS[1:])})")
    n = len(out["output"])
    obj = lambda key: np.array(out[key], dtype=object)  # noqa: E731
    return Data(time_h=np.array(out["time_h"], float), output=obj("output"), value=np.array(out["value"], float),
                sd=np.array(out["sd"], float) if "sd" in col else np.ones(n),
                run=np.array(out["run"], np.int64), sd_given="sd" in col, path=str(path),
                sha256=hashlib.sha256(raw).hexdigest(), metric=obj("metric"), t0=np.array(out["t0_h"], float),
                t1=np.array(out["t1_h"], float), over_output=obj("over_output"),
                over_run=np.array(out["over_run"], np.int64))


def summary(metric: str, t: np.ndarray, values: np.ndarray, t0: float, t1: float) -> np.ndarray:
    """A summary metric of ``values`` (M, T) on the times ``t`` (T,) within t0..t1 (see the module docstring)."""
    keep = (t >= t0 - 1e-9) & (t <= t1 + 1e-9)
    tw, cw = t[keep], values[:, keep]
    if tw.size < 2:
        raise SimInputError(f"summary window {t0:g}..{t1:g} h holds {tw.size} output time(s); need 2 or more")
    if metric == "cmax":
        return cw.max(axis=1)
    if metric == "tmax":
        return tw[np.argmax(cw, axis=1)]
    if metric == "auc":
        return np.trapezoid(cw, tw, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(cw)
        dt = tw - tw.mean()
        slope = (logs - logs.mean(axis=1, keepdims=True)) @ dt / (dt @ dt)
        return np.log(2.0) / -slope


def _output_names(model) -> list[str]:
    return [o.name for m in model.mechanisms for o in m.outputs]


class Problem:
    """The experiment, the data and the parameters to fit: predictions for many parameter sets at once.

    The smallest model that has every output in the data and every fitted parameter is used (the
    MDMA PK model alone for plasma data, else the experiment's whole model).
    """

    def __init__(self, exp, data: Data, names: list[str], span: float = DEFAULT_SPAN):
        from sim.assembly import build_model, model_for
        from sim.cohort import parameter_matrix

        if exp.protocol is not None:
            raise SimInputError(f"{exp.source_path}: [protocol]: `sim fit` fits a `sim run` experiment; "
                                "leave out [protocol]")
        self.exp, self.data, self.names = exp, data, list(names)
        from sim.kinetics.drugs import LIBRARY

        # doses only through the dedicated PK mechanism: that mechanism alone (a small model) is tried first
        candidates = [build_model(exp.species)] if all(LIBRARY[d.drug].pk_mechanism == "pk" for d in exp.doses) else []
        candidates.append(model_for(exp))
        wanted = data.outputs()
        for model in candidates:
            if wanted <= set(_output_names(model)) and all(model.has_parameter(n) for n in self.names):
                break
        else:
            model = candidates[-1]
            from sim.errors import closest

            for n in self.names:
                if not model.has_parameter(n):
                    raise SimInputError(f"--fit: unknown parameter {n!r}; "
                                        f"{closest(n, model.parameter_names)}")
            bad = sorted(wanted - set(_output_names(model)))
            raise SimInputError(f"{data.path}: column output: unknown output {bad[0]!r}; "
                                f"{closest(bad[0], _output_names(model))}")
        self.model = model
        self.base = parameter_matrix(exp, model)
        self.n_runs = self.base.shape[0]
        for column, runs in (("run", data.run), ("over_run", data.over_run)):
            if runs.max() >= self.n_runs:
                raise SimInputError(f"{data.path}: column {column}: {int(runs.max())} but the experiment has "
                                    f"{self.n_runs} run(s) (0..{self.n_runs - 1})")
        plain = data.plain
        late = max(np.max(data.time_h[plain], initial=0.0), np.max(data.t0[~plain], initial=0.0))
        if late > exp.duration_h + 1e-9:
            raise SimInputError(f"{data.path}: column {'time_h' if plain.any() else 't0_h'}: {late} h is after the "
                                f"experiment's duration_h = {exp.duration_h}")
        self.index = np.array([model.parameter_index(n) for n in self.names])
        self.theta0 = self.base[0, self.index].copy()
        lower, upper = [], []
        for n, t0 in zip(self.names, self.theta0, strict=True):
            p = model.parameter(n)
            if t0 <= 0:
                raise SimInputError(f"--fit: {n} = {t0} is not positive; `sim fit` fits positive parameters "
                                    "on a log scale")
            lower.append(max(p.lower, t0 / span, 1e-300))
            upper.append(min(p.upper, t0 * span))
        self.lower, self.upper = np.log(lower), np.log(upper)
        times = [[0.0], data.time_h[plain]]
        if not plain.all():  # summary metrics are taken on the experiment's own output grid
            from sim.runner import time_grid

            times.append(time_grid(exp))
        self.t_eval = np.unique(np.concatenate(times))
        self.t_index = np.searchsorted(self.t_eval, np.where(plain, data.time_h, 0.0))
        self.evaluations = 0

    def simulate(self, theta: np.ndarray, t_eval: np.ndarray, outputs=None):
        """Outputs for M parameter sets ``theta`` (M, k): name -> (M, N, T) and the solver status (M, N)."""
        from sim import simulate
        from sim.cohort import derive_parameters
        from sim.dosing import dose_events

        theta = np.atleast_2d(theta)
        m, n = theta.shape[0], self.n_runs
        params = np.tile(self.base, (m, 1))
        params[:, self.index] = np.repeat(theta, n, axis=0)
        derive_parameters(self.model, params)
        events, _ = dose_events(self.exp, self.model, params)
        settings = simulate.SolverSettings(self.exp.solver_method, FIT_RTOL, FIT_ATOL, self.exp.max_steps,
                                           self.exp.solver_jacobian)
        traj = simulate.solve(simulate.Problem(self.model, params, t_eval, events, settings, jac_sparsity=None))
        self.evaluations += m
        wanted = set(outputs if outputs is not None else self.data.outputs())
        out = {k: v[0].reshape(m, n, -1) for k, v in traj.outputs().items() if k in wanted}
        return out, traj.status.reshape(m, n)

    def predict(self, theta: np.ndarray) -> np.ndarray:
        """Predictions at the data rows for M parameter sets: (M, n_rows); NaN where the solve failed."""
        out, status = self.simulate(theta, self.t_eval)
        d = self.data
        pred = np.empty((out[next(iter(out))].shape[0], len(d.value)))
        for name in set(d.output[d.plain]):
            rows = np.flatnonzero((d.output == name) & d.plain)
            pred[:, rows] = out[name][:, d.run[rows], self.t_index[rows]]
        for i in np.flatnonzero(~d.plain):
            t1 = min(d.t1[i], self.exp.duration_h)
            pred[:, i] = summary(d.metric[i], self.t_eval, out[d.output[i]][:, d.run[i]], d.t0[i], t1)
            if d.ratio[i]:
                other = d.over_output[i] or d.output[i]
                run = d.over_run[i] if d.over_run[i] >= 0 else d.run[i]
                with np.errstate(divide="ignore", invalid="ignore"):
                    pred[:, i] /= summary(d.metric[i], self.t_eval, out[other][:, run], d.t0[i], t1)
        failed = status[:, d.run] != 0
        failed |= (status[:, np.where(d.over_run >= 0, d.over_run, d.run)] != 0)
        pred[failed] = np.nan
        return pred

    def residuals_many(self, x: np.ndarray) -> np.ndarray:
        r = (self.predict(np.exp(x)) - self.data.value) / self.data.sd
        return np.where(np.isfinite(r), r, 1e6)

    def residuals(self, x: np.ndarray) -> np.ndarray:
        return self.residuals_many(np.atleast_2d(x))[0]

    def jacobian(self, x: np.ndarray, free=None) -> np.ndarray:
        """d r / d x (n_rows, k) by central differences, every perturbed set in one ensemble solve;
        ``free``: columns to differentiate (default all)."""
        free = np.arange(len(x)) if free is None else np.asarray(free)
        steps = np.zeros((2 * len(free), len(x)))
        for j, c in enumerate(free):
            steps[2 * j, c], steps[2 * j + 1, c] = FD_STEP, -FD_STEP
        r = self.residuals_many(x + steps)
        return ((r[0::2] - r[1::2]) / (2 * FD_STEP)).T


@dataclass
class FitResult:
    """Estimates (natural units), their standard errors and 95 % intervals, and what the fit did."""

    names: list[str]
    units: list[str]
    estimate: np.ndarray
    se: np.ndarray
    wald_low: np.ndarray
    wald_high: np.ndarray
    profile_low: np.ndarray
    profile_high: np.ndarray
    profile_open: np.ndarray      # (k, 2) bool: the interval reached a bound on that side
    initial: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    chi2: float
    n_rows: int
    sd_given: bool
    prediction: np.ndarray
    residual: np.ndarray
    starts: np.ndarray            # (S, k) natural units
    ends: np.ndarray              # (S, k)
    start_chi2: np.ndarray        # (S,)
    profiles: dict = field(default_factory=dict)   # name -> (values, chi2)
    evaluations: int = 0

    def table(self) -> str:
        lines = [f"{'parameter':24s} {'estimate':>11s} {'se':>10s}  {'95 % profile interval':>27s}  unit"]
        for j, n in enumerate(self.names):
            lo = ("<=" if self.profile_open[j, 0] else "") + f"{self.profile_low[j]:.4g}"
            hi = f"{self.profile_high[j]:.4g}" + (" (bound)" if self.profile_open[j, 1] else "")
            lines.append(f"{n:24s} {self.estimate[j]:11.4g} {self.se[j]:10.3g}  {lo:>12s} .. {hi:<12s}  "
                         f"{self.units[j]}")
        lines.append(f"chi2 {self.chi2:.4g} over {self.n_rows} observations, {len(self.names)} parameters"
                     f" ({'weighted by sd' if self.sd_given else 'unweighted: sigma estimated from the residuals'})")
        return "\n".join(lines)


def _threshold_fn(chi2_min: float, n: int, sd_given: bool):
    if sd_given:
        return lambda c: c - chi2_min
    return lambda c: n * np.log(max(c, 1e-300) / max(chi2_min, 1e-300))


def _solve(problem: Problem, x0, lower, upper, free=None, fixed_x=None, max_nfev=200):
    """least_squares over the ``free`` columns (the others held at ``fixed_x``)."""
    from scipy.optimize import least_squares

    k = len(x0)
    free = np.arange(k) if free is None else np.asarray(free)
    base = np.array(x0 if fixed_x is None else fixed_x, float)

    def full(z):
        x = base.copy()
        x[free] = z
        return x

    if len(free) == 0:
        r = problem.residuals(base)
        return base, float(r @ r)
    z0 = np.clip(np.asarray(x0, float)[free], lower[free] + 1e-12, upper[free] - 1e-12)
    sol = least_squares(lambda z: problem.residuals(full(z)), z0, jac=lambda z: problem.jacobian(full(z), free),
                        bounds=(lower[free], upper[free]), method="trf", x_scale=1.0, max_nfev=max_nfev,
                        xtol=1e-10, ftol=1e-12, gtol=1e-10)
    return full(sol.x), float(2.0 * sol.cost)


def _lhs(rng, n: int, lower, upper) -> np.ndarray:
    k = len(lower)
    u = (rng.permuted(np.tile(np.arange(n), (k, 1)), axis=1).T + rng.random((n, k))) / n
    return lower + u * (upper - lower)


def _profile(problem: Problem, j: int, x_best, chi2_min, se_log, excess) -> tuple[np.ndarray, np.ndarray, list]:
    """Profile of parameter j: grid in x_j stepping out both ways from the estimate, others re-fitted."""
    k = len(x_best)
    free = [c for c in range(k) if c != j]
    step = float(np.clip(0.5 * se_log if np.isfinite(se_log) else 0.1, 0.01, 0.5))
    xs, cs, limits, open_ = [x_best[j]], [chi2_min], [], []
    for sign, bound in ((-1, problem.lower[j]), (1, problem.upper[j])):
        x_prev, c_prev, start = x_best[j], 0.0, x_best.copy()
        limit, hit = bound, True
        for _ in range(PROFILE_MAX_STEPS):
            x_j = x_prev + sign * step
            at_bound = (x_j - bound) * sign >= 0
            if at_bound:
                x_j = bound
            fixed = start.copy()
            fixed[j] = x_j
            x_fit, c = _solve(problem, fixed, problem.lower, problem.upper, free=free, fixed_x=fixed, max_nfev=60)
            xs.append(x_j)
            cs.append(c)
            e = excess(c)
            if e >= CHI2_95_1DF:
                frac = (CHI2_95_1DF - c_prev) / (e - c_prev) if e > c_prev else 1.0
                limit, hit = x_prev + frac * (x_j - x_prev), False
                break
            if at_bound:
                break
            x_prev, c_prev, start = x_j, e, x_fit
            step *= 1.5
        limits.append(limit)
        open_.append(hit)
    order = np.argsort(xs)
    return np.exp(np.array(xs)[order]), np.array(cs)[order], [np.exp(limits[0]), np.exp(limits[1]), open_]


def fit(problem: Problem, multistart: int = 1, profile: bool = True, seed: int | None = None) -> FitResult:
    """Multistart weighted least squares, standard errors and profile-likelihood intervals."""
    k = len(problem.names)
    rng = np.random.default_rng(problem.exp.seed if seed is None else seed)
    x_default = np.clip(np.log(problem.theta0), problem.lower, problem.upper)
    starts = [x_default]
    if multistart > 1:
        starts += list(_lhs(rng, multistart - 1, problem.lower, problem.upper))
    ends, costs = [], []
    for x0 in starts:
        x, c = _solve(problem, x0, problem.lower, problem.upper)
        ends.append(x)
        costs.append(c)
    best = int(np.argmin(costs))
    x_best, chi2_min = ends[best], costs[best]
    n = len(problem.data.value)
    jac = problem.jacobian(x_best)
    s2 = 1.0 if problem.data.sd_given else chi2_min / max(n - k, 1)
    try:
        cov = s2 * np.linalg.pinv(jac.T @ jac)
        se_log = np.sqrt(np.clip(np.diag(cov), 0, None))
    except np.linalg.LinAlgError:
        se_log = np.full(k, np.inf)
    theta = np.exp(x_best)
    excess = _threshold_fn(chi2_min, n, problem.data.sd_given)
    prof_low, prof_high, prof_open, profiles = np.full(k, np.nan), np.full(k, np.nan), np.zeros((k, 2), bool), {}
    if profile:
        for j, name in enumerate(problem.names):
            values, chi2s, (lo, hi, op) = _profile(problem, j, x_best, chi2_min, se_log[j], excess)
            prof_low[j], prof_high[j], prof_open[j] = lo, hi, op
            profiles[name] = (values, chi2s)
    pred = problem.predict(theta)[0]
    return FitResult(
        names=problem.names, units=[problem.model.parameter(nm).unit for nm in problem.names], estimate=theta,
        se=theta * se_log, wald_low=np.exp(x_best - 1.959964 * se_log), wald_high=np.exp(x_best + 1.959964 * se_log),
        profile_low=prof_low, profile_high=prof_high, profile_open=prof_open, initial=problem.theta0,
        lower=np.exp(problem.lower), upper=np.exp(problem.upper), chi2=chi2_min, n_rows=n,
        sd_given=problem.data.sd_given, prediction=pred, residual=(problem.data.value - pred) / problem.data.sd,
        starts=np.exp(np.array(starts)), ends=np.exp(np.array(ends)), start_chi2=np.array(costs),
        profiles=profiles, evaluations=problem.evaluations)


def best_fit_result(problem: Problem, res: FitResult):
    """A :class:`sim.result.Result` of the fitted model on the experiment's output grid (data outputs only)."""
    from sim import provenance
    from sim.result import Result
    from sim.runner import time_grid

    exp = problem.exp
    t = np.unique(np.concatenate([time_grid(exp), problem.data.time_h[problem.data.plain]]))
    names = sorted(problem.data.outputs())
    out, status = problem.simulate(res.estimate[None], t, outputs=names)
    units = {nm: u for m in problem.model.mechanisms for o in m.outputs
             for nm, u in [(o.name, o.unit)] if nm in names}
    longs = {o.name: o.long_name for m in problem.model.mechanisms for o in m.outputs if o.name in names}
    params = np.tile(problem.base, (1, 1))
    params[:, problem.index] = res.estimate
    attrs = {
        "created": provenance.now_utc(), "experiment_name": f"{exp.name} (fit)", "experiment_toml": exp.source_text,
        "experiment_path": exp.source_path, "overrides": json.dumps(dict(exp.overrides), sort_keys=True),
        "seed": exp.seed, "species": exp.species, "git_commit": provenance.git_commit(),
        "package_versions": json.dumps(provenance.package_versions(), sort_keys=True),
        "solver": json.dumps({"method": exp.solver_method, "rtol": FIT_RTOL, "atol": FIT_ATOL}),
    }
    return Result(time=t, outputs={nm: out[nm][0] for nm in names}, units=units, long_names=longs,
                  params={nm: params[:, i] for i, nm in enumerate(problem.model.parameter_names)},
                  param_units={nm: p.unit for nm, p in zip(problem.model.parameter_names, problem.model.parameters,
                                                              strict=True)},
                  param_sources={nm: p.source for nm, p in zip(problem.model.parameter_names,
                                                                 problem.model.parameters, strict=True)},
                  status=status[0], attrs=attrs)


def plot(problem: Problem, res: FitResult, curve, path) -> None:
    """Data (points, +-sd) and the fitted model (lines), one panel per output, one colour per run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = problem.data
    names = sorted(set(d.output[d.plain])) or sorted(d.outputs())
    fig, axes = plt.subplots(len(names), 1, figsize=(7, 2.8 * len(names)), squeeze=False)
    for ax, name in zip(axes[:, 0], names, strict=True):
        rows = (d.output == name) & d.plain
        summarised = set(d.run) | set(d.over_run[d.over_run >= 0])  # summary rows only: every run they use
        for run in sorted(set(d.run[rows]) if rows.any() else summarised):
            sel = rows & (d.run == run)
            colour = f"C{run % 10}"
            if sel.any():
                ax.errorbar(d.time_h[sel], d.value[sel], yerr=d.sd[sel] if d.sd_given else None, fmt="o", ms=4,
                            color=colour, label=f"data, run {run}")
            ax.plot(curve.time, curve[name][run], color=colour, label=f"fit, run {run}")
        ax.set_ylabel(f"{name} ({curve.units.get(name, '')})")
        ax.legend(fontsize=7)
    axes[-1, 0].set_xlabel("time (h)")
    est = ", ".join(f"{n} = {v:.3g}" for n, v in zip(res.names, res.estimate, strict=True))
    axes[0, 0].set_title(f"sim fit: {est}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def fit_tables(problem: Problem, res: FitResult, multistart: int) -> dict:
    """What :func:`sim.store.write_fit` stores in /fit."""
    d = problem.data
    return {
        "parameters": {"names": res.names, "units": res.units, "estimate": res.estimate, "se": res.se,
                       "wald_low": res.wald_low, "wald_high": res.wald_high, "profile_low": res.profile_low,
                       "profile_high": res.profile_high, "profile_open_low": res.profile_open[:, 0],
                       "profile_open_high": res.profile_open[:, 1], "initial": res.initial,
                       "lower_bound": res.lower, "upper_bound": res.upper},
        "rows": {"time_h": d.time_h, "output": d.output.astype(str), "value": d.value, "sd": d.sd, "run": d.run,
                 "metric": d.metric.astype(str), "t0_h": d.t0, "t1_h": d.t1, "over_output": d.over_output.astype(str),
                 "over_run": d.over_run, "prediction": res.prediction, "residual": res.residual},
        "starts": {"start": res.starts, "end": res.ends, "chi2": res.start_chi2},
        "profiles": res.profiles,
        "attrs": {"chi2": res.chi2, "n_rows": res.n_rows, "n_parameters": len(res.names), "sd_given": int(d.sd_given),
                  "multistart": multistart, "data_path": d.path, "data_sha256": d.sha256,
                  "method": "scipy.optimize.least_squares (trf) on ln(theta), central-difference Jacobian; "
                            "profile likelihood, chi-square 1 df at 95 %",
                  "model_evaluations": res.evaluations},
    }


def run_cli(args, load, check_output) -> int:
    """The ``sim fit`` verb (``load`` and ``check_output`` are the CLI's shared helpers)."""
    from sim.store import OutputLock, write_fit

    exp = load(args)
    names = [n.strip() for n in (args.fit or "").split(",") if n.strip()]
    if not names:
        raise SimInputError("fit: --fit needs one or more parameter names, e.g. --fit pk.cl_other,pk.ka")
    if len(set(names)) != len(names):
        raise SimInputError(f"fit: --fit names a parameter twice: {args.fit}")
    if args.multistart < 1:
        raise SimInputError(f"fit: --multistart must be >= 1, got {args.multistart}")
    data = read_data(args.data)
    out = check_output(args.output, Path("results") / (Path(args.experiment).stem + "_fit.h5"), args.force,
                       verb="fit: ")
    figure = Path(args.plot) if args.plot else out.with_suffix(".png")
    problem = Problem(exp, data, names)
    with OutputLock(out):
        res = fit(problem, multistart=args.multistart, profile=not args.no_profile)
        curve = best_fit_result(problem, res)
        write_fit(out, curve, fit_tables(problem, res, args.multistart))
    plot(problem, res, curve, figure)
    print(res.table())
    print(f"wrote {out} and {figure}")
    return 0
