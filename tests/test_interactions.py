"""Interactions: paroxetine acts on MDMA through the PK model's CYP2D6 state; suites report their rows."""

import numpy as np
from conftest import experiment as build

import sim
from sim import validate


def experiment(doses, duration=96.0, extra=""):
    return build(doses, duration=duration, interval_min=10.0, extra=extra)


PAROX = "".join(f'[[dose]]\ndrug = "paroxetine"\namount_mg = 20.0\nsalt = "base"\ntime_h = {t}\n' for t in (0, 24, 48))
MDMA = '[[dose]]\ndrug = "mdma"\namount_mg = 100.0\ntime_h = 72.0\n'


def mdma_auc(res):
    keep = res.time >= 72.0
    return np.trapezoid(res["plasma_mdma"][0][keep], res.time[keep])


def test_paroxetine_inactivates_cyp2d6_and_raises_mdma_exposure():
    alone = sim.run(experiment(MDMA))
    both = sim.run(experiment(PAROX + MDMA))
    at72 = int(np.argmin(abs(both.time - 72.0)))
    assert both["cyp2d6_activity"][0, at72] < 0.5 < alone["cyp2d6_activity"][0, at72]
    assert mdma_auc(both) > 1.1 * mdma_auc(alone)


def test_without_inactivation_paroxetine_leaves_mdma_pk_alone():
    off = '[subject]\n"paroxetine.cyp2d6_kinact" = 0.0\n'
    alone = sim.run(experiment(MDMA))
    both = sim.run(experiment(PAROX + MDMA, extra=off))
    np.testing.assert_allclose(mdma_auc(both), mdma_auc(alone), rtol=1e-6)
    # ...but still blocks SERT, so MDMA's 5-HT release is blunted
    assert both["ec_serotonin"][0, both.time > 72].max() < alone["ec_serotonin"][0, alone.time > 72].max()


def test_transmitter_and_interaction_suites():
    rows = validate.evaluate(["transmitters", "interactions"])
    failures = [(t.quantity, value) for t, value, ok in rows if not ok]  # every row, none excused
    assert not failures, failures
    text = validate.format_rows(rows)
    assert "Koch & Galloway 1997" in text and "Segura et al. 2005" in text
    assert any(not t.fitted for t, _, _ in rows) and any(t.fitted for t, _, _ in rows)


def test_paroxetine_experiment_file():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "experiments" / "multiday" / "paroxetine_mdma.toml"
    res = sim.run(sim.load_experiment(path))
    assert (res.status == 0).all()
    keep = res.time >= 72.0
    auc = np.trapezoid(res["plasma_mdma"][:, keep], res.time[keep], axis=1)
    assert 1.1 < auc[1] / auc[0] < 1.6
    assert res["ec_serotonin"][1, keep].max() < res["ec_serotonin"][0, keep].max()
