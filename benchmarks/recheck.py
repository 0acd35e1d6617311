"""Re-checking after a one-claim edit, as a user does it: ``claims check`` twice, with its cache.

A copy of the dataset is checked once with ``claims check articles --format json``
(which fills ``.claims-cache/``), one claim's formula is edited (``F`` becomes
``(F) and true``: the same meaning, but new text, so its component is new to
the cache), and the same command runs again. Both runs are timed from outside
(process start to exit). What the second run did: the components it solved,
as its ``--verbose`` line says (the result cache is one file), and the claim
file entries it rewrote in the cache folder (files parsed again).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

_FORMULA = re.compile(r'formula: "([^"]+)"')
_SOLVED = re.compile(r"result cache \(.*?\): \d+ reused, (\d+) solved")


def _entries(cache: Path) -> dict[str, int]:
    """Every cache file with its modification time."""
    return {str(p.relative_to(cache)): p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}


def _claims_command() -> list[str]:
    exe = Path(sys.executable).parent / "claims"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cli"]


def run_recheck(data_dir: str, jobs: int | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="claims-recheck-") as tmp:
        root = Path(tmp)
        shutil.copytree(Path(data_dir) / "articles", root / "articles")
        shutil.copytree(Path(data_dir) / "rules", root / "rules")
        cmd = [*_claims_command(), "check", "articles", "--format", "json", "--output", "report.json"]
        if jobs is not None:
            cmd += ["--jobs", str(jobs)]

        def timed() -> tuple[float, str]:
            t = time.perf_counter()
            out = subprocess.run([*cmd, "--verbose"], cwd=root, capture_output=True, text=True)
            if out.returncode not in (0, 1):
                raise RuntimeError(f"claims check failed ({out.returncode}): {out.stderr[-2000:]}")
            return time.perf_counter() - t, out.stderr

        cold_s, _ = timed()
        cache = root / ".claims-cache"
        before = _entries(cache)
        first = sorted((root / "articles").glob("*.yaml"))[0]
        text = first.read_text(encoding="utf-8")
        m = _FORMULA.search(text)
        assert m is not None, f"no formula in {first}"
        first.write_text(text[: m.start()] + f'formula: "({m.group(1)}) and true"' + text[m.end() :], encoding="utf-8")
        warm_s, said = timed()
        solved = _SOLVED.search(said)
        assert solved is not None, f"no result cache line in: {said[-2000:]}"
        after = _entries(cache)
        changed = [k for k, t in after.items() if before.get(k) != t]
        return {
            "recheck_first_run_s": round(cold_s, 3),
            "recheck_s": round(warm_s, 3),
            "recheck_components_solved": int(solved.group(1)),
            "recheck_files_parsed": sum(1 for k in changed if k.endswith(".pickle")),
        }
