"""Repairs and the tolerant readings of conclusions, from a component's contradictions (no solver here).

A *repair* of a set of claims ``U`` is a minimal correction set (MCS): a
minimal set of claims whose removal leaves the rest consistent. What is left
after removing one is a maximal consistent subset, a *repair* in the sense of
the inconsistency-tolerant semantics (Lembo et al. 2010; Bienvenu 2012).

Reiter's hitting-set duality (Reiter 1987; Liffiton and Sakallah 2008): a set
is consistent exactly when it contains no minimal unsatisfiable subset (MUS),
so the MCSes of ``U`` are exactly the minimal hitting sets of the MUSes of
``U``. When the enumeration of a component's MUSes is complete, the minimal
hitting sets of the list it found are therefore *all* the repairs, exactly;
the solver then only confirms each (``claims._logic.solve``). When it is not
complete (``--max``, or an ``unknown`` answer), a hitting set of the MUSes
found need not be a correction set at all, so no repair is listed and every
reading that needs them says so.

Hitting sets decompose over *conflicts*: groups of MUSes linked by shared
claims (two MUSes with a claim in common are in one conflict, and so on
transitively). A set hits every MUS exactly when its part in each conflict
hits that conflict's MUSes, and it is minimal exactly when each part is, as
conflicts share no claim. So the repairs of a component are the unions of one
repair per conflict, and "the smallest fix" is a property of each conflict.

The minimal hitting sets of one conflict are computed by Berge's algorithm
(C. Berge, *Hypergraphs*, 1989): the minimal transversals of the first
``k`` sets, extended set by set, keeping the minimal ones. It is exact,
simple, and fast on the few, small MUSes a conflict of claims has; a
``limit`` on the family's size stops it on the rare conflict whose repairs
explode, and the conflict is then reported as not repaired (``complete`` is
False), never with a partial list presented as all.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction

import attrs

SEMANTICS = ("AR", "IAR", "brave", "preferred")
"""The tolerant readings of a conclusion, in the order the reports give them."""


def conflicts(muses: Sequence[Sequence[int]]) -> list[tuple[int, ...]]:
    """The MUSes (by position) grouped into conflicts: linked by shared claims, in the order of their first MUS."""
    parent = list(range(len(muses)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[int, int] = {}
    for k, m in enumerate(muses):
        for c in m:
            if c in owner:
                a, b = find(owner[c]), find(k)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                owner[c] = k
    groups: dict[int, list[int]] = {}
    for k in range(len(muses)):
        groups.setdefault(find(k), []).append(k)
    return [tuple(g) for g in sorted(groups.values(), key=lambda g: g[0])]


def minimal_hitting_sets(sets: Sequence[Sequence[int]], limit: int | None) -> tuple[list[tuple[int, ...]], bool]:
    """Every minimal hitting set of ``sets`` (Berge's algorithm), sorted by size then items; and whether complete.

    With more than ``limit`` minimal transversals at any step, it stops and
    returns ``([], False)``. An empty family has one minimal hitting set, the
    empty one; a family holding the empty set has none.
    """
    family: list[frozenset[int]] = [frozenset()]
    for s in sets:
        items = sorted(set(s))
        grown: set[frozenset[int]] = set()
        for t in family:
            if t.intersection(items):
                grown.add(t)
            else:
                grown.update(t | {x} for x in items)
        family = _minimal(grown)
        if limit is not None and len(family) > limit:
            return [], False
    return sorted((tuple(sorted(t)) for t in family), key=lambda t: (len(t), t)), True


def _minimal(sets: set[frozenset[int]]) -> list[frozenset[int]]:
    """The sets of ``sets`` that hold no other as a proper subset."""
    kept: list[frozenset[int]] = []
    for s in sorted(sets, key=len):
        if not any(k <= s for k in kept):
            kept.append(s)
    return kept


def combine(per_conflict: Sequence[Sequence[tuple[int, ...]]], limit: int | None) -> tuple[list[tuple[int, ...]], bool]:
    """The repairs of a whole component: one repair per conflict, united; sorted by size then items.

    ``([], False)`` when there would be more than ``limit``.
    """
    total = 1
    for reps in per_conflict:
        total *= len(reps)
    if limit is not None and total > limit:
        return [], False
    out = [tuple(sorted(itertools.chain.from_iterable(choice))) for choice in itertools.product(*per_conflict)]
    return sorted(out, key=lambda t: (len(t), t)), True


def weight(repair: Sequence[int], weights: Mapping[int, Fraction]) -> Fraction:
    """What setting ``repair`` aside costs: the sum of its claims' weights (1 for a claim without one)."""
    weighed = [weights[c] for c in repair if c in weights]
    if not weighed:  # most claims have no reliability: each weighs 1
        return Fraction(len(repair))
    return sum(weighed, Fraction(len(repair) - len(weighed)))


def preferred_key(repair: Sequence[int], weights: Mapping[int, Fraction]) -> tuple[Fraction, int, tuple[int, ...]]:
    """The order of preference among repairs: least total weight, then fewest claims, then claim order."""
    return (weight(repair, weights), len(repair), tuple(sorted(repair)))


def preferred(repairs: Sequence[tuple[int, ...]], weights: Mapping[int, Fraction]) -> int | None:
    """The position of the preferred repair in ``repairs`` (see :func:`preferred_key`); None when there is none."""
    if not repairs:
        return None
    return min(range(len(repairs)), key=lambda k: preferred_key(repairs[k], weights))


def tied(repairs: Sequence[tuple[int, ...]], best: int, weights: Mapping[int, Fraction]) -> bool:
    """Whether another repair weighs as much as ``repairs[best]`` and is as small (only claim order chose)."""
    key = preferred_key(repairs[best], weights)[:2]
    return any(preferred_key(r, weights)[:2] == key for k, r in enumerate(repairs) if k != best)


@attrs.frozen
class Outcome:
    """A conclusion judged against one premise set (what a repair leaves, or what every repair keeps).

    ``verdict``: ``supported``, ``refuted``, ``unsupported`` or ``unknown``;
    ``premises`` and ``rules``: minimal ones that decide a supported or refuted one.
    """

    verdict: str
    premises: tuple[int, ...] = ()
    rules: tuple[int, ...] = ()
    reason: str | None = None


@attrs.frozen
class Reading:
    """A conclusion under one inconsistency-tolerant semantics (see :func:`readings`)."""

    semantics: str  # AR IAR brave preferred
    verdict: str  # supported refuted unsupported unknown
    premises: tuple[int, ...] = ()
    rules: tuple[int, ...] = ()
    set_aside: tuple[int, ...] = ()
    reason: str | None = None


def readings(
    repairs: Sequence[tuple[int, ...]],
    outcomes: Sequence[Outcome] | None,
    iar: Outcome | None,
    disputed: tuple[int, ...],
    best: int | None,
    reason: str | None = None,
) -> tuple[Reading, ...]:
    """The four readings of a conclusion whose premises contradict each other.

    ``repairs``: every repair (MCS) of the premises, and ``outcomes`` the
    conclusion judged on what each leaves (None: the repairs are not all
    known, for ``reason``); ``iar`` the conclusion judged on the premises in
    no contradiction (None: not known), ``disputed`` the premises in some
    contradiction (the union of the repairs); ``best`` the position of the
    preferred repair. The definitions (also in the README):

    * ``AR``: supported when every repair's rest entails it, refuted when
      every one entails its negation, otherwise unsupported (``set_aside``:
      a repair under which it does not follow);
    * ``IAR``: the verdict on the intersection of the repairs' rests, the
      premises in no contradiction (``set_aside``: every disputed premise);
    * ``brave``: supported when some repair's rest entails it (the first such,
      in the order of ``repairs``); else refuted when some entails its
      negation; else unsupported;
    * ``preferred``: the verdict on the preferred repair's rest.
    """
    out: list[Reading] = []
    if outcomes is None:
        why = reason or "the repairs are not all known"
        out.append(Reading("AR", "unknown", reason=why))
    else:
        out.append(_ar(repairs, outcomes))
    if iar is None:
        out.append(Reading("IAR", "unknown", reason=reason or "the contradictions are not all known"))
    else:
        out.append(_single("IAR", iar, disputed))
    if outcomes is None:
        out.append(Reading("brave", "unknown", reason=reason or "the repairs are not all known"))
        out.append(Reading("preferred", "unknown", reason=reason or "the repairs are not all known"))
    else:
        out.append(_brave(repairs, outcomes))
        if best is None:
            out.append(Reading("preferred", "unknown", reason="there is no repair"))
        else:
            out.append(_single("preferred", outcomes[best], repairs[best]))
    return tuple(out)


def _single(semantics: str, o: Outcome, set_aside: tuple[int, ...]) -> Reading:
    return Reading(semantics, o.verdict, o.premises, o.rules, set_aside, o.reason)


def _union(items: Iterator[tuple[int, ...]]) -> tuple[int, ...]:
    return tuple(sorted(set(itertools.chain.from_iterable(items))))


def _ar(repairs: Sequence[tuple[int, ...]], outcomes: Sequence[Outcome]) -> Reading:
    for o in outcomes:
        if o.verdict == "unknown":
            return Reading("AR", "unknown", reason=o.reason)
    for verdict in ("supported", "refuted"):
        if outcomes and all(o.verdict == verdict for o in outcomes):
            return Reading(
                "AR",
                verdict,
                _union(o.premises for o in outcomes),
                _union(o.rules for o in outcomes),
            )
    k = next((k for k, o in enumerate(outcomes) if o.verdict != "supported"), 0)
    return Reading("AR", "unsupported", set_aside=repairs[k] if repairs else ())


def _brave(repairs: Sequence[tuple[int, ...]], outcomes: Sequence[Outcome]) -> Reading:
    def first(verdict: str) -> int | None:
        return next((k for k, o in enumerate(outcomes) if o.verdict == verdict), None)

    k = first("supported")
    if k is not None:
        return _single("brave", outcomes[k], repairs[k])
    k = first("unknown")
    if k is not None:
        return Reading("brave", "unknown", reason=outcomes[k].reason)
    k = first("refuted")
    if k is not None:
        return _single("brave", outcomes[k], repairs[k])
    return Reading("brave", "unsupported")
