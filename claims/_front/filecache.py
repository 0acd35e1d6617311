"""A cache of resolved claim files, so that a re-check reads again only what changed.

Loading is the slow part of a large re-check: parsing the YAML and every
formula of 100,000 claims takes longer than solving the one component an
edit touched. So, like mypy's per-module cache, every claim file that loaded
without a problem is kept as what the dataset takes from it
(:class:`~claims._front.resolve.ResolvedFile`), under its shown path, with

* the digest of the engine's code, the file's shown path and its text;
* the digest of every document it quotes (a quote's place depends on it);
* the digest of what resolving it depended on besides its text: the rule sets,
  the ``about`` tolerance its claims use (its own ``about_tolerance``, never
  another file's) and, when it declares a name another file declares too, its
  position (see :meth:`claims._front.resolve.Scope.key_for`).

An entry whose digests do not match is not used, and is rewritten after the
file is loaded again. Entries hold Python objects (``pickle``), so each is
signed with a key private to this user (``claims._base.sign``): an entry that does not carry this user's signature
(corrupt, truncated, written by an older engine, or planted in a repository
someone else committed) is never unpickled. Writes are atomic (a temporary
file, then a rename); a cache that cannot be read or written only makes the
run slower.

The claims' typed terms are most of an entry's objects, yet a re-check
needs none of them: each claim's encoding template and lint uses are kept
beside it (:class:`~claims._front.model.Template`). So an entry keeps the terms
apart, as one pickle per file, and its claims come back holding a
:class:`~claims._front.model.DeferredTerm` that reads them on first use (with
``term_of``). At 100,000 claims this halves the time to read the cache.
The templates are kept apart likewise (a re-check encodes the few claims an
edit touched, and reads only their files' templates), with the head of each
at hand (:data:`~claims._front.model.Head`: what the relevant days, the
claims' keys and the partition read of it): a fifth less time again.
"""

from __future__ import annotations

import copyreg
import functools
import hashlib
import io
import itertools
import os
import pickle
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from claims._base.errors import Span
from claims._base.fields import values_of
from claims._base.files import write_atomic
from claims._base.read import CACHE_FILE_BYTES, read_regular
from claims._base.sign import seal, unseal, user_key
from claims._front.model import (
    Deferred,
    Term,
    Unmade,
    claim_key,
    head_of,
    make,
    row_of,
    template_key,
    term_of,
    unmade,
)
from claims._front.resolve import ResolvedFile

FORMAT = 6
_MAGIC = b"claims-file-cache\n"


def digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


@attrs.frozen
class Header:
    """What the dataset needs of a claim file before any file is resolved."""

    rule_sets: tuple[tuple[str, Span], ...]
    declared: frozenset[str]
    tolerance: Fraction | None
    documents: tuple[tuple[str, str, str], ...]  # (shown path, path to read, digest of its text)


@attrs.frozen
class Entry:
    """One claim file as it was loaded and resolved."""

    text_key: str  # code, shown path and text of the file
    header: Header
    scope_key: str  # what resolving it depended on beyond the file
    resolved: ResolvedFile


class FileCache:
    """Resolved claim files in ``directory`` (under ``files/``)."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory) / "files"
        self._key = user_key()

    def _path(self, shown: str) -> Path:
        name = digest(shown)
        return self.directory / name[:2] / f"{name}.pickle"

    def get(self, shown: str, text_key: str, read_document: Callable[[str], str | None]) -> Entry | None:
        """The entry of the file shown as ``shown`` when its text and documents are unchanged."""
        entry = self._read(shown)
        if (
            entry is None
            or entry.text_key != text_key
            or not all(
                (text := read_document(real)) is not None and digest(text) == d for _, real, d in entry.header.documents
            )
        ):
            return None
        return entry

    def put(self, shown: str, entry: Entry) -> None:
        self.put_packed(shown, pack(entry))

    def put_packed(self, shown: str, packed: bytes) -> None:
        """Keep the entry ``packed`` (what :func:`pack` made of it) for the file shown as ``shown``."""
        if self._key is None:
            return  # no place for this user's signing key: no entry that could be trusted later
        try:
            write_atomic(self._path(shown), seal(self._key, _MAGIC, packed), mode=0o600, durable=False)
        except OSError:
            pass  # a cache that cannot be written is only a slower run

    def _read(self, shown: str) -> Entry | None:
        if self._key is None:
            return None
        try:
            # a checkout may put a FIFO, a device or gigabytes here: only a regular file, bounded
            data = read_regular(self._path(shown), CACHE_FILE_BYTES)
        except OSError:
            return None
        payload = unseal(self._key, _MAGIC, data)
        if payload is None:
            return None
        try:
            return unpack(payload)
        except Exception:  # noqa: BLE001 (signed by us but unreadable now: an older engine's classes)
            return None


class _Pickler(pickle.Pickler):
    """Pickles records as tuples of their fields.

    attrs gives a slotted record a state that is a dict of its fields (built
    on every dump, read key by key on every load); here its state is the tuple
    of its fields in their order, which attrs' ``__setstate__`` also reads
    (``slots_setstate``). Only classes that use that very ``__setstate__`` are
    written so; every other object is pickled as usual. A claim the file cache
    left unmade (:class:`~claims._front.model.Unmade`) is made, and written as
    the claim it is.
    ``reducer_override`` is asked about class instances alone (never about
    strings, numbers, tuples, lists or dicts), so the tuples and strings that
    are most of an entry cost no Python call.
    """

    def __init__(self, out: io.BytesIO) -> None:
        super().__init__(out, protocol=pickle.HIGHEST_PROTOCOL)
        self._getters: dict[type, Callable[[object], tuple[Any, ...]] | None] = {}

    def reducer_override(self, obj: object) -> Any:
        if type(obj) is Unmade:
            make(obj)
        cls = type(obj)
        get = self._getters[cls] if cls in self._getters else self._getters.setdefault(cls, _state_of(cls))
        if get is None:
            return NotImplemented
        return (_NEWOBJ, (cls,), get(obj))


_NEWOBJ: Callable[..., object] = copyreg.__newobj__  # type: ignore[attr-defined]  # cls.__new__(cls), as pickle does


def _state_of(cls: type) -> Callable[[object], tuple[Any, ...]] | None:
    """What gives the tuple of an instance's fields (see :func:`_state_names`), or None."""
    names = _state_names(cls)
    return values_of(names) if names else None


def _state_names(cls: type) -> tuple[str, ...] | None:
    """The fields of an attrs class whose ``__setstate__`` is attrs' own for slots (which reads a tuple of them)."""
    setstate = getattr(cls, "__setstate__", None)
    if not attrs.has(cls) or getattr(setstate, "__name__", "") != "slots_setstate":
        return None
    return tuple(a.name for a in attrs.fields(cls))


def dumps(obj: object) -> bytes:
    """``obj`` pickled with its records as tuples of fields (:class:`_Pickler`): what :func:`pickle.loads` reads.

    For records sent from one process to another (a load's forked children
    send their resolved files so): about half the time of pickle's own way
    to write them, and a fifth less to read.
    """
    out = io.BytesIO()
    _Pickler(out).dump(obj)
    return out.getvalue()


def pack(entry: Entry) -> bytes:
    """An entry as its terms, its templates, their uses, its declarations and the rest: five pickles in one,
    what :func:`unpack` reads.

    Each claim of the file is written as its row (:data:`~claims._front.model.Row`),
    with the place of its term among the file's terms (an ``int``, which no
    term is); :func:`unpack` gives the claims back unmade
    (:class:`~claims._front.model.Unmade`, made from their rows when first
    read), each with a :class:`~claims._front.model.DeferredTerm` over the
    terms. The templates are written apart too, and their symbol uses (what
    the lint reads of them) apart again, and the file's declarations as
    written (which only :func:`claims.with_claim` and a file declaring a
    name another file declares read); the entry keeps the head of each
    template (:func:`~claims._front.model.head_of`), and :func:`unpack` gives
    the file a :class:`~claims._front.model.Deferred` over the templates, one
    over the uses and one over the declarations. Each template is kept with its claim's key
    (:func:`~claims._front.model.claim_key`, made here of them), so that a
    re-check does not digest the templates again. What a cache file holds,
    sealed; a load's forked child packs the files it resolved so (see
    ``claims._run.loader``), and its parent reads them as a later load reads
    the cache.
    """
    rf = entry.resolved
    templates = tuple(rf.templates)
    keys = rf.keys
    if templates and not keys:  # see model.Kept
        made: dict[int, str] = {}
        keys = tuple(
            claim_key(c, t.timed, made.get(id(t)) or made.setdefault(id(t), template_key(t)))
            for c, t in zip(rf.claims, templates, strict=True)
        )
    heads = tuple(map(head_of, templates))
    claims = rf.claims
    declarations = tuple(rf.declarations)
    entry = attrs.evolve(
        entry, resolved=attrs.evolve(rf, claims=(), templates=(), uses=(), declarations=(), keys=keys, heads=heads)
    )
    terms: list[Term | None] = [term_of(c) for c in claims]
    # each claim as its row, with the place of its term among the file's terms (an int, which no term is)
    kept_rows = tuple(row_of(c, None if t is None else k) for k, (c, t) in enumerate(zip(claims, terms, strict=True)))
    parts = []
    uses = tuple(t.uses for t in templates)
    for obj in (tuple(terms), templates, uses, declarations, (entry, kept_rows, len(declarations))):
        out = io.BytesIO()
        _Pickler(out).dump(obj)
        parts.append(out.getvalue())
    return b"".join(len(part).to_bytes(8, "little") for part in parts[:_APART]) + b"".join(parts)


_APART = 4
"""The pickles an entry keeps apart, read on first use: its terms, templates, uses and declarations."""


def unpack(payload: bytes | memoryview) -> Entry | None:
    """The entry :func:`pack` made ``payload`` of (None when it is not one); its claims unmade, and its terms,
    templates, uses and declarations read on first use.

    ``payload`` is the lengths of the pickles kept apart (8 bytes each),
    those pickles, then the entry's: read in place, without copying the
    entry's bytes (the others are copied, so that the payload is not kept
    alive by them). Only for bytes this engine made: from the file cache,
    once their seal verified, or from a load's own forked child.
    """
    view = memoryview(payload)
    head = 8 * _APART
    ends = list(
        itertools.accumulate((int.from_bytes(view[k : k + 8], "little") for k in range(0, head, 8)), initial=head)
    )
    terms, templates, uses, declarations = (bytes(view[a:b]) for a, b in itertools.pairwise(ends))
    entry, kept_rows, n_declarations = pickle.loads(view[ends[-1] :])
    if not isinstance(entry, Entry) or type(kept_rows) is not tuple or type(n_declarations) is not int:
        return None
    resolved = entry.resolved
    read = functools.lru_cache(maxsize=1)(lambda: pickle.loads(terms))
    object.__setattr__(resolved, "claims", unmade(kept_rows, read))
    object.__setattr__(resolved, "rows", kept_rows)
    if n_declarations:
        object.__setattr__(resolved, "declarations", _deferred(declarations, n_declarations))
    if resolved.heads:
        object.__setattr__(resolved, "templates", _deferred(templates, len(resolved.heads)))
        object.__setattr__(resolved, "uses", _deferred(uses, len(resolved.heads)))
    return entry


def _deferred(blob: bytes, count: int) -> Deferred[Any]:
    """The ``count`` items pickled in ``blob``, unpickled when first read."""
    return Deferred(functools.lru_cache(maxsize=1)(functools.partial(pickle.loads, blob)), count)
