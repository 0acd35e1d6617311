"""Solving components apart gives what one solve of the whole dataset gives.

The partition's soundness argument (``claims._logic.partition.partition``) says that
two groups of formulas with no symbol in common can disagree only on the size
of an open sort, and only through a universal quantifier over it. These
properties draw datasets over two open sorts, a closed one, integers,
functions into an open sort, equality and quantifiers of both kinds, and
compare the partitioned answers (every MUS, every verdict) with those of one
component holding every unit of the dataset.
"""

from __future__ import annotations

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

import claims
from claims._logic.encode import encode
from claims._logic.partition import build
from claims._logic.solve import Options, solve_component
from claims._run import api as _api

VOCAB = """\
sort U
sort V
sort R = {r1, r2}
const a, b, c: U
const d, e: V
const n, m: int
pred P(U)
pred S(V)
pred Q(R)
func f(U): U
"""
OPTS = Options(timeout=10.0)
SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _terms(sort: str, bound: tuple[str, ...]) -> st.SearchStrategy[str]:
    if sort == "U":
        return st.sampled_from(["a", "b", "c", "f(a)", "f(b)", *bound])
    return st.sampled_from(["d", "e", *bound])


@st.composite
def _atom(draw: st.DrawFn, bound: dict[str, tuple[str, ...]]) -> str:
    kind = draw(st.sampled_from(["P", "S", "eqU", "eqV", "Q", "int", "div"]))
    if kind == "P":
        return f"P({draw(_terms('U', bound['U']))})"
    if kind == "S":
        return f"S({draw(_terms('V', bound['V']))})"
    if kind in ("eqU", "eqV"):
        sort = kind[-1]
        op = draw(st.sampled_from(["=", "!="]))
        return f"{draw(_terms(sort, bound[sort]))} {op} {draw(_terms(sort, bound[sort]))}"
    if kind == "Q":
        return f"Q({draw(st.sampled_from(['r1', 'r2', *bound['R']]))})"
    if kind == "div":  # x / 0 is 0, whatever groups the claims (two claims on 1 / 0 share no symbol)
        return f"{draw(st.sampled_from(['n', '1']))} / 0 = {draw(st.integers(0, 1))}"
    return f"{draw(st.sampled_from(['n', 'm']))} {draw(st.sampled_from(['=', '<', '>']))} {draw(st.integers(0, 2))}"


@st.composite
def formulas(draw: st.DrawFn, depth: int = 2, bound: dict[str, tuple[str, ...]] | None = None) -> str:
    """A formula with quantifiers over the open sorts and the closed one."""
    bound = bound or {"U": (), "V": (), "R": ()}
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(_atom(bound))
    op = draw(st.sampled_from(["not", "and", "or", "implies", "iff", "forall", "exists"]))
    if op == "not":
        return f"not ({draw(formulas(depth - 1, bound))})"
    if op in ("forall", "exists"):
        sort = draw(st.sampled_from(["U", "U", "V", "R"]))
        var = f"x{sum(len(v) for v in bound.values())}"
        inner = {**bound, sort: (*bound[sort], var)}
        if sort != "R" and draw(st.booleans()):  # a size bound: forall x, y. x = y, or its dual
            var2 = var + "y"
            body = f"{var} = {var2}" if op == "forall" else f"{var} != {var2}"
            return f"{op} {var}: {sort}, {var2}: {sort}. {body}"
        return f"{op} {var}: {sort}. {draw(formulas(depth - 1, inner))}"
    return f"({draw(formulas(depth - 1, bound))}) {op} ({draw(formulas(depth - 1, bound))})"


@st.composite
def datasets(draw: st.DrawFn) -> claims.Dataset:
    n = draw(st.integers(2, 7))
    items = [
        (f"c{i}", draw(formulas()), "q", draw(st.sampled_from(["fact", "fact", "fact", "conclusion"])))
        for i in range(n)
    ]
    rules = [VOCAB]
    for j in range(draw(st.integers(0, 2))):
        rules.append(f'rule r{j}: "a random rule" {draw(formulas(depth=1))}')
    return claims.dataset(items, rules="\n".join(rules))


def _whole(ds: claims.Dataset) -> tuple[set[frozenset[str]], dict[str, str], bool]:
    """MUSes and verdicts of one component that holds every unit of the dataset."""
    enc = encode(ds)
    facts = sorted(i for i, c in enumerate(ds.claims) if c.kind == "fact")
    r = solve_component(build(enc, range(len(enc.units))), facts, OPTS)
    ids = [c.id for c in ds.claims]
    verdicts = {ids[v.conclusion]: v.verdict for v in r.verdicts}
    return (
        {frozenset(ids[i] for i in m.claims) for m in r.muses},
        verdicts,
        r.complete and "unknown" not in verdicts.values(),
    )


@SLOW
@given(datasets())
def test_partitioned_answers_equal_one_whole_solve(ds: claims.Dataset) -> None:
    report = claims.check(ds, cache=False, jobs=1, timeout=OPTS.timeout)
    assume(not report.rule_conflicts)  # the engine reports those apart, before any claim
    verdicts = {v.claim.id: v.verdict for v in report.conclusions}
    assume(report.complete and "unknown" not in verdicts.values())  # quantifiers: may be undecided
    whole_muses, whole_verdicts, whole_complete = _whole(ds)
    assume(whole_complete)
    event(f"components: {min(report.stats.components, 3)}{'+' if report.stats.components >= 3 else ''}")
    if any(c.kind != "conclusion" and ("forall" in c.formula or "exists" in c.formula) for c in ds.claims):
        event("a fact quantifies over a sort")
    assert {frozenset(c.id for c in k.claims) for k in report.contradictions} == whole_muses
    if whole_muses:  # premises inconsistent: the whole solve calls every conclusion vacuous
        return
    assert verdicts == whole_verdicts


def _ds(*formulas: str, conclusion: str | None = None) -> claims.Dataset:
    items = [(f"c{i}", f, "q", "fact") for i, f in enumerate(formulas)]
    if conclusion is not None:
        items.append(("k", conclusion, "q", "conclusion"))
    return claims.dataset(items, rules=VOCAB)


def test_a_size_bound_joins_the_claims_over_its_sort() -> None:
    """The issue's reproducer: the first claim names no symbol but bounds U to one element."""
    report = claims.check(_ds("forall x: U, y: U. x = y", "P(a)", "not P(b)"), cache=False)
    assert [sorted(c.id for c in k.claims) for k in report.contradictions] == [["c0", "c1", "c2"]]


def test_an_existential_fact_does_not_join_its_sort() -> None:
    """``exists`` as a fact is preserved when U grows: it stays apart from the claims over U."""
    ds = _ds("exists x: U, y: U. x != y", "P(a)", "not P(b)")
    assert 2 == len(_api.components_of(ds))
    assert not claims.check(ds, cache=False).contradictions


def test_a_conclusion_that_bounds_a_sort_is_judged_with_its_claims() -> None:
    """FOLIO's case: P(a), not P(b) entail that U has two distinct elements."""
    report = claims.check(_ds("P(a)", "not P(b)", conclusion="exists x: U, y: U. not (x = y)"), cache=False)
    (v,) = report.conclusions
    assert "supported" == v.verdict
    assert ["c0", "c1"] == sorted(c.id for c in v.premises)


def test_division_by_zero_does_not_depend_on_grouping() -> None:
    """``1 / 0`` is 0: as two claims and as one, each equation other than 0 is a contradiction."""
    apart = claims.check(_ds("1 / 0 = 1", "1 / 0 = 2", "n / 0 = 0"), cache=False)
    together = claims.check(_ds("1 / 0 = 1 and 1 / 0 = 2"), cache=False)
    assert [[c.id for c in k.claims] for k in apart.contradictions] == [["c0"], ["c1"]]
    assert 1 == len(together.contradictions)
