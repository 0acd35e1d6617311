"""The lean LALR loop (``claims._front.lalr.Driver``) gives what lark's own parse gives, or says it cannot.

The slow, obvious computation is lark: ``parse(text, start="start")`` of the
parser built with the inline callbacks. On every text, the driver returns
the same value (syntax tree, places and depth) when lark parses it, and
raises ``NotParsed`` when lark raises.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from lark.exceptions import UnexpectedInput

from claims._front import syntax as S
from claims._front.lalr import Driver, NotParsed
from tests.cover.test_formula_fast import item_texts, written


def _every_field(built: Any) -> object:
    """What ``_Inline.start`` returns, with every field of the tree (equality of trees ignores places)."""
    expr, start, end, depth = built
    return type(expr), attrs.astuple(expr, recurse=True), start, end, depth


def _lark(text: str) -> object:
    try:
        value: Any = S._inline_parser().parse(text, start="start")
    except UnexpectedInput:
        return "no parse"
    return _every_field(value)


def _driven(text: str) -> object:
    try:
        return _every_field(S._formula_driver().parse(text))
    except NotParsed:
        return "no parse"


@given(written())
@example("troops(egypt) is at least 2634")
@example("forall c: Country. member_1023(c) implies ally_1023(c)")
@example("pullout_115 - talks_115 is at least 2 weeks")
@example("convoy_524 in 2016-02\n  and\n\tnot p")
@example("a and and b")
@example("")
@example("   ")
@example("x is")
@example("p(x) @ 2016-01-01")
def test_the_driver_parses_as_lark_does(text: str) -> None:
    assert _driven(text) == _lark(text)


@given(st.text(alphabet=st.sampled_from(list("ab()=<>.,:-+*/ 0123456789\n\t@xyzisnotandor%")), max_size=40))
def test_the_driver_on_any_text_parses_as_lark_does(text: str) -> None:
    assert _driven(text) == _lark(text)


def test_only_the_contextual_lexer_is_driven() -> None:
    import lark

    with pytest.raises(NotParsed):
        Driver(lark.Lark('start: "a"', parser="lalr", lexer="basic"), "start")


def _items(parse: Any, text: str) -> object:
    try:
        built: Any = parse(text)
    except (UnexpectedInput, NotParsed):
        return "no parse"
    items, start, end, depth = built
    return [(type(it), attrs.astuple(it, recurse=True)) for it in items], start, end, depth


@given(item_texts())
@example('const a: int\n\n  pred p(C)\nrule x.y: "d" p implies p\n  example: p')
@example("sort C = {a, b")
def test_the_driver_parses_declarations_and_rules_as_lark_does(text: str) -> None:
    lark_parse = S._inline_parser().parse
    assert _items(S._items_driver().parse, text) == _items(lambda t: lark_parse(t, start="ruleset"), text)
