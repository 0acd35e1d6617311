"""The FOLIO importer and the conformance run.

FOLIO (Han et al., EMNLP 2024) writes untyped first-order logic; its parser
and reader are the FOLIO front end (:mod:`claims._front.folio`). This module
names the symbols of what that reads, gives every variable and constant the
one open sort :data:`SORT`, and writes each FOLIO story as an ordinary claim
dataset (premises as facts, each example's conclusion as a conclusion).
Everything after that is the normal pipeline: ``claims.load`` resolves the
files, ``claims.check`` encodes and solves them. There is no second solving
path: the conformance run checks the very files the importer writes.

Reading choices, each documented in ``docs/folio.md`` (the dialect's own are
in :mod:`claims._front.folio`):

* A name in argument position that no quantifier binds is a constant, except
  a single lower-case letter with optional digits (``x``, ``y1``), which is a
  *free variable* (NLTK's convention for FOLIO-style logic); a formula with
  free variables is read as their universal closure, as Prover9 reads it. The
  linter warns about each one.
* A formula with unbalanced parentheses is repaired
  (:func:`claims._front.folio.read_formula`), and the claim keeps the FOLIO
  text in its note.
* Names are kept when they are names of our language; others are mapped to
  one deterministically (:func:`safe_name`): non-ASCII letters are
  transliterated (``świątek`` → ``swiatek``), a leading digit gets ``_``
  (``2008SummerOlympics`` → ``_2008SummerOlympics``), ``-``, ``.`` and
  apostrophes become ``_`` (``mr.smith`` → ``mr_smith``),
  keywords get a trailing ``_`` (``is`` → ``is_``). One name used with two
  arities is two symbols (``Invite`` and ``Invite_4``), as in Prover9.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from claims._base import errors as E
from claims._base.errors import Diagnostic, DiagnosticSink, InputError, Span, printable
from claims._front import syntax as S
from claims._front.folio import (
    ID_UNSAFE,
    LABELS,
    VARIABLE_NAME,
    Example,
    Formula,
    Read,
    closure_impossible,
    read_folio,
    read_formula,
)
from claims._front.inputs import display_path
from claims._front.lint import Use, lint
from claims._report.registry import Formats
from claims._run.api import check
from claims._run.loader import load

SORT = "U"
"""The one sort of every FOLIO variable and constant: an open (uninterpreted) sort."""

SAID = "2000-01-01"
"""FOLIO has no dates; every imported claim is said on this placeholder day."""

CLAIMS_FILE = "claims.yaml"
DOCUMENT_FILE = "story.txt"

VERDICT_LABEL = {"supported": "True", "refuted": "False", "unsupported": "Uncertain"}
"""How a verdict answers a FOLIO question; ``vacuous``, ``unknown`` and ``error`` answer nothing."""


_RESERVED = S._KEYWORDS | {SORT, "bool", "int", "real", "date"}


# --------------------------------------------------------------------------- stories


@attrs.frozen
class Story:
    """The examples that share one story (one set of premises): one claim dataset."""

    story_id: str
    name: str  # the dataset's directory name
    examples: tuple[Example, ...]

    @property
    def premises(self) -> tuple[str, ...]:
        return self.examples[0].premises

    @property
    def premises_fol(self) -> tuple[Formula, ...]:
        return self.examples[0].premises_fol


_MAX_ID_IN_NAME = 80
"""Characters of a story_id kept in its folder's name; a longer id is cut and given a digest."""


def _folder_part(sid: str) -> str:
    """``sid`` as part of a folder name: safe characters, and short enough for any file system.

    A file name has at most 255 bytes; a 10,000-character ``story_id`` made the import fail with
    ``File name too long`` (issue 17, item 6). A longer id keeps its first characters and gets
    12 hex digits of its SHA-256, so different ids still get different folders.
    """
    part = ID_UNSAFE.sub("-", sid)
    if len(part) <= _MAX_ID_IN_NAME:
        return part
    digest = hashlib.sha256(sid.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{part[: _MAX_ID_IN_NAME - 13]}-{digest}"


def stories(examples: Sequence[Example]) -> list[Story]:
    """Group examples into stories: same ``story_id`` and same premises.

    Rows without a ``story_id`` are grouped by their premises and numbered in
    order of appearance, skipping the numbers the file uses itself.
    """
    groups: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[Example]] = {}
    for ex in examples:
        key = (ex.story_id, ex.premises, tuple(f.text for f in ex.premises_fol))
        groups.setdefault(key, []).append(ex)
    used = {sid for (sid, _, _) in groups if sid}
    counter = 0
    per_id: Counter[str] = Counter()
    out = []
    for (given, _, _), exs in groups.items():
        sid = given
        if not sid:
            counter += 1
            while str(counter) in used:
                counter += 1
            sid = str(counter)
        per_id[sid] += 1
        name = "story-" + _folder_part(sid) + (f"-{per_id[sid]}" if per_id[sid] > 1 else "")
        out.append(Story(sid, name, tuple(attrs.evolve(e, story_id=sid) for e in exs)))
    return out


# --------------------------------------------------------------------------- symbols and names


@attrs.frozen(order=True)
class Sym:
    """A FOLIO symbol: its kind (``pred``, ``func`` or ``const``), name as written and arity."""

    kind: str
    name: str
    arity: int


def _walk(
    e: S.Expr,
    ctx: str,
    bound: frozenset[str],
    r: Read,
    group: str,
    uses: list[Use],
    syms: list[Sym],
    free: list[str],
    constants: bool = False,
) -> None:
    """Collect the symbols of ``e``, its free variables, and every use with its place.

    With ``constants`` (the reading ``--free-variables constant``) a free variable is
    also a constant symbol, and its uses are uses of that constant."""
    if isinstance(e, S.Quant):
        _walk(e.body, "formula", bound | {v for v, _ in e.binders}, r, group, uses, syms, free, constants)
    elif isinstance(e, S.Unary):
        _walk(e.arg, "formula", bound, r, group, uses, syms, free, constants)
    elif isinstance(e, S.Binary):
        sub = "term" if e.op in ("=", "!=") else "formula"
        _walk(e.left, sub, bound, r, group, uses, syms, free, constants)
        _walk(e.right, sub, bound, r, group, uses, syms, free, constants)
    elif isinstance(e, S.Call):
        kind = "pred" if ctx == "formula" else "func"
        syms.append(Sym(kind, e.name, len(e.args)))
        uses.append(
            Use(name=e.name, kind=kind, arity=len(e.args), span=r.span(e.pos, e.pos + len(e.name)), group=group)
        )
        for a in e.args:
            _walk(a, "term", bound, r, group, uses, syms, free, constants)
    elif isinstance(e, S.Name):
        span = r.span(e.pos, e.end)
        if ctx == "formula":
            syms.append(Sym("pred", e.name, 0))
            uses.append(Use(name=e.name, kind="pred", arity=0, span=span, group=group))
        elif e.name in bound:
            pass
        elif VARIABLE_NAME.match(e.name):
            if e.name not in free:
                free.append(e.name)
            if constants:
                syms.append(Sym("const", e.name, 0))
            uses.append(Use(name=e.name, kind="const" if constants else "free", arity=0, span=span, group=group))
        else:
            syms.append(Sym("const", e.name, 0))
            uses.append(Use(name=e.name, kind="const", arity=0, span=span, group=group))


_TRANSLIT = {
    "ł": "l",
    "Ł": "L",
    "ø": "o",
    "Ø": "O",
    "ß": "ss",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "þ": "th",
    "Þ": "Th",
    "ı": "i",
}


def safe_name(name: str) -> str:
    """A name of our language for a FOLIO name (before clashes are resolved); same input, same output.

    ASCII letters, digits and ``_`` are kept; other letters are transliterated
    (``ś`` → ``s``) or written as ``uXXXX``; ``-``, ``.`` and an apostrophe
    (``'`` or U+2019) become ``_``; a leading
    digit gets a leading ``_``; a keyword or a sort name gets a trailing ``_``.
    """
    out = []
    for ch in name:
        if ch.isascii() and (ch.isalnum() or ch == "_"):
            out.append(ch)
        elif ch in "-.'\u2019":
            out.append("_")
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if c.isascii() and c.isalnum())
            out.append(base or _TRANSLIT.get(ch) or f"u{ord(ch):04x}")
    s = "".join(out) or "_"
    if s[0].isdigit():
        s = "_" + s
    if s in _RESERVED:
        s += "_"
    return s


def assign_names(syms: Iterable[Sym]) -> dict[Sym, str]:
    """Give every FOLIO symbol a distinct name of our language, deterministically.

    A symbol keeps its :func:`safe_name` unless another symbol wants the same
    name: then the first (in the order kind, name, arity) keeps it and the
    others get a suffix: ``_N`` for a predicate or function of arity N, ``_c``
    for a constant, then a counter when that is taken too.
    """
    want: dict[str, list[Sym]] = defaultdict(list)
    for s in sorted(set(syms), key=lambda s: (s.name, ("pred", "func", "const").index(s.kind), s.arity)):
        want[safe_name(s.name)].append(s)
    taken = set(want)
    out: dict[Sym, str] = {}
    for base, group in sorted(want.items()):
        out[group[0]] = base
        for s in group[1:]:
            cand = f"{base}_{'c' if s.kind == 'const' else s.arity}"
            k = 2
            while cand in taken:
                cand = f"{base}_{'c' if s.kind == 'const' else s.arity}_{k}"
                k += 1
            taken.add(cand)
            out[s] = cand
    return out


def _translate(e: S.Expr, ctx: str, names: dict[Sym, str], vars_: dict[str, str], constants: bool = False) -> S.Expr:
    """The syntax tree of our language for a FOLIO tree: safe names, binders of sort :data:`SORT`;
    with ``constants``, a free variable is the constant of its name."""
    if isinstance(e, S.Quant):
        inner = dict(vars_)
        binders = []
        for v, _ in e.binders:
            inner[v] = _var_name(v)
            binders.append((inner[v], SORT))
        body = _translate(e.body, "formula", names, inner, constants)
        # ∀x ∀y φ prints as "forall x: U, y: U. φ"
        if (
            isinstance(body, S.Quant)
            and body.kind == e.kind
            and not {b for b, _ in binders} & {b for b, _ in body.binders}
        ):
            return S.Quant(e.kind, (*binders, *body.binders), body.body, e.pos, e.end)
        return S.Quant(e.kind, tuple(binders), body, e.pos, e.end)
    if isinstance(e, S.Unary):
        return S.Unary(e.op, _translate(e.arg, "formula", names, vars_, constants), e.pos, e.end)
    if isinstance(e, S.Binary):
        sub = "term" if e.op in ("=", "!=") else "formula"
        return S.Binary(
            e.op,
            _translate(e.left, sub, names, vars_, constants),
            _translate(e.right, sub, names, vars_, constants),
            e.pos,
            e.end,
        )
    if isinstance(e, S.Call):
        sym = Sym("pred" if ctx == "formula" else "func", e.name, len(e.args))
        return S.Call(
            names[sym], tuple(_translate(a, "term", names, vars_, constants) for a in e.args), None, e.pos, e.end
        )
    assert isinstance(e, S.Name)
    if ctx == "formula":
        return S.Name(names[Sym("pred", e.name, 0)], None, e.pos, e.end)
    if e.name in vars_:
        return S.Name(vars_[e.name], None, e.pos, e.end)
    if VARIABLE_NAME.match(e.name) and not constants:
        return S.Name(_var_name(e.name), None, e.pos, e.end)
    return S.Name(names[Sym("const", e.name, 0)], None, e.pos, e.end)


def _var_name(v: str) -> str:
    return safe_name(v)


def close_free(e: S.Expr, free: Sequence[str]) -> S.Expr:
    """The universal closure of ``e`` over its free variables (already in our names)."""
    if not free:
        return e
    binders = tuple((_var_name(v), SORT) for v in free)
    if isinstance(e, S.Quant) and e.kind == "forall" and not {b for b, _ in binders} & {b for b, _ in e.binders}:
        return S.Quant("forall", (*binders, *e.binders), e.body, e.pos, e.end)
    return S.Quant("forall", binders, e, e.pos, e.end)


# --------------------------------------------------------------------------- one story as a dataset


@attrs.frozen
class Converted:
    """A FOLIO formula in our language, with the uses the linter needs."""

    read: Read
    expr: S.Expr | None  # None when the FOLIO formula could not be read
    text: str | None
    uses: tuple[Use, ...]
    free: tuple[str, ...]
    constants: bool = False  # the free variables are read as constants


@attrs.frozen(kw_only=True)
class StoryDataset:
    """The files of one story's claim dataset, and what importing it found."""

    story: Story
    files: dict[str, str] = attrs.field(eq=False)  # relative path -> text
    conclusion_ids: dict[str, str] = attrs.field(eq=False)  # example id -> claim id
    failed: frozenset[str]  # example ids whose premises or conclusion could not be read
    diagnostics: tuple[Diagnostic, ...]  # parse errors and repairs, all examples
    premise_failed: bool = False  # a premise could not be read


def convert_story(story: Story, sink: DiagnosticSink, source: str, free_variables: str = "auto") -> StoryDataset:
    """Read a story's formulas, name its symbols and write its claim file and document.

    Premises are read once (from the story's first row); every diagnostic
    goes to ``sink`` and into the result. ``free_variables`` is the reading of
    a free variable (:data:`FREE_VARIABLE_READINGS`).
    """
    before = len(sink.items)
    prem_reads = [read_formula(f, sink) for f in story.premises_fol]
    concl_reads = [read_formula(ex.conclusion_fol, sink) for ex in story.examples]
    syms: list[Sym] = []
    converted: list[Converted] = []
    for k, r in enumerate([*prem_reads, *concl_reads]):
        converted.append(_convert(r, f"f{k}", syms, r.expr is not None and _as_constants(r.expr, free_variables)))
    names = assign_names(syms)
    texts: list[str | None] = []
    for c in converted:
        if c.expr is None:
            texts.append(None)
            continue
        ours = _translate(c.expr, "formula", names, {}, c.constants)
        if not c.constants:
            ours = close_free(ours, c.free)
        texts.append(S.to_text(ours))
    n = len(prem_reads)
    premise_failed = any(t is None for t in texts[:n])
    failed = frozenset(
        ex.example_id for ex, t in zip(story.examples, texts[n:], strict=True) if t is None or premise_failed
    )
    ids = {ex.example_id: f"c{ex.example_id}" for ex in story.examples}
    files = {
        f"{story.name}/{CLAIMS_FILE}": _claim_file(story, prem_reads, concl_reads, texts, names, ids, source),
        f"{story.name}/{DOCUMENT_FILE}": _document(story),
    }
    return StoryDataset(
        story=story,
        files=files,
        conclusion_ids=ids,
        failed=failed,
        diagnostics=tuple(sink.items[before:]),
        premise_failed=premise_failed,
    )


def _convert(r: Read, group: str, syms: list[Sym], constants: bool = False) -> Converted:
    if r.expr is None:
        return Converted(r, None, None, (), (), constants)
    uses: list[Use] = []
    free: list[str] = []
    _walk(r.expr, "formula", frozenset(), r, group, uses, syms, free, constants)
    return Converted(r, r.expr, None, tuple(uses), tuple(free), constants)


# What YAML does not allow raw in a file (DEL, the C1 controls, U+FFFE and U+FFFF) or reads as a
# line break (NEL, U+2028, U+2029): json.dumps leaves them raw, and the claim file would not load.
_YAML_RAW_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _yaml_escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _q(s: str) -> str:
    """A YAML double-quoted scalar that reads back as ``s`` (JSON strings are YAML)."""
    return _YAML_RAW_UNSAFE.sub(_yaml_escape, json.dumps(s, ensure_ascii=False))


def _comment(s: str) -> str:
    """``s`` in a YAML comment: on its line (a newline in a story_id must not start a key), and
    with nothing YAML refuses."""
    return _YAML_RAW_UNSAFE.sub(_yaml_escape, printable(s))


def _note(r: Read, prefix: str) -> str:
    repaired = f" (repaired: {'; '.join(r.repairs)})" if r.repairs else ""
    return f"{prefix}{repaired}: {r.formula.text.strip()}"


def _claim_file(
    story: Story,
    prem: Sequence[Read],
    concl: Sequence[Read],
    texts: Sequence[str | None],
    names: dict[Sym, str],
    ids: dict[str, str],
    source: str,
) -> str:
    out = [
        f"# FOLIO story {_comment(story.story_id)}, written by `claims import folio` from {_comment(source)}.",
        "# Premises are facts; each example's conclusion is a conclusion, with its FOLIO",
        "# formula and gold label in its note. FOLIO has no dates: 'said' is a placeholder.",
        f"document: {DOCUMENT_FILE}",
        "declarations: |",
        f"  sort {SORT}",
    ]
    for sym in sorted(names, key=lambda s: (("const", "func", "pred").index(s.kind), names[s])):
        ours = names[sym]
        args = ", ".join([SORT] * sym.arity)
        decl = {
            "const": f"const {ours}: {SORT}",
            "func": f"func {ours}({args}): {SORT}",
            "pred": f"pred {ours}({args})" if sym.arity else f"pred {ours}",
        }[sym.kind]
        out.append(f"  {decl}" + (f"  # FOLIO: {sym.name}" if ours != sym.name else ""))
    out += [
        "sources:",
        "  folio:",
        f"    name: {_q(f'FOLIO story {story.story_id}')}",
        f"    via: {_q(source)}",
        "claims:",
    ]
    n = len(prem)
    for i, (r, quote) in enumerate(zip(prem, story.premises, strict=True), start=1):
        pid = f"{story.name}-p{i}"  # claim ids are unique across files: `claims check DIR` reads them all
        if texts[i - 1] is None:
            out.append(f"  # {pid}: the FOLIO formula could not be read: {r.formula.text.strip()}")
            continue
        out += [
            f"  - id: {pid}",
            "    source: folio",
            f"    said: {SAID}",
            f"    quote: {_q(quote)}",
            f"    formula: {_q(str(texts[i - 1]))}",
            f"    note: {_q(_note(r, 'FOLIO'))}",
        ]
    for ex, r, text in zip(story.examples, concl, texts[n:], strict=True):
        cid = ids[ex.example_id]
        if text is None:
            out.append(f"  # {cid}: the FOLIO formula could not be read: {r.formula.text.strip()}")
            continue
        out += [
            f"  - id: {cid}",
            "    kind: conclusion",
            "    source: folio",
            f"    said: {SAID}",
            f"    quote: {_q(ex.conclusion)}",
            f"    formula: {_q(text)}",
            f"    note: {_q(_note(r, f'FOLIO example {ex.example_id}, gold label {ex.label}'))}",
        ]
    return "\n".join(out) + "\n"


def _document(story: Story) -> str:
    lines = [f"FOLIO story {story.story_id}", "", "Premises:"]
    lines += [f"{i}. {p}" for i, p in enumerate(dict.fromkeys(story.premises), start=1)]
    lines += ["", "Conclusions (one per example):"]
    lines += [f"{ex.example_id}. {ex.conclusion}" for ex in story.examples]
    return "\n".join(lines) + "\n"


def example_uses(ex: Example, sink: DiagnosticSink, free_variables: str = "auto") -> list[Use]:
    """The symbol uses of one example (its own row's premises and conclusion), for the linter.

    With the constant reading of free variables the linter sees them as constants, so the warning
    that says how each is read is written here."""
    uses: list[Use] = []
    syms: list[Sym] = []
    for k, f in enumerate([*ex.premises_fol, ex.conclusion_fol]):
        r = read_formula(f, sink)
        if r.expr is not None:
            c = _convert(r, f"{ex.example_id}/{k}", syms, _as_constants(r.expr, free_variables))
            uses.extend(c.uses)
            why = (
                "(--free-variables constant)"
                if free_variables == "constant"
                else "because 'for all' would make the formula false in every model: it says that two "
                "free variables differ, also when they are the same individual"
            )
            for v in c.free if c.constants else ():
                first = next(u for u in c.uses if u.name == v)
                sink.warning(
                    first.span,
                    E.FREE_VARIABLE,
                    f"variable '{v}' is not bound by any quantifier; it is read as a constant {why}",
                    "check the brackets around the quantifier, or write the constant that was meant",
                )
    return uses


# --------------------------------------------------------------------------- import


@attrs.frozen
class Imported:
    """What ``claims import folio`` wrote (or would write)."""

    stories: tuple[StoryDataset, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def files(self) -> dict[str, str]:
        return {p: t for s in self.stories for p, t in s.files.items()}


FREE_VARIABLE_READINGS = ("auto", "universal", "constant")
"""How a free variable can be read: ``universal`` closes its formula with a ``forall`` for it, as
Prover9 does; ``constant`` reads it as a constant of its name; ``auto`` (the default) reads it
universally unless that makes its formula false in every model on its face
(:func:`claims._front.folio.closure_impossible`: ``P(a) ∧ ¬(w = z)``), and then as a constant."""


def _as_constants(expr: S.Expr, free_variables: str) -> bool:
    """Whether the free variables of ``expr`` are read as constants (see :data:`FREE_VARIABLE_READINGS`)."""
    return free_variables == "constant" or (free_variables == "auto" and closure_impossible(expr))


def convert_file(path: str | os.PathLike[str], free_variables: str = "auto") -> Imported:
    """Read a FOLIO file and build every story's dataset in memory (``free_variables``: one of
    :data:`FREE_VARIABLE_READINGS`).

    Raises:
        InputError: when the file cannot be read as FOLIO (bad JSON, missing
            fields, bad labels); formulas that cannot be read are reported in
            the result instead, so that the rest can still be used.
    """
    sink = DiagnosticSink()
    examples = read_folio(path, sink)
    sink.raise_if_errors(InputError)
    source = Path(path).name
    done = tuple(convert_story(st, sink, source, free_variables) for st in stories(examples))
    return Imported(done, tuple(sorted(sink.items, key=lambda d: (d.span, d.code))))


def import_folio(
    path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    skip_invalid: bool = False,
    write: Callable[[str, str], None],
) -> Imported:
    """Write one claim dataset per FOLIO story under ``out_dir``.

    Nothing is written when a formula cannot be read (unless ``skip_invalid``:
    then the examples concerned are left out) or when a file to be written
    exists already (unless ``overwrite``); files that are not ours are never
    touched. ``write(path, text)`` writes one file atomically.

    Raises:
        InputError: every problem, with file, line and column.
    """
    imp = convert_file(path)
    errors = [d for d in imp.diagnostics if d.severity == "error"]
    if errors and not skip_invalid:
        raise InputError(errors)
    # a story with an unreadable premise would judge its conclusions on fewer premises: leave it out
    imp = attrs.evolve(imp, stories=tuple(sd for sd in imp.stories if not sd.premise_failed))
    files = imp.files
    if not overwrite:
        exist = [p for p in sorted(files) if (Path(out_dir) / p).exists()]
        if exist:
            more = f" and {len(exist) - 3} more" if len(exist) > 3 else ""
            shown = ", ".join(display_path(Path(out_dir) / p) for p in exist[:3])
            raise InputError(
                [
                    Diagnostic(
                        span=Span(display_path(Path(out_dir) / exist[0]), 1, 0),
                        code=E.FILE_EXISTS.code,
                        message=f"{len(exist)} file(s) to be written exist already: {shown}{more}; nothing was written",
                        severity="error",
                        hint="pass --overwrite to replace them, or choose another directory",
                    )
                ]
            )
    for p, text in sorted(files.items()):
        write(str(Path(out_dir) / p), text)
    return imp


def import_summary(imp: Imported, out_dir: str | os.PathLike[str]) -> str:
    """One line for a person: what was written where, and how to check it."""
    n = len(imp.stories)
    if not n:
        return "no story could be imported; nothing was written"
    first = display_path(Path(out_dir) / imp.stories[0].story.name)
    examples = sum(len(sd.story.examples) - len(sd.failed) for sd in imp.stories)
    return (
        f"wrote {n} dataset{'s' * (n != 1)} ({examples} conclusion{'s' * (examples != 1)}) under "
        f"{display_path(Path(out_dir))}; check them with: claims check {display_path(Path(out_dir))}"
        f" (or one: claims check {first})"
    )


# --------------------------------------------------------------------------- conformance


@attrs.frozen(kw_only=True)
class Outcome:
    """One example's result: the gold label, what the pipeline answered, and why it may differ."""

    example: Example
    got: str  # True False Uncertain, or vacuous unknown error
    verdict: str | None  # the verdict behind ``got`` (None on error)
    warnings: tuple[Diagnostic, ...]  # parse diagnostics and lint warnings of this example's row
    premises: tuple[str, ...] = ()  # claim ids of the premises of a supported/refuted verdict
    relevant: tuple[Diagnostic, ...] = ()  # the warnings that may explain a disagreement, most likely first
    reason: str | None = None  # why there is no answer (vacuous, unknown)

    @property
    def agree(self) -> bool:
        return self.got == self.example.label


@attrs.frozen
class Conformance:
    """The result of a conformance run, in the order of the input file."""

    path: str
    stories: int
    outcomes: tuple[Outcome, ...]

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def agree(self) -> int:
        return sum(o.agree for o in self.outcomes)

    def confusion(self) -> dict[str, dict[str, int]]:
        """Counts by gold label (rows) and answer (columns)."""
        table = {g: dict.fromkeys(GOT_COLUMNS, 0) for g in LABELS}
        for o in self.outcomes:
            table[o.example.label][o.got] += 1
        return table


GOT_COLUMNS = (*LABELS, "vacuous", "unknown", "error")


def run_conformance(
    path: str | os.PathLike[str],
    *,
    timeout: float | None = 10.0,
    progress: Callable[[int, int], None] | None = None,
    free_variables: str = "auto",
) -> Conformance:
    """Import a FOLIO file into a temporary directory, check every story with ``claims.check``, compare.

    Each story's files are exactly what ``claims import folio`` writes, loaded
    with :func:`claims.load`: the run measures the real pipeline.

    Raises:
        InputError: when the file cannot be read as FOLIO at all.
    """
    imp = convert_file(path, free_variables)
    outcomes: dict[str, Outcome] = {}
    with tempfile.TemporaryDirectory(prefix="claims-folio-") as tmp:
        for k, sd in enumerate(imp.stories, start=1):
            for rel, text in sd.files.items():
                target = Path(tmp) / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            verdicts: dict[str, Any] = {}
            load_errors: tuple[Diagnostic, ...] = ()
            if len(sd.failed) < len(sd.story.examples):
                try:
                    ds = load(Path(tmp) / sd.story.name)
                except InputError as err:  # pragma: no cover - the importer writes valid datasets
                    load_errors = err.diagnostics
                else:
                    report = check(ds, timeout=timeout, jobs=1)
                    verdicts = {v.claim.id: v for v in report.conclusions}
            for ex in sd.story.examples:
                outcomes[ex.example_id] = _outcome(ex, sd, verdicts, load_errors, free_variables)
            if progress is not None:
                progress(k, len(imp.stories))
    order = [ex.example_id for ex in _examples_in_file_order(imp)]
    return Conformance(display_path(Path(path)), len(imp.stories), tuple(outcomes[i] for i in order))


def _examples_in_file_order(imp: Imported) -> list[Example]:
    return sorted((ex for sd in imp.stories for ex in sd.story.examples), key=lambda e: e.line)


def _outcome(
    ex: Example,
    sd: StoryDataset,
    verdicts: dict[str, Any],
    load_errors: tuple[Diagnostic, ...],
    free_variables: str = "auto",
) -> Outcome:
    sink = DiagnosticSink()
    # this example's own row: parse diagnostics and the linter's warnings, placed on its line
    uses = example_uses(ex, sink, free_variables)
    warnings = tuple(sorted(dict.fromkeys([*sink.items, *lint(uses)]), key=lambda d: (d.span, d.code)))
    v = verdicts.get(sd.conclusion_ids[ex.example_id])
    vacuous = v is not None and v.verdict == "vacuous"
    relevant = rank_warnings([d for d in warnings if _may_explain(d, ex, uses)], ex, uses, vacuous=vacuous)
    if ex.example_id in sd.failed or v is None:
        return Outcome(
            example=ex,
            got="error",
            verdict=None,
            warnings=(*warnings, *load_errors),
            premises=(),
            relevant=(*load_errors, *relevant),
        )
    got = VERDICT_LABEL.get(v.verdict, v.verdict)
    if v.verdict == "vacuous":
        premises = tuple(c.id for c in v.contradictions[0].claims) if v.contradictions else ()
        return Outcome(
            example=ex,
            got=got,
            verdict=v.verdict,
            warnings=warnings,
            premises=premises,
            relevant=relevant,
            reason="the premises contradict each other",
        )
    return Outcome(
        example=ex,
        got=got,
        verdict=v.verdict,
        warnings=warnings,
        premises=tuple(p.id for p in v.premises),
        relevant=relevant,
        reason=v.reason,
    )


# A repair or a free variable changes what a formula says; two spellings of one symbol (or two
# arities) cut a chain of reasoning wherever they are. A symbol used once matters only when the
# conclusion is, or names, that symbol.
_ALWAYS_RELEVANT = {
    E.FOLIO_REPAIRED.code,
    E.FORMULA_SYNTAX.code,
    E.FREE_VARIABLE.code,
    E.SIMILAR_SYMBOLS.code,
    E.ARITY_MISMATCH.code,
}


def _touches_conclusion(d: Diagnostic, ex: Example, uses: Sequence[Use]) -> bool:
    """Whether ``d`` is placed in the conclusion of ``ex`` or names a symbol of the conclusion."""
    c = ex.conclusion_fol
    if d.span.line == c.line and c.cols and c.cols[0] <= d.span.column <= c.cols[-1]:
        return True
    in_conclusion = {u.name for u in uses if u.group.endswith(f"/{len(ex.premises_fol)}")}
    text = f"{d.message} {d.hint or ''}"
    return any(f"'{n}'" in text for n in in_conclusion)


# How likely each kind of warning explains a disagreement (lower is likelier). A symbol split in
# two (two spellings, two arities) cuts the chain of reasoning from the premises to the conclusion:
# the commonest cause of an Uncertain where the gold label is True or False. A repair or a free
# variable changes what a formula says: the likeliest cause of premises that contradict each other
# (a free variable read 'for all' says much more than the annotator meant).
_RANK = {
    E.FORMULA_SYNTAX.code: 0,
    E.SIMILAR_SYMBOLS.code: 1,
    E.ARITY_MISMATCH.code: 1,
    E.FOLIO_REPAIRED.code: 2,
    E.FREE_VARIABLE.code: 2,
}
_RANK_VACUOUS = {**_RANK, E.FOLIO_REPAIRED.code: 1, E.FREE_VARIABLE.code: 1, E.SIMILAR_SYMBOLS.code: 2}


def rank_warnings(
    warnings: Sequence[Diagnostic], ex: Example, uses: Sequence[Use], *, vacuous: bool = False
) -> tuple[Diagnostic, ...]:
    """The warnings that may explain a disagreement on ``ex``, most likely first.

    In order: a warning placed in the conclusion or naming one of its symbols before the others
    (the answer is about the conclusion); then by kind (:data:`_RANK`; when the premises contradict
    each other, ``vacuous``, a repair or a free variable first); then in order of place. The first is
    the one the conformance report names as the likely explanation.
    """
    order = _RANK_VACUOUS if vacuous else _RANK
    keyed = sorted(
        enumerate(warnings),
        key=lambda kd: (not _touches_conclusion(kd[1], ex, uses), order.get(kd[1].code, 3), kd[0]),
    )
    return tuple(d for _, d in keyed)


def _may_explain(d: Diagnostic, ex: Example, uses: Sequence[Use]) -> bool:
    """Whether a warning may explain the answer on ``ex``: it changes the reading of a formula or
    splits a symbol in two, it is placed in the conclusion, or it names a symbol of the conclusion."""
    return d.code in _ALWAYS_RELEVANT or _touches_conclusion(d, ex, uses)


FORMATS: Formats[Callable[[Conformance], str]] = Formats("claims conformance folio")
"""The formats of ``claims conformance folio`` (``--format``)."""


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "n/a"


def _summary(c: Conformance) -> list[str]:
    """The agreement line and the confusion table."""
    out = [
        (
            f"{c.total} examples in {c.stories} stories; agreement with the gold labels: "
            f"{c.agree}/{c.total} ({_pct(c.agree, c.total)})"
        ),
        "",
        "Confusion (rows: gold label, columns: answer)",
    ]
    table = c.confusion()
    cols = [g for g in GOT_COLUMNS if g in LABELS or any(table[r][g] for r in LABELS)]
    width = max(len(x) for x in cols) + 2
    out.append(" " * 11 + "".join(f"{x:>{width}}" for x in cols))
    for g in LABELS:
        out.append(f"  {g:<9}" + "".join(f"{table[g][x]:>{width}}" for x in cols))
    return out


def unexplained(c: Conformance) -> list[Outcome]:
    """The disagreements for which no warning may explain the answer (their causes are in docs/folio.md)."""
    return [o for o in c.outcomes if not o.agree and not o.relevant]


def doc_figures(c: Conformance) -> str:
    """The figures docs/folio.md shows for a run (a test checks that the doc holds exactly these)."""
    bad = [o for o in c.outcomes if not o.agree]
    left = unexplained(c)
    ids = ", ".join(o.example.example_id for o in left)
    return "\n".join(
        [
            "```",
            *_summary(c),
            "```",
            "",
            (
                f"For {len(bad) - len(left)} of the {len(bad)} disagreements the report names the warning most "
                f"likely to explain it; the other {len(left)} ({ids}) have none, and their causes are listed below."
            ),
        ]
    )


@FORMATS.register("text")
def _render_text(c: Conformance) -> str:
    out = [f"FOLIO conformance: {c.path}", *_summary(c)]
    bad = [o for o in c.outcomes if not o.agree]
    out += ["", f"Disagreements ({len(bad)})"]
    for o in bad:
        ex = o.example
        out += [
            "",
            f"  example {ex.example_id} (story {printable(ex.story_id)}, line {ex.line}): "
            f"gold {ex.label}, got {o.got}" + (f" ({printable(o.reason)})" if o.reason else ""),
            f"    conclusion: {printable(ex.conclusion)}",
            f"    FOLIO: {printable(ex.conclusion_fol.text.strip())}",
        ]
        if o.premises:
            what = "premises that contradict each other" if o.verdict == "vacuous" else "premises used"
            out.append(f"    {what}: {', '.join(o.premises)}")
        for k, d in enumerate(o.relevant):
            out.append(f"    {'likely: ' if k == 0 else ''}{d}")
        if len(o.warnings) > len(o.relevant):
            more = len(o.warnings) - len(o.relevant)
            out.append(
                f"    (and {more} other warning{'s' * (more != 1)} about symbols the conclusion "
                "does not use; --format json lists them)"
            )
    out += ["", f"Summary: {c.agree}/{c.total} agree ({_pct(c.agree, c.total)}), {len(bad)} disagree"]
    return "\n".join(out) + "\n"


def _diag_json(d: Diagnostic) -> dict[str, Any]:
    return {
        "path": d.span.path,
        "line": d.span.line,
        "column": d.span.column + 1,
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
        "hint": d.hint,
    }


@FORMATS.register("json")
def _render_json(c: Conformance) -> str:
    data = {
        "schema": "claims-folio-conformance/1",
        "path": c.path,
        "stories": c.stories,
        "total": c.total,
        "agree": c.agree,
        "confusion": c.confusion(),
        "examples": [
            {
                "example_id": o.example.example_id,
                "story_id": o.example.story_id,
                "line": o.example.line,
                "gold": o.example.label,
                "got": o.got,
                "verdict": o.verdict,
                "agree": o.agree,
                "conclusion": o.example.conclusion,
                "conclusion_fol": o.example.conclusion_fol.text,
                "premises_used": list(o.premises),
                "reason": o.reason,
                "likely_explanation": _diag_json(o.relevant[0]) if o.relevant and not o.agree else None,
                "warnings": [
                    dict(
                        _diag_json(d),
                        may_explain=d in o.relevant,
                        rank=o.relevant.index(d) + 1 if d in o.relevant else None,
                    )
                    for d in o.warnings
                ],
            }
            for o in c.outcomes
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
