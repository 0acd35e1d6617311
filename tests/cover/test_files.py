"""``write_atomic``: what the CLI writes and what the caches keep, whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims._base.files import write_atomic


def test_text_and_bytes_are_written_whole(tmp_path: Path) -> None:
    write_atomic(tmp_path / "new" / "a.txt", "héllo\nworld\n")
    assert (tmp_path / "new" / "a.txt").read_bytes() == "héllo\nworld\n".encode()
    write_atomic(tmp_path / "new" / "a.txt", b"\x00\x01")
    assert (tmp_path / "new" / "a.txt").read_bytes() == b"\x00\x01"
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["a.txt"]


def test_a_failed_write_leaves_the_target_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "inside").write_text("kept", encoding="utf-8")
    with pytest.raises(OSError):
        write_atomic(target, "text")  # a folder cannot be replaced by a file
    assert (target / "inside").read_text(encoding="utf-8") == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
