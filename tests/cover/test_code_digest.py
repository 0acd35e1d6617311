"""The caches key their entries on the digest of the engine's code: every module, in every stage's folder."""

from __future__ import annotations

from pathlib import Path

import claims
from claims._base.version import PACKAGE, code_digest, engine_digest


def _tree(root: Path) -> None:
    for rel, text in {
        "__init__.py": "",
        "a.py": "x = 1\n",
        "_logic/encode.py": "y = 2\n",
        "_front/grammar.lark": "start: NAME\n",
        "_front/notes.txt": "not code\n",
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def test_a_change_in_any_folder_changes_the_digest(tmp_path: Path) -> None:
    _tree(tmp_path)
    before = code_digest(tmp_path)
    seen = {before}
    for rel in ("a.py", "_logic/encode.py", "_front/grammar.lark"):
        path = tmp_path / rel
        path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
        now = code_digest(tmp_path)
        assert now not in seen, f"an edit of {rel} left the digest as it was"
        seen.add(now)
    (tmp_path / "_logic" / "solve.py").write_text("", encoding="utf-8")
    assert code_digest(tmp_path) not in seen, "a new module left the digest as it was"


def test_a_file_moved_to_another_folder_changes_the_digest(tmp_path: Path) -> None:
    _tree(tmp_path)
    before = code_digest(tmp_path)
    (tmp_path / "_logic" / "encode.py").rename(tmp_path / "encode.py")
    assert code_digest(tmp_path) != before


def test_what_is_not_code_does_not_count(tmp_path: Path) -> None:
    _tree(tmp_path)
    before = code_digest(tmp_path)
    (tmp_path / "_front" / "notes.txt").write_text("other notes\n", encoding="utf-8")
    assert code_digest(tmp_path) == before


def test_the_engine_digests_the_whole_package() -> None:
    assert Path(claims.__file__).resolve().parent == PACKAGE
    assert (PACKAGE / "_logic" / "encode.py").is_file()  # the stages' folders lie under it
    assert engine_digest() == code_digest(PACKAGE)
