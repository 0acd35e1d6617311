"""``write_atomic`` and permissions: reports honour the umask, replaced files keep their mode,
caches stay private (issue 16, item 9).

The umask is the process's: each test sets it and puts the old one back.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from claims._base.files import write_atomic

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes and umasks are POSIX")


@pytest.fixture
def umask() -> Iterator[None]:
    """Put the process's umask back after the test (which sets its own)."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode_of(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


@pytest.mark.parametrize(
    ("mask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664), (0o027, 0o640)], ids=oct
)
def test_a_new_file_gets_what_the_umask_allows(tmp_path: Path, umask: None, mask: int, expected: int) -> None:
    """A new file is 0666 less the umask, as `open()` makes it; the temporary file's 0600 does not survive."""
    os.umask(mask)
    write_atomic(tmp_path / "report.json", "{}\n")
    assert expected == mode_of(tmp_path / "report.json")


@pytest.mark.parametrize("mask", [0o022, 0o077], ids=oct)
@pytest.mark.parametrize("existing", [0o640, 0o604, 0o600, 0o664], ids=oct)
def test_replacing_a_file_keeps_its_mode(tmp_path: Path, umask: None, mask: int, existing: int) -> None:
    """Replacing a regular file keeps its mode whatever the umask, and replaces its content whole."""
    os.umask(mask)
    target = tmp_path / "report.xml"
    target.write_text("old", encoding="utf-8")
    target.chmod(existing)
    write_atomic(target, "new")
    assert (existing, "new") == (mode_of(target), target.read_text(encoding="utf-8"))
    assert ["report.xml"] == [p.name for p in tmp_path.iterdir()]


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o277], ids=oct)
def test_an_explicit_mode_is_exact_new_or_replaced(tmp_path: Path, umask: None, mask: int) -> None:
    """`mode=0o600` (the caches) gives 0600 to a new file and to one that was wider, under any umask."""
    os.umask(mask)
    new, wide = tmp_path / "new.pickle", tmp_path / "wide.pickle"
    wide.write_bytes(b"old")
    wide.chmod(0o644)
    for p in (new, wide):
        write_atomic(p, b"\x00secret", mode=0o600, durable=False)
    assert (0o600, 0o600) == (mode_of(new), mode_of(wide))
    assert b"\x00secret" == wide.read_bytes()


def test_a_symlink_is_replaced_as_a_new_file(tmp_path: Path, umask: None) -> None:
    """A symlink is replaced, not followed (as before): the new file takes the umask's mode, the
    file it pointed to is untouched."""
    os.umask(0o022)
    pointed = tmp_path / "elsewhere"
    pointed.write_text("kept", encoding="utf-8")
    pointed.chmod(0o600)
    link = tmp_path / "report.txt"
    link.symlink_to(pointed)
    write_atomic(link, "new")
    assert (False, 0o644, "new") == (link.is_symlink(), mode_of(link), link.read_text(encoding="utf-8"))
    assert (0o600, "kept") == (mode_of(pointed), pointed.read_text(encoding="utf-8"))


def test_a_failed_write_leaves_no_temporary_file_and_the_mode(tmp_path: Path, umask: None) -> None:
    """When the rename fails, nothing is left behind and nothing is changed."""
    os.umask(0o022)
    target = tmp_path / "taken"
    target.mkdir()
    target.chmod(0o750)
    with pytest.raises(OSError):
        write_atomic(target, "text")  # a folder cannot be replaced by a file
    assert (["taken"], 0o750) == ([p.name for p in tmp_path.iterdir()], mode_of(target))


def test_a_long_name_still_gets_a_temporary_file(tmp_path: Path) -> None:
    """A file name of 255 bytes (the usual limit) is written: the temporary name is cut to fit."""
    target = tmp_path / ("r" * 250 + ".json")
    write_atomic(target, "{}\n")
    assert "{}\n" == target.read_text(encoding="utf-8")
