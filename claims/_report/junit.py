"""Stage *report*, JUnit XML (``--format junit``): a view of the finding records, as test cases."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence

from claims._base.errors import Diagnostic
from claims._base.text import plural
from claims._report.findings import FORMATS, Conflict, Report, View, culprits
from claims._report.gating import Gate
from claims._report.json_report import tool
from claims._report.policy import marked
from claims._report.records import (
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

# --------------------------------------------------------------------------- prose of a record


def _claim_text(c: ClaimRecord, indent: str) -> list[str]:
    who = c.source + (f" ({c.role})" if c.role else "") + (f", via {c.via}" if c.via else "")
    where = f" · {c.file}:{c.line}:{c.column}" if c.file else ""
    return [f"{indent}{c.id} · {who} · {c.said}{where}", f'{indent}  "{c.quote}"', f"{indent}  {c.formula}"]


def _rule_text(r: RuleRecord, indent: str) -> str:
    where = f" ({r.file}:{r.line})" if r.file else ""
    return f"{indent}rule {r.id}: {r.description}{where}"


def details(record: FindingRecord) -> str:
    """A record as a few lines a person reads: the message, the claims, the rules, the evidence."""
    out = [record.message]
    if isinstance(record, ErrorRecord):
        out.append(f"  at {record.file}:{record.line}:{record.column}  [{record.code}]")
        if record.hint:
            out.append(f"  hint: {record.hint}")
    for c in record.claims:
        out.extend(_claim_text(c, "  "))
    if isinstance(record, ConclusionRecord):
        if record.premises:
            out.append("  premises:")
            for p in record.premises:
                out.extend(_claim_text(p, "    "))
        if record.countermodel:
            out.append("  countermodel:")
            out.extend(f"    {s.symbol} = {s.value}" for s in record.countermodel)
        if record.contradictions:
            out.append("  contradictions among the premises: " + ", ".join(fp[:12] for fp in record.contradictions))
        for r in record.readings:
            out.append(f"  {r.semantics}: {r.verdict}")
            if r.premises or r.rules:
                out.append("    by " + ", ".join([*r.premises, *(f"rule {x}" for x in r.rules)]))
            if r.set_aside:
                out.append("    setting aside " + ", ".join(r.set_aside))
            if r.reason:
                out.append(f"    not decided: {r.reason}")
    out.extend(_rule_text(r, "  ") for r in record.rules)
    out.append(f"  fingerprint {record.fingerprint}")
    return "\n".join(out)


def warning_details(record: WarningRecord) -> str:
    """A warning record as a person reads it: the one-line form, the hint and the fingerprint."""
    out = [f"{record.file}:{record.line}:{record.column}: warning: {record.message}  [{record.code}]"]
    if record.hint:
        out.append(f"  hint: {record.hint}")
    out.append(f"  fingerprint {record.fingerprint}")
    return "\n".join(out)


# --------------------------------------------------------------------------- xml

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry (a quote may hold control characters)."""
    return _XML_BAD.sub("", text)


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    e = ET.SubElement(parent, tag, {k: _xml(v) for k, v in attrib.items()})
    if text is not None:
        e.text = _xml(text)
    return e


def _properties(parent: ET.Element, tool: ToolRecord, gate: Gate | None) -> None:
    props = _el(parent, "properties")
    for name, value in (
        ("claims.version", tool.version),
        ("z3.version", tool.z3_version),
        ("seed", tool.seed),
        ("timeout", tool.timeout),
        ("max_per_component", tool.max_per_component),
    ):
        _el(props, "property", name=name, value="" if value is None else str(value))
    if gate is not None:
        _el(props, "property", name="gate", value=f"{gate.mode} {gate.reference}")


def _counts(what: Iterable[str]) -> str:
    c = Counter(what)
    names = {
        "contradiction": ("contradiction", "contradictions"),
        "conclusion": ("failing conclusion", "failing conclusions"),
        "unknown": ("undecided part", "undecided parts"),
        "rule-conflict": ("rule conflict", "rule conflicts"),
        "error": ("error", "errors"),
    }
    return ", ".join(f"{n} {names[k][n != 1]}" for k, n in c.items())


def _testcase(
    suite: ET.Element,
    classname: str,
    name: str,
    file: str | None,
    line: int | None,
    failing: Sequence[FindingRecord],
    known: Sequence[FindingRecord],
    skipped: str | None = None,
    tag: str = "failure",
) -> ET.Element:
    attrib = {"classname": classname, "name": name}
    if file:
        attrib["file"] = file
    if line:
        attrib["line"] = str(line)
    case = _el(suite, "testcase", **attrib)
    if skipped is not None:
        _el(case, "skipped", message=skipped)
    elif failing:
        kinds = [r.kind for r in failing]
        _el(
            case,
            tag,
            "\n\n".join(details(r) for r in failing),
            type=",".join(dict.fromkeys(kinds)),
            message=failing[0].message if len(failing) == 1 else _counts(kinds),
        )
    if known:
        n = len(known)
        _el(
            case,
            "system-out",
            f"{plural(n, 'known finding')} suppressed by the gate:\n\n" + "\n\n".join(details(r) for r in known),
        )
    return case


def _warning_case(suite: ET.Element, w: WarningRecord) -> None:
    """A lint warning's testcase: passing, its text in ``system-out``; failing under
    ``--fail-on-warnings`` (unless a gate knows it: then passing, marked as suppressed)."""
    attrib = {"classname": "claims.warnings", "name": f"{w.file}:{w.line}:{w.column}: {w.message}  [{w.code}]"}
    if w.file:
        attrib["file"] = w.file
    if w.line:
        attrib["line"] = str(w.line)
    case = _el(suite, "testcase", **attrib)
    text = warning_details(w)
    if w.failing and w.baseline_state != "unchanged":
        _el(case, "failure", text, type=w.code, message=w.message)
    elif w.failing:
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
        counts = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None),
        }
        # Attribute order is fixed: name first, then the counts.
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
    for k in ("tests", "failures", "errors", "skipped"):
        root.set(k, str(totals[k]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


@FORMATS.register("junit", machine=True)
def render_junit(report: Report, view: View) -> str:
    """JUnit XML: a testcase per claim file, per conclusion, per rule set and per lint warning.

    A claim file's testcase fails with the contradictions and undecided parts
    whose first claim it holds; a conclusion's testcase fails when its verdict
    fails the check; a rule set's testcase fails when its rules conflict.
    Passing checks are passing testcases; findings a gate suppresses are
    written to ``system-out`` and do not fail. Each lint warning is a testcase
    of the suite ``warnings`` that passes with its text in ``system-out``, and
    fails only under ``fail_on_warnings``.
    """
    gate = view.gate
    records = Records.for_view(report, view)
    recs = marked(records.findings, gate)

    def split(rs: Iterable[FindingRecord]) -> tuple[list[FindingRecord], list[FindingRecord]]:
        rs = [r for r in rs if r.failing]
        return ([r for r in rs if r.baseline_state != "unchanged"], [r for r in rs if r.baseline_state == "unchanged"])

    def home(r: FindingRecord, homes: Sequence[str]) -> str | None:
        """The testcase a finding fails: its first claim's (or rule's) file, else the first one."""
        first = (r.claims or r.rules or (None,))[0]
        file = first.file if first is not None else None
        return file if file in homes else (homes[0] if homes else None)

    stopped = "not checked: the rules contradict each other" if report.rule_conflicts else None
    root = ET.Element("testsuites", {"name": "claims check"})
    files = _suite(root, "claim files")
    _properties(files, tool(report), gate)
    claim_files = list(report.dataset.files)
    for f in claim_files:
        failing, known = split(r for r in recs if r.kind in ("contradiction", "unknown") and home(r, claim_files) == f)
        _testcase(files, "claims.files", f, f, None, failing, known, skipped=stopped)
    verdicts = {r.claims[0].id: r for r in recs if r.kind == "conclusion"}
    concluded = [c for c in report.dataset.claims if c.kind == "conclusion"]
    if concluded:
        suite = _suite(root, "conclusions")
        for c in concluded:
            failing, known = split([verdicts[c.id]] if c.id in verdicts else [])
            _testcase(
                suite,
                "claims.conclusions",
                c.id,
                c.span.path if c.span else None,
                c.span.line if c.span else None,
                failing,
                known,
                skipped=None if c.id in verdicts else stopped,
            )
    rule_files = list(dict.fromkeys(r.span.path if r.span else r.rule_set for r in report.dataset.rules))
    if rule_files:
        suite = _suite(root, "rule sets")
        for f in rule_files:
            failing, known = split(r for r in recs if r.kind == "rule-conflict" and home(r, rule_files) == f)
            _testcase(suite, "claims.rules", f, f, None, failing, known)
    if report.conflicts:
        suite = _suite(root, "repairs")
        for k, g in enumerate(report.conflicts, 1):
            case = _el(suite, "testcase", classname="claims.repairs", name=f"conflict {k}")
            _el(case, "system-out", _conflict_text(g))
        by_claim, by_source = culprits(report)
        case = _el(suite, "testcase", classname="claims.repairs", name="culprits")
        rows = (
            [f"{r.contradictions}  {r.name}" for r in by_claim]
            + [""]
            + [f"{r.contradictions}  {r.name}" for r in by_source]
        )
        _el(case, "system-out", "contradictions per claim, then per source:\n" + "\n".join(rows))
    if records.warnings:
        suite = _suite(root, "warnings")
        for w in marked(records.warnings, gate):
            _warning_case(suite, w)
    return _finish(root)


def _conflict_text(g: Conflict) -> str:
    """A conflict's repairs as a few lines (a passing testcase's ``system-out``: the contradictions fail elsewhere)."""
    out = ["contradictions: " + ", ".join(c.fingerprint[:12] for c in g.contradictions)]
    if not g.complete:
        out.append(f"repairs not known: {g.reason}")
        return "\n".join(out)
    smallest = g.smallest
    out.append(
        f"the smallest fix sets aside {plural(len(smallest[0]), 'claim')}: "
        + " or ".join(", ".join(c.id for c in r) for r in smallest)
    )
    if g.preferred is not None and not g.tied:
        out.append("the preferred fix sets aside " + ", ".join(c.id for c in g.preferred))
    if g.in_every_repair:
        out.append("set aside by every fix: " + ", ".join(c.id for c in g.in_every_repair))
    out.append(f"{plural(len(g.repairs), 'fix', 'fixes')} in all:")
    out.extend("  " + ", ".join(c.id for c in r) for r in g.repairs)
    return "\n".join(out)


def render_errors(diagnostics: Sequence[Diagnostic], *, timeout: float | None, max_per_component: int | None) -> str:
    """JUnit XML for a run that stopped on input errors: a testcase with an ``<error>`` per file."""
    recs: list[FindingRecord] = [error_record(d) for d in diagnostics]
    root = ET.Element("testsuites", {"name": "claims check"})
    suite = _suite(root, "input")
    _properties(suite, ToolRecord(timeout=timeout, max_per_component=max_per_component), None)
    for f in dict.fromkeys(d.span.path for d in diagnostics):
        mine = [r for r, d in zip(recs, diagnostics, strict=True) if d.span.path == f]
        _testcase(suite, "claims.input", f, f, None, mine, (), tag="error")
    return _finish(root)
