"""Parallel components, the result cache and the Dask executor give the same findings as one process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import claims
from claims import _executor
from claims._cache import ResultCache

RULES = "const " + ", ".join(f"x{i}" for i in range(120)) + ": int\n"


def many_components(n: int = 120) -> claims.Dataset:
    """n independent components, every third one with a clash, some with a conclusion."""
    items = []
    for i in range(n):
        items.append((f"a{i}", f"x{i} > {i % 7}", "q"))
        if i % 3 == 0:
            items.append((f"b{i}", f"x{i} < {i % 7}", "q"))
        if i % 5 == 0:
            items.append((f"k{i}", f"x{i} > {i % 7 + 1}", "q", "conclusion"))
    return claims.dataset(items, rules=RULES)


def _text(report: claims.Report) -> str:
    return str(report)


def test_worker_processes_give_identical_findings():
    """--jobs 2 (worker processes) prints exactly what one process prints."""
    ds = many_components()
    assert len(claims._api.components_of(ds)) >= _executor.PARALLEL_THRESHOLD
    one = claims.check(ds, jobs=1, cache=False)
    two = claims.check(ds, jobs=2, cache=False)
    assert 40 == len(one.contradictions)
    assert _text(one) == _text(two)


def test_cache_resolves_only_the_edited_component(tmp_path):
    """After a one-claim edit, a cached re-check solves exactly one component (counted, not timed)."""
    ds = many_components()
    store = ResultCache(tmp_path / "cache")
    first = claims.check(ds, cache=store, jobs=1)
    assert first.stats.components == first.stats.solved_components
    again = claims.check(ds, cache=ResultCache(tmp_path / "cache"), jobs=1)
    assert 0 == again.stats.solved_components
    assert _text(first) == _text(again)
    edited = claims.with_claim(ds, "edit", "x7 = 0", "q")
    after = claims.check(edited, cache=ResultCache(tmp_path / "cache"), jobs=1)
    assert 1 == after.stats.solved_components
    assert _text(after) == _text(claims.check(edited, cache=False, jobs=1))


def test_moving_other_claims_keeps_cache_entries(tmp_path):
    """A component's key does not depend on where its claims sit among the others'.

    (Swapping two claims *inside* a component changes its solver script, and so may
    change a countermodel: that component is solved again, by design.)
    """
    ds = many_components(30)
    claims.check(ds, cache=ResultCache(tmp_path / "c"), jobs=1)
    items = [(c.id, c.formula, c.quote, c.kind) for c in ds.claims]
    cut = next(k for k, item in enumerate(items) if item[0] == "a10")  # a component boundary
    moved = items[cut:] + items[:cut]  # the first ten components' claims now come last, in order
    again = claims.check(claims.dataset(moved, rules=RULES), cache=ResultCache(tmp_path / "c"), jobs=1)
    assert 0 == again.stats.solved_components


def test_cli_jobs_and_cache_flags_give_identical_output(tmp_path, monkeypatch):
    """`claims check` with --jobs 2, --no-cache and a warm cache prints the same bytes."""
    import subprocess
    import sys

    exe = str(Path(sys.executable).parent / "claims")
    seeds = str(Path(__file__).resolve().parents[2] / "seeds")
    runs = [subprocess.run([exe, "check", seeds, *flags], capture_output=True, text=True, cwd=tmp_path)
            for flags in (["--jobs", "1", "--no-cache"], ["--jobs", "2"], ["--jobs", "2"])]
    assert [1, 1, 1] == [r.returncode for r in runs]
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    assert (tmp_path / ".claims-cache").is_dir()


def test_dask_executor_matches_local_run():
    """Components solved on a Dask LocalCluster give the same findings, in the same order."""
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    ds = many_components(80)
    local = claims.check(ds, jobs=1, cache=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        remote = claims.check(ds, cache=False, executor="dask", scheduler=cluster.scheduler_address)
    assert _text(local) == _text(remote)


def test_dask_executor_without_scheduler_is_a_clear_error():
    """--executor dask without a scheduler address is refused with a message, not a traceback."""
    with pytest.raises(claims.ClaimsError, match="scheduler address"):
        claims.check(many_components(3), cache=False, executor="dask")
