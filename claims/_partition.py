"""Stage *partition*: split the problem into components that share no symbol.

A component is the unit of solving, caching and parallel work. It travels as
plain data (SMT-LIB2 text and indices), never as z3 objects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import attrs

from claims._encode import Encoded, Unit, script, text_digest


@attrs.frozen
class Component:
    """Claims and rule instances that share symbols, as an SMT-LIB2 script."""

    claims: tuple[int, ...]  # facts and predictions: the MUS universe
    conclusions: tuple[int, ...]
    rules: tuple[int, ...]
    smt: str
    atoms: tuple[str, ...]
    digest: str
    atoms_of: tuple[tuple[int, tuple[str, ...]], ...] = ()  # claim index -> its atoms
    atom_info: tuple[tuple[str, str, str], ...] = ()  # (smt name, display, sort) of constants
    func_info: tuple[tuple[str, str], ...] = ()  # (smt name, display) of functions over open sorts
    shape: str = ""  # digest of the script up to the numbering of claims (see build)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                ra, rb = rb, ra
            self.parent[ra] = rb


def partition(enc: Encoded) -> list[Component]:
    """Group units into components; drop the groups that hold no claim.

    Components come in the order of their first claim.
    """
    uf = _UnionFind()
    for u in enc.units:
        it = iter(u.atoms)
        first = next(it, "")
        for a in it:
            uf.union(first, a)  # the roots do not depend on the order: union keeps the least name
    groups: dict[str, list[Unit]] = {}
    for k, u in enumerate(enc.units):
        key = uf.find(next(iter(u.atoms))) if u.atoms else f"#unit{k}"
        groups.setdefault(key, []).append(u)
    comps: list[tuple[int, Component]] = []
    for units in groups.values():
        claim_units = [u for u in units if u.kind in ("claim", "conclusion")]
        if not claim_units:
            continue  # rules only: their consistency is checked once, on their own
        comps.append((min(u.index for u in claim_units), build(enc, units)))
    comps.sort(key=lambda p: p[0])
    return [c for _, c in comps]


def build(enc: Encoded, units: Sequence[Unit]) -> Component:
    claims = sorted({u.index for u in units if u.kind == "claim"})
    concl = sorted({u.index for u in units if u.kind == "conclusion"})
    rules = sorted({u.index for u in units if u.kind == "rule"})
    text = script(enc, units)
    atoms = sorted(set().union(*(u.atoms for u in units)))
    atoms_of: dict[int, set[str]] = {}
    for u in units:
        if u.kind != "rule":
            atoms_of.setdefault(u.index, set()).update(u.atoms)
    info = tuple(
        (a, enc.atoms[a].display, enc.atoms[a].sort)
        for a in sorted(atoms, key=lambda a: enc.atoms[a].display)
        if enc.atoms[a].arity == 0
    )
    funcs = tuple((a, enc.atoms[a].display) for a in atoms if enc.atoms[a].arity > 0)
    return Component(
        tuple(claims), tuple(concl), tuple(rules), text, tuple(atoms), text_digest(text),
        tuple((i, tuple(sorted(a))) for i, a in sorted(atoms_of.items())), info, funcs,
        _shape(text, units, sorted({*claims, *concl})),
    )


def _shape(text: str, units: Sequence[Unit], order: Sequence[int]) -> str:
    """A digest that determines ``text`` up to which claims of the dataset it holds.

    The script is its declarations, then each unit's formula under its
    literal; so the declarations and, per unit, its kind, its claim's place
    among the component's claims (or its rule) and its formula determine the
    script, whatever the claims' numbers in the dataset. The result cache keys
    components by it: editing a claim elsewhere keeps the key.
    """
    local = {g: i for i, g in enumerate(order)}
    decls = text.find("(declare-const ")  # every component has a literal; names never hold a space
    h = hashlib.sha256(text[: decls if decls >= 0 else len(text)].encode("utf-8"))
    for u in units:
        where = f"r{u.index}" if u.kind == "rule" else f"{u.kind[:2]}{local[u.index]}"
        h.update(f"\0{where}\0".encode("utf-8"))
        h.update(u.smt.encode("utf-8"))
    return h.hexdigest()
