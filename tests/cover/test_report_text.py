"""The text report writes short plain lines itself and leaves the rest to rich: same bytes either way."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text

import claims
from claims._report import text as _report

REPO = Path(__file__).resolve().parents[2]


def _written(items: list[tuple[int, Text]], width: int, direct: bool) -> str:
    out = _report._Writer(color=False, width=width)
    out.direct = direct
    for indent, text in items:
        out(_report.Line(indent, text))
    return out.text()


paragraphs = st.lists(
    st.tuples(
        st.integers(0, 8),
        st.builds(
            Text,
            st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=120),
            style=st.sampled_from(["", "bold", "dim", "italic", "cyan"]),
        ),
    ),
    max_size=6,
)


@given(paragraphs, st.integers(20, 120))
def test_direct_lines_are_what_rich_writes(items: list[tuple[int, Text]], width: int) -> None:
    # any text: unicode, wide characters, tabs, newlines, markup-like brackets, long words
    assert _written(items, width, direct=True) == _written(items, width, direct=False)


long_ascii = st.lists(
    st.tuples(st.integers(0, 12), st.builds(Text, st.text(st.sampled_from(" ab-.[]x"), max_size=300))),
    max_size=5,
)


@given(long_ascii, st.integers(1, 100))
def test_wrapped_lines_are_what_rich_writes(items: list[tuple[int, Text]], width: int) -> None:
    # printable ASCII longer than the width: runs of spaces, words longer than a line, indents past it
    assert _written(items, width, direct=True) == _written(items, width, direct=False)


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize("width", [40, 80, 100])
def test_seed_report_is_the_same_with_and_without_the_direct_path(
    color: bool, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = claims.check(claims.load(REPO / "seeds"), jobs=1)
    fast = _report.render_text(report, color=color, width=width)
    monkeypatch.setattr(_report._Writer, "direct", False)
    assert _report.render_text(report, color=color, width=width) == fast


def test_source_names_with_brackets_are_printed_as_written(tmp_path: Path) -> None:
    # rich reads "[bold]" in a plain string as markup; names are data, never markup
    ds = claims.dataset([("a", "1 = 2", "one is two")], source="[bold] Radio [x]")
    report = claims.check(ds, jobs=1)
    assert "[bold] Radio [x]" in str(report)
    for direct in (True, False):
        _report._Writer.direct = direct
        try:
            assert "  1  [bold] Radio [x]" in _report.render_text(report)
        finally:
            _report._Writer.direct = True
