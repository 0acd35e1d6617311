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
from claims._report.findings import Report, culprits, source_label

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
