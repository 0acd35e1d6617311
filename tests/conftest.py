"""Shared test set-up: Hypothesis profiles and fixtures.

``HYPOTHESIS_PROFILE=ci`` runs many examples per property; the default, ``dev``,
runs few so that the whole suite stays quick on a laptop. Both turn the
deadline off: a solver call or a subprocess can take a while on a busy machine,
and a slow example is not a failing one (Hypothesis' own solver-backed profile
does the same).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile(os.getenv("HYPOTHESIS_PROFILE", "dev"))

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent


@pytest.fixture
def broken_dir(monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tests/data/broken/``, made the working directory so that paths print short."""
    path = TESTS / "data" / "broken"
    monkeypatch.chdir(path)
    return path


@pytest.fixture
def ds(tmp_path: Path) -> Path:
    """A copy of ``tests/data/ci`` (a small dataset for the CI formats) at ``tmp_path/ds``.

    Returns ``tmp_path``: commands run there and name the dataset ``ds``.
    """
    shutil.copytree(TESTS / "data" / "ci", tmp_path / "ds")
    return tmp_path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run ``tests/dask`` last.

    Its in-process clusters leave distributed's threads running for the rest
    of the process, and the engine forks its lint child only from a process
    with no other thread (``claims._base.background``): tests that check the fork
    must run before them.
    """
    dask = TESTS / "dask"
    items.sort(key=lambda item: Path(str(item.path)).is_relative_to(dask))
