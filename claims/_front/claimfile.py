"""Stage *load*: a claim file and the documents it quotes into syntax with places.

Nothing here knows what a name means; it checks the shape of a claim file
(YAML, fields, dates, quotes, formula syntax) and records where everything is,
so that every later error can name file, line and column. The file is read
by :mod:`claims._front.inputs` and its YAML by :mod:`claims._front.yamlread`;
the rule sets it names are loaded by :mod:`claims._front.rulesets`.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError, YAMLFutureWarning, YAMLWarning
from ruamel.yaml.reader import ReaderError

from claims._base import errors as E
from claims._base.errors import DiagnosticSink, Span, did_you_mean, printable
from claims._base.limits import TooLarge
from claims._base.text import Normalised, closest_passage, differences, has_look_alike, quote_pattern
from claims._front.inputs import ANYWHERE, Inputs, Locator, display_path, outside_root, read_text
from claims._front.model import KINDS
from claims._front.rulesets import longest_item
from claims._front.syntax import Expr, FormulaMemo, Item, ParseError, offset_to_place, parse_items
from claims._front.yamlread import TooManyNodes, read_yaml


@attrs.frozen(kw_only=True)
class RawSource:
    id: str
    name: str
    role: str | None
    via: str | None
    document: str | None
    span: Span
    reliability: Fraction | None = None
    reference: bool = False


@attrs.frozen(kw_only=True)
class RawClaim:
    id: str
    id_span: Span
    source: str
    source_span: Span
    quote: str
    said: datetime.date
    holds: tuple[datetime.date, datetime.date] | None
    kind: str
    note: str | None
    formula: Expr
    formula_text: str
    locator: Locator = attrs.field(eq=False)
    span: Span
    quote_line: int | None
    quote_offset: int | None


@attrs.frozen(kw_only=True)
class RawFile:
    path: str
    sources: tuple[RawSource, ...]
    claims: tuple[RawClaim, ...]
    rule_sets: tuple[tuple[str, Span], ...]
    declarations: tuple[Item, ...]
    declarations_locator: Locator | None = attrs.field(eq=False)
    about_tolerance: Fraction | None
    documents: tuple[tuple[str, str], ...]  # (shown path, text) of the documents it quotes
    vocabulary_ok: bool = True  # False when the declarations block is broken: its claims are not resolved
    document_files: tuple[tuple[str, str], ...] = ()  # (shown path, path to read) of the same
    document: str | None = None  # the shown path of its 'document' (claims whose source has none quote it)
    outlet_reliability: tuple[tuple[str, Fraction], ...] = ()  # the default reliability of its sources, by outlet


_TOP_FIELDS = (
    "document",
    "title",
    "published",
    "rules",
    "declarations",
    "sources",
    "claims",
    "about_tolerance",
    "outlet_reliability",
)
_SOURCE_FIELDS = ("name", "role", "via", "document", "reliability", "reference")
_CLAIM_FIELDS = ("id", "source", "quote", "said", "formula", "kind", "holds", "note")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_RE = re.compile(r"^\d{4}-\d{2}$")
CLAIM_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
PLACEHOLDER = "TODO"
"""The formula ``claims draft`` writes for a claim not encoded yet: a ``not-encoded`` error, never a formula."""


class _Ctx:
    """The state of loading one claim file."""

    def __init__(self, path: Path, text: str, sink: DiagnosticSink, inputs: Inputs = ANYWHERE) -> None:
        self.path = path
        self.inputs = inputs
        self.shown = display_path(path)
        self.text = text
        self.sink = sink
        self.place = offset_to_place(text)
        self.documents: dict[str, str] = {}  # the documents this file quotes: shown path -> path
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def span(self, line0: int, col0: int) -> Span:
        return Span(self.shown, line0 + 1, col0)

    def key_span(self, m: CommentedMap, key: Any) -> Span:
        line, col = _written_in(m, key).lc.key(key)
        return self.span(line, col)

    def value_span(self, m: CommentedMap, key: Any) -> Span:
        return self.span(*self.value_pos(m, key))

    def value_pos(self, m: CommentedMap, key: Any) -> tuple[int, int]:
        """The 0-based line and column where the value of ``key`` is written."""
        return _written_in(m, key).lc.value(key)  # type: ignore[no-any-return]

    def item_span(self, s: CommentedSeq, i: int) -> Span:
        line, col = s.lc.item(i)
        return self.span(line, col)

    def offset(self, line0: int, col0: int) -> int:
        return self._line_starts[line0] + col0 if line0 < len(self._line_starts) else len(self.text)

    def error(self, span: Span, code: E.ErrorCode, msg: str, hint: str | None = None) -> None:
        self.sink.error(span, code, msg, hint)


def _written_in(m: CommentedMap, key: Any) -> CommentedMap:
    """The mapping where ``key`` is written: ``m``, or one merged into it with ``<<: *anchor``.

    ruamel keeps the places of merged keys only in the mapping they come from.
    """
    todo = [m]
    while todo:
        cur = todo.pop(0)
        if key in cur.lc.data:
            return cur
        todo.extend(x for x in getattr(cur, "merge", ()) if isinstance(x, CommentedMap))
    raise KeyError(key)  # pragma: no cover - every key of a loaded mapping is written somewhere


def _type_name(v: object) -> str:
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, (datetime.date, datetime.datetime)):
        return "a date"
    if v is None:
        return "nothing"
    if isinstance(v, bytes):
        return "binary data"
    if isinstance(v, AbstractSet):
        return "a set"
    if not isinstance(v, str):  # a value with a tag of its own, such as '!foo bar'
        tag = getattr(v, "tag", None)
        return f"a value tagged '{tag}'" if tag is not None else "an unknown kind of value"
    return "text"


def _check_fields(ctx: _Ctx, m: CommentedMap, allowed: Sequence[str], what: str) -> None:
    for key in m:
        if key not in allowed:
            hint = did_you_mean(str(key), allowed, "allowed fields")
            ctx.error(ctx.key_span(m, key), E.UNKNOWN_FIELD, f"unknown field '{key}' in {what}", hint)


def _get_str(ctx: _Ctx, m: CommentedMap, key: str, what: str, required: bool) -> str | None:
    if key not in m:
        if required:
            line, col = m.lc.line, m.lc.col
            ctx.error(ctx.span(line, col), E.MISSING_FIELD, f"{what} has no '{key}' field")
        return None
    v = m[key]
    if isinstance(v, (datetime.date, int, float)) and not isinstance(v, bool) and key in ("id",):
        return str(v)
    if not isinstance(v, str):
        ctx.error(ctx.value_span(m, key), E.FIELD_TYPE, f"field '{key}' of {what} must be text, not {_type_name(v)}")
        return None
    return str(v)


def _parse_date(v: object) -> datetime.date | None:
    if isinstance(v, datetime.datetime):
        return v.date()
    if isinstance(v, datetime.date):
        return v
    if isinstance(v, str) and _DATE_RE.match(v.strip()):
        try:
            return datetime.date.fromisoformat(v.strip())
        except ValueError:
            return None
    return None


def _date_problem(v: object) -> str:
    """Why ``v`` is not a date, as the end of a sentence that starts with the field."""
    if isinstance(v, str) and _DATE_RE.match(v.strip()):
        try:
            datetime.date.fromisoformat(v.strip())
        except ValueError as exc:
            return f"is '{v.strip()}', which is not a real date ({exc})"
    shown = _type_name(v) if v is None or isinstance(v, (dict, list)) else repr(v)
    return f"must be a date YYYY-MM-DD, not {shown}"


def month_bounds(text: str) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day of ``YYYY-MM``, or None when it is not a month."""
    try:
        y, mo = int(text[:4]), int(text[5:7])
        first = datetime.date(y, mo, 1)
    except ValueError:
        return None
    # the last day of the month itself: the first of the next one does not exist after 9999-12
    return first, first.replace(day=calendar.monthrange(y, mo)[1])


def _parse_holds(v: object) -> tuple[datetime.date, datetime.date] | str:
    """Parse ``holds``: a date, a month, or ``A..B``; return an error message on failure."""
    d = _parse_date(v)
    if d is not None:
        return (d, d)
    if not isinstance(v, str):
        return f"must be a date, a month or an interval 'FROM..TO', not {_type_name(v)}"
    s = v.strip()
    if _MONTH_RE.match(s):
        mb = month_bounds(s)
        return mb if mb else f"'{s}' is not a real month"
    if ".." in s:
        a, _, b = s.partition("..")
        lo = _parse_date(a.strip()) or (month_bounds(a.strip()) or (None, None))[0]
        hi = _parse_date(b.strip()) or (month_bounds(b.strip()) or (None, None))[1]
        if lo is None or hi is None:
            return f"'{s}' is not an interval of dates 'YYYY-MM-DD..YYYY-MM-DD'"
        if lo > hi:
            return f"the interval '{s}' ends before it starts: {lo} is after {hi}"
        return (lo, hi)
    return f"'{s}' is not a date (YYYY-MM-DD), a month (YYYY-MM) or an interval 'FROM..TO'"


class Document:
    """A source document, indexed for whitespace-normalised quote look-up."""

    SEARCH_BUDGET = 20_000_000
    """Words and characters the closest-passage searches of one document may look at, together.

    One search takes time proportional to the document; a dataset of a thousand
    missing quotes against a 10 MB document would still take an hour. Past the
    budget, a quote not found gets no closest passage (the error stays).
    """

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self._normalised = Normalised(text)
        self.norm = self._normalised.norm
        self.place = offset_to_place(text)
        self._words: list[str] | None = None
        self._spent = 0
        self.searches = 0
        self.missed: list[tuple[int, str]] = []  # (the sink's diagnostic, the quote) of each quote not found

    def find(self, quote: str) -> int | None:
        """The offset where ``quote`` starts in the text, or None.

        Up to whitespace, and up to the typographic forms of quotes, dashes and
        ellipses (:func:`claims._base.text.quote_pattern`): the first place of
        the text as written, else the first where it occurs up to those forms.
        """
        q = " ".join(quote.split())
        if not q:
            return None
        at = self.norm.find(q)
        if at < 0 and has_look_alike(q):  # else the pattern is the text itself
            m = quote_pattern(q).search(self.norm)
            at = -1 if m is None else m.start()
        return None if at < 0 else self._normalised.original(at)

    def locate(
        self, quote: str, sink: DiagnosticSink, where: Span, what: str, in_: str | None = None
    ) -> tuple[int, int] | None:
        """The line and the offset where ``quote`` starts; else None, after a ``quote-not-found`` error at
        ``where`` that says the quote of ``what`` does not occur ``in_`` (default: in this document) and
        shows the closest passage."""
        at = self.find(quote)
        if at is None:
            place = in_ if in_ is not None else f"'{self.path}'"
            self.missed.append((len(sink.items), quote))
            sink.error(
                where, E.QUOTE_NOT_FOUND, f"the quote of {what} does not occur in {place}", self.closest_hint(quote)
            )
            return None
        return self.place(at)[0], at

    def closest(self, quote: str) -> str | None:
        """The passage of the document that looks most like ``quote``; None past :attr:`SEARCH_BUDGET`."""
        if self._spent > self.SEARCH_BUDGET:
            return None
        if self._words is None:
            self._words = self._normalised.words()
        passage, cost = closest_passage(self._words, quote)
        self._spent += cost
        self.searches += 1
        return passage

    def closest_hint(self, quote: str) -> str | None:
        """The hint for a quote not found: its closest passage, or why there is none."""
        passage = self.closest(quote)
        if passage is None:
            return (
                f"no closest passage: {self.searches} quotes were looked for in '{self.path}' already; "
                "does the claim file name the right document?"
            )
        if not passage:
            return None
        hint = f'the closest passage is: "{passage}"'
        diff = differences(quote, passage)
        if diff:
            hint += "; it differs from the quote only at " + ", ".join(
                f"{_shown_chars(theirs)} where the quote has {_shown_chars(ours)}" for ours, theirs in diff
            )
        return hint


def _closed_quote_before(line: str, column: int) -> bool:
    """Whether a double-quoted value on ``line`` closes just before ``column`` (spaces between)."""
    before = line[:column].rstrip()
    return before.endswith('"') and before.count('"') >= 2 and column < len(line)


def _shown_chars(text: str) -> str:
    """Characters named so that look-alikes tell apart: ``"x" (U+0078 LATIN SMALL LETTER X)``."""
    if not text:
        return "nothing"
    return ", ".join(f'"{ch}" (U+{ord(ch):04X} {unicodedata.name(ch, "unnamed")})' for ch in text)


def point_to_other_documents(sink: DiagnosticSink, documents: dict[str, Document]) -> None:
    """Add to each ``quote-not-found`` error whose quote occurs in another document of the load where it does.

    Called once every claim file is read, when every document is known.
    """
    for doc in documents.values():
        for index, quote in doc.missed:
            found = [
                (other, at)
                for other in documents.values()
                if other is not doc and (at := other.find(quote)) is not None
            ]
            if not found or index >= len(sink.items):
                continue
            other, at = found[0]
            d = sink.items[index]
            where = (
                f"it occurs in '{other.path}' (line {other.place(at)[0]}): "
                "the claim's source or its file names another document"
            )
            sink.items[index] = attrs.evolve(d, hint=where if d.hint is None else f"{where}; {d.hint}")
        doc.missed.clear()


def _formula_locator(ctx: _Ctx, m: CommentedMap, key: str, formula: str) -> Locator:
    """Locate formula offsets in the YAML file by aligning its characters with the file's.

    Only a diagnostic asks a locator for a place, so the alignment is made on the
    first question, not for every formula loaded; it is the same alignment, of
    the same text from the same start, whenever it is made.
    """
    line0, col0 = ctx.value_pos(m, key)
    start = ctx.offset(line0, col0)
    text = ctx.text
    if start < len(text) and text[start] in "|>":
        nl = text.find("\n", start)
        start = len(text) if nl < 0 else nl + 1
    elif start < len(text) and text[start] in "\"'":
        start += 1
    return Locator(ctx.shown, _FormulaPlaces(text, start, formula, ctx.place))


class _FormulaPlaces:
    """The place in the file of each offset of a formula: aligned on the first question.

    A plain object, not a closure, so that a parsed claim file can be pickled
    (a parallel load sends parsed files from worker processes).
    """

    __slots__ = ("_formula", "_mapping", "_start", "_text", "_to_place")

    def __init__(self, text: str, start: int, formula: str, to_place: Callable[[int], tuple[int, int]]) -> None:
        self._text, self._start, self._formula, self._to_place = text, start, formula, to_place
        self._mapping: list[int] = []

    def __call__(self, offset: int) -> tuple[int, int]:
        if not self._mapping:
            self._mapping = _alignment(self._text, self._start, self._formula)
        offset = max(0, min(offset, len(self._mapping) - 1))
        return self._to_place(self._mapping[offset])


def _alignment(text: str, start: int, formula: str) -> list[int]:
    """The offset in ``text`` of each character of ``formula`` (written from ``start`` on), and of its end."""
    mapping: list[int] = []
    f = start
    for ch in formula:
        if ch.isspace():
            mapping.append(f)
            continue
        nxt = text.find(ch, f)
        if nxt < 0 or nxt - f > 200:
            mapping.append(f)
            continue
        mapping.append(nxt)
        f = nxt + 1
    mapping.append(f)
    return mapping


def load_claim_file(
    path: Path,
    sink: DiagnosticSink,
    documents: dict[str, Document],
    text: str | None = None,
    *,
    inputs: Inputs = ANYWHERE,
    formulas: FormulaMemo | None = None,
) -> RawFile | None:
    """Load one claim file (whose ``text`` may be read already); record every problem in ``sink``.

    ``documents`` holds the documents read so far, by shown path; the file's
    own are added to it. ``formulas`` holds the formulas parsed so far in this
    load (see :class:`~claims._front.syntax.FormulaMemo`); ``None``: a memo of this file only.
    """
    if text is None:
        text = read_text(path, sink)
    if text is None:
        return None
    ctx = _Ctx(path, text, sink, inputs)
    sink.remember_text(ctx.shown, text)
    bound = inputs.limits.yaml_nodes
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data = read_yaml(text, bound)
    except TooManyNodes as exc:
        mark = exc.problem_mark
        ctx.error(
            ctx.span(mark.line, mark.column) if mark is not None else ctx.span(0, 0),
            E.TOO_LARGE,
            f"the claim file grows past the limit of {bound:,} YAML nodes here (each alias counts the "
            "nodes of the value it names): raise it with --limit yaml-nodes=N",
            "aliases of aliases multiply: write such values out, or alias them fewer times",
        )
        return None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        hint = None
        if exc.context and exc.context_mark is not None and (mark is None or mark.index >= len(text)):
            # "unexpected end of stream" points past the last line; where the unclosed
            # quote or bracket opens is what the reader has to fix.
            mark = exc.context_mark
            problem = f"{exc.context} starting here, {problem}"
            if "quoted scalar" in exc.context:
                hint = "the quote that opens here is never closed"
        elif exc.context and problem.startswith("but "):
            problem = f"{exc.context}, {problem}"  # "...: but found another document"
        if "<block end>" in problem or "expected ',' or '}'" in problem:
            line_text = text.split("\n")[mark.line] if mark is not None else ""
            if mark is not None and _closed_quote_before(line_text, mark.column):
                # key: "he said "no" today": the second " ends the string, the rest is left over
                hint = (
                    'a " inside a double-quoted value ends it: write it as \\" inside the quotes, '
                    "or quote the whole value with single quotes ('he said \"no\"')"
                )
            elif "<block end>" in problem:
                hint = "check this line's indentation against the lines above it"
        elif "mapping values are not allowed" in problem:
            # mostly a quantifier in a plain value: formula: forall c: Country. ...
            hint = "a value holding ': ' must be quoted, or written as a block after '|'"
        line, col = (mark.line, mark.column) if mark is not None else (0, 0)
        ctx.error(ctx.span(line, col), E.YAML_SYNTAX, f"invalid YAML: {problem}", hint)
        return None
    except ReaderError as exc:
        # a character YAML does not allow anywhere (a control character): at its own place
        line, col = ctx.place(exc.position)
        ch = exc.character if isinstance(exc.character, str) else chr(exc.character)
        ctx.error(
            Span(ctx.shown, line, col),
            E.YAML_SYNTAX,
            f"invalid YAML: the character {printable(repr(ch))} (U+{ord(ch):04X}) is not allowed in "
            "a YAML file, not even in quotes",
            f"remove it, or write it as the escape {printable(ch)} inside double quotes",
        )
        return None
    except YAMLError as exc:
        ctx.error(ctx.span(0, 0), E.YAML_SYNTAX, f"invalid YAML: {exc}")
        return None
    except RecursionError:
        ctx.error(ctx.span(0, 0), E.YAML_SYNTAX, "invalid YAML: lists or mappings nest too deeply")
        return None
    if _yaml_warnings(ctx, caught) or _surrogates(ctx, data):
        return None
    if not isinstance(data, CommentedMap):
        ctx.error(
            ctx.span(0, 0),
            E.FIELD_TYPE,
            f"a claim file must be a mapping with 'sources' and 'claims', not {_type_name(data)}",
        )
        return None
    _check_fields(ctx, data, _TOP_FIELDS, "the claim file")

    # document
    doc: Document | None = None
    doc_name = _get_str(ctx, data, "document", "the claim file", required=False)
    if doc_name is not None:
        doc = _load_document(ctx, doc_name, ctx.value_span(data, "document"), documents)

    tolerance: Fraction | None = None
    if "about_tolerance" in data:
        v = data["about_tolerance"]
        if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < 1:
            tolerance = Fraction(str(v))
        else:
            ctx.error(
                ctx.value_span(data, "about_tolerance"),
                E.FIELD_TYPE,
                f"'about_tolerance' must be a number from 0 to 1 (0.1 means ±10%), not {v!r}",
            )

    outlets: list[tuple[str, Fraction]] = []
    if "outlet_reliability" in data:
        o = data["outlet_reliability"]
        if isinstance(o, CommentedMap):
            for name in o:
                r = _reliability(ctx, o, name, f"the reliability of outlet '{name}'")
                if r is not None:
                    outlets.append((str(name), r))
        else:
            ctx.error(
                ctx.value_span(data, "outlet_reliability"),
                E.FIELD_TYPE,
                f"'outlet_reliability' must be a mapping from outlet name to a number, not {_type_name(o)}",
            )

    # rule sets
    rule_sets: list[tuple[str, Span]] = []
    if "rules" in data:
        rs = data["rules"]
        if isinstance(rs, str):
            rule_sets.append((rs, ctx.value_span(data, "rules")))
        elif isinstance(rs, CommentedSeq):
            for i, r in enumerate(rs):
                if isinstance(r, str):
                    rule_sets.append((r, ctx.item_span(rs, i)))
                else:
                    ctx.error(ctx.item_span(rs, i), E.FIELD_TYPE, f"a rule set is named by text, not {_type_name(r)}")
        else:
            ctx.error(
                ctx.value_span(data, "rules"),
                E.FIELD_TYPE,
                f"'rules' must be a list of rule set names, not {_type_name(rs)}",
            )

    declarations: tuple[Item, ...] = ()
    decl_loc: Locator | None = None
    vocabulary_ok = True
    if "declarations" in data:
        d = data["declarations"]
        long = longest_item(d) if isinstance(d, str) else None
        if long is not None and long[1] > ctx.inputs.limits.formula_chars:
            vocabulary_ok = False
            ctx.error(
                ctx.value_span(data, "declarations"),
                E.TOO_LARGE,
                str(
                    TooLarge(
                        "formula-chars",
                        long[1],
                        ctx.inputs.limits.formula_chars,
                        "an item of the declarations is too long",
                        "characters",
                    )
                ),
            )
        elif isinstance(d, str):
            decl_loc = _formula_locator(ctx, data, "declarations", d)
            try:
                declarations = parse_items(d)
            except ParseError as exc:
                vocabulary_ok = False
                ctx.sink.error(decl_loc.span(exc.pos), E.FORMULA_SYNTAX, f"in declarations: {exc.message}", exc.hint)
        else:
            vocabulary_ok = False
            ctx.error(
                ctx.value_span(data, "declarations"),
                E.FIELD_TYPE,
                f"'declarations' must be text in the formula language, not {_type_name(d)}",
            )

    sources = _load_sources(ctx, data, documents)
    source_docs = {s.id: s.document for s in sources}
    claims = _load_claims(ctx, data, doc, source_docs, documents, formulas if formulas is not None else FormulaMemo())
    docs = tuple(sorted((key, documents[key].text) for key in ctx.documents))
    return RawFile(
        path=ctx.shown,
        sources=tuple(sources),
        claims=tuple(claims),
        rule_sets=tuple(rule_sets),
        declarations=declarations,
        declarations_locator=decl_loc,
        about_tolerance=tolerance,
        documents=docs,
        vocabulary_ok=vocabulary_ok,
        document_files=tuple(sorted(ctx.documents.items())),
        document=doc.path if doc is not None else None,
        outlet_reliability=tuple(outlets),
    )


def _reliability(ctx: _Ctx, m: CommentedMap, key: Any, what: str) -> Fraction | None:
    """A reliability: a number greater than 0 and at most 1; None (and an error) otherwise."""
    v = m[key]
    if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 1:
        return Fraction(str(v))
    ctx.error(
        ctx.value_span(m, key),
        E.FIELD_TYPE,
        f"{what} must be a number greater than 0 and at most 1 (1: fully trusted), not {v!r}",
    )
    return None


def _yaml_warnings(ctx: _Ctx, caught: Sequence[warnings.WarningMessage]) -> bool:
    """Turn what the YAML loader warned about into errors at their place; True when there was any.

    None is known to be reachable now (duplicate anchors are refused by ``yamlread._Composer``,
    duplicate keys raise), but a warning must never reach stderr raw (issue 17, item 8), and
    a file read with a warning is not read as its author meant.

    Only the YAML reader's own warnings (ruamel's ``YAMLWarning`` and
    ``YAMLFutureWarning``) are about the file. ``catch_warnings`` catches
    every warning the process issues while the file is read: another
    thread's, or a ``ResourceWarning`` of an unrelated object collected
    meanwhile. Those are issued again, as they were, not blamed on the file.
    """
    found = False
    for w in caught:
        if not issubclass(w.category, (YAMLWarning, YAMLFutureWarning)):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
            continue
        msg = w.message
        mark = getattr(msg, "problem_mark", None) or getattr(getattr(msg, "node", None), "start_mark", None)
        line, col = (mark.line, mark.column) if mark is not None else (0, 0)
        first = next((ln.strip() for ln in str(msg).splitlines() if ln.strip()), type(msg).__name__)
        ctx.error(ctx.span(line, col), E.YAML_SYNTAX, f"invalid YAML: {first}")
        found = True
    return found


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F][0-9a-fA-F]{2}")


def _surrogates(ctx: _Ctx, data: Any) -> bool:
    """Report text that holds a lone UTF-16 surrogate (``"\\uD800"``); True when any does.

    Only a ``\\u`` escape in double quotes can make one (the file itself is valid UTF-8), and
    no such text can be written in any report (issue 17, item 6), so it is refused where it is
    written, at the escape.
    """
    if "\\u" not in ctx.text and "\\U" not in ctx.text:
        return False
    todo: list[tuple[Any, tuple[int, int]]] = [(data, (0, 0))]
    while todo:
        node, (line0, col0) = todo.pop()
        if isinstance(node, str):
            bad = _SURROGATE.search(node)
            if bad is None:
                continue
            start = ctx.offset(line0, col0)
            esc = _SURROGATE_ESCAPE.search(ctx.text, start)
            line, col = ctx.place(esc.start()) if esc is not None else (line0 + 1, col0)
            pair = node[bad.start() : bad.start() + 2]
            hint = "write the character itself"
            if len(pair) == 2 and "\ud800" <= pair[0] <= "\udbff" and "\udc00" <= pair[1] <= "\udfff":
                joined = pair.encode("utf-16", "surrogatepass").decode("utf-16")
                hint += f", or as one escape: \\U{ord(joined):08X}"
            ctx.error(
                Span(ctx.shown, line, col),
                E.BAD_VALUE,
                f"the escape {printable(bad.group())} is half of a UTF-16 surrogate pair, not a "
                "Unicode character: no report could hold this text",
                hint,
            )
            return True
        if isinstance(node, CommentedMap):
            for key in node:
                todo.append((key, _written_in(node, key).lc.key(key)))
                todo.append((node[key], _written_in(node, key).lc.value(key)))
        elif isinstance(node, CommentedSeq):
            todo.extend((item, node.lc.item(i)) for i, item in enumerate(node))
    return False


def _load_document(ctx: _Ctx, name: str, span: Span, documents: dict[str, Document]) -> Document | None:
    """The document a claim file names ``name`` (at ``span``), read once per dataset; None after an error."""
    path = ctx.path.parent / name
    if outside_root(path, name, "the document", ctx.inputs, span, ctx.sink):
        return None
    key = display_path(path)
    if key not in documents:
        text = read_text(path, ctx.sink, span, limits=ctx.inputs.limits)
        if text is None:
            return None
        documents[key] = Document(key, text)
    ctx.documents[key] = str(path)
    return documents[key]


def _load_sources(ctx: _Ctx, data: CommentedMap, documents: dict[str, Document]) -> list[RawSource]:
    out: list[RawSource] = []
    if "sources" not in data:
        ctx.error(ctx.span(0, 0), E.MISSING_FIELD, "the claim file has no 'sources' field")
        return out
    srcs = data["sources"]
    if not isinstance(srcs, CommentedMap):
        ctx.error(
            ctx.value_span(data, "sources"),
            E.FIELD_TYPE,
            f"'sources' must be a mapping from source id to its fields, not {_type_name(srcs)}",
        )
        return out
    for sid in srcs:
        what = f"source '{sid}'"
        s = srcs[sid]
        span = ctx.key_span(srcs, sid)
        if not isinstance(s, CommentedMap):
            ctx.error(
                ctx.value_span(srcs, sid),
                E.FIELD_TYPE,
                f"{what} must be a mapping with 'name', 'role', 'via', not {_type_name(s)}",
            )
            continue
        _check_fields(ctx, s, _SOURCE_FIELDS, what)
        name = _get_str(ctx, s, "name", what, required=True)
        role = _get_str(ctx, s, "role", what, required=False)
        via = _get_str(ctx, s, "via", what, required=False)
        docname = _get_str(ctx, s, "document", what, required=False)
        reliability = _reliability(ctx, s, "reliability", f"the reliability of {what}") if "reliability" in s else None
        reference = s.get("reference", False)
        if not isinstance(reference, bool):
            ctx.error(
                ctx.value_span(s, "reference"),
                E.FIELD_TYPE,
                f"'reference' of {what} must be true or false, not {_type_name(reference)}",
            )
            reference = False
        doc_key = None
        if docname is not None:
            d = _load_document(ctx, docname, ctx.value_span(s, "document"), documents)
            doc_key = d.path if d else None
        if name is not None:
            out.append(
                RawSource(
                    id=str(sid),
                    name=name,
                    role=role,
                    via=via,
                    document=doc_key,
                    span=span,
                    reliability=reliability,
                    reference=reference,
                )
            )
    return out


def _load_claims(
    ctx: _Ctx,
    data: CommentedMap,
    doc: Document | None,
    source_docs: dict[str, str | None],
    documents: dict[str, Document],
    formulas: FormulaMemo,
) -> list[RawClaim]:
    out: list[RawClaim] = []
    if "claims" not in data:
        ctx.error(ctx.span(0, 0), E.MISSING_FIELD, "the claim file has no 'claims' field")
        return out
    items = data["claims"]
    if not isinstance(items, CommentedSeq):
        ctx.error(
            ctx.value_span(data, "claims"), E.FIELD_TYPE, f"'claims' must be a list of claims, not {_type_name(items)}"
        )
        return out
    if not items:
        ctx.error(ctx.value_span(data, "claims"), E.NO_CLAIMS, "'claims' is empty: there is nothing to check")
    pending = [i for i, c in enumerate(items) if isinstance(c, CommentedMap) and _is_placeholder(c.get("formula"))]
    for i, c in enumerate(items):
        span = ctx.item_span(items, i)
        if not isinstance(c, CommentedMap):
            ctx.error(span, E.FIELD_TYPE, f"claim #{i + 1} must be a mapping, not {_type_name(c)}")
            continue
        cid = _get_str(ctx, c, "id", f"claim #{i + 1}", required=True)
        what = f"claim '{cid}'" if cid else f"claim #{i + 1}"
        if cid is not None and not CLAIM_ID_RE.match(cid):
            ctx.error(
                ctx.value_span(c, "id"), E.BAD_VALUE, f"claim id '{cid}' may hold only letters, digits and '_ . : -'"
            )
        _check_fields(ctx, c, _CLAIM_FIELDS, what)
        source = _get_str(ctx, c, "source", what, required=True)
        quote = _get_str(ctx, c, "quote", what, required=True)
        formula_text = _get_str(ctx, c, "formula", what, required=True)
        note = _get_str(ctx, c, "note", what, required=False)
        kind = "fact"
        if "kind" in c:
            k = c["kind"]
            if k in KINDS:
                kind = str(k)
            else:
                ctx.error(
                    ctx.value_span(c, "kind"),
                    E.BAD_VALUE,
                    f"'kind' of {what} must be one of {', '.join(KINDS)}, not {k!r}",
                    did_you_mean(str(k), KINDS, "allowed kinds"),
                )
        said: datetime.date | None = None
        if "said" not in c:
            ctx.error(span, E.MISSING_FIELD, f"{what} has no 'said' field (the date it was said)")
        else:
            said = _parse_date(c["said"])
            if said is None:
                ctx.error(ctx.value_span(c, "said"), E.BAD_DATE, f"'said' of {what} {_date_problem(c['said'])}")
        holds = None
        if "holds" in c:
            h = _parse_holds(c["holds"])
            if isinstance(h, str):
                ctx.error(
                    ctx.value_span(c, "holds"),
                    E.BAD_DATE,
                    f"'holds' of {what} {h}" if h.startswith("must") else f"'holds' of {what}: {h}",
                )
            else:
                holds = h
        # quote
        qline = qoff = None
        claim_doc = doc
        if source is not None and source_docs.get(source):
            claim_doc = documents.get(str(source_docs[source]))
        if quote is not None and claim_doc is not None:
            found = claim_doc.locate(quote, ctx.sink, ctx.value_span(c, "quote"), what)
            if found is not None:
                qline, qoff = found
        elif quote is not None and claim_doc is None and doc_name_missing(data, source, source_docs):
            ctx.error(span, E.MISSING_FIELD, f"{what} has a quote but the claim file names no 'document' to find it in")
        formula: Expr | None = None
        loc: Locator | None = None
        if formula_text is not None and len(formula_text) > ctx.inputs.limits.formula_chars:
            # parsing 10 MB took 54 s and 1.8 GB (issue 17, item 5)
            ctx.error(
                ctx.value_span(c, "formula"),
                E.TOO_LARGE,
                str(
                    TooLarge(
                        "formula-chars",
                        len(formula_text),
                        ctx.inputs.limits.formula_chars,
                        f"the formula of {what} is too long",
                        "characters",
                    )
                ),
            )
        elif formula_text is not None and _is_placeholder(formula_text):
            ctx.error(
                ctx.value_span(c, "formula"),
                E.NOT_ENCODED,
                f"{what} is not encoded yet: its formula is the placeholder {PLACEHOLDER} "
                f"({pending.index(i) + 1} of {len(pending)} not encoded in this file)",
                "write the formula that says what the quote says (`claims draft --rules DIR` suggests symbols)",
            )
        elif formula_text is not None:
            loc = _formula_locator(ctx, c, "formula", formula_text)
            try:
                formula = formulas.parse(formula_text)
            except ParseError as exc:
                ctx.sink.error(loc.span(exc.pos), E.FORMULA_SYNTAX, exc.message, exc.hint)
        if None in (cid, source, quote, said, formula) or loc is None:
            continue
        assert cid is not None and source is not None and quote is not None
        assert said is not None and formula is not None and formula_text is not None
        src_span = ctx.value_span(c, "source")
        out.append(
            RawClaim(
                id=cid,
                id_span=ctx.value_span(c, "id"),
                source=source,
                source_span=src_span,
                quote=quote,
                said=said,
                holds=holds,
                kind=kind,
                note=note,
                formula=formula,
                formula_text=formula_text,
                locator=loc,
                span=span,
                quote_line=qline,
                quote_offset=qoff,
            )
        )
    return out


def _is_placeholder(formula: object) -> bool:
    """True for the formula :data:`PLACEHOLDER` (up to blanks around it)."""
    return isinstance(formula, str) and formula.strip() == PLACEHOLDER


def doc_name_missing(data: CommentedMap, source: str | None, source_docs: dict[str, str | None]) -> bool:
    """True when neither the file nor the claim's source names a document."""
    return "document" not in data and not (source and source_docs.get(source))
