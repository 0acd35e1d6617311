"""What ``claims lsp`` answers from, without an LSP library: these run with or without the lsp extra.

An edited claim file is loaded as ``claims.load`` loads the same text saved
(the dataset, or every diagnostic); a column moves between characters and
LSP's UTF-16 code units and back; a declaration's comment is found; without
the extra, `claims lsp` says how to install it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import claims
import cli
from claims._run import lsp
from claims._run.loader import load_edited

SEED = Path("seeds/russia-syria-2016/claims.yaml")

EDITS = [
    ("", ""),  # as saved
    ("formula: warplanes_leaving", "formula: warplane_leaving"),  # unknown-symbol, with its suggestion
    ("take off from the country's air base", "take off from the countrys air base"),  # quote-not-found
    ("said: 2016-03-15", "said: 2016-02-30"),  # bad-date
    ("source: pankov", "source: pankow"),  # unknown-source
    ("rules: [withdrawal, personnel, dates]", "rules: [withdrawal, personel, dates]"),  # unknown-rule-set
    ("claims:\n", "claims:\n  - id: [\n"),  # yaml-syntax
]


@pytest.mark.parametrize(("old", "new"), EDITS)
def test_an_edited_claim_file_loads_as_the_same_text_saved(seed: Path, old: str, new: str) -> None:
    text = (seed / SEED).read_text(encoding="utf-8")
    edited = text.replace(old, new, 1) if old else text
    assert edited != text or not old
    saved = SEED.with_name("saved.yaml")  # the same text, saved beside it (same documents, same rules)
    (seed / saved).write_text(edited, encoding="utf-8")
    try:
        expected: claims.Dataset | tuple[str, ...] = claims.load(saved, jobs=1)
    except claims.InputError as err:
        expected = tuple(str(d).replace("saved.yaml", "claims.yaml") for d in err.diagnostics)
    try:
        got: claims.Dataset | tuple[str, ...] = load_edited(SEED, edited)
    except claims.InputError as err:
        got = tuple(str(d) for d in err.diagnostics)
    if isinstance(expected, tuple):
        assert got == expected
    else:
        assert isinstance(got, claims.Dataset)
        assert (got.claims, got.rules, got.sources, got.symbols) == (
            expected.claims,
            expected.rules,
            expected.sources,
            expected.symbols,
        )
    assert (seed / SEED).read_text(encoding="utf-8") == text  # nothing was written


def test_names_keep_from_the_last_load_while_the_file_is_broken(seed: Path) -> None:
    text = (seed / SEED).read_text(encoding="utf-8")
    clean = lsp.analyse(SEED, text)
    assert clean.loaded and {"pankov", "warplanes_leaving", "withdrawal", "Reason", "tasks_done"} <= {
        n.name for n in clean.names
    }
    broken = lsp.analyse(SEED, text.replace("claims:\n", "claims:\n  - id: [\n", 1), clean)
    assert not broken.loaded and broken.diagnostics and broken.names == clean.names
    fresh = lsp.analyse(SEED, text.replace("claims:\n", "claims:\n  - id: [\n", 1))
    assert {n.kind for n in fresh.names} == {"rule-set"}  # what it can say without a load


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=20), st.data())
def test_columns_go_to_utf16_and_back(line: str, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, len(line)))
    units = lsp.utf16_column(line, k)
    assert units == len(line[:k].encode("utf-16-le")) // 2
    assert lsp.char_column(line, units) == k


def test_a_declarations_comment() -> None:
    lines = ["# the reason", "# for it all", "const why: Reason", "pred p  # p holds", "", "pred q"]
    assert lsp.comment_of(lines, 3) == ("const why: Reason", "the reason for it all")
    assert lsp.comment_of(lines, 4) == ("pred p", "p holds")
    assert lsp.comment_of(lines, 6) == ("pred q", None)


def test_without_the_extra_claims_lsp_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine without pygls: exit 2, naming what is missing and the install command."""
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name in ("pygls", "lsprotocol") else find_spec(name, *a)
    )
    result = CliRunner().invoke(cli.main, ["lsp"])
    assert result.exit_code == 2
    assert (
        result.output
        == "error: claims lsp needs pygls and lsprotocol, of the lsp extra: pip install 'claims-check[lsp]'\n"
    )
