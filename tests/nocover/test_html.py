"""The HTML page (``--format html``, ``Report.to_html()``): valid, self-contained, and usable in a browser.

The browser tests drive Debian's chromium headless through selenium, with the
system chromedriver (never a downloaded browser). They are skipped when either
is missing, unless ``CLAIMS_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes
that an error.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import html5lib
import pytest

import claims

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = str(Path(sys.executable).parent / "claims")
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SEED_CONTRADICTIONS = 8
SVG = "{http://www.w3.org/2000/svg}"  # the namespace the HTML parser gives inline SVG


def render_seed(out: Path) -> str:
    """The seed report, written by the real command line."""
    proc = subprocess.run([CLAIMS, "check", "seeds/", "--format", "html", "--output", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
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


def test_seed_page_parses_strictly(seed_page):
    """The page has no HTML parse error, a doctype and a language, and its sections in order."""
    page = seed_page.read_text(encoding="utf-8")
    tree = strict_parse(page)
    assert page.startswith("<!DOCTYPE html>\n")
    assert "en" == tree.get("lang")
    headings = [int(h.tag[1]) for h in tree.iter() if isinstance(h.tag, str) and re.fullmatch(r"h[1-6]", h.tag)]
    assert 1 == headings[0]
    assert 1 == headings.count(1)
    # no heading skips a level on the way down
    assert all(b <= a + 1 for a, b in zip(headings, headings[1:]))
    for landmark in ("header", "nav", "main", "footer"):
        assert tree.find(f".//{landmark}") is not None, landmark


def test_seed_page_needs_nothing_from_outside(seed_page):
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


def test_seed_page_has_the_findings(seed_page):
    """One card per contradiction and conclusion, a graph lane for each, every quote marked and linked."""
    tree = strict_parse(seed_page.read_text(encoding="utf-8"))
    cards = [e.get("id") for e in tree.iter("article") if (e.get("id") or "").startswith("contradiction-")]
    assert [f"contradiction-{k}" for k in range(1, SEED_CONTRADICTIONS + 1)] == cards
    assert ["conclusion-1", "conclusion-2"] == [e.get("id") for e in tree.iter("article")
                                                if (e.get("id") or "").startswith("conclusion-")]
    lanes = [a.get("href") for a in tree.find(f".//{SVG}svg").iter(f"{SVG}a") if "lane" in (a.get("class") or "")]
    assert [f"#contradiction-{k}" for k in range(1, 9)] + ["#conclusion-1", "#conclusion-2"] == lanes
    ds = claims.load(str(ROOT / "seeds"))
    passages = {m.get("id") for m in tree.iter("mark") if m.get("id")}
    assert len(ds.claims) == len(passages)
    table = tree.find(".//table[@class='scenario']")
    assert table is not None
    assert ["symbol", "value"] == [th.text for th in table.iter("th")][:2]


def test_cli_and_library_give_the_same_bytes(seed_page, monkeypatch):
    """`claims check --format html` and `Report.to_html()` agree, byte for byte, on every run."""
    monkeypatch.chdir(ROOT)  # paths in the page are as the user wrote them
    page = claims.check(claims.load("seeds/")).to_html()
    assert seed_page.read_text(encoding="utf-8") == page
    assert page == claims.check(claims.load("seeds/")).to_html()


def test_data_is_escaped():
    """Markup in ids, quotes, names and documents is shown as text, never interpreted."""
    doc = 'Alpha <b>says</b> x is big & "bold". Beta says <script>alert(1)</script> x is small.'
    ds = claims.dataset(
        [("a<i>", "x > 5", 'x is big & "bold"'), ("b", "x < 3", "<script>alert(1)</script> x is small")],
        rules="const x: int", document=doc, source='Eve "<img src=x onerror=alert(1)>"')
    page = claims.check(ds).to_html()
    tree = strict_parse(page)
    assert [] == [e.tag for e in tree.iter() if e.tag in ("b", "i", "script", "img")]
    assert "<script>alert(1)</script>" in "".join(tree.itertext())


def test_overlapping_quotes_stay_well_nested():
    """Quotes that cross are split into pieces: each passage keeps one id and one link to its claim."""
    doc = "Beta says x is small. Gamma: it is big and small at once."
    ds = claims.dataset([("b", "x < 3", "Beta says x is small. Gamma"),
                         ("c", "x > 4", "says x is small. Gamma: it is big")],
                        rules="const x: int", document=doc)
    tree = strict_parse(claims.check(ds).to_html())
    text = tree.find(".//div[@class='doc-text']")
    assert doc == "".join(t for t in text.itertext() if t not in {"1", "2"})
    assert ["passage-b", "passage-c"] == [m.get("id") for m in text.iter("mark") if m.get("id")]
    assert ["#claim-b", "#claim-c"] == [a.get("href") for a in text.iter("a")]


def test_anchors_are_unique():
    """Claim ids that differ only in characters an anchor cannot hold still get distinct anchors."""
    ds = claims.dataset([("x", "x > 5", "q1"), ("x-h", "x < 3", "q2"), ("x h", "x < 2", "q3")],
                        rules="const x: int")
    tree = strict_parse(claims.check(ds).to_html())
    ids = [e.get("id") for e in tree.iter() if e.get("id")]
    assert sorted(set(ids)) == sorted(ids)
    hrefs = {e.get("href")[1:] for e in tree.iter() if e.get("href")}
    assert set() == hrefs - set(ids)


def test_nothing_found_still_makes_a_page():
    """A consistent dataset without documents gives a valid page that says so."""
    ds = claims.dataset([("a", "x > 5", "x is over five")], rules="const x: int")
    page = claims.check(ds).to_html()
    strict_parse(page)
    assert "nothing found" in page
    assert "Nothing to draw" in page


# --------------------------------------------------------------------------- in a browser


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless chromium, as root, with a fresh profile and no network features."""
    required = os.environ.get("CLAIMS_REQUIRE_BROWSER") == "1"
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).is_file()]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("selenium")
    if missing:
        if required:
            pytest.fail(f"CLAIMS_REQUIRE_BROWSER=1 but {', '.join(missing)} missing")
        pytest.skip(f"no browser: {', '.join(missing)} missing")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--hide-scrollbars", "--window-size=1280,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    # an explicit driver path: selenium never looks for (or downloads) a driver or a browser
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: Any, condition: str, *args: Any, timeout: float = 10) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(
        lambda d: d.execute_script(condition, *args))


def _settled(driver: Any) -> None:
    """Wait until smooth scrolling has stopped."""
    _wait(driver, """const y = window.scrollY;
        return new Promise(r => setTimeout(() => r(window.scrollY === y), 150));""")


def test_graph_lane_opens_its_card(browser, seed_page, tmp_path):
    """The page shows the cards and marked quotes; clicking a graph lane scrolls to its contradiction."""
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 1000)
    browser.get(seed_page.as_uri())
    browser.save_screenshot(str(tmp_path / "top.png"))
    cards = browser.find_elements(By.CSS_SELECTOR, "article.card.clash")
    assert SEED_CONTRADICTIONS == len(cards)
    marks = browser.find_elements(By.CSS_SELECTOR, ".doc-text mark.q")
    assert len(marks) >= 28
    assert "part of a partial withdrawal ordered by President Vladimir Putin" in [m.text for m in marks]
    assert 0 == browser.execute_script("return window.scrollY")

    lane = browser.find_element(By.CSS_SELECTOR, 'svg a.lane[href="#contradiction-5"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", lane)
    before = browser.execute_script("return window.scrollY")
    lane.click()
    card = browser.find_element(By.ID, "contradiction-5")
    _wait(browser, "const t = arguments[0].getBoundingClientRect().top; return t >= 0 && t < 120", card)
    _settled(browser)
    assert "#contradiction-5" == browser.execute_script("return location.hash")
    assert browser.execute_script("return window.scrollY") > before
    top, bottom = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom]", card)
    assert 0 <= top < 120  # below the sticky contents bar, at the top of the window
    assert bottom > top
    assert "Viktor Ozerov" in card.text
    assert "withdrawal.full-leaves-no-personnel" in card.text
    browser.save_screenshot(str(tmp_path / "contradiction-5.png"))
    print(f"screenshots in {tmp_path}")


def test_quote_and_claim_link_both_ways(browser, seed_page, tmp_path):
    """A claim card's 'quote in context' shows the marked passage; the passage's number opens the claim."""
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 1000)
    browser.get(seed_page.as_uri() + "#claim-ozerov-s400-kept")
    _settled(browser)
    claim = browser.find_element(By.ID, "claim-ozerov-s400-kept")
    claim.find_element(By.LINK_TEXT, "quote in context").click()
    mark = browser.find_element(By.ID, "passage-ozerov-s400-kept")
    _wait(browser, "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight",
          mark)
    assert "Russia will keep its long-range S-400 air defense missiles" == mark.text
    browser.save_screenshot(str(tmp_path / "passage.png"))
    ref = mark.find_element(By.XPATH, "following-sibling::a[1]")
    assert "#claim-ozerov-s400-kept" == ref.get_attribute("hash")
    ref.click()
    _wait(browser, "const t = arguments[0].getBoundingClientRect().top; return t >= 0 && t < 120", claim)


def test_narrow_window_and_print(browser, seed_page, tmp_path):
    """In a phone-sized window nothing but the graph scrolls sideways; printing hides the navigation."""
    from selenium.webdriver.common.by import By

    browser.set_window_size(420, 900)
    browser.get(seed_page.as_uri())
    inner = browser.execute_script("return document.documentElement.clientWidth")
    assert inner <= 520
    assert browser.execute_script("return document.documentElement.scrollWidth") <= inner
    pair = browser.find_element(By.CSS_SELECTOR, "#contradiction-3 .pair")
    assert 1 == len(browser.execute_script("return getComputedStyle(arguments[0]).gridTemplateColumns",
                                           pair).split())
    browser.save_screenshot(str(tmp_path / "narrow.png"))
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        nav = browser.find_element(By.CSS_SELECTOR, "nav.toc")
        assert "none" == browser.execute_script("return getComputedStyle(arguments[0]).display", nav)
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(browser.print_page())
    assert pdf.startswith(b"%PDF")
    (tmp_path / "report.pdf").write_bytes(pdf)
