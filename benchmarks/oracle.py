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

Conclusions are judged the same way (:func:`judge`): against the facts
connected to the conclusion (:func:`groups`, the engine's components), in the
engine's order, ``vacuous`` when those facts contradict each other,
``supported`` when they entail every constraint of the conclusion (the
negation of a difference constraint over integers is one too), ``refuted``
when they contradict it, else ``unsupported``; with every minimal premise set
and, for each, every minimal rule set.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
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
        assign.update(zip(free, values, strict=True))
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


def minimal_contradictions(claims: Sequence[tuple[int, Meaning]], rules: Sequence[RuleInstance]) -> list[OracleMus]:
    """Every minimal unsatisfiable subset of ``claims`` (keys and meanings) under ``rules``."""
    return _minimal_sets(claims, rules, lambda ms, rs: not satisfiable(ms, rs), smallest=1)


def _minimal_sets(
    items: Sequence[tuple[int, Meaning]],
    rules: Sequence[RuleInstance],
    holds: Callable[[list[Meaning], list[RuleInstance]], bool],
    smallest: int,
) -> list[OracleMus]:
    """Every minimal set of ``items`` (of at least ``smallest``) for which ``holds`` under the rules,
    with every minimal set of rules it needs; by brute force over classes of identical meanings
    (each class is tried once, then every choice of its members is listed)."""
    classes: dict[Meaning, list[int]] = {}
    for key, meaning in items:
        classes.setdefault(meaning, []).append(key)
    reps = list(classes)
    if len(reps) > 16:
        raise ValueError(f"{len(reps)} distinct claims are too many for the brute-force oracle")
    found: list[frozenset[int]] = []
    for size in range(smallest, len(reps) + 1):
        for combo in itertools.combinations(range(len(reps)), size):
            s = frozenset(combo)
            if not any(f <= s for f in found) and holds([reps[i] for i in combo], list(rules)):
                found.append(s)
    rule_ids = sorted({r.rule for r in rules})
    out: list[OracleMus] = []
    for s in found:
        meanings = [reps[i] for i in sorted(s)]
        needed: list[tuple[str, ...]] = []
        for size in range(len(rule_ids) + 1):
            for keep in itertools.combinations(rule_ids, size):
                if not any(set(n) <= set(keep) for n in needed) and holds(
                    meanings, [r for r in rules if r.rule in keep]
                ):
                    needed.append(keep)
        for choice in itertools.product(*[classes[reps[i]] for i in sorted(s)]):
            out.append(OracleMus(tuple(sorted(choice)), tuple(needed)))
    return out


# --------------------------------------------------------------------------- conclusions


def negate(c: Constraint) -> Constraint:
    """The negation of one constraint: a flipped literal, or ``y - x <= -c - 1`` (integers)."""
    if isinstance(c, Lit):
        return Lit(c.var, not c.value)
    return Diff(c.y, c.x, -c.c - 1)


def variables(m: Meaning) -> set[str]:
    """The variables a meaning constrains (not the constant ``ZERO``)."""
    out: set[str] = set()
    for c in m:
        if isinstance(c, Lit):
            out.add(c.var)
        else:
            out |= {c.x, c.y}
    out.discard(ZERO)
    return out


def rule_variables(r: RuleInstance) -> set[str]:
    """The variables one rule instance relates (the engine's components join them)."""
    out = variables(r.consequents)
    if r.antecedent is not None:
        out.add(r.antecedent.var)
    return out


def groups(meanings: Sequence[Meaning], rules: Sequence[RuleInstance]) -> list[int]:
    """The connected group of each meaning: two meanings share one when a chain of shared
    variables (through other meanings or rule instances) links them, as in the engine's partition."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(vs: Iterable[str]) -> None:
        vs = sorted(vs)
        for v in vs[1:]:
            a, b = find(vs[0]), find(v)
            if a != b:
                parent[max(a, b)] = min(a, b)

    for r in rules:
        join(rule_variables(r))
    for m in meanings:
        join(variables(m))
    labels: dict[str, int] = {}
    out = []
    for k, m in enumerate(meanings):
        vs = sorted(variables(m))
        out.append(labels.setdefault(find(vs[0]), len(labels)) if vs else -1 - k)
    return out


def _entails(premises: Sequence[Meaning], conclusion: Meaning, rules: Sequence[RuleInstance]) -> bool:
    """Every model of ``premises`` and ``rules`` satisfies ``conclusion`` (each of its constraints)."""
    return all(not satisfiable([*premises, (negate(c),)], rules) for c in conclusion)


def _refutes(premises: Sequence[Meaning], conclusion: Meaning, rules: Sequence[RuleInstance]) -> bool:
    return not satisfiable([*premises, conclusion], rules)


def verdict(premises: Sequence[Meaning], conclusion: Meaning, rules: Sequence[RuleInstance]) -> str:
    """The engine's verdict on ``conclusion`` given the facts of its component, in the engine's order:
    ``vacuous`` (the facts contradict each other), ``supported`` (facts and rules entail it),
    ``refuted`` (they entail its negation), else ``unsupported``."""
    if not satisfiable(premises, rules):
        return "vacuous"
    if _entails(premises, conclusion, rules):
        return "supported"
    if _refutes(premises, conclusion, rules):
        return "refuted"
    return "unsupported"


@dataclass(frozen=True)
class OracleVerdict:
    """A conclusion's verdict and, when decided, every minimal premise set with its minimal rule sets."""

    verdict: str
    premise_sets: tuple[OracleMus, ...] = ()


def judge(premises: Sequence[tuple[int, Meaning]], conclusion: Meaning, rules: Sequence[RuleInstance]) -> OracleVerdict:
    """The verdict on ``conclusion`` given the facts of its component (keys and meanings).

    For ``supported`` and ``refuted``: every minimal set of facts that entails
    the conclusion (its negation), by brute force over classes of identical
    facts as in :func:`minimal_contradictions`, each with every minimal set of
    rules it needs.
    """
    v = verdict([m for _, m in premises], conclusion, rules)
    if v not in ("supported", "refuted"):
        return OracleVerdict(v)
    test = _entails if v == "supported" else _refutes
    out = _minimal_sets(premises, rules, lambda ms, rs: test(ms, conclusion, rs), smallest=0)
    return OracleVerdict(v, tuple(out))
