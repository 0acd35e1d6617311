"""The engine's invariants, as a Hypothesis state machine over a dataset that is edited step by step.

The machine adds, removes and edits claims of a small dataset (the vocabulary
and strategies of ``tests/oracle.py``) and after every step checks that:

* the contradictions reported for the dataset as edited (built incrementally
  with ``claims.with_claim``, checked with the result cache on) are those of
  the same dataset built and checked from scratch (cache off), and those of the
  brute-force truth table (``oracle_muses``);
* each is unsatisfiable and minimal, and needs each of its rules (truth tables);
* the result does not depend on claim order (reversed) or on file order (the
  claims written to two claim files, loaded in both orders): same claim sets,
  same fingerprints, same verdicts;
* adding a claim never removes a contradiction.

Bounded: a few short runs, so the whole machine takes seconds even under the
``ci`` profile.
"""

from __future__ import annotations

import datetime
import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import attrs
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

import claims
from tests.nocover.test_solve_oracle import oracle_muses
from tests.oracle import (
    BOOLS,
    DOMAIN_RULE,
    VOCAB,
    Carried,
    assignments,
    build,
    evaluate,
    formulas,
)

SAID = datetime.date(2016, 3, 15)
MAX_CLAIMS = 8  # the truth table enumerates every subset of the claims


@st.composite
def rule_texts(draw: st.DrawFn) -> str:
    """The vocabulary, the domain rule and up to two random Boolean rules (as tests/oracle.py draws them)."""
    rules = [VOCAB, DOMAIN_RULE]
    for j in range(draw(st.integers(0, 2))):
        a, b = draw(st.sampled_from(BOOLS)), draw(st.sampled_from(BOOLS))
        op = draw(st.sampled_from(["implies", "or", "iff"]))
        rules.append(f'rule b{j}: "random rule" {a} {op} not {b}')
    return "\n".join(rules)


KINDS = st.sampled_from(["fact", "fact", "fact", "prediction", "conclusion"])
BOUNDED = list(assignments(bounded=True))  # the models of the domain rule
UNBOUNDED = list(assignments(bounded=False))  # decide every formula the strategies draw


def _sat(terms: Sequence[Carried], bounded: bool = True) -> bool:
    return any(all(evaluate(t, env) for t in terms) for env in (BOUNDED if bounded else UNBOUNDED))


Summary = tuple[frozenset[frozenset[str]], frozenset[str], frozenset[tuple[str, str, str]]]


def _summary(report: claims.Report) -> Summary:
    """What must not depend on how the dataset was built: claim sets, fingerprints, verdicts."""
    return (
        frozenset(frozenset(c.id for c in k.claims) for k in report.contradictions),
        frozenset(k.fingerprint for k in report.contradictions),
        frozenset((v.claim.id, v.verdict, v.fingerprint) for v in report.conclusions),
    )


class EditedDataset(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple[str, str, str, str]] = []  # (id, formula, quote, kind), in claim order
        self.rule_text = ""  # not `rules`: the state machine keeps its own rules there
        self.ds: claims.Dataset | None = None
        self.next_id = 0
        self.previous: frozenset[frozenset[str]] = frozenset()
        self.added = False
        self.dir = Path(tempfile.mkdtemp(prefix="claims-invariants-"))

    def teardown(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    @initialize(rules=rule_texts())
    def start(self, rules: str) -> None:
        ds = build([], rules)
        assume(_sat([r.term for r in ds.rules]))  # rules that conflict leave no claim to check
        self.rule_text, self.ds = rules, ds
        (self.dir / "rules").mkdir()
        (self.dir / "rules" / "local.rules").write_text(rules, encoding="utf-8")

    # -- steps ------------------------------------------------------------------
    @precondition(lambda self: len(self.items) < MAX_CLAIMS)
    @rule(new=st.lists(st.tuples(formulas(), KINDS), min_size=1, max_size=3))
    def add(self, new: list[tuple[str, str]]) -> None:
        assert self.ds is not None  # start() ran
        for formula, kind in new[: MAX_CLAIMS - len(self.items)]:
            cid = f"c{self.next_id}"
            self.next_id += 1
            self.items.append((cid, formula, f"quote {cid}", kind))
            self.ds = claims.with_claim(self.ds, cid, formula, f"quote {cid}", kind=kind, said=SAID)
        self.added = True

    @precondition(lambda self: self.items)
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        k = data.draw(st.integers(0, len(self.items) - 1), label="index")
        cid = self.items.pop(k)[0]
        assert self.ds is not None  # start() ran
        self.ds = attrs.evolve(self.ds, claims=tuple(c for c in self.ds.claims if c.id != cid))
        self.added = False

    @precondition(lambda self: self.items)
    @rule(data=st.data(), formula=formulas(), kind=KINDS)
    def edit(self, data: st.DataObject, formula: str, kind: str) -> None:
        k = data.draw(st.integers(0, len(self.items) - 1), label="index")
        cid, _, quote, _ = self.items[k]
        self.items[k] = (cid, formula, quote, kind)
        assert self.ds is not None  # start() ran
        without = attrs.evolve(self.ds, claims=tuple(c for c in self.ds.claims if c.id != cid))
        edited = claims.with_claim(without, cid, formula, quote, kind=kind, said=SAID).claims[-1]
        self.ds = attrs.evolve(self.ds, claims=tuple(edited if c.id == cid else c for c in self.ds.claims))
        self.added = False

    # -- after every step -------------------------------------------------------
    @invariant()
    def invariants_hold(self) -> None:
        if self.ds is None:
            return
        self.same_as_from_scratch_and_truth_tables()
        if len(self.items) >= 2:
            self.independent_of_claim_order()
            self.independent_of_file_order()

    def same_as_from_scratch_and_truth_tables(self) -> None:
        fresh = build(self.items, self.rule_text)
        assert self.ds is not None  # start() ran
        assert [c.id for c in self.ds.claims] == [c.id for c in fresh.claims]
        incremental = claims.check(self.ds, jobs=1)
        scratch = claims.check(fresh, jobs=1, cache=False)
        assert scratch.complete and not scratch.rule_conflicts
        assert _summary(incremental) == _summary(scratch)
        _in_dataset_order(incremental)
        _in_dataset_order(scratch)
        muses, _, _ = _summary(scratch)
        assert muses == oracle_muses(fresh)
        for k in scratch.contradictions:
            terms: list[Carried] = [c.term for c in k.claims]
            rules: list[Carried] = [r.term for r in fresh.rules]
            assert not _sat(terms + rules)
            for i in range(len(terms)):
                assert _sat(terms[:i] + terms[i + 1 :] + rules), "not minimal"
            for j in range(len(k.rules)):
                rest = k.rules[:j] + k.rules[j + 1 :]
                bounded = any(r.id == "dom" for r in rest)
                assert _sat(terms + [r.term for r in rest], bounded), f"rule {k.rules[j].id} is not needed"
        if self.added:
            assert self.previous <= muses, "adding a claim removed a contradiction"
        self.previous = muses
        self.scratch = scratch

    def independent_of_claim_order(self) -> None:
        reversed_ = claims.check(build(self.items[::-1], self.rule_text), jobs=1, cache=False)
        assert _summary(reversed_) == _summary(self.scratch)

    def independent_of_file_order(self) -> None:
        doc = self.dir / "doc.txt"
        doc.write_text(" ".join(q for _, _, q, _ in self.items) + "\n", encoding="utf-8")
        paths = []
        for n, part in enumerate((self.items[::2], self.items[1::2])):
            lines = ["document: doc.txt", "rules: [local]", "sources:", "  src: {name: Unknown}", "claims:"]
            for cid, formula, quote, kind in part:
                lines += [
                    f"  - id: {cid}",
                    "    source: src",
                    f"    said: {SAID.isoformat()}",
                    f"    quote: {json.dumps(quote)}",
                    f"    formula: {json.dumps(formula)}",
                    f"    kind: {kind}",
                ]
            path = self.dir / f"part{n}.yaml"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            paths.append(path)
        one = claims.check(claims.load(*paths), jobs=1, cache=False)
        other = claims.check(claims.load(*paths[::-1]), jobs=1, cache=False)
        assert _summary(one) == _summary(other) == _summary(self.scratch)


def _in_dataset_order(report: claims.Report) -> None:
    """The findings come in the dataset's order of claims, found by each claim's id: the contradictions by the
    places of their claims (each conflict's too, and the conflicts by their first), the verdicts by their
    conclusion's place."""
    place = {c.id: i for i, c in enumerate(report.dataset.claims)}

    def at(k: claims.Contradiction) -> list[int]:
        return [place[x.id] for x in k.claims]

    assert [at(k) for k in report.contradictions] == sorted(at(k) for k in report.contradictions)
    for g in report.conflicts:
        assert [at(k) for k in g.contradictions] == sorted(at(k) for k in g.contradictions)
    firsts = [at(g.contradictions[0]) for g in report.conflicts]
    assert firsts == sorted(firsts)
    concl = [place[v.claim.id] for v in report.conclusions]
    assert concl == sorted(concl)


EditedDataset.TestCase.settings = settings(
    max_examples=15,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_edited_dataset = EditedDataset.TestCase
