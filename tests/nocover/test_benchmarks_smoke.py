"""The benchmark's generator and oracle, small: the engine finds exactly the planted contradictions."""

from __future__ import annotations

from pathlib import Path

import pytest

import claims
from benchmarks.generate import generate, load_expected
from benchmarks.oracle import Diff, Lit, RuleInstance, bounds, minimal_contradictions
from benchmarks.run import measure


def _found(report: claims.Report) -> dict[frozenset[str], tuple[str, ...]]:
    return {frozenset(c.id for c in k.claims): tuple(sorted(r.id for r in k.rules)) for k in report.contradictions}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engine_finds_exactly_the_planted_contradictions(tmp_path: Path, seed: int) -> None:
    """Real claim files of 200 claims: every planted contradiction is found, with its rules, and nothing else."""
    expected = generate(200, tmp_path, seed=seed)
    assert expected.claims == 200
    assert expected.contradictions, "the generator planted no contradiction"

    report = claims.check(claims.load(tmp_path / "articles"), jobs=1, cache=False)

    assert 200 == len(report.dataset.claims)
    assert report.complete and not report.unknowns
    found = _found(report)
    assert len(found) == len(report.contradictions)  # no contradiction reported twice
    assert expected.claim_sets() == set(found)
    for ids, rule_sets in expected.contradictions:
        assert found[frozenset(ids)] in {tuple(sorted(r)) for r in rule_sets}


def test_generator_is_deterministic(tmp_path: Path) -> None:
    """The same size and seed write the same files, byte for byte."""
    generate(120, tmp_path / "a", seed=5)
    generate(120, tmp_path / "b", seed=5)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    for f in files_a:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    assert load_expected(tmp_path / "a") == load_expected(tmp_path / "b")


def _with_conclusions(root: Path, every: int) -> None:
    """Turn every ``every``-th claim of the generated articles into a conclusion."""
    n = 0
    for f in sorted((root / "articles").glob("*.yaml")):
        lines = f.read_text(encoding="utf-8").splitlines()
        for k, line in enumerate(lines):
            if line.startswith("  - {id:"):
                n += 1
                if n % every == 0:
                    lines[k] = line[:-1] + ", kind: conclusion}"
        f.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _findings(report: claims.Report) -> list[object]:
    return [
        [(k.fingerprint, [r.id for r in k.rules]) for k in report.contradictions],
        [
            (
                v.claim.id,
                v.verdict,
                [c.id for c in v.premises],
                [r.id for r in v.rules],
                [str(s) for s in v.countermodel],
            )
            for v in report.conclusions
        ],
    ]


def test_a_measured_run_is_exact_and_times_each_stage(tmp_path: Path) -> None:
    """``python -m benchmarks.run``'s measurement (its wrappers around the stages check() calls) on 200 claims."""
    generate(200, tmp_path, seed=4)
    row = measure(str(tmp_path), jobs=1)
    assert (200, True, True) == (row["claims"], row["exact"], row["lint"])
    assert row["encode_partition_s"] > 0 and row["solve_s"] > 0 and row["lint_s"] > 0


def test_answers_do_not_depend_on_what_was_solved_before(tmp_path: Path) -> None:
    """Checking a dataset again after another one gives the same findings, explanations included."""
    generate(300, tmp_path / "a", seed=11)
    _with_conclusions(tmp_path / "a", 9)
    generate(300, tmp_path / "b", seed=12)
    _with_conclusions(tmp_path / "b", 7)
    ds_a = claims.load(tmp_path / "a" / "articles")
    first = claims.check(ds_a, jobs=1, cache=False)
    assert first.conclusions
    claims.check(claims.load(tmp_path / "b" / "articles"), jobs=1, cache=False)
    again = claims.check(ds_a, jobs=1, cache=False)
    assert _findings(first) == _findings(again)


def test_oracle_on_a_hand_made_topic() -> None:
    """Intervals clash in pairs, a rule makes a clash of its own, and repeated claims multiply."""
    x = "x"
    claims_: list[tuple[int, tuple[Lit | Diff, ...]]] = [
        (0, bounds(x, 900, 1100)),  # about 1000
        (1, bounds(x, 3000, 6000)),  # between 3000 and 6000
        (2, bounds(x, None, 2000)),  # at most 2000
        (3, bounds(x, 900, 1100)),  # about 1000 again, from another source
        (4, (Lit("w", True),)),  # withdrawn
    ]
    rules = [RuleInstance("withdrawn.no_troops", Lit("w", True), bounds(x, 0, 0))]
    got = {(m.claims, m.rule_sets) for m in minimal_contradictions(claims_, rules)}
    assert {
        ((0, 1), ((),)),
        ((1, 3), ((),)),
        ((1, 2), ((),)),
        ((0, 4), (("withdrawn.no_troops",),)),
        ((3, 4), (("withdrawn.no_troops",),)),
        ((1, 4), (("withdrawn.no_troops",),)),  # x = 0 clashes with 3000..6000, not with "at most 2000"
    } == got
    # a cycle of "before" is one contradiction of all its claims
    cycle = [(0, (Diff("a", "b", -1),)), (1, (Diff("b", "c", -1),)), (2, (Diff("c", "a", -1),))]
    assert [(0, 1, 2)] == [m.claims for m in minimal_contradictions(cycle, [])]


def test_timeline_benchmark_runs_and_its_dataset_is_what_it_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m benchmarks.timeline` prints one row for a small size; its dataset loads with its two rules."""
    import json

    from benchmarks import timeline

    assert timeline.main(["--claims", "12", "--days", "20"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["kind"] == "timeline" and row["claims"] == 12 and row["complete"] is True
    timeline.write(tmp_path, 12, 20, seed=1)
    ds = claims.load(tmp_path)
    assert len(ds.claims) == 12
    assert [r.id for r in ds.rules] == ["persists.withdrawn", "gone"]
