"""The benchmark's conclusions and its fresh-solver baseline: the engine gives exactly the planted verdicts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import claims
from benchmarks import fresh
from benchmarks.generate import generate, load_expected
from benchmarks.oracle import Lit, Meaning, RuleInstance, bounds, groups, judge
from claims._logic import solve as _solve
from claims._logic.probe import Probe
from claims._logic.solver import Answer
from claims._run.api import components_of


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engine_gives_exactly_the_planted_verdicts(tmp_path: Path, seed: int) -> None:
    """Each conclusion gets its planted verdict; a decided one names one of its minimal premise and rule sets."""
    expected = generate(600, tmp_path, seed=seed)
    assert expected.conclusions, "the generator planted no conclusion"

    report = claims.check(claims.load(tmp_path / "articles"), jobs=1, cache=False)

    assert expected.claim_sets() == {frozenset(c.id for c in k.claims) for k in report.contradictions}
    assert expected.verdicts() == {v.claim.id: v.verdict for v in report.conclusions}
    for want in expected.conclusions:
        got = next(v for v in report.conclusions if v.claim.id == want.claim)
        if want.verdict in ("supported", "refuted"):
            premises = tuple(sorted(c.id for c in got.premises))
            rules = tuple(sorted(r.id for r in got.rules))
            assert any(premises == ps and rules in {tuple(sorted(r)) for r in rs} for ps, rs in want.premise_sets)


def test_conclusions_are_spread_and_of_every_verdict(tmp_path: Path) -> None:
    """1 to 5% of the claims are conclusions, written with ``kind: conclusion``, of all three planted verdicts."""
    expected = generate(3000, tmp_path, seed=7)
    counts = Counter(v.verdict for v in expected.conclusions)
    assert 30 <= len(expected.conclusions) <= 150
    assert {"supported", "refuted", "unsupported"} <= set(counts)
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((tmp_path / "articles").glob("*.yaml")))
    assert len(expected.conclusions) == text.count("kind: conclusion")
    assert expected == load_expected(tmp_path)


def test_oracle_judges_conclusions_against_their_component() -> None:
    """Supported and refuted with every minimal premise set and rule set; unsupported; vacuous only when
    the contradiction is connected to the conclusion."""
    x, w, o, c = "x", "w", "o", "c"
    rules = [
        RuleInstance("withdrawn.no_troops", Lit(w, True), bounds(x, 0, 0)),
        RuleInstance("ceasefire.no_offensive", Lit(c, True), (Lit(o, False),)),
    ]
    facts: list[tuple[int, Meaning]] = [(0, bounds(x, 900, 1100)), (1, bounds(x, 900, 1100)), (2, (Lit(c, True),))]

    supported = judge(facts, bounds(x, 500, None), rules)  # at least 500
    assert "supported" == supported.verdict
    assert {((0,), ((),)), ((1,), ((),))} == {(m.claims, m.rule_sets) for m in supported.premise_sets}
    refuted = judge(facts, (Lit(w, True),), rules)  # withdrawn: no troops, but about 1000 are there
    assert "refuted" == refuted.verdict
    assert {((0,), (("withdrawn.no_troops",),)), ((1,), (("withdrawn.no_troops",),))} == {
        (m.claims, m.rule_sets) for m in refuted.premise_sets
    }
    assert "refuted" == judge(facts, (Lit(o, True),), rules).verdict  # an offensive under a ceasefire
    assert "unsupported" == judge(facts, bounds(x, 1000, None), rules).verdict
    assert "vacuous" == judge([*facts, (3, bounds(x, None, 10))], (Lit(w, False),), rules).verdict
    # the clash on x is not connected to the ceasefire, so it leaves that conclusion alone
    meanings: list[Meaning] = [m for _, m in facts] + [bounds(x, None, 10), (Lit(o, False),)]
    label = groups(meanings, rules)
    assert label[0] == label[1] == label[3] != label[2] == label[4]


def test_fresh_solver_baseline_gives_the_engine_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a fresh solver per check, every component gives the contradictions and verdicts of the engine."""
    generate(400, tmp_path, seed=4)
    ds = claims.load(tmp_path / "articles")
    facts = frozenset(i for i, c in enumerate(ds.claims) if c.kind == "fact")
    comps = components_of(ds)
    opts = _solve.Options()

    def answers(probe: Probe | None) -> list[object]:
        out: list[object] = []
        for comp in comps:
            r = _solve.solve_component(comp, sorted(facts & set(comp.claims)), opts, probe)
            out.append(([m.claims for m in r.muses], [(v.conclusion, v.verdict) for v in r.verdicts], r.complete))
        return out

    incremental = answers(Probe())  # as the engine solves: the probe first
    built: list[int] = []
    original = fresh._FreshChecker.check

    def check(self: fresh._FreshChecker, assumptions: Sequence[Any]) -> Answer:
        before = id(self.solver)
        answer = original(self, assumptions)
        built.append(before != id(self.solver))
        return answer

    monkeypatch.setattr(fresh._FreshChecker, "check", check)
    monkeypatch.setattr(_solve, "_Component", fresh._FreshComponent)
    assert incremental == answers(None)  # no probe: every component the long way
    assert built and all(built)  # every check ran on a solver of its own


def test_unpartitioned_baseline_finds_the_contradictions_the_engine_finds(tmp_path: Path) -> None:
    """Baseline (a), one MARCO over every claim at once, runs (in its child) and agrees on a small set."""
    from benchmarks.baseline import run_baseline

    generate(150, tmp_path, seed=4)
    ds = claims.load(tmp_path / "articles")
    report = claims.check(ds, jobs=1, cache=False)
    row = run_baseline(str(tmp_path), None, 120)
    assert row["baseline_finished"] and not row["baseline_crashed"]
    assert row["baseline_claims"] == sum(1 for c in ds.claims if c.kind == "fact")
    found = {frozenset(ids) for ids in row["baseline_found"]}
    assert found == {frozenset(c.id for c in k.claims) for k in report.contradictions} and found
