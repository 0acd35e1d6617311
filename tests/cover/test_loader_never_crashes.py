"""Whatever the files hold, ``claims.load`` answers with diagnostics, never a traceback."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import claims
from tests.strategies import mutated

VALID = Path(__file__).resolve().parents[1] / "data" / "valid"
CLAIMS_TEXT = (VALID / "claims.yaml").read_text("utf-8")
RULES_TEXT = (VALID / "rules" / "mini.rules").read_text("utf-8")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of ``tests/data/valid`` whose claim and rule files each example overwrites."""
    path = tmp_path_factory.mktemp("loader")
    shutil.copytree(VALID, path, dirs_exist_ok=True)
    return path


def load_reports_only_diagnostics(workdir: Path, claims_file: bytes, rules_file: bytes) -> None:
    """Load the two files; fail on any exception but InputError, or on a diagnostic without a place."""
    files = {workdir / "claims.yaml": claims_file, workdir / "rules" / "mini.rules": rules_file}
    for path, data in files.items():
        path.write_bytes(data)
    try:
        claims.load(workdir / "claims.yaml")
    except claims.InputError as err:
        assert [] != list(err.diagnostics)
        for d in err.diagnostics:
            assert d.span.line >= 1, str(d)
            assert d.span.column >= 0, str(d)
            named = files.get(Path(d.span.path).resolve())
            if named is not None:  # the place is inside the file it names
                assert d.span.line <= _lines(named), str(d)
            assert str(d) in d.render()


def test_the_valid_files_load() -> None:
    """The files the mutations start from are valid, so every mutation is a real edit of a valid file."""
    ds = claims.load(VALID / "claims.yaml")
    assert ["offensive", "fighters", "months", "aircraft", "allies"] == [c.id for c in ds.claims]
    assert ["allied.symmetric", "dates.ordered", "x.positive"] == sorted(r.id for r in ds.rules)


@given(st.binary(max_size=600) | st.text(max_size=300).map(str.encode))
@example(b"")
@example(b"\xef\xbb\xbf")
@example(b"\r?")  # YAML breaks lines at a bare CR too: places must agree (found by Hypothesis)
@example(b"a: 1\xe2\x80\xa8b: [")
@example(b"claims: [\x00]")
@example(b"said: 2016-02-30")
@example(CLAIMS_TEXT.replace("2016-03-15", "2016-13-45", 1).encode())
def test_random_bytes_as_a_claim_file(workdir: Path, data: bytes) -> None:
    """Random bytes or text as a claim file give diagnostics, never another exception."""
    load_reports_only_diagnostics(workdir, data, RULES_TEXT.encode())


@given(st.binary(max_size=600) | st.text(max_size=300).map(str.encode))
@example(b"")
@example(b"rule")
@example(b"sort \xff")
def test_random_bytes_as_a_rule_file(workdir: Path, data: bytes) -> None:
    """Random bytes or text as a rule file give diagnostics, never another exception."""
    load_reports_only_diagnostics(workdir, CLAIMS_TEXT.encode(), data)


@given(mutated(CLAIMS_TEXT))
def test_mutated_claim_file(workdir: Path, text: str) -> None:
    """A valid claim file with characters and lines deleted, inserted, replaced or moved never crashes the loader."""
    load_reports_only_diagnostics(workdir, text.encode("utf-8", "surrogatepass"), RULES_TEXT.encode())


@given(mutated(RULES_TEXT))
def test_mutated_rule_file(workdir: Path, text: str) -> None:
    """A valid rule file with characters and lines deleted, inserted, replaced or moved never crashes the loader."""
    load_reports_only_diagnostics(workdir, CLAIMS_TEXT.encode(), text.encode("utf-8", "surrogatepass"))


def _lines(data: bytes) -> int:
    """How many lines an editor shows: '\r\n', '\r', and the Unicode line breaks end lines too."""
    text = data.decode("utf-8", errors="replace")
    return len(re.split("\r\n?|[\n\x85\u2028\u2029]", text))
