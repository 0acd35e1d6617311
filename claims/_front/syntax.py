"""Stage *load*, formulas: the lark grammar, the syntax tree and its printer.

The syntax tree keeps every node's place (an offset into the text it was
parsed from); equality ignores places, so ``parse(print(t)) == t`` is the
round-trip property the tests check. Sorts are not known here: ``resolve``
gives the tree its meaning.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from importlib import resources

import attrs
import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

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
    """``[timed] const|pred|func NAME, ... [(ARGS)] [: RESULT]``."""

    kind: str
    names: tuple[str, ...]
    args: tuple[str, ...]
    result: str | None
    timed: bool
    pos: int = _pos()
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
        return Num(str(ch[0]), pos, end)
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
_ITEM_ONLY = frozenset({"DECL_KIND", "CASE_KIND", "RULE", "SORT", "TIMED"})
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
    """Parse one formula; raise :class:`ParseError` with an offset on bad syntax."""
    try:
        tree = _parser().parse(text, start="start")
    except UnexpectedInput as exc:
        raise _parse_error(exc, text) from None
    _check_depth(tree)
    return _build(tree)


def parse_items(text: str) -> tuple[Item, ...]:
    """Parse a rule file or declarations block into declarations and rules."""
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
            timed = False
            toks: list[lark.Token] = []
            sig: lark.Tree[lark.Token] | None = None
            for c in ch:
                if isinstance(c, lark.Token):
                    if c.type == "TIMED":
                        timed = True
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


def offset_to_place(text: str) -> Callable[[int], tuple[int, int]]:
    """Return a function mapping an offset in ``text`` to (1-based line, 0-based column)."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def place(offset: int) -> tuple[int, int]:
        import bisect

        offset = max(0, min(offset, len(text)))
        i = bisect.bisect_right(starts, offset) - 1
        return i + 1, offset - starts[i]

    return place
