"""A capped benchmark child never outlives its time or its parent (``benchmarks.baseline.bounded``).

A child left running after its benchmark was stopped takes a core from every
later measurement on the machine; these tests run real processes.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.baseline import bounded

REPO = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(") ")[-1][0] != "Z"  # a zombie has ended
    except OSError:
        return False


def test_a_child_ends_when_its_lifetime_is_over() -> None:
    ctx = mp.get_context("spawn")
    p = ctx.Process(target=bounded, args=(time.sleep, os.getpid(), 1.0, 60), daemon=True)
    p.start()
    p.join(timeout=30)
    assert p.exitcode == -signal.SIGALRM


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_child_ends_when_its_parent_is_killed() -> None:
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import multiprocessing as mp, os, time\n"
                "from benchmarks.baseline import bounded\n"
                "if __name__ == '__main__':\n"
                "    p = mp.get_context('spawn').Process(target=bounded, args=(time.sleep, os.getpid(), 600, 600))\n"
                "    p.start()\n"
                "    print(p.pid, flush=True)\n"
                "    time.sleep(600)\n"
            ),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    ) as middle:
        assert middle.stdout is not None
        child = int(middle.stdout.readline())
        time.sleep(1.0)  # the child has set up its bounds
        assert _alive(child)
        middle.kill()
    deadline = time.monotonic() + 20
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/status is Linux's")
def test_a_child_reports_its_own_peak_memory_not_its_parents() -> None:
    """``ru_maxrss`` keeps the parent's peak across fork and exec; the benchmark's figure must not."""
    ballast = bytearray(400 * 1024 * 1024)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1  # resident, not only reserved
    out = subprocess.run(
        [sys.executable, "-c", "from benchmarks.baseline import rss_mib; print(rss_mib())"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    del ballast
    assert float(out.stdout) < 200
