"""An independent oracle for the benchmark: the exact minimal contradictions of a small topic.

The generator describes what each claim it writes means in a tiny constraint
language of its own (no z3, nothing from ``claims``): Boolean literals and
difference constraints over integers (``x - y <= c``, with ``y`` or ``x`` the
constant zero for bounds). Rule instances are ``antecedent -> consequents``.
That fragment has an exact, simple decision procedure (try every Boolean
assignment, then Bellman-Ford on the difference constraints), so the oracle
can enumerate every minimal unsatisfiable subset of a topic by brute force over
its subsets. The benchmark then asserts that the engine found exactly these.

Claims with identical meaning form one class (a minimal set never holds two of
them: either one makes the other redundant); the oracle enumerates over classes
and expands each class set into one set per choice of members, which is what
"identical formulas repeated by several sources" multiply into.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ZERO = "0"


@dataclass(frozen=True)
class Lit:
    """A Boolean atom has this value."""

    var: str
    value: bool


@dataclass(frozen=True)
class Diff:
    """``x - y <= c`` over integers; ``ZERO`` stands for the constant 0."""

    x: str
    y: str
    c: int


def bounds(var: str, lo: int | None = None, hi: int | None = None) -> tuple[Diff, ...]:
    """``lo <= var <= hi`` as difference constraints (either side may be open)."""
    out = []
    if lo is not None:
        out.append(Diff(ZERO, var, -lo))
    if hi is not None:
        out.append(Diff(var, ZERO, hi))
    return tuple(out)


Constraint = Lit | Diff
Meaning = tuple[Constraint, ...]


@dataclass(frozen=True)
class RuleInstance:
    """One instance of a rule: when ``antecedent`` holds (or always, if None), so do the consequents."""

    rule: str
    antecedent: Lit | None
    consequents: Meaning


def _negative_cycle(diffs: Sequence[Diff]) -> bool:
    """True when the difference constraints have no integer solution (Bellman-Ford)."""
    if not diffs:
        return False
    nodes = {ZERO}
    for d in diffs:
        nodes.add(d.x)
        nodes.add(d.y)
    dist = dict.fromkeys(nodes, 0)
    edges = [(d.y, d.x, d.c) for d in diffs]  # x <= y + c
    for _ in range(len(nodes)):
        changed = False
        for u, v, w in edges:
            if dist[u] + w < dist[v]:
                dist[v] = dist[u] + w
                changed = True
        if not changed:
            return False
    return True


def satisfiable(meanings: Iterable[Meaning], rules: Sequence[RuleInstance]) -> bool:
    """Whether the conjunction of ``meanings`` and ``rules`` has a model."""
    fixed: dict[str, bool] = {}
    diffs: list[Diff] = []
    for m in meanings:
        for c in m:
            if isinstance(c, Lit):
                if fixed.setdefault(c.var, c.value) != c.value:
                    return False
            else:
                diffs.append(c)
    free = sorted({r.antecedent.var for r in rules if r.antecedent is not None} - set(fixed))
    for values in itertools.product((False, True), repeat=len(free)):
        assign = dict(fixed)
        assign.update(zip(free, values))
        extra: list[Diff] = []
        ok = True
        for r in rules:
            if r.antecedent is not None and assign.get(r.antecedent.var, False) != r.antecedent.value:
                continue
            for c in r.consequents:
                if isinstance(c, Lit):
                    if assign.setdefault(c.var, c.value) != c.value:
                        ok = False
                else:
                    extra.append(c)
        if ok and not _negative_cycle(diffs + extra):
            return True
    return False


@dataclass(frozen=True)
class OracleMus:
    """A minimal contradiction: claim keys, and every minimal set of rules it needs."""

    claims: tuple[int, ...]
    rule_sets: tuple[tuple[str, ...], ...]


def minimal_contradictions(
    claims: Sequence[tuple[int, Meaning]], rules: Sequence[RuleInstance]
) -> list[OracleMus]:
    """Every minimal unsatisfiable subset of ``claims`` (keys and meanings) under ``rules``."""
    classes: dict[Meaning, list[int]] = {}
    for key, meaning in claims:
        classes.setdefault(meaning, []).append(key)
    reps = list(classes)
    if len(reps) > 16:
        raise ValueError(f"a topic of {len(reps)} distinct claims is too big for the brute-force oracle")
    found: list[frozenset[int]] = []
    for size in range(1, len(reps) + 1):
        for combo in itertools.combinations(range(len(reps)), size):
            s = frozenset(combo)
            if any(f <= s for f in found):
                continue
            if not satisfiable([reps[i] for i in combo], rules):
                found.append(s)
    rule_ids = sorted({r.rule for r in rules})
    out: list[OracleMus] = []
    for s in found:
        meanings = [reps[i] for i in sorted(s)]
        needed: list[tuple[str, ...]] = []
        for size in range(len(rule_ids) + 1):
            for keep in itertools.combinations(rule_ids, size):
                if any(set(n) <= set(keep) for n in needed):
                    continue
                if not satisfiable(meanings, [r for r in rules if r.rule in keep]):
                    needed.append(keep)
        for choice in itertools.product(*[classes[reps[i]] for i in sorted(s)]):
            out.append(OracleMus(tuple(sorted(choice)), tuple(needed)))
    return out
