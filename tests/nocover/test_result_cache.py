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
from hypothesis import given, settings
from hypothesis import strategies as st

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
    entries: dict[str, Any] = json.loads(bytes(payload))
    return entries


def write(path: Path, text: str, *, signed: bool = True) -> None:
    path.write_bytes(seal(_key(), _MAGIC, text.encode()) if signed else text.encode())


@pytest.mark.parametrize("damage", ["garbage", "truncated", "bad-index", "other-engine", "unsigned"])
def test_a_damaged_pack_is_never_trusted_and_is_rewritten(tmp_path: Path, damage: str) -> None:
    """``results.pack`` holds every result; damaged, what it would answer is solved again, then rewritten whole."""
    ds = many_components(12)
    directory = tmp_path / "cache"
    clean = claims.check(ds, cache=ResultCache(directory), jobs=1)
    assert [directory / "last-run.pack", directory / "lint-pairs", directory / "results.pack"] == sorted(
        p for p in directory.rglob("*") if p.is_file()
    )
    pack_file = directory / "results.pack"
    pack = read(pack_file)
    assert len(pack["entries"]) == clean.stats.components
    if damage == "garbage":
        write(pack_file, "{not json")
    elif damage == "truncated":
        pack_file.write_bytes(pack_file.read_bytes()[:100])
    elif damage == "other-engine":
        write(pack_file, json.dumps({**pack, "engine": "claims 0.0"}))
    elif damage == "unsigned":  # the right content, but not sealed by this user
        write(pack_file, json.dumps(pack), signed=False)
    else:
        key = min(k for k, v in pack["entries"].items() if isinstance(v, dict) and "muses" in v)  # not kept short
        pack["entries"][key]["muses"] = [[[999], []]]
        write(pack_file, json.dumps(pack))
    # without the last run's record, which knows its quiet components without the pack
    # (test_recheck.py: test_a_recheck_asks_the_result_cache_for_no_quiet_component)
    (directory / "last-run.pack").unlink()
    store = ResultCache(directory)
    again = claims.check(ds, cache=store, jobs=1)
    solved = 1 if damage == "bad-index" else clean.stats.components
    assert solved == again.stats.solved_components
    assert store.corrupt == (1 if damage == "bad-index" else 0)
    assert store.ignored == (1 if damage in ("truncated", "unsigned") else 0)
    assert _text(clean) == _text(again)
    assert read(pack_file)["entries"] == read_entries_of(clean, directory)
    assert 0 == claims.check(ds, cache=ResultCache(directory), jobs=1).stats.solved_components


def _text(report: claims.Report) -> str:
    return str(report)


def read_entries_of(report: claims.Report, directory: Path) -> dict[str, Any]:
    """The pack's entries, once a run used every component of ``report`` and nothing else."""
    entries: dict[str, Any] = read(directory / "results.pack")["entries"]
    assert len(entries) == report.stats.components
    return entries


def test_the_pack_keeps_what_other_runs_used_for_a_while(tmp_path: Path) -> None:
    """A check of another dataset into the same cache keeps the first one's entries (up to ``MAX_AGE`` runs)."""
    from claims._logic.cache import MAX_AGE

    one, two = many_components(6), claims.with_claim(many_components(3), "edit", "x1 = 0", "q")
    directory = tmp_path / "cache"
    first = claims.check(one, cache=ResultCache(directory), jobs=1)
    for _ in range(MAX_AGE):
        claims.check(two, cache=ResultCache(directory), jobs=1)
        assert 0 == claims.check(one, cache=ResultCache(directory), jobs=1).stats.solved_components
    for _ in range(MAX_AGE + 1):
        claims.check(two, cache=ResultCache(directory), jobs=1)
    again = claims.check(one, cache=ResultCache(directory), jobs=1)
    assert 0 < again.stats.solved_components
    assert _text(first) == _text(again)


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
    pack = json.loads(bytes(unseal(attacker_key, _MAGIC, pack_file.read_bytes()) or b"{}"))
    assert pack["entries"]
    for entry in pack["entries"].values():
        if isinstance(entry, dict) and "muses" in entry:  # a component's that is not empty (kept short)
            entry["muses"], entry["verdicts"] = [], [dict(v, verdict="supported") for v in entry["verdicts"]]
    forged = json.dumps(pack).encode()
    pack_file.write_bytes(seal(attacker_key, _MAGIC, forged) if sealed else forged)
    # the victim checks the checkout with their own key
    run = subprocess.run([*exe, "check", "seeds", "--verbose"], cwd=tmp_path, capture_output=True, text=True)
    assert 1 == run.returncode, run.stderr
    assert "8 contradictions" in run.stdout
    assert "not signed by you" in run.stderr


_ITEMS = st.lists(
    st.tuples(
        st.integers(0, 7),  # which symbol
        st.sampled_from([">", "<", "="]),
        st.integers(0, 4),
        st.sampled_from(["fact", "prediction", "conclusion"]),
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=20, deadline=None)
@given(st.lists(_ITEMS, min_size=1, max_size=4), st.data())
def test_any_sequence_of_datasets_through_one_cache_reports_what_no_cache_reports(
    datasets: list[list[tuple[int, str, int, str]]], data: st.DataObject
) -> None:
    """Checks of edited datasets through one cache folder (sometimes a fresh ResultCache, sometimes the same
    one) give the bytes of checks without any cache, whatever the pack held before."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        store = ResultCache(Path(tmp) / "cache")
        for items in datasets:
            ds = claims.dataset(
                [(f"c{k}", f"x{s} {op} {v}", "q", kind) for k, (s, op, v, kind) in enumerate(items)],
                rules="\n".join(f"const x{s}: int" for s in range(8)),
            )
            if data.draw(st.booleans(), label="new ResultCache"):
                store = ResultCache(Path(tmp) / "cache")
            cached = claims.check(ds, cache=store, jobs=1)
            fresh = claims.check(ds, cache=False, jobs=1)
            assert _json(cached) == _json(fresh)


def _json(report: claims.Report) -> str:
    from claims._report.render import render

    return render("json", report)


@given(
    complete=st.booleans(),
    truncated=st.booleans(),
    reason=st.none() | st.text(max_size=5),
    checks=st.integers(0, 10**6),
    claims_=st.lists(st.integers(0, 50), min_size=1, max_size=5, unique=True),
)
def test_an_empty_result_read_the_short_way_is_what_the_general_way_reads(
    complete: bool, truncated: bool, reason: str | None, checks: int, claims_: list[int]
) -> None:
    """``_from_json`` reads a result of empty lists without mapping claims: the result the general way makes of
    the same values (given as empty tuples, which the short way does not take)."""
    from claims._logic.cache import _from_json
    from claims._logic.partition import Component

    comp = Component(
        claims=tuple(sorted(claims_)), conclusions=(), rules=(), smt="", atoms=(), digest="", shape="s", units=()
    )
    scalars = {"complete": complete, "truncated": truncated, "unknown_reason": reason, "checks": checks}
    lists = ("muses", "verdicts", "conflicts", "premise_repairs", "tolerant", "near")
    short = _from_json({**scalars, **{k: [] for k in lists}}, comp)
    general = _from_json({**scalars, **dict.fromkeys(lists, ())}, comp)
    assert short == general
    assert short == _from_json(json.loads(json.dumps({**scalars, **{k: [] for k in lists}})), comp)


def _outline(claims_: list[int]) -> Any:
    from claims._logic.partition import Component

    return Component(
        claims=tuple(sorted(claims_)), conclusions=(), rules=(), smt="", atoms=(), digest="", shape="s", units=()
    )


@given(
    complete=st.booleans(),
    truncated=st.booleans(),
    reason=st.none() | st.text(max_size=5),
    checks=st.integers(0, 10**6),
    premise_repairs=st.sampled_from([(), None]),
    claims_=st.lists(st.integers(0, 50), min_size=1, max_size=5, unique=True),
)
def test_an_empty_result_is_kept_short_and_read_back_as_it_was(
    complete: bool, truncated: bool, reason: str | None, checks: int, premise_repairs: Any, claims_: list[int]
) -> None:
    """An empty result is kept as its checks (or four scalars), and read back equal: through JSON, as the pack."""
    from claims._logic.cache import _from_json, _Local, _to_json
    from claims._logic.solve import ComponentResult

    res = ComponentResult(
        muses=(),
        complete=complete,
        truncated=truncated,
        unknown_reason=reason,
        verdicts=(),
        checks=checks,
        premise_repairs=premise_repairs,
    )
    comp = _outline(claims_)
    kept = json.loads(json.dumps(_to_json(res, _Local("k", comp.claims))))
    assert _from_json(kept, comp) == res
    short = premise_repairs == ()  # premise repairs not all known: kept whole
    assert type(kept) is (dict if not short else int if complete and not truncated and reason is None else list)


@pytest.mark.parametrize(
    "entry",
    [-1, True, 1.5, "7", None, [], [True, False, None], [1, 0, None, 3], [True, False, 7, 3], [True, True, None, -2]],
)
def test_a_short_entry_that_is_not_one_reads_as_nothing(entry: Any) -> None:
    """What the pack holds where a result is kept short is checked as it is read: a damaged one gives no result."""
    from claims._logic.cache import _from_json

    with pytest.raises((KeyError, IndexError, TypeError, ValueError)):
        _from_json(entry, _outline([1, 2]))


_ENTRY = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**62), 2**62) | st.text(st.characters(codec=None)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=8), _ENTRY, max_size=5))
def test_the_pack_is_read_back_as_written_or_not_at_all(entries: dict[str, Any]) -> None:
    """What the pack holds (lists, strings, small integers, booleans, None) comes back from orjson unchanged; a
    string it cannot read back (a lone surrogate, written by ``json``) makes the read fail: a damaged pack, never
    another value."""
    import orjson

    from claims._logic.cache import _pack_text

    pack = {"engine": "e", "entries": entries, "unused": {}}
    text = _pack_text(pack)
    try:
        back = orjson.loads(text)
    except ValueError:
        assert any(0xD800 <= ord(ch) <= 0xDFFF for ch in json.dumps(pack, ensure_ascii=False))
        return
    assert back == pack
    assert text == orjson.dumps(back, option=orjson.OPT_SORT_KEYS)  # keys sorted: the same pack, the same bytes


_RULE_TEXTS = {
    "consistent": 'const x, y: int\nrule r1: "x is small"\n  x < 3\nrule r2: "y is big"\n  y > 3\n',
    "conflicting": 'const x: int\nrule r1: "x is small"\n  x < 3\nrule r2: "x is big"\n  x > 3\n',
}


@pytest.mark.parametrize("rules", sorted(_RULE_TEXTS))
def test_rules_found_consistent_are_not_solved_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rules: str
) -> None:
    """A check keeps that its rules alone are consistent; the next one with the same rules does not ask
    the solver again, and reports what a check without the cache reports. Rules that contradict each
    other are asked every time."""
    from claims._logic import executor

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    asked: list[str] = []
    solve = executor.rules_alone

    def counting(smt: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(smt)
        return solve(smt, *args, **kwargs)

    monkeypatch.setattr(executor, "rules_alone", counting)
    ds = claims.dataset([("c1", "x = 1", "q"), ("c2", "x = 2", "q")], rules=_RULE_TEXTS[rules])
    fresh = _json(claims.check(ds, cache=False, jobs=1))
    assert len(asked) == 1
    for _ in range(2):
        assert _json(claims.check(ds, cache=ResultCache(tmp_path / "cache"), jobs=1)) == fresh
    assert len(asked) == (2 if rules == "consistent" else 3)
    other = claims.dataset([("c1", "x = 1", "q")], rules=_RULE_TEXTS[rules].replace("3", "4"))
    claims.check(other, cache=ResultCache(tmp_path / "cache"), jobs=1)
    assert len(asked) == (3 if rules == "consistent" else 4)
    assert ('"rule-conflict"' in fresh) == (rules == "conflicting")
