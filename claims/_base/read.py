"""Reading what the input names: only regular files, only a bounded number of bytes, only under a root.

A dataset arrives in a pull request, so every path it holds is the attacker's
choice (issue 17, items 3 and 5):

* ``document: /dev/zero`` would read forever, and a FIFO would block: a file
  is read only when it is a regular file, checked with ``os.stat`` before it is
  opened and with ``os.fstat`` on what was opened (opened with ``O_NONBLOCK``,
  so that a FIFO swapped in between cannot block the open);
* a regular file is read up to a bound and no further (its size may change
  while it is read);
* ``document: /home/me/.ssh/id_rsa``, ``../../x`` or a symlinked
  ``article.txt`` would be shown in a hint, a report or the HTML page: what a
  claim file names must lie under one of the dataset's :class:`Roots`, after
  every symbolic link is resolved.

The caches (``.claims-cache/`` may come with a checkout) read their files
with :func:`read_regular` too.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

import attrs

_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
_CHUNK = 1 << 20

CACHE_FILE_BYTES = 1 << 30
"""The most a cache file may hold to be read at all (either cache): a larger one, like one that is
not a regular file, is ignored as a damaged one is (a checkout may carry ``.claims-cache/``)."""


class NotRegular(OSError):
    """The path names something other than a regular file (``kind`` says what)."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"it is {kind}, not a regular file")
        self.kind = kind


class OverBound(OSError):
    """The file holds more than the bound (``size`` is what is known of it: at least this many bytes)."""

    def __init__(self, size: int, bound: int) -> None:
        super().__init__(f"it holds {size:,} bytes or more, over the bound of {bound:,}")
        self.size, self.bound = size, bound


def kind_of(mode: int) -> str:
    """What a file of this ``st_mode`` is, for a message ("a FIFO", "a directory", ...)."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a regular file" if stat.S_ISREG(mode) else "not a file"


def read_regular(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path``, when it holds at most ``max_bytes``.

    Raises:
        NotRegular: the path names a directory, FIFO, device or socket (which is never opened,
            unless it became one between the stat and the open, when it is not read).
        OverBound: the file is larger than ``max_bytes``; at most ``max_bytes + 1`` bytes are read.
        OSError: the file cannot be looked at or opened (missing, no permission, ...).
        ValueError: the path holds a NUL character.
    """
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegular(kind_of(st.st_mode))
    if st.st_size > max_bytes:
        raise OverBound(st.st_size, max_bytes)
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(kind_of(st.st_mode))
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise OverBound(len(data), max_bytes)
    return data


@attrs.frozen
class Roots:
    """The folders a dataset's files may be read from: every path named must resolve under one of them.

    ``folders`` are real paths (symbolic links resolved). :meth:`of` makes them
    from what the user gave: each folder given, the folder of each file given,
    or the one ``root`` named instead.
    """

    folders: tuple[str, ...]

    @classmethod
    def of(cls, paths: Iterable[str | os.PathLike[str]], root: str | os.PathLike[str] | None = None) -> Roots:
        if root is not None:
            return cls((os.path.realpath(root),))
        folders = []
        for p in paths:
            real = os.path.realpath(p)
            folders.append(real if os.path.isdir(real) else os.path.dirname(real))
        return cls(tuple(dict.fromkeys(folders)))

    def holds(self, path: str | os.PathLike[str]) -> bool:
        """True when ``path``, with every symbolic link resolved, lies under one of the folders."""
        try:
            real = os.path.realpath(path)
        except (OSError, ValueError):
            return False
        return self.contains(real)

    def contains(self, real: str) -> bool:
        """True when the real path ``real`` (links already resolved) lies under one of the folders."""
        return any(_under(real, f) for f in self.folders)

    def shown(self) -> str:
        """The folders as the user should see them (relative to the working directory when inside it)."""
        names = [_display(f) for f in self.folders[:3]]
        more = f" and {len(self.folders) - 3} more" if len(self.folders) > 3 else ""
        return ", ".join(f"'{n}'" for n in names) + more


def _under(real: str, folder: str) -> bool:
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def _display(path: str) -> str:
    rel = os.path.relpath(path, os.path.realpath(os.getcwd()))
    return path if rel.startswith("..") else (rel if rel != "." else "." + os.sep)


def is_symlinked(path: Path) -> bool:
    """True when ``path`` or a folder on its way is a symbolic link (so it leads elsewhere than it reads)."""
    return os.path.realpath(path) != os.path.abspath(path)
