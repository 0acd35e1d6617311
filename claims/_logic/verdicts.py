"""The verdict of each conclusion of a component, from checks on the component's solver.

With ``F`` the component's facts, a conclusion ``q`` is ``vacuous`` when ``F``
is unsatisfiable, ``supported`` when ``F`` and not ``q`` are, ``refuted`` when
``F`` and ``q`` are, and ``unsupported`` otherwise (with the solver's model as
a scenario); ``unknown`` when a check is. A supported or refuted verdict names
a minimal set of premises (shrunk from the core) and of rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs
import z3

from claims._logic.encode import claim_literal, conclusion_literals, literal_index
from claims._logic.partition import Component
from claims._logic.solver import Answer, Checker
from claims._logic.values import countermodel


@attrs.frozen(kw_only=True)
class RawVerdict:
    conclusion: int
    verdict: str  # supported refuted unsupported vacuous unknown
    premises: tuple[int, ...] = ()
    rules: tuple[int, ...] = ()
    countermodel: tuple[tuple[str, str, str], ...] = ()  # (atom smt, display, value)
    reason: str | None = None


class Prover(Protocol):
    """What judging needs of a component's solver (``claims._logic.solve``)."""

    comp: Component
    facts: list[int]
    chk: Checker

    @property
    def solver(self) -> z3.Solver: ...

    def check(self, claim_names: Sequence[str], extra: Sequence[str] = ()) -> Answer: ...

    def shrink(self, names: Sequence[str], fixed: Sequence[str] = ()) -> list[str] | None: ...

    def rules_needed(self, claims: Sequence[str], extra: Sequence[str] = ()) -> list[int] | None: ...


def verdicts(p: Prover) -> list[RawVerdict]:
    """The verdict of every conclusion of ``p``'s component, in its order."""
    out: list[RawVerdict] = []
    facts = [claim_literal(i) for i in p.facts]
    if not p.comp.conclusions:
        return out
    base = p.check(facts)
    for ci in p.comp.conclusions:
        pos, neg = conclusion_literals(ci)
        if base == "unknown":
            out.append(RawVerdict(conclusion=ci, verdict="unknown", reason=p.chk.reason))
            continue
        if base == "unsat":
            out.append(RawVerdict(conclusion=ci, verdict="vacuous"))
            continue
        r_neg = p.check(facts, [neg])
        if r_neg == "unknown":
            out.append(RawVerdict(conclusion=ci, verdict="unknown", reason=p.chk.reason))
            continue
        if r_neg == "unsat":
            out.append(_explain(p, ci, "supported", facts, neg))
            continue
        model = p.solver.model()
        r_pos = p.check(facts, [pos])
        if r_pos == "unknown":
            out.append(RawVerdict(conclusion=ci, verdict="unknown", reason=p.chk.reason))
        elif r_pos == "unsat":
            out.append(_explain(p, ci, "refuted", facts, pos))
        else:
            out.append(
                RawVerdict(conclusion=ci, verdict="unsupported", countermodel=countermodel(model, p.comp, p.facts, ci))
            )
    return out


def _explain(p: Prover, ci: int, verdict: str, facts: list[str], lit: str) -> RawVerdict:
    p.check(facts, [lit])  # unsat, as the caller saw: its core starts the shrink
    premises = p.shrink(facts, [lit])
    if premises is None:
        return RawVerdict(conclusion=ci, verdict="unknown", reason=p.chk.reason)
    rules = p.rules_needed(premises, [lit])
    if rules is None:
        return RawVerdict(conclusion=ci, verdict="unknown", reason=p.chk.reason)
    return RawVerdict(
        conclusion=ci,
        verdict=verdict,
        premises=tuple(sorted(literal_index(x) for x in premises)),
        rules=tuple(sorted(rules)),
    )
