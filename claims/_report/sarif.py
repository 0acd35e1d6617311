"""Stage *report*, SARIF 2.1.0 for code scanning (``--format sarif``): a view of the finding records."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote as _url_quote

from claims._base.errors import ERROR_CODES, Diagnostic
from claims._front.lint import CHECKS
from claims._report.findings import FORMATS, Report, View
from claims._report.json_report import dumps, gate_record, repairs_document, summary, tool
from claims._report.policy import exit_code, marked
from claims._report.records import (
    JSON,
    ClaimRecord,
    ConclusionRecord,
    ErrorRecord,
    FindingRecord,
    Records,
    RuleRecord,
    ToolRecord,
    WarningRecord,
    error_record,
)

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_FINGERPRINT = "claimsFingerprint/v1"
_SARIF_KINDS = ("contradiction", "conclusion", "unknown", "rule-conflict", "error")
_SARIF_DEFAULT_LEVEL = {
    "contradiction": "error",
    "conclusion": "warning",
    "unknown": "warning",
    "rule-conflict": "error",
    "error": "error",
}
_LINK_CHARS = re.compile(r"([\[\]\\])")

KIND_DESCRIPTIONS = {
    "contradiction": (
        "Claims that cannot all be true",
        (
            "A minimal set of claims that cannot all be true together under the rules "
            "it names: every proper subset of the claims is consistent."
        ),
    ),
    "conclusion": (
        "A conclusion that does not follow",
        (
            "A claim marked as a conclusion that its premises refute, do not support "
            "(a countermodel is given), support only vacuously, or that the solver "
            "could not decide."
        ),
    ),
    "unknown": (
        "Claims the solver could not decide",
        ("A part of the dataset where the solver hit a limit (--timeout); it is never reported as consistent."),
    ),
    "rule-conflict": (
        "Rules that contradict each other",
        ("Rules that are inconsistent on their own, before any claim: no claim could be checked."),
    ),
    "error": (
        "Invalid input",
        (
            "A claim file, rule file or document that could not be loaded (the run checked "
            "nothing); the message names what is wrong and what was probably meant."
        ),
    ),
}


def _uri(path: str) -> str | None:
    """A file path as a SARIF artifact URI: relative and percent-encoded, or ``file:`` when absolute.

    Paths the library invents (``<claims>``, ``<claim a>``) have no URI.
    """
    if not path or path.startswith("<"):
        return None
    p = Path(path)
    if p.is_absolute():
        return p.as_uri()
    try:
        # a file name that is not UTF-8 (its bytes decoded as surrogates) gets its own bytes back
        return _url_quote(p.as_posix(), safe="/", errors="surrogateescape")
    except UnicodeEncodeError:  # pragma: no cover - a lone surrogate no file name decodes to
        return _url_quote(p.as_posix(), safe="/", errors="backslashreplace")


def _physical(file: str | None, line: int | None, column: int | None) -> JSON | None:
    uri = _uri(file or "")
    if uri is None:
        return None
    region: JSON = {"startLine": max(1, line or 1)}
    if column:
        region["startColumn"] = column
    return {"artifactLocation": {"uri": uri}, "region": region}


def _sarif_text(text: str) -> str:
    """Escape text for a SARIF message, where ``[...](n)`` would be read as a link."""
    return _LINK_CHARS.sub(r"\\\1", text)


def _result(record: FindingRecord, rule_ids: Sequence[str]) -> JSON:
    primary: JSON | None = None
    related: list[JSON] = []
    links: list[str] = []
    if isinstance(record, ErrorRecord):
        primary = _physical(record.file, record.line, record.column)
    places: list[tuple[str, ClaimRecord | RuleRecord]] = [("claim", c) for c in record.claims]
    if isinstance(record, ConclusionRecord):
        places += [("premise", c) for c in record.premises]
    places += [("rule", r) for r in record.rules]
    for what, item in places:
        loc = _physical(item.file, item.line, item.column)
        if loc is None:
            continue
        if primary is None:
            primary = loc
            continue
        label = f"{what} {item.id}"
        text = (
            f'{label} ({item.source}): "{item.quote}"'
            if isinstance(item, ClaimRecord)
            else f"{label}: {item.description}"
        )
        related.append({"id": len(related) + 1, "physicalLocation": loc, "message": {"text": _sarif_text(text)}})
        links.append(f"[{_sarif_text(item.id)}]({len(related)})")
    message = _sarif_text(record.message)
    if isinstance(record, ErrorRecord) and record.hint:
        message += _sarif_text(f" (hint: {record.hint})")
    if links:
        message += ". See " + ", ".join(links) + "."
    result: JSON = {
        "ruleId": record.kind,
        "ruleIndex": rule_ids.index(record.kind),
        "level": record.level,
        "message": {"text": message},
    }
    if primary is not None:
        result["locations"] = [{"physicalLocation": primary}]
    if related:
        result["relatedLocations"] = related
    result["partialFingerprints"] = {SARIF_FINGERPRINT: record.fingerprint}
    if record.baseline_state is not None:
        result["baselineState"] = record.baseline_state
    props: JSON = {"fingerprint": record.fingerprint}
    if isinstance(record, ConclusionRecord):
        props["verdict"] = record.verdict
        if record.readings:
            props["readings"] = [r.to_json() for r in record.readings]
    if isinstance(record, ErrorRecord):
        props["code"] = record.code
    result["properties"] = props
    return result


def _warning(record: WarningRecord, rule_ids: Sequence[str]) -> JSON:
    """A lint warning as a SARIF result: level ``warning``, its code as the rule, at its place."""
    message = _sarif_text(record.message)
    if record.hint:
        message += _sarif_text(f" (hint: {record.hint})")
    result: JSON = {
        "ruleId": record.code,
        "ruleIndex": rule_ids.index(record.code),
        "level": "warning",
        "message": {"text": message},
    }
    primary = _physical(record.file, record.line, record.column)
    if primary is not None:
        result["locations"] = [{"physicalLocation": primary}]
    result["partialFingerprints"] = {SARIF_FINGERPRINT: record.fingerprint}
    if record.baseline_state is not None:
        result["baselineState"] = record.baseline_state
    result["properties"] = {"fingerprint": record.fingerprint, "failing": record.failing}
    return result


def _rule_ids(warns: Sequence[WarningRecord] = ()) -> tuple[str, ...]:
    """The ids of ``tool.driver.rules``: the finding kinds, the linter's codes (in the order they
    are registered), then any other warning code (none today), so that every result's
    ``ruleIndex`` has its rule and the list does not depend on what was found."""
    lint_codes = tuple(CHECKS)
    extra = sorted({w.code for w in warns} - set(lint_codes))
    return (*_SARIF_KINDS, *lint_codes, *extra)


def _lint_descriptions(code: str) -> tuple[str, str]:
    """The short and full description of a lint code: its registered one, its check's docstring."""
    ec = ERROR_CODES.get(code)
    short = ec.description if ec is not None else code
    check = CHECKS.get(code)
    doc = (check.__doc__ or "").strip().split("\n")[0] if check is not None else ""
    full = f"{doc} A warning of the symbol linter: it fails the check only under --fail-on-warnings."
    return short, full.strip()


def _document(
    results: list[JSON],
    tool: ToolRecord,
    *,
    successful: bool,
    exit_code: int,
    properties: JSON,
    rule_ids: Sequence[str],
) -> JSON:
    rules = []
    for rid in rule_ids:
        short, full = KIND_DESCRIPTIONS[rid] if rid in KIND_DESCRIPTIONS else _lint_descriptions(rid)
        rules.append(
            {
                "id": rid,
                "name": "".join(w.title() for w in rid.split("-")),
                "shortDescription": {"text": short},
                "fullDescription": {"text": full},
                "help": {"text": full},
                "defaultConfiguration": {"level": _SARIF_DEFAULT_LEVEL.get(rid, "warning")},
            }
        )
    driver_props: dict[str, Any] = {
        "z3_version": tool.z3_version,
        "seed": tool.seed,
        "timeout": tool.timeout,
        "max_per_component": tool.max_per_component,
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "claims",
                        "version": tool.version,
                        "semanticVersion": tool.version,
                        "rules": rules,
                        "properties": driver_props,
                    }
                },
                "invocations": [{"executionSuccessful": successful, "exitCode": exit_code}],
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": properties,
            }
        ],
    }


@FORMATS.register("sarif", machine=True)
def render_sarif(report: Report, view: View) -> str:
    """SARIF 2.1.0 for code scanning: one result per failing finding, then one per lint warning.

    ``ruleId`` is the finding's kind; the first claim is the primary location
    and the other claims, premises and rules are related locations;
    ``partialFingerprints`` carries the finding's fingerprint, so an alert
    survives reordering and reformatting. A lint warning is a result of level
    ``warning`` whose ``ruleId`` is its code (``similar-symbols``, ...), each
    code a rule of ``tool.driver.rules``. Under a gate each failing result has
    a ``baselineState`` (``new`` or ``unchanged``); resolved findings are listed
    in the run's properties, not as results (they have no place in the files
    as they are now).
    """
    gate = view.gate
    records = Records.for_view(report, view)
    recs = [r for r in marked(records.findings, gate) if r.failing]
    warns = marked(records.warnings, gate)
    rule_ids = _rule_ids(warns)
    props: JSON = {
        "complete": report.complete,
        "truncated": report.truncated,
        "summary": summary(records.findings, records.warnings),
        **repairs_document(report),
    }
    if gate is not None:
        g = gate_record(gate, records.findings, records.warnings)
        props["gate"] = {
            "mode": g["mode"],
            "reference": g["reference"],
            "new": g["new"],
            "unchanged": g["unchanged"],
            "resolved": [
                {"kind": r["kind"], "fingerprint": r["fingerprint"], "message": r["message"]} for r in g["resolved"]
            ],
        }
    results = [_result(r, rule_ids) for r in recs] + [_warning(w, rule_ids) for w in warns]
    sarif = _document(
        results,
        tool(report),
        successful=True,
        exit_code=exit_code(report, records.findings, gate, records.warnings),
        properties=props,
        rule_ids=rule_ids,
    )
    return dumps(sarif)


def render_errors(diagnostics: Sequence[Diagnostic], *, timeout: float | None, max_per_component: int | None) -> str:
    """SARIF for a run that stopped on input errors: an ``error`` result at each diagnostic's place,
    the invocation marked unsuccessful (exit 2)."""
    recs = [error_record(d) for d in diagnostics]
    rule_ids = _rule_ids()
    return dumps(
        _document(
            [_result(r, rule_ids) for r in recs],
            ToolRecord(timeout=timeout, max_per_component=max_per_component),
            successful=False,
            exit_code=2,
            properties={"summary": summary(recs)},
            rule_ids=rule_ids,
        )
    )
