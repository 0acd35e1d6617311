"""Findings from results: what the solver found per component, as the report's contradictions, verdicts and unknowns."""

from __future__ import annotations

from collections.abc import Sequence

from claims._base.errors import Diagnostic
from claims._front.model import Dataset
from claims._logic.partition import Component
from claims._logic.solve import ComponentResult, Options
from claims._report.findings import (
    Contradiction,
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
) -> Report:
    """The report of a check: each component's results as findings, in the dataset's order of claims."""
    contradictions: list[Contradiction] = []
    verdicts: list[Verdict] = []
    unknowns: list[Unknown] = []
    complete = not conflicts
    truncated = False
    checks = 0
    for comp, res in zip(comps, results, strict=True):
        checks += res.checks
        comp_contras = []
        for m in res.muses:
            cl = tuple(ds.claims[i] for i in m.claims)
            rl = tuple(ds.rules[j] for j in m.rules)
            comp_contras.append(Contradiction(cl, rl, fingerprint("contradiction", cl, rl)))
        contradictions.extend(comp_contras)
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
                vac = tuple(c for c in comp_contras if all(x.kind == "fact" for x in c.claims))
            scen = tuple(Scenario(d, val) for _, d, val in v.countermodel)
            reason = _explain_reason(v.reason, opts) if v.verdict == "unknown" else None
            verdicts.append(
                Verdict(
                    claim=claim,
                    verdict=v.verdict,
                    premises=prem,
                    rules=rl,
                    countermodel=scen,
                    contradictions=vac,
                    reason=reason,
                    fingerprint=fingerprint("conclusion", (claim,), (), v.verdict),
                )
            )
    order = {c.id: i for i, c in enumerate(ds.claims)}
    contradictions.sort(key=lambda c: [order[x.id] for x in c.claims])
    verdicts.sort(key=lambda v: order[v.claim.id])
    stats = Stats(
        claims=len(ds.claims),
        rules=len(ds.rules),
        components=len(comps),
        solved_components=solved,
        solver_checks=checks,
        seconds=seconds,
    )
    return Report(
        dataset=ds,
        contradictions=tuple(contradictions),
        conclusions=tuple(verdicts),
        unknowns=tuple(unknowns),
        rule_conflicts=tuple(conflicts),
        complete=complete,
        truncated=truncated,
        stats=stats,
        timeout=opts.timeout,
        max_per_component=opts.max_per_component,
        warnings=warnings,
    )
