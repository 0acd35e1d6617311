"""Stage *load*, formulas: the lark grammar, the syntax tree and its printer.

The syntax tree keeps every node's place (an offset into the text it was
parsed from); equality ignores places, so ``parse(print(t)) == t`` is the
round-trip property the tests check. Sorts are not known here: ``resolve``
gives the tree its meaning.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

import attrs
import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from claims._front.lalr import Driver, NotParsed
from claims._front.parsers import kept_parser

# --------------------------------------------------------------------------- nodes


def _pos() -> int:
    return attrs.field(default=-1, eq=False, repr=False)


@attrs.frozen
class Name:
    """A constant or variable, optionally at an explicit date (``x@2016-03-14``)."""

    name: str
    at: str | None = None
    pos: int = _pos()
    end: int = _pos()


@attrs.frozen
class Call:
    """A predicate or function applied to arguments."""

    name: str
    args: tuple[Expr, ...]
    at: str | None = None
    pos: int = _pos()
    end: int = _pos()


@attrs.frozen
class Num:
    """A decimal number literal, kept as written."""

    text: str
    pos: int = _pos()
    end: int = _pos()


def number_text(tokens: Sequence[str]) -> str:
    """The canonical text of a number as written: ``53,000``, ``4.9 million``, ``40%``, ``40 percent``, ``a third``.

    Separators and digits stay as written; words are joined by one space
    (``%`` is written against its number). Its value is read by the resolve
    stage (``claims._front.resolve.number_value``).
    """
    out = ""
    for token in tokens:
        t = " ".join(token.split())
        out = out + t if (t == "%" or not out) else f"{out} {t}"
    return out


@attrs.frozen
class DateLit:
    """A date literal ``YYYY-MM-DD``."""

    text: str
    pos: int = _pos()
    end: int = _pos()


@attrs.frozen
class Duration:
    """A duration such as ``5 months``; the unit is normalised to its plural."""

    amount: str
    unit: str
    pos: int = _pos()
    end: int = _pos()


@attrs.frozen
class BoolLit:
    """``true`` or ``false``."""

    value: bool
    pos: int = _pos()
    end: int = _pos()


@attrs.frozen
class Unary:
    """``not x`` or ``-x``."""

    op: str
    arg: Expr
    pos: int = _pos()
    end: int = _pos()


@attrs.frozen
class Binary:
    """A binary connective, comparison or arithmetic operation (canonical ASCII op)."""

    op: str
    left: Expr
    right: Expr
    pos: int = _pos()
    end: int = _pos()


@attrs.frozen
class Quant:
    """``forall``/``exists`` over typed variables (``sort`` is None in the FOLIO dialect)."""

    kind: str
    binders: tuple[tuple[str, str | None], ...]
    body: Expr
    pos: int = _pos()
    end: int = _pos()


@attrs.frozen(kw_only=True)
class Quantity:
    """A quantity as news reports write it: ``x is about 1000``, ``d in 2015-11``.

    ``kind`` is one of ``between about over under at_least at_most exactly
    in_month in_range``; ``bounds`` are the expressions (none for a month).
    """

    kind: str
    term: Expr
    bounds: tuple[Expr, ...] = ()
    month: str | None = None
    pos: int = _pos()
    end: int = _pos()


Expr = Name | Call | Num | DateLit | Duration | BoolLit | Unary | Binary | Quant | Quantity


# Declarations and rules (the items of a .rules file or a declarations block).


@attrs.frozen
class SortDecl:
    name: str
    members: tuple[str, ...] | None
    pos: int = _pos()
    member_pos: tuple[int, ...] = attrs.field(default=(), eq=False, repr=False)


@attrs.frozen(kw_only=True)
class SymDecl:
    """``[timed] [persistent] const|pred|func NAME, ... [(ARGS)] [: RESULT]``."""

    kind: str
    names: tuple[str, ...]
    args: tuple[str, ...]
    result: str | None
    timed: bool
    pos: int = _pos()
    persistent: bool = False
    name_pos: tuple[int, ...] = attrs.field(default=(), eq=False, repr=False)
    sort_pos: tuple[int, ...] = attrs.field(default=(), eq=False, repr=False)


@attrs.frozen
class RuleCase:
    kind: str  # "example" | "forbids" | "possible"
    formula: Expr
    pos: int = _pos()


@attrs.frozen
class RuleDecl:
    id: str
    description: str
    formula: Expr
    cases: tuple[RuleCase, ...]
    pos: int = _pos()


Item = SortDecl | SymDecl | RuleDecl

# --------------------------------------------------------------------------- parser

_CANON = {
    "¬": "not",
    "∧": "and",
    "∨": "or",
    "→": "implies",
    "->": "implies",
    "↔": "iff",
    "<->": "iff",
    "⊕": "xor",
    "≠": "!=",
    "≤": "<=",
    "≥": ">=",
    "∀": "forall",
    "∃": "exists",
}
_UNITS = {
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
    "hour": "hours",
    "hours": "hours",
}
_QUANTITY_KINDS = {
    "q_between": "between",
    "q_about": "about",
    "q_over": "over",
    "q_under": "under",
    "q_at_least": "at_least",
    "q_at_most": "at_most",
    "q_exactly": "exactly",
}
_BINARY_RULES = {"iff", "implies", "xor", "disj", "conj", "comparison", "sum", "product"}


def _canon(op: str) -> str:
    return _CANON.get(op, op)


class ParseError(Exception):
    """A syntax error at ``pos`` (offset into the parsed text), with an optional hint."""

    def __init__(self, message: str, pos: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.hint = hint


@functools.cache
def _parser() -> lark.Lark:
    grammar = resources.files("claims._front").joinpath("claims.lark").read_text("utf-8")
    return lark.Lark(grammar, parser="lalr", start=["start", "ruleset"], propagate_positions=True)


def _span(tree: lark.Tree[lark.Token] | lark.Token) -> tuple[int, int]:
    if isinstance(tree, lark.Token):
        return tree.start_pos or 0, tree.end_pos or 0
    meta = tree.meta
    if getattr(meta, "empty", True):
        return -1, -1
    return meta.start_pos, meta.end_pos


def _build(tree: lark.Tree[lark.Token] | lark.Token) -> Expr:
    """Build an expression node from a lark (sub)tree."""
    if isinstance(tree, lark.Token):  # pragma: no cover - grammar wraps tokens
        raise AssertionError(f"bare token {tree!r}")
    pos, end = _span(tree)
    data = str(tree.data)
    ch = tree.children
    if data in ("start",):
        return _build(ch[0])
    if data == "number":
        return Num(number_text([str(t) for t in ch]), pos, end)
    if data == "part_of":
        part = ch[0]
        left = Num(number_text([str(part)]), *_span(part)) if isinstance(part, lark.Token) else _build(part)
        return Binary("of", left, _build(ch[1]), pos, end)
    if data == "date":
        return DateLit(str(ch[0]), pos, end)
    if data == "duration":
        return Duration(str(ch[0]), _UNITS[str(ch[1])], pos, end)
    if data == "true":
        return BoolLit(True, pos, end)
    if data == "false":
        return BoolLit(False, pos, end)
    if data == "name":
        at = _time_index(ch[1]) if len(ch) > 1 else None
        return Name(str(ch[0]), at, pos, end)
    if data == "call":
        at = None
        args_raw = list(ch[1:])
        if args_raw and isinstance(args_raw[-1], lark.Tree) and args_raw[-1].data == "time_index":
            at = _time_index(args_raw.pop())
        return Call(str(ch[0]), tuple(_build(a) for a in args_raw), at, pos, end)
    if data == "not_":
        return Unary("not", _build(ch[1]), pos, end)
    if data == "negate":
        return Unary("-", _build(ch[1]), pos, end)
    if data == "quantified":
        kind = _canon(str(ch[0]))
        binders = []
        for b in ch[1:-1]:
            assert isinstance(b, lark.Tree)
            var = str(b.children[0])
            sort_tree = b.children[1]
            assert isinstance(sort_tree, lark.Tree)
            binders.append((var, str(sort_tree.children[0])))
        return Quant(kind, tuple(binders), _build(ch[-1]), pos, end)
    if data == "quantity_cmp":
        q = ch[1]
        assert isinstance(q, lark.Tree)
        kind = _QUANTITY_KINDS[str(q.data)]
        bounds = tuple(_build(b) for b in q.children if isinstance(b, lark.Tree))
        return Quantity(kind=kind, term=_build(ch[0]), bounds=bounds, month=None, pos=pos, end=end)
    if data == "in_month":
        return Quantity(kind="in_month", term=_build(ch[0]), bounds=(), month=str(ch[1]), pos=pos, end=end)
    if data == "in_range":
        return Quantity(
            kind="in_range", term=_build(ch[0]), bounds=(_build(ch[1]), _build(ch[2])), month=None, pos=pos, end=end
        )
    if data in _BINARY_RULES:
        # a flat, left-associative chain "a op b op c", except implies (right-assoc)
        left = _build(ch[0])
        i = 1
        while i < len(ch):
            op = _canon(str(ch[i]))
            right = _build(ch[i + 1])
            lpos = left.pos if left.pos >= 0 else pos
            left = Binary(op, left, right, lpos, right.end)
            i += 2
        return left
    raise AssertionError(f"unhandled grammar rule {data!r}")  # pragma: no cover


def _time_index(t: object) -> str:
    assert isinstance(t, lark.Tree)
    return str(t.children[0])


_TOKEN_NAMES = {
    "AND_OP": "'and'",
    "OR_OP": "'or'",
    "XOR_OP": "'xor'",
    "IMPLIES_OP": "'implies'",
    "IFF_OP": "'iff'",
    "NOT_OP": "'not'",
    "CMP_OP": "a comparison",
    "ADD_OP": "'+' or '-'",
    "MUL_OP": "'*' or '/'",
    "MINUS": "'-'",
    "NAME": "a name",
    "NUMBER": "a number",
    "DATE": "a date (YYYY-MM-DD)",
    "MONTH": "a month (YYYY-MM)",
    "UNIT": "a unit",
    "SCALE": "'thousand', 'million', 'billion' or 'trillion'",
    "PERCENT": "'%' or 'percent'",
    "FRACTION": "a fraction ('half of', 'a third of', ...)",
    "STRING": "a quoted description",
    "RULE_ID": "a rule id",
    "QUANTIFIER": "'forall' or 'exists'",
    "LPAR": "'('",
    "RPAR": "')'",
    "COLON": "':'",
    "COMMA": "','",
    "DOT": "'.'",
    "$END": "the end of the formula",
    "IS": "'is'",
    "IN": "'in'",
    "AT": "'at'",
    "TIMED": "'timed'",
    "PERSISTENT": "'persistent'",
    "DECL_KIND": "'const', 'pred' or 'func'",
    "CASE_KIND": "'example', 'forbids' or 'possible'",
    "RULE": "'rule'",
    "SORT": "'sort'",
    "EQUAL": "'='",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "TRUE": "'true'",
    "FALSE": "'false'",
    "BETWEEN": "'between'",
    "ABOUT": "'about'",
}
_KEYWORDS = frozenset(
    [
        "forall",
        "exists",
        "not",
        "and",
        "or",
        "implies",
        "iff",
        "xor",
        "is",
        "in",
        "between",
        "about",
        "over",
        "under",
        "more",
        "less",
        "fewer",
        "than",
        "at",
        "least",
        "most",
        "exactly",
        "true",
        "false",
        "rule",
        "sort",
        "const",
        "pred",
        "func",
        "timed",
        "example",
        "forbids",
    ]
)


# Terminals that only a rule file can hold: an LALR state shared with rule files
# lists them as expected after a formula, where they could never be right.
_ITEM_ONLY = frozenset({"DECL_KIND", "CASE_KIND", "RULE", "SORT", "TIMED", "PERSISTENT"})
_INFIX_KEYWORDS = frozenset({"and", "or", "xor", "implies", "iff", "is", "in"})


def _token_name(terminal: str) -> str:
    if terminal in _TOKEN_NAMES:
        return _TOKEN_NAMES[terminal]
    # lark names a literal of the grammar __ANON_n ('..', '@'): show the literal
    pattern = next((t.pattern for t in _parser().terminals if t.name == terminal), None)
    if isinstance(pattern, lark.lexer.PatternStr):
        return f"'{pattern.value}'"
    return f"'{terminal.lower()}'"


def _describe_expected(expected: set[str], formula: bool = True) -> str:
    if formula and expected - _ITEM_ONLY:
        expected = expected - _ITEM_ONLY
    if "NUMBER" in expected:  # 'half of', 'a third of' are numbers too: "a number" says it
        expected = expected - {"FRACTION"}
    # "a name", "a number", ... first: they are what is missing most often
    names = sorted({_token_name(e) for e in expected}, key=lambda n: (n.startswith("'"), n))
    if not formula:
        names = [n.replace("the end of the formula", "the end of the text") for n in names]
    if len(names) > 6:
        names = names[:6] + ["..."]
    return ", ".join(names)


_NO_QUOTES = "a formula has no quoted text: write names bare, as in 'leader(russia)'"


def _parse_error(exc: UnexpectedInput, text: str, formula: bool = True) -> ParseError:
    hint = None
    what = "the formula" if formula else "the text"
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        pos = tok.start_pos if tok.start_pos is not None else len(text)
        if tok.type == "$END":
            msg = f"{what} ends too early"
            pos = len(text.rstrip())
        else:
            msg = f"unexpected '{tok}'"
        msg += f"; expected {_describe_expected(set(exc.expected), formula)}"
        if str(tok) in _INFIX_KEYWORDS and "NAME" in exc.expected and len(exc.expected) > 1:
            # an operand was expected, so this is not a keyword used as a name
            hint = f"something is missing before this '{tok}' (is an operator written twice?)"
        elif str(tok) in _KEYWORDS and "NAME" in exc.expected:
            hint = f"'{tok}' is a keyword of the formula language and cannot be used as a name"
        elif str(tok) == "=" and "CMP_OP" not in exc.expected:
            hint = "a comparison cannot be chained; use 'and' between two comparisons"
        elif tok.type == "STRING" and formula:
            hint = _NO_QUOTES
        return ParseError(msg, pos, hint)
    if isinstance(exc, UnexpectedCharacters):
        at = exc.pos_in_stream or 0
        ch = text[at] if at < len(text) else ""
        msg = f"unexpected character {ch!r}"
        if ch == "'":
            hint = _NO_QUOTES if formula else "descriptions are written in double quotes"
        elif ch == "&":
            hint = "write 'and' (or '∧')"
        elif ch == "|":
            hint = "write 'or' (or '∨')"
        elif ch == "!":
            hint = "write 'not' (or '¬'); '!=' means 'not equal'"
        elif ch == "=" and text[at : at + 2] == "==":
            hint = "equality is a single '='"
        return ParseError(msg, at, hint)
    if isinstance(exc, UnexpectedEOF):  # pragma: no cover - LALR reports $END as a token
        return ParseError(f"{what} ends too early", len(text))
    return ParseError(str(exc), 0)  # pragma: no cover


MAX_DEPTH = 200
_NOT_NODES = frozenset(
    {
        "start",
        "ruleset",
        "rule",
        "rule_case",
        "sort_decl",
        "sym_decl",
        "signature",
        "result",
        "sort_ref",
        "binder",
        "time_index",
    }
)


def check_depth(tree: lark.Tree[lark.Token], levels: Callable[[lark.Tree[lark.Token], int], int], hint: str) -> None:
    """Refuse a formula that nests deeper than ``MAX_DEPTH``, before anything recurses over it.

    The printer, resolve and encode all walk a formula recursively, so a chain
    of 500 'and's used to end in a RecursionError. Like SQLite's "Expression
    tree is too large (maximum depth 1000)", the limit is stated in the error.
    The walk itself uses an explicit stack. ``levels(node, ops)`` says how
    many levels a node adds (``ops``: its operators, for the chains of
    ``_BINARY_RULES``); each front end has its own grammar, so its own count.
    """
    depth: dict[int, int] = {}
    stack: list[tuple[lark.Tree[lark.Token], bool]] = [(tree, False)]
    while stack:
        node, seen = stack.pop()
        kids = [c for c in node.children if isinstance(c, lark.Tree)]
        if not seen:
            stack.append((node, True))
            stack.extend((k, False) for k in kids)
            continue
        ops = len(node.children) - len(kids) if str(node.data) in _BINARY_RULES else 0
        d = max((depth[id(k)] for k in kids), default=0) + levels(node, ops)
        depth[id(node)] = d
        if d > MAX_DEPTH:
            raise ParseError(
                f"the formula nests {d} levels deep; at most {MAX_DEPTH} are allowed", _span(node)[0], hint
            )


def _levels(node: lark.Tree[lark.Token], ops: int) -> int:
    # the chain "a op b op c" of this node becomes Binary nodes nested once per operator;
    # nodes that _build folds into their parent (start, rule, q_between...) add nothing
    data = str(node.data)
    return 0 if data in _NOT_NODES or data.startswith("q_") else max(1, ops)


def _check_depth(tree: lark.Tree[lark.Token]) -> None:
    check_depth(
        tree,
        _levels,
        "group a long chain with parentheses, as in '(a and b) and (c and d)', or split it into several claims",
    )


def parse_formula(text: str) -> Expr:
    """Parse one formula; raise :class:`ParseError` with an offset on bad syntax.

    The formula is built straight from lark's LALR reductions (:class:`_Inline`),
    without a parse tree, by a lean loop over lark's tables
    (:class:`claims._front.lalr.Driver`; lark itself when the loop cannot say).
    Whatever that path does not accept as it is (a syntax
    error, a formula deeper than ``MAX_DEPTH``) is parsed again by
    :func:`parse_formula_tree`, the reference, whose error and offset are the
    ones reported.
    """
    built = _inline_parse(_formula_driver(), "start", text)  # what _Inline.start returns
    if built is None or built[3] > MAX_DEPTH:
        return parse_formula_tree(text)
    expr: Expr = built[0]
    return expr


def parse_formula_tree(text: str) -> Expr:
    """:func:`parse_formula` the slow, obvious way: lark's parse tree with positions, the depth
    checked over it (:func:`check_depth`), then the syntax tree built from it (:func:`_build`)."""
    try:
        tree = _parser().parse(text, start="start")
    except UnexpectedInput as exc:
        raise _parse_error(exc, text) from None
    _check_depth(tree)
    return _build(tree)


class FormulaMemo:
    """Formulas parsed so far, by text: one load parses each distinct formula text once.

    Exact: :func:`parse_formula` is a function of the text alone (the places in
    the tree are offsets into that text, which each claim's own locator turns
    into file, line and column), and the tree is immutable (frozen records and
    tuples), so the claims that share a text can share its tree. A text that
    does not parse is not kept: it is parsed again, and raises again, with its
    own error. The caller owns the memo, for one load.
    """

    __slots__ = ("_trees",)

    def __init__(self) -> None:
        self._trees: dict[str, Expr] = {}

    def parse(self, text: str) -> Expr:
        tree = self._trees.get(text)
        if tree is None:
            tree = self._trees[text] = parse_formula(text)
        return tree


# --------------------------------------------------------------------------- the inline builder
#
# What each reduction returns: (value, start, end, depth). ``value`` is the Expr (or the
# part of one: a binder, a time index, a quantity's words and bounds); ``start`` and ``end``
# are the offsets lark's ``propagate_positions`` gives the node's *container* (the node with
# the parentheses written around it, if any); ``depth`` is what check_depth counts for it.

_Built = tuple[Any, int, int, int]
_Child = lark.Token | _Built


def _start(c: _Child) -> int:
    return c.start_pos if isinstance(c, lark.Token) else c[1]  # type: ignore[return-value]


def _end(c: _Child) -> int:
    return c.end_pos if isinstance(c, lark.Token) else c[2]  # type: ignore[return-value]


def _built(ch: list[_Child]) -> list[_Built]:
    return [c for c in ch if not isinstance(c, lark.Token)]


def _depth(kids: list[_Built]) -> int:
    return max((k[3] for k in kids), default=0)


class _Inline:
    """lark callbacks (``keep_all_tokens``: punctuation included) that build :data:`Expr` nodes as
    :func:`parse_formula_tree` would, places and depth included, with no parse tree in between.

    Exact: a node of lark's tree, with ``propagate_positions``, starts where the
    container of its first child (token or node, punctuation included) starts and
    ends where the container of its last child ends; a node inlined by a ``?rule``
    keeps its own place, and its container grows to the parentheses around it.
    Each callback below does the same from the (container) places of its
    children, and :func:`_build`'s choices (``Binary`` from its operands' own
    places) from their values. The depth is :func:`_levels` summed the way
    :func:`check_depth` sums it. tests/cover/test_formula_fast.py checks both
    parsers against each other, places included, on generated formulas.
    """

    def start(self, ch: list[_Child]) -> _Built:
        return ch[0]  # type: ignore[return-value]

    def atom(self, ch: list[_Child]) -> _Built:  # "(" formula ")": the container grows
        x = ch[1]
        assert not isinstance(x, lark.Token)
        return x[0], _start(ch[0]), _end(ch[2]), x[3]

    def number(self, ch: list[_Child]) -> _Built:
        s, e = _start(ch[0]), _end(ch[-1])
        return Num(number_text([str(t) for t in ch]), s, e), s, e, 1

    def part_of(self, ch: list[_Child]) -> _Built:  # (number | FRACTION) "of" atom
        part, x = ch[0], ch[2]
        assert not isinstance(x, lark.Token)
        s = _start(part)
        if isinstance(part, lark.Token):
            left: Expr = Num(number_text([str(part)]), s, _end(part))
            depth = 0  # a token: no level of the tree
        else:
            left, depth = part[0], part[3]
        return Binary("of", left, x[0], s, x[2]), s, x[2], max(depth, x[3]) + 1

    def date(self, ch: list[_Child]) -> _Built:
        s, e = _start(ch[0]), _end(ch[0])
        return DateLit(str(ch[0]), s, e), s, e, 1

    def duration(self, ch: list[_Child]) -> _Built:
        s, e = _start(ch[0]), _end(ch[1])
        return Duration(str(ch[0]), _UNITS[str(ch[1])], s, e), s, e, 1

    def true(self, ch: list[_Child]) -> _Built:
        s, e = _start(ch[0]), _end(ch[0])
        return BoolLit(True, s, e), s, e, 1

    def false(self, ch: list[_Child]) -> _Built:
        s, e = _start(ch[0]), _end(ch[0])
        return BoolLit(False, s, e), s, e, 1

    def time_index(self, ch: list[_Child]) -> _Built:
        return str(ch[1]), _start(ch[0]), _end(ch[1]), 0

    def sort_ref(self, ch: list[_Child]) -> _Built:
        return str(ch[0]), _start(ch[0]), _end(ch[0]), 0

    def binder(self, ch: list[_Child]) -> _Built:
        sort = ch[2]
        assert not isinstance(sort, lark.Token)
        return (str(ch[0]), sort[0]), _start(ch[0]), sort[2], sort[3]

    def name(self, ch: list[_Child]) -> _Built:
        s, e = _start(ch[0]), _end(ch[-1])
        at = ch[1][0] if len(ch) > 1 else None
        return Name(str(ch[0]), at, s, e), s, e, _depth(_built(ch)) + 1

    def call(self, ch: list[_Child]) -> _Built:
        s, e = _start(ch[0]), _end(ch[-1])
        kids = _built(ch)
        at = None
        if not isinstance(ch[-1], lark.Token):  # NAME "(" sum ("," sum)* ")" time_index
            at = ch[-1][0]
            args = kids[:-1]
        else:
            args = kids
        return Call(str(ch[0]), tuple(a[0] for a in args), at, s, e), s, e, _depth(kids) + 1

    def not_(self, ch: list[_Child]) -> _Built:
        x = ch[1]
        assert not isinstance(x, lark.Token)
        s, e = _start(ch[0]), x[2]
        return Unary("not", x[0], s, e), s, e, x[3] + 1

    def negate(self, ch: list[_Child]) -> _Built:
        x = ch[1]
        assert not isinstance(x, lark.Token)
        s, e = _start(ch[0]), x[2]
        return Unary("-", x[0], s, e), s, e, x[3] + 1

    def quantified(self, ch: list[_Child]) -> _Built:
        kids = _built(ch)
        body = kids[-1]
        s, e = _start(ch[0]), body[2]
        binders = tuple(b[0] for b in kids[:-1])
        return Quant(_canon(str(ch[0])), binders, body[0], s, e), s, e, _depth(kids) + 1

    def quantity_cmp(self, ch: list[_Child]) -> _Built:
        term, q = ch[0], ch[2]
        assert not isinstance(term, lark.Token) and not isinstance(q, lark.Token)
        kind, bounds = q[0]
        s, e = term[1], q[2]
        node = Quantity(kind=kind, term=term[0], bounds=bounds, month=None, pos=s, end=e)
        return node, s, e, max(term[3], q[3]) + 1

    def _q(self, kind: str, ch: list[_Child]) -> _Built:
        kids = _built(ch)
        return (kind, tuple(b[0] for b in kids)), _start(ch[0]), _end(ch[-1]), _depth(kids)

    def q_between(self, ch: list[_Child]) -> _Built:
        return self._q("between", ch)

    def q_about(self, ch: list[_Child]) -> _Built:
        return self._q("about", ch)

    def q_over(self, ch: list[_Child]) -> _Built:
        return self._q("over", ch)

    def q_under(self, ch: list[_Child]) -> _Built:
        return self._q("under", ch)

    def q_at_least(self, ch: list[_Child]) -> _Built:
        return self._q("at_least", ch)

    def q_at_most(self, ch: list[_Child]) -> _Built:
        return self._q("at_most", ch)

    def q_exactly(self, ch: list[_Child]) -> _Built:
        return self._q("exactly", ch)

    def in_month(self, ch: list[_Child]) -> _Built:
        term = ch[0]
        assert not isinstance(term, lark.Token)
        s, e = term[1], _end(ch[2])
        node = Quantity(kind="in_month", term=term[0], bounds=(), month=str(ch[2]), pos=s, end=e)
        return node, s, e, term[3] + 1

    def in_range(self, ch: list[_Child]) -> _Built:
        kids = _built(ch)
        s, e = kids[0][1], kids[2][2]
        node = Quantity(kind="in_range", term=kids[0][0], bounds=(kids[1][0], kids[2][0]), month=None, pos=s, end=e)
        return node, s, e, _depth(kids) + 1

    def _chain(self, ch: list[_Child]) -> _Built:
        # "a op b op c": Binary nodes nested once per operator, each from its operands' own places
        first = ch[0]
        assert not isinstance(first, lark.Token)
        left: Expr = first[0]
        depth = first[3]
        for i in range(1, len(ch), 2):
            r = ch[i + 1]
            assert not isinstance(r, lark.Token)
            right: Expr = r[0]
            left = Binary(_canon(str(ch[i])), left, right, left.pos, right.end)
            depth = max(depth, r[3])
        last = ch[-1]
        assert not isinstance(last, lark.Token)
        return left, first[1], last[2], depth + max(1, len(ch) // 2)

    iff = implies = xor = disj = conj = comparison = sum = product = _chain

    # the items of a rule file or declarations block (which add no depth of their own)

    def ruleset(self, ch: list[_Child]) -> _Built:
        kids = _built(ch)
        return tuple(k[0] for k in kids), 0, 0, _depth(kids)

    def sort_decl(self, ch: list[_Child]) -> _Built:  # "sort" NAME ("=" "{" NAME ("," NAME)* "}")?
        names = [c for c in ch if isinstance(c, lark.Token) and c.type == "NAME"]
        members = tuple(str(m) for m in names[1:]) if len(names) > 1 else None
        decl = SortDecl(str(names[0]), members, names[0].start_pos or 0, tuple(m.start_pos or 0 for m in names[1:]))
        return decl, _start(ch[0]), _end(ch[-1]), 0

    def result(self, ch: list[_Child]) -> _Built:  # ":" sort_ref
        ref = ch[1]
        assert not isinstance(ref, lark.Token)
        return ("result", ref[0], ref[1]), _start(ch[0]), ref[2], 0

    def signature(self, ch: list[_Child]) -> _Built:
        # each sort it names: ("arg" or "result", the sort, where its sort_ref starts)
        parts = [("arg", k[0], k[1]) if isinstance(k[0], str) else k[0] for k in _built(ch)]
        return parts, _start(ch[0]), _end(ch[-1]), 0

    def sym_decl(self, ch: list[_Child]) -> _Built:  # TIMED? PERSISTENT? DECL_KIND NAME ("," NAME)* signature?
        timed = any(isinstance(c, lark.Token) and c.type == "TIMED" for c in ch)
        persistent = any(isinstance(c, lark.Token) and c.type == "PERSISTENT" for c in ch)
        toks = [c for c in ch if isinstance(c, lark.Token) and c.type in ("DECL_KIND", "NAME")]
        kids = _built(ch)
        args: list[str] = []
        sort_pos: list[int] = []
        result: str | None = None
        for what, sort, at in kids[0][0] if kids else ():
            if what == "result":
                result = sort
            else:
                args.append(sort)
            sort_pos.append(at)
        decl = SymDecl(
            kind=str(toks[0]),
            names=tuple(str(n) for n in toks[1:]),
            args=tuple(args),
            result=result,
            timed=timed,
            persistent=persistent,
            pos=toks[0].start_pos or 0,
            name_pos=tuple(n.start_pos or 0 for n in toks[1:]),
            sort_pos=tuple(sort_pos),
        )
        return decl, _start(ch[0]), _end(ch[-1]), 0

    def rule_case(self, ch: list[_Child]) -> _Built:  # CASE_KIND ":" formula
        f = ch[2]
        assert not isinstance(f, lark.Token)
        return RuleCase(str(ch[0]), f[0], _start(ch[0])), _start(ch[0]), f[2], f[3]

    def rule(self, ch: list[_Child]) -> _Built:  # "rule" RULE_ID ":" STRING formula rule_case*
        rid, desc = ch[1], ch[3]
        assert isinstance(rid, lark.Token) and isinstance(desc, lark.Token)
        kids = _built(ch)
        decl = RuleDecl(str(rid), _unquote(str(desc)), kids[0][0], tuple(k[0] for k in kids[1:]), rid.start_pos or 0)
        return decl, _start(ch[0]), _end(ch[-1]), _depth(kids)


@functools.cache
def _inline_parser() -> lark.Lark:
    grammar = resources.files("claims._front").joinpath("claims.lark").read_text("utf-8")
    return kept_parser(grammar, _Inline(), parser="lalr", start=["start", "ruleset"], keep_all_tokens=True)


@functools.cache
def _formula_driver() -> Driver:
    return Driver(_inline_parser(), "start")


@functools.cache
def _items_driver() -> Driver:
    return Driver(_inline_parser(), "ruleset")


def _inline_parse(driver: Driver, start: str, text: str) -> Any:
    """What lark's inline parse from ``start`` returns for ``text`` (by ``driver`` when it can say), or None
    when lark finds no parse."""
    try:
        return driver.parse(text)
    except NotParsed:
        try:
            return _inline_parser().parse(text, start=start)
        except UnexpectedInput:
            return None


def prepare_parser() -> None:
    """Build the parser of formulas and declarations now (a process about to fork hands it to its children)."""
    _formula_driver()
    _items_driver()


def parse_items(text: str) -> tuple[Item, ...]:
    """Parse a rule file or declarations block into declarations and rules.

    Built straight from lark's reductions, as :func:`parse_formula` is (by the
    same lean loop over lark's tables); a syntax
    error or a formula over ``MAX_DEPTH`` is parsed again by :func:`parse_items_tree`,
    the reference, whose error and offset are the ones reported.
    """
    built = _inline_parse(_items_driver(), "ruleset", text)  # what _Inline.ruleset returns
    if built is None or built[3] > MAX_DEPTH:
        return parse_items_tree(text)
    items: tuple[Item, ...] = built[0]
    return items


def parse_items_tree(text: str) -> tuple[Item, ...]:
    """:func:`parse_items` the slow, obvious way: lark's parse tree with positions, then the items."""
    try:
        tree = _parser().parse(text, start="ruleset")
    except UnexpectedInput as exc:
        raise _parse_error(exc, text, formula=False) from None
    _check_depth(tree)
    items: list[Item] = []
    for node in tree.children:
        assert isinstance(node, lark.Tree)
        data = str(node.data)
        ch = node.children
        if data == "sort_decl":
            names = [c for c in ch if isinstance(c, lark.Token)]
            members = tuple(str(m) for m in names[1:]) if len(names) > 1 else None
            items.append(
                SortDecl(str(names[0]), members, names[0].start_pos or 0, tuple(m.start_pos or 0 for m in names[1:]))
            )
        elif data == "sym_decl":
            timed = persistent = False
            toks: list[lark.Token] = []
            sig: lark.Tree[lark.Token] | None = None
            for c in ch:
                if isinstance(c, lark.Token):
                    if c.type == "TIMED":
                        timed = True
                    elif c.type == "PERSISTENT":
                        persistent = True
                    else:
                        toks.append(c)
                else:
                    sig = c
            kind = str(toks[0])
            names_t = toks[1:]
            args: list[str] = []
            sort_pos: list[int] = []
            result: str | None = None
            if sig is not None:
                for r in sig.children:
                    assert isinstance(r, lark.Tree)
                    if r.data == "result":
                        ref = r.children[0]
                        assert isinstance(ref, lark.Tree)
                        result = str(ref.children[0])
                        sort_pos.append(_span(ref)[0])
                    else:
                        args.append(str(r.children[0]))
                        sort_pos.append(_span(r)[0])
            items.append(
                SymDecl(
                    kind=kind,
                    names=tuple(str(n) for n in names_t),
                    args=tuple(args),
                    result=result,
                    timed=timed,
                    persistent=persistent,
                    pos=toks[0].start_pos or 0,
                    name_pos=tuple(n.start_pos or 0 for n in names_t),
                    sort_pos=tuple(sort_pos),
                )
            )
        elif data == "rule":
            rid = ch[0]
            desc_tok = ch[1]
            assert isinstance(rid, lark.Token) and isinstance(desc_tok, lark.Token)
            formula = _build(ch[2])
            cases = []
            for c in ch[3:]:
                assert isinstance(c, lark.Tree)
                cases.append(RuleCase(str(c.children[0]), _build(c.children[1]), _span(c)[0]))
            items.append(RuleDecl(str(rid), _unquote(str(desc_tok)), formula, tuple(cases), rid.start_pos or 0))
        else:  # pragma: no cover
            raise AssertionError(data)
    return tuple(items)


def _unquote(s: str) -> str:
    body = s[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


# --------------------------------------------------------------------------- printer

_PREC = {
    "iff": 1,
    "implies": 2,
    "xor": 3,
    "or": 4,
    "and": 5,
    "=": 7,
    "!=": 7,
    "<": 7,
    "<=": 7,
    ">": 7,
    ">=": 7,
    "+": 8,
    "-": 8,
    "*": 9,
    "of": 11,  # "P of X" is an atom of the grammar
    "/": 9,
}
_LEFT_ASSOC = {"xor", "or", "and", "+", "-", "*", "/"}


def _prec(e: Expr) -> int:
    if isinstance(e, Binary):
        return _PREC[e.op]
    if isinstance(e, Quant):
        return 0
    if isinstance(e, Quantity):
        return 7
    if isinstance(e, Unary):
        return 6 if e.op == "not" else 10
    return 11


def to_text(e: Expr) -> str:
    """Print a formula in canonical ASCII syntax, with the fewest parentheses that keep its tree."""
    return _print(e, top=True)


def _wrap(s: str) -> str:
    return f"({s})"


def _print(e: Expr, top: bool = False) -> str:
    if isinstance(e, Name):
        return e.name + (f"@{e.at}" if e.at else "")
    if isinstance(e, Call):
        # an argument is a `sum` in the grammar: `p((x > 3))`, since `p(x > 3)` does not parse
        args = ", ".join(_operand(a, 8, False) for a in e.args)
        return f"{e.name}({args})" + (f"@{e.at}" if e.at else "")
    if isinstance(e, Num):
        return e.text
    if isinstance(e, DateLit):
        return e.text
    if isinstance(e, Duration):
        return f"{e.amount} {e.unit}"
    if isinstance(e, BoolLit):
        return "true" if e.value else "false"
    if isinstance(e, Quant):
        binders = ", ".join(f"{v}: {s}" for v, s in e.binders)
        s = f"{e.kind} {binders}. {_print(e.body, top=True)}"
        return s if top else _wrap(s)
    if isinstance(e, Unary):
        inner = _print(e.arg)
        need = _prec(e.arg) < _prec(e) and not isinstance(e.arg, Quant)
        if e.op == "-":
            need = _prec(e.arg) < 10 and not isinstance(e.arg, Quant)
            # "- -1" must not print as "--1"
            return "-" + (_wrap(inner) if need else (" " + inner if inner.startswith("-") else inner))
        return "not " + (_wrap(inner) if need else inner)
    if isinstance(e, Quantity):
        term = _operand(e.term, 8, False)
        b = [_operand(x, 8, False) for x in e.bounds]
        if e.kind == "in_month":
            return f"{term} in {e.month}"
        if e.kind == "in_range":
            return f"{term} in {b[0]}..{b[1]}"
        words = {
            "between": f"between {b[0]} and {b[1]}" if e.kind == "between" else "",
            "about": f"about {b[0]}" if b else "",
            "over": f"over {b[0]}" if b else "",
            "under": f"under {b[0]}" if b else "",
            "at_least": f"at least {b[0]}" if b else "",
            "at_most": f"at most {b[0]}" if b else "",
            "exactly": f"exactly {b[0]}" if b else "",
        }
        return f"{term} is {words[e.kind]}"
    if isinstance(e, Binary):
        p = _PREC[e.op]
        if e.op == "of":  # a part of an atom: "40% of voters", "half of (x + y)"
            return f"{_print(e.left)} of {_operand(e.right, p, False)}"
        if e.op == "implies":
            left = _operand(e.left, p + 1, False)
            right = _operand(e.right, p, True)
        elif e.op in _LEFT_ASSOC:
            left = _operand(e.left, p, False)
            right = _operand(e.right, p + 1, False)
        else:  # iff and comparisons do not chain
            left = _operand(e.left, p + 1, False)
            right = _operand(e.right, p + 1, False)
        return f"{left} {e.op} {right}"
    raise AssertionError(e)  # pragma: no cover


def _operand(e: Expr, min_prec: int, quant_ok: bool) -> str:
    s = _print(e)
    if isinstance(e, Quant):
        return s  # already parenthesised
    if _prec(e) < min_prec:
        return _wrap(s)
    return s


class TextPlaces:
    """Maps an offset in a text to (1-based line, 0-based column).

    The line starts are found on the first question (most texts are never
    asked), and it is a plain object, not a closure, so whatever holds one (a
    parsed claim file) can be pickled: a parallel load sends parsed files
    from worker processes (``claims._run.loader``).
    """

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None

    def __call__(self, offset: int) -> tuple[int, int]:
        starts = self._starts
        if starts is None:
            starts = self._starts = [0] + [m.end() for m in re.finditer("\n", self._text)]
        offset = max(0, min(offset, len(self._text)))
        i = bisect.bisect_right(starts, offset) - 1
        return i + 1, offset - starts[i]

    def __getstate__(self) -> tuple[str, None]:
        return self._text, None  # the line starts are found again when asked

    def __setstate__(self, state: tuple[str, None]) -> None:
        self._text, self._starts = state


def offset_to_place(text: str) -> Callable[[int], tuple[int, int]]:
    """Return a function mapping an offset in ``text`` to (1-based line, 0-based column)."""
    return TextPlaces(text)
