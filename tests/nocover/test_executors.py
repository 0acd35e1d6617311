"""Parallel components, threads and the result cache give the same findings as one process.

The Dask executor's tests on real clusters are in ``tests/dask/`` (they need
the ``dask`` extra); what is here runs without it.
"""

from __future__ import annotations

import concurrent.futures
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

import claims
from benchmarks.generate import load_expected
from claims._logic import executor as _executor
from claims._logic.cache import ResultCache, engine_version
from claims._logic.solve import ComponentResult, Options
from claims._run import api as _api

REPO = Path(__file__).resolve().parents[2]
CLAIMS = str(Path(sys.executable).parent / "claims")

RULES = "const " + ", ".join(f"x{i}" for i in range(120)) + ": int\n"


def many_components(n: int = 120) -> claims.Dataset:
    """n independent components, every third one with a clash, some with a conclusion."""
    items: list[tuple[str, str, str] | tuple[str, str, str, str]] = []
    for i in range(n):
        items.append((f"a{i}", f"x{i} > {i % 7}", "q"))
        if i % 3 == 0:
            items.append((f"b{i}", f"x{i} < {i % 7}", "q"))
        if i % 5 == 0:
            items.append((f"k{i}", f"x{i} > {i % 7 + 1}", "q", "conclusion"))
    return claims.dataset(items, rules=RULES)


def _text(report: claims.Report) -> str:
    return str(report)


def test_worker_processes_give_identical_findings() -> None:
    """--jobs 2 (worker processes) prints exactly what one process prints."""
    ds = many_components()
    assert len(_api.components_of(ds)) >= _executor.PARALLEL_THRESHOLD
    one = claims.check(ds, jobs=1, cache=False)
    two = claims.check(ds, jobs=2, cache=False)
    assert 40 == len(one.contradictions)
    assert _text(one) == _text(two)


def test_cache_resolves_only_the_edited_component(tmp_path: Path) -> None:
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


def test_moving_other_claims_keeps_cache_entries(tmp_path: Path) -> None:
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


def test_cli_jobs_and_cache_flags_give_identical_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`claims check` with --jobs 2, --no-cache and a warm cache prints the same bytes."""
    seeds = str(REPO / "seeds")
    runs = [
        subprocess.run([CLAIMS, "check", seeds, *flags], capture_output=True, text=True, cwd=tmp_path)
        for flags in (["--jobs", "1", "--no-cache"], ["--jobs", "2"], ["--jobs", "2"])
    ]
    assert [1, 1, 1] == [r.returncode for r in runs]
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    assert (tmp_path / ".claims-cache").is_dir()


def test_dask_executor_without_scheduler_is_a_clear_error() -> None:
    """--executor dask without a scheduler address is refused with a message, with or without the extra."""
    with pytest.raises(claims.ClaimsError, match="scheduler address"):
        claims.check(many_components(3), cache=False, executor="dask")


def test_dask_executor_without_the_extra_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``distributed`` the dask executor says which extra to install (here: as if it were absent)."""
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed: ImportError
    with pytest.raises(claims.ClaimsError, match=re.escape("pip install 'claims-check[dask]'")):
        claims.check(many_components(3), cache=False, executor="dask", scheduler="tcp://127.0.0.1:1")


def test_an_unknown_executor_is_a_clear_error() -> None:
    with pytest.raises(claims.ClaimsError, match="executor='cluster' is not one of 'local', 'dask'"):
        claims.check(many_components(3), cache=False, executor="cluster")


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--executor", "dask"], "--executor dask needs --scheduler ADDRESS"),
        (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler is used only with --executor dask"),
    ],
)
def test_cli_executor_flags_are_checked_before_anything_is_read(tmp_path: Path, flags: list[str], message: str) -> None:
    """A usage error of --executor/--scheduler: exit 2 at once (the path does not even exist)."""
    run = subprocess.run([CLAIMS, "check", "no-such-dir", *flags], capture_output=True, text=True, cwd=tmp_path)
    assert (2, "") == (run.returncode, run.stdout)
    assert message in run.stderr
    assert "no-such-dir" not in run.stderr


def test_a_dask_worker_running_another_engine_refuses_the_task() -> None:
    """A task carries the client's engine; a worker with other code (or another version) refuses it."""
    task = _executor.DaskTask.of("claims 0.0.0; code 0; z3 0; seed 0; cache format 0", (), frozenset(), Options())
    with pytest.raises(_executor.EngineMismatch, match="runs another claims engine"):
        _executor.solve_task(task)
    # refused before its work is unpickled: another engine's pickles may not even load here
    with pytest.raises(_executor.EngineMismatch, match="runs another claims engine"):
        _executor.solve_task(_executor.DaskTask("claims 0.0.0", 1, b"not a pickle"))
    same = _executor.DaskTask.of(
        engine_version(), tuple(_api.components_of(many_components(6))), frozenset(range(100)), Options()
    )
    assert [len(r.muses) for r in _executor.solve_task(same).results] == [1, 0, 0, 1, 0, 0]


def test_a_dask_worker_heap_keeps_freed_memory_while_solving_and_is_as_told_after() -> None:
    """Under a nanny's ``MALLOC_TRIM_THRESHOLD_`` a task solves with glibc's settled thresholds, and
    sets back the environment's afterwards, even when solving fails; without it nothing is changed."""
    calls: list[tuple[int, int]] = []

    def mallopt(param: int, value: int) -> int:
        calls.append((param, value))
        return 1

    solving = [(_executor.M_MMAP_THRESHOLD, 32 << 20), (_executor.M_TRIM_THRESHOLD, 64 << 20)]
    with _executor.solving_heap({"MALLOC_TRIM_THRESHOLD_": "65536"}, mallopt):
        assert calls == solving
    assert calls[2:] == [(_executor.M_MMAP_THRESHOLD, 128 * 1024), (_executor.M_TRIM_THRESHOLD, 65536)]
    calls.clear()
    told = {"MALLOC_TRIM_THRESHOLD_": "0", "MALLOC_MMAP_THRESHOLD_": "4096"}
    with pytest.raises(ZeroDivisionError), _executor.solving_heap(told, mallopt):
        _ = 1 // 0
    assert calls == [*solving, (_executor.M_MMAP_THRESHOLD, 4096), (_executor.M_TRIM_THRESHOLD, 0)]
    calls.clear()
    for environ in ({}, {"MALLOC_TRIM_THRESHOLD_": "lots"}):
        with _executor.solving_heap(environ, mallopt):
            pass
    with _executor.solving_heap({"MALLOC_TRIM_THRESHOLD_": "65536"}, None):
        pass
    assert calls == []


def test_a_dask_task_under_a_nannys_heap_settings_gives_the_results_of_one_process() -> None:
    """``solve_task`` in a process started as a nanny starts a worker (``MALLOC_TRIM_THRESHOLD_``): the
    results ``solve_chunk`` gives here."""
    comps = _api.components_of(many_components(30))
    facts = frozenset(range(200))
    script = (
        "import pickle, sys\n"
        "from claims._logic import executor\n"
        "task = pickle.loads(sys.stdin.buffer.read())\n"
        "sys.stdout.buffer.write(pickle.dumps(executor.solve_task(task)))\n"
    )
    task = _executor.DaskTask.of(engine_version(), tuple(comps), facts, Options())
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}
    run = subprocess.run(
        [sys.executable, "-c", script], input=pickle.dumps(task), capture_output=True, env=env, check=True
    )
    assert list(pickle.loads(run.stdout).results) == _executor.solve_chunk(comps, facts, Options())


# --------------------------------------------------------------------------- threads
# A Dask worker runs tasks in several threads of one process; z3 objects must never be shared
# between them (on main before the fix, threads shared z3's main context: wrong answers, SIGSEGV).

THREADS_SCRIPT = """
import concurrent.futures, sys
import claims
from claims._run import api as _api
from claims._logic import executor as _executor
from claims._logic.solve import Options
from benchmarks.generate import generate

generate(1000, sys.argv[1])
ds = claims.load(sys.argv[1])
comps = _api.components_of(ds)
facts = frozenset(i for i, c in enumerate(ds.claims) if c.kind == "fact")
serial = _executor.solve_chunk(comps, facts, Options())
chunks = _executor._chunks(comps, 64)
with concurrent.futures.ThreadPoolExecutor(4) as pool:
    threaded = [r for rs in pool.map(lambda ch: _executor.solve_chunk(ch, facts, Options()), chunks) for r in rs]
shown = lambda rs: [(r.muses, r.complete, r.truncated, r.unknown_reason, r.verdicts) for r in rs]
print(sum(len(r.muses) for r in serial), sum(len(r.verdicts) for r in serial), shown(serial) == shown(threaded))
"""


def test_components_solved_in_four_threads_give_the_serial_results(tmp_path: Path) -> None:
    """1,000 generated claims solved by four threads of one process, as in one thread (in a child: a crash fails)."""
    run = subprocess.run(
        [sys.executable, "-c", THREADS_SCRIPT, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert 0 == run.returncode, run.stderr[-3000:]
    muses, verdicts, same = run.stdout.split()
    expected = load_expected(tmp_path / "data")
    assert (len(expected.contradictions), len(expected.conclusions), "True") == (int(muses), int(verdicts), same)


def test_no_z3_object_of_another_thread_lives_in_the_main_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """Solving in a thread never touches z3's main context (the main thread's), with or without conclusions."""
    import threading

    import z3

    real = z3.z3.main_ctx
    used_from: list[str] = []

    def main_ctx() -> z3.Context:
        if threading.current_thread() is not threading.main_thread():
            used_from.append(threading.current_thread().name)
        return real()

    monkeypatch.setattr(z3.z3, "main_ctx", main_ctx)
    comps = _api.components_of(many_components(30))
    assert any(c.conclusions for c in comps) and any(not c.conclusions for c in comps)
    facts = frozenset(range(1000))
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        threaded = [r for rs in pool.map(lambda c: _executor.solve_chunk([c], facts, Options()), comps) for r in rs]
    assert [] == used_from
    serial = _executor.solve_chunk(comps, facts, Options())
    assert 10 == sum(len(r.muses) for r in serial)
    assert _shown(serial) == _shown(threaded)


def _shown(results: list[ComponentResult]) -> list[tuple[object, ...]]:
    """What a report shows of component results (the number of checks is effort, not an answer)."""
    return [(r.muses, r.complete, r.truncated, r.unknown_reason, r.verdicts) for r in results]


# --------------------------------------------------------------------------- forked workers
# Workers are forked while this process runs one thread, spawned otherwise (z3's timer thread:
# see executor.start_method). The slow, obvious computation is one process.

FORK_SCRIPT = """
import sys
import time
import claims
from claims._run import api as _api
from claims._logic import executor as _executor
from claims._logic.encode import encode_rules_alone, script
from claims._logic.solve import Options, rules_alone
from benchmarks.generate import generate

if __name__ == "__main__":
    generate(1000, sys.argv[1])
    ds = claims.load(sys.argv[1], jobs=1)
    comps = _api.components_of(ds)
    facts = frozenset(i for i, c in enumerate(ds.claims) if c.kind == "fact")
    alone = encode_rules_alone(ds)
    smt = script(alone, alone.units)
    n = range(len(ds.rules))
    shown = lambda rs: [(r.muses, r.complete, r.truncated, r.unknown_reason, r.verdicts) for r in rs]
    methods = [_executor.start_method()]
    apart = _executor.rules_alone(smt, n, Options(), jobs=2, executor="local", claims=len(ds.claims))
    methods.append(_executor.start_method())  # the rules were checked in a child: still one thread
    forked = _executor.run(comps, facts, Options(), jobs=2)
    time.sleep(1)  # the pool's threads are joined, but the kernel may count them a moment longer
    methods.append(_executor.start_method())
    serial = _executor.solve_chunk(comps, facts, Options())  # timed checks here: z3's timer thread
    methods.append(_executor.start_method())
    spawned = _executor.run(comps, facts, Options(), jobs=2)
    here = rules_alone(smt, n, Options())
    print(len(comps) >= _executor.PARALLEL_THRESHOLD and len(ds.rules) > 0, ",".join(methods), apart == here,
          shown(forked) == shown(serial) == shown(spawned), sum(len(r.muses) for r in serial))
"""


def test_forked_and_spawned_workers_give_the_results_of_one_process(tmp_path: Path) -> None:
    """Workers forked (one thread), then spawned (after a timed check here), solve as one process does."""
    path = tmp_path / "fork.py"
    path.write_text(FORK_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # a script's own folder, not the cwd, is on its path: benchmarks
    run = subprocess.run(
        [sys.executable, str(path), str(tmp_path / "data")],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=600,
    )
    assert 0 == run.returncode, run.stderr[-3000:]
    enough, methods, same_rules, same, muses = run.stdout.split()
    assert ("True", "fork,fork,fork,spawn", "True", "True") == (enough, methods, same_rules, same)
    assert len(load_expected(tmp_path / "data").contradictions) == int(muses)
