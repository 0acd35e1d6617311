"""Components shown consistent in batches (``Probe.shown_consistent``) against one check per component.

The slow, obvious computation: each component's script on a solver of its
own, checked with every claim and rule literal. A batch may show a component
consistent only when that check says "sat"; and the engine's results with
batches (``executor.solve_chunk``) are those of solving every component
alone, the long way.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import z3
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import claims
from benchmarks.generate import generate
from claims._logic import probe as _probe
from claims._logic.encode import claim_literal, rule_literal
from claims._logic.executor import solve_chunk
from claims._logic.partition import Component, strict_script
from claims._logic.solve import ComponentResult, Options, solve_component
from claims._logic.solver import Answer, Checker, make_solver, new_context
from claims._run.api import components_of
from tests.oracle import build, satisfiable, small_datasets

SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60)

Data = tuple[list[tuple[str, str, str, str]], str]


def _alone(comp: Component) -> Answer:
    """The one check: the component's script, every claim and rule assumed, on a solver of its own."""
    ctx = new_context()
    s = make_solver(comp.smt, None, ctx=ctx)
    names = [rule_literal(j) for j in comp.rules] + [claim_literal(i) for i in comp.claims]
    return Checker(s).check([z3.Bool(n, ctx) for n in names])


def _shown(rs: Sequence[ComponentResult]) -> list[tuple[object, ...]]:
    return [(r.muses, r.complete, r.truncated, r.unknown_reason, r.verdicts) for r in rs]


@SLOW
@given(
    datas=st.lists(small_datasets(max_claims=8, conclusions=True, bool_rules=2), min_size=1, max_size=6),
    size=st.integers(2, 5),
)
def test_a_batch_shows_consistent_only_what_one_check_shows_consistent(datas: list[Data], size: int) -> None:
    """Components of several datasets in batches of ``size``: those shown consistent are, each alone.

    Components of different datasets may share names (claim literals, atoms)
    under other assertions: such a batch can be unsatisfiable with every
    component consistent, and those components must leave it, not be shown.
    """
    comps = [c for d in datas for c in components_of(build(*d))]
    shown = _probe.Probe().shown_consistent(comps, None, size)
    alone = [_alone(c) for c in comps]
    assert [] == [k for k, s in enumerate(shown) if s and alone[k] != "sat"]
    # what a batch never takes: conclusions (their verdicts need checks of their own)
    assert not any(s and c.conclusions for s, c in zip(shown, comps, strict=True))


@SLOW
@given(data=small_datasets(max_claims=8, conclusions=True, bool_rules=2))
def test_solving_with_batches_gives_the_results_of_solving_each_component_alone(data: Data) -> None:
    """The engine's way (a chunk, batches first) against every component alone, the long way."""
    ds = build(*data)
    if not satisfiable([r.term for r in ds.rules]):
        return  # check() reports the rules' conflicts and solves no component
    comps = components_of(ds)
    facts = frozenset(i for i, c in enumerate(ds.claims) if c.kind == "fact")
    batched = solve_chunk(comps, facts, Options(timeout=None))
    alone = [solve_component(c, sorted(facts & set(c.claims)), Options(timeout=None)) for c in comps]
    assert _shown(alone) == _shown(batched)


def test_a_generated_dataset_is_solved_as_without_batches(tmp_path_factory: pytest.TempPathFactory) -> None:
    """500 generated claims (planted contradictions): most components shown in batches, the same results."""
    folder = tmp_path_factory.mktemp("batch") / "ds"
    generate(500, folder, seed=7)
    ds = claims.load(folder / "articles", jobs=1)
    comps = components_of(ds)
    facts = frozenset(i for i, c in enumerate(ds.claims) if c.kind == "fact")
    shown = _probe.Probe().shown_consistent(comps, 30.0)
    assert sum(s is True for s in shown) > len(comps) // 2
    assert all(_alone(c) == "sat" for c, s in zip(comps, shown, strict=True) if s)
    assert any(s is False for s in shown)  # some left a batch through a core
    batched = solve_chunk(comps, facts, Options())
    alone = [solve_component(c, sorted(facts & set(c.claims)), Options()) for c in comps]
    assert _shown(alone) == _shown(batched)


@settings(deadline=None, max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seeds=st.lists(st.integers(0, 10_000), min_size=1, max_size=2), size=st.sampled_from([2, 5, 32]))
def test_a_batch_shows_consistent_only_strict_readings_one_check_shows_consistent(
    tmp_path_factory: pytest.TempPathFactory, seeds: list[int], size: int
) -> None:
    """The strict readings a batch shows consistent (``strict=``) are, each alone (its strict script, one check).

    Components of two generated datasets share claim literals under other
    formulas: a batch of both can be unsatisfiable with every strict reading
    consistent, and those must leave it, not be shown.
    """
    comps = []
    for seed in seeds:
        folder = tmp_path_factory.mktemp("strict") / "ds"
        generate(200, folder, seed=seed, claims_per_file=12)
        try:
            comps += components_of(claims.load(folder / "articles", jobs=1))
        except claims.InputError:  # the generator leaves a file without claims now and then: not a dataset
            reject()
    strict: list[bool | None] = [None] * len(comps)
    shown = _probe.Probe().shown_consistent(comps, None, size, strict=strict)
    assert [] == [k for k, s in enumerate(strict) if s and _alone(strict_script(comps[k])) != "sat"]
    assert all(shown[k] and comps[k].strict for k, s in enumerate(strict) if s is not None)
    assert any(strict) or not any(c.strict and len(c.claims) + len(c.rules) > 1 for c in comps)
