"""Repairs, preferred repairs and tolerant readings against brute force (issue 20).

The oracle knows nothing of MUSes, conflicts or hitting sets: a repair is a
minimal set of claims whose removal leaves the rest satisfiable, found by
truth tables over every subset; a reading is its definition evaluated over
every repair.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import claims
from claims._logic import repairs as R
from tests.nocover.test_solve_oracle import _component_facts, oracle_muses
from tests.oracle import Carried, assignments, build, evaluate, satisfiable, small_datasets

SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- the combinatorics alone


def _brute_hitting_sets(sets: Sequence[frozenset[int]]) -> set[tuple[int, ...]]:
    universe = sorted(set().union(*sets)) if sets else []
    hitting = [
        frozenset(s)
        for n in range(len(universe) + 1)
        for s in itertools.combinations(universe, n)
        if all(set(s) & m for m in sets)
    ]
    return {tuple(sorted(h)) for h in hitting if not any(o < h for o in hitting)}


families = st.lists(st.frozensets(st.integers(0, 7), min_size=1, max_size=4), max_size=6)


@given(families)
def test_minimal_hitting_sets_equal_brute_force(sets: list[frozenset[int]]) -> None:
    got, complete = R.minimal_hitting_sets([sorted(s) for s in sets], None)
    assert complete
    assert set(got) == _brute_hitting_sets(sets)
    assert got == sorted(set(got), key=lambda t: (len(t), t))


@given(families)
def test_each_claim_of_a_repair_is_alone_in_one_set(sets: list[frozenset[int]]) -> None:
    """What ``claims._logic.solve._confirm`` relies on instead of a check per claim of a repair:
    for each ``x`` of a minimal hitting set ``h``, some set meets ``h`` in ``x`` alone, so it lies
    inside the claims ``h`` leaves and ``x`` (and, being a verified MUS, makes them inconsistent)."""
    got, _ = R.minimal_hitting_sets([sorted(s) for s in sets], None)
    for h in got:
        for x in h:
            assert any(m & set(h) == {x} for m in sets)


@given(families)
def test_conflicts_decompose_the_hitting_sets(sets: list[frozenset[int]]) -> None:
    """The unions of one repair per conflict are exactly the minimal hitting sets of the whole family."""
    groups = R.conflicts([sorted(s) for s in sets])
    assert sorted(k for g in groups for k in g) == list(range(len(sets)))
    for a, b in itertools.combinations(groups, 2):
        assert not set().union(*(sets[k] for k in a)) & set().union(*(sets[k] for k in b))
    per = [R.minimal_hitting_sets([sorted(sets[k]) for k in g], None)[0] for g in groups]
    whole, complete = R.combine(per, None)
    assert complete and set(whole) == _brute_hitting_sets(sets)


@given(families, st.integers(1, 3))
def test_a_limit_never_gives_a_partial_list(sets: list[frozenset[int]], limit: int) -> None:
    got, complete = R.minimal_hitting_sets([sorted(s) for s in sets], limit)
    if complete:
        assert set(got) == _brute_hitting_sets(sets)
    else:
        assert got == []


@given(families, st.lists(st.sampled_from([Fraction(1, 10), Fraction(1, 2), Fraction(9, 10), Fraction(1)]), max_size=8))
def test_preferred_has_least_weight(sets: list[frozenset[int]], ws: list[Fraction]) -> None:
    weights = dict(enumerate(ws))
    reps, _ = R.minimal_hitting_sets([sorted(s) for s in sets], None)
    best = R.preferred(reps, weights)
    assert best is not None
    least = min(sum((weights.get(c, Fraction(1)) for c in r), Fraction(0)) for r in _brute_hitting_sets(sets))
    assert R.weight(reps[best], weights) == least
    # ties: fewest claims, then claim order
    assert reps[best] == min(reps, key=lambda r: (R.weight(r, weights), len(r), r))


# --------------------------------------------------------------------------- the engine


def _brute_repairs(universe: Sequence[claims.Claim], rules: Sequence[Carried]) -> set[frozenset[str]]:
    """Minimal sets whose removal leaves ``universe`` satisfiable, by truth tables over every subset."""
    masks = set()
    for env in assignments():
        if all(evaluate(t, env) for t in rules):
            masks.add(frozenset(c.id for c in universe if evaluate(c.term, env)))
    ids = [c.id for c in universe]
    removable = [frozenset(s) for n in range(len(ids) + 1) for s in itertools.combinations(ids, n)]
    ok = [s for s in removable if any(frozenset(ids) - s <= m for m in masks)]
    return {s for s in ok if not any(o < s for o in ok)}


def _weighted(ds: claims.Dataset, ws: list[Fraction]) -> claims.Dataset:
    """Every claim from a source of its own, with reliability ``ws[k]`` (cycled)."""
    out = []
    for k, c in enumerate(ds.claims):
        src = attrs.evolve(c.source, id=f"s{k}", name=f"source {k}", reliability=ws[k % len(ws)] if ws else None)
        out.append(attrs.evolve(c, source=src))
    return attrs.evolve(ds, claims=tuple(out))


weights_ = st.lists(st.sampled_from([None, Fraction(1, 10), Fraction(1, 2), Fraction(1)]), min_size=1, max_size=4)


@SLOW
@given(small_datasets(max_claims=7, conclusions=True, bool_rules=2), weights_)
def test_repairs_equal_brute_force(data: tuple[list[tuple[str, str, str, str]], str], ws: list[Fraction]) -> None:
    """Each conflict's repairs are the minimal hitting sets of its MUSes; their unions are every MCS."""
    ds = _weighted(build(*data), ws)
    rules = [r.term for r in ds.rules]
    if not satisfiable(rules):
        return
    report = claims.check(ds, cache=False)
    assert report.complete
    muses = oracle_muses(ds)
    groups = report.conflicts
    assert {frozenset(c.id for c in k.claims) for g in groups for k in g.contradictions} == muses
    order = {c.id: k for k, c in enumerate(ds.claims)}
    weights = {c.id: c.source.reliability or Fraction(1) for c in ds.claims}
    for g in groups:
        assert g.complete
        mus_sets = [frozenset(order[c.id] for c in k.claims) for k in g.contradictions]
        expected = _brute_hitting_sets(mus_sets)
        assert {tuple(order[c.id] for c in r) for r in g.repairs} == expected
        # the preferred repair has the least total weight of all
        assert g.preferred is not None
        least = min(sum((weights[ds.claims[i].id] for i in r), Fraction(0)) for r in expected)
        assert sum((weights[c.id] for c in g.preferred), Fraction(0)) == least
    # the unions of one repair per conflict are every MCS of the facts and predictions, by truth tables
    universe = [c for c in ds.claims if c.kind != "conclusion"]
    unions = {frozenset(c.id for r in choice for c in r) for choice in itertools.product(*(g.repairs for g in groups))}
    assert unions == _brute_repairs(universe, rules)


def _entails(premises: Sequence[claims.Claim], rules: Sequence[Carried], q: claims.Claim, negate: bool) -> bool:
    for env in assignments():
        holds = all(evaluate(t, env) for t in rules) and all(evaluate(p.term, env) for p in premises)
        if holds and bool(evaluate(q.term, env)) == negate:
            return False
    return True


def _judge(premises: Sequence[claims.Claim], rules: Sequence[Carried], q: claims.Claim) -> str:
    if _entails(premises, rules, q, False):
        return "supported"
    if _entails(premises, rules, q, True):
        return "refuted"
    return "unsupported"


def _cost(s: frozenset[str], by_id: dict[str, claims.Claim], order: dict[str, int]) -> tuple[Fraction, int, list[int]]:
    w = sum((by_id[i].source.reliability or Fraction(1) for i in s), Fraction(0))
    return (w, len(s), sorted(order[i] for i in s))


@SLOW
@given(small_datasets(max_claims=8, conclusions=True, bool_rules=2), weights_)
def test_tolerant_readings_match_their_definitions(
    data: tuple[list[tuple[str, str, str, str]], str], ws: list[Fraction]
) -> None:
    """AR, IAR, brave and preferred, each evaluated over every repair of the premises by brute force."""
    ds = _weighted(build(*data), ws)
    rules = [r.term for r in ds.rules]
    if not satisfiable(rules):
        return
    report = claims.check(ds, cache=False)
    order = {c.id: k for k, c in enumerate(ds.claims)}
    for v in report.conclusions:
        if v.verdict != "vacuous":
            assert not v.readings
            continue
        facts = _component_facts(ds, v.claim)
        by_id = {c.id: c for c in facts}
        removals = sorted(_brute_repairs(facts, rules), key=lambda s: (len(s), sorted(order[i] for i in s)))
        rests = [[c for c in facts if c.id not in s] for s in removals]
        verdicts = [_judge(rest, rules, v.claim) for rest in rests]
        got = {r.semantics: r for r in v.readings}
        assert list(got) == list(R.SEMANTICS)
        # AR: what every repair entails
        if all(x == "supported" for x in verdicts):
            ar = "supported"
        elif all(x == "refuted" for x in verdicts):
            ar = "refuted"
        else:
            ar = "unsupported"
        assert got["AR"].verdict == ar
        # IAR: what the intersection of the repairs entails
        common = [c for c in facts if all(c in rest for rest in rests)]
        assert got["IAR"].verdict == _judge(common, rules, v.claim)
        assert {c.id for c in got["IAR"].set_aside} == {c.id for c in facts} - {c.id for c in common}
        # brave: what some repair entails
        if "supported" in verdicts:
            brave = "supported"
        elif "refuted" in verdicts:
            brave = "refuted"
        else:
            brave = "unsupported"
        assert got["brave"].verdict == brave
        if brave != "unsupported":
            aside = frozenset(c.id for c in got["brave"].set_aside)
            assert aside in removals and verdicts[removals.index(aside)] == brave

        # preferred: the least-weight repair (fewest claims, then claim order) decides
        best = min(removals, key=lambda s: _cost(s, by_id, order))
        assert frozenset(c.id for c in got["preferred"].set_aside) == best
        assert got["preferred"].verdict == verdicts[removals.index(best)]
        # every decided reading names premises that decide it, among the premises it keeps
        for r in v.readings:
            if r.verdict in ("supported", "refuted") and r.semantics != "AR":
                kept = [c for c in facts if c not in r.set_aside]
                assert set(r.premises) <= set(kept)
                assert _entails(r.premises, rules, v.claim, r.verdict == "refuted")
