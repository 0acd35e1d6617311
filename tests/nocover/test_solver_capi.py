"""What the engine reads from z3 through the C API (``claims._logic.solver``) against z3py's own reading.

``Checker.core`` and ``not_false`` skip z3py's wrapper objects for speed;
the slow, obvious computation is z3py's: ``c.decl().name()`` over the unsat
core, and ``z3.is_false(model.eval(x, model_completion=False))``.
"""

from __future__ import annotations

import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims._logic.encode import is_claim_literal
from claims._logic.solver import Checker, guarded, make_solver, new_context, not_false, true_in
from claims._run.api import components_of
from tests.oracle import build, small_datasets

NAMES = ["c!0", "c!1", "r!2", "q+!3", "b!4", "m!c!5"]

clauses = st.lists(
    st.lists(st.tuples(st.sampled_from(range(len(NAMES))), st.booleans()), min_size=1, max_size=3),
    max_size=8,
)


@settings(deadline=None, max_examples=150)
@given(problem=clauses, assumed=st.sets(st.sampled_from(range(len(NAMES)))))
def test_the_core_and_the_model_read_through_the_c_api_are_z3pys(
    problem: list[list[tuple[int, bool]]], assumed: set[int]
) -> None:
    ctx = new_context()
    s = make_solver("", None, ctx=ctx)
    lits = [z3.Bool(n, ctx) for n in NAMES]
    # the literals guard clauses over other constants, as tracking literals do
    xs = [z3.Bool(f"x{k}", ctx) for k in range(len(NAMES))]
    for k, clause in enumerate(problem):
        guard = lits[k % len(lits)]
        s.add(z3.Implies(guard, z3.Or([xs[v] if pos else z3.Not(xs[v]) for v, pos in clause])))
    s.add(z3.Implies(lits[0], z3.Not(xs[0])), z3.Implies(lits[1], xs[0]))  # some cores
    chk = Checker(s)
    r = chk.check([lits[k] for k in sorted(assumed)])
    if r == "unsat":
        assert {c.decl().name() for c in s.unsat_core()} == chk.core()
    else:
        model = s.model()
        consts = lits + xs
        slow = [not z3.is_false(model.eval(x, model_completion=False)) for x in consts]
        assert slow == not_false(model, consts)
        # formulas over constants the model may leave open (completion gives them values)
        terms = [z3.Or(xs[v], z3.Not(lits[(v + 1) % len(lits)])) for v in range(len(xs))] + [z3.Bool("open", ctx)]
        fast = true_in(model, terms)
        assert [z3.is_true(model.eval(t, model_completion=True)) for t in terms] == fast


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(data=small_datasets(max_claims=8, conclusions=True, bool_rules=2))
def test_the_guarded_formulas_read_through_the_c_api_are_z3pys(
    data: tuple[list[tuple[str, str, str, str]], str],
) -> None:
    """Every component's guarded formulas, as ``solve._Component.body`` reads them, both ways."""
    for comp in components_of(build(*data)):
        s = make_solver(comp.smt, None, ctx=new_context())
        slow = {}
        for a in s.assertions():
            if z3.is_implies(a) and z3.is_const(a.arg(0)):
                name = a.arg(0).decl().name()
                if is_claim_literal(name):
                    slow[name] = a.arg(1)
        fast = guarded(s, is_claim_literal)
        assert list(slow) == list(fast)
        assert all(slow[n].eq(fast[n]) for n in slow)
        every = guarded(s, lambda n: True)  # rules' guards too
        assert set(fast) <= set(every) and len(every) >= len(comp.rules) and set(fast) == set(slow)
