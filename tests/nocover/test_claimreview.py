"""``claims check --format claimreview`` (issue 22, item 4): schema.org ClaimReview JSON-LD, property by property.

The properties are those fact-check publishers fill in for ClaimReview markup
(``claimReviewed``, ``itemReviewed`` as a ``Claim`` with its ``author``,
``datePublished`` and ``appearance``, ``author``, ``datePublished``,
``reviewRating`` with ``ratingValue`` in ``worstRating..bestRating`` and an
``alternateName``). The expected reviews are derived from the library's own
report of the same dataset, not written here.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import claims

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = str(Path(sys.executable).parent / "claims")


def _reviews() -> list[dict[str, Any]]:
    proc = subprocess.run(
        [CLAIMS, "check", "seeds/", "--format", "claimreview"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert (1, "") == (proc.returncode, proc.stderr)
    out: list[dict[str, Any]] = json.loads(proc.stdout)
    return out


def test_every_review_has_the_publishers_properties() -> None:
    for r in _reviews():
        assert ("https://schema.org", "ClaimReview") == (r["@context"], r["@type"])
        assert isinstance(r["claimReviewed"], str) and r["claimReviewed"]
        datetime.date.fromisoformat(r["datePublished"])
        assert r["author"]["@type"] == "Organization" and r["author"]["name"]
        item = r["itemReviewed"]
        assert "Claim" == item["@type"]
        assert item["author"]["@type"] in ("Person", "Organization") and item["author"]["name"]
        datetime.date.fromisoformat(item["datePublished"])
        assert all(w["@type"] == "CreativeWork" and w["name"] for w in item["appearance"])
        rating = r["reviewRating"]
        assert "Rating" == rating["@type"]
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert rating["alternateName"] and rating["ratingExplanation"]


def test_one_review_per_conclusion_and_per_contradicted_claim_as_the_report_says() -> None:
    """Conclusions first, in the report's order, then each claim of a contradiction once, with what it clashes with."""
    report = claims.check(claims.load(str(ROOT / "seeds")))
    reviews = _reviews()
    in_contradictions = [c for c in report.dataset.claims if any(c in con.claims for con in report.contradictions)]
    expected = [v.claim for v in report.conclusions] + in_contradictions
    assert [c.quote for c in expected] == [r["claimReviewed"] for r in reviews]
    words = {"refuted": "Refuted", "unsupported": "Unsupported", "supported": "Supported"}
    for v, r in zip(report.conclusions, reviews, strict=False):
        assert words[v.verdict] == r["reviewRating"]["alternateName"]
        assert all(p.quote in r["reviewRating"]["ratingExplanation"] for p in v.premises)
        assert v.claim.said.isoformat() == r["itemReviewed"]["datePublished"]
        assert v.claim.source.name == r["itemReviewed"]["author"]["name"]
    for c, r in zip(in_contradictions, reviews[len(report.conclusions) :], strict=True):
        assert ("Contradicted", 2) == (r["reviewRating"]["alternateName"], r["reviewRating"]["ratingValue"])
        others = {x for con in report.contradictions if c in con.claims for x in con.claims if x != c}
        assert all(x.quote in r["reviewRating"]["ratingExplanation"] for x in others)
    day = max(c.said for c in report.dataset.claims).isoformat()
    assert {day} == {r["datePublished"] for r in reviews}
