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
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import attrs

from claims._base.errors import Span
from claims._base.files import write_atomic
from claims._base.read import CACHE_FILE_BYTES, read_regular
from claims._base.sign import seal, unseal, user_key
from claims._front.model import DeferredTerm, Term, term_of
from claims._front.resolve import ResolvedFile

FORMAT = 2
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
        if self._key is None:
            return  # no place for this user's signing key: no entry that could be trusted later
        try:
            write_atomic(self._path(shown), seal(self._key, _MAGIC, _dumps(entry)), mode=0o600, durable=False)
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
            entry = _loads(payload)
        except Exception:  # noqa: BLE001 (signed by us but unreadable now: an older engine's classes)
            return None
        return entry if isinstance(entry, Entry) else None


class _Pickler(pickle.Pickler):
    """Writes each claim's term as a reference to its place among the file's terms."""

    def __init__(self, out: io.BytesIO, places: dict[int, int]) -> None:
        super().__init__(out, protocol=pickle.HIGHEST_PROTOCOL)
        self._places = places

    def persistent_id(self, obj: object) -> int | None:
        return self._places.get(id(obj))


class _Unpickler(pickle.Unpickler):
    """Gives each claim a deferred term over the file's terms (read on first use)."""

    def __init__(self, data: bytes, terms: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self._terms = functools.lru_cache(maxsize=1)(lambda: pickle.loads(terms))

    def persistent_load(self, pid: object) -> DeferredTerm:
        if not isinstance(pid, int):
            raise pickle.UnpicklingError("not a term reference")
        return DeferredTerm(self._terms, pid)


def _dumps(entry: Entry) -> bytes:
    """An entry as (terms, entry without them): two pickles in one."""
    claims = entry.resolved.claims
    terms: list[Term | None] = [term_of(c) for c in claims]
    places = {id(t): k for k, t in enumerate(terms) if t is not None}
    out = io.BytesIO()
    _Pickler(out, places).dump(entry)
    return pickle.dumps(
        (pickle.dumps(tuple(terms), protocol=pickle.HIGHEST_PROTOCOL), out.getvalue()), protocol=pickle.HIGHEST_PROTOCOL
    )


def _loads(payload: bytes) -> object:
    terms, data = pickle.loads(payload)
    return _Unpickler(data, terms).load()
