"""The sorts of the formula language: the README's table is what resolve enforces.

Every example in the table's "e.g." column resolves and every one in its
"sort-mismatch" column is rejected with that code; generated well-sorted
formulas resolve and encode (into SMT that z3 reads without a sort error), and
generated formulas with one operand of a wrong sort are rejected with
``sort-mismatch`` at exactly that operand.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

import attrs
import pytest
import z3
from hypothesis import example, given

import claims
from claims._front import syntax as S
from claims._logic.encode import encode, script
from tests.strategies import SORTED_VOCABULARY, ill_sorted_formulas, sorted_formulas

README = Path(__file__).resolve().parents[2] / "README.md"
_NODES = typing.get_args(S.Expr)


def _resolve(formula: str) -> claims.Dataset:
    return claims.dataset([("a", formula, "q")], rules=SORTED_VOCABULARY)


def _diagnostic(formula: str) -> claims.Diagnostic:
    with pytest.raises(claims.InputError) as info:
        _resolve(formula)
    (d,) = info.value.diagnostics
    return d


def _path_to(tree: S.Expr, target: S.Expr) -> list[tuple[str, int | None]] | None:
    """The way from ``tree`` down to the node that *is* ``target`` (field, index in a tuple)."""
    if tree is target:
        return []
    for f in attrs.fields(type(tree)):
        value = getattr(tree, f.name)
        kids: list[tuple[int | None, object]] = (
            [(None, value)]
            if isinstance(value, _NODES)
            else (list(enumerate(value)) if isinstance(value, tuple) else [])
        )
        for i, kid in kids:
            if isinstance(kid, _NODES):
                rest = _path_to(kid, target)
                if rest is not None:
                    return [(f.name, i), *rest]
    return None


def _follow(tree: S.Expr, path: list[tuple[str, int | None]]) -> S.Expr:
    for name, i in path:
        value = getattr(tree, name)
        tree = value if i is None else value[i]
    return tree


@given(sorted_formulas())
@example(S.parse_formula("2016-03-14 - d is about 5 months and d + 5 months > d1 and held_on(d1 + 2 weeks)"))
@example(S.parse_formula("d1 - d + 1 = 5 days and (d1 - d) / 7 > r and 2 * (d1 - d) <= 3 weeks"))
def test_well_sorted_formulas_resolve_and_encode(tree: S.Expr) -> None:
    """A formula the table allows resolves, encodes, and its SMT-LIB text is well sorted for z3."""
    ds = _resolve(S.to_text(tree))
    enc = encode(ds)
    z3.parse_smt2_string(script(enc, enc.units))


@given(ill_sorted_formulas())
def test_ill_sorted_formulas_are_rejected_at_the_wrong_operand(drawn: tuple[S.Expr, S.Expr]) -> None:
    """One operand of a wrong sort gives one sort-mismatch, spanning exactly that operand."""
    tree, planted = drawn
    text = S.to_text(tree)
    path = _path_to(tree, planted)
    assert path is not None
    node = _follow(S.parse_formula(text), path)
    d = _diagnostic(text)
    assert ("sort-mismatch", 1, node.pos, 1, node.end) == (
        d.code,
        d.span.line,
        d.span.column,
        d.span.end_line,
        d.span.end_column,
    ), text


@pytest.mark.parametrize(
    ("formula", "column", "message"),
    [
        ("d = 5", 4, "cannot compare a date with a whole number (int)"),
        ("d > 5000", 4, "cannot compare a date with a whole number (int)"),
        ("d is between 3 and 4", 13, "cannot compare a date with a whole number (int)"),
        ("5 = d", 0, "cannot compare a whole number (int) with a date"),
        ("d + 5 = d1", 4, "cannot add a whole number (int) to a date"),
        ("held_on(d + 5 months)", 8, "argument 1 of 'held_on' must be a date, but this one falls between two days"),
    ],
)
def test_the_issue_examples_name_the_operand(formula: str, column: int, message: str) -> None:
    """The formulas of issue 16 (a date used as a number) are errors at the number, saying why."""
    d = _diagnostic(formula)
    assert ("sort-mismatch", column, message) == (d.code, d.span.column, d.message)


def test_a_date_against_a_number_is_not_a_contradiction_in_the_library() -> None:
    """``d = 5`` beside ``d = 2010-04-22`` used to be a contradiction; now it is an input error."""
    with pytest.raises(claims.InputError) as info:
        claims.dataset([("a", "d = 2010-04-22", "q"), ("b", "d = 5", "q")], rules="const d: date")
    assert ["sort-mismatch"] == [x.code for x in info.value.diagnostics]


def _table() -> list[tuple[str, list[str], list[str]]]:
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- sorts:start -->\n", 1)[1].split("\n<!-- sorts:end -->", 1)[0]
    rows = []
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append((cells[0], re.findall(r"`([^`]+)`", cells[2]), re.findall(r"`([^`]+)`", cells[3])))
    return rows


@pytest.mark.parametrize(("form", "good", "bad"), _table())
def test_readme_sort_table_examples(form: str, good: list[str], bad: list[str]) -> None:
    """Each row's examples resolve, and each row's counter-examples are sort-mismatch errors."""
    for formula in good:
        _resolve(formula)
    for formula in bad:
        assert "sort-mismatch" == _diagnostic(formula).code, formula
    assert good or bad, form
