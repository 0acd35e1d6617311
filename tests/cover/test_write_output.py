"""``write_output``: what is at the path decides how a report is written (issue 17, item 4).

A regular file is replaced atomically (keeping its mode), a symlink is written through (the link
stays), a hard-linked file is written in place (every name sees the report), and a device, a
FIFO or a descriptor is written straight into, never replaced. Devices are stood for by nodes
made in ``tmp_path`` (root only), never by the machine's own ``/dev``.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path

import pytest

from claims._base.files import write_output

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symlinks, FIFOs and device nodes are POSIX")


def kind(p: Path) -> str:
    """What is at ``p`` (not following a symlink)."""
    mode = os.lstat(p).st_mode
    for name, test in (
        ("link", stat.S_ISLNK),
        ("file", stat.S_ISREG),
        ("char", stat.S_ISCHR),
        ("fifo", stat.S_ISFIFO),
        ("dir", stat.S_ISDIR),
    ):
        if test(mode):
            return name
    return "other"  # pragma: no cover


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_new_file_and_a_replaced_one_are_written_whole_keeping_the_mode(tmp_path: Path) -> None:
    """A regular file is replaced (new inode, as a rename gives), keeps its mode, and no temporary file is left."""
    new, old = tmp_path / "new.json", tmp_path / "old.json"
    old.write_text("old", encoding="utf-8")
    old.chmod(0o640)
    inode = old.stat().st_ino
    write_output(new, "{}\n")
    write_output(old, "fresh")
    assert ("{}\n", "fresh") == (new.read_text(encoding="utf-8"), old.read_text(encoding="utf-8"))
    assert 0o640 == stat.S_IMODE(old.stat().st_mode)
    assert inode != old.stat().st_ino
    assert ["new.json", "old.json"] == names_in(tmp_path)


def test_a_symlink_stays_a_link_and_its_target_gets_the_report(tmp_path: Path) -> None:
    """The link is kept; the file it leads to (in another folder) is replaced there, keeping its mode."""
    (tmp_path / "here").mkdir()
    (tmp_path / "there").mkdir()
    target = tmp_path / "there" / "report.sarif"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o604)
    link = tmp_path / "here" / "report.sarif"
    link.symlink_to(os.path.relpath(target, link.parent))
    write_output(link, "new")
    assert ("link", "file") == (kind(link), kind(target))
    assert ("new", 0o604) == (target.read_text(encoding="utf-8"), stat.S_IMODE(target.stat().st_mode))
    assert (["report.sarif"], ["report.sarif"]) == (names_in(tmp_path / "here"), names_in(tmp_path / "there"))


def test_a_chain_of_links_and_a_dangling_link_lead_to_the_file(tmp_path: Path) -> None:
    """Links are followed to the end; a link to nothing makes the file it names, and stays a link."""
    end = tmp_path / "end.txt"
    (tmp_path / "b").symlink_to("end.txt")
    (tmp_path / "a").symlink_to("b")
    write_output(tmp_path / "a", "via two links")
    assert ("link", "link", "via two links") == (
        kind(tmp_path / "a"),
        kind(tmp_path / "b"),
        end.read_text(encoding="utf-8"),
    )


def test_a_hard_linked_file_is_written_in_place_so_every_name_sees_it(tmp_path: Path) -> None:
    """A rename would split the link; in place, both names keep one inode and the new, shorter content."""
    first, second = tmp_path / "report.xml", tmp_path / "published.xml"
    first.write_text("a much longer old report", encoding="utf-8")
    os.link(first, second)
    write_output(first, "new")
    assert ("new", "new") == (first.read_text(encoding="utf-8"), second.read_text(encoding="utf-8"))
    assert first.stat().st_ino == second.stat().st_ino
    assert 2 == first.stat().st_nlink


def test_a_fifo_receives_the_report_and_stays_a_fifo(tmp_path: Path) -> None:
    """A FIFO is opened and written to, as a shell's ``>`` does; nothing is created beside it."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, "through the pipe\n")
    reader.join(10)
    assert [b"through the pipe\n"] == got
    assert ("fifo", ["pipe"]) == (kind(fifo), names_in(tmp_path))


def test_a_descriptor_path_writes_to_what_is_open_there(tmp_path: Path) -> None:
    """``/dev/fd/N`` (what ``/dev/stdout`` leads to) is written to, not replaced by a file."""
    if not Path("/dev/fd").is_dir():  # pragma: no cover - a system without /dev/fd
        pytest.skip("no /dev/fd")
    r, w = os.pipe()
    try:
        write_output(f"/dev/fd/{w}", "to the descriptor")
        os.close(w)
        w = -1
        assert b"to the descriptor" == os.read(r, 1000)
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)


def test_a_dash_is_stdout(capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    """``-`` writes the bytes to standard output."""
    write_output("-", "to stdout é\n")
    assert "to stdout é\n".encode() == capfdbinary.readouterr().out


def test_a_character_that_no_encoding_carries_is_written_as_its_escape(tmp_path: Path) -> None:
    """A lone surrogate (a file name that is not UTF-8) becomes ``\\udcff`` instead of an error."""
    write_output(tmp_path / "r.txt", "bad\udcff.yaml")
    assert b"bad\\udcff.yaml" == (tmp_path / "r.txt").read_bytes()


def test_a_folder_is_refused(tmp_path: Path) -> None:
    """A folder at the path is an error, and stays as it was."""
    with pytest.raises(IsADirectoryError):
        write_output(tmp_path, "text")
    assert "dir" == kind(tmp_path)


def test_a_full_disk_leaves_the_old_report_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC while the data goes to disk: OSError, the old report intact, nothing left beside it."""
    report = tmp_path / "report.json"
    report.write_text("old", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError) as info:
        write_output(report, "x" * 100_000)
    assert errno.ENOSPC == info.value.errno
    assert ("old", ["report.json"]) == (report.read_text(encoding="utf-8"), names_in(tmp_path))


root_only = pytest.mark.skipif(os.geteuid() != 0, reason="making device nodes needs root")


@root_only
def test_a_null_device_is_written_into_and_stays_a_device(tmp_path: Path) -> None:
    """A node of /dev/null's kind (made in tmp_path) takes the report and is still a character device."""
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    write_output(null, "discarded")
    assert ("char", ["null"]) == (kind(null), names_in(tmp_path))
    assert os.makedev(1, 3) == os.lstat(null).st_rdev


@root_only
def test_a_full_device_is_an_error_and_stays_a_device(tmp_path: Path) -> None:
    """A node of /dev/full's kind: ENOSPC, and it is still a character device with nothing beside it."""
    full = tmp_path / "full"
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    with pytest.raises(OSError) as info:
        write_output(full, "no room")
    assert errno.ENOSPC == info.value.errno
    assert ("char", ["full"]) == (kind(full), names_in(tmp_path))


@root_only
def test_a_symlink_to_a_device_writes_into_the_device(tmp_path: Path) -> None:
    """A link to a device (as /dev/stdout is to a terminal) stays a link and the device stays a device."""
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    (tmp_path / "out").symlink_to("null")
    write_output(tmp_path / "out", "discarded")
    assert ("link", "char") == (kind(tmp_path / "out"), kind(null))
