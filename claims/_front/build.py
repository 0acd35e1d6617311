"""Building a dataset in code: :func:`claims.dataset` (claims from strings) and :func:`claims.with_claim`."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from pathlib import Path

import attrs

from claims._base import errors as E
from claims._base.errors import DiagnosticSink, InvalidClaim, Span
from claims._front.claimfile import CLAIM_ID_RE, Document, RawClaim, RawFile, RawSource
from claims._front.inputs import parse_given
from claims._front.model import KINDS, Claim, Context, Dataset, FileScope, Source, Term, row_of, rows
from claims._front.resolve import Typer, Vocabulary, may_be_vague, resolve, strict_reading, vocabulary_of
from claims._front.rulesets import RawRuleSet, load_rule_file, load_rule_text
from claims._front.syntax import parse_formula, to_text

CODE_PATH = "<claims>"
"""The one claim file of a dataset built with :func:`dataset`."""


def dataset(
    claims: Iterable[tuple[str, str, str] | tuple[str, str, str, str]],
    *,
    rules: str = "",
    said: datetime.date | str = "2000-01-01",
    source: str = "unknown",
    document: str | None = None,
) -> Dataset:
    """Build a dataset in code.

    Args:
        claims: ``(id, formula, quote)`` or ``(id, formula, quote, kind)`` tuples;
            ``kind`` is ``fact`` (default), ``conclusion`` or ``prediction``.
        rules: declarations and rules in the formula language (the text of a
            ``.rules`` file), or a path to such a file.
        said: the date every claim is said on (``YYYY-MM-DD`` or a date).
        source: the name of the one source every claim is attributed to.
        document: the text the claims are quoted from; when given, every quote
            must occur in it (up to whitespace), as in a claim file.

    Raises:
        InvalidClaim: when a formula or rule does not parse or check.
    """
    sink = DiagnosticSink()
    day = datetime.date.fromisoformat(said) if isinstance(said, str) else said
    rule_sets: list[RawRuleSet] = []
    if rules:
        maybe_path = Path(rules) if "\n" not in rules and rules.endswith(".rules") else None
        rs = load_rule_file(maybe_path, sink) if maybe_path else load_rule_text(rules, "rules", sink)
        if rs is not None:
            rule_sets.append(rs)
    src_span = Span(CODE_PATH, 1, 0)
    doc = Document("<document>", document) if document is not None else None
    raw_claims = []
    for n, item in enumerate(claims, start=1):
        cid, formula, quote, *rest = item
        kind = rest[0] if rest else "fact"
        shown = f"<claim {cid}>"
        tree, loc = parse_given(formula, shown, parse_formula, sink)
        if tree is None:
            continue
        qline = qoff = None
        if doc is not None:
            found = doc.locate(quote, sink, Span(shown, 1, 0), f"claim '{cid}'", "the document")
            if found is None:
                continue
            qline, qoff = found
        raw_claims.append(
            RawClaim(
                id=cid,
                id_span=Span(shown, 1, 0),
                source="src",
                source_span=src_span,
                quote=quote,
                said=day,
                holds=None,
                kind=kind,
                note=None,
                formula=tree,
                formula_text=formula,
                locator=loc,
                span=Span(CODE_PATH, n, 0),
                quote_line=qline,
                quote_offset=qoff,
            )
        )
    docs = ((doc.path, doc.text),) if doc is not None else ()
    raw = RawFile(
        path=CODE_PATH,
        sources=(
            RawSource(id="src", name=source, role=None, via=None, document=doc.path if doc else None, span=src_span),
        ),
        claims=tuple(raw_claims),
        rule_sets=(),
        declarations=(),
        declarations_locator=None,
        about_tolerance=None,
        documents=docs,
        document=doc.path if doc else None,
    )
    sink.raise_if_errors(InvalidClaim)
    ds = resolve([raw], rule_sets, sink)
    sink.raise_if_errors(InvalidClaim)
    return ds


def with_claim(
    ds: Dataset,
    claim_id: str,
    formula: str,
    quote: str = "",
    *,
    kind: str = "fact",
    said: datetime.date | None = None,
    source: str | None = None,
    file: str | os.PathLike[str] | None = None,
) -> Dataset:
    """A copy of ``ds`` with one more claim, checked as if it were written in its source's claim file.

    The formula may use the rule sets' names and what that file declares
    itself; ``about N`` allows that file's ``about_tolerance``; the quote must
    occur in the document of the source (or of its file), when it has one.

    Args:
        source: the id of the source the claim is attributed to, as in a claim
            file; it may be left out only when the dataset has one source (as a
            dataset built with :func:`claims.dataset` has).
        file: the claim file of the source, when several files declare a
            source with that id.
        kind: ``fact`` (default), ``conclusion`` or ``prediction``.
        said: the date the claim is said on (default: that of the last claim).

    Raises:
        InvalidClaim: with a diagnostic when the id is taken or malformed, the
            source is missing, unknown or ambiguous, the kind is unknown, the
            formula does not parse or check, or the quote is not in the document.
    """
    context = ds._context
    if context is None:
        raise TypeError(
            "with_claim needs a dataset made by claims.load or claims.dataset "
            "(this one keeps no record of how its claims were resolved)"
        )
    sink = DiagnosticSink()
    shown = f"<claim {claim_id}>"
    where = Span(shown, 1, 0)
    tree, loc = parse_given(formula, shown, parse_formula, sink)
    if any(c.id == claim_id for c in ds.claims):
        sink.error(where, E.DUPLICATE_ID, f"duplicate claim id '{claim_id}'")
    elif not CLAIM_ID_RE.match(claim_id):
        sink.error(where, E.BAD_VALUE, f"claim id '{claim_id}' may hold only letters, digits and '_ . : -'")
    if kind not in KINDS:
        sink.error(
            where,
            E.BAD_VALUE,
            f"'kind' of claim '{claim_id}' must be one of {', '.join(KINDS)}, not {kind!r}",
            E.did_you_mean(kind, KINDS, "allowed kinds"),
        )
    if tree is None:
        sink.raise_if_errors(InvalidClaim)
        raise AssertionError("unreachable")  # pragma: no cover
    found = _source_of(context, claim_id, source, file, where, sink)
    sink.raise_if_errors(InvalidClaim)
    assert found is not None
    scope, src = found
    term = Typer(vocabulary_of(context, scope, sink), loc, scope.about_tolerance).statement(
        tree, f"the formula of claim '{claim_id}'", conclusion=kind == "conclusion"
    )
    qline = qoff = None
    doc_path = src.document or scope.document
    texts = dict(ds.documents)
    if doc_path is not None and doc_path in texts:
        quoted = Document(doc_path, texts[doc_path]).locate(quote, sink, where, f"claim '{claim_id}'")
        if quoted is not None:
            qline, qoff = quoted
    elif scope.path != CODE_PATH:
        sink.error(
            where,
            E.MISSING_FIELD,
            f"claim '{claim_id}' has a quote but neither source '{src.id}' nor its claim file "
            f"'{scope.path}' names a 'document' to find it in",
        )
    sink.raise_if_errors(InvalidClaim)
    day = said or (ds.claims[-1].said if ds.claims else datetime.date(2000, 1, 1))
    claim = Claim(
        id=claim_id,
        source=src,
        quote=quote,
        said=day,
        formula=to_text(tree),
        kind=kind,
        holds=None,
        note=None,
        span=where,
        quote_line=qline,
        quote_offset=qoff,
        term=term,
    )
    every = (*ds.claims, claim)
    return attrs.evolve(ds, claims=every, rows=(every, (*rows(ds), row_of(claim))))


def _source_of(
    context: Context,
    claim_id: str,
    source: str | None,
    file: str | os.PathLike[str] | None,
    where: Span,
    sink: DiagnosticSink,
) -> tuple[FileScope, Source] | None:
    """The claim file and source that ``with_claim(..., source=, file=)`` means; None after an error."""
    files = context.files
    if file is not None:
        wanted = Path(file).resolve()
        files = tuple(
            f for f in files if f.path == str(file) or (not f.path.startswith("<") and Path(f.path).resolve() == wanted)
        )
        if not files:
            sink.error(
                where,
                E.FILE_MISSING,
                f"the dataset has no claim file '{file}'",
                E.did_you_mean(str(file), [f.path for f in context.files], "claim files"),
            )
            return None
    every = [(f, s) for f in files for s in f.sources]
    ids = sorted({s.id for _, s in every})
    if source is None:
        if len(every) == 1:
            return every[0]
        sink.error(
            where,
            E.MISSING_FIELD,
            f"claim '{claim_id}' needs a source: pass source= with the id of one of the "
            f"{len(ids)} sources ({', '.join(ids[:6])}{', ...' if len(ids) > 6 else ''})",
        )
        return None
    matches = [(f, s) for f, s in every if s.id == source]
    if len(matches) == 1:
        return matches[0]
    if matches:
        paths = [f.path for f, _ in matches]
        sink.error(
            where,
            E.UNKNOWN_SOURCE,
            f"source '{source}' is declared in {len(paths)} claim files: {', '.join(paths)}",
            f"name the file, e.g. with_claim(..., source='{source}', file='{paths[0]}')",
        )
        return None
    named = sorted({s.id for _, s in every if s.name == source})
    hint = (
        f"did you mean '{named[0]}'? (the id of the source named '{source}')"
        if named
        else E.did_you_mean(source, ids, "declared sources")
    )
    sink.error(where, E.UNKNOWN_SOURCE, f"unknown source '{source}'", hint)
    return None


def strict_claims(ds: Dataset, indices: Iterable[int]) -> dict[int, Claim]:
    """The claims at ``indices`` that have a strict reading, each with its term read strictly.

    Each is typed again from its formula in the scope of its claim file, as
    :func:`resolve` typed it (:func:`claims._front.resolve.strict_reading`);
    a claim with no strict reading is left out. So is a claim no claim file
    holds (one added by :func:`with_claim`): it has no strict reading here,
    and no near-contradiction names it. What the encoder reads strictly when
    the loader kept no template with the claim's strict reading
    (``claims._logic.encode.claim_templates``).
    """
    context = ds._context
    if context is None:
        return {}
    scopes = {f.path: f for f in context.files}
    vocabularies: dict[str, Vocabulary] = {}
    sink = DiagnosticSink()  # the claims were typed once already: no error is expected here
    read: dict[tuple[str, str], Term | None] = {}  # (file, formula) -> its strict term: typed once
    out: dict[int, Claim] = {}
    for i in indices:
        c = ds.claims[i]
        scope = scopes.get(c.span.path) if c.span is not None else None
        if scope is None or not may_be_vague(c):
            continue
        key = (scope.path, c.formula)
        if key not in read:
            errors = len(sink.items)
            tree, loc = parse_given(c.formula, f"<claim {c.id}>", parse_formula, sink)
            if scope.path not in vocabularies:
                vocabularies[scope.path] = vocabulary_of(context, scope, sink)
            vocab = vocabularies[scope.path]
            if tree is None or len(sink.items) > errors:
                read[key] = None
            else:
                read[key] = strict_reading(vocab, loc, scope.about_tolerance, tree, c)
        strict = read[key]
        if strict is not None:
            out[i] = attrs.evolve(c, term=strict)
    return out
