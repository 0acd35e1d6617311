"""Ctrl-C and SIGTERM during ``claims check --jobs 2`` (issue 17, item 7).

The run exits 130 on SIGINT and 143 on SIGTERM, with one line on stderr and no traceback (z3's
finalizers printed one in 3 runs of 21), and no process it started outlives it: not the worker
processes, not multiprocessing's resource tracker. SIGINT is sent both to the process alone and
to its whole process group, as a terminal's Ctrl-C does (the workers, still importing, printed
tracebacks of their own). The SIGINT cases repeat, to catch what happens only sometimes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.generate import generate
from claims._logic import executor as _executor

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find children")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10,000 generated claims: several seconds of solving with two workers."""
    folder = tmp_path_factory.mktemp("interrupts") / "ds"
    generate(10_000, folder)
    return folder


def children(pid: int) -> set[int]:
    """The pids of ``pid``'s children (every thread's), from /proc."""
    out: set[int] = set()
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return out
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
                out.update(int(p) for p in fh.read().split())
        except FileNotFoundError:
            continue
    return out


def descendants(pid: int) -> set[int]:
    todo, seen = [pid], set()
    while todo:
        for c in children(todo.pop()):
            if c not in seen:
                seen.add(c)
                todo.append(c)
    return seen


def alive(pid: int) -> bool:
    """Running, and not a zombie (a zombie has ended; only its parent's wait is missing)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace")
    except FileNotFoundError:
        return ""


def is_worker(pid: int) -> bool:
    """A solving worker: by the name it takes (a forked one has its parent's command line)."""
    try:
        with open(f"/proc/{pid}/comm", "rb") as fh:
            return fh.read().strip() == _executor.WORKER_NAME
    except FileNotFoundError:
        return False


def stop_midway(big: Path, sig: signal.Signals, *, group: bool) -> tuple[int, str, dict[int, str]]:
    """Start ``claims check --jobs 2``, wait until both workers run, send ``sig``; return the exit code,
    stderr, and every process the run had started (with its command line)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "check", str(big), "--no-cache", "--jobs", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            seen |= descendants(proc.pid)
            if sum(is_worker(p) for p in seen if alive(p)) >= 2:
                break
            assert proc.poll() is None, f"the check ended before its workers started: {proc.stderr}"
            time.sleep(0.05)
        else:  # pragma: no cover
            pytest.fail("the workers never started")
        time.sleep(0.3)  # the workers are solving
        seen |= descendants(proc.pid)
        started = {p: cmdline(p) for p in seen}
        workers = sum(is_worker(p) for p in seen)
        if group:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # pragma: no cover - only when an assertion above failed
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert 2 == workers
    return proc.returncode, err, started


def assert_all_ended(pids: dict[int, str]) -> None:
    """No process the run started is alive 5 s after it ended."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.1)
    left = {p: cmdline(p) for p in pids if alive(p)}
    for p in left:  # pragma: no cover - clean up what the run left, then fail
        os.kill(p, signal.SIGKILL)
    assert {} == left


@pytest.mark.parametrize(
    ("attempt", "group"),
    [(1, False), (2, True), (3, False), (4, True), (5, False)],
    ids=["alone-1", "group-2", "alone-3", "group-4", "alone-5"],
)
def test_sigint_exits_130_with_one_line_and_ends_every_child(big: Path, attempt: int, group: bool) -> None:
    """Ctrl-C: exit 130, stderr is exactly the one line, and the workers and the tracker are gone."""
    code, err, started = stop_midway(big, signal.SIGINT, group=group)
    assert (130, ["claims: stopped by SIGINT (Ctrl-C); the run did not finish"]) == (code, err.splitlines())
    # forked workers need no resource tracker; spawned ones have one
    assert sum("resource_tracker" in c for c in started.values()) <= 1
    assert_all_ended(started)


def test_sigterm_exits_143_with_one_line_and_ends_every_child(big: Path) -> None:
    """kill -TERM: exit 143, one line, and no worker or resource tracker left behind."""
    code, err, started = stop_midway(big, signal.SIGTERM, group=False)
    assert (143, ["claims: stopped by SIGTERM; the run did not finish"]) == (code, err.splitlines())
    assert_all_ended(started)
