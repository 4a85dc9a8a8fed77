"""The receptor mechanism: occupancy and operational response of every catalogued receptor.

One affinity convention (stated here and in catalogue.py; every consumer follows it):

- **Occupancy** uses the *binding* constant K of each ligand (``<receptor>_k_<ligand>``,
  ``<receptor>_<drug>_k``): ``occupancy_<receptor>`` is the efficacy-weighted share of receptors
  bound by agonists (occupancy.py), the quantity PET and radioligand binding measure. It is reported,
  never used to drive another mechanism.
- **Response** uses the operational model (response.py) with each ligand's *functional* constant
  K_A (``<receptor>_ka_<ligand>``, ``<receptor>_<drug>_ka``) and efficacy tau_i = efficacy_i x tau:
  ``response_<receptor>`` is E/E0, the response relative to the drug-free baseline response E0
  (``<receptor>_r0``, the response at the terminals' baseline transmitter levels), so 1 = no drug
  effect, > 1 more signalling, < 1 less (an antagonist removing tonic signalling). For an antagonist
  the functional K_B equals its binding K_d (Schild); for the endogenous agonists and agonist drugs K_A
  comes from functional data where catalogue.py / the drug library give it, else equals K (marked there).
- **Consumers read responses relative to baseline.** Oxytocin release reads the 5-HT1A response,
  physiology the 5-HT2A, alpha1 and beta1 responses (the states ``signal_<receptor>``, below); the
  amygdala reads the ``response_<receptor>`` outputs (and ``response_beta``, the mean of beta1 and
  beta2). Why relative: the absolute response contains the unmeasured maximal response Em, which
  cancels in E/E0, and every consumer's own baseline already contains the tonic receptor activity.

Ligands: the endogenous agonist (extracellular 5-HT, DA, NE from the terminals; central oxytocin from
``sim/kinetics/oxytocin.py`` where that mechanism is present) and every drug present (its unbound
concentration at the target, the same drug inputs as the terminals). All compete for one site.

Two ways out, by cost:
- ``occupancy_<receptor>`` and ``response_<receptor>`` outputs are computed after integration with the
  NumPy twins, for every receptor (``response_beta``, ``occupancy_beta``: mean of beta1 and beta2).
- Receptors that drive a state (``DRIVING``: 5-HT1A -> oxytocin release; 5-HT2A, alpha1, beta1 ->
  physiology) are evaluated inside the njit fragment with the njit twins; their relative response is
  kept as a state ``signal_<receptor>`` (1 at baseline) that follows ``response_<receptor>`` with a
  short transduction lag (``tau_signal``). Other mechanisms read these states.

Which concentration each receptor sees (assumptions, stated once): central receptors see the forebrain
terminal field's extracellular transmitter; the cardiovascular alpha1/beta1 receptors see the same NE
level, standing in for the sympathetic neuroeffector junction (MDMA releases NE through NET there as in
the brain; plasma NE rises after MDMA, Hysek et al. 2011 Clin Pharmacol Ther 90:246); drugs act through
their unbound concentration at the effect site (unbound brain = unbound plasma at equilibrium).

Beta adrenoceptors. With NE's K of 1.6 uM (beta1) and 30 uM (beta2) against ~1 nM extracellular NE,
*occupancy* barely moves when NE rises several-fold (the fraction stays ~1e-3), but in the operational
model far below K the response is proportional to concentration, so E/E0 follows the NE rise: the
beta route carries the drug's NE signal as a relative response, not as occupancy.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.kinetics import dopamine, norepinephrine, serotonin
from sim.kinetics.terminal import NO_ACTION_K
from sim.model import Mechanism, Output, State
from sim.params import Parameter
from sim.receptors import catalogue
from sim.receptors.occupancy import agonist_occupancy_np
from sim.receptors.response import operational, operational_np
from sim.units import um_to_pm

DRIVING = ("5ht1a", "5ht2a", "alpha1", "beta1")
ORDER = DRIVING + tuple(r for r in catalogue.RECEPTOR_NAMES if r not in DRIVING)
# ligand inputs: x[0] 5-HT, x[1] DA, x[2] NE (uM), then the drugs, then central oxytocin (pM) if present
LIGAND_INPUT = {"serotonin": 0, "dopamine": 1, "norepinephrine": 2}
DRIVING_LIGAND = tuple(LIGAND_INPUT[catalogue.get(r).ligand] for r in DRIVING)
N_DRIVING = len(DRIVING)
NDRUG, TAU_SIGNAL = 0, 1
NFIXED = 2
BLOCK_FIXED = 4   # per receptor: binding K of the endogenous agonist, tau, baseline response, operational K_A
PER_DRUG = 3      # per receptor and drug: binding K, efficacy, functional K_A
BASELINE_UM = {"serotonin": serotonin.BASELINE.ec, "dopamine": dopamine.BASELINE.ec,
               "norepinephrine": norepinephrine.BASELINE.ec}


@njit(cache=True)
def receptors_rhs(t, y, p, dydt, s, q, x):
    """Lagged operational response (relative to baseline) of the receptors in DRIVING."""
    nd = int(p[q + NDRUG])
    tau_sig = p[q + TAU_SIGNAL]
    block = BLOCK_FIXED + PER_DRUG * nd
    b0 = q + NFIXED + nd
    for r in range(N_DRIVING):
        b = b0 + r * block
        ligand = 0 if r < 2 else 2
        xe = max(y[x[ligand]], 0.0) / p[b + 3]
        tau = p[b + 1]
        x_total = xe
        tau_x = tau * xe
        for k in range(nd):
            c = max(y[x[3 + k]], 0.0) * p[q + NFIXED + k]
            xk = c / p[b + BLOCK_FIXED + PER_DRUG * k + 2]
            x_total += xk
            tau_x += p[b + BLOCK_FIXED + PER_DRUG * k + 1] * tau * xk
        rel = operational(tau_x, x_total) / p[b + 2]
        dydt[s + r] += (rel - y[s + r]) / tau_sig


def _baseline_response(receptor: catalogue.Receptor, oxytocin_baseline_pm: float | None = None) -> float:
    """Operational response at the drug-free transmitter level (oxytocin: at ``oxytocin_baseline_pm``)."""
    if receptor.ligand == "oxytocin":
        level = None if oxytocin_baseline_pm is None else oxytocin_baseline_pm / um_to_pm(1.0)
    else:
        level = BASELINE_UM[receptor.ligand]
    if level is None:
        return 1.0
    return float(operational_np([level], [receptor.k_response_um], [receptor.tau]))


def mechanism(species: str, drug_inputs, oxytocin_state: str | None = None,
              oxytocin_baseline_pm: float | None = None) -> Mechanism:
    """Receptors seeing the terminals' transmitters, the drugs in ``drug_inputs`` (terminal.DrugInput) and,
    if given, central oxytocin (state in pM, drug-free level ``oxytocin_baseline_pm``)."""
    from sim.kinetics import drugs as library

    assert DRIVING_LIGAND == (0, 0, 2, 2)  # receptors_rhs hard-codes this mapping
    nd = len(drug_inputs)
    P = Parameter
    params = [P("n_drugs", float(nd), "1", "derived: number of drug inputs", "drugs seen by the receptors (layout)",
                float(nd), float(nd)),
              P("tau_signal", 0.05, "h", "assumed: receptor-to-effector transduction within minutes (G-protein "
                "signalling and neuronal/smooth-muscle response, ~3 min)", "lag of receptor signals", 1e-4, 10.0)]
    for d in drug_inputs:
        params.append(P(f"{d.label}_scale", d.scale, "1/L" if d.state.startswith("pk.") else "1", d.scale_source,
                        f"state {d.state} -> unbound {d.drug} at the receptors (uM)", 0.0, 1e9))
    for name in ORDER:
        rec = catalogue.get(name)
        params += [
            P(f"{name}_k_{rec.ligand}", rec.k_um, "uM", rec.source, f"{rec.ligand} K at {name}", 1e-9, NO_ACTION_K),
            P(f"{name}_tau", rec.tau, "1", rec.tau_source, f"operational efficacy of {rec.ligand} at {name}",
              0.0, 1e6),
            P(f"{name}_r0", _baseline_response(rec, oxytocin_baseline_pm), "1",
              "derived: operational response at the drug-free baseline transmitter level (terminal baselines; "
              "OXTR: the oxytocin mechanism's central baseline)",
              f"baseline response of {name} (fraction of Em)", 1e-12, 1.0),
            P(f"{name}_ka_{rec.ligand}", rec.k_response_um, "uM", rec.k_response_source,
              f"{rec.ligand} operational K_A at {name} (the response; occupancy uses the binding K)", 1e-9,
              NO_ACTION_K),
        ]
        for d in drug_inputs:
            a = library.get(d.drug).affinities.get(name)
            params += [
                P(f"{name}_{d.label}_k", a.k_um if a else NO_ACTION_K, "uM",
                  a.source if a else f"{d.drug}: no affinity at {name} in the drug library (none)",
                  f"{d.drug} K at {name}", 1e-9, NO_ACTION_K),
                P(f"{name}_{d.label}_efficacy", a.efficacy if a else 0.0, "1",
                  a.source if a else f"{d.drug}: no affinity at {name} in the drug library (none)",
                  f"{d.drug} efficacy at {name} relative to {rec.ligand} (0 = antagonist)", 0.0, 1.0),
                P(f"{name}_{d.label}_ka", a.response_k_um if a else NO_ACTION_K, "uM",
                  a.response_k_source if a else f"{d.drug}: no affinity at {name} in the drug library (none)",
                  f"{d.drug} functional K_A at {name} (the response; occupancy uses the binding K)", 1e-9,
                  NO_ACTION_K),
            ]
    inputs = ("serotonin.extracellular", "dopamine.extracellular", "norepinephrine.extracellular",
              *(d.state for d in drug_inputs), *((oxytocin_state,) if oxytocin_state else ()))
    labels = [d.label for d in drug_inputs]

    def ligands(rec, st, par):
        """(endogenous agonist uM, every ligand's concentration stacked) for receptor ``rec``."""
        if rec.ligand == "oxytocin":
            endo = st[oxytocin_state] / um_to_pm(1.0)
        else:
            endo = st[inputs[LIGAND_INPUT[rec.ligand]]]
        return endo, np.stack([endo, *(st[d.state] * par[f"{d.label}_scale"] for d in drug_inputs)])

    def occupancy(name):
        rec = catalogue.get(name)

        def compute(st, par):
            endo, conc = ligands(rec, st, par)
            k = np.stack(np.broadcast_arrays(par[f"{name}_k_{rec.ligand}"],
                                             *(par[f"{name}_{lab}_k"] for lab in labels), endo))[:-1]
            e = np.stack(np.broadcast_arrays(np.ones_like(endo), *(par[f"{name}_{lab}_efficacy"] for lab in labels),
                                             endo))[:-1]
            return agonist_occupancy_np(conc, k, e)
        return compute

    def response(name):
        rec = catalogue.get(name)

        def compute(st, par):
            endo, conc = ligands(rec, st, par)
            tau = par[f"{name}_tau"]
            k = np.stack(np.broadcast_arrays(par[f"{name}_ka_{rec.ligand}"],
                                             *(par[f"{name}_{lab}_ka"] for lab in labels), endo))[:-1]
            t = np.stack(np.broadcast_arrays(tau, *(tau * par[f"{name}_{lab}_efficacy"] for lab in labels),
                                             endo))[:-1]
            return operational_np(conc, k, t) / par[f"{name}_r0"]
        return compute

    names = [r for r in ORDER if oxytocin_state or catalogue.get(r).ligand != "oxytocin"]
    outputs = [Output(f"occupancy_{r}", "1", f"agonist occupancy of {r} (efficacy-weighted fraction)", occupancy(r))
               for r in names]
    b1, b2 = occupancy("beta1"), occupancy("beta2")
    outputs.append(Output("occupancy_beta", "1", "agonist occupancy of beta adrenoceptors (mean of beta1, beta2)",
                          lambda st, par: 0.5 * (b1(st, par) + b2(st, par))))
    outputs += [Output(f"response_{r}", "1", f"operational response of {r} relative to its drug-free baseline "
                       "(1 = baseline)", response(r)) for r in names]
    rb1, rb2 = response("beta1"), response("beta2")
    outputs.append(Output("response_beta", "1", "response of beta adrenoceptors relative to baseline (mean of "
                          "beta1, beta2)", lambda st, par: 0.5 * (rb1(st, par) + rb2(st, par))))
    states = tuple(State(f"signal_{r}", "1", f"{r} operational response relative to the drug-free baseline "
                         "(lagged)", initial=1.0) for r in DRIVING)
    return Mechanism(name="receptors", states=states, parameters=tuple(params), rhs=receptors_rhs, inputs=inputs,
                     outputs=tuple(outputs),
                     description=f"{species} receptors: competitive binding, operational response")

