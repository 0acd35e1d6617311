"""Stage *solve*: every minimal contradiction of a component, and its conclusions' verdicts.

Contradictions are enumerated with MARCO (Liffiton et al., "Fast, flexible
MUS enumeration", Constraints 2016): a map solver over one Boolean per claim
proposes a seed; a satisfiable seed is grown to a maximal satisfiable subset
and everything below it is blocked; an unsatisfiable seed is shrunk to a
minimal unsatisfiable subset (MUS) and everything above it is blocked. When
the map has no model left, every MUS has been found.

Two refinements from the measurements in PERFORMANCE-NOTES.md:

* claims with the same encoded formula form one class; enumeration runs over
  classes and each class MUS expands into one MUS per choice of members;
* a component is checked once with all its claims first: a consistent one
  needs no enumeration, and no solver of its own either (see
  ``_consistent_at_once``).

A component with conclusions (or under a limit of contradictions) is solved in
a z3 context of its own, so its explanations depend on the component alone,
not on what the process solved before it. The others share their thread's
context (``claims._logic.solver.thread_context``): no z3 object is ever used by two
threads, so threads of one process (a Dask worker's) can solve side by side.

Z3's cores are neither minimal nor always right, so every MUS is shrunk by
deletion and then verified on a solver other than the enumerating one: the
set is unsatisfiable and dropping any one claim makes it satisfiable. Input and output are plain data.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import re
import threading
from collections.abc import Sequence
from fractions import Fraction

import attrs
import z3
from z3 import z3core

from claims._logic.encode import claim_literal, conclusion_literals, q, rule_literal
from claims._front.model import plain
from claims._logic.partition import Component
from claims._logic.solver import Answer, Checker, make_solver, new_context, shrink_by_deletion, thread_context


@attrs.frozen
class Options:
    """Solver limits: seconds per check (None: no limit) and MUSes per component (None: all)."""

    timeout: float | None = 30.0
    max_per_component: int | None = None


@attrs.frozen
class RawMus:
    claims: tuple[int, ...]
    rules: tuple[int, ...]


@attrs.frozen
class RawVerdict:
    conclusion: int
    verdict: str  # supported refuted unsupported vacuous unknown
    premises: tuple[int, ...] = ()
    rules: tuple[int, ...] = ()
    countermodel: tuple[tuple[str, str, str], ...] = ()  # (atom smt, display, value)
    reason: str | None = None


@attrs.frozen
class ComponentResult:
    muses: tuple[RawMus, ...]
    complete: bool
    truncated: bool
    unknown_reason: str | None
    verdicts: tuple[RawVerdict, ...]
    checks: int


def _index(name: str) -> int:
    return int(name.rsplit("!", 1)[1])


class _Component:
    def __init__(self, comp: Component, facts: Sequence[int], opts: Options) -> None:
        self.comp = comp
        self.opts = opts
        # z3 numbers terms per context, reusing the numbers of freed terms, and the
        # numbering steers the search, so cores and models. In a shared context they
        # would depend on what the process solved before (another order, --jobs, the
        # cache). Where they show, in the explanations of conclusions and in which
        # contradictions a truncated enumeration finds, the component gets a context
        # of its own. Elsewhere only the effort varies (a complete enumeration finds
        # the same set), and a context costs 16 MB of fresh memory: 1 to 10 ms each.
        own = bool(comp.conclusions) or opts.max_per_component is not None
        self.ctx = new_context() if own else thread_context()
        self.solver = make_solver(comp.smt, opts.timeout, ctx=self.ctx)
        self.chk = Checker(self.solver)
        self.rule_names = [rule_literal(j) for j in comp.rules]
        self.rule_lits = self.lits(self.rule_names)
        fact_set = set(facts)
        self.facts = [i for i in comp.claims if i in fact_set]
        self._verifier: _Component | None = None

    @functools.cached_property
    def body(self) -> dict[str, z3.ExprRef]:
        """The formula each claim literal guards, for growing and for classes.

        Built on first use: a consistent component never needs it, and reading
        back every assertion costs more than solving a small component.
        """
        out: dict[str, z3.ExprRef] = {}
        for a in self.solver.assertions():
            if z3.is_implies(a) and z3.is_const(a.arg(0)):
                name = a.arg(0).decl().name()
                if name.startswith("c!"):
                    out[name] = a.arg(1)
        return out

    # -- helpers --------------------------------------------------------------
    def lits(self, names: Sequence[str]) -> list[z3.BoolRef]:
        """The constants of these literals, made once per component (``z3.Bool`` is slow).

        The cache lives and dies with the component, whose solver holds these
        constants anyway, so it changes nothing the solver sees.
        """
        cache: dict[str, z3.BoolRef] = self.__dict__.setdefault("_lit_cache", {})
        out = []
        for n in names:
            lit = cache.get(n)
            if lit is None:
                lit = cache[n] = z3.Bool(n, self.ctx)
            out.append(lit)
        return out

    def check(self, claim_names: Sequence[str], extra: Sequence[str] = ()) -> Answer:
        return self.chk.check(self.rule_lits + self.lits(claim_names) + self.lits(extra))

    def shrink(self, names: Sequence[str], fixed: Sequence[str] = ()) -> list[str] | None:
        """A minimal unsatisfiable subset of ``names`` (with ``fixed`` assumed); None on unknown.

        Call right after an unsat check of ``names``; see :func:`shrink_by_deletion`.
        """
        return shrink_by_deletion(names, str, lambda trial: self.check(trial, fixed), self.chk.core)

    # -- contradictions -------------------------------------------------------
    def classes(self) -> list[list[str]]:
        groups: dict[str, list[str]] = {}
        for i in self.comp.claims:
            name = claim_literal(i)
            key = self.body[name].sexpr() if name in self.body else name
            groups.setdefault(key, []).append(name)
        return sorted(groups.values(), key=lambda g: _index(g[0]))

    def enumerate(self) -> tuple[list[RawMus], bool, bool, str | None]:
        universe = [claim_literal(i) for i in self.comp.claims]
        first = self.check(universe)
        if first == "sat":
            return [], True, False, None
        if first == "unknown":
            return [], False, False, self.chk.reason
        classes = self.classes()
        reps = [g[0] for g in classes]
        members = {g[0]: g for g in classes}
        mapper = z3.Solver(ctx=self.ctx)
        mapper.set("random_seed", 1)
        mvars = {r: z3.Bool("m!" + r, self.ctx) for r in reps}
        found: list[RawMus] = []
        limit = self.opts.max_per_component
        while True:
            if mapper.check() != z3.sat:
                return found, True, False, None
            model = mapper.model()
            seed = [r for r in reps if not z3.is_false(model.eval(mvars[r], model_completion=False))]
            r = self.check(seed)
            if r == "unknown":
                return found, False, False, self.chk.reason
            if r == "sat":
                mss = self.grow(seed, reps)
                if mss is None:
                    return found, False, False, self.chk.reason
                rest = [mvars[x] for x in reps if x not in mss]
                mapper.add(z3.Or(rest) if rest else z3.BoolVal(False, self.ctx))
                continue
            mus = self.shrink(seed)
            if mus is None:
                return found, False, False, self.chk.reason
            mapper.add(z3.Or([z3.Not(mvars[x]) for x in mus]))
            # Every choice of members is the same set of formulas under other tracking
            # literals (a class holds claims whose formulas are one term), so the
            # first choice, the representatives, is verified and its rules serve all.
            verified: RawMus | None = None
            for combo in itertools.product(*[members[x] for x in mus]):
                if verified is None:
                    verified = self.verify(list(combo))
                    if verified is None:
                        return found, False, False, self.chk.reason
                found.append(RawMus(tuple(sorted(_index(m) for m in combo)), verified.rules))
                if limit is not None and len(found) >= limit:
                    return found, False, True, None

    def grow(self, seed: list[str], reps: list[str]) -> set[str] | None:
        current = set(seed)
        model = self.solver.model()
        for x in reps:
            if x not in current and x in self.body and z3.is_true(model.eval(self.body[x], model_completion=True)):
                current.add(x)
        for x in reps:
            if x in current:
                continue
            r = self.check(sorted(current | {x}, key=_index))
            if r == "sat":
                current.add(x)
                model = self.solver.model()
                for y in reps:
                    if y not in current and y in self.body and z3.is_true(
                        model.eval(self.body[y], model_completion=True)
                    ):
                        current.add(y)
            elif r == "unknown":
                return None
        return current

    def verify(self, mus: list[str]) -> RawMus | None:
        """Check on a solver of its own that ``mus`` is unsatisfiable and minimal; find minimal rules.

        The verifying solver is not the enumerating one, so a wrong answer of
        the enumeration cannot vouch for itself; it is made once per component
        and shared by that component's contradictions (checks under
        assumptions add nothing to it), because a solver costs more to make
        than the few checks each contradiction needs.
        """
        fresh = self._verifier
        if fresh is None:
            fresh = _Component.__new__(_Component)
            fresh.comp, fresh.opts, fresh.ctx = self.comp, self.opts, self.ctx
            fresh.solver = make_solver(self.comp.smt, self.opts.timeout, ctx=self.ctx)
            fresh.chk = Checker(fresh.solver)
            fresh.rule_names, fresh.rule_lits = self.rule_names, self.rule_lits
            self._verifier = fresh
        before = fresh.chk.checks
        try:
            r = fresh.check(mus)
            if r != "unsat":
                self.chk.reason = (fresh.chk.reason if r == "unknown"
                                   else "verification failed: the reported set is satisfiable")
                return None
            for k in range(len(mus)):
                r = fresh.check(mus[:k] + mus[k + 1 :])
                if r != "sat":
                    self.chk.reason = (fresh.chk.reason if r == "unknown"
                                       else "verification failed: the reported set is not minimal")
                    return None
            rules = self.min_rules(fresh, mus)
        finally:
            self.chk.checks += fresh.chk.checks - before
        if rules is None:
            self.chk.reason = fresh.chk.reason
            return None
        return RawMus(tuple(sorted(_index(m) for m in mus)), tuple(sorted(rules)))

    @staticmethod
    def min_rules(c: _Component, claims: Sequence[str], extra: Sequence[str] = ()) -> list[int] | None:
        """A minimal set of rules that keeps ``claims`` (+ ``extra``) unsatisfiable."""
        needed = list(c.rule_names)
        i = 0
        while i < len(needed):
            trial = needed[:i] + needed[i + 1 :]
            r = c.chk.check(c.lits(trial) + c.lits(claims) + c.lits(extra))
            if r == "unsat":
                needed = trial
            elif r == "sat":
                i += 1
            else:
                return None
        return [_index(n) for n in needed]

    # -- conclusions ----------------------------------------------------------
    def verdicts(self, muses: Sequence[RawMus]) -> list[RawVerdict]:
        out: list[RawVerdict] = []
        facts = [claim_literal(i) for i in self.facts]
        if not self.comp.conclusions:
            return out
        base = self.check(facts)
        for ci in self.comp.conclusions:
            pos, neg = conclusion_literals(ci)
            if base == "unknown":
                out.append(RawVerdict(ci, "unknown", reason=self.chk.reason))
                continue
            if base == "unsat":
                out.append(RawVerdict(ci, "vacuous"))
                continue
            r_neg = self.check(facts, [neg])
            if r_neg == "unknown":
                out.append(RawVerdict(ci, "unknown", reason=self.chk.reason))
                continue
            if r_neg == "unsat":
                out.append(self.explain(ci, "supported", facts, neg))
                continue
            model = self.solver.model()
            r_pos = self.check(facts, [pos])
            if r_pos == "unknown":
                out.append(RawVerdict(ci, "unknown", reason=self.chk.reason))
            elif r_pos == "unsat":
                out.append(self.explain(ci, "refuted", facts, pos))
            else:
                out.append(RawVerdict(ci, "unsupported", countermodel=self.countermodel(model, ci)))
        return out

    def explain(self, ci: int, verdict: str, facts: list[str], lit: str) -> RawVerdict:
        self.check(facts, [lit])  # unsat, as the caller saw: its core starts the shrink
        premises = self.shrink(facts, [lit])
        if premises is None:
            return RawVerdict(ci, "unknown", reason=self.chk.reason)
        rules = self.min_rules(self, premises, [lit])
        if rules is None:
            return RawVerdict(ci, "unknown", reason=self.chk.reason)
        return RawVerdict(ci, verdict, tuple(sorted(_index(p) for p in premises)), tuple(sorted(rules)))

    def countermodel(self, model: z3.ModelRef, ci: int) -> tuple[tuple[str, str, str], ...]:
        atoms_of = dict(self.comp.atoms_of)
        focus = set(atoms_of.get(ci, ()))
        related = set(focus)
        for i in self.facts:
            a = set(atoms_of.get(i, ()))
            if a & focus:
                related |= a
        shown = []
        for smt_name, display, sort in self.comp.atom_info:
            if smt_name not in related:
                continue
            shown.append((smt_name, display, _value_text(model, smt_name.strip("|"), sort)))
        shown.extend(_applications(model, self.comp, related))
        return tuple(shown)


MAX_APPLICATIONS = 60
"""At most this many values of predicates and functions over open sorts in one scenario."""


def _applications(
    model: z3.ModelRef, comp: Component, related: set[str]
) -> list[tuple[str, str, str]]:
    """Values of the related predicates and functions over open sorts, on the related constants."""
    decls = {d.name(): d for d in model.decls()}
    consts: dict[str, list[tuple[str, z3.ExprRef]]] = {}
    for smt_name, display, _sort in comp.atom_info:
        d = decls.get(smt_name.strip("|"))
        if smt_name in related and d is not None and d.arity() == 0:
            consts.setdefault(str(d.range()), []).append((display, d()))
    out: list[tuple[str, str, str]] = []
    for smt_name, display in comp.func_info:
        if smt_name not in related:
            continue
        f = decls.get(smt_name.strip("|"))
        if f is None:
            continue
        name, _, day = display.partition("@")
        pools = [consts.get(str(f.domain(i)), []) for i in range(f.arity())]
        for combo in itertools.product(*pools):
            if len(out) >= MAX_APPLICATIONS:
                return out
            value = model.eval(f(*[c for _, c in combo]), model_completion=True)
            label = f"{name}({', '.join(d for d, _ in combo)})" + (f"@{day}" if day else "")
            out.append((smt_name, label, value_to_text(value, "")))
    return out


def _value_text(model: z3.ModelRef, name: str, sort: str) -> str:
    decl = next((d for d in model.decls() if d.name() == name), None)
    if decl is None:
        return "(any value)"
    v = model[decl]
    if isinstance(v, z3.FuncInterp):
        return str(v)
    return value_to_text(v, sort)


def value_to_text(v: z3.ExprRef, sort: str) -> str:
    """A model value as a person writes it: dates as dates, reals as decimals."""
    if z3.is_true(v):
        return "true"
    if z3.is_false(v):
        return "false"
    if z3.is_int_value(v):
        n = v.as_long()
        if sort == "date":
            try:
                return datetime.date.fromordinal(n).isoformat()
            except (ValueError, OverflowError):
                return f"day {n}"
        return str(n)
    if z3.is_rational_value(v):
        f = Fraction(v.numerator_as_long(), v.denominator_as_long())
        if f.denominator == 1:
            return str(f.numerator)
        dec = float(f)
        return f"{dec:g}" if Fraction(dec) == f else f"{f.numerator}/{f.denominator}"
    if z3.is_algebraic_value(v):
        return str(v.as_decimal(6))
    text = str(v)
    if "!val!" in text:
        s, _, k = text.partition("!val!")
        return f"{plain(s)} #{int(k) + 1}"
    return plain(text)


_RISKY = re.compile(r"\((?:forall|exists) |\(\* (?!\d|\(- \d)|\(/ (?!\d+\.0 \d+\.0\))")
"""Quantifiers and non-linear arithmetic: where a solver may answer ``unknown``."""

PROBE_TIMEOUT = 1.0
"""Seconds a probe may take before the component goes the long way (which has the real limit)."""

_probes = threading.local()
"""Each thread's probe: (context, solver, checker). A z3 context must never serve two threads."""


def _consistent_at_once(comp: Component, opts: Options) -> bool:
    """Whether one check on a warm solver shared by all components shows ``comp`` consistent.

    Most components are consistent (PERFORMANCE-NOTES.md; 91% in the 10k
    benchmark), and for them making a solver costs more than the one check they
    need (measured: 1.2 ms against 0.6 ms per component). A probe pushes the
    component's assertions onto a solver that lives as long as its thread (one
    per thread: a z3 context never serves two), checks every claim, and pops.
    Only "sat" is trusted, and it is sound; any other answer sends the
    component the long way, so results do not change.
    The probe has a z3 context of its own: the terms it makes never take ids
    in the thread's shared context, whose numbering steers the solvers of the long way.
    Components with conclusions (whose explanations read the solver's model
    and cores) and components the solver may not decide (quantifiers,
    non-linear arithmetic) always go the long way.
    """
    if comp.conclusions or _RISKY.search(comp.smt):
        return False
    limit = PROBE_TIMEOUT if opts.timeout is None else min(opts.timeout, PROBE_TIMEOUT)
    probe: tuple[z3.Context, z3.Solver, Checker] | None = getattr(_probes, "probe", None)
    if probe is None:
        ctx = new_context()
        s = make_solver("", limit, ctx=ctx)
        probe = _probes.probe = (ctx, s, Checker(s))
    ctx, solver, chk = probe
    solver.set("timeout", max(1, int(limit * 1000)))
    # every tracking literal asserted in the text, and the assertions handed to the
    # solver through the C API: z3py's per-term Python work costs more than the check
    names = [rule_literal(j) for j in comp.rules] + [claim_literal(i) for i in comp.claims]
    text = comp.smt + "(assert (and true " + " ".join(q(n) for n in names) + "))\n"
    solver.push()
    try:
        vec = z3.parse_smt2_string(text, ctx=ctx)
        c, s, v = ctx.ref(), solver.solver, vec.vector
        for k in range(z3core.Z3_ast_vector_size(c, v)):
            z3core.Z3_solver_assert(c, s, z3core.Z3_ast_vector_get(c, v, k))
        return chk.check([]) == "sat"
    except z3.Z3Exception:
        return False
    finally:
        solver.pop()


def solve_component(comp: Component, facts: Sequence[int], opts: Options) -> ComponentResult:
    """Enumerate the component's MUSes and judge its conclusions (plain data in and out)."""
    if _consistent_at_once(comp, opts):
        # exactly what the long way gives a consistent component: its first check is sat
        return ComponentResult((), True, False, None, (), 1)
    c = _Component(comp, facts, opts)
    muses, complete, truncated, reason = c.enumerate()
    muses_sorted = tuple(sorted(set(muses), key=lambda m: (len(m.claims), m.claims)))
    verdicts = c.verdicts(muses_sorted)
    return ComponentResult(muses_sorted, complete, truncated, reason, tuple(verdicts), c.chk.checks)


def rules_alone(smt: str, n_rules: Sequence[int], opts: Options) -> tuple[Answer, list[list[int]], str]:
    """Check the rules on their own; when inconsistent, return every minimal inconsistent set."""
    comp = Component((), (), tuple(n_rules), smt, (), "")
    c = _Component(comp, (), opts)
    names = [rule_literal(j) for j in n_rules]
    r = c.chk.check(c.lits(names))
    if r != "unsat":
        return r, [], c.chk.reason
    # enumerate minimal inconsistent rule sets with the same MARCO loop over rule literals
    c.rule_names, c.rule_lits = [], []
    c.body = {}
    mapper = z3.Solver(ctx=c.ctx)
    mvars = {n: z3.Bool("m!" + n, c.ctx) for n in names}
    out: list[list[int]] = []
    while mapper.check() == z3.sat:
        model = mapper.model()
        seed = [n for n in names if not z3.is_false(model.eval(mvars[n], model_completion=False))]
        r = c.chk.check(c.lits(seed))
        if r == "sat":
            current = set(seed)
            for n in names:
                if n not in current and c.chk.check(c.lits(sorted(current | {n}))) == "sat":
                    current.add(n)
            rest = [mvars[n] for n in names if n not in current]
            mapper.add(z3.Or(rest) if rest else z3.BoolVal(False, c.ctx))
        elif r == "unsat":
            mus = c.shrink(seed)
            if mus is None:
                return "unknown", out, c.chk.reason
            mapper.add(z3.Or([z3.Not(mvars[n]) for n in mus]))
            out.append(sorted(_index(n) for n in mus))
        else:
            return "unknown", out, c.chk.reason
    return "unsat", sorted(out, key=lambda m: (len(m), m)), ""
