"""The HTML page in a real browser: links, scrolling, a narrow window and print.

These tests drive Debian's chromium headless through selenium, with the
system chromedriver (never a downloaded browser). Without them the module
is skipped, with the reason; under ``CLAIMS_REQUIRE_EXTRAS=1`` (set by
``.ci/run``, which installs them) that skip is a failure. The page's own
checks (strict HTML, no external resource, escaping) are in
``tests/nocover/test_html.py``.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
_missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).is_file()]
if _missing:
    pytest.skip(
        f"no browser: {', '.join(_missing)} missing (apt-get install chromium chromium-driver)", allow_module_level=True
    )
pytest.importorskip("selenium", reason="selenium is not installed: pip install '.[test]'")

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = str(Path(sys.executable).parent / "claims")
SEED_CONTRADICTIONS = 8  # as the README says, and tests/nocover/test_html.py checks


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed report as an HTML page, written by the real command line."""
    path = tmp_path_factory.mktemp("html") / "report.html"
    proc = subprocess.run(
        [CLAIMS, "check", "seeds/", "--format", "html", "--output", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (1, "") == (proc.returncode, proc.stderr)
    return path


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless chromium, as root, with a fresh profile and no network features."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    # an explicit driver path: selenium never looks for (or downloads) a driver or a browser
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: Any, condition: str, *args: Any, timeout: float = 10) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: d.execute_script(condition, *args))


def _settled(driver: Any) -> None:
    """Wait until smooth scrolling has stopped."""
    _wait(
        driver,
        """const y = window.scrollY;
        return new Promise(r => setTimeout(() => r(window.scrollY === y), 150));""",
    )


def test_graph_lane_opens_its_card(browser: Any, seed_page: Path, tmp_path: Path) -> None:
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
        "const r = arguments[0].getBoundingClientRect(); return [r.top, r.bottom]", card
    )
    assert 0 <= top < 120  # below the sticky contents bar, at the top of the window
    assert bottom > top
    assert "Viktor Ozerov" in card.text
    assert "withdrawal.full-leaves-no-personnel" in card.text
    browser.save_screenshot(str(tmp_path / "contradiction-5.png"))
    print(f"screenshots in {tmp_path}")


def test_quote_and_claim_link_both_ways(browser: Any, seed_page: Path, tmp_path: Path) -> None:
    """A claim card's 'quote in context' shows the marked passage; the passage's number opens the claim."""
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 1000)
    browser.get(seed_page.as_uri() + "#claim-ozerov-s400-kept")
    _settled(browser)
    claim = browser.find_element(By.ID, "claim-ozerov-s400-kept")
    claim.find_element(By.LINK_TEXT, "quote in context").click()
    mark = browser.find_element(By.ID, "passage-ozerov-s400-kept")
    _wait(browser, "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight", mark)
    assert "Russia will keep its long-range S-400 air defense missiles" == mark.text
    browser.save_screenshot(str(tmp_path / "passage.png"))
    ref = mark.find_element(By.XPATH, "following-sibling::a[1]")
    assert "#claim-ozerov-s400-kept" == ref.get_attribute("hash")
    ref.click()
    _wait(browser, "const t = arguments[0].getBoundingClientRect().top; return t >= 0 && t < 120", claim)


def test_narrow_window_and_print(browser: Any, seed_page: Path, tmp_path: Path) -> None:
    """In a phone-sized window nothing but the graph scrolls sideways; printing hides the navigation."""
    from selenium.webdriver.common.by import By

    browser.set_window_size(420, 900)
    browser.get(seed_page.as_uri())
    inner = browser.execute_script("return document.documentElement.clientWidth")
    assert inner <= 520
    assert browser.execute_script("return document.documentElement.scrollWidth") <= inner
    pair = browser.find_element(By.CSS_SELECTOR, "#contradiction-3 .pair")
    assert 1 == len(browser.execute_script("return getComputedStyle(arguments[0]).gridTemplateColumns", pair).split())
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


# Directory names with no hyphen or space: nothing in them lets a browser break the line
LONG_DIRS = ("newsroom_shared_drive_fact_checking_team_2016", "deepwater_horizon_oil_spill_congressional_press_release")


@pytest.fixture(scope="module")
def long_path_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed report with the dataset under long absolute paths, as a user's shared drive gives them."""
    base = tmp_path_factory.mktemp("long")
    data = base.joinpath(*LONG_DIRS)
    shutil.copytree(ROOT / "seeds", data / "seeds")
    shutil.copytree(ROOT / "rules", data / "rules")
    path = base / "report.html"
    proc = subprocess.run(  # run from elsewhere, so that every file is named by its absolute path
        [CLAIMS, "check", str(data / "seeds"), "--format", "html", "--output", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (1, "") == (proc.returncode, proc.stderr)
    assert f"{data}/seeds/" in path.read_text(encoding="utf-8")
    return path


@pytest.mark.parametrize("width", [420, 1280])
def test_long_absolute_paths_do_not_widen_the_page(
    browser: Any, long_path_page: Path, tmp_path: Path, width: int
) -> None:
    """Absolute file paths wrap inside their cards: the page never scrolls sideways (only the graph may)."""
    browser.set_window_size(width, 900)
    browser.get(long_path_page.as_uri())
    inner = browser.execute_script("return document.documentElement.clientWidth")
    outside = browser.execute_script(
        """const w = document.documentElement.clientWidth, out = [];
        for (const e of document.querySelectorAll('body *')) {
          if (e.closest('.graph-scroll, .table-scroll, .sr')) continue;
          const r = e.getBoundingClientRect();
          if (r.width > 0 && r.right > w + 0.5) out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right));
        }
        return out;"""
    )
    browser.save_screenshot(str(tmp_path / f"long-{width}.png"))
    assert [] == outside
    assert browser.execute_script("return document.documentElement.scrollWidth") <= inner
    locs = browser.execute_script("return [...document.querySelectorAll('.card .loc')].map(e => e.textContent)")
    assert locs and all(loc.startswith(str(long_path_page.parent)) for loc in locs)
