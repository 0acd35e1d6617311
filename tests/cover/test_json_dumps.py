"""The JSON report's writer gives the bytes of ``json.dumps(indent=2, ensure_ascii=False)``, for any JSON value."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from claims._report.json_report import _plain, dumps
from claims._report.records import Checked, CulpritRecord, WarningRecord, checked_json

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


def _culprit(claims: Any, contradictions: Any = 1) -> CulpritRecord:
    """A record with any values in two of its fields (attrs does not check their types)."""
    return CulpritRecord(name="s", contradictions=contradictions, in_every_repair=0, in_preferred=0, claims=claims)


# a record's fields as they may come: JSON's own types, their subclasses, floats of every kind, tuples of those
_FIELDS = st.recursive(
    scalars | st.sampled_from([_Kind.ONE, _Name("é"), _Ratio(0.5), _Ratio(1e20)]),
    lambda inner: st.lists(inner, max_size=3).map(tuple),
    max_leaves=6,
)


@given(
    st.lists(
        st.builds(
            CulpritRecord,
            name=_FIELDS,
            contradictions=_FIELDS,
            in_every_repair=_FIELDS,
            in_preferred=_FIELDS,
            claims=_FIELDS,
        )
        | st.builds(
            WarningRecord,
            code=_FIELDS,
            fingerprint=st.just("f"),
            level=st.just("warning"),
            failing=st.booleans(),
            message=_FIELDS,
            hint=_FIELDS,
            file=st.none(),
            line=_FIELDS,
            column=st.none(),
            baseline_state=st.sampled_from([None, "new", _Name("new")]),
        ),
        max_size=4,
    )
)
@example([_culprit(("a", "b"))])
@example([_culprit((), float("nan"))])
def test_records_checked_as_they_are_made_are_written_as_json_dumps_writes_them(records: list[Any]) -> None:
    """A ``Checked`` list is taken as plain without a walk: it must hold only what orjson writes as json does."""
    made = checked_json(records)
    assert made == [r.to_json() for r in records]  # the objects to_json makes, checked or not
    doc = {"findings": made}
    assert dumps(doc) == json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if isinstance(made, Checked):
        assert _plain({"findings": list(made)})  # what the walk would have said of it


def test_a_record_with_a_value_orjson_writes_otherwise_is_not_checked() -> None:
    """A subclass of a JSON type, or a float Python writes with an exponent, leaves the list to the walk."""
    for odd in (_Name("x"), _Ratio(0.5), 1e20, float("nan"), [1], {"a": 1}):
        assert not isinstance(checked_json([_culprit((odd,))]), Checked)
    assert isinstance(checked_json([_culprit(("a", 0.5, None))]), Checked)
