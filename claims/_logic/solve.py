"""Stage *solve*: every minimal contradiction of a component, and its conclusions' verdicts.

Contradictions are enumerated with MARCO (``claims._logic.marco``), with two
refinements, measured with the benchmarks (``python -m benchmarks.run``):

* claims with the same encoded formula form one class; enumeration runs over
  classes and each class MUS expands into one MUS per choice of members;
* a component is checked once with all its claims first: a consistent one
  needs no enumeration, and no solver of its own either (the caller's
  :class:`~claims._logic.probe.Probe`).

Components share their thread's z3 context
(``claims._logic.solver.thread_context``): no z3 object is ever used by two
threads, so threads of one process (a Dask worker's) can solve side by side.
What a shared context solved before steers the cores and models z3 finds,
never an answer; so everything a result shows is computed from answers
alone, and a component's result is the same whatever the process solved
before it (another order, another ``--jobs``, the cache):

* a complete enumeration finds every MUS: a set the component determines,
  however the cores led MARCO to it; classes are grouped by the text of
  their formulas;
* each MUS is verified by checks whose answers are facts, and its rules are
  shrunk by deletion in their fixed order (no cores);
* the premises of a supported or refuted verdict are shrunk by QuickXplain
  (``claims._logic.solver.quick_explain``), whose result the answers alone
  determine, and its rules by deletion as above;
* the scenario of an ``unsupported`` verdict is a model, and a model is
  steered by the context: it comes from a solver in a z3 context made for
  the component's scenarios alone, which has seen nothing else
  (:meth:`_Component.scenario`).

Only which MUSes an enumeration stopped early (``max_per_component``) finds
depends on the cores; such a component is solved in a z3 context of its own.

Z3's cores are neither minimal nor always right, so every MUS is shrunk by
deletion and then verified on a solver other than the enumerating one: the
set is unsatisfiable and dropping any one claim makes it satisfiable. The
verdicts of conclusions are in ``claims._logic.verdicts``. Input and output
are plain data.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence

import attrs
import z3

from claims._logic.encode import claim_literal, is_claim_literal, literal_index, rule_literal
from claims._logic.marco import Then, marco
from claims._logic.near import RawNear, fit
from claims._logic.partition import Component, strict_script
from claims._logic.probe import Probe
from claims._logic.repairs import Outcome, combine, conflicts, minimal_hitting_sets
from claims._logic.solver import (
    Answer,
    Checker,
    WarmSolvers,
    guarded,
    make_solver,
    new_context,
    quick_explain,
    shrink_by_deletion,
    thread_context,
    true_in,
)
from claims._logic.verdicts import RawVerdict, outcome
from claims._logic.verdicts import verdicts as judge


@attrs.frozen
class Options:
    """Solver limits: seconds per check, MUSes per component, repairs per conflict and component (None: no limit)."""

    timeout: float | None = 30.0
    max_per_component: int | None = None
    max_repairs: int | None = 1000


@attrs.frozen
class RawMus:
    claims: tuple[int, ...]
    rules: tuple[int, ...]


@attrs.frozen
class RawConflict:
    """A conflict: MUSes linked by shared claims (positions in the result's ``muses``), and its verified repairs.

    ``complete`` False: ``repairs`` is empty, for ``reason``.
    """

    muses: tuple[int, ...]
    repairs: tuple[tuple[int, ...], ...]
    complete: bool = True
    reason: str | None = None


@attrs.frozen(kw_only=True)
class RawTolerant:
    """A vacuous conclusion judged on what each repair of the component's facts leaves, and on what all keep.

    ``outcomes`` follow :attr:`ComponentResult.premise_repairs` (None when
    those are not all known, for ``reason``); ``iar`` is the verdict on the
    facts in no contradiction (None when the contradictions are not all known).
    """

    conclusion: int
    outcomes: tuple[Outcome, ...] | None
    iar: Outcome | None
    reason: str | None = None


@attrs.frozen(kw_only=True)
class ComponentResult:
    muses: tuple[RawMus, ...]
    complete: bool
    truncated: bool
    unknown_reason: str | None
    verdicts: tuple[RawVerdict, ...]
    checks: int
    conflicts: tuple[RawConflict, ...] = ()  # of the MUS universe (facts and predictions)
    premise_repairs: tuple[tuple[int, ...], ...] | None = ()  # every repair of the facts (None: not all known)
    tolerant: tuple[RawTolerant, ...] = ()  # one per vacuous conclusion
    near: tuple[RawNear, ...] = ()  # its near-contradictions (see near_contradictions)


class _Component:
    """One component on its solver: checks under assumptions, shrinking, growing, verifying, enumerating."""

    def __init__(
        self,
        comp: Component,
        facts: Sequence[int],
        opts: Options,
        *,
        twin: _Component | None = None,
        warm: WarmSolvers | None = None,
    ) -> None:
        """``twin``: make a second solver of ``twin``'s component, in its context (see :meth:`verify`).

        ``warm``: borrow the solvers from these (the component's own must be
        given back: :meth:`close`), unless the component needs a context of its own.
        """
        self.comp = comp
        self.opts = opts
        # z3 numbers terms per context, reusing the numbers of freed terms, and the
        # numbering steers the search, so cores and models. In a shared context they
        # depend on what the process solved before (another order, --jobs, the cache).
        # Only which contradictions a truncated enumeration finds shows a core (see the
        # module docstring), so only then does the component get a context of its own:
        # a context costs 16 MB of fresh memory, 1 to 10 ms each.
        own = opts.max_per_component is not None
        self.ctx: z3.Context = twin.ctx if twin is not None else (new_context() if own else thread_context())
        self._warm: WarmSolvers | None = None if own else twin._warm if twin is not None else warm
        self._lent: list[z3.Solver] = []
        if self._warm is not None:
            self.solver = self._borrow("verifier" if twin is not None else "component", comp.smt)
        else:
            self.solver = make_solver(comp.smt, opts.timeout, ctx=self.ctx)
        self.chk = Checker(self.solver)
        self.rule_names = [rule_literal(j) for j in comp.rules]
        self.rule_lits: list[z3.BoolRef] = twin.rule_lits if twin is not None else self.lits(self.rule_names)
        fact_set = set(facts)
        self.facts = [i for i in comp.claims if i in fact_set]
        self._verifier: _Component | None = None
        self._scenes: tuple[z3.Context, z3.Solver, Checker] | None = None

    def _borrow(self, role: str, smt: str) -> z3.Solver:
        assert self._warm is not None
        s = self._warm.lend(role, smt, self.opts.timeout if role != "map" else None)
        self._lent.append(s)
        return s

    def close(self) -> None:
        """Give back the warm solvers this component (and its verifier) borrowed, last first."""
        if self._verifier is not None:
            self._verifier.close()
        while self._lent:
            WarmSolvers.give_back(self._lent.pop())

    @functools.cached_property
    def body(self) -> dict[str, z3.ExprRef]:
        """The formula each claim literal guards, for growing and for classes.

        Built on first use: a consistent component never needs it, and reading
        back every assertion costs more than solving a small component.
        """
        return guarded(self.solver, is_claim_literal)

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

    def premises(self, facts: Sequence[str], fixed: Sequence[str]) -> list[str] | None:
        """The canonical minimal subset of ``facts`` unsatisfiable with ``fixed``; None on unknown.

        ``facts`` in the component's order, unsatisfiable with ``fixed``; by
        :func:`quick_explain`, whose result the answers alone determine.
        """
        return quick_explain(facts, lambda trial: self.check(trial, fixed))

    def scenario(self, facts: Sequence[str], fixed: Sequence[str]) -> z3.ModelRef | None:
        """A model of the rules, ``facts`` and ``fixed``, from a z3 context made for this component's scenarios.

        A model shows how z3 searched, and the search follows the numbering of
        terms in their context (see ``__init__``): this context holds nothing
        but the component's script and the scenario checks before this one, in
        the order of the conclusions, so the model depends on the component
        alone. It is made on the first call: most components never need one.
        None when the check is not sat (the reason is kept, as for any check).
        """
        if self._scenes is None:
            ctx = new_context()
            s = make_solver(self.comp.smt, self.opts.timeout, ctx=ctx)
            self._scenes = (ctx, s, Checker(s))
        ctx, s, chk = self._scenes
        names = [*self.rule_names, *facts, *fixed]
        r = chk.check([z3.Bool(n, ctx) for n in names])
        self.chk.checks += 1
        if r == "sat":
            return s.model()
        self.chk.reason = (
            chk.reason if r == "unknown" else "verification failed: the scenario is unsatisfiable on a second solver"
        )
        return None

    # -- contradictions -------------------------------------------------------
    def classes(self) -> list[list[str]]:
        groups: dict[str, list[str]] = {}
        for i in self.comp.claims:
            name = claim_literal(i)
            key = self.body[name].sexpr() if name in self.body else name
            groups.setdefault(key, []).append(name)
        return sorted(groups.values(), key=lambda g: literal_index(g[0]))

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
        found: list[RawMus] = []
        limit = self.opts.max_per_component

        def keep(mus: list[str]) -> Then:
            # Every choice of members is the same set of formulas under other tracking
            # literals (a class holds claims whose formulas are one term), so the
            # first choice, the representatives, is verified and its rules serve all.
            verified: RawMus | None = None
            for combo in itertools.product(*[members[x] for x in mus]):
                if verified is None:
                    verified = self.verify(list(combo))
                    if verified is None:
                        return "unknown"
                found.append(RawMus(tuple(sorted(literal_index(m) for m in combo)), verified.rules))
                if limit is not None and len(found) >= limit:
                    return "stopped"
            return "more"

        outcome = marco(
            reps,
            self.ctx,
            check=self.check,
            grow=lambda seed: self.grow(seed, reps),
            shrink=self.shrink,
            found=keep,
            mapper=(lambda: self._borrow("map", "")) if self._warm is not None else None,
        )
        if outcome == "unknown":
            return found, False, False, self.chk.reason
        return found, outcome == "complete", outcome == "stopped", None

    def grow(self, seed: list[str], reps: list[str]) -> set[str] | None:
        current = set(seed)
        self._true_in(self.solver.model(), reps, current)
        for x in reps:
            if x in current:
                continue
            r = self.check(sorted(current | {x}, key=literal_index))
            if r == "sat":
                current.add(x)
                self._true_in(self.solver.model(), reps, current)
            elif r == "unknown":
                return None
        return current

    def verifier(self) -> _Component:
        """The second solver of this component (made on first use), which checks what the first found."""
        if self._verifier is None:
            self._verifier = _Component(self.comp, self.facts, self.opts, twin=self)
        return self._verifier

    def _true_in(self, model: z3.ModelRef, reps: list[str], current: set[str]) -> None:
        """Add to ``current`` each of ``reps`` whose formula ``model`` makes true (completing it), in order."""
        todo = [y for y in reps if y not in current and y in self.body]
        for y, true in zip(todo, true_in(model, [self.body[y] for y in todo]), strict=True):
            if true:
                current.add(y)

    def verify(self, mus: list[str]) -> RawMus | None:
        """Check on a solver of its own that ``mus`` is unsatisfiable and minimal; find minimal rules.

        The verifying solver is not the enumerating one, so a wrong answer of
        the enumeration cannot vouch for itself; it is made once per component
        and shared by that component's contradictions (checks under
        assumptions add nothing to it), because a solver costs more to make
        than the few checks each contradiction needs.
        """
        fresh = self.verifier()
        before = fresh.chk.checks
        try:
            r = fresh.check(mus)
            if r != "unsat":
                self.chk.reason = (
                    fresh.chk.reason if r == "unknown" else "verification failed: the reported set is satisfiable"
                )
                return None
            for k in range(len(mus)):
                r = fresh.check(mus[:k] + mus[k + 1 :])
                if r != "sat":
                    self.chk.reason = (
                        fresh.chk.reason if r == "unknown" else "verification failed: the reported set is not minimal"
                    )
                    return None
            rules = fresh.rules_needed(mus)
        finally:
            self.chk.checks += fresh.chk.checks - before
        if rules is None:
            self.chk.reason = fresh.chk.reason
            return None
        return RawMus(tuple(sorted(literal_index(m) for m in mus)), tuple(sorted(rules)))

    def rules_needed(self, claims: Sequence[str], extra: Sequence[str] = ()) -> list[int] | None:
        """A minimal set of rules that keeps ``claims`` (+ ``extra``) unsatisfiable; None on unknown.

        By deletion from all the rules, without cores: which minimal set is
        found depends on the rules' order alone.
        """
        needed = shrink_by_deletion(
            self.rule_names, str, lambda trial: self.chk.check(self.lits(trial) + self.lits(claims) + self.lits(extra))
        )
        return None if needed is None else [literal_index(n) for n in needed]


def solve_component(
    comp: Component,
    facts: Sequence[int],
    opts: Options,
    probe: Probe | None = None,
    *,
    shown: bool | None = None,
) -> ComponentResult:
    """Enumerate the component's MUSes and judge its conclusions (plain data in and out).

    ``probe``: the caller's warm solver, tried first (None: every component
    goes the long way; the results are the same). ``shown``: what the
    caller's batches showed (:meth:`Probe.shown_consistent`): True, the
    component (which has no conclusions) is consistent; False, the long way
    at once, without the probe (the same results); None, nothing.
    """
    if shown or (shown is None and probe is not None and probe.consistent(comp, opts.timeout)):
        # exactly what the long way gives a consistent component: its first check is sat
        return ComponentResult(muses=(), complete=True, truncated=False, unknown_reason=None, verdicts=(), checks=1)
    c = _Component(comp, facts, opts, warm=None if probe is None else probe.warm)
    try:
        muses, complete, truncated, reason = c.enumerate()
        verdicts = judge(c)
        muses_sorted = tuple(sorted(set(muses), key=lambda m: (len(m.claims), m.claims)))
        conflicts_, premise_repairs, tolerant = _repairs(c, muses_sorted, complete, verdicts)
    finally:
        c.close()
    return ComponentResult(
        muses=muses_sorted,
        complete=complete,
        truncated=truncated,
        unknown_reason=reason,
        verdicts=tuple(verdicts),
        checks=c.chk.checks,
        conflicts=conflicts_,
        premise_repairs=premise_repairs,
        tolerant=tolerant,
    )


def candidate(comp: Component, result: ComponentResult) -> bool:
    """Whether ``comp`` may hold a near-contradiction (``claims._logic.near``): consistent (completely so,
    no unknown), with more than one claim or rule (one claim alone is no clash), and a claim that reads
    otherwise strictly (``comp.strict``)."""
    return (
        bool(comp.strict)
        and result.complete
        and not result.muses
        and result.unknown_reason is None
        and len(comp.claims) + len(comp.rules) > 1
    )


def near_contradictions(
    comps: Sequence[Component],
    results: Sequence[ComponentResult],
    facts: frozenset[int],
    opts: Options,
    probe: Probe,
    shown: Sequence[bool | None] | None = None,
) -> list[ComponentResult]:
    """``results`` (of ``comps``, solved on ``probe``) with the near-contradictions of each :func:`candidate`.

    ``shown``: what the batches of the stated readings showed of the strict
    ones (``Probe.shown_consistent(strict=...)``): True, consistent (no
    MUS). The strict reading of each other candidate
    (``claims._logic.partition.strict_script``) is checked as
    :func:`solve_component` checks a component, batches first
    (:meth:`Probe.shown_consistent`), and its MUSes enumerated the same way
    (:meth:`_Component.enumerate`: what ``solve_component`` reports as the
    component's ``muses``, whatever ran on the probe before); each MUS of two
    or more claims and rules is a near-contradiction, with where its claims
    fit as stated (``claims._logic.near.fit``, facts of the stated script).
    The strict reading's verdicts and repairs are never asked for: the
    enumeration comes first and does not depend on them.
    """
    todo = [k for k, (c, r) in enumerate(zip(comps, results, strict=True)) if candidate(c, r)]
    if shown is not None:
        todo = [k for k in todo if not shown[k]]
    if not todo:
        return list(results)
    strict = [strict_script(comps[k]) for k in todo]
    # To the probe, without their conclusions: a conclusion's lines are guarded by literals no
    # check of the enumeration assumes, so "sat" with every claim and rule is the enumeration's
    # first answer whatever the conclusions (the probe leaves components with conclusions out
    # only because their verdicts need checks of their own).
    plain = [attrs.evolve(c, conclusions=()) if c.conclusions else c for c in strict]
    out = list(results)
    for k, comp, bare, seen in zip(todo, strict, plain, probe.shown_consistent(plain, opts.timeout), strict=True):
        if seen or (seen is None and probe.consistent(bare, opts.timeout)):
            continue  # the strict reading is consistent: no MUS
        c = _Component(comp, sorted(facts & set(comp.claims)), opts, warm=probe.warm)
        try:
            muses = c.enumerate()[0]
        finally:
            c.close()
        near = tuple(
            RawNear(m.claims, fit(comps[k], m.claims, opts.timeout))
            for m in sorted(set(muses), key=lambda m: (len(m.claims), m.claims))
            if len(m.claims) + len(m.rules) > 1  # one claim with no strict value alone: no clash
        )
        if near:
            out[k] = attrs.evolve(out[k], near=near)
    return out


def _repairs(
    c: _Component, muses: Sequence[RawMus], complete: bool, verdicts: Sequence[RawVerdict]
) -> tuple[tuple[RawConflict, ...], tuple[tuple[int, ...], ...] | None, tuple[RawTolerant, ...]]:
    """The conflicts of ``muses`` with their repairs, every repair of the facts, and the vacuous conclusions' outcomes.

    Exact when ``complete`` (see ``claims._logic.repairs``): the repairs are
    the minimal hitting sets of the MUSes, and each is confirmed by the
    solver (:func:`_confirm`). With an incomplete enumeration nothing is
    listed, and the readings that need the repairs are ``unknown``.
    """
    if not muses:
        return (), (), ()
    limit = c.opts.max_repairs
    why = None if complete else "the contradictions of this component were not all found (--max, or a solver limit)"
    universe = list(c.comp.claims)
    found = _conflicts(c, muses, range(len(muses)), universe, complete, why)
    fact_set = set(c.facts)
    facts_only = [k for k, m in enumerate(muses) if fact_set.issuperset(m.claims)]
    if len(facts_only) == len(muses) and fact_set.issuperset(universe):
        premise_conflicts = found
    else:
        premise_conflicts = _conflicts(c, muses, facts_only, c.facts, complete, why)
    vacuous = [v.conclusion for v in verdicts if v.verdict == "vacuous"]
    premise_repairs: list[tuple[int, ...]] | None = None
    reason = why
    if all(g.complete for g in premise_conflicts):
        premise_repairs, ok = combine([g.repairs for g in premise_conflicts], limit)
        if not ok:
            premise_repairs, reason = None, f"the facts have more than {limit} repairs"
    else:
        reason = next(g.reason for g in premise_conflicts if not g.complete)
    disputed = {x for k in facts_only for x in muses[k].claims}
    tolerant: list[RawTolerant] = []
    for ci in vacuous:
        iar = None
        if complete:
            iar = outcome(c, ci, [i for i in c.facts if i not in disputed])
        outcomes: tuple[Outcome, ...] | None = None
        if premise_repairs is not None:
            outcomes = tuple(outcome(c, ci, [i for i in c.facts if i not in frozenset(r)]) for r in premise_repairs)
        tolerant.append(
            RawTolerant(conclusion=ci, outcomes=outcomes, iar=iar, reason=None if outcomes is not None else reason)
        )
    return (
        found,
        None if premise_repairs is None else tuple(premise_repairs),
        tuple(tolerant),
    )


def _conflicts(
    c: _Component,
    muses: Sequence[RawMus],
    among: Sequence[int],
    pool: Sequence[int],
    complete: bool,
    why: str | None,
) -> tuple[RawConflict, ...]:
    """The conflicts of the MUSes at ``among`` (of the claims ``pool``), each with its confirmed repairs."""
    groups = [tuple(among[k] for k in g) for g in conflicts([muses[k].claims for k in among])]
    if not complete:
        return tuple(RawConflict(g, (), False, why) for g in groups)
    limit = c.opts.max_repairs
    inside = {x for k in among for x in muses[k].claims}
    free = [i for i in pool if i not in inside]
    out: list[RawConflict] = []
    for g in groups:
        hs, ok = minimal_hitting_sets([muses[k].claims for k in g], limit)
        if not ok:
            out.append(RawConflict(g, (), False, f"more than {limit} repairs"))
            continue
        members = sorted({x for k in g for x in muses[k].claims})
        failed = next((r for r in (_confirm(c, free, members, h) for h in hs) if r is not None), None)
        out.append(RawConflict(g, (), False, failed) if failed is not None else RawConflict(g, tuple(hs)))
    return tuple(out)


def _confirm(c: _Component, free: Sequence[int], members: Sequence[int], repair: Sequence[int]) -> str | None:
    """Confirm on the verifying solver that ``repair`` is a minimal correction set; None if so, else why not.

    What is checked: the claims in no contradiction (``free``) with the
    conflict's claims (``members``) but ``repair`` are consistent. That is
    the check that can fail: it fails when the enumeration missed a MUS
    (one that ``repair`` does not hit).

    That adding back any one claim ``x`` of ``repair`` makes them
    inconsistent needs no check: ``repair`` is a *minimal* hitting set of the
    conflict's MUSes (``claims._logic.repairs.minimal_hitting_sets``), so
    without ``x`` it misses one of them, ``M``, which then meets ``repair`` in
    ``x`` alone; so ``M`` lies inside the kept claims and ``x``. ``M`` is
    unsatisfiable with every rule: :meth:`_Component.verify` found it so on
    this same solver, or found so the MUS that differs from ``M`` only by
    claims of the same class (the same formulas under other tracking
    literals: see ``keep`` in :meth:`_Component.enumerate`). Unsatisfiability
    is kept under more assertions: the kept claims with ``x`` are
    inconsistent. (At 100k those checks were 1.9 of the 3.3 s of samples of
    this function's checks, py-spy; the run's solver checks went from 115,084
    to 102,253 without them.) The other conflicts' claims are left out: no MUS
    holds claims of two conflicts.
    """
    fresh = c.verifier()
    before = fresh.chk.checks
    try:
        gone = set(repair)
        rest = sorted([*free, *(x for x in members if x not in gone)])
        r = fresh.check([claim_literal(i) for i in rest])
        if r != "sat":
            return fresh.chk.reason if r == "unknown" else "verification failed: a repair leaves a contradiction"
        return None
    finally:
        c.chk.checks += fresh.chk.checks - before


def rules_alone(smt: str, n_rules: Sequence[int], opts: Options) -> tuple[Answer, list[list[int]], str]:
    """Check the rules on their own; when inconsistent, return every minimal inconsistent set.

    The rule literals are MARCO's items here, grown one by one (no classes,
    no bodies), and each minimal set is kept as it is shrunk.
    """
    comp = Component(claims=(), conclusions=(), rules=tuple(n_rules), smt=smt, atoms=(), digest="")
    c = _Component(comp, (), opts)
    names = [rule_literal(j) for j in n_rules]
    r = c.chk.check(c.lits(names))
    if r != "unsat":
        return r, [], c.chk.reason
    c.rule_names, c.rule_lits = [], []
    c.body = {}
    out: list[list[int]] = []

    def keep(mus: list[str]) -> Then:
        out.append(sorted(literal_index(n) for n in mus))
        return "more"

    if (
        marco(names, c.ctx, check=c.check, grow=lambda seed: c.grow(seed, names), shrink=c.shrink, found=keep)
        == "unknown"
    ):
        return "unknown", out, c.chk.reason
    return "unsat", sorted(out, key=lambda m: (len(m), m)), ""
