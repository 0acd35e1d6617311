"""``claims fuzz``: the rule sets checked on their own, before any claim is.

A rule set can be wrong in ways no single claim shows: two rules that cannot
both hold, a rule whose condition never holds, a rule the others already
imply, a rule that forbids what its author meant to allow. Each question is
asked of the rules alone, and each answer names the rule (id, file:line), the
minimal set of other rules behind it, and a concrete scenario in the rules'
own vocabulary.

The rules are encoded and scenarios searched in :mod:`claims._logic.rulecheck`; the
findings and their formats are :mod:`claims._report.fuzz`'s.

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

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from claims._base import errors as E
from claims._base.errors import DiagnosticSink, RuleError, Span
from claims._base.read import Roots
from claims._front.claimfile import Document, RawFile, load_claim_file
from claims._front.inputs import CLAIM_FILES, RULE_FILES, Inputs, display_path, find_files
from claims._front.model import Dataset, Rule, Term, TOp, TQuant, relates_days
from claims._front.resolve import resolve
from claims._front.rulesets import RawRuleSet, load_rule_file, rule_sets_of
from claims._logic.encode import (
    negated_rule_literal,
)
from claims._logic.rulecheck import Problem, symbols_of
from claims._logic.solve import Options, rules_alone
from claims._report.findings import Scenario
from claims._report.fuzz import KINDS, FuzzFinding, FuzzReport

DEFAULT_MAX_EXAMPLES = 100


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
            sink.error(
                Span(display_path(f), 1, 0),
                E.BAD_VALUE,
                f"'{display_path(f)}' is neither a rule file (*.rules) nor a claim file (*.yaml, *.yml)",
            )
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


def fuzz_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    seed: int = 0,
    timeout: float | None = 30.0,
) -> FuzzReport:
    """Load the rules of ``paths`` (see :func:`load_rules`) and fuzz them."""
    ds, files = load_rules(paths)
    return fuzz(ds, files=files, max_examples=max_examples, seed=seed, timeout=timeout)


def fuzz(
    ds: Dataset,
    *,
    files: Sequence[str] = (),
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    seed: int = 0,
    timeout: float | None = 30.0,
) -> FuzzReport:
    """Ask every question of ``ds.rules`` (see the module docstring); claims are ignored.

    A rule that relates days (``forall d: date``, ``x@start``, a persistent
    predicate's rule: docs/time.md), or whose cases do, is not fuzzed: the
    questions read every rule one day at a time. The others are asked
    without it, and the report names it.
    """
    across = tuple(
        r
        for r in ds.rules
        if any(relates_days(t) for t in (r.term, *r.example_terms, *r.forbid_terms, *r.possible_terms) if t is not None)
    )
    if across:
        ds = attrs.evolve(ds, rules=tuple(r for r in ds.rules if r not in across))
    qs = _Questions(Problem(ds, timeout), seed=seed, max_examples=max_examples, timeout=timeout)
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
    return FuzzReport(
        files=tuple(files),
        rules=rules,
        findings=tuple(found),
        seed=seed,
        max_examples=max_examples,
        checks=qs.p.chk.checks,
        searches=qs.p.searches,
        skipped=qs.skipped,
        not_fuzzed=tuple(r.id for r in across),
    )


class _Questions:
    """The questions of the module docstring, one method each; findings collect in ``found``."""

    def __init__(self, p: Problem, *, seed: int, max_examples: int, timeout: float | None) -> None:
        self.p = p
        self.rules = p.rules
        self.seed = seed
        self.max_examples = max_examples
        self.timeout = timeout
        self.found: list[FuzzFinding] = []
        self.skipped: str | None = None

    def search(self, **kw: Any) -> tuple[tuple[Scenario, ...], str]:
        found, by = self.p.search(seed=self.seed, max_examples=self.max_examples, **kw)
        return tuple(Scenario(symbol, value) for symbol, value in found), by

    def undecided(self, j: int, what: str) -> None:
        reason = self.p.chk.reason or "the solver answered unknown"
        if reason in ("canceled", "timeout") and self.timeout is not None:
            reason = f"the solver hit the time limit ({self.timeout:g} s per check)"
        self.found.append(
            FuzzFinding(kind="undecided", rule=self.rules[j], message=f"the solver could not decide {what}: {reason}")
        )

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
            self.found.append(
                FuzzFinding(
                    kind="rule-conflict",
                    rule=rules[s[0]],
                    message=msg,
                    formula=rules[s[0]].formula,
                    support=support,
                    scenario=scen,
                    shows=shows,
                    found_by=by,
                )
            )
        in_conflict = sorted(set().union(*sets)) if sets else []
        if in_conflict:
            self.skipped = (
                f"{_names(tuple(rules[j] for j in in_conflict))} "
                f"({'it is' if len(in_conflict) == 1 else 'they are'} in a conflict)"
            )
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
                self.found.append(FuzzFinding(kind="dead-rule", rule=r, message=msg, formula=c.text))
                continue
            support = tuple(rules[i] for i in m)
            if j in m:
                msg = f"rule '{r.id}' never applies: its own conclusion contradicts its condition" + (
                    f", given {_names(tuple(rules[i] for i in m if i != j))}" if len(m) > 1 else ""
                )
            else:
                msg = f"rule '{r.id}' never applies: its condition can never hold, given {_names(support)}"
            scen, by = self.search(
                lits=[lit],
                keep=m[:-1],
                pos=[(c.term, p.cond_days(c))],
                broken=[m[-1]],
                show=self.symbols([j, *m]) | symbols_of(c.term),
            )
            self.found.append(
                FuzzFinding(
                    kind="dead-rule",
                    rule=r,
                    message=msg,
                    formula=c.text,
                    support=support,
                    scenario=scen,
                    shows=f"makes the condition true but breaks '{rules[m[-1]].id}'",
                    found_by=by,
                )
            )
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
            self.found.append(FuzzFinding(kind="redundant-rule", rule=r, message=msg, formula=r.formula))
            return
        msg = f"rule '{r.id}' is redundant: {_names(support)} already imply it"
        scen, by = self.search(
            lits=[negated_rule_literal(j)], keep=m[:-1], broken=[j, m[-1]], show=self.symbols([j, *m])
        )
        self.found.append(
            FuzzFinding(
                kind="redundant-rule",
                rule=r,
                message=msg,
                formula=r.formula,
                support=support,
                scenario=scen,
                shows=f"breaks '{r.id}', and breaks '{rules[m[-1]].id}' too",
                found_by=by,
            )
        )

    def examples(self, j: int, active: list[int]) -> None:
        """Report each ``example:`` of rule ``j`` the rules reject, with a minimal set that does."""
        r, rules, p = self.rules[j], self.rules, self.p
        for k, (text, term) in enumerate(zip(r.examples, r.example_terms, strict=False)):
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
                self.found.append(FuzzFinding(kind="example-rejected", rule=r, message=msg, formula=text))
                continue
            who = (
                "the rule itself"
                if m == [j]
                else f"the rule itself, with {_names(tuple(rules[i] for i in m if i != j))}"
                if j in m
                else _names(support)
            )
            msg = f"rule '{r.id}' has an example the rules reject: {who}"
            scen, by = self.search(
                lits=[lit],
                keep=m[:-1],
                pos=[(term, [None])],
                broken=[m[-1]],
                show=self.symbols([j, *m]) | symbols_of(term),
            )
            self.found.append(
                FuzzFinding(
                    kind="example-rejected",
                    rule=r,
                    message=msg,
                    formula=text,
                    support=support,
                    scenario=scen,
                    shows=f"satisfies the example but breaks '{rules[m[-1]].id}'",
                    found_by=by,
                )
            )

    def forbids(self, j: int, active: list[int]) -> None:
        """Report each ``forbids:`` of rule ``j`` the rules allow, with a scenario."""
        r, p = self.rules[j], self.p
        for k, (text, term) in enumerate(zip(r.forbids, r.forbid_terms, strict=False)):
            lit = f"f!{j}!{k}"
            res = p.check(active, [lit])
            if res == "unknown":
                self.undecided(j, f"whether the forbids `{text}` of rule '{r.id}' is inconsistent with the rules")
            if res != "sat":
                continue
            scen, by = self.search(
                lits=[lit], keep=active, pos=[(term, [None])], show=self.symbols([j]) | symbols_of(term)
            )
            msg = f"rule '{r.id}' forbids `{text}`, but the rules allow it"
            self.found.append(
                FuzzFinding(
                    kind="forbid-allowed",
                    rule=r,
                    message=msg,
                    formula=text,
                    support=(),
                    scenario=scen,
                    shows="satisfies the forbids clause and every rule",
                    found_by=by,
                )
            )

    def possibles(self, j: int, others: list[int]) -> None:
        """Report rule ``j`` when it rejects a scenario one of its ``possible:`` clauses allows."""
        r, p = self.rules[j], self.p
        for k, (text, term) in enumerate(zip(r.possibles, r.possible_terms, strict=False)):
            lit = f"p!{j}!{k}"
            res = p.check(others, [lit, negated_rule_literal(j)])
            if res == "unknown":
                self.undecided(j, f"whether rule '{r.id}' allows every scenario of `{text}`")
            if res != "sat":
                continue
            scen, by = self.search(
                lits=[lit, negated_rule_literal(j)],
                keep=others,
                pos=[(term, [None])],
                broken=[j],
                show=self.symbols([j]) | symbols_of(term),
            )
            msg = f"rule '{r.id}' forbids too much: it rejects a scenario marked possible that every other rule accepts"
            self.found.append(
                FuzzFinding(
                    kind="possible-rejected",
                    rule=r,
                    message=msg,
                    formula=text,
                    support=(),
                    scenario=scen,
                    shows=f"is marked possible and every other rule accepts it, but '{r.id}' rejects it",
                    found_by=by,
                )
            )

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
