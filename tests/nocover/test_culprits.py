"""The culprit ranking (``claims._report.findings.culprits``) against the slow, obvious count.

A source's count of contradictions is made in one pass over the contradictions
(each counted once for every source one of its claims has); the obvious way
asks, for every source, which contradictions hold one of its claims.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import claims
from benchmarks.generate import generate
from claims._report.findings import Report, culprits, source_count, source_label

REPO = Path(__file__).resolve().parents[2]


def _slow_source_counts(report: Report) -> dict[str, int]:
    members: dict[str, set[claims.Claim]] = {}
    for c in report.contradictions:
        for x in c.claims:
            members.setdefault(source_label(x), set()).add(x)
    return {
        name: sum(1 for c in report.contradictions if held.intersection(c.claims)) for name, held in members.items()
    }


def _agrees(report: Report) -> None:
    # the sources counted among one claim of each source object: as among every claim
    assert source_count(report.dataset) == len({c.source for c in report.dataset.claims})
    by_claim, by_source = culprits(report)
    assert {r.name: r.contradictions for r in by_source} == _slow_source_counts(report)
    for r in by_source:  # a source's claims are the claims ranked under it
        assert set(r.claims) == {x for row in by_claim for x in row.claims if source_label(x) == r.name}


def test_the_seeds() -> None:
    report = claims.check(claims.load(REPO / "seeds"), jobs=1, cache=False)
    assert report.contradictions
    _agrees(report)


@settings(max_examples=3, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_generated_datasets(tmp_path_factory: pytest.TempPathFactory, seed: int) -> None:
    d = tmp_path_factory.mktemp("d")
    generate(500, d, seed=seed)
    report = claims.check(claims.load(d / "articles", jobs=1), jobs=1, cache=False)
    assert report.contradictions
    _agrees(report)


def test_equal_sources_of_two_files_count_once(tmp_path: Path) -> None:
    """Two files that declare the same source hold two equal objects: the report's count is by value."""
    (tmp_path / "doc.txt").write_text("Alpha said x is big. Beta said y is small.\n", encoding="utf-8")
    for name, cid in (("a.yaml", "a1"), ("b.yaml", "b1")):
        (tmp_path / name).write_text(
            "document: doc.txt\ndeclarations: |\n  const x: int\nsources:\n"
            "  a: {name: Alpha}\n  b: {name: Beta}\nclaims:\n"
            f"  - {{id: {cid}, source: a, said: 2016-01-01, quote: Alpha said x is big, formula: x > 3}}\n"
            f"  - {{id: {cid}b, source: b, said: 2016-01-01, quote: Beta said y is small, formula: x < 9}}\n",
            encoding="utf-8",
        )
    ds = claims.load(tmp_path / "a.yaml", tmp_path / "b.yaml", cache=None)
    assert len({id(c.source) for c in ds.claims}) == 4  # one object per file and source
    assert source_count(ds) == len({c.source for c in ds.claims}) == 2
