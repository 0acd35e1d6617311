"""What ``claims fuzz`` found: its findings, and their text and JSON forms (``--format``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs

from claims._base.errors import Span
from claims._base.text import plural
from claims._front.model import Rule
from claims._report.findings import Scenario
from claims._report.registry import Formats

KINDS = {
    "rule-conflict": ("rule conflict", "rule conflicts"),
    "dead-rule": ("dead rule", "dead rules"),
    "redundant-rule": ("redundant rule", "redundant rules"),
    "example-rejected": ("rejected example", "rejected examples"),
    "forbid-allowed": ("forbids clause allowed", "forbids clauses allowed"),
    "possible-rejected": ("rule that forbids too much", "rules that forbid too much"),
    "undecided": ("undecided question", "undecided questions"),
}
"""Finding kinds, in the order a report lists them for one rule, with their names in prose."""

JSON_VERSION = 1


@attrs.frozen(kw_only=True)
class FuzzFinding:
    """One problem of a rule set.

    ``rule`` is the rule it is about (for a conflict, the first rule of the
    set); ``formula`` the condition or clause in question; ``support`` the
    minimal set of rules behind the finding; ``scenario`` a concrete scenario
    and ``shows`` what it shows; ``found_by`` is ``hypothesis`` (found and
    shrunk by Hypothesis, confirmed by the evaluator) or ``solver`` (Z3's model).
    """

    kind: str
    rule: Rule
    message: str
    formula: str | None = None
    support: tuple[Rule, ...] = ()
    scenario: tuple[Scenario, ...] = ()
    shows: str = ""
    found_by: str = ""

    @property
    def span(self) -> Span:
        return self.rule.span or Span(self.rule.rule_set, 1, 0)


@attrs.frozen(kw_only=True)
class FuzzReport:
    """What ``claims fuzz`` found in a rule set."""

    files: tuple[str, ...]
    rules: tuple[Rule, ...]
    findings: tuple[FuzzFinding, ...]
    seed: int
    max_examples: int
    checks: int = 0
    searches: int = 0
    skipped: str | None = None
    not_fuzzed: tuple[str, ...] = ()  # rules that relate days: not asked (docs/time.md)

    @property
    def failed(self) -> bool:
        return bool(self.findings)


def exit_status(report: FuzzReport) -> int:
    """0 when nothing was found, 1 otherwise (input errors exit 2 before a report exists)."""
    return 1 if report.failed else 0


def _where(r: Rule) -> str:
    s = r.span
    return f"{s.path}:{s.line}" if s is not None else r.rule_set


def summary(report: FuzzReport) -> str:
    """``Summary: 1 dead rule, 1 redundant rule`` (or ``nothing found``)."""
    counts: dict[str, int] = {}
    for f in report.findings:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    parts = [
        f"{n} {KINDS[k][0] if n == 1 else KINDS[k][1]}"
        for k, n in sorted(counts.items(), key=lambda kv: list(KINDS).index(kv[0]))
    ]
    return "Summary: " + (", ".join(parts) if parts else "nothing found")


FORMATS: Formats[Callable[[FuzzReport], str]] = Formats("claims fuzz")
"""The formats of ``claims fuzz`` (``--format``)."""


@FORMATS.register("text")
def render_text(report: FuzzReport) -> str:
    """The report for a person: one ``FILE:LINE:COL: error: ...  [kind]`` line per finding, then details."""
    out = [
        f"claims fuzz: {', '.join(report.files) or '(rules)'}",
        (
            f"{plural(len(report.rules), 'rule')} in {plural(len(report.files), 'file')}; seed {report.seed}, "
            f"at most {report.max_examples} examples per scenario search"
        ),
        "",
    ]
    for f in report.findings:
        out.append(f"{f.span}: error: {f.message}  [{f.kind}]")
        label = {
            "dead-rule": "condition",
            "redundant-rule": "rule",
            "example-rejected": "example",
            "forbid-allowed": "forbids",
            "possible-rejected": "possible",
            "rule-conflict": "rule",
        }.get(f.kind)
        if f.formula and label:
            out.append(f"  {label}: {f.formula}")
        if f.support:
            out.append("  because of:")
            for r in f.support:
                out.append(f"    {r.id}: {r.formula}  ({_where(r)})")
        if f.scenario:
            how = "shrunk by Hypothesis" if f.found_by == "hypothesis" else "the solver's model"
            out.append(f"  e.g. ({how}; it {f.shows}):")
            for a in f.scenario:
                out.append(f"    {a}")
        out.append("")
    if report.skipped:
        out.append(f"Left out of the other questions: {report.skipped}.")
    if report.not_fuzzed:
        out.append(
            f"Not fuzzed, because they relate days (the questions read one day at a time): "
            f"{', '.join(report.not_fuzzed)}; the other rules were asked without them."
        )
    out.append(summary(report))
    return "\n".join(out) + "\n"


@FORMATS.register("json")
def render_json(report: FuzzReport) -> str:
    """The report as JSON (``version`` 1): stable keys, stable order."""

    def rule(r: Rule) -> dict[str, Any]:
        s = r.span
        return {
            "id": r.id,
            "description": r.description,
            "formula": r.formula,
            "rule_set": r.rule_set,
            "file": s.path if s else None,
            "line": s.line if s else None,
            "column": s.column + 1 if s else None,
        }

    data = {
        "version": JSON_VERSION,
        "tool": "claims fuzz",
        "files": list(report.files),
        "rules": len(report.rules),
        "seed": report.seed,
        "max_examples": report.max_examples,
        "findings": [
            {
                "kind": f.kind,
                "rule": rule(f.rule),
                "message": f.message,
                "formula": f.formula,
                "support": [rule(r) for r in f.support],
                "scenario": [{"symbol": a.symbol, "value": a.value} for a in f.scenario],
                "shows": f.shows or None,
                "found_by": f.found_by or None,
            }
            for f in report.findings
        ],
        "skipped": report.skipped,
        "not_fuzzed": list(report.not_fuzzed),
        "summary": summary(report).removeprefix("Summary: "),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
