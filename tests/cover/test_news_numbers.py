"""Numbers as news prints them (issue 21, item 1): each form parses, prints back, and compares exactly.

The value of each form is computed here from its definition (digits, a scale
word's power of ten, a percentage's hundredth, a fraction word's ratio), with
``Fraction`` from integers only, and the engine must agree: a claim with the
form and one with that exact value are consistent, and one a hair off is a
contradiction.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import claims
from claims._front import syntax as S
from tests.strategies import FRACTION_WORDS, SCALE_WORDS, grouped

POWERS = dict(zip(SCALE_WORDS, (10**3, 10**6, 10**9, 10**12), strict=True))
RATIOS = dict(
    zip(FRACTION_WORDS, (Fraction(1, 2), Fraction(1, 3), Fraction(1, 4), Fraction(2, 3), Fraction(3, 4)), strict=True)
)


def _consistent(*formulas: str, decls: str = "const x: real\nconst n: int") -> bool:
    ds = claims.dataset([(f"c{k}", f, "q") for k, f in enumerate(formulas)], rules=decls)
    return not claims.check(ds, cache=False).contradictions


def _exact(value: Fraction) -> str:
    """``value`` in the formula language without any new form: ``(p / q)``."""
    return f"({value.numerator} / {value.denominator})" if value.denominator != 1 else str(value.numerator)


def _agrees(written: str, value: Fraction) -> None:
    assert S.to_text(S.parse_formula(f"x = {written}")) == f"x = {written}"  # prints back as written
    assert _consistent(f"x = {written}", f"x = {_exact(value)}")
    assert not _consistent(f"x = {written}", f"x = {_exact(value)} + 1 / 1000000000000000")


@settings(max_examples=25, deadline=None)
@given(st.integers(1000, 10**12))
def test_thousands_separators(n: int) -> None:
    """``53,000`` is 53000, an int."""
    _agrees(grouped(n), Fraction(n))
    assert _consistent(f"n = {grouped(n)}", f"n = {n}")


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**4), st.integers(0, 999), st.sampled_from(SCALE_WORDS))
def test_scale_words_are_exact(whole: int, tenths: int, scale: str) -> None:
    """``4.9 million`` is 4,900,000 exactly, no float in between; whole values are ints."""
    text = f"{whole}.{tenths:03d} {scale}"
    value = (whole * 1000 + tenths) * Fraction(POWERS[scale], 1000)
    _agrees(text, value)
    if value.denominator == 1:
        assert _consistent(f"n = {text}", f"n = {value}")


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**4), st.integers(0, 99), st.sampled_from(["%", " percent"]))
def test_percentages_are_hundredths(whole: int, cents: int, sign: str) -> None:
    """``40%`` and ``40 percent`` are the number 0.4; ``12.25%`` is 0.1225."""
    _agrees(f"{whole}.{cents:02d}{sign}", Fraction(whole * 100 + cents, 10_000))


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(FRACTION_WORDS), st.integers(1, 10**7))
def test_fractions_of_a_number(word: str, n: int) -> None:
    """``a third of 1,200`` is 400: the fraction times the number."""
    _agrees(f"{word} of {grouped(n)}", RATIOS[word] * n)


def test_a_part_of_a_symbol_and_of_a_duration() -> None:
    """``40% of n`` and ``half of (d1 - d)`` are products, compared exactly."""
    assert _consistent("n = 1,200", "x = 40% of n", "x = 480")
    assert not _consistent("n = 1,200", "x = 40% of n", "x > 480")
    decls = "const d, d1: date\nconst x: real"
    assert _consistent("d = 2016-01-01", "d1 = 2016-01-11", "half of (d1 - d) = 5 days", decls=decls)
    assert not _consistent("d = 2016-01-01", "d1 = 2016-01-11", "half of (d1 - d) > 5 days", decls=decls)


@pytest.mark.parametrize(
    ("formula", "code", "column", "message"),
    [
        ("x = 3 of n", "bad-quantity", 4, "'of' needs a percentage or a fraction before it"),
        (
            "x = 40% of true",
            "sort-mismatch",
            11,
            "'40% of' takes a number or a duration, but this is a statement (bool)",
        ),
    ],
)
def test_what_cannot_be_a_part_is_an_error_at_its_place(formula: str, code: str, column: int, message: str) -> None:
    with pytest.raises(claims.InputError) as info:
        claims.dataset([("a", formula, "q")], rules="const x: real\nconst n: int")
    (d,) = info.value.diagnostics
    assert (code, column, message) == (d.code, d.span.column, d.message)


def test_a_comma_between_arguments_still_separates_them() -> None:
    """``f(1, 000)`` has two arguments; ``f(1,000)`` one: a comma before three digits joins a number."""
    one = S.parse_formula("f(1,000) = 2")
    two = S.parse_formula("f(1, 000) = 2")
    assert isinstance(one, S.Binary) and isinstance(two, S.Binary)
    assert isinstance(one.left, S.Call) and isinstance(two.left, S.Call)
    assert (1, 2) == (len(one.left.args), len(two.left.args))
