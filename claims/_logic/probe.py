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

Before that, :meth:`Probe.shown_consistent` checks components
:data:`BATCH` at a time in one scope, each under a literal of its own: a
check costs less than the parsing, scoping and calling around it, so one
check for 32 components instead of 32 checks (10k benchmark: 0.29 ms per
component against 0.8 ms alone). A batch that is not satisfiable sends the
components in its unsat core the long way (most of them are inconsistent, and
the long way's first check is the probe's) and is checked again without them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import z3
from z3 import z3core

from claims._logic.encode import claim_literal, q, rule_literal
from claims._logic.partition import Component
from claims._logic.solver import Checker, WarmSolvers, make_solver, new_context

_RISKY = re.compile(r"\((?:forall|exists) |\(\* (?!\d|\(- \d)|\(/ (?!\d+\.0 \d+\.0\))")
"""Quantifiers and non-linear arithmetic: where a solver may answer ``unknown``."""

BATCH = 32
"""Components checked together by :meth:`Probe.shown_consistent`."""

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

    def shown_consistent(
        self,
        comps: Sequence[Component],
        timeout: float | None,
        batch: int = BATCH,
        strict: list[bool | None] | None = None,
    ) -> list[bool | None]:
        """For each component, what checks of batches of components show of it.

        True: consistent. False: it left a batch through an unsat core, so it
        is most likely inconsistent (not shown so: its core may hold consistent
        components too). None: no batch said anything of it. Only True is a
        finding; a component with False or None must be solved alone, as
        without batches (its probe alone is worth trying only with None).

        The components a single probe would take (no conclusions, nothing
        risky) are checked ``batch`` at a time, in one scope: every
        component's assertions, and a selector literal per component that
        implies all its tracking literals; a check assumes the selectors of
        those still in the batch. "sat" shows every one of them consistent,
        and ends the batch; on "unsat" the components whose selectors are in
        the core leave it (False), and the rest are checked again; on
        "unknown" all the rest leave it (None).

        Exact: a model of the batch's assertions with a component's selector
        true makes all its literals true, so restricted to its symbols it is a
        model of the component with every claim and rule: the component is
        consistent, a fact of its script alone, whatever else the batch
        holds or the solver did before (the long way's first check would
        answer "sat", and a consistent component's result is that answer
        alone: ``claims._logic.solve.solve_component``). This needs a name
        that two scripts share to mean one thing in both: a component that
        declares a name otherwise than the batch already does is left out of
        it (the components of one encoding share no atom, and a name they do
        share, a sort or a rule's literal, is declared by the same text). It
        needs nothing else: shared names, or assertions of components that
        left, can only make a batch unsatisfiable, and then components leave
        it. Cores only choose which components leave a batch: a component that
        leaves is solved alone, as without batches.

        ``strict`` (a list as long as ``comps``, of None): where to say, the
        same way, what the batches show of the strict readings of the
        components they show consistent (those with a claim read otherwise
        strictly, ``comp.strict``, and more than one claim or rule: the
        candidates of ``claims._logic.solve.near_contradictions``). Each such
        claim's strict formula joins the batch under a literal of its own
        (``s!i``), and a second selector per component (``t!k``) implies its
        rules' literals, its other claims' and those: checked like the first
        ones, after them. "sat" with ``t!k`` shows the strict reading of the
        component consistent: a model of the batch where ``t!k`` holds satisfies
        every line of its strict script (``claims._logic.partition.strict_script``:
        the same declarations, the same lines for its rules and other claims,
        the strict formula for each claim read strictly) with every literal
        true. The strict lines, under literals no first check assumes, change
        nothing the first checks show (make them false and they hold).
        """
        limit = PROBE_TIMEOUT if timeout is None else min(timeout, PROBE_TIMEOUT)
        shown: list[bool | None] = [None] * len(comps)
        group: list[int] = []
        for k, comp in enumerate(comps):
            if comp.conclusions or _RISKY.search(comp.smt):
                continue
            group.append(k)
            if len(group) == batch:
                self._batch(comps, group, limit, shown, strict)
                group = []
        if len(group) > 1:
            self._batch(comps, group, limit, shown, strict)
        return shown

    def _batch(
        self,
        comps: Sequence[Component],
        batch: list[int],
        limit: float,
        shown: list[bool | None],
        strict: list[bool | None] | None,
    ) -> None:
        declared: dict[str, str] = {}
        decls: list[str] = []
        body: list[str] = []
        selectors: dict[str, int] = {}
        stricter: dict[str, int] = {}  # the second selectors, of the strict readings
        for k in batch:
            comp = comps[k]
            lines = comp.smt.splitlines()
            mine = [ln for ln in lines if ln.startswith("(declare-")]
            names = [_declared_name(ln) for ln in mine]
            if len(mine) + sum(ln.startswith("(assert ") for ln in lines) != len(lines) or any(
                declared.get(n, ln) != ln for n, ln in zip(names, mine, strict=True)
            ):
                continue  # not one declaration or assertion a line, or a name declared otherwise
            sel = q(f"b!{k}")
            if sel in declared or sel in names:
                continue
            for n, ln in zip(names, mine, strict=True):
                if n not in declared:
                    declared[n] = ln
                    decls.append(ln)
            lits = [rule_literal(j) for j in comp.rules] + [claim_literal(i) for i in comp.claims]
            body.extend(ln for ln in lines if ln.startswith("(assert "))
            decls.append(f"(declare-const {sel} Bool)")
            declared[sel] = decls[-1]
            body.append(f"(assert (=> {sel} (and true " + " ".join(q(n) for n in lits) + ")))")
            selectors[sel.strip("|")] = k
            if strict is not None and comp.strict and len(comp.claims) + len(comp.rules) > 1:
                self._strict_lines(comp, k, names, declared, decls, body, stricter)
        if len(selectors) < 2:
            return
        ctx, solver, chk = self._prepared(limit)
        solver.push()
        try:
            vec = z3.parse_smt2_string("\n".join(decls + body) + "\n", ctx=ctx)
            c, sv, v = ctx.ref(), solver.solver, vec.vector
            for i in range(z3core.Z3_ast_vector_size(c, v)):
                z3core.Z3_solver_assert(c, sv, z3core.Z3_ast_vector_get(c, v, i))
            if not self._shown(chk, {n: (k, z3.Bool(n, ctx)) for n, k in selectors.items()}, shown, 2):
                return
            if strict is not None:  # the strict readings of the components just shown consistent
                after = {n: (k, z3.Bool(n, ctx)) for n, k in stricter.items() if shown[k]}
                self._shown(chk, after, strict, 1)
        except z3.Z3Exception:
            return
        finally:
            solver.pop()

    @staticmethod
    def _strict_lines(
        comp: Component,
        k: int,
        names: Sequence[str],
        declared: dict[str, str],
        decls: list[str],
        body: list[str],
        stricter: dict[str, int],
    ) -> None:
        """The strict formulas of ``comp`` (number ``k`` of the batch) and its second selector, into the batch."""
        read = {i: q(f"s!{i}") for i, _ in comp.strict}
        sel = q(f"t!{k}")
        if any(n in declared or n in names for n in (sel, *read.values())):
            return
        lits = [q(rule_literal(j)) for j in comp.rules]
        lits += [read.get(i) or q(claim_literal(i)) for i in comp.claims]
        for i, text in comp.strict:
            decls.append(f"(declare-const {read[i]} Bool)")
            declared[read[i]] = decls[-1]
            body.append(f"(assert (=> {read[i]} {text}))")
        decls.append(f"(declare-const {sel} Bool)")
        declared[sel] = decls[-1]
        body.append(f"(assert (=> {sel} (and true " + " ".join(lits) + ")))")
        stricter[sel.strip("|")] = k

    @staticmethod
    def _shown(chk: Checker, left: dict[str, tuple[int, z3.BoolRef]], shown: list[bool | None], least: int) -> bool:
        """Check the selectors ``left`` together, while at least ``least`` are left: "sat" shows all of them
        (True in ``shown``), an unsat core sends its selectors out (False) and the rest are checked again.
        Whether a check answered "sat"."""
        while len(left) >= least and left:
            r = chk.check([lit for _, lit in left.values()])
            if r == "sat":
                for k, _ in left.values():
                    shown[k] = True
                return True
            if r == "unknown":
                return False
            core = chk.core()
            out = [n for n in left if n in core]
            if not out:
                return False
            for n in out:
                shown[left.pop(n)[0]] = False
        return False

    def _prepared(self, limit: float) -> tuple[z3.Context, z3.Solver, Checker]:
        if self._ready is None:
            ctx = new_context()
            s = make_solver("", limit, ctx=ctx)
            self._ready = (ctx, s, Checker(s))
        self._ready[1].set("timeout", max(1, int(limit * 1000)))
        return self._ready

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
        ctx, solver, chk = self._prepared(limit)
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


def _declared_name(line: str) -> str:
    """The name a ``(declare-...`` line declares: its second token, ``|quoted|`` or plain."""
    rest = line.split(" ", 1)[1]
    if rest.startswith("|"):
        return rest[: rest.index("|", 1) + 1]
    return rest.split(" ", 1)[0].rstrip(")")
