"""The exit policy of ``claims check``: which records fail the run, and how a gate marks them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

import attrs

from claims._report.findings import Report
from claims._report.gating import Gate
from claims._report.records import FindingRecord, Records, WarningRecord

R = TypeVar("R", FindingRecord, WarningRecord)


def state(record: FindingRecord | WarningRecord, gate: Gate | None) -> str | None:
    """``new`` or ``unchanged`` for a failing record under a gate; None otherwise."""
    if gate is None or not record.failing:
        return None
    return gate.state(record.fingerprint)


def marked(records: Iterable[R], gate: Gate | None) -> tuple[R, ...]:
    """The records, each failing one marked with its ``baseline_state`` under ``gate``."""
    if gate is None:
        return tuple(records)
    return tuple(r if (s := state(r, gate)) is None else attrs.evolve(r, baseline_state=s) for r in records)


def exit_code(
    report: Report, findings: Sequence[FindingRecord], gate: Gate | None, warnings: Sequence[WarningRecord] = ()
) -> int:
    """The exit code of ``claims check``: 1 when a failing finding is reported, else 0.

    Under a gate (``--baseline``, ``--since``) only new failing findings count,
    and truncation by ``--max`` alone does not fail: the gate compares what
    was found. Lint warnings fail only when their records say so
    (``--fail-on-warnings``; then, under a gate, only new ones). Input errors
    (exit 2) never reach a report.
    """
    every: list[FindingRecord | WarningRecord] = [*findings, *warnings]
    if gate is None:
        return 1 if report.truncated or any(r.failing for r in every) else 0
    return 1 if any(state(r, gate) == "new" for r in every) else 0


def exit_status(report: Report, records: Records, gate: Gate | None = None) -> int:
    """:func:`exit_code` of a run's records."""
    return exit_code(report, records.findings, gate, records.warnings)
