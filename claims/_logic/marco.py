"""MARCO: every minimal unsatisfiable subset of a set of tracking literals.

Liffiton et al., "Fast, flexible MUS enumeration", Constraints 2016: a map
of the subsets explored so far proposes a seed; a satisfiable seed is
grown to a maximal satisfiable subset and everything below it is blocked; an
unsatisfiable seed is shrunk to a minimal unsatisfiable subset (MUS) and
everything above it is blocked. When the map has no subset left, every MUS
has been found. The checks, the growing and the shrinking are the caller's: this
is the loop, for the contradictions of claims (``claims._logic.solve``) and
for rules on their own alike.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Literal

import z3

from claims._logic.solver import Answer, make_solver, not_false

Outcome = Literal["complete", "stopped", "unknown"]
"""How an enumeration ended: every MUS found; the caller stopped it; a check was unknown."""

Then = Literal["more", "stopped", "unknown"]
"""What the caller says of a MUS it was handed: go on; stop; a check of its own was unknown."""


EXPLICIT_MAP = 8
"""Up to this many items MARCO's map is kept explicitly, not in a z3 solver (see :func:`marco`)."""


def marco(
    items: Sequence[str],
    ctx: z3.Context,
    *,
    check: Callable[[list[str]], Answer],
    grow: Callable[[list[str]], set[str] | None],
    shrink: Callable[[list[str]], list[str] | None],
    found: Callable[[list[str]], Then],
    mapper: Callable[[], z3.Solver] | None = None,
    explicit_up_to: int = EXPLICIT_MAP,
) -> Outcome:
    """Hand every MUS of ``items`` to ``found``, in the order the map proposes them.

    ``check(seed)`` checks a subset; ``grow(seed)`` makes a satisfiable seed
    maximal (right after its sat check; None: a check was unknown);
    ``shrink(seed)`` makes an unsatisfiable seed minimal (right after its
    unsat check; None: unknown); ``found(mus)`` says whether to go on.

    The map: up to ``explicit_up_to`` items, the sets explored so far, kept
    as they are (:class:`_ExplicitMap`); more items, a solver over one
    Boolean per item (:class:`_SolverMap`) in ``ctx``: ``mapper()``, a solver
    of ``ctx`` with nothing asserted, or one from the solver factory. Both
    propose exactly the subsets that are neither inside a maximal satisfiable
    subset nor around a MUS found so far, so either way the enumeration ends
    when every MUS is found.
    """
    space: _ExplicitMap | _SolverMap = (
        _ExplicitMap(items) if len(items) <= explicit_up_to else _SolverMap(items, ctx, mapper)
    )
    while True:
        seed = space.seed()
        if seed == "complete" or seed == "unknown":  # the map is empty, or its solver gave up
            return seed
        r = check(seed)
        if r == "unknown":
            return "unknown"
        if r == "sat":
            mss = grow(seed)
            if mss is None:
                return "unknown"
            space.below(mss)
            continue
        mus = shrink(seed)
        if mus is None:
            return "unknown"
        space.above(mus)
        then = found(mus)
        if then != "more":
            return then


class _SolverMap:
    """MARCO's map as a z3 solver: a model is an unexplored subset (its literals not false)."""

    def __init__(self, items: Sequence[str], ctx: z3.Context, mapper: Callable[[], z3.Solver] | None) -> None:
        self.items = items
        self.ctx = ctx
        self.solver = mapper() if mapper is not None else make_solver("", None, ctx=ctx)
        self.vars = {x: z3.Bool("m!" + x, ctx) for x in items}

    def seed(self) -> list[str] | Literal["complete", "unknown"]:
        state = self.solver.check()
        if state == z3.unsat:
            return "complete"
        if state != z3.sat:  # interrupted, out of memory: not complete
            return "unknown"
        keep = not_false(self.solver.model(), [self.vars[x] for x in self.items])
        return [x for x, k in zip(self.items, keep, strict=True) if k]

    def below(self, mss: set[str]) -> None:
        """Every subset of ``mss`` is explored: a seed must hold an item outside it."""
        rest = [self.vars[x] for x in self.items if x not in mss]
        self.solver.add(z3.Or(rest) if rest else z3.BoolVal(False, self.ctx))

    def above(self, mus: Sequence[str]) -> None:
        """Every superset of ``mus`` is explored: a seed must leave out an item of it."""
        self.solver.add(z3.Or([z3.Not(self.vars[x]) for x in mus]))


class _ExplicitMap:
    """MARCO's map for few items: the maximal satisfiable subsets and the MUSes found, as bit masks.

    A seed is the first subset, largest first (then by mask), that is inside
    no maximal satisfiable subset found and holds no MUS found: what a model
    of :class:`_SolverMap`'s clauses is, chosen without a solver. Each seed
    is blocked by what the caller finds next (a maximal satisfiable subset
    around it, or a MUS inside it), and a blocked subset stays blocked, so
    the search resumes where it stopped: every subset is looked at once.
    """

    def __init__(self, items: Sequence[str]) -> None:
        self.items = items
        self.bit = {x: 1 << k for k, x in enumerate(items)}
        self.order = _largest_first(len(items))
        self.at = 0
        self.inside: list[int] = []  # maximal satisfiable subsets
        self.around: list[int] = []  # MUSes

    def seed(self) -> list[str] | Literal["complete"]:
        order, inside, around = self.order, self.inside, self.around
        while self.at < len(order):
            m = order[self.at]
            if all(m & ~s for s in inside) and all(u & ~m for u in around):
                return [x for x in self.items if self.bit[x] & m]
            self.at += 1
        return "complete"

    def below(self, mss: set[str]) -> None:
        self.inside.append(self._mask(mss))

    def above(self, mus: Sequence[str]) -> None:
        self.around.append(self._mask(mus))

    def _mask(self, xs: Iterable[str]) -> int:
        """The bit mask of the items among ``xs`` (the solver map, too, reads only the items)."""
        return sum(self.bit.get(x, 0) for x in set(xs))


@functools.cache
def _largest_first(n: int) -> tuple[int, ...]:
    """Every subset of ``n`` items as a bit mask, the largest first, then by mask."""
    return tuple(sorted(range(1 << n), key=lambda m: (-m.bit_count(), m)))
