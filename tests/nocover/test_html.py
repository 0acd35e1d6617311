"""The HTML page (``--format html``, ``Report.to_html()``): valid and self-contained.

Its behaviour in a real browser is tested in ``tests/browser/`` (chromium is
not a Python package: those tests skip where it is absent).
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import html5lib
import pytest

import claims

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = str(Path(sys.executable).parent / "claims")
SEED_CONTRADICTIONS = 8
SVG = "{http://www.w3.org/2000/svg}"  # the namespace the HTML parser gives inline SVG


def render_seed(out: Path) -> str:
    """The seed report, written by the real command line."""
    proc = subprocess.run(
        [CLAIMS, "check", "seeds/", "--format", "html", "--output", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (1, "") == (proc.returncode, proc.stderr)
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    render_seed(path)
    return path


def strict_parse(page: str) -> Any:
    """Parse as a browser would, failing on any parse error."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)


# --------------------------------------------------------------------------- the document


def test_seed_page_parses_strictly(seed_page: Path) -> None:
    """The page has no HTML parse error, a doctype and a language, and its sections in order."""
    page = seed_page.read_text(encoding="utf-8")
    tree = strict_parse(page)
    assert page.startswith("<!DOCTYPE html>\n")
    assert "en" == tree.get("lang")
    headings = [int(h.tag[1]) for h in tree.iter() if isinstance(h.tag, str) and re.fullmatch(r"h[1-6]", h.tag)]
    assert 1 == headings[0]
    assert 1 == headings.count(1)
    # no heading skips a level on the way down
    assert all(b <= a + 1 for a, b in itertools.pairwise(headings))
    for landmark in ("header", "nav", "main", "footer"):
        assert tree.find(f".//{landmark}") is not None, landmark


def test_seed_page_needs_nothing_from_outside(seed_page: Path) -> None:
    """No external URL of any kind: every link is a fragment, nothing is loaded from elsewhere."""
    page = seed_page.read_text(encoding="utf-8")
    assert [] == re.findall(r"(?:src|href)\s*=\s*[\"']?\s*(?:https?:|//)", page, re.I)
    assert [] == re.findall(r"url\(\s*[\"']?\s*(?:https?:|//)", page, re.I)
    assert [] == re.findall(r"https?://", page)
    tree = strict_parse(page)
    assert [] == [e.tag for e in tree.iter() if e.tag in ("link", "script", "iframe", "img", "object")]
    hrefs = [e.get("href") for e in tree.iter() if e.get("href") is not None]
    assert hrefs
    assert [] == [h for h in hrefs if not h.startswith("#")]
    ids = [e.get("id") for e in tree.iter() if e.get("id")]
    assert sorted(set(ids)) == sorted(ids)
    assert set() == {h[1:] for h in hrefs} - set(ids)  # and every fragment has its target


def test_seed_page_has_the_findings(seed_page: Path) -> None:
    """One card per contradiction and conclusion, a graph lane for each, every quote marked and linked."""
    tree = strict_parse(seed_page.read_text(encoding="utf-8"))
    cards = [e.get("id") for e in tree.iter("article") if (e.get("id") or "").startswith("contradiction-")]
    assert [f"contradiction-{k}" for k in range(1, SEED_CONTRADICTIONS + 1)] == cards
    assert ["conclusion-1", "conclusion-2"] == [
        e.get("id") for e in tree.iter("article") if (e.get("id") or "").startswith("conclusion-")
    ]
    lanes = [a.get("href") for a in tree.find(f".//{SVG}svg").iter(f"{SVG}a") if "lane" in (a.get("class") or "")]
    assert [f"#contradiction-{k}" for k in range(1, 9)] + ["#conclusion-1", "#conclusion-2"] == lanes
    ds = claims.load(str(ROOT / "seeds"))
    passages = {m.get("id") for m in tree.iter("mark") if m.get("id")}
    assert len(ds.claims) == len(passages)
    table = tree.find(".//table[@class='scenario']")
    assert table is not None
    assert ["symbol", "value"] == [th.text for th in table.iter("th")][:2]


def test_cli_and_library_give_the_same_bytes(seed_page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`claims check --format html` and `Report.to_html()` agree, byte for byte, on every run."""
    monkeypatch.chdir(ROOT)  # paths in the page are as the user wrote them
    page = claims.check(claims.load("seeds/")).to_html()
    assert seed_page.read_text(encoding="utf-8") == page
    assert page == claims.check(claims.load("seeds/")).to_html()


def test_data_is_escaped() -> None:
    """Markup in ids, quotes, names and documents is shown as text, never interpreted."""
    doc = 'Alpha <b>says</b> x is big & "bold". Beta says <script>alert(1)</script> x is small.'
    ds = claims.dataset(
        [("a<i>", "x > 5", 'x is big & "bold"'), ("b", "x < 3", "<script>alert(1)</script> x is small")],
        rules="const x: int",
        document=doc,
        source='Eve "<img src=x onerror=alert(1)>"',
    )
    page = claims.check(ds).to_html()
    tree = strict_parse(page)
    assert [] == [e.tag for e in tree.iter() if e.tag in ("b", "i", "script", "img")]
    assert "<script>alert(1)</script>" in "".join(tree.itertext())


def test_overlapping_quotes_stay_well_nested() -> None:
    """Quotes that cross are split into pieces: each passage keeps one id and one link to its claim."""
    doc = "Beta says x is small. Gamma: it is big and small at once."
    ds = claims.dataset(
        [("b", "x < 3", "Beta says x is small. Gamma"), ("c", "x > 4", "says x is small. Gamma: it is big")],
        rules="const x: int",
        document=doc,
    )
    tree = strict_parse(claims.check(ds).to_html())
    text = tree.find(".//div[@class='doc-text']")
    assert doc == "".join(t for t in text.itertext() if t not in {"1", "2"})
    assert ["passage-b", "passage-c"] == [m.get("id") for m in text.iter("mark") if m.get("id")]
    assert ["#claim-b", "#claim-c"] == [a.get("href") for a in text.iter("a")]


def test_anchors_are_unique() -> None:
    """Claim ids that differ only in characters an anchor cannot hold still get distinct anchors."""
    ds = claims.dataset([("x", "x > 5", "q1"), ("x-h", "x < 3", "q2"), ("x h", "x < 2", "q3")], rules="const x: int")
    tree = strict_parse(claims.check(ds).to_html())
    ids = [e.get("id") for e in tree.iter() if e.get("id")]
    assert sorted(set(ids)) == sorted(ids)
    hrefs = {e.get("href")[1:] for e in tree.iter() if e.get("href")}
    assert set() == hrefs - set(ids)


def test_nothing_found_still_makes_a_page() -> None:
    """A consistent dataset without documents gives a valid page that says so."""
    ds = claims.dataset([("a", "x > 5", "x is over five")], rules="const x: int")
    page = claims.check(ds).to_html()
    strict_parse(page)
    assert "nothing found" in page
    assert "Nothing to draw" in page


def test_a_quote_found_in_two_documents_is_marked_in_its_own(tmp_path: Path) -> None:
    """The page marks a quote in the document its claim file names, not the first one that holds it."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "x.rules").write_text("const x: int\nconst y: int\n", encoding="utf-8")
    for name, formula in (("a", "x > 5"), ("b", "y > 5")):
        (tmp_path / f"{name}.txt").write_text(f"Report {name}. The troops stayed. End of {name}.\n", encoding="utf-8")
        (tmp_path / f"{name}.yaml").write_text(
            f"document: {name}.txt\nrules: [x]\nsources:\n  s{name}: {{name: Source {name}}}\n"
            f"claims:\n  - {{id: {name}1, source: s{name}, said: 2016-03-15, quote: The troops stayed, "
            f"formula: '{formula}'}}\n",
            encoding="utf-8",
        )
    tree = strict_parse(claims.check(claims.load(tmp_path), cache=False).to_html())
    marked = {}
    for article in tree.iter("article"):
        if "document" in (article.get("class") or "").split():
            title = "".join(article.find("h3").itertext())
            marked[title.split(".txt")[0][-1]] = [m.get("id") for m in article.iter("mark") if m.get("id")]
    assert {"a": ["passage-a1"], "b": ["passage-b1"]} == marked


@pytest.mark.parametrize("n", [3, 7])
def test_vacuous_conclusion_summarises_many_contradictions(n: int) -> None:
    """A few contradictions are listed; many get a summary (the claims in most) and a folded list of all."""
    from claims._report.html import VACUOUS_LISTED

    clashing = [(f"low{k}", f"x < {k}", f"x is under {k}") for k in range(n)]
    ds = claims.dataset(
        [("high", "x > 100", "x is over 100"), *clashing, ("c", "x > 0", "x is positive", "conclusion")],
        rules="const x: int",
    )
    report = claims.check(ds)
    (verdict,) = report.conclusions
    assert ("vacuous", n) == (verdict.verdict, len(verdict.contradictions))
    tree = strict_parse(report.to_html())
    card = tree.find(".//article[@id='conclusion-1']")
    listed = [li for ul in card.iter("ul") for li in ul.iter("li")]
    assert n == len(listed)  # every contradiction is there, folded or not
    folded = card.find(".//details")
    if n <= VACUOUS_LISTED:
        assert folded is None
    else:
        assert folded is not None and f"All {n} contradictions" == folded.find("summary").text
        summary = "".join(card.find(".//details/..").itertext())
        assert f"in {n} contradictions among {n + 1} claims" in summary
        assert f"high (in {n})" in summary  # the claim in every one of them comes first


def test_repairs_readings_and_culprits_are_on_the_page() -> None:
    """The page shows what the report holds: a card per conflict with its fixes, the readings of a
    vacuous conclusion, and the culprit rankings, in the report's order."""
    from claims._report.findings import culprits

    ds = claims.dataset(
        [
            ("high", "x > 100", "x is over 100"),
            *[(f"low{k}", f"x < {k}", f"x is under {k}") for k in range(3)],
            ("c", "x > 50", "x is big", "conclusion"),
        ],
        rules="const x: int",
    )
    report = claims.check(ds)
    tree = strict_parse(report.to_html())
    cards = [e for e in tree.iter("article") if (e.get("id") or "").startswith("conflict-")]
    assert [f"conflict-{k}" for k in range(1, len(report.conflicts) + 1)] == [e.get("id") for e in cards]
    for card, conflict in zip(cards, report.conflicts, strict=True):
        fixes = [["".join(a.itertext()).split(None, 1)[1] for a in li.iter("a")] for li in card.iter("li")]
        assert [[c.id for c in r] for r in conflict.repairs] == fixes
    (verdict,) = report.conclusions
    table = tree.find(".//article[@id='conclusion-1']//table[@class='readings']")
    assert table is not None
    rows = [
        (tr.find("th").text, "".join(tr.find("td").find("span").itertext())) for tr in table.find("tbody").iter("tr")
    ]
    assert [(r.semantics, r.verdict) for r in verdict.readings] == rows
    by_claim, by_source = culprits(report)
    tables = tree.findall(".//table[@class='culprits']")
    shown = [
        ["".join(tr.find("td").itertext()).split(None, 1)[-1] for tr in t.find("tbody").iter("tr")] for t in tables
    ]
    assert [[r.name for r in by_claim[:5]], [r.name for r in by_source[:5]]] == shown
