"""The result cache: damaged entries are never trusted, and one that came with a checkout decides nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import claims
from claims._base.sign import seal, unseal, user_key
from claims._logic.cache import _MAGIC, ResultCache
from tests.nocover.test_executors import many_components

REPO = Path(__file__).resolve().parents[2]


def _key() -> bytes:
    key = user_key()
    assert key is not None
    return key


def read(path: Path) -> dict[str, Any]:
    payload = unseal(_key(), _MAGIC, path.read_bytes())
    assert payload is not None
    entries: dict[str, Any] = json.loads(payload)
    return entries


def write(path: Path, text: str, *, signed: bool = True) -> None:
    path.write_bytes(seal(_key(), _MAGIC, text.encode()) if signed else text.encode())


@pytest.mark.parametrize("damage", ["garbage", "wrong-key", "truncated", "bad-index", "unsigned"])
def test_corrupt_cache_entry_is_ignored_and_rewritten(tmp_path: Path, damage: str) -> None:
    """A damaged cache file is never trusted: the component is solved again and the entry rewritten."""
    ds = many_components(12)
    directory = tmp_path / "cache"
    clean = claims.check(ds, cache=ResultCache(directory), jobs=1)
    files = sorted(directory.rglob("*.json"))
    assert len(files) == clean.stats.components
    victim = files[0]
    entry = read(victim)
    if damage == "garbage":
        write(victim, "{not json")
    elif damage == "wrong-key":
        write(victim, json.dumps({**entry, "key": "0" * 64}))
    elif damage == "truncated":
        victim.write_bytes(victim.read_bytes()[:60])
    elif damage == "unsigned":  # the right content, but not sealed by this user
        write(victim, json.dumps(entry), signed=False)
    else:
        entry["result"]["muses"] = [[[999], []]]
        write(victim, json.dumps(entry))
    (directory / "results.pack").unlink()  # the pack would answer first (its damage: the next test)
    store = ResultCache(directory)
    again = claims.check(ds, cache=store, jobs=1)
    assert 1 == again.stats.solved_components
    assert (store.corrupt, store.ignored) == ((0, 1) if damage in ("truncated", "unsigned") else (1, 0))
    assert _text(clean) == _text(again)
    assert read(victim)["result"] == entry["result"] or damage == "bad-index"
    assert 0 == claims.check(ds, cache=ResultCache(directory), jobs=1).stats.solved_components


def _text(report: claims.Report) -> str:
    return str(report)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "bad-index", "other-engine", "unsigned"])
def test_a_damaged_pack_is_passed_over_for_the_entries_files(tmp_path: Path, damage: str) -> None:
    """``results.pack`` answers a whole re-check from one file; damaged, the entries' own files answer."""
    ds = many_components(12)
    directory = tmp_path / "cache"
    clean = claims.check(ds, cache=ResultCache(directory), jobs=1)
    pack_file = directory / "results.pack"
    pack = read(pack_file)
    assert len(pack["entries"]) == clean.stats.components
    if damage == "garbage":
        write(pack_file, "{not json")
    elif damage == "truncated":
        pack_file.write_bytes(pack_file.read_bytes()[:100])
    elif damage == "other-engine":
        write(pack_file, json.dumps({**pack, "engine": "claims 0.0"}))
    elif damage == "unsigned":
        write(pack_file, json.dumps(pack), signed=False)
    else:
        key = sorted(pack["entries"])[0]
        pack["entries"][key]["muses"] = [[[999], []]]
        write(pack_file, json.dumps(pack))
    store = ResultCache(directory)
    again = claims.check(ds, cache=store, jobs=1)
    assert 0 == again.stats.solved_components
    assert store.corrupt == (1 if damage == "bad-index" else 0)
    assert store.ignored == (1 if damage in ("truncated", "unsigned") else 0)
    assert _text(clean) == _text(again)
    assert read(pack_file) == pack or damage == "bad-index"  # rewritten whole
    # a sound pack answers every component without the entries' files
    for entry in directory.rglob("*.json"):
        entry.unlink()
    assert 0 == claims.check(ds, cache=ResultCache(directory), jobs=1).stats.solved_components


@pytest.mark.parametrize("sealed", [False, True])
def test_a_forged_pack_shipped_with_a_checkout_decides_nothing(tmp_path: Path, sealed: bool) -> None:
    """The issue's attack: a results.pack with every MUS removed, in the dataset's folder, through the CLI.

    It is written as the attacker can write it, without this user's key: as
    plain JSON, or sealed with the attacker's own key (no seal for this user).
    """
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    exe = [sys.executable, "-m", "cli"]
    env_home = {"XDG_CACHE_HOME": str(tmp_path / "attacker")}
    # the attacker runs claims with a key of their own, then empties every answer
    subprocess.run([*exe, "check", "seeds"], cwd=tmp_path, capture_output=True, env={**os.environ, **env_home})
    pack_file = tmp_path / ".claims-cache" / "results.pack"
    attacker_key = (tmp_path / "attacker" / "claims-check" / "signing-key").read_bytes()
    pack = json.loads(unseal(attacker_key, _MAGIC, pack_file.read_bytes()) or b"{}")
    assert pack["entries"]
    for entry in pack["entries"].values():
        entry["muses"], entry["verdicts"] = [], [dict(v, verdict="supported") for v in entry["verdicts"]]
    forged = json.dumps(pack).encode()
    pack_file.write_bytes(seal(attacker_key, _MAGIC, forged) if sealed else forged)
    for f in (tmp_path / ".claims-cache").rglob("*.json"):
        f.unlink()
    # the victim checks the checkout with their own key
    run = subprocess.run([*exe, "check", "seeds", "--verbose"], cwd=tmp_path, capture_output=True, text=True)
    assert 1 == run.returncode, run.stderr
    assert "8 contradictions" in run.stdout
    assert "not signed by you" in run.stderr
