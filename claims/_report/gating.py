"""A gate: which failing findings of a run are new, against a reference (a baseline file or a git revision).

Both references are compared by fingerprint (``claims._report.findings.fingerprint``),
which names a finding by what its claims and rules mean, not by where they stand.
Reading a reference is ``claims._run.gate``'s job; this module holds the outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

JSON = Mapping[str, Any]
"""A finding as a reference holds it: a JSON object of the report schema (a baseline's, or a run's turned into JSON)."""


@attrs.frozen(kw_only=True)
class Gate:
    """The outcome of comparing a run with a reference (a baseline file or a git revision).

    A failing finding whose fingerprint is in ``known`` is ``unchanged``
    (suppressed); any other is ``new``. ``known`` also holds the reference's
    lint warnings, which fail only under ``--fail-on-warnings``. ``resolved``
    holds the reference's failing findings that are gone, as JSON objects.
    """

    mode: str  # "baseline" | "since"
    reference: str
    known: frozenset[str]
    resolved: tuple[JSON, ...] = ()
    notes: tuple[str, ...] = ()
    commit: str | None = None

    def state(self, fp: str) -> str:
        """``unchanged`` when the reference has this fingerprint, else ``new``."""
        return "unchanged" if fp in self.known else "new"

    @property
    def resolved_word(self) -> str:
        """What a finding gone since the reference is called: *fixed* (baseline) or *resolved*."""
        return "fixed" if self.mode == "baseline" else "resolved"

    def title(self) -> str:
        """The heading of the gate's section of the text report."""
        if self.mode == "baseline":
            return f"Gate: compared with baseline {self.reference}"
        at = f" ({self.commit[:12]})" if self.commit else ""
        return f"Gate: compared with git revision {self.reference}{at}"

    def summary(self, new: int, unchanged: int, resolved: int) -> str:
        """One line: how many findings are new, suppressed and gone."""

        def n(k: int, one: str, many: str) -> str:
            return f"{k} {one if k == 1 else many}"

        if self.mode == "baseline":
            return (
                f"{n(new, 'new finding', 'new findings')}; "
                f"{n(unchanged, 'known finding', 'known findings')} suppressed; "
                f"{n(resolved, 'baseline entry', 'baseline entries')} fixed"
            )
        return (
            f"{n(new, 'finding', 'findings')} introduced since {self.reference}; "
            f"{n(unchanged, 'finding', 'findings')} already there suppressed; {resolved} resolved"
        )


def compare(
    mode: str,
    reference: str,
    failing: Iterable[str],
    before: Sequence[JSON],
    *,
    notes: Sequence[str] = (),
    commit: str | None = None,
    warnings_before: Iterable[str] = (),
) -> Gate:
    """The gate between a run (the fingerprints of its ``failing`` findings) and its reference.

    ``before`` are the reference's findings (those without a ``failing`` field count as failing);
    ``warnings_before`` are the fingerprints of its lint warnings (a baseline written before
    warnings were recorded has none).
    """
    known = {r["fingerprint"]: r for r in before if r.get("failing", True)}
    now = set(failing)
    resolved = tuple(r for fp, r in known.items() if fp not in now)
    return Gate(
        mode=mode,
        reference=reference,
        known=frozenset(known).union(warnings_before),
        resolved=resolved,
        notes=tuple(notes),
        commit=commit,
    )
