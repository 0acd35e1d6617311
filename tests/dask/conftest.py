"""Real Dask clusters for the tests of the ``dask`` extra: ``dask scheduler`` and ``dask worker`` processes.

They are started as a user starts them (the commands of ``docs/dask.md``),
bound to 127.0.0.1 on free ports, each in a process group of its own, and
every process of the group is ended when the fixture ends, whatever happened.
A skip in this folder is a failure under ``CLAIMS_REQUIRE_EXTRAS=1`` (see
``tests/require_extras.py``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Callable

import pytest

from require_extras import pytest_make_collect_report, pytest_runtest_makereport  # noqa: F401

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
                [DASK, *args], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=self.directory, env=self.env, start_new_session=True)

    def log(self, name: str) -> str:
        return (self.directory / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def start_scheduler(self) -> None:
        self._spawn("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                                  "--dashboard-address", "127.0.0.1:0", "--no-dashboard"])
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
        self._spawn(name, ["worker", self.address, "--nthreads", str(nthreads), "--name", name,
                           "--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0", "--no-dashboard",
                           "--local-directory", str(self.directory / name)])

    def client(self) -> Any:
        """A Dask client of this cluster, for the test to watch it (not the one ``claims`` uses)."""
        import distributed

        return distributed.Client(self.address, set_as_default=False, timeout=START_TIMEOUT)

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


@pytest.fixture(scope="session")
def engine_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment in which ``claims`` and every worker import one copy of the code, taken now.

    The runs of a test start seconds apart (a worker killed mid-run is replaced by a new process,
    which imports the code then): code edited meanwhile in the working tree would be another
    engine, which a worker rightly refuses, and another answer than the local run's.
    """
    import claims

    snapshot = tmp_path_factory.mktemp("engine")
    package = Path(claims.__file__).parent
    shutil.copytree(package, snapshot / "claims", ignore=shutil.ignore_patterns("__pycache__"))
    if not (snapshot / "claims" / "_rules").is_dir():  # where the wheel puts the shipped rule sets
        shutil.copytree(ROOT / "rules", snapshot / "claims" / "_rules")
    shutil.copy2(ROOT / "cli.py", snapshot / "cli.py")
    path = os.pathsep.join([str(snapshot), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {**os.environ, "PYTHONPATH": path}


@pytest.fixture
def start_cluster(tmp_path_factory: pytest.TempPathFactory,
                  engine_env: dict[str, str]) -> Iterator[Callable[..., Cluster]]:
    """Start a cluster: ``start_cluster(workers=1, env={...})``; every process ends with the test."""
    started: list[Cluster] = []

    def start(workers: int = 1, nthreads: int = 2, env: Mapping[str, str] | None = None) -> Cluster:
        cluster = Cluster(tmp_path_factory.mktemp("cluster"), {**engine_env, **(env or {})})
        started.append(cluster)
        cluster.start_scheduler()
        for k in range(workers):
            cluster.start_worker(f"worker{k}", nthreads)
        cluster.wait_for_workers(workers)
        return cluster

    try:
        yield start
    finally:
        for cluster in started:
            cluster.stop()
