"""Findings from results: what the solver found per component, as the report's contradictions, verdicts and unknowns."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from fractions import Fraction

from claims._base.errors import Diagnostic
from claims._front.model import Dataset
from claims._logic import repairs as _repairs
from claims._logic.partition import Component
from claims._logic.solve import ComponentResult, Options
from claims._report.findings import (
    Conflict,
    Contradiction,
    Reading,
    Report,
    RuleConflict,
    Scenario,
    Stats,
    Unknown,
    Verdict,
    fingerprint,
)


def _explain_reason(reason: str | None, opts: Options) -> str:
    """Z3's reason for ``unknown``, in the user's terms (z3 says "canceled" on a timeout)."""
    if reason in ("canceled", "timeout") and opts.timeout is not None:
        return f"the solver hit the time limit (--timeout {opts.timeout:g} s per check)"
    return reason or "the solver answered unknown"


def assemble_report(
    ds: Dataset,
    comps: Sequence[Component],
    results: Sequence[ComponentResult],
    conflicts: list[RuleConflict],
    opts: Options,
    seconds: float,
    solved: int,
    warnings: tuple[Diagnostic, ...],
    *,
    quiet: tuple[int, int] = (0, 0),
) -> Report:
    """The report of a check: each component's results as findings, in the dataset's order of claims.

    ``quiet``: how many more components there are, each consistent, complete
    and with no conclusion or near-contradiction (so with no finding), and
    the solver checks they took (``claims._logic.recheck.quiet``).
    """
    # each finding with where it goes in the dataset's order of claims: a contradiction by the places of its
    # claims, a conflict by its first contradiction's, a verdict by its conclusion's
    contradictions: list[tuple[tuple[int, ...], Contradiction]] = []
    groups: list[tuple[tuple[int, ...], Conflict]] = []
    verdicts: list[tuple[int, Verdict]] = []
    unknowns: list[Unknown] = []
    complete = not conflicts
    truncated = False
    checks = quiet[1]
    for comp, res in zip(comps, results, strict=True):
        checks += res.checks
        if res.complete and not (res.muses or res.conflicts or res.verdicts or res.tolerant):
            continue  # most components: consistent, no conclusion; nothing below would add a finding
        comp_contras: list[tuple[tuple[int, ...], Contradiction]] = []
        weights = _weights(ds, res)
        for m in res.muses:
            cl = tuple(ds.claims[i] for i in m.claims)
            rl = tuple(ds.rules[j] for j in m.rules)
            comp_contras.append((m.claims, Contradiction(cl, rl, fingerprint("contradiction", cl, rl))))
        contradictions.extend(comp_contras)
        for g in res.conflicts:
            best = _repairs.preferred(g.repairs, weights)
            mine = sorted((comp_contras[k] for k in g.muses), key=_PLACES)
            groups.append(
                (
                    mine[0][0],
                    Conflict(
                        contradictions=tuple(c for _, c in mine),
                        repairs=tuple(tuple(ds.claims[i] for i in r) for r in g.repairs),
                        preferred=None if best is None else tuple(ds.claims[i] for i in g.repairs[best]),
                        tied=best is not None and _repairs.tied(g.repairs, best, weights),
                        complete=g.complete,
                        reason=None if g.reason is None else _explain_reason(g.reason, opts),
                    ),
                )
            )
        readings = _readings(ds, res, weights, opts)
        if not res.complete:
            complete = False
            truncated = truncated or res.truncated
            if not res.truncated:
                cl = tuple(ds.claims[i] for i in comp.claims)
                unknowns.append(
                    Unknown(
                        cl, _explain_reason(res.unknown_reason, opts), len(res.muses), fingerprint("unknown", cl, ())
                    )
                )
        for v in res.verdicts:
            claim = ds.claims[v.conclusion]
            prem = tuple(ds.claims[i] for i in v.premises)
            rl = tuple(ds.rules[j] for j in v.rules)
            vac: tuple[Contradiction, ...] = ()
            if v.verdict == "vacuous":
                vac = tuple(c for _, c in comp_contras if all(x.kind == "fact" for x in c.claims))
            scen = tuple(Scenario(d, val) for _, d, val in v.countermodel)
            reason = _explain_reason(v.reason, opts) if v.verdict == "unknown" else None
            verdicts.append(
                (
                    v.conclusion,
                    Verdict(
                        claim=claim,
                        verdict=v.verdict,
                        premises=prem,
                        rules=rl,
                        countermodel=scen,
                        contradictions=vac,
                        reason=reason,
                        fingerprint=fingerprint("conclusion", (claim,), (), v.verdict),
                        readings=readings.get(v.conclusion, ()),
                    ),
                )
            )
    # sorted by place (stable: equal places keep the order they were found in)
    contradictions.sort(key=_PLACES)
    groups.sort(key=_PLACES)
    verdicts.sort(key=_PLACES)
    stats = Stats(
        claims=len(ds.claims),
        rules=len(ds.rules),
        components=len(comps) + quiet[0],
        solved_components=solved,
        solver_checks=checks,
        seconds=seconds,
    )
    return Report(
        dataset=ds,
        contradictions=tuple(c for _, c in contradictions),
        conclusions=tuple(v for _, v in verdicts),
        unknowns=tuple(unknowns),
        rule_conflicts=tuple(conflicts),
        complete=complete,
        truncated=truncated,
        stats=stats,
        timeout=opts.timeout,
        max_per_component=opts.max_per_component,
        warnings=warnings,
        conflicts=tuple(g for _, g in groups),
    )


_PLACES = operator.itemgetter(0)
"""A finding's place in the dataset's order of claims, where :func:`assemble_report` keeps it with the finding."""


def _weights(ds: Dataset, res: ComponentResult) -> dict[int, Fraction]:
    """The weight of each claim a repair of ``res`` may set aside: its source's reliability, when it has one.

    Only the claims of its repairs (of its conflicts, and of its facts) are
    weighed (:func:`claims._logic.repairs.weight` reads no other claim's), so
    a component with no repair reads no claim.
    """
    if not res.conflicts and not res.premise_repairs:
        return {}
    named = {i for g in res.conflicts for r in g.repairs for i in r}
    named.update(i for r in res.premise_repairs or () for i in r)
    return {i: w for i in sorted(named) if (w := ds.claims[i].source.reliability) is not None}


def _readings(
    ds: Dataset, res: ComponentResult, weights: dict[int, Fraction], opts: Options
) -> dict[int, tuple[Reading, ...]]:
    """The tolerant readings of each vacuous conclusion of a component, by conclusion index.

    Exact for the whole dataset, not only the component: components share no
    symbol, so a conclusion's entailment by a set of premises depends on the
    premises in its own component only (see ``claims._logic.partition``), and
    a repair of all the facts is a repair of each component's facts, united.
    """
    if not res.tolerant:
        return {}
    disputed = tuple(
        sorted({x for m in res.muses if all(ds.claims[i].kind == "fact" for i in m.claims) for x in m.claims})
    )
    reps = res.premise_repairs
    best = None if reps is None else _repairs.preferred(reps, weights)
    out: dict[int, tuple[Reading, ...]] = {}
    for t in res.tolerant:
        raw = _repairs.readings(reps or (), t.outcomes, t.iar, disputed, best, t.reason)
        out[t.conclusion] = tuple(
            Reading(
                semantics=r.semantics,
                verdict=r.verdict,
                premises=tuple(ds.claims[i] for i in r.premises),
                rules=tuple(ds.rules[j] for j in r.rules),
                set_aside=tuple(ds.claims[i] for i in r.set_aside),
                reason=None if r.reason is None else _explain_reason(r.reason, opts),
            )
            for r in raw
        )
    return out
