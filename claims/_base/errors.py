"""Diagnostics, error codes and the exception hierarchy.

Every diagnostic code is made here, once, as an :class:`ErrorCode` constant:
the loader's and resolver's, the linter's and the FOLIO importer's. Making one
registers it (as mypy's ``errorcodes.py`` does), so that the README's table of
codes is generated from this module alone and never hand-kept.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Final

import attrs

ERROR_CODES: dict[str, ErrorCode] = {}
"""Every diagnostic code, in the order they are made: each :class:`ErrorCode` adds itself."""


@attrs.frozen
class ErrorCode:
    """A stable diagnostic code with a one-line description; making one registers it in :data:`ERROR_CODES`."""

    code: str
    description: str

    def __attrs_post_init__(self) -> None:
        if self.code in ERROR_CODES:
            raise ValueError(f"the diagnostic code {self.code!r} is made twice")
        ERROR_CODES[self.code] = self


FILE_MISSING: Final = ErrorCode("file-missing", "A path given or referenced does not exist")
FILE_UNREADABLE: Final = ErrorCode("file-unreadable", "A file exists but cannot be read")
FILE_BINARY: Final = ErrorCode("file-binary", "A file holds binary data, not text")
FILE_ENCODING: Final = ErrorCode("file-encoding", "A file is not valid UTF-8")
NO_CLAIMS: Final = ErrorCode("no-claims", "No claim files, or no claims, were found")
YAML_SYNTAX: Final = ErrorCode("yaml-syntax", "The YAML of a claim file does not parse")
FIELD_TYPE: Final = ErrorCode("field-type", "A field has a value of the wrong type")
UNKNOWN_FIELD: Final = ErrorCode("unknown-field", "A field name is not part of the format")
MISSING_FIELD: Final = ErrorCode("missing-field", "A required field is absent")
DUPLICATE_ID: Final = ErrorCode("duplicate-id", "Two claims, sources or rules share an id")
UNKNOWN_SOURCE: Final = ErrorCode("unknown-source", "A claim names a source that is not declared")
QUOTE_NOT_FOUND: Final = ErrorCode("quote-not-found", "A quote does not occur verbatim in its document")
FORMULA_SYNTAX: Final = ErrorCode("formula-syntax", "A formula or rule file does not parse")
UNKNOWN_SYMBOL: Final = ErrorCode("unknown-symbol", "A name is not declared")
UNKNOWN_SORT: Final = ErrorCode("unknown-sort", "A sort name is not declared")
UNKNOWN_RULE_SET: Final = ErrorCode("unknown-rule-set", "A dataset uses a rule set that cannot be found")
SORT_MISMATCH: Final = ErrorCode("sort-mismatch", "An expression has the wrong sort")
ARITY: Final = ErrorCode("arity", "A predicate or function gets the wrong number of arguments")
DUPLICATE_DECLARATION: Final = ErrorCode("duplicate-declaration", "A name is declared twice with different meanings")
BAD_DATE: Final = ErrorCode("bad-date", "A date or interval is malformed or impossible")
BAD_QUANTITY: Final = ErrorCode("bad-quantity", "A quantity is malformed (e.g. bounds reversed)")
NOT_TIMED: Final = ErrorCode("not-timed", "A time index is applied to a symbol that is not timed")
ACROSS_DAYS: Final = ErrorCode(
    "across-days", "A formula relates days in a way the engine cannot decide exactly (see docs/time.md)"
)
BAD_VALUE: Final = ErrorCode("bad-value", "A field value is not one of the allowed values")
BAD_BASELINE: Final = ErrorCode("bad-baseline", "A baseline file is missing or is not a claims JSON report")
BAD_REVISION: Final = ErrorCode("bad-revision", "--since names a git revision or repository that cannot be read")
TOO_LARGE: Final = ErrorCode("too-large", "An input is over a documented limit (raise it with --limit NAME=N)")
OUTSIDE_ROOT: Final = ErrorCode("outside-root", "A file a dataset names lies outside its root folder (see --root)")
NOT_ENCODED: Final = ErrorCode(
    "not-encoded", "A claim's formula is still the placeholder TODO that `claims draft` writes: not encoded yet"
)

# The symbol linter's warnings (claims._front.lint), one per check
SYMBOL_ONCE: Final = ErrorCode("symbol-once", "A symbol is used only once, so it links its formula to nothing else")
SIMILAR_SYMBOLS: Final = ErrorCode("similar-symbols", "Two symbols differ only by case, a plural or one letter")
ARITY_MISMATCH: Final = ErrorCode("arity-mismatch", "One name is used with different numbers of arguments")
FREE_VARIABLE: Final = ErrorCode("free-variable", "A variable is used without a quantifier that binds it")

# The FOLIO dialect (claims._front.folio) and its importer (claims._run.folio)
JSON_SYNTAX: Final = ErrorCode("json-syntax", "A line of a JSON Lines file is not a JSON object")
FOLIO_REPAIRED: Final = ErrorCode("folio-repaired", "A FOLIO formula with unbalanced parentheses was repaired")
FOLIO_PREMISES: Final = ErrorCode("folio-premises", "A FOLIO example has more or fewer formulas than premise sentences")
FILE_EXISTS: Final = ErrorCode("file-exists", "A file to be written exists already (use --overwrite)")


# What would break a diagnostic's one line, or not print at all: C0 controls (newline, tab, ...),
# DEL and the C1 controls, the Unicode line and paragraph separators, and lone surrogates (a file
# name that is not UTF-8, as Python decodes it), which no output encoding can carry.
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMED_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape_one(m: re.Match[str]) -> str:
    ch = m.group()
    named = _NAMED_ESCAPES.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` on one line, as Python writes such characters in a string literal.

    A newline becomes ``\\n``, a tab ``\\t``, BEL ``\\x07``, U+2028 ``\\u2028``, a lone
    surrogate ``\\ud800``; everything else (backslashes included) is left as it is. This is how
    a diagnostic shows what the user wrote, so that each stays on its one line (issue 17, item 8).
    """
    return _UNSHOWABLE.sub(_escape_one, text) if _UNSHOWABLE.search(text) else text


@attrs.frozen
class Span:
    """A place in a file. ``line`` is 1-based, ``column`` 0-based (printed 1-based).

    Spans are ordered by path, line and column (the end does not count), as
    ``attrs``' ``order=True`` with ``order=False`` on the end would order them;
    written out, as a report of 100,000 claims sorts its places many times and
    attrs' generic comparison builds a tuple of fields through a generator
    for each side of each comparison.
    """

    path: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}:{self.column + 1}"

    def __lt__(self, other: object) -> bool:
        if other.__class__ is not Span:
            return NotImplemented
        assert isinstance(other, Span)
        return (self.path, self.line, self.column) < (other.path, other.line, other.column)

    def __le__(self, other: object) -> bool:
        if other.__class__ is not Span:
            return NotImplemented
        assert isinstance(other, Span)
        return (self.path, self.line, self.column) <= (other.path, other.line, other.column)

    def __gt__(self, other: object) -> bool:
        if other.__class__ is not Span:
            return NotImplemented
        assert isinstance(other, Span)
        return (self.path, self.line, self.column) > (other.path, other.line, other.column)

    def __ge__(self, other: object) -> bool:
        if other.__class__ is not Span:
            return NotImplemented
        assert isinstance(other, Span)
        return (self.path, self.line, self.column) >= (other.path, other.line, other.column)


@attrs.frozen(kw_only=True)
class Diagnostic:
    """One problem found in the input, located and explained.

    ``str(diagnostic)`` gives the one-line form
    ``FILE:LINE:COL: error: MESSAGE  [code]``; :meth:`render` adds the source
    line with a caret and the hint, for a person at a terminal. What either
    shows of the user's text (the file's name, the message, the source line)
    has its control characters escaped as Python writes them (``\\n``,
    ``\\x1b``), so that every diagnostic is one line and every line of
    ``render`` is one of its own; the fields keep the text as it is.
    """

    span: Span
    code: str
    message: str
    severity: str = "error"
    hint: str | None = None
    excerpt: str | None = attrs.field(default=None, eq=False, repr=False)

    def __str__(self) -> str:
        return f"{self.span}: {self.severity}: {printable(self.message)}  [{self.code}]"

    def render(self) -> str:
        """Return the one-line form, then the source excerpt, caret and hint."""
        out = [str(self)]
        if self.excerpt is not None:
            line = self.excerpt.rstrip("\n")
            prefix = f"  {self.span.line} | "

            def shown(part: str) -> str:  # tabs expanded (the caret counts them so), the rest escaped
                return printable(part.expandtabs())

            out.append(prefix + shown(line))
            caret_col = len(shown(line[: self.span.column]))
            width = 1
            if self.span.end_line == self.span.line and self.span.end_column is not None:
                width = max(1, len(shown(line[: self.span.end_column])) - caret_col)
            out.append(" " * (len(prefix) + caret_col) + "^" * width)
        if self.hint:
            out.append(f"  hint: {printable(self.hint)}")
        return "\n".join(out)


class ClaimsError(Exception):
    """Parent of every exception the ``claims`` library raises on purpose."""


class InputError(ClaimsError):
    """The input (claim files, rule files, documents) is invalid.

    ``diagnostics`` lists every problem found, each with file, line and
    column; ``str(error)`` lists them one per line.
    """

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class InvalidClaim(InputError):
    """A claim file or claim is invalid (bad YAML, field, source, quote, formula)."""


class RuleError(InputError):
    """A rule file or rule is invalid."""


class SolverError(ClaimsError):
    """The solver failed in a way that is not an ``unknown`` answer."""


def suggest(name: str, choices: Iterable[str]) -> str | None:
    """Return the closest of ``choices`` to ``name``, or None when none is close."""
    choices = list(choices)
    lowered = {c.lower(): c for c in choices}
    if name.lower() in lowered and lowered[name.lower()] != name:
        return lowered[name.lower()]
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(name: str, choices: Iterable[str], what: str = "declared") -> str | None:
    """A hint naming the closest choice, or listing a few of them."""
    choices = sorted(set(choices))
    best = suggest(name, choices)
    if best is not None:
        return f"did you mean '{best}'?"
    if not choices:
        return None
    shown = ", ".join(f"'{c}'" for c in choices[:8])
    more = f" and {len(choices) - 8} more" if len(choices) > 8 else ""
    return f"{what}: {shown}{more}"


class DiagnosticSink:
    """Collects diagnostics so that every problem of a file is reported, not only the first."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self._lines: dict[str, list[str]] = {}

    def remember_text(self, path: str, text: str) -> None:
        """Keep a file's text so that diagnostics can quote the offending line."""
        # lines as YAML and the formula parser count them: at "\n" only (splitlines() also
        # breaks at form feeds, "\x1c" and others, which would shift every excerpt below them)
        self._lines[path] = text.split("\n")

    def error(self, span: Span, code: ErrorCode, message: str, hint: str | None = None) -> None:
        """Record an error at ``span``."""
        self.add(span, code, message, hint, "error")

    def warning(self, span: Span, code: ErrorCode, message: str, hint: str | None = None) -> None:
        """Record a warning at ``span``."""
        self.add(span, code, message, hint, "warning")

    def add(self, span: Span, code: ErrorCode, message: str, hint: str | None, severity: str) -> None:
        if hint is not None and hint.startswith("did you mean"):
            # as mypy does: the suggestion belongs to the one-line form
            # (what JSON, SARIF and grep see); a hint is shown only at a terminal.
            message, hint = f"{message}; {hint}", None
        lines = self._lines.get(span.path)
        excerpt = None
        if lines is not None and 1 <= span.line <= len(lines):
            excerpt = lines[span.line - 1]
        self.items.append(
            Diagnostic(span=span, code=code.code, message=message, severity=severity, hint=hint, excerpt=excerpt)
        )

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    def raise_if_errors(self, exc: type[InputError] = InvalidClaim) -> None:
        """Raise ``exc`` with every diagnostic, sorted by place, when any is an error."""
        if self.errors:
            # set(): a value shared through a YAML anchor is wrong once, not once per use
            raise exc(sorted(set(self.errors), key=lambda d: (d.span, d.code, d.message)))


def code_table() -> str:
    """The Markdown table of diagnostic codes, as the README shows it (generated, never hand-kept)."""
    rows = ["| code | meaning |", "|---|---|"]
    rows += [f"| `{c.code}` | {c.description} |" for c in ERROR_CODES.values()]
    return "\n".join(rows)
