"""FOLIO as published (issue 21, item 6): the forms the gold logic uses, the parenthesis repair,
the reading of free variables, checked through the real pipeline on one-story files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims._base.errors import DiagnosticSink
from claims._front import folio as D
from claims._front import syntax as S
from claims._run import folio as F


def answer(tmp_path: Path, premises: list[str], conclusion: str, free_variables: str = "auto") -> F.Outcome:
    """The pipeline's answer on a one-example story."""
    row = {
        "story_id": 1,
        "example_id": 1,
        "premises": "\n".join(f"Premise {i}." for i in range(len(premises))),
        "premises-FOL": "\n".join(premises),
        "conclusion": "Conclusion.",
        "conclusion-FOL": conclusion,
        "label": "True",
    }
    path = tmp_path / "folio.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    (o,) = F.run_conformance(path, timeout=10.0, free_variables=free_variables).outcomes
    return o


APOS = "\u2019"  # the typographic apostrophe (RIGHT SINGLE QUOTATION MARK) of FOLIO's predicate names


def text(folio: str) -> str:
    return S.to_text(D.parse_folio(folio))


# --------------------------------------------------------------------------- forms of the published logic


def test_a_decimal_point_and_apostrophes_inside_names(tmp_path: Path) -> None:
    assert "ValuedAt(yalesendowment, y42.3billion)" == text("ValuedAt(yalesendowment, y42.3billion)")
    assert "CaliforniaCityVisited(mr.smith, two)" == text("CaliforniaCityVisited(mr.smith, two)")
    assert f"GrowthCompanies{APOS}Stocks(kO)" == text(f"GrowthCompanies{APOS}Stocks(kO)")
    assert "y42_3billion" == F.safe_name("y42.3billion")
    assert "GrowthCompanies_Stocks" == F.safe_name(f"GrowthCompanies{APOS}Stocks")
    o = answer(
        tmp_path,
        [f"∀x (GrowthCompanies{APOS}Stocks(x) → PriceVolatile(x))", f"GrowthCompanies{APOS}Stocks(mr.smith)"],
        "PriceVolatile(mr.smith)",
    )
    assert "True" == o.got
    # a dot after a quantifier's variable is still an error with its hint
    with pytest.raises(S.ParseError, match=r"unexpected character '\.'"):
        D.parse_folio("∀x. P(x)")


def test_chained_iff_says_all_are_equivalent(tmp_path: Path) -> None:
    assert "(A iff B) and (B iff C)" == text("A ↔ B ↔ C")
    assert "(A iff B) and (B iff C) and (C iff D)" == text("A ↔ B ↔ C ↔ D")
    # left-grouped, (A ↔ B) ↔ C would be true with A and B false and C true
    assert "False" == answer(tmp_path, ["A ↔ B ↔ C", "¬A", "¬B"], "C").got


def test_a_quantifier_glued_to_its_body_is_read_as_written(tmp_path: Path) -> None:
    assert "forall x: None. P(x)" == text("∀xP(x)")
    assert "exists x: None. P(x) and Q(x)" == text("∃xP(x) ∧ Q(x)")
    assert "forall xyz: None. P(xyz)" == text("∀xyz (P(xyz))")  # a long variable stays one
    sink = DiagnosticSink()
    r = D.read_formula(D.Formula.plain("∀xP(x) → Q(x)"), sink)
    assert r.expr is not None
    (d,) = sink.items
    assert ("folio-repaired", 1) == (d.code, d.span.column)
    assert "glued" in d.message
    assert "True" == answer(tmp_path, ["∀xP(x) → Q(x)", "P(a)"], "Q(a)").got


# --------------------------------------------------------------------------- the parenthesis repair


def test_a_parenthesis_that_closes_a_quantifier_too_soon(tmp_path: Path) -> None:
    """The issue's example: ∀x (P(x) ∧ Q(x)) → R(x)) with P(a), Q(a) entails R(a)."""
    new, _, done = D.repair("∀x (P(x) ∧ Q(x)) → R(x))")
    assert "∀x (P(x) ∧ Q(x) → R(x))" == new
    ((at, what),) = done
    assert 15 == at and "closed a group too soon" in what
    assert "True" == answer(tmp_path, ["∀x (P(x) ∧ Q(x)) → R(x))", "P(a)", "Q(a)"], "R(a)").got
    # with nothing better, the unmatched ')' itself is dropped
    assert "¬P(a) ∧ ¬Q(a)" == D.repair("¬P(a) ∧ ¬Q(a))")[0]


VARS = ("x", "y")


@st.composite
def formulas(draw: st.DrawFn, depth: int = 2) -> str:
    """A well-formed FOLIO formula over x and y, constants and predicates P Q R (written with parentheses)."""
    if depth == 0 or draw(st.booleans()):
        p = draw(st.sampled_from("PQR"))
        return f"{p}({draw(st.sampled_from([*VARS, 'a']))})"
    kind = draw(st.sampled_from(["not", "and", "or", "implies"]))
    if kind == "not":
        return f"¬({draw(formulas(depth - 1))})"
    op = {"and": "∧", "or": "∨", "implies": "→"}[kind]
    return f"({draw(formulas(depth - 1))} {op} {draw(formulas(depth - 1))})"


@settings(max_examples=150, deadline=None)
@given(formulas(), formulas(), st.data())
def test_repair_restores_a_quantifier_closed_too_soon(a: str, b: str, data: st.DataObject) -> None:
    """∀x ∀y (A → B) with one ')' added after a point where A is complete at the group's depth: the
    chosen repair parses and binds every variable, as the formula without the extra ')' does."""
    good = f"∀x ∀y ({a} → {b} ∧ P(x) ∧ Q(y))"
    cut = len("∀x ∀y (") + len(a)  # just after A
    damaged = good[:cut] + ")" + good[cut:]
    new, _, done = D.repair(damaged)
    expr = D.parse_folio(new)
    assert 0 == D.free_occurrences(expr)
    assert isinstance(expr, S.Quant) and expr.end >= len(new) - 1  # the quantifier reaches the end
    assert S.to_text(D.parse_folio(good)) == S.to_text(expr)
    assert 1 == len(done)
    del data


@settings(max_examples=150, deadline=None)
@given(formulas(depth=3), st.data())
def test_repair_of_one_added_parenthesis_parses(f: str, data: st.DataObject) -> None:
    """One ')' added anywhere in a well-formed formula: the repaired formula is balanced, and it parses
    when the added ')' is among the candidates the bounded search tries (the nearest ones before the
    first unmatched ')': see ``D._REPAIR_SEARCH``)."""
    good = f"∀x ({f})"
    at = data.draw(st.integers(0, len(good)))
    damaged = good[:at] + ")" + good[at:]
    new, index, done = D.repair(damaged)
    assert ([], []) == D.unbalanced(new)
    first = D.unbalanced(damaged)[0][0]
    nearest = D._REPAIR_SEARCH[2]
    if at in [i for i in range(first + 1) if damaged[i] == ")"][-nearest:]:
        D.parse_folio(new)  # dropping the added ')' is a candidate that parses, so the chosen one parses
    assert len(index) == len(new) + 1
    assert done


# --------------------------------------------------------------------------- free variables


def test_free_variables_that_make_a_premise_impossible(tmp_path: Path) -> None:
    """P(a) ∧ ¬(w = z) read with 'for all w, z' is false in every model; auto reads w, z as constants."""
    assert D.closure_impossible(D.parse_folio("P(a) ∧ ¬(w = z)"))
    assert D.closure_impossible(D.parse_folio("∃x (P(x) ∧ w ≠ z)"))
    assert not D.closure_impossible(D.parse_folio("P(a) ∧ ¬(x = z) → Q(a)"))
    assert not D.closure_impossible(D.parse_folio("∃x ∃y (P(x) ∧ ¬(x = y))"))
    premises = ["P(a) ∧ ¬(w = z)"]
    universal = answer(tmp_path, premises, "P(a)", "universal")
    assert "vacuous" == universal.got
    assert any("is read as 'for all w'" in d.message for d in universal.warnings)
    for reading in ("auto", "constant"):
        o = answer(tmp_path, premises, "P(a)", reading)
        assert "True" == o.got
        assert any("'w' is not bound by any quantifier; it is read as a constant" in d.message for d in o.warnings)
    # a formula whose closure is possible keeps the universal reading under auto
    assert "True" == answer(tmp_path, ["P(x)"], "P(b)").got
    assert "Uncertain" == answer(tmp_path, ["P(x)"], "P(b)", "constant").got


def test_the_repair_search_is_bounded() -> None:
    """Past the search's bounds each unmatched ')' is dropped itself (a hostile formula stays fast)."""
    chars, unmatched, _ = D._REPAIR_SEARCH
    body = "P(x) ∧ " * (chars // 7)
    long = f"∀x ({body}Q(x)) → R(x))"
    assert len(long) > chars
    assert f"∀x ({body}Q(x)) → R(x)" == D.repair(long)[0]
    many = "∀x (P(x) ∧ Q(x)) → R(x))" + ")" * unmatched
    new, _, done = D.repair(many)
    assert "∀x (P(x) ∧ Q(x) → R(x))" == new  # the first unmatched ones are still searched
    assert 1 + unmatched == len(done)
