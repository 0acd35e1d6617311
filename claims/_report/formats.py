"""Stage *report*, machine formats: JSON (versioned schema), SARIF 2.1.0 and JUnit XML.

Every format is built from one list of *finding records*: plain dicts in the
shape of the JSON schema shipped as ``claims/schemas/report-v1.schema.json``.
SARIF and JUnit are views of those records, so the three formats never
disagree, and baselines (``claims baseline``) are JSON reports of the same
shape. Nothing here solves anything.

Conventions shared by every machine format:

- lines and columns are 1-based (the stored :class:`~claims.Span` column is
  0-based; STYLE.md §4 prints it 1-based, and so does SARIF);
- nothing depends on the clock or the machine: no timestamps, no durations,
  so the same input gives the same bytes on every run;
- each document records what reproduces the run: the claims version, the z3
  version, the solver seed, the timeout and ``--max``.
"""

from __future__ import annotations

import json
import re
import weakref
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote as _url_quote

import attrs

from claims._base.errors import ERROR_CODES, Diagnostic, Span, printable
from claims._report.findings import VERDICTS, Contradiction, Report, RuleConflict, Unknown, Verdict, fingerprint
from claims._front.lint import CHECKS
from claims._front.model import Claim, Rule
from claims._report.text import FORMATS, register

if TYPE_CHECKING:
    from claims._run.gate import Gate

SCHEMA_VERSION = 1
"""The version of the JSON report schema; see :data:`SCHEMA_FILE`.

It increases when a field is removed, renamed or changes meaning or type.
Fields may be added within a version; the shipped schema always describes the
exact output of this release.
"""

SCHEMA_FILE = "schemas/report-v1.schema.json"
"""The JSON Schema of the ``json`` format, relative to the ``claims`` package."""

MACHINE_FORMATS = ("json", "sarif", "junit")

Record = dict[str, Any]

# The level of a finding: "error" and "warning" fail the check (exit 1), "note" does not.
_VERDICT_LEVEL = {"refuted": "error", "vacuous": "error", "unsupported": "warning",
                  "unknown": "warning", "supported": "note"}

KIND_DESCRIPTIONS = {
    "contradiction": ("Claims that cannot all be true",
                      "A minimal set of claims that cannot all be true together under the rules "
                      "it names: every proper subset of the claims is consistent."),
    "conclusion": ("A conclusion that does not follow",
                   "A claim marked as a conclusion that its premises refute, do not support "
                   "(a countermodel is given), support only vacuously, or that the solver "
                   "could not decide."),
    "unknown": ("Claims the solver could not decide",
                "A part of the dataset where the solver hit a limit (--timeout); it is "
                "never reported as consistent."),
    "rule-conflict": ("Rules that contradict each other",
                      "Rules that are inconsistent on their own, before any claim: no claim "
                      "could be checked."),
    "error": ("Invalid input",
              "A claim file, rule file or document that could not be loaded (the run checked "
              "nothing); the message names what is wrong and what was probably meant."),
}


# --------------------------------------------------------------------------- records


def _place(span: Any) -> Record:
    """``file``, ``line`` and 1-based ``column`` of a span (all null when there is none)."""
    if span is None:
        return {"file": None, "line": None, "column": None}
    return {"file": span.path, "line": span.line, "column": span.column + 1}


def claim_record(c: Claim) -> Record:
    """A claim as the JSON schema's ``claim``: who said what, where, in the dataset's words."""
    holds = None if c.holds is None else [c.holds[0].isoformat(), c.holds[1].isoformat()]
    return {
        "id": c.id,
        "kind": c.kind,
        "source": c.source.name,
        "source_id": c.source.id,
        "role": c.source.role,
        "via": c.source.via,
        "quote": c.quote,
        "said": c.said.isoformat(),
        "holds": holds,
        "formula": c.formula,
        **_place(c.span),
    }


def rule_record(r: Rule) -> Record:
    """A rule as the JSON schema's ``rule``."""
    return {
        "id": r.id,
        "description": r.description,
        "rule_set": r.rule_set,
        "formula": r.formula,
        **_place(r.span),
    }


def _ids(items: Sequence[Claim] | Sequence[Rule]) -> str:
    names = [x.id for x in items]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _contradiction_message(c: Contradiction) -> str:
    if len(c.claims) == 1:
        msg = f"Claim {c.claims[0].id} cannot be true"
    else:
        msg = f"Claims {_ids(c.claims)} cannot {'both' if len(c.claims) == 2 else 'all'} be true"
    who = " vs ".join(dict.fromkeys(x.source.name for x in c.claims))
    rules = f" under rule{'s' if len(c.rules) > 1 else ''} {_ids(c.rules)}" if c.rules else ""
    return f"{msg}{rules}: {who}"


def _verdict_message(v: Verdict) -> str:
    head = f"Conclusion {v.claim.id} is {v.verdict}"
    if v.verdict in ("supported", "refuted"):
        what = "entail it" if v.verdict == "supported" else "entail its negation"
        if v.premises:
            return f"{head}: premise{'s' if len(v.premises) > 1 else ''} {_ids(v.premises)} {what}"
        return f"{head}: the rules alone {what}"
    if v.verdict == "unsupported":
        scen = "; ".join(str(s) for s in v.countermodel)
        return (f"{head}: every premise holds and the conclusion fails when {scen}" if scen
                else f"{head}: the conclusion shares no symbol with any premise")
    if v.verdict == "vacuous":
        return f"{head}: its premises contradict each other, so anything would follow"
    return f"{head}: the solver could not decide ({v.reason})"


def _unknown_message(u: Unknown) -> str:
    shown = ", ".join(c.id for c in u.claims[:6]) + (", ..." if len(u.claims) > 6 else "")
    n = len(u.claims)
    return (f"{n} claim{'s' if n != 1 else ''} ({shown}) could not be decided: {u.reason}; "
            f"{u.found} contradiction{'s' if u.found != 1 else ''} found before the solver stopped")


def _rule_conflict_message(rc: RuleConflict) -> str:
    return (f"Rule{'s' if len(rc.rules) > 1 else ''} {_ids(rc.rules)} contradict"
            f"{'' if len(rc.rules) > 1 else 's'} each other before any claim: no claim was checked")


def records(report: Report, *, allow_unsupported: bool = False) -> list[Record]:
    """Every finding of ``report`` as a JSON-schema record, in the report's stable order.

    Rule conflicts come first (they stop everything), then contradictions,
    conclusions (all of them: a ``supported`` one is a ``note`` that does not
    fail) and undecided parts. The records of the last report asked for are
    kept (a run renders them, then computes its exit code from them); callers
    must not change them.
    """
    last = _LAST_RECORDS.get(allow_unsupported)
    if last is not None and last[0]() is report:
        return last[1]
    out = _records(report, allow_unsupported)
    _LAST_RECORDS[allow_unsupported] = (weakref.ref(report), out)
    return out


_LAST_RECORDS: dict[bool, tuple[weakref.ref[Report], list[Record]]] = {}


def _records(report: Report, allow_unsupported: bool) -> list[Record]:
    failing = {v.fingerprint for v in report.failing_conclusions(allow_unsupported=allow_unsupported)}
    out: list[Record] = []
    for rc in report.rule_conflicts:
        out.append({"kind": "rule-conflict", "fingerprint": rc.fingerprint, "level": "error",
                    "failing": True, "message": _rule_conflict_message(rc), "claims": [],
                    "rules": [rule_record(r) for r in rc.rules]})
    for c in report.contradictions:
        out.append({"kind": "contradiction", "fingerprint": c.fingerprint, "level": "error",
                    "failing": True, "message": _contradiction_message(c),
                    "claims": [claim_record(x) for x in c.claims],
                    "rules": [rule_record(r) for r in c.rules]})
    for v in report.conclusions:
        is_failing = v.fingerprint in failing
        level = _VERDICT_LEVEL[v.verdict] if is_failing else "note"
        out.append({"kind": "conclusion", "fingerprint": v.fingerprint, "level": level,
                    "failing": is_failing, "message": _verdict_message(v),
                    "claims": [claim_record(v.claim)],
                    "rules": [rule_record(r) for r in v.rules],
                    "verdict": v.verdict,
                    "premises": [claim_record(p) for p in v.premises],
                    "countermodel": [{"symbol": s.symbol, "value": s.value} for s in v.countermodel],
                    "contradictions": [c.fingerprint for c in v.contradictions],
                    "reason": v.reason})
    for u in report.unknowns:
        out.append({"kind": "unknown", "fingerprint": u.fingerprint, "level": "warning",
                    "failing": True, "message": _unknown_message(u),
                    "claims": [claim_record(x) for x in u.claims], "rules": [],
                    "reason": u.reason, "found": u.found})
    return out


def error_record(d: Diagnostic) -> Record:
    """An input diagnostic as a finding of kind ``error``.

    Its fingerprint leaves out line and column, so that an error moved by an
    edit above it keeps its identity.
    """
    return {"kind": "error", "fingerprint": fingerprint("error", (), (), f"{d.code}|{d.span.path}|{d.message}"),
            "level": "error" if d.severity == "error" else "warning", "failing": d.severity == "error",
            "message": d.message, "claims": [], "rules": [], "code": d.code, "hint": d.hint,
            **_place(d.span)}


# A place written into a lint message ("'flow_rate' is used at ds/claims.yaml:8:5"): left out of
# the warning's fingerprint, which must not change when a line is added above.
_PLACE_IN_MESSAGE = re.compile(r"(?<= at ).*?:\d+:\d+")


def _owners(report: Report) -> dict[Span, Claim | Rule]:
    """The claim or rule at each place the lint puts its warnings (``_lint.lint_dataset``)."""
    out: dict[Span, Claim | Rule] = {}
    for c in report.dataset.claims:
        if c.span is not None:
            out.setdefault(c.span, c)
    for r in report.dataset.rules:
        out.setdefault(r.span or Span(r.rule_set, 1, 0), r)
    return out


def warning_fingerprint(d: Diagnostic, owner: Claim | Rule | None) -> str:
    """A lint warning's identity: its code and message (without the places it names) and the
    claim or rule it is placed at, by meaning (id, formula, days), as a finding's fingerprint.

    So reordering, reformatting or moving a claim to another file changes no warning's
    fingerprint, and a warning's never equals a finding's (their kinds differ).
    """
    claims = (owner,) if isinstance(owner, Claim) else ()
    rules = (owner,) if isinstance(owner, Rule) else ()
    return fingerprint("warning", claims, rules, f"{d.code}|{_PLACE_IN_MESSAGE.sub('*', d.message)}")


def warning_records(report: Report, *, fail_on_warnings: bool = False) -> list[Record]:
    """The symbol linter's warnings of ``report`` as JSON-schema records, in the report's order.

    Each has its ``code``, ``fingerprint``, ``level`` (``warning``), ``message``, ``hint``,
    ``file``, ``line`` and 1-based ``column``; it is ``failing`` only under
    ``fail_on_warnings`` (``--fail-on-warnings``). As with :func:`records`, the records of
    the last report asked for are kept; callers must not change them.
    """
    last = _LAST_WARNINGS.get(fail_on_warnings)
    if last is not None and last[0]() is report:
        return last[1]
    owners = _owners(report) if report.warnings else {}
    out = [{"code": d.code, "fingerprint": warning_fingerprint(d, owners.get(d.span)), "level": "warning",
            "failing": fail_on_warnings, "message": d.message, "hint": d.hint, **_place(d.span)}
           for d in report.warnings]
    _LAST_WARNINGS[fail_on_warnings] = (weakref.ref(report), out)
    return out


_LAST_WARNINGS: dict[bool, tuple[weakref.ref[Report], list[Record]]] = {}


def _state(record: Record, gate: Gate | None) -> str | None:
    """``new`` or ``unchanged`` for a failing record under a gate; None otherwise."""
    if gate is None or not record["failing"]:
        return None
    return gate.state(record["fingerprint"])


def exit_status(report: Report, gate: Gate | None = None, *, allow_unsupported: bool = False,
                fail_on_warnings: bool = False) -> int:
    """The exit code of ``claims check``: 1 when a failing finding is reported, else 0.

    Under a gate (``--baseline``, ``--since``) only new failing findings count,
    and truncation by ``--max`` alone does not fail: the gate compares what
    was found. Lint warnings fail only under ``fail_on_warnings`` (and then,
    under a gate, only new ones). Input errors (exit 2) never reach a report.
    """
    # warnings that do not fail cannot change the code: their records are not even built
    warns = warning_records(report, fail_on_warnings=True) if fail_on_warnings else []
    return _exit_code(report, records(report, allow_unsupported=allow_unsupported), gate, warns)


def _exit_code(report: Report, recs: Sequence[Record], gate: Gate | None, warns: Sequence[Record] = ()) -> int:
    if gate is None:
        return 1 if report.truncated or any(r["failing"] for r in (*recs, *warns)) else 0
    return 1 if any(_state(r, gate) == "new" for r in (*recs, *warns)) else 0


def tool_record(*, timeout: float | None, max_per_component: int | None) -> Record:
    """What reproduces a run: versions, the solver seed and the limits."""
    import claims
    from claims._logic.solver import SEED, z3_version

    return {"name": "claims", "version": claims.__version__, "z3_version": z3_version(),
            "seed": SEED, "timeout": timeout, "max_per_component": max_per_component}


def _summary(recs: Sequence[Record], warns: Sequence[Record] = ()) -> Record:
    kinds = Counter(r["kind"] for r in recs)
    verdicts = Counter(r["verdict"] for r in recs if r["kind"] == "conclusion")
    return {"contradictions": kinds["contradiction"],
            "conclusions": {v: verdicts[v] for v in VERDICTS},
            "unknowns": kinds["unknown"], "rule_conflicts": kinds["rule-conflict"],
            "errors": kinds["error"], "failing": sum(1 for r in recs if r["failing"]),
            "warnings": len(warns)}


def gate_record(gate: Gate, recs: Sequence[Record], warns: Sequence[Record] = ()) -> Record:
    """The ``gate`` object of a JSON report: what was compared and what changed.

    ``new`` and ``unchanged`` count the failing findings, and the warnings when they fail
    (``--fail-on-warnings``); ``resolved`` lists findings only.
    """
    states = Counter(s for s in (_state(r, gate) for r in (*recs, *warns)) if s is not None)
    return {"mode": gate.mode, "reference": gate.reference, "commit": gate.commit, "new": states["new"],
            "unchanged": states["unchanged"], "resolved": [dict(r) for r in gate.resolved],
            "notes": list(gate.notes)}


def report_document(report: Report, *, gate: Gate | None = None, allow_unsupported: bool = False,
                    fail_on_warnings: bool = False, document: str = "report") -> Record:
    """The JSON report as a dict (the ``json`` format and, with ``document="baseline"``, baselines).

    A baseline keeps only the failing findings, and every lint warning: those
    are what a later ``claims check --baseline`` suppresses (warnings only
    matter there under ``--fail-on-warnings``).
    """
    recs = records(report, allow_unsupported=allow_unsupported)
    warns = warning_records(report, fail_on_warnings=fail_on_warnings)
    shown = recs if document == "report" else [r for r in recs if r["failing"]]

    def marked(rs: Iterable[Record]) -> list[Record]:
        out = []
        for r in rs:
            state = _state(r, gate)
            out.append(r if state is None else {**r, "baseline_state": state})
        return out

    ds = report.dataset
    return {
        "schema_version": SCHEMA_VERSION,
        "document": document,
        "tool": tool_record(timeout=report.timeout, max_per_component=report.max_per_component),
        "files": list(ds.files),
        "stats": {"claims": len(ds.claims), "rules": len(ds.rules),
                  "sources": len({c.source for c in ds.claims}), "components": report.stats.components},
        "complete": report.complete,
        "truncated": report.truncated,
        "exit_code": _exit_code(report, recs, gate, warns),
        "summary": _summary(recs, warns),
        "gate": None if gate is None else gate_record(gate, recs, warns),
        "findings": marked(shown),
        "warnings": marked(warns),
    }


def errors_document(diagnostics: Sequence[Diagnostic], *, files: Sequence[str], timeout: float | None,
                    max_per_component: int | None) -> Record:
    """The JSON report of a run that could not start: every diagnostic as an ``error`` finding."""
    recs = [error_record(d) for d in diagnostics]
    return {
        "schema_version": SCHEMA_VERSION,
        "document": "report",
        "tool": tool_record(timeout=timeout, max_per_component=max_per_component),
        "files": list(files),
        "stats": None,
        "complete": False,
        "truncated": False,
        "exit_code": 2,
        "summary": _summary(recs),
        "gate": None,
        "findings": recs,
        "warnings": [],
    }


def dumps(doc: Mapping[str, Any]) -> str:
    """Serialise a JSON document the one way: indented, UTF-8 text, key order as built."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- prose of a record


def _claim_text(c: Record, indent: str) -> list[str]:
    who = c["source"] + (f" ({c['role']})" if c["role"] else "") + (f", via {c['via']}" if c["via"] else "")
    where = f" · {c['file']}:{c['line']}:{c['column']}" if c["file"] else ""
    return [f"{indent}{c['id']} · {who} · {c['said']}{where}",
            f'{indent}  "{c["quote"]}"', f"{indent}  {c['formula']}"]


def _rule_text(r: Record, indent: str) -> str:
    where = f" ({r['file']}:{r['line']})" if r["file"] else ""
    return f"{indent}rule {r['id']}: {r['description']}{where}"


def details(record: Record) -> str:
    """A record as a few lines a person reads: the message, the claims, the rules, the evidence."""
    out = [record["message"]]
    if record["kind"] == "error":
        out.append(f"  at {record['file']}:{record['line']}:{record['column']}  [{record['code']}]")
        if record["hint"]:
            out.append(f"  hint: {record['hint']}")
    for c in record["claims"]:
        out.extend(_claim_text(c, "  "))
    if record["kind"] == "conclusion":
        if record["premises"]:
            out.append("  premises:")
            for p in record["premises"]:
                out.extend(_claim_text(p, "    "))
        if record["countermodel"]:
            out.append("  countermodel:")
            out.extend(f"    {s['symbol']} = {s['value']}" for s in record["countermodel"])
        if record["contradictions"]:
            out.append("  contradictions among the premises: " + ", ".join(
                fp[:12] for fp in record["contradictions"]))
    out.extend(_rule_text(r, "  ") for r in record["rules"])
    out.append(f"  fingerprint {record['fingerprint']}")
    return "\n".join(out)


def warning_details(record: Record) -> str:
    """A warning record as a person reads it: the one-line form, the hint and the fingerprint."""
    out = [f"{record['file']}:{record['line']}:{record['column']}: warning: {record['message']}  "
           f"[{record['code']}]"]
    if record["hint"]:
        out.append(f"  hint: {record['hint']}")
    out.append(f"  fingerprint {record['fingerprint']}")
    return "\n".join(out)


# --------------------------------------------------------------------------- json


@register("json")
def render_json(report: Report, *, color: bool = False, width: int = 80, gate: Gate | None = None,
                allow_unsupported: bool = False, fail_on_warnings: bool = False) -> str:
    """The JSON report (schema ``claims/schemas/report-v1.schema.json``)."""
    return dumps(report_document(report, gate=gate, allow_unsupported=allow_unsupported,
                                 fail_on_warnings=fail_on_warnings))


# --------------------------------------------------------------------------- sarif

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_FINGERPRINT = "claimsFingerprint/v1"
_SARIF_KINDS = ("contradiction", "conclusion", "unknown", "rule-conflict", "error")
_SARIF_DEFAULT_LEVEL = {"contradiction": "error", "conclusion": "warning", "unknown": "warning",
                        "rule-conflict": "error", "error": "error"}
_LINK_CHARS = re.compile(r"([\[\]\\])")


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


def _physical(file: str | None, line: int | None, column: int | None) -> Record | None:
    uri = _uri(file or "")
    if uri is None:
        return None
    region: Record = {"startLine": max(1, line or 1)}
    if column:
        region["startColumn"] = column
    return {"artifactLocation": {"uri": uri}, "region": region}


def _sarif_text(text: str) -> str:
    """Escape text for a SARIF message, where ``[...](n)`` would be read as a link."""
    return _LINK_CHARS.sub(r"\\\1", text)


def _sarif_result(record: Record, rule_ids: Sequence[str]) -> Record:
    primary: Record | None = None
    related: list[Record] = []
    links: list[str] = []
    if record["kind"] == "error":
        primary = _physical(record["file"], record["line"], record["column"])
    places = [("claim", c) for c in record["claims"]]
    places += [("premise", c) for c in record.get("premises", [])]
    places += [("rule", r) for r in record["rules"]]
    for what, item in places:
        loc = _physical(item["file"], item["line"], item["column"])
        if loc is None:
            continue
        if primary is None:
            primary = loc
            continue
        label = f"{what} {item['id']}"
        text = (f'{label} ({item["source"]}): "{item["quote"]}"' if what != "rule"
                else f"{label}: {item['description']}")
        related.append({"id": len(related) + 1, "physicalLocation": loc,
                        "message": {"text": _sarif_text(text)}})
        links.append(f"[{_sarif_text(item['id'])}]({len(related)})")
    message = _sarif_text(record["message"])
    if record.get("hint"):
        message += _sarif_text(f" (hint: {record['hint']})")
    if links:
        message += ". See " + ", ".join(links) + "."
    result: Record = {
        "ruleId": record["kind"],
        "ruleIndex": rule_ids.index(record["kind"]),
        "level": record["level"],
        "message": {"text": message},
    }
    if primary is not None:
        result["locations"] = [{"physicalLocation": primary}]
    if related:
        result["relatedLocations"] = related
    result["partialFingerprints"] = {SARIF_FINGERPRINT: record["fingerprint"]}
    if "baseline_state" in record:
        result["baselineState"] = record["baseline_state"]
    props: Record = {"fingerprint": record["fingerprint"]}
    if record["kind"] == "conclusion":
        props["verdict"] = record["verdict"]
    if record["kind"] == "error":
        props["code"] = record["code"]
    result["properties"] = props
    return result


def _sarif_warning(record: Record, rule_ids: Sequence[str]) -> Record:
    """A lint warning as a SARIF result: level ``warning``, its code as the rule, at its place."""
    message = _sarif_text(record["message"])
    if record["hint"]:
        message += _sarif_text(f" (hint: {record['hint']})")
    result: Record = {"ruleId": record["code"], "ruleIndex": rule_ids.index(record["code"]),
                      "level": "warning", "message": {"text": message}}
    primary = _physical(record["file"], record["line"], record["column"])
    if primary is not None:
        result["locations"] = [{"physicalLocation": primary}]
    result["partialFingerprints"] = {SARIF_FINGERPRINT: record["fingerprint"]}
    if "baseline_state" in record:
        result["baselineState"] = record["baseline_state"]
    result["properties"] = {"fingerprint": record["fingerprint"], "failing": record["failing"]}
    return result


def _sarif_rule_ids(warns: Sequence[Record] = ()) -> tuple[str, ...]:
    """The ids of ``tool.driver.rules``: the finding kinds, the linter's codes (in the order they
    are registered), then any other warning code (none today), so that every result's
    ``ruleIndex`` has its rule and the list does not depend on what was found."""
    lint_codes = tuple(CHECKS)
    extra = sorted({w["code"] for w in warns} - set(lint_codes))
    return (*_SARIF_KINDS, *lint_codes, *extra)


def _lint_descriptions(code: str) -> tuple[str, str]:
    """The short and full description of a lint code: its registered one, its check's docstring."""
    ec = ERROR_CODES.get(code)
    short = ec.description if ec is not None else code
    check = CHECKS.get(code)
    doc = (check.__doc__ or "").strip().split("\n")[0] if check is not None else ""
    full = f"{doc} A warning of the symbol linter: it fails the check only under --fail-on-warnings."
    return short, full.strip()


def _sarif_document(results: list[Record], tool: Record, *, successful: bool, exit_code: int,
                    properties: Record, rule_ids: Sequence[str]) -> Record:
    rules = []
    for rid in rule_ids:
        short, full = KIND_DESCRIPTIONS[rid] if rid in KIND_DESCRIPTIONS else _lint_descriptions(rid)
        rules.append({"id": rid, "name": "".join(w.title() for w in rid.split("-")),
                      "shortDescription": {"text": short}, "fullDescription": {"text": full},
                      "help": {"text": full},
                      "defaultConfiguration": {"level": _SARIF_DEFAULT_LEVEL.get(rid, "warning")}})
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "claims", "version": tool["version"], "semanticVersion": tool["version"],
                "rules": rules,
                "properties": {k: tool[k] for k in ("z3_version", "seed", "timeout", "max_per_component")},
            }},
            "invocations": [{"executionSuccessful": successful, "exitCode": exit_code}],
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": properties,
        }],
    }


@register("sarif")
def render_sarif(report: Report, *, color: bool = False, width: int = 80, gate: Gate | None = None,
                 allow_unsupported: bool = False, fail_on_warnings: bool = False) -> str:
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
    doc = report_document(report, gate=gate, allow_unsupported=allow_unsupported,
                          fail_on_warnings=fail_on_warnings)
    recs = [r for r in doc["findings"] if r["failing"]]
    warns: list[Record] = doc["warnings"]
    rule_ids = _sarif_rule_ids(warns)
    props: Record = {"complete": doc["complete"], "truncated": doc["truncated"], "summary": doc["summary"]}
    if doc["gate"] is not None:
        g = doc["gate"]
        props["gate"] = {"mode": g["mode"], "reference": g["reference"], "new": g["new"],
                         "unchanged": g["unchanged"],
                         "resolved": [{"kind": r["kind"], "fingerprint": r["fingerprint"],
                                       "message": r["message"]} for r in g["resolved"]]}
    results = [_sarif_result(r, rule_ids) for r in recs] + [_sarif_warning(w, rule_ids) for w in warns]
    sarif = _sarif_document(results, doc["tool"], successful=True, exit_code=doc["exit_code"],
                            properties=props, rule_ids=rule_ids)
    return dumps(sarif)


# --------------------------------------------------------------------------- junit

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry (a quote may hold control characters)."""
    return _XML_BAD.sub("", text)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    e = ET.SubElement(parent, tag, {k: _xml(v) for k, v in attrib.items()})
    if text is not None:
        e.text = _xml(text)
    return e


def _properties(parent: ET.Element, tool: Record, gate: Gate | None) -> None:
    props = _el(parent, "properties")
    for name, key in (("claims.version", "version"), ("z3.version", "z3_version"), ("seed", "seed"),
                      ("timeout", "timeout"), ("max_per_component", "max_per_component")):
        value = tool[key]
        _el(props, "property", name=name, value="" if value is None else str(value))
    if gate is not None:
        _el(props, "property", name="gate", value=f"{gate.mode} {gate.reference}")


def _counts(what: Iterable[str]) -> str:
    c = Counter(what)
    names = {"contradiction": ("contradiction", "contradictions"),
             "conclusion": ("failing conclusion", "failing conclusions"),
             "unknown": ("undecided part", "undecided parts"),
             "rule-conflict": ("rule conflict", "rule conflicts"),
             "error": ("error", "errors")}
    return ", ".join(f"{n} {names[k][n != 1]}" for k, n in c.items())


def _testcase(suite: ET.Element, classname: str, name: str, file: str | None, line: int | None,
              failing: Sequence[Record], known: Sequence[Record], skipped: str | None = None,
              tag: str = "failure") -> ET.Element:
    attrib = {"classname": classname, "name": name}
    if file:
        attrib["file"] = file
    if line:
        attrib["line"] = str(line)
    case = _el(suite, "testcase", **attrib)
    if skipped is not None:
        _el(case, "skipped", message=skipped)
    elif failing:
        kinds = [r["kind"] for r in failing]
        _el(case, tag, "\n\n".join(details(r) for r in failing),
            type=",".join(dict.fromkeys(kinds)), message=failing[0]["message"] if len(failing) == 1
            else _counts(kinds))
    if known:
        n = len(known)
        _el(case, "system-out",
            f"{n} known finding{'s' if n != 1 else ''} suppressed by the gate:\n\n"
            + "\n\n".join(details(r) for r in known))
    return case


def _warning_case(suite: ET.Element, w: Record) -> None:
    """A lint warning's testcase: passing, its text in ``system-out``; failing under
    ``--fail-on-warnings`` (unless a gate knows it: then passing, marked as suppressed)."""
    attrib = {"classname": "claims.warnings",
              "name": f"{w['file']}:{w['line']}:{w['column']}: {w['message']}  [{w['code']}]"}
    if w["file"]:
        attrib["file"] = w["file"]
    if w["line"]:
        attrib["line"] = str(w["line"])
    case = _el(suite, "testcase", **attrib)
    text = warning_details(w)
    if w["failing"] and w.get("baseline_state") != "unchanged":
        _el(case, "failure", text, type=w["code"], message=w["message"])
    elif w["failing"]:
        _el(case, "system-out", "known warning suppressed by the gate:\n\n" + text)
    else:
        _el(case, "system-out", text)


def _suite(root: ET.Element, name: str) -> ET.Element:
    return _el(root, "testsuite", name=name)


def _finish(root: ET.Element) -> str:
    """Fill in the counts, indent and serialise (UTF-8 declaration, one trailing newline)."""
    totals = Counter[str]()
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        counts = {"tests": len(cases),
                  "failures": sum(1 for c in cases if c.find("failure") is not None),
                  "errors": sum(1 for c in cases if c.find("error") is not None),
                  "skipped": sum(1 for c in cases if c.find("skipped") is not None)}
        # Attribute order is fixed: name first, then the counts.
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
    for k in ("tests", "failures", "errors", "skipped"):
        root.set(k, str(totals[k]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


@register("junit")
def render_junit(report: Report, *, color: bool = False, width: int = 80, gate: Gate | None = None,
                 allow_unsupported: bool = False, fail_on_warnings: bool = False) -> str:
    """JUnit XML: a testcase per claim file, per conclusion, per rule set and per lint warning.

    A claim file's testcase fails with the contradictions and undecided parts
    whose first claim it holds; a conclusion's testcase fails when its verdict
    fails the check; a rule set's testcase fails when its rules conflict.
    Passing checks are passing testcases; findings a gate suppresses are
    written to ``system-out`` and do not fail. Each lint warning is a testcase
    of the suite ``warnings`` that passes with its text in ``system-out``, and
    fails only under ``fail_on_warnings``.
    """
    doc = report_document(report, gate=gate, allow_unsupported=allow_unsupported,
                          fail_on_warnings=fail_on_warnings)
    recs: list[Record] = doc["findings"]

    def split(rs: Iterable[Record]) -> tuple[list[Record], list[Record]]:
        rs = [r for r in rs if r["failing"]]
        return ([r for r in rs if r.get("baseline_state") != "unchanged"],
                [r for r in rs if r.get("baseline_state") == "unchanged"])

    def home(r: Record, homes: Sequence[str]) -> str | None:
        """The testcase a finding fails: its first claim's (or rule's) file, else the first one."""
        first = (r["claims"] or r["rules"] or [{"file": None}])[0]["file"]
        return first if first in homes else (homes[0] if homes else None)

    stopped = "not checked: the rules contradict each other" if report.rule_conflicts else None
    root = ET.Element("testsuites", {"name": "claims check"})
    files = _suite(root, "claim files")
    _properties(files, doc["tool"], gate)
    for f in doc["files"]:
        failing, known = split(r for r in recs if r["kind"] in ("contradiction", "unknown")
                               and home(r, doc["files"]) == f)
        _testcase(files, "claims.files", f, f, None, failing, known, skipped=stopped)
    verdicts = {r["claims"][0]["id"]: r for r in recs if r["kind"] == "conclusion"}
    concluded = [c for c in report.dataset.claims if c.kind == "conclusion"]
    if concluded:
        suite = _suite(root, "conclusions")
        for c in concluded:
            place = _place(c.span)
            failing, known = split([verdicts[c.id]] if c.id in verdicts else [])
            _testcase(suite, "claims.conclusions", c.id, place["file"], place["line"], failing, known,
                      skipped=None if c.id in verdicts else stopped)
    rule_files = list(dict.fromkeys(r.span.path if r.span else r.rule_set for r in report.dataset.rules))
    if rule_files:
        suite = _suite(root, "rule sets")
        for f in rule_files:
            failing, known = split(r for r in recs if r["kind"] == "rule-conflict" and home(r, rule_files) == f)
            _testcase(suite, "claims.rules", f, f, None, failing, known)
    if doc["warnings"]:
        suite = _suite(root, "warnings")
        for w in doc["warnings"]:
            _warning_case(suite, w)
    return _finish(root)


# --------------------------------------------------------------------------- input errors


def render_errors(fmt: str, diagnostics: Sequence[Diagnostic], *, files: Sequence[str],
                  timeout: float | None, max_per_component: int | None = None) -> str | None:
    """A machine-format document for a run that stopped on input errors (exit 2).

    ``json`` lists every diagnostic as a finding of kind ``error``; ``sarif``
    gives each an ``error`` result at its place and marks the invocation as
    unsuccessful; ``junit`` gives each file with diagnostics a testcase with
    an ``<error>``. Other formats return None: their errors go to stderr only.
    """
    if fmt not in MACHINE_FORMATS:
        return None
    doc = errors_document(diagnostics, files=files, timeout=timeout, max_per_component=max_per_component)
    recs: list[Record] = doc["findings"]
    if fmt == "json":
        return dumps(doc)
    if fmt == "sarif":
        rule_ids = _sarif_rule_ids()
        return dumps(_sarif_document([_sarif_result(r, rule_ids) for r in recs], doc["tool"],
                                     successful=False, exit_code=2,
                                     properties={"summary": doc["summary"]}, rule_ids=rule_ids))
    root = ET.Element("testsuites", {"name": "claims check"})
    suite = _suite(root, "input")
    _properties(suite, doc["tool"], None)
    for f in dict.fromkeys(r["file"] for r in recs):
        mine = [r for r in recs if r["file"] == f]
        _testcase(suite, "claims.input", f, f, None, mine, (), tag="error")
    return _finish(root)


# --------------------------------------------------------------------------- dispatch


def _without_known(report: Report, gate: Gate, *, allow_unsupported: bool, fail_on_warnings: bool) -> Report:
    """The report without the failing findings (and warnings) the gate suppresses (for the person's view)."""
    def keep(fp: str) -> bool:
        return gate.state(fp) != "unchanged"

    warns = warning_records(report, fail_on_warnings=fail_on_warnings)
    shown = tuple(d for d, w in zip(report.warnings, warns, strict=True)
                  if not fail_on_warnings or keep(w["fingerprint"]))

    failing = {v.fingerprint for v in report.failing_conclusions(allow_unsupported=allow_unsupported)}
    return attrs.evolve(
        report,
        contradictions=tuple(c for c in report.contradictions if keep(c.fingerprint)),
        conclusions=tuple(v for v in report.conclusions if v.fingerprint not in failing or keep(v.fingerprint)),
        unknowns=tuple(u for u in report.unknowns if keep(u.fingerprint)),
        rule_conflicts=tuple(rc for rc in report.rule_conflicts if keep(rc.fingerprint)),
        warnings=shown,
    )


def gate_text(report: Report, gate: Gate, *, allow_unsupported: bool = False,
              fail_on_warnings: bool = False) -> str:
    """The gate's section of the text report: new, suppressed and resolved findings."""
    recs = records(report, allow_unsupported=allow_unsupported)
    g = gate_record(gate, recs, warning_records(report, fail_on_warnings=fail_on_warnings))
    out = ["", gate.title(), "  " + gate.summary(g["new"], g["unchanged"], len(g["resolved"]))]
    out.extend("  " + n for n in gate.notes)
    if g["resolved"]:
        out.append(f"  {gate.resolved_word.capitalize()}:")
        for r in g["resolved"]:
            # a resolved finding's message comes from the baseline file, which came with the input
            out.append(f"    {r['kind']} {r['fingerprint'][:12]}: {r['message']}")
    return "\n".join(printable(line) for line in out) + "\n"


def render(fmt: str, report: Report, *, gate: Gate | None = None, color: bool = False, width: int = 80,
           allow_unsupported: bool = False, fail_on_warnings: bool = False) -> str:
    """Render ``report`` in format ``fmt``, under an optional gate.

    Machine formats get every finding and every lint warning, each failing
    one marked ``new`` or ``unchanged`` by the gate; the person's formats show
    only what the gate lets through, and ``text`` ends with the gate's
    section. Under ``fail_on_warnings`` the warnings fail the check (exit 1)
    like findings, and ``text`` says so after its summary.
    """
    if fmt in MACHINE_FORMATS:
        return FORMATS[fmt](report, color=color, width=width, gate=gate, allow_unsupported=allow_unsupported,
                            fail_on_warnings=fail_on_warnings)
    shown = report if gate is None else _without_known(report, gate, allow_unsupported=allow_unsupported,
                                                       fail_on_warnings=fail_on_warnings)
    text = FORMATS[fmt](shown, color=color, width=width)
    if fmt != "text":
        return text
    if fail_on_warnings and shown.warnings:
        n = len(shown.warnings)
        text += (f"{n} warning{'s' if n != 1 else ''}{' (new)' if gate is not None else ''} "
                 f"fail{'s' if n == 1 else ''} this check (--fail-on-warnings)\n")
    if gate is not None:
        text += gate_text(report, gate, allow_unsupported=allow_unsupported, fail_on_warnings=fail_on_warnings)
    return text


def schema_path() -> Path:
    """Where the JSON report schema is installed."""
    from importlib import resources

    return Path(str(resources.files("claims"))) / SCHEMA_FILE

