"""Stage *load*, its inputs: the files to read, and places in the text read.

It finds the input files a user names (:func:`find_files`), reads one as text
(a regular file only, within the limits: :func:`read_text`), keeps what a
claim file names inside the dataset's roots (:func:`outside_root`), and maps
offsets in a text, read from a file or given in code, to places
(:class:`Locator`, :func:`parse_given`), so that every later error can name
file, line and column.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import attrs

from claims._base import errors as E
from claims._base.errors import DiagnosticSink, Span
from claims._base.limits import DEFAULT as DEFAULT_LIMITS
from claims._base.limits import Limits, TooLarge
from claims._base.read import NotRegular, OverBound, Roots, is_symlinked, read_regular
from claims._front.syntax import ParseError, offset_to_place


class Locator:
    """Maps offsets in a parsed piece of text to places in the file it came from."""

    def __init__(self, path: str, place: Callable[[int], tuple[int, int]]) -> None:
        self.path = path
        self._place = place

    def span(self, start: int, end: int | None = None) -> Span:
        line, col = self._place(max(start, 0))
        if end is None or end < 0:
            return Span(self.path, line, col)
        eline, ecol = self._place(end)
        return Span(self.path, line, col, eline, ecol)


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


@attrs.frozen
class Inputs:
    """What loading may read: files under ``roots`` (``None``: any file), each within ``limits``.

    The roots bound what a claim file *names* (documents, rule files by path);
    the files the user names are read wherever they are.
    """

    roots: Roots | None = None
    limits: Limits = DEFAULT_LIMITS


ANYWHERE = Inputs()


def read_text(
    path: Path, sink: DiagnosticSink, span: Span | None = None, *, limits: Limits = DEFAULT_LIMITS
) -> str | None:
    """Read a UTF-8 text file, or record why it cannot be read and return None.

    Only a regular file is read (a FIFO would block, ``/dev/zero`` never end),
    and only when it holds at most ``limits.file_bytes`` bytes.
    """
    try:
        data = read_regular(path, limits.file_bytes)
    except (OSError, ValueError) as exc:
        _unreadable(path, sink, span, exc)
        return None
    try:
        text = data.decode("utf-8") if b"\x00" not in data[:8192] else None
    except UnicodeDecodeError as exc:
        # lines as the reader sees them; a column counts characters, not bytes
        # (everything before the bad byte is valid UTF-8)
        shown = display_path(path)
        before = universal_newlines(data[: exc.start].decode("utf-8"))
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1)
        sink.error(
            Span(shown, line, col),
            E.FILE_ENCODING,
            f"'{shown}' is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            "save the file as UTF-8",
        )
        return None
    if text is None:
        shown = display_path(path)
        sink.error(span or Span(shown, 1, 0), E.FILE_BINARY, f"'{shown}' is a binary file, not text")
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    return universal_newlines(text)


def _unreadable(path: Path, sink: DiagnosticSink, span: Span | None, exc: OSError | ValueError) -> None:
    """Say why the file at ``path`` could not be read (``exc``, from :func:`read_regular`)."""
    shown = display_path(path)  # made only here: a path is shown only when something is said of it
    where = span or Span(shown, 1, 0)
    if isinstance(exc, FileNotFoundError):
        sink.error(where, E.FILE_MISSING, f"file '{shown}' does not exist")
    elif isinstance(exc, NotRegular) and exc.kind == "a directory":
        sink.error(where, E.FILE_UNREADABLE, f"'{shown}' is a directory, not a file")
    elif isinstance(exc, NotRegular):
        sink.error(
            where,
            E.FILE_UNREADABLE,
            f"'{shown}' is {exc.kind}, not a regular file: it is not read",
            "only regular files are read, never pipes or devices",
        )
    elif isinstance(exc, OverBound):
        sink.error(
            where, E.TOO_LARGE, str(TooLarge("file-bytes", exc.size, exc.bound, f"'{shown}' is too large", "bytes"))
        )
    elif isinstance(exc, OSError):
        sink.error(where, E.FILE_UNREADABLE, f"cannot read '{shown}': {exc.strerror}")
    else:  # a NUL in the name, from 'document: "a\0b"'
        sink.error(where, E.FILE_MISSING, f"{shown!r} is not a possible file name: {exc}")


_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")


def universal_newlines(text: str) -> str:
    """Every line break as ``\n``, as Python's text mode reads files.

    YAML (and an editor) also break lines at ``\r``, ``\x85``, U+2028 and
    U+2029; with one kind of break, every place we report is the place the
    reader sees.
    """
    return _BREAKS.sub("\n", text) if ("\r" in text or not text.isascii()) else text


@attrs.frozen
class FileKind:
    """A kind of input file a folder is searched for: ``claim file`` with suffixes ``.yaml``, ``.yml``."""

    name: str
    suffixes: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.name}s ({', '.join('*' + s for s in self.suffixes)})"


CLAIM_FILES = FileKind("claim file", (".yaml", ".yml"))
RULE_FILES = FileKind("rule file", (".rules",))


def find_files(
    paths: Sequence[str | os.PathLike[str]],
    sink: DiagnosticSink,
    roots: Roots | None = None,
    kinds: Sequence[FileKind] = (CLAIM_FILES,),
) -> list[Path]:
    """Expand the given paths into input files, in order and without duplicates.

    A file given is taken as it is (whatever its name); a folder gives every
    file of ``kinds`` under it (by suffix, not hidden, sorted), and a folder
    that holds none is a ``no-claims`` error. A file found in a folder that is
    a symbolic link out of ``roots`` is an ``outside-root`` error (the files
    given are read wherever they are).
    """
    by_suffix = {suffix: kind for kind in kinds for suffix in kind.suffixes}
    found: list[Path] = []
    for p in paths:
        path = Path(p)
        shown = display_path(path)
        problem = stat_problem(path)
        if problem is not None:
            sink.error(Span(shown, 1, 0), E.FILE_UNREADABLE, f"cannot read '{shown}': {problem}")
        elif path.is_dir():
            files = sorted(
                f
                for f in path.rglob("*")
                if f.suffix in by_suffix
                and f.is_file()
                and not any(part.startswith(".") for part in f.relative_to(path).parts)
            )
            if not files:
                sink.error(
                    Span(shown, 1, 0),
                    E.NO_CLAIMS,
                    f"no {' or '.join(str(k) for k in kinds)} under directory '{shown}'",
                )
            for f in files:
                if roots is None or roots.holds(f):
                    found.append(f)
                else:
                    refuse_outside(
                        roots,
                        f,
                        f"the {by_suffix[f.suffix].name} '{display_path(f)}'",
                        Span(display_path(f), 1, 0),
                        sink,
                    )
        elif path.exists():
            found.append(path)
        else:
            sink.error(Span(shown, 1, 0), E.FILE_MISSING, f"path '{shown}' does not exist")
    unique: dict[str, Path] = {}
    for f in found:
        unique.setdefault(str(f.resolve()), f)
    return list(unique.values())


def stat_problem(path: Path) -> str | None:
    """Why ``path`` cannot even be looked at (a name too long, a loop of links), or None.

    ``Path.is_file()`` and its kin answer False for a missing file but raise for these
    (``File name too long`` for a 300-character rule set name, issue 17, item 6).
    """
    try:
        path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        return exc.strerror or str(exc)
    except ValueError as exc:  # a NUL in the name
        return str(exc)
    return None


def outside_root(path: Path, written: str, what: str, inputs: Inputs, span: Span, sink: DiagnosticSink) -> bool:
    """True, with an ``outside-root`` error at ``span``, when ``path`` leads outside the dataset's roots.

    ``written`` is the name as the claim file writes it. Nothing of the file is
    read, nor is it said whether it exists: the message is the same for any
    path outside (issue 17, item 3).
    """
    roots = inputs.roots
    if roots is None or "\0" in str(path) or roots.holds(path):
        return False  # (a NUL names no file at all: reading it says so)
    refuse_outside(roots, path, f"{what} '{written}'", span, sink)
    return True


def refuse_outside(roots: Roots, path: Path, subject: str, span: Span, sink: DiagnosticSink) -> None:
    """Record an ``outside-root`` error at ``span``: ``subject`` (the file, as the message names it) is not read."""
    how = " (through a symbolic link)" if is_symlinked(path) and roots.contains(os.path.abspath(path)) else ""
    sink.error(
        span,
        E.OUTSIDE_ROOT,
        f"{subject} is outside the dataset's root {roots.shown()}{how}, so it is not read",
        "a dataset may name only files under the folders given to check (a file's own folder for a "
        "file); move it there, or name a folder that holds both with --root DIR",
    )


_Parsed = TypeVar("_Parsed")


def parse_given(
    text: str, shown: str, parse: Callable[[str], _Parsed], sink: DiagnosticSink
) -> tuple[_Parsed | None, Locator]:
    """Parse text given in code, not read from a file (shown as ``shown``, e.g. ``<claim a>``).

    The text is kept for the excerpts of its diagnostics; a syntax error is a
    ``formula-syntax`` error at its place, and the result is then None.
    """
    sink.remember_text(shown, text)
    loc = Locator(shown, offset_to_place(text))
    try:
        return parse(text), loc
    except ParseError as exc:
        sink.error(loc.span(exc.pos), E.FORMULA_SYNTAX, exc.message, exc.hint)
        return None, loc
