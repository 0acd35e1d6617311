"""MARCO, the one MUS enumeration, with either map: on a small set whose MUSes are known, on random
monotone families against brute force, and when its map solver gives up."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from claims._logic import marco as M
from claims._logic.solver import Answer, new_context

# x > 5, x < 3, x > 4, x < 1: the MUSes are the pairs of one lower and one upper bound that clash
BOUNDS = {"a": ("gt", 5), "b": ("lt", 3), "c": ("gt", 4), "d": ("lt", 1)}


def _sat(subset: list[str]) -> bool:
    lo = max((v for k, (op, v) in BOUNDS.items() if k in subset and op == "gt"), default=None)
    hi = min((v for k, (op, v) in BOUNDS.items() if k in subset and op == "lt"), default=None)
    return lo is None or hi is None or lo + 1 < hi


def _run(ctx: z3.Context, found: list[list[str]], explicit_up_to: int = M.EXPLICIT_MAP) -> M.Outcome:
    def check(seed: list[str]) -> Answer:
        return "sat" if _sat(seed) else "unsat"

    def grow(seed: list[str]) -> set[str] | None:
        out = list(seed)
        for x in BOUNDS:
            if x not in out and _sat([*out, x]):
                out.append(x)
        return set(out)

    def shrink(seed: list[str]) -> list[str] | None:
        out = list(seed)
        for x in list(out):
            if not _sat([y for y in out if y != x]):
                out.remove(x)
        return out

    def keep(mus: list[str]) -> M.Then:
        found.append(sorted(mus))
        return "more"

    return M.marco(
        sorted(BOUNDS), ctx, check=check, grow=grow, shrink=shrink, found=keep, explicit_up_to=explicit_up_to
    )


@pytest.mark.parametrize("explicit_up_to", [0, M.EXPLICIT_MAP], ids=["solver map", "explicit map"])
def test_every_mus_and_nothing_else(explicit_up_to: int) -> None:
    found: list[list[str]] = []
    assert "complete" == _run(new_context(), found, explicit_up_to)
    subsets = [sorted(s) for n in range(1, 5) for s in itertools.combinations(BOUNDS, n)]
    minimal = [s for s in subsets if not _sat(s) and all(_sat([y for y in s if y != x]) for x in s)]
    assert sorted(minimal) == sorted(found)


def test_a_map_solver_that_gives_up_is_not_complete(monkeypatch: pytest.MonkeyPatch) -> None:
    class GivesUp:
        def check(self) -> Any:
            return z3.unknown

    monkeypatch.setattr(M, "make_solver", lambda *args, **kwargs: GivesUp())
    found: list[list[str]] = []
    assert "unknown" == _run(new_context(), found, explicit_up_to=0)
    assert [] == found


@settings(deadline=None, max_examples=300)
@given(
    n=st.integers(min_value=0, max_value=7),
    raw=st.lists(st.integers(min_value=1, max_value=127), max_size=6),
    explicit_up_to=st.sampled_from([0, M.EXPLICIT_MAP]),
)
def test_both_maps_find_every_mus_of_a_monotone_family(n: int, raw: list[int], explicit_up_to: int) -> None:
    """Unsatisfiable = holds one of the random sets ``raw`` (a monotone family); the MUSes by brute force."""
    items = [f"c!{k}" for k in range(n)]
    cores = {m & ((1 << n) - 1) for m in raw} - {0}

    def mask(xs: Any) -> int:
        return sum(1 << int(x[2:]) for x in xs)

    def sat(m: int) -> bool:
        return not any(c & ~m == 0 for c in cores)

    def grow(seed: list[str]) -> set[str]:
        m = mask(seed)
        for k in range(n):
            if sat(m | 1 << k):
                m |= 1 << k
        return {x for x in items if mask([x]) & m}

    def shrink(seed: list[str]) -> list[str]:
        out = list(seed)
        for x in list(out):
            if not sat(mask([y for y in out if y != x])):
                out.remove(x)
        return out

    found: list[int] = []

    def keep(mus: list[str]) -> M.Then:
        found.append(mask(mus))
        return "more"

    outcome = M.marco(
        items,
        new_context(),
        check=lambda seed: "sat" if sat(mask(seed)) else "unsat",
        grow=grow,
        shrink=shrink,
        found=keep,
        explicit_up_to=explicit_up_to,
    )
    minimal = {c for c in cores if not any(d != c and d & ~c == 0 for d in cores)}
    assert outcome == "complete"
    assert sorted(found) == sorted(minimal)  # each once
