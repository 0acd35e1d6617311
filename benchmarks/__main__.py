"""``python -m benchmarks``: generate, check, compare with the planted answer, time, and the baselines.

For each size (1,000 and 10,000 claims; 100,000 and 300,000 with ``--big``)
the generator writes a dataset under ``--data-dir`` (with planted
contradictions and conclusions of known verdict) and, each in a process of
its own:

* the engine loads and checks it (see :mod:`benchmarks.run`);
* ``claims check`` runs end to end on a copy: without the cache, with a cold
  and a warm one, after a one-claim edit, and (at 100,000 claims, or the
  sizes of ``--dask``) with its components solved by a local Dask cluster of
  separate scheduler and worker processes (see :mod:`benchmarks.endtoend`);
* baseline (a), ONE unpartitioned MARCO over the whole set, capped at
  ``--baseline-limit`` seconds of solving (see :mod:`benchmarks.baseline`);
* baseline (b), the engine's per-component algorithm with a fresh solver for
  every query, capped at ``--fresh-limit`` seconds, after the incremental
  engine is timed on the same components in the same process (see
  :mod:`benchmarks.fresh`). The baselines and the end-to-end runs go up to
  100,000 claims.

Then the first ``--baseline-claims`` claims of the smallest dataset are
checked twice: partitioned, and by baseline (a) capped at ``--prefix-limit``
seconds. Tables go to stdout, then the issue's goals (10,000 claims end to
end, 100,000 claims, the re-check after an edit, the cold cache, memory per
claim at the margin, Dask against local workers) with what was measured, and
every measure to ``--out`` (``benchmarks/results.json``, one row per size,
one for the prefix, one for the goals).

Memory per claim at the margin is the growth of the peak resident memory of
the engine's run (:mod:`benchmarks.run`) from one size to the next, divided
by the claims added: what one more claim costs, without the fixed cost of
the interpreter, z3 and the grammar.

Exit status 1 when the engine did not find exactly the planted contradictions
and verdicts, a baseline reported a contradiction or verdict that is not the
planted one, or the cache or the executor changed a byte of the report.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.baseline import run_baseline
from benchmarks.endtoend import EDITS, run_end_to_end
from benchmarks.fresh import run_fresh
from benchmarks.generate import SEED, Expected, generate, load_expected

HERE = Path(__file__).resolve().parent


def _run_child(
    data_dir: Path, prefix: int | None = None, profile: Path | None = None, jobs: int | None = None, lint: bool = True
) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.run", str(data_dir)]
    if not lint:
        cmd.append("--no-lint")
    if prefix is not None:
        cmd += ["--prefix", str(prefix)]
    if profile is not None:
        cmd += ["--profile", str(profile), "--jobs", "1"]  # a profile sees this process only
    elif jobs is not None:
        cmd += ["--jobs", str(jobs)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=HERE.parent)
    if out.returncode != 0 or not out.stdout.strip():
        tail = "\n".join(out.stderr.strip().splitlines()[-15:])
        print(f"[{' '.join(cmd[2:])} failed with exit status {out.returncode}]\n{tail}", file=sys.stderr)
        return {"claims": prefix, "error": tail, "exact": False}
    row: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])  # the last line: the JSON row
    return row


def _fmt(v: Any, spec: str = "") -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    return format(v, spec)


ENGINE_COLUMNS = [
    ("claims", "claims", ","),
    ("comps", "components", ","),
    ("contra", "contradictions", ","),
    ("concl", "conclusions", ","),
    ("exact", "exact", ""),
    ("load s", "load_s", ".2f"),
    ("enc+part s", "encode_partition_s", ".2f"),
    ("first s", "first_contradiction_s", ".2f"),
    ("all s", "all_contradictions_s", ".2f"),
    ("solve s", "solve_s", ".2f"),
    ("concl/s", "conclusions_per_s", ",.0f"),
    ("lint s", "lint_s", ".2f"),
    ("total s", "total_s", ".2f"),
    ("w/o lint s", "total_without_lint_s", ".2f"),
    ("cpu s", "cpu_s", ".2f"),
    ("checks", "solver_checks", ","),
    ("peak MiB", "peak_rss_mib", ".0f"),
    ("e2e s", "no_cache_wall_s", ".2f"),
    ("cold/nc", "cold_over_no_cache_cpu", ".2f"),
    ("edit s", "edit_wall_s", ".2f"),
    ("edit max", "edit_wall_max_s", ".2f"),
    ("re-solved", "edit_solved", ","),
    ("dask/j", "dask_over_jobs_wall", ".2f"),
]

BASELINE_COLUMNS = [
    ("claims", "claims", ","),
    ("check s", "check_s", ".2f"),
    ("(a) s", "baseline_total_s", ".1f"),
    ("(a) done", "baseline_finished", ""),
    ("(a) found", "baseline_contradictions_found", ","),
    ("of", "expected_contradictions", ","),
    ("(a) MiB", "baseline_peak_rss_mib", ".0f"),
    ("part/(a)", "ratio_partitioned_over_baseline", ".4f"),
    ("inc s", "incremental_solve_s", ".2f"),
    ("inc checks", "incremental_checks", ","),
    ("(b) s", "fresh_solver_total_s", ".2f"),
    ("(b) done", "fresh_solver_finished", ""),
    ("(b) checks", "fresh_solver_checks", ","),
    ("(b) MiB", "fresh_solver_peak_rss_mib", ".0f"),
    ("inc/(b)", "ratio_incremental_over_fresh", ".3f"),
]


def _table(rows: Sequence[dict[str, Any]], cols: Sequence[tuple[str, str, str]] = ENGINE_COLUMNS) -> str:
    head = [c[0] for c in cols]
    body = [[_fmt(r.get(k), spec) for _, k, spec in cols] for r in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(b, widths, strict=True)) for b in body]
    return "\n".join(lines)


def _how_a(r: dict[str, Any]) -> str:
    """How baseline (a) ended, in words."""
    if r["baseline_crashed"]:
        return "CRASHED (see stderr)"
    if r.get("baseline_stopped") and not r["baseline_complete"]:
        return (
            f"did not finish: gave up after {r['baseline_total_s']:g} s, when a solver check was "
            "undecided within the engine's per-check timeout"
        )
    if not r["baseline_finished"]:
        return f"did not finish in {r['baseline_limit_s']:g} s"
    return f"finished in {r['baseline_total_s']:g} s"


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 5) if a is not None and b else None


def _baseline_a(row: dict[str, Any], d: Path, exp: Expected, prefix: int | None, limit: float) -> bool:
    """Run baseline (a) into ``row``; whether every contradiction it found is a planted one."""
    b = run_baseline(str(d), prefix, limit)
    found = {frozenset(m) for m in b.pop("baseline_found")}
    sound = found <= exp.claim_sets()  # every set it found is a real contradiction (of the whole set, too)
    row.update(b, baseline_sound=sound)
    row["ratio_partitioned_over_baseline"] = _ratio(row.get("check_s"), b["baseline_total_s"])
    return sound and not b["baseline_crashed"]


def _baseline_b(row: dict[str, Any], d: Path, exp: Expected, limit: float) -> bool:
    """Run baseline (b) into ``row``; whether what it found agrees with the plant (all of it, if it finished)."""
    b = run_fresh(str(d), limit)
    found = {frozenset(m) for m in b.pop("fresh_found")}
    verdicts: dict[str, str] = b.pop("fresh_verdicts")
    want = exp.verdicts()
    sound = found <= exp.claim_sets() and all(want.get(k) == v for k, v in verdicts.items())
    exact = (
        found == exp.claim_sets() and verdicts == want and not b["fresh_solver_incomplete_components"]
        if b["fresh_solver_finished"]
        else None
    )
    row.update(b, fresh_solver_sound=sound, fresh_solver_exact=exact)
    return sound and exact is not False and not b["fresh_solver_crashed"]


BIG_SIZES = (100_000, 300_000)
"""The sizes ``--big`` adds."""

BASELINE_MAX_SIZE = 100_000
"""The baselines and the end-to-end runs go up to this size; beyond, the engine's own run gives time and memory."""


def _margins(sized: Sequence[dict[str, Any]]) -> None:
    """Each row's memory per claim at the margin: peak growth from the next smaller size, per claim added."""
    by_size = sorted((r for r in sized if r.get("peak_rss_mib") is not None), key=lambda r: r["claims"])
    for small, big in itertools.pairwise(by_size):
        added = big["claims"] - small["claims"]
        if added > 0:
            big["margin_kib_per_claim"] = round((big["peak_rss_mib"] - small["peak_rss_mib"]) * 1024 / added, 2)


GOALS: tuple[tuple[str, str, int, str, float], ...] = (
    ("10k claims end to end, --no-cache (wall s)", "no_cache_wall_s", 10_000, "<", 5.0),
    ("100k claims end to end, --no-cache (wall s)", "no_cache_wall_s", 100_000, "<", 30.0),
    ("100k claims, peak memory of the run (MiB)", "peak_rss_mib", 100_000, "<", 2048.0),
    (f"100k claims, one-claim edit, warm cache (wall s, median of {EDITS})", "edit_wall_s", 100_000, "<", 2.0),
    ("100k claims, cold cache over --no-cache (CPU ratio)", "cold_over_no_cache_cpu", 100_000, "<=", 1.10),
    ("memory per claim at the margin, 100k→300k (KiB)", "margin_kib_per_claim", 300_000, "<=", 8.0),
    ("100k claims, Dask 2x1 thread over --jobs 2 (wall ratio)", "dask_over_jobs_wall", 100_000, "<=", 1.3),
)
"""The issue's goals: (what, measure, at which size, comparison, bound)."""


def _goals(sized: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each goal whose size was run, with what was measured and whether it is met."""
    by_size = {r["claims"]: r for r in sized}
    out = []
    for what, key, size, op, bound in GOALS:
        got = by_size.get(size, {}).get(key)
        if got is None:
            continue
        met = got < bound if op == "<" else got <= bound
        out.append({"goal": what, "measure": key, "claims": size, "bound": f"{op} {bound:g}", "got": got, "met": met})
    return out


def _goals_table(goals: Sequence[dict[str, Any]]) -> str:
    width = max(len(g["goal"]) for g in goals)
    lines = [f"{'goal'.ljust(width)}  {'bound':>8}  {'measured':>9}  met"]
    lines += [f"{g['goal'].ljust(width)}  {g['bound']:>8}  {g['got']:>9g}  {_fmt(g['met'])}" for g in goals]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated dataset sizes (default: 1000,10000)")
    ap.add_argument("--big", action="store_true", help="also run 100,000 and 300,000 claims")
    ap.add_argument(
        "--dask",
        default=None,
        metavar="SIZES",
        help="comma-separated sizes at which the end-to-end run is repeated on a local Dask cluster "
        "(default: 100000 when it is run)",
    )
    ap.add_argument("--seed", type=int, default=SEED, help=f"generator seed (default: {SEED})")
    ap.add_argument(
        "--baseline-limit",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="hard cap on baseline (a)'s solving time at each size (default: 60)",
    )
    ap.add_argument(
        "--prefix-limit",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="hard cap on baseline (a)'s solving time on the prefix (default: 120)",
    )
    ap.add_argument(
        "--baseline-claims",
        type=int,
        default=500,
        metavar="N",
        help="the prefix row checks the first N claims of the smallest dataset (default: 500)",
    )
    ap.add_argument(
        "--fresh-limit",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="hard cap on baseline (b)'s solving time at each size (default: 60)",
    )
    ap.add_argument("--no-baseline", action="store_true", help="skip baseline (a) and the prefix row")
    ap.add_argument("--no-fresh", action="store_true", help="skip baseline (b)")
    ap.add_argument(
        "--no-end-to-end",
        action="store_true",
        help="skip the end-to-end runs of claims check (no cache, cold and warm cache, an edit, Dask)",
    )
    ap.add_argument(
        "--profile",
        type=int,
        default=None,
        metavar="SIZE",
        help="write cProfile statistics of check() at this size to the data dir",
    )
    ap.add_argument(
        "--lint",
        choices=("on", "off"),
        default="on",
        help="the symbol lint inside check() (on, as `claims check` runs it; timed apart)",
    )
    ap.add_argument(
        "--jobs", type=int, default=None, help="worker processes for claims.check (default: the library's default)"
    )
    ap.add_argument("--data-dir", default=str(HERE / ".data"), help="where datasets are generated")
    ap.add_argument("--out", default=str(HERE / "results.json"), help="where results are written")
    args = ap.parse_args(argv)

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.big:
        sizes += [n for n in BIG_SIZES if n not in sizes]
    dask_sizes = {int(s) for s in args.dask.split(",") if s.strip()} if args.dask is not None else {100_000}
    data = Path(args.data_dir)
    rows: list[dict[str, Any]] = []
    ok = True
    for n in sizes:
        d = data / f"n{n}-s{args.seed}"
        exp = generate(n, d, seed=args.seed)
        print(
            f"[{n:,} claims: {exp.files} files, {exp.topics:,} topics, {exp.planted_topics:,} planted, "
            f"{len(exp.contradictions):,} contradictions and {len(exp.conclusions):,} conclusions expected]",
            file=sys.stderr,
            flush=True,
        )
        prof = data / f"profile-{n}.txt" if args.profile == n else None
        lint = args.lint == "on"
        row = {
            "kind": "partitioned",
            "seed": args.seed,
            "topics": exp.topics,
            "planted_topics": exp.planted_topics,
            **_run_child(d, profile=prof, jobs=args.jobs, lint=lint),
        }
        row.setdefault("claims", n)
        ok = ok and row["exact"]
        if not args.no_end_to_end and n <= BASELINE_MAX_SIZE:
            dask = n in dask_sizes
            print(
                "[end to end: claims check without the cache, with a cold and a warm one, after a one-claim edit"
                + (", on a local Dask cluster]" if dask else "]"),
                file=sys.stderr,
                flush=True,
            )
            row.update(run_end_to_end(str(d), args.jobs, dask=dask))
            ok = ok and row["same_bytes_cache"] and row["same_bytes_back"] and row.get("same_bytes_dask", True)
        print(_table([row]).splitlines()[-1], file=sys.stderr, flush=True)
        row.update(baseline_total_s=None, baseline_finished=None)
        if not args.no_baseline and n <= BASELINE_MAX_SIZE:
            print(
                f"[baseline (a): one MARCO over all {n:,} claims, capped at {args.baseline_limit:g} s]",
                file=sys.stderr,
                flush=True,
            )
            ok = _baseline_a(row, d, exp, None, args.baseline_limit) and ok
        if not args.no_fresh and n <= BASELINE_MAX_SIZE:
            print(
                f"[baseline (b): the incremental engine, then a fresh solver per query, "
                f"capped at {args.fresh_limit:g} s]",
                file=sys.stderr,
                flush=True,
            )
            ok = _baseline_b(row, d, exp, args.fresh_limit) and ok
        rows.append(row)

    base: dict[str, Any] | None = None
    if not args.no_baseline and sizes:
        d = data / f"n{min(sizes)}-s{args.seed}"
        k = min(args.baseline_claims, *sizes)
        part = _run_child(d, prefix=k, jobs=args.jobs, lint=args.lint != "off")
        ok = ok and part["exact"]
        part.setdefault("check_s", None)
        print(
            f"[baseline (a): one MARCO over the first {k} claims, capped at {args.prefix_limit:g} s]",
            file=sys.stderr,
            flush=True,
        )
        base = {"kind": "baseline-prefix", "seed": args.seed, **part}
        ok = _baseline_a(base, d, load_expected(d), k, args.prefix_limit) and ok
        rows.insert(0, base)

    meta = {
        "generated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    try:
        import z3

        meta["z3"] = z3.get_version_string()
    except ImportError:  # pragma: no cover
        pass
    sized = [r for r in rows if r["kind"] == "partitioned"]
    _margins(sized)
    goals = _goals(sized)
    rows.append({"kind": "goals", "goals": goals})
    for r in rows:
        r["env"] = meta
    Path(args.out).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")

    print(_table([r for r in rows if r["kind"] != "goals"]))
    if not args.no_baseline or not args.no_fresh:
        print(
            "\nbaselines at each size: (a) one unpartitioned MARCO; (b) per component, a fresh solver "
            "per query, against the incremental engine (inc) in the same process"
        )
        print(_table(sized, BASELINE_COLUMNS))
    for r in sized:
        if r.get("baseline_finished") is not None:
            fin = _how_a(r)
            print(
                f"\n{r['claims']:,} claims, baseline (a), one MARCO over its {r['baseline_claims']:,} facts "
                f"unpartitioned: {fin}; "
                f"{r['baseline_contradictions_found']:,} of {r['expected_contradictions']:,} contradictions "
                f"found ({r['baseline_solver_checks']:,} checks, first after "
                f"{_fmt(r['baseline_first_contradiction_s'], '.2f')} s); partitioned: all in "
                f"{_fmt(r.get('check_s'), '.2f')} s, ratio partitioned/baseline = "
                f"{r['ratio_partitioned_over_baseline']}" + (" (an upper bound)" if not r["baseline_finished"] else "")
            )
        if r.get("fresh_solver_finished") is not None:
            fin = (
                "finished"
                if r["fresh_solver_finished"]
                else "CRASHED (see stderr)"
                if r["fresh_solver_crashed"]
                else f"did not finish in {r['fresh_solver_limit_s']:g} s "
                f"({r['fresh_solver_components_done']:,} of {r['fresh_solver_components']:,} components)"
            )
            print(
                f"{r['claims']:,} claims, baseline (b), a fresh solver per query: {fin}, "
                f"{_fmt(r['fresh_solver_total_s'], '.2f')} s and {r['fresh_solver_checks']:,} checks, "
                f"{r['fresh_solver_contradictions_found']:,} contradictions and "
                f"{r['fresh_solver_conclusions_judged']:,} verdicts; incremental: "
                f"{_fmt(r['incremental_solve_s'], '.2f')} s and {r['incremental_checks']:,} checks; "
                f"ratio incremental/fresh = {r['ratio_incremental_over_fresh']}"
                + (" (an upper bound)" if not r["fresh_solver_finished"] else "")
            )
    if base is not None:
        fin = _how_a(base)
        ratio = base["ratio_partitioned_over_baseline"]
        print(
            f"\nbaseline (a), one MARCO over the first {base['claims']} claims ({base['baseline_claims']} facts) "
            f"unpartitioned: {fin}; "
            f"{base['baseline_contradictions_found']} of {base['expected_contradictions']} contradictions found "
            f"({base['baseline_solver_checks']} checks, first after "
            f"{_fmt(base['baseline_first_contradiction_s'], '.2f')} s)"
        )
        print(
            f"partitioned on the same claims: all {base.get('contradictions')} in "
            f"{_fmt(base['check_s'], '.2f')} s; "
            f"ratio partitioned/baseline = {ratio}"
            + (" (an upper bound: the baseline was stopped)" if not base["baseline_finished"] else "")
            + (f", i.e. {1 / ratio:,.0f}x faster" if ratio else "")
        )
    if not ok:
        if goals:
            print("\n" + _goals_table(goals))
        print(
            "\nFAILED: the engine did not find exactly the planted contradictions and verdicts, or a baseline "
            "found one that is not planted (see 'missing', 'extra', 'wrong_rules', 'missing_verdicts', "
            "'wrong_verdicts', 'wrong_premises', 'baseline_sound', 'baseline_crashed', 'fresh_solver_sound', "
            "'fresh_solver_exact', 'fresh_solver_crashed', 'same_bytes_cache', 'same_bytes_back' and "
            "'same_bytes_dask' in the results)",
            file=sys.stderr,
        )
        return 1
    print(f"\nall contradictions and verdicts found exactly as planted; results in {args.out}")
    if goals:
        print("\n" + _goals_table(goals))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
