"""Two inputs the hostile fuzz of issue 17 found to crash the loader, now diagnostics or answers."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import claims
from claims._front.claimfile import month_bounds


def test_the_last_month_of_the_calendar_has_bounds() -> None:
    """9999-12 ends on 9999-12-31 (the first of the next month does not exist)."""
    assert (datetime.date(9999, 12, 1), datetime.date(9999, 12, 31)) == month_bounds("9999-12")
    ds = claims.dataset([("a", "d in 9999-12", "q")], rules="const d: date")
    assert () == claims.check(ds, cache=False).contradictions


def test_a_float_tag_on_text_is_a_yaml_error_with_a_place(tmp_path: Path) -> None:
    """'name: !!float e' used to end in an IndexError inside ruamel; it is a located yaml-syntax error."""
    path = tmp_path / "c.yaml"
    path.write_text("sources:\n  a:\n    name: !!float e\nclaims: []\n", encoding="utf-8")
    with pytest.raises(claims.InputError) as info:
        claims.load(path)
    (d,) = [x for x in info.value.diagnostics if x.code == "yaml-syntax"]
    assert (3, 10) == (d.span.line, d.span.column)
    assert "invalid YAML: cannot read 'e' as a !!float value" == d.message
