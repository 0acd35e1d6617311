"""Where components are solved: in this process, in worker processes, or on a Dask cluster.

Components travel as plain data (SMT-LIB2 text and indices) and results come
back as plain data, so every executor gives byte-identical findings: each
component is solved on its own fresh, seeded solver, and results are gathered
in component order.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any

from claims._partition import Component
from claims._solve import ComponentResult, Options, solve_component

Progress = Callable[[int, int], None]

PARALLEL_THRESHOLD = 64
"""Below this many components to solve, worker processes cost more than they save."""


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def solve_chunk(chunk: Sequence[Component], facts: frozenset[int], opts: Options) -> list[ComponentResult]:
    """Solve components one after the other (the unit of work sent to a worker)."""
    return [solve_component(c, sorted(facts & set(c.claims)), opts) for c in chunk]


def _chunks(items: Sequence[Component], n: int) -> list[list[Component]]:
    size = max(1, -(-len(items) // n))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def run(
    comps: Sequence[Component],
    facts: frozenset[int],
    opts: Options,
    *,
    jobs: int,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> list[ComponentResult]:
    """Solve every component; results in the order of ``comps``."""
    if executor == "dask":
        return _run_dask(comps, facts, opts, scheduler, jobs)
    if jobs <= 1 or len(comps) < PARALLEL_THRESHOLD:
        out: list[ComponentResult] = []
        for k, c in enumerate(comps):
            out.extend(solve_chunk([c], facts, opts))
            if progress is not None:
                progress(k + 1, len(comps))
        return out
    chunks = _chunks(comps, jobs * 8)
    ctx = multiprocessing.get_context("spawn")  # no z3 state crosses into the workers
    results: list[ComponentResult] = []
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        futures = [pool.submit(solve_chunk, ch, facts, opts) for ch in chunks]
        for fut in futures:  # in submission order: deterministic
            results.extend(fut.result())
            if progress is not None:
                progress(len(results), len(comps))
    return results


def _run_dask(
    comps: Sequence[Component], facts: frozenset[int], opts: Options, scheduler: str | None, jobs: int
) -> list[ComponentResult]:
    try:
        from dask.distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        from claims._errors import ClaimsError

        raise ClaimsError(
            "the dask executor needs the optional extra: pip install 'claims-check[dask]'"
        ) from exc
    if scheduler is None:
        from claims._errors import ClaimsError

        raise ClaimsError("the dask executor needs a scheduler address (--scheduler tcp://HOST:PORT)")
    make_client: Any = Client  # dask.distributed ships no type hints for Client
    client = make_client(scheduler, set_as_default=False)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        chunks = _chunks(comps, max(workers, jobs) * 4)
        futures = client.map(solve_chunk, chunks, facts=facts, opts=opts, pure=False)
        gathered = client.gather(futures)
    finally:
        client.close()
    return [r for chunk in gathered for r in chunk]
