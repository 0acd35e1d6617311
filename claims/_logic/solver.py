"""Where z3 solvers are made and checks under assumptions are run.

Every solver is made by :func:`make_solver` with one random seed,
:data:`SEED` (the solvers of components and their verifiers, MARCO's map,
the probe, ``claims fuzz``'s), so the same input gives the same answers.
Every check under assumptions goes through :meth:`Checker.check`, which keeps
``unknown`` (and its reason) as a result of its own; MARCO's map, a Boolean
problem without assumptions, is checked directly. :func:`shrink_by_deletion`
is the one deletion shrinker, :func:`quick_explain` the one whose result is
canonical.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Literal, TypeVar

import z3
from z3 import z3core

from claims._base.errors import SolverError

SEED = 42
"""The solver's random seed: fixed, so runs are reproducible (recorded in machine output)."""

Answer = Literal["sat", "unsat", "unknown"]


def z3_version() -> str:
    return str(z3.get_version_string())


def new_context() -> z3.Context:
    """A z3 context of its own, whose terms may be released from any thread.

    Python's cyclic collector runs in whichever thread happens to allocate (in a
    Dask worker, also its event loop, which calls ``gc.collect()`` under memory
    pressure), so the last reference to a term may go away in another thread
    than the one solving in its context; z3 queues such releases when told to.
    """
    ctx = z3.Context()
    z3core.Z3_enable_concurrent_dec_ref(ctx.ref())
    return ctx


_threads = threading.local()


def thread_context() -> z3.Context:
    """The context shared by this thread's solving: z3's main context in the main thread, else one per thread.

    A z3 context must never be used by two threads at once, and a Dask worker
    runs tasks in several threads of one process: each of them gets a context
    of its own. What a shared context solved before can change which core or
    model z3 finds, never an answer: so results are computed from answers, and
    the few that show a model or depend on cores are computed in a context of
    their own (see ``claims._logic.solve``).
    """
    if threading.current_thread() is threading.main_thread():
        ctx = z3.main_ctx()
        if not getattr(_threads, "main_prepared", False):
            z3core.Z3_enable_concurrent_dec_ref(ctx.ref())
            _threads.main_prepared = True
        return ctx
    own: z3.Context | None = getattr(_threads, "ctx", None)
    if own is None:
        own = _threads.ctx = new_context()
    return own


def make_solver(smt: str, timeout_s: float | None, *, ctx: z3.Context | None = None) -> z3.Solver:
    """A solver loaded with an SMT-LIB2 script, seeded, with a per-check time limit.

    ``ctx``: the z3 context to build it in (default: :func:`thread_context`).
    """
    s = z3.Solver(ctx=thread_context() if ctx is None else ctx)
    s.set("random_seed", SEED)
    if timeout_s is not None:
        s.set("timeout", max(1, int(timeout_s * 1000)))
    try:
        s.from_string(smt)
    except z3.Z3Exception as exc:  # our encoder wrote text z3 does not accept: a bug, not bad input
        raise SolverError(f"the solver rejected the encoded problem: {exc}") from None
    return s


class WarmSolvers:
    """Solvers kept warm in one thread's shared context, each lent to one component at a time.

    Making a solver and running its first check cost about 1 ms, more than
    many components take to solve. A kept solver takes a component's
    assertions in a scope of its own (``push``) and drops them when given
    back (``pop``), so it pays that once. One per role (the component's
    solver, its verifier, MARCO's map), so one component can hold several.
    Whoever solves components one after the other in one thread owns one
    (``claims._logic.probe.Probe`` holds it) and gives back every solver it
    was lent before lending it again.

    What a popped scope leaves behind (the numbering of terms, the search's
    activity and phase caches) can change the effort, a core or a model, never
    an answer (a check's answer is a fact of the assertions in scope): so warm
    solvers serve only where results read answers alone (see
    ``claims._logic.solve``).
    """

    def __init__(self) -> None:
        self._kept: dict[tuple[str, float | None], z3.Solver] = {}
        self._parsed: tuple[z3.Context, str, z3.AstVector] | None = None  # the last text parsed, for the next role

    def _parse(self, smt: str, ctx: z3.Context) -> z3.AstVector:
        """``smt``'s assertions in ``ctx``; the last text's are kept: a component's roles are lent one by one.

        z3 shares terms within a context, so parsing a text again in it gives
        the very terms kept: asserting these is asserting what a new parse gives.
        """
        last = self._parsed
        if last is not None and last[0] is ctx and last[1] == smt:
            return last[2]
        vec = z3.parse_smt2_string(smt, ctx=ctx)
        self._parsed = (ctx, smt, vec)
        return vec

    def lend(self, role: str, smt: str, timeout_s: float | None) -> z3.Solver:
        """The kept solver of ``role`` in this thread's context, given ``smt``'s assertions in a new scope.

        Raises:
            SolverError: z3 does not accept the text (a bug of the encoder, not bad input).
        """
        ctx = thread_context()
        key = (role, timeout_s)
        s = self._kept.get(key)
        if s is None or s.ctx is not ctx:
            s = self._kept[key] = make_solver("", timeout_s, ctx=ctx)
        s.push()
        if smt:
            try:
                vec = self._parse(smt, ctx)
            except z3.Z3Exception as exc:  # as in make_solver
                s.pop()
                raise SolverError(f"the solver rejected the encoded problem: {exc}") from None
            c, sv, v = ctx.ref(), s.solver, vec.vector
            for k in range(z3core.Z3_ast_vector_size(c, v)):
                z3core.Z3_solver_assert(c, sv, z3core.Z3_ast_vector_get(c, v, k))
        return s

    @staticmethod
    def give_back(s: z3.Solver) -> None:
        """Drop what :meth:`lend` gave ``s``: it is ready for the next component."""
        s.pop()


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
            r = z3.CheckSatResult(
                z3core.Z3_solver_check_assumptions(self.solver.ctx.ref(), self.solver.solver, len(assumptions), arr)
            )
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
        """Names of the assumption literals in the last unsat core.

        What ``{c.decl().name() for c in solver.unsat_core()}`` gives, read
        through the C API: z3py's wrapper objects cost more than the check.
        """
        c = self.solver.ctx.ref()
        vec = z3core.Z3_solver_get_unsat_core(c, self.solver.solver)
        z3core.Z3_ast_vector_inc_ref(c, vec)
        try:
            return {
                _name(c, z3core.Z3_get_decl_name(c, z3core.Z3_get_app_decl(c, z3core.Z3_ast_vector_get(c, vec, k))))
                for k in range(z3core.Z3_ast_vector_size(c, vec))
            }
        finally:
            z3core.Z3_ast_vector_dec_ref(c, vec)


def _name(c: z3.ContextObj, sym: z3.Symbol) -> str:
    """A symbol's name, as z3py's ``_symbol2py`` spells it."""
    if z3core.Z3_get_symbol_kind(c, sym) == z3.Z3_INT_SYMBOL:
        return f"k!{z3core.Z3_get_symbol_int(c, sym)}"
    return str(z3core.Z3_get_symbol_string(c, sym))


def guarded(solver: z3.Solver, keep: Callable[[str], bool]) -> dict[str, z3.ExprRef]:
    """The formula under each guard ``(=> NAME formula)`` asserted on ``solver`` whose NAME ``keep`` accepts.

    What reading ``solver.assertions()`` with z3py gives (``is_implies``,
    ``is_const`` of the first argument, its name, the second argument), read
    through the C API: only the formulas kept become z3py objects.
    """
    ctx = solver.ctx
    c = ctx.ref()
    vec = z3core.Z3_solver_get_assertions(c, solver.solver)
    z3core.Z3_ast_vector_inc_ref(c, vec)
    out: dict[str, z3.ExprRef] = {}
    try:
        for k in range(z3core.Z3_ast_vector_size(c, vec)):
            a = z3core.Z3_ast_vector_get(c, vec, k)
            if z3core.Z3_get_ast_kind(c, a) != z3.Z3_APP_AST:
                continue
            app = z3core.Z3_to_app(c, a)
            if z3core.Z3_get_decl_kind(c, z3core.Z3_get_app_decl(c, app)) != z3.Z3_OP_IMPLIES:
                continue
            head = z3core.Z3_get_app_arg(c, app, 0)
            if z3core.Z3_get_ast_kind(c, head) not in (z3.Z3_APP_AST, z3.Z3_NUMERAL_AST):
                continue
            head_app = z3core.Z3_to_app(c, head)
            if z3core.Z3_get_app_num_args(c, head_app) != 0:
                continue
            name = _name(c, z3core.Z3_get_decl_name(c, z3core.Z3_get_app_decl(c, head_app)))
            if keep(name):
                out[name] = z3.z3._to_expr_ref(z3core.Z3_get_app_arg(c, app, 1), ctx)
    finally:
        z3core.Z3_ast_vector_dec_ref(c, vec)
    return out


def not_false(model: z3.ModelRef, consts: Sequence[z3.BoolRef]) -> list[bool]:
    """For each Boolean constant, whether ``model`` leaves it other than false (without completion).

    What ``not z3.is_false(model.eval(x, model_completion=False))`` gives
    for each, through the C API (MARCO's map reads one per item per seed).
    """
    return [v != z3.Z3_L_FALSE for v in _values(model, consts, completion=False)]


def true_in(model: z3.ModelRef, terms: Sequence[z3.ExprRef]) -> list[bool]:
    """For each Boolean term in turn, whether ``model``, completed, makes it true.

    What ``z3.is_true(model.eval(t, model_completion=True))`` gives for each,
    in the same order (completion adds to the model as it goes), through the C API.
    """
    return [v == z3.Z3_L_TRUE for v in _values(model, terms, completion=True)]


def _values(model: z3.ModelRef, terms: Sequence[z3.ExprRef], *, completion: bool) -> list[int]:
    """``Z3_get_bool_value`` of each term evaluated in ``model``, in order (what ``ModelRef.eval`` calls)."""
    c, m = model.ctx.ref(), model.model
    r = (z3.Ast * 1)()
    out = []
    for t in terms:
        if not z3core.Z3_model_eval(c, m, t.as_ast(), completion, r):
            raise z3.Z3Exception("failed to evaluate expression in the model")
        z3core.Z3_inc_ref(c, r[0])
        out.append(z3core.Z3_get_bool_value(c, r[0]))
        z3core.Z3_dec_ref(c, r[0])
    return out


T = TypeVar("T")


def shrink_by_deletion(
    items: Sequence[T],
    name: Callable[[T], str],
    check: Callable[[list[T]], Answer],
    core: Callable[[], set[str]] | None = None,
) -> list[T] | None:
    """A minimal unsatisfiable subset of ``items``, by deletion; None when a check is unknown.

    With ``core`` (the assumption names of the last unsat core), call right
    after an unsat check of ``items``: the core is the start, and an unsat
    answer narrows to the new core. Without, the start is ``items`` and an
    unsat answer narrows to the trial. Each element is tried for removal.
    The elements before ``i`` were shown necessary (removing one gave sat),
    so by monotonicity every later core keeps them and ``i`` stays valid.
    Z3's cores are not minimal; the result is.
    """
    cur = list(items) if core is None else [x for x in items if name(x) in core()]
    i = 0
    while i < len(cur):
        trial = cur[:i] + cur[i + 1 :]
        r = check(trial)
        if r == "unsat":
            if core is None:
                cur = trial
            else:
                got = core()
                cur = [x for x in trial if name(x) in got]
        elif r == "sat":
            i += 1
        else:
            return None
    return cur


class _Undecided(Exception):
    """A check of :func:`quick_explain` was unknown."""


def quick_explain(items: Sequence[T], check: Callable[[list[T]], Answer]) -> list[T] | None:
    """The canonical minimal unsatisfiable subset of ``items``, by QuickXplain; None when a check is unknown.

    ``items`` must be unsatisfiable (the caller has just seen so). Junker's
    QuickXplain (AAAI 2004): split the candidates in halves, find what the
    second half must add to the first, then what the first must add to that.
    It needs about ``2k log(n/k)`` checks for ``k`` of ``n`` items, fewer than
    deletion's ``n`` where ``n`` is large. Its result is the preferred
    subset of the items' order: among all minimal unsatisfiable subsets, the
    one whose largest position is least, then its next largest, and so on
    (every element is in it because the elements before it, and the later
    ones already chosen, are satisfiable without it).

    Canonical: the function branches on nothing but the sat/unsat answers of
    checks of subsets of ``items``, and those are facts of the problem, the
    same for every solver in every state; no core, model or timing is read.
    So the result depends on ``items`` (and their order) alone, not on what
    the solver, or its z3 context, did before. The result keeps the items' order.
    """
    if not items:
        return []

    def qx(base: list[T], grown: bool, cand: list[T]) -> list[T]:
        # invariant: base + cand is unsatisfiable, and base was satisfiable before it last grew
        if grown:
            r = check(base)
            if r == "unsat":
                return []
            if r == "unknown":
                raise _Undecided
        if len(cand) == 1:
            return list(cand)
        half = len(cand) // 2
        first, second = cand[:half], cand[half:]
        d2 = qx(base + first, True, second)
        d1 = qx(base + d2, bool(d2), first)
        return d1 + d2

    try:
        return qx([], True, list(items))
    except _Undecided:
        return None
