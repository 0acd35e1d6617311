"""MARCO: every minimal unsatisfiable subset of a set of tracking literals.

Liffiton et al., "Fast, flexible MUS enumeration", Constraints 2016: a map
solver over one Boolean per literal proposes a seed; a satisfiable seed is
grown to a maximal satisfiable subset and everything below it is blocked; an
unsatisfiable seed is shrunk to a minimal unsatisfiable subset (MUS) and
everything above it is blocked. When the map has no model left, every MUS has
been found. The checks, the growing and the shrinking are the caller's: this
is the loop, for the contradictions of claims (``claims._logic.solve``) and
for rules on their own alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import z3

from claims._logic.solver import Answer, make_solver, not_false

Outcome = Literal["complete", "stopped", "unknown"]
"""How an enumeration ended: every MUS found; the caller stopped it; a check was unknown."""

Then = Literal["more", "stopped", "unknown"]
"""What the caller says of a MUS it was handed: go on; stop; a check of its own was unknown."""


def marco(
    items: Sequence[str],
    ctx: z3.Context,
    *,
    check: Callable[[list[str]], Answer],
    grow: Callable[[list[str]], set[str] | None],
    shrink: Callable[[list[str]], list[str] | None],
    found: Callable[[list[str]], Then],
    mapper: z3.Solver | None = None,
) -> Outcome:
    """Hand every MUS of ``items`` to ``found``, in the order the map proposes them.

    ``check(seed)`` checks a subset; ``grow(seed)`` makes a satisfiable seed
    maximal (right after its sat check; None: a check was unknown);
    ``shrink(seed)`` makes an unsatisfiable seed minimal (right after its
    unsat check; None: unknown); ``found(mus)`` says whether to go on. The map
    solver lives in ``ctx``: ``mapper``, a solver of ``ctx`` with nothing
    asserted, or one from the solver factory.
    """
    if mapper is None:
        mapper = make_solver("", None, ctx=ctx)
    mvars = {x: z3.Bool("m!" + x, ctx) for x in items}
    while True:
        state = mapper.check()
        if state == z3.unsat:
            return "complete"
        if state != z3.sat:  # the map solver gave up (interrupted, out of memory): not complete
            return "unknown"
        model = mapper.model()
        seed = [x for x, keep in zip(items, not_false(model, [mvars[x] for x in items]), strict=True) if keep]
        r = check(seed)
        if r == "unknown":
            return "unknown"
        if r == "sat":
            mss = grow(seed)
            if mss is None:
                return "unknown"
            rest = [mvars[x] for x in items if x not in mss]
            mapper.add(z3.Or(rest) if rest else z3.BoolVal(False, ctx))
            continue
        mus = shrink(seed)
        if mus is None:
            return "unknown"
        mapper.add(z3.Or([z3.Not(mvars[x]) for x in mus]))
        then = found(mus)
        if then != "more":
            return then
