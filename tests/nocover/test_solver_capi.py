"""What the engine reads from z3 through the C API (``claims._logic.solver``) against z3py's own reading.

``Checker.core`` and ``not_false`` skip z3py's wrapper objects for speed;
the slow, obvious computation is z3py's: ``c.decl().name()`` over the unsat
core, and ``z3.is_false(model.eval(x, model_completion=False))``.
"""

from __future__ import annotations

import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from claims._logic.solver import Checker, make_solver, new_context, not_false

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
