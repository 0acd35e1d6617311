"""The check, end to end: encode → partition → solve → findings, with the lint beside it.

The CLI and the library both call :func:`check`; nothing else solves. Loading
is :func:`claims._run.loader.load`'s, through the front end and the file cache.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
from typing import Union

import attrs

from claims._base import gc as _gc
from claims._base.background import beside
from claims._base.errors import Diagnostic
from claims._base.limits import DEFAULT as DEFAULT_LIMITS
from claims._base.limits import Limits
from claims._front.lint import lint_dataset
from claims._front.model import ROW, Dataset, rows
from claims._logic import executor as _executor
from claims._logic.cache import ResultCache, split_cached
from claims._logic.encode import Encoded, encode, encode_rules_alone, script
from claims._logic.near import warning as near_warning
from claims._logic.partition import Component, complete, partition
from claims._logic.recheck import LastRun, settled, worth_writing
from claims._logic.recheck import outline as outline  # re-exported: benchmarks.run times it
from claims._logic.solve import ComponentResult as Res
from claims._logic.solve import Options
from claims._logic.solver import Answer
from claims._report.assemble import assemble_report
from claims._report.findings import Report, RuleConflict, fingerprint

Progress = Callable[[int, int], None]


def components_of(ds: Dataset, *, limits: Limits = DEFAULT_LIMITS) -> list[Component]:
    """Encode and partition a dataset."""
    return partition(encode(ds, limits=limits))


CacheSpec = Union[ResultCache, str, "os.PathLike[str]", bool, None]


def check(
    ds: Dataset,
    *,
    timeout: float | None = 30.0,
    max_per_component: int | None = None,
    jobs: int | None = None,
    cache: CacheSpec = True,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Report:
    """Find every minimal contradiction and judge every conclusion of ``ds``.

    Args:
        timeout: seconds per solver check (``None``: no limit); a check that
            hits it makes an ``unknown`` finding, never "consistent".
        max_per_component: stop enumerating a component after this many
            contradictions (the report says it is truncated).
        jobs: worker processes for independent components (default: the
            number of cores; small problems are solved in this process).
            Workers are forked while this process runs one thread, and
            spawned when it runs more (a timed z3 check leaves a timer thread
            behind): a spawned worker imports the caller's main module again,
            so a script that checks with several jobs keeps its work under
            ``if __name__ == "__main__":``, as :mod:`multiprocessing` asks.
        cache: ``True`` keeps solved components in memory for this process, so
            re-checking after a small edit solves only what changed; a folder
            path also keeps them on disk (the CLI uses ``.claims-cache/``);
            ``False`` solves everything afresh.
        executor: ``"local"`` or ``"dask"`` (needs ``scheduler``, the address
            of a Dask distributed scheduler, and the ``dask`` extra).
        progress: called with (components done, components in all).
        limits: bounds on what the dataset may cost (:class:`Limits`).

    Raises:
        InvalidClaim: ``too-large``, when the dataset is over ``limits``.
        ClaimsError: when the executor cannot run (e.g. Dask is not installed)
            or a worker process ended before it answered (the message says
            why it may have: see ``jobs``).
    """
    with _gc.paused():
        return _check(ds, Options(timeout, max_per_component), jobs, cache, executor, scheduler, progress, limits)


def _check(
    ds: Dataset,
    opts: Options,
    jobs: int | None,
    cache: CacheSpec,
    executor: str,
    scheduler: str | None,
    progress: Progress | None,
    limits: Limits,
) -> Report:
    start = time.perf_counter()
    n_jobs = jobs or _executor.default_jobs()
    # the lint reads only the dataset: with a core to spare it runs beside the rest
    store = _cache_of(cache)
    kept = None if store is None or store.directory is None else store.directory / LINT_PAIRS
    with beside(
        functools.partial(lint_dataset, ds, kept=kept), fork=n_jobs > 1 and len(ds.claims) >= LINT_BESIDE_THRESHOLD
    ) as warnings:
        kind = ROW["kind"]
        facts = frozenset(i for i, r in enumerate(rows(ds)) if r[kind] == "fact")
        conflicts: list[RuleConflict] = []
        if ds.rules:
            alone = encode_rules_alone(ds, limits=limits)
            smt = script(alone, alone.units)
            every = range(len(ds.rules))
            consistent = store is not None and store.rules_consistent(smt, every)
            answer, sets, _reason = (
                _CONSISTENT
                if consistent
                else _executor.rules_alone(smt, every, opts, jobs=n_jobs, executor=executor, claims=len(ds.claims))
            )
            if answer == "sat" and not consistent and store is not None:
                store.keep_rules_consistent(smt, every)
            if answer == "unsat":
                for s in sets:
                    rs = tuple(ds.rules[j] for j in s)
                    conflicts.append(RuleConflict(rs, fingerprint("rule-conflict", (), rs)))
            # an unknown answer for the rules alone resurfaces in the components that use them

        def solve_rest(
            enc: Encoded,
            comps: list[Component],
            keys: list[str] | None,
            known: dict[int, Res],
            todo: list[int],
            progress: Progress | None,
        ) -> list[Res]:
            """Solve the components at ``todo`` (the rest are ``known``), keep them in the cache; all results.

            ``keys``: the components' result-cache keys, when known.
            """
            solved = _executor.run(
                [comps[k] for k in todo],
                facts,
                opts,
                jobs=n_jobs,
                executor=executor,
                scheduler=scheduler,
                progress=progress,
                write=functools.partial(complete, enc),
            )
            for k, res in zip(todo, solved, strict=True):
                known[k] = res
                if store is not None:
                    store.put(comps[k], facts, opts, res, None if keys is None else keys[k])
            return [known[k] for k in range(len(comps))]

        last = LastRun(store.directory) if store is not None and store.directory is not None else None
        read = last.read() if last is not None and not conflicts else None
        made = (
            None if conflicts else outline(ds, limits=limits, opts=opts, facts=facts, last=read, keep=last is not None)
        )
        comps = made.comps if made is not None else []
        known, todo = split_cached(store, comps, facts, opts, made.keys if made is not None else None)
        if made is not None and any(not comps[k].units for k in todo):
            # a component kept from the last run whose result the cache no longer holds: the
            # full computation gives the same components with their units (claims._logic.recheck)
            kept_keys = made.keys
            made = outline(ds, limits=limits, opts=opts, facts=facts, last=None, keep=True)
            if made.keys != kept_keys or [c.claims for c in made.comps] != [c.claims for c in comps]:
                known, todo = split_cached(store, made.comps, facts, opts, made.keys)
            comps = made.comps
        results = solve_rest(made.enc, comps, made.keys, known, todo, progress) if made is not None else []
        near = _near_contradictions(ds, results) if made is not None else ()
        # kept groups known quiet: no component, no result asked for (claims._logic.recheck.quiet)
        quiet = made.quiet if made is not None else ()
        if store is not None:
            store.touch(g.key for g in quiet)  # their results stay in the pack, as if read
        if last is not None and made is not None and made.record is not None and made.keys is not None:
            record = settled(made.record, made.keys, results)
            write, gone = worth_writing(record, read)
            if write:
                last.write(record)
            elif store is not None:  # the record on disk still names them: their results stay in the pack
                store.keep(g.key for g in gone if g.key)
        if store is not None:
            store.flush()
        # the findings first, then the lint's warnings: the lint may still be running beside
        report = assemble_report(
            ds,
            comps,
            results,
            conflicts,
            opts,
            time.perf_counter() - start,
            len(todo),
            (),
            quiet=(len(quiet), sum(g.quiet for g in quiet)),
        )
        found = (*warnings.result(), *near)
        return attrs.evolve(
            report, warnings=found, stats=attrs.evolve(report.stats, seconds=time.perf_counter() - start)
        )


def _near_contradictions(ds: Dataset, results: list[Res]) -> tuple[Diagnostic, ...]:
    """The near-contradictions of the components (``claims._logic.near``), as warnings, in the order of their places.

    Each component's result carries its own (``ComponentResult.near``: the
    worker that solved the component solved its strict reading, and the
    result cache keeps them with its result), so nothing is encoded or solved here.
    """
    out = [near_warning(ds, n.claims, n.fits) for res in results for n in res.near]
    return tuple(sorted(out, key=lambda d: (d.span, d.message)))


_CONSISTENT: tuple[Answer, list[list[int]], str] = ("sat", [], "")
"""What the solver answers for rules that are consistent (see ``ResultCache.rules_consistent``)."""

LINT_PAIRS = "lint-pairs"
"""The file of the cache folder where the lint keeps the similar names it found (``claims._front.lint.KeptPairs``)."""

LINT_BESIDE_THRESHOLD = 20_000
"""From this many claims the lint runs in a forked process beside the check (when ``jobs`` > 1)."""


_MEMORY_CACHE = ResultCache()


def _cache_of(spec: CacheSpec) -> ResultCache | None:
    if spec is True:
        return _MEMORY_CACHE
    if spec is False or spec is None:
        return None
    if isinstance(spec, ResultCache):
        return spec
    return ResultCache(spec)
