"""`claims fuzz`: planted defects are found exactly, clean rule sets pass, and the
answers agree with a brute-force truth table on random small rule sets."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import claims
from claims._front.model import TOp
from claims._front.syntax import parse_formula
from claims._logic import rulecheck
from claims._report.fuzz import FuzzReport
from claims._run import fuzz as _fuzz
from tests.oracle import VOCAB, Carried, assignments, evaluate, formulas

ROOT = Path(__file__).resolve().parents[2]
FUZZ = ROOT / "tests" / "data" / "fuzz"
CLAIMS = str(Path(sys.executable).parent / "claims")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLAIMS, "fuzz", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def run_json(path: str) -> tuple[int, dict[str, Any]]:
    proc = run("--format", "json", path)
    assert proc.stderr == ""
    return proc.returncode, json.loads(proc.stdout)


# --------------------------------------------------------------------------- planted defects

# file -> (kind, rule, supporting rules, the shrunk scenario)
PLANTED = {
    "dead.rules": (
        "dead-rule",
        "fuzz.heavy-needs-permit",
        ["fuzz.weight-is-bounded"],
        {"permit": "false", "weight_tonnes": "45"},
    ),
    "redundant.rules": (
        "redundant-rule",
        "fuzz.minister-is-paid",
        ["fuzz.minister-is-official", "fuzz.official-is-paid"],
        {"civil_servant_pay": "false", "minister": "true", "official": "true"},
    ),
    "example.rules": (
        "example-rejected",
        "fuzz.flight-needs-crew",
        ["fuzz.flight-needs-crew"],
        {"crew": "2", "flight": "true"},
    ),
    "conflict.rules": (
        "rule-conflict",
        "fuzz.ends-after-start",
        ["fuzz.ends-after-start", "fuzz.ends-before-start"],
        {"end_day": "2015-09-30", "start_day": "2015-09-29"},
    ),
    "forbids.rules": ("forbid-allowed", "fuzz.troops-at-most", [], {"troops_left": "1000"}),
    "possible.rules": (
        "possible-rejected",
        "fuzz.ceasefire-is-quiet",
        [],
        {"aid_convoys": "true", "ceasefire": "true", "shelling": "false"},
    ),
}


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_planted_defect_is_reported_exactly(name: str) -> None:
    """Each file's one defect is the one finding: its kind, its rule, its supporting rules, exit 1,
    and the smallest scenario Hypothesis finds (each value as small as the defect allows)."""
    kind, rule, support, scenario = PLANTED[name]
    code, data = run_json(f"tests/data/fuzz/{name}")
    assert 1 == code
    assert [(f["kind"], f["rule"]["id"]) for f in data["findings"]] == [(kind, rule)]
    (finding,) = data["findings"]
    assert [r["id"] for r in finding["support"]] == support
    assert finding["rule"]["file"] == f"tests/data/fuzz/{name}"
    assert {a["symbol"]: a["value"] for a in finding["scenario"]} == scenario
    assert finding["found_by"] == "hypothesis"


def test_text_report_names_rule_place_support_and_scenario() -> None:
    proc = run("tests/data/fuzz/dead.rules")
    assert 1 == proc.returncode
    assert proc.stdout.splitlines()[3] == (
        "tests/data/fuzz/dead.rules:9:6: error: rule 'fuzz.heavy-needs-permit' never applies: its "
        "condition can never hold, given rule 'fuzz.weight-is-bounded'  [dead-rule]"
    )
    assert "  condition: weight_tonnes > 44" in proc.stdout
    assert (
        "    fuzz.weight-is-bounded: weight_tonnes >= 0 and weight_tonnes <= 40  (tests/data/fuzz/dead.rules:5)"
    ) in proc.stdout
    assert "    weight_tonnes = 45" in proc.stdout
    assert proc.stdout.endswith("Summary: 1 dead rule\n")


def test_clean_rule_file_exits_0() -> None:
    proc = run("tests/data/fuzz/clean.rules")
    assert (0, "") == (proc.returncode, proc.stderr)
    assert proc.stdout.endswith("Summary: nothing found\n")


def test_shipped_rule_sets_pass() -> None:
    """rules/ has no conflict, no dead or redundant rule, and every example, forbids and possible holds."""
    code, data = run_json("rules/")
    assert (0, []) == (code, data["findings"])
    assert data["rules"] == 11


def test_a_dataset_is_fuzzed_through_the_rule_sets_it_uses() -> None:
    code, data = run_json("seeds/")
    assert 0 == code
    assert data["files"] == ["rules/dates.rules", "rules/personnel.rules", "rules/withdrawal.rules"]


def test_all_planted_files_together_keep_every_defect() -> None:
    """Rules in a conflict are left out of the other questions; every other defect is still found."""
    code, data = run_json("tests/data/fuzz/")
    assert 1 == code
    found = sorted((f["kind"], f["rule"]["id"]) for f in data["findings"])
    assert found == sorted((k, r) for k, r, _, _ in PLANTED.values())
    assert "fuzz.ends-before-start" in data["skipped"]


def test_same_seed_same_bytes_and_seed_is_reported() -> None:
    a, b = run("--seed", "7", "tests/data/fuzz/"), run("--seed", "7", "tests/data/fuzz/")
    assert a.stdout == b.stdout
    assert "seed 7" in a.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["nope.rules"], "nope.rules:1:1: error: path 'nope.rules' does not exist  [file-missing]"),
        (
            ["README.md"],
            (
                "README.md:1:1: error: 'README.md' is neither a rule file (*.rules) nor a claim "
                "file (*.yaml, *.yml)  [bad-value]"
            ),
        ),
        (["tests/data/broken/rules/broken.rules"], "tests/data/broken/rules/broken.rules:"),
        (["docs/"], "docs:1:1: error: no rule files (*.rules) or claim files"),
    ],
)
def test_input_errors_exit_2_with_diagnostics(args: list[str], message: str) -> None:
    proc = run(*args)
    assert 2 == proc.returncode
    assert proc.stdout == ""
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_usage_errors_exit_2() -> None:
    assert 2 == run().returncode
    assert 2 == run("--max-examples", "0", "rules/").returncode


# --------------------------------------------------------------------------- against brute force

DOMAIN = 'rule dom: "small integers" x >= 0 and x <= 3 and y >= 0 and y <= 3'


@st.composite
def rule_sets(draw: st.DrawFn) -> str:
    """The domain rule and up to four random rules, half of them implications, with cases."""
    lines = [VOCAB, DOMAIN]
    for j in range(draw(st.integers(1, 4))):
        body = draw(formulas(depth=1))
        if draw(st.booleans()):
            body = f"({draw(formulas(depth=1))}) implies ({body})"
        lines.append(f'rule g{j}: "random rule {j}"\n  {body}')
        for kind in ("example", "forbids", "possible"):
            if draw(st.integers(0, 3)) == 0:
                lines.append(f"  {kind}: {draw(formulas(depth=1))}")
    return "\n".join(lines) + "\n"


BOUNDED = list(assignments(bounded=True))  # exactly the models of the domain rule
UNBOUNDED = list(assignments(bounded=False))  # decide every formula the strategy draws


def _sat(terms: Sequence[Carried], rules: Sequence[claims.Rule]) -> bool:
    """Whether ``terms`` and ``rules`` hold together (rules without the domain rule: integers -8..8)."""
    envs = BOUNDED if any(r.id == "dom" for r in rules) else UNBOUNDED
    all_terms = [*terms, *(r.term for r in rules if r.id != "dom")]
    return any(all(evaluate(t, env) for t in all_terms) for env in envs)


def _minimal_unsat(base: Sequence[Carried], rules: Iterable[claims.Rule]) -> bool:
    rules = list(rules)
    return not _sat(base, rules) and all(_sat(base, rules[:k] + rules[k + 1 :]) for k in range(len(rules)))


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.nested_given])
@given(rule_sets())
def test_fuzz_agrees_with_truth_tables(text: str) -> None:
    """Every answer is what the truth table says, every support set is minimal, and no defect is missed.

    Every set keeps the domain rule, so integers range over 0..3 (the truth table's domain)
    unless the domain rule is itself in a conflict.
    """
    ds = claims.dataset([], rules=text)
    report = _fuzz.fuzz(ds, max_examples=20)
    rules = ds.rules
    by = {(f.kind, f.rule.id, f.formula) for f in report.findings}
    conflicts = [f for f in report.findings if f.kind == "rule-conflict"]
    # conflicts: exactly the minimal unsatisfiable subsets of the rules
    muses = {
        frozenset(r.id for r in sub)
        for n in range(1, len(rules) + 1)
        for sub in itertools.combinations(rules, n)
        if _minimal_unsat([], sub)
    }
    if "dom" in {r.id for f in conflicts for r in f.support}:
        return  # the integers are unbounded: beyond the truth table
    assert {frozenset(r.id for r in f.support) for f in conflicts} == muses
    active = [r for r in rules if not any(r in f.support for f in conflicts)]
    assert not any(f.kind == "undecided" for f in report.findings)
    for r in active:
        others = [o for o in active if o is not r]
        mine = [f for f in report.findings if f.rule is r]
        assert r.term is not None  # every rule drawn has a formula
        conds = list(rulecheck.conditions(parse_formula(r.formula), r.term))
        dead = 0
        for c in conds:
            is_dead = not _sat([c.term], others) or not _sat([c.term], active)
            found = [f for f in mine if f.kind == "dead-rule" and f.formula == c.text]
            assert bool(found) == is_dead, (r.id, c.text)
            dead += is_dead
            for f in found:
                assert _minimal_unsat([c.term], f.support)
        red = [f for f in mine if f.kind == "redundant-rule"]
        neg = TOp("not", (r.term,), "bool")
        if red:
            assert _minimal_unsat([neg], red[0].support)
        elif not (dead and dead == len(conds) == _fuzz._pieces(r)):
            assert _sat([neg], others), f"{r.id} is redundant but not reported"
        for text_, term in zip(r.examples, r.example_terms, strict=True):
            bad = [f for f in mine if f.kind == "example-rejected" and f.formula == text_]
            assert bool(bad) == (not _sat([term], active))
            for f in bad:
                assert _minimal_unsat([term], f.support)
        for text_, term in zip(r.forbids, r.forbid_terms, strict=True):
            assert (("forbid-allowed", r.id, text_) in by) == _sat([term], active)
        for text_, term in zip(r.possibles, r.possible_terms, strict=True):
            rejected = _sat([term, neg], others)
            assert (("possible-rejected", r.id, text_) in by) == rejected
    # every scenario is one the truth table confirms: it shows every symbol it is about
    for f in report.findings:
        if f.scenario:
            assert f.found_by == "hypothesis", f


# --------------------------------------------------------------------------- the docs


def test_docs_show_current_runs() -> None:
    """docs/fuzz.md shows what the command prints today."""
    doc = (ROOT / "docs" / "fuzz.md").read_text(encoding="utf-8")
    for args in ("rules/", "tests/data/fuzz/dead.rules tests/data/fuzz/redundant.rules"):
        proc = run(*args.split())
        assert f"$ claims fuzz {args}\n{proc.stdout}```" in doc


def test_possible_catches_a_shipped_rule_made_too_strict(tmp_path: Path) -> None:
    """The docs' example: `> 100` instead of `> 0` rejects a scenario `possible:` allows."""
    text = (ROOT / "rules" / "withdrawal.rules").read_text(encoding="utf-8")
    strict = text.replace("s400_kept implies personnel_remaining > 0", "s400_kept implies personnel_remaining > 100")
    assert strict != text
    (tmp_path / "withdrawal.rules").write_text(strict, encoding="utf-8")
    (tmp_path / "personnel.rules").write_text(
        (ROOT / "rules" / "personnel.rules").read_text(encoding="utf-8"), encoding="utf-8"
    )
    report = _fuzz.fuzz_paths([tmp_path])
    assert [(f.kind, f.rule.id) for f in report.findings] == [("possible-rejected", "withdrawal.s400-needs-crews")]
    assert [str(a) for a in report.findings[0].scenario] == ["personnel_remaining = 1", "s400_kept = true"]


# --------------------------------------------------------------------------- the whole language


def _fuzz_text(tmp_path: Path, text: str) -> FuzzReport:
    path = tmp_path / "edge.rules"
    path.write_text(text, encoding="utf-8")
    return _fuzz.fuzz_paths([path])


def test_rules_hold_on_the_days_they_name(tmp_path: Path) -> None:
    """A rule holds on every day, the days written with `@` included: `x > x@D` fails on day D."""
    report = _fuzz_text(
        tmp_path,
        """timed pred ongoing
timed const troops: int
rule t.on-the-14th: "The operation ran on 2016-03-14" ongoing@2016-03-14
rule t.never: "The operation never runs" not ongoing
rule t.troops: "Troops grow after March 1" troops > troops@2016-03-01
""",
    )
    assert [(f.kind, [r.id for r in f.support]) for f in report.findings] == [
        ("rule-conflict", ["t.on-the-14th", "t.never"]),
        ("rule-conflict", ["t.troops"]),
    ]
    assert "ongoing@2016-03-14 = true" in [str(a) for a in report.findings[0].scenario]


def test_open_sorts_functions_and_closed_sorts(tmp_path: Path) -> None:
    """Quantifiers over open and closed sorts, functions, reals: found, and shrunk by Hypothesis."""
    report = _fuzz_text(
        tmp_path,
        """sort Country
sort Reason = {tasks_done, regime_failure, other_reason}
pred ally(Country)
pred at_war(Country)
func troops(Country): int
const home: Country
const why: Reason
pred cited(Reason)
const budget: real

rule a: "Allies are not at war" forall c: Country. ally(c) implies not at_war(c)
rule c: "Home is an ally" ally(home)
  example: at_war(home)
rule d: "Many troops means war" forall c: Country. troops(c) > 100 implies at_war(c)
rule e: "A cited reason is the reason" forall r: Reason. cited(r) implies why = r
  example: cited(tasks_done) and cited(other_reason)
rule h: "Many troops at home cost money" troops(home) > 200 implies budget > 2.5
""",
    )
    assert [(f.kind, f.rule.id, [r.id for r in f.support]) for f in report.findings] == [
        ("example-rejected", "c", ["a", "c"]),
        ("example-rejected", "e", ["e"]),
        ("dead-rule", "h", ["a", "c", "d"]),
    ]
    assert all(f.found_by == "hypothesis" for f in report.findings)
    assert [str(a) for a in report.findings[0].scenario] == [
        "ally(Country#1) = false",
        "at_war(Country#1) = true",
        "home = Country#1",
    ]
