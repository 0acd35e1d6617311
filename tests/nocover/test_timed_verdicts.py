"""Timed claims and conclusions against a day-by-day brute force.

The engine instantiates timed claims and rules only on *relevant* days (see
``claims._logic.encode``). This oracle instantiates everything on every day of a
short window instead, and decides contradictions and verdicts by truth tables:
each formula becomes the set of assignments that satisfy it, as the bits of one
Python integer over every assignment of ``t0 t1`` on each day and ``p``.
Outside the window only the rules hold, on days independent of the window's
(the rules name no ``@`` day here), so the window decides everything.
"""

from __future__ import annotations

import datetime
import itertools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import claims
from claims._front.model import TApp, Term, TLit, TOp

START = datetime.date(2016, 3, 1)
DAYS = 5  # the window: 2016-03-01 .. 2016-03-05
TIMED = ("t0", "t1")
VARS = [(n, START.toordinal() + k) for n in TIMED for k in range(DAYS)] + [("p", None)]
ALL = (1 << (1 << len(VARS))) - 1
SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _var_mask(i: int) -> int:
    """The assignments (numbered 0 .. 2^len(VARS) - 1) in which variable ``i`` is true."""
    return sum(1 << a for a in range(1 << len(VARS)) if a >> i & 1)


MASKS: dict[tuple[str, int | None], int] = {v: _var_mask(i) for i, v in enumerate(VARS)}


def mask(t: Term, day: int) -> int:
    """The assignments that satisfy ``t`` on ``day`` (its timed symbols without '@' read on that day)."""
    if isinstance(t, TLit):
        return ALL if t.value else 0
    if isinstance(t, TApp):
        when = (t.at if t.at is not None else day) if t.timed else None
        assert when is None or isinstance(when, int)
        return MASKS[(t.name, when)]
    assert isinstance(t, TOp), t
    a = [mask(x, day) for x in t.args]
    if t.op == "not":
        return ALL ^ a[0]
    if t.op == "and":
        return a[0] & a[1]
    if t.op == "or":
        return a[0] | a[1]
    if t.op == "implies":
        return (ALL ^ a[0]) | a[1]
    if t.op == "iff":
        return ALL ^ (a[0] ^ a[1])
    assert t.op == "xor", t.op
    return a[0] ^ a[1]


def on_days(t: Term, lo: datetime.date, hi: datetime.date) -> int:
    out = ALL
    for d in range(lo.toordinal(), hi.toordinal() + 1):
        out &= mask(t, d)
    return out


def _day(k: int) -> str:
    return (START + datetime.timedelta(days=k)).isoformat()


@st.composite
def formulas(draw: st.DrawFn, depth: int = 2, at: bool = True) -> str:
    if depth == 0 or draw(st.booleans()):
        name = draw(st.sampled_from(["t0", "t1", "t0", "t1", "p"]))
        if name != "p" and at and draw(st.integers(0, 4)) == 0:
            return f"{name}@{_day(draw(st.integers(0, DAYS - 1)))}"
        return name
    op = draw(st.sampled_from(["not", "and", "or", "implies", "iff", "xor"]))
    if op == "not":
        return f"not ({draw(formulas(depth - 1, at))})"
    return f"({draw(formulas(depth - 1, at))}) {op} ({draw(formulas(depth - 1, at))})"


@st.composite
def intervals(draw: st.DrawFn) -> str:
    lo = draw(st.integers(0, DAYS - 1))
    hi = draw(st.integers(lo, DAYS - 1))
    return f"holds: {_day(lo)}..{_day(hi)}" if hi > lo else f"holds: {_day(lo)}"


@st.composite
def timed_files(draw: st.DrawFn) -> tuple[str, str]:
    """A claim file and a rule file over ``timed pred t0, t1`` and ``pred p``."""
    lines = ["document: a.txt", "rules: [t]", "sources:", "  s: {name: S}", "claims:"]
    for i in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["fact", "fact", "fact", "prediction", "conclusion", "conclusion"]))
        lines += [
            f"  - id: c{i}",
            "    source: s",
            '    quote: "text"',
            f"    said: {_day(draw(st.integers(0, DAYS - 1)))}",
            f"    kind: {kind}",
            f'    formula: "{draw(formulas())}"',
        ]
        if kind == "conclusion" or draw(st.booleans()):
            lines.append("    " + draw(intervals()))
    rules = ["timed pred t0, t1", "pred p"]
    for j in range(draw(st.integers(0, 2))):
        rules.append(f'rule r{j}: "a random rule"\n  {draw(formulas(depth=1, at=False))}')
    return "\n".join(lines) + "\n", "\n".join(rules) + "\n"


def _oracle(ds: claims.Dataset) -> tuple[set[frozenset[str]], dict[str, str], int]:
    """Contradictions and verdicts, everything instantiated on every day of the window."""
    rules = ALL
    for r in ds.rules:
        assert r.term is not None
        rules &= on_days(r.term, START, START + datetime.timedelta(days=DAYS - 1))
    universe = [c for c in ds.claims if c.kind != "conclusion"]
    sat_of = [on_days(c.term, *c.interval) for c in universe]  # type: ignore[arg-type]  # built in memory: a Term

    def joint(ids: tuple[int, ...]) -> int:
        out = rules
        for i in ids:
            out &= sat_of[i]
        return out

    muses: set[frozenset[str]] = set()
    for size in range(1, len(universe) + 1):
        for ids in itertools.combinations(range(len(universe)), size):
            if not joint(ids) and all(not muses or not (m <= {universe[i].id for i in ids}) for m in muses):
                muses.add(frozenset(universe[i].id for i in ids))
    facts = joint(tuple(i for i, c in enumerate(universe) if c.kind == "fact"))
    verdicts = {}
    for c in ds.claims:
        if c.kind != "conclusion":
            continue
        holds = on_days(c.term, *c.interval)  # type: ignore[arg-type]  # built in memory: a Term
        if not facts:
            verdicts[c.id] = "vacuous"
        elif not facts & (ALL ^ holds):
            verdicts[c.id] = "supported"
        elif not facts & holds:
            verdicts[c.id] = "refuted"
        else:
            verdicts[c.id] = "unsupported"
    return muses, verdicts, rules


@SLOW
@given(timed_files())
def test_timed_answers_equal_day_by_day_brute_force(files: tuple[str, str]) -> None:
    claim_text, rule_text = files
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "a.txt").write_text("text\n", encoding="utf-8")
        (root / "rules").mkdir()
        (root / "rules" / "t.rules").write_text(rule_text, encoding="utf-8")
        (root / "claims.yaml").write_text(claim_text, encoding="utf-8")
        ds = claims.load(root)
    report = claims.check(ds, cache=False, jobs=1)
    muses, verdicts, rules = _oracle(ds)
    if not rules:
        assert report.rule_conflicts
        return
    assert report.complete
    assert {frozenset(c.id for c in k.claims) for k in report.contradictions} == muses
    got = {v.claim.id: v.verdict for v in report.conclusions}
    facts_clash = "vacuous" in verdicts.values()
    event("facts clash" if facts_clash else "facts consistent")
    for cid, expected in verdicts.items():
        if facts_clash:  # the engine judges by the premises of the conclusion's component only
            continue
        c = next(x for x in ds.claims if x.id == cid)
        if c.interval[0] != c.interval[1]:
            event(f"a conclusion over days: {expected}")
        assert got[cid] == expected, (cid, c.formula, c.interval)


def _check(claims_yaml: str) -> claims.Report:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "a.txt").write_text("text\n", encoding="utf-8")
        (root / "rules").mkdir()
        (root / "rules" / "t.rules").write_text("timed pred t0\npred other\n", encoding="utf-8")
        (root / "claims.yaml").write_text(
            "document: a.txt\nrules: [t]\nsources:\n  s: {name: S}\nclaims:\n" + claims_yaml, encoding="utf-8"
        )
        return claims.check(claims.load(root), cache=False)


END_DAYS = """\
  - {id: f1, source: s, quote: text, said: 2016-03-01, formula: t0}
  - {id: f2, source: s, quote: text, said: 2016-03-10, formula: t0}
  - {id: k, source: s, quote: text, said: 2016-03-10, holds: 2016-03-01..2016-03-10, formula: t0, kind: conclusion}
"""


def test_an_interval_is_not_supported_by_its_end_days() -> None:
    """The issue's reproducer: nothing says t0 on 2016-03-05, so the conclusion is unsupported."""
    (v,) = _check(END_DAYS).conclusions
    assert "unsupported" == v.verdict
    assert any(s.value == "false" and "2016-03-01" < s.symbol.split("@")[1] < "2016-03-10" for s in v.countermodel)


def test_an_unrelated_claim_on_a_middle_day_changes_nothing() -> None:
    """A claim about another symbol said on 2016-03-05 used to flip the verdict."""
    more = "  - {id: o, source: s, quote: text, said: 2016-03-05, formula: other}\n"
    (v,) = _check(END_DAYS + more).conclusions
    assert "unsupported" == v.verdict


def test_an_interval_covered_by_a_fact_is_supported() -> None:
    more = "  - {id: f3, source: s, quote: text, said: 2016-03-02, holds: 2016-03-02..2016-03-09, formula: t0}\n"
    (v,) = _check(END_DAYS + more).conclusions
    assert "supported" == v.verdict
    assert {"f1", "f2", "f3"} == {c.id for c in v.premises}
