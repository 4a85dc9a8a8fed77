"""What decides the sign of MDMA's effect on extinction recall in the model (Hake et al. 2019 vs Young et al. 2015).

Young et al. 2015 (mice, 7.8 mg/kg i.p. 30 min before extinction) found better extinction recall; Hake et
al. 2019 Physiol Behav 199:343 (rats, 1-10 mg/kg i.p. 30 min before extinction) found drug-free recall
impaired. This script runs the Young schedule of ``sim validate extinction`` (conditioning the day before,
extinction in context B, drug-free recall 24 h later in B) through each species' pharmacology and prints
recall fear MDMA / vehicle (< 1: better recall) over

- species (rat, mouse), dose (1, 3, 10 mg/kg) and the length of extinction (5-30 CS);
- the delay from dose to extinction (0.5 h as in both studies; 24 h: extinction after the acute effect);
- the smallest signed 5-HT2A change over 6-48 h (a fall below the pre-dose tone after 5-HT release lowers
  the plasticity state, the model's only route to a worse recall).

    .venv/bin/python experiments/hake_sign.py
"""

from __future__ import annotations

import numpy as np

from sim.amygdala import conditioning, extinction, probe
from sim.validation import extinction as ext


def recall_ratio(drive, n_cs: int, delay_h: float) -> float:
    fear = []
    for d in (drive, None):
        trials = conditioning(5, t0_h=delay_h - 24.0) + extinction(n_cs, delay_h, "B") + probe(delay_h + 24.0, "B")
        fear.append(ext._run(trials, d).fear_response[0, -1])
    return fear[0] / fear[1]


def main():
    n_cs = (5, 10, 20, 30)
    print(f"{'species':8s} {'mg/kg':>6s} {'delay h':>7s} {'min d5-HT2A':>11s} " +
          " ".join(f"{f'{n} CS':>7s}" for n in n_cs))
    for species in ("rat", "mouse"):
        for mg in (1.0, 3.0, 10.0):
            drive = ext._drive((("mdma", mg, 0.0, "ip", True, "hcl"),), 96.0, species)
            low = drive.values("occupancy_5ht2a", np.arange(6.0, 48.0, 1.0)).min()
            for delay in (0.5, 24.0):
                ratios = [recall_ratio(drive, n, delay) for n in n_cs]
                print(f"{species:8s} {mg:6.1f} {delay:7.1f} {low:11.4f} " + " ".join(f"{r:7.3f}" for r in ratios))


if __name__ == "__main__":
    main()
