"""A monoamine terminal (5-HT, DA or NE): the shared equations of serotonin.py, dopamine.py, norepinephrine.py.

Pools (uM, all referred to the extracellular-space volume of the terminal field, so fluxes need no
volume factors) and fluxes (uM/h)::

    synthesis (TPH/TH) --> cytosol <--VMAT2 / leak--> vesicles --exocytosis--> extracellular
                 cytosol --MAO--> (catabolised)        extracellular --transporter--> cytosol
                 cytosol <--reverse transport (releasers)-- ; extracellular --other clearance-->

    syn   = Vsyn * enz * R_term / (1 + C/K_fb)        end-product (TH) / regulatory feedback
    exo   = k_exo * fire * R_term * facil * V         R_term = 1 / (1 + E/Ka_term)  (5-HT1B, D2, alpha2)
    fire  = 1 / (1 + g_soma * sens * act)             act = A / (A + Ka_soma (1 + sum C_k/Ki_k))
    dA/dt = (E - A) / tau                             somatodendritic autoreceptor (5-HT1A, D2, alpha2)
    d(sens)/dt = ln2/t_rec (1 - sens) - k_des x sens   x = max(act - act0, 0) / (1 - act0)
    vmat  = Vvmat C / (Km_vmat + C);  leak = k_leak (1 + g_ves occ_sub) V
    mao   = Vmao C / (Km_mao + C);    clear = k_ec E
    uptake, efflux: transporters.py;  d(enz)/dt = ln2/t_half (1 - enz) - k_inact occ_sub enz

Simplifications of Best, Nijhout & Reed (2009 dopamine, 2010 serotonin), and why:
- the precursor pathways (tyrosine/tryptophan transport, BH4, AADC, 5-HTP/L-DOPA) are lumped into
  one synthesis flux with the enzyme's feedback: drugs act downstream of them, and at the time
  scales simulated (minutes to weeks) the precursor pools are in quasi-steady state;
- the catabolite pools (5-HIAA, DOPAC, HVA) are dropped: nothing downstream reads them;
- the somatodendritic autoreceptor sees the forebrain extracellular level through a first-order lag
  (the raphe/VTA/LC extracellular level is not modelled separately);
- one reference volume (extracellular space) for all pools: pool sizes are ECS-equivalents;
- autoreceptor desensitisation: sustained activation of the somatodendritic autoreceptor above its
  drug-free level (act0) lowers its coupling to firing (``sens``, 1 = naive), which recovers with
  half-life t_rec when the activation ends. This is how raphe firing, suppressed by the first SSRI
  doses, returns to baseline over 2-3 weeks of daily treatment while 5-HT1A autoreceptor responses
  desensitise (Czachura & Rasmussen 2000 Naunyn-Schmiedeberg's Arch Pharmacol 362:266; Le Poul et al.
  1995 Naunyn-Schmiedeberg's Arch Pharmacol 352:141; Blier & de Montigny 1994 Trends Pharmacol Sci
  15:220). Only the 5-HT terminal has k_des > 0 (serotonin.py); D2 and alpha2 autoreceptors keep
  k_des = 0 (not modelled);
- the slow process that matters across a multi-week protocol is kept as a state: ``enzyme``
  (synthesis enzyme active fraction; MDMA inactivates TPH, which recovers over ~2 weeks, Stone et
  al. 1989 J Pharmacol Exp Ther 249:177; Schmidt & Taylor 1987 Biochem Pharmacol 36:4095); the
  vesicular store, depleted by a dose, refills at the synthesis rate, so its recovery slows while
  the enzyme is down (days).

The fixed parameters are derived from a chosen baseline (pools, fluxes) by :func:`derive`, so the
drug-free state is an exact steady state (tests check dy/dt ~ 0). Drugs enter as ``inputs`` (one state
per drug, times ``scale_k`` gives the unbound concentration in uM) with four parameters each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from numba import njit

from sim.kinetics.rate_laws import inhibition_factor, michaelis_menten
from sim.kinetics.transporters import reverse_transport, substrate_occupancy, uptake
from sim.model import Mechanism, Output, State
from sim.params import Parameter
from sim.units import um_to_nm

VES, CYT, EC, AUTO, ENZ, SENS = range(6)
STATES = (
    State("vesicular", "uM", "vesicular transmitter (ECS-volume equivalent)"),
    State("cytosolic", "uM", "cytosolic transmitter (ECS-volume equivalent)"),
    State("extracellular", "uM", "extracellular transmitter in the terminal field"),
    State("autoreceptor", "uM", "transmitter level seen by somatodendritic autoreceptors (lagged)"),
    State("enzyme", "1", "active fraction of the synthesis enzyme (TPH or TH)", initial=1.0),
    State("autoreceptor_sensitivity", "1", "coupling of the somatodendritic autoreceptor to firing (1 = naive; "
          "falls with sustained activation: desensitisation)", initial=1.0),
)
FIXED = ("v_syn", "k_fb", "vmax_vmat", "km_vmat", "k_leak", "k_exo", "vmax_t", "km_t", "k_efflux",
         "vmax_mao", "km_mao", "k_ec", "ka_term", "ka_soma", "g_soma", "tau_auto", "g_vesicle",
         "k_enz_inact", "enz_half_life", "g_facil", "k_facil", "k_desens", "desens_half_life", "act0", "efflux_hill",
         "n_drugs")
(VSYN, KFB, VVMAT, KMVMAT, KLEAK, KEXO, VMAXT, KMT, KEFF, VMAO, KMMAO, KEC, KATERM, KASOMA, GSOMA, TAU, GVES,
 KINACT, THALF, GFAC, KFAC, KDES, TDES, ACT0, NHILL, NDRUG) = range(len(FIXED))
PER_DRUG = ("scale", "k_transporter", "substrate", "k_autoreceptor")
SCALE, KT, SUB, KAUTO = range(len(PER_DRUG))
NFIXED = len(FIXED)
NPER = len(PER_DRUG)
NO_ACTION_K = 1e12  # uM: a drug with no action at a site has this K (affinity 1/K ~ 0)


@njit(cache=True)
def terminal_rhs(t, y, p, dydt, s, q, x):
    """One monoamine terminal (see module docstring). ``x``: drug states, then an optional facilitator."""
    nd = int(p[q + NDRUG])
    inhibition = 0.0
    substrate = 0.0
    auto_block = 0.0
    for k in range(nd):
        b = q + NFIXED + k * NPER
        c = max(y[x[k]], 0.0) * p[b + SCALE]
        r = c / p[b + KT]
        inhibition += r
        substrate += p[b + SUB] * r
        auto_block += c / p[b + KAUTO]
    ves = max(y[s + VES], 0.0)
    cyt = max(y[s + CYT], 0.0)
    ec = max(y[s + EC], 0.0)
    auto = max(y[s + AUTO], 0.0)
    enz = min(max(y[s + ENZ], 0.0), 1.0)
    sens = min(max(y[s + SENS], 0.0), 1.0)

    occ = substrate_occupancy(substrate, inhibition, ec, p[q + KMT])
    j_up = uptake(p[q + VMAXT], p[q + KMT], ec, inhibition)
    j_eff = reverse_transport(p[q + KEFF], occ, cyt, p[q + NHILL])
    r_term = inhibition_factor(ec, p[q + KATERM])
    act = auto / (auto + p[q + KASOMA] * (1.0 + auto_block))
    fire = 1.0 / (1.0 + p[q + GSOMA] * sens * act)
    facil = 1.0
    if len(x) > nd:
        f = max(y[x[nd]], 0.0)
        facil = 1.0 + p[q + GFAC] * f / (f + p[q + KFAC])
    j_exo = p[q + KEXO] * fire * r_term * facil * ves
    j_syn = p[q + VSYN] * enz * r_term * inhibition_factor(cyt, p[q + KFB])
    j_vmat = michaelis_menten(p[q + VVMAT], p[q + KMVMAT], cyt)
    j_leak = p[q + KLEAK] * (1.0 + p[q + GVES] * occ) * ves
    j_mao = michaelis_menten(p[q + VMAO], p[q + KMMAO], cyt)
    j_clear = p[q + KEC] * ec
    krec = math.log(2.0) / p[q + THALF]

    dydt[s + VES] += j_vmat - j_leak - j_exo
    dydt[s + CYT] += j_syn - j_vmat + j_leak + j_up - j_eff - j_mao
    dydt[s + EC] += j_exo - j_up + j_eff - j_clear
    dydt[s + AUTO] += (ec - auto) / p[q + TAU]
    dydt[s + ENZ] += krec * (1.0 - enz) - p[q + KINACT] * occ * enz
    excess = max(act - p[q + ACT0], 0.0) / (1.0 - p[q + ACT0])
    dydt[s + SENS] += math.log(2.0) / p[q + TDES] * (1.0 - sens) - p[q + KDES] * excess * sens


@dataclass(frozen=True)
class Baseline:
    """The drug-free steady state a terminal is built around (uM and uM/h), with sources."""

    ec: float           # extracellular level
    cyt: float          # cytosolic pool
    ves: float          # vesicular pool
    synthesis: float    # synthesis flux
    vmat: float         # VMAT2 flux
    other_clearance: float  # share of extracellular removal not through the transporter
    facilitator: float = 0.0  # baseline level of the facilitating transmitter (DA terminal: 5-HT)


def derive(b: Baseline, *, vmax_t, km_t, km_vmat, km_mao, k_fb, ka_term, ka_soma, g_soma, g_facil=0.0,
           k_facil=1.0) -> dict[str, float]:
    """Rate constants that make ``b`` an exact steady state of :func:`terminal_rhs` without drugs."""
    up = vmax_t * b.ec / (km_t + b.ec)
    clear = up * b.other_clearance / (1.0 - b.other_clearance)
    exo = up + clear
    r_term = 1.0 / (1.0 + b.ec / ka_term)
    fire = 1.0 / (1.0 + g_soma * b.ec / (b.ec + ka_soma))
    facil = 1.0 + g_facil * b.facilitator / (b.facilitator + k_facil)
    leak = b.vmat - exo
    mao = b.synthesis - clear
    if leak <= 0 or mao <= 0:
        raise ValueError(f"inconsistent baseline {b}: leak {leak:g}, MAO flux {mao:g} must be > 0")
    return {
        "v_syn": b.synthesis * (1.0 + b.cyt / k_fb) / r_term,
        "vmax_vmat": b.vmat * (km_vmat + b.cyt) / b.cyt,
        "k_leak": leak / b.ves,
        "k_exo": exo / (fire * r_term * facil * b.ves),
        "vmax_mao": mao * (km_mao + b.cyt) / b.cyt,
        "k_ec": clear / b.ec,
        "act0": b.ec / (b.ec + ka_soma),
    }


def initial_states(b: Baseline) -> tuple[State, ...]:
    values = {"vesicular": b.ves, "cytosolic": b.cyt, "extracellular": b.ec, "autoreceptor": b.ec, "enzyme": 1.0,
              "autoreceptor_sensitivity": 1.0}
    return tuple(State(st.name, st.unit, st.description, initial=values[st.name]) for st in STATES)


@dataclass(frozen=True)
class DrugInput:
    """A drug as a terminal sees it: the state holding it, the factor from that state to unbound uM at
    the target, and the drug's library name (for its potencies)."""

    label: str        # parameter prefix, e.g. "mdma", "mda", "mda_dosed", "paroxetine"
    drug: str         # library name
    state: str        # qualified state name, e.g. "pk.brain"
    scale: float      # state -> unbound uM (derived by the runner from the run's PK parameters)
    scale_source: str


def build(name: str, transmitter: str, species: str, fixed: dict[str, Parameter], baseline: Baseline,
          transporter: str, receptor: str | None, drug_inputs, facilitator: str | None = None,
          description: str = "") -> Mechanism:
    """A terminal mechanism for the drugs present: fixed parameters, then four per drug (drug library)."""
    from sim.kinetics import drugs as library

    params = [fixed[n] for n in FIXED if n != "n_drugs"]
    n = float(len(drug_inputs))  # layout, not physiology: bounds pin it so no override can change it
    params.append(Parameter("n_drugs", n, "1", "derived: number of drug inputs",
                            "drugs acting on this terminal (layout)", n, n))
    for d in drug_inputs:
        drug = library.get(d.drug)
        pot = drug.potency(transporter, species)
        rec = drug.potency(receptor, species) if receptor else None
        params += [
            Parameter(f"{d.label}_scale", d.scale, "1/L" if d.state.startswith("pk.") else "1", d.scale_source,
                      f"state {d.state} -> unbound {d.drug} at the terminal (uM)", 0.0, 1e9),
            Parameter(f"{d.label}_k_{transporter}", pot.k_um if pot else NO_ACTION_K, "uM",
                      pot.source if pot else f"{d.drug}: no action at {transporter.upper()} (drug library)",
                      f"{d.drug} K at {transporter.upper()} (release EC50 for substrates, Kd for blockers)",
                      1e-9, NO_ACTION_K),
            Parameter(f"{d.label}_substrate", 1.0 if pot and pot.mode == "substrate" else 0.0, "1",
                      pot.source if pot else "no action", f"1 if {d.drug} is a {transporter.upper()} substrate "
                      "(drives reverse transport), 0 if a blocker", 0.0, 1.0),
            Parameter(f"{d.label}_k_{receptor or 'autoreceptor'}", rec.k_um if rec else NO_ACTION_K, "uM",
                      rec.source if rec else f"{d.drug}: no action at the somatodendritic autoreceptor",
                      f"{d.drug} antagonist Ki at the somatodendritic autoreceptor", 1e-9, NO_ACTION_K),
        ]
    inputs = tuple(d.state for d in drug_inputs) + ((facilitator,) if facilitator else ())

    def _ec(st, par):
        return um_to_nm(st["extracellular"])

    def _pool(key):
        return lambda st, par: st[key]

    def _firing(st, par):   # firing relative to the drug-free rate (NumPy twin of terminal_rhs)
        block = sum(st[d.state] * par[f"{d.label}_scale"] / par[f"{d.label}_k_{receptor or 'autoreceptor'}"]
                    for d in drug_inputs) if drug_inputs else 0.0
        auto = st["autoreceptor"]
        act = auto / (auto + par["ka_soma"] * (1.0 + block))
        sens = st["autoreceptor_sensitivity"]
        return (1.0 + par["g_soma"] * par["act0"]) / (1.0 + par["g_soma"] * sens * act)

    def _occupancy(st, par):   # share of transporters bound by drugs (what a PET tracer's displacement reads)
        x = sum(st[d.state] * par[f"{d.label}_scale"] / par[f"{d.label}_k_{transporter}"] for d in drug_inputs) \
            if drug_inputs else 0.0 * st["extracellular"]
        return x / (1.0 + x)

    outputs = (
        Output(f"ec_{transmitter}", "nM", f"extracellular {transmitter} (forebrain terminal field)", _ec),
        Output(f"vesicular_{transmitter}", "uM", f"vesicular {transmitter} (ECS-volume equivalent)",
               _pool("vesicular")),
        Output(f"cytosolic_{transmitter}", "uM", f"cytosolic {transmitter} (ECS-volume equivalent)",
               _pool("cytosolic")),
        Output(f"{name}_synthesis_enzyme", "1", "active fraction of the synthesis enzyme", _pool("enzyme")),
        Output(f"firing_{name}", "1", f"firing of the {name} neurons (raphe, VTA, locus coeruleus) relative to the "
               "drug-free rate", _firing),
        Output(f"autoreceptor_sensitivity_{name}", "1", "somatodendritic autoreceptor coupling (1 = naive)",
               _pool("autoreceptor_sensitivity")),
        Output(f"{transporter}_occupancy", "1", f"share of {transporter.upper()} bound by drugs", _occupancy),
    )
    return Mechanism(name=name, states=initial_states(baseline), parameters=tuple(params), rhs=terminal_rhs,
                     inputs=inputs, outputs=outputs, description=description)


UNITS = {"v_syn": "uM/h", "k_fb": "uM", "vmax_vmat": "uM/h", "km_vmat": "uM", "k_leak": "1/h", "k_exo": "1/h",
         "vmax_t": "uM/h", "km_t": "uM", "k_efflux": "1/h", "vmax_mao": "uM/h", "km_mao": "uM", "k_ec": "1/h",
         "ka_term": "uM", "ka_soma": "uM", "g_soma": "1", "tau_auto": "h", "g_vesicle": "1", "k_enz_inact": "1/h",
         "enz_half_life": "h", "g_facil": "1", "k_facil": "uM", "k_desens": "1/h", "desens_half_life": "h",
         "act0": "1", "efflux_hill": "1"}
DESCRIPTIONS = {
    "v_syn": "maximal synthesis rate (TPH/TH, precursor supply lumped)",
    "k_fb": "cytosolic transmitter half-inhibiting synthesis (end-product feedback)",
    "vmax_vmat": "VMAT2 maximal rate", "km_vmat": "VMAT2 Km",
    "k_leak": "vesicular leak rate constant (drug-free)",
    "k_exo": "exocytosis rate constant at basal firing (fraction of the vesicular pool per h)",
    "vmax_t": "transporter maximal uptake rate", "km_t": "transporter Km",
    "k_efflux": "reverse-transport rate constant at full releaser occupancy",
    "vmax_mao": "MAO maximal rate", "km_mao": "MAO Km",
    "k_ec": "extracellular clearance not through the transporter (diffusion, other carriers)",
    "ka_term": "terminal autoreceptor half-effect (release and synthesis)",
    "ka_soma": "somatodendritic autoreceptor half-activation",
    "g_soma": "maximal somatodendritic autoreceptor inhibition of firing (fire = 1/(1 + g act))",
    "tau_auto": "lag of somatodendritic feedback",
    "g_vesicle": "VMAT2 disruption: vesicular leak multiplier per unit releaser occupancy",
    "k_enz_inact": "synthesis-enzyme inactivation rate at full releaser occupancy",
    "enz_half_life": "recovery half-life of the synthesis enzyme",
    "g_facil": "maximal facilitation of exocytosis by another transmitter",
    "k_facil": "facilitating transmitter level for half-maximal facilitation",
    "k_desens": "autoreceptor desensitisation rate at full excess activation",
    "desens_half_life": "recovery half-life of autoreceptor coupling (resensitisation)",
    "act0": "drug-free somatodendritic autoreceptor activation",
    "efflux_hill": "order of reverse transport in releaser occupancy (efflux ~ occ_sub^n; 1 = proportional)",
}


def fixed_parameters(baseline: Baseline, given: dict[str, tuple[float, str]], baseline_source: str,
                     lower: dict[str, float] | None = None) -> dict[str, Parameter]:
    """Parameters of a terminal: ``given`` (value, source) plus the rate constants :func:`derive` gives."""
    keys = ("vmax_t", "km_t", "km_vmat", "km_mao", "k_fb", "ka_term", "ka_soma", "g_soma", "g_facil", "k_facil")
    derived = derive(baseline, **{k: given[k][0] for k in keys})
    out = {}
    for name in FIXED[:-1]:
        if name in derived:
            value, source = derived[name], f"derived: steady state at the baseline ({baseline_source})"
        else:
            value, source = given[name]
        low = 1e-12 if name in ("km_t", "km_vmat", "km_mao", "k_fb", "ka_term", "ka_soma", "k_facil", "tau_auto",
                                "enz_half_life", "desens_half_life") else 0.0
        if name == "efflux_hill":
            low = 1.0
        out[name] = Parameter(name, float(value), UNITS[name], source, DESCRIPTIONS[name], low, math.inf)
    return out
