"""Input an attacker controls cannot make a check run long or grow without bound.

Each case runs the real command in a child process under a cap on time and
on address space: the cap is far above what the case needs once bounded
(seconds, a few hundred MB), and far below what it took unbounded (the
issue's figures: minutes, gigabytes). A run must end inside the cap with an
exit code of 0, 1 or 2 and no traceback.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CAP_SECONDS = 60
CAP_BYTES = 3 * 2**30


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, CAP_BYTES))


def claims_run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "cli", *args], cwd=cwd, capture_output=True, text=True,
                       env=env, timeout=CAP_SECONDS, preexec_fn=_capped)
    assert r.returncode in (0, 1, 2), (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    return r


def dataset(root: Path, formulas: list[str], declarations: str, document: str = "The text.\n") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "a.txt").write_text(document, encoding="utf-8")
    lines = ["document: a.txt", "declarations: |"]
    lines += [f"  {d}" for d in declarations.splitlines()]
    lines += ["sources:", "  s: {name: S}", "claims:"]
    for i, f in enumerate(formulas):
        lines.append(f"  - {{id: c{i}, source: s, said: 2016-03-01, quote: The text, formula: \"{f}\"}}")
    (root / "claims.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_a_very_long_symbol_name_is_linted_in_linear_time(tmp_path: Path) -> None:
    """A 10,001-letter name took 71.5 s in the linter's containment look-up (length cubed)."""
    long = "a" * 10_001
    ds = dataset(tmp_path / "ds", [f"{long} > 1", "abcd > 2", "aaaaaaa > 3"],
                 f"const {long}, abcd, aaaaaaa: int")
    r = claims_run("check", "ds", "--no-cache", cwd=tmp_path)
    assert 0 == r.returncode, r.stdout
