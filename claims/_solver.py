"""The only place solvers are built and checks are run.

Every solver comes from :func:`make_solver` with a fixed random seed, so the
same input gives the same answers; every check goes through :func:`check`,
which keeps ``unknown`` (and its reason) as a result of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, TypeVar

import z3
from z3 import z3core

from claims._errors import SolverError

SEED = 42
"""The solver's random seed: fixed, so runs are reproducible (recorded in machine output)."""

Answer = Literal["sat", "unsat", "unknown"]


def z3_version() -> str:
    return str(z3.get_version_string())


def make_solver(smt: str, timeout_s: float | None, *, ctx: z3.Context | None = None) -> z3.Solver:
    """A solver loaded with an SMT-LIB2 script, seeded, with a per-check time limit.

    ``ctx``: a z3 context of its own (default: z3's main context).
    """
    s = z3.Solver(ctx=ctx)
    s.set("random_seed", SEED)
    if timeout_s is not None:
        s.set("timeout", max(1, int(timeout_s * 1000)))
    try:
        s.from_string(smt)
    except z3.Z3Exception as exc:  # our encoder wrote text z3 does not accept: a bug, not bad input
        raise SolverError(f"the solver rejected the encoded problem: {exc}") from None
    return s


class Checker:
    """Runs checks on one solver and counts them; remembers why the last one was unknown."""

    def __init__(self, solver: z3.Solver) -> None:
        self.solver = solver
        self.checks = 0
        self.reason = ""

    def check(self, assumptions: Sequence[z3.BoolRef]) -> Answer:
        self.checks += 1
        # z3py's Solver.check, less its per-assumption sort cast (ours are Boolean
        # constants): on small components the cast cost a fifth of the check
        arr = (z3.Ast * len(assumptions))(*[a.as_ast() for a in assumptions])
        try:
            r = z3.CheckSatResult(z3core.Z3_solver_check_assumptions(
                self.solver.ctx.ref(), self.solver.solver, len(assumptions), arr))
        except z3.Z3Exception as exc:  # e.g. interrupted, resource out
            self.reason = f"solver error: {exc}"
            return "unknown"
        if r == z3.sat:
            return "sat"
        if r == z3.unsat:
            return "unsat"
        self.reason = self.solver.reason_unknown() or "unknown"
        return "unknown"

    def core(self) -> set[str]:
        """Names of the assumption literals in the last unsat core."""
        return {c.decl().name() for c in self.solver.unsat_core()}


T = TypeVar("T")


def shrink_by_deletion(
    items: Sequence[T], name: Callable[[T], str], check: Callable[[list[T]], Answer],
    core: Callable[[], set[str]],
) -> list[T] | None:
    """A minimal unsatisfiable subset of ``items``, by deletion; None when a check is unknown.

    Call right after an unsat check of ``items``: ``core()`` (assumption
    names) is the start. Each element is tried for removal; an unsat answer
    narrows to the new core. The elements before ``i`` were shown necessary
    (removing one gave sat), so by monotonicity every later core keeps them
    and ``i`` stays valid. Z3's cores are not minimal; the result is.
    """
    got = core()
    cur = [x for x in items if name(x) in got]
    i = 0
    while i < len(cur):
        trial = cur[:i] + cur[i + 1 :]
        r = check(trial)
        if r == "unsat":
            got = core()
            cur = [x for x in trial if name(x) in got]
        elif r == "sat":
            i += 1
        else:
            return None
    return cur
