"""``claims draft`` (issue 22, items 1 and 2): how close it comes to the seed, and what it must find.

How a drafted statement is compared with the seed's hand-made claims: each quote is a span of the
article (where the loader's look-up finds it, :meth:`Document.find`, and as long as the quote). A
drafted quote **matches** a seed claim when their spans overlap by at least one character.

* quotes: recall = seed claims matched by some drafted quote / seed claims; precision = drafted
  quotes that match some seed claim / drafted quotes;
* speakers: a drafted speaker is *right* for a seed claim it matches when its name shares a
  content word (:func:`claims._front.draft.stems`) with the seed source's name or role. Recall =
  seed sources with a claim matched by a right speaker / seed sources; precision = drafted
  sources right for some seed claim they match / drafted sources;
* days: of the matched (drafted, seed) pairs, those with the same ``said``.
"""

from __future__ import annotations

import datetime
import itertools
import re
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from claims._base.errors import DiagnosticSink, InputError
from claims._front.claimfile import Document
from claims._front.draft import declared_symbols, draft, extract, render, stems, suggestions
from claims._front.yamlread import read_yaml
from cli import main

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "russia-syria-2016"
DATA = ROOT / "tests" / "data" / "draft"


def _span(doc: Document, quote: str) -> tuple[int, int]:
    at = doc.find(quote)
    assert at is not None, quote
    return at, at + len(quote)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({round(100 * Fraction(part, max(whole, 1)))}%)"


def seed_scores() -> dict[str, str]:
    """The recall and precision of ``draft`` against the seed dataset, as the README records them."""
    text = (SEED / "article.txt").read_text(encoding="utf-8")
    seed = yaml.safe_load((SEED / "claims.yaml").read_text(encoding="utf-8"))
    doc = Document("article.txt", text)
    statements, sources = extract(text, datetime.date(2016, 3, 15))
    names = {s.id: s.name for s in sources}
    seed_claims = [(c, _span(doc, c["quote"])) for c in seed["claims"]]
    pairs = [(st, c) for st in statements for c, span in seed_claims if _overlap((st.start, st.end), span)]

    def right(speaker_id: str, claim: dict[str, Any]) -> bool:
        src = seed["sources"][claim["source"]]
        return bool(stems(names[speaker_id]) & stems(f"{src['name']} {src.get('role', '')}"))

    matched_claims = {c["id"] for _, c in pairs}
    matching_quotes = {st.start for st, _ in pairs}
    seed_sources_found = {c["source"] for st, c in pairs if right(st.speaker, c)}
    drafted_right = {st.speaker for st, c in pairs if right(st.speaker, c)}
    same_day = sum(1 for st, c in pairs if st.said == c["said"])
    return {
        "quotes": f"recall {_pct(len(matched_claims), len(seed_claims))}, "
        f"precision {_pct(len(matching_quotes), len(statements))}",
        "speakers": f"recall {_pct(len(seed_sources_found), len(seed['sources']))}, "
        f"precision {_pct(len(drafted_right), len(sources))}",
        "days": f"{_pct(same_day, len(pairs))} of the matched pairs",
    }


def test_seed_recall_and_precision_are_the_readme_ones() -> None:
    """Measured against the seed (printed with -s), and recorded in the README as measured."""
    scores = seed_scores()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for what, line in scores.items():
        print(f"draft vs seed, {what}: {line}")
        assert f"{what}: {line}" in readme


def test_seed_draft_finds_the_attributed_statements() -> None:
    """Quotes never overlap, each is where the text has it, and the main speakers are named with their roles."""
    text = (SEED / "article.txt").read_text(encoding="utf-8")
    statements, sources = extract(text, datetime.date(2016, 3, 15))
    spans = [(s.start, s.end) for s in statements]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert all(text[s.start : s.end] == s.quote for s in statements)
    by_name = {s.name: s for s in sources}
    assert by_name["Viktor Ozerov"].role == "head of the defense committee in Russia's upper house of parliament"
    assert by_name["Viktor Ozerov"].via == "AP"
    assert by_name["Nikolai Pankov"].via == "Reuters"
    kremlin = next(s for s in statements if "completed the tasks" in s.quote)
    assert kremlin.said == datetime.date(2016, 3, 14)  # "Monday evening", the day before Tuesday the 15th


def test_second_article_gets_its_expected_statements() -> None:
    """bridge.txt, written for this test: every expected statement, and nothing else."""
    text = (DATA / "bridge.txt").read_text(encoding="utf-8")
    expected = yaml.safe_load((DATA / "bridge.expected.yaml").read_text(encoding="utf-8"))
    statements, sources = extract(text, datetime.date(2023, 6, 8))
    by_id = {s.id: s for s in sources}
    got = [
        {
            "quote": st.quote,
            "name": by_id[st.speaker].name,
            "role": by_id[st.speaker].role,
            "via": by_id[st.speaker].via,
            "said": st.said,
        }
        for st in statements
    ]
    assert got == expected


def _drafted(tmp_path: Path, article: Path, *args: str) -> tuple[Path, Any]:
    shutil.copy(article, tmp_path / article.name)
    out = tmp_path / "drafted.yaml"
    result = CliRunner().invoke(main, ["draft", str(tmp_path / article.name), "-o", str(out), *args])
    return out, result


@pytest.mark.parametrize("article", [SEED / "article.txt", DATA / "bridge.txt"])
def test_drafted_file_reports_only_not_encoded(tmp_path: Path, article: Path) -> None:
    """`claims check` on a drafted file: exit 2 with one not-encoded error per claim, nothing else."""
    out, result = _drafted(tmp_path, article)
    assert result.exit_code == 0, result.output
    n = len(yaml.safe_load(out.read_text(encoding="utf-8"))["claims"])
    check = CliRunner().invoke(main, ["check", str(out), "--no-cache"])
    assert check.exit_code == 2
    errors = [line for line in check.output.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)]
    assert len(errors) == n > 0
    assert all(line.endswith("[not-encoded]") for line in errors)
    assert f"({n} of {n} not encoded in this file)" in errors[-1]


def test_a_placeholder_among_encoded_claims_is_still_an_error(tmp_path: Path) -> None:
    """One TODO left in an encoded file fails the check (exit 2): never read as true."""
    text = (SEED / "claims.yaml").read_text(encoding="utf-8").replace("formula: s400_kept", "formula: TODO")
    for name in ("article.txt", "reference.txt", "reference.yaml"):
        shutil.copy(SEED / name, tmp_path / name)
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    (tmp_path / "claims.yaml").write_text(text, encoding="utf-8")
    check = CliRunner().invoke(main, ["check", str(tmp_path), "--no-cache"])
    assert check.exit_code == 2
    assert "claim 'ozerov-s400-kept' is not encoded yet" in check.output
    assert "(1 of 1 not encoded in this file)  [not-encoded]" in check.output


def test_rules_suggest_symbols_beside_each_placeholder(tmp_path: Path) -> None:
    """--rules: the symbols whose names or comments share words with the quote, as YAML comments."""
    out, result = _drafted(tmp_path, SEED / "article.txt", "--rules", str(ROOT / "rules"))
    assert result.exit_code == 0, result.output
    written = out.read_text(encoding="utf-8")
    block = written.split('quote: "about 1,000 Russian personnel will remain in two bases in Syria"', 1)[1]
    block = block.split("  - id:", 1)[0]
    assert block.splitlines()[1:3] == [
        "    formula: TODO",
        "    # symbols that share words with the quote:",
    ]
    assert (
        "    #   const personnel_remaining: int  -- Russian military personnel who stay in Syria after it  "
        "[personnel: personnel, remain, russian, syria]"
    ) in block.splitlines()
    symbols = declared_symbols(ROOT / "rules", DiagnosticSink())
    s400 = [s.name for s, _ in suggestions("Russia will keep its long-range S-400 air defense missiles", symbols)]
    assert s400[0] == "s400_kept" and "s400_deployed" in s400
    # the comments are YAML comments: the file loads the same with and without them
    assert yaml.safe_load(written) == yaml.safe_load(re.sub(r"(?m)^\s*#.*\n", "", written))


def test_same_article_same_bytes(tmp_path: Path) -> None:
    """Deterministic: two drafts of the same article are the same bytes."""
    a = draft(SEED / "article.txt", rules=ROOT / "rules")
    b = draft(SEED / "article.txt", rules=ROOT / "rules")
    assert a == b


def test_publication_date_from_the_option_or_an_error(tmp_path: Path) -> None:
    """No date in the text and none given: an error at the article's first line, exit 2, nothing written."""
    article = tmp_path / "a.txt"
    article.write_text("The minister said on Monday that taxes will fall.\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        draft(article)
    assert str(err.value).startswith(
        f"{article.name}:1:1: error: no publication date"
    ) or "1:1: error: no publication date" in str(err.value)
    out = tmp_path / "o.yaml"
    r = CliRunner().invoke(main, ["draft", str(article), "-o", str(out)])
    assert r.exit_code == 2 and not out.exists()
    assert "[missing-field]" in r.output
    r = CliRunner().invoke(main, ["draft", str(article), "--published", "2024-05-01", "-o", str(out)])
    assert r.exit_code == 0, r.output
    drafted = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert drafted["claims"][0]["said"] == datetime.date(2024, 4, 29)  # the Monday before Wednesday May 1
    assert drafted["claims"][0]["quote"] == "taxes will fall"


def test_existing_file_is_kept_unless_overwrite(tmp_path: Path) -> None:
    """An output file that exists is an error (exit 2, file untouched) unless --overwrite."""
    out = tmp_path / "drafted.yaml"
    out.write_text("mine\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["draft", str(DATA / "bridge.txt"), "-o", str(out)])
    assert r.exit_code == 2 and "[file-exists]" in r.output
    assert out.read_text(encoding="utf-8") == "mine\n"
    r = CliRunner().invoke(main, ["draft", str(DATA / "bridge.txt"), "-o", str(out), "--overwrite"])
    assert r.exit_code == 0 and out.read_text(encoding="utf-8").startswith("# Drafted by `claims draft`")


def test_missing_article_names_the_file(tmp_path: Path) -> None:
    """A missing article: an error naming the file, exit 2, no traceback."""
    r = CliRunner().invoke(main, ["draft", str(tmp_path / "nope.txt")])
    assert r.exit_code == 2
    assert "nope.txt:1:1: error:" in r.output and "[file-missing]" in r.output


def test_readme_excerpt_is_real_output() -> None:
    """The README's drafted claim is what `claims draft ... --rules rules` writes, line for line."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- draft:start -->\n```yaml\n", 1)[1].split("```\n<!-- draft:end -->", 1)[0]
    drafted = draft(SEED / "article.txt", rules=ROOT / "rules", output=ROOT / "drafted.yaml")
    assert block in drafted
    assert 'document: "seeds/russia-syria-2016/article.txt"' in drafted.splitlines()


def test_written_elsewhere_names_the_root_to_check_with(tmp_path: Path) -> None:
    """A file written away from its article says which --root reads it; with it, only not-encoded errors."""
    shutil.copy(DATA / "bridge.txt", tmp_path / "bridge.txt")
    out = tmp_path / "sub" / "dir" / "drafted.yaml"
    r = CliRunner().invoke(main, ["draft", str(tmp_path / "bridge.txt"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert 'document: "../../bridge.txt"' in text.splitlines()
    note = next(line for line in text.splitlines() if "--root" in line)
    root = note.rsplit("--root ", 1)[1]
    assert Path(root).resolve() == tmp_path.resolve()
    check = CliRunner().invoke(main, ["check", str(out), "--no-cache", "--root", root])
    errors = [line for line in check.output.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)]
    assert check.exit_code == 2 and len(errors) == 8
    assert all(line.endswith("[not-encoded]") for line in errors)


_PIECES = [
    "Viktor Ozerov, head of the committee, said Tuesday, according to AP, that about 1,000 troops will stay.",
    '"We will not leave this country at all," he said.',
    "\u201cThe army let us down. It is a cowardly army,\u201d a commander told AFP.",
    "The planes will leave in groups, the Defense Ministry said.",
    "According to the Associated Press (AP), the talks start on Monday.",
    "Tom Baker told Reuters the vote was rushed last week.",
    "Prices rose, Russia Today reported.",
    "He added that nothing changed yesterday.",
    "U.S. officials said at 7 a.m. EDT that Sept. 30 was the start.",
    "\n\n",
    " ",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hs.lists(hs.one_of(hs.sampled_from(_PIECES), hs.text(max_size=30)), max_size=12),
    hs.dates(min_value=datetime.date(1900, 1, 8)),
)
def test_any_text_drafts_a_file_that_loads(pieces: list[str], published: datetime.date) -> None:
    """Whatever the text: quotes are its spans, in order, never overlapping; days within the week before
    publication; and the written YAML reads back (through the loader's reader) to the same quotes."""
    text = " ".join(pieces)
    statements, sources = extract(text, published)
    assert all(text[s.start : s.end] == s.quote and s.quote for s in statements)
    assert all(a.end <= b.start for a, b in itertools.pairwise(statements))
    assert all(published - datetime.timedelta(days=7) <= s.said <= published for s in statements)
    assert {s.speaker for s in statements} == {s.id for s in sources}
    assert not any(s.via and s.via.endswith(".") for s in sources)
    doc = Document("a.txt", text)
    assert all(doc.find(s.quote) is not None for s in statements)
    written = render(statements, sources, document="a.txt", published=published, published_from=None, symbols=[])
    data = read_yaml(written)
    assert [c["quote"] for c in data["claims"] or []] == [s.quote for s in statements]
    assert extract(text, published) == (statements, sources)
