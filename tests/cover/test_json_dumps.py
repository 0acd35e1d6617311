"""The JSON report's writer gives the bytes of ``json.dumps(indent=2, ensure_ascii=False)``, for any JSON value."""

from __future__ import annotations

import enum
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from claims._report.json_report import dumps

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=30,
)


@given(st.dictionaries(st.text(max_size=6), values, max_size=6))
def test_dumps_is_json_dumps_indented(doc: dict[str, Any]) -> None:
    assert dumps(doc) == json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


class _Kind(enum.IntEnum):
    ONE = 1


class _Name(str):
    pass


def test_what_it_does_not_know_is_left_to_json_dumps() -> None:
    """Keys that are not strings and subclasses of JSON's types are written as json.dumps writes them."""
    docs: list[dict[Any, Any]] = [
        {"a": {1: "x", None: [2.5]}},
        {"k": _Kind.ONE},
        {"n": [_Name("é\n")]},
        {_Name("k"): 1},
    ]
    for doc in docs:
        assert dumps(doc) == json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
