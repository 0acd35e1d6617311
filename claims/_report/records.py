"""Finding records: every finding of a report as the JSON report schema describes it, typed.

A record is what every machine format is built from (JSON, SARIF and JUnit are
views of the same records, so they never disagree) and what a gate compares
(by ``fingerprint``). Records are frozen; :meth:`to_json` turns one into the
JSON object of ``claims/schemas/report-v2.schema.json``, keys in the schema's order.

Lines and columns are 1-based (the stored :class:`~claims.Span` column is
0-based; diagnostics print it 1-based, as compilers do, and so does SARIF).
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from claims._base.errors import Diagnostic, Span
from claims._base.fields import values_of
from claims._base.text import plural
from claims._base.version import __version__
from claims._front.model import ROW, Claim, Rule, rows, span_fields
from claims._logic.solver import SEED, z3_version
from claims._report.findings import (
    Conflict,
    Contradiction,
    Culprit,
    Reading,
    Report,
    RuleConflict,
    Scenario,
    Unknown,
    Verdict,
    View,
    fingerprint,
)

JSON = dict[str, Any]

# The level of a finding: "error" and "warning" fail the check (exit 1), "note" does not.
_VERDICT_LEVEL = {
    "refuted": "error",
    "vacuous": "error",
    "unsupported": "warning",
    "unknown": "warning",
    "supported": "note",
}


def _json(record: Any) -> JSON:
    """A record's fields as JSON in field order (records as objects, tuples as lists), ``baseline_state`` last if set.

    Values of another type are taken as they are (a subclass of a string, a
    float, any object): ``json.dumps`` writes them as it can. See :func:`_made`.
    """
    return _made(record, {}, False)


@functools.cache
def _fields(cls: Any) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]], bool]:
    """The fields of a record class that :func:`_json` writes, in order, what reads their values, and whether
    it has a ``baseline_state`` (written last, when set)."""
    every = tuple(a.name for a in attrs.fields(cls))
    names = tuple(n for n in every if n != "baseline_state")
    return names, values_of(names), len(names) < len(every)


def _marked(out: JSON, state: str | None) -> JSON:
    if state is not None:
        out["baseline_state"] = state
    return out


class Checked(list):  # type: ignore[type-arg]  # of JSON objects
    """The JSON objects of records (:func:`checked_json`), each made only of values json.dumps and orjson write alike.

    Those are dicts with string keys, lists, and strings, integers, booleans,
    None and floats of :func:`plain_float`, each of exactly that type (not a
    subclass): what ``claims._report.json_report`` writes with orjson. The
    writer takes a ``Checked`` list as it is, without walking it again. A
    record inside records that several of them hold (a claim two findings
    name) is one object in it, written at each place: it is not to be changed.
    """


def plain_float(x: float) -> bool:
    """Whether orjson writes the float ``x`` as Python's ``json`` does: 0, or from 1e-4 up to 1e16.

    Beyond those, Python writes ``1e+16`` and orjson ``1e16``; orjson
    writes ``NaN`` as ``null`` (NaN compares false: not plain).
    """
    return x == 0.0 or 1e-4 <= abs(x) < 1e16


def checked_json(records: Iterable[Any]) -> list[JSON]:
    """Each record's JSON (its ``to_json()``): a :class:`Checked` list when every value in them is plain.

    Made in one pass that checks each value as it takes it (:func:`_made`,
    strict): one of another type (a subclass of a string, a float beyond
    :func:`plain_float`, a value that is no record, tuple or JSON leaf) stops
    it, and the list is then made as ``to_json`` makes it, unchecked, for the
    writer to look at. Either way the objects are equal to what ``to_json`` makes.
    """
    items = list(records)
    shared: dict[int, JSON] = {}
    try:
        return Checked([_made(r, shared, True) for r in items])
    except _NotPlain:
        return [r.to_json() for r in items]


class _NotPlain(Exception):
    """A value that a strict :func:`_made` does not take (see :class:`Checked`)."""


_EXACT = frozenset((str, int, bool, type(None)))  # the JSON leaves orjson writes as json does, whatever their value


def _made(record: Any, shared: dict[int, JSON], strict: bool) -> JSON:
    """The JSON object of ``record``: its fields in order, records inside it as objects, tuples as lists.

    A value of one of the exact JSON types is taken as it is: most values
    are (a report of 100,000 claims has 600,000 of them). ``strict``: any
    other value that is not a float of :func:`plain_float`, a tuple or a
    record raises :class:`_NotPlain` (:func:`checked_json`); else it is taken
    as it is. ``shared``: the objects made of the records inside records so
    far, by the record's ``id``: a claim that several findings name is one
    record (``finding_records``), made into one object.
    """
    names, values, marked = _fields(record.__class__)
    exact = _EXACT
    out = {n: v if type(v) in exact else _value(v, shared, strict) for n, v in zip(names, values(record), strict=True)}
    if not marked:
        return out
    if strict and type(record.baseline_state) not in exact:
        raise _NotPlain
    return _marked(out, record.baseline_state)


def _value(value: Any, shared: dict[int, JSON], strict: bool) -> Any:
    kind = type(value)
    if kind in _EXACT or (kind is float and plain_float(value)):
        return value
    if kind is tuple or (not strict and isinstance(value, tuple)):
        return [_value(v, shared, strict) for v in value]
    if attrs.has(kind):
        made = shared.get(id(value))
        if made is None:
            made = shared[id(value)] = _made(value, shared, strict)
        return made
    if strict:
        raise _NotPlain
    return value


# --------------------------------------------------------------------------- claims and rules


@attrs.frozen(kw_only=True)
class ClaimRecord:
    """A claim as the schema's ``claim``: who said what, where, in the dataset's words."""

    id: str
    kind: str
    source: str
    source_id: str
    role: str | None
    via: str | None
    quote: str
    said: str
    holds: tuple[str, str] | None
    formula: str
    file: str | None
    line: int | None
    column: int | None
    reference: bool = False  # said by a reference source (``Source.reference``)

    @classmethod
    def of(cls, c: Claim) -> ClaimRecord:
        holds = None if c.holds is None else (c.holds[0].isoformat(), c.holds[1].isoformat())
        return cls(
            id=c.id,
            kind=c.kind,
            source=c.source.name,
            source_id=c.source.id,
            role=c.source.role,
            via=c.source.via,
            quote=c.quote,
            said=c.said.isoformat(),
            holds=holds,
            formula=c.formula,
            **_place(c.span),
            reference=c.source.reference,
        )


@attrs.frozen(kw_only=True)
class RuleRecord:
    """A rule as the schema's ``rule``."""

    id: str
    description: str
    rule_set: str
    formula: str
    file: str | None
    line: int | None
    column: int | None

    @classmethod
    def of(cls, r: Rule) -> RuleRecord:
        return cls(id=r.id, description=r.description, rule_set=r.rule_set, formula=r.formula, **_place(r.span))


def _place(span: Span | None) -> dict[str, Any]:
    """``file``, ``line`` and 1-based ``column`` of a span (all None when there is none)."""
    if span is None:
        return {"file": None, "line": None, "column": None}
    return {"file": span.path, "line": span.line, "column": span.column + 1}


# --------------------------------------------------------------------------- findings


@attrs.frozen(kw_only=True)
class FindingRecord:
    """A finding of kind ``contradiction`` or ``rule-conflict`` (the fields every finding has).

    ``failing`` findings fail the check (exit 1) unless a gate knows them;
    ``baseline_state`` is the gate's word on a failing one (``new`` or ``unchanged``).
    """

    kind: str
    fingerprint: str
    level: str
    failing: bool
    message: str
    claims: tuple[ClaimRecord, ...]
    rules: tuple[RuleRecord, ...]
    baseline_state: str | None = None

    def to_json(self) -> JSON:
        """The JSON object of the schema's ``finding``."""
        return _json(self)


@attrs.frozen(kw_only=True)
class ConclusionRecord(FindingRecord):
    """A conclusion's verdict (``kind`` is ``conclusion``): a ``supported`` one is a ``note`` that does not fail."""

    verdict: str
    premises: tuple[ClaimRecord, ...]
    countermodel: tuple[Scenario, ...]
    contradictions: tuple[str, ...]  # the fingerprints of the contradictions among the premises
    reason: str | None
    readings: tuple[ReadingRecord, ...] = ()  # vacuous: the tolerant readings


@attrs.frozen(kw_only=True)
class ReadingRecord:
    """A vacuous conclusion under one tolerant semantics, as the schema's ``reading`` (claims and rules by id)."""

    semantics: str
    verdict: str
    premises: tuple[str, ...]
    rules: tuple[str, ...]
    set_aside: tuple[str, ...]
    reason: str | None

    def to_json(self) -> JSON:
        """The JSON object of the schema's ``reading``."""
        return _json(self)

    @classmethod
    def of(cls, r: Reading) -> ReadingRecord:
        return cls(
            semantics=r.semantics,
            verdict=r.verdict,
            premises=tuple(c.id for c in r.premises),
            rules=tuple(x.id for x in r.rules),
            set_aside=tuple(c.id for c in r.set_aside),
            reason=r.reason,
        )


@attrs.frozen(kw_only=True)
class ConflictRecord:
    """An independent conflict and its repairs, as the schema's ``conflict`` (claims by id)."""

    contradictions: tuple[str, ...]  # fingerprints
    claims: tuple[str, ...]
    complete: bool
    reason: str | None
    repairs: tuple[tuple[str, ...], ...]
    smallest: tuple[tuple[str, ...], ...]
    preferred: tuple[str, ...] | None
    tied: bool
    in_every_repair: tuple[str, ...]

    @classmethod
    def of(cls, g: Conflict) -> ConflictRecord:
        def ids(cs: tuple[Claim, ...]) -> tuple[str, ...]:
            return tuple(c.id for c in cs)

        return cls(
            contradictions=tuple(c.fingerprint for c in g.contradictions),
            claims=ids(g.claims),
            complete=g.complete,
            reason=g.reason,
            repairs=tuple(ids(r) for r in g.repairs),
            smallest=tuple(ids(r) for r in g.smallest) if g.repairs else (),
            preferred=None if g.preferred is None else ids(g.preferred),
            tied=g.tied,
            in_every_repair=ids(g.in_every_repair),
        )

    def to_json(self) -> JSON:
        """The JSON object of the schema's ``conflict``."""
        return _json(self)


@attrs.frozen(kw_only=True)
class CulpritRecord:
    """A row of the culprit ranking, as the schema's ``culprit`` (claims by id)."""

    name: str
    contradictions: int
    in_every_repair: int
    in_preferred: int
    claims: tuple[str, ...]

    @classmethod
    def of(cls, c: Culprit) -> CulpritRecord:
        return cls(
            name=c.name,
            contradictions=c.contradictions,
            in_every_repair=c.in_every_repair,
            in_preferred=c.in_preferred,
            claims=tuple(x.id for x in c.claims),
        )

    def to_json(self) -> JSON:
        """The JSON object of the schema's ``culprit``."""
        return _json(self)


@attrs.frozen(kw_only=True)
class UnknownRecord(FindingRecord):
    """A part the solver could not decide (``kind`` is ``unknown``)."""

    reason: str
    found: int


@attrs.frozen(kw_only=True)
class ErrorRecord(FindingRecord):
    """An input diagnostic (``kind`` is ``error``): the run checked nothing."""

    code: str
    hint: str | None
    file: str | None
    line: int | None
    column: int | None


@attrs.frozen(kw_only=True)
class WarningRecord:
    """A lint warning: ``failing`` only under ``--fail-on-warnings``."""

    code: str
    fingerprint: str
    level: str
    failing: bool
    message: str
    hint: str | None
    file: str | None
    line: int | None
    column: int | None
    baseline_state: str | None = None

    def to_json(self) -> JSON:
        """The JSON object of the schema's ``warning``."""
        return _json(self)


@attrs.frozen(kw_only=True)
class Records:
    """The records of one report: its findings and its lint warnings, in the report's order.

    Built once per run (:meth:`of`) and passed to what renders, gates and
    computes the exit code.
    """

    findings: tuple[FindingRecord, ...]
    warnings: tuple[WarningRecord, ...]
    report: Report | None = attrs.field(default=None, eq=False, repr=False)  # what :meth:`of` made them of
    policy: tuple[bool, bool] | None = attrs.field(default=None, eq=False, repr=False)  # and under what policy

    @classmethod
    def for_view(cls, report: Report, view: View) -> Records:
        """The records of ``report`` under ``view``'s policy: ``view.records`` when those are exactly that.

        Records are a function of the report and the two flags of the policy
        alone, and a report is frozen: records that :meth:`of` made of this
        very object (``is``) under the same flags are the ones it would make now.
        """
        kept = view.records
        if (
            isinstance(kept, Records)
            and kept.report is report
            and kept.policy == (view.allow_unsupported, view.fail_on_warnings)
        ):
            return kept
        return cls.of(report, allow_unsupported=view.allow_unsupported, fail_on_warnings=view.fail_on_warnings)

    @classmethod
    def of(cls, report: Report, *, allow_unsupported: bool = False, fail_on_warnings: bool = False) -> Records:
        """Every finding and lint warning of ``report``; which fail follows the run's policy.

        Rule conflicts come first (they stop everything), then contradictions,
        conclusions (all of them: a ``supported`` one is a ``note`` that does
        not fail) and undecided parts. A warning is ``failing`` only under
        ``fail_on_warnings``.
        """
        return cls(
            findings=finding_records(report, allow_unsupported=allow_unsupported),
            warnings=warning_records(report, fail_on_warnings=fail_on_warnings),
            report=report,
            policy=(allow_unsupported, fail_on_warnings),
        )


# --------------------------------------------------------------------------- messages


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
        return (
            f"{head}: every premise holds and the conclusion fails when {scen}"
            if scen
            else f"{head}: the conclusion shares no symbol with any premise"
        )
    if v.verdict == "vacuous" and v.readings:
        said = "; ".join(f"{r.semantics} {r.verdict}" for r in v.readings)
        return f"{head}: its premises contradict each other, so anything would follow; under their repairs: {said}"
    if v.verdict == "vacuous":
        return f"{head}: its premises contradict each other, so anything would follow"
    return f"{head}: the solver could not decide ({v.reason})"


def _unknown_message(u: Unknown) -> str:
    shown = ", ".join(c.id for c in u.claims[:6]) + (", ..." if len(u.claims) > 6 else "")
    n = len(u.claims)
    return (
        f"{plural(n, 'claim')} ({shown}) could not be decided: {u.reason}; "
        f"{plural(u.found, 'contradiction')} found before the solver stopped"
    )


def _rule_conflict_message(rc: RuleConflict) -> str:
    return (
        f"Rule{'s' if len(rc.rules) > 1 else ''} {_ids(rc.rules)} contradict"
        f"{'' if len(rc.rules) > 1 else 's'} each other before any claim: no claim was checked"
    )


# --------------------------------------------------------------------------- building


def finding_records(report: Report, *, allow_unsupported: bool = False) -> tuple[FindingRecord, ...]:
    """Every finding of ``report`` as a record, in the report's stable order (see :meth:`Records.of`)."""
    failing = {v.fingerprint for v in report.failing_conclusions(allow_unsupported=allow_unsupported)}
    rules = RuleRecord.of
    made: dict[int, ClaimRecord] = {}  # by claim object: a claim named by several findings is one record

    def claims(c: Claim) -> ClaimRecord:
        record = made.get(id(c))
        if record is None:
            record = made[id(c)] = ClaimRecord.of(c)
        return record

    out: list[FindingRecord] = []
    for rc in report.rule_conflicts:
        out.append(
            FindingRecord(
                kind="rule-conflict",
                fingerprint=rc.fingerprint,
                level="error",
                failing=True,
                message=_rule_conflict_message(rc),
                claims=(),
                rules=tuple(rules(r) for r in rc.rules),
            )
        )
    for c in report.contradictions:
        out.append(
            FindingRecord(
                kind="contradiction",
                fingerprint=c.fingerprint,
                level="error",
                failing=True,
                message=_contradiction_message(c),
                claims=tuple(claims(x) for x in c.claims),
                rules=tuple(rules(r) for r in c.rules),
            )
        )
    for v in report.conclusions:
        is_failing = v.fingerprint in failing
        out.append(
            ConclusionRecord(
                kind="conclusion",
                fingerprint=v.fingerprint,
                level=_VERDICT_LEVEL[v.verdict] if is_failing else "note",
                failing=is_failing,
                message=_verdict_message(v),
                claims=(claims(v.claim),),
                rules=tuple(rules(r) for r in v.rules),
                verdict=v.verdict,
                premises=tuple(claims(p) for p in v.premises),
                countermodel=v.countermodel,
                contradictions=tuple(c.fingerprint for c in v.contradictions),
                reason=v.reason,
                readings=tuple(ReadingRecord.of(r) for r in v.readings),
            )
        )
    for u in report.unknowns:
        out.append(
            UnknownRecord(
                kind="unknown",
                fingerprint=u.fingerprint,
                level="warning",
                failing=True,
                message=_unknown_message(u),
                claims=tuple(claims(x) for x in u.claims),
                rules=(),
                reason=u.reason,
                found=u.found,
            )
        )
    return tuple(out)


def error_record(d: Diagnostic) -> ErrorRecord:
    """An input diagnostic as a finding of kind ``error``.

    Its fingerprint leaves out line and column, so that an error moved by an
    edit above it keeps its identity.
    """
    return ErrorRecord(
        kind="error",
        fingerprint=fingerprint("error", (), (), f"{d.code}|{d.span.path}|{d.message}"),
        level="error" if d.severity == "error" else "warning",
        failing=d.severity == "error",
        message=d.message,
        claims=(),
        rules=(),
        code=d.code,
        hint=d.hint,
        **_place(d.span),
    )


# A place written into a lint message ("'flow_rate' is used at ds/claims.yaml:8:5"): left out of
# the warning's fingerprint, which must not change when a line is added above.
_PLACE_IN_MESSAGE = re.compile(r"(?<= at ).*?:\d+:\d+")


def _owners(report: Report) -> Callable[[Span], Claim | Rule | None]:
    """The claim or rule at each place the lint puts its warnings (``claims._front.lint.lint_dataset``).

    The first claim at the place, else the first rule. The claims' places are
    read from their rows (``claims._front.model.rows``), as tuples of a
    span's fields, which are equal where the spans are.
    """
    every = rows(report.dataset)
    # each place's first claim: the claims from last to first, each place's value set by the earliest last
    claims: dict[tuple[Any, ...] | None, Claim] = dict(
        zip(map(operator.itemgetter(ROW["span"]), reversed(every)), reversed(report.dataset.claims), strict=True)
    )
    claims.pop(None, None)  # the claims with no place
    rules: dict[Span, Rule] = {}
    for rule in report.dataset.rules:
        rules.setdefault(rule.span or Span(rule.rule_set, 1, 0), rule)

    def owner(s: Span) -> Claim | Rule | None:
        c = claims.get(span_fields(s))
        return c if c is not None else rules.get(s)

    return owner


def warning_fingerprint(d: Diagnostic, owner: Claim | Rule | None) -> str:
    """A lint warning's identity: its code and message (without the places it names) and the
    claim or rule it is placed at, by meaning (id, formula, days), as a finding's fingerprint.

    So reordering, reformatting or moving a claim to another file changes no warning's
    fingerprint, and a warning's never equals a finding's (their kinds differ).
    """
    claims = (owner,) if isinstance(owner, Claim) else ()
    rules = (owner,) if isinstance(owner, Rule) else ()
    return fingerprint("warning", claims, rules, f"{d.code}|{_PLACE_IN_MESSAGE.sub('*', d.message)}")


def warning_records(report: Report, *, fail_on_warnings: bool = False) -> tuple[WarningRecord, ...]:
    """The symbol linter's warnings of ``report`` as records, in the report's order.

    Each is ``failing`` only under ``fail_on_warnings`` (``--fail-on-warnings``).
    """
    owner = _owners(report) if report.warnings else None
    return tuple(
        WarningRecord(
            code=d.code,
            fingerprint=warning_fingerprint(d, None if owner is None or d.span is None else owner(d.span)),
            level="warning",
            failing=fail_on_warnings,
            message=d.message,
            hint=d.hint,
            **_place(d.span),
        )
        for d in report.warnings
    )


# --------------------------------------------------------------------------- the run


@attrs.frozen(kw_only=True)
class ToolRecord:
    """What reproduces a run: versions, the solver seed and the limits."""

    name: str = "claims"
    version: str = __version__
    z3_version: str = attrs.field(factory=z3_version)
    seed: int = SEED
    timeout: float | None
    max_per_component: int | None

    def to_json(self) -> JSON:
        """The JSON object of the schema's ``tool``."""
        return _json(self)
