"""Fixtures shared by the tests of the caches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claims._front.claimfile import load_claim_file
from claims._run import loader as _loader


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """The claim files parsed, in order; the signing key lives in a folder of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    seen: list[str] = []

    def counting(path: Path, *args: Any, **kwargs: Any) -> Any:
        seen.append(Path(path).name)
        return load_claim_file(path, *args, **kwargs)

    monkeypatch.setattr(_loader, "load_claim_file", counting)  # as check() calls it: through the loader
    return seen
