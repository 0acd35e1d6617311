"""Real Dask clusters for the tests of the ``dask`` extra: ``dask scheduler`` and ``dask worker`` processes.

They are started as a user starts them (the commands of ``docs/dask.md``),
bound to 127.0.0.1 on free ports, each in a process group of its own, which
is ended whole. (A module of its own, not ``conftest.py``: every test folder
has a ``conftest``, and ``from conftest import`` finds the first one loaded.)
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DASK = str(BIN / "dask")
CLAIMS = str(BIN / "claims")
START_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Cluster:
    """A scheduler and its workers, each a process group of its own, with their logs."""

    def __init__(self, directory: Path, env: Mapping[str, str]) -> None:
        self.directory = directory
        self.env = dict(env)
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def _spawn(self, name: str, args: list[str]) -> None:
        log = open(self.directory / f"{name}.log", "wb")  # noqa: SIM115 - the process writes it
        with log:
            self.procs[name] = subprocess.Popen(
                [DASK, *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.directory,
                env=self.env,
                start_new_session=True,
            )

    def log(self, name: str) -> str:
        return (self.directory / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def start_scheduler(self) -> None:
        self._spawn(
            "scheduler",
            [
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dashboard-address",
                "127.0.0.1:0",
                "--no-dashboard",
            ],
        )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.procs["scheduler"].poll() is not None:
                raise RuntimeError(f"dask scheduler exited:\n{self.log('scheduler')}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"dask scheduler not listening:\n{self.log('scheduler')}") from None
                time.sleep(0.1)

    def start_worker(self, name: str, nthreads: int = 2) -> None:
        """``dask worker ADDRESS --nthreads N`` (with its nanny, as by default), on 127.0.0.1."""
        (self.directory / name).mkdir(exist_ok=True)
        self._spawn(
            name,
            [
                "worker",
                self.address,
                "--nthreads",
                str(nthreads),
                "--name",
                name,
                "--host",
                "127.0.0.1",
                "--dashboard-address",
                "127.0.0.1:0",
                "--no-dashboard",
                "--local-directory",
                str(self.directory / name),
            ],
        )

    def client(self) -> Any:
        """A Dask client of this cluster, for the test to watch it (not the one ``claims`` uses)."""
        import distributed

        make_client: Any = distributed.Client  # untyped in distributed, and absent without the extra
        return make_client(self.address, set_as_default=False, timeout=START_TIMEOUT)

    def wait_for_workers(self, n: int) -> dict[str, int]:
        """Wait until ``n`` workers are registered; their addresses and the pids of their processes."""
        with self.client() as client:
            client.wait_for_workers(n, timeout=START_TIMEOUT)
            pids: dict[str, int] = client.run(os.getpid)
            return pids

    def stop(self) -> None:
        for proc in reversed(self.procs.values()):  # the workers first: they outlive no scheduler
            _end_group(proc)


def _end_group(proc: subprocess.Popen[bytes]) -> None:
    """End every process of the group ``proc`` leads (a worker's nanny and its worker process together)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            proc.poll()  # reap the leader, so that the group can empty
            try:
                os.killpg(proc.pid, 0)  # anyone of the group left?
            except ProcessLookupError:
                return
            time.sleep(0.05)
