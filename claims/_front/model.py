"""The typed model: the output of the *resolve* stage.

``Source``, ``Claim``, ``Rule`` and ``Dataset`` are public (re-exported by
``claims``); the typed expression nodes (``T*``) are private and only the
encode stage gives them a meaning. Nothing here imports z3.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import marshal
import operator
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, overload

import attrs

from claims._base.errors import Span
from claims._base.fields import values_of

if TYPE_CHECKING:
    from claims._front.syntax import Item

BUILTIN_SORTS = ("bool", "int", "real", "date")

KINDS = ("fact", "conclusion", "prediction")

SCOPE_MARK = "#"
"""Separates a name declared in a claim file's ``declarations`` from the file it is local to.

Names declared in rule sets are shared by every claim file; names a claim file
declares itself are local to it. When two files declare the same name, each
gets an internal name ``name#k`` (``#`` cannot occur in the formula language),
and :func:`plain` gives back what the user wrote.
"""


def plain(name: str) -> str:
    """A symbol, sort or member name as the user wrote it."""
    return name.split(SCOPE_MARK, 1)[0]


# --------------------------------------------------------------------------- typed terms


@attrs.frozen
class TLit:
    """A literal: bool, int, Fraction (real) or a date as a day ordinal (sort ``date``)."""

    value: bool | int | Fraction
    sort: str


@attrs.frozen
class TMember:
    """A member of an enumerated sort (``sort Scope = {partial, full}``)."""

    name: str
    sort: str


@attrs.frozen
class TVar:
    """A variable bound by a quantifier."""

    name: str
    sort: str


@attrs.frozen
class TApp:
    """A declared constant, predicate or function applied to arguments.

    ``at`` is an explicit day: an ordinal (``x@2016-03-14``), or a term of
    sort ``date`` whose value the solver chooses (``x@d`` for a variable ``d``
    of a quantifier over days, ``x@withdrawal_day`` for an untimed date
    constant); ``None`` means "at the time the enclosing claim or rule
    instance holds" for timed symbols.
    """

    name: str
    args: tuple[Term, ...]
    sort: str
    timed: bool
    at: int | TVar | TApp | None = None


@attrs.frozen
class TOp:
    """An operator node: ``not and or xor implies iff = != < <= > >= + - * / neg``."""

    op: str
    args: tuple[Term, ...]
    sort: str


@attrs.frozen
class TQuant:
    """A quantifier over entity-sort variables, or over days (variables of sort ``date``)."""

    kind: str  # "forall" | "exists"
    vars: tuple[TVar, ...]
    body: Term
    sort: str = "bool"


Term = TLit | TMember | TVar | TApp | TOp | TQuant


class DeferredTerm:
    """A claim's term that is read only when first needed (see :func:`term_of`).

    The file cache keeps the terms of a file's claims apart from the claims:
    they are most of its objects, and a re-check whose claims all have their
    encoding and lint uses at hand never reads them (see ``claims._front.filecache``).
    ``terms`` gives the terms of the whole file, read once.
    A pickled deferred term is the term itself.
    """

    __slots__ = ("_index", "_terms")

    def __init__(self, terms: Callable[[], Sequence[Term]], index: int) -> None:
        self._terms = terms
        self._index = index

    def get(self) -> Term:
        return self._terms()[self._index]

    def __reduce__(self) -> tuple[Any, ...]:
        return (_itself, (self.get(),))


def _itself(x: Term) -> Term:
    return x


def term_of(c: Claim) -> Term | None:
    """The typed term of a claim, read now if it was deferred."""
    t = c.term
    return t.get() if isinstance(t, DeferredTerm) else t


def uses_context_time(t: Term) -> bool:
    """Whether the term mentions a timed symbol without an explicit ``@`` day."""
    if isinstance(t, TApp):
        return (t.timed and t.at is None) or any(uses_context_time(a) for a in t.args)
    if isinstance(t, TOp):
        return any(uses_context_time(a) for a in t.args)
    if isinstance(t, TQuant):
        return uses_context_time(t.body)
    return False


def relates_days(t: Term) -> bool:
    """Whether the term quantifies over days or reads a timed symbol at a day the solver chooses.

    Such a term relates the values of different days (``forall d: date.
    d >= w implies not deployed@d``): see ``claims._logic.timeline``.
    """
    if isinstance(t, TApp):
        return (t.at is not None and not isinstance(t.at, int)) or any(relates_days(a) for a in t.args)
    if isinstance(t, TOp):
        return any(relates_days(a) for a in t.args)
    if isinstance(t, TQuant):
        return any(v.sort == "date" for v in t.vars) or relates_days(t.body)
    return False


def symbol_uses(t: Term | None) -> tuple[tuple[str, str, int], ...]:
    """Each use of a symbol in ``t``, in the order written: its name, kind and arity.

    The kind is ``pred``, ``func`` or ``const``, as in :class:`claims._front.lint.Use`.
    """
    out: list[tuple[str, str, int]] = []
    if t is not None:
        _uses(t, out)
    return tuple(out)


def _uses(t: Term, out: list[tuple[str, str, int]]) -> None:
    if isinstance(t, TApp):
        out.append((t.name, "pred" if t.sort == "bool" else ("func" if t.args else "const"), len(t.args)))
        for a in t.args:
            _uses(a, out)
        if isinstance(t.at, TApp):  # x@withdrawal_day
            _uses(t.at, out)
    elif isinstance(t, TOp):
        for a in t.args:
            _uses(a, out)
    elif isinstance(t, TQuant):
        _uses(t.body, out)


class Template(NamedTuple):
    """A claim's encoding with the day it holds on left open, and the symbols it uses.

    The encode stage makes it (``claims._logic.encode.template``) and
    instantiates it on the claim's days; the file cache keeps one per claim
    (in :class:`claims._front.resolve.ResolvedFile`), and the loaded
    :class:`Dataset` carries them, so a re-check neither encodes nor lints
    from the terms of the files that did not change. A named tuple, not an
    attrs class: tuples are what pickle reads fastest.
    """

    timed: bool  # it mentions a timed symbol without '@': one instance per relevant day
    explicit: tuple[int, ...]  # the days it names with '@'
    smt: str
    atoms: tuple[tuple[str, str, str, int, str], ...]  # the fields of each encoded Atom (plain tuples load fast)
    sort_decls: tuple[tuple[str, str], ...]
    uses: tuple[tuple[str, str, int], ...] = ()  # its symbols, for the lint (see symbol_uses)
    bounds: tuple[str, ...] = ()  # the open sorts it may bound (claims._logic.encode.bounded_sorts)
    across: bool = False  # it relates days: encoded from its term, in the timeline (claims._logic.timeline)
    strict: Template | None = None  # its strict reading's, when it differs (claims._logic.encode.template)


Head = tuple[bool, tuple[int, ...], tuple[str, ...], bool]
"""What a template is for the relevant days, the claims' keys and the partition, without its formula.

Its ``timed``, ``explicit``, ``bounds`` and ``across`` (:func:`head_of`): a
plain tuple, as the file cache keeps one for each claim beside its file's
templates, which it reads only when one of them is needed
(:class:`Deferred`).
"""


def head_of(t: Template) -> Head:
    """The :data:`Head` of a template."""
    return (t.timed, t.explicit, t.bounds, t.across)


Uses = tuple[tuple[str, str, int], ...]
"""A formula's symbol uses, for the lint (:func:`symbol_uses`; a template's ``uses``)."""

T = TypeVar("T")


class Deferred(Sequence[T]):
    """What a claim file keeps for each claim (its templates, its uses), read when one is first needed.

    A re-check encodes only the claims an edit touched, so it needs the
    templates of few files; the others are never read (see
    ``claims._front.filecache``); the lint, which runs beside, reads the
    uses alone. ``items`` gives the whole file's, read once; there are
    ``count`` of them. Pickled, it is the tuple of its items.
    """

    __slots__ = ("_count", "_items")

    def __init__(self, items: Callable[[], Sequence[T]], count: int) -> None:
        self._items = items
        self._count = count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self._items()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._items())

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (tuple(self._items()),))


# --------------------------------------------------------------------------- vocabulary


@attrs.frozen
class SortInfo:
    """A declared entity sort; ``members`` is set for closed (enumerated) sorts."""

    name: str
    members: tuple[str, ...] | None
    span: Span | None = attrs.field(default=None, eq=False)


@attrs.frozen(kw_only=True)
class Symbol:
    """A declared constant, predicate or function."""

    name: str
    args: tuple[str, ...]
    result: str
    timed: bool
    kind: str  # const | pred | func
    span: Span | None = attrs.field(default=None, eq=False)


# --------------------------------------------------------------------------- public data


@attrs.frozen(kw_only=True, cache_hash=True)
class Source:
    """Who speaks (``name``, ``role``), through which outlet (``via``), and how far they are trusted.

    ``reliability`` is in (0, 1]: the source's own ``reliability:``, else its
    outlet's in the claim file's ``outlet_reliability:``, else None (weighs 1).
    Setting one of its claims aside costs that much (the preferred repair).
    ``reference``: a reference document's source (an encyclopedia dating an
    event the articles mention), marked as such in every report.
    """

    id: str
    name: str
    role: str | None = None
    via: str | None = None
    document: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    reliability: Fraction | None = None
    reference: bool = False  # a reference work the articles assume (``reference: true``), not a party to them

    def label(self) -> str:
        """``Name (role), via Outlet`` as a person reads it (``[reference]`` after a reference source)."""
        s = self.name
        if self.role:
            s += f" ({self.role})"
        if self.via:
            s += f", via {self.via}"
        return s + (" [reference]" if self.reference else "")


@attrs.frozen(kw_only=True, cache_hash=True)
class Claim:
    """One claim: who said what, when, with the quote and its formula.

    ``formula`` is the canonical text of the formula (as printed by the
    formula language's printer); ``holds`` is the interval of days it is
    asserted for (its ``said`` date unless the claim states its own).

    A claim and its source keep their hash (``cache_hash``): a report of
    100,000 claims hashes them about 450,000 times, and each hash of a claim
    hashed its source's fields again. What is hashed is never set after the
    claim is made (the file cache sets ``term`` alone, which is not hashed).
    """

    id: str
    source: Source
    quote: str
    said: datetime.date
    formula: str
    kind: str = "fact"
    holds: tuple[datetime.date, datetime.date] | None = None
    note: str | None = None
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    quote_line: int | None = attrs.field(default=None, eq=False, repr=False)
    quote_offset: int | None = attrs.field(default=None, eq=False, repr=False)
    term: Term | DeferredTerm | None = attrs.field(default=None, eq=False, repr=False)  # read it with term_of

    @property
    def interval(self) -> tuple[datetime.date, datetime.date]:
        """The days the claim is asserted for."""
        return self.holds if self.holds is not None else (self.said, self.said)


@attrs.frozen(kw_only=True)
class Rule:
    """A named domain rule from a rule set (a ``.rules`` file)."""

    id: str
    description: str
    formula: str
    rule_set: str
    examples: tuple[str, ...] = ()
    forbids: tuple[str, ...] = ()
    span: Span | None = attrs.field(default=None, eq=False, repr=False)
    term: Term | None = attrs.field(default=None, eq=False, repr=False)
    example_terms: tuple[Term, ...] = attrs.field(default=(), eq=False, repr=False)
    forbid_terms: tuple[Term, ...] = attrs.field(default=(), eq=False, repr=False)
    # ``possible:`` clauses: every scenario where one holds and the other rules
    # hold is allowed by this rule (``claims fuzz`` checks it)
    possibles: tuple[str, ...] = ()
    possible_terms: tuple[Term, ...] = attrs.field(default=(), eq=False, repr=False)


DEFAULT_TOLERANCE = Fraction(1, 10)
"""What ``about N`` allows when a claim file sets no ``about_tolerance`` (±10%), and in rules."""


@attrs.frozen(kw_only=True)
class FileScope:
    """What the claims of one claim file were resolved against, beyond the rule sets.

    Kept in the dataset so that :func:`claims.with_claim` resolves a new claim
    of a source exactly as a claim of that source's file: with the file's own
    declarations, its ``about`` tolerance and its document.
    """

    path: str
    number: int  # its place in the dataset, from 1: a local name other files declare too is "name#number"
    clashing: frozenset[str]  # the names it declares that other files declare too
    declarations: Sequence[Item]  # its own sorts and symbols, as written
    sources: tuple[Source, ...]
    document: str | None  # the shown path of its 'document'
    about_tolerance: Fraction


@attrs.frozen
class Context:
    """How a dataset was resolved: the rule sets' declarations and every claim file's scope."""

    rule_sets: tuple[tuple[str, tuple[Item, ...]], ...]  # (shown path, declarations), in order
    files: tuple[FileScope, ...]


@attrs.frozen(kw_only=True)
class Dataset:
    """A checked dataset: claims, their sources, the rules and the vocabulary.

    Build one with :func:`claims.load` (files) or :func:`claims.dataset`
    (strings); extend it with :func:`claims.with_claim`. ``about_tolerance``
    is what ``about N`` allows in the rules (the default, ±10%); the claims of
    each claim file use that file's own ``about_tolerance``.
    """

    claims: tuple[Claim, ...]
    rules: tuple[Rule, ...]
    sources: tuple[Source, ...]
    symbols: tuple[Symbol, ...] = attrs.field(repr=False)
    sorts: tuple[SortInfo, ...] = attrs.field(repr=False)
    files: tuple[str, ...] = ()
    documents: tuple[tuple[str, str], ...] = attrs.field(default=(), repr=False, eq=False)
    about_tolerance: Fraction = DEFAULT_TOLERANCE
    _context: Context | None = attrs.field(default=None, eq=False, repr=False)
    # see kept: (claim, its file's templates, its place among them, its key or "", its head, its file's uses)
    _templates: tuple[Kept, ...] = attrs.field(default=(), eq=False, repr=False)
    # see rows: the claims' rows, with the very tuple of claims they are the rows of
    _rows: tuple[tuple[Claim, ...], tuple[Row, ...]] | None = attrs.field(default=None, eq=False, repr=False)

    def claim(self, claim_id: str) -> Claim:
        """The claim with this id (``KeyError`` when there is none)."""
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise KeyError(claim_id)


Row = tuple[Any, ...]
"""A claim's fields as one plain tuple, in the order of :class:`Claim`'s (:func:`row_of`).

Its span is the tuple of the span's fields, and its term is not there
(``None``), or, in a row the file cache kept, the place of the claim's term
among its file's terms. Rows are what the passes over every claim of a large
dataset read (its kinds, ids, days, sources, places), so that a claim the
file cache kept need not be made (see :class:`Unmade`).
"""

CLAIM_FIELDS: tuple[str, ...] = tuple(a.name for a in attrs.fields(Claim))
"""The fields of a claim, in the order of a :data:`Row`."""

ROW = {name: k for k, name in enumerate(CLAIM_FIELDS)}
"""The place of each field of a claim in its :data:`Row`."""


def row_of(c: Claim, term: Any = None) -> Row:
    """The :data:`Row` of a claim, with ``term`` in its term's place (the file cache puts the term's place there)."""
    row = list(_VALUES(c))
    if row[_SPAN] is not None:
        row[_SPAN] = span_fields(row[_SPAN])
    row[_TERM] = term
    return tuple(row)


def span_fields(s: Span) -> tuple[Any, ...]:
    """The fields of a span as a tuple (equal where the spans are equal), as a :data:`Row` holds it."""
    return (s.path, s.line, s.column, s.end_line, s.end_column)


def rows(ds: Dataset) -> Sequence[Row]:
    """The :data:`Row` of each claim of ``ds``, made of its claims when the loader kept none for them.

    The rows the loader kept are the rows of one tuple of claims, the very
    one they were kept with: a dataset with other claims
    (:func:`claims.with_claim`, ``attrs.evolve``) has its rows made again.
    """
    kept_rows = ds._rows
    if kept_rows is not None and kept_rows[0] is ds.claims:
        return kept_rows[1]
    return [row_of(c) for c in ds.claims]


def span_of(row: Row) -> Span | None:
    """The span of the claim of ``row``."""
    s = row[_SPAN]
    return None if s is None else Span(*s)


_SPAN = ROW["span"]
_TERM = ROW["term"]
_VALUES = values_of(CLAIM_FIELDS)
_HASH_SLOT = Claim.__dict__["_attrs_cached_hash"]  # attrs' slot for the cached hash of a claim


class Unmade(Claim):
    """A claim the file cache kept, made from its row when one of its fields is first read.

    A re-check of 100,000 claims names about 14,000 of them in its report; the
    passes over all of them read their rows (:func:`rows`). So the file cache
    gives each of its claims as an instance of this class with none of its
    fields set, its row and its file's terms held where attrs keeps the
    claim's hash; reading any field (or hashing, comparing, printing or
    pickling it) sets every field from the row, as unpickling the claim would
    have, and makes it a :class:`Claim`. Its class then is ``Claim``, so it is
    equal to the claim a fresh load makes, and to nothing else.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        make(self)
        return getattr(self, name)

    def __hash__(self) -> int:
        make(self)
        return hash(self)

    def __eq__(self, other: object) -> bool:
        make(self)
        return self == other

    def __ne__(self, other: object) -> bool:
        make(self)
        return self != other

    def __repr__(self) -> str:
        make(self)
        return repr(self)

    def __reduce_ex__(self, protocol: Any) -> Any:
        make(self)
        return self.__reduce_ex__(protocol)


def unmade(kept_rows: Sequence[Row], terms: Callable[[], Sequence[Term]]) -> tuple[Claim, ...]:
    """The claims of ``kept_rows`` (the file cache's), each made when first read; ``terms``: their file's terms."""
    shells = tuple(map(object.__new__, itertools.repeat(Unmade, len(kept_rows))))
    for _ in map(_HASH_SLOT.__set__, shells, zip(kept_rows, itertools.repeat(terms))):
        pass
    return shells


def make(c: Claim) -> None:
    """Set every field of an :class:`Unmade` claim from its row, and make it a :class:`Claim`."""
    held = _HASH_SLOT.__get__(c, Claim)
    if type(held) is tuple:  # (row, terms) until made; None (or a hash) once made, or when made by __init__
        row, terms = held
        for put, value in zip(_SETTERS, row, strict=True):
            put(c, value)
        s = row[_SPAN]
        if s is not None:
            _SETTERS[_SPAN](c, Span(*s))
        place = row[_TERM]
        if type(place) is int:
            _SETTERS[_TERM](c, DeferredTerm(terms, place))
        _HASH_SLOT.__set__(c, None)
    object.__setattr__(c, "__class__", Claim)


# each field's slot, set as attrs' own __init__ and __setstate__ set a frozen claim's (past its __setattr__)
_SETTERS = tuple(Claim.__dict__[name].__set__ for name in CLAIM_FIELDS)


Kept = tuple[Claim, Sequence[Template], int, str, Head, Sequence[Uses]]
"""What the loader kept of a claim: it, its file's templates, its place among them, its key, its head, its file's uses.

The key is the claim's (:func:`claim_key`), made of the claim and that very
template when the file cache kept it (:func:`claims._front.filecache.pack`),
inside the same sealed entry, or ``""`` when none was made; the head is the
template's (:func:`head_of`), and its uses its template's (the file's, at
the same place).
"""


def kept(ds: Dataset) -> list[Kept | None]:
    """What the loader kept for each claim of ``ds`` (from the file cache, or made for it), or None.

    A template is kept with the very claim object it was made for: a claim
    added or replaced later (:func:`claims.with_claim`, ``attrs.evolve``) has
    none, and is encoded from its term. The kept entries hold their claims,
    so an ``id`` found among them is that claim. Nothing here reads a
    deferred template.
    """
    if not ds._templates:
        return [None] * len(ds.claims)
    if _aligned(ds):
        return list(ds._templates)
    by_id = {id(k[0]): k for k in ds._templates}
    return [by_id.get(id(c)) for c in ds.claims]


def kept_templates(ds: Dataset) -> list[Template | None]:
    """The template the loader kept for each claim of ``ds`` (see :func:`kept`), or None; every one is read."""
    return [None if k is None else k[1][k[2]] for k in kept(ds)]


def kept_uses(ds: Dataset) -> list[Uses | None]:
    """The symbol uses of the template the loader kept for each claim of ``ds`` (see :func:`kept`), or None.

    The file cache keeps them apart from the templates, so reading them reads no template.
    """
    return [None if k is None else k[5][k[2]] for k in kept(ds)]


def _aligned(ds: Dataset) -> bool:
    """Whether the kept templates are the claims', one each in the claims' order (as a load keeps them)."""
    pairs = ds._templates
    return len(pairs) == len(ds.claims) and all(map(operator.is_, ds.claims, map(operator.itemgetter(0), pairs)))


def template_key(t: Template) -> str:
    """A digest of the fields of ``t`` that make a claim's unit (all but the lint's ``uses``), as hex.

    With its strict reading's, which makes the unit's ``strict`` text.
    ``marshal`` version 2 writes no references, so the bytes are a function
    of the values.
    """
    strict = None if t.strict is None else (t.strict.timed, t.strict.smt, t.strict.atoms)
    data = (t.timed, t.explicit, t.smt, t.atoms, t.sort_decls, t.bounds, strict)
    return hashlib.blake2b(marshal.dumps(data, 2), digest_size=16).hexdigest()


def claim_key(c: Claim, timed: bool, digest: str) -> str:
    """What the unit of claim ``c`` is made of besides the relevant days, as a string (its *key*).

    ``digest``: the :func:`template_key` of its template, ``timed`` whether
    that is timed. The key is the digest, the claim's kind and, when timed,
    its interval (which of the relevant days it holds on), as day numbers.
    The digest has a fixed width and a kind is letters, so a key says each
    part apart. ``claims._logic.recheck`` pairs the claims of two runs by it.
    """
    if timed:
        lo, hi = c.interval
        return f"{digest}{c.kind}{lo.toordinal()}-{hi.toordinal()}"
    return digest + c.kind
