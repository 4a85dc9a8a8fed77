"""HPA axis and prolactin: circadian baseline when drug-free, driven by receptor responses, blocked at the
adrenal by metyrapone; corticosterone in rodents."""

import numpy as np
import pytest
from conftest import run_experiment

from sim.assembly import build_model
from sim.kinetics import endocrine


def test_drug_free_cortisol_is_the_circadian_baseline():
    res = run_experiment("", duration=24.0, interval_min=30.0)
    par = {k.split(".", 1)[1]: v[0] for k, v in res.params.items() if k.startswith("endocrine.")}
    expected = endocrine.circadian_baseline(res.time, par["gc_mesor"], par["gc_amplitude"], par["gc_peak_clock_h"],
                                            par["clock_at_start_h"])
    np.testing.assert_allclose(res["plasma_cortisol"][0], expected, rtol=1e-6)
    clock_of_peak = (par["clock_at_start_h"] + res.time[np.argmax(res["plasma_cortisol"][0])]) % 24.0
    assert abs(clock_of_peak - par["gc_peak_clock_h"]) <= 0.5
    np.testing.assert_allclose(res["plasma_prolactin"][0], par["prl_baseline"], rtol=1e-9)


def test_mdma_raises_cortisol_through_receptor_responses_and_metyrapone_blocks_it():
    mdma = '[[dose]]\ndrug = "mdma"\namount_mg = 75.0\ntime_h = 1.0\n'
    met = '[[dose]]\ndrug = "metyrapone"\namount_mg = 750.0\nsalt = "base"\n'
    none, alone = run_experiment("", duration=8.0), run_experiment(mdma, duration=8.0)
    both, met_only = run_experiment(met + mdma, duration=8.0), run_experiment(met, duration=8.0)
    rise = (alone["plasma_cortisol"][0] - none["plasma_cortisol"][0]).max()
    assert rise > 100.0   # nmol/L
    assert (both["plasma_cortisol"][0] - met_only["plasma_cortisol"][0]).max() < 0.1 * rise
    assert met_only["plasma_cortisol"][0, -1] < 0.2 * none["plasma_cortisol"][0, -1]   # synthesis blocked
    assert met_only["plasma_acth_relative"][0].max() > 1.5   # feedback removed: ACTH rises (the metyrapone test)
    # no receptor response, no rise: the drive is the receptors' (5-HT1A, 5-HT2A, alpha1 weights to zero)
    zero = "[subject]\n" + "".join(f'"endocrine.w_{r}_acth" = 0.0\n' for r in ("5ht1a", "5ht2a", "alpha1"))
    flat = run_experiment(mdma, duration=8.0, extra=zero)
    np.testing.assert_allclose(flat["plasma_cortisol"][0], none["plasma_cortisol"][0], rtol=1e-6)


@pytest.mark.parametrize("species", ["rat", "mouse"])
def test_rodents_make_corticosterone(species):
    model = build_model(species, ())
    names = {o.name for m in model.mechanisms for o in m.outputs}
    assert "plasma_corticosterone" in names and "plasma_cortisol" not in names and "plasma_prolactin" in names
