"""Hooks for the folders of tests that need an optional extra (``tests/dask/``, ``tests/browser/``, ``tests/lsp/``).

Such tests live in a folder named for what they need, and skip, with the
reason and how to install it, where it is absent: the README's
``python -m pytest`` passes on a machine that has only ``.[test]``.

With ``CLAIMS_REQUIRE_EXTRAS=1`` (set by ``.ci/run``, which installs every
extra) a skip there is a failure instead, whether a test skipped itself or a
whole module did while it was collected: CI never passes with those tests
left out. Each folder's ``conftest.py`` imports these hooks, so they act on
that folder only.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

REQUIRE = "CLAIMS_REQUIRE_EXTRAS"


def _fail_if_skipped(report: Any) -> None:
    if os.environ.get(REQUIRE) != "1" or not report.skipped or hasattr(report, "wasxfail"):
        return
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    report.outcome = "failed"
    report.longrepr = f"{REQUIRE}=1 requires this to run, but it was skipped: {reason}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    _fail_if_skipped(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, Any]:
    report = yield
    _fail_if_skipped(report)
    return report
