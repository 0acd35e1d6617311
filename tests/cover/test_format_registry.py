"""One formatter registry: each command's ``--format`` choices are the names its renderers registered."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest

import cli
from claims._report.findings import FORMATS
from claims._report.registry import Formats

REPO = Path(__file__).resolve().parents[2]


def _choices(*path: str) -> tuple[str, ...]:
    command: click.Command = cli.main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    [fmt] = [p for p in command.params if p.name == "fmt"]
    assert isinstance(fmt.type, click.Choice)
    return tuple(str(c) for c in fmt.type.choices)


def test_check_offers_every_registered_format() -> None:
    assert ("claimreview", "html", "json", "junit", "sarif", "text") == _choices("check") == FORMATS.names()
    assert "notebook" in FORMATS  # a Report's view in Jupyter, not a --format


def test_fuzz_and_conformance_offer_what_their_modules_register() -> None:
    from claims._report import fuzz
    from claims._run import folio

    # (the command line names them without importing fuzz, which imports Hypothesis)
    assert set(fuzz.FORMATS.names()) == set(_choices("fuzz"))
    assert set(folio.FORMATS.names()) == set(_choices("conformance", "folio"))


def test_a_name_is_registered_once() -> None:
    twice: Formats[Callable[[object], str]] = Formats("test")
    twice.register("x")(str)
    with pytest.raises(ValueError, match="registered twice"):
        twice.register("x")(repr)


def test_a_declared_format_is_a_choice_and_its_module_is_imported_on_first_use() -> None:
    """``claims check --format json`` imports no other renderer (nor rich); a declared one is imported when used."""
    code = (
        "import sys, cli\n"
        "from claims._report.findings import FORMATS\n"
        "assert 'text' in FORMATS.names() and not FORMATS.is_machine('text') and FORMATS.is_machine('sarif')\n"
        "lazy = ('claims._report.text', 'claims._report.html', 'claims._report.sarif', 'claims._report.junit',"
        " 'claims._report.claimreview', 'rich')\n"
        "assert not [m for m in lazy if m in sys.modules], [m for m in lazy if m in sys.modules]\n"
        "FORMATS['sarif']\n"
        "assert 'claims._report.sarif' in sys.modules and 'claims._report.text' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_a_declared_format_registers_as_declared() -> None:
    formats: Formats[Callable[[object], str]] = Formats("test")
    formats.declare("x", "claims._report.no_such_module", machine=True)
    with pytest.raises(ValueError, match="not declared"):
        formats.register("x")(str)  # a machine format, declared so
    formats.register("x", machine=True)(str)
    assert formats["x"] is str and formats.names() == ("x",)
    formats.declare("y", "claims._report.registry")  # imported, yet it registers no 'y'
    with pytest.raises(LookupError, match="does not register"):
        formats["y"]
