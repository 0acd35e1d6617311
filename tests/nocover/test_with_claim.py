"""``claims.with_claim`` resolves a claim exactly as its source's claim file would (issue 16, item 7).

It used to rebuild resolve's vocabulary by hand, leaving out the members of
closed sorts (a KeyError on any dataset with ``sort R = {a, b}``), to give a
claim without ``source`` to the first source, and never to look for its quote.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest

import claims

ARTICLE = "The ministry said the reason was the war. A spokesman said the reason was peace. Nobody said more.\n"

HEAD = """\
document: article.txt
declarations: |
  sort Reason = {war, peace}
  const reason: Reason
  pred done
sources:
  ministry: {name: The ministry}
  spokesman: {name: A spokesman}
claims:
  - {id: by-ministry, source: ministry, said: 2016-03-14, quote: "the reason was the war", formula: "reason = war"}
"""

EXTRA = (
    '  - {id: by-spokesman, source: spokesman, said: 2016-03-14, quote: "the reason was peace", '
    'formula: "reason = peace"}\n'
)


def _dataset(root: Path, extra: str = "", cache: Path | None = None) -> claims.Dataset:
    root.mkdir(parents=True, exist_ok=True)
    (root / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "claims.yaml").write_text(HEAD + extra, encoding="utf-8")
    return claims.load(root, cache=cache)


def _findings(report: claims.Report) -> list[tuple[str, list[str]]]:
    return [(k.fingerprint, [c.id for c in k.claims]) for k in report.contradictions]


@pytest.mark.parametrize("cached", [False, True])
def test_a_claim_added_over_a_closed_sort_is_found_as_in_the_file(
    tmp_path: Path, cached: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``sort Reason = {war, peace}``, with_claim works and finds what the same claim in the file finds."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    cache = tmp_path / "cache" if cached else None
    if cached:
        _dataset(tmp_path / "ds", cache=cache)  # the second load reads the file from the cache
    added = claims.with_claim(
        _dataset(tmp_path / "ds", cache=cache),
        "by-spokesman",
        "reason = peace",
        "the reason was peace",
        source="spokesman",
        said=datetime.date(2016, 3, 14),
    )
    written = _dataset(tmp_path / "written", EXTRA)
    got, want = claims.check(added, cache=False), claims.check(written, cache=False)
    assert _findings(want) == _findings(got)
    assert [(fp, ["by-ministry", "by-spokesman"]) for fp, _ in _findings(want)] == _findings(want)
    new, there = added.claim("by-spokesman"), written.claim("by-spokesman")
    assert (there.source, there.quote_line, there.quote_offset) == (new.source, new.quote_line, new.quote_offset)


def _error(ds: claims.Dataset, quote: str = "the reason was peace", **kwargs: object) -> claims.Diagnostic:
    with pytest.raises(claims.InputError) as info:
        claims.with_claim(ds, "new", "reason = peace", quote, **kwargs)  # type: ignore[arg-type]  # source=, file=
    (d,) = info.value.diagnostics
    return d


def test_a_missing_source_is_an_error_when_there_are_several(tmp_path: Path) -> None:
    """Without source=, a dataset of two sources does not guess: the error lists the ids to choose from."""
    d = _error(_dataset(tmp_path / "ds"))
    assert ("missing-field", "<claim new>") == (d.code, d.span.path)
    assert "needs a source: pass source= with the id of one of the 2 sources (ministry, spokesman)" in d.message


def test_the_one_source_of_a_dataset_built_in_code_may_be_left_out() -> None:
    """A dataset from claims.dataset has one source, so leaving source out is not a guess."""
    ds = claims.dataset([("a", "x > 1", "q")], rules="const x: int", source="Wire")
    assert "Wire" == claims.with_claim(ds, "b", "x < 0", "q").claim("b").source.name


def test_an_unknown_source_is_an_error_with_what_was_meant(tmp_path: Path) -> None:
    """A misspelt id gets the close one; a source's name gets its id."""
    ds = _dataset(tmp_path / "ds")
    d = _error(ds, source="spokesmen")
    assert ("unknown-source", "unknown source 'spokesmen'; did you mean 'spokesman'?") == (d.code, d.message)
    d = _error(ds, source="The ministry")
    assert "did you mean 'ministry'? (the id of the source named 'The ministry')" in d.message


def test_a_quote_not_in_the_document_is_quote_not_found(tmp_path: Path) -> None:
    """The quote is looked for in the document, as in a claim file, and the closest passage is shown."""
    d = _error(_dataset(tmp_path / "ds"), "the reason was pieces", source="spokesman")
    assert (
        "quote-not-found",
        f"the quote of claim 'new' does not occur in '{tmp_path / 'ds' / 'article.txt'}'",
        'the closest passage is: "the reason was peace."',
    ) == (d.code, d.message, d.hint)


def test_a_quote_not_in_the_document_given_in_code_is_quote_not_found() -> None:
    """claims.dataset(document=...) checks a later claim's quote too."""
    ds = claims.dataset([("a", "x > 1", "x is big")], rules="const x: int", document="They say x is big.")
    assert "quote-not-found" == _error_code(lambda: claims.with_claim(ds, "b", "x < 0", "x is small"))


def _error_code(call: Callable[[], object]) -> str:
    with pytest.raises(claims.InputError) as info:
        call()
    return str(info.value.diagnostics[0].code)


def test_the_source_file_decides_which_local_name_is_meant(tmp_path: Path) -> None:
    """Two files declare 'count'; the new claim means its source's file's own, and file= picks between equal ids."""
    (tmp_path / "article.txt").write_text("One. Two.\n", encoding="utf-8")
    for n in (1, 2):
        (tmp_path / f"f{n}.yaml").write_text(
            f"document: article.txt\ndeclarations: |\n  const count: int\nsources:\n  s: {{name: Source {n}}}\n"
            f"claims:\n  - {{id: c{n}, source: s, said: 2016-03-14, quote: 'One.', formula: 'count = {n}'}}\n",
            encoding="utf-8",
        )
    ds = claims.load(tmp_path)
    d = _error(ds, "One.", source="s")
    assert ("unknown-source", "source 's' is declared in 2 claim files") == (d.code, d.message.split(":")[0])
    one = claims.with_claim(ds, "new", "count = 2", "One.", source="s", file=tmp_path / "f1.yaml")
    two = claims.with_claim(ds, "new", "count = 2", "One.", source="s", file=tmp_path / "f2.yaml")
    assert [["c1", "new"]] == [[c.id for c in k.claims] for k in claims.check(one, cache=False).contradictions]
    assert () == claims.check(two, cache=False).contradictions
    d = _error(ds, "One.", source="s", file="f3.yaml")
    assert ("file-missing", "the dataset has no claim file 'f3.yaml'") == (d.code, d.message)


def test_a_bad_kind_or_id_is_an_error() -> None:
    """kind= and the id are checked as in a claim file."""
    ds = claims.dataset([("a", "x > 1", "q")], rules="const x: int")
    assert "bad-value" == _error_code(lambda: claims.with_claim(ds, "b", "x < 0", "q", kind="facts"))
    assert "bad-value" == _error_code(lambda: claims.with_claim(ds, "b c", "x < 0", "q"))
    assert "duplicate-id" == _error_code(lambda: claims.with_claim(ds, "a", "x < 0", "q"))
