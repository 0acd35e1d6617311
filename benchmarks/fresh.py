"""Baseline (b): the engine's algorithm, per component, with a fresh solver for every query.

The engine solves a component on ONE incremental solver: the component's
assertions are loaded once, each claim and rule guarded by a tracking literal,
and every query (MARCO's seeds, growing, shrinking, verifying, the premises
and rules of a verdict) is a check under assumptions that switch literals on,
so what the solver learned in one check serves the next. Components that are
consistent are checked on one warm solver the process shares
(``claims._logic.probe.Probe``).

This baseline changes only that: every query gets a new solver, made by the
engine's ``make_solver`` (same seed, same time limit per check), given the
component's assertions (parsed once per component, so the text is not parsed
again) and checked under the same assumptions. Everything else is the
engine's own code: ``claims._run.api.components_of`` encodes and partitions, and
``claims._logic.solve.solve_component`` runs MARCO, shrinking, verification and the
verdicts, with ``_solve._Component`` replaced by :class:`_FreshComponent`,
whose checker builds a solver per check (the verifier's too), and the shared
probe switched off (its one check becomes the first check, on a fresh
solver). MARCO's map solver, a Boolean problem of its own that only grows,
stays incremental in both.

It runs in a child process (spawn) of its own. There the incremental engine is
timed first: ``solve_component`` as it is, on the same components, one after
the other, no cache (``incremental_solve_s``). Then the fresh variant, which
streams each component's result; the parent kills the child ``limit_s``
seconds after the fresh pass started (see :func:`benchmarks.baseline.run_capped`),
and reports what it solved by then. The incremental pass runs first, so the
fresh one finds the process warm: if anything, that favours the baseline.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import z3
from z3 import z3core

from benchmarks.baseline import rss_mib, run_capped
from claims._logic import solve as _solve
from claims._logic.partition import Component
from claims._logic.solver import Answer, Checker, WarmSolvers, make_solver


class _FreshChecker(Checker):
    """A checker that answers every query on a solver made for it, from the component's assertions."""

    def __init__(self, assertions: z3.AstVector, timeout_s: float | None, ctx: z3.Context, initial: z3.Solver) -> None:
        super().__init__(initial)  # ``solver`` is always the one that answered last
        self.assertions, self.timeout_s, self.ctx = assertions, timeout_s, ctx

    def check(self, assumptions: Sequence[z3.BoolRef]) -> Answer:
        s = make_solver("", self.timeout_s, ctx=self.ctx)
        c, sv, v = self.ctx.ref(), s.solver, self.assertions.vector
        for k in range(z3core.Z3_ast_vector_size(c, v)):
            z3core.Z3_solver_assert(c, sv, z3core.Z3_ast_vector_get(c, v, k))
        self.solver = s
        return super().check(assumptions)


class _FreshComponent(_solve._Component):
    """The engine's component, whose every check (and its verifier's) runs on a fresh solver.

    ``solver`` is the solver of the last check (the engine reads models and
    cores from it right after a check); the solver the engine's constructor
    makes only lends its assertions.
    """

    def __init__(
        self,
        comp: Component,
        facts: Sequence[int],
        opts: _solve.Options,
        *,
        twin: _solve._Component | None = None,
        warm: WarmSolvers | None = None,
    ) -> None:
        super().__init__(comp, facts, opts, twin=twin, warm=warm)
        first = self.__dict__["_first"]
        self.chk = _FreshChecker(first.assertions(), opts.timeout, self.ctx, first)
        if twin is None:
            self._verifier = _FreshComponent(comp, facts, opts, twin=self)

    @property
    def solver(self) -> z3.Solver:
        chk = self.__dict__.get("chk")
        return chk.solver if chk is not None else self.__dict__["_first"]

    @solver.setter
    def solver(self, s: z3.Solver) -> None:
        self.__dict__["_first"] = s


def _worker(data_dir: str, q: Any) -> None:  # pragma: no cover - runs in the child
    import claims
    from claims._logic.probe import Probe
    from claims._logic.solve import Options, solve_component
    from claims._run.api import components_of

    ds = claims.load(f"{data_dir}/articles")
    ids = [c.id for c in ds.claims]
    facts = frozenset(i for i, c in enumerate(ds.claims) if c.kind == "fact")
    comps = components_of(ds)
    opts = Options()
    t0 = time.perf_counter()
    checks = 0
    probe = Probe()
    for comp in comps:
        checks += solve_component(comp, sorted(facts & set(comp.claims)), opts, probe).checks
    q.put(("incremental", time.perf_counter() - t0, checks, len(comps), rss_mib()))

    _solve._Component = _FreshComponent  # type: ignore[misc]
    # and no probe: every component goes the long way
    t0 = time.perf_counter()
    q.put(("start",))
    for k, comp in enumerate(comps):
        res = solve_component(comp, sorted(facts & set(comp.claims)), opts)
        q.put(
            (
                "component",
                time.perf_counter() - t0,
                k + 1,
                res.checks,
                res.complete,
                [[ids[i] for i in m.claims] for m in res.muses],
                [(ids[v.conclusion], v.verdict) for v in res.verdicts],
            )
        )
    q.put(("done", time.perf_counter() - t0, rss_mib()))


def run_fresh(data_dir: str, limit_s: float) -> dict[str, Any]:
    """Time the incremental engine and then the fresh-solver variant (capped at ``limit_s`` s) per component."""
    st: dict[str, Any] = {
        "inc_s": None,
        "inc_checks": None,
        "components": 0,
        "done": 0,
        "checks": 0,
        "incomplete": 0,
        "found": [],
        "verdicts": {},
        "elapsed": None,
        "rss": 0.0,
    }

    def handle(msg: tuple[Any, ...]) -> None:
        if msg[0] == "incremental":
            st["inc_s"], st["inc_checks"], st["components"], st["rss"] = msg[1], msg[2], msg[3], msg[4]
        elif msg[0] == "component":
            st["elapsed"], st["done"] = msg[1], msg[2]
            st["checks"] += msg[3]
            st["incomplete"] += not msg[4]
            st["found"].extend(msg[5])
            st["verdicts"].update(dict(msg[6]))
        elif msg[0] == "done":
            st["elapsed"], st["rss"] = msg[1], max(st["rss"], msg[2])

    finished, capped, peak, crashed = run_capped(_worker, (data_dir,), limit_s, handle)
    st["rss"] = max(st["rss"], peak or 0.0)
    total = st["elapsed"] if finished else capped
    ratio = round(st["inc_s"] / total, 4) if st["inc_s"] is not None and total else None
    return {
        "fresh_solver_total_s": None if total is None else round(total, 3),
        "fresh_solver_finished": finished,
        "fresh_solver_crashed": crashed,
        "fresh_solver_limit_s": limit_s,
        "fresh_solver_checks": st["checks"],
        "fresh_solver_components_done": st["done"],
        "fresh_solver_incomplete_components": st["incomplete"],
        "fresh_solver_contradictions_found": len(st["found"]),
        "fresh_solver_conclusions_judged": len(st["verdicts"]),
        "fresh_solver_peak_rss_mib": round(st["rss"], 1) if st["rss"] else None,
        "incremental_solve_s": None if st["inc_s"] is None else round(st["inc_s"], 3),
        "incremental_checks": st["inc_checks"],
        "fresh_solver_components": st["components"],
        "ratio_incremental_over_fresh": ratio,
        "fresh_found": st["found"],
        "fresh_verdicts": st["verdicts"],
    }
