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


def test_a_closed_sort_expanded_past_its_limit_is_an_input_error(tmp_path: Path) -> None:
    """200 members and a three-variable exists: 8,000,000 terms (150 s and 1.4 GB unbounded)."""
    members = ", ".join(f"m{i}" for i in range(200))
    ds = dataset(tmp_path / "ds", ["exists x: S, y: S, z: S. p(x, y, z)"], f"sort S = {{{members}}}\npred p(S, S, S)")
    r = claims_run("check", "ds", "--no-cache", cwd=tmp_path)
    assert 2 == r.returncode
    assert "ds/claims.yaml:8:5: error: claim 'c0': the formula grows too large" in r.stderr
    assert "--limit expansion=8000000" in r.stderr
    assert "[too-large]" in r.stderr


def _overlapping(root: Path, n: int) -> Path:
    """``n`` claims on one timed constant, each holding over years, each starting a day later."""
    import datetime

    root.mkdir(parents=True, exist_ok=True)
    (root / "a.txt").write_text("The text.\n", encoding="utf-8")
    lines = ["document: a.txt", "declarations: |", "  timed const x: int", "sources:", "  s: {name: S}", "claims:"]
    start = datetime.date(2010, 1, 1)
    for i in range(n):
        lo = start + datetime.timedelta(days=i)
        hi = lo + datetime.timedelta(days=4000)
        lines.append(f"  - {{id: c{i}, source: s, said: {lo}, holds: {lo}..{hi}, quote: The text, "
                     f"formula: \"x > {i % 7}\"}}")
    (root / "claims.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_overlapping_intervals_past_the_instance_limit_are_an_input_error(tmp_path: Path) -> None:
    """3,200 overlapping intervals: ten million instances (8.6 GB and 'undecided' unbounded)."""
    _overlapping(tmp_path / "ds", 3200)
    r = claims_run("check", "ds", "--no-cache", "--format", "json", cwd=tmp_path)
    assert 2 == r.returncode
    assert "10,243,200 instances, over the limit of 2,000,000" in r.stderr
    assert "claim 'c0' alone holds on 3,201 of them" in r.stderr
    assert '"too-large"' in r.stdout  # the machine formats carry the error too


def test_a_limit_can_be_raised_and_a_bad_one_is_a_usage_error(tmp_path: Path) -> None:
    _overlapping(tmp_path / "ds", 40)  # 40 claims: 80 relevant days, 40 * 41 / 2 + ... instances
    low = claims_run("check", "ds", "--no-cache", "--limit", "instances=100", cwd=tmp_path)
    assert 2 == low.returncode and "--limit instances=" in low.stderr
    ok = claims_run("check", "ds", "--no-cache", "--limit", "instances=100", "--limit", "instances=10_000",
                    cwd=tmp_path)
    assert 0 == ok.returncode, ok.stderr
    bad = claims_run("check", "ds", "--limit", "instance=5", cwd=tmp_path)
    assert 2 == bad.returncode
    assert "the limits are file-bytes, formula-chars, yaml-nodes, instances, expansion" in bad.stderr
