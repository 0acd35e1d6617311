"""What formulas that relate days cost: one seeded dataset with a persistent predicate, checked once.

``python -m benchmarks.timeline [--claims N] [--days D] [--seed S]`` writes a
dataset to a temporary folder (N claims said on days spread over D days, about
three units of a closed sort; a persistent ``withdrawn(Unit)`` and a rule that a
withdrawn unit is not deployed), runs ``claims check --no-cache --format json``
on it in a process of its own, and prints one JSON row: wall seconds, the
peak memory of that process, the contradictions and whether the enumeration
was complete. The figures of docs/time.md come from it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RULES = """\
sort Unit = {u1, u2, u3}
timed persistent pred withdrawn(Unit)
timed pred deployed(Unit)
rule gone: "a withdrawn unit is not deployed"
  forall u: Unit. withdrawn(u) implies not deployed(u)
"""


def write(root: Path, claims: int, days: int, seed: int) -> None:
    """The dataset, under ``root``."""
    rng = random.Random(seed)
    (root / "rules").mkdir()
    (root / "rules" / "t.rules").write_text(RULES, encoding="utf-8")
    (root / "a.txt").write_text("text\n", encoding="utf-8")
    start = datetime.date(2016, 1, 1)
    lines = ["document: a.txt", "rules: [t]", "sources:", "  s: {name: S}", "claims:"]
    for i in range(claims):
        day = start + datetime.timedelta(days=rng.randrange(days))
        unit = rng.choice(["u1", "u2", "u3"])
        formula = rng.choice([f"withdrawn({unit})", f"deployed({unit})", f"not withdrawn({unit})"])
        lines.append(f"  - {{id: c{i}, source: s, quote: text, said: {day}, formula: '{formula}'}}")
    (root / "claims.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=150)
    ap.add_argument("--days", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write(root, args.claims, args.days, args.seed)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "cli", "check", str(root), "--no-cache", "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode not in (0, 1):
        print(run.stderr, file=sys.stderr)
        return 2
    report = json.loads(run.stdout)
    row = {
        "kind": "timeline",
        "claims": args.claims,
        "days": args.days,
        "seed": args.seed,
        "contradictions": report["summary"]["contradictions"],
        "complete": report["complete"],
        "wall_s": round(wall, 2),
        "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
        "peak_mib": round(after.ru_maxrss / 1024, 1),
    }
    print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
