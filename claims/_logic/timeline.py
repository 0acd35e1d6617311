"""Formulas that relate days, and why reading them at finitely many days is exact.

A claim or rule *relates days* when it quantifies over days (``forall d: date.
d >= withdrawal_day implies not deployed@d``) or reads a timed symbol at a
day the solver chooses (``deployed@withdrawal_day``); a ``persistent``
predicate brings such a rule (``forall d1, d2: date. d1 <= d2 implies
(p@d1 implies p@d2)``). The resolve stage admits only the fragment below
(``claims._front.resolve._DayCheck``); this module gives its meaning in
finitely many instances, and ``claims._logic.encode`` writes them.

**The timeline symbols.** Every timed symbol a formula relating days uses is
a *timeline symbol*, and so is every timed symbol of any claim or rule that
uses one: the closure of "appear in one formula" (:func:`timeline_symbols`).
A timeline symbol becomes one SMT function of the day (an ``Int``), so that
``deployed@withdrawal_day`` and ``deployed@2016-03-14`` are equal exactly when
the two days are. Every other timed symbol keeps one constant per relevant
day (the argument in ``claims._logic.encode``), and no formula mixes the two
kinds except at days written out, where both readings give the model's own
values.

**Skolem days.** A day variable that is existential in effect (``exists`` as
asserted, ``forall`` under a negation) becomes a new date constant
(:func:`skolemize`); resolve admits it only outside every universal, so one
constant is its meaning exactly. A timed conclusion is asserted to *fail* on
some day of its interval: that day is one more constant, with the interval
as its bounds.

**The index set.** Let I be the days written out (every end of every
claim's interval, every ``@`` date, every date a universal day variable is
compared with, and that date plus one), the *fixed days* (every term after
``@`` that is not a date, every term a universal day variable is compared
with, and that term plus one; a fixed day is a term without variables and
without timed symbols of the day, see ``_DayCheck``), the Skolem days, and
``lo``, one day before the least of them all. Every universal day variable,
and the day a rule holds on, is instantiated at every element of I; a
timed claim at every element of I inside its interval (a fixed day
``t`` as ``a <= t <= b implies ...``).

**Why that is exact.** Take a model M of the instances. For any day d, let
r(d) be the largest element of I whose value in M is at most d (``lo`` when
none is: every other element is above d). Extend M to every day: a timeline
symbol's value on d is its value on r(d). Every comparison ``s <= d`` of
a day variable with an element ``s`` of I has the same truth on d and on
r(d): if ``s <= d`` then s is a candidate, so ``s <= r(d)``; if ``s <= r(d)``
then ``s <= d`` since ``r(d) <= d`` (for ``lo``, both sides are false). Over
whole days, ``d < t`` is ``not (t <= d)``, ``d <= t`` is ``not (t + 1 <=
d)``, ``d > t`` is ``t + 1 <= d`` and ``d = t`` is both: with t and t + 1 in
I, every comparison of a day variable with a fixed day has the same truth on
d and r(d). A comparison ``d1 <= d2`` of two universal variables that is a
condition (it occurs negated, see ``_DayCheck``) can only go from true on
(d1, d2) to true on (r(d1), r(d2)), because r is monotone. The values of
timeline symbols are equal on d and r(d), the fixed days and Skolem days
are values of M. So, for a universal formula, an instance true on (r(d1),
..., r(dk)) is true on (d1, ..., dk): each atom is equal, or a condition
that is at least as false; the formula holds on every day. A claim that
holds on a day d of its interval [a, b] holds on r(d), which lies in [a, b]
since a is in I. So M extends to a model on all days, and the converse is
plain (a model on all days satisfies every instance). For a conclusion: it
holds, or fails on its Skolem day, in the extension exactly as in M.

This is the completeness argument of the array property fragment
(Bradley, Manna and Sipma, "What's decidable about arrays?", VMCAI 2006),
with days as indices. It is tested against a day-by-day computation on
every day of a window (``tests/nocover/test_time_across_days.py``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence

import attrs

from claims._base.groups import UnionFind
from claims._front.model import TApp, Term, TLit, TOp, TQuant, TVar

_CMP = frozenset({"=", "!=", "<", "<=", ">", ">="})


def skolemize(t: Term, positive: bool, name: Callable[[TVar], str]) -> tuple[Term, list[TApp]]:
    """``t`` asserted (``positive``) or negated, with its existential day variables replaced by new constants.

    ``name`` names the constant of a variable (called once per variable, in
    the order written). Returns the term and the constants. A quantifier over
    days left in the result is universal in effect.
    """
    made: list[TApp] = []
    return _skolem(t, 1 if positive else -1, name, made), made


def _skolem(t: Term, pol: int, name: Callable[[TVar], str], made: list[TApp]) -> Term:
    if isinstance(t, TQuant):
        existential = (t.kind == "exists") == (pol == 1)
        days = [v for v in t.vars if v.sort == "date"]
        if not days or not existential:
            return attrs.evolve(t, body=_skolem(t.body, pol, name, made))
        assert pol != 0, "resolve refuses a quantifier over days read both ways"
        sub: dict[str, Term] = {}
        for v in days:
            sk = TApp(name(v), (), "date", False)
            made.append(sk)
            sub[v.name] = sk
        body = _skolem(substitute(t.body, sub), pol, name, made)
        rest = tuple(v for v in t.vars if v.sort != "date")
        return attrs.evolve(t, vars=rest, body=body) if rest else body
    if isinstance(t, TOp):
        if t.op == "not":
            return attrs.evolve(t, args=(_skolem(t.args[0], -pol, name, made),))
        if t.op in ("and", "or"):
            return attrs.evolve(t, args=tuple(_skolem(a, pol, name, made) for a in t.args))
        if t.op == "implies":
            *first, last = t.args
            return attrs.evolve(
                t, args=(*(_skolem(a, -pol, name, made) for a in first), _skolem(last, pol, name, made))
            )
        return attrs.evolve(t, args=tuple(_skolem(a, 0, name, made) for a in t.args))
    if isinstance(t, TApp):
        return attrs.evolve(t, args=tuple(_skolem(a, 0, name, made) for a in t.args))
    return t


def substitute(t: Term, sub: dict[str, Term]) -> Term:
    """Replace free variables by terms, after ``@`` too (a day variable by a day)."""
    if isinstance(t, TVar):
        return sub.get(t.name, t)
    if isinstance(t, TApp):
        at = sub.get(t.at.name, t.at) if isinstance(t.at, TVar) else t.at
        assert at is None or isinstance(at, (int, TVar, TApp)), "a day variable stands for a day"
        return attrs.evolve(t, args=tuple(substitute(a, sub) for a in t.args), at=at)
    if isinstance(t, TOp):
        return attrs.evolve(t, args=tuple(substitute(a, sub) for a in t.args))
    if isinstance(t, TQuant):
        inner = {k: v for k, v in sub.items() if all(k != x.name for x in t.vars)}
        return attrs.evolve(t, body=substitute(t.body, inner))
    return t


def fixed_days(t: Term) -> list[Term]:
    """The fixed days of ``t`` (skolemized): after ``@``, and compared with a universal day variable.

    The second kind comes with the day after it (``t + 1``): see the module
    docstring. Dates come as literals, other days as terms; in the order
    written, repeats included.
    """
    out: list[Term] = []
    _fixed(t, frozenset(), out)
    return out


def _fixed(t: Term, scope: frozenset[str], out: list[Term]) -> None:
    if isinstance(t, TQuant):
        inner = scope | {v.name for v in t.vars if v.sort == "date"}
        _fixed(t.body, inner - {v.name for v in t.vars if v.sort != "date"}, out)
    elif isinstance(t, TApp):
        if isinstance(t.at, TApp):
            out.append(t.at)
        elif isinstance(t.at, int):
            out.append(TLit(t.at, "date"))
        for a in t.args:
            _fixed(a, scope, out)
    elif isinstance(t, TOp):
        if t.op in _CMP:
            sides = [a for a in t.args if not (isinstance(a, TVar) and a.name in scope)]
            if len(sides) == 1 and len(t.args) == 2:  # a day variable against a fixed day
                day = sides[0]
                out.append(day)
                out.append(
                    TLit(int(day.value) + 1, "date")
                    if isinstance(day, TLit)
                    else TOp("+", (day, TLit(1, "int")), "date")
                )
                _fixed(day, scope, out)  # x@start inside the fixed day
                return
        for a in t.args:
            _fixed(a, scope, out)


def timeline_symbols(formulas: Sequence[tuple[bool, Iterable[str]]], timed: Callable[[str], bool]) -> frozenset[str]:
    """The timeline symbols (see the module docstring).

    ``formulas``: for each claim and rule, whether it relates days and the
    names of the symbols it uses; ``timed`` tells a timed symbol's name.
    """
    uf = UnionFind()
    seeds: set[str] = set()
    for relates, names in formulas:
        mine = sorted({n for n in names if timed(n)})
        for a in mine:
            uf.union(mine[0], a)
        if relates:
            seeds.update(mine)
    roots = {uf.find(n) for n in seeds}
    return frozenset(n for n in list(uf.parent) if uf.find(n) in roots)


def persistence(t: Term) -> tuple[str, str, Term] | None:
    """``(d1, d2, body)`` when ``t`` says that something, once true, stays true; else None.

    That is ``forall d1: date, d2: date. d1 <= d2 implies (X@d1 implies
    X@d2)`` for one application ``X`` of a timed predicate whose arguments
    name neither day (the rule of a ``persistent`` predicate, or the same
    written out); ``body`` is what follows ``forall``, the guard included.
    """
    if not (isinstance(t, TQuant) and t.kind == "forall" and len(t.vars) == 2):
        return None
    a, b = t.vars
    body = t.body
    if a.sort != "date" or b.sort != "date" or a.name == b.name:
        return None
    if not (isinstance(body, TOp) and body.op == "implies" and len(body.args) == 2):
        return None
    guard, step = body.args
    if guard != TOp("<=", (TVar(a.name, "date"), TVar(b.name, "date")), "bool"):
        return None
    if not (isinstance(step, TOp) and step.op == "implies" and len(step.args) == 2):
        return None
    before, after = step.args
    if not (isinstance(before, TApp) and isinstance(after, TApp) and before.timed):
        return None
    if before.at != TVar(a.name, "date") or after != attrs.evolve(before, at=TVar(b.name, "date")):
        return None
    if any(_mentions(x, {a.name, b.name}) for x in before.args):
        return None
    return a.name, b.name, body


def _mentions(t: Term, names: set[str]) -> bool:
    if isinstance(t, TVar):
        return t.name in names
    if isinstance(t, TApp):
        return (isinstance(t.at, TVar) and t.at.name in names) or any(_mentions(x, names) for x in t.args)
    if isinstance(t, TOp):
        return any(_mentions(x, names) for x in t.args)
    if isinstance(t, TQuant):
        return _mentions(t.body, names - {v.name for v in t.vars})
    return False


def persistence_pairs(dates: Sequence[int], others: Sequence[str]) -> list[tuple[str, str]]:
    """The pairs of days a persistence rule is read at: each date with the next, and every pair with another day.

    ``dates``: the index's dates, in order; ``others``: its other days (SMT
    terms). Exact: the rule read at every pair ``(x, y)`` of the index says
    ``x <= y`` and ``X@x`` give ``X@y``. For two dates ``x < y`` that follows
    from the chain of the dates between them, one step at a time; for
    ``x >= y`` it says nothing new (``x = y``) or nothing at all; every pair
    with another day is read as it is. Tested against the pairs of the
    index in ``tests/nocover/test_time_across_days.py``.
    """
    out = [(str(x), str(y)) for x, y in itertools.pairwise(dates)]
    days = [str(d) for d in dates] + list(others)
    for o in others:
        for x in days:
            if x != o:
                out += [(o, x), (x, o)]
    return out
