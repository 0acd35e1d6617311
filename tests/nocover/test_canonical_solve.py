"""A component's results depend on the component alone, not on what its thread solved before.

Components share their thread's z3 context (``claims._logic.solve``), whose
history steers cores and models: the results must not show it. Checked
against a fresh context (a new thread, which gets one of its own) on
generated datasets, and the canonical shrink (``quick_explain``) against the
brute-force minimal sets.
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Callable, Sequence

import pytest
import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import claims
from benchmarks.generate import generate
from claims._logic.partition import Component
from claims._logic.probe import Probe
from claims._logic.solve import ComponentResult, Options, solve_component
from claims._logic.solver import Answer, quick_explain, thread_context
from claims._run.api import components_of
from tests.oracle import build, satisfiable, small_datasets

SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

Shown = tuple[object, ...]


def _shown(r: ComponentResult) -> Shown:
    """All a result shows (the number of checks is effort, not a result)."""
    return (r.muses, r.complete, r.truncated, r.unknown_reason, r.verdicts)


def _in_thread(fn: Callable[[], list[Shown]]) -> list[Shown]:
    """``fn``'s value, computed in a new thread: a z3 context of its own, that nothing solved in before."""
    out: list[list[Shown]] = []
    t = threading.Thread(target=lambda: out.append(fn()))
    t.start()
    t.join()
    assert out, "the solving thread failed"
    return out[0]


def _solve_all(comps: Sequence[Component], facts: frozenset[int], opts: Options, probe: bool) -> list[Shown]:
    p = Probe() if probe else None
    return [_shown(solve_component(c, sorted(facts & set(c.claims)), opts, p)) for c in comps]


Data = tuple[list[tuple[str, str, str, str]], str]


@SLOW
@given(
    small_datasets(max_claims=8, conclusions=True, bool_rules=2),
    small_datasets(max_claims=8, conclusions=True, bool_rules=2),
    st.sampled_from([None, 1, 2]),
    st.booleans(),
)
def test_results_do_not_depend_on_what_was_solved_before(
    data: Data, before: Data, limit: int | None, probe: bool
) -> None:
    """Each component alone in a fresh context on fresh solvers, and after other datasets' and its own in one
    thread (on the warm solvers of a probe, or fresh ones): the same results."""
    opts = Options(timeout=None, max_per_component=limit)
    ds, other = build(*data), build(*before)
    if not all(satisfiable([r.term for r in d.rules]) for d in (ds, other)):
        return  # check() reports the rules' conflicts and solves no component
    comps, others = components_of(ds), components_of(other)
    facts = frozenset(i for i, c in enumerate(ds.claims) if c.kind == "fact")
    facts_o = frozenset(i for i, c in enumerate(other.claims) if c.kind == "fact")
    # alone: no probe, so fresh solvers; after the others: as the engine solves, with the probe's warm solvers
    alone = [_in_thread(functools.partial(_solve_all, [c], facts, opts, False))[0] for c in comps]

    def after_others() -> list[Shown]:
        _solve_all(others, facts_o, opts, probe)  # another dataset first,
        _solve_all(comps, facts, opts, probe)  # then this one, in its order,
        return _solve_all(comps[::-1], facts, opts, probe)[::-1]  # and again backwards

    assert after_others() == alone
    assert _in_thread(after_others) == alone


@settings(deadline=None, max_examples=4, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**16), st.integers(0, 2**16), st.sampled_from([None, 2]))
def test_generated_datasets_do_not_depend_on_what_was_solved_before(
    tmp_path_factory: pytest.TempPathFactory, seed: int, seed_before: int, limit: int | None
) -> None:
    """The same on the benchmark's generated datasets, whose components are large enough for z3's cores and
    models to vary with the context's history (a core-guided shrink or the shared context's model fails here)."""
    opts = Options(timeout=None, max_per_component=limit)
    loaded = []
    for s in (seed, seed_before):
        where = tmp_path_factory.mktemp("data")
        generate(300, where, seed=s)
        loaded.append(claims.load(where / "articles"))
    (comps, facts), (others, facts_o) = (
        (components_of(d), frozenset(i for i, c in enumerate(d.claims) if c.kind == "fact")) for d in loaded
    )
    comps = [c for c in comps if c.conclusions or len(c.claims) > 2]  # where a core or model could show
    alone = [_in_thread(functools.partial(_solve_all, [c], facts, opts, False))[0] for c in comps]

    def after_others() -> list[Shown]:
        _solve_all(others, facts_o, opts, True)
        kept = _shuffle_numbering(comps)  # terms of these very components, made before, numbered otherwise
        out = _solve_all(comps[::-1], facts, opts, True)[::-1]
        del kept
        return out

    assert after_others() == alone
    assert _in_thread(after_others) == alone


def _shuffle_numbering(comps: Sequence[Component]) -> list[z3.AstVector]:
    """Make the thread context number terms otherwise: parse the components' scripts backwards, keep every other."""
    ctx = thread_context()
    made = [z3.parse_smt2_string(c.smt, ctx=ctx) for c in comps[::-1]]
    return made[::2]


def _family_oracle(family: list[frozenset[int]]) -> Callable[[list[int]], Answer]:
    """Checks of subsets of items: unsat exactly when the subset holds a set of ``family``."""

    def check(trial: list[int]) -> Answer:
        return "unsat" if any(f <= set(trial) for f in family) else "sat"

    return check


def _minimal_sets(items: list[int], check: Callable[[list[int]], Answer]) -> list[set[int]]:
    subsets = [list(s) for k in range(len(items) + 1) for s in itertools.combinations(items, k)]
    return [set(s) for s in subsets if check(s) == "unsat" and all(check([y for y in s if y != x]) == "sat" for x in s)]


@given(
    st.integers(0, 8).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.frozensets(st.integers(0, max(0, n - 1)), max_size=3), min_size=1, max_size=4),
            st.permutations(range(n)),
        )
    )
)
def test_quick_explain_is_the_preferred_minimal_set(case: tuple[int, list[frozenset[int]], list[int]]) -> None:
    """Against brute force: unsatisfiable, minimal, and the preferred one of the items' order."""
    n, family, order = case
    family = [f for f in family if f <= set(range(n))]
    check = _family_oracle(family)
    if check(order) != "unsat":
        return
    got = quick_explain(order, check)
    assert got is not None
    assert check(got) == "unsat"
    assert all(check([y for y in got if y != x]) == "sat" for x in got)
    assert got == [x for x in order if x in set(got)]  # in the items' order
    rank = {x: k for k, x in enumerate(order)}
    # preferred: the minimal set whose last item (in the order) comes first, then its next to last, ...
    best = min(_minimal_sets(order, check), key=lambda s: sorted((rank[x] for x in s), reverse=True))
    assert set(got) == best


def test_quick_explain_gives_up_on_unknown() -> None:
    assert quick_explain([1, 2, 3], lambda trial: "unknown" if trial else "sat") is None
    assert quick_explain([], lambda trial: "unsat") == []
