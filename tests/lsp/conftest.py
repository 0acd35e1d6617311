"""The language server's tests, and their copy of the seed; a skip here is a failure under ``CLAIMS_REQUIRE_EXTRAS=1``.

See ``tests/require_extras.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.require_extras import pytest_make_collect_report, pytest_runtest_makereport  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the seed dataset and the rule sets, made the working folder (the editor's project)."""
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    return tmp_path
