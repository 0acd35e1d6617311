"""The probe: one check on a warm solver that shows most components consistent.

Most components are consistent (in the 10k benchmark of
``benchmarks/generate.py``, the probe shows 83% of them so), and for them
making a solver costs more than the one check they need (measured: 1.2 ms
against 0.6 ms per component). A :class:`Probe` pushes
a component's assertions onto a solver it keeps, checks every claim, and
pops; whoever solves components one after the other owns one and passes it
to each (``claims._logic.executor.solve_chunk``). Only "sat" is trusted, and
it is sound; any other answer sends the component the long way, so results do
not change.
"""

from __future__ import annotations

import re

import z3
from z3 import z3core

from claims._logic.encode import claim_literal, q, rule_literal
from claims._logic.partition import Component
from claims._logic.solver import Checker, WarmSolvers, make_solver, new_context

_RISKY = re.compile(r"\((?:forall|exists) |\(\* (?!\d|\(- \d)|\(/ (?!\d+\.0 \d+\.0\))")
"""Quantifiers and non-linear arithmetic: where a solver may answer ``unknown``."""

PROBE_TIMEOUT = 1.0
"""Seconds a probe may take before the component goes the long way (which has the real limit)."""


class Probe:
    """A warm solver for the components one caller solves in turn, in one thread.

    It has a z3 context of its own, made on first use: the terms it makes
    never take ids in the thread's shared context, whose numbering steers the
    solvers of the long way; and a z3 context must never serve two threads,
    so a probe must not either.
    """

    def __init__(self) -> None:
        self._ready: tuple[z3.Context, z3.Solver, Checker] | None = None
        self.warm = WarmSolvers()
        """The warm solvers of the long way, for the components this probe does not show consistent."""

    def consistent(self, comp: Component, timeout: float | None) -> bool:
        """Whether one check shows ``comp`` consistent (False: it must go the long way).

        Components with conclusions (whose verdicts need checks of their
        own) and components the solver may not decide
        (quantifiers, non-linear arithmetic) always go the long way.
        ``timeout``: the seconds a check may take (capped at :data:`PROBE_TIMEOUT`).
        """
        if comp.conclusions or _RISKY.search(comp.smt):
            return False
        limit = PROBE_TIMEOUT if timeout is None else min(timeout, PROBE_TIMEOUT)
        if self._ready is None:
            ctx = new_context()
            s = make_solver("", limit, ctx=ctx)
            self._ready = (ctx, s, Checker(s))
        ctx, solver, chk = self._ready
        solver.set("timeout", max(1, int(limit * 1000)))
        # every tracking literal asserted in the text, and the assertions handed to the
        # solver through the C API: z3py's per-term Python work costs more than the check
        names = [rule_literal(j) for j in comp.rules] + [claim_literal(i) for i in comp.claims]
        text = comp.smt + "(assert (and true " + " ".join(q(n) for n in names) + "))\n"
        solver.push()
        try:
            vec = z3.parse_smt2_string(text, ctx=ctx)
            c, s, v = ctx.ref(), solver.solver, vec.vector
            for k in range(z3core.Z3_ast_vector_size(c, v)):
                z3core.Z3_solver_assert(c, s, z3core.Z3_ast_vector_get(c, v, k))
            return chk.check([]) == "sat"
        except z3.Z3Exception:
            return False
        finally:
            solver.pop()
