"""Hypothesis strategies shared by the tests (grow this module with every new type).

Every strategy is a composite, so a failing example names it readably, e.g.
``formulas(max_depth=3)``; the syntax nodes' own reprs leave out their places.
"""

from __future__ import annotations

import datetime
import re

from hypothesis import strategies as st

from claims import _syntax as S

# The grammar's own NAME terminal decides what a name is, keywords and all, so
# this module cannot drift from claims/claims.lark.
NAME_RE = re.compile(
    next(t for t in S._parser().terminals if t.name == "NAME").pattern.to_regexp()
)

# Names that sit next to the grammar's keywords and units: the lexer must still
# read them as names.
_TRICKY_NAMES = (
    "andy", "orx", "notes", "isx", "in_", "forall_", "exists2", "x_or", "days", "month",
    "weeks", "hour", "over9", "atx", "leastx", "most_", "truex", "False", "TRUE", "ruler",
    "sorts", "timed_", "example1", "_",
)

CANONICAL_OPS = ("iff", "implies", "xor", "or", "and", "=", "!=", "<", "<=", ">", ">=",
                 "+", "-", "*", "/")
_UNITS = ("days", "weeks", "months", "years", "hours")
_ONE_BOUND = ("about", "over", "under", "at_least", "at_most", "exactly")


@st.composite
def names(draw: st.DrawFn) -> str:
    """A name the grammar accepts: never a keyword, sometimes close to one."""
    plain = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True).filter(NAME_RE.fullmatch)
    return draw(st.one_of(plain, st.sampled_from(_TRICKY_NAMES)))


@st.composite
def number_texts(draw: st.DrawFn) -> str:
    """A number as the grammar writes it: digits, optionally a fraction (``0``, ``3000``, ``1.50``)."""
    whole = str(draw(st.integers(0, 10**6)))
    if draw(st.booleans()):
        return whole
    return f"{whole}.{draw(st.from_regex(r'[0-9]{1,3}', fullmatch=True))}"


@st.composite
def date_texts(draw: st.DrawFn) -> str:
    """A date literal ``YYYY-MM-DD`` (a real date; ``resolve`` checks that, not the parser)."""
    return draw(st.dates(min_value=datetime.date(1000, 1, 1))).isoformat()


@st.composite
def month_texts(draw: st.DrawFn) -> str:
    """A month literal ``YYYY-MM``."""
    return f"{draw(st.integers(1000, 9999))}-{draw(st.integers(1, 12)):02d}"


@st.composite
def atoms(draw: st.DrawFn) -> S.Expr:
    """A leaf: a name (maybe at a date), a number, a date, a duration or a truth value."""
    kind = draw(st.sampled_from(("name", "num", "date", "duration", "bool")))
    if kind == "name":
        return S.Name(draw(names()), draw(st.none() | date_texts()))
    if kind == "num":
        return S.Num(draw(number_texts()))
    if kind == "date":
        return S.DateLit(draw(date_texts()))
    if kind == "duration":
        return S.Duration(draw(number_texts()), draw(st.sampled_from(_UNITS)))
    return S.BoolLit(draw(st.booleans()))


@st.composite
def formulas(draw: st.DrawFn, max_depth: int = 3) -> S.Expr:
    """A syntax tree as ``parse_formula`` could build it (canonical ops, no places).

    Sorts are ignored: ``x and 3`` is a fine tree here, since the round trip is
    about syntax only.
    """
    if max_depth <= 0 or draw(st.integers(0, 3)) == 0:
        return draw(atoms())
    sub = formulas(max_depth=max_depth - 1)
    kind = draw(st.sampled_from(("binary", "binary", "unary", "call", "quant", "quantity")))
    if kind == "binary":
        return S.Binary(draw(st.sampled_from(CANONICAL_OPS)), draw(sub), draw(sub))
    if kind == "unary":
        return S.Unary(draw(st.sampled_from(("not", "-"))), draw(sub))
    if kind == "call":
        args = tuple(draw(st.lists(sub, min_size=1, max_size=3)))
        return S.Call(draw(names()), args, draw(st.none() | date_texts()))
    if kind == "quant":
        binders = tuple(draw(st.lists(st.tuples(names(), names()), min_size=1, max_size=3)))
        return S.Quant(draw(st.sampled_from(("forall", "exists"))), binders, draw(sub))
    q = draw(st.sampled_from(("between", "in_range", "in_month", *_ONE_BOUND)))
    if q == "in_month":
        return S.Quantity(q, draw(sub), (), draw(month_texts()))
    n = 2 if q in ("between", "in_range") else 1
    return S.Quantity(q, draw(sub), tuple(draw(sub) for _ in range(n)))


@st.composite
def mutated(draw: st.DrawFn, text: str, max_edits: int = 4) -> str:
    """``text`` after a few random edits: characters and lines deleted, inserted, replaced, moved.

    Inserted characters favour the ones that mean something in YAML and in the
    formula language, so that edits reach past the first parse error.
    """
    special = st.sampled_from(list(" \t\n:-[]{}\"'|>#@&*!%,.()=<>\\0123456789xyz_\x00\ufeff\u00e9\u2200\u2227"))
    chars = st.one_of(special, st.characters())
    out = text
    for _ in range(draw(st.integers(1, max_edits))):
        lines = out.split("\n")
        edit = draw(st.sampled_from(
            ("delete", "insert", "replace", "delete-line", "copy-line", "swap-lines", "indent")))
        i = draw(st.integers(0, len(out)))
        j = draw(st.integers(0, len(lines) - 1))
        k = draw(st.integers(0, len(lines) - 1))
        if edit == "delete":
            out = out[:i] + out[i + draw(st.integers(1, 8)):]
        elif edit == "insert":
            out = out[:i] + "".join(draw(st.lists(chars, min_size=1, max_size=4))) + out[i:]
        elif edit == "replace":
            out = out[:i] + draw(chars) + out[i + 1:]
        elif edit == "delete-line":
            out = "\n".join(lines[:j] + lines[j + 1:])
        elif edit == "copy-line":
            out = "\n".join(lines[:k] + [lines[j]] + lines[k:])
        elif edit == "swap-lines":
            lines[j], lines[k] = lines[k], lines[j]
            out = "\n".join(lines)
        else:
            lines[j] = draw(st.sampled_from(("", " ", "  ", "\t"))) + lines[j].lstrip(" ")
            out = "\n".join(lines)
    return out
