"""Writing files: what the CLI writes for the user (:func:`write_output`), and what the caches keep
(:func:`write_atomic`)."""

from __future__ import annotations

import errno
import os
import secrets
import stat
import sys
from pathlib import Path

_OPEN_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_BINARY", 0)
)
_ATTEMPTS = 100  # as tempfile's TMP_MAX: a name that is taken is tried again with another


def write_atomic(
    path: str | os.PathLike[str], data: str | bytes, *, mode: int | None = None, durable: bool = True
) -> None:
    """Write ``data`` (text as UTF-8 with ``\\n`` newlines) to ``path``: a temporary file in the same
    folder, then a rename, so a reader sees the old file or the new one, never a part.

    The file's permissions, set on the temporary file before anything is written to it:

    * ``mode=None`` (what the user reads: reports, baselines, pages, datasets): a new file gets
      what the umask allows (0644 under umask 022), as ``open()`` in any other tool would give
      it; replacing a regular file keeps that file's mode (a report made 0640 stays 0640).
    * ``mode=0o600`` (or any other): exactly that mode, new file or not (the caches, which hold
      what no one else should read or plant).

    ``tempfile.mkstemp`` is not used: it makes the file 0600 whatever the umask, and the rename
    kept that mode for every report (issue 16, item 9). Owner and group are not kept: the file is
    a new one, owned by whoever writes it.

    ``durable`` makes the data reach the disk before the rename (``fsync``) and the rename reach
    it after (an ``fsync`` of the folder), so that a crash leaves the old file or the new one,
    not an empty one. The caches pass False: an entry lost in a crash only makes a run slower,
    every entry is checked when read, and a large re-check writes thousands of them.

    The folder is made when missing. On any failure the temporary file is removed and the error
    raised; ``path`` is as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    keep = mode
    if keep is None:
        try:
            st = os.lstat(target)
        except FileNotFoundError:
            pass
        else:
            if stat.S_ISREG(st.st_mode):
                keep = stat.S_IMODE(st.st_mode)
    # A new file is created 0666 and the kernel takes the umask (and a folder's default ACL) off;
    # a mode to keep or to impose is set on a file created 0600, so it is never wider on the way.
    fd, tmp = _create(target, 0o666 if keep is None else 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            if keep is not None:
                _chmod(fh.fileno(), tmp, keep)
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        _sync_folder(target.parent)


def _create(target: Path, create_mode: int) -> tuple[int, Path]:
    """A new, empty temporary file beside ``target``: its descriptor (open for writing) and path."""
    stem = target.name[:200]  # room for the suffix within a file name's 255 bytes
    for _ in range(_ATTEMPTS):
        tmp = target.parent / f".{stem}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, _OPEN_FLAGS, create_mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name beside {target}")  # pragma: no cover


def _chmod(fd: int, tmp: Path, mode: int) -> None:
    if os.chmod in os.supports_fd:
        os.chmod(fd, mode)
    else:  # pragma: no cover - a platform without fchmod
        os.chmod(tmp, mode)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable, where the platform can (POSIX folders open read-only)."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - no folder descriptors on this platform
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # pragma: no cover - a folder we may write but not read
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - file systems that cannot sync a folder
        pass
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- what the user asked for

_THROUGH_FLAGS = os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
_IN_PLACE_FLAGS = os.O_WRONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_MAX_LINKS = 40  # as the kernel's limit on symbolic links followed in one lookup


def write_output(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write a report, baseline, page or imported file where the user asked (issue 17, item 4).

    What is at ``path`` decides how:

    * ``-``: standard output.
    * nothing yet, or a regular file: :func:`write_atomic` (a temporary file beside it, then a
      rename), so a reader sees the old file or the new one; a file that exists keeps its mode.
    * a symbolic link: the file it leads to is written as above, atomically in *that* file's
      folder, and the link stays a link (a link to nothing makes the file it names).
    * a regular file with several hard links: written in place (truncated to the new length),
      so that every name of it shows the new report. A rename would give only this name the
      new report and leave the others with the old one; in exchange, a reader may see the
      file while it is being written.
    * anything else (a character device such as ``/dev/null`` or ``/dev/full``, a FIFO, a
      terminal, ``/dev/stdout``, ``/dev/fd/N``): written straight through, as a shell's ``>``
      would, and never replaced by a regular file.

    Text is written as UTF-8; a character no encoding can carry (a lone surrogate, from a file
    name that is not UTF-8) is written as its escape (``\\udcff``).

    Raises:
        OSError: what the system said (a folder that cannot be written, a full disk, a name
            too long, a folder where a file should be). No temporary file is left behind.
    """
    raw = data.encode("utf-8", "backslashreplace") if isinstance(data, str) else data
    if os.fspath(path) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(raw)
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    try:
        st: os.stat_result | None = target.stat()
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
    if (st is not None and not stat.S_ISREG(st.st_mode)) or _names_a_descriptor(target):
        _write_through(target, raw)
        return
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    if st is not None and st.st_nlink > 1:
        _write_in_place(target, raw)
        return
    write_atomic(target, raw)


def _names_a_descriptor(path: Path) -> bool:
    """Whether ``path``, or a link on the way to it, names an open descriptor (``/dev/stdout``,
    ``/dev/fd/1``, ``/proc/self/fd/1``): what is open there is written to, never replaced."""
    here = os.path.abspath(path)
    for _ in range(_MAX_LINKS):
        if here.startswith(("/proc/", "/dev/fd/")):
            return True
        if not os.path.islink(here):
            return False
        here = os.path.abspath(os.path.join(os.path.dirname(here), os.readlink(here)))
    return False


def _write_all(fd: int, raw: bytes) -> None:
    view = memoryview(raw)
    while view:
        view = view[os.write(fd, view) :]


def _write_through(target: Path, raw: bytes) -> None:
    """Write to what is at ``target`` (a device, a pipe, a descriptor), without creating anything."""
    fd = os.open(target, _THROUGH_FLAGS)
    try:
        _write_all(fd, raw)
    finally:
        os.close(fd)


def _write_in_place(target: Path, raw: bytes) -> None:
    """Overwrite a regular file's content where it is (every hard link to it sees it)."""
    fd = os.open(target, _IN_PLACE_FLAGS)
    try:
        _write_all(fd, raw)
        os.ftruncate(fd, len(raw))
        os.fsync(fd)
    finally:
        os.close(fd)
