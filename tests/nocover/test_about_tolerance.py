"""``about_tolerance`` is a claim file's own: it widens that file's ``about N`` and no other's.

Issue 16, item 3: the smallest tolerance any file set used to apply to every
file's claims and to the rules, so a file with ``about_tolerance: 0.3`` made
another file's ``x is about 100`` agree with ``x = 125``. Rules use the default
(±10%). The per-file cache keys a file by its own tolerance only.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import claims

CLAIMS = str(Path(sys.executable).parent / "claims")

DOCUMENT = "Alpha says x is about 100. Alpha also says x is 125. Beta says y is about 7.\n"


def _file(name: str, body: str, *, tolerance: float | None = None, declarations: str = "const x: int") -> str:
    tol = f"about_tolerance: {tolerance}\n" if tolerance is not None else ""
    return f"""\
document: article.txt
{tol}declarations: |
  {declarations}
sources:
  s{name}: {{name: Speaker {name}}}
claims:
{body}"""


def _claim(cid: str, source: str, quote: str, formula: str) -> str:
    return f'  - {{id: {cid}, source: {source}, said: 2016-03-14, quote: "{quote}", formula: "{formula}"}}\n'


def _write(root: Path, *, a_tolerance: float | None = 0.3, b_tolerance: float | None = None) -> Path:
    """File a (a tolerance of its own, an unrelated claim) and file b (x about 100, x = 125)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "article.txt").write_text(DOCUMENT, encoding="utf-8")
    (root / "a.yaml").write_text(
        _file(
            "a",
            _claim("y-about-7", "sa", "y is about 7", "y is about 7"),
            tolerance=a_tolerance,
            declarations="const y: int",
        ),
        encoding="utf-8",
    )
    (root / "b.yaml").write_text(
        _file(
            "b",
            _claim("x-about-100", "sb", "x is about 100", "x is about 100")
            + _claim("x-is-125", "sb", "x is 125", "x = 125"),
            tolerance=b_tolerance,
        ),
        encoding="utf-8",
    )
    return root


def _contradictions(root: Path, *args: str) -> tuple[int, list[list[str]]]:
    result = subprocess.run(
        [CLAIMS, "check", "--format", "json", "--no-cache", *args, str(root)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    found = [f for f in json.loads(result.stdout)["findings"] if f["kind"] == "contradiction"]
    return result.returncode, [sorted(c["id"] for c in k["claims"]) for k in found]


def test_another_files_tolerance_does_not_widen_about(tmp_path: Path) -> None:
    """File a's 0.3 leaves file b's 'x is about 100' at ±10%: it clashes with 'x = 125' (exit 1)."""
    assert (1, [["x-about-100", "x-is-125"]]) == _contradictions(_write(tmp_path / "ds"))


def test_a_files_own_tolerance_widens_its_own_claims(tmp_path: Path) -> None:
    """With 'about_tolerance: 0.3' in file b itself, 100 ± 30 allows 125: nothing is found (exit 0)."""
    assert (0, []) == _contradictions(_write(tmp_path / "ds", a_tolerance=None, b_tolerance=0.3))


def test_rules_use_the_default_tolerance(tmp_path: Path) -> None:
    """A rule's 'about' allows ±10% whatever the claim files set: 'x = 125' breaks 'x is about 100'."""
    root = tmp_path / "ds"
    (root / "rules").mkdir(parents=True)
    (root / "rules" / "near.rules").write_text(
        'const x: int\nrule near.hundred: "x is near a hundred"\n  x is about 100\n', encoding="utf-8"
    )
    (root / "article.txt").write_text(DOCUMENT, encoding="utf-8")
    (root / "c.yaml").write_text(
        "document: article.txt\nrules: [near]\nabout_tolerance: 0.3\nsources:\n  s: {name: S}\nclaims:\n"
        + _claim("x-is-125", "s", "x is 125", "x = 125"),
        encoding="utf-8",
    )
    ds = claims.load(root)
    report = claims.check(ds, cache=False)
    assert [(["x-is-125"], ["near.hundred"])] == [
        ([c.id for c in k.claims], [r.id for r in k.rules]) for k in report.contradictions
    ]
    assert ds.about_tolerance == claims.load(root).about_tolerance == Fraction(1, 10)


def test_a_tolerance_edit_resolves_only_its_own_file_again(tmp_path: Path, parses: list[str]) -> None:
    """The cache keys a file by its own tolerance: changing a's re-reads a, never b; the answer is a fresh load's."""
    root = _write(tmp_path / "ds")
    cache = tmp_path / "cache"
    claims.load(root, cache=cache)
    assert ["a.yaml", "b.yaml"] == sorted(parses)
    parses.clear()
    _write(root, a_tolerance=0.05)
    again = claims.load(root, cache=cache)
    assert ["a.yaml"] == parses
    fresh = claims.load(root, cache=None)
    assert fresh == again
    assert str(claims.check(fresh, cache=False)) == str(claims.check(again, cache=False))
    parses.clear()
    _write(root, a_tolerance=0.05, b_tolerance=0.3)  # now b's own tolerance changes: b is read again
    widened = claims.load(root, cache=cache)
    assert ["b.yaml"] == parses
    assert () == claims.check(widened, cache=False).contradictions


def test_with_claim_uses_the_tolerance_of_the_sources_file(tmp_path: Path) -> None:
    """A claim added for a source of file a means 'about' as file a does (±30%); for file b, ±10%."""
    root = _write(tmp_path / "ds", a_tolerance=0.3)
    (root / "a.yaml").write_text(
        _file(
            "a",
            _claim("y-about-7", "sa", "y is about 7", "y is about 7"),
            tolerance=0.3,
            declarations="const y: int\n  const z: int",
        ),
        encoding="utf-8",
    )
    (root / "b.yaml").write_text(
        _file("b", _claim("z-125", "sb", "x is 125", "z = 125"), declarations="const z: int"), encoding="utf-8"
    )
    ds = claims.load(root)
    # z is declared by both files, so each claim means its own file's z: compare within one file
    wide = claims.with_claim(ds, "z-about-100", "z is about 100", "x is about 100", source="sa")
    wide = claims.with_claim(wide, "z-125-too", "z = 125", "x is 125", source="sa")
    assert () == claims.check(wide, cache=False).contradictions
    narrow = claims.with_claim(ds, "z-about-100", "z is about 100", "x is about 100", source="sb")
    narrow = claims.with_claim(narrow, "z-125-too", "z = 125", "x is 125", source="sb")
    assert [["z-125", "z-about-100"], ["z-125-too", "z-about-100"]] == [
        sorted(c.id for c in k.claims) for k in claims.check(narrow, cache=False).contradictions
    ]
