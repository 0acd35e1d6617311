"""Fixtures for the tests of the ``dask`` extra: real clusters (see ``daskcluster.py``), ended whatever happens.

A skip in this folder is a failure under ``CLAIMS_REQUIRE_EXTRAS=1`` (see
``tests/require_extras.py``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from tests.dask.daskcluster import ROOT, Cluster
from tests.require_extras import pytest_make_collect_report, pytest_runtest_makereport  # noqa: F401


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
def start_cluster(
    tmp_path_factory: pytest.TempPathFactory, engine_env: dict[str, str]
) -> Iterator[Callable[..., Cluster]]:
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
