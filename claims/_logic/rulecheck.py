"""The rules alone as one Z3 problem, and scenarios in the rules' vocabulary (for ``claims fuzz``).

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

The questions themselves are asked in :mod:`claims._run.fuzz`.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from fractions import Fraction
from typing import Any

import attrs
import z3
from hypothesis import HealthCheck, Phase, Verbosity, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from claims._front import syntax as S
from claims._front.model import Dataset, Symbol, TApp, Term, TLit, TMember, TOp, TQuant, TVar, uses_context_time
from claims._logic.encode import (
    Encoder,
    day_text,
    explicit_days,
    negated_rule_literal,
    q,
    rule_literal,
)
from claims._logic.solver import Answer, Checker, make_solver, shrink_by_deletion

# How much more often a scenario search draws the solver's value of an atom
# than each other candidate: with 19, a search starts from the solver's whole
# model in one example of ten even over 40 atoms, and shrinking does the rest.
_BIAS = 19
Value = bool | int | Fraction | str
Key = tuple[str, tuple[Any, ...] | None, int | None]
"""An atom of a scenario: (symbol, argument values or None for "any other", day or None for any day)."""


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


def conditions(
    e: S.Expr, t: Term, bound: tuple[TVar, ...] = (), binders: tuple[tuple[str, str | None], ...] = ()
) -> Iterator[_Cond]:
    """The conditions of a rule, walking its syntax and its typed term side by side."""
    if isinstance(e, S.Binary) and isinstance(t, TOp) and e.op == t.op == "and" and len(t.args) == 2:
        yield from conditions(e.left, t.args[0], bound, binders)
        yield from conditions(e.right, t.args[1], bound, binders)
    elif isinstance(e, S.Quant) and isinstance(t, TQuant) and e.kind == t.kind == "forall":
        yield from conditions(e.body, t.body, bound + t.vars, binders + e.binders)
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


def symbols_of(t: Term) -> set[str]:
    if isinstance(t, TApp):
        return {t.name}.union(*(symbols_of(a) for a in t.args))
    if isinstance(t, TOp):
        return set().union(*(symbols_of(a) for a in t.args)) if t.args else set()
    if isinstance(t, TQuant):
        return symbols_of(t.body)
    return set()


def _literals(t: Term) -> Iterator[TLit]:
    if isinstance(t, TLit):
        yield t
    elif isinstance(t, (TApp, TOp)):
        for a in t.args:
            yield from _literals(a)
    elif isinstance(t, TQuant):
        yield from _literals(t.body)


class Problem:
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
            conds = list(conditions(S.parse_formula(r.formula), r.term))
            self.conds.append(conds)
            for k, c in enumerate(conds):
                guard(f"a!{j}!{k}", conj([self.enc.unit("rule", j, c.term, d).smt for d in self.cond_days(c)], "or"))
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
        used = sorted(set().union(*(symbols_of(t) for t in self.all_terms)))
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
        return shrink_by_deletion(rules, rule_literal, lambda trial: self.check(trial, extra), self.chk.core)

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
                    values[(sym.name, tuple(conv(a, s) for a, s in zip(row[:-1], sym.args, strict=True)), day)] = conv(
                        row[-1], sym.result
                    )
                if (
                    z3.is_true(rows[-1])
                    or z3.is_false(rows[-1])
                    or z3.is_int_value(rows[-1])
                    or z3.is_rational_value(rows[-1])
                ):
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
        renumber = {
            s: {old: new for new, old in enumerate([*order[s], *(i for i in range(sizes[s]) if i not in order[s])])}
            for s in sizes
        }
        out: dict[Key, Value] = {}
        for (name, given, day), v in values.items():
            sym = self.symbols[name]
            args = (
                given
                if given is None
                else tuple(renumber[s][int(a)] if s in renumber else a for a, s in zip(given, sym.args, strict=True))
            )
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

    def search(
        self,
        *,
        lits: Sequence[str],
        keep: Sequence[int],
        pos: Sequence[tuple[Term, Sequence[int | None]]] = (),
        broken: Sequence[int] = (),
        show: Iterable[str],
        seed: int,
        max_examples: int,
    ) -> tuple[tuple[tuple[str, str], ...], str]:
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
                return (
                    all(any(ev.truth(t, d) for d in days) for t, days in pos)
                    and all(self.rule_holds(ev, j) for j in keep)
                    and not any(self.rule_holds(ev, j) for j in broken)
                )
            except _Undefined:
                return False

        if not holds(witness):
            return self.assignments(witness, shown), "solver"
        # only atoms connected to what the question is about can change
        focus = set(shown)
        for t, _ in pos:
            focus |= symbols_of(t)
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
            out.update(zip(keys, drawn[1], strict=False))
            return self.restrict(out, witness.sizes, dict(zip(sorts, drawn[0], strict=False)))

        strategy = st.tuples(masks, st.tuples(*strategies)).map(build)
        self.searches += 1
        try:
            best = find(
                strategy,
                holds,
                settings=_search_settings(max_examples),
                random=random.Random(seed * 1_000_003 + self.searches),
            )
        except NoSuchExample:
            return self.assignments(witness, shown), "solver"
        return self.assignments(best, shown), "hypothesis"

    def restrict(
        self, values: dict[Key, Value], sizes: dict[str, int], masks: dict[str, tuple[bool, ...]]
    ) -> _Scenario:
        """The scenario over the elements ``masks`` keep (at least one per sort), renumbered:
        rows about a dropped element go, a value that was one becomes the first element kept."""
        renumber: dict[str, dict[int, int]] = {}
        for s, mask in masks.items():
            kept = [i for i, keep in enumerate(mask) if keep] or [0]
            renumber[s] = {old: new for new, old in enumerate(kept)}
        out: dict[Key, Value] = {}
        for (name, given, day), value in values.items():
            sym = self.symbols[name]
            pairs = () if given is None else tuple(zip(given, sym.args, strict=True))
            if any(s in renumber and int(a) not in renumber[s] for a, s in pairs):
                continue
            args = given if given is None else tuple(renumber[s][int(a)] if s in renumber else a for a, s in pairs)
            out[(name, args, day)] = renumber[sym.result].get(int(value), 0) if sym.result in renumber else value
        return _Scenario(out, {s: len(renumber[s]) if s in renumber else n for s, n in sizes.items()})

    def rule_symbols(self, j: int) -> set[str]:
        term = self.rules[j].term
        assert term is not None
        return symbols_of(term)

    def key_sort(self, k: Key) -> str:
        return self.symbols[k[0]].result

    def assignments(self, s: _Scenario, show: set[str]) -> tuple[tuple[str, str], ...]:
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
                text += "(" + ", ".join(self.show_value(a, srt) for a, srt in zip(args, sym.args, strict=True)) + ")"
            if day is not None:
                text += "@" + day_text(day)
            out.append((text, self.show_value(s.values[k], sym.result)))
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
    return settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=False,
        phases=(Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
    )


class _Evaluator:
    """The value of a typed term in a concrete scenario: the meaning of :mod:`claims._logic.encode`, written again.

    Independent of the encoder and of Z3 on purpose: a scenario Hypothesis
    reports is one this evaluator confirms, so an encoding bug shows as a
    disagreement instead of a wrong example.
    """

    def __init__(self, problem: Problem, scen: _Scenario) -> None:
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
            assert when is None or isinstance(when, int), "claims fuzz leaves out the rules that relate days"
            args = tuple(self.value(a, day, env) for a in t.args)
            vals = self.s.values
            if (t.name, args, when) in vals:
                return vals[(t.name, args, when)]
            if (t.name, None, when) in vals:
                return vals[(t.name, None, when)]
            raise _Undefined(t.name)
        if isinstance(t, TQuant):
            domains = [self.p.domain(v.sort, self.s.sizes) or [] for v in t.vars]
            results = (
                self.truth_in(t.body, day, {**env, **dict(zip((v.name for v in t.vars), combo, strict=True))})
                for combo in itertools.product(*domains)
            )
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
            cmp: Callable[[Any, Any], bool] = {
                "<": lambda x, y: x < y,
                "<=": lambda x, y: x <= y,
                ">": lambda x, y: x > y,
                ">=": lambda x, y: x >= y,
            }[op]
            return all(cmp(_num(x), _num(y)) for x, y in itertools.pairwise(a))
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
