"""End to end: the real ``claims check`` on broken input exits 2 with located, actionable errors.

Each test runs the installed command in a subprocess on a file of
``tests/data/broken`` that carries its expected diagnostics inline (``# E:``),
so that a traceback, a wrong place or a changed message shows up as it would
to a person at a terminal.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.expected_errors import BROKEN, Expected, expected_in, reported_in

REPO = BROKEN.parents[2]
CLAIMS = shutil.which("claims", path=str(Path(sys.executable).parent)) or "claims"


def run_check(*args: str, cwd: Path = BROKEN) -> subprocess.CompletedProcess[str]:
    """Run ``claims check ARGS`` in ``cwd``, as a user would."""
    # The editable install keeps a copy of cli.py in site-packages; put the
    # repository first so that the command runs the cli.py under test.
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    return subprocess.run([CLAIMS, "check", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def assert_input_error(result: subprocess.CompletedProcess[str], expected: Expected) -> None:
    """Exit 2, nothing on stdout, exactly ``expected`` on stderr, a count, and no traceback."""
    assert "Traceback" not in result.stderr + result.stdout
    assert expected == reported_in(result.stderr)
    n = len(expected)
    assert f"{n} error{'s' if n != 1 else ''}; nothing was checked" == result.stderr.splitlines()[-1]
    assert "" == result.stdout
    assert 2 == result.returncode


def assert_reports_inline(name: str) -> None:
    """``claims check NAME`` in tests/data/broken reports what NAME says it must."""
    assert_input_error(run_check(name), expected_in(BROKEN / name))


def test_yaml_syntax_error() -> None:
    """An unclosed quote is reported where it opens, not past the end of the file."""
    assert_reports_inline("yaml-syntax.yaml")


def test_wrong_field_type() -> None:
    """A list where text belongs names the field, the claim and what it got."""
    assert_reports_inline("field-type.yaml")


def test_unknown_field_suggests_the_closest() -> None:
    """A misspelt field is reported with the field it probably meant."""
    assert_reports_inline("unknown-field.yaml")


def test_duplicate_claim_id() -> None:
    """A second claim with the same id points back at the first."""
    assert_reports_inline("duplicate-id.yaml")


def test_unknown_source_suggests_the_closest() -> None:
    """A claim naming an undeclared source gets the closest declared one."""
    assert_reports_inline("unknown-source.yaml")


def test_quote_not_found_shows_the_closest_passage() -> None:
    """A quote that is not in the document comes with the passage that looks most like it."""
    assert_reports_inline("quote-not-found.yaml")


def test_formula_syntax_error() -> None:
    """A doubled operator is located in the YAML file and the hint says what is missing."""
    assert_reports_inline("formula-syntax.yaml")


def test_formula_syntax_error_in_a_rule_file() -> None:
    """A syntax error in a rule set is located in the .rules file, not in the claim file using it."""
    assert_reports_inline("rule-syntax.yaml")


def test_unknown_symbol_suggests_the_closest() -> None:
    """A misspelt predicate gets the declared name it probably meant."""
    assert_reports_inline("unknown-symbol.yaml")


def test_sort_mismatch() -> None:
    """An int where a Country belongs says which argument, what was wanted and what was given."""
    assert_reports_inline("sort-mismatch.yaml")


def test_wrong_arity() -> None:
    """Too many arguments says how many the function takes, of which sorts, and how many it got."""
    assert_reports_inline("arity.yaml")


def test_unreadable_document_that_is_a_directory() -> None:
    """A document path naming a directory is an unreadable file, at the 'document' value."""
    assert_reports_inline("file-unreadable.yaml")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads a file whatever its permissions")
def test_unreadable_file_without_permission(tmp_path: Path) -> None:
    """A claim file the user may not read is reported, with the system's reason."""
    target = tmp_path / "locked.yaml"
    shutil.copy(BROKEN / "unknown-source.yaml", target)
    target.chmod(0)
    try:
        result = run_check("locked.yaml", cwd=tmp_path)
    finally:
        target.chmod(0o644)
    assert_input_error(
        result, [("locked.yaml:1:1: error: cannot read 'locked.yaml': Permission denied  [file-unreadable]", None)]
    )


def test_missing_document() -> None:
    """A document that does not exist is reported at the 'document' value that names it."""
    assert_reports_inline("file-missing.yaml")


def test_missing_path(tmp_path: Path) -> None:
    """A path on the command line that does not exist is an input error, not a click usage error."""
    assert_input_error(
        run_check("nope.yaml", cwd=tmp_path),
        [("nope.yaml:1:1: error: path 'nope.yaml' does not exist  [file-missing]", None)],
    )


def test_binary_file() -> None:
    """A claim file holding a NUL byte is refused as binary."""
    assert_reports_inline("file-binary.yaml")


def test_non_utf8_file() -> None:
    """A Latin-1 byte is located by line and character column, with a hint to save as UTF-8."""
    assert_reports_inline("file-encoding.yaml")


def test_empty_directory(tmp_path: Path) -> None:
    """A directory without claim files is an error, not a clean result."""
    (tmp_path / "empty").mkdir()
    assert_input_error(
        run_check("empty", cwd=tmp_path),
        [("empty:1:1: error: no claim files (*.yaml, *.yml) under directory 'empty'  [no-claims]", None)],
    )


def test_impossible_date() -> None:
    """'said: 2016-02-30' is an error at the value that says why, not a ValueError from the YAML library."""
    assert_reports_inline("bad-date.yaml")


def test_bounds_reversed() -> None:
    """'between 6000 and 3000' states the constraint and suggests the bounds the other way round."""
    assert_reports_inline("bad-quantity.yaml")


def test_unknown_rule_set_suggests_the_closest() -> None:
    """A misspelt rule set name gets the closest rule set that exists."""
    assert_reports_inline("unknown-rule-set.yaml")


def test_time_index_on_a_symbol_that_is_not_timed() -> None:
    """'x@2016-03-01' on a plain constant says how to declare it timed."""
    assert_reports_inline("not-timed.yaml")


def test_every_diagnostic_of_a_file_is_reported() -> None:
    """A file with three errors gives three diagnostics, in file order, and says '3 errors'."""
    expected = expected_in(BROKEN / "three-errors.yaml")
    assert 3 == len(expected)
    assert_reports_inline("three-errors.yaml")


def test_cli_runner_reports_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """In process (click's CliRunner), the command prints the same diagnostics and exits 2."""
    from cli import main

    monkeypatch.chdir(BROKEN)
    result = CliRunner().invoke(main, ["check", "unknown-source.yaml"])
    assert expected_in(BROKEN / "unknown-source.yaml") == reported_in(result.stderr)
    assert 2 == result.exit_code
