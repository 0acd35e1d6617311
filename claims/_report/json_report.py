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
from claims._report.findings import FORMATS, VERDICTS, Report, View, culprits
from claims._report.gating import Gate
from claims._report.policy import exit_code, marked, state
from claims._report.records import (
    JSON,
    ConclusionRecord,
    ConflictRecord,
    CulpritRecord,
    FindingRecord,
    Records,
    ToolRecord,
    WarningRecord,
    error_record,
)

SCHEMA_VERSION = 2
"""The version of the JSON report schema; see :data:`SCHEMA_FILE`.

It increases when a field is removed, renamed or changes meaning or type.
Fields may be added within a version; the shipped schema always describes the
exact output of this release. Version 2 (issue 20): the conflicts with their
repairs, the culprit ranking, and the tolerant readings of vacuous
conclusions; a ``vacuous`` conclusion's message names its readings.
"""

SCHEMA_FILE = "schemas/report-v2.schema.json"
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
        **(repairs_document(report) if document == "report" else {}),
    }


def repairs_document(report: Report) -> JSON:
    """The ``conflicts`` (each with its repairs) and the ``culprits`` (claims and sources) of a report."""
    by_claim, by_source = culprits(report)
    return {
        "conflicts": [ConflictRecord.of(g).to_json() for g in report.conflicts],
        "culprits": {
            "claims": [CulpritRecord.of(c).to_json() for c in by_claim],
            "sources": [CulpritRecord.of(c).to_json() for c in by_source],
        },
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
    """Serialise a JSON document the one way: indented, UTF-8 text, key order as built.

    The bytes of ``json.dumps(doc, indent=2, ensure_ascii=False)`` and a newline,
    written by :func:`_indented`, which is about 3 times as fast (the standard
    library's C encoder does not indent, and its Python one makes a generator
    per container). A value it does not know (a key that is not a string, a
    subclass of a JSON type, any other type) is left to ``json.dumps`` itself.
    """
    try:
        return _indented(doc, "\n") + "\n"
    except _Unusual:
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


class _Unusual(Exception):
    """A value :func:`_indented` leaves to ``json.dumps``."""


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


_SCALARS: dict[type, Any] = {
    str: json.encoder.encode_basestring,  # what ensure_ascii=False uses (the C one when there is one)
    int: int.__repr__,
    float: _float,
    bool: lambda b: "true" if b else "false",
    type(None): lambda _: "null",
}
"""How ``json.dumps`` writes a scalar of exactly each of these types (with ``ensure_ascii=False``)."""


def _indented(value: object, nl: str) -> str:
    """``value`` as ``json.dumps(indent=2, ensure_ascii=False)`` writes it at the indent of ``nl``.

    The same rules: the scalars as in :data:`_SCALARS`; dicts (string keys, in
    their order) and lists or tuples: empty on one line (``{}``, ``[]``),
    otherwise one item a line, 2 more spaces in, items separated by ``,`` and
    a key from its value by ``: ``. Anything else raises :class:`_Unusual`.
    """
    kind = type(value)
    if kind is dict:
        assert isinstance(value, dict)
        if not value:
            return "{}"
        inner = nl + "  "
        parts = []
        for k, item in value.items():
            if type(k) is not str:
                raise _Unusual
            scalar = _SCALARS.get(type(item))
            parts.append(_SCALARS[str](k) + ": " + (scalar(item) if scalar is not None else _indented(item, inner)))
        return "{" + inner + ("," + inner).join(parts) + nl + "}"
    if kind is list or kind is tuple:
        assert isinstance(value, (list, tuple))
        if not value:
            return "[]"
        inner = nl + "  "
        parts = []
        for item in value:
            scalar = _SCALARS.get(type(item))
            parts.append(scalar(item) if scalar is not None else _indented(item, inner))
        return "[" + inner + ("," + inner).join(parts) + nl + "]"
    scalar = _SCALARS.get(kind)
    if scalar is None:
        raise _Unusual
    text: str = scalar(value)
    return text


@FORMATS.register("json", machine=True)
def render_json(report: Report, view: View) -> str:
    """The JSON report (schema ``claims/schemas/report-v2.schema.json``)."""
    records = Records.for_view(report, view)
    return dumps(report_document(report, records, gate=view.gate))
