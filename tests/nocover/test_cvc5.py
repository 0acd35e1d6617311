"""Differential: every contradiction and verdict Z3 reports, confirmed by cvc5 on the same text
(and every answer of `claims fuzz`, on the script it asks Z3).

cvc5 reads the very SMT-LIB2 script each component is solved from
(``Component.smt``, written by ``claims._logic.encode.script``) through its own
parser, and answers with assumptions on the tracking literals: ``c!i`` for a
claim, ``r!j`` for a rule, ``q+!i``/``q-!i`` for a conclusion and its negation.
So an encoding that only Z3 reads kindly, or a Z3 answer that is wrong, shows up
here. Minimality is confirmed too: dropping any claim, premise or rule of a
reported set makes it satisfiable for cvc5.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pytest
from hypothesis import HealthCheck, given, settings

import claims
from claims._logic import rulecheck
from claims._logic.encode import claim_literal, conclusion_literals, encode_rules_alone, rule_literal, script
from claims._logic.partition import Component
from claims._run import fuzz as _fuzz
from claims._run.api import components_of
from tests.nocover.test_fuzz import rule_sets as fuzz_rule_sets
from tests.oracle import build, small_datasets

cvc5 = pytest.importorskip("cvc5")


class Cvc5:
    """One component's script in cvc5, checked under assumptions named by their literal."""

    def __init__(self, smt: str) -> None:
        self.tm = cvc5.TermManager()
        self.solver = cvc5.Solver(self.tm)
        self.solver.setOption("incremental", "true")
        self.solver.setLogic("ALL")
        sm = cvc5.SymbolManager(self.tm)
        parser = cvc5.InputParser(self.solver, sm)
        parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, smt, "component")
        while True:
            cmd = parser.nextCommand()
            if cmd.isNull():
                break
            cmd.invoke(self.solver, sm)
        self.terms = {str(t).strip("|"): t for t in sm.getDeclaredTerms()}

    def sat(self, literals: list[str]) -> bool:
        result = self.solver.checkSatAssuming(*[self.terms[x] for x in literals])
        assert not result.isUnknown(), (literals, result)
        return bool(result.isSat())  # cvc5 has no type hints


def _component_of(comps: Sequence[Component], indices: Iterable[int]) -> Component:
    (comp,) = [c for c in comps if set(indices) <= set(c.claims) | set(c.conclusions)]
    return comp


def _assert_minimal_unsat(s: Cvc5, needed: list[str], others: list[str]) -> None:
    """``needed + others`` is unsat, and dropping any one of ``needed`` makes it sat."""
    assert not s.sat(needed + others)
    for k in range(len(needed)):
        assert s.sat(needed[:k] + needed[k + 1 :] + others), f"{needed[k]} is not needed"


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(small_datasets(max_claims=7, conclusions=True, bool_rules=2))
def test_cvc5_confirms_every_finding(data: tuple[list[tuple[str, str, str, str]], str]) -> None:
    ds = build(*data)
    report = claims.check(ds, jobs=1, cache=False)
    index = {c.id: i for i, c in enumerate(ds.claims)}
    rindex = {r.id: j for j, r in enumerate(ds.rules)}
    comps = components_of(ds)
    solvers = {c.digest: Cvc5(c.smt) for c in comps}
    if report.rule_conflicts:
        # the rules alone are inconsistent: cvc5 agrees on each minimal set, in every component's text
        for rc in report.rule_conflicts:
            lits = [rule_literal(rindex[r.id]) for r in rc.rules]
            alone = encode_rules_alone(ds)
            _assert_minimal_unsat(Cvc5(script(alone, alone.units)), lits, [])
        return
    assert report.complete
    for k in report.contradictions:
        ids = [index[c.id] for c in k.claims]
        comp = _component_of(comps, ids)
        s = solvers[comp.digest]
        claim_lits = [claim_literal(i) for i in ids]
        rule_lits = [rule_literal(rindex[r.id]) for r in k.rules]
        all_rules = [rule_literal(j) for j in comp.rules]
        _assert_minimal_unsat(s, claim_lits, all_rules)  # a MUS of claims, under all the rules
        _assert_minimal_unsat(s, rule_lits, claim_lits)  # and its rules are a minimal set
    # a component with no contradiction is consistent for cvc5 too
    reported = {index[c.id] for k in report.contradictions for c in k.claims}
    for comp in comps:
        if not set(comp.claims) & reported:
            s = solvers[comp.digest]
            assert s.sat([claim_literal(i) for i in comp.claims] + [rule_literal(j) for j in comp.rules])
    for v in report.conclusions:
        ci = index[v.claim.id]
        comp = _component_of(comps, [ci])
        s = solvers[comp.digest]
        pos, neg = conclusion_literals(ci)
        facts = [claim_literal(i) for i in comp.claims if ds.claims[i].kind == "fact"]
        all_rules = [rule_literal(j) for j in comp.rules]
        if v.verdict in ("supported", "refuted"):
            against = neg if v.verdict == "supported" else pos
            premises = [claim_literal(index[c.id]) for c in v.premises]
            rule_lits = [rule_literal(rindex[r.id]) for r in v.rules]
            assert s.sat(facts + all_rules), "the premises must not be vacuous"
            _assert_minimal_unsat(s, premises, rule_lits + [against])
            _assert_minimal_unsat(s, rule_lits, premises + [against])
        elif v.verdict == "unsupported":
            assert s.sat(facts + all_rules + [neg]) and s.sat(facts + all_rules + [pos])
        elif v.verdict == "vacuous":
            assert not s.sat(facts + all_rules)
        else:
            pytest.fail(f"unexpected verdict {v.verdict} on a small dataset")


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.nested_given])
@given(fuzz_rule_sets())
def test_cvc5_confirms_claims_fuzz(text: str) -> None:
    """`claims fuzz` asks Z3 about one script with a literal per rule and per question; cvc5
    reads the same script and confirms each answer and the minimality of each rule set."""
    ds = claims.dataset([], rules=text)
    report = _fuzz.fuzz(ds, max_examples=10)
    problem = rulecheck.Problem(ds, 30.0)
    s = Cvc5(problem.smt)
    j_of = {r.id: j for j, r in enumerate(ds.rules)}
    in_conflict = {r.id for f in report.findings if f.kind == "rule-conflict" for r in f.support}
    active = [f"r!{j}" for j, r in enumerate(ds.rules) if r.id not in in_conflict]
    for f in report.findings:
        j = j_of[f.rule.id]
        support = [f"r!{j_of[r.id]}" for r in f.support]
        others = [x for x in active if x != f"r!{j}"]
        if f.kind == "rule-conflict":
            _assert_minimal_unsat(s, support, [])
        elif f.kind == "dead-rule":
            assert f.formula is not None  # a dead rule's finding names its condition
            k = [c.text for c in problem.conds[j]].index(f.formula)
            _assert_minimal_unsat(s, support, [f"a!{j}!{k}"])
        elif f.kind == "redundant-rule":
            _assert_minimal_unsat(s, support, [f"nr!{j}"])
        elif f.kind == "example-rejected":
            _assert_minimal_unsat(s, support, [f"e!{j}!{f.rule.examples.index(f.formula)}"])
        elif f.kind == "forbid-allowed":
            assert s.sat(active + [f"f!{j}!{f.rule.forbids.index(f.formula)}"])
        elif f.kind == "possible-rejected":
            assert s.sat(others + [f"p!{j}!{f.rule.possibles.index(f.formula)}", f"nr!{j}"])
        else:
            pytest.fail(f"unexpected finding {f.kind}")
    # and what it did not report holds for cvc5 too
    reported = {(f.kind, f.rule.id, f.formula) for f in report.findings}
    for j, r in enumerate(ds.rules):
        if r.id in in_conflict:
            continue
        for k, text_ in enumerate(r.forbids):
            if ("forbid-allowed", r.id, text_) not in reported:
                assert not s.sat(active + [f"f!{j}!{k}"])
        for k, text_ in enumerate(r.examples):
            if ("example-rejected", r.id, text_) not in reported:
                assert s.sat(active + [f"e!{j}!{k}"])
