"""Work done beside the main line of a run: in a forked process, when that is safe.

The symbol lint reads every claim of the dataset and depends on nothing the
solver does; on a machine with two cores it can run while the main process
encodes, partitions and asks the cache (a re-check of 100,000 claims after a
one-claim edit spends about a fifth of its time in the lint). A forked child
sees the dataset as it is, without copying or pickling it, and sends back only
its answer (a few hundred warnings).

Forking is done only where it is safe and worth it: on a system with
``fork``, when this process runs no other thread (a thread holding a lock at
the fork would leave the child stuck), and when the caller asks for it. In
every other case, and whenever the child fails for any reason (it is killed,
runs out of memory, its answer does not unpickle), the work is done in this
process when its result is asked for: the answer never depends on where it was
computed.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import pickle
import signal
import struct
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
S = TypeVar("S")


def _may_fork() -> bool:
    """Whether this process may fork: a system with ``fork``, and no other thread (one holding a lock
    at the fork would leave the child stuck)."""
    return hasattr(os, "fork") and threading.active_count() == 1


class Beside(Generic[T]):
    """The result of ``fn``, being computed in a child process or, failing that, here on demand."""

    def __init__(self, fn: Callable[[], T], *, fork: bool) -> None:
        self._fn = fn
        self._pid: int | None = None
        self._read_fd: int | None = None
        if fork and _may_fork():
            self._start()

    @property
    def forked(self) -> bool:
        """Whether a child process is computing the result."""
        return self._pid is not None

    def _start(self) -> None:
        r, w = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no memory or no process slot for a child: compute here instead
            os.close(r)
            os.close(w)
            return
        if pid == 0:  # the child: compute, send, and leave without running anything of the parent's
            code = 1
            try:
                os.close(r)
                data = pickle.dumps(self._fn(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(w, "wb") as out:
                    out.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(w)
        self._pid, self._read_fd = pid, r

    def result(self) -> T:
        """The result: the child's answer when it gave one, else computed now."""
        if self._pid is None:
            return self._fn()
        fd, self._read_fd = self._read_fd, None  # closed below, even when the read is interrupted
        assert fd is not None
        with os.fdopen(fd, "rb") as fh:
            data = fh.read()  # before waiting: a child blocked on a full pipe never exits
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if status == 0:
            try:
                value: T = pickle.loads(data)
                return value
            except Exception:  # noqa: BLE001 (a damaged answer, whatever its error: compute it here)
                pass
        return self._fn()

    def cancel(self) -> None:
        """Stop the child, if any, and reap it."""
        if self._read_fd is not None:
            os.close(self._read_fd)
            self._read_fd = None
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None


@contextlib.contextmanager
def beside(fn: Callable[[], T], *, fork: bool) -> Iterator[Beside[T]]:
    """Start ``fn`` beside the ``with`` body; a child whose result was not asked for is stopped at the end."""
    job = Beside(fn, fork=fork)
    try:
        yield job
    finally:
        job.cancel()


class Partner(Generic[S]):
    """A state made by ``start`` in a forked child and kept there, which this process asks questions of.

    Where :class:`Beside` sends back its whole result, a partner keeps what it
    made (files it parsed, say) and sends back only the answers to the
    questions asked of it: a question is a function of the state, pickled
    (a module-level function, or a :func:`functools.partial` of one), and its
    answer is pickled back (by ``dumps``, when given: any pickler whose bytes
    :func:`pickle.loads` reads). One question at a time: :meth:`ask` sends it and
    gives what reads its answer; this process may work in between.

    The answers never depend on where they were computed: ``start`` and every
    question must be pure (the same state and answers whichever process makes
    them, and a question must not change the state). When no child could be
    forked (see :class:`Beside`), or the child fails in any way (it is killed,
    a question or its answer does not pickle), ``start`` is run here, once,
    and this and every later question is answered here.
    """

    def __init__(self, start: Callable[[], S], *, fork: bool, dumps: Callable[[object], bytes] | None = None) -> None:
        self._start = start
        self._dumps = dumps or functools.partial(pickle.dumps, protocol=pickle.HIGHEST_PROTOCOL)
        self._here: list[S] = []  # the state, once it is made here
        self._asked = False  # a question waits for its answer
        self._pid: int | None = None
        self._to: int | None = None  # questions go down this pipe
        self._from: int | None = None  # answers come up this one
        if fork and _may_fork():
            self._fork()

    @property
    def forked(self) -> bool:
        """Whether a child process holds the state."""
        return self._pid is not None

    def _fork(self) -> None:
        down_r, down_w = os.pipe()
        up_r, up_w = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no memory or no process slot for a child: work here instead
            for fd in (down_r, down_w, up_r, up_w):
                os.close(fd)
            return
        if pid == 0:  # the child: make the state, answer until the parent closes the pipe, and leave
            code = 1
            try:
                os.close(down_w)
                os.close(up_r)
                state = self._start()
                with os.fdopen(down_r, "rb") as questions, os.fdopen(up_w, "wb") as answers:
                    while (question := _receive(questions)) is not None:
                        fn: Callable[[S], object] = pickle.loads(question)
                        _send(answers, self._dumps(fn(state)))
                code = 0
            finally:
                os._exit(code)
        os.close(down_r)
        os.close(up_w)
        self._pid, self._to, self._from = pid, down_w, up_r

    def ask(self, question: Callable[[S], T]) -> Callable[[], T]:
        """Send ``question``; what is returned gives its answer (the child's, or computed here) when called."""
        assert not self._asked, "one question at a time"
        self._asked = True
        if self._pid is not None and self._to is not None:
            try:
                data = pickle.dumps(question, protocol=pickle.HIGHEST_PROTOCOL)
                _write_all(self._to, struct.pack("<Q", len(data)) + data)
            except Exception:  # noqa: BLE001 (a question that does not pickle, a child gone: work here)
                self.cancel()
        return functools.partial(self._answer, question)

    def _answer(self, question: Callable[[S], T]) -> T:
        assert self._asked, "one answer a question"
        self._asked = False
        if self._pid is not None and self._from is not None:
            head = _read_exactly(self._from, 8)
            data = _read_exactly(self._from, struct.unpack("<Q", head)[0]) if len(head) == 8 else b""
            if len(head) == 8 and len(data) == struct.unpack("<Q", head)[0]:
                try:
                    value: T = pickle.loads(data)
                    return value
                except Exception:  # noqa: BLE001 (a damaged answer, whatever its error: compute it here)
                    pass
            self.cancel()
        if not self._here:
            self._here.append(self._start())
        return question(self._here[0])

    def cancel(self) -> None:
        """Stop the child, if any, and reap it; later questions are answered here."""
        for fd in (self._to, self._from):
            if fd is not None:
                os.close(fd)
        self._to = self._from = None
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None


def _send(out: io.BufferedWriter, data: bytes) -> None:
    out.write(struct.pack("<Q", len(data)))
    out.write(data)
    out.flush()


def _receive(src: io.BufferedReader) -> bytes | None:
    """The next message, or None at the end of the pipe."""
    head = src.read(8)
    if len(head) < 8:
        return None
    return src.read(struct.unpack("<Q", head)[0])


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd: int, n: int) -> bytes:
    """``n`` bytes from ``fd``, or fewer when the pipe ends first."""
    parts, left = [], n
    while left:
        part = os.read(fd, min(left, 1 << 20))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)
