"""What `claims` writes gets the permissions other tools give, under the user's umask (issue 16, item 9).

Every test runs the real command in a child with its own umask (``subprocess``'s ``umask=``):
reports (``--output``, every format), HTML pages and baselines are 0666 less the umask when new
and keep their mode when replaced; the caches stay readable by their owner only.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes and umasks are POSIX")


def run(*args: str, cwd: Path, umask: int) -> subprocess.CompletedProcess[str]:
    """``claims ARGS`` in ``cwd`` with ``umask``; the signing key of the file cache goes under ``cwd``."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "XDG_CACHE_HOME": str(cwd / "user-cache"),
    }
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        umask=umask,
        check=False,
    )


def mode_of(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o077], ids=oct)
def test_reports_pages_and_baselines_follow_the_umask(ds: Path, umask: int) -> None:
    """New reports (each format), the HTML page and a baseline are 0666 less the umask: 0644 under 022."""
    written = []
    for fmt in ("json", "sarif", "junit", "text", "html"):
        r = run("check", "ds", "--format", fmt, "--output", f"out/report.{fmt}", "--no-cache", cwd=ds, umask=umask)
        assert 1 == r.returncode, r.stderr
        written.append(ds / "out" / f"report.{fmt}")
    r = run("baseline", "ds", "-o", "claims-baseline.json", cwd=ds, umask=umask)
    assert 0 == r.returncode, r.stderr
    written.append(ds / "claims-baseline.json")
    expected = 0o666 & ~umask
    assert {p.name: expected for p in written} == {p.name: mode_of(p) for p in written}


@pytest.mark.parametrize("umask", [0o022, 0o077], ids=oct)
def test_a_replaced_report_or_baseline_keeps_its_mode(ds: Path, umask: int) -> None:
    """A report and a baseline that exist with mode 0640 are replaced (new content) and stay 0640."""
    report, base = ds / "report.sarif", ds / "claims-baseline.json"
    for p in (report, base):
        p.write_text("old", encoding="utf-8")
        p.chmod(0o640)
    assert (
        1
        == run(
            "check", "ds", "--format", "sarif", "--output", "report.sarif", "--no-cache", cwd=ds, umask=umask
        ).returncode
    )
    assert 0 == run("baseline", "ds", "-o", "claims-baseline.json", cwd=ds, umask=umask).returncode
    assert {"report.sarif": 0o640, "claims-baseline.json": 0o640} == {p.name: mode_of(p) for p in (report, base)}
    assert all(p.read_text(encoding="utf-8").startswith("{") for p in (report, base))


def test_caches_stay_private_under_a_permissive_umask(ds: Path) -> None:
    """Under umask 022 the cache's entries (signed pickles, solved components) and the user's
    signing key are still 0600, while the report beside them is 0644."""
    r = run("check", "ds", "--format", "json", "--output", "report.json", cwd=ds, umask=0o022)
    assert 1 == r.returncode, r.stderr
    entries = sorted(p for p in (ds / ".claims-cache").rglob("*") if p.is_file())
    assert {".pickle", ".pack"} <= {p.suffix for p in entries}
    key = ds / "user-cache" / "claims-check" / "signing-key"
    assert {str(p.relative_to(ds)): 0o600 for p in (*entries, key)} == {
        str(p.relative_to(ds)): mode_of(p) for p in (*entries, key)
    }
    assert 0o644 == mode_of(ds / "report.json")
