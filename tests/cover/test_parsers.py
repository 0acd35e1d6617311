"""The formula parser kept in the user's cache folder is the parser lark builds (claims._front.parsers)."""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import lark
import pytest
from hypothesis import example, given
from lark.exceptions import UnexpectedInput

from claims._front import syntax as S
from claims._front.lalr import Driver, NotParsed
from claims._front.parsers import kept_parser
from tests.cover.test_formula_fast import item_texts, written

OPTIONS: dict[str, Any] = {"parser": "lalr", "start": ["start", "ruleset"], "keep_all_tokens": True}


def _grammar() -> str:
    return resources.files("claims._front").joinpath("claims.lark").read_text("utf-8")


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """A cache folder of its own, and a list that grows by one each time lark builds a parser."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    made: list[int] = []
    build = lark.Lark.__init__

    def counted(self: lark.Lark, *args: Any, **kwargs: Any) -> None:
        made.append(1)
        build(self, *args, **kwargs)

    monkeypatch.setattr(lark.Lark, "__init__", counted)
    return made


def test_a_parser_is_built_once_then_loaded(builds: list[int], tmp_path: Path) -> None:
    first = kept_parser(_grammar(), S._Inline(), **OPTIONS)
    assert builds == [1]
    [kept] = (tmp_path / "claims-check" / "parsers").iterdir()
    assert kept.stat().st_mode & 0o777 == 0o600
    second = kept_parser(_grammar(), S._Inline(), **OPTIONS)
    assert builds == [1] and second is not first
    text = "forall c: Country. member_1(c) implies not ally_1(c) and x@2016-01-01 > 3"
    assert _every_field(second.parse(text, start="start")) == _every_field(first.parse(text, start="start"))
    # another grammar, or other options, is another parser
    kept_parser(_grammar() + "\n", S._Inline(), **OPTIONS)
    kept_parser(_grammar(), S._Inline(), **{**OPTIONS, "keep_all_tokens": False})
    assert builds == [1, 1, 1]


@pytest.mark.parametrize("damage", ["garbage", "unsealed", "other key", "truncated"])
def test_a_damaged_or_foreign_parser_file_is_never_loaded(builds: list[int], tmp_path: Path, damage: str) -> None:
    from claims._base.sign import seal
    from claims._front.parsers import _MAGIC

    kept_parser(_grammar(), S._Inline(), **OPTIONS)
    [kept] = (tmp_path / "claims-check" / "parsers").iterdir()
    data = kept.read_bytes()
    payload = data[len(_MAGIC) + 32 :]
    kept.write_bytes(
        {
            "garbage": b"\0" * 100,
            "unsealed": payload,
            "other key": seal(os.urandom(32), _MAGIC, payload),
            "truncated": data[:-10],
        }[damage]
    )
    parser = kept_parser(_grammar(), S._Inline(), **OPTIONS)
    assert builds == [1, 1]  # built again, not loaded
    assert parser.parse("x > 3", start="start") is not None
    kept_parser(_grammar(), S._Inline(), **OPTIONS)
    assert builds == [1, 1]  # and written anew: loaded this time


@functools.cache
def _loaded() -> lark.Lark:
    """A parser kept, then loaded, in a cache folder of its own."""
    before = os.environ.get("XDG_CACHE_HOME")
    with tempfile.TemporaryDirectory(prefix="claims-parsers-") as folder:
        os.environ["XDG_CACHE_HOME"] = folder
        try:
            kept_parser(_grammar(), S._Inline(), **OPTIONS)
            loaded = kept_parser(_grammar(), S._Inline(), **OPTIONS)
            assert loaded.source_path == "<deserialized>"  # what lark's load says of a parser it loaded
            return loaded
        finally:
            if before is None:
                del os.environ["XDG_CACHE_HOME"]
            else:
                os.environ["XDG_CACHE_HOME"] = before


@functools.cache
def _built() -> lark.Lark:
    return lark.Lark(_grammar(), transformer=S._Inline(), **OPTIONS)


def _every_field(built: Any) -> object:
    items, start, end, depth = built
    fields = [(type(it), attrs.astuple(it, recurse=True)) for it in (items if isinstance(items, tuple) else [items])]
    return fields, start, end, depth


def _outcome(parse: Callable[[str], Any], text: str) -> object:
    try:
        return _every_field(parse(text))
    except (UnexpectedInput, NotParsed):
        return "no parse"


def _same_parses(start: str, text: str) -> None:
    """The loaded parser, through lark and through the driver, parses ``text`` from ``start`` as the built one."""
    want = _outcome(lambda t: _built().parse(t, start=start), text)
    assert _outcome(lambda t: _loaded().parse(t, start=start), text) == want
    assert _outcome(Driver(_loaded(), start).parse, text) == want


@given(written())
@example("convoy_524 in 2016-02\n  and\n\tnot p")
@example("a and and b")
def test_the_loaded_parser_parses_formulas_as_the_built_one(text: str) -> None:
    _same_parses("start", text)


@given(item_texts())
@example('const a: int\n\n  pred p(C)\nrule x.y: "d" p implies p\n  example: p')
@example("sort C = {a, b")
def test_the_loaded_parser_parses_declarations_and_rules_as_the_built_one(text: str) -> None:
    _same_parses("ruleset", text)
