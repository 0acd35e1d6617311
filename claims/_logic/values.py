"""A model's values as a person reads them: the scenario an ``unsupported`` verdict shows.

Dates as dates, reals as decimals, an element of an open sort as ``Sort #k``;
the constants related to the conclusion, and the values of the related
predicates and functions over open sorts on those constants.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from fractions import Fraction

import z3

from claims._front.model import plain
from claims._logic.partition import Component


def countermodel(
    model: z3.ModelRef, comp: Component, facts: Sequence[int], ci: int
) -> tuple[tuple[str, str, str], ...]:
    """The values of ``model`` that bear on conclusion ``ci``: (atom smt, display, value).

    Its own atoms, and those of every fact among ``facts`` that shares one with it.
    """
    atoms_of = dict(comp.atoms_of)
    focus = set(atoms_of.get(ci, ()))
    related = set(focus)
    for i in facts:
        a = set(atoms_of.get(i, ()))
        if a & focus:
            related |= a
    shown = []
    days: set[int] = set()
    for smt_name, display, sort in comp.atom_info:
        if smt_name not in related or not _shown_day(smt_name, ci, facts):
            continue
        shown.append((smt_name, display, _value_text(model, smt_name.strip("|"), sort)))
        if sort == "date":
            v = model.eval(z3.Int(smt_name.strip("|"), model.ctx), model_completion=True)
            if z3.is_int_value(v):
                days.add(v.as_long())
    shown.extend(_applications(model, comp, related))
    shown.extend(_on_days(model, comp, related, days))
    return tuple(shown)


def _shown_day(smt_name: str, ci: int, facts: Sequence[int]) -> bool:
    """Whether a constant bears on conclusion ``ci``: a Skolem day only when it is its failing day or a fact's.

    The Skolem days of ``claims._logic.timeline`` (``#sk!c3!d``: of claim 3
    as asserted; ``#sk!q3!d``: where conclusion 3 fails) are days of the
    whole component; another conclusion's, or this one's as asserted, say
    nothing about this scenario.
    """
    if "#sk!" not in smt_name:
        return True
    where = smt_name.split("#sk!", 1)[1]
    kind, rest = where[:1], where[1:].split("!", 1)[0]
    if kind == "q":
        return rest == str(ci)
    return kind == "c" and rest.isdigit() and int(rest) in facts


def _on_days(model: z3.ModelRef, comp: Component, related: set[str], days: set[int]) -> list[tuple[str, str, str]]:
    """The values of the related timeline symbols (``p@day``, functions of the day) on the days that matter.

    Those days are the ones the model spells out for the function (the days
    the instances read) and the values of the days shown above (fixed and
    Skolem days); each value is shown as ``p@2016-03-14``.
    """
    decls = {d.name(): d for d in model.decls()}
    out: list[tuple[str, str, str]] = []
    for smt_name, display in comp.func_info:
        f = decls.get(smt_name.strip("|"))
        if smt_name not in related or f is None or not display.endswith("@day") or f.arity() != 1:
            continue
        interp = model[f]
        points = set(days)
        if isinstance(interp, z3.FuncInterp):
            for entry in interp.as_list()[:-1]:
                if isinstance(entry, list) and z3.is_int_value(entry[0]):
                    points.add(entry[0].as_long())
        for day in sorted(points):
            if len(out) >= MAX_APPLICATIONS:
                return out
            at = z3.IntVal(day, model.ctx)
            value = model.eval(f(at), model_completion=True)
            label = display[: -len("@day")] + "@" + value_to_text(at, "date")
            out.append((smt_name, label, value_to_text(value, "")))
    return out


MAX_APPLICATIONS = 60
"""At most this many values of predicates and functions over open sorts in one scenario."""


def _applications(model: z3.ModelRef, comp: Component, related: set[str]) -> list[tuple[str, str, str]]:
    """Values of the related predicates and functions over open sorts, on the related constants."""
    decls = {d.name(): d for d in model.decls()}
    consts: dict[str, list[tuple[str, z3.ExprRef]]] = {}
    for smt_name, display, _sort in comp.atom_info:
        d = decls.get(smt_name.strip("|"))
        if smt_name in related and d is not None and d.arity() == 0:
            consts.setdefault(str(d.range()), []).append((display, d()))
    out: list[tuple[str, str, str]] = []
    for smt_name, display in comp.func_info:
        if smt_name not in related:
            continue
        f = decls.get(smt_name.strip("|"))
        if f is None or display.endswith("@day"):  # a function of the day: _on_days
            continue
        name, _, day = display.partition("@")
        pools = [consts.get(str(f.domain(i)), []) for i in range(f.arity())]
        for combo in itertools.product(*pools):
            if len(out) >= MAX_APPLICATIONS:
                return out
            value = model.eval(f(*[c for _, c in combo]), model_completion=True)
            label = f"{name}({', '.join(d for d, _ in combo)})" + (f"@{day}" if day else "")
            out.append((smt_name, label, value_to_text(value, "")))
    return out


def _value_text(model: z3.ModelRef, name: str, sort: str) -> str:
    decl = next((d for d in model.decls() if d.name() == name), None)
    if decl is None:
        return "(any value)"
    v = model[decl]
    if isinstance(v, z3.FuncInterp):
        return str(v)
    return value_to_text(v, sort)


def value_to_text(v: z3.ExprRef, sort: str) -> str:
    """A model value as a person writes it: dates as dates, reals as decimals."""
    if z3.is_true(v):
        return "true"
    if z3.is_false(v):
        return "false"
    if z3.is_int_value(v):
        n = v.as_long()
        if sort == "date":
            try:
                return datetime.date.fromordinal(n).isoformat()
            except (ValueError, OverflowError):
                return f"day {n}"
        return str(n)
    if z3.is_rational_value(v):
        f = Fraction(v.numerator_as_long(), v.denominator_as_long())
        if f.denominator == 1:
            return str(f.numerator)
        dec = float(f)
        return f"{dec:g}" if Fraction(dec) == f else f"{f.numerator}/{f.denominator}"
    if z3.is_algebraic_value(v):
        return str(v.as_decimal(6))
    text = str(v)
    if "!val!" in text:
        s, _, k = text.partition("!val!")
        return f"{plain(s)} #{int(k) + 1}"
    return plain(text)
