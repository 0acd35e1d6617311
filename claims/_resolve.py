"""Stage *resolve*: syntax into a typed, checked :class:`~claims._model.Dataset`.

Every name is looked up, every sort checked, every quantity turned into plain
comparisons (``about N`` uses the dataset's tolerance). Problems become
diagnostics with places and "did you mean" hints; all of them are reported.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from fractions import Fraction

import attrs

from claims import _errors as E
from claims import _syntax as S
from claims._errors import DiagnosticSink, Span, did_you_mean
from claims._encode import Template
from claims._load import Locator, RawFile, RawRuleSet, month_bounds
from claims._model import (
    SCOPE_MARK,
    plain,
    BUILTIN_SORTS,
    NUMERIC_SORTS,
    Claim,
    Dataset,
    Rule,
    SortInfo,
    Source,
    Symbol,
    TApp,
    Term,
    TLit,
    TMember,
    TOp,
    TQuant,
    TVar,
)

DEFAULT_TOLERANCE = Fraction(1, 10)
DAYS_PER_UNIT = {
    "days": Fraction(1), "weeks": Fraction(7), "months": Fraction("30.436875"),
    "years": Fraction("365.2425"), "hours": Fraction(1, 24),
}
_LOGIC = {"and", "or", "xor", "implies", "iff"}
_ORDER = {"<", "<=", ">", ">="}
_ARITH = {"+", "-", "*", "/"}


class _Failed(Exception):
    """Raised inside the typer after a diagnostic was recorded, to abandon one formula."""


class Vocabulary:
    """Sorts and symbols, built from rule sets and declaration blocks."""

    def __init__(self, sink: DiagnosticSink) -> None:
        self.sink = sink
        # keyed by the name the user writes; values carry the internal name
        self.sorts: dict[str, SortInfo] = {}
        self.symbols: dict[str, Symbol] = {}
        self.members: dict[str, str] = {}  # enum member -> its sort's internal name
        self.member_names: dict[str, str] = {}  # enum member -> its internal name
        self.scope = ""  # set for a claim file's own declarations
        self.clashing: frozenset[str] = frozenset()  # names other files declare too

    def names(self) -> list[str]:
        return [*self.symbols, *self.members]

    def local(self, scope: str, clashing: frozenset[str]) -> Vocabulary:
        """A copy for one claim file: what it declares is local to it."""
        v = Vocabulary(self.sink)
        v.sorts, v.symbols = dict(self.sorts), dict(self.symbols)
        v.members, v.member_names = dict(self.members), dict(self.member_names)
        v.scope, v.clashing = scope, clashing
        return v

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
        old: object = self.symbols.get(name) or self.sorts.get(name) or (
            ("member", self.members[name]) if name in self.members else None)
        if old is None:
            return False
        if old == new_meaning:
            return True  # the same declaration twice (two files share a rule set): fine
        where = getattr(old, "span", None)
        self.sink.error(span, E.DUPLICATE_DECLARATION,
                        f"'{name}' is already declared" + (f" at {where}" if where else "")
                        + " with a different meaning")
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
        for m, mpos in zip(d.members or (), d.member_pos or [d.pos] * len(d.members or ())):
            mspan = loc.span(mpos)
            if not self._taken(m, mspan, ("member", info.name)):
                self.members[m] = info.name
                self.member_names[m] = self.internal(m)

    def _declare_symbols(self, d: S.SymDecl, loc: Locator) -> None:
        sort_spans = [loc.span(p) for p in d.sort_pos] or [loc.span(d.pos)] * (len(d.args) + 1)
        ok = True
        for s, sp in zip([*d.args, *([d.result] if d.result else [])], sort_spans):
            if s not in BUILTIN_SORTS and s not in self.sorts:
                self.sink.error(sp, E.UNKNOWN_SORT, f"unknown sort '{s}'",
                                did_you_mean(s, [*BUILTIN_SORTS, *self.sorts], "sorts"))
                ok = False
        if not ok:
            return
        if d.kind == "pred":
            if d.result not in (None, "bool"):
                self.sink.error(loc.span(d.pos), E.SORT_MISMATCH,
                                f"a predicate is true or false; it cannot have result sort '{d.result}'",
                                "declare it with 'func' instead")
                return
            result = "bool"
        elif d.result is None:
            self.sink.error(loc.span(d.pos), E.MISSING_FIELD,
                            f"'{d.kind} {', '.join(d.names)}' needs a result sort, e.g. ': int'")
            return
        else:
            result = d.result
        if d.kind == "const" and d.args:
            self.sink.error(loc.span(d.pos), E.ARITY,
                            "a constant takes no arguments; declare it with 'pred' or 'func'")
            return
        args = tuple(self.sort_name(a) for a in d.args)
        result = self.sort_name(result)
        for name, npos in zip(d.names, d.name_pos or [d.pos] * len(d.names)):
            span = loc.span(npos)
            sym = Symbol(self.internal(name), args, result, d.timed, d.kind, span)
            if not self._taken(name, span, sym):
                self.symbols[name] = sym


def _is_numeric(sort: str) -> bool:
    return sort in NUMERIC_SORTS


def _arith_sort(op: str, a: str, b: str) -> str | None:
    """The sort of ``a op b``, or None when the operation makes no sense."""
    if not (_is_numeric(a) and _is_numeric(b)):
        return None
    if "date" in (a, b):
        if op == "-" and a == b == "date":
            return "int"
        if op in "+-" and a == "date" and b == "int":
            return "date"
        if op == "+" and b == "date" and a == "int":
            return "date"
        if op in "+-" and "real" in (a, b) and not (a == b == "date") and not (op == "-" and b == "date"):
            return "real"
        return None
    if op == "/":
        return "real"
    return "real" if "real" in (a, b) else "int"


def _compatible(expected: str, got: str) -> bool:
    if expected == got:
        return True
    return expected == "real" and got == "int"


def _sort_word(sort: str) -> str:
    return {"bool": "a statement (bool)", "int": "a whole number (int)", "real": "a number (real)",
            "date": "a date"}.get(sort, f"a {plain(sort)}")


class Typer:
    """Checks one formula against a vocabulary, producing a typed term."""

    def __init__(self, vocab: Vocabulary, loc: Locator, tolerance: Fraction) -> None:
        self.vocab = vocab
        self.loc = loc
        self.tolerance = tolerance
        self.sink = vocab.sink

    def fail(self, node: S.Expr, code: E.ErrorCode, msg: str, hint: str | None = None) -> _Failed:
        self.sink.error(self.loc.span(node.pos, node.end), code, msg, hint)
        return _Failed()

    def statement(self, node: S.Expr, what: str) -> Term | None:
        """Type ``node`` as a statement (sort bool); None after recording errors."""
        try:
            t = self.term(node, {})
        except _Failed:
            return None
        if t.sort != "bool":
            self.sink.error(self.loc.span(node.pos, node.end), E.SORT_MISMATCH,
                            f"{what} must be a statement, but this is {_sort_word(t.sort)}",
                            "compare it with something, e.g. 'x = 3' or 'x is about 1000'")
            return None
        return t

    def _date(self, node: S.Expr, text: str) -> int:
        try:
            return datetime.date.fromisoformat(text).toordinal()
        except ValueError:
            raise self.fail(node, E.BAD_DATE, f"'{text}' is not a real date") from None

    def _number(self, node: S.Expr, text: str) -> Fraction:
        try:
            return Fraction(text)
        except ValueError:  # Python reads at most 4300 digits (sys.get_int_max_str_digits)
            raise self.fail(node, E.BAD_QUANTITY,
                            f"a number of {len(text)} digits is too long to read") from None

    def term(self, node: S.Expr, env: dict[str, TVar]) -> Term:
        if isinstance(node, S.Num):
            if "." in node.text:
                return TLit(self._number(node, node.text), "real")
            return TLit(int(self._number(node, node.text)), "int")
        if isinstance(node, S.BoolLit):
            return TLit(node.value, "bool")
        if isinstance(node, S.DateLit):
            return TLit(self._date(node, node.text), "date")
        if isinstance(node, S.Duration):
            days = self._number(node, node.amount) * DAYS_PER_UNIT[node.unit]
            return TLit(int(days), "int") if days.denominator == 1 else TLit(days, "real")
        if isinstance(node, S.Name):
            return self._name(node, env)
        if isinstance(node, S.Call):
            return self._call(node, env)
        if isinstance(node, S.Unary):
            a = self.term(node.arg, env)
            if node.op == "not":
                self._want(node.arg, a, "bool", "the operand of 'not'")
                return TOp("not", (a,), "bool")
            if not _is_numeric(a.sort) or a.sort == "date":
                raise self.fail(node, E.SORT_MISMATCH, f"cannot negate {_sort_word(a.sort)}")
            if isinstance(a, TLit) and not isinstance(a.value, bool):
                return TLit(-a.value, a.sort)
            return TOp("neg", (a,), a.sort)
        if isinstance(node, S.Binary):
            return self._binary(node, env)
        if isinstance(node, S.Quant):
            return self._quant(node, env)
        if isinstance(node, S.Quantity):
            return self._quantity(node, env)
        raise AssertionError(node)  # pragma: no cover

    def _want(self, node: S.Expr, t: Term, sort: str, what: str) -> None:
        if not _compatible(sort, t.sort):
            raise self.fail(node, E.SORT_MISMATCH,
                            f"{what} must be {_sort_word(sort)}, but this is {_sort_word(t.sort)}")

    def _at(self, node: S.Name | S.Call, sym: Symbol) -> int | None:
        if node.at is None:
            return None
        if not sym.timed:
            raise self.fail(node, E.NOT_TIMED,
                            f"'{sym.name}' is not timed, so it has no value '@{node.at}'",
                            f"declare it as 'timed {sym.kind} {sym.name}' to give it a value per day")
        return self._date(node, node.at)

    def _unknown(self, node: S.Expr, name: str, env: dict[str, TVar]) -> _Failed:
        return self.fail(node, E.UNKNOWN_SYMBOL, f"unknown name '{name}'",
                         did_you_mean(name, [*self.vocab.names(), *env], "declared names"))

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
            raise self.fail(node, E.ARITY,
                            f"'{sym.name}' {_takes(sym)}, but is used without any")
        return TApp(sym.name, (), sym.result, sym.timed, self._at(node, sym))

    def _call(self, node: S.Call, env: dict[str, TVar]) -> Term:
        sym = self.vocab.symbols.get(node.name)
        if sym is None:
            if node.name in env or node.name in self.vocab.members:
                raise self.fail(node, E.ARITY, f"'{node.name}' is not a predicate or function")
            raise self._unknown(node, node.name, env)
        if len(node.args) != len(sym.args):
            raise self.fail(node, E.ARITY,
                            f"'{sym.name}' {_takes(sym)}, but {len(node.args)} "
                            f"{'was' if len(node.args) == 1 else 'were'} given")
        args = []
        for i, (a, want) in enumerate(zip(node.args, sym.args)):
            t = self.term(a, env)
            self._want(a, t, want, f"argument {i + 1} of '{sym.name}'")
            args.append(t)
        return TApp(sym.name, tuple(args), sym.result, sym.timed, self._at(node, sym))

    def _binary(self, node: S.Binary, env: dict[str, TVar]) -> Term:
        a = self.term(node.left, env)
        b = self.term(node.right, env)
        op = node.op
        if op in _LOGIC:
            self._want(node.left, a, "bool", f"the left side of '{op}'")
            self._want(node.right, b, "bool", f"the right side of '{op}'")
            return TOp(op, (a, b), "bool")
        if op in ("=", "!="):
            if a.sort == b.sort or (_is_numeric(a.sort) and _is_numeric(b.sort)):
                return TOp(op, (a, b), "bool")
            raise self.fail(node, E.SORT_MISMATCH,
                            f"cannot compare {_sort_word(a.sort)} with {_sort_word(b.sort)}")
        if op in _ORDER:
            for side, t in ((node.left, a), (node.right, b)):
                if not _is_numeric(t.sort):
                    raise self.fail(side, E.SORT_MISMATCH,
                                    f"'{op}' compares numbers or dates, but this is {_sort_word(t.sort)}")
            return TOp(op, (a, b), "bool")
        if op in _ARITH:
            sort = _arith_sort(op, a.sort, b.sort)
            if sort is None:
                raise self.fail(node, E.SORT_MISMATCH,
                                f"cannot compute {_sort_word(a.sort)} {op} {_sort_word(b.sort)}")
            return TOp(op, (a, b), sort)
        raise AssertionError(op)  # pragma: no cover

    def _quant(self, node: S.Quant, env: dict[str, TVar]) -> Term:
        inner = dict(env)
        vars_: list[TVar] = []
        for var, sort in node.binders:
            if sort is None or sort not in self.vocab.sorts:
                if sort in BUILTIN_SORTS:
                    raise self.fail(node, E.SORT_MISMATCH,
                                    f"quantifiers range over declared entity sorts, not '{sort}'")
                raise self.fail(node, E.UNKNOWN_SORT, f"unknown sort '{sort}'",
                                did_you_mean(str(sort), list(self.vocab.sorts), "entity sorts"))
            v = TVar(var, self.vocab.sort_name(sort))
            inner[var] = v
            vars_.append(v)
        body = self.term(node.body, inner)
        self._want(node.body, body, "bool", f"the body of '{node.kind}'")
        return TQuant(node.kind, tuple(vars_), body)

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
        x = self.term(node.term, env)
        if not _is_numeric(x.sort):
            raise self.fail(node.term, E.SORT_MISMATCH,
                            f"a quantity compares a number or a date, but this is {_sort_word(x.sort)}")
        if node.kind == "in_month":
            assert node.month is not None
            mb = month_bounds(node.month)
            if mb is None:
                raise self.fail(node, E.BAD_DATE, f"'{node.month}' is not a real month")
            if x.sort != "date":
                raise self.fail(node.term, E.SORT_MISMATCH,
                                f"'in {node.month}' needs a date, but this is {_sort_word(x.sort)}")
            return _between(x, TLit(mb[0].toordinal(), "date"), TLit(mb[1].toordinal(), "date"))
        bounds = [self.term(b, env) for b in node.bounds]
        for bn, bt in zip(node.bounds, bounds):
            if not _is_numeric(bt.sort):
                raise self.fail(bn, E.SORT_MISMATCH,
                                f"a bound must be a number or a date, but this is {_sort_word(bt.sort)}")
        if node.kind in ("between", "in_range"):
            lo, hi = bounds
            vlo, vhi = self._const(lo), self._const(hi)
            if vlo is not None and vhi is not None and vlo > vhi:
                raise self.fail(node, E.BAD_QUANTITY,
                                f"between {_num(vlo)} and {_num(vhi)}: the lower bound {_num(vlo)} "
                                f"is above the upper bound {_num(vhi)}",
                                f"write 'between {_num(vhi)} and {_num(vlo)}'")
            return _between(x, lo, hi)
        (b,) = bounds
        if node.kind == "about":
            v = self._const(b)
            if v is None:
                raise self.fail(node.bounds[0], E.BAD_QUANTITY,
                                "'about' needs a number written out, e.g. 'about 1000'")
            if x.sort == "date" and b.sort == "date":
                raise self.fail(node, E.BAD_QUANTITY,
                                "'about' a date has no agreed tolerance; write 'in YYYY-MM' or 'in A..B'")
            low, high = sorted((v * (1 - self.tolerance), v * (1 + self.tolerance)))
            return _between(x, TLit(low, "real"), TLit(high, "real"))
        op = {"over": ">", "under": "<", "at_least": ">=", "at_most": "<=", "exactly": "="}[node.kind]
        return TOp(op, (x, b), "bool")


def _takes(sym: Symbol) -> str:
    """``takes 2 arguments (Country, int)``, in words a person would use."""
    n = len(sym.args)
    if n == 0:
        return "takes no arguments"
    return f"takes {n} argument{'s' if n != 1 else ''} ({', '.join(sym.args)})"


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
    scope = Scope.of(rule_sets, [declared_names(f.declarations) for f in files],
                     [f.about_tolerance for f in files], sink)
    return assemble(scope, [resolve_file(f, k, scope, sink) for k, f in enumerate(files)], sink)


@attrs.frozen
class Scope:
    """What every claim file is resolved against: the rule sets' vocabulary, the
    names more than one file declares, and the dataset's ``about`` tolerance."""

    vocab: Vocabulary = attrs.field(eq=False)
    rules: tuple[Rule, ...]
    clashing: frozenset[str]
    tolerance: Fraction

    @classmethod
    def of(cls, rule_sets: Sequence[RawRuleSet], declared: Sequence[set[str]],
           tolerances: Sequence[Fraction | None], sink: DiagnosticSink) -> Scope:
        vocab = Vocabulary(sink)
        for rs in rule_sets:
            vocab.declare_items(rs.items, rs.locator)
        # a claim file's own declarations are local to it (see claims._model.SCOPE_MARK)
        declared_by: dict[str, int] = {}
        for names in declared:
            for name in names:
                declared_by[name] = declared_by.get(name, 0) + 1
        clashing = frozenset(n for n, count in declared_by.items() if count > 1)
        given = {t for t in tolerances if t is not None}
        tolerance = min(given) if given else DEFAULT_TOLERANCE
        return cls(vocab, tuple(_rules(rule_sets, vocab, tolerance, sink)), clashing, tolerance)

    def key_for(self, k: int, declared: set[str]) -> tuple[object, ...]:
        """What resolving file number ``k`` (0-based) that declares ``declared`` depends on here,
        besides the file itself and the rule sets."""
        own_clashes = sorted(declared & self.clashing)
        return (str(self.tolerance), k if own_clashes else None, tuple(own_clashes))


@attrs.frozen
class ResolvedFile:
    """What one claim file gives the dataset: its sources, its typed claims (with
    the places of their ids, to report an id used twice across files) and the
    symbols and sorts it declares itself."""

    sources: tuple[Source, ...]
    claims: tuple[Claim, ...]
    id_spans: tuple[Span, ...]  # empty in the file cache
    symbols: tuple[Symbol, ...]
    sorts: tuple[SortInfo, ...]
    path: str
    documents: tuple[tuple[str, str], ...]
    templates: tuple[Template, ...] = ()  # the claims' encodings, when kept for a cache


def _rules(rule_sets: Sequence[RawRuleSet], vocab: Vocabulary, tolerance: Fraction,
           sink: DiagnosticSink) -> list[Rule]:
    rules: list[Rule] = []
    seen_rules: dict[str, Span] = {}
    for rs in rule_sets:
        for it in rs.items:
            if not isinstance(it, S.RuleDecl):
                continue
            span = rs.locator.span(it.pos)
            if it.id in seen_rules:
                sink.error(span, E.DUPLICATE_ID,
                           f"rule '{it.id}' is already defined at {seen_rules[it.id]}")
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
                rules.append(Rule(it.id, it.description, S.to_text(it.formula), rs.name,
                                  tuple(ex_txt), tuple(fb_txt), span, term,
                                  tuple(ex_terms), tuple(fb_terms), tuple(ps_txt), tuple(ps_terms)))
    return rules


def resolve_file(f: RawFile, k: int, scope: Scope, sink: DiagnosticSink) -> ResolvedFile:
    """Resolve claim file number ``k`` (0-based) of the dataset; errors go to ``sink``."""
    fvocab = scope.vocab.local(str(k + 1), scope.clashing)
    if f.declarations_locator is not None:
        fvocab.declare_items(f.declarations, f.declarations_locator)
    sources: list[Source] = []
    by_id: dict[str, Source] = {}
    for rs_ in f.sources:
        if rs_.id in by_id:
            sink.error(rs_.span, E.DUPLICATE_ID, f"source '{rs_.id}' is declared twice in this file")
            continue
        src = Source(rs_.id, rs_.name, rs_.role, rs_.via, rs_.document, rs_.span)
        by_id[rs_.id] = src
        sources.append(src)
    claims: list[Claim] = []
    id_spans: list[Span] = []
    for rc in f.claims:
        src_ = by_id.get(rc.source)
        if src_ is None:
            sink.error(rc.source_span, E.UNKNOWN_SOURCE, f"unknown source '{rc.source}'",
                       did_you_mean(rc.source, by_id, "declared sources"))
        term = Typer(fvocab, rc.locator, scope.tolerance).statement(rc.formula, f"the formula of claim '{rc.id}'")
        if src_ is None or term is None:
            continue
        claims.append(Claim(rc.id, src_, rc.quote, rc.said, S.to_text(rc.formula), rc.kind,
                            rc.holds, rc.note, rc.span, rc.quote_line, rc.quote_offset, term))
        id_spans.append(rc.id_span)
    glob = scope.vocab
    symbols = tuple(s for n, s in fvocab.symbols.items() if glob.symbols.get(n) is not s)
    sorts = tuple(s for n, s in fvocab.sorts.items() if glob.sorts.get(n) is not s)
    return ResolvedFile(tuple(sources), tuple(claims), tuple(id_spans), symbols, sorts, f.path, f.documents)


def assemble(scope: Scope, files: Sequence[ResolvedFile], sink: DiagnosticSink) -> Dataset:
    """The dataset of resolved files: a claim id used twice is an error at its second use."""
    claims: list[Claim] = []
    seen_claims: dict[str, Span] = {}
    for f in files:
        # a file from the cache keeps no id places (see claims._api._load): its claims' places serve
        id_spans = f.id_spans or tuple(c.span or Span(f.path, 1, 0) for c in f.claims)
        for c, id_span in zip(f.claims, id_spans):
            if c.id in seen_claims:
                sink.error(id_span, E.DUPLICATE_ID,
                           f"duplicate claim id '{c.id}'; it is first used at {seen_claims[c.id]}")
                continue
            seen_claims[c.id] = id_span
            claims.append(c)
    docs: dict[str, str] = {}
    for f in files:
        docs.update(dict(f.documents))
    glob = scope.vocab
    symbols = {s.name: s for s in glob.symbols.values()}
    sorts = {s.name: s for s in glob.sorts.values()}
    for f in files:
        symbols.update((s.name, s) for s in f.symbols if s.name not in symbols)
        sorts.update((s.name, s) for s in f.sorts if s.name not in sorts)
    return Dataset(
        tuple(claims), scope.rules, tuple(s for f in files for s in f.sources), tuple(symbols.values()),
        tuple(sorts.values()), tuple(f.path for f in files), tuple(sorted(docs.items())),
        scope.tolerance,
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
