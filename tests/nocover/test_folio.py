"""FOLIO through the same pipeline: the dialect, the importer, and the conformance run in CI.

The conformance test fails when agreement with FOLIO's gold labels drops below
the figure recorded in ``tests/data/folio/expected_agreement.txt``; raise that
figure when a change improves it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import claims
from claims._base.errors import DiagnosticSink
from claims._front import folio as D
from claims._front import syntax as S
from claims._front.lint import Use
from claims._run import folio as F
from cli import main
from tests.strategies import NAME_RE

DATA = Path(__file__).resolve().parents[1] / "data" / "folio"
VALIDATION = DATA / "folio_v2_validation.jsonl"
EXPECTED = int((DATA / "expected_agreement.txt").read_text(encoding="utf-8").split()[0])


def ours(folio: str) -> str:
    """A FOLIO formula as the importer writes it in our language (one story, names as assigned)."""
    expr = D.parse_folio(folio)
    uses: list[Use] = []
    syms: list[F.Sym] = []
    free: list[str] = []
    F._walk(
        expr,
        "formula",
        frozenset(),
        D.Read(D.Formula.plain(folio), expr, folio, tuple(range(len(folio) + 1))),
        "g",
        uses,
        syms,
        free,
    )
    return S.to_text(F.close_free(F._translate(expr, "formula", F.assign_names(syms), {}), free))


def row(**fields: object) -> str:
    """One JSON Lines row with FOLIO's fields (defaults: a two-premise story)."""
    base: dict[str, object] = {
        "story_id": 1,
        "example_id": 10,
        "premises": "All cats are mammals.\nTom is a cat.",
        "premises-FOL": "∀x (Cat(x) → Mammal(x))\nCat(tom)",
        "conclusion": "Tom is a mammal.",
        "conclusion-FOL": "Mammal(tom)",
        "label": "True",
    }
    base.update(fields)
    return json.dumps({k: v for k, v in base.items() if v is not None})


def write_rows(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "folio.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the conformance run (CI gate)


@pytest.fixture(scope="module")
def validation() -> F.Conformance:
    """The FOLIO v2 validation split, run once for the module."""
    return F.run_conformance(VALIDATION, timeout=10.0)


def test_agreement_does_not_drop(validation: F.Conformance) -> None:
    """Every example runs (no unreadable formula) and agreement stays at or above the recorded figure."""
    assert 203 == validation.total
    assert [] == [o.example.example_id for o in validation.outcomes if o.got == "error"]
    assert validation.agree >= EXPECTED, (
        f"FOLIO agreement dropped to {validation.agree}/{validation.total}, "
        f"below the recorded {EXPECTED} (tests/data/folio/expected_agreement.txt)"
    )


def test_confusion_table_adds_up(validation: F.Conformance) -> None:
    """The confusion table counts every example once, and its diagonal is the agreement."""
    table = validation.confusion()
    assert validation.total == sum(sum(r.values()) for r in table.values())
    assert validation.agree == sum(table[g][g] for g in D.LABELS)


def test_disagreements_list_their_warnings(validation: F.Conformance) -> None:
    """The text report lists each disagreement with its example id and the warnings that may explain it."""
    text = F.FORMATS["text"](validation)
    assert f"agreement with the gold labels: {validation.agree}/203" in text
    # example 57: the conclusion writes 'thelegendofzelda', the premises 'theLegendofZelda'
    block = text.split("example 57 (story 20", 1)[1].split("\n\n", 1)[0]
    assert "gold True, got Uncertain" in block
    assert "'thelegendofzelda' and 'theLegendofZelda' differ only by case" in block
    assert "folio_v2_validation.jsonl:13:" in block


DOC = Path(__file__).resolve().parents[2] / "docs" / "folio.md"


def test_the_docs_figures_are_what_the_run_computes(validation: F.Conformance) -> None:
    """docs/folio.md shows the agreement, the confusion table and the count of explained disagreements
    of this run, and gives a cause for every disagreement that no warning explains.

    To update the doc: paste ``F.doc_figures(F.run_conformance(VALIDATION))`` between its markers."""
    doc = DOC.read_text(encoding="utf-8")
    shown = doc.split("<!-- figures: begin -->\n", 1)[1].split("<!-- figures: end -->", 1)[0]
    assert F.doc_figures(validation) + "\n" == shown
    causes = doc.split("The disagreements no warning explains, and why:", 1)[1].split("\n## ", 1)[0]
    listed = {i for bold in re.findall(r"\* \*\*([\d, ]+)\*\*", causes) for i in bold.split(", ")}
    assert {o.example.example_id for o in F.unexplained(validation)} == listed


def test_each_disagreement_names_its_likely_explanation(validation: F.Conformance) -> None:
    """A disagreement with warnings that may explain it names the first, ranked; the JSON has its rank."""
    text = F.FORMATS["text"](validation)
    data = {e["example_id"]: e for e in json.loads(F.FORMATS["json"](validation))["examples"]}
    for o in validation.outcomes:
        e = data[o.example.example_id]
        if o.agree or not o.relevant:
            assert e["likely_explanation"] is None
            continue
        assert f"    likely: {o.relevant[0]}" in text
        assert o.relevant[0].message == e["likely_explanation"]["message"]
        ranks = sorted(w["rank"] for w in e["warnings"] if w["rank"] is not None)
        assert list(range(1, len(o.relevant) + 1)) == ranks
    # example 57: the conclusion's 'thelegendofzelda' against the premises' 'theLegendofZelda' comes
    # before the repair of a premise
    (o57,) = [o for o in validation.outcomes if o.example.example_id == "57"]
    assert ["similar-symbols", "folio-repaired"] == [d.code for d in o57.relevant[:2]]


def test_conformance_json_cli() -> None:
    """`claims conformance folio --format json` has total, agree and each example with gold, got, warnings."""
    result = CliRunner().invoke(main, ["conformance", "folio", str(VALIDATION), "--format", "json"])
    assert 0 == result.exit_code, result.output
    data = json.loads(result.output)
    assert 203 == data["total"] == len(data["examples"])
    assert data["agree"] >= EXPECTED
    ex = {e["example_id"]: e for e in data["examples"]}["1015"]
    assert ("True", "Uncertain") == (ex["gold"], ex["got"])
    codes = {w["code"] for w in ex["warnings"]}
    assert {"free-variable", "folio-repaired", "similar-symbols"} <= codes
    assert all({"line", "column", "message", "may_explain"} <= set(w) for w in ex["warnings"])


def test_min_agreement_sets_the_exit_code(tmp_path: Path) -> None:
    """--min-agreement N exits 1 when fewer than N examples agree, 0 otherwise."""
    path = write_rows(tmp_path, row())
    runner = CliRunner()
    assert 0 == runner.invoke(main, ["conformance", "folio", str(path), "--min-agreement", "1"]).exit_code
    assert 1 == runner.invoke(main, ["conformance", "folio", str(path), "--min-agreement", "2"]).exit_code


def test_conformance_is_the_pipeline(tmp_path: Path, validation: F.Conformance) -> None:
    """An imported story checked with claims.load/claims.check gives the conformance run's answers."""
    out = tmp_path / "out"
    assert 0 == CliRunner().invoke(main, ["import", "folio", str(VALIDATION), "-o", str(out)]).exit_code
    report = claims.check(claims.load(out / "story-380"), jobs=1)
    got = {v.claim.id: F.VERDICT_LABEL.get(v.verdict, v.verdict) for v in report.conclusions}
    expected = {f"c{o.example.example_id}": o.got for o in validation.outcomes if o.example.story_id == "380"}
    assert expected == got


# --------------------------------------------------------------------------- the importer


def test_import_writes_one_dataset_per_story(tmp_path: Path) -> None:
    """Each story becomes DIR/story-ID/ with claims.yaml and story.txt, and `claims check` runs on it."""
    path = write_rows(
        tmp_path,
        row(),
        row(example_id=11, conclusion="Tom is not a mammal.", **{"conclusion-FOL": "¬Mammal(tom)", "label": "False"}),
    )
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(main, ["import", "folio", str(path), "-o", str(out)])
    assert 0 == result.exit_code, result.output
    assert ["claims.yaml", "story.txt"] == sorted(p.name for p in (out / "story-1").iterdir())
    text = (out / "story-1" / "claims.yaml").read_text(encoding="utf-8")
    assert 'formula: "forall x: U. Cat(x) implies Mammal(x)"' in text
    assert "kind: conclusion" in text and "gold label False" in text
    check = runner.invoke(main, ["check", str(out / "story-1"), "--no-cache", "--jobs", "1"])
    assert 1 == check.exit_code  # a refuted conclusion is a finding
    assert "SUPPORTED  c10" in check.output and "REFUTED  c11" in check.output


def test_import_never_overwrites_unless_asked(tmp_path: Path) -> None:
    """A second import refuses (exit 2, nothing written); --overwrite replaces only our files."""
    path = write_rows(tmp_path, row())
    out = tmp_path / "out"
    runner = CliRunner()
    assert 0 == runner.invoke(main, ["import", "folio", str(path), "-o", str(out)]).exit_code
    target = out / "story-1" / "claims.yaml"
    target.write_text("# edited by hand\n", encoding="utf-8")
    (out / "story-1" / "mine.txt").write_text("keep", encoding="utf-8")
    again = runner.invoke(main, ["import", "folio", str(path), "-o", str(out)])
    assert 2 == again.exit_code
    assert "[file-exists]" in again.output and "nothing was written" in again.output
    assert "# edited by hand\n" == target.read_text(encoding="utf-8")
    assert 0 == runner.invoke(main, ["import", "folio", str(path), "-o", str(out), "--overwrite"]).exit_code
    assert target.read_text(encoding="utf-8").startswith("# FOLIO story 1")
    assert "keep" == (out / "story-1" / "mine.txt").read_text(encoding="utf-8")


def test_import_refuses_unreadable_formulas_unless_skipped(tmp_path: Path) -> None:
    """A formula that cannot be read stops the import (exit 2, line and column); --skip-invalid leaves it out."""
    path = write_rows(tmp_path, row(), row(story_id=2, example_id=20, **{"conclusion-FOL": "Mammal(tom) ∧"}))
    out = tmp_path / "out"
    runner = CliRunner()
    bad = runner.invoke(main, ["import", "folio", str(path), "-o", str(out)])
    assert 2 == bad.exit_code
    assert "folio.jsonl:2:" in bad.output and "the conclusion of example 20" in bad.output
    assert not out.exists()
    ok = runner.invoke(main, ["import", "folio", str(path), "-o", str(out), "--skip-invalid"])
    assert 0 == ok.exit_code, ok.output
    assert "# c20: the FOLIO formula could not be read" in (out / "story-2" / "claims.yaml").read_text("utf-8")


def test_both_layouts_and_missing_ids(tmp_path: Path) -> None:
    """Premises as a list, 'Unknown' labels and rows without ids are read; rows are numbered."""
    rows = [
        json.dumps(
            {
                "premises": ["All cats are mammals.", "Tom is a cat."],
                "premises-FOL": ["∀x (Cat(x) → Mammal(x))", "Cat(tom)"],
                "conclusion": c,
                "conclusion-FOL": f,
                "label": lab,
            }
        )
        for c, f, lab in [("Tom is a mammal.", "Mammal(tom)", "True"), ("Tom is black.", "Black(tom)", "Unknown")]
    ]
    result = F.run_conformance(write_rows(tmp_path, *rows), timeout=10.0)
    assert [("1", "1", "True", "True"), ("2", "1", "Uncertain", "Uncertain")] == [
        (o.example.example_id, o.example.story_id, o.example.label, o.got) for o in result.outcomes
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "must be a JSON object"),
        (row(label="Maybe"), "the label must be one of True, False, Uncertain"),
        (row(conclusion=None), "has no 'conclusion' field"),
        (row(**{"premises-FOL": 3}), "'premises-FOL' must be text"),
    ],
)
def test_bad_rows_are_input_errors(tmp_path: Path, line: str, message: str) -> None:
    """A row that is not a FOLIO example is an input error with its line (exit 2), never a traceback."""
    path = write_rows(tmp_path, row(), line)
    result = CliRunner().invoke(main, ["conformance", "folio", str(path)])
    assert 2 == result.exit_code
    assert message in result.output and "folio.jsonl:2:" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_duplicate_example_ids_are_an_error(tmp_path: Path) -> None:
    """Two rows with one example_id cannot both be reported: an input error on the second."""
    sink = DiagnosticSink()
    D.read_folio(write_rows(tmp_path, row(), row()), sink)
    assert ["example_id 10 is used twice (first on line 1)"] == [d.message for d in sink.errors]
    assert 2 == sink.errors[0].span.line


# --------------------------------------------------------------------------- the dialect


@pytest.mark.parametrize(
    ("folio", "expected"),
    [
        ("∀x (Cat(x) → Mammal(x))", "forall x: U. Cat(x) implies Mammal(x)"),
        ("∃x ∃y (P(x) ∧ P(y) ∧ ¬(x=y))", "exists x: U, y: U. P(x) and P(y) and not x = y"),
        ("∀x∀y(R(x, y) → x ≠ y)", "forall x: U, y: U. R(x, y) implies x != y"),
        ("A(a) ∧ B(a) ∨ C(a) ⊕ D(a) → E(a) ↔ F(a)", "A(a) and B(a) or C(a) xor D(a) implies E(a) iff F(a)"),
        ("A(a) ∧ (B(a) ∨ C(a)) ⊕ D(a)", "A(a) and (B(a) or C(a)) xor D(a)"),
        ("P(a) → Q(a) → R(a)", "P(a) implies Q(a) implies R(a)"),
        ("P(a) ⊕ Q(a) ⊕ R(a)", "P(a) xor Q(a) xor R(a)"),
        ("GoodGuy(a) ⟷ BadGuy(b)", "GoodGuy(a) iff BadGuy(b)"),
        ("¬∃x (P(x)) ∧ ¬W(j)", "not (exists x: U. P(x)) and not W(j)"),
        # a parenthesis after the variables delimits the scope ...
        ("∀x (∃y (Sibling(x, y)) → Born(x))", "forall x: U. (exists y: U. Sibling(x, y)) implies Born(x)"),
        # ... a quantifier without one reaches as far right as it can
        ("∀x (O(x) → (∃y C(y) ∧ L(y, x)))", "forall x: U. O(x) implies (exists y: U. C(y) and L(y, x))"),
        ("Raining → Wet(street)", "Raining implies Wet(street)"),
        ("f(a) = b", "f(a) = b"),
    ],
)
def test_dialect_reads_as_documented(folio: str, expected: str) -> None:
    """Precedence ¬ ∧ ∨ ⊕ → ↔, quantifier scope, equality, propositions and functions."""
    assert expected == ours(folio)


def test_translation_round_trips_through_our_parser() -> None:
    """Every formula the importer writes parses back (with claims.lark) to the same tree."""
    sink = DiagnosticSink()
    for sd in F.convert_file(VALIDATION).stories:
        text = sd.files[f"{sd.story.name}/claims.yaml"]
        for line in text.splitlines():
            if line.startswith("    formula: "):
                formula = json.loads(line.split(": ", 1)[1])
                assert formula == S.to_text(S.parse_formula(formula))
    assert [] == sink.items


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("świątek", "swiatek"),
        ("Łódź", "Lodz"),
        ("2008SummerOlympics", "_2008SummerOlympics"),
        ("1984", "_1984"),
        ("male-and-femaleMating", "male_and_femaleMating"),
        ("is", "is_"),
        ("In", "In"),
        ("U", "U_"),
        ("exists", "exists_"),
        ("αβ", "u03b1u03b2"),
        ("dani_Shapiro", "dani_Shapiro"),
    ],
)
def test_safe_names(name: str, expected: str) -> None:
    """Names that are not names of our language are mapped deterministically to ones that are."""
    assert expected == F.safe_name(name)
    assert S.parse_formula(f"P({F.safe_name(name)})") is not None


@given(st.text(st.characters(categories=["L", "Nd", "Pd", "Pc"]), min_size=1, max_size=12))
def test_safe_names_are_names_of_our_language(name: str) -> None:
    """Whatever letters, digits and dashes a FOLIO name holds, its safe name is a name of claims.lark."""
    assert NAME_RE.fullmatch(F.safe_name(name))


_FOLIO_TEXT = st.text(st.sampled_from(list("∀∃¬∧∨→↔⊕=≠(), xyPQab1-ś.&")), max_size=30)


@given(_FOLIO_TEXT)
def test_any_text_parses_or_says_where_it_fails(text: str) -> None:
    """parse_folio returns a tree or raises ParseError with an offset inside the text; nothing else."""
    try:
        D.parse_folio(text)
    except S.ParseError as exc:
        assert 0 <= exc.pos <= len(text)


@given(_FOLIO_TEXT)
def test_reading_never_raises(text: str) -> None:
    """read_formula (repairs included) records diagnostics and never raises."""
    sink = DiagnosticSink()
    r = D.read_formula(D.Formula.plain(text), sink)
    assert (r.expr is None) == bool(sink.errors)


def test_clashing_names_get_distinct_symbols() -> None:
    """One name with two arities is two symbols; transliteration clashes get a suffix."""
    names = F.assign_names(
        [
            F.Sym("pred", "Spend", 3),
            F.Sym("pred", "Spend", 4),
            F.Sym("const", "swiatek", 0),
            F.Sym("const", "świątek", 0),
            F.Sym("const", "Mammal", 0),
            F.Sym("pred", "Mammal", 1),
        ]
    )
    assert {"Spend": ["Spend", "Spend_4"], "swiatek": ["swiatek", "swiatek_c"], "Mammal": ["Mammal", "Mammal_c"]} == {
        n: sorted(v for s, v in names.items() if s.name.replace("ś", "s").replace("ą", "a") == n)
        for n in ("Spend", "swiatek", "Mammal")
    }
    assert len(set(names.values())) == len(names)


def test_free_variables_are_closed_universally() -> None:
    """A free single-letter variable (u..z) is read as 'for all'; other unbound names are constants."""
    assert "forall x: U. Attend(x, event) and Studen(bonne)" == ours("Attend(x, event) ∧ Studen(bonne)")
    assert "not StreamingService(y1984)" == ours("¬StreamingService(y1984)")


# The malformations NOTICE.txt lists, each with the diagnostic it must give (line 1 of the file).
MALFORMED = [
    # unbalanced parentheses: an error from the parser, a repair (warning) from the importer
    ("∀x (P(x) ∧ Q(x))) → R(x))", 16, "unmatched ')'"),
    ("∀x (At(x, mixer) ∧ (G(x) → P(x))", 3, "'(' is never closed"),
    # not a formula at all
    ("P(a) ∧", 6, "the formula ends too early"),
    ("P(a) & Q(a)", 5, "unexpected character '&'"),
    ("P(a) Q(a)", 5, "unexpected 'Q'"),
    ("", 0, "the formula is empty"),
    ("∀x. P(x)", 2, "unexpected character '.'"),
]


@pytest.mark.parametrize(("folio", "offset", "message"), MALFORMED)
def test_malformed_formulas_raise_with_offset(folio: str, offset: int, message: str) -> None:
    """The strict parser names the problem and its offset; it never raises anything but ParseError."""
    with pytest.raises(S.ParseError) as info:
        D.parse_folio(folio)
    assert message in info.value.message
    assert offset == info.value.pos


@pytest.mark.parametrize(("folio", "offset", "message"), MALFORMED)
def test_malformed_formulas_get_line_and_column_in_the_file(
    tmp_path: Path, folio: str, offset: int, message: str
) -> None:
    """In a JSONL file (Unicode escaped) the diagnostic points at the character's line and column."""
    raw = row(**{"conclusion-FOL": folio})
    path = write_rows(tmp_path, row(example_id=9), raw)
    sink = DiagnosticSink()
    (_, ex) = D.read_folio(path, sink)
    D.read_formula(ex.conclusion_fol, sink, repair_parens=False)
    (d,) = sink.items
    assert (2, "error", "formula-syntax") == (d.span.line, d.severity, d.code)
    value_start = raw.index('"conclusion-FOL": ') + len('"conclusion-FOL": ') + 1
    decoded_prefix = json.dumps(folio[:offset])[1:-1]  # the escaped text before the offset
    assert value_start + len(decoded_prefix) == d.span.column
    assert message in d.message


def test_unbalanced_parentheses_are_repaired_with_a_warning() -> None:
    """The importer drops a ')' too many, drops a grouping '(' never closed, closes an argument list."""
    sink = DiagnosticSink()
    r = D.read_formula(D.Formula.plain("∀x (P(x) ∧ Q(x))) → R(x))"), sink)
    assert r.expr is not None
    # dropping the last unmatched ')' would leave the x of R(x) outside its quantifier: the ')' that
    # closed the quantifier's group too soon is dropped instead
    assert "forall x: U. P(x) and Q(x) implies R(x)" == S.to_text(
        F._translate(r.expr, "formula", {F.Sym("pred", n, 1): n for n in "PQR"}, {})
    )
    assert ["folio-repaired"] * 2 == [d.code for d in sink.items]
    assert [16, 17] == [d.span.column + 1 for d in sink.items]
    assert "closed a group too soon" in sink.items[0].message
    assert "P(a) ∧ Q(b)" == D.repair("P(a) ∧ Q(b")[0]  # an argument list, closed at the end
    assert "P(a) ∧ Q(b)" == D.repair("(P(a) ∧ Q(b)")[0]  # a group, dropped


def test_spelling_and_case_mismatches_are_linted(tmp_path: Path) -> None:
    """A conclusion that spells a premise's symbol differently gets a warning placed in the file."""
    path = write_rows(tmp_path, row(**{"conclusion-FOL": "Mamal(Tom)"}))
    result = F.run_conformance(path, timeout=10.0)
    (o,) = result.outcomes
    assert "Uncertain" == o.got
    similar = [d.message.split(";")[0] for d in o.relevant if d.code == "similar-symbols"]
    assert ["'Mamal' and 'Mammal' differ only by one letter", "'Tom' and 'tom' differ only by case"] == similar
    assert all(d.span.line == 1 for d in o.relevant)
