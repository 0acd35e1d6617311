"""Stage *resolve*: syntax into a typed, checked :class:`~claims._front.model.Dataset`.

Every name is looked up, every sort checked (the README's table of sorts is
the rule, :class:`Typer` the code), every quantity turned into plain
comparisons (``about N`` uses the ``about_tolerance`` of the claim's own file;
rules use the default). Problems become diagnostics with places and "did you
mean" hints; all of them are reported.
"""

from __future__ import annotations

import datetime
import itertools
import operator
import re
from collections.abc import Iterable, Sequence
from fractions import Fraction

import attrs

from claims._base import errors as E
from claims._base.errors import DiagnosticSink, Span, did_you_mean
from claims._base.text import plural
from claims._front import syntax as S
from claims._front.claimfile import RawFile, month_bounds
from claims._front.inputs import Locator
from claims._front.model import (
    BUILTIN_SORTS,
    DEFAULT_TOLERANCE,
    ROW,
    SCOPE_MARK,
    Claim,
    Context,
    Dataset,
    FileScope,
    Head,
    Kept,
    Row,
    Rule,
    SortInfo,
    Source,
    Symbol,
    TApp,
    Template,
    Term,
    TLit,
    TMember,
    TOp,
    TQuant,
    TVar,
    Uses,
    head_of,
    plain,
    relates_days,
    row_of,
    span_of,
    uses_context_time,
)
from claims._front.rulesets import RawRuleSet

DAYS_PER_UNIT = {
    "days": Fraction(1),
    "weeks": Fraction(7),
    "months": Fraction("30.436875"),
    "years": Fraction("365.2425"),
    "hours": Fraction(1, 24),
}
_LOGIC = {"and", "or", "xor", "implies", "iff"}
_ORDER = {"<", "<=", ">", ">="}
_ARITH_OPS = {"+", "-", "*", "/"}


class _Failed(Exception):
    """Raised inside the typer after a diagnostic was recorded, to abandon one formula."""


@attrs.define(kw_only=True, eq=False)
class Vocabulary:
    """Sorts and symbols, built from rule sets and declaration blocks (:meth:`declare_items`)."""

    sink: DiagnosticSink
    # keyed by the name the user writes; values carry the internal name
    sorts: dict[str, SortInfo] = attrs.Factory(dict)
    symbols: dict[str, Symbol] = attrs.Factory(dict)
    members: dict[str, str] = attrs.Factory(dict)  # enum member -> its sort's internal name
    member_names: dict[str, str] = attrs.Factory(dict)  # enum member -> its internal name
    scope: str = ""  # set for a claim file's own declarations
    clashing: frozenset[str] = frozenset()  # names other files declare too

    def names(self) -> list[str]:
        return [*self.symbols, *self.members]

    def local(self, scope: str, clashing: frozenset[str]) -> Vocabulary:
        """A copy for one claim file: what it declares is local to it."""
        return attrs.evolve(
            self,
            sorts=dict(self.sorts),
            symbols=dict(self.symbols),
            members=dict(self.members),
            member_names=dict(self.member_names),
            scope=scope,
            clashing=clashing,
        )

    def internal(self, name: str) -> str:
        """The internal name of a name this vocabulary declares (qualified when files clash)."""
        return f"{name}{SCOPE_MARK}{self.scope}" if self.scope and name in self.clashing else name

    def sort_name(self, sort: str) -> str:
        """The internal name of a sort the user wrote."""
        info = self.sorts.get(sort)
        return info.name if info is not None else sort

    def declare_items(self, items: Sequence[S.Item], loc: Locator) -> None:
        for it in items:
            if isinstance(it, S.SortDecl):
                self._declare_sort(it, loc)
        for it in items:
            if isinstance(it, S.SymDecl):
                self._declare_symbols(it, loc)

    def _taken(self, name: str, span: Span, new_meaning: object) -> bool:
        """Report a clash when ``name`` already means something else; True if it is taken."""
        old: object = (
            self.symbols.get(name)
            or self.sorts.get(name)
            or (("member", self.members[name]) if name in self.members else None)
        )
        if old is None:
            return False
        if old == new_meaning:
            return True  # the same declaration twice (two files share a rule set): fine
        where = getattr(old, "span", None)
        self.sink.error(
            span,
            E.DUPLICATE_DECLARATION,
            f"'{name}' is already declared" + (f" at {where}" if where else "") + " with a different meaning",
        )
        return True

    def _declare_sort(self, d: S.SortDecl, loc: Locator) -> None:
        span = loc.span(d.pos)
        if d.name in BUILTIN_SORTS:
            self.sink.error(span, E.DUPLICATE_DECLARATION, f"'{d.name}' is a built-in sort")
            return
        members = tuple(self.internal(m) for m in d.members) if d.members is not None else None
        info = SortInfo(self.internal(d.name), members, span)
        if self._taken(d.name, span, info):
            return
        self.sorts[d.name] = info
        for m, mpos in zip(d.members or (), d.member_pos or [d.pos] * len(d.members or ()), strict=True):
            mspan = loc.span(mpos)
            if not self._taken(m, mspan, ("member", info.name)):
                self.members[m] = info.name
                self.member_names[m] = self.internal(m)

    def _declare_symbols(self, d: S.SymDecl, loc: Locator) -> None:
        sort_spans = [loc.span(p) for p in d.sort_pos] or [loc.span(d.pos)] * (len(d.args) + 1)
        ok = True
        for s, sp in zip([*d.args, *([d.result] if d.result else [])], sort_spans, strict=False):
            if s not in BUILTIN_SORTS and s not in self.sorts:
                self.sink.error(
                    sp, E.UNKNOWN_SORT, f"unknown sort '{s}'", did_you_mean(s, [*BUILTIN_SORTS, *self.sorts], "sorts")
                )
                ok = False
        if not ok:
            return
        if d.kind == "pred":
            if d.result not in (None, "bool"):
                self.sink.error(
                    loc.span(d.pos),
                    E.SORT_MISMATCH,
                    f"a predicate is true or false; it cannot have result sort '{d.result}'",
                    "declare it with 'func' instead",
                )
                return
            result = "bool"
        elif d.result is None:
            self.sink.error(
                loc.span(d.pos), E.MISSING_FIELD, f"'{d.kind} {', '.join(d.names)}' needs a result sort, e.g. ': int'"
            )
            return
        else:
            result = d.result
        if d.kind == "const" and d.args:
            self.sink.error(loc.span(d.pos), E.ARITY, "a constant takes no arguments; declare it with 'pred' or 'func'")
            return
        args = tuple(self.sort_name(a) for a in d.args)
        result = self.sort_name(result)
        for name, npos in zip(d.names, d.name_pos or [d.pos] * len(d.names), strict=True):
            span = loc.span(npos)
            sym = Symbol(name=self.internal(name), args=args, result=result, timed=d.timed, kind=d.kind, span=span)
            if not self._taken(name, span, sym):
                self.symbols[name] = sym


DURATION = "duration"
"""The sort the checker gives a duration (``3 days``, ``d2 - d1``): a number of days that moves a date.

Only the checker sees it: the term of a duration is an ``int`` or ``real``
number of days, so nothing after resolve knows it. See the README's table of
sorts for what each operator takes and gives.
"""

_NUMBERS = frozenset({"int", "real", DURATION})
_ORDERED = _NUMBERS | {"date"}


@attrs.frozen
class Typed:
    """A typed term and the sort the checker sees (``duration`` for a duration, whose term is a number)."""

    term: Term
    sort: str


# a op b by kind of operand: N a number (int, real), D a duration, T a date
_ARITH: dict[tuple[str, str, str], str] = {
    ("+", "N", "N"): "N",
    ("+", "D", "D"): "D",
    ("+", "T", "D"): "T",
    ("+", "D", "T"): "T",
    ("+", "N", "D"): "N",
    ("+", "D", "N"): "N",
    ("-", "N", "N"): "N",
    ("-", "D", "D"): "D",
    ("-", "T", "T"): "D",
    ("-", "T", "D"): "T",
    ("-", "N", "D"): "N",
    ("-", "D", "N"): "N",
    ("*", "N", "N"): "N",
    ("*", "N", "D"): "D",
    ("*", "D", "N"): "D",
    ("/", "N", "N"): "N",
    ("/", "D", "N"): "D",
    ("/", "D", "D"): "N",
}
_KIND = {"int": "N", "real": "N", DURATION: "D", "date": "T"}
_DATE_HINT = "write a date as YYYY-MM-DD; the days between two dates are 'd2 - d1'"
_MOVE_HINT = "a date moves by a duration written with its unit, e.g. 'd + 3 days' or 'd - 2 weeks'"


def _arith_fault(op: str, a: str, b: str) -> tuple[int, str, str | None]:
    """Why ``a op b`` has no sort: the operand at fault (0 left, 1 right), the message, a hint."""
    for side, s in ((0, a), (1, b)):
        if s not in _KIND:
            return side, f"'{op}' computes with numbers, durations or dates, but this is {_sort_word(s)}", None
    ka, kb = _KIND[a], _KIND[b]
    if op in "*/":
        if "T" in (ka, kb):
            side = 0 if ka == "T" else 1
            return side, f"cannot {'multiply' if op == '*' else 'divide'} a date", None
        if op == "*":
            return 1, "cannot multiply two durations", "multiply a duration by a number, e.g. '2 * (d2 - d1)'"
        return 1, f"cannot divide {_sort_word(a)} by a duration", None
    if ka == kb == "T":
        return 1, "cannot add two dates", "the days between two dates are 'd2 - d1'"
    if op == "-" and kb == "T":
        return 1, f"cannot subtract a date from {_sort_word(a)}", "the days between two dates are 'd2 - d1'"
    side = 1 if ka == "T" else 0
    verb = "add" if op == "+" else "subtract"
    prep = "to" if op == "+" else "from"
    return side, f"cannot {verb} {_sort_word(b if side else a)} {prep} a date", _MOVE_HINT


def _arith_term_sort(kind: str, op: str, a: str, b: str) -> str:
    """The sort of the term of ``a op b`` (term sorts), whose checker kind is ``kind``."""
    whole = op != "/" and "real" not in (a, b)
    if kind == "T":
        return "date" if whole else "real"  # a date plus 5 months (152.18 days) falls between two days
    return "int" if whole else "real"


def _comparable(a: str, b: str) -> bool:
    """Whether ``a = b`` makes sense: numbers and durations with each other, any other sort with itself."""
    return (a in _NUMBERS and b in _NUMBERS) or a == b


def _is_literal(node: S.Expr) -> bool:
    if isinstance(node, S.Unary) and node.op == "-":
        return _is_literal(node.arg)
    return isinstance(node, (S.Num, S.DateLit, S.Duration, S.BoolLit))


def _blame(left: S.Expr, right: S.Expr) -> S.Expr:
    """The operand of a comparison whose sort is wrong: a literal rather than a name
    (a name's sort is declared, a literal is what was written here), else the right one."""
    return left if _is_literal(left) and not _is_literal(right) else right


def _sort_word(sort: str) -> str:
    return {
        "bool": "a statement (bool)",
        "int": "a whole number (int)",
        "real": "a number (real)",
        "date": "a date",
        DURATION: "a duration (a number of days)",
    }.get(sort, f"a {plain(sort)}")


def _mismatch_hint(a: str, b: str) -> str | None:
    if "date" in (a, b) and {a, b} & _NUMBERS:
        return _DATE_HINT
    return None


class Typer:
    """Checks one formula against a vocabulary, producing a typed term."""

    def __init__(self, vocab: Vocabulary, loc: Locator, tolerance: Fraction, *, strict: bool = False) -> None:
        """``strict``: read the vague quantities with a number written out with half their slack.

        A vague quantity is ``about N``, ``between A and B`` and ``over N`` /
        ``under N`` (also ``more than``, ``less than``), of a number or a
        duration (never a date). Read strictly, ``about N`` allows half the
        file's tolerance, ``between A and B`` the middle half of the range,
        and ``over N`` / ``under N`` only values beyond ``N`` by half the
        file's tolerance of ``|N|``. Claims that fit together only under the
        stated reading are near-contradictions (``claims._logic.near``).
        """
        self.vocab = vocab
        self.loc = loc
        self.tolerance = tolerance
        self.sink = vocab.sink
        self.strict = strict
        self.vague = 0  # how many vague quantities with a number written out it has typed

    def fail(self, node: S.Expr, code: E.ErrorCode, msg: str, hint: str | None = None) -> _Failed:
        self.sink.error(self.loc.span(node.pos, node.end), code, msg, hint)
        return _Failed()

    def statement(self, node: S.Expr, what: str, *, conclusion: bool = False) -> Term | None:
        """Type ``node`` as a statement (sort bool); None after recording errors.

        A statement that relates days must keep to what the engine decides
        exactly (:class:`_DayCheck`); ``conclusion``: it is also asserted
        negated (a conclusion's "does it fail?").
        """
        try:
            t = self.typed(node, {})
            if relates_days(t.term):
                check = _DayCheck(self)
                today = uses_context_time(t.term)
                check.walk(node, {}, {}, 1, today)
                if conclusion:
                    check.walk(node, {}, {}, -1, False)
        except _Failed:
            return None
        if t.sort != "bool":
            self.sink.error(
                self.loc.span(node.pos, node.end),
                E.SORT_MISMATCH,
                f"{what} must be a statement, but this is {_sort_word(t.sort)}",
                "compare it with something, e.g. 'x = 3' or 'x is about 1000'",
            )
            return None
        return t.term

    def _date(self, node: S.Expr, text: str) -> int:
        try:
            return datetime.date.fromisoformat(text).toordinal()
        except ValueError:
            raise self.fail(node, E.BAD_DATE, f"'{text}' is not a real date") from None

    def _number(self, node: S.Expr, text: str) -> Fraction:
        try:
            return number_value(text)
        except ValueError:  # Python reads at most 4300 digits (sys.get_int_max_str_digits)
            raise self.fail(node, E.BAD_QUANTITY, f"a number of {len(text)} digits is too long to read") from None

    def typed(self, node: S.Expr, env: dict[str, TVar]) -> Typed:
        """The typed term of ``node`` and the sort the checker sees; raises ``_Failed`` after an error."""
        if isinstance(node, S.Num):
            value = self._number(node, node.text)
            if value.denominator != 1 or not is_whole_number(node.text):
                return Typed(TLit(value, "real"), "real")
            return Typed(TLit(int(value), "int"), "int")
        if isinstance(node, S.BoolLit):
            return Typed(TLit(node.value, "bool"), "bool")
        if isinstance(node, S.DateLit):
            return Typed(TLit(self._date(node, node.text), "date"), "date")
        if isinstance(node, S.Duration):
            days = self._number(node, node.amount) * DAYS_PER_UNIT[node.unit]
            lit = TLit(int(days), "int") if days.denominator == 1 else TLit(days, "real")
            return Typed(lit, DURATION)
        if isinstance(node, (S.Name, S.Call)):
            t = self._name(node, env) if isinstance(node, S.Name) else self._call(node, env)
            return Typed(t, t.sort)
        if isinstance(node, S.Unary):
            a = self.typed(node.arg, env)
            if node.op == "not":
                self._want(node.arg, a, "bool", "the operand of 'not'")
                return Typed(TOp("not", (a.term,), "bool"), "bool")
            if a.sort not in _NUMBERS:
                raise self.fail(node.arg, E.SORT_MISMATCH, f"cannot negate {_sort_word(a.sort)}")
            if isinstance(a.term, TLit) and not isinstance(a.term.value, bool):
                return Typed(TLit(-a.term.value, a.term.sort), a.sort)
            return Typed(TOp("neg", (a.term,), a.term.sort), a.sort)
        if isinstance(node, S.Binary):
            return self._binary(node, env)
        if isinstance(node, S.Quant):
            return Typed(self._quant(node, env), "bool")
        if isinstance(node, S.Quantity):
            return Typed(self._quantity(node, env), "bool")
        raise AssertionError(node)  # pragma: no cover

    def _want(self, node: S.Expr, t: Typed, sort: str, what: str) -> None:
        """Fail at ``node`` unless ``t`` can stand where ``sort`` is expected."""
        if sort == "date" and t.sort == "date" and t.term.sort != "date":
            raise self.fail(
                node,
                E.SORT_MISMATCH,
                f"{what} must be a date, but this one falls between two days",
                "add a duration of whole days, e.g. '152 days' rather than '5 months'",
            )
        ok = (
            t.sort == sort
            or (sort == "real" and t.sort in _NUMBERS)
            or (sort == "int" and t.sort == DURATION and t.term.sort == "int")
        )
        if not ok:
            raise self.fail(
                node,
                E.SORT_MISMATCH,
                f"{what} must be {_sort_word(sort)}, but this is {_sort_word(t.sort)}",
                _mismatch_hint(sort, t.sort),
            )

    def _at(self, node: S.Name | S.Call, sym: Symbol, env: dict[str, TVar]) -> int | TVar | TApp | None:
        """The day after ``@``: a date, a variable over days, or an untimed date constant."""
        if node.at is None:
            return None
        if not sym.timed:
            raise self.fail(
                node,
                E.NOT_TIMED,
                f"'{sym.name}' is not timed, so it has no value '@{node.at}'",
                f"declare it as 'timed {sym.kind} {sym.name}' to give it a value per day",
            )
        if node.at[:1].isdigit():
            return self._date(node, node.at)
        var = env.get(node.at)
        if var is not None:
            if var.sort != "date":
                raise self.fail(
                    node,
                    E.SORT_MISMATCH,
                    f"'@{node.at}' needs a day, but '{node.at}' ranges over {_sort_word(var.sort)}",
                    f"bind it as a day: 'forall {node.at}: date. ...'",
                )
            return var
        day = self.vocab.symbols.get(node.at)
        if day is None:
            raise self._unknown(node, node.at, env)
        if day.result != "date" or day.args or day.timed:
            raise self.fail(
                node,
                E.SORT_MISMATCH,
                f"'@{node.at}' needs a fixed day, but '{node.at}' is "
                + ("a timed symbol, whose value changes with the day" if day.timed else _sort_word(day.result)),
                "write a date (x@2016-03-14), a variable over days (forall d: date. x@d) "
                "or an untimed date constant (const start: date)",
            )
        return TApp(day.name, (), "date", False)

    def _unknown(self, node: S.Expr, name: str, env: dict[str, TVar]) -> _Failed:
        return self.fail(
            node,
            E.UNKNOWN_SYMBOL,
            f"unknown name '{name}'",
            did_you_mean(name, [*self.vocab.names(), *env], "declared names"),
        )

    def _name(self, node: S.Name, env: dict[str, TVar]) -> Term:
        if node.name in env:
            if node.at:
                raise self.fail(node, E.NOT_TIMED, f"variable '{node.name}' cannot take a time index")
            return env[node.name]
        if node.name in self.vocab.members:
            return TMember(self.vocab.member_names[node.name], self.vocab.members[node.name])
        sym = self.vocab.symbols.get(node.name)
        if sym is None:
            raise self._unknown(node, node.name, env)
        if sym.args:
            raise self.fail(node, E.ARITY, f"'{sym.name}' {_takes(sym)}, but is used without any")
        return TApp(sym.name, (), sym.result, sym.timed, self._at(node, sym, env))

    def _call(self, node: S.Call, env: dict[str, TVar]) -> Term:
        sym = self.vocab.symbols.get(node.name)
        if sym is None:
            if node.name in env or node.name in self.vocab.members:
                raise self.fail(node, E.ARITY, f"'{node.name}' is not a predicate or function")
            raise self._unknown(node, node.name, env)
        if len(node.args) != len(sym.args):
            raise self.fail(
                node,
                E.ARITY,
                f"'{sym.name}' {_takes(sym)}, but {len(node.args)} {'was' if len(node.args) == 1 else 'were'} given",
            )
        args = []
        for i, (a, want) in enumerate(zip(node.args, sym.args, strict=False)):
            t = self.typed(a, env)
            self._want(a, t, want, f"argument {i + 1} of '{sym.name}'")
            args.append(t.term)
        return TApp(sym.name, tuple(args), sym.result, sym.timed, self._at(node, sym, env))

    def _binary(self, node: S.Binary, env: dict[str, TVar]) -> Typed:
        if node.op == "of":
            return self._part_of(node, env)
        a = self.typed(node.left, env)
        b = self.typed(node.right, env)
        op = node.op
        if op in _LOGIC:
            self._want(node.left, a, "bool", f"the left side of '{op}'")
            self._want(node.right, b, "bool", f"the right side of '{op}'")
            return Typed(TOp(op, (a.term, b.term), "bool"), "bool")
        if op in _ORDER:
            for side, t in ((node.left, a), (node.right, b)):
                if t.sort not in _ORDERED:
                    raise self.fail(
                        side,
                        E.SORT_MISMATCH,
                        f"'{op}' compares numbers, durations or dates, but this is {_sort_word(t.sort)}",
                    )
        if op in _ORDER or op in ("=", "!="):
            if not _comparable(a.sort, b.sort):
                raise self.fail(
                    _blame(node.left, node.right),
                    E.SORT_MISMATCH,
                    f"cannot compare {_sort_word(a.sort)} with {_sort_word(b.sort)}",
                    _mismatch_hint(a.sort, b.sort),
                )
            return Typed(TOp(op, (a.term, b.term), "bool"), "bool")
        if op in _ARITH_OPS:
            kind = _ARITH.get((op, _KIND.get(a.sort, ""), _KIND.get(b.sort, "")))
            if kind is None:
                fault, msg, hint = _arith_fault(op, a.sort, b.sort)
                raise self.fail(node.right if fault else node.left, E.SORT_MISMATCH, msg, hint)
            sort = {"N": "int", "D": DURATION, "T": "date"}[kind]
            term_sort = _arith_term_sort(kind, op, a.term.sort, b.term.sort)
            if kind == "N" and term_sort == "real":
                sort = "real"
            return Typed(TOp(op, (a.term, b.term), term_sort), sort)
        raise AssertionError(op)  # pragma: no cover

    def _part_of(self, node: S.Binary, env: dict[str, TVar]) -> Typed:
        """``P of X``: the percentage or fraction ``P`` of the number or duration ``X`` (their product)."""
        if not (isinstance(node.left, S.Num) and is_part(node.left.text)):
            raise self.fail(
                node.left,
                E.BAD_QUANTITY,
                "'of' needs a percentage or a fraction before it",
                "write e.g. '40% of voters', 'half of voters' or 'a third of voters'",
            )
        part = self._number(node.left, node.left.text)
        x = self.typed(node.right, env)
        if x.sort not in _NUMBERS:
            raise self.fail(
                node.right,
                E.SORT_MISMATCH,
                f"'{node.left.text} of' takes a number or a duration, but this is {_sort_word(x.sort)}",
            )
        return Typed(TOp("*", (TLit(part, "real"), x.term), "real"), DURATION if x.sort == DURATION else "real")

    def _quant(self, node: S.Quant, env: dict[str, TVar]) -> Term:
        inner = dict(env)
        vars_: list[TVar] = []
        for var, sort in node.binders:
            if sort == "date":  # a quantifier over days (docs/time.md)
                v = TVar(var, "date")
                inner[var] = v
                vars_.append(v)
                continue
            if sort is None or sort not in self.vocab.sorts:
                if sort in BUILTIN_SORTS:
                    raise self.fail(
                        node,
                        E.SORT_MISMATCH,
                        f"quantifiers range over declared entity sorts or days ('date'), not '{sort}'",
                    )
                raise self.fail(
                    node,
                    E.UNKNOWN_SORT,
                    f"unknown sort '{sort}'",
                    did_you_mean(str(sort), list(self.vocab.sorts), "entity sorts"),
                )
            v = TVar(var, self.vocab.sort_name(sort))
            inner[var] = v
            vars_.append(v)
        body = self.typed(node.body, inner)
        self._want(node.body, body, "bool", f"the body of '{node.kind}'")
        return TQuant(node.kind, tuple(vars_), body.term)

    def _const(self, t: Term) -> Fraction | None:
        """The value of a constant numeric term, or None."""
        if isinstance(t, TLit) and not isinstance(t.value, bool):
            return Fraction(t.value)
        if isinstance(t, TOp) and t.op in ("+", "-", "*", "/", "neg"):
            vals = [self._const(x) for x in t.args]
            if any(v is None for v in vals):
                return None
            xs = [v for v in vals if v is not None]
            if t.op == "neg":
                return -xs[0]
            if t.op == "+":
                return xs[0] + xs[1]
            if t.op == "-":
                return xs[0] - xs[1]
            if t.op == "*":
                return xs[0] * xs[1]
            return xs[0] / xs[1] if xs[1] != 0 else None
        return None

    def _quantity(self, node: S.Quantity, env: dict[str, TVar]) -> Term:
        x = self.typed(node.term, env)
        if x.sort not in _ORDERED:
            raise self.fail(
                node.term,
                E.SORT_MISMATCH,
                f"a quantity compares a number, a duration or a date, but this is {_sort_word(x.sort)}",
            )
        if node.kind == "in_month":
            assert node.month is not None
            mb = month_bounds(node.month)
            if mb is None:
                raise self.fail(node, E.BAD_DATE, f"'{node.month}' is not a real month")
            if x.sort != "date":
                raise self.fail(
                    node.term, E.SORT_MISMATCH, f"'in {node.month}' needs a date, but this is {_sort_word(x.sort)}"
                )
            return _between(x.term, TLit(mb[0].toordinal(), "date"), TLit(mb[1].toordinal(), "date"))
        if node.kind == "about" and x.sort == "date":
            raise self.fail(
                node, E.BAD_QUANTITY, "'about' a date has no agreed tolerance; write 'in YYYY-MM' or 'in A..B'"
            )
        bounds = [self.typed(b, env) for b in node.bounds]
        for bn, bt in zip(node.bounds, bounds, strict=True):
            if bt.sort not in _ORDERED:
                raise self.fail(
                    bn,
                    E.SORT_MISMATCH,
                    f"a bound must be a number, a duration or a date, but this is {_sort_word(bt.sort)}",
                )
            if not _comparable(x.sort, bt.sort):
                raise self.fail(
                    bn,
                    E.SORT_MISMATCH,
                    f"cannot compare {_sort_word(x.sort)} with {_sort_word(bt.sort)}",
                    _mismatch_hint(x.sort, bt.sort),
                )
        if node.kind in ("between", "in_range"):
            lo, hi = (t.term for t in bounds)
            vlo, vhi = self._const(lo), self._const(hi)
            if vlo is not None and vhi is not None and vlo > vhi:
                raise self.fail(
                    node,
                    E.BAD_QUANTITY,
                    f"between {_num(vlo)} and {_num(vhi)}: the lower bound {_num(vlo)} "
                    f"is above the upper bound {_num(vhi)}",
                    f"write 'between {_num(vhi)} and {_num(vlo)}'",
                )
            if node.kind == "between" and x.sort != "date" and vlo is not None and vhi is not None:
                self.vague += 1
                quarter = (vhi - vlo) / 4
                if self.strict and _readable(vlo + quarter, vhi - quarter):  # the middle half of the range
                    return _between(x.term, TLit(vlo + quarter, "real"), TLit(vhi - quarter, "real"))
            return _between(x.term, lo, hi)
        b = bounds[0].term
        if node.kind == "about":
            v = self._const(b)
            if v is None:
                raise self.fail(node.bounds[0], E.BAD_QUANTITY, "'about' needs a number written out, e.g. 'about 1000'")
            self.vague += 1
            slack = self.tolerance / 2 if self.strict else self.tolerance
            low, high = sorted((v * (1 - slack), v * (1 + slack)))
            if self.strict and not _readable(low, high):
                low, high = sorted((v * (1 - self.tolerance), v * (1 + self.tolerance)))
            return _between(x.term, TLit(low, "real"), TLit(high, "real"))
        op = {"over": ">", "under": "<", "at_least": ">=", "at_most": "<=", "exactly": "="}[node.kind]
        if node.kind in ("over", "under") and x.sort != "date":
            v = self._const(b)
            if v is not None:
                self.vague += 1
                margin = abs(v) * self.tolerance / 2
                bound = v + margin if op == ">" else v - margin
                if self.strict and _readable(bound):  # beyond the bound by half the file's tolerance of it
                    return TOp(op, (x.term, TLit(bound, "real")), "bool")
        return TOp(op, (x.term, b), "bool")


_TIME_HINT = "see docs/time.md for what a formula over days may say"
_CMP = frozenset({*_ORDER, "=", "!="})


class _DayCheck:
    """Refuse what a formula over days may not say: the engine decides the rest exactly.

    The engine (``claims._logic.timeline``) reads every day variable that is
    universal in effect at finitely many days: the fixed days of the dataset
    and the days the solver chooses for date constants. That is exact when a
    universal day variable appears only after ``@`` and as one side of a
    comparison whose other side is a *fixed day* (a date, an untimed date
    constant, a day variable that is existential in effect, or such a day
    plus or minus a duration), or of a comparison with another universal day
    variable that is a condition (``d1 <= d2`` where it must be false to
    satisfy the formula: on the left of ``implies``). A day variable that is
    existential in effect becomes one day the solver chooses, so it must not
    depend on another variable: not inside a universal quantifier of any
    sort, nor in a formula that holds on every day it is asserted on (one
    that reads a timed symbol without ``@``). A quantifier over days under
    ``iff`` or ``xor`` is both at once, and refused.

    ``walk`` reads the formula as asserted with polarity ``pol`` (1 as
    written, -1 negated, 0 both ways) and raises ``_Failed`` after
    recording the first problem.
    """

    def __init__(self, typer: Typer) -> None:
        self.typer = typer

    def fail(self, node: S.Expr, msg: str, hint: str = _TIME_HINT) -> _Failed:
        return self.typer.fail(node, E.ACROSS_DAYS, msg, hint)

    def walk(self, node: S.Expr, env: dict[str, TVar], days: dict[str, bool], pol: int, under: bool) -> None:
        """``days``: each day variable in scope, True when universal in effect; ``under``: inside a universal."""
        if isinstance(node, S.Quant):
            inner, inner_days = dict(env), dict(days)
            universal = (node.kind == "forall") == (pol == 1)
            for var, sort in node.binders:
                known = sort is not None and sort in self.typer.vocab.sorts
                inner[var] = TVar(var, self.typer.vocab.sort_name(sort) if known and sort else sort or "")
                inner_days.pop(var, None)
                if sort != "date":
                    under = under or pol == 0 or universal
                    continue
                if pol == 0:
                    raise self.fail(
                        node,
                        f"a quantifier over days under 'iff' or 'xor' is read both ways: '{var}' would be "
                        "every day and some day at once",
                        "write the two directions with 'implies', or state it without 'iff'",
                    )
                if not universal and under:
                    raise self.fail(
                        node,
                        f"'{var}' is a day that depends on another day or variable (some day for each)",
                        "state it for one fixed day: name it with an untimed date constant "
                        "(const start: date), or move the quantifier out of the one around it",
                    )
                inner_days[var] = universal
                under = under or universal
            self.walk(node.body, inner, inner_days, pol, under)
        elif isinstance(node, S.Unary):
            self.walk(node.arg, env, days, -pol if node.op == "not" else 0, under)
        elif isinstance(node, S.Binary):
            if node.op in ("and", "or"):
                self.walk(node.left, env, days, pol, under)
                self.walk(node.right, env, days, pol, under)
            elif node.op == "implies":
                self.walk(node.left, env, days, -pol, under)
                self.walk(node.right, env, days, pol, under)
            elif node.op in _CMP:
                self._comparison(node, env, days, pol, under)
            else:  # iff, xor, arithmetic, 'of'
                self.walk(node.left, env, days, 0, under)
                self.walk(node.right, env, days, 0, under)
        elif isinstance(node, S.Quantity):
            if self._day_var(node.term, days) is not None:
                for b in node.bounds:
                    self._fixed(b, env, days)
            else:
                for x in (node.term, *node.bounds):
                    self.walk(x, env, days, 0, under)
        elif isinstance(node, S.Call):
            for a in node.args:
                self.walk(a, env, days, 0, under)
        elif isinstance(node, S.Name) and days.get(node.name):
            raise self.fail(
                node,
                f"the day variable '{node.name}' can stand only after '@' or as one side of a comparison",
                f"compare it directly: e.g. '{node.name} >= start + 3 days', not '{node.name} - 3 days >= start'",
            )

    def _day_var(self, node: S.Expr, days: dict[str, bool]) -> bool | None:
        """True for a universal day variable, False for an existential one, None for anything else."""
        if isinstance(node, S.Name) and node.at is None:
            return days.get(node.name)
        return None

    def _comparison(self, node: S.Binary, env: dict[str, TVar], days: dict[str, bool], pol: int, under: bool) -> None:
        left, right = node.left, node.right
        a, b = self._day_var(left, days), self._day_var(right, days)
        if a and b:
            condition = pol == -1 if node.op in ("<=", ">=", "=") else pol == 1
            if not condition:
                raise self.fail(
                    node,
                    f"'{S.to_text(node)}' compares two day variables where it must hold; "
                    "such a comparison can only be a condition",
                    "put it on the left of 'implies' as '<=', '>=' or '=' "
                    "(e.g. 'd1 <= d2 implies ...'); two days one apart cannot be said",
                )
        elif a:  # a universal day variable: read at the days it is compared with (an existential one is a constant)
            self._fixed(right, env, days)
        elif b:
            self._fixed(left, env, days)
        else:
            self.walk(left, env, days, 0, under)
            self.walk(right, env, days, 0, under)

    def _fixed(self, node: S.Expr, env: dict[str, TVar], days: dict[str, bool]) -> None:
        """Refuse ``node`` unless it is a fixed day (see the class docstring): what a day variable is compared with."""
        term = self.typer.typed(node, env).term
        if not _is_fixed(term, {n for n, universal in days.items() if not universal}):
            raise self.fail(
                node,
                f"a day variable is compared with '{S.to_text(node)}', which is not a fixed day",
                "compare it with a date, an untimed date constant (const start: date), "
                "or either plus or minus a duration",
            )


def _is_fixed(t: Term, chosen: set[str]) -> bool:
    """Whether ``t`` has one value in a scenario: no variable but the ``chosen`` days, no timed symbol of the day."""
    if isinstance(t, TVar):
        return t.name in chosen
    if isinstance(t, TApp):
        if t.timed and (t.at is None or (isinstance(t.at, TVar) and t.at.name not in chosen)):
            return False
        return all(_is_fixed(a, chosen) for a in t.args)
    if isinstance(t, TOp):
        return all(_is_fixed(a, chosen) for a in t.args)
    return not isinstance(t, TQuant)


_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_FRACTIONS = {
    "half": Fraction(1, 2),
    "a third": Fraction(1, 3),
    "a quarter": Fraction(1, 4),
    "two thirds": Fraction(2, 3),
    "three quarters": Fraction(3, 4),
}


def number_value(text: str) -> Fraction:
    """The exact value of a number as the grammar reads it (``claims._front.syntax.number_text``).

    ``53,000`` is 53000 (a comma separates thousands); ``4.9 million`` is
    4900000 exactly (``thousand``, ``million``, ``billion``, ``trillion``);
    ``40%`` and ``40 percent`` are 40/100; ``half``, ``a third``, ``a
    quarter``, ``two thirds`` and ``three quarters`` are those fractions.

    Raises:
        ValueError: a number too long for Python to read.
    """
    if text in _FRACTIONS:
        return _FRACTIONS[text]
    words = text.replace("%", " %").split()
    value = Fraction(words[0].replace(",", ""))
    for w in words[1:]:
        value = value / 100 if w in ("%", "percent") else value * _SCALES[w]
    if len(words) > 1 and not _readable(value):  # a scale word took it past what can be written out
        raise ValueError(text)
    return value


def is_whole_number(text: str) -> bool:
    """Whether a number as written counts things (sort ``int``): no decimal point, or a scale word
    that makes its value whole (``4.9 million``); never a percentage or a fraction."""
    if is_part(text):
        return False
    return "." not in text or any(w in _SCALES for w in text.split())


def is_part(text: str) -> bool:
    """Whether a number as written is a percentage or a fraction (what may stand before ``of``)."""
    return text in _FRACTIONS or text.endswith(("%", " percent"))


def _readable(*values: Fraction) -> bool:
    """Whether every value can be written out as digits (Python reads and writes at most 4300 of them).

    A strict reading whose bounds could not be written keeps the stated one
    (so it finds nothing near): the stated bounds were written out already.
    """
    try:
        for v in values:
            str(v.numerator), str(v.denominator)
    except ValueError:
        return False
    return True


def _takes(sym: Symbol) -> str:
    """``takes 2 arguments (Country, int)``, in words a person would use."""
    n = len(sym.args)
    if n == 0:
        return "takes no arguments"
    return f"takes {plural(n, 'argument')} ({', '.join(sym.args)})"


def _num(v: Fraction) -> str:
    return str(v.numerator) if v.denominator == 1 else str(float(v))


def _between(x: Term, lo: Term, hi: Term) -> Term:
    return TOp("and", (TOp(">=", (x, lo), "bool"), TOp("<=", (x, hi), "bool")), "bool")


def resolve(
    files: Sequence[RawFile],
    rule_sets: Sequence[RawRuleSet],
    sink: DiagnosticSink,
) -> Dataset:
    """Resolve loaded files and rule sets into a Dataset; errors go to ``sink``."""
    scope = Scope.of(rule_sets, [declared_names(f.declarations) for f in files], sink)
    return assemble(scope, [resolve_file(f, k, scope, sink) for k, f in enumerate(files)], sink)


def shared_vocabulary(rule_sets: Sequence[tuple[Sequence[S.Item], Locator]], sink: DiagnosticSink) -> Vocabulary:
    """The vocabulary every claim file shares: what the rule sets declare, in their order."""
    vocab = Vocabulary(sink=sink)
    for items, loc in rule_sets:
        vocab.declare_items(items, loc)
    return vocab


def file_vocabulary(
    shared: Vocabulary, number: int, clashing: frozenset[str], declarations: Sequence[S.Item], loc: Locator | None
) -> Vocabulary:
    """The vocabulary of claim file ``number`` (from 1): the shared one and what the file declares.

    ``clashing`` holds the names other files declare too, which become
    ``name#number`` (see :data:`claims._front.model.SCOPE_MARK`).
    """
    vocab = shared.local(str(number), clashing)
    if loc is not None:
        vocab.declare_items(declarations, loc)
    return vocab


def vocabulary_of(context: Context, file: FileScope, sink: DiagnosticSink) -> Vocabulary:
    """The vocabulary a claim of ``file`` was resolved in, built again as ``resolve`` built it."""

    def nowhere(path: str) -> Locator:  # the declarations were checked when the dataset was made
        return Locator(path, lambda offset: (1, 0))

    shared = shared_vocabulary([(items, nowhere(path)) for path, items in context.rule_sets], sink)
    return file_vocabulary(shared, file.number, file.clashing, file.declarations, nowhere(file.path))


def file_tolerance(given: Fraction | None) -> Fraction:
    """What ``about N`` allows in a claim file that sets ``about_tolerance: given`` (or none)."""
    return DEFAULT_TOLERANCE if given is None else given


@attrs.frozen
class Scope:
    """What every claim file is resolved against: the rule sets' vocabulary and rules,
    and the names more than one file declares. Rules use the default ``about``
    tolerance; each claim file's claims use the file's own (:func:`file_tolerance`)."""

    vocab: Vocabulary = attrs.field(eq=False)
    rules: tuple[Rule, ...]
    clashing: frozenset[str]
    declarations: tuple[tuple[str, tuple[S.Item, ...]], ...]  # each rule set's, for Context

    @classmethod
    def of(cls, rule_sets: Sequence[RawRuleSet], declared: Sequence[set[str]], sink: DiagnosticSink) -> Scope:
        vocab = shared_vocabulary([(rs.items, rs.locator) for rs in rule_sets], sink)
        # a claim file's own declarations are local to it (see claims._front.model.SCOPE_MARK)
        declared_by: dict[str, int] = {}
        for names in declared:
            for name in names:
                declared_by[name] = declared_by.get(name, 0) + 1
        clashing = frozenset(n for n, count in declared_by.items() if count > 1)
        decls = tuple((rs.path, tuple(it for it in rs.items if not isinstance(it, S.RuleDecl))) for rs in rule_sets)
        return cls(vocab, tuple(_rules(rule_sets, vocab, DEFAULT_TOLERANCE, sink)), clashing, decls)

    def key_for(self, k: int, declared: set[str], tolerance: Fraction | None) -> tuple[object, ...]:
        """What resolving file number ``k`` (0-based) that declares ``declared`` and sets
        ``about_tolerance: tolerance`` depends on here, besides the file itself and the rule sets:
        its own tolerance (never another file's) and, when another file declares a name it
        declares, its place."""
        own_clashes = sorted(declared & self.clashing)
        return (str(file_tolerance(tolerance)), k if own_clashes else None, tuple(own_clashes))


@attrs.frozen(kw_only=True)
class ResolvedFile:
    """What one claim file gives the dataset: its sources, its typed claims (with
    the places of their ids, to report an id used twice across files), the
    symbols and sorts it declares itself, and what :func:`claims.with_claim`
    needs to resolve one more claim as if it were in the file."""

    sources: tuple[Source, ...]
    claims: tuple[Claim, ...]
    id_spans: tuple[Span, ...]  # empty in the file cache
    symbols: tuple[Symbol, ...]
    sorts: tuple[SortInfo, ...]
    path: str
    documents: tuple[tuple[str, str], ...]
    # the claims' encodings, when kept for a cache (read on first use when the file cache kept them)
    templates: Sequence[Template] = ()
    uses: Sequence[Uses] = ()  # their symbol uses, when the file cache kept them (read on first use)
    keys: tuple[str, ...] = ()  # the claims' keys (model.claim_key), when kept in the file cache
    heads: tuple[Head, ...] = ()  # their heads (model.head_of), when kept in the file cache
    rows: tuple[Row, ...] = ()  # the claims' rows (model.Row), when the file cache kept them
    strict: tuple[Term | None, ...] = ()  # each claim's strict reading (see strict_reading), until templates hold it
    declarations: Sequence[S.Item] = ()  # its own, as written (read on first use when the file cache kept them)
    document: str | None = None  # the shown path of its 'document'
    about_tolerance: Fraction = DEFAULT_TOLERANCE  # what its claims' 'about N' allows


def _rules(rule_sets: Sequence[RawRuleSet], vocab: Vocabulary, tolerance: Fraction, sink: DiagnosticSink) -> list[Rule]:
    rules: list[Rule] = []
    seen_rules: dict[str, Span] = {}
    for rs in rule_sets:
        for item in rs.items:
            if isinstance(item, S.SymDecl) and item.persistent:
                rules += _persistence(item, rs, vocab, sink)
            if not isinstance(item, S.RuleDecl):
                continue
            it = item
            span = rs.locator.span(it.pos)
            if it.id in seen_rules:
                sink.error(span, E.DUPLICATE_ID, f"rule '{it.id}' is already defined at {seen_rules[it.id]}")
                continue
            seen_rules[it.id] = span
            typer = Typer(vocab, rs.locator, tolerance)
            term = typer.statement(it.formula, f"rule '{it.id}'")
            ex_terms, fb_terms, ex_txt, fb_txt = [], [], [], []
            ps_terms, ps_txt = [], []
            for case in it.cases:
                t = typer.statement(case.formula, f"an {case.kind} of rule '{it.id}'")
                if t is None:
                    continue
                if case.kind == "example":
                    ex_terms.append(t)
                    ex_txt.append(S.to_text(case.formula))
                elif case.kind == "possible":
                    ps_terms.append(t)
                    ps_txt.append(S.to_text(case.formula))
                else:
                    fb_terms.append(t)
                    fb_txt.append(S.to_text(case.formula))
            if term is not None:
                rules.append(
                    Rule(
                        id=it.id,
                        description=it.description,
                        formula=S.to_text(it.formula),
                        rule_set=rs.name,
                        examples=tuple(ex_txt),
                        forbids=tuple(fb_txt),
                        span=span,
                        term=term,
                        example_terms=tuple(ex_terms),
                        forbid_terms=tuple(fb_terms),
                        possibles=tuple(ps_txt),
                        possible_terms=tuple(ps_terms),
                    )
                )
    return rules


def _persistence(d: S.SymDecl, rs: RawRuleSet, vocab: Vocabulary, sink: DiagnosticSink) -> list[Rule]:
    """The rule of each predicate ``d`` declares ``persistent``: once true, it stays true.

    ``timed persistent pred p(A)`` is the rule ``persists.p``: ``forall x1: A.
    forall d1: date, d2: date. d1 <= d2 implies (p(x1)@d1 implies p(x1)@d2)``,
    written out, typed and reported like any rule (see docs/time.md).
    """
    span = rs.locator.span(d.pos)
    if not d.timed or d.kind != "pred":
        sink.error(
            span,
            E.ACROSS_DAYS,
            "only a timed predicate can be persistent (once true, it stays true)",
            f"declare it as 'timed persistent pred {', '.join(d.names)}'",
        )
        return []
    out = []
    for name in d.names:
        sym = vocab.symbols.get(name)
        if sym is None or sym.span is None or sym.span.path != span.path:
            continue  # declared differently elsewhere: reported there
        xs = [f"x{i + 1}" for i in range(len(d.args))]
        app = f"{name}({', '.join(xs)})" if xs else name
        text = f"forall d1: date, d2: date. d1 <= d2 implies ({app}@d1 implies {app}@d2)"
        if xs:  # the arguments outside: over closed sorts, one rule piece per tuple
            text = f"forall {', '.join(f'{x}: {a}' for x, a in zip(xs, d.args, strict=True))}. {text}"
        formula = S.parse_formula(text)
        term = Typer(vocab, rs.locator, DEFAULT_TOLERANCE).statement(formula, f"the persistence of '{name}'")
        if term is None:
            continue
        out.append(
            Rule(
                id=f"persists.{name}",
                description=f"once {name} is true, it stays true (declared persistent)",
                formula=S.to_text(formula),
                rule_set=rs.name,
                span=span,
                term=term,
            )
        )
    return out


def resolve_file(f: RawFile, k: int, scope: Scope, sink: DiagnosticSink) -> ResolvedFile:
    """Resolve claim file number ``k`` (0-based) of the dataset; errors go to ``sink``.

    Every error, those of the file's declarations and of its claims' typing too
    (the file's vocabulary reports to ``sink``, not to the sink the scope was
    made with): a load that resolves files in other processes, each with a sink
    of its own, sees them all.
    """
    shared = scope.vocab if scope.vocab.sink is sink else attrs.evolve(scope.vocab, sink=sink)
    fvocab = file_vocabulary(shared, k + 1, scope.clashing, f.declarations, f.declarations_locator)
    for it in f.declarations:
        if isinstance(it, S.SymDecl) and it.persistent and f.declarations_locator is not None:
            sink.error(
                f.declarations_locator.span(it.pos),
                E.ACROSS_DAYS,
                "a persistent predicate is declared in a rule set, where its rule holds for every claim file",
                "move the declaration to a .rules file",
            )
    tolerance = file_tolerance(f.about_tolerance)
    sources: list[Source] = []
    by_id: dict[str, Source] = {}
    outlets = dict(f.outlet_reliability)
    for rs_ in f.sources:
        if rs_.id in by_id:
            sink.error(rs_.span, E.DUPLICATE_ID, f"source '{rs_.id}' is declared twice in this file")
            continue
        trust = rs_.reliability
        if trust is None and rs_.via is not None:
            trust = outlets.get(rs_.via)
        src = Source(
            id=rs_.id,
            name=rs_.name,
            role=rs_.role,
            via=rs_.via,
            document=rs_.document,
            span=rs_.span,
            reliability=trust,
            reference=rs_.reference,
        )
        by_id[rs_.id] = src
        sources.append(src)
    claims: list[Claim] = []
    id_spans: list[Span] = []
    strict: list[Term | None] = []
    quiet: Vocabulary | None = None  # fvocab with a sink of its own, for the strict readings
    for rc in f.claims:
        src_ = by_id.get(rc.source)
        if src_ is None:
            sink.error(
                rc.source_span,
                E.UNKNOWN_SOURCE,
                f"unknown source '{rc.source}'",
                did_you_mean(rc.source, by_id, "declared sources"),
            )
        typer = Typer(fvocab, rc.locator, tolerance)
        term = typer.statement(rc.formula, f"the formula of claim '{rc.id}'", conclusion=rc.kind == "conclusion")
        if src_ is None or term is None:
            continue
        claims.append(
            Claim(
                id=rc.id,
                source=src_,
                quote=rc.quote,
                said=rc.said,
                formula=S.to_text(rc.formula),
                kind=rc.kind,
                holds=rc.holds,
                note=rc.note,
                span=rc.span,
                quote_line=rc.quote_line,
                quote_offset=rc.quote_offset,
                term=term,
            )
        )
        id_spans.append(rc.id_span)
        if typer.vague and rc.kind != "conclusion":
            quiet = quiet or attrs.evolve(fvocab, sink=DiagnosticSink())
            strict.append(strict_reading(quiet, rc.locator, tolerance, rc.formula, claims[-1]))
        else:
            strict.append(None)
    glob = scope.vocab
    symbols = tuple(s for n, s in fvocab.symbols.items() if glob.symbols.get(n) is not s)
    sorts = tuple(s for n, s in fvocab.sorts.items() if glob.sorts.get(n) is not s)
    return ResolvedFile(
        sources=tuple(sources),
        claims=tuple(claims),
        id_spans=tuple(id_spans),
        symbols=symbols,
        sorts=sorts,
        path=f.path,
        documents=f.documents,
        declarations=tuple(it for it in f.declarations if not isinstance(it, S.RuleDecl)),
        document=f.document,
        about_tolerance=tolerance,
        strict=tuple(strict),
    )


_VAGUE_WORD = re.compile(r"\b(about|between|over|under|than)\b")


def may_be_vague(claim: Claim) -> bool:
    """Whether ``claim`` may have a strict reading (:func:`strict_reading`): a fact or prediction whose
    formula writes a vague word."""
    return claim.kind != "conclusion" and _VAGUE_WORD.search(claim.formula) is not None


def strict_reading(vocab: Vocabulary, loc: Locator, tolerance: Fraction, tree: S.Expr, claim: Claim) -> Term | None:
    """The term of ``claim`` (whose formula parses to ``tree``) read strictly, or None when it has no strict reading.

    Typed by ``Typer(strict=True)`` (the strict reading is defined there) in
    ``vocab``, the vocabulary of its claim file, with the file's ``about``
    ``tolerance``: None when its formula holds no vague quantity with a number
    written out, when it is a conclusion (only facts and predictions are read
    strictly: ``claims._logic.near``), or when the strict typing reports an
    error (``vocab``'s sink takes it: the caller's own, to be dropped). The
    one definition of a claim's strict reading: :func:`resolve_file` makes it
    while resolving (from the tree it typed), and
    :func:`claims._front.build.strict_claims` from the formula's text.
    """
    if not may_be_vague(claim):
        return None
    errors = len(vocab.sink.items)
    typer = Typer(vocab, loc, tolerance, strict=True)
    term = typer.statement(tree, f"the formula of claim '{claim.id}'")
    return term if term is not None and typer.vague and len(vocab.sink.items) == errors else None


def assemble(scope: Scope, files: Sequence[ResolvedFile], sink: DiagnosticSink) -> Dataset:
    """The dataset of resolved files: a claim id used twice is an error at its second use."""
    seen_claims: dict[str, tuple[ResolvedFile, int]] = {}

    def id_span(f: ResolvedFile, k: int, row: Row) -> Span:
        # a file from the cache keeps no id places (see claims._run.loader._load): its claims' places serve
        return f.id_spans[k] if f.id_spans else span_of(row) or Span(f.path, 1, 0)

    # the rows, not the claims: a claim the file cache kept is made when first read (model.Unmade)
    claim_rows: list[Row] = [row for f in files for row in rows_of(f)]
    ids = list(map(operator.itemgetter(ROW["id"]), claim_rows))
    if len(set(ids)) == len(ids):  # no id used twice, as in a valid dataset: every claim, in order
        claims = [c for f in files for c in f.claims]
    else:  # each id's first claim, and an error at every later one
        claims, claim_rows = [], []
        for f in files:
            for k, (c, row) in enumerate(zip(f.claims, rows_of(f), strict=True)):
                cid = row[ROW["id"]]
                if cid in seen_claims:
                    first = id_span(*seen_claims[cid], rows_of(seen_claims[cid][0])[seen_claims[cid][1]])
                    sink.error(
                        id_span(f, k, row), E.DUPLICATE_ID, f"duplicate claim id '{cid}'; it is first used at {first}"
                    )
                    continue
                seen_claims[cid] = (f, k)
                claims.append(c)
                claim_rows.append(row)
    docs: dict[str, str] = {}
    for f in files:
        docs.update(dict(f.documents))
    glob = scope.vocab
    symbols = {s.name: s for s in glob.symbols.values()}
    sorts = {s.name: s for s in glob.sorts.values()}
    for f in files:
        symbols.update((s.name, s) for s in f.symbols if s.name not in symbols)
        sorts.update((s.name, s) for s in f.sorts if s.name not in sorts)
    context = Context(
        scope.declarations,
        tuple(
            FileScope(
                path=f.path,
                number=k + 1,
                # no name clashes in most datasets: then the declarations are not read (the file cache defers them)
                clashing=frozenset(declared_names(f.declarations)) & scope.clashing if scope.clashing else frozenset(),
                declarations=f.declarations,
                sources=f.sources,
                document=f.document,
                about_tolerance=f.about_tolerance,
            )
            for k, f in enumerate(files)
        ),
    )
    every = tuple(claims)
    return Dataset(
        claims=every,
        rules=scope.rules,
        sources=tuple(s for f in files for s in f.sources),
        symbols=tuple(symbols.values()),
        sorts=tuple(sorts.values()),
        files=tuple(f.path for f in files),
        documents=tuple(sorted(docs.items())),
        about_tolerance=DEFAULT_TOLERANCE,
        context=context,
        templates=tuple(itertools.chain.from_iterable(map(_kept, files))),
        rows=(every, tuple(claim_rows)),
    )


def rows_of(f: ResolvedFile) -> Sequence[Row]:
    """The rows of the claims of ``f`` (model.Row): the file cache's, or made of its claims."""
    return f.rows or [row_of(c) for c in f.claims]


def _kept(f: ResolvedFile) -> Iterable[Kept]:
    """What the dataset keeps of each claim of ``f`` that has a template (see :data:`~claims._front.model.Kept`)."""
    if not f.templates:
        return ()
    uses = f.uses or tuple(t.uses for t in f.templates)
    heads = f.heads or tuple(map(head_of, f.templates))
    keys = f.keys or itertools.repeat("")
    n = len(f.claims)
    # as many as its claims (its keys, when it keeps none, are repeated)
    return zip(
        f.claims, itertools.repeat(f.templates, n), range(n), keys, heads, itertools.repeat(uses, n), strict=False
    )


def declared_names(items: Sequence[S.Item]) -> set[str]:
    """Every name a declarations block declares: sorts, their members, symbols."""
    out: set[str] = set()
    for it in items:
        if isinstance(it, S.SortDecl):
            out.add(it.name)
            out.update(it.members or ())
        elif isinstance(it, S.SymDecl):
            out.update(it.names)
    return out
