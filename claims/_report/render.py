"""Stage *report*, what ``claims check`` writes: a report in the format asked for, under an optional gate.

Every format is a renderer registered in :data:`claims._report.findings.FORMATS`;
this module picks it and applies the gate: the machine formats mark every
failing finding ``new`` or ``unchanged``, the person's formats show only what the
gate lets through, and the gate's own section follows the text.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from claims._base.errors import Diagnostic, printable
from claims._base.text import plural

# importing a renderer registers its format in FORMATS: json here; the others are declared in
# claims._report.findings, and their modules imported when first used
from claims._report.findings import FORMATS, Report, View
from claims._report.gating import Gate
from claims._report.json_report import dumps, errors_document, gate_record
from claims._report.records import Records


def _without_known(
    report: Report, gate: Gate, records: Records, *, allow_unsupported: bool, fail_on_warnings: bool
) -> Report:
    """The report without the failing findings (and warnings) the gate suppresses (for the person's view)."""

    def keep(fp: str) -> bool:
        return gate.state(fp) != "unchanged"

    shown = tuple(
        d for d, w in zip(report.warnings, records.warnings, strict=True) if not fail_on_warnings or keep(w.fingerprint)
    )
    failing = {v.fingerprint for v in report.failing_conclusions(allow_unsupported=allow_unsupported)}
    return attrs.evolve(
        report,
        contradictions=tuple(c for c in report.contradictions if keep(c.fingerprint)),
        conclusions=tuple(v for v in report.conclusions if v.fingerprint not in failing or keep(v.fingerprint)),
        unknowns=tuple(u for u in report.unknowns if keep(u.fingerprint)),
        rule_conflicts=tuple(rc for rc in report.rule_conflicts if keep(rc.fingerprint)),
        warnings=shown,
        # a conflict stays while the gate shows one of its contradictions
        conflicts=tuple(g for g in report.conflicts if any(keep(c.fingerprint) for c in g.contradictions)),
    )


def gate_text(records: Records, gate: Gate) -> str:
    """The gate's section of the text report: new, suppressed and resolved findings."""
    g = gate_record(gate, records.findings, records.warnings)
    out = ["", gate.title(), "  " + gate.summary(g["new"], g["unchanged"], len(g["resolved"]))]
    out.extend("  " + n for n in gate.notes)
    if g["resolved"]:
        out.append(f"  {gate.resolved_word.capitalize()}:")
        for r in g["resolved"]:
            # a resolved finding's message comes from the baseline file, which came with the input
            out.append(f"    {r['kind']} {r['fingerprint'][:12]}: {r['message']}")
    return "\n".join(printable(line) for line in out) + "\n"


def render(fmt: str, report: Report, view: View | None = None) -> str:
    """Render ``report`` in format ``fmt`` (for ``view``, by default 80 columns without colour), under
    ``view.gate`` when there is one.

    Machine formats get every finding and every lint warning, each failing
    one marked ``new`` or ``unchanged`` by the gate; the person's formats show
    only what the gate lets through, and ``text`` ends with the gate's
    section. Under ``view.fail_on_warnings`` the warnings fail the check (exit 1)
    like findings, and ``text`` says so after its summary.
    """
    view = view or View()
    if FORMATS.is_machine(fmt):
        return FORMATS[fmt](report, view)
    gate = view.gate
    records = None if gate is None else Records.for_view(report, view)
    shown = (
        report
        if gate is None or records is None
        else _without_known(
            report, gate, records, allow_unsupported=view.allow_unsupported, fail_on_warnings=view.fail_on_warnings
        )
    )
    text = FORMATS[fmt](shown, view)
    if fmt != "text":
        return text
    if view.fail_on_warnings and shown.warnings:
        n = len(shown.warnings)
        text += (
            f"{plural(n, 'warning')}{' (new)' if gate is not None else ''} "
            f"fail{'s' if n == 1 else ''} this check (--fail-on-warnings)\n"
        )
    if gate is not None and records is not None:
        text += gate_text(records, gate)
    return text


def render_errors(
    fmt: str,
    diagnostics: Sequence[Diagnostic],
    *,
    files: Sequence[str],
    timeout: float | None,
    max_per_component: int | None = None,
) -> str | None:
    """A machine-format document for a run that stopped on input errors (exit 2).

    ``json`` lists every diagnostic as a finding of kind ``error``; ``sarif``
    gives each an ``error`` result at its place and marks the invocation as
    unsuccessful; ``junit`` gives each file with diagnostics a testcase with
    an ``<error>``. Other formats return None: their errors go to stderr only.
    """
    if fmt == "json":
        return dumps(errors_document(diagnostics, files=files, timeout=timeout, max_per_component=max_per_component))
    if fmt == "sarif":
        from claims._report import sarif

        return sarif.render_errors(diagnostics, timeout=timeout, max_per_component=max_per_component)
    if fmt == "junit":
        from claims._report import junit

        return junit.render_errors(diagnostics, timeout=timeout, max_per_component=max_per_component)
    return None
