"""Every report the command line writes, on the seeds, the test data and the benchmark datasets.

``python -m benchmarks.outputs OUT_DIR [--sizes 1000,10000]`` runs ``claims
check`` in every ``--format`` (without the cache, and again with a cold and a
warm cache), ``claims fuzz`` on the rule sets and ``claims conformance`` on
the FOLIO sample, and writes each report (stdout, stderr and exit status) to a
file of its own under ``OUT_DIR``. Run it before and after a change that
should not change what the tool says, then ``diff -r BEFORE AFTER``: a
restructuring of the code keeps every byte.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.generate import generate

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("text", "json", "sarif", "junit", "html")


def _run(out: Path, name: str, args: Sequence[str], cwd: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=cwd,
        capture_output=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "TERM": "dumb"},
    )
    (out / f"{name}.out").write_bytes(proc.stdout)
    (out / f"{name}.err").write_bytes(proc.stderr.replace(str(cwd).encode(), b"<cwd>"))
    (out / f"{name}.rc").write_text(f"{proc.returncode}\n")


def _check_all(out: Path, name: str, target: Path, cwd: Path) -> None:
    for fmt in FORMATS:
        _run(out, f"{name}.{fmt}", ["check", "--no-cache", "--format", fmt, str(target)], cwd)
    cache = cwd / ".claims-cache"
    shutil.rmtree(cache, ignore_errors=True)
    _run(out, f"{name}.cold", ["check", "--format", "json", str(target)], cwd)
    _run(out, f"{name}.warm", ["check", "--format", "json", str(target)], cwd)
    _run(out, f"{name}.jobs1", ["check", "--no-cache", "--jobs", "1", "--format", "json", str(target)], cwd)
    shutil.rmtree(cache, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.outputs", description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, src in (
            ("seeds", ROOT / "seeds"),
            ("valid", ROOT / "tests/data/valid"),
            ("ci", ROOT / "tests/data/ci/withdrawal"),
        ):
            shutil.copytree(src, work / name)
        for name in ("seeds", "valid"):
            _check_all(out, name, work / name, work)
        _run(out, "ci.text", ["check", "--no-cache", "ci"], work)
        for broken in sorted((ROOT / "tests/data/broken").glob("*.yaml")):
            _run(out, f"broken.{broken.stem}", ["check", "--no-cache", "--format", "json", str(broken)], ROOT)
        for fmt in ("text", "json"):
            _run(out, f"fuzz.{fmt}", ["fuzz", "--format", fmt, "rules/"], ROOT)
        folio = ROOT / "tests/data/folio"
        if folio.exists():
            _run(out, "conformance", ["conformance", "folio", str(folio / "folio_v2_validation.jsonl")], ROOT)
        for size in (int(s) for s in args.sizes.split(",") if s):
            data = work / f"bench{size}"
            generate(size, data)
            _check_all(out, f"bench{size}", data / "articles", work)
    print(f"reports written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
