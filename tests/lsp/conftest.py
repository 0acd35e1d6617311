"""The language server's tests: a skip here is a failure under ``CLAIMS_REQUIRE_EXTRAS=1``.

See ``tests/require_extras.py``.
"""

from tests.require_extras import pytest_make_collect_report, pytest_runtest_makereport  # noqa: F401
