"""``claims lsp`` with a real LSP client over stdio (pytest-lsp), started as docs/editors.md tells an editor.

The command is read from the Neovim and VS Code setups of docs/editors.md (and
must be the same in both); ``claims`` is the one of this virtual environment,
as an editor finds it on its PATH. The client opens a copy of the seed dataset's
claim file, edits it as a user types, and asks what an editor asks: the
diagnostics (compared with what ``claims check`` prints for the same text),
hover, completion and go to definition.
"""

from __future__ import annotations

import pytest

pytest.importorskip("pygls", reason="the lsp extra is not installed: pip install 'claims-check[lsp]'")
pytest.importorskip("pytest_lsp", reason="the lsp extra is not installed: pip install 'claims-check[lsp]'")

import asyncio  # after the skip: nothing here runs without the extra
import contextlib
import json
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from lsprotocol import types as T
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLAIM_FILE = Path("seeds/russia-syria-2016/claims.yaml")
TIMEOUT = 60.0


def documented_command() -> list[str]:
    """The server's command line in docs/editors.md: Neovim's ``cmd``, which VS Code's must equal."""
    text = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    neovim = re.search(r"cmd = \{ (.*?) \}", text)
    vscode = re.search(r"\{ command: (\"[^\"]+\"), args: \[(.*?)\] \}", text)
    assert neovim is not None and vscode is not None, "docs/editors.md has no Neovim or no VS Code setup"
    nvim_cmd = [json.loads(w) for w in neovim.group(1).split(", ")]
    code_cmd = [json.loads(vscode.group(1)), *(json.loads(w) for w in vscode.group(2).split(", "))]
    assert nvim_cmd == code_cmd
    return nvim_cmd


@contextlib.asynccontextmanager
async def server(seed: Path) -> AsyncIterator[LanguageClient]:
    """``claims lsp`` started as docs/editors.md says, with Neovim's capabilities, in the seed's folder."""
    command = documented_command()
    found = BIN / command[0]
    assert found.exists(), f"{command[0]} is not installed in {BIN}"
    started = await ClientServerConfig(server_command=[str(found), *command[1:]]).start()
    assert isinstance(started, LanguageClient)
    await started.initialize_session(
        T.InitializeParams(capabilities=client_capabilities("neovim"), root_uri=seed.as_uri(), process_id=None)
    )
    try:
        yield started
    finally:
        await started.shutdown_session()


def cli_diagnostics(path: Path) -> set[tuple[int, int, str, str]]:
    """What ``claims check PATH`` prints: each error as (line, column from 1, message, code), or its lint warnings."""
    run = subprocess.run(
        [str(BIN / "claims"), "check", str(path), "--no-cache", "--format", "json"], capture_output=True, text=True
    )
    if run.returncode == 2:
        lines = re.findall(r"^[^ ].*?:(\d+):(\d+): error: (.*)  \[([a-z-]+)\]$", run.stderr, re.MULTILINE)
        return {(int(a), int(b), m, c) for a, b, m, c in lines}
    report = json.loads(run.stdout)
    return {
        (w["line"], w["column"], w["message"], w["code"])
        for w in report["warnings"]
        if w["code"] != "near-contradiction"  # the solver's: claims lsp does not solve
    }


def lsp_diagnostics(diagnostics: list[T.Diagnostic]) -> set[tuple[int, int, str, str]]:
    return {
        (d.range.start.line + 1, d.range.start.character + 1, d.message.split("\nhint: ")[0], str(d.code))
        for d in diagnostics
    }


async def diagnostics_after(client: LanguageClient, uri: str) -> list[T.Diagnostic]:
    await published(client)
    return list(client.diagnostics[uri])


async def published(client: LanguageClient) -> None:
    """The next diagnostics the server publishes (a server that never does fails the test)."""
    await asyncio.wait_for(client.wait_for_notification(T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), TIMEOUT)


async def open_file(client: LanguageClient, path: Path, language: str = "yaml") -> tuple[str, str, list[T.Diagnostic]]:
    """Open ``path`` in the client as saved: its URI, its text, and the diagnostics the server publishes."""
    uri, text = path.as_uri(), path.read_text(encoding="utf-8")
    client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(uri, language, 1, text)))
    return uri, text, await diagnostics_after(client, uri)


def position(text: str, needle: str, into: int = 1) -> T.Position:
    """The place ``into`` characters into the first occurrence of ``needle`` in ``text``."""
    at = text.index(needle) + into
    line = text.count("\n", 0, at)
    return T.Position(line, at - (text.rfind("\n", 0, at) + 1))


@pytest.mark.asyncio
async def test_diagnostics_as_you_type_are_the_clis(seed: Path) -> None:
    async with server(seed) as client:
        await _test_diagnostics_as_you_type_are_the_clis(client, seed)


async def _test_diagnostics_as_you_type_are_the_clis(client: LanguageClient, seed: Path) -> None:
    path = seed / CLAIM_FILE
    uri, text, clean = await open_file(client, path)
    assert clean, "the seed's claim file has lint warnings (symbol-once)"
    assert {d.severity for d in clean} == {T.DiagnosticSeverity.Warning}
    assert lsp_diagnostics(clean) == cli_diagnostics(path)

    # a user mistypes a symbol and a word of a quote, without saving
    typed = text.replace("formula: warplanes_leaving", "formula: warplane_leaving", 1)
    typed = typed.replace("take off from the country's air base", "take off from the countrys air base", 1)
    assert typed.count("\n") == text.count("\n") and typed != text
    client.text_document_did_change(
        T.DidChangeTextDocumentParams(
            T.VersionedTextDocumentIdentifier(version=2, uri=uri),
            [T.TextDocumentContentChangeWholeDocument(text=typed)],
        )
    )
    broken = await diagnostics_after(client, uri)
    saved = seed / CLAIM_FILE.with_name("typed.yaml")  # the same text, saved, for the CLI
    saved.write_text(typed, encoding="utf-8")
    assert lsp_diagnostics(broken) == cli_diagnostics(saved)
    assert {str(d.code) for d in broken} == {"unknown-symbol", "quote-not-found"}
    assert {d.severity for d in broken} == {T.DiagnosticSeverity.Error}
    unknown = next(d for d in broken if d.code == "unknown-symbol")
    assert typed.split("\n")[unknown.range.start.line][unknown.range.start.character :].startswith("warplane_leaving")

    # hover and completion go on from the names the file had when it last loaded
    hover = await client.text_document_hover_async(
        T.HoverParams(T.TextDocumentIdentifier(uri), position(typed, "operation_ongoing", 3))
    )
    assert hover is not None and isinstance(hover.contents, T.MarkupContent)
    assert "Russia's military operation in Syria is under way that day" in hover.contents.value

    client.text_document_did_change(
        T.DidChangeTextDocumentParams(
            T.VersionedTextDocumentIdentifier(version=3, uri=uri), [T.TextDocumentContentChangeWholeDocument(text=text)]
        )
    )
    assert lsp_diagnostics(await diagnostics_after(client, uri)) == lsp_diagnostics(clean)


@pytest.mark.asyncio
async def test_hover_definition_completion(seed: Path) -> None:
    async with server(seed) as client:
        await _test_hover_definition_completion(client, seed)


async def _test_hover_definition_completion(client: LanguageClient, seed: Path) -> None:
    uri, text, _ = await open_file(client, seed / CLAIM_FILE)
    doc = T.TextDocumentIdentifier(uri)
    rules = seed / "rules" / "withdrawal.rules"
    rule_lines = rules.read_text(encoding="utf-8").split("\n")

    # a symbol: its declaration and comment; definition: its line in the rule file
    at = position(text, "formula: warplanes_leaving", len("formula: warpl"))
    hover = await client.text_document_hover_async(T.HoverParams(doc, at))
    assert hover is not None and isinstance(hover.contents, T.MarkupContent)
    assert "timed pred warplanes_leaving" in hover.contents.value
    assert "Russian warplanes are leaving Syria for Russia that day" in hover.contents.value
    jump = await client.text_document_definition_async(T.DefinitionParams(doc, at))
    assert isinstance(jump, T.Location) and jump.uri == rules.as_uri()
    assert rule_lines[jump.range.start.line][jump.range.start.character :].startswith("warplanes_leaving")

    # a source: who it is; definition: where the claim file declares it
    at = position(text, "source: pankov", len("source: pa"))
    hover = await client.text_document_hover_async(T.HoverParams(doc, at))
    assert hover is not None and isinstance(hover.contents, T.MarkupContent)
    assert "Nikolai Pankov (Deputy Defence Minister of Russia), via Reuters" in hover.contents.value
    jump = await client.text_document_definition_async(T.DefinitionParams(doc, at))
    assert isinstance(jump, T.Location) and jump.uri == uri
    assert text.split("\n")[jump.range.start.line].strip() == "pankov:"

    # a quote: the passage of the article it comes from
    quote = "the country will continue its offensive against the Islamic State group"
    hover = await client.text_document_hover_async(T.HoverParams(doc, position(text, quote, 5)))
    assert hover is not None and isinstance(hover.contents, T.MarkupContent)
    assert "pankov-offensive-continues" in hover.contents.value
    article = (seed / CLAIM_FILE.with_name("article.txt")).read_text(encoding="utf-8")
    line = next(x for x in article.split("\n") if quote in x)
    assert f"> {line}" in hover.contents.value

    # completion: sources after 'source:', rule sets in 'rules:', symbols and members in formulas
    def names(result: T.CompletionList | Sequence[T.CompletionItem] | None) -> set[str]:
        items = result.items if isinstance(result, T.CompletionList) else result or []
        return {item.label for item in items}

    after_source = await client.text_document_completion_async(
        T.CompletionParams(doc, position(text, "source: pankov", len("source: ")))
    )
    assert {"pankov", "ozerov", "kremlin"} <= names(after_source)
    assert "warplanes_leaving" not in names(after_source)
    in_rules = await client.text_document_completion_async(
        T.CompletionParams(doc, position(text, "rules: [", len("rules: [")))
    )
    assert names(in_rules) >= {"withdrawal", "personnel", "dates"}
    in_formula = await client.text_document_completion_async(
        T.CompletionParams(doc, position(text, "formula: warplanes_leaving", len("formula: ")))
    )
    assert {"warplanes_leaving", "personnel_remaining", "Reason", "tasks_done"} <= names(in_formula)
    assert "pankov" not in names(in_formula)

    # a rule-set name: its file
    jump = await client.text_document_definition_async(
        T.DefinitionParams(doc, position(text, "withdrawal, personnel", 2))
    )
    assert isinstance(jump, T.Location) and jump.uri == rules.as_uri()


@pytest.mark.asyncio
async def test_a_rule_id_in_a_report_and_a_rule_file(seed: Path) -> None:
    async with server(seed) as client:
        await _test_a_rule_id_in_a_report_and_a_rule_file(client, seed)


async def _test_a_rule_id_in_a_report_and_a_rule_file(client: LanguageClient, seed: Path) -> None:
    """A rule id in a saved text report jumps to the rule; an edited rule file gets the CLI's errors."""
    run = subprocess.run([str(BIN / "claims"), "check", "seeds/", "--no-cache"], capture_output=True, text=True)
    assert run.returncode == 1
    report = seed / "report.txt"
    report.write_text(run.stdout, encoding="utf-8")
    uri = report.as_uri()
    client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(uri, "plaintext", 1, run.stdout)))
    at = position(run.stdout, "rule operation.offensive-is-operation", len("rule operation.off"))
    hover = await client.text_document_hover_async(T.HoverParams(T.TextDocumentIdentifier(uri), at))
    assert hover is not None and isinstance(hover.contents, T.MarkupContent)
    assert "An offensive Russia conducts in Syria is part of its military operation" in hover.contents.value
    jump = await client.text_document_definition_async(T.DefinitionParams(T.TextDocumentIdentifier(uri), at))
    rules = seed / "rules" / "withdrawal.rules"
    assert isinstance(jump, T.Location) and jump.uri == rules.as_uri()
    rule_lines = rules.read_text(encoding="utf-8").split("\n")
    assert "rule operation.offensive-is-operation:" in rule_lines[jump.range.start.line]

    # an edited rule file: a misspelt name, as `claims fuzz rules/` reports it once saved
    text = rules.read_text(encoding="utf-8")
    typed = text.replace("implies personnel_remaining = 0", "implies personel_remaining = 0", 1)
    assert typed != text
    client.text_document_did_open(
        T.DidOpenTextDocumentParams(T.TextDocumentItem(rules.as_uri(), "claimsrules", 1, typed))
    )
    found = await diagnostics_after(client, rules.as_uri())
    claim_uri, _, clean = await open_file(client, seed / CLAIM_FILE)  # before the rule file is saved
    assert {d.severity for d in clean} == {T.DiagnosticSeverity.Warning}
    rules.write_text(typed, encoding="utf-8")
    fuzz = subprocess.run([str(BIN / "claims"), "fuzz", "rules/"], capture_output=True, text=True)
    assert fuzz.returncode == 2
    expected = re.findall(r"^rules/withdrawal\.rules:(\d+):(\d+): error: (.*)  \[([a-z-]+)\]$", fuzz.stderr, re.M)
    assert expected
    assert lsp_diagnostics(found) == {(int(a), int(b), m, c) for a, b, m, c in expected}

    # saved, it breaks the claim file that uses it: shown on its first line, with the rule file's place
    client.text_document_did_save(T.DidSaveTextDocumentParams(T.TextDocumentIdentifier(rules.as_uri())))
    while len(client.diagnostics[claim_uri]) == len(clean):
        await published(client)
    (line, column, message, code), *_ = sorted(expected)
    assert [(d.range.start.line, d.message, d.code) for d in client.diagnostics[claim_uri]] == [
        (0, f"rules/withdrawal.rules:{line}:{column}: {message}", code)
    ]
