"""All errors in one round (issue 21, item 5): a broken file or claim does not hide the errors of the others.

A claim file is resolved against the rule sets and its own declarations only,
so its syntax, sort and name errors are reported whatever another file holds.
What cannot be known is left out, not guessed: the claims of a file whose
declarations do not parse, and "unknown name" while a rule set does not parse
(the name may be one it declares).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import claims

DOC = "Alpha said x is big. Beta said y is small. Gamma said z.\n"


def _claim(cid: str, quote: str, formula: str) -> str:
    return f"  - id: {cid}\n    source: a\n    said: 2016-01-01\n    quote: {quote}\n    formula: {formula}\n"


def _file(decls: str, *claims_: str, rules: str = "") -> str:
    head = f"document: doc.txt\n{rules}declarations: |\n  {decls}\nsources:\n  a: {{name: Alpha}}\nclaims:\n"
    return head + "".join(claims_)


def _errors(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, str]]:
    (tmp_path / "doc.txt").write_text(DOC, encoding="utf-8")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    claim_files = [str(tmp_path / n) for n in files if n.endswith(".yaml")]
    with pytest.raises(claims.InputError) as info:
        claims.load(*claim_files, cache=None)
    return [(Path(d.span.path).name, d.span.line, d.code) for d in info.value.diagnostics]


GOOD_DECLS = "const x: int\n  const y: date\n  const z: bool"
BROKEN = {
    "c.yaml": _file(
        GOOD_DECLS,
        _claim("c1", "Alpha said x is big", "x > > 3"),
        _claim("c2", "Beta said y is small", "y = 5"),
        _claim("c3", "Gamma said z", "zz"),
    ),
    "d.yaml": _file("const x int", _claim("d1", "Alpha said x is big", "x = 2016-01-01")),
    "e.yaml": "document: doc.txt\nsources:\n  a: {name: Alpha\nclaims: []\n",
}


def test_every_file_reports_its_own_errors_in_one_run(tmp_path: Path) -> None:
    """A syntax error, a sort error and an unknown name in one file, beside a file with broken
    declarations and one with broken YAML: all in one run (the sort error used to wait for the others)."""
    assert [
        ("c.yaml", 13, "formula-syntax"),
        ("c.yaml", 18, "sort-mismatch"),
        ("c.yaml", 23, "unknown-symbol"),
        ("d.yaml", 3, "formula-syntax"),
        ("e.yaml", 4, "yaml-syntax"),
    ] == sorted(e for e in _errors(tmp_path, BROKEN) if e[2] != "quote-not-found")


def test_the_claims_of_broken_declarations_are_not_guessed_at(tmp_path: Path) -> None:
    """d1's formula would be a sort error or an unknown name depending on what the broken line meant."""
    errors = _errors(tmp_path, {"d.yaml": BROKEN["d.yaml"]})
    assert [("d.yaml", 3, "formula-syntax")] == errors


def test_a_broken_rule_set_hides_only_unknown_names(tmp_path: Path) -> None:
    """A sort error among known names is reported beside the rule set's syntax error; a name the
    broken rule set may declare is not called unknown."""
    files = {
        "rules/bad.rules": 'const q: int\nrule r1: "d" q > > 1\n',
        "f.yaml": _file(
            GOOD_DECLS,
            _claim("f1", "Alpha said x is big", "q = 3"),
            _claim("f2", "Beta said y is small", "y = 5"),
            rules="rules: [bad]\n",
        ),
    }
    assert [("bad.rules", 2, "formula-syntax"), ("f.yaml", 19, "sort-mismatch")] == sorted(_errors(tmp_path, files))
