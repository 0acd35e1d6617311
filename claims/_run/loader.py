"""Loading a dataset: claim files found, read (or taken from the file cache), resolved and assembled.

What :func:`claims.load` does. A claim file whose text, documents and scope
did not change since the last load is taken as it was resolved, from the
:mod:`file cache <claims._front.filecache>`; every other one is parsed
(:mod:`claims._front.claimfile`) and resolved (:mod:`claims._front.resolve`).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

import attrs

from claims._base import errors as E
from claims._base import gc as _gc
from claims._base.background import Partner
from claims._base.errors import DiagnosticSink, InvalidClaim, Span
from claims._base.limits import DEFAULT as DEFAULT_LIMITS
from claims._base.limits import Limits
from claims._base.read import Roots
from claims._base.version import engine_digest
from claims._front.claimfile import Document, RawFile, load_claim_file, point_to_other_documents
from claims._front.filecache import Entry, FileCache, Header, digest, dumps, pack, unpack
from claims._front.inputs import Inputs, display_path, find_files, read_text, stat_problem, universal_newlines
from claims._front.model import Dataset
from claims._front.resolve import ResolvedFile, Scope, assemble, declared_names, resolve_file
from claims._front.rulesets import rule_sets_of
from claims._front.syntax import FormulaMemo, prepare_parser
from claims._logic.encode import templates
from claims._logic.executor import default_jobs

T = TypeVar("T")
R = TypeVar("R")


def load(
    *paths: str | os.PathLike[str],
    cache: str | os.PathLike[str] | None = None,
    root: str | os.PathLike[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    jobs: int | None = None,
) -> Dataset:
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
        jobs: processes that parse claim files side by side (default: the
            number of cores; small datasets are parsed in this process). The
            dataset is the same for any number.

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
        return _load(paths, FileCache(cache) if cache is not None else None, inputs, jobs or default_jobs())


def load_edited(
    path: str | os.PathLike[str],
    text: str,
    *,
    root: str | os.PathLike[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Dataset:
    """:func:`load` of one claim file whose text is ``text`` rather than what is saved at ``path``.

    What the language server checks as the user types (``claims lsp``): the
    file is loaded exactly as ``load(path)`` loads it when ``text`` is saved
    there (its documents and rule sets are read from disk), in this process,
    without the file cache.
    """
    inputs = Inputs(Roots.of([path], root), limits)
    with _gc.paused():
        return _load([path], None, inputs, edited=(Path(path).resolve(), text))


def _check_root(paths: Sequence[str | os.PathLike[str]], root: str | os.PathLike[str], roots: Roots | None) -> None:
    """``root`` is a folder, and holds every path given; else InvalidClaim."""
    sink = DiagnosticSink()
    shown = display_path(Path(root))
    problem = stat_problem(Path(root))
    if problem is not None or not os.path.isdir(root):
        sink.error(
            Span(shown, 1, 0),
            E.FILE_MISSING,
            f"the root '{shown}' is not a folder" + (f": {problem}" if problem else ""),
        )
    else:
        assert roots is not None
        for p in paths:
            if not roots.holds(p):
                sink.error(
                    Span(display_path(Path(p)), 1, 0),
                    E.OUTSIDE_ROOT,
                    f"'{display_path(Path(p))}' is outside the root '{shown}' it is checked under",
                    "name a root that holds every path checked",
                )
    sink.raise_if_errors(InvalidClaim)


@attrs.define(kw_only=True)
class _File:
    """One claim file while the dataset loads: parsed now, or taken from the cache."""

    path: Path
    shown: str
    text: str
    text_key: str
    entry: Entry | None = None
    raw: RawFile | None = None
    beside: Header | None = None  # parsed, without an error, by a child that keeps it (``_Parsed``)
    clean: bool = True  # no error of its own: it may be cached

    @property
    def rule_sets(self) -> tuple[tuple[str, Span], ...]:
        header = self._header
        return header.rule_sets if header is not None else self._raw.rule_sets

    @property
    def declared(self) -> set[str]:
        header = self._header
        return set(header.declared) if header is not None else declared_names(self._raw.declarations)

    @property
    def tolerance(self) -> Fraction | None:
        header = self._header
        return header.tolerance if header is not None else self._raw.about_tolerance

    @property
    def _header(self) -> Header | None:
        return self.entry.header if self.entry is not None else self.beside

    @property
    def _raw(self) -> RawFile:
        assert self.raw is not None
        return self.raw


def _load(
    paths: Sequence[str | os.PathLike[str]],
    store: FileCache | None,
    inputs: Inputs,
    jobs: int = 1,
    edited: tuple[Path, str] | None = None,
) -> Dataset:
    sink = DiagnosticSink()
    documents: dict[str, Document] = {}
    formulas = FormulaMemo()  # each distinct formula text is parsed once per load
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
        f.raw = load_claim_file(f.path, sink, documents, text=f.text, inputs=inputs, formulas=formulas)
        f.clean = len(sink.errors) == before
        return f.raw

    found: list[_File] = []
    for path in find_files(paths, sink, roots):
        if edited is not None and path.resolve() == edited[0]:
            text: str | None = universal_newlines(edited[1].removeprefix("\ufeff"))  # as read_text reads it
        else:
            text = read_text(path, sink, limits=inputs.limits)
        if text is None:
            continue
        shown = display_path(path)
        f = _File(path=path, shown=shown, text=text, text_key=digest(engine_digest(), shown, text))
        f.entry = store.get(shown, f.text_key, read_document) if store is not None else None
        found.append(f)
    todo = [f for f in found if f.entry is None]
    with contextlib.ExitStack() as stack:
        partners = _parse_side_by_side(todo, inputs, jobs, stack) if jobs > 1 and not sink.errors else []
        for f in todo:
            if f.raw is not None or f.beside is not None:
                sink.remember_text(f.shown, f.text)  # as parsing it here would have
        files = [
            f for f in found if f.entry is not None or f.raw is not None or f.beside is not None or parse(f) is not None
        ]
        point_to_other_documents(sink, documents)
        before = len(sink.errors)
        rule_sets = rule_sets_of([(f.path, f.rule_sets) for f in files], sink, inputs)
        # Resolve even after load errors, so one run reports every problem (issue 21, item 5): a
        # claim file needs only the rule sets and its own declarations. What a broken vocabulary
        # would add is left out: the claims of a file whose declarations are broken are not
        # resolved, and while a rule set is broken no name is said to be unknown (it may be one
        # the broken rule set declares).
        rules_broken = len(sink.errors) > before
        if not files:
            sink.raise_if_errors(InvalidClaim)

        def without_unknown_names(mark: int) -> None:
            if rules_broken:
                sink.items[mark:] = [d for d in sink.items[mark:] if d.code != E.UNKNOWN_SYMBOL.code]

        declared = [f.declared for f in files]
        mark = len(sink.items)
        scope = Scope.of(rule_sets, declared, sink)
        without_unknown_names(mark)
        rules_key = digest(*(f"{rs.name}\0{rs.path}\0{rs.items!r}" for rs in rule_sets))
        keys = [digest(rules_key, repr(scope.key_for(k, declared[k], f.tolerance))) for k, f in enumerate(files)]
        fresh = [k for k, f in enumerate(files) if f.entry is None or f.entry.scope_key != keys[k]]
        for k in fresh:
            if files[k].raw is None and files[k].beside is None:
                parse(files[k])  # cached, but resolved in another scope: parse it again
        packed = keys if store is not None else None
        made = _resolve_side_by_side(files, fresh, scope, partners, packed) if partners and not sink.errors else None
        if made is None:
            for p in partners:  # each file is resolved here, in order, for the diagnostics
                for f, kept in zip(p.files, p.partner.ask(_kept)(), strict=True):
                    f.raw, f.beside = kept, None
        resolved: list[ResolvedFile] = []
        for k, f in enumerate(files):
            if f.entry is not None and f.entry.scope_key == keys[k]:
                resolved.append(f.entry.resolved)
                continue
            raw = f.raw
            if made is not None and k in made:
                got = made[k]  # resolved, with its templates, in a process beside this one, without an error
                if isinstance(got, bytes):
                    # and packed there as its cache entry: kept as it is, and read as a warm load reads it
                    entry = unpack(got)
                    assert store is not None and entry is not None
                    store.put_packed(f.shown, got)
                    f.entry = entry  # so an error below loads again without the cache, as for any cached file
                    resolved.append(entry.resolved)
                    continue
                rf = got
            elif raw is None or not raw.vocabulary_ok:
                continue
            else:
                before = len(sink.errors)
                mark = len(sink.items)
                rf = resolve_file(raw, k, scope, sink)
                without_unknown_names(mark)
                if store is None or not f.clean or len(sink.errors) > before:
                    resolved.append(rf)
                    continue
                rf = _with_templates(rf, scope)
            if store is not None:
                header = f.beside if raw is None else _header_of(raw)
                assert header is not None
                # the places of the ids serve only to report an id used twice, and any error
                # makes the load start again without the cache: a cached file keeps none
                store.put(f.shown, Entry(f.text_key, header, keys[k], attrs.evolve(rf, id_spans=())))
            resolved.append(rf)
    dataset = assemble(scope, resolved, sink)
    if sink.errors and any(f.entry is not None for f in files):
        return _load(paths, None, inputs, edited=edited)  # report exactly what loading every file afresh reports
    sink.raise_if_errors(InvalidClaim)
    if not dataset.claims:
        sink.error(
            Span(files[0].shown if files else str(paths[0]), 1, 0),
            E.NO_CLAIMS,
            "the dataset has no claims: there is nothing to check",
        )
        sink.raise_if_errors(InvalidClaim)
    return dataset


CHILD_SHARE = 0.86
"""A child's slice of the files to parse, against the parent's 1: the child's part ends later.

A child parses and resolves its files, then pickles them to send (at 100k
claims, half of them each way: 1.7 CPU-s), and runs about 5% slower than
the parent on the same work (its pages are copied as it writes them); the
parent reads the answer after its own part (1.1 s). With equal slices the
parent waited 2 s for the child's answer, one core idle. Which process
parses a file changes nothing it gives (see :func:`_parse_side_by_side`).
"""

PARALLEL_LOAD_CHARS = 250_000
"""From this many characters of claim files to parse (about 1,600 claims), ``jobs`` > 1 load side by side."""


@attrs.frozen
class _Parsed:
    """Files parsed by a child process that keeps them (a :class:`Partner`), to resolve them there too."""

    partner: Partner[list[RawFile] | None]
    files: list[_File]


def _parse_side_by_side(todo: Sequence[_File], inputs: Inputs, jobs: int, stack: contextlib.ExitStack) -> list[_Parsed]:
    """Every file of ``todo`` parsed, in ``jobs`` slices, all but the last by forked children that keep them.

    A file parsed here gets its :class:`RawFile`; one parsed by a child, its
    :class:`Header` alone (what the dataset needs before any file is resolved),
    and the child keeps the file to resolve it (:func:`_resolve_side_by_side`)
    or, when it is resolved here after all, to send it (the children are
    returned for that). Nothing is done, and none is returned, when the files
    are too few to be worth it, or any of them has an error: the caller then
    parses them one by one here, so that every diagnostic is made (and
    ordered) as a load in one process makes it.
    Each slice is parsed by :func:`load_claim_file` as the caller would, with
    a formula memo and documents of its own: a parsed file depends on its own
    text and the documents it quotes alone (the memo gives what parsing again
    gives), so the files are the same whichever process parsed them. A child
    that fails in any way is replaced by parsing its slice here
    (:class:`~claims._base.background.Partner`). What a document's quotes
    share across files (the budget of closest-passage searches) serves only
    diagnostics, which are made in one process. The children are stopped when
    ``stack`` closes.
    """
    sizes = [len(f.text) for f in todo]
    if sum(sizes) < PARALLEL_LOAD_CHARS or len(todo) < 2:
        return []
    prepare_parser()  # built once, here: the children have it from the fork
    slices = _slices(todo, sizes, [CHILD_SHARE] * (jobs - 1) + [1.0])
    partners = [
        _Parsed(stack.enter_context(_partner(functools.partial(_parse_quietly, part, inputs=inputs))), list(part))
        for part in slices[:-1]
    ]
    here = _parse_quietly(slices[-1], inputs)
    headers = [p.partner.ask(_headers)() for p in partners]
    if here is None or any(h is None for h in headers):
        for p in partners:
            p.partner.cancel()
        return []
    for f, raw in zip(slices[-1], here, strict=True):
        f.raw = raw
    for p, hs in zip(partners, headers, strict=True):
        assert hs is not None
        for f, header in zip(p.files, hs, strict=True):
            f.beside = header
    return partners


@contextlib.contextmanager
def _partner(start: Callable[[], R]) -> Iterator[Partner[R]]:
    partner = Partner(start, fork=True, dumps=dumps)
    try:
        yield partner
    finally:
        partner.cancel()


def _slices(items: Sequence[T], sizes: Sequence[int], shares: Sequence[float]) -> list[Sequence[T]]:
    """``items`` cut in at most ``len(shares)`` consecutive slices whose total sizes are about as ``shares``."""
    total, whole = sum(sizes), sum(shares)
    ends = [total * s / whole for s in itertools.accumulate(shares)]
    cuts, acc, k = [0], 0, 0
    for i, size in enumerate(sizes):
        acc += size
        if k < len(ends) - 1 and acc >= ends[k] and i + 1 < len(items):
            cuts.append(i + 1)
            k += 1
    cuts.append(len(items))
    return [items[a:b] for a, b in itertools.pairwise(cuts) if b > a]


def _parse_quietly(files: Sequence[_File], inputs: Inputs) -> list[RawFile] | None:
    """Each of ``files`` parsed; None at the first file with an error."""
    sink = DiagnosticSink()
    documents: dict[str, Document] = {}
    formulas = FormulaMemo()
    out: list[RawFile] = []
    for f in files:
        raw = load_claim_file(f.path, sink, documents, text=f.text, inputs=inputs, formulas=formulas)
        if raw is None or sink.errors or not raw.vocabulary_ok:
            return None
        out.append(raw)
    return out


def _header_of(raw: RawFile) -> Header:
    """What the dataset needs of a parsed claim file before any file is resolved (and the file cache keeps)."""
    text_of = dict(raw.documents)
    docs = tuple((shown, real, digest(text_of[shown])) for shown, real in raw.document_files)
    return Header(raw.rule_sets, frozenset(declared_names(raw.declarations)), raw.about_tolerance, docs)


def _headers(raws: list[RawFile] | None) -> list[Header] | None:
    return None if raws is None else [_header_of(raw) for raw in raws]


def _kept(raws: list[RawFile] | None) -> list[RawFile]:
    assert raws is not None  # a child whose files had an error is not asked for them
    return raws


def _with_templates(rf: ResolvedFile, scope: Scope) -> ResolvedFile:
    """``rf`` with the encoding template of each of its claims (what encode would make of them).

    Each template holds its claim's strict reading too (``rf.strict``, typed
    while resolving), so neither encode nor the file cache needs the strict terms.
    """
    symbols = (*scope.vocab.symbols.values(), *rf.symbols)
    sorts = (*scope.vocab.sorts.values(), *rf.sorts)
    made = templates(rf.claims, symbols, sorts, rf.strict or [None] * len(rf.claims))
    return attrs.evolve(rf, templates=made, strict=())


def _resolve_side_by_side(
    files: Sequence[_File],
    fresh: Sequence[int],
    scope: Scope,
    partners: Sequence[_Parsed],
    keys: Sequence[str] | None = None,
) -> dict[int, ResolvedFile | bytes] | None:
    """Each file ``k`` of ``fresh`` resolved in ``scope`` with its templates: by the child that parsed it, or here.

    With ``keys`` (each file's scope key, when the file cache is on), a child
    sends each file it resolved as the file cache's entry for it, packed
    (:func:`~claims._front.filecache.pack`: the bytes a cache file holds,
    unsealed) instead of the resolved file: the parent keeps those bytes as
    they are and reads them as a warm load reads the cache, so a cold load
    pickles each file once (in the child, beside the parent's own work) where
    it pickled it twice (to send, and again in the parent to keep). The file
    so read is the entry a warm load would read (its terms read on first
    use, no id places: an error then makes the load start again without the
    cache, as for any cached file).

    None when any of them has an error: the caller then resolves them one by
    one here, for the diagnostics. A file is resolved by itself against the
    scope (what the file cache relies on too: a resolved file is kept and used
    again under the digest of its text and of what :meth:`Scope.key_for` says
    it depends on), so it is the same whichever process resolved it; its
    templates are what encode makes of its claims, made here instead (the
    file cache keeps them the same way). The scope goes to the children
    without the sink it was made with (its diagnostics are this process's).
    """
    sent = attrs.evolve(scope, vocab=attrs.evolve(scope.vocab, sink=DiagnosticSink()))
    number = {id(f): k for k, f in enumerate(files)}
    wanted = set(fresh)
    answers = []
    for p in partners:
        todo = [(number[id(f)], i) for i, f in enumerate(p.files) if id(f) in number and number[id(f)] in wanted]
        keep = None if keys is None else {k: (files[k].text_key, keys[k]) for k, _ in todo}
        answers.append(p.partner.ask(functools.partial(_resolve_kept, todo=todo, scope=sent, keep=keep)))
    here = [(k, raw) for k in fresh if (raw := files[k].raw) is not None and files[k].clean]
    done = _resolve_quietly(here, scope)
    out: dict[int, ResolvedFile | bytes] | None = None if done is None else dict(done)
    for answer in answers:
        part = answer()
        if out is None or part is None:
            out = None
            continue
        out.update(part)
    return out


def _resolve_kept(
    raws: list[RawFile] | None,
    todo: Sequence[tuple[int, int]],
    scope: Scope,
    keep: dict[int, tuple[str, str]] | None = None,
) -> dict[int, ResolvedFile] | dict[int, bytes] | None:
    """:func:`_resolve_quietly` of the files a child keeps: ``todo`` holds (file number, place in ``raws``).

    With ``keep`` (file number: its text key and scope key), each file comes
    packed as its file cache entry (see :func:`_resolve_side_by_side`).
    """
    assert raws is not None
    out = _resolve_quietly([(k, raws[i]) for k, i in todo], scope)
    if out is None or keep is None:
        return out
    return {
        k: pack(Entry(keep[k][0], _header_of(raws[i]), keep[k][1], attrs.evolve(out[k], id_spans=()))) for k, i in todo
    }


def _resolve_quietly(todo: Sequence[tuple[int, RawFile]], scope: Scope) -> dict[int, ResolvedFile] | None:
    """Each file resolved, with its templates; None at the first file with an error."""
    sink = DiagnosticSink()
    out: dict[int, ResolvedFile] = {}
    for k, raw in todo:
        rf = resolve_file(raw, k, scope, sink)
        if sink.errors:
            return None
        out[k] = _with_templates(rf, scope)
    return out
