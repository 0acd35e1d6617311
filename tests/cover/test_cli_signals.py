"""How the console script takes SIGINT and SIGTERM (issue 17, item 7), in a child process each.

A signal that arrives inside a ``__del__`` (z3's objects have them) is raised only once the
finalizer is over: raised inside, Python prints "Exception ignored ... Traceback" and the run goes
on. A second signal while the run unwinds ends the process at once, with the first one's code.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def run_script(body: str) -> subprocess.CompletedProcess[str]:
    script = textwrap.dedent("""\
        import os, signal, sys, time
        import cli
        for sig in cli._STOP_SIGNALS:
            signal.signal(sig, cli._on_signal)
        signal.signal(signal.SIGALRM, cli._on_alarm)
        """) + textwrap.dedent(body)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_a_signal_inside_a_finalizer_is_raised_after_it() -> None:
    """SIGINT delivered while a __del__ runs: no "Exception ignored", and Stopped reaches the main code."""
    r = run_script("""
        class Native:
            def __del__(self):
                os.kill(os.getpid(), signal.SIGINT)
                for _ in range(200_000):  # the handler runs here, inside the finalizer
                    pass
        try:
            Native()
            time.sleep(5)
            print("not stopped")
        except cli.Stopped as exc:
            print("stopped", exc.signum)
        """)
    assert ("stopped 2\n", "") == (r.stdout, r.stderr)


def test_a_second_signal_while_unwinding_ends_the_process_at_once() -> None:
    """SIGTERM after SIGINT, while what unwinds is stuck: exit 130 at once, with the one line."""
    r = run_script("""
        try:
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(5)
            except cli.Stopped:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(30)  # a clean-up that does not end
        except BaseException as exc:
            print("not reached", exc)
        """)
    assert (130, "", "claims: stopped by SIGINT (Ctrl-C); the run did not finish\n") == (
        r.returncode,
        r.stdout,
        r.stderr,
    )
