"""Near-contradictions: claims that fit together only at the edge of what their vague words allow.

"About 500 tonnes were recovered" and "at least 540 tonnes were recovered"
are consistent (``about 500`` allows 450 to 550 at the default ±10%), but only
for 540 to 550: a careful reader flags that. The engine flags it the same way:

* the *strict reading* of a claim halves the slack of each vague quantity
  with a number written out (``about N``: half the file's tolerance;
  ``between A and B``: the middle half of the range; ``over N`` /
  ``under N``: beyond ``N`` by half the file's tolerance of ``|N|``; see
  :class:`claims._front.resolve.Typer`);
* a *near-contradiction* is a minimal set of claims of a consistent component
  that cannot all be true when its claims are read strictly (with the rules
  as they are): a MUS of the strict reading, other than one claim alone (a
  single claim whose strict reading is empty by itself, such as a whole
  number between 5 and 6, clashes with nothing). The stated reading of every
  such set is consistent (its component is), so each is reported as a
  warning, with the range of values at which its claims fit (:func:`fit`).

Why the sets are exactly these: each consistent component that holds a
claim read otherwise strictly is solved again with those claims read strictly
(``claims._logic.solve.near_contradictions``), by the engine's own
enumeration (MARCO, verified MUSes), so every MUS of its strict reading is
found. The strict reading uses the same symbols (a claim whose strict
encoding uses other atoms is read as stated: ``claims._logic.encode.UnitWriter.add``),
so the partition of the stated reading holds for it too (a strict MUS lies
in one component); a component left out (inconsistent, undecided, or without
a claim that reads otherwise strictly) has either no consistent stated
reading to be near to, or no strict reading that differs from it.

Where it is computed. Each claim's strict reading is typed while the claim
file is resolved (``claims._front.resolve.strict_reading``, in the load's
forked children) and encoded with its template (the file cache keeps both);
each unit carries its strict text (``Unit.strict``), each component the
strict texts of its claims (``Component.strict``, part of its ``shape``, so
of its result-cache key). The worker that solves a component solves its
strict reading right after, when the component is consistent
(``claims._logic.solve.near_contradictions``), and the component's result carries what it found
(``ComponentResult.near``: each MUS with its :class:`Fit`), so the result
cache keeps it with the component's, and a re-check never encodes anything
for it. The strict script is the stated one with the lines of the claims read
strictly replaced (``claims._logic.partition.strict_script``): the very text
the strict reading's own encoding would give, so its MUSes are those a
separate solve of the strict reading finds (a complete enumeration finds a set
the script determines; ``claims._logic.solve`` shows that nothing else the
process solved before changes what a result shows).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from fractions import Fraction

import attrs
import z3

from claims._base.errors import Diagnostic, Span
from claims._front.model import Dataset
from claims._logic.encode import claim_literal, rule_literal
from claims._logic.partition import Component
from claims._logic.solver import thread_context

CODE = "near-contradiction"


@attrs.frozen
class Fit:
    """The values a symbol takes where every claim of a near-contradiction holds (read as stated)."""

    symbol: str
    low: Fraction | None  # None: no lower bound
    low_open: bool
    high: Fraction | None
    high_open: bool
    date: bool = False  # the values are days (ordinals), shown as dates

    def __str__(self) -> str:
        def num(v: Fraction) -> str:
            if self.date and v.denominator == 1:
                return datetime.date.fromordinal(v.numerator).isoformat()
            return str(v.numerator) if v.denominator == 1 else f"{float(v):g}"

        lo, hi = self.low, self.high
        if lo is not None and hi is not None:
            if lo == hi:
                return f"{self.symbol} = {num(lo)}"
            left = "over" if self.low_open else "from"
            right = "under" if self.high_open else "to"
            return f"{self.symbol} {left} {num(lo)} {right} {num(hi)}"
        if lo is not None:
            return f"{self.symbol} {'over' if self.low_open else 'at least'} {num(lo)}"
        if hi is not None:
            return f"{self.symbol} {'under' if self.high_open else 'at most'} {num(hi)}"
        return f"{self.symbol} any value"


@attrs.frozen
class RawNear:
    """A near-contradiction of a component: its claims (a MUS of the strict reading), and where they fit as stated."""

    claims: tuple[int, ...]
    fits: tuple[Fit, ...]


_NUMBERS = ("int", "real", "date")  # the sorts of the symbols a fit bounds (a date is a day number)
_BOUND = re.compile(r"^(-?\d+(?:/\d+)?(?:\.\d+)?)\s*(?:\+\s*(-1\*)?epsilon)?$")


def _bound(value: z3.ArithRef) -> tuple[Fraction | None, bool]:
    """A bound of z3's optimizer: its number and whether it is open (``n + epsilon``); None for infinity."""
    text = " ".join(str(value).split())
    if "oo" in text:
        return None, False
    m = _BOUND.match(text.replace("?", ""))
    if m is None:
        return None, False
    return Fraction(m.group(1)), "epsilon" in text


def fit(comp: Component, claims: Sequence[int], timeout: float | None) -> tuple[Fit, ...]:
    """Where the ``claims`` of component ``comp`` (indices in its dataset) fit, read as stated, with its rules.

    For each number or date symbol the claims use (in the order they use them): its
    least and greatest value over every scenario where the claims and the
    rules hold, each computed on its own (z3's ``Optimize``, box priority).
    Empty when the optimizer cannot say (a time limit, an unknown). The
    bounds are facts of the claims, whatever z3's search order, so they need
    neither a fixed seed nor a context of their own to be the same on every run.
    """
    ctx = thread_context()
    opt = z3.Optimize(ctx=ctx)
    opt.set("priority", "box")
    if timeout is not None:
        opt.set("timeout", max(1, int(timeout * 1000)))
    opt.from_string(comp.smt)
    for i in claims:
        opt.add(z3.Bool(claim_literal(i), ctx))
    for j in comp.rules:
        opt.add(z3.Bool(rule_literal(j), ctx))
    info = {smt: (shown, sort) for smt, shown, sort in comp.atom_info}
    used = dict(comp.atoms_of)
    names = dict.fromkeys(a for i in claims for a in used.get(i, ()) if info.get(a, ("", ""))[1] in _NUMBERS)
    goals = []
    for a in names:
        shown, sort = info[a]
        x = (z3.Real if sort == "real" else z3.Int)(a.strip("|"), ctx)
        goals.append((shown, sort == "date", opt.minimize(x), opt.maximize(x)))
    if opt.check() != z3.sat:
        return ()
    out = []
    for shown, date, lo, hi in goals:
        low, low_open = _bound(lo.value())
        high, high_open = _bound(hi.value())
        out.append(Fit(shown, low, low_open, high, high_open, date))
    return tuple(out)


def warning(ds: Dataset, claims: Sequence[int], fits: Sequence[Fit]) -> Diagnostic:
    """The warning for the near-contradiction of ``claims`` (indices in ``ds``), placed at its first claim."""
    cs = [ds.claims[i] for i in sorted(claims)]
    named = ", ".join(f"'{c.id}' ({c.formula})" for c in cs[:-1])
    named = f"{named} and '{cs[-1].id}' ({cs[-1].formula})" if named else f"'{cs[-1].id}' ({cs[-1].formula})"
    where = " and ".join(str(f) for f in fits) if fits else "at the edge of their tolerance"
    span = next((c.span for c in cs if c.span is not None), Span("<claims>", 1, 0))
    return Diagnostic(
        span=span,
        code=CODE,
        message=(
            f"near-contradiction: {named} fit together only for {where}; read strictly "
            "(half the slack of 'about', 'between', 'over', 'under') they cannot all be true"
        ),
        severity="warning",
        hint="they agree as stated; check that the sources mean the same thing (--fail-on-warnings makes this fail)",
    )
