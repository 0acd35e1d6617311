"""A brute-force oracle for small datasets, independent of Z3 and of the encoder.

Datasets are over three Boolean constants ``p q r`` and two integer constants
``x y``. A domain rule keeps the integers in ``0..3`` so that truth tables are
finite; without it the integers range over ``-8..8``, which decides every
formula the strategy below can draw (constants are at most 3 in absolute
value, so a satisfiable region always has a point that small).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction

from hypothesis import strategies as st

import claims
from claims._front.model import DeferredTerm, TApp, Term, TLit, TOp, TQuant

BOOLS = ("p", "q", "r")
INTS = ("x", "y")
DOMAIN_RULE = 'rule dom: "small integers" x >= 0 and x <= 3 and y >= 0 and y <= 3'
VOCAB = "pred p, q, r\nconst x, y: int\n"

Value = bool | int | Fraction
Carried = Term | DeferredTerm | None
"""A term as a claim or rule carries it: perhaps deferred (the file cache), or absent (it has no formula)."""


def _read(t: Carried) -> Term:
    t = t.get() if isinstance(t, DeferredTerm) else t
    assert t is not None, "the oracle needs a term"
    return t


def evaluate(t: Carried, env: Mapping[str, Value]) -> Value:
    """Evaluate a typed term under an assignment of the constants."""
    t = _read(t)
    if isinstance(t, TLit):
        return t.value
    if isinstance(t, TApp):
        assert not t.args and not t.timed, "the oracle handles constants only"
        return env[t.name]
    assert not isinstance(t, TQuant), "the oracle handles no quantifiers"
    assert isinstance(t, TOp), t
    a = [evaluate(x, env) for x in t.args]
    op = t.op
    if op == "not":
        return not a[0]
    if op == "and":
        return bool(a[0]) and bool(a[1])
    if op == "or":
        return bool(a[0]) or bool(a[1])
    if op == "xor":
        return bool(a[0]) != bool(a[1])
    if op == "implies":
        return (not a[0]) or bool(a[1])
    if op == "iff":
        return bool(a[0]) == bool(a[1])
    if op == "neg":
        return -a[0]
    if op == "+":
        return a[0] + a[1]
    if op == "-":
        return a[0] - a[1]
    if op == "*":
        return a[0] * a[1]
    if op == "/":
        return Fraction(a[0]) / Fraction(a[1]) if a[1] != 0 else Fraction(0)  # x / 0 = 0 (claims._logic.encode)
    return {
        "=": a[0] == a[1],
        "!=": a[0] != a[1],
        "<": a[0] < a[1],
        "<=": a[0] <= a[1],
        ">": a[0] > a[1],
        ">=": a[0] >= a[1],
    }[op]


def assignments(bounded: bool = True) -> Iterator[dict[str, Value]]:
    """Every assignment of ``p q r x y`` (integers in 0..3, or -8..8 when unbounded)."""
    ints = range(4) if bounded else range(-8, 9)
    for bs in itertools.product((False, True), repeat=len(BOOLS)):
        for xs in itertools.product(ints, repeat=len(INTS)):
            yield {**dict(zip(BOOLS, bs, strict=True)), **dict(zip(INTS, xs, strict=True))}


def symbols_of(t: Carried) -> set[str]:
    t = _read(t)
    if isinstance(t, TApp):
        return {t.name}
    if isinstance(t, TOp):
        return set().union(*(symbols_of(a) for a in t.args)) if t.args else set()
    return set()


def satisfiable(terms: Sequence[Carried], bounded: bool = True) -> bool:
    return any(all(evaluate(t, env) for t in terms) for env in assignments(bounded))


# --------------------------------------------------------------------------- strategies


@st.composite
def atoms(draw: st.DrawFn) -> str:
    """An atomic formula over the vocabulary."""
    kind = draw(st.sampled_from(["bool", "cmp", "cmp2", "sum", "lit"]))
    if kind == "bool":
        return draw(st.sampled_from(BOOLS))
    if kind == "lit":
        return draw(st.sampled_from(["true", "false"]))
    op = draw(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]))
    if kind == "cmp":
        return f"{draw(st.sampled_from(INTS))} {op} {draw(st.integers(0, 3))}"
    if kind == "cmp2":
        return f"x {op} y"
    return f"x + y {op} {draw(st.integers(0, 3))}"


@st.composite
def formulas(draw: st.DrawFn, depth: int = 2) -> str:
    """A formula of bounded depth over the vocabulary."""
    if depth == 0 or draw(st.booleans()):
        return draw(atoms())
    op = draw(st.sampled_from(["not", "and", "or", "implies", "iff", "xor"]))
    if op == "not":
        return f"not ({draw(formulas(depth - 1))})"
    return f"({draw(formulas(depth - 1))}) {op} ({draw(formulas(depth - 1))})"


@st.composite
def small_datasets(
    draw: st.DrawFn, max_claims: int = 8, conclusions: bool = False, bool_rules: int = 0
) -> tuple[list[tuple[str, str, str, str]], str]:
    """Claims ``(id, formula, quote, kind)`` and a rule text (domain rule plus random Boolean rules)."""
    n = draw(st.integers(1, max_claims))
    out = []
    for i in range(n):
        kind = "fact"
        if conclusions:
            kind = draw(st.sampled_from(["fact", "fact", "fact", "conclusion", "prediction"]))
        out.append((f"c{i}", draw(formulas()), f"quote {i}", kind))
    rules = [VOCAB, DOMAIN_RULE]
    for j in range(draw(st.integers(0, bool_rules))):
        a, b = draw(st.sampled_from(BOOLS)), draw(st.sampled_from(BOOLS))
        op = draw(st.sampled_from(["implies", "or", "iff"]))
        rules.append(f'rule b{j}: "random rule" {a} {op} not {b}')
    return out, "\n".join(rules)


def build(items: Sequence[tuple[str, str, str, str]], rules: str) -> claims.Dataset:
    return claims.dataset(items, rules=rules, said="2016-03-15")
