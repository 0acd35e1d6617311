"""``claims.load`` names file, line, column, what is wrong and what was meant, for every kind of bad input."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import claims
from claims._front import syntax as S
from tests.expected_errors import BROKEN, expected_in

VALID = BROKEN.parent / "valid"
BROKEN_FILES = sorted(p.name for p in BROKEN.glob("*.yaml"))

HEADER = """\
document: article.txt
rules: [mini]
sources:
  pankov:
    name: Nikolai Pankov
claims:
"""
CLAIM = """\
  - id: a
    source: pankov
    said: 2016-03-15
    quote: the militants in Syria
    formula: x > 3
"""


@pytest.mark.parametrize("name", BROKEN_FILES)
def test_broken_file_gives_its_inline_diagnostics(broken_dir: Path, name: str) -> None:
    """Each file of tests/data/broken gives exactly the diagnostics written in its comments."""
    with pytest.raises(claims.InputError) as info:
        claims.load(name)
    expected = expected_in(broken_dir / name)
    assert expected == [(str(d), d.hint) for d in info.value.diagnostics]


def test_broken_files_cover_every_input_error() -> None:
    """The broken files between them produce every input error code the issue asks to cover."""
    codes = {line.rsplit("[", 1)[1].rstrip("]") for name in BROKEN_FILES for line, _ in expected_in(BROKEN / name)}
    required = {
        "yaml-syntax",
        "field-type",
        "unknown-field",
        "duplicate-id",
        "unknown-source",
        "quote-not-found",
        "formula-syntax",
        "unknown-symbol",
        "sort-mismatch",
        "arity",
        "file-unreadable",
        "file-missing",
        "file-binary",
        "file-encoding",
        "bad-date",
        "bad-quantity",
        "unknown-rule-set",
        "not-timed",
    }
    assert set() == required - codes


@pytest.fixture
def load_claims(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], list[str]]:
    """Write a claim file beside the valid dataset's document and rules; return what loading it says."""
    shutil.copytree(VALID, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)

    def load(text: str) -> list[str]:
        (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
        try:
            claims.load("c.yaml")
        except claims.InputError as err:
            return [d.render() for d in err.diagnostics]
        return []

    return load


def test_the_header_and_claim_used_below_are_valid(load_claims: Callable[[str], list[str]]) -> None:
    """The claim file the tests below break is itself valid."""
    assert [] == load_claims(HEADER + CLAIM)


@pytest.mark.parametrize(
    ("said", "message"),
    [
        (
            "!!int abc",
            (
                "c.yaml:9:11: error: invalid YAML: cannot read 'abc' as a !!int value: "
                "invalid literal for int() with base 10: 'abc'  [yaml-syntax]"
            ),
        ),
        (
            "!!float x",
            (
                "c.yaml:9:11: error: invalid YAML: cannot read 'x' as a !!float value: "
                "could not convert string to float: 'x'  [yaml-syntax]"
            ),
        ),
        (
            "1" * 4400,
            "c.yaml:9:11: error: invalid YAML: cannot read '"
            + "1" * 40
            + ("...' as a !!int value: a number of 4,400 digits is too long to read (at most 4,300)  [yaml-syntax]"),
        ),
        (
            "2016-13-01",
            (
                "c.yaml:9:11: error: 'said' of claim 'a' is '2016-13-01', which is not a real "
                "date (month must be in 1..12)  [bad-date]"
            ),
        ),
    ],
)
def test_a_value_yaml_cannot_construct_is_a_located_error(
    load_claims: Callable[[str], list[str]], said: str, message: str
) -> None:
    """A value ruamel fails to build (an impossible date, '!!int abc') is an error at the value, not a ValueError."""
    [shown] = load_claims(HEADER + CLAIM.replace("said: 2016-03-15", f"said: {said}"))
    assert message == shown.splitlines()[0]


@pytest.mark.parametrize(
    ("quote", "kind"),
    [("!!binary aGVsbG8=", "binary data"), ("!!set {a, b}", "a set"), ("!foo bar", "a value tagged '!foo'")],
)
def test_a_tagged_value_is_named_by_its_kind(load_claims: Callable[[str], list[str]], quote: str, kind: str) -> None:
    """A tagged YAML value in a text field is named for what it is, not called 'text'."""
    [shown] = load_claims(HEADER + CLAIM.replace("quote: the militants in Syria", f"quote: {quote}"))
    assert (
        f"c.yaml:10:12: error: field 'quote' of claim 'a' must be text, not {kind}  [field-type]"
        == shown.splitlines()[0]
    )


def test_merged_keys_are_located_where_they_are_written(load_claims: Callable[[str], list[str]]) -> None:
    """A claim built with '<<: *anchor' loads, and an error in a merged value points into the anchor."""
    text = HEADER + CLAIM.replace("  - id: a", "  - &base\n    id: a") + "  - <<: *base\n    id: b\n"
    assert [] == load_claims(text)
    [shown] = load_claims(text.replace("formula: x > 3", "formula: x > xx"))
    assert "c.yaml:12:18: error: unknown name 'xx'; did you mean 'x'?  [unknown-symbol]" == shown.splitlines()[0]


def test_a_quantifier_in_a_plain_value_gets_a_quoting_hint(load_claims: Callable[[str], list[str]]) -> None:
    """'formula: forall c: Country. ...' unquoted is a YAML error whose hint says to quote it."""
    [shown] = load_claims(HEADER + CLAIM.replace("x > 3", "forall c: Country. offensive(c)"))
    assert [
        "c.yaml:11:22: error: invalid YAML: mapping values are not allowed here  [yaml-syntax]",
        "  hint: a value holding ': ' must be quoted, or written as a block after '|'",
    ] == [shown.splitlines()[0], shown.splitlines()[-1]]


def test_a_nul_in_a_document_name_is_an_error(load_claims: Callable[[str], list[str]]) -> None:
    """A document name with a NUL character (possible in a quoted YAML string) is an error, not a ValueError."""
    [shown] = load_claims(HEADER.replace("document: article.txt", 'document: "art\\0icle.txt"') + CLAIM)
    assert (
        "c.yaml:1:11: error: 'art\\x00icle.txt' is not a possible file name: embedded null byte  [file-missing]"
    ) == shown.splitlines()[0]


def test_deeply_nested_yaml_is_an_error(load_claims: Callable[[str], list[str]]) -> None:
    """YAML nested 500 levels deep is an error, not a RecursionError."""
    [shown] = load_claims(HEADER + CLAIM.replace("the militants in Syria", "[" * 500 + "]" * 500))
    assert "c.yaml:1:1: error: invalid YAML: lists or mappings nest too deeply  [yaml-syntax]" == shown.splitlines()[0]


def test_a_formula_deeper_than_the_limit_is_an_error(load_claims: Callable[[str], list[str]]) -> None:
    """A chain of 500 'and's is refused with the limit and a way out, not a RecursionError later."""
    long_chain = " and ".join(["x > 1"] * 500)
    [shown] = load_claims(HEADER + CLAIM.replace("formula: x > 3", f"formula: {long_chain}"))
    assert [
        (
            f"c.yaml:11:14: error: the formula nests 501 levels deep; at most {S.MAX_DEPTH} are allowed"
            "  [formula-syntax]"
        ),
        (
            "  hint: group a long chain with parentheses, as in '(a and b) and (c and d)', "
            "or split it into several claims"
        ),
    ] == [shown.splitlines()[0], shown.splitlines()[-1]]


def test_a_formula_at_the_limit_loads(load_claims: Callable[[str], list[str]]) -> None:
    """A formula exactly MAX_DEPTH levels deep loads."""
    chain = " and ".join(["x > 1"] * (S.MAX_DEPTH - 1))  # 1 level per 'and', 2 for 'x > 1'
    assert [] == load_claims(HEADER + CLAIM.replace("formula: x > 3", f"formula: {chain}"))


def test_a_number_too_long_to_read_is_an_error(load_claims: Callable[[str], list[str]]) -> None:
    """A number of more digits than Python reads is an error at the number."""
    [shown] = load_claims(HEADER + CLAIM.replace("x > 3", "x > 1" + "0" * 5000))
    assert "c.yaml:11:18: error: a number of 5001 digits is too long to read  [bad-quantity]" == shown.splitlines()[0]


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("g(russia, syria, turkey) > 1", "'g' takes 2 arguments (Country, Country), but 3 were given  [arity]"),
        ("x(1) > 1", "'x' takes no arguments, but 1 was given  [arity]"),
        ("aircraft > 1", "'aircraft' takes 1 argument (Country), but is used without any  [arity]"),
    ],
)
def test_arity_errors_count_in_words(load_claims: Callable[[str], list[str]], formula: str, message: str) -> None:
    """Arity errors say 'takes 1 argument' and '1 was given', not 'argument(s)' and '1 were given'."""
    text = HEADER.replace("sources:", "declarations: |\n  func g(Country, Country): int\nsources:")
    [shown] = load_claims(text + CLAIM.replace("x > 3", formula))
    assert f"c.yaml:13:14: error: {message}" == shown.splitlines()[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x is 3", "unexpected '3'; expected 'about', 'at', 'between', 'exactly', 'fewer', 'less', ..."),
        (
            "x@2016-01-01@2016-01-02",
            ("unexpected '@'; expected a comparison, ')', '*' or '/', '+' or '-', ',', '..', ..."),
        ),
        ("x = y = z", ("unexpected '='; expected the end of the formula, ')', 'and', 'iff', 'implies', 'or', ...")),
        ("x >", ("the formula ends too early; expected a date (YYYY-MM-DD), a name, a number, '(', '-', 'false', ...")),
    ],
)
def test_parse_errors_name_what_was_expected_in_the_users_terms(text: str, message: str) -> None:
    """Expected tokens are named as written ('..', '@', 'at'), words first, and never rule-file keywords."""
    with pytest.raises(S.ParseError) as info:
        S.parse_formula(text)
    assert message == info.value.message


def test_a_doubled_operator_is_not_called_a_keyword_used_as_a_name() -> None:
    """'a and and b' says something is missing before the second 'and'."""
    with pytest.raises(S.ParseError) as info:
        S.parse_formula("x > 3 and and y < 2")
    assert (10, "something is missing before this 'and' (is an operator written twice?)") == (
        info.value.pos,
        info.value.hint,
    )


def test_a_keyword_used_as_a_name_says_so() -> None:
    """'const in: int' says 'in' is a keyword."""
    with pytest.raises(S.ParseError) as info:
        S.parse_items("const in: int")
    assert (
        "unexpected 'in'; expected a name",
        "'in' is a keyword of the formula language and cannot be used as a name",
    ) == (info.value.message, info.value.hint)


def test_a_rule_file_that_ends_early_is_not_called_a_formula() -> None:
    """A rule file cut short says 'the text ends too early'."""
    with pytest.raises(S.ParseError) as info:
        S.parse_items("sort C = {a, b")
    assert "the text ends too early; expected ',', '}'" == info.value.message


def test_a_file_the_system_refuses_to_read_is_reported(broken_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A claim file that cannot be read (here: permission denied) is an error with the system's reason."""

    def refuse(path: Path, max_bytes: int) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("claims._front.inputs.read_regular", refuse)
    with pytest.raises(claims.InputError) as info:
        claims.load("arity.yaml")
    assert ["arity.yaml:1:1: error: cannot read 'arity.yaml': Permission denied  [file-unreadable]"] == [
        str(d) for d in info.value.diagnostics
    ]


@pytest.mark.parametrize("text", ["f('a')", 'f("a")'])
def test_quoted_text_in_a_formula_says_names_are_bare(text: str) -> None:
    """A quoted name in a claim formula gets a hint about formulas, not about rule descriptions."""
    with pytest.raises(S.ParseError) as info:
        S.parse_formula(text)
    assert "a formula has no quoted text: write names bare, as in 'leader(russia)'" == info.value.hint


def test_the_caret_lines_up_under_a_tab() -> None:
    """In a line indented with a tab, the excerpt is printed with the tab expanded, so the caret is under the error."""
    d = claims.Diagnostic(
        span=claims.Span("r.rules", 3, 11),
        code="formula-syntax",
        message="unexpected 'and'",
        excerpt="\tx > 3 and and x < 2",
    )
    _, line, caret = d.render().splitlines()
    assert "and and" == line[caret.index("^") - 4 : caret.index("^") + 3]


def _folder(root: Path, name: str, rule_set: str, rules: str | None) -> None:
    """A folder ``name`` with a claim file that uses ``rule_set``, its article, and (when given) ``rules/x.rules``."""
    d = root / name
    (d / "rules").mkdir(parents=True)
    (d / "article.txt").write_text("the militants in Syria\n", encoding="utf-8")
    for k in (1, 2):
        (d / f"c{k}.yaml").write_text(
            HEADER.replace("rules: [mini]", f"rules: [{rule_set}]") + CLAIM.replace("id: a", f"id: {name}{k}"),
            encoding="utf-8",
        )
    if rules is not None:
        (d / "rules" / "x.rules").write_text(rules, encoding="utf-8")


def test_a_rule_set_name_is_looked_up_from_each_folder(tmp_path: Path) -> None:
    """One name, two folders, two files: each folder's claim files get the rule set found from that folder."""
    from claims._base.errors import DiagnosticSink, Span
    from claims._front.inputs import ANYWHERE
    from claims._front.rulesets import rule_sets_of

    _folder(tmp_path, "one", "x", "const x: int\n")
    _folder(tmp_path, "two", "x", "const y: int\n")
    files = [tmp_path / d / f"c{k}.yaml" for d in ("one", "two") for k in (1, 2)]
    sink = DiagnosticSink()
    found = rule_sets_of([(f, [("x", Span(str(f), 2, 8))]) for f in files], sink, ANYWHERE)
    assert not sink.items
    assert sorted(Path(r.path).parent.parent.name for r in found) == ["one", "two"]


def test_a_rule_set_found_nowhere_is_an_error_at_every_file_that_names_it(tmp_path: Path) -> None:
    _folder(tmp_path, "one", "nowhere", None)
    with pytest.raises(claims.InvalidClaim) as err:
        claims.load(tmp_path / "one")
    places = sorted(
        (Path(d.span.path).name, d.span.line) for d in err.value.diagnostics if d.code == "unknown-rule-set"
    )
    assert places == [("c1.yaml", 2), ("c2.yaml", 2)]
