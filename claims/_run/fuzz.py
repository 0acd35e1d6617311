"""``claims fuzz``: the rule sets checked on their own, before any claim is.

A rule set can be wrong in ways no single claim shows: two rules that cannot
both hold, a rule whose condition never holds, a rule the others already
imply, a rule that forbids what its author meant to allow. Each question is
asked of the rules alone, and each answer names the rule (id, file:line), the
minimal set of other rules behind it, and a concrete scenario in the rules'
own vocabulary.

Two engines, each for what it does well:

* **Z3 answers the exact questions.** One SMT-LIB2 script holds every rule
  under its tracking literal ``r!j`` (instantiated on a generic day and on
  every explicit ``@`` day, so "holds on every day" is exact), the negation of
  every rule (``nr!j``), the condition of every implication (``a!j!k``) and
  every ``example``, ``forbids`` and ``possible`` clause, each under a literal
  of its own. Every question is one check with assumptions on that solver;
  minimal rule sets are found by deletion from the unsat core, as the solve
  stage does for claims. ``unknown`` is reported, never taken for an answer.
* **Hypothesis builds the scenario each report shows.** Z3's model proves
  that a scenario exists; Hypothesis (``hypothesis.find``, seeded with
  ``--seed``, no database) searches the rules' boundary values (every literal
  the rules use, and its neighbours), starting mostly from the solver's
  model, and shrinks to the smallest scenario: false before true, 0 before
  1, the first member of a sort before the others. Each scenario is checked by
  an evaluator of typed terms written here, independently of the encoder and
  of Z3; when it disagrees, the solver's model is shown unshrunk and the
  report says so.

The questions, for rules ``R`` and one rule ``r`` with the others ``O``:

``rule-conflict``
    ``R`` is unsatisfiable: every minimal unsatisfiable subset (the other
    questions are then vacuous and are skipped).
``dead-rule``
    a condition ``C`` of ``r`` (the left side of an ``implies``, at the top
    level or under top-level ``and``/``forall``) is unsatisfiable with ``O``
    (or with ``R``: then ``r`` contradicts its own condition).
``redundant-rule``
    ``O`` entails ``r``.
``example-rejected``
    an ``example:`` of ``r`` is unsatisfiable with ``R``.
``forbid-allowed``
    a ``forbids:`` of ``r`` is satisfiable with ``R``.
``possible-rejected``
    a ``possible: P`` of ``r`` (every scenario where ``P`` and ``O`` hold is
    possible) has a scenario with ``P``, ``O`` and not ``r``: ``r`` forbids
    too much.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Union

import attrs
import z3
from hypothesis import HealthCheck, Phase, Verbosity, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from claims._base import errors as E
from claims._base.errors import DiagnosticSink, RuleError, Span
from claims._base.read import Roots
from claims._front import syntax as S
from claims._front.load import (
    CLAIM_FILES,
    RULE_FILES,
    Document,
    Inputs,
    RawFile,
    RawRuleSet,
    display_path,
    find_files,
    load_claim_file,
    load_rule_file,
    rule_sets_of,
)
from claims._front.model import Dataset, Rule, Symbol, TApp, Term, TLit, TMember, TOp, TQuant, TVar
from claims._front.resolve import resolve
from claims._logic.encode import (
    Encoder,
    day_text,
    explicit_days,
    negated_rule_literal,
    q,
    rule_literal,
    uses_context_time,
)
from claims._logic.solve import Options, rules_alone
from claims._logic.solver import Answer, Checker, make_solver, shrink_by_deletion
from claims._report.findings import Scenario
from claims._report.registry import Formats

KINDS = {
    "rule-conflict": ("rule conflict", "rule conflicts"),
    "dead-rule": ("dead rule", "dead rules"),
    "redundant-rule": ("redundant rule", "redundant rules"),
    "example-rejected": ("rejected example", "rejected examples"),
    "forbid-allowed": ("forbids clause allowed", "forbids clauses allowed"),
    "possible-rejected": ("rule that forbids too much", "rules that forbid too much"),
    "undecided": ("undecided question", "undecided questions"),
}
"""Finding kinds, in the order a report lists them for one rule, with their names in prose."""

DEFAULT_MAX_EXAMPLES = 100
JSON_VERSION = 1

# How much more often a scenario search draws the solver's value of an atom
# than each other candidate: with 19, a search starts from the solver's whole
# model in one example of ten even over 40 atoms, and shrinking does the rest.
_BIAS = 19

Value = Union[bool, int, Fraction, str]
Key = tuple[str, Union[tuple[Any, ...], None], Union[int, None]]
"""An atom of a scenario: (symbol, argument values or None for "any other", day or None for any day)."""


# --------------------------------------------------------------------------- findings


@attrs.frozen
class FuzzFinding:
    """One problem of a rule set.

    ``rule`` is the rule it is about (for a conflict, the first rule of the
    set); ``formula`` the condition or clause in question; ``support`` the
    minimal set of rules behind the finding; ``scenario`` a concrete scenario
    and ``shows`` what it shows; ``found_by`` is ``hypothesis`` (found and
    shrunk by Hypothesis, confirmed by the evaluator) or ``solver`` (Z3's model).
    """

    kind: str
    rule: Rule
    message: str
    formula: str | None = None
    support: tuple[Rule, ...] = ()
    scenario: tuple[Scenario, ...] = ()
    shows: str = ""
    found_by: str = ""

    @property
    def span(self) -> Span:
        return self.rule.span or Span(self.rule.rule_set, 1, 0)


@attrs.frozen
class FuzzReport:
    """What ``claims fuzz`` found in a rule set."""

    files: tuple[str, ...]
    rules: tuple[Rule, ...]
    findings: tuple[FuzzFinding, ...]
    seed: int
    max_examples: int
    checks: int = 0
    searches: int = 0
    skipped: str | None = None

    @property
    def failed(self) -> bool:
        return bool(self.findings)


# --------------------------------------------------------------------------- input


def load_rules(paths: Sequence[str | os.PathLike[str]]) -> tuple[Dataset, tuple[str, ...]]:
    """The rules to fuzz: ``.rules`` files, directories of them, and the rule sets claim files use.

    A directory contributes every ``*.rules`` file under it and the rule sets
    of every claim file (``*.yaml``, ``*.yml``) under it.

    Raises:
        RuleError: with every diagnostic, when a path or a rule file is invalid.
    """
    sink = DiagnosticSink()
    rule_files: list[Path] = []
    claim_files: list[Path] = []
    # what the claim files name, and what a folder holds, must lie under the paths given
    inputs = Inputs(Roots.of(paths))
    for f in find_files(paths, sink, inputs.roots, (RULE_FILES, CLAIM_FILES)):
        if f.suffix in RULE_FILES.suffixes:
            rule_files.append(f)
        elif f.suffix in CLAIM_FILES.suffixes:
            claim_files.append(f)
        else:  # a file given (one found in a folder has one of these suffixes)
            sink.error(Span(display_path(f), 1, 0), E.BAD_VALUE,
                       f"'{display_path(f)}' is neither a rule file (*.rules) nor a claim file (*.yaml, *.yml)")
    by_path: dict[str, RawRuleSet] = {}
    for f in rule_files:
        key = str(f.resolve())
        if key not in by_path:
            rs = load_rule_file(f, sink, limits=inputs.limits)
            if rs is not None:
                by_path[key] = rs
    documents: dict[str, Document] = {}
    loaded: list[tuple[Path, RawFile]] = []
    for f in claim_files:
        raw = load_claim_file(f, sink, documents, inputs=inputs)
        if raw is not None:
            loaded.append((f, raw))
    for rs in rule_sets_of([(p, raw.rule_sets) for p, raw in loaded], sink, inputs):
        by_path.setdefault(str(Path(rs.path).resolve()), rs)
    sink.raise_if_errors(RuleError)
    rule_sets = sorted(by_path.values(), key=lambda r: (r.path, r.name))
    ds = resolve([raw for _, raw in loaded], rule_sets, sink)
    sink.raise_if_errors(RuleError)
    if not ds.rules:
        first = rule_sets[0].path if rule_sets else display_path(Path(paths[0]))
        sink.error(Span(first, 1, 0), E.NO_CLAIMS, "no rules were found: there is nothing to fuzz")
        sink.raise_if_errors(RuleError)
    return ds, tuple(rs.path for rs in rule_sets)


def fuzz_paths(paths: Sequence[str | os.PathLike[str]], *, max_examples: int = DEFAULT_MAX_EXAMPLES,
               seed: int = 0, timeout: float | None = 30.0) -> FuzzReport:
    """Load the rules of ``paths`` (see :func:`load_rules`) and fuzz them."""
    ds, files = load_rules(paths)
    return fuzz(ds, files=files, max_examples=max_examples, seed=seed, timeout=timeout)


# --------------------------------------------------------------------------- the problem


class _Undefined(Exception):
    """A term has no value in a scenario (an atom it does not assign)."""


@attrs.frozen
class _Scenario:
    """A concrete scenario: a value per atom, and the size of each open sort's universe."""

    values: dict[Key, Value] = attrs.field(eq=False)
    sizes: dict[str, int] = attrs.field(eq=False)


@attrs.frozen
class _Cond:
    """A condition of a rule: the left side of an implication, closed by ``exists`` over its binders."""

    term: Term
    text: str


def _conditions(e: S.Expr, t: Term, bound: tuple[TVar, ...] = (),
                binders: tuple[tuple[str, str | None], ...] = ()) -> Iterator[_Cond]:
    """The conditions of a rule, walking its syntax and its typed term side by side."""
    if isinstance(e, S.Binary) and isinstance(t, TOp) and e.op == t.op == "and" and len(t.args) == 2:
        yield from _conditions(e.left, t.args[0], bound, binders)
        yield from _conditions(e.right, t.args[1], bound, binders)
    elif isinstance(e, S.Quant) and isinstance(t, TQuant) and e.kind == t.kind == "forall":
        yield from _conditions(e.body, t.body, bound + t.vars, binders + e.binders)
    elif isinstance(e, S.Binary) and isinstance(t, TOp) and e.op == t.op == "implies":
        left = t.args[0]
        used = _free_vars(left)
        keep = tuple(v for v in bound if v.name in used)
        text = S.to_text(e.left)
        if keep:
            shown = ", ".join(f"{v}: {s}" for v, s in binders if v in {k.name for k in keep})
            return_term: Term = TQuant("exists", keep, left)
            yield _Cond(return_term, f"exists {shown}. {text}")
        else:
            yield _Cond(left, text)


def _free_vars(t: Term) -> set[str]:
    if isinstance(t, TVar):
        return {t.name}
    if isinstance(t, (TApp, TOp)):
        return set().union(*(_free_vars(a) for a in t.args)) if t.args else set()
    if isinstance(t, TQuant):
        return _free_vars(t.body) - {v.name for v in t.vars}
    return set()


def _symbols_of(t: Term) -> set[str]:
    if isinstance(t, TApp):
        return {t.name}.union(*(_symbols_of(a) for a in t.args))
    if isinstance(t, TOp):
        return set().union(*(_symbols_of(a) for a in t.args)) if t.args else set()
    if isinstance(t, TQuant):
        return _symbols_of(t.body)
    return set()


def _literals(t: Term) -> Iterator[TLit]:
    if isinstance(t, TLit):
        yield t
    elif isinstance(t, (TApp, TOp)):
        for a in t.args:
            yield from _literals(a)
    elif isinstance(t, TQuant):
        yield from _literals(t.body)


class _Problem:
    """Every rule and every question about the rules, as one SMT-LIB2 script on one solver."""

    def __init__(self, ds: Dataset, timeout: float | None) -> None:
        self.ds = ds
        self.rules = ds.rules
        self.timeout = timeout
        self.symbols = {s.name: s for s in ds.symbols}
        self.sorts = {s.name: s for s in ds.sorts}
        self.enc = Encoder(ds)
        terms: list[Term] = []
        for r in self.rules:
            assert r.term is not None
            terms += [r.term, *r.example_terms, *r.forbid_terms, *r.possible_terms]
        self.all_terms = terms
        self.days: list[int | None] = [None, *sorted(set().union(*(explicit_days(t) for t in terms)))]
        decls: list[str] = []
        body: list[str] = []

        def guard(lit: str, smt: str) -> None:
            decls.append(f"(declare-const {q(lit)} Bool)")
            body.append(f"(assert (=> {q(lit)} {smt}))")

        def conj(parts: Sequence[str], op: str = "and") -> str:
            return parts[0] if len(parts) == 1 else f"({op} {' '.join(parts)})"

        self.rule_days: list[list[int | None]] = []
        self.conds: list[list[_Cond]] = []
        for j, r in enumerate(self.rules):
            assert r.term is not None
            days: list[int | None] = list(self.days) if uses_context_time(r.term) else [None]
            self.rule_days.append(days)
            inst = [self.enc.unit("rule", j, r.term, d).smt for d in days]
            guard(rule_literal(j), conj(inst))
            guard(negated_rule_literal(j), f"(not {conj(inst)})")
            conds = list(_conditions(S.parse_formula(r.formula), r.term))
            self.conds.append(conds)
            for k, c in enumerate(conds):
                guard(f"a!{j}!{k}", conj([self.enc.unit("rule", j, c.term, d).smt for d in self.cond_days(c)],
                                         "or"))
            for tag, cases in (("e", r.example_terms), ("f", r.forbid_terms), ("p", r.possible_terms)):
                for k, t in enumerate(cases):
                    guard(f"{tag}!{j}!{k}", self.enc.unit("rule", j, t, None).smt)
        self.atoms = self._atoms()
        lines = [self.enc.sort_decls[s] for s in sorted(self.enc.sort_decls)]
        lines += [self.enc.atoms[a].decl for a in sorted(self.enc.atoms)]
        self.smt = "\n".join([*lines, *decls, *body]) + "\n"
        self.solver = make_solver(self.smt, timeout)
        self.chk = Checker(self.solver)
        self.searches = 0
        self._pool_cache: dict[str, list[Value]] | None = None

    def cond_days(self, c: _Cond) -> list[int | None]:
        return list(self.days) if uses_context_time(c.term) else [None]

    # -- the atoms a scenario assigns -----------------------------------------
    def _atoms(self) -> list[tuple[Symbol, tuple[str, ...], int | None, str]]:
        """(symbol, members, day, SMT name) of every constant; functions have members ``()``."""
        used = sorted(set().union(*(_symbols_of(t) for t in self.all_terms)))
        out = []
        for name in used:
            sym = self.symbols[name]
            days = self.days if sym.timed else [None]
            for d in days:
                if sym.args and self.enc.grounded(sym):
                    combos = itertools.product(*[self.sorts[a].members or () for a in sym.args])
                    for combo in combos:
                        out.append((sym, tuple(combo), d, self.enc.atom(sym, tuple(combo), d)))
                else:
                    out.append((sym, (), d, self.enc.atom(sym, (), d)))
        return out

    def is_open(self, sort: str) -> bool:
        info = self.sorts.get(sort)
        return info is not None and info.members is None

    # -- checks ----------------------------------------------------------------
    def check(self, rules: Iterable[int], extra: Sequence[str] = ()) -> Answer:
        lits = [z3.Bool(rule_literal(j)) for j in rules] + [z3.Bool(x) for x in extra]
        return self.chk.check(lits)

    def shrink(self, rules: Sequence[int], extra: Sequence[str] = ()) -> list[int] | None:
        """A minimal subset of ``rules`` that keeps ``extra`` unsatisfiable; None on unknown.

        Call right after an unsat check of ``rules`` + ``extra``; see
        :func:`claims._logic.solver.shrink_by_deletion`.
        """
        return shrink_by_deletion(rules, rule_literal, lambda trial: self.check(trial, extra),
                                  self.chk.core)

    # -- scenarios: from a model, evaluated, searched --------------------------
    def from_model(self, model: Any) -> _Scenario:
        decls = {d.name(): d for d in model.decls()}
        universes: dict[str, list[str]] = {}
        elements: dict[str, list[Any]] = {}
        for zs in model.sorts():
            elements[zs.name()] = list(model.get_universe(zs))
            universes[zs.name()] = [str(e) for e in elements[zs.name()]]
        sizes = {s: max(1, len(universes.get(s, []))) for s, info in self.sorts.items() if info.members is None}

        def conv(v: Any, sort: str) -> Value:
            if sort == "bool":
                return bool(z3.is_true(v))
            if sort in ("int", "date"):
                return int(v.as_long()) if z3.is_int_value(v) else 0
            if sort == "real":
                if z3.is_rational_value(v):
                    return Fraction(v.numerator_as_long(), v.denominator_as_long())
                if z3.is_algebraic_value(v):
                    return Fraction(v.as_decimal(12).rstrip("?"))
                return Fraction(0)
            if self.is_open(sort):
                u = universes.get(sort, [])
                return u.index(str(v)) if str(v) in u else 0
            return str(v).strip("|")

        values: dict[Key, Value] = {}
        for sym, members, day, smt in self.atoms:
            d = decls.get(smt.strip("|"))
            if members or not sym.args:
                if d is None:
                    values[(sym.name, members, day)] = self.default(sym.result)
                else:
                    values[(sym.name, members, day)] = conv(model.eval(d(), model_completion=True), sym.result)
                continue
            # a function over open, bool or numeric arguments: its table, row by row
            # where the arguments range over finitely many values (the model's
            # "else" may be any term), else its explicit rows and a default
            default = self.default(sym.result)
            domains = [self.domain(a, sizes) for a in sym.args]
            if d is None:
                if all(dom is not None for dom in domains):
                    for tup in itertools.product(*[dom or [] for dom in domains]):
                        values[(sym.name, tuple(tup), day)] = default
                else:
                    values[(sym.name, None, day)] = default
                continue
            zdoms = [self._z3_domain(d.domain(i), a, elements) for i, a in enumerate(sym.args)]
            if all(zd is not None for zd in zdoms):
                for combo in itertools.product(*[zd or [] for zd in zdoms]):
                    got = model.eval(d(*[z for z, _ in combo]), model_completion=True)
                    values[(sym.name, tuple(v for _, v in combo), day)] = conv(got, sym.result)
                continue
            interp = model[d]
            if isinstance(interp, z3.FuncInterp):
                rows = interp.as_list()
                for row in rows[:-1]:
                    values[(sym.name, tuple(conv(a, s) for a, s in zip(row[:-1], sym.args)), day)] = \
                        conv(row[-1], sym.result)
                if z3.is_true(rows[-1]) or z3.is_false(rows[-1]) or z3.is_int_value(rows[-1]) \
                        or z3.is_rational_value(rows[-1]):
                    default = conv(rows[-1], sym.result)
            values[(sym.name, None, day)] = default
        return self.canonical(values, sizes)

    def canonical(self, values: dict[Key, Value], sizes: dict[str, int]) -> _Scenario:
        """Renumber each open universe so that the elements constants name come first.

        A search shrinks a universe by dropping its last elements; numbering the
        elements constants name first keeps them when it does.
        """
        order: dict[str, list[int]] = {s: [] for s in sizes}
        for k in sorted(values, key=lambda k: (bool(k[1]), _key_order(k))):
            sort = self.symbols[k[0]].result
            if sort in order and values[k] not in order[sort]:
                order[sort].append(int(values[k]))
        renumber = {s: {old: new for new, old in enumerate(
            [*order[s], *(i for i in range(sizes[s]) if i not in order[s])])} for s in sizes}
        out: dict[Key, Value] = {}
        for (name, args, day), v in values.items():
            sym = self.symbols[name]
            if args is not None:
                args = tuple(renumber[s][int(a)] if s in renumber else a for a, s in zip(args, sym.args))
            out[(name, args, day)] = renumber[sym.result][int(v)] if sym.result in renumber else v
        return _Scenario(out, sizes)

    def _z3_domain(self, zs: Any, sort: str, elements: dict[str, list[Any]]) -> list[tuple[Any, Value]] | None:
        """The values of an argument sort, as (z3 value, scenario value), when there are finitely many."""
        if sort == "bool":
            return [(z3.BoolVal(False), False), (z3.BoolVal(True), True)]
        info = self.sorts.get(sort)
        if info is None:
            return None
        if info.members is not None:
            ctors = [zs.constructor(k) for k in range(zs.num_constructors())]
            return [(c(), c.name().strip("|")) for c in ctors]
        return [(e, i) for i, e in enumerate(elements.get(zs.name(), []))]

    def domain(self, sort: str, sizes: dict[str, int]) -> list[Value] | None:
        if sort == "bool":
            return [False, True]
        info = self.sorts.get(sort)
        if info is None:
            return None
        if info.members is not None:
            return list(info.members)
        return list(range(sizes.get(sort, 1)))

    def default(self, sort: str) -> Value:
        return self.candidates(sort, {})[0]

    def candidates(self, sort: str, sizes: dict[str, int]) -> list[Value]:
        """The values a search tries for an atom of ``sort``, simplest first."""
        if sort == "bool":
            return [False, True]
        if sort in ("int", "real", "date"):
            return list(self._pools()[sort])
        info = self.sorts[sort]
        if info.members is not None:
            return list(info.members)
        return list(range(sizes.get(sort, 1)))

    def _pools(self) -> dict[str, list[Value]]:
        if self._pool_cache is None:
            ints: set[int] = {0, 1, -1, 2}
            reals: set[Fraction] = {Fraction(0), Fraction(1), Fraction(-1), Fraction(1, 2)}
            dates: set[int] = set()
            for t in self.all_terms:
                for lit in _literals(t):
                    if isinstance(lit.value, bool):
                        continue
                    v = lit.value
                    if lit.sort == "date":
                        dates |= {int(v) - 1, int(v), int(v) + 1}
                    elif lit.sort == "int":
                        ints |= {int(v) - 1, int(v), int(v) + 1}
                        reals |= {Fraction(v) - 1, Fraction(v), Fraction(v) + 1}
                    else:
                        reals |= {Fraction(v) - 1, Fraction(v), Fraction(v) + 1}
                        ints |= {int(v) - 1, int(v), int(v) + 1}
            base = min(dates) + 1 if dates else datetime.date(2000, 1, 1).toordinal()
            dates.add(base)
            int_pool: list[int] = sorted(ints, key=lambda v: (abs(v), v < 0))
            real_pool: list[Fraction] = sorted(reals, key=lambda v: (abs(v), v < 0))
            date_pool: list[int] = sorted(dates, key=lambda v: (abs(v - base), v < base))
            self._pool_cache = {"int": [*int_pool], "real": [*real_pool], "date": [*date_pool]}
        return self._pool_cache

    def evaluator(self, scen: _Scenario) -> _Evaluator:
        return _Evaluator(self, scen)

    def rule_holds(self, ev: _Evaluator, j: int) -> bool:
        term = self.rules[j].term
        assert term is not None
        return all(ev.truth(term, d) for d in self.rule_days[j])

    def search(self, *, lits: Sequence[str], keep: Sequence[int], pos: Sequence[tuple[Term, Sequence[int | None]]] = (),
               broken: Sequence[int] = (), show: Iterable[str], seed: int, max_examples: int,
               ) -> tuple[tuple[Scenario, ...], str]:
        """The smallest scenario where ``pos`` holds (on one of its days), every rule of
        ``keep`` holds and every rule of ``broken`` fails; shown for the symbols ``show``.

        Z3 finds a model of the same question first (assumptions ``keep`` + ``lits``);
        Hypothesis then searches from it and shrinks. Returns the assignments and
        who found them (``hypothesis`` or ``solver``); no assignments when even the
        solver finds none (its answer was unknown).
        """
        shown = set(show)
        r = self.check(keep, lits)
        if r != "sat":
            return (), ""
        witness = self.from_model(self.solver.model())

        def holds(s: _Scenario) -> bool:
            ev = self.evaluator(s)
            try:
                return (all(any(ev.truth(t, d) for d in days) for t, days in pos)
                        and all(self.rule_holds(ev, j) for j in keep)
                        and not any(self.rule_holds(ev, j) for j in broken))
            except _Undefined:
                return False

        if not holds(witness):
            return self.assignments(witness, shown), "solver"
        # only atoms connected to what the question is about can change
        focus = set(shown)
        for t, _ in pos:
            focus |= _symbols_of(t)
        for j in broken:
            focus |= self.rule_symbols(j)
        changed = True
        while changed:
            changed = False
            for j in keep:
                syms = self.rule_symbols(j)
                if syms & focus and not syms <= focus:
                    focus |= syms
                    changed = True
        keys = sorted((k for k in witness.values if k[0] in focus), key=_key_order)
        # each element of an open universe is kept or dropped (shrinking drops it)
        sorts = sorted(s for s, n in witness.sizes.items() if n > 1)
        keep_element = st.sampled_from([False] + [True] * _BIAS)
        masks = st.tuples(*[st.tuples(*[keep_element] * witness.sizes[s]) for s in sorts])
        strategies = []
        for k in keys:
            cands = self.candidates(self.key_sort(k), witness.sizes)
            w = witness.values[k]
            if w not in cands:
                cands.append(w)
            strategies.append(st.sampled_from(cands + [w] * (_BIAS * len(cands))))
        fixed = dict(witness.values)

        def build(drawn: tuple[tuple[tuple[bool, ...], ...], tuple[Value, ...]]) -> _Scenario:
            out = dict(fixed)
            out.update(zip(keys, drawn[1]))
            return self.restrict(out, witness.sizes, dict(zip(sorts, drawn[0])))

        strategy = st.tuples(masks, st.tuples(*strategies)).map(build)
        self.searches += 1
        try:
            best = find(strategy, holds, settings=_search_settings(max_examples),
                        random=random.Random(seed * 1_000_003 + self.searches))
        except NoSuchExample:
            return self.assignments(witness, shown), "solver"
        return self.assignments(best, shown), "hypothesis"

    def restrict(self, values: dict[Key, Value], sizes: dict[str, int],
                 masks: dict[str, tuple[bool, ...]]) -> _Scenario:
        """The scenario over the elements ``masks`` keep (at least one per sort), renumbered:
        rows about a dropped element go, a value that was one becomes the first element kept."""
        renumber: dict[str, dict[int, int]] = {}
        for s, mask in masks.items():
            kept = [i for i, keep in enumerate(mask) if keep] or [0]
            renumber[s] = {old: new for new, old in enumerate(kept)}
        out: dict[Key, Value] = {}
        for (name, args, day), v in values.items():
            sym = self.symbols[name]
            if args is not None and any(s in renumber and int(a) not in renumber[s] for a, s in zip(args, sym.args)):
                continue
            if args is not None:
                args = tuple(renumber[s][int(a)] if s in renumber else a for a, s in zip(args, sym.args))
            if sym.result in renumber:
                v = renumber[sym.result].get(int(v), 0)
            out[(name, args, day)] = v
        return _Scenario(out, {s: len(renumber[s]) if s in renumber else n for s, n in sizes.items()})

    def rule_symbols(self, j: int) -> set[str]:
        term = self.rules[j].term
        assert term is not None
        return _symbols_of(term)

    def key_sort(self, k: Key) -> str:
        return self.symbols[k[0]].result

    def assignments(self, s: _Scenario, show: set[str]) -> tuple[Scenario, ...]:
        out = []
        for k in sorted(s.values, key=_key_order):
            if k[0] not in show:
                continue
            sym = self.symbols[k[0]]
            name, args, day = k
            text = name
            if args is None:
                text += "(any other " + ", ".join(sym.args) + ")"
            elif args:
                text += "(" + ", ".join(self.show_value(a, srt) for a, srt in zip(args, sym.args)) + ")"
            if day is not None:
                text += "@" + day_text(day)
            out.append(Scenario(text, self.show_value(s.values[k], sym.result)))
        return tuple(out)

    def show_value(self, v: Value, sort: str) -> str:
        if sort == "bool" or isinstance(v, bool):
            return "true" if v else "false"
        if sort == "date":
            try:
                return datetime.date.fromordinal(int(v)).isoformat()
            except (ValueError, OverflowError):
                return f"day {v}"
        if sort == "real" and isinstance(v, Fraction):
            if v.denominator == 1:
                return str(v.numerator)
            f = float(v)
            return f"{f:g}" if Fraction(f) == v else f"{v.numerator}/{v.denominator}"
        if self.is_open(sort):
            return f"{sort}#{int(v) + 1}"
        return str(v)


def _key_order(k: Key) -> tuple[str, str, int]:
    return (k[0], "~" if k[1] is None else repr(k[1]), -1 if k[2] is None else k[2])


def _search_settings(max_examples: int) -> settings:
    return settings(max_examples=max_examples, database=None, deadline=None, derandomize=False,
                    phases=(Phase.generate, Phase.shrink), suppress_health_check=list(HealthCheck),
                    verbosity=Verbosity.quiet, report_multiple_bugs=False)


class _Evaluator:
    """The value of a typed term in a concrete scenario: the meaning of ``_encode``, written again.

    Independent of the encoder and of Z3 on purpose: a scenario Hypothesis
    reports is one this evaluator confirms, so an encoding bug shows as a
    disagreement instead of a wrong example.
    """

    def __init__(self, problem: _Problem, scen: _Scenario) -> None:
        self.p = problem
        self.s = scen

    def truth(self, t: Term, day: int | None) -> bool:
        return bool(self.value(t, day, {}))

    def value(self, t: Term, day: int | None, env: dict[str, Value]) -> Value:
        if isinstance(t, TLit):
            return t.value
        if isinstance(t, TMember):
            return t.name
        if isinstance(t, TVar):
            return env[t.name]
        if isinstance(t, TApp):
            sym = self.p.symbols[t.name]
            when = (t.at if t.at is not None else day) if sym.timed else None
            args = tuple(self.value(a, day, env) for a in t.args)
            vals = self.s.values
            if (t.name, args, when) in vals:
                return vals[(t.name, args, when)]
            if (t.name, None, when) in vals:
                return vals[(t.name, None, when)]
            raise _Undefined(t.name)
        if isinstance(t, TQuant):
            domains = [self.p.domain(v.sort, self.s.sizes) or [] for v in t.vars]
            results = (self.truth_in(t.body, day, {**env, **dict(zip((v.name for v in t.vars), combo))})
                       for combo in itertools.product(*domains))
            return all(results) if t.kind == "forall" else any(results)
        assert isinstance(t, TOp)
        op = t.op
        if op == "and":
            return all(self.truth_in(a, day, env) for a in t.args)
        if op == "or":
            return any(self.truth_in(a, day, env) for a in t.args)
        if op == "implies":
            *hyps, concl = t.args
            return not all(self.truth_in(a, day, env) for a in hyps) or self.truth_in(concl, day, env)
        a = [self.value(x, day, env) for x in t.args]
        if op == "not":
            return not a[0]
        if op == "xor":
            out = False
            for x in a:
                out = out != bool(x)
            return out
        if op in ("iff", "="):
            return all(x == a[0] for x in a[1:])
        if op == "!=":
            return a[0] != a[1]
        if op == "neg":
            return -_num(a[0])
        if op in ("<", "<=", ">", ">="):
            cmp: Callable[[Any, Any], bool] = {"<": lambda x, y: x < y, "<=": lambda x, y: x <= y,
                                               ">": lambda x, y: x > y, ">=": lambda x, y: x >= y}[op]
            return all(cmp(_num(x), _num(y)) for x, y in zip(a, a[1:]))
        nums = [_num(x) for x in a]
        if op == "+":
            return sum(nums[1:], nums[0])
        if op == "-":
            return nums[0] - sum(nums[1:]) if len(nums) > 1 else -nums[0]
        if op == "*":
            out_n = nums[0]
            for x in nums[1:]:
                out_n = out_n * x
            return out_n
        if op == "/":
            out_q = Fraction(nums[0])
            for x in nums[1:]:
                out_q = out_q / x if x != 0 else Fraction(0)  # x / 0 = 0, as claims._logic.encode says
            return out_q
        raise AssertionError(op)  # pragma: no cover

    def truth_in(self, t: Term, day: int | None, env: dict[str, Value]) -> bool:
        return bool(self.value(t, day, env))


def _num(v: Value) -> int | Fraction:
    assert not isinstance(v, (bool, str)), v
    return v


# --------------------------------------------------------------------------- the questions


def fuzz(ds: Dataset, *, files: Sequence[str] = (), max_examples: int = DEFAULT_MAX_EXAMPLES,
         seed: int = 0, timeout: float | None = 30.0) -> FuzzReport:
    """Ask every question of ``ds.rules`` (see the module docstring); claims are ignored."""
    qs = _Questions(_Problem(ds, timeout), seed=seed, max_examples=max_examples, timeout=timeout)
    active = qs.conflicts()
    for j in active:
        others = [i for i in active if i != j]
        dead = qs.dead(j, others, active)
        if not (dead and dead == len(qs.p.conds[j]) == _pieces(qs.rules[j])):
            qs.redundant(j, others)  # a rule with nothing but dead conditions is redundant for that reason
        qs.examples(j, active)
        qs.forbids(j, active)
        qs.possibles(j, others)
    rules = qs.rules
    order = {r.id: i for i, r in enumerate(rules)}
    kinds = list(KINDS)
    found = sorted(qs.found, key=lambda f: (order[f.rule.id], kinds.index(f.kind), f.formula or ""))
    return FuzzReport(tuple(files), rules, tuple(found), seed, max_examples, qs.p.chk.checks,
                      qs.p.searches, qs.skipped)


class _Questions:
    """The questions of the module docstring, one method each; findings collect in ``found``."""

    def __init__(self, p: _Problem, *, seed: int, max_examples: int, timeout: float | None) -> None:
        self.p = p
        self.rules = p.rules
        self.seed = seed
        self.max_examples = max_examples
        self.timeout = timeout
        self.found: list[FuzzFinding] = []
        self.skipped: str | None = None

    def search(self, **kw: Any) -> tuple[tuple[Scenario, ...], str]:
        return self.p.search(seed=self.seed, max_examples=self.max_examples, **kw)

    def undecided(self, j: int, what: str) -> None:
        reason = self.p.chk.reason or "the solver answered unknown"
        if reason in ("canceled", "timeout") and self.timeout is not None:
            reason = f"the solver hit the time limit ({self.timeout:g} s per check)"
        self.found.append(FuzzFinding("undecided", self.rules[j], f"the solver could not decide {what}: {reason}"))

    def conflicts(self) -> list[int]:
        """Report every minimal set of rules that cannot hold together; return the rules in none.

        Every other question is vacuous over a set that holds a conflict. The
        rules in no conflict are consistent together: a minimal conflict among
        them would have been listed.
        """
        rules, everyone = self.rules, list(range(len(self.rules)))
        answer, sets, reason = rules_alone(self.p.smt, everyone, Options(self.timeout, None))
        if answer == "unknown":
            self.p.chk.reason = reason
            self.undecided(0, "whether the rules are consistent together")
            self.skipped = "every rule (the solver could not decide whether they are consistent together)"
            return []
        for s in sets:
            support = tuple(rules[j] for j in s)
            last = s[-1]
            scen, by = self.search(lits=[], keep=s[:-1], broken=[last], show=self.symbols(s))
            if len(s) == 1:
                msg = f"rule '{rules[last].id}' contradicts itself: no scenario satisfies it"
                shows = f"breaks '{rules[last].id}', as every scenario does"
            else:
                ids = ", ".join(f"'{r.id}'" for r in support)
                msg = f"rules {ids} contradict each other: no scenario satisfies them all"
                shows = f"satisfies {_names(support[:-1])} but breaks '{rules[last].id}'"
            self.found.append(FuzzFinding("rule-conflict", rules[s[0]], msg, rules[s[0]].formula, support,
                                          scen, shows, by))
        in_conflict = sorted(set().union(*sets)) if sets else []
        if in_conflict:
            self.skipped = (f"{_names(tuple(rules[j] for j in in_conflict))} "
                            f"({'it is' if len(in_conflict) == 1 else 'they are'} in a conflict)")
        return [j for j in everyone if j not in in_conflict]

    def dead(self, j: int, others: list[int], active: list[int]) -> int:
        """Report each condition of rule ``j`` that can never hold; return how many."""
        r, rules, p = self.rules[j], self.rules, self.p
        dead = 0
        for k, c in enumerate(p.conds[j]):
            lit = f"a!{j}!{k}"
            res, pool = p.check(others, [lit]), others
            if res == "sat":  # possible given the others: is it given the rule itself too?
                res, pool = p.check(active, [lit]), active
            if res == "unknown":
                self.undecided(j, f"whether the condition `{c.text}` of rule '{r.id}' can hold")
                continue
            if res == "sat":
                continue
            m = p.shrink(pool, [lit])
            if m is None:
                self.undecided(j, f"which rules keep the condition `{c.text}` from holding")
                continue
            dead += 1
            if not m:
                msg = f"rule '{r.id}' never applies: its condition can never hold, whatever the other rules say"
                self.found.append(FuzzFinding("dead-rule", r, msg, c.text))
                continue
            support = tuple(rules[i] for i in m)
            if j in m:
                msg = (f"rule '{r.id}' never applies: its own conclusion contradicts its condition"
                       + (f", given {_names(tuple(rules[i] for i in m if i != j))}" if len(m) > 1 else ""))
            else:
                msg = f"rule '{r.id}' never applies: its condition can never hold, given {_names(support)}"
            scen, by = self.search(lits=[lit], keep=m[:-1], pos=[(c.term, p.cond_days(c))], broken=[m[-1]],
                                   show=self.symbols([j, *m]) | _symbols_of(c.term))
            self.found.append(FuzzFinding("dead-rule", r, msg, c.text, support, scen,
                                          f"makes the condition true but breaks '{rules[m[-1]].id}'", by))
        return dead

    def redundant(self, j: int, others: list[int]) -> None:
        """Report rule ``j`` when the others imply it, with a minimal set that does."""
        r, rules, p = self.rules[j], self.rules, self.p
        res = p.check(others, [negated_rule_literal(j)])
        if res == "unknown":
            self.undecided(j, f"whether rule '{r.id}' follows from the others")
        if res != "unsat":
            return
        m = p.shrink(others, [negated_rule_literal(j)])
        if m is None:
            self.undecided(j, f"which rules imply rule '{r.id}'")
            return
        support = tuple(rules[i] for i in m)
        if not m:
            msg = f"rule '{r.id}' is redundant: it holds in every scenario"
            self.found.append(FuzzFinding("redundant-rule", r, msg, r.formula))
            return
        msg = f"rule '{r.id}' is redundant: {_names(support)} already imply it"
        scen, by = self.search(lits=[negated_rule_literal(j)], keep=m[:-1], broken=[j, m[-1]], show=self.symbols([j, *m]))
        self.found.append(FuzzFinding("redundant-rule", r, msg, r.formula, support, scen,
                                      f"breaks '{r.id}', and breaks '{rules[m[-1]].id}' too", by))

    def examples(self, j: int, active: list[int]) -> None:
        """Report each ``example:`` of rule ``j`` the rules reject, with a minimal set that does."""
        r, rules, p = self.rules[j], self.rules, self.p
        for k, (text, term) in enumerate(zip(r.examples, r.example_terms)):
            lit = f"e!{j}!{k}"
            res = p.check(active, [lit])
            if res == "unknown":
                self.undecided(j, f"whether the example `{text}` of rule '{r.id}' is consistent with the rules")
            if res != "unsat":
                continue
            m = p.shrink(active, [lit])
            if m is None:
                self.undecided(j, f"which rules reject the example `{text}` of rule '{r.id}'")
                continue
            support = tuple(rules[i] for i in m)
            if not m:
                msg = f"the example `{text}` of rule '{r.id}' is impossible on its own"
                self.found.append(FuzzFinding("example-rejected", r, msg, text))
                continue
            who = ("the rule itself" if m == [j] else
                   f"the rule itself, with {_names(tuple(rules[i] for i in m if i != j))}" if j in m
                   else _names(support))
            msg = f"rule '{r.id}' has an example the rules reject: {who}"
            scen, by = self.search(lits=[lit], keep=m[:-1], pos=[(term, [None])], broken=[m[-1]],
                                   show=self.symbols([j, *m]) | _symbols_of(term))
            self.found.append(FuzzFinding("example-rejected", r, msg, text, support, scen,
                                          f"satisfies the example but breaks '{rules[m[-1]].id}'", by))

    def forbids(self, j: int, active: list[int]) -> None:
        """Report each ``forbids:`` of rule ``j`` the rules allow, with a scenario."""
        r, p = self.rules[j], self.p
        for k, (text, term) in enumerate(zip(r.forbids, r.forbid_terms)):
            lit = f"f!{j}!{k}"
            res = p.check(active, [lit])
            if res == "unknown":
                self.undecided(j, f"whether the forbids `{text}` of rule '{r.id}' is inconsistent with the rules")
            if res != "sat":
                continue
            scen, by = self.search(lits=[lit], keep=active, pos=[(term, [None])],
                                   show=self.symbols([j]) | _symbols_of(term))
            msg = f"rule '{r.id}' forbids `{text}`, but the rules allow it"
            self.found.append(FuzzFinding("forbid-allowed", r, msg, text, (), scen,
                                          "satisfies the forbids clause and every rule", by))

    def possibles(self, j: int, others: list[int]) -> None:
        """Report rule ``j`` when it rejects a scenario one of its ``possible:`` clauses allows."""
        r, p = self.rules[j], self.p
        for k, (text, term) in enumerate(zip(r.possibles, r.possible_terms)):
            lit = f"p!{j}!{k}"
            res = p.check(others, [lit, negated_rule_literal(j)])
            if res == "unknown":
                self.undecided(j, f"whether rule '{r.id}' allows every scenario of `{text}`")
            if res != "sat":
                continue
            scen, by = self.search(lits=[lit, negated_rule_literal(j)], keep=others, pos=[(term, [None])], broken=[j],
                                   show=self.symbols([j]) | _symbols_of(term))
            msg = (f"rule '{r.id}' forbids too much: it rejects a scenario marked possible "
                   "that every other rule accepts")
            self.found.append(FuzzFinding("possible-rejected", r, msg, text, (), scen,
                                          f"is marked possible and every other rule accepts it, but '{r.id}' "
                                          "rejects it", by))

    def symbols(self, rules: Iterable[int]) -> set[str]:
        """The symbols of these rules: what a scenario about them shows."""
        out: set[str] = set()
        for j in rules:
            out |= self.p.rule_symbols(j)
        return out


def _pieces(r: Rule) -> int:
    """The number of top-level pieces of a rule (conjuncts, universal bodies)."""
    assert r.term is not None

    def count(t: Term) -> int:
        if isinstance(t, TOp) and t.op == "and":
            return sum(count(a) for a in t.args)
        if isinstance(t, TQuant) and t.kind == "forall":
            return count(t.body)
        return 1

    return count(r.term)


def _names(rules: Sequence[Rule]) -> str:
    ids = [f"'{r.id}'" for r in rules]
    if not ids:
        return "no rule"
    if len(ids) == 1:
        return f"rule {ids[0]}"
    return "rules " + ", ".join(ids[:-1]) + " and " + ids[-1]


# --------------------------------------------------------------------------- output


def exit_status(report: FuzzReport) -> int:
    """0 when nothing was found, 1 otherwise (input errors exit 2 before a report exists)."""
    return 1 if report.failed else 0


def _where(r: Rule) -> str:
    s = r.span
    return f"{s.path}:{s.line}" if s is not None else r.rule_set


def summary(report: FuzzReport) -> str:
    """``Summary: 1 dead rule, 1 redundant rule`` (or ``nothing found``)."""
    counts: dict[str, int] = {}
    for f in report.findings:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    parts = [f"{n} {KINDS[k][0] if n == 1 else KINDS[k][1]}" for k, n in
             sorted(counts.items(), key=lambda kv: list(KINDS).index(kv[0]))]
    return "Summary: " + (", ".join(parts) if parts else "nothing found")


FORMATS: Formats[Callable[[FuzzReport], str]] = Formats("claims fuzz")
"""The formats of ``claims fuzz`` (``--format``)."""


@FORMATS.register("text")
def render_text(report: FuzzReport) -> str:
    """The report for a person: one ``FILE:LINE:COL: error: ...  [kind]`` line per finding, then details."""
    out = [f"claims fuzz: {', '.join(report.files) or '(rules)'}",
           f"{len(report.rules)} rule{'s' if len(report.rules) != 1 else ''} in {len(report.files)} "
           f"file{'s' if len(report.files) != 1 else ''}; seed {report.seed}, "
           f"at most {report.max_examples} examples per scenario search", ""]
    for f in report.findings:
        out.append(f"{f.span}: error: {f.message}  [{f.kind}]")
        label = {"dead-rule": "condition", "redundant-rule": "rule", "example-rejected": "example",
                 "forbid-allowed": "forbids", "possible-rejected": "possible",
                 "rule-conflict": "rule"}.get(f.kind)
        if f.formula and label:
            out.append(f"  {label}: {f.formula}")
        if f.support:
            out.append("  because of:")
            for r in f.support:
                out.append(f"    {r.id}: {r.formula}  ({_where(r)})")
        if f.scenario:
            how = "shrunk by Hypothesis" if f.found_by == "hypothesis" else "the solver's model"
            out.append(f"  e.g. ({how}; it {f.shows}):")
            for a in f.scenario:
                out.append(f"    {a}")
        out.append("")
    if report.skipped:
        out.append(f"Left out of the other questions: {report.skipped}.")
    out.append(summary(report))
    return "\n".join(out) + "\n"


@FORMATS.register("json")
def render_json(report: FuzzReport) -> str:
    """The report as JSON (``version`` 1): stable keys, stable order."""

    def rule(r: Rule) -> dict[str, Any]:
        s = r.span
        return {"id": r.id, "description": r.description, "formula": r.formula, "rule_set": r.rule_set,
                "file": s.path if s else None, "line": s.line if s else None,
                "column": s.column + 1 if s else None}

    data = {
        "version": JSON_VERSION,
        "tool": "claims fuzz",
        "files": list(report.files),
        "rules": len(report.rules),
        "seed": report.seed,
        "max_examples": report.max_examples,
        "findings": [{
            "kind": f.kind,
            "rule": rule(f.rule),
            "message": f.message,
            "formula": f.formula,
            "support": [rule(r) for r in f.support],
            "scenario": [{"symbol": a.symbol, "value": a.value} for a in f.scenario],
            "shows": f.shows or None,
            "found_by": f.found_by or None,
        } for f in report.findings],
        "skipped": report.skipped,
        "summary": summary(report).removeprefix("Summary: "),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

