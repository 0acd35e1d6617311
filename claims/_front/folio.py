"""The FOLIO dialect: a second front end of the formula language (its parser and its reader).

FOLIO (Han et al., EMNLP 2024) writes untyped first-order logic with Unicode
connectives: ``∀x (InThisClub(x) → Attend(x, schoolEvent))``. This module
parses that dialect (grammar: ``claims/_front/folio.lark``) into the *same* syntax
tree as the formula language (:mod:`claims._front.syntax`), with FOLIO's own
names and no sorts, and reads FOLIO's JSON Lines files into examples whose
every formula knows the place of each of its characters in the file. The
importer (:mod:`claims._run.folio`) names the symbols, gives every variable
one open sort and writes each story as an ordinary claim dataset.

Reading choices, each documented in ``docs/folio.md``:

* Precedence ``¬`` > ``∧`` > ``∨`` > ``⊕`` > ``→`` > ``↔`` (as in our language);
  a quantifier's body reaches as far right as it can.
* A chain ``A ↔ B ↔ C`` says that all are equivalent: ``(A ↔ B) ∧ (B ↔ C)``.
* A name may hold ``-``, ``.`` and an apostrophe between its letters
  (``mr.smith``, ``y42.3billion``, ``GrowthCompanies'Stocks`` (straight or typographic)); a quantifier's
  variable glued to its body (``∀xP(x)``) is read as written, ``∀x P(x)``,
  and :func:`read_formula` warns.
* Unbalanced parentheses are an error with line and column; :func:`read_formula`
  repairs them (:func:`repair`: a ``)`` too many is dropped, the one that keeps
  every variable in its quantifier's scope; a ``(`` that is never closed is
  dropped when it only groups, closed at the end when it opens an argument
  list) and warns with the place of each repair.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from claims._base import errors as E
from claims._base.errors import DiagnosticSink, Span
from claims._base.limits import DEFAULT as DEFAULT_LIMITS
from claims._front import syntax as S
from claims._front.inputs import display_path, read_text

LABELS = ("True", "False", "Uncertain")
"""Gold labels, canonical spelling (``Unknown`` in older releases means ``Uncertain``)."""


# --------------------------------------------------------------------------- parsing


@functools.cache
def _parser() -> lark.Lark:
    grammar = resources.files("claims._front").joinpath("folio.lark").read_text("utf-8")
    return lark.Lark(grammar, parser="lalr", propagate_positions=True)


_FOLIO_TOKENS = {
    "AND_OP": "'∧'",
    "OR_OP": "'∨'",
    "XOR_OP": "'⊕'",
    "IMPLIES_OP": "'→'",
    "IFF_OP": "'↔'",
    "NOT_OP": "'¬'",
    "QUANTIFIER": "'∀' or '∃'",
    "QUANT_OPEN": "'∀' or '∃'",
    "CMP_OP": "'=' or '≠'",
    "NAME": "a name",
    "LPAR": "'('",
    "RPAR": "')'",
    "COMMA": "','",
    "$END": "the end of the formula",
}


def unbalanced(text: str) -> tuple[list[int], list[int]]:
    """The offsets of every ``)`` that closes nothing and of every ``(`` that is never closed."""
    extra: list[int] = []
    open_: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(":
            open_.append(i)
        elif ch == ")":
            if open_:
                open_.pop()
            else:
                extra.append(i)
    return extra, open_


def _near(text: str, pos: int) -> str:
    lo, hi = max(0, pos - 20), min(len(text), pos + 20)
    return ("…" if lo else "") + text[lo:hi].replace("\n", " ") + ("…" if hi < len(text) else "")


def parse_folio(text: str) -> S.Expr:
    """Parse one FOLIO formula into a syntax tree with FOLIO's own names.

    Quantifier binders carry no sort (``("x", None)``); predicates are
    :class:`~claims._front.syntax.Call` and propositions :class:`~claims._front.syntax.Name`
    nodes in formula position, constants and variables ``Name`` nodes in
    argument position.

    Raises:
        ParseError: with the offset of the problem: unbalanced parentheses, an
            unexpected character or token, an empty formula.
    """
    if not text.strip():
        raise S.ParseError("the formula is empty", 0)
    extra, never_closed = unbalanced(text)
    if extra:
        raise S.ParseError(
            f"unmatched ')': no '(' opens it (near '{_near(text, extra[0])}')",
            extra[0],
            "remove it, or add the '(' it was meant to close",
        )
    if never_closed:
        pos = never_closed[-1]
        more = f" ({len(never_closed)} are never closed)" if len(never_closed) > 1 else ""
        raise S.ParseError(f"'(' is never closed{more} (near '{_near(text, pos)}')", pos, "add the missing ')'")
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as exc:
        raise _parse_error(exc, text) from None
    _check_depth(tree)
    return _build(tree.children[0], "formula")


def _check_depth(tree: lark.Tree[lark.Token]) -> None:
    """Refuse a formula that nests deeper than ``claims._front.syntax.MAX_DEPTH``, before anything recurses over it.

    As :func:`claims._front.syntax.check_depth` counts, and a run of quantifiers
    before one parenthesis (``∀x ∀y ... (``) counts one level per quantifier:
    a chain of 200,000 '∧' ended the import in a RecursionError (issue 17, item 6).
    """
    S.check_depth(
        tree,
        _levels,
        "group a long chain with parentheses, as in '(A ∧ B) ∧ (C ∧ D)', or split it into several premises",
    )


def _levels(node: lark.Tree[lark.Token], ops: int) -> int:
    data = str(node.data)
    if data in S._BINARY_RULES:
        return max(1, ops)
    if data == "quantified_group":
        return max(1, len(_QUANT_RUN.findall(str(node.children[0]))))
    return 0 if data == "start" else 1


def _parse_error(exc: UnexpectedInput, text: str) -> S.ParseError:
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        expected = ", ".join(sorted({_FOLIO_TOKENS.get(e, f"'{e.lower()}'") for e in exc.expected}))
        if tok.type == "$END":
            return S.ParseError(f"the formula ends too early; expected {expected}", len(text.rstrip()))
        pos = tok.start_pos if tok.start_pos is not None else 0
        hint = None
        if tok.type == "NAME" and "NAME" not in exc.expected:
            hint = "two names in a row: is a connective or a comma missing?"
        return S.ParseError(f"unexpected '{tok}' (near '{_near(text, pos)}'); expected {expected}", pos, hint)
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        ch = text[pos] if pos < len(text) else ""
        hints = {
            "&": "write '∧'",
            "|": "write '∨'",
            "~": "write '¬'",
            "!": "write '¬' (or '≠')",
            ".": "FOLIO writes a quantifier without a dot: '∀x (P(x))'",
            ":": "FOLIO variables have no sort: '∀x (P(x))'",
        }
        return S.ParseError(f"unexpected character {ch!r} (near '{_near(text, pos)}')", pos, hints.get(ch))
    return S.ParseError(str(exc), 0)  # pragma: no cover - LALR reports the end as a token


_QUANT_RUN = re.compile(r"([∀∃])\s*(\w+)")
_OPS = {"⟷": "iff", "⇔": "iff", "<->": "iff", "⟶": "implies", "⇒": "implies", "->": "implies"}


def _canon(op: str) -> str:
    return _OPS.get(op) or S._canon(op)


def _build(t: lark.Tree[lark.Token] | lark.Token, ctx: str) -> S.Expr:
    """Build a syntax node; ``ctx`` is ``formula`` or ``term`` (argument position)."""
    assert isinstance(t, lark.Tree)
    pos, end = S._span(t)
    data = str(t.data)
    ch = t.children
    if data == "not_":
        return S.Unary("not", _build(ch[1], "formula"), pos, end)
    if data == "quantified":
        kind = _canon(str(ch[0]))
        return S.Quant(kind, ((str(ch[1]), None),), _build(ch[2], "formula"), pos, end)
    if data == "quantified_group":  # "∀x ∃y (" body ")": one quantifier per variable, innermost last
        body = _build(ch[1], "formula")
        for q, var in reversed(_QUANT_RUN.findall(str(ch[0]))):
            body = S.Quant(_canon(q), ((var, None),), body, pos, end)
        return body
    if data in ("pred_call", "func_call"):
        return S.Call(str(ch[0]), tuple(_build(a, "term") for a in ch[1:]), None, pos, end)
    if data in ("proposition", "name"):
        return S.Name(str(ch[0]), None, pos, end)
    if data == "comparison":
        return S.Binary(_canon(str(ch[1])), _build(ch[0], "term"), _build(ch[2], "term"), pos, end)
    if data == "iff" and len(ch) > 3:  # A ↔ B ↔ C: all equivalent, (A ↔ B) ∧ (B ↔ C)
        parts = [_build(ch[i], ctx) for i in range(0, len(ch), 2)]
        links = [S.Binary("iff", a, b, a.pos, b.end) for a, b in itertools.pairwise(parts)]
        chain = links[0]
        for link in links[1:]:
            chain = S.Binary("and", chain, link, chain.pos, link.end)
        return chain
    # a chain "a op b op c": left-associative, except → (the grammar nests it to the right)
    left = _build(ch[0], ctx)
    for i in range(1, len(ch), 2):
        right = _build(ch[i + 1], ctx)
        left = S.Binary(_canon(str(ch[i])), left, right, left.pos, right.end)
    return left


# --------------------------------------------------------------------------- places in the input


@attrs.frozen
class Formula:
    """A FOLIO formula as written, and the place of each of its characters in the input file."""

    text: str
    path: str
    line: int
    cols: tuple[int, ...] = attrs.field(eq=False, repr=False)  # one per character, and one past the end
    what: str = attrs.field(default="formula", eq=False)  # "premise 3 of example 1014", for messages

    def span(self, start: int, end: int | None = None) -> Span:
        """The place of characters ``start:end`` in the input file."""

        def col(i: int) -> int:
            return self.cols[max(0, min(i, len(self.cols) - 1))] if self.cols else 0

        if end is None or end < 0:
            return Span(self.path, self.line, col(start))
        return Span(self.path, self.line, col(start), self.line, col(end))

    @classmethod
    def plain(cls, text: str, path: str = "<folio>", line: int = 1) -> Formula:
        """A formula whose columns are its own offsets (a formula given as a string)."""
        return cls(text, path, line, tuple(range(len(text) + 1)))


@attrs.frozen(kw_only=True)
class Example:
    """One FOLIO example: a story's premises, one conclusion and its gold label."""

    example_id: str
    story_id: str
    label: str
    premises: tuple[str, ...]
    premises_fol: tuple[Formula, ...]
    conclusion: str
    conclusion_fol: Formula
    line: int


def _string_cols(raw: str, start: int) -> tuple[str, tuple[int, ...]]:
    """Decode the JSON string starting at ``raw[start]`` (a quote); the column of each decoded character."""
    text, end = json.decoder.scanstring(raw, start + 1)  # type: ignore[attr-defined]
    cols: list[int] = []
    i = start + 1
    while i < end - 1:
        cols.append(i)
        if raw[i] != "\\":
            i += 1
        elif raw[i + 1] != "u":
            i += 2
        else:
            cp = int(raw[i + 2 : i + 6], 16)
            i += 6
            if 0xD800 <= cp < 0xDC00 and raw[i : i + 2] == "\\u" and 0xDC00 <= int(raw[i + 2 : i + 6], 16) < 0xE000:
                i += 6  # a surrogate pair decodes to one character
    cols.append(end - 1)
    if len(cols) != len(text) + 1:  # pragma: no cover - defensive: fall back to the string's start
        cols = [start] * (len(text) + 1)
    return text, tuple(cols)


def _skip_ws(raw: str, i: int) -> int:
    while i < len(raw) and raw[i] in " \t\r\n":
        i += 1
    return i


def _value_starts(raw: str) -> dict[str, int]:
    """Where the value of each top-level key of the JSON object on ``raw`` starts."""
    dec = json.JSONDecoder()
    out: dict[str, int] = {}
    i = _skip_ws(raw, 0) + 1  # past "{"
    while True:
        i = _skip_ws(raw, i)
        if i >= len(raw) or raw[i] != '"':
            return out
        key, i = json.decoder.scanstring(raw, i + 1)  # type: ignore[attr-defined]
        i = _skip_ws(raw, i) + 1  # past ":"
        i = _skip_ws(raw, i)
        out[key] = i
        _, i = dec.raw_decode(raw, i)
        i = _skip_ws(raw, i)
        if i < len(raw) and raw[i] == ",":
            i += 1


def _strings_at(raw: str, start: int) -> list[tuple[str, tuple[int, ...]]]:
    """The strings of a JSON string or list of strings at ``start``, with their columns."""
    if raw[start] == '"':
        return [_string_cols(raw, start)]
    dec = json.JSONDecoder()
    out: list[tuple[str, tuple[int, ...]]] = []
    i = start + 1
    while True:
        i = _skip_ws(raw, i)
        if i >= len(raw) or raw[i] == "]":
            return out
        if raw[i] == '"':
            out.append(_string_cols(raw, i))
        _, i = dec.raw_decode(raw, i)
        i = _skip_ws(raw, i)
        if i < len(raw) and raw[i] == ",":
            i += 1


def _split_lines(text: str, cols: tuple[int, ...]) -> list[tuple[str, tuple[int, ...]]]:
    """Split a newline-separated string into its non-blank lines, keeping columns."""
    out = []
    start = 0
    for piece in text.split("\n"):
        if piece.strip():
            out.append((piece, cols[start : start + len(piece) + 1]))
        start += len(piece) + 1
    return out


ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]+")
"""What may not be part of an id (an example id here, a story's folder in the importer): each run becomes ``-``."""


def read_folio(path: str | os.PathLike[str], sink: DiagnosticSink) -> list[Example]:
    """Read a FOLIO JSON Lines file; every problem goes to ``sink`` with line and column.

    Both layouts are accepted: ``premises`` and ``premises-FOL`` as one
    newline-separated string or as a list; labels ``True``, ``False``,
    ``Uncertain`` or ``Unknown``; ``story_id`` and ``example_id`` may be
    missing (examples are then numbered by row, and rows with the same
    premises form one story).
    """
    p = Path(path)
    text = read_text(p, sink)
    if text is None:
        return []
    shown = display_path(p)
    sink.remember_text(shown, text)
    rows: list[tuple[int, dict[str, Any], str]] = []
    for n, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            sink.error(Span(shown, n, exc.colno - 1), E.JSON_SYNTAX, f"invalid JSON: {exc.msg}")
            continue
        if not isinstance(obj, dict):
            sink.error(Span(shown, n, 0), E.JSON_SYNTAX, "each line must be a JSON object (one FOLIO example)")
            continue
        if "\\u" in raw and _holds_surrogate(obj):
            esc = next((m for m in _SURROGATE_ESCAPE.finditer(raw) if m.group(1) is None), None)
            what = f"the escape {esc.group()}" if esc is not None else "a \\u escape"
            sink.error(
                Span(shown, n, esc.start() if esc is not None else 0),
                E.BAD_VALUE,
                f"{what} is half of a UTF-16 surrogate pair, not a Unicode character: no dataset could hold this text",
            )
            continue
        rows.append((n, obj, raw))
    if not rows and not sink.errors:
        sink.error(Span(shown, 1, 0), E.NO_CLAIMS, f"'{shown}' holds no FOLIO examples")
    examples: list[Example] = []
    seen_ids: dict[str, int] = {}
    for k, (n, obj, raw) in enumerate(rows, start=1):
        ex = _read_row(shown, n, k, obj, raw, sink)
        if ex is None:
            continue
        if ex.example_id in seen_ids:
            sink.error(
                Span(shown, n, 0),
                E.DUPLICATE_ID,
                f"example_id {ex.example_id} is used twice (first on line {seen_ids[ex.example_id]})",
            )
            continue
        seen_ids[ex.example_id] = n
        examples.append(ex)
    return examples


# a high surrogate's escape with the low one after it (group 1: a pair, one character), or a lone one
_SURROGATE_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(\\u[dD][c-fC-F][0-9a-fA-F]{2})?"
    r"|\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _holds_surrogate(value: object) -> bool:
    """Whether JSON text holds a lone surrogate (``"\\ud800"``; a pair makes one character)."""
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(_holds_surrogate(k) or _holds_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_surrogate(v) for v in value)
    return False


def _read_row(shown: str, n: int, k: int, obj: dict[str, Any], raw: str, sink: DiagnosticSink) -> Example | None:
    starts = _value_starts(raw)

    def where(key: str) -> Span:
        return Span(shown, n, starts.get(key, 0))

    ok = True
    fields: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
    for key in ("premises", "premises-FOL", "conclusion", "conclusion-FOL"):
        v = obj.get(key)
        if v is None:
            sink.error(
                Span(shown, n, 0),
                E.MISSING_FIELD,
                f"line {n} has no '{key}' field",
                E.did_you_mean(key, list(obj), "fields"),
            )
            ok = False
            continue
        single = key.startswith("conclusion")
        if not (isinstance(v, str) or (not single and isinstance(v, list) and all(isinstance(x, str) for x in v))):
            sink.error(
                where(key),
                E.FIELD_TYPE,
                f"'{key}' must be text{'' if single else ' (one line per premise) or a list of texts'}",
            )
            ok = False
            continue
        strings = _strings_at(raw, starts[key])
        fields[key] = [line for s, c in strings for line in _split_lines(s, c)] if not single else strings
    label = _label(obj.get("label"))
    if label is None:
        sink.error(
            where("label") if "label" in obj else Span(shown, n, 0),
            E.BAD_VALUE,
            f"the label must be one of True, False, Uncertain (or Unknown), not {obj.get('label')!r}",
        )
        ok = False
    if not ok:
        return None
    assert label is not None
    eid = ID_UNSAFE.sub("-", str(obj["example_id"])) if obj.get("example_id") is not None else str(k)
    sid = str(obj["story_id"]) if obj.get("story_id") is not None else ""
    premises = tuple(s.strip() for s, _ in fields["premises"])
    fols = fields["premises-FOL"]
    if len(premises) != len(fols):
        sink.warning(
            where("premises-FOL"),
            E.FOLIO_PREMISES,
            f"example {eid} has {len(premises)} premise sentences but {len(fols)} formulas; "
            "each formula is quoted with all the premises",
            "give one formula per premise sentence",
        )
        premises = (" ".join(premises),) * len(fols)
    pf = tuple(Formula(s, shown, n, c, f"premise {i} of example {eid}") for i, (s, c) in enumerate(fols, 1))
    ((ctext, ccols),) = fields["conclusion-FOL"][:1] or [("", (starts.get("conclusion-FOL", 0),))]
    conclusion = " ".join(s for s, _ in fields["conclusion"]).strip()
    return Example(
        example_id=eid,
        story_id=sid,
        label=label,
        premises=premises,
        premises_fol=pf,
        conclusion=conclusion,
        conclusion_fol=Formula(ctext, shown, n, ccols, f"the conclusion of example {eid}"),
        line=n,
    )


def _label(v: object) -> str | None:
    if isinstance(v, bool):
        return "True" if v else "False"
    if not isinstance(v, str):
        return None
    low = v.strip().lower()
    return {"true": "True", "false": "False", "uncertain": "Uncertain", "unknown": "Uncertain"}.get(low)


# --------------------------------------------------------------------------- reading formulas


@attrs.frozen
class Read:
    """A FOLIO formula read for import: its syntax tree, or None when it cannot be read."""

    formula: Formula
    expr: S.Expr | None
    text: str  # the text that was parsed (after repairs)
    index: tuple[int, ...] = attrs.field(eq=False, repr=False)  # offset in ``text`` -> offset in the formula
    repairs: tuple[str, ...] = ()

    def span(self, start: int, end: int | None = None) -> Span:
        """The place in the input of offsets ``start:end`` of the parsed text."""

        def orig(i: int) -> int:
            return self.index[max(0, min(i, len(self.index) - 1))]

        return self.formula.span(orig(start), None if end is None or end < 0 else orig(end))


_NAME_BEFORE = re.compile(r"[\w-]+\s*$")


def _opens_arguments(text: str, i: int) -> bool:
    """Whether the ``(`` at ``text[i]`` opens an argument list: it follows a name that is not a
    quantifier's variable (``P(``, not ``∀x(``)."""
    m = _NAME_BEFORE.search(text, 0, i)
    return m is not None and not text[: m.start()].rstrip().endswith(("∀", "∃"))


VARIABLE_NAME = re.compile(r"^[u-z]$")
"""A name in argument position that no quantifier binds is a free variable when it matches this (``x``,
``y``: the variable letters of Prover9); any other such name is a constant."""


def free_occurrences(e: S.Expr, bound: frozenset[str] = frozenset(), ctx: str = "formula") -> int:
    """How many times a free variable (:data:`VARIABLE_NAME`, bound by no quantifier) occurs in ``e``."""
    if isinstance(e, S.Quant):
        return free_occurrences(e.body, bound | {v for v, _ in e.binders})
    if isinstance(e, S.Unary):
        return free_occurrences(e.arg, bound)
    if isinstance(e, S.Binary):
        sub = "term" if e.op in ("=", "!=") else "formula"
        return free_occurrences(e.left, bound, sub) + free_occurrences(e.right, bound, sub)
    if isinstance(e, S.Call):
        return sum(free_occurrences(a, bound, "term") for a in e.args)
    assert isinstance(e, S.Name)
    return int(ctx == "term" and e.name not in bound and VARIABLE_NAME.match(e.name) is not None)


def closure_impossible(e: S.Expr, bound: frozenset[str] = frozenset()) -> bool:
    """Whether the universal closure of ``e`` is false in every model, as seen on its face: a conjunct
    of ``e`` (reached through ``∧`` and ``∃`` only) is ``¬(u = v)`` or ``u ≠ v`` with ``u`` and ``v``
    free variables. The closure says it for ``u`` and ``v`` the same individual, which is false; and a
    conjunction (under any ``∃``) with a false conjunct is false."""
    if isinstance(e, S.Quant):
        return e.kind == "exists" and closure_impossible(e.body, bound | {v for v, _ in e.binders})
    if isinstance(e, S.Binary) and e.op == "and":
        return closure_impossible(e.left, bound) or closure_impossible(e.right, bound)
    if isinstance(e, S.Unary) and e.op == "not" and isinstance(e.arg, S.Binary) and e.arg.op == "=":
        e = S.Binary("!=", e.arg.left, e.arg.right, e.pos, e.end)
    if isinstance(e, S.Binary) and e.op == "!=":
        return all(
            isinstance(t, S.Name) and t.name not in bound and VARIABLE_NAME.match(t.name) is not None
            for t in (e.left, e.right)
        )
    return False


def _balance(text: str, drop: frozenset[int]) -> tuple[str, tuple[int, ...], list[tuple[int, str]]]:
    """Drop the ``)`` at the offsets ``drop`` (they must leave no ``)`` unmatched), then deal with every
    ``(`` that is never closed: dropped when it only groups, closed at the end when it opens arguments."""
    kept = [i for i in range(len(text)) if i not in drop]
    t = "".join(text[i] for i in kept)
    _, never_closed = unbalanced(t)
    done: list[tuple[int, str]] = []
    gone: set[int] = set()
    for j in never_closed:
        if _opens_arguments(t, j):
            done.append((kept[j], "closed the argument list '(' at the end of the formula"))
        else:
            gone.add(j)
            done.append((kept[j], "dropped the '(' that is never closed"))
    close = len(never_closed) - len(gone)
    index = [kept[j] for j in range(len(t)) if j not in gone]
    new = "".join(t[j] for j in range(len(t)) if j not in gone) + ")" * close
    return new, tuple(index + [len(text)] * (close + 1)), done


def _repair_rank(text: str, drop: frozenset[int]) -> tuple[int, int]:
    """How good dropping the ``)`` at ``drop`` is: whether the result parses, then (higher is better)
    minus the number of free variable occurrences it leaves."""
    new, _, _ = _balance(text, drop)
    try:
        expr = parse_folio(new)
    except S.ParseError:
        return (0, 0)
    return (1, -free_occurrences(expr))


_REPAIR_SEARCH = (1000, 4, 16)
"""The bounds of :func:`repair`'s search: formulas up to this many characters, this many unmatched ``)``
searched, this many candidates each (FOLIO's formulas have under 400 characters and at most 2 to repair)."""


def repair(text: str) -> tuple[str, tuple[int, ...], list[tuple[int, str]]]:
    """Balance the parentheses of ``text``: the repaired text, its offsets in ``text``, and what was done.

    Each ``)`` that closes nothing (scanning left to right) means that one ``)``
    up to it is one too many. Dropping the unmatched one itself is wrong when an
    earlier ``)`` closed a quantifier's group too soon: ``∀x (P(x) ∧ Q(x)) →
    R(x))`` would read ``(∀x (P(x) ∧ Q(x))) → R(x)`` with ``x`` free. So every
    ``)`` up to the unmatched one is a candidate (dropping any of them leaves no
    ``)`` unmatched before the next unmatched one), and the one chosen is, in
    order: one whose result parses, one that leaves the fewest free variable
    occurrences (the quantifier keeps its variables in scope), the last one
    (the unmatched ``)`` itself when nothing is better). The later unmatched
    ``)`` are dropped as they are while an earlier one is chosen, then chosen
    in turn. The search parses the formula once per candidate, so it is
    bounded (:data:`_REPAIR_SEARCH`): in a longer formula, or past that many
    unmatched ``)``, each unmatched ``)`` is dropped itself, and only the
    nearest candidates before it are tried. A ``(`` that is never closed is
    dropped when it only groups (the formula then reads as if it were not
    there), and closed at the end when it opens an argument list.
    """
    extra, _ = unbalanced(text)
    chars, unmatched, nearest = _REPAIR_SEARCH
    chosen: list[int] = []
    for k, e in enumerate(extra):
        rest = extra[k + 1 :]
        if len(text) > chars or k >= unmatched:
            chosen.append(e)
            continue
        candidates = [i for i in range(e + 1) if text[i] == ")" and i not in chosen][-nearest:]
        best = max(candidates, key=lambda c: (_repair_rank(text, frozenset([*chosen, c, *rest])), c))
        chosen.append(best)
    new, index, done = _balance(text, frozenset(chosen))
    for c, e in zip(chosen, extra, strict=True):
        what = (
            "dropped the unmatched ')'"
            if c == e
            else f"dropped the ')' at character {c + 1}, which closed a group too soon "
            f"(dropping the unmatched ')' at character {e + 1} would leave a variable outside its quantifier)"
        )
        done.append((c, what))
    return new, index, sorted(done)


_GLUED = re.compile(r"[∀∃]\s*([a-z]\d*)(?=[A-Z])")
"""A quantifier's variable glued to its body, ``∀xP(x)``; the grammar reads it as ``∀x P(x)``."""


def read_formula(f: Formula, sink: DiagnosticSink, *, repair_parens: bool = True) -> Read:
    """Parse ``f``; on unbalanced parentheses warn and repair (unless told not to); errors go to ``sink``."""
    if len(f.text) > DEFAULT_LIMITS.formula_chars:
        # parsing takes seconds per megabyte (a claim file's formula has the same bound)
        sink.error(
            f.span(0),
            E.TOO_LARGE,
            f"{f.what} is too long ({len(f.text):,} characters, over the limit "
            f"of {DEFAULT_LIMITS.formula_chars:,} of a formula)",
        )
        return Read(f, None, f.text, (0,))
    identity = tuple(range(len(f.text) + 1))
    for m in _GLUED.finditer(f.text):
        sink.warning(
            f.span(m.start(1)),
            E.FOLIO_REPAIRED,
            f"in {f.what}: the variable is glued to the formula after it; read as "
            f"'{f.text[m.start() : m.end(1)]} {f.text[m.end(1) : m.end(1) + 12]}…'",
            "put a space after the quantifier's variable",
        )
    try:
        return Read(f, parse_folio(f.text), f.text, identity)
    except S.ParseError as exc:
        extra, never_closed = unbalanced(f.text)
        if not (repair_parens and (extra or never_closed)):
            sink.error(f.span(exc.pos), E.FORMULA_SYNTAX, f"in {f.what}: {exc.message}", exc.hint)
            return Read(f, None, f.text, identity)
    new, index, done = repair(f.text)
    r = Read(f, None, new, index)
    try:
        expr = parse_folio(new)
    except S.ParseError as exc:
        sink.error(
            r.span(exc.pos), E.FORMULA_SYNTAX, f"in {f.what}: {exc.message} (after balancing its parentheses)", exc.hint
        )
        return r
    for i, what in done:
        sink.warning(
            f.span(i),
            E.FOLIO_REPAIRED,
            f"in {f.what}: unbalanced parentheses: {what}",
            "check the reading in the claim file against the English sentence",
        )
    return attrs.evolve(r, expr=expr, repairs=tuple(f"{what} at character {i + 1}" for i, what in done))
