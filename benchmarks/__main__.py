"""``python -m benchmarks``: generate, check, compare with the planted answer, time, and the naive baseline.

For each size (1,000 and 10,000 claims; 100,000 with ``--big``) the generator
writes a dataset under ``--data-dir`` and a fresh process loads and checks it
(see :mod:`benchmarks.run`). Then the first ``--baseline-claims`` claims of the
smallest dataset are checked twice: partitioned, and as ONE unpartitioned
MARCO capped at ``--baseline-limit`` seconds (see :mod:`benchmarks.baseline`).
A table goes to stdout and every measure to ``--out`` (``benchmarks/results.json``).

Exit status 1 when the engine did not find exactly the planted contradictions.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.baseline import run_baseline
from benchmarks.generate import SEED, generate, load_expected

HERE = Path(__file__).resolve().parent


def _run_child(data_dir: Path, prefix: int | None = None, profile: Path | None = None,
               jobs: int | None = None, lint: bool = True) -> dict[str, Any]:
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
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _fmt(v: Any, spec: str = "") -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    return format(v, spec)


def _table(rows: Sequence[dict[str, Any]]) -> str:
    cols = [
        ("claims", "claims", ","), ("comps", "components", ","), ("contra", "contradictions", ","),
        ("exact", "exact", ""), ("load s", "load_s", ".2f"), ("enc+part s", "encode_partition_s", ".2f"),
        ("first s", "first_contradiction_s", ".2f"), ("all s", "all_contradictions_s", ".2f"),
        ("lint s", "lint_s", ".2f"), ("total s", "total_s", ".2f"),
        ("w/o lint s", "total_without_lint_s", ".2f"), ("cpu s", "cpu_s", ".2f"), ("checks", "solver_checks", ","),
        ("peak MiB", "peak_rss_mib", ".0f"),
    ]
    head = [c[0] for c in cols]
    body = [[_fmt(r.get(k), spec) for _, k, spec in cols] for r in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(head, widths))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(b, widths)) for b in body]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated dataset sizes (default: 1000,10000)")
    ap.add_argument("--big", action="store_true", help="also run 100,000 claims")
    ap.add_argument("--seed", type=int, default=SEED, help=f"generator seed (default: {SEED})")
    ap.add_argument("--baseline-limit", type=float, default=30.0, metavar="SECONDS",
                    help="hard cap on the unpartitioned baseline's solving time (default: 30)")
    ap.add_argument("--baseline-claims", type=int, default=500, metavar="N",
                    help="the baseline checks the first N claims of the smallest dataset (default: 500)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the baseline")
    ap.add_argument("--profile", type=int, default=None, metavar="SIZE",
                    help="write cProfile statistics of check() at this size to the data dir")
    ap.add_argument("--lint", choices=("on", "off"), default="on",
                    help="the symbol lint inside check() (on, as `claims check` runs it; timed apart)")
    ap.add_argument("--jobs", type=int, default=None,
                    help="worker processes for claims.check (default: the library's default)")
    ap.add_argument("--data-dir", default=str(HERE / ".data"), help="where datasets are generated")
    ap.add_argument("--out", default=str(HERE / "results.json"), help="where results are written")
    args = ap.parse_args(argv)

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.big and 100_000 not in sizes:
        sizes.append(100_000)
    data = Path(args.data_dir)
    rows: list[dict[str, Any]] = []
    ok = True
    for n in sizes:
        d = data / f"n{n}-s{args.seed}"
        exp = generate(n, d, seed=args.seed)
        print(f"[{n:,} claims: {exp.files} files, {exp.topics:,} topics, {exp.planted_topics:,} planted, "
              f"{len(exp.contradictions):,} contradictions expected]", file=sys.stderr, flush=True)
        prof = data / f"profile-{n}.txt" if args.profile == n else None
        lint = args.lint == "on"
        row = {"kind": "partitioned", "seed": args.seed, "topics": exp.topics,
               "planted_topics": exp.planted_topics,
               **_run_child(d, profile=prof, jobs=args.jobs, lint=lint)}
        row.setdefault("claims", n)
        row.update(baseline_total_s=None, baseline_finished=None)
        ok = ok and row["exact"]
        rows.append(row)
        print(_table([row]).splitlines()[-1], file=sys.stderr, flush=True)

    base: dict[str, Any] | None = None
    if not args.no_baseline and sizes:
        d = data / f"n{min(sizes)}-s{args.seed}"
        k = min(args.baseline_claims, min(sizes))
        part = _run_child(d, prefix=k, jobs=args.jobs, lint=args.lint != "off")
        ok = ok and part["exact"]
        part.setdefault("check_s", None)
        print(f"[baseline: one MARCO over the first {k} claims, capped at {args.baseline_limit:g} s]",
              file=sys.stderr, flush=True)
        b = run_baseline(str(d), k, args.baseline_limit)
        found = {frozenset(m) for m in b.pop("baseline_found")}
        sound = found <= load_expected(d).claim_sets()  # every set it found is a real contradiction
        ok = ok and sound
        base = {"kind": "baseline-prefix", "seed": args.seed, **part, **b, "baseline_sound": sound}
        base["ratio_partitioned_over_baseline"] = (
            round(part["check_s"] / b["baseline_total_s"], 5)
            if b["baseline_total_s"] and part["check_s"] is not None else None)
        rows.insert(0, base)

    meta = {
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
    }
    try:
        import z3

        meta["z3"] = z3.get_version_string()
    except ImportError:  # pragma: no cover
        pass
    for r in rows:
        r["env"] = meta
    Path(args.out).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")

    print(_table(rows))
    if base is not None:
        fin = "finished" if base["baseline_finished"] else (
            f"did not finish in {base['baseline_limit_s']:g} s")
        ratio = base["ratio_partitioned_over_baseline"]
        print(f"\nbaseline, one MARCO over the first {base['baseline_claims']} claims unpartitioned: {fin}; "
              f"{base['baseline_contradictions_found']} of {base['expected_contradictions']} contradictions found "
              f"({base['baseline_solver_checks']} checks, first after "
              f"{_fmt(base['baseline_first_contradiction_s'], '.2f')} s)")
        print(f"partitioned on the same claims: all {base.get('contradictions')} in "
              f"{_fmt(base['check_s'], '.2f')} s; "
              f"ratio partitioned/baseline = {ratio}"
              + (" (an upper bound: the baseline was stopped)" if not base["baseline_finished"] else "")
              + (f", i.e. {1 / ratio:,.0f}x faster" if ratio else ""))
    if not ok:
        print("\nFAILED: the engine did not find exactly the planted contradictions "
              "(see 'missing', 'extra', 'wrong_rules' in the results)", file=sys.stderr)
        return 1
    print(f"\nall contradictions found exactly as planted; results in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
