"""Rule sets are shared vocabulary; a claim file's own declarations are local to it."""

from __future__ import annotations

import re
from pathlib import Path

import claims

DOC = "Alice said John is tall. Bob said John is not tall. Carol said x is 5. Dan said x is 7."


def _file(d: Path, name: str, declarations: str, claims_yaml: str, rules: str = "") -> None:
    d.mkdir(parents=True, exist_ok=True)
    (d / "doc.txt").write_text(DOC, encoding="utf-8")
    if rules:
        (d.parent / "rules").mkdir(exist_ok=True)
        (d.parent / "rules" / "shared.rules").write_text(rules, encoding="utf-8")
    head = "document: doc.txt\n" + ("rules: [shared]\n" if rules else "")
    if declarations:
        head += "declarations: |\n" + "".join(f"  {line}\n" for line in declarations.splitlines())
    (d / name).write_text(head + "sources:\n  s: {name: Someone}\nclaims:\n" + claims_yaml, encoding="utf-8")


def _claim(cid: str, formula: str, quote: str) -> str:
    return f'  - {{id: {cid}, source: s, said: 2016-03-15, quote: "{quote}", formula: "{formula}"}}\n'


def test_same_name_declared_in_two_files_is_two_symbols(tmp_path: Path) -> None:
    """'john' declared by two files means two people: their claims do not clash."""
    decl = "sort U\nconst john: U\npred tall(U)"
    _file(tmp_path / "a", "claims.yaml", decl, _claim("a1", "tall(john)", "John is tall"))
    _file(tmp_path / "b", "claims.yaml", decl, _claim("b1", "not tall(john)", "John is not tall"))
    report = claims.check(claims.load(str(tmp_path)), cache=False)
    assert () == report.contradictions


def test_same_name_in_one_file_still_clashes(tmp_path: Path) -> None:
    """Within one file, the same name is the same symbol."""
    decl = "sort U\nconst john: U\npred tall(U)"
    _file(
        tmp_path / "a",
        "claims.yaml",
        decl,
        _claim("a1", "tall(john)", "John is tall") + _claim("a2", "not tall(john)", "John is not tall"),
    )
    report = claims.check(claims.load(str(tmp_path)), cache=False)
    assert [["a1", "a2"]] == [[c.id for c in k.claims] for k in report.contradictions]


def test_rule_set_symbols_are_shared_across_files(tmp_path: Path) -> None:
    """Two files using the same rule set's symbol are checked against each other."""
    rules = "const x: int\n"
    _file(tmp_path / "a", "claims.yaml", "", _claim("a1", "x = 5", "x is 5"), rules)
    _file(tmp_path / "b", "claims.yaml", "", _claim("b1", "x = 7", "x is 7"), rules)
    report = claims.check(claims.load(str(tmp_path)), cache=False)
    assert [["a1", "b1"]] == [[c.id for c in k.claims] for k in report.contradictions]


def test_local_names_print_as_written(tmp_path: Path) -> None:
    """A countermodel over clashing local names shows them as the user wrote them."""
    decl = "sort U\nconst john: U\npred tall(U)"
    _file(tmp_path / "a", "claims.yaml", decl, _claim("a1", "tall(john)", "John is tall"))
    _file(
        tmp_path / "b",
        "claims.yaml",
        decl,
        _claim("b1", "tall(john)", "John is not tall").replace("}\n", ", kind: conclusion}\n")
        + _claim("b2", "true", "Dan said x is 7"),
    )
    report = claims.check(claims.load(str(tmp_path)), cache=False)
    (v,) = report.conclusions
    assert "unsupported" == v.verdict
    qualified = re.compile(r"\w#\d")  # an internal name such as john#2
    assert not any(qualified.search(str(s)) for s in v.countermodel)
    assert not qualified.search(str(report))
    assert {"john = U #1", "tall(john) = false"} == {str(s) for s in v.countermodel}
