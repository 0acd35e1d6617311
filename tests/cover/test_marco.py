"""MARCO, the one MUS enumeration, on a small set whose MUSes are known, and when its map solver gives up."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import z3

from claims._logic import marco as M
from claims._logic.solver import Answer, new_context

# x > 5, x < 3, x > 4, x < 1: the MUSes are the pairs of one lower and one upper bound that clash
BOUNDS = {"a": ("gt", 5), "b": ("lt", 3), "c": ("gt", 4), "d": ("lt", 1)}


def _sat(subset: list[str]) -> bool:
    lo = max((v for k, (op, v) in BOUNDS.items() if k in subset and op == "gt"), default=None)
    hi = min((v for k, (op, v) in BOUNDS.items() if k in subset and op == "lt"), default=None)
    return lo is None or hi is None or lo + 1 < hi


def _run(ctx: z3.Context, found: list[list[str]]) -> M.Outcome:
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

    return M.marco(sorted(BOUNDS), ctx, check=check, grow=grow, shrink=shrink, found=keep)


def test_every_mus_and_nothing_else() -> None:
    found: list[list[str]] = []
    assert "complete" == _run(new_context(), found)
    subsets = [sorted(s) for n in range(1, 5) for s in itertools.combinations(BOUNDS, n)]
    minimal = [s for s in subsets if not _sat(s) and all(_sat([y for y in s if y != x]) for x in s)]
    assert sorted(minimal) == sorted(found)


def test_a_map_solver_that_gives_up_is_not_complete(monkeypatch: pytest.MonkeyPatch) -> None:
    class GivesUp:
        def check(self) -> Any:
            return z3.unknown

    monkeypatch.setattr(M, "make_solver", lambda *args, **kwargs: GivesUp())
    found: list[list[str]] = []
    assert "unknown" == _run(new_context(), found)
    assert [] == found
