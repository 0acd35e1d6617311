"""The formats a command writes its report in (``--format NAME``), each registered by its renderer.

One mechanism for every command: ``claims check`` (:data:`claims._report.findings.FORMATS`),
``claims fuzz`` and ``claims conformance folio`` each keep one :class:`Formats`, and a renderer
module adds its functions to it when it is imported (``@FORMATS.register("json")``). The command
line lists a registry's names as its ``--format`` choices and calls the renderer it picks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import attrs

F = TypeVar("F", bound=Callable[..., str])


@attrs.frozen(kw_only=True)
class Format(Generic[F]):
    """One format: its name, its renderer, and how the command treats it."""

    name: str
    render: F
    machine: bool = False  # for a program: every finding, each marked by a gate (check's json, sarif, junit)
    listed: bool = True  # a ``--format`` choice (False: a view the library alone uses)


class Formats(Generic[F]):
    """The formats of one command's report, by name, in the order they were registered."""

    def __init__(self, command: str) -> None:
        self.command = command
        self._formats: dict[str, Format[F]] = {}

    def register(self, name: str, *, machine: bool = False, listed: bool = True) -> Callable[[F], F]:
        """A decorator: the function it decorates renders this command's report as ``name``."""

        def deco(fn: F) -> F:
            if name in self._formats:
                raise ValueError(f"{self.command}: the format {name!r} is registered twice")
            self._formats[name] = Format(name=name, render=fn, machine=machine, listed=listed)
            return fn

        return deco

    def __getitem__(self, name: str) -> F:
        return self._formats[name].render

    def __contains__(self, name: object) -> bool:
        return name in self._formats

    def is_machine(self, name: str) -> bool:
        """Whether ``name`` is a format for a program (see :attr:`Format.machine`)."""
        return self._formats[name].machine

    def names(self) -> tuple[str, ...]:
        """The ``--format`` choices, sorted."""
        return tuple(sorted(n for n, f in self._formats.items() if f.listed))
