"""The pipeline, end to end: load → resolve → encode → partition → solve → findings.

The CLI and the library both call these functions; nothing else solves.
"""

from __future__ import annotations

import datetime
import functools
import os
import time
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Union

import attrs

from claims._base import errors as E
from claims._logic import executor as _executor
from claims._base.background import beside
from claims._base import gc as _gc
from claims._run import folio as _folio  # noqa: F401  (the FOLIO front end registers its diagnostic codes)
from claims._logic.cache import ResultCache, split_cached
from claims._front.filecache import Entry, FileCache, Header, code_digest, digest
from claims._logic.encode import Encoded, encode, encode_rules_alone, script, templates
from claims._base.errors import Diagnostic, DiagnosticSink, InvalidClaim, RuleError, Span
from claims._report.findings import (
    Contradiction,
    Report,
    RuleConflict,
    Scenario,
    Stats,
    Unknown,
    Verdict,
    fingerprint,
)
from claims._base.limits import DEFAULT as DEFAULT_LIMITS
from claims._base.limits import Limits
from claims._front.lint import lint_dataset
from claims._front.load import (
    Document,
    Inputs,
    RawClaim,
    RawFile,
    RawRuleSet,
    RawSource,
    display_path,
    find_claim_files,
    load_claim_file,
    load_rule_file,
    load_rule_text,
    locate_rule_set,
    read_text,
    stat_problem,
)
from claims._front.model import Claim, Context, Dataset, FileScope, Source
from claims._base.read import Roots
from claims._logic.partition import Component, complete, partition
from claims._front.resolve import ResolvedFile, Scope, assemble, declared_names, resolve, resolve_file
from claims._logic.solve import ComponentResult, Options, rules_alone
from claims._front.syntax import ParseError, offset_to_place, parse_formula

Progress = Callable[[int, int], None]


def load(*paths: str | os.PathLike[str], cache: str | os.PathLike[str] | None = None,
         root: str | os.PathLike[str] | None = None, limits: Limits = DEFAULT_LIMITS) -> Dataset:
    """Load claim files (or directories of them) and their rule sets into a checked Dataset.

    The documents and rule files a claim file names are read only when they
    lie under the dataset's root, symbolic links resolved: the folders given
    (for a file, its folder), or ``root``. Rule sets named by name are looked
    up as always (``rules/`` beside a claim file or above it, then the shipped ones).

    Args:
        cache: a folder that keeps every claim file as it was resolved (the CLI
            uses ``.claims-cache/``), so that loading again reads only the
            files that changed; ``None`` reads everything.
        root: the one folder everything a claim file names must lie under,
            instead of the paths given; they must lie under it too.
        limits: bounds on what the input may cost (:class:`Limits`): the bytes
            of a file, the characters of a formula, the nodes of a claim file.

    Raises:
        InvalidClaim: with every diagnostic (file, line, column) when any input
            is invalid, outside the root (``outside-root``) or over ``limits``
            (``too-large``).
    """
    if not paths:
        raise TypeError("load() needs at least one path")
    inputs = Inputs(Roots.of(paths, root), limits)
    if root is not None:
        _check_root(paths, root, inputs.roots)
    with _gc.paused():
        return _load(paths, FileCache(cache) if cache is not None else None, inputs)


def _check_root(paths: Sequence[str | os.PathLike[str]], root: str | os.PathLike[str], roots: Roots | None) -> None:
    """``root`` is a folder, and holds every path given; else InvalidClaim."""
    sink = DiagnosticSink()
    shown = display_path(Path(root))
    problem = stat_problem(Path(root))
    if problem is not None or not os.path.isdir(root):
        sink.error(Span(shown, 1, 0), E.FILE_MISSING,
                   f"the root '{shown}' is not a folder" + (f": {problem}" if problem else ""))
    else:
        assert roots is not None
        for p in paths:
            if not roots.holds(p):
                sink.error(Span(display_path(Path(p)), 1, 0), E.OUTSIDE_ROOT,
                           f"'{display_path(Path(p))}' is outside the root '{shown}' it is checked under",
                           "name a root that holds every path checked")
    sink.raise_if_errors(InvalidClaim)


@attrs.define
class _File:
    """One claim file while the dataset loads: parsed now, or taken from the cache."""

    path: Path
    shown: str
    text: str
    text_key: str
    entry: Entry | None = None
    raw: RawFile | None = None
    clean: bool = True  # no error of its own: it may be cached

    @property
    def rule_sets(self) -> tuple[tuple[str, Span], ...]:
        return self.entry.header.rule_sets if self.entry is not None else self._raw.rule_sets

    @property
    def declared(self) -> set[str]:
        return set(self.entry.header.declared) if self.entry is not None else declared_names(self._raw.declarations)

    @property
    def tolerance(self) -> Fraction | None:
        return self.entry.header.tolerance if self.entry is not None else self._raw.about_tolerance

    @property
    def _raw(self) -> RawFile:
        assert self.raw is not None
        return self.raw


def _load(paths: Sequence[str | os.PathLike[str]], store: FileCache | None, inputs: Inputs) -> Dataset:
    sink = DiagnosticSink()
    documents: dict[str, Document] = {}
    roots = inputs.roots

    @functools.cache
    def read_document(p: str) -> str | None:
        # a cached entry's documents, read again to see that they did not change: the same
        # rules as for a document the file names (under the root, a regular file, bounded)
        if roots is not None and not roots.holds(p):
            return None
        return read_text(Path(p), DiagnosticSink(), limits=inputs.limits)

    def parse(f: _File) -> RawFile | None:
        before = len(sink.errors)
        f.raw = load_claim_file(f.path, sink, documents, text=f.text, inputs=inputs)
        f.clean = len(sink.errors) == before
        return f.raw

    files: list[_File] = []
    for path in find_claim_files(paths, sink, roots):
        text = read_text(path, sink, limits=inputs.limits)
        if text is None:
            continue
        shown = display_path(path)
        f = _File(path, shown, text, digest(code_digest(), shown, text))
        f.entry = store.get(shown, f.text_key, read_document) if store is not None else None
        if f.entry is not None or parse(f) is not None:
            files.append(f)
    before = len(sink.errors)
    rule_sets = _rule_sets_of([(f.path, f.rule_sets) for f in files], sink, inputs)
    # Resolve even after load errors, so one run reports every problem; but not
    # when the vocabulary itself is broken (a rule set or declarations block),
    # where every use of a lost name would add a follow-on error.
    if len(sink.errors) > before or not all(f.raw is None or f.raw.vocabulary_ok for f in files) or not files:
        sink.raise_if_errors(InvalidClaim)
    declared = [f.declared for f in files]
    scope = Scope.of(rule_sets, declared, sink)
    rules_key = digest(*(f"{rs.name}\0{rs.path}\0{rs.items!r}" for rs in rule_sets))
    resolved: list[ResolvedFile] = []
    for k, f in enumerate(files):
        scope_key = digest(rules_key, repr(scope.key_for(k, declared[k], f.tolerance)))
        if f.entry is not None and f.entry.scope_key == scope_key:
            resolved.append(f.entry.resolved)
            continue
        raw = f.raw or parse(f)  # cached, but resolved in another scope: parse it again
        if raw is None:
            continue
        before = len(sink.errors)
        rf = resolve_file(raw, k, scope, sink)
        if store is not None and f.clean and len(sink.errors) == before:
            rf = attrs.evolve(rf, templates=templates(
                rf.claims, (*scope.vocab.symbols.values(), *rf.symbols), (*scope.vocab.sorts.values(), *rf.sorts)))
            docs = tuple((shown, real, digest(documents[shown].text)) for shown, real in raw.document_files)
            header = Header(raw.rule_sets, frozenset(declared[k]), raw.about_tolerance, docs)
            # the places of the ids serve only to report an id used twice, and any error
            # makes the load start again without the cache: a cached file keeps none
            store.put(f.shown, Entry(f.text_key, header, scope_key, attrs.evolve(rf, id_spans=())))
        resolved.append(rf)
    dataset = assemble(scope, resolved, sink)
    if sink.errors and any(f.entry is not None for f in files):
        return _load(paths, None, inputs)  # report exactly what loading every file afresh reports
    sink.raise_if_errors(InvalidClaim)
    if not dataset.claims:
        sink.error(Span(files[0].shown if files else str(paths[0]), 1, 0), E.NO_CLAIMS,
                   "the dataset has no claims: there is nothing to check")
        sink.raise_if_errors(InvalidClaim)
    return dataset


def _rule_sets_of(loaded: Sequence[tuple[Path, Sequence[tuple[str, Span]]]],
                  sink: DiagnosticSink, inputs: Inputs) -> list[RawRuleSet]:
    """Load each rule set the claim files use (each file's names, and where it writes them), once."""
    by_path: dict[str, RawRuleSet] = {}
    for path, names in loaded:
        for name, span in names:
            p = locate_rule_set(name, path, span, sink, inputs)
            if p is None:
                continue
            key = str(p.resolve())
            if key not in by_path:
                rs = load_rule_file(p, sink, limits=inputs.limits)
                if rs is not None:
                    by_path[key] = rs
    return sorted(by_path.values(), key=lambda r: (r.name, r.path))


def load_rules(*paths: str | os.PathLike[str]) -> tuple[Dataset, list[RawRuleSet]]:
    """Load rule files only (for ``claims fuzz``) into a Dataset with no claims."""
    from claims._front.load import iter_rule_files

    sink = DiagnosticSink()
    rule_sets = []
    for p in iter_rule_files(paths, sink):
        rs = load_rule_file(p, sink)
        if rs is not None:
            rule_sets.append(rs)
    sink.raise_if_errors(RuleError)
    ds = resolve([], rule_sets, sink)
    sink.raise_if_errors(RuleError)
    return ds, rule_sets


# --------------------------------------------------------------------------- building in code


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
        sink.remember_text(shown, formula)
        from claims._front.load import Locator

        loc = Locator(shown, offset_to_place(formula))
        try:
            tree = parse_formula(formula)
        except ParseError as exc:
            sink.error(loc.span(exc.pos), E.FORMULA_SYNTAX, exc.message, exc.hint)
            continue
        qline = qoff = None
        if doc is not None:
            qoff = doc.find(quote)
            if qoff is None:
                sink.error(Span(shown, 1, 0), E.QUOTE_NOT_FOUND,
                           f"the quote of claim '{cid}' does not occur in the document", doc.closest_hint(quote))
                continue
            qline = doc.place(qoff)[0]
        raw_claims.append(RawClaim(cid, Span(shown, 1, 0), "src", src_span, quote, day, None, kind,
                                   None, tree, formula, loc, Span(CODE_PATH, n, 0), qline, qoff))
    docs = ((doc.path, doc.text),) if doc is not None else ()
    raw = RawFile(CODE_PATH, (RawSource("src", source, None, None, doc.path if doc else None, src_span),),
                  tuple(raw_claims), (), (), None, None, docs, document=doc.path if doc else None)
    sink.raise_if_errors(InvalidClaim)
    ds = resolve([raw], rule_sets, sink)
    sink.raise_if_errors(InvalidClaim)
    return ds


def with_claim(ds: Dataset, claim_id: str, formula: str, quote: str = "", *,
               kind: str = "fact", said: datetime.date | None = None, source: str | None = None,
               file: str | os.PathLike[str] | None = None) -> Dataset:
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
    from claims._front.load import CLAIM_ID_RE, Locator
    from claims._front.model import KINDS
    from claims._front.resolve import Typer, vocabulary_of
    from claims._front.syntax import to_text

    context = ds._context
    if context is None:
        raise TypeError("with_claim needs a dataset made by claims.load or claims.dataset "
                        "(this one keeps no record of how its claims were resolved)")
    sink = DiagnosticSink()
    shown = f"<claim {claim_id}>"
    where = Span(shown, 1, 0)
    sink.remember_text(shown, formula)
    loc = Locator(shown, offset_to_place(formula))
    if any(c.id == claim_id for c in ds.claims):
        sink.error(where, E.DUPLICATE_ID, f"duplicate claim id '{claim_id}'")
    elif not CLAIM_ID_RE.match(claim_id):
        sink.error(where, E.BAD_VALUE, f"claim id '{claim_id}' may hold only letters, digits and '_ . : -'")
    if kind not in KINDS:
        sink.error(where, E.BAD_VALUE, f"'kind' of claim '{claim_id}' must be one of {', '.join(KINDS)}, "
                   f"not {kind!r}", E.did_you_mean(kind, KINDS, "allowed kinds"))
    try:
        tree = parse_formula(formula)
    except ParseError as exc:
        sink.error(loc.span(exc.pos), E.FORMULA_SYNTAX, exc.message, exc.hint)
        sink.raise_if_errors(InvalidClaim)
        raise AssertionError("unreachable") from None  # pragma: no cover
    found = _source_of(context, claim_id, source, file, where, sink)
    sink.raise_if_errors(InvalidClaim)
    assert found is not None
    scope, src = found
    term = Typer(vocabulary_of(context, scope, sink), loc, scope.about_tolerance).statement(
        tree, f"the formula of claim '{claim_id}'")
    qline = qoff = None
    doc_path = src.document or scope.document
    texts = dict(ds.documents)
    if doc_path is not None and doc_path in texts:
        doc = Document(doc_path, texts[doc_path])
        qoff = doc.find(quote)
        if qoff is None:
            sink.error(where, E.QUOTE_NOT_FOUND, f"the quote of claim '{claim_id}' does not occur in '{doc_path}'",
                       doc.closest_hint(quote))
        else:
            qline = doc.place(qoff)[0]
    elif scope.path != CODE_PATH:
        sink.error(where, E.MISSING_FIELD,
                   f"claim '{claim_id}' has a quote but neither source '{src.id}' nor its claim file "
                   f"'{scope.path}' names a 'document' to find it in")
    sink.raise_if_errors(InvalidClaim)
    day = said or (ds.claims[-1].said if ds.claims else datetime.date(2000, 1, 1))
    claim = Claim(claim_id, src, quote, day, to_text(tree), kind, None, None, where, qline, qoff, term)
    return attrs.evolve(ds, claims=(*ds.claims, claim))


def _source_of(context: Context, claim_id: str, source: str | None, file: str | os.PathLike[str] | None,
               where: Span, sink: DiagnosticSink) -> tuple[FileScope, Source] | None:
    """The claim file and source that ``with_claim(..., source=, file=)`` means; None after an error."""
    files = context.files
    if file is not None:
        wanted = Path(file).resolve()
        files = tuple(f for f in files if f.path == str(file) or (
            not f.path.startswith("<") and Path(f.path).resolve() == wanted))
        if not files:
            sink.error(where, E.FILE_MISSING, f"the dataset has no claim file '{file}'",
                       E.did_you_mean(str(file), [f.path for f in context.files], "claim files"))
            return None
    every = [(f, s) for f in files for s in f.sources]
    ids = sorted({s.id for _, s in every})
    if source is None:
        if len(every) == 1:
            return every[0]
        sink.error(where, E.MISSING_FIELD,
                   f"claim '{claim_id}' needs a source: pass source= with the id of one of the "
                   f"{len(ids)} sources ({', '.join(ids[:6])}{', ...' if len(ids) > 6 else ''})")
        return None
    matches = [(f, s) for f, s in every if s.id == source]
    if len(matches) == 1:
        return matches[0]
    if matches:
        paths = [f.path for f, _ in matches]
        sink.error(where, E.UNKNOWN_SOURCE,
                   f"source '{source}' is declared in {len(paths)} claim files: {', '.join(paths)}",
                   f"name the file, e.g. with_claim(..., source='{source}', file='{paths[0]}')")
        return None
    named = sorted({s.id for _, s in every if s.name == source})
    hint = (f"did you mean '{named[0]}'? (the id of the source named '{source}')" if named
            else E.did_you_mean(source, ids, "declared sources"))
    sink.error(where, E.UNKNOWN_SOURCE, f"unknown source '{source}'", hint)
    return None


# --------------------------------------------------------------------------- check


def components_of(ds: Dataset, *, limits: Limits = DEFAULT_LIMITS) -> list[Component]:
    """Encode and partition a dataset."""
    return partition(encode(ds, limits=limits))


def outlines_of(ds: Dataset, *, limits: Limits = DEFAULT_LIMITS) -> tuple[Encoded, list[Component]]:
    """Encode and partition a dataset, leaving the components' scripts unwritten (see ``partition``)."""
    enc = encode(ds, limits=limits)
    return enc, partition(enc, scripts=False)


CacheSpec = Union[ResultCache, str, "os.PathLike[str]", bool, None]


def check(
    ds: Dataset,
    *,
    timeout: float | None = 30.0,
    max_per_component: int | None = None,
    jobs: int | None = None,
    cache: CacheSpec = True,
    executor: str = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Report:
    """Find every minimal contradiction and judge every conclusion of ``ds``.

    Args:
        timeout: seconds per solver check (``None``: no limit); a check that
            hits it makes an ``unknown`` finding, never "consistent".
        max_per_component: stop enumerating a component after this many
            contradictions (the report says it is truncated).
        jobs: worker processes for independent components (default: the
            number of cores; small problems are solved in this process).
        cache: ``True`` keeps solved components in memory for this process, so
            re-checking after a small edit solves only what changed; a folder
            path also keeps them on disk (the CLI uses ``.claims-cache/``);
            ``False`` solves everything afresh.
        executor: ``"local"`` or ``"dask"`` (needs ``scheduler``, the address
            of a Dask distributed scheduler, and the ``dask`` extra).
        progress: called with (components done, components in all).
        limits: bounds on what the dataset may cost (:class:`Limits`).

    Raises:
        InvalidClaim: ``too-large``, when the dataset is over ``limits``.
        ClaimsError: when the executor cannot run (e.g. Dask is not installed).
    """
    with _gc.paused():
        return _check(ds, Options(timeout, max_per_component), jobs, cache, executor, scheduler, progress,
                      limits)


def _check(ds: Dataset, opts: Options, jobs: int | None, cache: CacheSpec, executor: str,
           scheduler: str | None, progress: Progress | None, limits: Limits) -> Report:
    start = time.perf_counter()
    n_jobs = jobs or _executor.default_jobs()
    # the lint reads only the dataset: with a core to spare it runs beside the rest
    with beside(functools.partial(lint_dataset, ds),
                fork=n_jobs > 1 and len(ds.claims) >= LINT_BESIDE_THRESHOLD) as warnings:
        facts = frozenset(i for i, c in enumerate(ds.claims) if c.kind == "fact")
        conflicts: list[RuleConflict] = []
        if ds.rules:
            alone = encode_rules_alone(ds, limits=limits)
            smt = script(alone, alone.units)
            answer, sets, _reason = rules_alone(smt, range(len(ds.rules)), opts)
            if answer == "unsat":
                for s in sets:
                    rs = tuple(ds.rules[j] for j in s)
                    conflicts.append(RuleConflict(rs, fingerprint("rule-conflict", (), rs)))
            # an unknown answer for the rules alone resurfaces in the components that use them
        enc, comps = outlines_of(ds, limits=limits) if not conflicts else (None, [])
        store = _cache_of(cache)
        known, todo = split_cached(store, comps, facts, opts)
        work = [complete(enc, comps[k]) for k in todo] if enc is not None else []
        solved = _executor.run(work, facts, opts, jobs=n_jobs, executor=executor, scheduler=scheduler,
                               progress=progress)
        for k, res in zip(todo, solved):
            known[k] = res
            if store is not None:
                store.put(comps[k], facts, opts, res)
        if store is not None:
            store.flush()
        results = [known[k] for k in range(len(comps))]
        return _report(ds, comps, results, conflicts, opts, time.perf_counter() - start, len(todo),
                       warnings.result())


LINT_BESIDE_THRESHOLD = 20_000
"""From this many claims the lint runs in a forked process beside the check (when ``jobs`` > 1)."""


_MEMORY_CACHE = ResultCache()


def _cache_of(spec: CacheSpec) -> ResultCache | None:
    if spec is True:
        return _MEMORY_CACHE
    if spec is False or spec is None:
        return None
    if isinstance(spec, ResultCache):
        return spec
    return ResultCache(spec)


def _explain_reason(reason: str | None, opts: Options) -> str:
    """Z3's reason for ``unknown``, in the user's terms (z3 says "canceled" on a timeout)."""
    if reason in ("canceled", "timeout") and opts.timeout is not None:
        return f"the solver hit the time limit (--timeout {opts.timeout:g} s per check)"
    return reason or "the solver answered unknown"


def _report(ds: Dataset, comps: Sequence[Component], results: Sequence[ComponentResult],
            conflicts: list[RuleConflict], opts: Options, seconds: float, solved: int,
            warnings: tuple[Diagnostic, ...]) -> Report:
    contradictions: list[Contradiction] = []
    verdicts: list[Verdict] = []
    unknowns: list[Unknown] = []
    complete = not conflicts
    truncated = False
    checks = 0
    for comp, res in zip(comps, results):
        checks += res.checks
        comp_contras = []
        for m in res.muses:
            cl = tuple(ds.claims[i] for i in m.claims)
            rl = tuple(ds.rules[j] for j in m.rules)
            comp_contras.append(Contradiction(cl, rl, fingerprint("contradiction", cl, rl)))
        contradictions.extend(comp_contras)
        if not res.complete:
            complete = False
            truncated = truncated or res.truncated
            if not res.truncated:
                cl = tuple(ds.claims[i] for i in comp.claims)
                unknowns.append(Unknown(cl, _explain_reason(res.unknown_reason, opts), len(res.muses),
                                        fingerprint("unknown", cl, ())))
        for v in res.verdicts:
            claim = ds.claims[v.conclusion]
            prem = tuple(ds.claims[i] for i in v.premises)
            rl = tuple(ds.rules[j] for j in v.rules)
            vac: tuple[Contradiction, ...] = ()
            if v.verdict == "vacuous":
                vac = tuple(c for c in comp_contras if all(x.kind == "fact" for x in c.claims))
            scen = tuple(Scenario(d, val) for _, d, val in v.countermodel)
            reason = _explain_reason(v.reason, opts) if v.verdict == "unknown" else None
            verdicts.append(Verdict(claim, v.verdict, prem, rl, scen, vac, reason,
                                    fingerprint("conclusion", (claim,), (), v.verdict)))
    order = {c.id: i for i, c in enumerate(ds.claims)}
    contradictions.sort(key=lambda c: [order[x.id] for x in c.claims])
    verdicts.sort(key=lambda v: order[v.claim.id])
    stats = Stats(len(ds.claims), len(ds.rules), len(comps), solved, checks, seconds)
    return Report(ds, tuple(contradictions), tuple(verdicts), tuple(unknowns), tuple(conflicts),
                  complete, truncated, stats, opts.timeout, opts.max_per_component,
                  warnings=warnings)


def _solve_all(comps: Sequence[Component], facts: Iterable[int], opts: Options, jobs: int | None,
               progress: Progress | None) -> list[ComponentResult]:
    """Solve components without the cache (the benchmarks measure the solver itself)."""
    return _executor.run(comps, frozenset(facts), opts, jobs=jobs or 1, progress=progress)
