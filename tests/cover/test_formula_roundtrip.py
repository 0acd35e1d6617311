"""Printing a formula and parsing it back gives the same tree (``parse(print(t)) == t``)."""

from __future__ import annotations

import pytest
from hypothesis import example, given

from claims._front import syntax as S
from tests.strategies import NAME_RE, formulas, names


@given(formulas())
@example(S.Call("p", (S.Binary(">", S.Name("x"), S.Num("3")),)))
@example(S.Binary("-", S.Name("x"), S.Unary("-", S.Unary("-", S.Num("1")))))
@example(S.Quantity(kind="in_range", term=S.Name("d"), bounds=(S.Num("1.5"), S.Num("2"))))
@example(S.Binary("implies", S.Name("a"), S.Quant("forall", (("c", "C"),), S.Name("b"))))
def test_print_then_parse_gives_the_same_tree(tree: S.Expr) -> None:
    """``parse_formula(to_text(t)) == t`` for every syntax tree ``t``."""
    assert tree == S.parse_formula(S.to_text(tree))


@given(formulas())
def test_printing_is_a_fixed_point(tree: S.Expr) -> None:
    """Printing a parsed printout gives the same text again."""
    text = S.to_text(tree)
    assert text == S.to_text(S.parse_formula(text))


@given(names())
def test_generated_names_are_names(name: str) -> None:
    """The name strategy draws only what the grammar reads as a name, never a keyword."""
    assert S.Name(name) == S.parse_formula(name)


@pytest.mark.parametrize("keyword", sorted(S._KEYWORDS))
def test_keywords_are_not_names(keyword: str) -> None:
    """Every keyword of the formula language is excluded from names by the grammar."""
    assert None is NAME_RE.fullmatch(keyword)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("¬a ∧ b → c", "not a and b implies c"),
        ("a ↔ b ⊕ c ∨ d", "a iff b xor c or d"),
        ("∀ x: C. ∃ y: C. r(x, y)", "forall x: C. exists y: C. r(x, y)"),
        ("x ≠ 1 ∧ y ≤ 2 ∧ z ≥ 3", "x != 1 and y <= 2 and z >= 3"),
        ("a -> b <-> c", "a implies b iff c"),
        ("x is more than 3", "x is over 3"),
        ("5 month", "5 months"),
    ],
)
def test_printer_writes_canonical_ascii(written: str, canonical: str) -> None:
    """Unicode and alternative spellings print in the one canonical ASCII form."""
    assert canonical == S.to_text(S.parse_formula(written))
