"""The formats a command writes its report in (``--format NAME``), each registered by its renderer.

One mechanism for every command: ``claims check`` (:data:`claims._report.findings.FORMATS`),
``claims fuzz`` and ``claims conformance folio`` each keep one :class:`Formats`, and a renderer
module adds its functions to it when it is imported (``@FORMATS.register("json")``). The command
line lists a registry's names as its ``--format`` choices and calls the renderer it picks.

A format may be *declared* first, with the module that registers it (:meth:`Formats.declare`):
its name is a choice at once, and its module is imported when the format is first used, so a
run that writes JSON does not import the terminal's, the page's and the other formats' renderers
(and ``rich``): 27 ms of the start of every ``claims check``, measured.
"""

from __future__ import annotations

import importlib
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
        self._declared: dict[str, tuple[str, bool, bool]] = {}  # name -> (module, machine, listed)

    def declare(self, name: str, module: str, *, machine: bool = False, listed: bool = True) -> None:
        """The format ``name``, which ``module`` registers (with these flags) when imported: on first use."""
        if name in self._declared or name in self._formats:
            raise ValueError(f"{self.command}: the format {name!r} is registered twice")
        self._declared[name] = (module, machine, listed)

    def register(self, name: str, *, machine: bool = False, listed: bool = True) -> Callable[[F], F]:
        """A decorator: the function it decorates renders this command's report as ``name``."""

        def deco(fn: F) -> F:
            if name in self._formats:
                raise ValueError(f"{self.command}: the format {name!r} is registered twice")
            declared = self._declared.get(name)
            if declared is not None and declared[1:] != (machine, listed):
                raise ValueError(f"{self.command}: the format {name!r} is registered as it was not declared")
            self._formats[name] = Format(name=name, render=fn, machine=machine, listed=listed)
            return fn

        return deco

    def _format(self, name: str) -> Format[F]:
        """The format ``name``, its module imported first when it was declared and not imported yet (KeyError: none)."""
        if name not in self._formats and name in self._declared:
            importlib.import_module(self._declared[name][0])
            if name not in self._formats:
                raise LookupError(f"{self.command}: {self._declared[name][0]} does not register the format {name!r}")
        return self._formats[name]

    def __getitem__(self, name: str) -> F:
        return self._format(name).render

    def __contains__(self, name: object) -> bool:
        return name in self._formats or name in self._declared

    def is_machine(self, name: str) -> bool:
        """Whether ``name`` is a format for a program (see :attr:`Format.machine`)."""
        declared = self._declared.get(name)
        return declared[1] if declared is not None else self._formats[name].machine

    def names(self) -> tuple[str, ...]:
        """The ``--format`` choices, sorted."""
        listed = {n for n, f in self._formats.items() if f.listed}
        listed.update(n for n, (_, _, shown) in self._declared.items() if shown)
        return tuple(sorted(listed))
