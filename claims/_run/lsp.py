"""The language server, ``claims lsp``: what ``claims check`` says, in the editor, as the user types.

Two layers. The first needs no LSP library and answers from a file's text as
it is being edited. :func:`analyse` loads an edited claim file through the
loader of ``claims check FILE`` (:func:`claims._run.loader.load_edited`: its
documents and rule sets as saved), so its diagnostics are the CLI's, code and
message, quote look-up errors included; a file that loads gets the linter's
warnings, as ``claims check`` reports them (near-contradictions need the
solver, and are left to ``claims check``). An edited rule file is parsed with
the rule files saved beside it and resolved with them, as ``claims fuzz
FOLDER`` reads them. Any other file (a saved text report) gets no diagnostics,
but the rules found from it, as a claim file there would find them.
:func:`hover`, :func:`definition` and :func:`completion` answer from the
names an analysis found: symbols, sorts and their members, rules, sources and
rule-set names, each with the place it is declared.

The second layer, :func:`serve`, is the pygls server over stdio (the ``lsp``
extra); ``cli.py`` imports this module only for ``claims lsp``.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs

from claims._base.errors import Diagnostic, DiagnosticSink, InputError, Span
from claims._front.inputs import display_path
from claims._front.lint import lint_dataset
from claims._front.model import Dataset, plain
from claims._front.resolve import resolve
from claims._front.rulesets import RawRuleSet, load_rule_file, rule_search_dirs
from claims._run.loader import load_edited

CLAIM_SUFFIXES = (".yaml", ".yml")
RULE_SUFFIX = ".rules"
INSTALL = "pip install 'claims-check[lsp]'"


@attrs.frozen
class Place:
    """A place in a file: its absolute path, the line (from 0) and the column (characters, from 0)."""

    path: Path
    line: int
    column: int


@attrs.frozen
class Name:
    """A name the edited file can use: what it is, how it is declared, and where."""

    name: str
    kind: str  # symbol | sort | member | rule | source | rule-set
    detail: str  # one line: the declaration, the rule's description, the source's label
    doc: str | None = None  # the declaration's comment, the claim's quote in its document
    place: Place | None = None


@attrs.frozen
class Quote:
    """A claim's quote as its document has it: the claim file's line of the claim, and the passage."""

    line: int  # of the claim in the claim file, from 0
    claim: str
    text: str  # the passage of the document around the quote, in Markdown


@attrs.frozen
class Analysis:
    """What one edited file says: its diagnostics, and the names it can use."""

    path: Path
    diagnostics: tuple[Diagnostic, ...]
    names: tuple[Name, ...] = ()
    quotes: tuple[Quote, ...] = ()
    loaded: bool = False  # the claim file loaded: ``names`` are its own, not kept from before


def kind_of(path: Path) -> str:
    """``claims``, ``rules`` or ``other``: how the server reads a file, by its suffix."""
    if path.suffix in CLAIM_SUFFIXES:
        return "claims"
    return "rules" if path.suffix == RULE_SUFFIX else "other"


def analyse(path: Path, text: str, before: Analysis | None = None) -> Analysis:
    """Diagnose ``path`` as edited (``text``), and collect the names it can use.

    ``before``: the last analysis of the file. A claim file that does not load
    (the user is typing) keeps the names it had then, so that hover,
    completion and definition go on working; its diagnostics are always new.
    """
    path = path.resolve()
    kind = kind_of(path)
    if kind == "claims":
        try:
            ds = load_edited(path, text)
        except InputError as err:
            kept = before if before is not None and before.path == path else None
            names = kept.names if kept is not None else _rule_set_names(path)
            quotes = kept.quotes if kept is not None else ()
            return Analysis(path, tuple(err.diagnostics), names, quotes)
        return Analysis(path, lint_dataset(ds), _names(ds, path), _quotes(ds), loaded=True)
    sink = DiagnosticSink()
    folder = path.parent if kind == "rules" else None
    files = (
        sorted(folder.glob(f"*{RULE_SUFFIX}"))
        if folder is not None
        else [f for d in rule_search_dirs(path.parent)[:1] for f in sorted(d.glob(f"*{RULE_SUFFIX}"))]
    )
    if kind == "rules" and path not in [f.resolve() for f in files]:
        files.append(path)
    rule_sets: list[RawRuleSet] = []
    for f in files:
        edited = text if kind == "rules" and f.resolve() == path else None
        rs = load_rule_file(f, sink, text=edited)
        if rs is not None:
            rule_sets.append(rs)
    ds = resolve([], sorted(rule_sets, key=lambda r: (r.path, r.name)), sink)
    shown = display_path(path)
    own = tuple(sorted({d for d in sink.items if d.span.path == shown}, key=lambda d: (d.span, d.code, d.message)))
    return Analysis(path, own if kind == "rules" else (), _names(ds, path))


def _absolute(shown: str) -> Path:
    """The file a diagnostic or declaration names (as ``display_path`` showed it: from the working folder)."""
    return Path(os.path.abspath(shown))


def _lines(path: Path) -> list[str]:
    """The lines of a saved file, or none when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return []


def comment_of(lines: Sequence[str], line: int) -> tuple[str, str | None]:
    """The declaration at ``line`` (from 1) of a rule file's ``lines``, without its comment, and its comment.

    The comment is what follows ``#`` on that line, else the comment lines
    right above it; None when there is neither.
    """
    if not 1 <= line <= len(lines):
        return "", None
    code, _, trailing = lines[line - 1].partition("#")
    if trailing.strip():
        return code.strip(), trailing.strip()
    above: list[str] = []
    k = line - 2
    while k >= 0 and lines[k].lstrip().startswith("#"):
        above.insert(0, lines[k].lstrip().removeprefix("#").strip())
        k -= 1
    return code.strip(), " ".join(a for a in above if a) or None


def _place(span: Span | None) -> Place | None:
    if span is None:
        return None
    return Place(_absolute(span.path), span.line - 1, span.column)


def _names(ds: Dataset, path: Path) -> tuple[Name, ...]:
    """Every name of ``ds`` (and the rule sets ``path`` can name), with its declaration, comment and place."""
    out: list[Name] = []
    read: dict[Path, list[str]] = {}

    def declared(span: Span | None) -> tuple[str, str | None]:
        if span is None:
            return "", None
        file = _absolute(span.path)
        if file not in read:
            read[file] = _lines(file)
        return comment_of(read[file], span.line)

    for sym in ds.symbols:
        name = plain(sym.name)
        place = _place(sym.span)
        code, comment = declared(sym.span)
        args = f"({', '.join(map(plain, sym.args))})" if sym.args else ""
        detail = code or f"{'timed ' if sym.timed else ''}{sym.kind} {name}{args}: {sym.result}"
        out.append(Name(name, "symbol", detail, comment, place))
    for sort in ds.sorts:
        name = plain(sort.name)
        place = _place(sort.span)
        code, comment = declared(sort.span)
        out.append(Name(name, "sort", code or f"sort {name}", comment, place))
        for member in sort.members or ():
            out.append(Name(plain(member), "member", f"{plain(member)}: {name}", code or None, place))
    for rule in ds.rules:
        out.append(
            Name(rule.id, "rule", f"rule {rule.id}", f"{rule.description}\n\n    {rule.formula}", _place(rule.span))
        )
    for src in ds.sources:
        out.append(Name(src.id, "source", src.label(), None, _place(src.span)))
    return (*out, *_rule_set_names(path))


def _rule_set_names(path: Path) -> tuple[Name, ...]:
    """The rule sets a claim file at ``path`` can name: ``rules/`` beside it or above it, then the shipped ones."""
    seen: dict[str, Name] = {}
    for folder in rule_search_dirs(path.parent):
        for f in sorted(folder.glob(f"*{RULE_SUFFIX}")):
            seen.setdefault(f.stem, Name(f.stem, "rule-set", display_path(f), None, Place(f.resolve(), 0, 0)))
    return tuple(seen.values())


def _quotes(ds: Dataset) -> tuple[Quote, ...]:
    docs = dict(ds.documents)
    context = ds._context
    file_doc = context.files[0].document if context is not None and context.files else None
    out: list[Quote] = []
    for c in ds.claims:
        doc = c.source.document or file_doc
        text = docs.get(doc) if doc is not None else None
        if c.span is None or c.quote_line is None or text is None or doc is None:
            continue
        lines = text.split("\n")
        k = c.quote_line - 1
        first, last = max(0, k - 1), min(len(lines), k + 2 + c.quote.count("\n"))
        passage = "\n".join(f"> {line}" for line in lines[first:last])
        out.append(Quote(c.span.line - 1, c.id, f"**{c.id}** quotes `{doc}`:{c.quote_line}\n\n{passage}"))
    return tuple(out)


# --------------------------------------------------------------------------- what is under the cursor

_WORD = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
_KEY = re.compile(r"^\s*(?:-\s+)?([A-Za-z_]+)\s*:")


def word_at(line: str, column: int) -> str | None:
    """The name under ``column`` of ``line`` (letters, digits, ``_``, ``.``, ``-``), without a trailing dot."""
    for m in _WORD.finditer(line):
        if m.start() <= column <= m.end():
            return m.group().rstrip(".-")
    return None


def key_of(lines: Sequence[str], line: int) -> str | None:
    """The YAML key whose value holds ``line`` (from 0): its own, or the last one above it that is less indented."""
    if not 0 <= line < len(lines):
        return None
    m = _KEY.match(lines[line])
    if m is not None:
        return m.group(1)
    indent = len(lines[line]) - len(lines[line].lstrip())
    for k in range(line - 1, -1, -1):
        m = _KEY.match(lines[k])
        if m is not None and len(lines[k]) - len(lines[k].lstrip()) < max(indent, 1):
            return m.group(1)
    return None


def _wanted(path: Path, lines: Sequence[str], line: int) -> tuple[str, ...]:
    """The kinds of name that fit at ``line``: by the YAML key in a claim file, by the file's kind elsewhere."""
    kind = kind_of(path)
    if kind == "claims":
        key = key_of(lines, line)
        if key == "source":
            return ("source",)
        if key == "rules":
            return ("rule-set",)
        if key in ("formula", "declarations"):
            return ("symbol", "sort", "member")
        return ("symbol", "sort", "member", "rule", "source")
    if kind == "rules":
        return ("symbol", "sort", "member", "rule")
    return ("rule", "symbol", "sort", "member")


def _find(analysis: Analysis, lines: Sequence[str], line: int, column: int) -> Name | None:
    if not 0 <= line < len(lines):
        return None
    word = word_at(lines[line], column)
    if word is None:
        return None
    kinds = _wanted(analysis.path, lines, line)
    for kind in kinds:
        for n in analysis.names:
            if n.kind == kind and n.name == word:
                return n
    return None


def hover(analysis: Analysis, text: str, line: int, column: int) -> str | None:
    """Markdown for what is at ``line``, ``column`` (from 0) of the edited text, or None.

    A symbol, sort or member: its declaration and its comment. A rule: its
    description and formula. A source: who it is. A claim's ``quote:``: the
    passage of its document where the quote occurs.
    """
    lines = text.split("\n")
    if kind_of(analysis.path) == "claims" and key_of(lines, line) == "quote":
        at = [q for q in analysis.quotes if q.line <= line]
        if at:
            return max(at, key=lambda q: q.line).text
    n = _find(analysis, lines, line, column)
    if n is None:
        return None
    out = f"```\n{n.detail}\n```"
    if n.doc:
        out += f"\n\n{n.doc}"
    if n.place is not None:
        out += f"\n\n{display_path(n.place.path)}:{n.place.line + 1}"
    return out


def definition(analysis: Analysis, text: str, line: int, column: int) -> Place | None:
    """Where what is at ``line``, ``column`` is declared: a symbol's or sort's declaration, a
    source, a rule (in any file, a saved report too), a rule set's file."""
    n = _find(analysis, text.split("\n"), line, column)
    return n.place if n is not None else None


def completion(analysis: Analysis, text: str, line: int) -> tuple[Name, ...]:
    """The names that fit at ``line``: sources after ``source:``, rule-set names in ``rules:``,
    symbols, sorts and sort members in formulas and declarations."""
    kinds = _wanted(analysis.path, text.split("\n"), line)
    seen: set[tuple[str, str]] = set()
    out: list[Name] = []
    for n in analysis.names:
        if n.kind in kinds and (n.name, n.kind) not in seen:
            seen.add((n.name, n.kind))
            out.append(n)
    return tuple(sorted(out, key=lambda n: (kinds.index(n.kind), n.name)))


# --------------------------------------------------------------------------- the server (pygls)


def utf16_column(line: str, column: int) -> int:
    """A column in characters as LSP counts it, in UTF-16 code units."""
    return len(line[:column].encode("utf-16-le")) // 2


def char_column(line: str, column: int) -> int:
    """A column in UTF-16 code units (LSP's) as a column in characters."""
    units = 0
    for k, ch in enumerate(line):
        if units >= column:
            return k
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


def missing_extra() -> str | None:
    """The packages of the ``lsp`` extra that cannot be imported, named; None when there are none."""
    missing = [name for name in ("pygls", "lsprotocol") if importlib.util.find_spec(name) is None]
    return " and ".join(missing) or None


def serve() -> None:  # pragma: no cover - run as a subprocess by tests/lsp
    """Run the server on stdin and stdout until the client shuts it down."""
    from lsprotocol import types as T
    from pygls.lsp.server import LanguageServer

    from claims._base.version import __version__

    server = LanguageServer("claims", __version__)
    analyses: dict[str, Analysis] = {}

    def path_of(uri: str) -> Path:
        return Path(server.workspace.get_text_document(uri).path)

    def source_of(uri: str) -> str:
        return str(server.workspace.get_text_document(uri).source)

    def to_range(d: Diagnostic, lines: Sequence[str], own: bool) -> Any:
        if not own:
            return T.Range(T.Position(0, 0), T.Position(0, 0))
        line = max(d.span.line - 1, 0)
        text = lines[line] if line < len(lines) else ""
        start = T.Position(line, utf16_column(text, d.span.column))
        if d.span.end_line is not None and d.span.end_column is not None:
            eline = d.span.end_line - 1
            etext = lines[eline] if 0 <= eline < len(lines) else ""
            end = T.Position(eline, utf16_column(etext, d.span.end_column))
        else:
            end = T.Position(line, utf16_column(text, d.span.column + max(1, len(word_at(text, d.span.column) or ""))))
        return T.Range(start, end)

    def publish(uri: str) -> None:
        text = source_of(uri)
        analysis = analyse(path_of(uri), text, analyses.get(uri))
        analyses[uri] = analysis
        lines = text.split("\n")
        shown = display_path(analysis.path)
        out = []
        for d in analysis.diagnostics:
            own = d.span.path == shown
            severity = T.DiagnosticSeverity.Error if d.severity == "error" else T.DiagnosticSeverity.Warning
            message = d.message if own else f"{d.span}: {d.message}"
            if d.hint:
                message += f"\nhint: {d.hint}"
            out.append(T.Diagnostic(to_range(d, lines, own), message, severity, d.code, source="claims"))
        server.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri, out))

    def did_open(params: Any) -> None:
        publish(params.text_document.uri)

    def did_change(params: Any) -> None:
        publish(params.text_document.uri)

    def did_save(params: Any) -> None:
        # an open claim file reads its documents and rule files as saved: each may have changed
        for uri in list(analyses):
            publish(uri)

    def did_close(params: Any) -> None:
        analyses.pop(params.text_document.uri, None)
        server.text_document_publish_diagnostics(T.PublishDiagnosticsParams(params.text_document.uri, []))

    def at(params: Any) -> tuple[Analysis, str, int, int] | None:
        uri = params.text_document.uri
        analysis = analyses.get(uri)
        if analysis is None:
            return None
        text = source_of(uri)
        lines = text.split("\n")
        line = params.position.line
        column = char_column(lines[line], params.position.character) if line < len(lines) else 0
        return analysis, text, line, column

    def on_hover(params: Any) -> Any:
        found = at(params)
        shown = hover(*found) if found is not None else None
        if shown is None:
            return None
        return T.Hover(T.MarkupContent(T.MarkupKind.Markdown, shown))

    def on_definition(params: Any) -> Any:
        found = at(params)
        place = definition(*found) if found is not None else None
        if place is None:
            return None
        lines = _lines(place.path)
        text = lines[place.line] if place.line < len(lines) else ""
        position = T.Position(place.line, utf16_column(text, place.column))
        return T.Location(place.path.as_uri(), T.Range(position, position))

    kinds = {
        "symbol": T.CompletionItemKind.Function,
        "sort": T.CompletionItemKind.Class,
        "member": T.CompletionItemKind.EnumMember,
        "rule": T.CompletionItemKind.Reference,
        "source": T.CompletionItemKind.Value,
        "rule-set": T.CompletionItemKind.Module,
    }

    def on_completion(params: Any) -> Any:
        found = at(params)
        if found is None:
            return T.CompletionList(is_incomplete=False, items=[])
        analysis, text, line, _ = found
        items = [
            T.CompletionItem(n.name, kind=kinds[n.kind], detail=n.detail, documentation=n.doc)
            for n in completion(analysis, text, line)
        ]
        return T.CompletionList(is_incomplete=False, items=items)

    handlers: list[tuple[str, Any, Callable[[Any], Any]]] = [
        (T.TEXT_DOCUMENT_DID_OPEN, None, did_open),
        (T.TEXT_DOCUMENT_DID_CHANGE, None, did_change),
        (T.TEXT_DOCUMENT_DID_SAVE, None, did_save),
        (T.TEXT_DOCUMENT_DID_CLOSE, None, did_close),
        (T.TEXT_DOCUMENT_HOVER, None, on_hover),
        (T.TEXT_DOCUMENT_DEFINITION, None, on_definition),
        (T.TEXT_DOCUMENT_COMPLETION, T.CompletionOptions(trigger_characters=[" ", "(", "["]), on_completion),
    ]
    for method, options, handler in handlers:
        server.feature(method, options)(handler)
    server.start_io()
