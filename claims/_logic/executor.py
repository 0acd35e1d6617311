"""Where components are solved: in this process, in worker processes, or on a Dask cluster.

Components travel as plain data (SMT-LIB2 text and indices) and results come
back as plain data, so every executor gives byte-identical findings: results
are gathered in component order, and what a result shows (a contradiction's
claims and rules, a conclusion's premises or scenario) does not depend on
where, or after what, it was solved (see ``claims._logic.solve``).

Worker processes on this machine are forked when this process runs no other
thread (:func:`start_method`): a forked worker starts at once, with
everything imported, where a spawned one imports ``claims`` again (about
0.5 CPU-s each). A forked worker is a copy of this process, so what it
computes is what it would compute here; only the solving code is run in it.

On a Dask cluster a worker process runs tasks in several threads at once; no
z3 object is ever used by two threads (``claims._logic.solver.thread_context``).
Each task carries its components, the facts among their claims, the options
and the engine that must solve them, so nothing large is handed to every
task, and the scheduler can run a task again on another worker when its
worker dies (``distributed.scheduler.allowed-failures`` times). A run the
cluster cannot finish raises :class:`~claims.ClaimsError`: never a partial
result.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import functools
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from claims._base import gc as _gc
from claims._base.background import beside
from claims._base.errors import ClaimsError
from claims._logic.cache import engine_version
from claims._logic.partition import Component
from claims._logic.probe import Probe
from claims._logic.solve import ComponentResult, Options, near_contradictions, solve_component
from claims._logic.solve import rules_alone as _rules_alone
from claims._logic.solver import Answer

Progress = Callable[[int, int], None]

PARALLEL_THRESHOLD = 64
"""Below this many components to solve, worker processes cost more than they save."""

CHUNKS_PER_JOB = 32
"""Chunks of components per worker (a local process, or a Dask worker thread): small enough that the
last ones to finish keep every worker busy (at 100k claims a chunk holds about 420 components, under a
second), few enough to cost little (a chunk makes its own warm solvers: a few milliseconds)."""

NO_WORKERS_TIMEOUT = 60.0
"""Seconds a Dask run waits while the cluster has no worker at all before it gives up."""

EXTRA_HINT = "pip install 'claims-check[dask]'"


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _one_thread() -> bool:
    """Whether this process runs exactly one thread, by the kernel's count (False where it cannot tell).

    The kernel's count, not Python's: z3 runs a check that has a time limit
    with a timer thread of its own, and keeps that thread for later checks.
    """
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # pragma: no cover - no /proc (not Linux)
        return False


def start_method() -> str:
    """How worker processes start: ``"fork"`` when this process runs no other thread, else ``"spawn"``.

    A child forked while another thread runs gets none of that thread, but
    every lock it held and every promise it made: z3 hands the time limit of
    a check to its timer thread (made by the first timed check, then kept),
    so in a child forked after one, a timed check waits forever for a thread
    that is not there. With one thread there is nothing of the kind, and the
    child is a copy of this process: it solves a component as this process
    would. Spawned workers start from nothing: always safe, 0.5 CPU-s slower each.
    """
    if "fork" in multiprocessing.get_all_start_methods() and _one_thread():
        return "fork"
    return "spawn"


def rules_alone(
    smt: str, n_rules: Sequence[int], opts: Options, *, jobs: int, executor: str, claims: int
) -> tuple[Answer, list[list[int]], str]:
    """:func:`claims._logic.solve.rules_alone`, in a forked child when worker processes may follow.

    Its checks have a time limit, so they leave z3's timer thread in the
    process that runs them, and after that workers must be spawned (see
    :func:`start_method`). When this run may solve in local worker processes
    (``jobs`` > 1, at least :data:`PARALLEL_THRESHOLD` ``claims``) the check
    runs in a forked child, which sends back its answer: the same checks on
    the same text, so the same answer (and whenever the child fails, it is
    computed here: ``claims._base.background``).
    """
    apart = executor == "local" and jobs > 1 and claims >= PARALLEL_THRESHOLD and _one_thread()
    with beside(functools.partial(_rules_alone, smt, tuple(n_rules), opts), fork=apart) as job:
        return job.result()


def solve_chunk(
    chunk: Sequence[Component], facts: frozenset[int], opts: Options, done: Callable[[int], None] | None = None
) -> list[ComponentResult]:
    """Solve components one after the other (the unit of work sent to a worker), with one probe;
    then the strict readings of the consistent ones (``claims._logic.solve.near_contradictions``).

    ``done(k)`` is called when the first ``k`` components are solved.
    """
    probe = Probe()
    strict: list[bool | None] = [None] * len(chunk)  # what the batches show of the strict readings
    shown = probe.shown_consistent(chunk, opts.timeout, strict=strict)
    out: list[ComponentResult] = []
    for c, seen in zip(chunk, shown, strict=True):
        out.append(solve_component(c, sorted(facts & set(c.claims)), opts, probe, shown=seen))
        if done is not None:
            done(len(out))
    return near_contradictions(chunk, out, facts, opts, probe, strict)


def _chunks(items: Sequence[Component], n: int) -> list[list[Component]]:
    size = max(1, -(-len(items) // n))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _facts_of(chunk: Sequence[Component], facts: frozenset[int]) -> frozenset[int]:
    """The facts among the chunk's claims: all a task needs of the dataset's facts."""
    return facts.intersection(i for c in chunk for i in c.claims)


def run(
    comps: Sequence[Component],
    facts: frozenset[int],
    opts: Options,
    *,
    jobs: int,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
    write: Callable[[Component], Component] | None = None,
) -> list[ComponentResult]:
    """Solve every component; results in the order of ``comps``.

    ``write``: what makes a component's script, when ``comps`` come without
    (``claims._logic.partition.complete``). Local worker processes get their
    chunks as they are written, so they solve the first while the rest are
    written; a chunk is the same components either way. A Dask cluster gets
    them all at once (see :func:`_solve_on`).

    Raises:
        ClaimsError: the executor cannot run or cannot finish (local: a
            worker process that ended before it answered; Dask: no
            scheduler address, the extra not installed, the cluster out of
            reach, workers that keep dying, another engine on the workers).
    """
    ready: Callable[[Sequence[Component]], list[Component]] = (
        list if write is None else (lambda chunk: [write(c) for c in chunk])
    )
    if executor == "dask":
        return _run_dask(ready(comps), facts, opts, scheduler, progress)
    if executor != "local":
        raise ClaimsError(f"executor={executor!r} is not one of 'local', 'dask'")
    if jobs <= 1 or len(comps) < PARALLEL_THRESHOLD:
        return solve_chunk(ready(comps), facts, opts, None if progress is None else lambda k: progress(k, len(comps)))
    chunks = _chunks(comps, jobs * CHUNKS_PER_JOB)
    method = start_method()
    ctx = multiprocessing.get_context(method)
    results: list[ComponentResult] = []
    # The workers (and multiprocessing's resource tracker) start with SIGINT ignored: Ctrl-C at a
    # terminal reaches the whole process group, and a worker still importing would print a
    # traceback; the parent alone acts on it, and ends them.
    with _sigint_held():
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init)
        try:
            futures = [pool.submit(solve_chunk, ready(ch), _facts_of(ch, facts), opts) for ch in chunks]
        except BaseException:
            _end_workers(pool)
            raise
    try:
        for fut in futures:  # in submission order: deterministic
            results.extend(fut.result())
            if progress is not None:
                progress(len(results), len(comps))
    except concurrent.futures.process.BrokenProcessPool as exc:
        _end_workers(pool)
        raise ClaimsError(_broken(method, jobs)) from exc
    except BaseException:
        _end_workers(pool)
        raise
    pool.shutdown()
    return results


def _broken(method: str, jobs: int) -> str:
    """What to say when a worker process ended before it answered (``BrokenProcessPool``)."""
    why = "it was killed (out of memory?)"
    if method == "spawn":
        why = (
            "this process runs more than one thread, so its workers were spawned, and a spawned worker "
            "imports the main module again: a script that checks with jobs > 1 must keep its work under "
            "'if __name__ == \"__main__\":' (multiprocessing's rule for spawning); or " + why
        )
    return f"a worker process of the check ended before it answered ({jobs} jobs): {why}; jobs=1 solves in this process"


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """For the ``with`` body, SIGINT is ignored by the processes this thread starts and held back
    (pending, never lost) from this one.

    Ignored, because a process inherits that across ``exec`` and a Python that starts with it
    ignored leaves it so; blocked at the same time, because Linux keeps a blocked signal pending
    even while it is ignored, so a Ctrl-C in between reaches this process's handler afterwards.
    Only the main thread may change a handler: from another, the signal is only blocked.
    """
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not on POSIX
        yield
        return
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    handler = signal.getsignal(signal.SIGINT)
    swap = threading.current_thread() is threading.main_thread() and handler is not None
    try:
        if swap:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        yield
    finally:
        if swap:
            signal.signal(signal.SIGINT, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)


WORKER_NAME = b"claims-solve"
"""The name a worker goes by on Linux (``ps``, ``/proc/PID/comm``); a forked one has its parent's command line."""


def _worker_init() -> None:
    """In each worker: Ctrl-C at a terminal reaches the whole process group, but only the parent
    acts on it (and ends the workers); a worker interrupted on its own would print a traceback.

    A forked worker starts with the parent's signal handlers (the CLI's stop SIGTERM by raising
    where the run is): a worker takes the default for each, so that the parent's SIGTERM (see
    :func:`_end_workers`) ends it quietly. It also takes the name :data:`WORKER_NAME`, where the
    system allows it.
    """
    for sig in signal.valid_signals():
        if callable(signal.getsignal(sig)):
            signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _gc.on_in_a_forked_worker()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_NAME, WORKER_NAME, 0, 0, 0)


_PR_SET_NAME = 15


WORKER_GRACE = 2.0
"""Seconds a worker has to end after SIGTERM before it is killed."""


def _end_workers(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """End a pool's workers now, mid-task (an error, Ctrl-C or SIGTERM in this process).

    ``shutdown`` alone waits for every running task to finish, and the parent's death leaves
    them solving, with multiprocessing's resource tracker, long after the run (issue 17, item 7).
    """
    procs = list((getattr(pool, "_processes", None) or {}).values())
    # shutdown(wait=False) forgets the pool's thread: kept here, to be waited for below
    manager: threading.Thread | None = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        p.terminate()
    deadline = time.monotonic() + WORKER_GRACE
    for p in procs:
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join()
    # The pool's thread now sees its workers gone, releases its queues and ends. Waited for, so
    # that it does not release their semaphores while this process exits: one unlinked but not
    # yet struck off multiprocessing's resource tracker made the tracker warn of a leak.
    if manager is not None:
        manager.join(WORKER_GRACE)


# --------------------------------------------------------------------------- Dask


class EngineMismatch(ClaimsError):
    """A Dask worker runs other code than this process, so its answers could differ."""


@attrs.frozen
class DaskTask:
    """One Dask task: the engine that must solve it, and its work pickled (:meth:`of`).

    One object, so Dask sends it as it is and never looks inside it for the
    keys of other tasks; its work already pickled, because the scheduler
    unpickles the task graph it is sent, and bytes cost it nothing to
    unpickle, where the components of the 100k benchmark (30 MB) cost it
    most of the 1.7 s between their sending and the first task's start. Only
    the worker that solves the task unpickles them (:func:`solve_task`),
    after checking the engine.
    """

    engine: str
    size: int  # how many components
    work: bytes  # pickled: the components, the facts among their claims, the options

    @classmethod
    def of(cls, engine: str, comps: Sequence[Component], facts: frozenset[int], opts: Options) -> DaskTask:
        """The task of solving ``comps`` (whose facts are among ``facts``) with ``opts`` on ``engine``."""
        work = pickle.dumps((tuple(comps), facts, opts), protocol=pickle.HIGHEST_PROTOCOL)
        return cls(engine, len(comps), work)

    def unpacked(self) -> tuple[tuple[Component, ...], frozenset[int], Options]:
        """The components, the facts among their claims and the options."""
        comps, facts, opts = pickle.loads(self.work)
        return comps, facts, opts


@attrs.frozen
class TaskResults:
    """A Dask task's results, one object: Dask pickles it whole, where it sends a list item by item
    (a header and a frame each: 0.14 s against 0.02 s for the 2,670 results of the 10k benchmark)."""

    results: tuple[ComponentResult, ...]


@attrs.frozen
class _Call:
    """The call ``solve_task(task)``, as bytes that make it when unpickled (:meth:`__reduce__`).

    A Dask task is ``pickle.loads`` of these bytes: the scheduler, which
    unpickles every task graph it is sent, then sees a function of the
    standard library and bytes, and never imports ``claims`` (0.5 s on a
    new cluster, before the first task could start). The worker that runs
    the task imports it, as it must anyway, when ``pickle.loads`` makes the call.
    """

    task: DaskTask

    def __reduce__(self) -> tuple[Callable[[DaskTask], TaskResults], tuple[DaskTask]]:
        return solve_task, (self.task,)

    def payload(self) -> bytes:
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)


def solve_task(task: DaskTask) -> TaskResults:
    """What a Dask worker runs: the task's components, if this worker runs the same engine
    (with the heap of :func:`solving_heap`)."""
    here = engine_version()
    if task.engine != here:
        raise EngineMismatch(
            f"a Dask worker runs another claims engine ({here}) than the client ({task.engine}): "
            "install the same claims-check on every worker and restart them (docs/dask.md)"
        )
    comps, facts, opts = task.unpacked()
    with solving_heap(os.environ, _mallopt()):
        return TaskResults(tuple(solve_chunk(comps, facts, opts)))


Mallopt = Callable[[int, int], int]

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameters (``malloc.h``)."""

GLIBC_THRESHOLD = 128 * 1024
"""glibc's first trim and mmap thresholds, the ones a ``MALLOC_*_THRESHOLD_`` variable fixes when not given."""

SOLVING_MMAP_THRESHOLD = 32 * 1024 * 1024
"""While solving: blocks up to this size come from the heap (glibc's dynamic threshold stops there too)."""


def _mallopt() -> Mallopt | None:
    """glibc's ``mallopt`` (None where there is none: another C library, another system)."""
    if not sys.platform.startswith("linux"):  # pragma: no cover - Linux only
        return None
    try:
        fn: Mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # pragma: no cover - no glibc
        return None
    return fn


@contextlib.contextmanager
def solving_heap(environ: Mapping[str, str], mallopt: Mallopt | None) -> Iterator[None]:
    """For the ``with`` body, glibc's heap keeps the memory z3 frees for its next allocations,
    when a ``MALLOC_TRIM_THRESHOLD_`` in ``environ`` told it not to; as told again afterwards.

    A Dask nanny starts its worker with ``MALLOC_TRIM_THRESHOLD_=65536``
    (``distributed.nanny.pre-spawn-environ``), so that freed memory goes back
    to the system at once. That setting also fixes the size from which glibc
    maps a block of its own (128 KiB; by default the threshold grows with the
    blocks freed): z3 makes and frees blocks of several MiB for each solver and
    context (a context is about 16 MB), so every one was mapped, faulted in page
    by page and unmapped again. Measured on 3,000 components of the 100k
    benchmark in one thread: 449,000 page faults and 8.2-9.1 CPU-s with the
    variable, 67,000 and 6.5-7.6 without, 67,500 and 6.6 with it and the
    thresholds set here. Where and how memory is allocated changes no answer.

    Here the mmap threshold is :data:`SOLVING_MMAP_THRESHOLD` and the trim
    threshold twice that, the most glibc's dynamic thresholds grow to; afterwards
    both are what the environment said (``MALLOC_MMAP_THRESHOLD_`` too, else
    :data:`GLIBC_THRESHOLD`) and ``malloc_trim`` gives the free memory back.
    Without the variable (a process that glibc's dynamic thresholds serve, a
    worker forked by ``run``) nothing is changed. In a worker of several
    threads, a task that ends sets the environment's thresholds back while
    the others still solve: they are slower for it, never other.
    """
    told = environ.get("MALLOC_TRIM_THRESHOLD_")
    if mallopt is None or told is None or not told.isdigit():
        yield
        return
    mallopt(M_MMAP_THRESHOLD, SOLVING_MMAP_THRESHOLD)
    mallopt(M_TRIM_THRESHOLD, 2 * SOLVING_MMAP_THRESHOLD)
    try:
        yield
    finally:
        mmap = environ.get("MALLOC_MMAP_THRESHOLD_", "")
        mallopt(M_MMAP_THRESHOLD, int(mmap) if mmap.isdigit() else GLIBC_THRESHOLD)
        mallopt(M_TRIM_THRESHOLD, int(told))
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).malloc_trim(0)


def _run_dask(
    comps: Sequence[Component],
    facts: frozenset[int],
    opts: Options,
    scheduler: str | None,
    progress: Progress | None,
) -> list[ComponentResult]:
    # the address first: that message must not depend on whether the extra is installed
    if not scheduler:
        raise ClaimsError("the dask executor needs a scheduler address (--scheduler tcp://HOST:PORT)")
    import asyncio  # here, not at the top: only a Dask run needs it (20 ms of every CLI start)

    try:
        import distributed
    except ImportError as exc:
        raise ClaimsError(f"the dask executor needs the optional extra: {EXTRA_HINT}") from exc
    make_client: Any = distributed.Client  # untyped in distributed, and absent without the extra
    try:
        client = make_client(scheduler, set_as_default=False)
    except Exception as exc:
        raise ClaimsError(f"cannot connect to the Dask scheduler at {scheduler}: {_describe(exc)}") from exc
    try:
        return _solve_on(client, distributed, comps, facts, opts, scheduler, progress)
    except ClaimsError:
        raise
    except (Exception, asyncio.CancelledError) as exc:
        raise ClaimsError(_failure(exc, distributed, scheduler)) from exc
    finally:
        _close(client)


def _close(client: Any) -> None:
    """Close a Dask client, quietly: whatever went wrong has been said (or will be, as ClaimsError).

    A client that lost its scheduler is still trying to reconnect; closing it
    cancels that attempt, which distributed logs, with a traceback, as an error.
    """
    log = logging.getLogger("distributed.client")
    was = log.disabled
    log.disabled = True
    try:
        client.close()
    except Exception:  # noqa: BLE001 (closing a client whose scheduler is gone may fail; the run is over anyway)
        pass
    finally:
        log.disabled = was


def _solve_on(
    client: Any,
    distributed: Any,
    comps: Sequence[Component],
    facts: frozenset[int],
    opts: Options,
    scheduler: str,
    progress: Progress | None,
) -> list[ComponentResult]:
    """Solve on the cluster of ``client``; results in the order of ``comps``.

    Every task goes in one message (``client.map``): sent one by one as
    their scripts were written, a scheduler lost meanwhile met a client
    still sending, which reported it otherwise than as the lost scheduler.
    """
    threads = sum(client.nthreads().values())
    chunks = _chunks(comps, max(1, threads) * CHUNKS_PER_JOB)
    engine = engine_version()
    tasks = [DaskTask.of(engine, ch, _facts_of(ch, facts), opts) for ch in chunks]
    # named for what they run (a dashboard shows a key's prefix), not for pickle.loads
    keys = [f"solve_task-{uuid.uuid4().hex}" for _ in tasks]
    with warnings.catch_warnings():
        # the components are the data: they must travel, once, inside their tasks (so that a
        # task can run again elsewhere when its worker dies, which scattered data cannot)
        warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
        futures = client.map(pickle.loads, [_Call(t).payload() for t in tasks], key=keys, pure=False)
    position = {f.key: k for k, f in enumerate(futures)}
    finished: queue.Queue[Any] = queue.Queue()
    for f in futures:
        f.add_done_callback(finished.put)
    results: list[tuple[ComponentResult, ...] | None] = [None] * len(futures)
    solved = 0
    alone_since: float | None = None
    while solved < len(comps):
        try:
            fut = finished.get(timeout=1.0)
        except queue.Empty:
            if client.nthreads():
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            elif time.monotonic() - alone_since > NO_WORKERS_TIMEOUT:
                raise ClaimsError(
                    f"the Dask cluster at {scheduler} has had no worker for {NO_WORKERS_TIMEOUT:g} s "
                    "with components left to solve: start workers (docs/dask.md)"
                ) from None
            continue
        k = position[fut.key]
        if results[k] is not None:
            continue
        chunk = fut.result().results  # raises what the task raised
        if len(chunk) != tasks[k].size:
            raise ClaimsError(f"a Dask worker returned {len(chunk)} results for {tasks[k].size} components")
        results[k] = chunk
        fut.release()
        solved += len(chunk)
        if progress is not None:
            progress(solved, len(comps))
    return [r for chunk_results in results if chunk_results is not None for r in chunk_results]


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _failure(exc: BaseException, distributed: Any, scheduler: str) -> str:
    """Why a Dask run could not finish, in the user's terms."""
    if isinstance(exc, distributed.KilledWorker):
        return (
            f"the Dask cluster at {scheduler} could not finish: workers died while solving, each "
            f"time the same task ran, so nothing is reported (see the workers' logs). {_describe(exc)}"
        )
    import asyncio

    if isinstance(exc, (concurrent.futures.CancelledError, asyncio.CancelledError)):
        return (
            f"the Dask cluster at {scheduler} cancelled the work (scheduler restarted or connection "
            f"lost?), so nothing is reported. {_describe(exc)}"
        )
    if isinstance(exc, (OSError, TimeoutError)):
        return f"lost the Dask scheduler at {scheduler}, so nothing is reported: {_describe(exc)}"
    return (
        f"a Dask worker failed while solving, so nothing is reported: {_describe(exc)} (every worker "
        "needs claims-check installed, at the version of this process: docs/dask.md)"
    )
