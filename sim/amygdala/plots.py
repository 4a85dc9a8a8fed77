"""Figures of amygdala trial results, for ``sim plot --kind amygdala`` (wiring is the CLI's).

:func:`vlachos_figure` draws the reproduced result of Vlachos et al. 2011 (context-dependent fear
and extinction neurons with ABA renewal; the behaviour of Herry et al. 2008's fear and extinction
neurons) on both models; :func:`plot_trials` draws any :class:`sim.amygdala.model.TrialResult`.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from sim.amygdala import params as P  # noqa: E402
from sim.amygdala.model import (  # noqa: E402
    RateModel,
    SpikingModel,
    TrialResult,
    conditioning,
    extinction,
    probe,
    run_trials,
)


def vlachos_protocol():
    """Naive probe (A), 5 CS-US in A, probe A, 10 CS in B (day 1), probes B and A (day 2)."""
    return (probe(-1.0, "A") + conditioning(5) + probe(23.0, "A") + extinction(10, 24.0, "B")
            + probe(48.0, "B") + probe(48.1, "A"))


def plot_trials(res: TrialResult, axes=None, label="", colour="#1f4e9c", alpha=1.0):
    """Three panels by trial number: fear response, BA fear/extinction neuron cue rates, bla/cem."""
    if axes is None:
        _, axes = plt.subplots(3, 1, sharex=True, figsize=(8, 7))
    k = np.arange(res.time_h.size)
    axes[0].plot(k, res.fear_response.mean(0), "o-", color=colour, label=label or "fear_response")
    axes[0].set_ylabel("fear response\n(1 = untreated)")
    axes[1].plot(k, res.rates_cs[:, :, P.BA_FEAR].mean(0), "o-", color="#e31a1c", alpha=alpha,
                 label=f"fear neurons {label}")
    axes[1].plot(k, res.rates_cs[:, :, P.BA_EXT].mean(0), "s--", color="#33a02c", alpha=alpha,
                 label=f"extinction neurons {label}")
    axes[1].set_ylabel("BA cue rate (Hz)")
    axes[2].plot(k, res.bla_rate.mean(0), "o-", color=colour, label=f"bla_rate {label}")
    axes[2].plot(k, res.cem_rate.mean(0), "^:", color=colour, alpha=0.6, label=f"cem_rate {label}")
    axes[2].set_ylabel("rate (Hz)")
    axes[2].set_xlabel("trial")
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, frameon=False)
    return axes


def vlachos_figure(path=None, spiking_scale: float = 0.25):
    """Both models through :func:`vlachos_protocol`; saves to ``path`` if given; returns the figure."""
    trials = vlachos_protocol()
    fig, axes = plt.subplots(3, 1, sharex=True, figsize=(8, 7))
    plot_trials(run_trials(RateModel(), trials), axes, "rate", "#1f4e9c")
    plot_trials(run_trials(SpikingModel(scale=spiking_scale), trials), axes, "spiking", "#ff7f00", alpha=0.45)
    names = ["naive A"] + ["CS-US A"] * 5 + ["test A"] + ["CS B"] * 10 + ["test B", "test A"]
    axes[2].set_xticks(np.arange(len(names)), names, rotation=60, fontsize=7)
    fig.suptitle("Context-dependent fear and extinction (after Vlachos et al. 2011)", fontsize=10)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig
