"""Findings: what the solve stage found, in the dataset's own terms (no z3 objects).

The report's formats (text, JSON, SARIF, JUnit, HTML) are renderers that register
themselves in :data:`FORMATS` when their module is imported (``claims`` imports them
all); a :class:`Report` shows itself through them and imports none.
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import attrs
import orjson

from claims._base.errors import Diagnostic
from claims._base.text import plural
from claims._front.model import ROW, Claim, Dataset, Rule, rows
from claims._report.gating import Gate
from claims._report.registry import Formats

VERDICTS = ("supported", "refuted", "unsupported", "vacuous", "unknown")


def _claim_key(c: Claim) -> list[str]:
    lo, hi = c.interval
    return [c.id, c.formula, lo.isoformat(), hi.isoformat()]


def fingerprint(kind: str, claims: Iterable[Claim], rules: Iterable[Rule], extra: str = "") -> str:
    """A finding's identity by meaning: claim ids, formulas and days, rule ids and formulas.

    Reordering claims, reformatting YAML or editing an unrelated claim
    changes none of these, so it changes no fingerprint.
    """
    payload = {
        "kind": kind,
        "claims": sorted(_claim_key(c) for c in claims),
        "rules": sorted([r.id, r.formula] for r in rules),
        "extra": extra,
    }
    return hashlib.sha256(_compact(payload)).hexdigest()[:32]


def _compact(payload: dict[str, Any]) -> bytes:
    """``json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` in UTF-8.

    A fingerprint is kept in baselines, so these bytes must never change.
    orjson writes them (a payload is strings and lists of strings, which it
    writes as ``json`` does: ``tests/cover/test_json_dumps.py``), 36 ms
    less for a report's 10,000 findings (2 ms against 38, measured); ``json``
    writes what orjson refuses (a lone surrogate). The result cache's pack is
    written the same way (``claims._logic.cache._pack_text``), but its
    fallback escapes a lone surrogate: a pack must be written, where a
    fingerprint is json's UTF-8 bytes or nothing, as it always was.
    """
    try:
        return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@attrs.frozen
class Contradiction:
    """A minimal set of claims that cannot all be true, with the rules it needs.

    Every proper subset of ``claims`` is consistent with the rules; dropping
    any rule of ``rules`` makes the claims consistent again.
    """

    claims: tuple[Claim, ...]
    rules: tuple[Rule, ...]
    fingerprint: str

    @property
    def sources(self) -> tuple[str, ...]:
        """The names of the claims' sources, in claim order, without repeats."""
        return tuple(dict.fromkeys(c.source.name for c in self.claims))


@attrs.frozen
class Scenario:
    """One value of a countermodel, as the dataset writes it (``x@2016-03-15 = 3``)."""

    symbol: str
    value: str

    def __str__(self) -> str:
        return f"{self.symbol} = {self.value}"


@attrs.frozen(kw_only=True)
class Reading:
    """A conclusion whose premises contradict each other, read under one inconsistency-tolerant semantics.

    ``semantics`` is ``AR`` (what every repair of the premises entails),
    ``IAR`` (what the premises in no contradiction entail), ``brave`` (what
    some repair entails) or ``preferred`` (what the preferred repair
    entails); ``verdict`` is ``supported``, ``refuted``, ``unsupported`` or
    ``unknown``; ``premises`` and ``rules`` decide it; ``set_aside`` are the
    premises the reading sets aside (see the README, "Repairs").
    """

    semantics: str
    verdict: str
    premises: tuple[Claim, ...] = ()
    rules: tuple[Rule, ...] = ()
    set_aside: tuple[Claim, ...] = ()
    reason: str | None = None


@attrs.frozen(kw_only=True)
class Conflict:
    """An independent conflict: contradictions linked by shared claims, and every way to fix it.

    ``repairs`` are its minimal correction sets (each a minimal set of claims
    whose removal leaves the conflict's other claims consistent), smallest
    first; ``preferred`` is the one of least total weight (see
    :attr:`Source.reliability`), ties broken by fewer claims, then claim
    order; ``tied``: another repair weighs as much and sets aside as many
    claims (so the choice is only by claim order). ``complete`` False:
    ``repairs`` is empty, for ``reason``.
    """

    contradictions: tuple[Contradiction, ...]
    repairs: tuple[tuple[Claim, ...], ...]
    preferred: tuple[Claim, ...] | None
    tied: bool = False
    complete: bool = True
    reason: str | None = None

    @property
    def smallest(self) -> tuple[tuple[Claim, ...], ...]:
        """The repairs that set aside the fewest claims."""
        return tuple(r for r in self.repairs if len(r) == len(self.repairs[0]))

    @property
    def claims(self) -> tuple[Claim, ...]:
        """Every claim of its contradictions, in the order they first appear."""
        return tuple(dict.fromkeys(c for x in self.contradictions for c in x.claims))

    @property
    def in_every_repair(self) -> tuple[Claim, ...]:
        """The claims set aside however the conflict is fixed (none when the repairs are not known)."""
        if not self.complete or not self.repairs:
            return ()
        common = set(self.repairs[0]).intersection(*self.repairs[1:])
        return tuple(c for c in self.claims if c in common)


@attrs.frozen(kw_only=True)
class Culprit:
    """A claim or a source ranked by the contradictions it is in (see :func:`culprits`).

    ``contradictions``: how many contradictions hold it (a source: one of its
    claims); ``in_every_repair``: how many of its claims every repair of
    their conflict sets aside (a claim: 1 or 0); ``in_preferred``: how many
    the preferred repair sets aside, where it is not tied.
    """

    name: str
    contradictions: int
    in_every_repair: int
    in_preferred: int
    claims: tuple[Claim, ...]


@attrs.frozen(kw_only=True)
class Verdict:
    """The verdict on a conclusion.

    ``verdict`` is ``supported`` (``premises`` and ``rules`` entail it),
    ``refuted`` (they entail its negation), ``unsupported`` (``countermodel``
    is a scenario where every premise holds and the conclusion fails),
    ``vacuous`` (the premises contradict each other: see ``contradictions``,
    and ``readings`` for what follows under the repairs)
    or ``unknown`` (the solver hit a limit: see ``reason``).
    """

    claim: Claim
    verdict: str
    premises: tuple[Claim, ...] = ()
    rules: tuple[Rule, ...] = ()
    countermodel: tuple[Scenario, ...] = ()
    contradictions: tuple[Contradiction, ...] = ()
    reason: str | None = None
    fingerprint: str = ""
    readings: tuple[Reading, ...] = ()


@attrs.frozen
class Unknown:
    """A part of the dataset the solver could not decide (never reported as consistent)."""

    claims: tuple[Claim, ...]
    reason: str
    found: int = 0
    fingerprint: str = ""


@attrs.frozen
class RuleConflict:
    """Rules that are inconsistent on their own, before any claim: blame the rules."""

    rules: tuple[Rule, ...]
    fingerprint: str = ""


@attrs.frozen(kw_only=True)
class Stats:
    """Sizes and effort of a run."""

    claims: int
    rules: int
    components: int
    solved_components: int  # the others came from the cache
    solver_checks: int
    seconds: float = attrs.field(eq=False, default=0.0)


@attrs.frozen(repr=False, kw_only=True)
class Report:
    """Everything ``check`` found, in stable order.

    ``ok`` is true when there is nothing to report: no contradiction, no
    refuted or unsupported conclusion, no unknown and no rule conflict.
    ``warnings`` are the symbol linter's (a symbol used once, two symbols
    that differ only by case, a plural or one letter); they never change
    ``ok`` or an exit code.
    """

    dataset: Dataset = attrs.field(repr=False)
    contradictions: tuple[Contradiction, ...]
    conclusions: tuple[Verdict, ...]
    unknowns: tuple[Unknown, ...]
    rule_conflicts: tuple[RuleConflict, ...]
    complete: bool
    truncated: bool
    stats: Stats
    timeout: float | None = None
    max_per_component: int | None = None
    # the symbol linter's (claims._front.lint) and near-contradictions (claims._logic.near); they fail a
    # run only with --fail-on-warnings
    warnings: tuple[Diagnostic, ...] = ()
    # the contradictions grouped into independent conflicts, with their repairs
    conflicts: tuple[Conflict, ...] = ()

    def failing_conclusions(self, *, allow_unsupported: bool = False) -> tuple[Verdict, ...]:
        """Conclusions that fail the check: refuted, unknown, and unsupported unless allowed."""
        bad = {"refuted", "unknown", "vacuous"} | (set() if allow_unsupported else {"unsupported"})
        return tuple(v for v in self.conclusions if v.verdict in bad)

    @property
    def ok(self) -> bool:
        """True when nothing was found and everything was decided."""
        return not (
            self.contradictions or self.unknowns or self.rule_conflicts or self.failing_conclusions() or self.truncated
        )

    def __str__(self) -> str:
        return FORMATS["text"](self, View(width=100))

    def __repr__(self) -> str:
        return f"<Report {len(self.dataset.claims)} claims: {summary_line(self)}>"

    def to_html(self) -> str:
        """The report as one self-contained HTML page (what ``--format html`` writes).

        .. versionadded:: 0.1.0
        """
        return FORMATS["html"](self, View())

    def _repr_html_(self) -> str:
        return FORMATS["notebook"](self, View())


def source_label(c: Claim) -> str:
    """A claim's source as the culprit ranking names it: ``Name, via Outlet``."""
    return c.source.name + (f", via {c.source.via}" if c.source.via else "")


def source_count(ds: Dataset) -> int:
    """How many sources the claims of ``ds`` cite (equal sources count once).

    The claims of a file share its source objects, so the sources are told
    apart by value among one of each object, not among one of each claim.
    """
    return len(set({id(s): s for s in map(operator.itemgetter(ROW["source"]), rows(ds))}.values()))


def culprits(report: Report) -> tuple[tuple[Culprit, ...], tuple[Culprit, ...]]:
    """The claims and the sources in contradictions, most implicated first.

    Ranked by how many contradictions they are in, then by how many of
    their claims every repair of their conflict sets aside, then by how
    many the preferred repair sets aside (where it is not tied), then by
    claim order (a source: by name).
    """
    all_rows = rows(report.dataset)
    order = dict(zip(map(operator.itemgetter(ROW["id"]), all_rows), range(len(all_rows)), strict=True))
    count: Counter[Claim] = Counter(x for c in report.contradictions for x in set(c.claims))
    every = {x for g in report.conflicts for x in g.in_every_repair}
    chosen = {x for g in report.conflicts if g.preferred is not None and not g.tied for x in g.preferred}
    claim_rows = [
        Culprit(
            name=x.id, contradictions=n, in_every_repair=int(x in every), in_preferred=int(x in chosen), claims=(x,)
        )
        for x, n in count.items()
    ]
    claim_rows.sort(key=lambda r: (-r.contradictions, -r.in_every_repair, -r.in_preferred, order[r.name]))
    by_source: dict[str, list[Claim]] = {}
    for r in claim_rows:
        by_source.setdefault(source_label(r.claims[0]), []).append(r.claims[0])
    # a source is in a contradiction when one of its claims is: every claim of a contradiction is a
    # member of its source's row, so counting each contradiction once per source it names is the same
    sources_in = Counter(label for c in report.contradictions for label in {source_label(x) for x in c.claims})
    source_rows = []
    for name, members in by_source.items():
        source_rows.append(
            Culprit(
                name=name,
                contradictions=sources_in[name],
                in_every_repair=sum(1 for x in members if x in every),
                in_preferred=sum(1 for x in members if x in chosen),
                claims=tuple(sorted(members, key=lambda x: order[x.id])),
            )
        )
    source_rows.sort(key=lambda r: (-r.contradictions, -r.in_every_repair, -r.in_preferred, r.name))
    return tuple(claim_rows), tuple(source_rows)


def summary_line(report: Report) -> str:
    """The report in one line: what was found, and whether the enumeration is complete."""
    parts = [plural(len(report.contradictions), "contradiction")]
    counts = Counter(v.verdict for v in report.conclusions)
    for verdict in VERDICTS:
        if counts[verdict]:
            parts.append(f"{plural(counts[verdict], 'conclusion')} {verdict}")
    if report.unknowns:
        parts.append(plural(len(report.unknowns), "undecided component"))
    if report.rule_conflicts:
        parts.append(plural(len(report.rule_conflicts), "rule conflict"))
    state = "complete" if report.complete else ("truncated (--max)" if report.truncated else "INCOMPLETE")
    return ", ".join(parts) + f"; enumeration {state}"


@attrs.frozen(kw_only=True)
class View:
    """How a report is rendered: for a terminal of ``width`` columns, in ``color``, under a ``gate``.

    ``allow_unsupported`` and ``fail_on_warnings`` are the run's exit policy
    (``--allow-unsupported``, ``--fail-on-warnings``): they decide which findings fail.
    """

    color: bool = False
    width: int = 80
    gate: Gate | None = None
    allow_unsupported: bool = False
    fail_on_warnings: bool = False
    # the report's records when the caller has them already (the CLI); a renderer takes them
    # only when they are this report's under this view's policy (see Records.for_view)
    records: object = attrs.field(default=None, eq=False, repr=False)


Renderer = Callable[[Report, View], str]

FORMATS: Formats[Renderer] = Formats("claims check")
"""The formats of ``claims check`` (``--format``) and the views of a :class:`Report`, by name."""

# every format of claims check but json (which the report's module writes in every run), with the
# module that registers it: imported when it is first used
FORMATS.declare("text", "claims._report.text")
FORMATS.declare("notebook", "claims._report.text", listed=False)
FORMATS.declare("html", "claims._report.html")
FORMATS.declare("sarif", "claims._report.sarif", machine=True)
FORMATS.declare("junit", "claims._report.junit", machine=True)
FORMATS.declare("claimreview", "claims._report.claimreview", machine=True)
