"""The JSON report's writer gives the bytes of ``json.dumps(indent=2, ensure_ascii=False)``, for any JSON value."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from claims._report.json_report import _plain, dumps

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**66), max_value=2**66)  # around orjson's 64-bit limit
    | st.floats()
    | st.text()
    | st.text(st.characters(codec=None, categories=["Cs", "Cc", "Zl", "Zp", "Lo"]))  # lone surrogates, controls
)
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
@example({"a": [1e16, 9999999999999998.0, 1e-4, 0.0001, 9.9e-5, -0.0, 1e22, 5e-324]})
@example({"a": [float("nan"), float("inf"), -float("inf")]})
@example({"a": [2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1]})
@example({"a": "\ud800", "\udfff": 1})
@example({"a": '\b\f\n\r\t\x00\x1f\x7f\x80\u2028\u2029\ufeff"\\/'})
@example({"a": [], "b": {}, "c": [[]], "d": ()})
def test_dumps_is_json_dumps_indented(doc: dict[str, Any]) -> None:
    assert dumps(doc) == json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


class _Kind(enum.IntEnum):
    ONE = 1


class _Name(str):
    pass


class _Ratio(float):
    pass


def test_what_it_does_not_know_is_left_to_json_dumps() -> None:
    """Keys that are not strings and subclasses of JSON's types are written as json.dumps writes them."""
    docs: list[dict[Any, Any]] = [
        {"a": {1: "x", None: [2.5]}},
        {"k": _Kind.ONE},
        {"n": [_Name("é\n")]},
        {_Name("k"): 1},
        {"r": _Ratio(1e20)},
    ]
    for doc in docs:
        assert not _plain(doc)
        assert dumps(doc) == json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(
    ("value", "plain"),
    [(0.5, True), (0.0, True), (1e-4, True), (9.9e-5, False), (1e16, False), (float("nan"), False), (True, True)],
)
def test_the_floats_orjson_writes_as_python_does(value: object, plain: bool) -> None:
    """Only floats that Python writes without an exponent, and no NaN, take orjson's path."""
    assert _plain({"x": [value]}) is plain


_WORDS = st.text(st.characters(codec="utf-8"), max_size=12)  # what a claim file can hold: no lone surrogate


@given(
    st.fixed_dictionaries(
        {
            "kind": _WORDS,
            "claims": st.lists(st.lists(_WORDS, min_size=4, max_size=4), max_size=4),
            "rules": st.lists(st.lists(_WORDS, min_size=2, max_size=2), max_size=3),
            "extra": _WORDS,
        }
    )
)
@example({"kind": "warning", "claims": [], "rules": [], "extra": '\x00\x1f\x7f"\\\u2028é'})
def test_a_fingerprints_bytes_are_json_dumps_compact(payload: dict[str, Any]) -> None:
    """A fingerprint hashes these bytes, and baselines keep fingerprints: orjson must write json's bytes."""
    from claims._report.findings import _compact

    want = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert _compact(payload) == want
