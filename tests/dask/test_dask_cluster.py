"""The Dask executor on real clusters gives the local run's bytes, and never a partial answer.

The clusters are started as docs/dask.md tells users to start them: ``dask
scheduler`` and ``dask worker --nthreads 2`` (several threads in one process,
each solving), here bound to 127.0.0.1 on free ports. The dataset has 3,000
claims, so that components go to the cluster in many tasks.
"""

from __future__ import annotations

import pytest

distributed = pytest.importorskip(
    "distributed", reason="the dask extra is not installed: pip install 'claims-check[dask]'"
)

import json  # noqa: E402 - after the skip: nothing here runs without the extra
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Mapping  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import claims  # noqa: E402
from benchmarks.generate import Expected, generate  # noqa: E402
from claims._logic import executor as _executor  # noqa: E402
from claims._logic.solve import Options  # noqa: E402
from claims._run import api as claims_api  # noqa: E402
from tests.dask.daskcluster import CLAIMS, Cluster, free_port  # noqa: E402

N_CLAIMS = 3_000
RUN_TIMEOUT = 600


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Expected]:
    """A generated dataset at ``ROOT/data`` (commands run in ROOT), and the answer planted in it."""
    root = tmp_path_factory.mktemp("dask-data")
    return root, generate(N_CLAIMS, root / "data")


def check(cwd: Path, env: Mapping[str, str], *flags: str) -> subprocess.CompletedProcess[bytes]:
    """``claims check data --format json --no-cache FLAGS`` (the cache would answer without the cluster)."""
    return subprocess.run(
        [CLAIMS, "check", "data", "--format", "json", "--no-cache", *flags],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=RUN_TIMEOUT,
    )


def start_check(cwd: Path, env: Mapping[str, str], *flags: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [CLAIMS, "check", "data", "--format", "json", "--no-cache", *flags],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.fixture(scope="module")
def local_run(dataset: tuple[Path, Expected], engine_env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """The local run: every planted contradiction, enumeration complete."""
    root, expected = dataset
    run = check(root, engine_env)
    assert 1 == run.returncode, run.stderr.decode()
    report = json.loads(run.stdout)
    assert (len(expected.contradictions), True) == (report["summary"]["contradictions"], report["complete"])
    return run


@pytest.fixture(scope="module")
def local_json(local_run: subprocess.CompletedProcess[bytes]) -> bytes:
    return local_run.stdout


def busy_worker(client: Any, run: subprocess.Popen[bytes]) -> str:
    """The address of a worker as soon as it holds one of the run's tasks."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        if run.poll() is not None:
            pytest.fail(f"the run ended (exit {run.returncode}) before a worker took a task")
        for address, keys in client.processing().items():
            if any("solve_task" in str(k) for k in keys):
                return str(address)
        time.sleep(0.01)
    pytest.fail("no worker took a task")


def kill_busy_worker(cluster: Cluster, run: subprocess.Popen[bytes]) -> bool:
    """SIGKILL a worker process that holds tasks of ``run``; whether ``run`` was still going then."""
    with cluster.client() as client:
        pids = client.run(os.getpid)  # the worker processes (their nannies stay)
        victim = busy_worker(client, run)
        os.kill(pids[victim], signal.SIGKILL)
        return run.poll() is None


def test_a_cluster_of_worker_threads_gives_the_bytes_of_the_local_run(
    dataset: tuple[Path, Expected],
    local_run: subprocess.CompletedProcess[bytes],
    start_cluster: Callable[..., Cluster],
    engine_env: dict[str, str],
) -> None:
    """Two `dask worker --nthreads 2`: four threads solving at once, the same JSON as `claims check`.

    Standard error is the local run's too: no warning that the task graph (which carries the
    components, by design) is large, even where Dask's threshold for it is low.
    """
    cluster = start_cluster(workers=2, nthreads=2)
    env = {**engine_env, "DASK_DISTRIBUTED__ADMIN__LARGE_GRAPH_WARNING_THRESHOLD": "100kB"}
    run = check(dataset[0], env, "--executor", "dask", "--scheduler", cluster.address)
    assert 1 == run.returncode, run.stderr.decode()
    assert (local_run.stdout, local_run.stderr) == (run.stdout, run.stderr)
    for name in ("worker0", "worker1"):
        assert "killed by signal" not in cluster.log(name)


def test_a_worker_killed_mid_run_is_replaced_and_the_answer_is_the_same(
    dataset: tuple[Path, Expected], local_json: bytes, start_cluster: Callable[..., Cluster], engine_env: dict[str, str]
) -> None:
    """SIGKILL a worker process holding tasks: its nanny starts another, the tasks run again, same bytes."""
    cluster = start_cluster(workers=2, nthreads=2)
    with start_check(dataset[0], engine_env, "--executor", "dask", "--scheduler", cluster.address) as run:
        killed_mid_run = kill_busy_worker(cluster, run)
        out, err = run.communicate(timeout=RUN_TIMEOUT)
    assert killed_mid_run
    assert 1 == run.returncode, err.decode()
    assert local_json == out
    assert any("killed by signal 9" in cluster.log(name) for name in ("worker0", "worker1"))


def ends_clearly(returncode: int | None, out: bytes, err: bytes, message: str) -> None:
    """Exit 2, no report, and on stderr ``message`` (its start) without a traceback."""
    assert (2, b"") == (returncode, out)
    said = err.decode()
    assert said.startswith(message)
    assert "Traceback" not in said


def test_when_workers_keep_dying_the_run_fails_clearly(
    dataset: tuple[Path, Expected], start_cluster: Callable[..., Cluster], engine_env: dict[str, str]
) -> None:
    """A scheduler that allows no worker death: the run exits 2 with a message, and reports nothing."""
    cluster = start_cluster(workers=1, env={"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0"})
    with start_check(dataset[0], engine_env, "--executor", "dask", "--scheduler", cluster.address) as run:
        killed_mid_run = kill_busy_worker(cluster, run)
        out, err = run.communicate(timeout=RUN_TIMEOUT)
    assert killed_mid_run
    ends_clearly(
        run.returncode, out, err, f"error: the Dask cluster at {cluster.address} could not finish: workers died"
    )


def test_a_scheduler_lost_mid_run_ends_the_run_clearly(
    dataset: tuple[Path, Expected], start_cluster: Callable[..., Cluster], engine_env: dict[str, str]
) -> None:
    """The scheduler is killed while workers hold tasks: exit 2 with a message, no report, no traceback."""
    cluster = start_cluster(workers=1)
    with start_check(dataset[0], engine_env, "--executor", "dask", "--scheduler", cluster.address) as run:
        with cluster.client() as client:
            busy_worker(client, run)
            os.killpg(cluster.procs["scheduler"].pid, signal.SIGKILL)
        killed_mid_run = run.poll() is None
        out, err = run.communicate(timeout=RUN_TIMEOUT)
    assert killed_mid_run
    ends_clearly(run.returncode, out, err, f"error: the Dask cluster at {cluster.address} cancelled the work")


def test_a_scheduler_out_of_reach_is_a_clear_error(ds: Path, engine_env: dict[str, str]) -> None:
    """Nothing listens at the address: exit 2 and one line that names it, once the connect timeout is over."""
    address = f"tcp://127.0.0.1:{free_port()}"
    env = {**engine_env, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"}
    run = subprocess.run(
        [CLAIMS, "check", "ds", "--executor", "dask", "--scheduler", address],
        cwd=ds,
        env=env,
        capture_output=True,
        timeout=RUN_TIMEOUT,
    )
    ends_clearly(run.returncode, run.stdout, run.stderr, f"error: cannot connect to the Dask scheduler at {address}: ")


def test_worker_threads_of_one_process_give_the_local_answer(dataset: tuple[Path, Expected]) -> None:
    """Four threads of one worker process solve side by side (in this process: the library's answer)."""
    ds = claims.load(dataset[0] / "data")
    local = claims.check(ds, jobs=1, cache=False)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=4, processes=False, dashboard_address="127.0.0.1:0"
    ) as cluster:
        remote = claims.check(ds, cache=False, executor="dask", scheduler=cluster.scheduler_address)
    assert len(local.contradictions) == len(dataset[1].contradictions)
    assert str(local) == str(remote)


def test_a_cluster_without_workers_is_a_clear_error(ds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No worker at all: the run gives up after NO_WORKERS_TIMEOUT, with a message, not a hang."""
    monkeypatch.setattr(_executor, "NO_WORKERS_TIMEOUT", 1.0)
    data = claims.load(ds / "ds")
    with (
        distributed.LocalCluster(n_workers=0, processes=False, dashboard_address="127.0.0.1:0") as cluster,
        pytest.raises(claims.ClaimsError, match="has had no worker for 1 s"),
    ):
        claims.check(data, cache=False, executor="dask", scheduler=cluster.scheduler_address)


def test_workers_running_another_engine_are_refused(ds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker whose engine is not the client's (another version, other code) fails the run, clearly."""

    def engine() -> str:
        return "client" if threading.current_thread() is threading.main_thread() else "worker"

    monkeypatch.setattr(_executor, "engine_version", engine)
    data = claims.load(ds / "ds")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address="127.0.0.1:0"
        ) as cluster,
        pytest.raises(claims.ClaimsError, match=r"runs another claims engine \(worker\) than the client"),
    ):
        claims.check(data, cache=False, executor="dask", scheduler=cluster.scheduler_address)


def test_the_scheduler_never_imports_claims(
    dataset: tuple[Path, Expected],
    local_json: bytes,
    start_cluster: Callable[..., Cluster],
    engine_env: dict[str, str],
) -> None:
    """A task is pickle.loads of bytes that make the call solve_task(task) (executor._Call): the
    scheduler, which unpickles every graph, sees the standard library only, and a new cluster's first
    task does not wait for the scheduler to import claims. The workers import it, and answer the same."""
    cluster = start_cluster(workers=1, nthreads=2)
    run = check(dataset[0], engine_env, "--executor", "dask", "--scheduler", cluster.address)
    assert 1 == run.returncode, run.stderr.decode()
    assert local_json == run.stdout
    # a lambda travels by value (cloudpickle): the scheduler imports nothing of this module to run it
    claims_imported = lambda: "claims" in __import__("sys").modules  # noqa: E731
    with cluster.client() as client:
        assert not client.run_on_scheduler(claims_imported)
        assert all(client.run(claims_imported).values())


def test_what_writing_the_scripts_raises_is_not_blamed_on_the_cluster(ds: Path) -> None:
    """The client writes the components' scripts before it sends the tasks: what that raises here is
    raised as it is (as a local run raises it), not reported as a worker's failure."""
    data = claims.load(ds / "ds")
    comps = claims_api.components_of(data)

    def write(comp: object) -> object:
        raise RuntimeError("a bug of this process")

    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address="127.0.0.1:0"
        ) as cluster,
        pytest.raises(RuntimeError, match="a bug of this process"),
    ):
        _executor.run(
            comps,
            frozenset(),
            Options(),
            jobs=1,
            executor="dask",
            scheduler=cluster.scheduler_address,
            write=write,  # type: ignore[arg-type]
        )
