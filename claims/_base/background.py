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
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Beside(Generic[T]):
    """The result of ``fn``, being computed in a child process or, failing that, here on demand."""

    def __init__(self, fn: Callable[[], T], *, fork: bool) -> None:
        self._fn = fn
        self._pid: int | None = None
        self._read_fd: int | None = None
        if fork and hasattr(os, "fork") and threading.active_count() == 1:
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
