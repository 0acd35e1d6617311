"""Where the engine spends its time: one profiled load and check, own time summed by module and by library.

``python -m benchmarks.profile DIR [--top N]`` loads ``DIR/articles`` and
checks it in this one process (``jobs=1``, no result cache, the lint run here)
under :mod:`cProfile`, renders the text report, and prints the own time of
every function summed by where it lives: each module of ``claims``, each
library (``lark``, ``ruamel.yaml``, ``yaml``, ``z3``, ``attrs``, ...), the
standard library, and the interpreter's built-ins. z3's native solving shows
under ``z3`` (ctypes calls are not profiled apart: their time is the own time
of z3py's wrappers). Then the ``--top`` functions by own time.

cProfile slows Python code more than native code, so the shares are of a
profiled run; the stage times of :mod:`benchmarks.run` are the unprofiled ones.
``docs/performance.md`` is written from this output.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Sequence

import claims


def _where(filename: str) -> str:
    """The module of ``claims`` or the library a profiled function lives in."""
    if filename == "~" or filename.startswith("<"):
        return "(built-ins)"
    path = filename.replace("\\", "/")
    if "/claims/" in path and "site-packages" not in path:
        tail = path.rsplit("/claims/", 1)[1]
        return "claims." + tail.removesuffix(".py").replace("/", ".")
    if "site-packages/" in path:
        package = path.split("site-packages/", 1)[1].split("/", 1)[0]
        return {"ruamel": "ruamel.yaml", "_yaml": "yaml"}.get(package, package.removesuffix(".py"))
    if path.endswith("/cli.py"):
        return "cli"
    return "(standard library)"


def profile(data_dir: str) -> tuple[pstats.Stats, dict[str, float]]:
    """Load, check and render ``data_dir`` under cProfile; the statistics and the stages' wall seconds."""
    prof = cProfile.Profile()
    stages: dict[str, float] = {}
    t = time.perf_counter()
    prof.enable()
    ds = claims.load(f"{data_dir}/articles", jobs=1)
    stages["load"] = time.perf_counter() - t
    report = claims.check(ds, jobs=1, cache=False)
    stages["check"] = time.perf_counter() - t - stages["load"]
    str(report)
    prof.disable()
    stages["render text"] = time.perf_counter() - t - stages["load"] - stages["check"]
    return pstats.Stats(prof), stages


def by_place(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own time summed by module or library, largest first."""
    own: dict[str, float] = defaultdict(float)
    table: dict[tuple[str, int, str], tuple[int, int, float, float, object]] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in table.items():
        own[_where(filename)] += tottime
    return sorted(own.items(), key=lambda kv: (-kv[1], kv[0]))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__.splitlines()[0])
    ap.add_argument("data_dir", help="a generated dataset (with articles/ and rules/)")
    ap.add_argument("--top", type=int, default=25, help="how many functions to list by own time (default: 25)")
    args = ap.parse_args(argv)
    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
    stats, stages = profile(args.data_dir)
    total = sum(t for _, t in by_place(stats))
    print("stage          profiled wall s")
    for name, secs in stages.items():
        print(f"{name:<14} {secs:>15.2f}")
    print(f"\n{'own time by module or library':<40} {'s':>8} {'share':>7}")
    for place, secs in by_place(stats):
        if secs >= 0.005 * total:
            print(f"{place:<40} {secs:>8.2f} {secs / total:>7.1%}")
    print(f"{'(all)':<40} {total:>8.2f}\n")
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
