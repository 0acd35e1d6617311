"""Quote look-up people understand (issue 21, item 4).

Typographic and straight quotes, dashes and ellipses match each other (as a
run of blanks matches one space); a quote not found says which characters
differ from the closest passage, or in which other document it occurs; an
unescaped ``"`` inside a double-quoted YAML value gets the hint that says so.
The matching is checked against a brute force: both texts folded character by
character, each character keeping its place in the document.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import claims
from claims._front.claimfile import Document

GROUPS = [
    '"\u201c\u201d\u201e\u201f\u00ab\u00bb',
    "'\u2018\u2019\u201a\u201b\u2032",
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212",
]
FOLD = {ch: g[0] for g in GROUPS for ch in g}


def _folded(text: str, fold: bool = True) -> tuple[str, list[int]]:
    """``text`` with blanks collapsed and (``fold``) every look-alike folded (the ellipsis to ``...``), and
    each character's place."""
    out: list[str] = []
    at: list[int] = []
    blank = False
    for i, ch in enumerate(text):
        if ch.isspace():
            blank = bool(out)
            continue
        if blank:
            out.append(" ")
            at.append(i)
            blank = False
        for c in ch if not fold else "..." if ch == "\u2026" else FOLD.get(ch, ch):
            out.append(c)
            at.append(i)
    return "".join(out), at


def _oracle(document: str, quote: str) -> int | None:
    """The first place of the quote as written (blanks collapsed), else the first up to look-alikes."""
    for fold in (False, True):
        doc, at = _folded(document, fold)
        q, _ = _folded(quote, fold)
        k = doc.find(q) if q else -1
        if k >= 0:
            return at[k]
    return None


pieces = st.sampled_from(["a", "b", "c", "\u2026", "...", *(ch for g in GROUPS for ch in g)])
words = st.lists(st.lists(pieces, min_size=1, max_size=4).map("".join), min_size=1, max_size=12)


def _respell(data: st.DataObject, word: str) -> str:
    """``word`` with each look-alike written as another of its group (and ``…`` as ``...``, or back)."""
    word = word.replace("...", "\u2026")
    out = []
    for ch in word:
        group = next((g for g in GROUPS if ch in g), None)
        if group is not None:
            out.append(data.draw(st.sampled_from(group)))
        elif ch == "\u2026":
            out.append(data.draw(st.sampled_from(["\u2026", "..."])))
        else:
            out.append(ch)
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(st.data(), words, st.sampled_from([" ", "  ", "\n", " \t"]))
def test_look_alikes_match_as_the_brute_force_says(data: st.DataObject, ws: list[str], blank: str) -> None:
    """``Document.find`` gives the place the character-by-character folding gives, for a respelled passage
    (an occurrence as written first: it is what the quote says)."""
    text = blank.join(ws)
    lo = data.draw(st.integers(0, len(ws) - 1))
    hi = data.draw(st.integers(lo + 1, len(ws)))
    quote = " ".join(_respell(data, w) for w in ws[lo:hi])
    assert _oracle(text, quote) == Document("doc.txt", text).find(quote)


def _load_errors(tmp_path: Path, claim_file: str, docs: dict[str, str]) -> list[claims.Diagnostic]:
    for name, text in docs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "c.yaml").write_text(claim_file, encoding="utf-8")
    with pytest.raises(claims.InputError) as info:
        claims.load(str(tmp_path / "c.yaml"), cache=None)
    return list(info.value.diagnostics)


def _file(*quotes: tuple[str, str]) -> str:
    out = "document: doc.txt\nsources:\n  a: {name: A}\n  b: {name: B, document: other.txt}\n"
    out += "declarations: |\n  const ok: bool\nclaims:\n"
    for k, (source, quote) in enumerate(quotes):
        out += f"  - id: q{k}\n    source: {source}\n    said: 2016-01-01\n    quote: {quote}\n    formula: ok\n"
    return out


DOCS = {
    "doc.txt": (
        "Putin said the operation had \u201clargely fulfilled\u201d its goals \u2014 the troops\u2019 return\u2026\n"
    ),
    "other.txt": "The aide said prices fell.\n",
}


def test_typographic_forms_are_found_and_the_rest_is_explained(tmp_path: Path) -> None:
    """Straight quotes, a hyphen and '...' find the curly, em-dashed text; a typo is named by its
    characters; a quote of the other document says where it is."""
    errors = _load_errors(
        tmp_path,
        _file(
            ("a", 'the operation had "largely fulfilled" its goals - the troops\' return...'),
            ("a", "Putin said the operatiom had"),
            ("b", "the operation had"),
        ),
        DOCS,
    )
    assert ["q1", "q2"] == [d.message.split("'")[1] for d in errors]  # q0 is found
    typo, elsewhere = errors
    assert typo.hint is not None and typo.hint.endswith(
        'it differs from the quote only at "n" (U+006E LATIN SMALL LETTER N) '
        'where the quote has "m" (U+006D LATIN SMALL LETTER M)'
    )
    assert elsewhere.hint is not None and elsewhere.hint.startswith("it occurs in '")
    assert "doc.txt' (line 1): the claim's source or its file names another document" in elsewhere.hint


def test_an_unescaped_double_quote_is_named_as_such(tmp_path: Path) -> None:
    """``quote: "he said "no" today"``: the second '"' closes the value; the hint says so, not 'indentation'."""
    (error,) = _load_errors(tmp_path, _file(("a", '"the operation had "largely fulfilled" its goals"')), DOCS)
    assert ("yaml-syntax", 11) == (error.code, error.span.line)
    assert error.hint is not None and error.hint.startswith('a " inside a double-quoted value ends it')
