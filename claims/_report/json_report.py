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

import orjson

from claims._base.errors import Diagnostic
from claims._report.findings import FORMATS, VERDICTS, Report, View, culprits, source_count
from claims._report.gating import Gate
from claims._report.policy import exit_code, marked, state
from claims._report.records import (
    JSON,
    Checked,
    ConclusionRecord,
    ConflictRecord,
    CulpritRecord,
    FindingRecord,
    Records,
    ToolRecord,
    WarningRecord,
    checked_json,
    error_record,
    plain_float,
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
            "sources": source_count(ds),
            "components": report.stats.components,
        },
        "complete": report.complete,
        "truncated": report.truncated,
        "exit_code": exit_code(report, recs, gate, warns),
        "summary": summary(recs, warns),
        "gate": None if gate is None else gate_record(gate, recs, warns),
        "findings": checked_json(marked(shown, gate)),
        "warnings": checked_json(marked(warns, gate)),
        **(repairs_document(report) if document == "report" else {}),
    }


def repairs_document(report: Report) -> JSON:
    """The ``conflicts`` (each with its repairs) and the ``culprits`` (claims and sources) of a report."""
    by_claim, by_source = culprits(report)
    return {
        "conflicts": checked_json(map(ConflictRecord.of, report.conflicts)),
        "culprits": {
            "claims": checked_json(map(CulpritRecord.of, by_claim)),
            "sources": checked_json(map(CulpritRecord.of, by_source)),
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

    The bytes of ``json.dumps(doc, indent=2, ensure_ascii=False)`` and a newline.
    A document made only of what :func:`_plain` accepts is written by orjson
    (the standard library's C encoder does not indent, and its Python one
    makes a generator per container): the 20 MB report of 100,000 claims in
    0.08 s against 0.22 s for our own indenter before it (orjson 0.025 s, the
    walk of :func:`_plain` 0.054 s), and in 0.035 s since the records' lists
    are checked as they are made (:func:`~claims._report.records.checked_json`),
    which the walk takes as they are. For those values the two write the same
    bytes (``tests/cover/test_json_dumps.py`` checks it on generated
    documents). Anything else, and whatever orjson refuses (an
    integer beyond 64 bits, a string holding a lone surrogate), is written by
    ``json.dumps`` itself.
    """
    if _plain(doc):
        try:
            return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode("utf-8")
        except orjson.JSONEncodeError:
            pass
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


_LEAVES = frozenset((str, int, bool, type(None)))


def _plain(value: object) -> bool:
    """Whether orjson writes ``value`` as ``json.dumps(indent=2, ensure_ascii=False)`` does.

    Dicts with string keys, lists, tuples, strings, integers, booleans, None
    (the types themselves, not subclasses: ``json.dumps`` writes an ``IntEnum``
    as an integer, orjson does not), finite floats that Python writes
    without an exponent (:func:`~claims._report.records.plain_float`), and
    the lists of records' JSON that were checked so as they were made
    (:class:`~claims._report.records.Checked`: most of a report, not walked again).
    """
    kind = type(value)
    if kind in _LEAVES or kind is Checked:
        return True
    if kind is dict:
        assert isinstance(value, dict)
        for k, item in value.items():
            if type(k) is not str or (type(item) not in _LEAVES and not _plain(item)):
                return False
        return True
    if kind is list or kind is tuple:
        assert isinstance(value, (list, tuple))
        return all(type(item) in _LEAVES or _plain(item) for item in value)
    if kind is float:
        assert isinstance(value, float)
        return plain_float(value)
    return False


@FORMATS.register("json", machine=True)
def render_json(report: Report, view: View) -> str:
    """The JSON report (schema ``claims/schemas/report-v2.schema.json``)."""
    records = Records.for_view(report, view)
    return dumps(report_document(report, records, gate=view.gate))
