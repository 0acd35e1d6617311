"""Two inputs the hostile fuzz of issue 17 found to crash the loader, now diagnostics or answers."""

from __future__ import annotations

import datetime
import warnings
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


_FILE = """\
document: doc.txt
declarations: |
  const p: bool
sources:
  a:
    name: A
claims:
  - id: c1
    source: a
    said: 2020-01-01
    quote: "x"
    formula: p
"""


def _warned_while_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message: str, category: type[Warning]) -> Path:
    """A claim file (and its document) whose YAML reader issues ``category`` before it reads."""
    from claims._front import claimfile, yamlread

    real = yamlread.read_yaml

    def read_yaml(*args: object) -> object:
        warnings.warn(message, category, stacklevel=1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(claimfile, "read_yaml", read_yaml)
    (tmp_path / "doc.txt").write_text("x\n", encoding="utf-8")
    path = tmp_path / "c.yaml"
    path.write_text(_FILE, encoding="utf-8")
    return path


def test_a_warning_from_elsewhere_during_the_read_is_not_a_yaml_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warning another part of the process issues while a file is read (another thread's, or a
    ResourceWarning of an object collected then) used to be reported as 'invalid YAML' of the file:
    it is issued again as it was, and the file loads."""
    path = _warned_while_read(tmp_path, monkeypatch, "unclosed file <_io.TextIOWrapper>", ResourceWarning)
    with pytest.warns(ResourceWarning, match="unclosed file"):
        ds = claims.load(path)
    assert ["c1"] == [c.id for c in ds.claims]


def test_a_warning_of_the_yaml_reader_is_still_an_error_at_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ruamel's own warnings are about the file: still a located yaml-syntax error."""
    from ruamel.yaml.error import ReusedAnchorWarning

    path = _warned_while_read(tmp_path, monkeypatch, "found duplicate anchor", ReusedAnchorWarning)
    with pytest.raises(claims.InputError) as info:
        claims.load(path)
    assert ["invalid YAML: found duplicate anchor"] == [d.message for d in info.value.diagnostics]
