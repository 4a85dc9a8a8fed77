"""Helpers the validation suites share: the one-subject experiments they simulate (cached) and a few
human metrics and pre-treatments used by more than one suite."""

from __future__ import annotations

from functools import cache

from sim.config import parse_experiment
from sim.runner import run


def _experiment(doses: list[tuple[float, float]], duration_h: float, species="human", route="oral",
                per_kg=False, interval_min=2.0, overrides=()):
    lines = [f'[experiment]\nname = "validate"\nspecies = "{species}"\nduration_h = {duration_h}\n'
             f"output_interval_min = {interval_min}\n[subject]\n"]
    lines += [f'"{name}" = {value!r}\n' for name, value in overrides]
    key = "amount_mg_per_kg" if per_kg else "amount_mg"
    for amount, time_h in doses:
        lines.append(f'[[dose]]\ndrug = "mdma"\n{key} = {amount}\ntime_h = {time_h}\nroute = "{route}"\n')
    return parse_experiment("".join(lines), "<validate>")


@cache
def _simulate(doses: tuple[tuple[float, float], ...], duration_h: float, species="human", route="oral",
              per_kg=False, interval_min=2.0, overrides=()):
    """One subject's outputs; ``overrides`` is a tuple of (parameter name, value) (used by calibration)."""
    res = run(_experiment(list(doses), duration_h, species, route, per_kg, interval_min, overrides))
    return res.time, {k: v[0] for k, v in res.outputs.items()}


def _window(t, c, t0, t1):
    keep = (t >= t0 - 1e-9) & (t <= t1 + 1e-9)
    return t[keep], c[keep]


def _dose_block(drug, amount, time_h, route="oral", per_kg=False, salt="hcl"):
    key = "amount_mg_per_kg" if per_kg else "amount_mg"
    return f'[[dose]]\ndrug = "{drug}"\n{key} = {amount}\ntime_h = {time_h}\nroute = "{route}"\nsalt = "{salt}"\n'


@cache
def _simulate_doses(doses: tuple[tuple, ...], duration_h: float, species="human", interval_min=1.0, overrides=()):
    """One subject's outputs for doses ``(drug, amount, time_h, route, per_kg, salt)``; ``overrides`` is a
    tuple of (parameter name, value) (sensitivity tools)."""
    subject = "[subject]\n" + "".join(f'"{name}" = {value!r}\n' for name, value in overrides) if overrides else ""
    text = (f'[experiment]\nname = "validate"\nspecies = "{species}"\nduration_h = {duration_h}\n'
            f"output_interval_min = {interval_min}\n{subject}" + "".join(_dose_block(*d) for d in doses))
    res = run(parse_experiment(text, "<validate>"))
    return res.time, {k: v[0] for k, v in res.outputs.items()}


def _mdma(amount, time_h=0.0, per_kg=False):
    return ("mdma", amount, time_h, "oral", per_kg, "hcl")


def peak_rise(name, doses, t0=0.0, duration=10.0):
    """Peak after ``t0`` minus the drug-free baseline at time 0 (the study's pre-dose value)."""
    t, out = _simulate_doses(tuple(doses), duration, "human", 2.0)
    return float(out[name][t >= t0 - 1e-9].max() - out[name][0])


PINDOLOL_PRE = (("pindolol", 20.0, 0.0, "oral", False, "base"),)
