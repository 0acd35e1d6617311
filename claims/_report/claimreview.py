"""Stage *report*, schema.org ``ClaimReview`` JSON-LD (``--format claimreview``): verdicts as fact-checkers publish.

One ``ClaimReview`` per judged conclusion and per claim found in a
contradiction, in the report's order (conclusions first, then the claims of
the contradictions in the dataset's order), as one JSON-LD array:

* ``claimReviewed``: the claim's quote;
* ``itemReviewed``: the ``Claim``, with its ``author`` (the source: a
  ``Person`` with the role as ``jobTitle``, or an ``Organization`` when the
  source speaks for its outlet), ``datePublished`` (the day it was said) and
  ``appearance`` (the document it is quoted from, with the outlet as publisher);
* ``reviewRating``: a ``Rating`` from 1 (refuted) to 5 (supported) whose
  ``alternateName`` says the verdict in words and whose ``ratingExplanation``
  names the minimal premises, or the claims it contradicts, with their sources;
* ``author``: the reviewer, this tool (a publisher replaces it with itself);
* ``datePublished``: the latest day a claim of the dataset was said, so the
  same dataset gives the same bytes (no clock is read).

The ratings, on schema.org's scale (``worstRating`` 1, ``bestRating`` 5):
refuted 1, contradicted 2, unsupported and vacuous and undecided 3, supported 5.
"""

from __future__ import annotations

import json
from typing import Any

from claims._base.version import __version__
from claims._front.model import Claim, Source
from claims._report.findings import FORMATS, Report, Verdict, View

_RATING = {
    "supported": (5, "Supported", "the other claims entail it"),
    "refuted": (1, "Refuted", "the other claims entail that it is false"),
    "unsupported": (3, "Unsupported", "the other claims do not establish it"),
    "vacuous": (3, "Undecided", "the claims it rests on contradict each other"),
    "unknown": (3, "Undecided", "the solver could not decide it"),
}
CONTRADICTED = (2, "Contradicted", "it cannot be true together with other claims")


def _author(s: Source) -> dict[str, Any]:
    if s.via is not None and s.via == s.name:  # an outlet speaking for itself
        return {"@type": "Organization", "name": s.name}
    out: dict[str, Any] = {"@type": "Person", "name": s.name}
    if s.role:
        out["jobTitle"] = s.role
    return out


def _item(c: Claim, report: Report) -> dict[str, Any]:
    item: dict[str, Any] = {"@type": "Claim", "author": _author(c.source), "datePublished": c.said.isoformat()}
    doc = c.source.document
    if doc is None and report.dataset._context is not None and c.span is not None:
        doc = next((f.document for f in report.dataset._context.files if f.path == c.span.path), None)
    if doc is not None:
        work: dict[str, Any] = {"@type": "CreativeWork", "name": doc}
        if c.source.via:
            work["publisher"] = {"@type": "Organization", "name": c.source.via}
        item["appearance"] = [work]
    return item


def _said(c: Claim) -> str:
    return f"{c.source.name}: \u201c{c.quote}\u201d"


def _explain_verdict(v: Verdict) -> str:
    _, _, why = _RATING[v.verdict]
    if v.verdict in ("supported", "refuted") and v.premises:
        return f"{why}: " + "; ".join(_said(p) for p in v.premises)
    if v.verdict == "unsupported" and v.countermodel:
        return f"{why}: they all hold where " + ", ".join(str(s) for s in v.countermodel)
    if v.verdict == "vacuous":
        return f"{why} ({len(v.contradictions)} contradictions)"
    if v.verdict == "unknown" and v.reason:
        return f"{why}: {v.reason}"
    return why


def _review(claim: Claim, rating: tuple[int, str, str], explanation: str, report: Report, day: str) -> dict[str, Any]:
    value, words, _ = rating
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": claim.quote,
        "itemReviewed": _item(claim, report),
        "author": {"@type": "Organization", "name": f"claims {__version__}"},
        "datePublished": day,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": words,
            "ratingExplanation": explanation,
        },
    }


def claim_reviews(report: Report) -> list[dict[str, Any]]:
    """The ``ClaimReview`` objects of ``report`` (see the module docstring)."""
    claims = report.dataset.claims
    day = max((c.said for c in claims), default=None)
    shown = day.isoformat() if day is not None else ""
    out = [_review(v.claim, _RATING[v.verdict], _explain_verdict(v), report, shown) for v in report.conclusions]
    against: dict[str, list[Claim]] = {}
    for con in report.contradictions:
        for c in con.claims:
            others = against.setdefault(c.id, [])
            others.extend(x for x in con.claims if x.id != c.id and x not in others)
    for c in claims:
        if c.id in against:
            why = f"{CONTRADICTED[2]}: " + "; ".join(_said(x) for x in against[c.id])
            out.append(_review(c, CONTRADICTED, why, report, shown))
    return out


@FORMATS.register("claimreview", machine=True)
def _claimreview(report: Report, view: View) -> str:
    return json.dumps(claim_reviews(report), indent=2, ensure_ascii=False) + "\n"
