"""Stage *partition*: split the problem into components that share no symbol.

A component is the unit of solving, caching and parallel work. It travels as
plain data (SMT-LIB2 text and indices), never as z3 objects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import attrs

from claims._base.groups import UnionFind
from claims._logic.encode import Encoded, Unit, claim_literal, q, script, text_digest


@attrs.frozen(kw_only=True)
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
    shape: str = ""  # digest of the script up to the numbering of claims (see _shape)
    units: tuple[int, ...] = ()  # its units, as positions in the encoding it was partitioned from
    strict: tuple[tuple[int, str], ...] = ()  # (claim, its strict reading's text) where that differs (strict_script)


def partition(enc: Encoded, *, scripts: bool = True) -> list[Component]:
    """Group units into components; drop the groups that hold no claim.

    Two units share a component when they share an atom, and when one of them
    may bound the size of an open sort the other mentions (see below).
    Components come in the order of their first claim. With ``scripts=False``
    a component has its claims, rules, units and ``shape`` but no script
    (``smt`` is empty): the result cache needs no more, and :func:`complete`
    writes the rest of the components that are to be solved.

    Why solving components apart is exact. Components share no atom, and
    arithmetic, Booleans and closed sorts mean the same in all of them (and
    ``x / 0`` is fixed: see ``claims._logic.encode``); the one thing left that two
    sets of formulas with no common symbol can disagree on is the size of an
    open sort (``forall x: U, y: U. x = y`` against ``a != b``). A formula
    whose quantifiers over an open sort U are all existential in effect stays
    true when U gets more elements (induction on the formula in negation
    normal form: atoms on the old elements keep their values, an old witness
    stays a witness, other sorts do not change); only a formula that
    quantifies universally over U (``claims._logic.encode.bounded_sorts``) can
    bound U from above. Such a unit joins every unit that mentions U. So for
    each open sort U, either one component holds every unit that mentions U,
    or no component bounds U: then models of the components can each grow U to
    the largest size among them, and with no symbol in common they make one
    model of all. Hence a set of units (a subset of the claims, as MARCO and
    the verdicts ask) is satisfiable exactly when its part in every component
    is; every MUS lies in one component, and a conclusion is judged by the
    premises of its component as by all premises that are consistent.
    """
    return outlines(enc, groups(enc.units, bounded_of(enc.units)), scripts=scripts)


def bounded_of(units: Sequence[Unit]) -> frozenset[str]:
    """The open sorts some unit may bound (see :func:`partition`)."""
    return frozenset().union(*(u.bounds for u in units)) if units else frozenset()


def nodes_of(u: Unit, bounded: frozenset[str]) -> list[str]:
    """What ``u`` shares with the units of its component: its atoms, and each sort of ``bounded`` it mentions."""
    return [*u.atoms, *(f"sort {s}" for s in u.sorts & bounded)]  # atoms are |quoted|: no clash


def groups(units: Sequence[Unit], bounded: frozenset[str]) -> list[list[int]]:
    """The connected components of ``units`` (positions) sharing a node (:func:`nodes_of`), in order of first unit."""
    uf = UnionFind()
    keys: list[str | None] = []
    for u in units:
        nodes = nodes_of(u, bounded)
        head = nodes[0] if nodes else None
        for a in nodes[1:]:
            uf.union(head or "", a)  # the roots do not depend on the order: union keeps the least name
        keys.append(head)
    out: dict[str, list[int]] = {}
    for k, head in enumerate(keys):
        key = uf.find(head) if head is not None else f"#unit{k}"
        out.setdefault(key, []).append(k)
    return list(out.values())


def outlines(enc: Encoded, members: Sequence[Sequence[int]], *, scripts: bool = True) -> list[Component]:
    """The components of the groups ``members`` that hold a claim, in the order of their first claim."""
    comps: list[tuple[int, Component]] = []
    for group in members:
        first = min((enc.units[k].index for k in group if enc.units[k].kind != "rule"), default=None)
        if first is None:
            continue  # rules only: their consistency is checked once, on their own
        comp = _outline(enc, group)
        comps.append((first, complete(enc, comp) if scripts else comp))
    comps.sort(key=lambda p: p[0])
    return [c for _, c in comps]


def build(enc: Encoded, members: Sequence[int]) -> Component:
    """One component of the units at ``members`` (positions in ``enc.units``), script written."""
    return complete(enc, _outline(enc, members))


def _outline(enc: Encoded, members: Sequence[int]) -> Component:
    """A component without its script: which claims and rules it holds, and its shape."""
    units = [enc.units[k] for k in members]
    claims = sorted({u.index for u in units if u.kind == "claim"})
    concl = sorted({u.index for u in units if u.kind == "conclusion"})
    rules = sorted({u.index for u in units if u.kind == "rule"})
    return Component(
        claims=tuple(claims),
        conclusions=tuple(concl),
        rules=tuple(rules),
        smt="",
        atoms=(),
        digest="",
        shape=_shape(enc, units, sorted({*claims, *concl})),
        units=tuple(members),
    )


def complete(enc: Encoded, comp: Component) -> Component:
    """``comp`` (from :func:`partition` of ``enc``) with its script and what solving it needs."""
    if comp.smt:
        return comp
    units = [enc.units[k] for k in comp.units]
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
    return attrs.evolve(
        comp,
        smt=text,
        atoms=tuple(atoms),
        digest=text_digest(text),
        atoms_of=tuple((i, tuple(sorted(a))) for i, a in sorted(atoms_of.items())),
        atom_info=info,
        func_info=funcs,
        strict=tuple((u.index, u.strict) for u in units if u.strict is not None),
    )


def strict_script(comp: Component) -> Component:
    """``comp`` (a complete one) with its claims read strictly: the component of its strict reading.

    Its script is the one :func:`~claims._logic.encode.script` writes for
    the component's units with each claim of ``comp.strict`` read strictly
    (the unit's ``strict`` text in place of its own): that script writes the
    declarations (the same: a strict reading uses its claim's very atoms and
    sorts), then one line ``(assert (=> |c!i| FORMULA))`` per unit, and a
    claim has one unit; so here each such line of a claim read strictly gets
    its strict formula. No formula's text holds a line break (names are
    identifiers, numbers digits), so a line is a declaration or a unit, and
    a literal's name holds no space. Everything else is the component's;
    ``strict`` is emptied (it is read strictly already).
    """
    if not comp.strict:
        return comp
    read = {f"(assert (=> {q(claim_literal(i))} ": text for i, text in comp.strict}
    lines = comp.smt.split("\n")
    done = 0
    for k, line in enumerate(lines):
        head = line[: line.find(" ", len("(assert (=> ")) + 1]
        text = read.get(head)
        if text is not None:
            lines[k] = f"{head}{text}))"
            done += 1
    if done != len(read):  # pragma: no cover - by construction (see above)
        raise AssertionError("a claim read strictly has not one line in its component's script")
    smt = "\n".join(lines)
    return attrs.evolve(comp, smt=smt, digest=text_digest(smt), strict=())


def _shape(enc: Encoded, units: Sequence[Unit], order: Sequence[int]) -> str:
    """A digest that determines the component's script up to which claims of the dataset it holds.

    The script (see :func:`~claims._logic.encode.script`) is the declarations of
    its sorts and atoms, then each unit's formula under its literal; so those
    declarations and, per unit, its kind, its claim's place among the
    component's claims (or its rule) and its formula determine the script,
    whatever the claims' numbers in the dataset. The result cache keys
    components by it: editing a claim elsewhere keeps the key. It is made
    without writing the script, which only the components to be solved need.
    """
    local = {g: i for i, g in enumerate(order)}
    sorts: set[str] = set()
    atoms: set[str] = set()
    for u in units:
        sorts.update(u.sorts)
        atoms.update(u.atoms)
    parts = [enc.sort_decls[s] + "\n" for s in sorted(sorts)]
    parts += [enc.atoms[a].decl + "\n" for a in sorted(atoms)]
    for u in units:
        where = f"r{u.index}" if u.kind == "rule" else f"{u.kind[:2]}{local[u.index]}"
        parts.append(f"\0{where}\0{u.smt}" + (f"\0{u.negated}" if u.negated else ""))
        if u.strict is not None:  # its strict reading: what the component's near-contradictions are made of
            parts.append(f"\0strict\0{u.strict}")
    return hashlib.sha256("".join(parts).encode("utf-8")).hexdigest()
