"""Amygdala circuit parameters: cells, populations, connections, inputs, plasticity.

Units inside the amygdala: mV, nS, pA, pF, ms for membranes and synapses; Hz for rates; hours for
the time of a trial within an experiment (the project's time unit).

The circuit (arrows excite, ``-|`` inhibit)::

    CS ----------> LA_pc <-|-> LA_pv            Kim, Pare & Nair 2013 (LA, 1000 cells, 80/20)
    US (teaching)    |
                     +--> BA_fear <-|-> BA_pv <-|-> BA_ext   Vlachos et al. 2011 (BA fear/extinction
    context A, B ----+--> (both, plastic)                    neurons compete via shared inhibition)
                     |        |                    |
                     +--> CeL_on -| CeL_off -|     +--> ITC <-- IL (plastic)   Li et al. 2011
                              BA_fear ---> CeM <---|-- ITC                    Ciocchi 2010; Haubensak 2010

Every number is a :class:`sim.params.Parameter` with a source, or ``assumed:``/``calibrated:`` and
why. Sizes are for ``scale = 1``; in-degrees are fixed, so the mean field does not change with scale.

References
----------
Vlachos I, Herry C, Luthi A, Aertsen A, Kumar A (2011) PLoS Comput Biol 7:e1001104.
Kim D, Pare D, Nair SS (2013) Learn Mem 20:421-430.
Li G, Amano T, Pare D, Nair SS (2011) Learn Mem 18:226-240.
Herry C et al. (2008) Nature 454:600-606 (fear and extinction neurons in BA).
Ciocchi S et al. (2010) Nature 468:277; Haubensak W et al. (2010) Nature 468:270 (CeL ON/OFF, PKCdelta).
Brette R et al. (2007) J Comput Neurosci 23:349 (COBA benchmark membrane and synapse values).
"""

from __future__ import annotations

from sim.params import Parameter

# ---- populations -------------------------------------------------------------------------------

POPULATIONS = ("la_pc", "la_pv", "ba_fear", "ba_ext", "ba_pv", "itc", "cel_on", "cel_off", "cem")
(LA_PC, LA_PV, BA_FEAR, BA_EXT, BA_PV, ITC, CEL_ON, CEL_OFF, CEM) = range(len(POPULATIONS))
N_POP = len(POPULATIONS)
EXCITATORY = (LA_PC, BA_FEAR, BA_EXT)            # glutamatergic; all others GABAergic
PRINCIPAL = (LA_PC, BA_FEAR, BA_EXT)             # "bla_rate" is their size-weighted mean
REGULAR, FAST = 0, 1                             # cell types (membrane parameter sets)
CELL_TYPE = (REGULAR, FAST, REGULAR, REGULAR, FAST, REGULAR, REGULAR, REGULAR, REGULAR)

SIZE = {  # neurons at scale 1
    "la_pc": Parameter("la_pc", 800, "cells", "Kim, Pare & Nair 2013: LA model of 1000 cells, 80 % principal"),
    "la_pv": Parameter("la_pv", 200, "cells", "Kim, Pare & Nair 2013: 20 % interneurons"),
    "ba_fear": Parameter("ba_fear", 1700, "cells", "assumed: Vlachos et al. 2011 BA of ~4000 LIF cells, split "
                         "equally between the fear- and extinction-encoding principal subgroups"),
    "ba_ext": Parameter("ba_ext", 1700, "cells", "assumed: as ba_fear"),
    "ba_pv": Parameter("ba_pv", 600, "cells", "assumed: ~15 % interneurons in BA (Vlachos et al. 2011)"),
    "itc": Parameter("itc", 200, "cells", "assumed: main/lateral ITC cluster size, order of Li et al. 2011"),
    "cel_on": Parameter("cel_on", 200, "cells", "assumed: CeL PKCdelta- (ON) cells"),
    "cel_off": Parameter("cel_off", 200, "cells", "assumed: CeL PKCdelta+ (OFF) cells"),
    "cem": Parameter("cem", 200, "cells", "assumed: CeM output cells"),
}

BASELINE_RATE = {  # Hz, spontaneous rate the background input is solved for (soft checks)
    "la_pc": Parameter("la_pc", 3.0, "Hz", "docs/targets.md: in vivo LA principal ~3 Hz (rodent)"),
    "la_pv": Parameter("la_pv", 17.0, "Hz", "docs/targets.md: in vivo LA interneurons ~15-20 Hz (rodent)"),
    "ba_fear": Parameter("ba_fear", 4.0, "Hz", "docs/targets.md: BA principal ~4 Hz"),
    "ba_ext": Parameter("ba_ext", 4.0, "Hz", "docs/targets.md: BA principal ~4 Hz"),
    "ba_pv": Parameter("ba_pv", 17.0, "Hz", "assumed: as LA interneurons"),
    "itc": Parameter("itc", 5.0, "Hz", "assumed: low spontaneous ITC firing (order of Royer & Pare 2002)"),
    "cel_on": Parameter("cel_on", 2.0, "Hz", "docs/targets.md: CeA ~2 Hz"),
    "cel_off": Parameter("cel_off", 2.0, "Hz", "docs/targets.md: CeA ~2 Hz"),
    "cem": Parameter("cem", 2.0, "Hz", "docs/targets.md: CeA ~2 Hz"),
}

# ---- membranes (conductance LIF) ---------------------------------------------------------------

_BRETTE = "Brette et al. 2007 COBA benchmark cell"
MEMBRANE = {  # per cell type: (REGULAR, FAST)
    "c_m": (Parameter("c_m", 200.0, "pF", _BRETTE), Parameter("c_m_fast", 100.0, "pF", "assumed: fast-spiking "
                                                                "PV cell, tau_m 10 ms (half the principal cell's)")),
    "g_l": (Parameter("g_l", 10.0, "nS", _BRETTE), Parameter("g_l_fast", 10.0, "nS", _BRETTE)),
    "e_l": (Parameter("e_l", -70.0, "mV", "assumed: BLA principal resting potential ~-70 mV (Rainnie 1999)",
                      lower=-100.0, upper=0.0),
            Parameter("e_l_fast", -70.0, "mV", "assumed: as principal", lower=-100.0, upper=0.0)),
    "v_th": (Parameter("v_th", -50.0, "mV", _BRETTE, lower=-100.0, upper=0.0),
             Parameter("v_th_fast", -50.0, "mV", _BRETTE, lower=-100.0, upper=0.0)),
    "v_reset": (Parameter("v_reset", -60.0, "mV", _BRETTE, lower=-100.0, upper=0.0),
                Parameter("v_reset_fast", -60.0, "mV", _BRETTE, lower=-100.0, upper=0.0)),
    "t_ref": (Parameter("t_ref", 5.0, "ms", _BRETTE), Parameter("t_ref_fast", 2.0, "ms", "assumed: fast-spiking")),
}
SYNAPSE = {
    "e_e": Parameter("e_e", 0.0, "mV", _BRETTE, lower=-100.0, upper=50.0),
    "e_i": Parameter("e_i", -80.0, "mV", _BRETTE, lower=-100.0, upper=0.0),
    "e_k": Parameter("e_k", -90.0, "mV", "assumed: K+ reversal for GIRK (5-HT1A) current", lower=-120.0, upper=0.0),
    "tau_e": Parameter("tau_e", 5.0, "ms", _BRETTE),
    "tau_i": Parameter("tau_i", 10.0, "ms", _BRETTE),
    "w_ext": Parameter("w_ext", 1.0, "nS", "assumed: unitary conductance of every external afferent"),
    "k_bg": Parameter("k_bg", 100.0, "afferents", "assumed: background (non-modelled) afferents per cell"),
}

# ---- connections: (post, pre) -> (in-degree, weight nS, source) -------------------------------
# The weights are a small set of roles (local E, feedback I, output inhibition), not fitted.
_W_E = "assumed: local excitatory unitary conductance ~0.5-1 nS (LA/BA principal EPSPs 0.5-2 mV)"
_W_I = "assumed: perisomatic PV inhibition, few nS (Woodruff & Sah 2007 order)"
CONNECTIONS = {
    ("la_pv", "la_pc"): (40, 1.0, _W_E + "; Kim et al. 2013 feedback inhibition"),
    ("la_pc", "la_pv"): (20, 3.0, _W_I + "; Kim et al. 2013"),
    ("la_pv", "la_pv"): (10, 3.0, _W_I),
    ("ba_fear", "la_pc"): (40, 0.5, "Vlachos et al. 2011: CS input to BA comes from LA (plastic)"),
    ("ba_ext", "la_pc"): (40, 0.5, "Vlachos et al. 2011: CS input to BA comes from LA (plastic)"),
    ("ba_fear", "ba_fear"): (20, 0.3, _W_E + "; Vlachos et al. 2011 recurrent BA excitation"),
    ("ba_ext", "ba_ext"): (20, 0.3, _W_E),
    ("ba_pv", "ba_fear"): (40, 1.0, _W_E),
    ("ba_pv", "ba_ext"): (40, 1.0, _W_E),
    ("ba_fear", "ba_pv"): (40, 1.0, "Vlachos et al. 2011: fear/extinction competition through shared "
                                    "feedback inhibition; " + _W_I),
    ("ba_ext", "ba_pv"): (40, 1.0, "Vlachos et al. 2011: as above"),
    ("ba_pv", "ba_pv"): (10, 3.0, _W_I),
    ("cel_on", "la_pc"): (40, 1.0, "Ciocchi et al. 2010: LA drives CeL ON cells; " + _W_E),
    ("cel_off", "cel_on"): (30, 1.0, "Ciocchi et al. 2010; Haubensak et al. 2010: CeL ON inhibit OFF cells"),
    ("cem", "cel_off"): (30, 2.0, "Haubensak et al. 2010: PKCdelta+ (OFF) cells inhibit CeM output"),
    ("cem", "ba_fear"): (40, 0.5, "Herry et al. 2008; Vlachos et al. 2011: fear neurons excite CeM"),
    ("itc", "ba_ext"): (40, 1.0, "assumed: extinction neurons recruit ITC (Amano et al. 2010 synaptic "
                                 "correlates of extinction at BLA->ITC)"),
    ("cem", "itc"): (30, 1.0, "Royer, Martina & Pare 1999; Li et al. 2011: ITC inhibit CeM"),
}

# ---- external inputs: (post, channel) -> (in-degree at w_ext, source) --------------------------
INPUT_CHANNELS = ("cs", "ctx_a", "ctx_b", "il")
CS, CTX_A, CTX_B, IL = range(len(INPUT_CHANNELS))
INPUTS = {
    ("la_pc", "cs"): (25, "assumed: thalamic/cortical CS afferents to LA principal cells (plastic)"),
    ("la_pv", "cs"): (10, "assumed: feed-forward CS input to LA interneurons (Kim et al. 2013)"),
    ("ba_fear", "ctx_a"): (30, "Vlachos et al. 2011: hippocampal context input to all BA principal cells"),
    ("ba_fear", "ctx_b"): (30, "Vlachos et al. 2011"),
    ("ba_ext", "ctx_a"): (30, "Vlachos et al. 2011"),
    ("ba_ext", "ctx_b"): (30, "Vlachos et al. 2011"),
    ("itc", "il"): (50, "Li et al. 2011; Amano et al. 2010: IL -> ITC (plastic in extinction)"),
    ("ba_ext", "il"): (20, "assumed: IL/vmPFC projects to BA (Senn et al. 2014 extinction-neuron inputs)"),
}
INPUT_RATE = {  # afferent rate (Hz) when a channel is fully on
    "cs": Parameter("cs", 20.0, "Hz", "assumed: tone-evoked thalamic/cortical afferent rate"),
    "ctx_a": Parameter("ctx_a", 10.0, "Hz", "assumed: hippocampal context afferent rate"),
    "ctx_b": Parameter("ctx_b", 10.0, "Hz", "assumed: as ctx_a"),
    "il": Parameter("il", 10.0, "Hz", "assumed: IL afferent rate during extinction"),
}

# ---- plastic weights (multipliers of a pathway's afferent drive; 1 = naive) -------------------
PLASTIC = ("cs_la", "la_fear", "la_ext", "ctxa_fear", "ctxb_fear", "ctxa_ext", "ctxb_ext", "il_itc")
(W_CS_LA, W_LA_FEAR, W_LA_EXT, W_CTXA_FEAR, W_CTXB_FEAR, W_CTXA_EXT, W_CTXB_EXT, W_IL_ITC) = range(len(PLASTIC))
N_PLASTIC = len(PLASTIC)
FEAR_PATHWAYS = (W_CS_LA, W_LA_FEAR, W_CTXA_FEAR, W_CTXB_FEAR)     # potentiated by CS + US
EXTINCTION_PATHWAYS = (W_LA_EXT, W_CTXA_EXT, W_CTXB_EXT, W_IL_ITC)  # potentiated by CS without US
# which pathway scales which afferent: connection (post, pre) or input (post, channel) -> index
PLASTIC_OF = {
    ("la_pc", "cs"): W_CS_LA,
    ("ba_fear", "la_pc"): W_LA_FEAR, ("ba_ext", "la_pc"): W_LA_EXT,
    ("ba_fear", "ctx_a"): W_CTXA_FEAR, ("ba_fear", "ctx_b"): W_CTXB_FEAR,
    ("ba_ext", "ctx_a"): W_CTXA_EXT, ("ba_ext", "ctx_b"): W_CTXB_EXT,
    ("itc", "il"): W_IL_ITC,
}

PLASTICITY = {
    "eta_context": Parameter("eta_context", 0.15, "1", "assumed: contextual (hippocampal) pathways learn at 0.15x "
                             "the cue pathways' rate in conditioning (cue-specific in a few-trial cued protocol); "
                             "extinction "
                             "learns its contextual pathways at the full rate (Bouton 2004 Learn Mem 11:485)"),
    "eta_fear": Parameter("eta_fear", 0.2, "1/trial", "assumed: a few CS-US pairings saturate conditioning "
                          "(rodent auditory fear conditioning, 3-7 pairings)"),
    "eta_ext": Parameter("eta_ext", 0.06, "1/trial", "assumed: within-session extinction over ~10-20 CS "
                         "(Quirk 2002: 20 extinction trials)"),
    "w_max": Parameter("w_max", 3.0, "1", "assumed: soft upper bound of a pathway multiplier"),
    "arousal_half": Parameter("arousal_half", 1.0, "1", "assumed: the fear response (CeM, 1 = untreated trauma "
                              "cue) at which overwhelming arousal halves extinction learning (inverted U, "
                              "Yerkes-Dodson)"),
    "tau_consolidation": Parameter("tau_consolidation", 6.0, "h", "assumed: protein-synthesis-dependent "
                                   "consolidation window of hours (McGaugh 2000 Science 287:248)"),
    "kappa_fear": Parameter("kappa_fear", 1.0, "1", "assumed: conditioning consolidates fully", upper=1.0),
    "kappa_ext": Parameter("kappa_ext", 0.7, "1", "assumed: only part of within-session extinction is retained "
                           "next day (partial extinction recall, Quirk 2002); people without PTSD; the patients' "
                           "value is derived from the PTSD / control retention ratio (sim.amygdala.deficit)",
                           upper=1.0),
    "tau_forget_ext": Parameter("tau_forget_ext", 96.0, "h", "calibrated: stable extinction memory decays so that "
                                "fear recovers almost fully by day 10 (Quirk 2002 Learn Mem 9:402, spontaneous "
                                "recovery after extinction 1 h post-conditioning)"),
    "tau_bdnf": Parameter("tau_bdnf", 12.0, "h", "assumed: BDNF/TrkB signalling follows its serotonergic drive "
                          "within hours and returns within a day (BDNF mRNA induction by a 5-HT2A agonist peaks "
                          "within hours, Vaidya et al. 1997 J Neurosci 17:2785)"),
    "tau_juvenile": Parameter("tau_juvenile", 168.0, "h", "assumed: the juvenile-like state that lets extinction "
                              "erase fear (dematuration of PV interneurons and their perineuronal nets) follows "
                              "a drug's sustained TrkB binding over about a week: antidepressants need weeks to "
                              "reopen it (Karpova et al. 2011 Science 334:1731: 2-3 weeks of fluoxetine; Maya "
                              "Vetencourt et al. 2008 Science 320:385: 4 weeks); the week is an order, not a "
                              "measured time constant", lower=1.0),
    "k_bdnf": Parameter("k_bdnf", 0.33, "1", "assumed: BDNF/TrkB signalling above baseline per unit change of "
                        "the 5-HT2A response (s = E/E_ref - 1; a 5-HT2A signal four times its tone gives B ~1, "
                        "doubling BDNF/TrkB signalling at steady state); direction from Young et al. 2015 "
                        "Transl Psychiatry 5:e634 (MDMA-enhanced extinction needs amygdala BDNF) and Vaidya "
                        "et al. 1997 (5-HT2A induces cortical BDNF)", lower=0.0),
    "k_trkb": Parameter("k_trkb", 1.0, "1", "assumed: BDNF/TrkB signalling above baseline at full occupancy of "
                        "TrkB by an allosteric potentiator (a doubling, the order of the in vivo TrkB phosphorylation "
                        "rises after antidepressants: +32 % with imipramine even without BDNF, Rantamaki et al. 2011 "
                        "PLoS One 6:e20567; potentiation of BDNF-induced TrkB signalling, Casarotto et al. 2021 Cell "
                        "184:1299)", lower=0.0),
    "k_cortisol": Parameter("k_cortisol", 0.5, "1", "assumed: plasticity state added per fold rise of plasma "
                            "cortisol over its pre-dose value; direction from de Quervain et al. 2011 PNAS "
                            "108:6621 (cortisol before exposure enhances extinction retention)", lower=0.0),
}

# ---- drive gains: receptor response -> circuit (sim.amygdala.drive) ----------------------------
# Each gain is per unit of response change s = E/E_ref - 1 (a receptor signalling twice its pre-dose tone
# has s = 1). The directions are from the sources in sim.amygdala.drive.MAPPINGS; the sizes are assumed,
# each stated as the effect at the reference change DRIVE_REFERENCE (a receptor signalling at four times
# its tone, the order of the monoamine and oxytocin receptor responses at the peak of a clinical MDMA
# dose; tests/test_amygdala_coupling.py checks that order against the cascade).
DRIVE_REFERENCE = 3.0
_AT_REF = f"at the reference change s = {DRIVE_REFERENCE:g}"
DRIVE = {
    "5ht1a_g_k_pc": Parameter(
        "5ht1a_g_k_pc", 0.3, "nS per unit response change",
        f"assumed: {_AT_REF} 0.9 nS of K+ conductance on BLA principal cells, a hyperpolarisation of "
        "~2-3 mV near threshold (g_L 10 nS, E_K -90 mV), the few-mV 5-HT1A hyperpolarisation of BLA "
        "projection neurons reported by Rainnie 1999 J Neurophysiol 82:69",
        "5-HT1A K+ conductance on LA/BA principal cells per unit 5-HT1A response change"),
    "5ht2a_i_ext_pv": Parameter(
        "5ht2a_i_ext_pv", 1.3, "pA per unit response change",
        f"assumed: {_AT_REF} ~4 pA into LA/BA PV interneurons, a few Hz more firing (Bocchio et al. 2015 "
        "Neuropsychopharmacology 40:3015: 5-HT2A agonism raises BA PV interneuron firing; no dose-response)",
        "5-HT2A depolarising current into LA/BA PV interneurons per unit 5-HT2A response change"),
    "alpha2_bg_scale_pc": Parameter(
        "alpha2_bg_scale_pc", 0.015, "1 per unit response change",
        f"assumed: {_AT_REF} ~5 % less spontaneous afferent drive to BLA principal cells, a fall of "
        "spontaneous firing of tens of percent (Buffalari & Grace 2007 J Neurosci 27:12358: clonidine "
        "lowers spontaneous BLA firing)",
        "fall of the spontaneous afferent scale of BLA principal cells per unit alpha2 response change"),
    "beta_cs_gain": Parameter(
        "beta_cs_gain", 0.025, "1 per unit response change",
        f"assumed: {_AT_REF} a ~7 % larger CS drive (Buffalari & Grace 2007: beta-adrenergic signalling "
        "supports evoked BLA responses; the size is not given there)",
        "rise of the CS afferent gain per unit beta response change"),
    "d1_i_ext_pc": Parameter(
        "d1_i_ext_pc", 0.25, "pA per unit response change",
        f"assumed: {_AT_REF} <1 pA into BLA principal cells, a small rise of excitability (Kroner et al. "
        "2005 J Neurophysiol 93:1598: D1 activation increases BLA projection-neuron excitability)",
        "D1 depolarising current into BLA principal cells per unit D1 response change"),
    "oxtr_i_ext_cel_off": Parameter(
        "oxtr_i_ext_cel_off", 4.0, "pA per unit response change",
        f"assumed: {_AT_REF} 12 pA into CeL PKCdelta+ (OFF) cells, enough to raise their firing several-fold "
        "and inhibit CeM output (Huber, Veinante & Stoop 2005 Science 308:245: an OXTR agonist excites CeL "
        "GABAergic neurons and lowers CeM firing)",
        "oxytocin depolarising current into CeL OFF cells per unit OXTR response change"),
    "beta_learn_gain": Parameter(
        "beta_learn_gain", 0.025, "1 per unit response change",
        f"assumed: {_AT_REF} ~7 % faster learning (McGaugh 2004 Annu Rev Neurosci 27:1: beta-adrenergic "
        "signalling in the BLA facilitates memory consolidation; the size is not given there)",
        "rise of the learning-rate gain per unit beta response change"),
}

NETWORK = {
    "dt": Parameter("dt", 0.1, "ms", "Brette et al. 2007 benchmark step"),
    "t_baseline": Parameter("t_baseline", 500.0, "ms", "assumed: pre-CS window per trial"),
    "t_cs": Parameter("t_cs", 500.0, "ms", "assumed: CS window per trial (first 500 ms of a tone)"),
    "t_settle": Parameter("t_settle", 200.0, "ms", "assumed: discarded at the start of each window"),
    "tau_rate": Parameter("tau_rate", 10.0, "ms", "assumed: rate-model population time constant"),
    "dt_rate": Parameter("dt_rate", 1.0, "ms", "assumed: rate-model Euler step (tau_rate / 10)"),
    "t_settle_rate": Parameter("t_settle_rate", 150.0, "ms", "assumed: rate model, settling per window "
                               "(15 tau_rate; the rate model reports fixed points, not transients)"),
    "t_window_rate": Parameter("t_window_rate", 50.0, "ms", "assumed: rate model, averaging per window"),
}

# Transfer function of the rate model: r = (g_tot/g_L) gain sigma log(1 + exp((V - theta)/sigma)),
# sigma = noise * s_V, saturated by t_ref; V the free membrane potential and s_V its shot-noise
# s.d. (sim.amygdala.circuit.transfer). Fitted by
# sim.amygdala.calibrate to unconnected spiking cells with Poisson input of several afferent
# weights (tests/test_amygdala_calibration.py re-checks it).
_CAL = "calibrated: f-(V, s_V) curve of unconnected spiking {} cells, sim.amygdala.calibrate"
TRANSFER = {  # (REGULAR, FAST)
    "gain": (Parameter("gain", 4.35, "Hz/mV", _CAL.format("regular")),
             Parameter("gain_fast", 7.84, "Hz/mV", _CAL.format("fast"))),
    "theta": (Parameter("theta", -53.74, "mV", _CAL.format("regular"), lower=-100, upper=0),
              Parameter("theta_fast", -54.21, "mV", _CAL.format("fast"), lower=-100, upper=0)),
    "noise": (Parameter("noise", 0.413, "1", _CAL.format("regular")),
              Parameter("noise_fast", 0.541, "1", _CAL.format("fast"))),
}


def qualified_parameters() -> list[tuple[str, Parameter]]:
    """Every amygdala parameter with a unique dotted name (``amygdala.size.la_pc``, ...)."""
    out: list[tuple[str, Parameter]] = []
    tables = {"size": SIZE, "baseline_rate": BASELINE_RATE, "synapse": SYNAPSE, "input_rate": INPUT_RATE,
              "plasticity": PLASTICITY, "network": NETWORK}
    for tname, table in tables.items():
        out += [(f"amygdala.{tname}.{k}", p) for k, p in table.items()]
    for tname, table in (("membrane", MEMBRANE), ("transfer", TRANSFER)):
        for k, pair in table.items():
            out += [(f"amygdala.{tname}.{k}", pair[0]), (f"amygdala.{tname}.{k}_fast", pair[1])]
    return out


def all_parameters() -> list[Parameter]:
    """Every amygdala parameter (for ``sim params amygdala``; names in :func:`qualified_parameters`)."""
    return [p for _, p in qualified_parameters()]
