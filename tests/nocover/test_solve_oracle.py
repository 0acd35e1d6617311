"""The engine against a brute-force truth-table oracle on small datasets."""

from __future__ import annotations

import random
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import claims
from tests.oracle import (
    BOOLS,
    INTS,
    Carried,
    assignments,
    build,
    evaluate,
    satisfiable,
    small_datasets,
    symbols_of,
)

SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _bits(mask: int) -> list[int]:
    return [i for i in range(mask.bit_length()) if mask >> i & 1]


def _rule_terms(ds: claims.Dataset, rules: tuple[claims.Rule, ...]) -> tuple[list[Carried], bool]:
    """Rule terms and whether the integer domain is bounded (the domain rule is among them)."""
    return [r.term for r in rules], any(r.id == "dom" for r in rules)


def oracle_muses(ds: claims.Dataset) -> set[frozenset[str]]:
    """Every minimal unsatisfiable subset of facts and predictions, by truth tables."""
    universe = [c for c in ds.claims if c.kind != "conclusion"]
    rules = [r.term for r in ds.rules]
    masks = set()
    for env in assignments():
        if all(evaluate(t, env) for t in rules):
            masks.add(sum(1 << i for i, c in enumerate(universe) if evaluate(c.term, env)))

    def sat(s: int) -> bool:
        return any(s & m == s for m in masks)

    out = set()
    for s in range(1, 1 << len(universe)):
        if not sat(s) and all(sat(s & ~(1 << i)) for i in _bits(s)):
            out.add(frozenset(universe[i].id for i in _bits(s)))
    return out


@SLOW
@given(small_datasets(max_claims=8, bool_rules=2))
def test_contradictions_equal_brute_force(data: tuple[list[tuple[str, str, str, str]], str]) -> None:
    """Every minimal contradiction is found, nothing else is, and each needs exactly its rules."""
    ds = build(*data)
    report = claims.check(ds)
    if not satisfiable([r.term for r in ds.rules]):
        assert report.rule_conflicts and not report.contradictions
        for rc in report.rule_conflicts:
            terms, bounded = _rule_terms(ds, rc.rules)
            assert not satisfiable(terms, bounded)
            for i in range(len(rc.rules)):
                rest = rc.rules[:i] + rc.rules[i + 1 :]
                assert satisfiable(*_rule_terms(ds, rest))
        return
    assert report.complete
    assert oracle_muses(ds) == {frozenset(c.id for c in k.claims) for k in report.contradictions}
    for k in report.contradictions:
        terms, bounded = _rule_terms(ds, k.rules)
        claim_terms = [c.term for c in k.claims]
        assert not satisfiable(claim_terms + terms, bounded)
        for j in range(len(k.rules)):
            rest = k.rules[:j] + k.rules[j + 1 :]
            rt, rb = _rule_terms(ds, rest)
            assert satisfiable(claim_terms + rt, rb), f"rule {k.rules[j].id} is not needed"


@SLOW
@given(small_datasets(max_claims=7, bool_rules=1), st.integers(0, 2**32))
def test_result_does_not_depend_on_claim_order(data: tuple[list[tuple[str, str, str, str]], str], seed: int) -> None:
    """Shuffling the claims gives the same contradictions, in the same text."""
    items, rules = data
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    a = claims.check(build(items, rules))
    b = claims.check(build(shuffled, rules))

    def key(r: claims.Report) -> list[list[str]]:
        return sorted(sorted(c.id for c in k.claims) for k in r.contradictions)

    assert key(a) == key(b)
    assert {k.fingerprint for k in a.contradictions} == {k.fingerprint for k in b.contradictions}


def _component_facts(ds: claims.Dataset, conclusion: claims.Claim) -> list[claims.Claim]:
    """The facts connected to the conclusion through shared symbols (rules connect too)."""
    groups: list[set[str]] = [symbols_of(c.term) for c in ds.claims]
    for r in ds.rules:
        if r.id == "dom":
            groups += [{v} for v in INTS]  # the domain rule is split per variable
        else:
            groups.append(symbols_of(r.term))
    reach = set(symbols_of(conclusion.term))
    changed = True
    while changed:
        changed = False
        for g in groups:
            if g & reach and not g <= reach:
                reach |= g
                changed = True
    return [c for c in ds.claims if c.kind == "fact" and symbols_of(c.term) & reach]


def _entails(
    premises: Sequence[claims.Claim],
    rule_terms: Sequence[Carried],
    bounded: bool,
    conclusion: claims.Claim,
    negate: bool,
) -> bool:
    for env in assignments(bounded):
        if all(evaluate(t, env) for t in rule_terms) and all(evaluate(p.term, env) for p in premises):
            value = evaluate(conclusion.term, env)
            if value if negate else not value:
                return False
    return True


def _parse(value: str) -> bool | int:
    if value in ("true", "false"):
        return value == "true"
    return int(value)


@SLOW
@given(small_datasets(max_claims=8, conclusions=True, bool_rules=2))
def test_verdicts_equal_truth_tables(data: tuple[list[tuple[str, str, str, str]], str]) -> None:
    """Each verdict agrees with the truth table; premises are minimal; countermodels are real."""
    ds = build(*data)
    report = claims.check(ds)
    rules = [r.term for r in ds.rules]
    if not satisfiable(rules):
        assert report.rule_conflicts
        return
    concl = [c for c in ds.claims if c.kind == "conclusion"]
    assert [v.claim.id for v in report.conclusions] == [c.id for c in concl]
    for v in report.conclusions:
        facts = _component_facts(ds, v.claim)
        models = [
            env
            for env in assignments()
            if all(evaluate(t, env) for t in rules) and all(evaluate(f.term, env) for f in facts)
        ]
        if not models:
            expected = "vacuous"
        elif all(evaluate(v.claim.term, env) for env in models):
            expected = "supported"
        elif not any(evaluate(v.claim.term, env) for env in models):
            expected = "refuted"
        else:
            expected = "unsupported"
        assert expected == v.verdict, v
        if v.verdict in ("supported", "refuted"):
            negate = v.verdict == "refuted"
            terms, bounded = _rule_terms(ds, v.rules)
            assert set(v.premises) <= set(facts)
            assert _entails(v.premises, terms, bounded, v.claim, negate)
            for i in range(len(v.premises)):
                rest = v.premises[:i] + v.premises[i + 1 :]
                assert not _entails(rest, terms, bounded, v.claim, negate), "premises not minimal"
            for j in range(len(v.rules)):
                rt, rb = _rule_terms(ds, v.rules[:j] + v.rules[j + 1 :])
                assert not _entails(v.premises, rt, rb, v.claim, negate), "rules not minimal"
        if v.verdict == "unsupported":
            shown = {s.symbol: s.value for s in v.countermodel}
            concl_syms = symbols_of(v.claim.term)
            assert concl_syms <= set(shown)
            fixed = {k: _parse(val) for k, val in shown.items() if val != "(any value)"}
            assert set(fixed) <= set(BOOLS) | set(INTS)
            completions = [env for env in assignments() if all(env[k] == val for k, val in fixed.items())]
            # the conclusion fails in the scenario, whatever the values it leaves open
            assert completions and not any(evaluate(v.claim.term, env) for env in completions)
            # and the scenario extends to one where every premise and rule holds
            assert any(
                all(evaluate(t, env) for t in rules) and all(evaluate(f.term, env) for f in facts)
                for env in completions
            )
        if v.verdict == "vacuous":
            assert v.contradictions
            for k in v.contradictions:
                assert all(c.kind == "fact" for c in k.claims)
