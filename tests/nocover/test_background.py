"""Work beside the run (``claims._base.background``): a forked child's answer is the answer computed here.

A :class:`Partner` keeps what it made in the child and answers questions about it: the same rules hold
for every answer, whether the child fails before the first question or between two.

The lint of a large dataset runs in a forked child while the main process
encodes and solves. These tests run the real fork: the answer must be the
same as computing it in this process, a child that fails or is killed must
not change the answer, and no child may outlive its run.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import claims
from claims._base.background import Beside, Partner, beside
from claims._run import api as _api

REPO = Path(__file__).resolve().parents[2]


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_child_answers_what_this_process_would() -> None:
    parent = os.getpid()
    job = Beside(lambda: (os.getpid(), sorted(range(1000), key=lambda x: -x)), fork=True)
    assert job.forked
    pid, value = job.result()
    assert pid != parent  # computed in the child, not here
    assert value == sorted(range(1000), key=lambda x: -x)
    assert not job.forked


def test_a_failing_child_leaves_the_work_to_this_process() -> None:
    parent = os.getpid()

    def work() -> int:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return 42

    job = Beside(work, fork=True)
    assert job.forked
    assert job.result() == 42


def test_a_killed_child_leaves_the_work_to_this_process() -> None:
    parent = os.getpid()

    def work() -> int:
        if os.getpid() != parent:
            time.sleep(60)
        return 7

    job = Beside(work, fork=True)
    assert job._pid is not None
    os.kill(job._pid, signal.SIGKILL)
    assert job.result() == 7


def test_a_child_whose_answer_is_not_asked_for_is_stopped_and_reaped() -> None:
    with beside(lambda: time.sleep(60), fork=True) as job:
        pid = job._pid
        assert pid is not None
    assert _reaped(pid)
    with pytest.raises(ZeroDivisionError), beside(lambda: time.sleep(60), fork=True) as job:
        pid = job._pid
        1 / 0  # noqa: B018 - the run fails: the child must not outlive it
    assert pid is not None and _reaped(pid)


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        job = Beside(os.getpid, fork=True)
        assert not job.forked and job.result() == os.getpid()
    finally:
        stop.set()
        other.join()


def test_no_fork_when_not_asked() -> None:
    job = Beside(os.getpid, fork=False)
    assert not job.forked and job.result() == os.getpid()


@pytest.mark.parametrize("root", ["seeds", "tests/data/valid"])
def test_check_with_the_lint_beside_reports_what_one_process_reports(
    monkeypatch: pytest.MonkeyPatch, root: str
) -> None:
    ds = claims.load(REPO / root)
    alone = claims.check(ds, jobs=1, cache=False)
    forked: list[bool] = []
    original = beside

    @contextlib.contextmanager
    def watched(fn: Callable[[], object], *, fork: bool) -> Iterator[Beside[object]]:
        with original(fn, fork=fork) as job:
            forked.append(job.forked)
            yield job

    monkeypatch.setattr(_api, "LINT_BESIDE_THRESHOLD", 1)
    monkeypatch.setattr(_api, "beside", watched)
    together = claims.check(ds, jobs=2, cache=False)
    assert forked == [True]
    assert together.warnings == alone.warnings and alone.warnings
    assert str(together) == str(alone)


def test_an_interrupted_wait_still_stops_the_child_and_closes_the_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the answer is read: the child is stopped and reaped, and no descriptor is closed twice."""

    class Interrupted:
        """A pipe whose read is interrupted; leaving it closes the descriptor, as a file would."""

        def __init__(self, fd: int, _mode: str) -> None:
            self.fd = fd

        def __enter__(self) -> Interrupted:
            return self

        def __exit__(self, *_exc: object) -> None:
            os.close(self.fd)

        def read(self) -> bytes:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), beside(lambda: time.sleep(60), fork=True) as job:
        pid = job._pid
        assert pid is not None
        monkeypatch.setattr(os, "fdopen", Interrupted)
        job.result()
    assert pid is not None and _reaped(pid)


def _squares(n: int) -> list[int]:
    return [k * k for k in range(n)]


def _pid_and_sum(state: list[int], extra: int = 0) -> tuple[int, int]:
    return os.getpid(), sum(state) + extra


def _sleep_then_sum(state: list[int]) -> tuple[int, int]:
    if os.getpid() != _PARENT[0]:
        time.sleep(60)
    return _pid_and_sum(state)


def _fail_in_the_child(state: list[int]) -> int:
    if os.getpid() != _PARENT[0]:
        raise RuntimeError("the child fails")
    return len(state)


_PARENT = [os.getpid()]


def test_a_partner_answers_each_question_as_this_process_would() -> None:
    parent = os.getpid()
    partner = Partner(functools.partial(_squares, 1000), fork=True)
    try:
        assert partner.forked
        for extra in (0, 5):
            pid, value = partner.ask(functools.partial(_pid_and_sum, extra=extra))()
            assert pid != parent  # computed in the child, from the state it keeps
            assert value == sum(_squares(1000)) + extra
    finally:
        partner.cancel()
    assert not partner.forked


@pytest.mark.parametrize("forked", [True, False])
def test_a_partner_that_fails_leaves_the_work_to_this_process(forked: bool) -> None:
    _PARENT[0] = os.getpid()
    partner = Partner(functools.partial(_squares, 10), fork=forked)
    assert partner.forked == forked
    assert partner.ask(_fail_in_the_child)() == 10  # made here, from the state made again here
    assert not partner.forked
    pid, value = partner.ask(_pid_and_sum)()  # and every later question too
    assert pid == os.getpid() and value == sum(_squares(10))


def test_a_partner_killed_between_questions_leaves_the_work_to_this_process() -> None:
    _PARENT[0] = os.getpid()
    partner = Partner(functools.partial(_squares, 10), fork=True)
    assert partner.ask(_pid_and_sum)()[0] != os.getpid()
    answer = partner.ask(_sleep_then_sum)
    assert partner._pid is not None
    os.kill(partner._pid, signal.SIGKILL)
    assert answer() == (os.getpid(), sum(_squares(10)))


def test_a_partner_asked_what_does_not_pickle_answers_here() -> None:
    partner = Partner(functools.partial(_squares, 10), fork=True)
    pid, value = partner.ask(lambda state: (os.getpid(), sum(state)))()  # a lambda does not pickle
    assert (pid, value) == (os.getpid(), sum(_squares(10)))
    assert not partner.forked


def test_a_cancelled_partner_is_reaped() -> None:
    partner = Partner(functools.partial(time.sleep, 60), fork=True)
    pid = partner._pid
    assert pid is not None
    partner.cancel()
    assert _reaped(pid)
