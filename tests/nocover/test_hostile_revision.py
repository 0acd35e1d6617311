"""`--since` reads a revision's tree, which is input: a tree path that leaves its folder is refused.

``git checkout`` refuses a tree entry named ``..``, but ``git mktree`` makes
one. These tests build such commits in a temporary repository and run the
real command with ``TMPDIR`` inside the test's folder, so that the place the
attack aims at (the temporary folder's parent) is one the test can watch.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.nocover.test_gate import DATA, git, run


def _blob(repo: Path, text: str) -> str:
    return subprocess.run(
        ["git", "hash-object", "-w", "--stdin"], cwd=repo, input=text, check=True, capture_output=True, text=True
    ).stdout.strip()


def _mktree(repo: Path, entries: list[tuple[str, str, str, str]]) -> str:
    """A tree of (mode, kind, object id, name) entries, as git mktree takes them (names unchecked)."""
    text = "".join(f"{mode} {kind} {oid}\t{name}\n" for mode, kind, oid, name in entries)
    return subprocess.run(
        ["git", "mktree"], cwd=repo, input=text, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(DATA / "ci", root / "ds")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "dataset")
    return root


def _entries(repo: Path, tree: str) -> list[tuple[str, str, str, str]]:
    out = []
    for line in git(repo, "ls-tree", tree).splitlines():
        meta, name = line.split("\t", 1)
        mode, kind, oid = meta.split(" ")
        out.append((mode, kind, oid, name))
    return out


@pytest.mark.parametrize("name", ["..", "."])
def test_a_tree_entry_that_leaves_the_folder_is_refused(repo: Path, tmp_path: Path, name: str) -> None:
    """``ds/../../planted.txt`` in the revision's tree would land beside the temporary folder."""
    planted = _mktree(repo, [("100644", "blob", _blob(repo, "planted by the revision\n"), "planted.txt")])
    up = _mktree(repo, [("040000", "tree", planted, name)])
    head = git(repo, "rev-parse", "HEAD^{tree}").strip()
    ds = next(oid for _, _, oid, n in _entries(repo, head) if n == "ds")
    hostile_ds = _mktree(repo, [*_entries(repo, ds), ("040000", "tree", up, name)])
    root = _mktree(repo, [e if e[3] != "ds" else (e[0], e[1], hostile_ds, "ds") for e in _entries(repo, head)])
    commit = git(repo, "commit-tree", root, "-p", "HEAD", "-m", "hostile").strip()
    tmpdir = tmp_path / "tmp" / "inner"
    tmpdir.mkdir(parents=True)
    r = run("check", "ds", "--since", commit, cwd=repo, TMPDIR=str(tmpdir))
    assert 2 == r.returncode, r.stderr
    assert "would leave the folder it is read into" in r.stderr
    assert "Traceback" not in r.stderr
    assert [] == list(tmp_path.rglob("planted.txt")), "the revision wrote a file"
    assert os.listdir(tmpdir) == []  # its own temporary folder is gone too
