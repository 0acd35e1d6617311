"""Stage *report*, the JSON report (``--format json``, versioned schema) and baselines.

Nothing in it depends on the clock or the machine: no timestamps, no
durations, so the same input gives the same bytes on every run; each document
records what reproduces the run (the claims version, the z3 version, the
solver seed, the timeout and ``--max``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from claims._base.errors import Diagnostic
from claims._report.findings import FORMATS, VERDICTS, Report, View
from claims._report.gating import Gate
from claims._report.policy import exit_code, marked, state
from claims._report.records import (
    JSON,
    ConclusionRecord,
    FindingRecord,
    Records,
    ToolRecord,
    WarningRecord,
    error_record,
)

SCHEMA_VERSION = 1
"""The version of the JSON report schema; see :data:`SCHEMA_FILE`.

It increases when a field is removed, renamed or changes meaning or type.
Fields may be added within a version; the shipped schema always describes the
exact output of this release.
"""

SCHEMA_FILE = "schemas/report-v1.schema.json"
"""The JSON Schema of the ``json`` format, relative to the ``claims`` package."""


def schema_path() -> Path:
    """Where the JSON report schema is installed."""
    return Path(str(resources.files("claims"))) / SCHEMA_FILE


def summary(findings: Sequence[FindingRecord], warnings: Sequence[WarningRecord] = ()) -> JSON:
    """The ``summary`` object: findings by kind and verdict, how many fail, how many warnings."""
    kinds = Counter(r.kind for r in findings)
    verdicts = Counter(r.verdict for r in findings if isinstance(r, ConclusionRecord))
    return {
        "contradictions": kinds["contradiction"],
        "conclusions": {v: verdicts[v] for v in VERDICTS},
        "unknowns": kinds["unknown"],
        "rule_conflicts": kinds["rule-conflict"],
        "errors": kinds["error"],
        "failing": sum(1 for r in findings if r.failing),
        "warnings": len(warnings),
    }


def gate_record(gate: Gate, findings: Sequence[FindingRecord], warnings: Sequence[WarningRecord] = ()) -> JSON:
    """The ``gate`` object of a JSON report: what was compared and what changed.

    ``new`` and ``unchanged`` count the failing findings, and the warnings when they fail
    (``--fail-on-warnings``); ``resolved`` lists findings only.
    """
    every: list[FindingRecord | WarningRecord] = [*findings, *warnings]
    states = Counter(s for s in (state(r, gate) for r in every) if s is not None)
    return {
        "mode": gate.mode,
        "reference": gate.reference,
        "commit": gate.commit,
        "new": states["new"],
        "unchanged": states["unchanged"],
        "resolved": [dict(r) for r in gate.resolved],
        "notes": list(gate.notes),
    }


def tool(report: Report) -> ToolRecord:
    """What reproduces the run of ``report``."""
    return ToolRecord(timeout=report.timeout, max_per_component=report.max_per_component)


def report_document(report: Report, records: Records, *, gate: Gate | None = None, document: str = "report") -> JSON:
    """The JSON report (the ``json`` format and, with ``document="baseline"``, baselines).

    A baseline keeps only the failing findings, and every lint warning: those
    are what a later ``claims check --baseline`` suppresses (warnings only
    matter there under ``--fail-on-warnings``).
    """
    recs, warns = records.findings, records.warnings
    shown = recs if document == "report" else tuple(r for r in recs if r.failing)
    ds = report.dataset
    return {
        "schema_version": SCHEMA_VERSION,
        "document": document,
        "tool": tool(report).to_json(),
        "files": list(ds.files),
        "stats": {
            "claims": len(ds.claims),
            "rules": len(ds.rules),
            "sources": len({c.source for c in ds.claims}),
            "components": report.stats.components,
        },
        "complete": report.complete,
        "truncated": report.truncated,
        "exit_code": exit_code(report, recs, gate, warns),
        "summary": summary(recs, warns),
        "gate": None if gate is None else gate_record(gate, recs, warns),
        "findings": [r.to_json() for r in marked(shown, gate)],
        "warnings": [w.to_json() for w in marked(warns, gate)],
    }


def errors_document(
    diagnostics: Sequence[Diagnostic], *, files: Sequence[str], timeout: float | None, max_per_component: int | None
) -> JSON:
    """The JSON report of a run that could not start: every diagnostic as an ``error`` finding."""
    recs = [error_record(d) for d in diagnostics]
    return {
        "schema_version": SCHEMA_VERSION,
        "document": "report",
        "tool": ToolRecord(timeout=timeout, max_per_component=max_per_component).to_json(),
        "files": list(files),
        "stats": None,
        "complete": False,
        "truncated": False,
        "exit_code": 2,
        "summary": summary(recs),
        "gate": None,
        "findings": [r.to_json() for r in recs],
        "warnings": [],
    }


def dumps(doc: Mapping[str, Any]) -> str:
    """Serialise a JSON document the one way: indented, UTF-8 text, key order as built."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


@FORMATS.register("json", machine=True)
def render_json(report: Report, view: View) -> str:
    """The JSON report (schema ``claims/schemas/report-v1.schema.json``)."""
    records = Records.of(report, allow_unsupported=view.allow_unsupported, fail_on_warnings=view.fail_on_warnings)
    return dumps(report_document(report, records, gate=view.gate))
