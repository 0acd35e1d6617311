"""Symbol lint: names that are probably slips of the pen. Warnings, never errors.

A dataset can be well-formed and still say less than its author meant: a
predicate spelt ``Studen`` in one claim and ``Student`` in another is two
predicates to the solver, and a conclusion that uses a symbol no premise
mentions can never be supported. The checks here look at every *use* of every
name and point at such places; they never change a verdict or an exit code.

Checks are plain functions in a registry (:data:`CHECKS`), as output formats
are; each one receives every :class:`Use` and records warnings in a
:class:`~claims._base.errors.DiagnosticSink`. The front ends build the uses: the
formula language from a resolved :class:`~claims._front.model.Dataset`
(:func:`lint_dataset`), the FOLIO dialect from its untyped syntax
(``claims._run.folio``), where arities and variables are implicit and two more
slips are possible (a predicate used with two arities, a variable no
quantifier binds).
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import marshal
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import attrs

from claims._base import errors as E
from claims._base.errors import Diagnostic, DiagnosticSink, ErrorCode, Span
from claims._base.files import write_atomic
from claims._base.read import CACHE_FILE_BYTES, read_regular
from claims._base.sign import seal, unseal, user_key
from claims._base.version import engine_digest
from claims._front.model import ROW, Dataset, kept_uses, plain, rows, span_of, symbol_uses, term_of


@attrs.frozen(kw_only=True)
class Use:
    """One occurrence of a name in a formula.

    ``kind`` is ``pred`` (a predicate or proposition), ``func`` (a function
    applied to arguments), ``const`` (a constant) or ``free`` (a variable that
    no quantifier binds). ``group`` names the formula the use is in (a claim
    id, a rule id); ``in_rule`` marks uses in rules, which are vocabulary and
    are not blamed for being used once.
    """

    name: str
    kind: str
    arity: int
    span: Span
    group: str = ""
    in_rule: bool = False


Pairs = tuple[tuple[str, str, str], ...]
"""Pairs of names that :func:`similarity` relates: each as (first name, second name, how), in order."""

PairsOf = Callable[[tuple[str, ...]], Pairs]
"""What gives the similar pairs of a sorted tuple of names (:func:`similar_pairs`, or a :class:`KeptPairs`)."""

Check = Callable[[Sequence[Use], DiagnosticSink, PairsOf], None]
CHECKS: dict[str, Check] = {}


def _register(code: ErrorCode) -> Callable[[Check], Check]:
    """Register a check under its diagnostic code (made in :mod:`claims._base.errors` with the others)."""

    def deco(fn: Check) -> Check:
        CHECKS[code.code] = fn
        return fn

    return deco


def _category(kind: str) -> str:
    """Predicates and terms live apart: ``Mammal(x)`` and a constant ``mammal`` are no slip."""
    return "pred" if kind == "pred" else "term"


def _first_uses(uses: Sequence[Use]) -> dict[tuple[str, str], list[Use]]:
    by: dict[tuple[str, str], list[Use]] = defaultdict(list)
    for u in uses:
        kind = u.kind
        if kind != "free":
            by[("pred" if kind == "pred" else "term", u.name)].append(u)  # _category, inline: 145,000 uses at 100k
    return by


# --------------------------------------------------------------------------- checks


@_register(E.SYMBOL_ONCE)
def used_once(uses: Sequence[Use], sink: DiagnosticSink, pairs: PairsOf) -> None:
    """A symbol used once cannot carry information from one formula to another."""
    by = _first_uses(uses)
    shapes: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for u in uses:
        shapes[u.name].add((_category(u.kind), u.arity))
    # both look-ups are indexed: a dataset with 100,000 symbols must not compare every pair
    similar_names = {
        (cat, n)
        for cat in ("pred", "term")
        for a, b, _ in pairs(tuple(sorted(n for (c, n) in by if c == cat)))
        for n in (a, b)
    }
    by_prefix: dict[tuple[str, str], list[str]] = defaultdict(list)
    for cat, n in by:
        if len(n) >= TYPO_MIN_LENGTH:
            by_prefix[(cat, n[:TYPO_MIN_LENGTH].lower())].append(n)
    groups: dict[tuple[str, str], _Containment] = {}
    for (cat, name), us in sorted(by.items()):
        if len(us) != 1 or us[0].in_rule or len(shapes[name]) > 1:
            continue  # used more than once, or 'arity-mismatch' says more about this name
        if (cat, name) in similar_names:
            continue  # 'similar-symbols' says more about this name
        key = (cat, name[:TYPO_MIN_LENGTH].lower())
        if key not in groups:
            groups[key] = _Containment(by_prefix.get(key, ()))
        close = groups[key].closest(name)
        what = "predicate" if cat == "pred" else ("function" if us[0].kind == "func" else "constant")
        sink.warning(
            us[0].span,
            E.SYMBOL_ONCE,
            f"{what} '{plain(name)}' is used only once, so nothing else can say anything about it",
            f"did you mean '{plain(close)}'?" if close else None,
        )


@_register(E.SIMILAR_SYMBOLS)
def similar(uses: Sequence[Use], sink: DiagnosticSink, pairs: PairsOf) -> None:
    """Two names that differ only by case, a plural ending or one typo are probably one symbol."""
    by = _first_uses(uses)
    for cat in ("pred", "term"):
        names = tuple(sorted(n for (c, n) in by if c == cat))
        for a, b, how in pairs(names):
            if plain(a) == plain(b):
                continue  # the same name declared by two files: two symbols on purpose
            ua, ub = by[(cat, a)], by[(cat, b)]
            # blame the rarer spelling (the likelier slip); on a tie, the one first used later
            a_rarer = (len(ua), _neg(_first(ua).span)) < (len(ub), _neg(_first(ub).span))
            rare, common = (a, b) if a_rarer else (b, a)
            where = _first(by[(cat, common)]).span
            sink.warning(
                _first(by[(cat, rare)]).span,
                E.SIMILAR_SYMBOLS,
                f"'{plain(rare)}' and '{plain(common)}' differ only {how}; the solver reads "
                f"them as two different symbols ('{plain(common)}' is used at {where})",
                f"if they mean the same thing, write '{plain(common)}' here",
            )


@_register(E.ARITY_MISMATCH)
def arity(uses: Sequence[Use], sink: DiagnosticSink, pairs: PairsOf) -> None:
    """In an untyped input one name used with two arities is two unrelated symbols."""
    seen: dict[str, tuple[str, int]] = {}  # each name's first shape
    mixed: set[str] = set()  # the names used with two shapes or more: only these are grouped
    for u in uses:
        if u.kind != "free":
            shape = (_category(u.kind), u.arity)
            if seen.setdefault(u.name, shape) != shape:
                mixed.add(u.name)
    by: dict[str, list[Use]] = defaultdict(list)
    for u in uses:
        if u.kind != "free" and u.name in mixed:
            by[u.name].append(u)
    for name, us in sorted(by.items()):
        shapes: dict[tuple[str, int], list[Use]] = defaultdict(list)
        for u in us:
            shapes[(_category(u.kind), u.arity)].append(u)
        if len(shapes) < 2:
            continue
        # the most used shape is the reference; every other shape is flagged at its first use
        ref = max(shapes, key=lambda s: (len(shapes[s]), -_first(shapes[s]).span.line))
        ref_use = _first(shapes[ref])
        for shape, group in sorted(shapes.items(), key=lambda p: _first(p[1]).span):
            if shape == ref:
                continue
            sink.warning(
                _first(group).span,
                E.ARITY_MISMATCH,
                f"'{plain(name)}' is used here as {_shape(shape)} but as {_shape(ref)} at "
                f"{ref_use.span}; these are two unrelated symbols",
                "use one arity, or two different names",
            )


@_register(E.FREE_VARIABLE)
def free_variable(uses: Sequence[Use], sink: DiagnosticSink, pairs: PairsOf) -> None:
    """A variable outside every quantifier's scope is probably a misplaced bracket or a typo."""
    seen: set[tuple[str, str]] = set()
    free = sorted((u for u in uses if u.kind == "free"), key=lambda u: u.span)
    consts = sorted({plain(u.name) for u in uses if u.kind == "const"}) if free else []  # named in each warning
    for u in free:
        if (u.group, u.name) in seen:
            continue
        seen.add((u.group, u.name))
        sink.warning(
            u.span,
            E.FREE_VARIABLE,
            f"variable '{u.name}' is not bound by any quantifier; it is read as "
            f"'for all {u.name}' around the whole formula",
            "check the brackets around the quantifier, or write the constant that was meant"
            + (f" (constants here: {', '.join(consts[:5])}{', ...' if len(consts) > 5 else ''})" if consts else ""),
        )


# --------------------------------------------------------------------------- running


def lint(
    uses: Sequence[Use], sink: DiagnosticSink | None = None, *, pairs: PairsOf | None = None
) -> tuple[Diagnostic, ...]:
    """Run every registered check over ``uses``; return the warnings in order of place.

    ``pairs``: what gives the similar names (by default :func:`similar_pairs`).
    """
    own = sink if sink is not None else DiagnosticSink()
    before = len(own.items)
    for check in CHECKS.values():
        check(uses, own, pairs or similar_pairs)
    found = own.items[before:]
    return tuple(sorted(dict.fromkeys(found), key=lambda d: (d.span, d.code, d.message)))


def lint_dataset(ds: Dataset, *, kept: Path | None = None) -> tuple[Diagnostic, ...]:
    """The symbol warnings of a resolved dataset, placed at the claims (file:line) that use the symbols.

    ``kept``: a file where the similar names of the last lint are kept (see
    :class:`KeptPairs`); the warnings are the same with it or without it.
    """
    uses: list[Use] = []
    # the claims' ids and places from their rows: a claim the file cache kept is not made for them
    for c, row, known in zip(ds.claims, rows(ds), kept_uses(ds), strict=True):
        span = span_of(row)
        if span is None:
            continue
        found = known if known is not None else symbol_uses(term_of(c))
        group = row[ROW["id"]]
        uses.extend(
            Use(name=name, kind=kind, arity=n, span=span, group=group, in_rule=False) for name, kind, n in found
        )
    for r in ds.rules:
        span = r.span or Span(r.rule_set, 1, 0)
        for t in (r.term, *r.example_terms, *r.forbid_terms):
            uses.extend(
                Use(name=name, kind=kind, arity=n, span=span, group=r.id, in_rule=True)
                for name, kind, n in symbol_uses(t)
            )
    if kept is None:
        return lint(uses)
    pairs = KeptPairs(kept)
    warnings = lint(uses, pairs=pairs)
    pairs.save()
    return warnings


# --------------------------------------------------------------------------- helpers


def _first(us: Sequence[Use]) -> Use:
    return min(us, key=lambda u: u.span)


def _shape(shape: tuple[str, int]) -> str:
    cat, n = shape
    if cat == "pred":
        return "a proposition (no arguments)" if n == 0 else f"a predicate with {n} argument{'s' * (n != 1)}"
    return "a constant" if n == 0 else f"a function with {n} argument{'s' * (n != 1)}"


_DIGITS = re.compile(r"\d+")


def _plural_of(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with an English plural ending (cases already folded)."""
    return b in (a + "s", a + "es") or (a.endswith("y") and b == a[:-1] + "ies")


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance (edits, adjacent transpositions count once)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


TYPO_MIN_LENGTH = 4
"""Names shorter than this are not compared for typos: ``At``/``In``/``On`` are different words."""


def similarity(a: str, b: str) -> str | None:
    """How ``a`` and ``b`` differ when they are probably one symbol: a phrase, or None.

    Case-only and plural differences always count; one typo (an edit or an
    adjacent swap) counts for names of at least :data:`TYPO_MIN_LENGTH`
    letters, unless the names differ only in their digits (``yr2003``/``yr2004``).
    """
    if a == b:
        return None
    la, lb = a.lower(), b.lower()
    if la == lb:
        return "by case"
    if _plural_of(la, lb) or _plural_of(lb, la):
        return "by a plural ending"
    if min(len(a), len(b)) < TYPO_MIN_LENGTH or abs(len(a) - len(b)) > 1:
        return None
    if _DIGITS.sub("0", la) == _DIGITS.sub("0", lb) or (
        _DIGITS.search(la) and _DIGITS.search(lb) and _DIGITS.sub("", la) == _DIGITS.sub("", lb)
    ):
        return None
    return "by one letter" if _osa(la, lb) == 1 else None


@functools.lru_cache(maxsize=4)
def similar_pairs(names: tuple[str, ...]) -> Pairs:
    """Pairs of ``names`` that :func:`similarity` relates, found without comparing every pair.

    Two names within one edit share a key among the names with one letter
    deleted (or the name itself); plural endings are folded into a key of
    their own. So a dataset with thousands of symbols stays fast. Two checks
    ask for the same names in one run: the answer is kept.
    """
    keys: dict[str, list[str]] = defaultdict(list)
    # names that differ only in their digits (yr2003, yr2004) are never related, and
    # numbered names are common (say, talks_12055 and talks_12056): pass them over
    # before asking similarity() (which would answer None for them)
    lowered: dict[str, str] = {}
    numbered: dict[str, str] = {}
    for n in names:
        low = lowered[n] = n.lower()
        numbered[n] = _DIGITS.sub("0", low)
        ks = {low, "plural:" + low, *["plural:" + s for s in _singulars(low)]}
        ks.update([low[:i] + low[i + 1 :] for i in range(len(low))])
        for k in ks:
            keys[k].append(n)
    out: set[tuple[str, str, str]] = set()
    for group in keys.values():
        if len(group) < 2:
            continue
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if numbered[a] == numbered[b] and lowered[a] != lowered[b]:
                    continue
                how = similarity(a, b)
                if how is not None:
                    out.add((min(a, b), max(a, b), how))
    return tuple(sorted(out))


class KeptPairs:
    """:func:`similar_pairs` with its answers kept in a file (``path``), for the next lint of the same names.

    Most of a large dataset's lint is finding the similar names (0.28 s of
    0.7 s at 100,000 claims), and an edit seldom changes which names there
    are. The file holds the answer for each tuple of names this lint asked
    about, under a digest of the engine's code and of the names; an answer is
    the function's answer for exactly those names, so it is exact whenever it
    is found. Like the other caches, the file is sealed with this user's key
    (``claims._base.sign``) and written atomically; one that does not unseal
    or read back is not used, and each pair an answer names is asked of
    :func:`similarity` again (a few hundred at most), so that no answer,
    however it came, adds a pair that is not one. :meth:`save` writes the
    file when the lint asked about names it did not hold.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._key = user_key()
        self._kept: dict[str, Pairs] | None = None
        self._asked: dict[str, Pairs] = {}
        self._new = False

    def __call__(self, names: tuple[str, ...]) -> Pairs:
        key = hashlib.blake2b(engine_digest().encode() + marshal.dumps(names, 4), digest_size=16).hexdigest()
        got = self._asked.get(key)
        if got is None:
            got = self._read().get(key)
            if got is None or not _sound(got, names):
                got, self._new = similar_pairs(names), True
            self._asked[key] = got
        return got

    def save(self) -> None:
        """Keep the answers of this lint (only when it asked about names the file did not hold)."""
        if self._key is None or not self._new:
            return
        try:  # for this user only; a lost file costs the similar names once
            write_atomic(self.path, seal(self._key, _MAGIC, marshal.dumps(self._asked, 4)), mode=0o600, durable=False)
        except OSError:
            pass

    def _read(self) -> dict[str, Pairs]:
        if self._kept is None:
            self._kept = {}
            if self._key is not None:
                try:
                    payload = unseal(self._key, _MAGIC, read_regular(self.path, CACHE_FILE_BYTES))
                    kept = marshal.loads(payload) if payload is not None else {}
                    if type(kept) is dict and all(
                        type(k) is str and type(v) is tuple and all(type(p) is tuple and len(p) == 3 for p in v)
                        for k, v in kept.items()
                    ):
                        self._kept = kept
                except (OSError, ValueError, EOFError, TypeError):
                    pass  # no file, or one that does not read back: the answers are computed
        return self._kept


_MAGIC = b"claims-lint-pairs\n"


def _sound(pairs: Pairs, names: tuple[str, ...]) -> bool:
    """Whether every pair is two of ``names``, in order, that :func:`similarity` relates as it says."""
    if not pairs:
        return True
    known = set(names)
    return all(
        type(a) is str and type(b) is str and a in known and b in known and a < b and similarity(a, b) == how
        for a, b, how in pairs
    )


def _singulars(low: str) -> set[str]:
    """What ``low`` could be the plural of (``boxes``: ``boxe``, ``box``)."""
    out = set()
    if low.endswith("s"):
        out.add(low[:-1])
    if low.endswith("es"):
        out.add(low[:-2])
    if low.endswith("ies"):
        out.add(low[:-3] + "y")
    return out


def _neg(span: Span) -> tuple[str, int, int]:
    """A key that sorts later places first."""
    return (span.path, -span.line, -span.column)


class _Containment:
    """Names that share their first letters, indexed to find one that contains another.

    :meth:`closest` answers what comparing ``name`` with every name of the
    group would (``Perform`` and ``PerformOftenIn``), without doing so: the
    names that contain it are found by one substring search over all of them
    at once, and the names it contains among its own substrings.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.names = sorted(names, key=lambda o: (len(o), o))
        self.by_lower: dict[str, list[str]] = defaultdict(list)
        self.starts: list[int] = []
        at = 0
        for n in self.names:
            self.by_lower[n.lower()].append(n)
            self.starts.append(at)
            at += len(n) + 1
        self.text = "\n".join(n.lower() for n in self.names)  # names never hold a newline
        self.lengths = sorted({len(n) for n in self.by_lower if len(n) >= TYPO_MIN_LENGTH})

    def closest(self, name: str) -> str | None:
        """The shortest (then first in order) other name of at least :data:`TYPO_MIN_LENGTH`
        letters that contains ``name`` or is contained in it, ignoring case."""
        low = name.lower()
        if len(low) < TYPO_MIN_LENGTH:
            return None
        found: set[str] = set()
        i = self.text.find(low)
        while i >= 0:
            found.add(self.names[bisect.bisect_right(self.starts, i) - 1])
            i = self.text.find(low, i + 1)
        # the substrings of ``name`` that are names: only the lengths names have are
        # looked at (a long name costs its length times theirs, not its length cubed)
        for size in self.lengths:
            if size > len(low):
                break
            for a in range(len(low) - size + 1):
                found.update(self.by_lower.get(low[a : a + size], ()))
        found.discard(name)
        found = {o for o in found if len(o) >= TYPO_MIN_LENGTH}
        return min(found, key=lambda o: (len(o), o), default=None)
