"""Formulas that relate days, against two direct readings of what they say.

The engine reads a day variable at finitely many days (``claims._logic.timeline``).
The oracles here read every formula as written, with no such reduction:

* *day by day*: every day of a window of ``WINDOW`` days around the dates the
  dataset writes is a day; a quantifier over days is one instance per day of
  the window, a timed claim one per day of its interval, a rule one per day of
  the window, and the date constant ``w`` is one of the window's days;
* *all days*: the days are all the integers, the timed predicates are Z3
  functions of an integer, and a quantifier over days is a Z3 quantifier (Z3
  may answer ``unknown`` there: such an example is not counted).

Contradictions (every minimal set of claims that cannot hold together, the
rules being true) and verdicts are computed from those readings by brute force
over subsets and compared with the engine's.
"""

from __future__ import annotations

import datetime
import itertools
import tempfile
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
import z3
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

import claims
from claims._front.model import TApp, Term, TLit, TOp, TQuant, TVar, term_of
from claims._logic.timeline import persistence, persistence_pairs

START = datetime.date(2016, 3, 1)
DAYS = 4  # how many dates claims write: 2016-03-01, -04, -07, -10 (apart, so that a day between is no date)
GAP = 3
MARGIN = 8  # the window of the day-by-day reading reaches this far beyond them
WINDOW = range(START.toordinal() - MARGIN, START.toordinal() + GAP * (DAYS - 1) + 1 + MARGIN)
SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=80)


def _day(k: int) -> str:
    return (START + datetime.timedelta(days=GAP * k)).isoformat()


# --------------------------------------------------------------------------- random datasets


@st.composite
def _fixed(draw: st.DrawFn) -> str:
    """A fixed day: a date, the constant w, or w moved by a day or two."""
    kind = draw(st.sampled_from(["date", "w", "w+", "w-"]))
    if kind == "date":
        return _day(draw(st.integers(0, DAYS - 1)))
    if kind == "w":
        return "w"
    return f"w {kind[1]} {draw(st.integers(1, 2))} days"


@st.composite
def _guard(draw: st.DrawFn, var: str) -> str:
    op = draw(st.sampled_from(["<", "<=", ">", ">=", "=", "!="]))
    atom = f"{var} {op} {draw(_fixed())}"
    if draw(st.integers(0, 3)) == 0:
        return f"not ({atom})"
    return atom


@st.composite
def _body(draw: st.DrawFn, days: tuple[str, ...], depth: int = 2) -> str:
    """A formula over t0, t1 on the given days (``''``: the day the formula holds) and p."""
    if depth == 0 or draw(st.booleans()):
        name = draw(st.sampled_from(["t0", "t1", "t0", "t1", "p", "false"]))
        if name in ("p", "false"):
            return name
        at = draw(st.sampled_from(days))
        return f"{name}@{at}" if at else name
    op = draw(st.sampled_from(["not", "and", "or", "implies"]))
    if op == "not":
        return f"not ({draw(_body(days, depth - 1))})"
    return f"({draw(_body(days, depth - 1))}) {op} ({draw(_body(days, depth - 1))})"


@st.composite
def _across(draw: st.DrawFn, today: bool) -> str:
    """A formula that relates days; ``today``: it may read the day it holds on too."""
    here = ("",) if today else ()
    shape = draw(st.sampled_from(["guarded", "guarded", "pair", "some", "at-w"]))
    if shape == "guarded":
        return f"forall d: date. ({draw(_guard('d'))}) implies ({draw(_body(('d', *here)))})"
    if shape == "pair":
        return (
            f"forall d: date, e: date. d <= e implies (({draw(_body(('d',), 1))}) implies ({draw(_body(('e',), 1))}))"
        )
    if shape == "some" and not today:  # an existential day is one day only outside every universal
        return f"exists d: date. ({draw(_guard('d'))}) and ({draw(_body(('d',), 1))})"
    return draw(_body(("w", _day(draw(st.integers(0, DAYS - 1))), *here), 1))


@st.composite
def _claim_formula(draw: st.DrawFn, conclusion: bool) -> tuple[str, bool]:
    """A formula, and whether it reads the day it holds on."""
    kind = draw(st.sampled_from(["plain", "across", "across", "w"]))
    if kind == "plain":
        return draw(_body(("", "", _day(draw(st.integers(0, DAYS - 1)))))), True
    if kind == "w":
        return f"w {draw(st.sampled_from(['=', '<', '>=']))} {_day(draw(st.integers(0, DAYS - 1)))}", False
    today = draw(st.booleans()) and not conclusion
    f = draw(_across(today))
    return f, today


@st.composite
def across_files(draw: st.DrawFn) -> tuple[str, str]:
    """A claim file and a rule file over ``timed pred t0, t1``, ``pred p`` and ``const w: date``."""
    lines = ["document: a.txt", "rules: [t]", "sources:", "  s: {name: S}", "claims:"]
    for i in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["fact", "fact", "fact", "conclusion"]))
        formula, _ = draw(_claim_formula(kind == "conclusion"))
        lo = draw(st.integers(0, DAYS - 1))
        hi = draw(st.integers(lo, DAYS - 1))
        lines += [
            f"  - id: c{i}",
            "    source: s",
            '    quote: "text"',
            f"    said: {_day(lo)}",
            f"    kind: {kind}",
            f'    formula: "{formula}"',
        ]
        if hi > lo:
            lines.append(f"    holds: {_day(lo)}..{_day(hi)}")
    persistent = draw(st.booleans())
    rules = ["timed persistent pred t0" if persistent else "timed pred t0", "timed pred t1", "pred p", "const w: date"]
    for j in range(draw(st.integers(0, 2))):
        rules.append(f'rule r{j}: "a random rule"\n  {draw(_across(True))}')
    return "\n".join(lines) + "\n", "\n".join(rules) + "\n"


# --------------------------------------------------------------------------- the two readings


class Reading:
    """Formulas as Z3 terms: over the window's days (``days``), or over all integers (``days=None``)."""

    def __init__(self, days: range | None) -> None:
        self.days = days
        self.funcs = {n: z3.Function(n, z3.IntSort(), z3.BoolSort()) for n in ("t0", "t1")}
        self.p = z3.Bool("p")
        self.w = z3.Int("w")
        self.fresh = itertools.count()

    def on_every_day(
        self, body: Callable[[z3.ArithRef], z3.BoolRef], lo: int | None = None, hi: int | None = None
    ) -> z3.BoolRef:
        if lo is not None and hi is not None:
            return z3.And([body(z3.IntVal(d)) for d in range(lo, hi + 1)])
        if self.days is not None:
            return z3.And([body(z3.IntVal(d)) for d in self.days])
        d = z3.Int(f"now{next(self.fresh)}")
        return z3.ForAll([d], body(d))

    def frame(self) -> z3.BoolRef:
        """In the day-by-day reading, the date constant lies far enough inside the window.

        ``w`` is compared with dates and with ``w`` two days on, and is read
        at; whatever a scenario does with ``w`` far away it does with ``w``
        ``MARGIN // 2`` days beyond every date written (the comparisons keep
        their truth), and days beyond the window repeat its first or last day.
        """
        if self.days is None:
            return z3.BoolVal(True)
        return z3.And(self.w >= self.days[0] + MARGIN // 2, self.w <= self.days[-1] - MARGIN // 2)

    def term(self, t: Term, today: z3.ArithRef | None, env: dict[str, z3.ArithRef]) -> z3.ExprRef:
        if isinstance(t, TLit):
            if isinstance(t.value, bool):
                return z3.BoolVal(t.value)
            return z3.IntVal(int(Fraction(t.value)))
        if isinstance(t, TVar):
            return env[t.name]
        if isinstance(t, TApp):
            if t.name == "p":
                return self.p
            if t.name == "w":
                return self.w
            at = t.at
            day: z3.ArithRef | None
            if at is None:
                day = today
            elif isinstance(at, int):
                day = z3.IntVal(at)
            elif isinstance(at, TVar):
                day = env[at.name]
            else:
                day = self.w
            assert day is not None
            return self.funcs[t.name](day)
        if isinstance(t, TQuant):
            (v,) = [x for x in t.vars if x.sort == "date"] if len(t.vars) == 1 else (None,)
            if v is None:  # forall d, e
                vs = t.vars

                def nested(k: int, e: dict[str, z3.ArithRef]) -> z3.BoolRef:
                    if k == len(vs):
                        return self.term(t.body, today, e)
                    return self._quant(t.kind, lambda x: nested(k + 1, {**e, vs[k].name: x}))

                return nested(0, env)
            return self._quant(t.kind, lambda x: self.term(t.body, today, {**env, v.name: x}))
        assert isinstance(t, TOp), t
        a = [self.term(x, today, env) for x in t.args]
        ops: dict[str, Callable[..., z3.ExprRef]] = {
            "not": z3.Not,
            "and": z3.And,
            "or": z3.Or,
            "implies": z3.Implies,
            "=": lambda x, y: x == y,
            "!=": lambda x, y: x != y,
            "<": lambda x, y: x < y,
            "<=": lambda x, y: x <= y,
            ">": lambda x, y: x > y,
            ">=": lambda x, y: x >= y,
            "+": lambda x, y: x + y,
            "-": lambda x, y: x - y,
            "neg": lambda x: -x,
        }
        return ops[t.op](*a)

    def _quant(self, kind: str, body: Callable[[z3.ArithRef], z3.BoolRef]) -> z3.BoolRef:
        if self.days is not None:
            parts = [body(z3.IntVal(d)) for d in self.days]
            return z3.And(parts) if kind == "forall" else z3.Or(parts)
        d = z3.Int(f"d{next(self.fresh)}")
        return z3.ForAll([d], body(d)) if kind == "forall" else z3.Exists([d], body(d))

    def claim(self, c: claims.Claim, holds: bool = True) -> z3.BoolRef:
        """``c`` on every day of its interval (``holds=False``: it fails on one of them, or fails untimed)."""
        term = term_of(c)
        assert term is not None
        lo, hi = (d.toordinal() for d in c.interval)
        on = [self.term(term, z3.IntVal(d), {}) for d in range(lo, hi + 1)]
        every = z3.And(on)
        return every if holds else z3.Not(every)

    def rules(self, ds: claims.Dataset) -> z3.BoolRef:
        parts = [self.frame()]
        for r in ds.rules:
            assert r.term is not None
            term = r.term
            parts.append(self.on_every_day(lambda d, term=term: self.term(term, d, {})))  # type: ignore[misc]
        return z3.And(parts)


def _sat(parts: list[z3.BoolRef]) -> str:
    s = z3.Solver()
    s.set("timeout", 3000)
    s.add(*parts)
    return str(s.check())


def oracle(ds: claims.Dataset, reading: Reading) -> tuple[str, set[frozenset[str]], dict[str, str]] | None:
    """Rules alone (sat/unsat), the contradictions and the verdicts; None when Z3 answered unknown."""
    rules = reading.rules(ds)
    alone = _sat([rules])
    if alone == "unknown":
        return None
    if alone == "unsat":
        return alone, set(), {}
    universe = [c for c in ds.claims if c.kind != "conclusion"]
    asserted = [reading.claim(c) for c in universe]
    muses: set[frozenset[str]] = set()
    for size in range(1, len(universe) + 1):
        for ids in itertools.combinations(range(len(universe)), size):
            names = frozenset(universe[i].id for i in ids)
            if any(m <= names for m in muses):
                continue
            answer = _sat([rules, *(asserted[i] for i in ids)])
            if answer == "unknown":
                return None
            if answer == "unsat":
                muses.add(names)
    facts = [asserted[i] for i, c in enumerate(universe) if c.kind == "fact"]
    verdicts = {}
    for c in ds.claims:
        if c.kind != "conclusion":
            continue
        if _sat([rules, *facts]) == "unsat":
            verdicts[c.id] = "vacuous"
            continue
        fails = _sat([rules, *facts, reading.claim(c, holds=False)])
        holds = _sat([rules, *facts, reading.claim(c)])
        if "unknown" in (fails, holds):
            return None
        verdicts[c.id] = "supported" if fails == "unsat" else "refuted" if holds == "unsat" else "unsupported"
    return alone, muses, verdicts


def _load(claim_text: str, rule_text: str, root: Path) -> claims.Dataset:
    (root / "a.txt").write_text("text\n", encoding="utf-8")
    (root / "rules").mkdir()
    (root / "rules" / "t.rules").write_text(rule_text, encoding="utf-8")
    (root / "claims.yaml").write_text(claim_text, encoding="utf-8")
    return claims.load(root)


@SLOW
@given(across_files())
def test_days_related_equal_the_readings_of_every_day(files: tuple[str, str]) -> None:
    claim_text, rule_text = files
    with tempfile.TemporaryDirectory() as tmp:
        try:
            ds = _load(claim_text, rule_text, Path(tmp))
        except claims.InvalidClaim as exc:  # a drawn formula outside what resolve admits
            assert all(d.code == "across-days" for d in exc.diagnostics), exc.diagnostics
            event("refused by resolve")
            assume(False)
            return
    report = claims.check(ds, cache=False, jobs=1)
    got_muses = {frozenset(c.id for c in k.claims) for k in report.contradictions}
    got = {v.claim.id: v.verdict for v in report.conclusions}
    for days in (WINDOW, None):
        expected = oracle(ds, Reading(days))
        if expected is None:
            event("all days: unknown" if days is None else "window: unknown")
            continue
        alone, muses, verdicts = expected
        if alone == "unsat":
            assert report.rule_conflicts
            continue
        assert report.complete
        assert got_muses == muses, (days is None, claim_text, rule_text)
        clash = "vacuous" in verdicts.values()
        for cid, verdict in verdicts.items():
            if clash:  # the engine judges by the premises of the conclusion's component only
                continue
            assert got[cid] == verdict, (days is None, cid, claim_text, rule_text)
        event(f"{'all days' if days is None else 'window'}: {len(muses)} contradictions")


# --------------------------------------------------------------------------- worked examples


def _check(claim_lines: str, rules: str) -> claims.Report:
    head = "document: a.txt\nrules: [t]\nsources:\n  s: {name: S}\nclaims:\n"
    with tempfile.TemporaryDirectory() as tmp:
        return claims.check(_load(head + claim_lines, rules, Path(tmp)), cache=False)


WITHDRAWAL = """\
timed pred deployed
const withdrawal_day: date
rule stays_withdrawn: "after the withdrawal nothing is deployed"
  forall d: date. d >= withdrawal_day implies not deployed@d
"""


def test_once_withdrawn_stays_withdrawn() -> None:
    """Deployed on the 5th clashes with a withdrawal on the 1st; with one on the 10th it does not."""
    deployed = "  - {id: seen, source: s, quote: text, said: 2016-03-05, formula: deployed}\n"
    early = "  - {id: early, source: s, quote: text, said: 2016-03-01, formula: 'withdrawal_day = 2016-03-01'}\n"
    late = "  - {id: late, source: s, quote: text, said: 2016-03-01, formula: 'withdrawal_day = 2016-03-10'}\n"
    clash = _check(deployed + early, WITHDRAWAL)
    assert [sorted(c.id for c in k.claims) for k in clash.contradictions] == [["early", "seen"]]
    assert [r.id for r in clash.contradictions[0].rules] == ["stays_withdrawn"]
    assert not _check(deployed + late, WITHDRAWAL).contradictions


def test_persistent_predicate_and_a_conclusion_over_days() -> None:
    """A persistent predicate true on the 1st is true on every later day, and not before."""
    rules = "timed persistent pred withdrawn\n"
    fact = "  - {id: f, source: s, quote: text, said: 2016-03-01, formula: withdrawn}\n"
    later = (
        "  - {id: later, source: s, quote: text, said: 2016-03-05, holds: 2016-03-02..2016-04-30,"
        " kind: conclusion, formula: withdrawn}\n"
    )
    earlier = (
        "  - {id: earlier, source: s, quote: text, said: 2016-03-05, holds: 2016-02-20..2016-02-28,"
        " kind: conclusion, formula: withdrawn}\n"
    )
    report = _check(fact + later + earlier, rules)
    verdicts = {v.claim.id: v for v in report.conclusions}
    assert verdicts["later"].verdict == "supported"
    assert [r.id for r in verdicts["later"].rules] == ["persists.withdrawn"]
    assert verdicts["earlier"].verdict == "unsupported"
    shown = {s.symbol: s.value for s in verdicts["earlier"].countermodel}
    failing = shown["the day earlier fails"]
    assert "2016-02-20" <= failing <= "2016-02-28"
    assert shown[f"withdrawn@{failing}"] == "false"


def test_the_example_of_docs_time() -> None:
    """docs/time.md's rule set and claims: 'before the talks and after' clashes with a stop on the 10th."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "time.md").read_text(encoding="utf-8")
    rules = doc.split("```text\n", 1)[1].split("```", 1)[0]
    claims_yaml = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    talks = "- {id: talks, source: s, quote: text, said: 2016-03-01, formula: 'talks = 2016-03-14'}\n"
    lines = "".join("  " + line + "\n" for line in (claims_yaml + talks).replace('"..."', "text").splitlines())
    report = _check(lines, rules)
    assert [sorted(c.id for c in k.claims) for k in report.contradictions] == [["span", "stop", "talks"]]
    alone = _check(lines.replace("2016-03-14", "2016-03-05"), rules)  # talks before the stop: both sides fit
    assert not alone.contradictions


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("(forall d: date. t@d) iff w > 2016-01-01", "under 'iff'"),
        ("forall d: date. exists e: date. e > d and t@e", "depends on another day"),
        ("forall d: date, e: date. d <= e and t@d", "two day variables"),
        ("forall d: date. d - 1 days >= w implies t@d", "one side of a comparison"),
        ("forall d: date. d >= start implies t@d", "not a fixed day"),
        ("t@n", "needs a fixed day"),
    ],
)
def test_what_cannot_be_decided_is_refused_where_it_is_written(formula: str, message: str) -> None:
    rules = "timed pred t\ntimed const start: date\nconst w: date\nconst n: int\n"
    line = f"  - {{id: x, source: s, quote: text, said: 2016-03-01, formula: '{formula}'}}\n"
    with pytest.raises(claims.InvalidClaim) as exc:
        _check(line, rules)
    (d,) = exc.value.diagnostics
    assert message in d.message, d.message
    assert d.span.path.endswith("claims.yaml") and d.span.line == 6


def test_persistent_needs_a_timed_predicate() -> None:
    with pytest.raises(claims.InvalidClaim) as exc:
        _check("  - {id: x, source: s, quote: text, said: 2016-03-01, formula: 'p'}\n", "persistent pred p\n")
    (d,) = exc.value.diagnostics
    assert d.code == "across-days" and d.span.line == 1 and "only a timed predicate" in d.message


@settings(deadline=None, max_examples=100)
@given(st.lists(st.integers(0, 30), max_size=6, unique=True), st.integers(0, 2))
def test_persistence_pairs_say_what_every_pair_says(dates: list[int], others: int) -> None:
    """The chain of dates plus every pair with another day is equivalent to the rule at every pair of days."""
    dates = sorted(dates)
    names = [f"o{k}" for k in range(others)]
    p = z3.Function("p", z3.IntSort(), z3.BoolSort())
    day = {**{str(d): z3.IntVal(d) for d in dates}, **{n: z3.Int(n) for n in names}}
    days = list(day)

    def rule(pairs: list[tuple[str, str]]) -> z3.BoolRef:
        return z3.And([z3.Implies(z3.And(day[x] <= day[y], p(day[x])), p(day[y])) for x, y in pairs])

    every = rule([(x, y) for x in days for y in days])
    few = rule(persistence_pairs(dates, names))
    s = z3.Solver()
    s.add(every != few)
    assert s.check() == z3.unsat
    assert len(persistence_pairs(dates, names)) <= max(len(dates) - 1, 0) + 2 * others * len(days)


def test_persistence_is_recognised_only_in_its_shape() -> None:
    """The chain applies to 'once true, stays true' and to nothing else that looks like it."""
    ds = claims.dataset(
        [("a", "t@2016-03-01", "q")],
        rules=(
            "timed persistent pred t\ntimed pred u\n"
            'rule back: "b"\n  forall d1: date, d2: date. d1 <= d2 implies (t@d2 implies t@d1)\n'
            'rule other: "o"\n  forall d1: date, d2: date. d1 <= d2 implies (t@d1 implies u@d2)\n'
        ),
    )
    shapes = [persistence(r.term) for r in ds.rules if r.term is not None]
    assert shapes[0] is not None and shapes[0][:2] == ("d1", "d2")
    assert shapes[1:] == [None, None]
