"""Hypothesis strategies shared by the tests (grow this module with every new type).

Every strategy is a composite, so a failing example names it readably, e.g.
``formulas(max_depth=3)``; the syntax nodes' own reprs leave out their places.
"""

from __future__ import annotations

import datetime
import re

import attrs
from hypothesis import strategies as st

from claims._front import syntax as S

# The grammar's own NAME terminal decides what a name is, keywords and all, so
# this module cannot drift from claims/_front/claims.lark.
NAME_RE = re.compile(next(t for t in S._parser().terminals if t.name == "NAME").pattern.to_regexp())

# Names that sit next to the grammar's keywords and units: the lexer must still
# read them as names.
_TRICKY_NAMES = (
    "andy",
    "orx",
    "notes",
    "isx",
    "in_",
    "forall_",
    "exists2",
    "x_or",
    "days",
    "month",
    "weeks",
    "hour",
    "over9",
    "atx",
    "leastx",
    "most_",
    "truex",
    "False",
    "TRUE",
    "ruler",
    "sorts",
    "timed_",
    "example1",
    "_",
)

CANONICAL_OPS = ("iff", "implies", "xor", "or", "and", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/")
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


FRACTION_WORDS = ("half", "a third", "a quarter", "two thirds", "three quarters")
SCALE_WORDS = ("thousand", "million", "billion", "trillion")


def grouped(n: int) -> str:
    """``n`` with commas between thousands, as news prints it (``53,000``)."""
    return f"{n:,}"


@st.composite
def news_number_texts(draw: st.DrawFn) -> str:
    """A number as news prints it: ``53,000``, ``4.9 million``, ``40%``, ``12.5 percent``, or plain digits."""
    kind = draw(st.sampled_from(("plain", "grouped", "scaled", "percent")))
    if kind == "plain":
        return draw(number_texts())
    if kind == "grouped":
        return grouped(draw(st.integers(1000, 10**9)))
    if kind == "scaled":
        return f"{draw(number_texts())} {draw(st.sampled_from(SCALE_WORDS))}"
    return draw(number_texts()) + draw(st.sampled_from(("%", " percent")))


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
    """A leaf: a name (maybe at a date), a number as news prints it, a part of one, a date, a duration, a bool."""
    kind = draw(st.sampled_from(("name", "num", "date", "duration", "bool", "part")))
    if kind == "name":
        return S.Name(draw(names()), draw(st.none() | date_texts()))
    if kind == "num":
        return S.Num(draw(news_number_texts()))
    if kind == "part":  # "40% of x", "a third of 1,200"
        part = draw(st.sampled_from(FRACTION_WORDS) | st.builds(lambda n: n + "%", number_texts()))
        whole = draw(st.builds(S.Name, names()) | st.builds(S.Num, news_number_texts()))
        return S.Binary("of", S.Num(part), whole)
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
        return S.Quantity(kind=q, term=draw(sub), bounds=(), month=draw(month_texts()))
    n = 2 if q in ("between", "in_range") else 1
    return S.Quantity(kind=q, term=draw(sub), bounds=tuple(draw(sub) for _ in range(n)))


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
        edit = draw(
            st.sampled_from(("delete", "insert", "replace", "delete-line", "copy-line", "swap-lines", "indent"))
        )
        i = draw(st.integers(0, len(out)))
        j = draw(st.integers(0, len(lines) - 1))
        k = draw(st.integers(0, len(lines) - 1))
        if edit == "delete":
            out = out[:i] + out[i + draw(st.integers(1, 8)) :]
        elif edit == "insert":
            out = out[:i] + "".join(draw(st.lists(chars, min_size=1, max_size=4))) + out[i:]
        elif edit == "replace":
            out = out[:i] + draw(chars) + out[i + 1 :]
        elif edit == "delete-line":
            out = "\n".join(lines[:j] + lines[j + 1 :])
        elif edit == "copy-line":
            out = "\n".join(lines[:k] + [lines[j]] + lines[k:])
        elif edit == "swap-lines":
            lines[j], lines[k] = lines[k], lines[j]
            out = "\n".join(lines)
        else:
            lines[j] = draw(st.sampled_from(("", " ", "  ", "\t"))) + lines[j].lstrip(" ")
            out = "\n".join(lines)
    return out


# --------------------------------------------------------------------------- sorted formulas
#
# Formulas over one vocabulary, by the sort the checker gives them (the README's
# table of sorts): ``sorted_formulas(s)`` draws one of sort ``s`` that must
# resolve; ``ill_sorted_formulas()`` draws a statement with exactly one operand
# of a wrong sort, and that operand, where ``sort-mismatch`` must point.

SORTED_VOCABULARY = """\
sort Country
sort Reason = {war, peace}
const n, m: int
const r: real
const d, d1: date
pred p, q
const c: Country
const why: Reason
timed const t: int
func size(Country): int
func day_of(Reason): date
func twice(int): int
pred ally(Country)
pred held_on(date)
"""

SORTS = ("bool", "int", "real", "date", "duration", "Country", "Reason")
NUMBERS = ("int", "real", "duration")  # compare and compute with each other
ORDERED = (*NUMBERS, "date")

_LEAVES: dict[str, tuple[S.Expr, ...]] = {
    "bool": (S.Name("p"), S.Name("q"), S.BoolLit(True), S.BoolLit(False)),
    "int": (S.Name("n"), S.Name("m"), S.Name("t"), S.Name("t", "2016-03-14"), S.Num("3"), S.Num("0")),
    "real": (S.Name("r"), S.Num("2.5")),
    "date": (S.Name("d"), S.Name("d1"), S.DateLit("2016-03-14")),
    "Country": (S.Name("c"),),
    "Reason": (S.Name("why"), S.Name("war"), S.Name("peace")),
}


def comparable(a: str, b: str) -> bool:
    """Whether ``a = b`` is well sorted: numbers and durations mix, any other sort only with itself."""
    return (a in NUMBERS and b in NUMBERS) or a == b


def is_literal(e: S.Expr) -> bool:
    """A number, date, duration or truth value written out (maybe negated)."""
    if isinstance(e, S.Unary) and e.op == "-":
        return is_literal(e.arg)
    return isinstance(e, (S.Num, S.DateLit, S.Duration, S.BoolLit))


@st.composite
def _durations(draw: st.DrawFn, whole: bool) -> S.Expr:
    units = ("days", "weeks") if whole else _UNITS
    if draw(st.booleans()):
        return S.Duration(str(draw(st.integers(0, 60))), draw(st.sampled_from(units)))
    return S.Binary(
        "-",
        draw(_sorted(sort="date", depth=1, whole=True, env=())),
        draw(_sorted(sort="date", depth=1, whole=True, env=())),
    )


@st.composite
def _sorted(
    draw: st.DrawFn, sort: str, depth: int, whole: bool = False, env: tuple[tuple[str, str], ...] = ()
) -> S.Expr:
    """A well-sorted expression of checker sort ``sort``; ``whole``: a date on a whole day."""

    def sub(s: str, w: bool = False) -> S.Expr:
        return draw(_sorted(sort=s, depth=depth - 1, whole=w, env=env))

    variables = tuple(S.Name(v) for v, s in env if s == sort)
    if sort == "duration":
        if depth <= 0 or draw(st.booleans()):
            return draw(_durations(whole=False))
        form = draw(st.sampled_from(("+", "-", "n*", "*n", "/", "neg")))
        if form in "+-":
            return S.Binary(form, sub("duration"), sub("duration"))
        if form == "n*":
            return S.Binary("*", sub("int"), sub("duration"))
        if form == "*n":
            return S.Binary("*", sub("duration"), sub("real"))
        if form == "/":
            return S.Binary("/", sub("duration"), sub("int"))
        return S.Unary("-", sub("duration"))
    leaves = _LEAVES[sort] + variables
    if depth <= 0 or draw(st.integers(0, 2)) == 0:
        return attrs.evolve(draw(st.sampled_from(leaves)))  # a node of its own, found by identity
    if sort == "bool":
        form = draw(
            st.sampled_from(("not", "logic", "compare", "order", "quantity", "about", "month", "call", "quant"))
        )
        if form == "not":
            return S.Unary("not", sub("bool"))
        if form == "logic":
            return S.Binary(draw(st.sampled_from(("and", "or", "xor", "implies", "iff"))), sub("bool"), sub("bool"))
        if form == "compare":
            a = draw(st.sampled_from(SORTS))
            b = draw(st.sampled_from([s for s in SORTS if comparable(a, s)]))
            return S.Binary(draw(st.sampled_from(("=", "!="))), sub(a), sub(b))
        if form == "order":
            a = draw(st.sampled_from(ORDERED))
            b = draw(st.sampled_from([s for s in ORDERED if comparable(a, s)]))
            return S.Binary(draw(st.sampled_from(("<", "<=", ">", ">="))), sub(a), sub(b))
        if form == "quantity":
            x = draw(st.sampled_from(ORDERED))
            kind = draw(st.sampled_from(("between", "in_range", "over", "under", "at_least", "at_most", "exactly")))
            # a declared name as the lower bound: bounds written out could be reversed (bad-quantity)
            lo = S.Name("d") if x == "date" else S.Name("n")
            if kind in ("between", "in_range"):
                return S.Quantity(
                    kind=kind,
                    term=sub(x),
                    bounds=(lo, sub(draw(st.sampled_from([s for s in ORDERED if comparable(x, s)])))),
                )
            return S.Quantity(
                kind=kind, term=sub(x), bounds=(sub(draw(st.sampled_from([s for s in ORDERED if comparable(x, s)]))),)
            )
        if form == "about":
            x = draw(st.sampled_from(NUMBERS))
            bound = draw(
                st.one_of(
                    st.builds(S.Num, number_texts()),
                    _durations(whole=False).filter(lambda e: isinstance(e, S.Duration)),
                )
            )
            return S.Quantity(kind="about", term=sub(x), bounds=(bound,))
        if form == "month":
            return S.Quantity(
                kind="in_month", term=sub("date"), bounds=(), month=draw(st.sampled_from(("2015-11", "2016-02")))
            )
        if form == "call":
            which = draw(st.sampled_from(("ally", "held_on")))
            return S.Call(which, (sub("Country") if which == "ally" else sub("date", True),))
        var = draw(st.sampled_from(("x", "y")))
        over = draw(st.sampled_from(("Country", "Reason")))
        body = draw(_sorted(sort="bool", depth=depth - 1, env=((var, over), *env)))
        return S.Quant(draw(st.sampled_from(("forall", "exists"))), ((var, over),), body)
    if sort == "int":
        form = draw(st.sampled_from(("+", "-", "*", "neg", "size", "twice")))
        if form == "neg":
            return S.Unary("-", sub("int"))
        if form == "size":
            return S.Call("size", (sub("Country"),))
        if form == "twice":
            return S.Call("twice", (sub("int"),))
        return S.Binary(form, sub("int"), sub("int"))
    if sort == "real":
        form = draw(st.sampled_from(("+", "-", "*", "/", "neg", "d/d")))
        if form == "neg":
            return S.Unary("-", sub("real"))
        if form == "d/d":
            return S.Binary("/", sub("duration"), sub("duration"))
        if form == "/":
            return S.Binary(
                "/", sub(draw(st.sampled_from(("int", "real")))), sub(draw(st.sampled_from(("int", "real"))))
            )
        return S.Binary(form, sub("real"), sub(draw(st.sampled_from(("int", "real")))))
    if sort == "date":
        form = draw(st.sampled_from(("+", "-", "d+", "day_of")))
        if form == "day_of":
            return S.Call("day_of", (sub("Reason"),))
        step = draw(_durations(whole=True)) if whole else sub("duration")
        if form == "d+":
            return S.Binary("+", step, sub("date", whole))
        return S.Binary(form, sub("date", whole), step)
    return attrs.evolve(draw(st.sampled_from(leaves)))  # an entity sort: a constant, a member or a variable


@st.composite
def sorted_formulas(draw: st.DrawFn, sort: str = "bool", max_depth: int = 3) -> S.Expr:
    """A formula of checker sort ``sort`` over ``SORTED_VOCABULARY`` that must resolve (and encode)."""
    return draw(_sorted(sort=sort, depth=max_depth))


# Arithmetic that has no sort, by (op, sort of the left, sort of the right, the side at fault):
# the operand at fault is the one the README's table blames.
_ILL_ARITH = (
    ("+", "date", "int", 1),
    ("+", "date", "real", 1),
    ("-", "date", "int", 1),
    ("+", "int", "date", 0),
    ("+", "date", "date", 1),
    ("-", "int", "date", 1),
    ("-", "duration", "date", 1),
    ("*", "date", "int", 0),
    ("*", "duration", "date", 1),
    ("/", "date", "int", 0),
    ("/", "int", "date", 1),
    ("*", "duration", "duration", 1),
    ("/", "int", "duration", 1),
    ("/", "real", "duration", 1),
    ("+", "int", "bool", 1),
    ("-", "Country", "int", 0),
    ("*", "real", "Reason", 1),
    ("+", "bool", "date", 0),
)


@st.composite
def ill_sorted_formulas(draw: st.DrawFn, max_depth: int = 2) -> tuple[S.Expr, S.Expr]:
    """A statement with one operand of a wrong sort, and that operand (the node ``sort-mismatch`` must point at).

    The rest is well sorted, so the planted operand is the only problem. In a
    comparison both sides are at fault alike: the table blames a literal rather
    than a declared name, else the right side.
    """

    def good(s: str, whole: bool = False) -> S.Expr:
        return draw(_sorted(sort=s, depth=max_depth, whole=whole))

    def wrong(*not_these: str) -> S.Expr:
        return good(draw(st.sampled_from([s for s in SORTS if s not in not_these])))

    form = draw(
        st.sampled_from(
            (
                "statement",
                "not",
                "logic",
                "quant",
                "compare",
                "order",
                "quantity",
                "bound",
                "month",
                "arith",
                "neg",
                "arg",
                "arg-fraction",
            )
        )
    )
    planted: S.Expr
    if form == "statement":
        planted = wrong("bool")
        tree: S.Expr = planted
    elif form == "not":
        planted = wrong("bool")
        tree = S.Unary("not", planted)
    elif form == "logic":
        planted = wrong("bool")
        op = draw(st.sampled_from(("and", "or", "xor", "implies", "iff")))
        tree = S.Binary(op, planted, good("bool")) if draw(st.booleans()) else S.Binary(op, good("bool"), planted)
    elif form == "quant":
        planted = wrong("bool")
        tree = S.Quant("forall", (("x", "Country"),), planted)
    elif form in ("compare", "order"):
        ops = ("=", "!=") if form == "compare" else ("<", "<=", ">", ">=")
        a = draw(st.sampled_from(SORTS if form == "compare" else ORDERED))
        b = draw(st.sampled_from([s for s in SORTS if not comparable(a, s)]))
        host, other = good(a), good(b)
        left, right = (host, other) if draw(st.booleans()) else (other, host)
        tree = S.Binary(draw(st.sampled_from(ops)), left, right)
        if form == "order" and b not in ORDERED:
            planted = other  # '<' first wants each side to be a number, a duration or a date
        else:
            planted = left if is_literal(left) and not is_literal(right) else right
    elif form == "quantity":
        planted = wrong(*ORDERED)
        tree = S.Quantity(
            kind=draw(st.sampled_from(("over", "at_most", "exactly"))), term=planted, bounds=(good("int"),)
        )
    elif form == "bound":
        x = draw(st.sampled_from(ORDERED))
        planted = good(draw(st.sampled_from([s for s in SORTS if not comparable(x, s)])))
        kind = draw(st.sampled_from(("between", "in_range", "over", "under", "at_least", "at_most", "exactly")))
        bounds: tuple[S.Expr, ...]
        if kind in ("between", "in_range"):
            lo = S.Name("d") if x == "date" else S.Name("n")
            bounds = (planted, good(x)) if draw(st.booleans()) else (lo, planted)
        else:
            bounds = (planted,)
        tree = S.Quantity(kind=kind, term=good(x), bounds=bounds)
    elif form == "month":
        planted = wrong("date")
        tree = S.Quantity(kind="in_month", term=planted, bounds=(), month="2016-03")
    elif form == "arith":
        op, a, b, side = draw(st.sampled_from(_ILL_ARITH))
        left, right = good(a), good(b)
        planted = right if side else left
        tree = S.Binary("=", S.Binary(op, left, right), good("int"))
    elif form == "neg":
        planted = wrong(*NUMBERS)
        tree = S.Binary("=", S.Unary("-", planted), good("int"))
    elif form == "arg":
        which, want = draw(
            st.sampled_from((("ally", "Country"), ("held_on", "date"), ("twice", "int"), ("day_of", "Reason")))
        )
        # a duration of whole days is a number of days, so it may stand for an int
        planted = wrong(want, "duration") if want == "int" else wrong(want)
        call = S.Call(which, (planted,))
        tree = (
            call if which in ("ally", "held_on") else S.Binary("=", call, good("int" if which == "twice" else "date"))
        )
    else:  # a date plus 5 months falls between two days: not a date an argument can take
        planted = S.Binary("+", S.Name("d"), S.Duration(str(draw(st.integers(1, 11))), "months"))
        tree = S.Call("held_on", (planted,))
    return tree, planted
