"""One measured run of the real pipeline on one generated dataset, in a process of its own.

``python -m benchmarks.run DIR [--prefix N] [--profile FILE]`` loads the claim
files under ``DIR``, checks them, compares the contradictions and the
conclusions' verdicts with the generator's ``expected.json`` and prints one
JSON row on stdout. Running each size in a fresh process keeps peak memory
(``VmHWM``, see ``benchmarks.baseline.rss_mib``) and warm caches of one size out of the next.

The row is ``exact`` when the contradictions are exactly the planted ones
(each with one of its minimal rule sets) and every conclusion gets exactly
its expected verdict, a supported or refuted one with one of its minimal
premise sets and, for those premises, one of the minimal rule sets. Under
``--prefix`` a conclusion is compared only when every claim connected to it
is in the prefix (``verdicts_unchecked`` counts the others).

Times: ``solve_s`` is the solve stage, from the end of encode+partition to
the last component's result (every component's contradictions and verdicts,
in ``--jobs`` processes); ``conclusions_per_s`` is the number of conclusions
judged divided by ``solve_s``. It is a throughput of the whole stage, which
enumerates the contradictions in the same time, not the cost of a verdict on
its own. ``near_s`` is the near-contradiction pass after it, which found
``near_contradictions``: only their warnings are made there now, since the
worker that solves a consistent component with a vague claim solves its
strict reading right after, within ``solve_s`` (``claims._logic.near``).

The symbol lint runs inside ``check()``; ``lint_s`` is its time. From
``claims._run.api.LINT_BESIDE_THRESHOLD`` claims on, with more than one job,
``check()`` runs it in a forked child beside the rest (``lint_beside``): its
time is then measured apart, after the check, and is not part of the critical
path. ``peak_rss_mib`` is this process's own peak; the child shares its pages
until either writes them.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

import attrs

import claims
from benchmarks.baseline import rss_mib
from benchmarks.generate import load_expected
from claims._base import gc as _gc
from claims._run import api as _api


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the worker processes of check)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def measure(
    data_dir: str, prefix: int | None = None, profile: str | None = None, jobs: int | None = None, lint: bool = True
) -> dict[str, Any]:
    """Load and check the dataset under ``data_dir`` (its first ``prefix`` claims); time each stage."""
    cpu0 = _cpu()
    t0 = time.perf_counter()
    ds = claims.load(f"{data_dir}/articles", jobs=jobs)  # as `claims check --jobs` loads it
    t_loaded = time.perf_counter()
    if prefix is not None:
        ds = attrs.evolve(ds, claims=ds.claims[:prefix])

    # time the stages inside check() without changing it: encode+partition is
    # ``outline`` (the scripts of the components to solve are written as the
    # solve stage starts); the solve stage reports each finished component to ``progress``
    marks: dict[str, float] = {}
    done_at: list[float] = []
    comps_seen: list[Any] = []
    original = _api.outline

    def outline(dataset: claims.Dataset, **options: Any) -> Any:  # options: limits=, last=, passed on
        if "encode_end" in marks:  # a second outline (a kept component the result cache lost): not timed again
            return original(dataset, **options)
        marks["encode_start"] = time.perf_counter()
        out = original(dataset, **options)
        marks["encode_end"] = time.perf_counter()
        comps_seen.extend(out.comps)
        return out

    # the near-contradiction warnings (claims._logic.near) are made after the solve: timed apart
    original_near = getattr(_api, "_near_contradictions", None)

    def near_contradictions(*args: Any) -> Any:
        marks["near_start"] = time.perf_counter()
        assert original_near is not None
        out = original_near(*args)
        marks["near_end"] = time.perf_counter()
        return out

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        while len(done_at) < done:
            done_at.append(now)

    # check() runs the symbol lint (``_api.lint_dataset``): here, or beside the solving in a forked
    # child (large datasets, jobs > 1; timed apart below); the wrapper times it, or skips it (lint off)
    original_lint = getattr(_api, "lint_dataset", None)
    lint_time = [0.0]

    lint_ran_here = [False]  # not when check() runs the lint in a forked child

    def lint_dataset(dataset: Any, **options: Any) -> Any:
        t = time.perf_counter()
        out = () if not lint or original_lint is None else original_lint(dataset, **options)
        lint_time[0] += time.perf_counter() - t
        lint_ran_here[0] = True
        return out

    kwargs: dict[str, Any] = {"progress": progress}
    if jobs is not None:
        kwargs["jobs"] = jobs
    prof = cProfile.Profile() if profile else None
    api: Any = _api  # the stage functions check() calls, wrapped for the measurement
    api.outline = outline
    if original_lint is not None:
        api.lint_dataset = lint_dataset
    if original_near is not None:
        api._near_contradictions = near_contradictions
    t_check = time.perf_counter()
    try:
        if prof is not None:
            prof.enable()
        report = claims.check(ds, **kwargs)
        if prof is not None:
            prof.disable()
    finally:
        api.outline = original
        if original_lint is not None:
            api.lint_dataset = original_lint
        if original_near is not None:
            api._near_contradictions = original_near
    t_end = time.perf_counter()
    cpu = _cpu() - cpu0
    # check() ran the lint beside the rest, in a forked child (large datasets, jobs > 1):
    # it was off the critical path; time it apart, here, for the table
    lint_beside = lint and original_lint is not None and not lint_ran_here[0]
    if lint_beside:
        t = time.perf_counter()
        assert original_lint is not None
        with _gc.paused():  # as inside check()
            original_lint(ds)
        lint_time[0] = time.perf_counter() - t
    t_render0 = time.perf_counter()
    text = str(report)
    render_s = time.perf_counter() - t_render0

    # the first component (in solving order) that holds a contradiction, and when it was done
    comp_of = {i: k for k, c in enumerate(comps_seen) for i in c.claims}
    index = {c.id: i for i, c in enumerate(ds.claims)}
    with_contra = sorted(
        {comp_of[index[k.claims[0].id]] for k in report.contradictions if index[k.claims[0].id] in comp_of}
    )
    first = done_at[with_contra[0]] if with_contra and with_contra[0] < len(done_at) else None
    solve_end = done_at[-1] if done_at else marks.get("encode_end", t_end)

    expected = load_expected(data_dir)
    ids = {c.id for c in ds.claims}
    want = {frozenset(c): rs for c, rs in expected.contradictions if set(c) <= ids}
    got = {frozenset(c.id for c in k.claims): tuple(sorted(r.id for r in k.rules)) for k in report.contradictions}
    missing = sorted(sorted(s) for s in set(want) - set(got))
    extra = sorted(sorted(s) for s in set(got) - set(want))
    wrong_rules = sorted(sorted(s) for s in set(got) & set(want) if got[s] not in {tuple(sorted(r)) for r in want[s]})
    duplicates = len(report.contradictions) - len(got)

    # conclusions: a verdict is known when every claim connected to the conclusion is loaded
    concl_ids = {c.id for c in ds.claims if c.kind == "conclusion"}
    want_v = {v.claim: v for v in expected.conclusions if set(v.component) <= ids}
    unchecked = concl_ids & {v.claim for v in expected.conclusions} - set(want_v)  # cut by --prefix
    got_v = {v.claim.id: v for v in report.conclusions}
    missing_v = sorted(set(want_v) - set(got_v))
    extra_v = sorted(set(got_v) - set(want_v) - unchecked)
    wrong_v = sorted(
        [k, want_v[k].verdict, got_v[k].verdict]
        for k in set(want_v) & set(got_v)
        if want_v[k].verdict != got_v[k].verdict
    )
    wrong_premises = []
    for k in sorted(set(want_v) & set(got_v)):
        w, v = want_v[k], got_v[k]
        if w.verdict == v.verdict and w.verdict in ("supported", "refuted"):
            premises = tuple(sorted(c.id for c in v.premises))
            rules = tuple(sorted(r.id for r in v.rules))
            if not any(premises == tuple(ps) and rules in {tuple(sorted(r)) for r in rs} for ps, rs in w.premise_sets):
                wrong_premises.append([k, list(premises), list(rules)])
    duplicates_v = len(report.conclusions) - len(got_v)

    if prof is not None and profile is not None:
        buf = io.StringIO()
        st = pstats.Stats(prof, stream=buf)
        st.sort_stats("cumulative").print_stats(40)
        st.sort_stats("tottime").print_stats(30)
        with open(profile, "w", encoding="utf-8") as fh:
            fh.write(buf.getvalue())

    encode_s = marks.get("encode_end", t_check) - marks.get("encode_start", t_check)
    solve_s = solve_end - marks.get("encode_end", t_check)
    exact_contra = not (missing or extra or wrong_rules or duplicates)
    exact_verdicts = not (missing_v or extra_v or wrong_v or wrong_premises or duplicates_v)
    return {
        "claims": len(ds.claims),
        "files": len(ds.files),
        "rules": len(ds.rules),
        "components": report.stats.components,
        "contradictions": len(report.contradictions),
        "expected_contradictions": len(want),
        "conclusions": len(report.conclusions),
        "expected_conclusions": len(want_v),
        "verdicts": dict(sorted(Counter(v.verdict for v in report.conclusions).items())),
        "verdicts_unchecked": len(unchecked),
        "exact": exact_contra and exact_verdicts and report.complete and not report.unknowns,
        "exact_contradictions": exact_contra,
        "exact_verdicts": exact_verdicts,
        "missing": missing[:5],
        "extra": extra[:5],
        "wrong_rules": wrong_rules[:5],
        "missing_verdicts": missing_v[:5],
        "extra_verdicts": extra_v[:5],
        "wrong_verdicts": wrong_v[:5],
        "wrong_premises": wrong_premises[:5],
        "complete": report.complete,
        "unknowns": len(report.unknowns),
        "load_s": round(t_loaded - t0, 3),
        "jobs": jobs if jobs is not None else _default_jobs(),
        "lint": lint and original_lint is not None,
        "lint_s": round(lint_time[0], 3),
        "lint_beside": lint_beside,
        "warnings": len(getattr(report, "warnings", ())),
        "encode_partition_s": round(encode_s, 3),
        "first_contradiction_s": None if first is None else round(first - t_check, 3),
        "all_contradictions_s": round(solve_end - t_check, 3),
        "solve_s": round(solve_s, 3),
        "near_s": round(marks.get("near_end", 0.0) - marks.get("near_start", 0.0), 3),
        "near_contradictions": sum(1 for w in getattr(report, "warnings", ()) if w.code == "near-contradiction"),
        "conclusions_per_s": round(len(report.conclusions) / solve_s, 1) if solve_s > 0 else None,
        "check_s": round(t_end - t_check, 3),
        "total_s": round(t_end - t0, 3),
        "total_without_lint_s": round(t_end - t0 - (0.0 if lint_beside else lint_time[0]), 3),
        "cpu_s": round(cpu, 3),
        "render_text_s": round(render_s, 3),
        "report_lines": text.count("\n"),
        "solver_checks": report.stats.solver_checks,
        "peak_rss_mib": round(rss_mib(), 1),
    }


def repairs_cost(data_dir: str, prefix: int | None = None) -> dict[str, Any]:
    """What repairs and tolerant readings cost (issue 20), measured inside the solve of every component.

    The components are solved in this process, one after the other, with one
    probe (as a worker does), and the repair step
    (``claims._logic.solve._repairs``: Berge's hitting sets, the solver's
    confirmation of each repair, the verdicts of the vacuous conclusions on
    every repair) is timed in CPU seconds where it runs, with the solver
    checks it makes. Timing the step itself, rather than the difference of
    two whole solves, keeps the noise of the rest of the solve out of it.
    """
    from claims._logic import solve as _solve
    from claims._logic.probe import Probe

    ds = claims.load(f"{data_dir}/articles")
    if prefix is not None:
        ds = attrs.evolve(ds, claims=ds.claims[:prefix])
    comps = _api.components_of(ds)
    facts = [i for i, c in enumerate(ds.claims) if c.kind == "fact"]
    opts = _solve.Options()
    original = _solve._repairs
    spent = {"cpu": 0.0, "checks": 0}

    def timed(c: Any, *args: Any) -> Any:
        c0, k0 = time.process_time(), c.chk.checks
        try:
            return original(c, *args)
        finally:
            spent["cpu"] += time.process_time() - c0
            spent["checks"] += c.chk.checks - k0

    probe = Probe()
    setattr(_solve, "_repairs", timed)  # noqa: B010  (a module attribute swapped for the measurement)
    try:
        with _gc.paused():
            c0 = time.process_time()
            results = [_solve.solve_component(comp, facts, opts, probe) for comp in comps]
            solve_cpu = time.process_time() - c0
    finally:
        _solve._repairs = original
    conflicts = [g for r in results for g in r.conflicts]
    return {
        "components_with_contradictions": sum(1 for r in results if r.muses),
        "conflicts": len(conflicts),
        "conflicts_repaired": sum(1 for g in conflicts if g.complete),
        "repairs": sum(len(g.repairs) for g in conflicts),
        "vacuous_conclusions_read": sum(len(r.tolerant) for r in results),
        "solve_cpu_s": round(solve_cpu, 3),
        "repairs_cpu_s": round(spent["cpu"], 3),
        "solver_checks": sum(r.checks for r in results),
        "repairs_checks": spent["checks"],
    }


def _default_jobs() -> int | None:
    try:
        from claims._logic import executor as _executor

        return _executor.default_jobs()
    except (ImportError, AttributeError):  # pragma: no cover - an engine without executors
        return None


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    ap.add_argument("data_dir")
    ap.add_argument("--prefix", type=int, default=None, help="check only the first N claims")
    ap.add_argument("--profile", default=None, help="write cProfile statistics of check() to this file")
    ap.add_argument("--jobs", type=int, default=None, help="passed to claims.check (default: its own)")
    ap.add_argument("--no-lint", action="store_true", help="skip the symbol lint that check() runs")
    ap.add_argument(
        "--repairs", action="store_true", help="add what repairs and tolerant readings cost (solves twice more)"
    )
    args = ap.parse_args(argv)
    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
    row = measure(args.data_dir, args.prefix, args.profile, args.jobs, lint=not args.no_lint)
    if args.repairs:
        row["repairs"] = repairs_cost(args.data_dir, args.prefix)
    json.dump(row, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
