"""Reference documents (issue 21, item 3): their sources are marked as reference in every report.

The seed dataset holds one (``seeds/russia-syria-2016/reference.yaml``): its
quotes are found in ``reference.txt``, and its facts date what the article
leaves undated. A reference fact that clashes with an article's claim shows as
such in the text, the JSON and the HTML page.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import claims

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = str(Path(sys.executable).parent / "claims")


def test_the_seed_reference_facts_load_with_their_quotes() -> None:
    """The reference file passes the quote check, and its sources are reference sources."""
    ds = claims.load(str(ROOT / "seeds"))
    refs = {c.id: c for c in ds.claims if c.source.reference}
    assert ["ref-intervention-started", "ref-jet-downed"] == sorted(refs)
    assert all(c.quote_offset is not None for c in refs.values())
    assert not any(c.source.reference for c in ds.claims if c.id not in refs)


def _dataset(tmp_path: Path, *, reference: str = "true") -> Path:
    (tmp_path / "article.txt").write_text("The jet was downed on 1 December, the minister said.\n", encoding="utf-8")
    (tmp_path / "ref.txt").write_text("The jet was shot down on 24 November 2015.\n", encoding="utf-8")
    (tmp_path / "claims.yaml").write_text(
        "document: article.txt\n"
        "declarations: |\n"
        "  const jet_downed: date\n"
        "sources:\n"
        "  minister: {name: The minister}\n"
        f"  encyclopedia: {{name: An encyclopedia, document: ref.txt, reference: {reference}}}\n"
        "claims:\n"
        "  - {id: minister-date, source: minister, said: 2016-01-05, quote: The jet was downed on 1 December,"
        " formula: jet_downed = 2015-12-01}\n"
        "  - {id: ref-date, source: encyclopedia, said: 2016-01-05, quote: The jet was shot down on 24 November 2015,"
        " formula: jet_downed = 2015-11-24}\n",
        encoding="utf-8",
    )
    return tmp_path / "claims.yaml"


def _run(path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLAIMS, "check", str(path), "--no-cache", *flags], capture_output=True, text=True, timeout=120, cwd=path.parent
    )


def test_a_reference_fact_in_a_contradiction_is_marked_in_every_format(tmp_path: Path) -> None:
    path = _dataset(tmp_path)
    text = _run(path)
    assert 1 == text.returncode, text.stderr
    assert "An encyclopedia [reference]" in text.stdout
    assert "The minister [reference]" not in text.stdout
    report = json.loads(_run(path, "--format", "json").stdout)
    (con,) = [f for f in report["findings"] if f["kind"] == "contradiction"]
    assert {"minister-date": False, "ref-date": True} == {c["id"]: c["reference"] for c in con["claims"]}
    page = _run(path, "--format", "html").stdout
    assert page.count('class="badge ref-source"') >= 1


def test_reference_must_be_true_or_false(tmp_path: Path) -> None:
    path = _dataset(tmp_path, reference="maybe")
    proc = _run(path)
    assert 2 == proc.returncode
    assert "'reference' of source 'encyclopedia' must be true or false" in proc.stderr
