"""Expected diagnostics written inline in broken test files, and the ones a run reported.

A broken file says what it must produce in comment lines, as mypy's test data
does (``# E:``), with the hint, when there is one, on the next line::

    # E: 11:13: error: unknown source 'pankow'; did you mean 'pankov'?  [unknown-source]
    #   hint: ...

The file's own path (relative to ``tests/data/broken``) goes in front. A claim
file whose diagnostics belong to another file names it with ``# E-in: PATH``.
"""

from __future__ import annotations

import re
from pathlib import Path

BROKEN = Path(__file__).resolve().parent / "data" / "broken"

Expected = list[tuple[str, str | None]]

_DIAGNOSTIC = re.compile(r"^\S.*:\d+:\d+: (error|warning): .*  \[[a-z-]+\]$")


def expected_in(path: Path, root: Path = BROKEN) -> Expected:
    """The ``(line, hint)`` pairs that ``path`` (or the files it names with ``# E-in:``) expects."""
    shown = path.relative_to(root).as_posix()
    out: Expected = []
    # binary and non-UTF-8 files carry their comments too
    for line in path.read_bytes().decode("utf-8", "replace").splitlines():
        if line.startswith("# E-in: "):
            out += expected_in(root / line[len("# E-in: ") :].split()[0], root)
        elif line.startswith("# E: "):
            out.append((f"{shown}:{line[len('# E: ') :]}", None))
        elif line.startswith("#   hint: "):
            out[-1] = (out[-1][0], line[len("#   hint: ") :])
    return out


def reported_in(stderr: str) -> Expected:
    """The ``(line, hint)`` pairs that ``claims check`` printed, without excerpts and carets."""
    out: Expected = []
    for line in stderr.splitlines():
        if _DIAGNOSTIC.match(line):
            out.append((line, None))
        elif line.startswith("  hint: ") and out:
            out[-1] = (out[-1][0], line[len("  hint: ") :])
    return out
