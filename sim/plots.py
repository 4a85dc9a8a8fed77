"""Figures from results. Colours are fixed per quantity so every figure reads the same way."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from sim.result import Result  # noqa: E402

COLOURS = {
    "plasma_mdma": "#1f4e9c", "plasma_mda": "#7a9cd6", "brain_mdma": "#6a3d9a", "cyp2d6_activity": "#33a02c",
    "ec_serotonin": "#e31a1c", "ec_dopamine": "#ff7f00", "ec_norepinephrine": "#b15928",
    "plasma_oxytocin": "#fb9a99",
}
DEFAULT_TIMECOURSE = ("plasma_mdma", "plasma_mda", "brain_mdma", "cyp2d6_activity")


def timecourse(result: Result, outputs=None, path=None):
    """Stacked panels on a shared time axis: median and 5-95 % band across runs (a line for one run)."""
    names = [n for n in (outputs or DEFAULT_TIMECOURSE) if n in result.outputs]
    if not names:
        raise ValueError(f"none of the outputs {list(outputs or DEFAULT_TIMECOURSE)} are in the result")
    fig, axes = plt.subplots(len(names), 1, sharex=True, figsize=(8, 2.3 * len(names) + 0.6), squeeze=False)
    t = result.time
    for ax, name in zip(axes[:, 0], names, strict=True):
        data = np.asarray(result[name], dtype=float)
        colour = COLOURS.get(name, "#333333")
        if data.shape[0] > 1:
            lo, med, hi = np.percentile(data, [5, 50, 95], axis=0)
            ax.fill_between(t, lo, hi, color=colour, alpha=0.25, linewidth=0, label="5-95 %")
            ax.plot(t, med, color=colour, linewidth=1.8, label=f"median (n = {data.shape[0]})")
            ax.legend(loc="upper right", fontsize=8, frameon=False)
        else:
            ax.plot(t, data[0], color=colour, linewidth=1.8)
        ax.set_ylabel(f"{result.long_names.get(name, name)}\n({result.units.get(name, '')})", fontsize=8)
        ax.grid(alpha=0.3)
        for dose_time in np.unique(result.events.get("time_h", [])):
            ax.axvline(dose_time, color="0.5", linestyle=":", linewidth=1)
    axes[-1, 0].set_xlabel("time (h)")
    title = result.attrs.get("experiment_name", "")
    fig.suptitle(f"{title}  (dotted lines: doses)" if title else "", fontsize=10)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
        plt.close(fig)
    return fig
