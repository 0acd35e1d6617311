"""Stage *encode*: the meaning of every construct of the formula language.

A typed term becomes SMT-LIB2 text. This is the only place that says what a
formula means; the solver only reads the text this module writes.

Meaning, in short:

* ``bool int real`` are SMT ``Bool Int Real``; a ``date`` is an ``Int`` (the
  day's proleptic ordinal, so ``d2 - d1`` is a number of days).
* A declared open sort is an uninterpreted SMT sort: quantifiers over it stay
  quantifiers, and the solver may answer ``unknown``.
* An enumerated sort (``sort S = {a, b}``) is closed: its members are distinct
  and are all there is. Quantifiers over it are expanded, and a predicate or
  function whose arguments are all of enumerated sorts becomes one constant per
  argument tuple (``p(a)``), so that unrelated facts stay in separate
  components.
* A timed symbol has one independent value per day: ``x`` in a claim means
  ``x`` on the days the claim holds (its ``said`` date, or ``holds``), and
  ``x@2016-03-14`` fixes the day. A rule holds on every day. Because rules
  relate values of one day only, it is enough to instantiate claims and rules
  at the *relevant days* (every day a claim holds at an interval end or a
  ``said`` date, and every explicit ``@`` day): any model of those instances
  extends to all days by copying, for each other day, the values of the
  latest relevant day before it.
* Division is total: ``x / 0`` is ``0`` for every ``x`` (as in Lean and
  Isabelle). SMT-LIB leaves ``x / 0`` unspecified, a hidden function that two
  claims would share without sharing a symbol, so the answer would depend on
  how claims are grouped into components; a fixed value depends on nothing.

Why relevant days are exact, for both questions the engine asks. Let D be the
set of relevant days: every end of every claim's interval (a ``said`` date is
the interval of one day) and every ``@`` day of a claim or rule. Between two
neighbours ``p < n`` of D, every day ``d`` with ``p < d < n`` is held by
exactly the claims whose interval holds both ``p`` and ``n`` (an interval's
ends are in D), so all the days of one gap carry the same constraints.

* Consistency. A model of the instances on D extends to every day: a day
  outside D copies the values of the latest day of D before it (the first day
  of D for a day before D), and every claim holding on ``d`` also holds on
  that day, so its instance there is the copied one. Every rule holds on every
  day of D, so on the copies too. Any superset of D works the same way.
* Entailment. A timed conclusion says its formula holds on every day of its
  interval ``[a, b]``; its negation, that it fails on *some* day there, which
  may lie inside a gap, where fewer claims hold than on either neighbour. So
  a conclusion is instantiated on the days of D in ``[a, b]`` and on one
  representative ``p + 1`` of every gap inside ``[a, b]``, and those
  representatives join the relevant days (for every claim holding on them).
  If premises and the negated conclusion have a model on all days, failing on
  day ``d0``, then either ``d0`` is instantiated, or it lies in a gap whose
  representative ``g`` is held by the same claims: give ``g`` the values of
  ``d0`` and the instances are satisfied. The converse is the extension
  above. The conclusion itself (for ``refuted``) needs no more: the copy of a
  day inside ``[a, b]`` is a day inside ``[a, b]``.
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import itertools
import math
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from fractions import Fraction
from typing import overload

import attrs

from claims._base.errors import TOO_LARGE, Diagnostic, InvalidClaim, Span
from claims._base.limits import DEFAULT, Limits, TooLarge
from claims._front.build import strict_claims
from claims._front.model import (
    ROW,
    SCOPE_MARK,
    Claim,
    Dataset,
    Kept,
    Rule,
    SortInfo,
    Symbol,
    TApp,
    Template,
    Term,
    TLit,
    TMember,
    TOp,
    TQuant,
    TVar,
    head_of,
    kept,
    plain,
    relates_days,
    rows,
    symbol_uses,
    term_of,
    uses_context_time,
)
from claims._front.resolve import may_be_vague
from claims._logic.timeline import (
    fixed_days,
    persistence,
    persistence_pairs,
    skolemize,
    substitute,
    timeline_symbols,
)

_SMT_OP = {
    "and": "and",
    "or": "or",
    "xor": "xor",
    "implies": "=>",
    "iff": "=",
    "not": "not",
    "=": "=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
    "+": "+",
    "-": "-",
    "*": "*",
    "/": "/",
    "neg": "-",
}


def q(name: str) -> str:
    """Quote an SMT-LIB symbol."""
    return "|" + name.replace("|", "_").replace("\\", "_") + "|"


# The tracking literals: each constraint of a script is asserted under one, so
# that a check can assume any subset. Three kinds of unit (see Unit.kind) have
# their own: a claim ``c!i``, a conclusion ``q+!i`` (it holds) and ``q-!i`` (it
# fails), a rule ``r!j``; ``claims fuzz`` also asserts a rule's negation
# under ``nr!j``.


def claim_literal(i: int) -> str:
    """The literal of claim ``i`` (a fact or a prediction)."""
    return f"c!{i}"


def is_claim_literal(name: str) -> bool:
    """Whether ``name`` is the literal of a claim (see :func:`claim_literal`)."""
    return name.startswith("c!")


def rule_literal(j: int) -> str:
    """The literal of rule ``j``: every instance of the rule is asserted under it."""
    return f"r!{j}"


def negated_rule_literal(j: int) -> str:
    """The literal under which ``claims fuzz`` asserts that rule ``j`` fails."""
    return f"nr!{j}"


def conclusion_literals(i: int) -> tuple[str, str]:
    """The literals of conclusion ``i``: under the first it holds, under the second it fails."""
    return f"q+!{i}", f"q-!{i}"


def literal_index(name: str) -> int:
    """The claim or rule number in a tracking literal's name (``c!12``: 12)."""
    return int(name.rsplit("!", 1)[1])


def day_text(day: int) -> str:
    return _DAY_MARK if day == TEMPLATE_DAY else datetime.date.fromordinal(day).isoformat()


TEMPLATE_DAY = -1
"""The day a claim's encoding template is made at: "whichever day it is instantiated at"."""

_DAY_MARK = "\x00day\x00"  # how TEMPLATE_DAY is written; no name or formula can hold a NUL


@attrs.frozen
class Atom:
    """A declared SMT constant or function, and how a person writes it."""

    smt: str
    display: str
    sort: str  # claims sort of the value (bool int real date or entity sort)
    arity: int
    decl: str


@attrs.frozen(kw_only=True)
class Unit:
    """One constraint before partitioning: a claim, a conclusion, or one instance of a rule."""

    kind: str  # "claim" | "conclusion" | "rule"
    index: int
    smt: str
    atoms: frozenset[str]
    sorts: frozenset[str]
    bounds: frozenset[str] = frozenset()  # open sorts whose size it may bound (see bounded_sorts)
    negated: str = ""  # a conclusion's "it fails", when that is not (not smt): see claims._logic.timeline
    strict: str | None = None  # a claim's strict reading on the same days, when it differs (see UnitWriter.add)


class Encoder:
    """Encodes terms of one dataset; collects the atoms and sorts they use."""

    def __init__(
        self,
        dataset: Dataset | None = None,
        *,
        symbols: Iterable[Symbol] = (),
        sorts: Iterable[SortInfo] = (),
        limits: Limits = DEFAULT,
    ) -> None:
        """Over the vocabulary of ``dataset``, or of the ``symbols`` and ``sorts`` given.

        ``limits.expansion`` bounds the terms one formula may grow to where
        closed sorts are expanded (:class:`~claims._base.limits.TooLarge` past it).
        """
        if dataset is not None:
            symbols, sorts = dataset.symbols, dataset.sorts
        self.limit = limits.expansion
        self._spent = 0
        self.sorts: dict[str, SortInfo] = {s.name: s for s in sorts}
        self.symbols: dict[str, Symbol] = {s.name: s for s in symbols}
        self.atoms: dict[str, Atom] = {}
        self.sort_decls: dict[str, str] = {}
        self._used_atoms: set[str] = set()
        self._used_sorts: set[str] = set()
        self.templates: dict[tuple[Term, bool], Template] = {}
        """The templates made so far, by term and whether it is a conclusion (see :func:`template`)."""
        self.timeline: frozenset[str] = frozenset()
        """The timed symbols read as functions of the day (``claims._logic.timeline``)."""
        self.index: tuple[str, ...] = ()
        """The days a day variable is read at, as SMT terms (``claims._logic.timeline``)."""

    # -- sorts -------------------------------------------------------------
    def smt_sort(self, sort: str) -> str:
        if sort == "bool":
            return "Bool"
        if sort in ("int", "date"):
            return "Int"
        if sort == "real":
            return "Real"
        self._use_sort(sort)
        return q(sort)

    def _use_sort(self, sort: str) -> None:
        self._used_sorts.add(sort)
        if sort in self.sort_decls:
            return
        info = self.sorts[sort]
        if info.members is None:
            self.sort_decls[sort] = f"(declare-sort {q(sort)} 0)"
        else:
            ctors = " ".join(f"({q(m)})" for m in info.members)
            self.sort_decls[sort] = f"(declare-datatype {q(sort)} ({ctors}))"

    def is_enum(self, sort: str) -> bool:
        info = self.sorts.get(sort)
        return info is not None and info.members is not None

    def grounded(self, sym: Symbol) -> bool:
        """Whether applications of ``sym`` become one constant per argument tuple."""
        return bool(sym.args) and all(self.is_enum(a) for a in sym.args)

    # -- atoms -------------------------------------------------------------
    def atom(self, sym: Symbol, members: tuple[str, ...], day: int | None) -> str:
        """The SMT name of ``sym`` on ``day`` (None: untimed, or any day), declared on first use.

        ``members``: the arguments of a grounded symbol (see :meth:`grounded`),
        one constant per tuple; ``()`` for the symbol itself.
        """
        if members:
            display = f"{plain(sym.name)}({', '.join(plain(m) for m in members)})"
            arity = 0
            arg_sorts: tuple[str, ...] = ()
        else:
            display = plain(sym.name)
            arity = 0 if self.grounded(sym) else len(sym.args)
            arg_sorts = () if self.grounded(sym) else sym.args
        if sym.timed:
            display += "@" + (day_text(day) if day is not None else "any-day")
        smt = q(display if plain(sym.name) == sym.name else display + SCOPE_MARK + sym.name)
        if smt not in self.atoms:
            res = self.smt_sort(sym.result)
            args = " ".join(self.smt_sort(a) for a in arg_sorts)
            self.atoms[smt] = Atom(smt, display, sym.result, arity, f"(declare-fun {smt} ({args}) {res})")
        self._used_atoms.add(smt)
        if sym.result not in ("bool", "int", "real", "date"):
            self._use_sort(sym.result)
        for a in [a for a in arg_sorts if a not in ("bool", "int", "real", "date")]:  # entity sorts only
            self._use_sort(a)
        return smt

    # -- terms -------------------------------------------------------------
    def unit(self, kind: str, index: int, term: Term, day: int | None, *, fresh: bool = True) -> Unit:
        """``term`` on ``day`` as one unit; ``fresh=False``: its expansion counts with the last one's."""
        self._used_atoms = set()
        self._used_sorts = set()
        if fresh:
            self._spent = 0
        smt = self.term(term, day, {})
        return Unit(
            kind=kind, index=index, smt=smt, atoms=frozenset(self._used_atoms), sorts=frozenset(self._used_sorts)
        )

    def day_atom(self, sym: Symbol, members: tuple[str, ...]) -> str:
        """The SMT function of timeline symbol ``sym`` (its ``members``, when grounded): the day comes first."""
        display = plain(sym.name) + (f"({', '.join(plain(m) for m in members)})" if members else "")
        smt = q(display + "@day" if plain(sym.name) == sym.name else display + "@day" + SCOPE_MARK + sym.name)
        if smt not in self.atoms:
            arg_sorts = () if members or self.grounded(sym) else sym.args
            args = " ".join(["Int", *(self.smt_sort(a) for a in arg_sorts)])
            decl = f"(declare-fun {smt} ({args}) {self.smt_sort(sym.result)})"
            self.atoms[smt] = Atom(smt, display + "@day", sym.result, 1 + len(arg_sorts), decl)
        self._used_atoms.add(smt)
        if sym.result not in ("bool", "int", "real", "date"):
            self._use_sort(sym.result)
        return smt

    def term(self, t: Term, day: int | str | None, env: dict[str, str]) -> str:
        if isinstance(t, TLit):
            return _lit(t)
        if isinstance(t, TMember):
            self._use_sort(t.sort)
            return q(t.name)
        if isinstance(t, TVar):
            return env[t.name]
        if isinstance(t, TApp):
            return self._app(t, day, env)
        if isinstance(t, TQuant):
            return self._quant(t, day, env)
        assert isinstance(t, TOp)
        if t.op == "!=":
            a, b = (self._coerced(x, t, day, env) for x in t.args)
            return f"(not (= {a} {b}))"
        if t.op == "/":
            return self._division(t, day, env)
        args = " ".join(self._coerced(x, t, day, env) for x in t.args)
        return f"({_SMT_OP[t.op]} {args})"

    def _spend(self, n: int) -> None:
        """Count ``n`` more terms of the formula being encoded against the expansion limit."""
        self._spent += n
        if self._spent > self.limit:
            raise TooLarge(
                "expansion",
                self._spent,
                self.limit,
                "the formula grows too large where closed sorts are expanded",
                "terms",
            )

    def _division(self, t: TOp, day: int | str | None, env: dict[str, str]) -> str:
        """``a / b / ...``, left to right, with ``x / 0 = 0`` (see the module docstring)."""
        out = self._coerced(t.args[0], t, day, env)
        for x in t.args[1:]:
            d = self._coerced(x, t, day, env)
            if isinstance(x, TLit):
                out = "0.0" if Fraction(x.value) == 0 else f"(/ {out} {d})"
            else:
                out = f"(ite (= {d} 0.0) 0.0 (/ {out} {d}))"
        return out

    def _coerced(self, x: Term, parent: TOp, day: int | str | None, env: dict[str, str]) -> str:
        s = self.term(x, day, env)
        if x.sort in ("int", "date") and _wants_real(parent):
            if isinstance(x, TLit):
                return _real_lit(Fraction(int(x.value)))
            return f"(to_real {s})"
        return s

    def _app(self, t: TApp, day: int | str | None, env: dict[str, str]) -> str:
        sym = self.symbols[t.name]
        if sym.timed and sym.name in self.timeline:
            return self._day_app(sym, t, day, env)
        when = t.at if t.at is not None else day
        if not sym.timed:
            when = None
        assert when is None or isinstance(when, int), "a day the solver chooses reads a timeline symbol"
        if not t.args:
            return self.atom(sym, (), when)
        if self.grounded(sym):
            return self._grounded_app(sym, t.args, lambda combo: self.atom(sym, combo, when), day, env)
        args = " ".join(self.term(a, day, env) for a in t.args)
        return f"({self.atom(sym, (), when)} {args})"

    def _day_app(self, sym: Symbol, t: TApp, day: int | str | None, env: dict[str, str]) -> str:
        """A timeline symbol on its day: ``(|p@day| DAY args)`` (``claims._logic.timeline``)."""
        at = t.at if t.at is not None else day
        if isinstance(at, TVar):
            when = env[at.name]
        elif isinstance(at, TApp):
            when = self.term(at, day, env)
        else:
            assert at is not None, "a timeline symbol is read on a day"
            when = str(at)
        if self.grounded(sym):
            return self._grounded_app(sym, t.args, lambda combo: f"({self.day_atom(sym, combo)} {when})", day, env)
        args = "".join(" " + self.term(a, day, env) for a in t.args)
        return f"({self.day_atom(sym, ())} {when}{args})"

    def _grounded_app(
        self,
        sym: Symbol,
        args: Sequence[Term],
        constant: Callable[[tuple[str, ...]], str],
        day: int | str | None,
        env: dict[str, str],
    ) -> str:
        """``p(t1..tn)`` over enumerated sorts: one constant per tuple, chosen by ``ite`` when needed."""
        fixed: list[list[str]] = []
        tests: list[str | None] = []
        for a, sort in zip(args, sym.args, strict=True):
            members = self.sorts[sort].members or ()
            if isinstance(a, TMember):
                fixed.append([a.name])
                tests.append(None)
                continue
            arg = self.term(a, day, env)
            # a variable of a quantifier over an enumerated sort is expanded to each
            # member in turn (``_quant``): pick that member's constant directly, not
            # through an ite chain over all members (12 members: 12 times the text)
            bound = next((m for m in members if q(m) == arg), None) if isinstance(a, TVar) else None
            if bound is not None:
                fixed.append([bound])
                tests.append(None)
            else:
                fixed.append(list(members))
                tests.append(arg)
        self._spend(math.prod(len(f) for f in fixed))
        combos = list(itertools.product(*fixed))
        # build from the last combination backwards into an ite chain
        result = constant(combos[-1])
        for combo in reversed(combos[:-1]):
            conds = [f"(= {tests[i]} {q(m)})" for i, m in enumerate(combo) if tests[i] is not None]
            cond = conds[0] if len(conds) == 1 else f"(and {' '.join(conds)})"
            result = f"(ite {cond} {constant(combo)} {result})"
        return result

    def _quant(self, t: TQuant, day: int | str | None, env: dict[str, str]) -> str:
        enum_vars = [v for v in t.vars if self.is_enum(v.sort) or v.sort == "date"]
        open_vars = [v for v in t.vars if not (self.is_enum(v.sort) or v.sort == "date")]
        inner_env = dict(env)
        binders = []
        for v in open_vars:
            name = q(f"{v.name}!{len(env)}")
            inner_env[v.name] = name
            binders.append(f"({name} {self.smt_sort(v.sort)})")
        if enum_vars:
            # a day variable is read at every day of the index (claims._logic.timeline)
            values = [self._values(v.sort) for v in enum_vars]
            self._spend(math.prod(len(vs) for vs in values))
            parts = []
            for combo in itertools.product(*values):
                e2 = dict(inner_env)
                for v, m in zip(enum_vars, combo, strict=True):
                    e2[v.name] = m
                parts.append(self.term(t.body, day, e2))
            joiner = "and" if t.kind == "forall" else "or"
            body = parts[0] if len(parts) == 1 else f"({joiner} {' '.join(parts)})"
        else:
            body = self.term(t.body, day, inner_env)
        if not binders:
            return body
        return f"({t.kind} ({' '.join(binders)}) {body})"

    def _values(self, sort: str) -> list[str]:
        """What a variable of an expanded quantifier stands for: each member, or each day of the index."""
        if sort == "date":
            assert self.index, "a quantifier over days is read at the days of the index"
            return list(self.index)
        self._use_sort(sort)
        return [q(m) for m in self.sorts[sort].members or ()]


def _wants_real(parent: TOp) -> bool:
    return any(a.sort == "real" for a in parent.args) or parent.op == "/"


def _real_lit(v: Fraction) -> str:
    if v < 0:
        return f"(- {_real_lit(-v)})"
    if v.denominator == 1:
        return f"{v.numerator}.0"
    return f"(/ {v.numerator}.0 {v.denominator}.0)"


def _lit(t: TLit) -> str:
    v = t.value
    if isinstance(v, bool):
        return "true" if v else "false"
    if t.sort == "real":
        return _real_lit(Fraction(v))
    iv = int(v)
    return str(iv) if iv >= 0 else f"(- {-iv})"


# --------------------------------------------------------------------------- open sorts


def bounded_sorts(enc: Encoder, t: Term, *, both: bool = False) -> frozenset[str]:
    """The open sorts that ``t`` quantifies over universally, counting polarity.

    A quantifier is universal in effect when it is a ``forall`` where the
    formula is asserted as written, an ``exists`` under a negation, or either
    one where it counts both ways (under ``iff``, ``xor``, ``=`` of formulas,
    the arguments of a symbol). Only such a formula can bound the size of an
    open sort from above (``forall x: U, y: U. x = y``); the partition joins it
    with every unit that mentions the sort (see ``claims._logic.partition``).
    ``both``: the formula is asserted negated as well (a conclusion), so every
    quantifier over an open sort counts.
    """
    out: set[str] = set()
    _bounding(enc, t, True, both, out)
    return frozenset(out)


def _bounding(enc: Encoder, t: Term, pos: bool, neg: bool, out: set[str]) -> None:
    if isinstance(t, TQuant):
        if (t.kind == "forall" and pos) or (t.kind == "exists" and neg):
            out.update(v.sort for v in t.vars if not enc.is_enum(v.sort))
        _bounding(enc, t.body, pos, neg, out)
    elif isinstance(t, TOp):
        if t.op == "not":
            _bounding(enc, t.args[0], neg, pos, out)
        elif t.op in ("and", "or"):
            for a in t.args:
                _bounding(enc, a, pos, neg, out)
        elif t.op == "implies":
            *first, last = t.args
            for a in first:
                _bounding(enc, a, neg, pos, out)
            _bounding(enc, last, pos, neg, out)
        else:  # iff, xor, comparisons: an argument that is a formula counts both ways
            for a in t.args:
                _bounding(enc, a, True, True, out)
    elif isinstance(t, TApp):
        for a in t.args:
            _bounding(enc, a, True, True, out)


# --------------------------------------------------------------------------- time


def explicit_days(t: Term) -> set[int]:
    """The explicit ``@`` days of a term."""
    out: set[int] = set()
    if isinstance(t, TApp):
        if isinstance(t.at, int):
            out.add(t.at)
        for a in t.args:
            out |= explicit_days(a)
    elif isinstance(t, TOp):
        for a in t.args:
            out |= explicit_days(a)
    elif isinstance(t, TQuant):
        out |= explicit_days(t.body)
    return out


def _days_within(c: Claim, days: Sequence[int]) -> Sequence[int]:
    lo, hi = (d.toordinal() for d in c.interval)
    return days[bisect.bisect_left(days, lo) : bisect.bisect_right(days, hi)]


def split_rule(t: Term, enc: Encoder) -> list[Term]:
    """Split a rule at top-level ``and`` and ``forall`` over enumerated sorts, for finer components."""
    if isinstance(t, TOp) and t.op == "and":
        return [p for a in t.args for p in split_rule(a, enc)]
    if isinstance(t, TQuant) and t.kind == "forall" and all(enc.is_enum(v.sort) for v in t.vars):
        enc._spend(math.prod(len(enc.sorts[v.sort].members or ()) for v in t.vars))
        out: list[Term] = []
        for combo in itertools.product(*[enc.sorts[v.sort].members or () for v in t.vars]):
            sub: dict[str, Term] = {v.name: TMember(m, v.sort) for v, m in zip(t.vars, combo, strict=True)}
            out.extend(split_rule(substitute(t.body, sub), enc))
        return out
    return [t]


# --------------------------------------------------------------------------- problem


RuleInstance = tuple[int, int, int | None]
"""A rule's unit: (rule, piece of it, day); the day is None for a piece that does not depend on it."""


@attrs.frozen
class Encoded:
    """The dataset as constraint units, with the atoms and sorts they use."""

    units: tuple[Unit, ...]
    atoms: dict[str, Atom] = attrs.field(eq=False)
    sort_decls: dict[str, str] = attrs.field(eq=False)
    days: tuple[int, ...]
    rules: tuple[RuleInstance, ...] = ()  # what each rule unit is, in the order of the rule units


def template(enc: Encoder, c: Claim, strict: Term | None = None) -> Template:
    """Encode ``c`` once for every day: a timed symbol's day is :data:`TEMPLATE_DAY`.

    ``strict``: the claim's strict reading (``claims._front.resolve.strict_reading``),
    encoded the same way into the template's ``strict`` (left None when it
    encodes to the same text: then it reads nothing differently).

    When the file cache is on, the loader makes these right after resolving
    a claim file, the cache keeps them, and the loaded dataset carries them
    (:func:`~claims._front.model.kept`), so a re-check encodes only
    the claims of the files that changed; :func:`encode` instantiates them.
    ``enc`` must be over the vocabulary the claim was resolved in. It also
    keeps the symbols the claim uses, so that the lint of a re-check needs no
    term either.

    Equal terms share one template (``enc.templates``; in the benchmark's
    datasets four formulas in ten repeat one before them). Exact: a template
    is a function of the term, of whether it is a conclusion (which sorts it
    bounds) and of ``enc``'s vocabulary, which never changes. The rest of
    ``enc``'s state only remembers declarations, each a function of its
    symbol, and counts the expansion limit, which starts again for every
    formula; a formula over the limit raises and leaves no template. Terms
    carry no places (equal formulas in two files are equal terms), and a
    literal's value equals another's only when both write the same text.
    """
    term = term_of(c)
    assert term is not None
    key = (term, c.kind == "conclusion")
    made = enc.templates.get(key)
    if made is None:
        made = enc.templates[key] = _template(enc, term, both=key[1])._replace(uses=symbol_uses(term))
    if strict is not None and c.kind != "conclusion":
        read = enc.templates.get((strict, False))
        if read is None:  # what a claim whose term is ``strict`` gets: the memo serves both
            read = enc.templates[(strict, False)] = _template(enc, strict)._replace(uses=symbol_uses(strict))
        if read.smt != made.smt:
            return made._replace(strict=read)
    return made


def _template(enc: Encoder, term: Term, *, both: bool = False, fresh: bool = True) -> Template:
    timed = uses_context_time(term)
    if relates_days(term):  # its instances depend on the whole dataset's days: see _timeline_units
        bounds = tuple(sorted(bounded_sorts(enc, term, both=both)))
        return Template(timed, tuple(sorted(explicit_days(term))), "", (), (), bounds=bounds, across=True)
    unit = enc.unit("claim", 0, term, TEMPLATE_DAY if timed else None, fresh=fresh)
    return Template(
        timed,
        tuple(sorted(explicit_days(term))),
        unit.smt,
        tuple(attrs.astuple(enc.atoms[a]) for a in sorted(unit.atoms)),
        tuple((s, enc.sort_decls[s]) for s in sorted(unit.sorts)),
        bounds=tuple(sorted(bounded_sorts(enc, term, both=both))),
    )


def templates(
    claims: Sequence[Claim],
    symbols: Iterable[Symbol],
    sorts: Iterable[SortInfo],
    strict: Sequence[Term | None],
) -> tuple[Template, ...]:
    """The templates of claims resolved in the vocabulary of ``symbols`` and ``sorts``, with their strict readings."""
    enc = Encoder(symbols=symbols, sorts=sorts)
    return tuple(template(enc, c, s) for c, s in zip(claims, strict, strict=True))


def _instances(t: Template, days: Sequence[int | None]) -> tuple[str, list[tuple[str, str, str, int, str]]]:
    """The SMT text of a claim on ``days`` (all under one literal), and the atoms it uses."""
    if not t.timed:
        return t.smt, list(t.atoms)
    parts: list[str] = []
    atoms: list[tuple[str, str, str, int, str]] = []
    for d in days:
        when = day_text(d) if d is not None else "any-day"
        parts.append(t.smt.replace(_DAY_MARK, when))
        atoms.extend(
            (smt.replace(_DAY_MARK, when), display.replace(_DAY_MARK, when), sort, arity, decl.replace(_DAY_MARK, when))
            if _DAY_MARK in smt
            else (smt, display, sort, arity, decl)
            for smt, display, sort, arity, decl in t.atoms
        )
    return (parts[0] if len(parts) == 1 else "(and " + " ".join(parts) + ")"), atoms


def encode(dataset: Dataset, *, limits: Limits = DEFAULT) -> Encoded:
    """Encode every claim (all its days under one literal) and every rule instance.

    Raises:
        InvalidClaim: ``too-large`` where a formula or the instances over the
            relevant days are over ``limits`` (named in the message).
    """
    enc = Encoder(dataset, limits=limits)
    templates = claim_templates(dataset, enc)
    days = relevant_days(dataset, templates)
    return encode_with(dataset, enc, templates, days, rule_templates(dataset, enc), limits)


def encode_with(
    dataset: Dataset,
    enc: Encoder,
    templates: Templates,
    days: Sequence[int],
    pieces: Sequence[Sequence[Template]],
    limits: Limits,
) -> Encoded:
    """:func:`encode`, from the claims' templates, the relevant days and the rules' pieces made in ``enc``."""
    claim_days_ = [claim_days(c, timed, days) for c, timed in zip(dataset.claims, templates.timed, strict=True)]
    _count_instances(
        dataset, claim_days_, [len(days) if t.timed and days else 1 for ps in pieces for t in ps], len(days), limits
    )
    timeline = _timeline_units(dataset, enc, templates, days, limits)
    out = UnitWriter(enc)
    for i, (c, t) in enumerate(zip(dataset.claims, templates, strict=True)):
        made = timeline.claims.get(i)
        if made is not None:
            out.units.append(made)
        else:
            out.add("conclusion" if c.kind == "conclusion" else "claim", i, t, claim_days_[i])
    keys = []
    for j, p, d in rule_instances(pieces, days):
        made = timeline.rules.get((j, p))
        if made is None:
            out.add("rule", j, pieces[j][p], [d])
            keys.append((j, p, d))
        elif d == days[0] if pieces[j][p].timed and days else True:  # one unit for all its days
            out.units.append(made)
            keys.append((j, p, None))
    return out.encoded(days, keys)


@attrs.frozen
class _Timeline:
    """The units of the claims and rule pieces read in the timeline (``claims._logic.timeline``)."""

    claims: dict[int, Unit] = attrs.field(factory=dict)
    rules: dict[tuple[int, int], Unit] = attrs.field(factory=dict)


def relates_days_anywhere(templates: Templates, pieces: Iterable[Sequence[Template]]) -> bool:
    """Whether a claim or rule piece relates days, so that the timeline is encoded (``claims._logic.timeline``)."""
    return any(templates.across) or any(t.across for ps in pieces for t in ps)


def _timeline_units(
    dataset: Dataset, enc: Encoder, templates: Sequence[Template], days: Sequence[int], limits: Limits
) -> _Timeline:
    """The units of every claim and rule piece that the timeline reads (see ``claims._logic.timeline``).

    Nothing when no formula relates days. ``enc`` is left reading timeline
    symbols as functions of the day, with the index set.
    """
    rule_terms: list[list[Term]] = []
    for r in dataset.rules:
        assert r.term is not None
        enc._spent = 0
        rule_terms.append(split_rule(r.term, enc))
    across_rules = [[relates_days(p) for p in ps] for ps in rule_terms]
    if not any(t.across for t in templates) and not any(any(a) for a in across_rules):
        return _Timeline()
    piece_uses = [[[n for n, _, _ in symbol_uses(p)] for p in ps] for ps in rule_terms]
    formulas = [(t.across, [n for n, _, _ in t.uses]) for t in templates]
    formulas += [(a, u) for acr, us in zip(across_rules, piece_uses, strict=True) for a, u in zip(acr, us, strict=True)]
    enc.timeline = timeline_symbols(formulas, lambda n: enc.symbols[n].timed)
    claims_in = [i for i, (across, uses) in enumerate(formulas[: len(templates)]) if across or enc.timeline & {*uses}]
    pieces_in = [
        (j, p) for j, us in enumerate(piece_uses) for p, u in enumerate(us) if across_rules[j][p] or enc.timeline & {*u}
    ]

    skolems: list[TApp] = []

    def namer(where: str, label: str) -> Callable[[TVar], str]:
        """Name the Skolem days of claim or rule ``where``: shown as ``label`` (``{v}``: the variable)."""

        def name(v: TVar) -> str:
            shown = label.format(v=v.name)
            sym = Symbol(name=f"{shown}{SCOPE_MARK}{where}!{v.name}", args=(), result="date", timed=False, kind="const")
            enc.symbols[sym.name] = sym
            return sym.name

        return name

    def skolemized(t: Term, positive: bool, where: str, label: str) -> Term:
        out, made = skolemize(t, positive, namer(where, label))
        skolems.extend(made)
        return out

    asserted: dict[int, Term] = {}
    failing: dict[int, tuple[Term, TApp | None]] = {}
    for i in claims_in:
        c = dataset.claims[i]
        term = term_of(c)
        assert term is not None
        asserted[i] = skolemized(term, True, f"sk!c{i}", f"{{v}} of {c.id}")
        if c.kind == "conclusion":
            day = None
            if templates[i].timed:  # the day it fails on: one more Skolem day, inside its interval
                day = TApp(namer(f"sk!q{i}", f"the day {c.id} fails")(TVar("day", "date")), (), "date", False)
                skolems.append(day)
            failing[i] = (skolemized(TOp("not", (term,), "bool"), True, f"sk!q{i}", f"{{v}} where {c.id} fails"), day)
    pieces = {
        (j, p): skolemized(rule_terms[j][p], True, f"sk!r{j}.{p}", f"{{v}} of rule {dataset.rules[j].id}")
        for j, p in pieces_in
    }

    literal = set(days)
    symbolic: dict[str, frozenset[str]] = {}  # a fixed day's SMT term, and the atoms it uses

    def fixed(f: Term) -> None:
        enc._used_atoms = set()
        x = enc.term(f, None, {})
        symbolic[x] = frozenset(enc._used_atoms)

    for t in [*asserted.values(), *(f for f, _ in failing.values()), *pieces.values()]:
        for f in fixed_days(t):
            if isinstance(f, TLit):
                literal.add(int(f.value))
            else:
                fixed(f)
    for sk in skolems:
        fixed(sk)
    if not literal and not symbolic:
        literal.add(1)  # any day stands for all: nothing tells two days apart
    index = [str(d) for d in sorted(literal)] + sorted(symbolic)
    least = str(min(literal)) if literal else ""
    for x in sorted(symbolic):
        least = f"(ite (<= {x} {least}) {x} {least})" if least else x
    lo = str(min(literal) - 1) if not symbolic else f"(- {least} 1)"
    enc.index = (*index, lo)

    def unit(
        kind: str,
        i: int,
        parts: Sequence[tuple[Term, str | None, str]],
        bounds: Iterable[str],
        envs: Sequence[dict[str, str]] = (),
    ) -> Unit:
        """One unit of ``parts``: a term, its day, and a guard (``""`` for none); each in its env of ``envs``."""
        enc._used_atoms, enc._used_sorts, enc._spent = set(), set(), 0
        texts = []
        for k, (term, day, guard) in enumerate(parts):
            body = enc.term(term, day, envs[k] if envs else {})
            texts.append(f"(=> {guard} {body})" if guard else body)
        smt = texts[0] if len(texts) == 1 else "(and " + " ".join(texts) + ")"
        for x, atoms in symbolic.items():  # the fixed days it reads at (written in as text)
            if x in smt:
                enc._used_atoms.update(atoms)
        return Unit(
            kind=kind,
            index=i,
            smt=smt,
            atoms=frozenset(enc._used_atoms),
            sorts=frozenset(enc._used_sorts),
            bounds=frozenset(bounds),
        )

    def inside(lo_d: datetime.date, hi_d: datetime.date) -> list[tuple[str, str]]:
        """The days of the index in ``[lo_d, hi_d]``, each with its guard (a fixed day may lie outside)."""
        a, b = lo_d.toordinal(), hi_d.toordinal()
        out = [(str(d), "") for d in sorted(literal) if a <= d <= b]
        return out + [(x, f"(and (<= {a} {x}) (<= {x} {b}))") for x in sorted(symbolic)]

    made = _Timeline()
    total = 0
    for i, term in asserted.items():
        c, tpl = dataset.claims[i], templates[i]
        on: list[tuple[str | None, str]] = [*inside(*c.interval)] if tpl.timed else [(None, "")]
        try:
            u = unit("conclusion" if c.kind == "conclusion" else "claim", i, [(term, d, g) for d, g in on], tpl.bounds)
            if i in failing:
                neg, day = failing[i]
                k = enc.term(day, None, {}) if day is not None else None
                fails = unit("conclusion", i, [(neg, k, "")], ())
                text = fails.smt
                if k is not None:
                    a, b = (x.toordinal() for x in c.interval)
                    text = f"(and (<= {a} {k}) (<= {k} {b}) {text})"
                u = attrs.evolve(u, negated=text, atoms=u.atoms | fails.atoms, sorts=u.sorts | fails.sorts)
        except TooLarge as exc:
            _too_large(c.span, f"claim '{c.id}': {exc}")
        made.claims[i] = u
        total += len(on)
    for (j, p), term in pieces.items():
        r = dataset.rules[j]
        days_of: list[str | None] = list(enc.index) if uses_context_time(term) else [None]
        lasting = persistence(term)
        try:
            if lasting is not None:  # once true, stays true: the chain of dates and every pair with another day
                first, then, body = lasting
                pairs = persistence_pairs(sorted(literal), [x for x in enc.index if x not in {str(d) for d in literal}])
                envs = [{first: x, then: y} for x, y in pairs]
                made.rules[(j, p)] = unit("rule", j, [(body, None, "")] * len(envs), bounded_sorts(enc, term), envs)
                total += len(envs)
                continue
            made.rules[(j, p)] = unit("rule", j, [(term, d, "") for d in days_of], bounded_sorts(enc, term))
        except TooLarge as exc:
            _too_large(r.span, f"rule '{r.id}': {exc}")
        total += len(days_of)
    if total > limits.instances:
        _too_large(
            None,
            str(
                TooLarge(
                    "instances",
                    total,
                    limits.instances,
                    f"the claims and rules that relate days make too many instances over {len(enc.index):,} days",
                    "instances",
                )
            ),
        )
    return made


class Templates(Sequence[Template]):
    """The template of each claim of a dataset (:func:`claim_templates`): its head at once, the template when asked.

    ``timed``, ``explicit``, ``bounds`` and ``across`` hold each claim's
    (the columns of the heads, :data:`~claims._front.model.Head`): what the
    relevant days, the claims' keys and the partition read. ``keys`` holds
    the key the loader kept for each claim whose template it kept
    (:func:`~claims._front.model.claim_key`), ``""`` for a template made
    here. A kept template itself is read from its file's templates when it
    is first asked for (:class:`~claims._front.model.Deferred`):
    a re-check asks only for the templates of the claims it encodes again.
    """

    def __init__(self, kept_: Sequence[Kept | None], made: dict[int, Template]) -> None:
        """``kept_``: what the loader kept for each claim (:func:`~claims._front.model.kept`); ``made``: the rest's."""
        self._kept = kept_
        self._made = made
        heads = [head_of(made[i]) if k is None else k[4] for i, k in enumerate(kept_)]
        timed, explicit, bounds, across = zip(*heads, strict=True) if heads else ((), (), (), ())
        self.timed: Sequence[bool] = timed
        self.explicit: Sequence[tuple[int, ...]] = explicit
        self.bounds: Sequence[tuple[str, ...]] = bounds
        self.across: Sequence[bool] = across
        self.keys: list[str] = ["" if k is None else k[3] for k in kept_]

    def __len__(self) -> int:
        return len(self._kept)

    @overload
    def __getitem__(self, index: int) -> Template: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Template]: ...

    def __getitem__(self, index: int | slice) -> Template | Sequence[Template]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        i = range(len(self))[index]  # IndexError past the end, as a list
        k = self._kept[i]
        return self._made[i] if k is None else k[1][k[2]]

    def __iter__(self) -> Iterator[Template]:
        for i, k in enumerate(self._kept):
            yield self._made[i] if k is None else k[1][k[2]]


def claim_templates(dataset: Dataset, enc: Encoder) -> Templates:
    """The template of each claim: the one the loader kept, else made now (``too-large`` past ``enc``'s limit).

    A kept template holds the claim's strict reading (the loader typed it
    while resolving: ``claims._front.resolve.resolve_file``); a claim without
    one is read strictly here, from its formula
    (:func:`claims._front.build.strict_claims`, the same typing). A kept one
    is read only when asked for (:class:`Templates`).
    """
    kept_ = kept(dataset)
    missing = list(itertools.compress(range(len(kept_)), map(operator.not_, kept_)))  # a Kept is a full tuple
    vague = [i for i in missing if may_be_vague(dataset.claims[i])]
    read = {i: term_of(c) for i, c in strict_claims(dataset, vague).items()} if vague else {}
    made: dict[int, Template] = {}
    for i in missing:
        c = dataset.claims[i]
        try:
            made[i] = template(enc, c, read.get(i))
        except TooLarge as exc:
            _too_large(c.span, f"claim '{c.id}': {exc}")
    return Templates(kept_, made)


def relevant_days(dataset: Dataset, templates: Templates) -> list[int]:
    """The relevant days (see the module docstring), with the representatives of the conclusions' gaps.

    A day a rule names with '@' is special too: the rule must hold on that very day.
    """
    found: set[int] = set()
    said, holds, kind = ROW["said"], ROW["holds"], ROW["kind"]
    every = rows(dataset)  # a claim's interval is its holds, or its said day (Claim.interval)
    for r, timed, explicit in zip(every, templates.timed, templates.explicit, strict=True):
        if timed:
            lo, hi = (r[said], r[said]) if r[holds] is None else r[holds]
            found.add(lo.toordinal())
            found.add(hi.toordinal())
        found.update(explicit)
    return _with_gaps(
        sorted(found.union(*(rule_days(r) for r in dataset.rules))),
        [
            (r[said], r[said]) if r[holds] is None else r[holds]
            for r, timed in zip(every, templates.timed, strict=True)
            if timed and r[kind] == "conclusion"
        ],
    )


def rule_templates(dataset: Dataset, enc: Encoder) -> list[list[Template]]:
    """The templates of each rule's pieces (see :func:`split_rule`); ``too-large`` past ``enc``'s limit."""
    pieces: list[list[Template]] = []
    for r in dataset.rules:
        assert r.term is not None
        try:  # one budget for the whole rule: its pieces and what each expands to
            enc._spent = 0
            pieces.append([_template(enc, p, fresh=False) for p in split_rule(r.term, enc)])
        except TooLarge as exc:
            _too_large(r.span, f"rule '{r.id}': {exc}")
    return pieces


def rule_instances(pieces: Sequence[Sequence[Template]], days: Sequence[int]) -> list[RuleInstance]:
    """The units of the rules, in their order: a rule holds on every relevant day, one instance each."""
    return [
        (j, p, d)
        for j, ps in enumerate(pieces)
        for p, t in enumerate(ps)
        for d in (days if t.timed and days else [None])
    ]


def claim_days(c: Claim, timed: bool, days: Sequence[int]) -> Sequence[int | None]:
    """The days ``c`` is instantiated on: its relevant days when its template is ``timed``, else ``[None]``."""
    return _days_within(c, days) if timed else [None]


class UnitWriter:
    """Units made from templates, collecting the atoms and sort declarations they use in ``enc``."""

    def __init__(self, enc: Encoder) -> None:
        self.enc = enc
        self.units: list[Unit] = []

    def add(self, kind: str, index: int, t: Template, on: Sequence[int | None]) -> None:
        """The unit of ``t`` on the days ``on`` (all under one literal), as the ``index``-th of its kind.

        A claim's unit also holds its strict reading (``t.strict``) on the
        same days, when that uses the very atoms of the stated one (a stricter
        reading of the same quantities does; one that does not is read as
        stated): the same relevant days serve it, since the strict reading
        changes only constants. So a component of the stated reading is one
        of the strict reading too (``claims._logic.near``).
        """
        smt, atoms = _instances(t, on)
        known = self.enc.atoms
        names = []
        for a in atoms:
            names.append(a[0])
            if a[0] not in known:
                known[a[0]] = Atom(*a)
        sorts = _NO_SORTS
        if t.sort_decls:
            self.enc.sort_decls.update(t.sort_decls)
            sorts = frozenset(s for s, _ in t.sort_decls)
        used = frozenset(names)
        strict = None
        if t.strict is not None and kind == "claim" and t.strict.timed == t.timed:
            strict, strict_atoms = _instances(t.strict, on)
            if frozenset(a[0] for a in strict_atoms) != used or strict == smt:
                strict = None
        self.units.append(
            Unit(kind=kind, index=index, smt=smt, atoms=used, sorts=sorts, bounds=frozenset(t.bounds), strict=strict)
        )

    def encoded(self, days: Sequence[int], rules: Sequence[RuleInstance]) -> Encoded:
        return Encoded(tuple(self.units), self.enc.atoms, self.enc.sort_decls, tuple(days), tuple(rules))


_NO_SORTS = frozenset[str]()


def _count_instances(
    dataset: Dataset,
    claim_days: Sequence[Sequence[int | None]],
    rule_instances: Sequence[int],
    n_days: int,
    limits: Limits,
) -> None:
    """Refuse (``too-large``) a dataset whose instances over the relevant days are over ``limits.instances``.

    Claims whose intervals overlap make the relevant days and the claims that
    hold on each grow together: 3,200 of them made ten million instances.
    """
    total = sum(len(d) for d in claim_days) + sum(rule_instances)
    if total <= limits.instances:
        return
    k = max(range(len(claim_days)), key=lambda i: len(claim_days[i]), default=None)
    where = dataset.claims[k].span if k is not None else None
    most = f"; claim '{dataset.claims[k].id}' alone holds on {len(claim_days[k]):,} of them" if k is not None else ""
    _too_large(
        where,
        str(
            TooLarge(
                "instances",
                total,
                limits.instances,
                f"the claims and rules make too many instances over the {n_days:,} "
                "relevant days (every day a claim starts or ends holding)",
                "instances",
            )
        )
        + most,
    )


def _too_large(span: Span | None, message: str) -> None:
    raise InvalidClaim(
        [
            Diagnostic(
                span=span or Span("<dataset>", 1, 0),
                code=TOO_LARGE.code,
                message=message,
                hint="the limits are in SECURITY.md; raise one with --limit NAME=N",
            )
        ]
    )


def _with_gaps(days: list[int], spans: Iterable[tuple[datetime.date, datetime.date]]) -> list[int]:
    """``days`` and one day of every gap between two of them inside one of ``spans``.

    The days a timed conclusion can fail on (see the module docstring): the
    representative of a gap ``p < d < n`` is ``p + 1``.
    """
    extra: set[int] = set()
    for lo_d, hi_d in spans:
        lo, hi = lo_d.toordinal(), hi_d.toordinal()
        inside = days[bisect.bisect_left(days, lo) : bisect.bisect_right(days, hi)]
        extra.update(p + 1 for p, n in itertools.pairwise(inside) if n - p > 1)
    return sorted(extra.union(days)) if extra else days


def rule_days(r: Rule) -> set[int]:
    """The days a rule names explicitly (``x@2016-03-01``)."""
    assert r.term is not None
    return explicit_days(r.term)


def encode_rules_alone(dataset: Dataset, *, limits: Limits = DEFAULT) -> Encoded:
    """Encode the rules on a generic day and on every day they name.

    Rules relate values of the day they hold on, and of days they name with
    ``@``; so they are consistent on every day iff they are on a generic day
    and on each named day (any other day copies the generic day's values).
    """
    enc = Encoder(dataset, limits=limits)
    named = sorted(set().union(*(rule_days(r) for r in dataset.rules)))
    timeline = _timeline_units(dataset, enc, (), named, limits)  # rules that relate days: no generic day
    units = []
    for j, r in enumerate(dataset.rules):
        assert r.term is not None
        own = [u for (k, _), u in sorted(timeline.rules.items()) if k == j]
        units += own
        terms = [p for k, p in enumerate(split_rule(r.term, enc)) if (j, k) not in timeline.rules] if own else [r.term]
        try:
            for t in terms:
                for d in [None, *named] if uses_context_time(t) else [None]:
                    units.append(enc.unit("rule", j, t, d))
        except TooLarge as exc:
            _too_large(r.span, f"rule '{r.id}': {exc}")
    return Encoded(tuple(units), enc.atoms, enc.sort_decls, ())


def script(enc: Encoded, units: Sequence[Unit], extra: Sequence[str] = ()) -> str:
    """The SMT-LIB2 text of a group of units, each guarded by its tracking literal."""
    sorts = sorted(set().union(*(u.sorts for u in units))) if units else []
    atoms = sorted(set().union(*(u.atoms for u in units))) if units else []
    lines = [enc.sort_decls[s] for s in sorts]
    lines += [enc.atoms[a].decl for a in atoms]
    lits: set[str] = set()
    body = []
    for u in units:
        if u.kind == "conclusion":
            pos, neg = conclusion_literals(u.index)
            for lt in (pos, neg):
                if lt not in lits:
                    lits.add(lt)
                    lines.append(f"(declare-const {q(lt)} Bool)")
            body.append(f"(assert (=> {q(pos)} {u.smt}))")
            body.append(f"(assert (=> {q(neg)} {u.negated or f'(not {u.smt})'}))")
            continue
        lit = claim_literal(u.index) if u.kind == "claim" else rule_literal(u.index)
        if lit not in lits:
            lits.add(lit)
            lines.append(f"(declare-const {q(lit)} Bool)")
        body.append(f"(assert (=> {q(lit)} {u.smt}))")
    return "\n".join([*lines, *body, *extra]) + "\n"


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
