"""The verdict of each conclusion of a component, from checks on the component's solver.

With ``F`` the component's facts, a conclusion ``q`` is ``vacuous`` when ``F``
is unsatisfiable, ``supported`` when ``F`` and not ``q`` are, ``refuted`` when
``F`` and ``q`` are, and ``unsupported`` otherwise (with a model as a
scenario); ``unknown`` when a check is. A supported or refuted verdict names
a minimal set of premises and of rules.

Every explanation depends on the component alone, not on what the process
solved before it (the component's solver may live in a z3 context shared
with other components, whose history steers the cores and models z3 finds):
premises and rules are shrunk without cores, by algorithms that read nothing
but sat/unsat answers (``claims._logic.solver.quick_explain``, and deletion
in a fixed order for the rules), and the scenario of an ``unsupported``
verdict is the model of a solver in a z3 context made for the component's
scenarios alone (:meth:`Prover.scenario`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs
import z3

from claims._logic.encode import claim_literal, conclusion_literals, literal_index
from claims._logic.partition import Component
from claims._logic.repairs import Outcome
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

    def check(self, claim_names: Sequence[str], extra: Sequence[str] = ()) -> Answer: ...

    def premises(self, facts: Sequence[str], fixed: Sequence[str]) -> list[str] | None:
        """The canonical minimal subset of ``facts`` unsatisfiable with ``fixed``; None on unknown."""
        ...

    def scenario(self, facts: Sequence[str], fixed: Sequence[str]) -> z3.ModelRef | None:
        """A model of ``facts`` and ``fixed`` that depends on the component alone; None unless sat."""
        ...

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
        r_pos = p.check(facts, [pos])
        if r_pos == "unknown":
            out.append(RawVerdict(conclusion=ci, verdict="unknown", reason=p.chk.reason))
        elif r_pos == "unsat":
            out.append(_explain(p, ci, "refuted", facts, pos))
        else:
            model = p.scenario(facts, [neg])
            if model is None:
                out.append(RawVerdict(conclusion=ci, verdict="unknown", reason=p.chk.reason))
            else:
                scene = countermodel(model, p.comp, p.facts, ci)
                out.append(RawVerdict(conclusion=ci, verdict="unsupported", countermodel=scene))
    return out


def _explain(p: Prover, ci: int, verdict: str, facts: list[str], lit: str) -> RawVerdict:
    """``facts`` and ``lit`` are unsatisfiable (the caller saw so): name minimal premises and rules."""
    o = _decided(p, verdict, facts, lit)
    return RawVerdict(conclusion=ci, verdict=o.verdict, premises=o.premises, rules=o.rules, reason=o.reason)


def _decided(p: Prover, verdict: str, facts: list[str], lit: str) -> Outcome:
    """``verdict`` with minimal premises (QuickXplain) and rules (deletion); ``facts`` and ``lit`` are unsatisfiable."""
    premises = p.premises(facts, [lit])
    if premises is None:
        return Outcome("unknown", reason=p.chk.reason)
    rules = p.rules_needed(premises, [lit])
    if rules is None:
        return Outcome("unknown", reason=p.chk.reason)
    return Outcome(verdict, tuple(sorted(literal_index(x) for x in premises)), tuple(sorted(rules)))


def outcome(p: Prover, ci: int, premises: Sequence[int]) -> Outcome:
    """Conclusion ``ci`` judged against ``premises`` alone (a consistent set: what a repair leaves).

    ``supported`` when the premises and not the conclusion are unsatisfiable,
    ``refuted`` when the premises and the conclusion are, ``unsupported``
    otherwise (no scenario: the readings name the claims set aside instead);
    the explanations as for :func:`verdicts`. A premise set that is itself
    unsatisfiable (it cannot be, for a verified repair) is ``unknown``.
    """
    facts = [claim_literal(i) for i in premises]
    pos, neg = conclusion_literals(ci)
    r_neg = p.check(facts, [neg])
    if r_neg == "unknown":
        return Outcome("unknown", reason=p.chk.reason)
    if r_neg == "unsat":
        if p.check(facts) != "sat":
            return Outcome("unknown", reason="verification failed: a repair's premises are not consistent")
        return _decided(p, "supported", facts, neg)
    r_pos = p.check(facts, [pos])
    if r_pos == "unknown":
        return Outcome("unknown", reason=p.chk.reason)
    if r_pos == "unsat":
        return _decided(p, "refuted", facts, pos)
    return Outcome("unsupported")
