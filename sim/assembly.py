"""Model assembly: the registry of mechanisms, and the model a species and a set of dosed drugs need.

Each mechanism is registered by name with the species it serves and a builder that receives the
:class:`Assembly` (the species, the drugs with generic PK, where every drug reaches the brain, and the
other mechanisms by name). :func:`build_model` builds every registered mechanism that serves the species,
in registration order, into one :class:`sim.model.Model` (cached per species and drug set):

==================  =======================  ===========================================================
mechanism           species                  what it is
==================  =======================  ===========================================================
pk                  human, rat, mouse        MDMA's nonlinear PK with MDA (sim/kinetics/drugs/mdma.py)
(one per drug)      where the drug has PK    generic PK of every other dosed drug and its metabolites
intranasal          human                    an intranasal oxytocin dose into the oxytocin pools (when dosed)
serotonin,          human, rat, mouse        monoamine terminals; see every drug present
dopamine,
norepinephrine
receptors           human, rat, mouse        occupancy and operational response of every receptor
trkb                human, rat, mouse        direct drug binding to TrkB (only when a dosed drug binds it)
oxytocin            human, rat, mouse        5-HT1A-driven release, plasma and central oxytocin
physiology          human                    heart rate, blood pressure, body temperature
rodent_temperature  rat, mouse               core temperature with the ambient temperature
endocrine           human, rat, mouse        ACTH -> cortisol (corticosterone), prolactin
water               human                    water balance and plasma sodium
==================  =======================  ===========================================================

A drug is data (the library, sim/kinetics/drugs/): its ``pk_mechanism`` says whether it is dosed through a
dedicated mechanism (MDMA: ``pk``, in sim/kinetics/drugs/mdma.py, whose :func:`~sim.kinetics.drugs.mdma.brain_inputs`
say where MDMA and MDA are)
or through the generic one built from its ``DrugPK``, which brings its active metabolites along. Outputs a
species does not model are refused with a reason (:data:`REFUSED_OUTPUTS`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.kinetics import (
    comedication,
    dopamine,
    endocrine,
    intranasal,
    norepinephrine,
    oxytocin,
    physiology,
    rodent_temperature,
    serotonin,
    water,
)
from sim.kinetics import drugs as library
from sim.kinetics.drugs import mdma
from sim.kinetics.terminal import DrugInput
from sim.model import Mechanism, Model
from sim.receptors import mechanism as receptors
from sim.receptors import trkb

ALL_SPECIES = ("human", "rat", "mouse")


@dataclass
class Assembly:
    """What a builder sees: the species, the drugs with generic PK, every drug's brain input, and the
    other mechanisms by name (built on first request)."""

    species: str
    drugs: tuple[str, ...]
    inputs: list[DrugInput]
    pk_mechanisms: tuple[str, ...] = ()   # dedicated PK mechanisms the dosed drugs name (besides "pk")
    _built: dict[str, Mechanism | tuple[Mechanism, ...]] = field(default_factory=dict)

    def mechanism(self, name: str) -> Mechanism:
        """The registered mechanism ``name`` for this assembly (built once)."""
        if name not in self._built:
            self._built[name] = REGISTRY[name].build(self)
        return self._built[name]


Column = Callable[[str], np.ndarray]   # a qualified parameter name -> its value in every run
Derive = Callable[[Assembly, Column], dict[str, np.ndarray]]


@dataclass(frozen=True)
class Entry:
    """A registered mechanism: its builder, and optionally how its derived parameters follow from each run's
    own parameters (``derive``: qualified name -> per-run values) and, for a PK mechanism, the factor from
    each of its brain-drug states to unbound uM at the target in each run (``input_scales``: state ->
    per-run values)."""

    name: str
    species: tuple[str, ...]
    build: Callable[[Assembly], Mechanism | Sequence[Mechanism]]
    derive: Derive | None = None
    input_scales: Callable[[Column], dict[str, np.ndarray]] | None = None


REGISTRY: dict[str, Entry] = {}


def register(name: str, species: tuple[str, ...] = ALL_SPECIES, derive: Derive | None = None,
             input_scales: Callable[[Column], dict[str, np.ndarray]] | None = None):
    """Register ``build(assembly) -> Mechanism | [Mechanism, ...]`` as mechanism ``name`` for ``species``,
    with its derivation hooks (see :class:`Entry`)."""
    def deco(build):
        REGISTRY[name] = Entry(name, tuple(species), build, derive, input_scales)
        return build
    return deco


def _body_weight(a: Assembly, col: Column, names) -> dict[str, np.ndarray]:
    """Mechanisms that scale with body weight read the subject's (``pk.body_weight_kg``)."""
    return {f"{n}.body_weight_kg": col("pk.body_weight_kg") for n in names}


def _input_scales(consumer: str) -> Derive:
    """A consumer of drug inputs (terminal, receptors, TrkB): each ``<label>_scale`` follows the run's PK
    parameters through the ``input_scales`` of the mechanism that owns the drug's state."""
    def derive(a: Assembly, col: Column) -> dict[str, np.ndarray]:
        out = {}
        for d in a.inputs:
            owner = REGISTRY.get(d.state.partition(".")[0])
            if owner is not None and owner.input_scales is not None:
                out[f"{consumer}.{d.label}_scale"] = owner.input_scales(col)[d.state]
        return out
    return derive


@register("pk", input_scales=mdma.input_scales)
def _pk(a: Assembly):
    return mdma.SPECIES[a.species]


@register("drugs", derive=lambda a, col: _body_weight(a, col, a.drugs))
def _drugs(a: Assembly):
    return tuple(comedication.mechanism(d, a.species, comedication.cyp2d6_inhibitors(d, a.drugs, a.species))
                 for d in a.drugs)


@register("intranasal", derive=lambda a, col: _body_weight(a, col, ["intranasal"] if "intranasal" in a.pk_mechanisms
                                                               else []))
def _intranasal(a: Assembly):
    return intranasal.mechanism(a.species) if "intranasal" in a.pk_mechanisms else ()


@register("serotonin", derive=_input_scales("serotonin"))
def _serotonin(a: Assembly):
    return serotonin.mechanism(a.species, a.inputs)


@register("dopamine", derive=_input_scales("dopamine"))
def _dopamine(a: Assembly):
    return dopamine.mechanism(a.species, a.inputs)


@register("norepinephrine", derive=_input_scales("norepinephrine"))
def _norepinephrine(a: Assembly):
    return norepinephrine.mechanism(a.species, a.inputs)


@register("receptors", derive=_input_scales("receptors"))
def _receptors(a: Assembly):
    baseline = a.mechanism("oxytocin").parameter("central_baseline").value
    return receptors.mechanism(a.species, a.inputs, "oxytocin.central", baseline)


@register("trkb", derive=_input_scales("trkb"))
def _trkb(a: Assembly):
    return trkb.mechanism(a.species, a.inputs)


@register("oxytocin")
def _oxytocin(a: Assembly):
    return oxytocin.mechanism(a.species)


@register("physiology", species=("human",))
def _physiology(a: Assembly):
    return physiology.mechanism(a.species)


@register("rodent_temperature", species=("rat", "mouse"))
def _rodent_temperature(a: Assembly):
    return rodent_temperature.mechanism(a.species)


@register("endocrine")
def _endocrine(a: Assembly):
    inhibitors = [(d, f"{d}.brain", 1.0, library.get(d).enzymes["cyp11b1"]) for d in a.drugs
                  if "cyp11b1" in library.get(d).enzymes]
    return endocrine.mechanism(a.species, inhibitors)


@register("water", species=("human",), derive=lambda a, col: _body_weight(a, col, ["water"]))
def _water(a: Assembly):
    return water.mechanism(a.species, a.mechanism("oxytocin").parameter("plasma_baseline").value)


_MODELS: dict[tuple, Model] = {}


def build_model(species: str, drugs=None) -> Model:
    """The model for ``species`` and a sequence of dosed drug names (built once per process and
    combination; its RHS is cached on disk). ``drugs=None``: MDMA's PK mechanism alone (the PK
    benchmark, PK fits). Drugs without PK in this species are left out here; ``sim.dosing.dose_events``
    then names the bad ``[[dose]]``."""
    if drugs is None:
        key = (species, None)
        if key not in _MODELS:
            _MODELS[key] = Model([mdma.SPECIES[species]])
        return _MODELS[key]
    extra = library.generic_pk(drugs, species)
    dedicated = tuple(sorted({library.LIBRARY[d].pk_mechanism for d in drugs if d in library.LIBRARY} -
                             {"generic", "pk"}))
    key = (species, extra, dedicated)
    if key not in _MODELS:
        inputs = mdma.brain_inputs(mdma.SPECIES[species])
        inputs += [DrugInput("mda_dosed" if d == "mda" else d, d, f"{d}.brain", 1.0,
                             "unit: the drug's brain state is unbound uM") for d in extra]
        a = Assembly(species, extra, inputs, dedicated)
        mechanisms, hooks = [], []
        for entry in REGISTRY.values():
            if species in entry.species:
                built = a.mechanism(entry.name)
                mechanisms += list(built) if isinstance(built, tuple) else [built]
                if entry.derive is not None:
                    hooks.append(entry.derive)
        _MODELS[key] = Model(mechanisms)
        _DERIVED[id(_MODELS[key])] = (a, tuple(hooks))
    return _MODELS[key]


# models built here (kept alive by _MODELS, so their ids stay theirs) -> their assembly and derivation hooks
_DERIVED: dict[int, tuple[Assembly, tuple[Derive, ...]]] = {}


def derive_parameters(model: Model, params: np.ndarray) -> None:
    """Set, in place, every derived parameter of ``params`` (runs, parameters) from each run's own values
    (after overrides and draws), by the derivation hooks of the model's mechanisms in registration order.
    A model not built by :func:`build_model` has none."""
    a, hooks = _DERIVED.get(id(model), (None, ()))

    def col(name: str) -> np.ndarray:
        return params[:, model.parameter_index(name)]
    for hook in hooks:
        for name, values in hook(a, col).items():
            if model.has_parameter(name):
                params[:, model.parameter_index(name)] = values


def model_for(exp) -> Model:
    """The model an experiment needs (its species and the drugs it doses)."""
    return build_model(exp.species, tuple(d.drug for d in exp.doses))


# outputs of the human model that another species does not have, and why (one line each)
_NO_RODENT_CV = ("not modelled in {species}: no {species} heart-rate or blood-pressure rows (the rodent model has "
                 "core temperature only, sim/kinetics/rodent_temperature.py)")
_GC = "{species} make corticosterone, not cortisol: read plasma_corticosterone (nmol/L)"
REFUSED_OUTPUTS = {species: {**{name: _NO_RODENT_CV.format(species=species)
                                for name in ("heart_rate", "systolic_bp", *(f"effector_sensitivity_{r}" for r in
                                                                            ("5ht2a", "alpha1", "beta1")))},
                             "plasma_cortisol": _GC.format(species=species),
                             "plasma_sodium": f"not modelled in {species}: no {species} water-balance rows "
                                              "(sim/kinetics/water.py is human only)"}
                   for species in ("rat", "mouse")}


def refusal(species: str, output: str) -> str | None:
    """Why ``species`` has no ``output`` that the human model has (None if it has it or nobody has it)."""
    return REFUSED_OUTPUTS.get(species, {}).get(output)
