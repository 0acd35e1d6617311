"""One formatter registry: each command's ``--format`` choices are the names its renderers registered."""

from __future__ import annotations

from collections.abc import Callable

import click
import pytest

import cli
from claims._report.findings import FORMATS
from claims._report.registry import Formats


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
