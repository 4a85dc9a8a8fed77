"""`sim export`: a model assembled for an experiment, written as SBML (Level 3 Version 2) or Antimony.

The equations come from :mod:`sim.symbolic` (the mechanisms' own fragments traced into sympy, one source of
truth with the compiled RHS and the analytic Jacobian). The SBML file has the states as species-free
variables with rate rules and initial values, the parameters with their values, units and sources in each
element's notes, the dose events as SBML events and the outputs as assignment rules; max and min are the
MathML functions of L3V2 (libRoadRunner integrates them cleanly, where the same kinks written as
``piecewise`` stall its CVODE at t = 0). The Antimony text is the same model in Antimony's syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from sim.errors import SimInputError
from sim.symbolic import ExportError, SymbolicModel, ident, infix, symbolic


@dataclass
class Assembled:
    """What an export writes: the symbolic model at run 0's parameters and run 0's doses."""

    name: str
    sym: SymbolicModel
    doses: list  # (time_h, state index, amount in the state's unit)
    duration_h: float


def assemble(exp, run: int = 0) -> Assembled:
    """The experiment's model (as `sim run` builds it), run ``run``'s parameters and doses."""
    from sim.assembly import model_for
    from sim.cohort import parameter_matrix
    from sim.dosing import dose_events
    from sim.trial import first_session

    if exp.protocol is not None:
        exp = first_session(exp)
    model = model_for(exp)
    params = parameter_matrix(exp, model)
    if not 0 <= run < params.shape[0]:
        raise SimInputError(f"export: --run {run}: the experiment has {params.shape[0]} run(s)")
    events, _ = dose_events(exp, model, params)
    times, index, amount = (np.atleast_2d(events.time), np.atleast_2d(events.index), np.atleast_2d(events.amount))
    row = min(run, times.shape[0] - 1)
    doses = [(float(times[row, k]), int(index[row, k]), float(amount[row, k])) for k in range(times.shape[1])
             if np.isfinite(times[row, k])]
    return Assembled(name=exp.name, sym=symbolic(model, params[run]), doses=doses, duration_h=exp.duration_h)


def _initial_with_doses(a: Assembled) -> tuple[np.ndarray, list]:
    """Doses at t = 0 join the initial values; later ones stay events."""
    y0 = np.array(a.sym.initial, float)
    later = []
    for t, i, amount in a.doses:
        if t <= 0.0:
            y0[i] += amount
        else:
            later.append((t, i, amount))
    return y0, later


def to_sbml(a: Assembled) -> str:
    """SBML Level 3 Version 2 text (libsbml), time in h."""
    import libsbml

    sym = a.sym
    doc = libsbml.SBMLDocument(3, 2)
    model = doc.createModel()
    model.setId(ident(re.sub(r"\W+", "_", a.name)) or "model")
    model.setName(f"neuropharm-sim: {a.name}")
    _notes(model, "Exported by neuropharm-sim (sim export). Time in hours; amounts in umol, volumes in L, "
                  "concentrations in uM unless a unit note says otherwise. Research and teaching simulator, not "
                  "clinical guidance.")
    y0, later = _initial_with_doses(a)
    def add_parameter(ident, name, value, constant, note):
        p = model.createParameter()
        p.setId(ident)
        p.setName(name)
        p.setConstant(constant)
        p.setValue(float(value))
        _notes(p, note)

    for name, s, unit, v in zip(sym.state_names, sym.state_symbols, sym.state_units, y0, strict=True):
        add_parameter(str(s), name, v, False, f"state; unit: {unit}")
    for name, s, v, unit, src in zip(sym.parameter_names, sym.parameter_symbols, sym.parameter_values,
                                     sym.parameter_units, sym.parameter_sources, strict=True):
        add_parameter(str(s), name, v, True, f"unit: {unit}; source: {src}")
    for out, expr in sym.outputs.items():
        p = model.createParameter()
        p.setId(ident(out))
        p.setName(out)
        p.setConstant(False)
        _notes(p, f"output; unit: {sym.output_units[out]}")
        rule = model.createAssignmentRule()
        rule.setVariable(ident(out))
        rule.setMath(_math(infix(expr), out))
    for s, expr in zip(sym.state_symbols, sym.rhs, strict=True):
        rule = model.createRateRule()
        rule.setVariable(str(s))
        rule.setMath(_math(infix(expr), str(s)))
    for k, (t, i, amount) in enumerate(later):
        ev = model.createEvent()
        ev.setId(f"dose_{k}")
        ev.setUseValuesFromTriggerTime(True)
        trig = ev.createTrigger()
        trig.setInitialValue(True)
        trig.setPersistent(True)
        trig.setMath(_math(f"time >= {t!r}", "trigger"))
        ea = ev.createEventAssignment()
        target = str(sym.state_symbols[i])
        ea.setVariable(target)
        ea.setMath(_math(f"{target} + {amount!r}", "dose"))
    return libsbml.writeSBMLToString(doc)


def _notes(element, text: str) -> None:
    from xml.sax.saxutils import escape

    element.setNotes(f'<body xmlns="http://www.w3.org/1999/xhtml"><p>{escape(text)}</p></body>')


def _math(text: str, where: str):
    import libsbml

    settings = libsbml.L3ParserSettings()
    settings.setParseLog(libsbml.L3P_PARSE_LOG_AS_LN)
    ast = libsbml.parseL3FormulaWithSettings(text, settings)
    if ast is None:
        raise ExportError(f"export: {where}: cannot write {text[:80]!r} as MathML ({libsbml.getLastParseL3Error()})")
    return ast


def to_antimony(a: Assembled) -> str:
    """Antimony text of the same model (rate rules, assignment rules, events)."""
    sym = a.sym
    y0, later = _initial_with_doses(a)
    lines = [f"// neuropharm-sim: {a.name} (sim export). Time in h. Not clinical guidance.",
             f"model {ident(re.sub(r'[^A-Za-z0-9_]+', '_', a.name))}", "", "  // states (rate rules)"]
    for s, expr in zip(sym.state_symbols, sym.rhs, strict=True):
        lines.append(f"  {s}' = {infix(expr)};")
    lines.append("")
    for name, s, unit, v in zip(sym.state_names, sym.state_symbols, sym.state_units, y0, strict=True):
        lines.append(f"  {s} = {float(v)!r};  // {name} ({unit})")
    lines += ["", "  // parameters"]
    for name, s, v, unit, src in zip(sym.parameter_names, sym.parameter_symbols, sym.parameter_values,
                                     sym.parameter_units, sym.parameter_sources, strict=True):
        note = " ".join(f"{name} ({unit}): {src}".split())
        lines.append(f"  const {s} = {float(v)!r};  // {note}")
    lines += ["", "  // outputs (assignment rules)"]
    for out, expr in sym.outputs.items():
        lines.append(f"  {ident(out)} := {infix(expr)};  // {sym.output_units[out]}")
    if later:
        lines += ["", "  // doses"]
    for k, (t, i, amount) in enumerate(later):
        target = sym.state_symbols[i]
        lines.append(f"  dose_{k}: at time >= {t!r}, t0=false: {target} = {target} + {amount!r};")
    lines.append("end")
    return "\n".join(lines) + "\n"


def validate_sbml(text: str) -> list[str]:
    """libsbml's consistency check: the messages of severity error or fatal (empty = valid)."""
    import libsbml

    doc = libsbml.readSBMLFromString(text)
    doc.checkConsistency()
    return [doc.getError(i).getMessage() for i in range(doc.getNumErrors())
            if doc.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR]


def run_cli(args, load, check_output) -> int:
    """The ``sim export`` verb."""
    from pathlib import Path

    exp = load(args)
    suffixes = {"sbml": (".xml", ".sbml"), "antimony": (".ant", ".txt")}[args.format]
    out = check_output(args.output, Path("results") / (Path(args.experiment).stem + suffixes[0]),
                       args.force, suffixes, f"{args.format} file", "export: ")
    a = assemble(exp, run=args.run)
    if args.format == "sbml":
        text = to_sbml(a)
        errors = validate_sbml(text)
        if errors:
            raise ExportError(f"export: the SBML does not validate: {errors[0]}")
    else:
        text = to_antimony(a)
    out.write_text(text)
    skipped = f"; outputs not exported: {', '.join(a.sym.skipped_outputs)}" if a.sym.skipped_outputs else ""
    print(f"wrote {out} ({len(a.sym.state_names)} states, {len(a.sym.parameter_names)} parameters, "
          f"{len(a.sym.outputs)} outputs, {len(a.doses)} doses{skipped})")
    return 0
