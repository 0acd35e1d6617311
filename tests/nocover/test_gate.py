"""Gating: fingerprints, `claims baseline`, `check --baseline` and `check --since REV`, end to end.

The dataset is ``tests/data/ci/`` (one contradiction m1/g1, a refuted and an
unsupported conclusion: three failing findings). The `--since` tests commit
it to a temporary git repository, edit the working tree, and run the real
command.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

import claims
from claims._report import json_report
from claims._report.records import finding_records

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SEED = ROOT / "seeds" / "russia-syria-2016"
REPORT_SCHEMA = json.loads(json_report.schema_path().read_text(encoding="utf-8"))
SARIF_SCHEMA = json.loads((DATA / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
CLAIMS_FILE = Path("ds", "withdrawal", "claims.yaml")
ARTICLE = Path("ds", "withdrawal", "article.txt")
RULES = Path("ds", "rules", "events.rules")


def run(*args: str, cwd: Path, **env_vars: str) -> subprocess.CompletedProcess[str]:
    """``claims ARGS`` in ``cwd``, with the repository's cli.py first on the path."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]), **env_vars}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` with a fixed identity; return its stdout."""
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def validate_report(doc: Any) -> None:
    """Validate against the JSON schema shipped in the package."""
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(doc)


def edit(root: Path, path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must occur once) by ``new`` in ``root/path``."""
    f = root / path
    text = f.read_text(encoding="utf-8")
    assert 1 == text.count(old), old
    f.write_text(text.replace(old, new), encoding="utf-8")


def reformatted(text: str) -> str:
    """The same claim file written another way: flow style, sources and claims reversed, keys sorted."""
    data = YAML(typ="safe").load(text)

    def scalar(v: object) -> str:
        return v.isoformat() if isinstance(v, datetime.date) else json.dumps(v)

    out = [f"rules: {json.dumps(data['rules'])}", f"document: {json.dumps(data['document'])}", "sources:"]
    for sid, s in reversed(list(data["sources"].items())):
        out.append(f"    {sid}: {{" + ", ".join(f"{k}: {scalar(v)}" for k, v in sorted(s.items())) + "}")
    out.append("claims:")
    for c in reversed(data["claims"]):
        out.append("- {" + ", ".join(f"{k}: {scalar(v)}" for k, v in sorted(c.items(), reverse=True)) + "}")
    return "# reformatted\n" + "\n".join(out) + "\n"


def reformat(root: Path) -> None:
    f = root / CLAIMS_FILE
    f.write_text(reformatted(f.read_text(encoding="utf-8")), encoding="utf-8")


def changed_number(root: Path) -> None:
    """The agency's toll moves to 'between four and five': it clashes with the ministry's three."""
    edit(root, ARTICLE, "between two and five soldiers", "between four and five soldiers")
    edit(
        root,
        CLAIMS_FILE,
        "quote: between two and five soldiers\n    formula: casualties is between 2 and 5",
        "quote: between four and five soldiers\n    formula: casualties is between 4 and 5",
    )


def changed_date(root: Path) -> None:
    """The announcement moves after the withdrawal began: it clashes under rule announced-first."""
    edit(root, ARTICLE, "on 2016-03-14, a day earlier", "on 2016-03-16, a day later")
    edit(
        root,
        CLAIMS_FILE,
        "quote: It was announced on 2016-03-14\n    formula: announced = 2016-03-14",
        "quote: It was announced on 2016-03-16\n    formula: announced = 2016-03-16",
    )


def new_claim(root: Path) -> None:
    """A new source dates the withdrawal five days later than the spokesman."""
    f = root / ARTICLE
    f.write_text(
        f.read_text(encoding="utf-8") + "\nA Syrian officer said the withdrawal began on 2016-03-20.\n",
        encoding="utf-8",
    )
    edit(
        root,
        CLAIMS_FILE,
        "  analyst: {name: Analyst, via: Blog}\n",
        "  analyst: {name: Analyst, via: Blog}\n  officer: {name: Syrian officer, via: SANA}\n",
    )
    g = root / CLAIMS_FILE
    g.write_text(
        g.read_text(encoding="utf-8") + "  - id: n1\n    source: officer\n    said: 2016-03-20\n"
        "    quote: the withdrawal began on 2016-03-20\n    formula: withdrawal = 2016-03-20\n",
        encoding="utf-8",
    )


INTRODUCING: list[tuple[Callable[[Path], None], list[str], list[str]]] = [
    (changed_number, ["k1", "k2"], []),
    (changed_date, ["s1", "s2"], ["announced-first"]),
    (new_claim, ["s1", "n1"], []),
]


def fingerprints(where: Path) -> dict[str, str]:
    """Fingerprint → kind of every finding of the dataset under ``where`` (in this process)."""
    report = claims.check(claims.load(where / "ds"))
    return {r.fingerprint: r.kind for r in finding_records(report)}


@pytest.fixture
def repo(ds: Path) -> Path:
    """``ds`` committed to a fresh git repository."""
    git(ds, "init", "-q")
    git(ds, "add", "ds")
    git(ds, "commit", "-q", "-m", "dataset")
    return ds


def gate_of(r: subprocess.CompletedProcess[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The gate and the new findings of a `--format json` run."""
    doc = json.loads(r.stdout)
    validate_report(doc)
    return doc["gate"], [f for f in doc["findings"] if f.get("baseline_state") == "new"]


# --------------------------------------------------------------------------- fingerprints


def test_reordering_and_reformatting_change_no_fingerprint(ds: Path, tmp_path: Path) -> None:
    """Claims and sources reversed, flow style, keys sorted, comments gone: the same fingerprints."""
    before = fingerprints(ds)
    assert {"contradiction": 1, "conclusion": 3} == {k: list(before.values()).count(k) for k in set(before.values())}
    reformat(ds)
    assert "- {source:" in (ds / CLAIMS_FILE).read_text(encoding="utf-8")
    assert before == fingerprints(ds)


def test_editing_an_unrelated_claim_changes_no_fingerprint(ds: Path) -> None:
    """A new number in a claim that is in no finding leaves every fingerprint; a related edit does not."""
    before = fingerprints(ds)
    edit(ds, ARTICLE, "three soldiers were killed", "four soldiers were killed")
    edit(
        ds,
        CLAIMS_FILE,
        "quote: three soldiers were killed in the operation\n    formula: casualties = 3",
        "quote: four soldiers were killed in the operation\n    formula: casualties = 4",
    )
    assert before == fingerprints(ds)
    edit(ds, CLAIMS_FILE, "formula: troops < 1000", "formula: troops < 900")
    after = fingerprints(ds)
    assert len(before) == len(after)
    assert {"contradiction"} == {before[fp] for fp in set(before) - set(after)}


# --------------------------------------------------------------------------- since REV


@pytest.mark.parametrize(("change", "claim_ids", "rule_ids"), INTRODUCING, ids=[c.__name__ for c, _, _ in INTRODUCING])
def test_since_reports_exactly_the_introduced_finding(
    repo: Path, change: Callable[[Path], None], claim_ids: list[str], rule_ids: list[str]
) -> None:
    """An edit that brings a clash: `--since HEAD` reports that one finding only, and exits 1."""
    index = hashlib.sha256((repo / ".git" / "index").read_bytes()).hexdigest()
    change(repo)
    status = git(repo, "status", "--porcelain", "--untracked-files=no")  # (a run may write a solver cache)
    r = run("check", "ds", "--since", "HEAD", "--format", "json", cwd=repo)
    assert 1 == r.returncode, r.stderr
    gate, new = gate_of(r)
    assert ("since", "HEAD", git(repo, "rev-parse", "HEAD").strip()) == (
        gate["mode"],
        gate["reference"],
        gate["commit"],
    )
    assert (1, 3, [], []) == (gate["new"], gate["unchanged"], gate["resolved"], gate["notes"])
    [finding] = new
    assert ("contradiction", claim_ids, rule_ids) == (
        finding["kind"],
        [c["id"] for c in finding["claims"]],
        [x["id"] for x in finding["rules"]],
    )
    # Reading the revision touched neither the working tree nor the index.
    assert status == git(repo, "status", "--porcelain", "--untracked-files=no")
    assert index == hashlib.sha256((repo / ".git" / "index").read_bytes()).hexdigest()


def test_since_text_names_the_introduced_finding_only(repo: Path) -> None:
    """The text report lists the new contradiction, not the ones already there, and says so."""
    new_claim(repo)
    r = run("check", "ds", "--since", "HEAD", cwd=repo)
    assert 1 == r.returncode, r.stderr
    assert "n1" in r.stdout and "m1" not in r.stdout
    assert "1 finding introduced since HEAD; 3 findings already there suppressed; 0 resolved" in r.stdout


def test_since_reordering_and_reformatting_report_nothing(repo: Path) -> None:
    """A pure reordering and reformatting of the claim file: nothing introduced, nothing resolved, exit 0."""
    reformat(repo)
    assert f" M {CLAIMS_FILE.as_posix()}\n" == git(repo, "status", "--porcelain", "--untracked-files=no")
    r = run("check", "ds", "--since", "HEAD", "--format", "json", cwd=repo)
    assert 0 == r.returncode, r.stderr
    gate, new = gate_of(r)
    assert ([], 0, 3, []) == (new, gate["new"], gate["unchanged"], gate["resolved"])


def test_since_uses_the_rules_and_documents_of_the_revision(repo: Path) -> None:
    """A stricter rule in the working tree brings a clash; at HEAD the old rule applies, so it is introduced."""
    edit(
        repo,
        RULES,
        "  announced <= withdrawal\n  example: announced = 2016-03-14 and withdrawal = 2016-03-15",
        "  withdrawal - announced >= 2\n  example: announced = 2016-03-13 and withdrawal = 2016-03-15",
    )
    changed_number(repo)  # the article changes too: HEAD's claims must be read against HEAD's article
    r = run("check", "ds", "--since", "HEAD", "--format", "json", cwd=repo)
    assert 1 == r.returncode, r.stderr
    gate, new = gate_of(r)
    assert [] == gate["notes"]
    assert [(["s1", "s2"], ["announced-first"]), (["k1", "k2"], [])] == [
        ([c["id"] for c in f["claims"]], [x["id"] for x in f["rules"]]) for f in new
    ]


def test_since_resolved_findings_from_a_subfolder(repo: Path) -> None:
    """A removed claim resolves its contradiction: exit 0, named with paths as seen from the working folder."""
    edit(
        repo,
        CLAIMS_FILE,
        "  - id: g1\n    source: general\n    said: 2016-03-14\n"
        "    quote: fewer than 1000 troops were deployed there\n    formula: troops < 1000\n",
        "",
    )
    r = run("check", ".", "--since", "HEAD", "--format", "json", cwd=repo / "ds")
    assert 0 == r.returncode, r.stderr
    gate, new = gate_of(r)
    assert ([], 2) == (new, gate["unchanged"])
    [resolved] = gate["resolved"]
    assert ["m1", "g1"] == [c["id"] for c in resolved["claims"]]
    assert "withdrawal/claims.yaml" == resolved["claims"][0]["file"]


def test_since_a_dataset_new_since_the_revision(repo: Path) -> None:
    """A folder that did not exist at the revision: every finding is introduced, and a note says why."""
    shutil.copytree(repo / "ds", repo / "ds2")
    r = run("check", "ds2", "--since", "HEAD", "--format", "json", cwd=repo)
    assert 1 == r.returncode
    gate, new = gate_of(r)
    assert (3, ["not in HEAD: ds2"]) == (len(new), gate["notes"])


def test_since_and_baseline_usage_errors(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """An unknown revision, a folder outside git, or both references at once: exit 2 with the reason."""
    r = run("check", "ds", "--since", "no-such-branch", cwd=repo)
    assert 2 == r.returncode
    assert "git knows no commit 'no-such-branch'  [bad-revision]" in r.stderr
    outside = tmp_path_factory.mktemp("outside")
    shutil.copytree(DATA / "ci", outside / "ds")
    r = run(
        "check", "ds", "--since", "HEAD", "--format", "json", cwd=outside, GIT_CEILING_DIRECTORIES=str(outside.parent)
    )
    assert 2 == r.returncode
    assert "'ds' is not in a git repository  [bad-revision]" in r.stderr
    assert ["bad-revision"] == [f["code"] for f in json.loads(r.stdout)["findings"]]
    r = run("check", "ds", "--since", "HEAD", "--baseline", "b.json", cwd=repo)
    assert 2 == r.returncode
    assert "--baseline and --since cannot be used together" in r.stderr


# --------------------------------------------------------------------------- baseline


def test_baseline_round_trip(ds: Path) -> None:
    """Baseline, check (exit 0); a new clash (exit 1, named); a fixed finding (listed as fixed)."""
    r = run("baseline", "ds", "-o", "ci/baseline.json", cwd=ds)
    assert (0, "wrote 3 findings to ci/baseline.json\n") == (r.returncode, r.stderr)
    doc = json.loads((ds / "ci" / "baseline.json").read_text(encoding="utf-8"))
    validate_report(doc)
    assert ("baseline", [True] * 3) == (doc["document"], [f["failing"] for f in doc["findings"]])

    r = run("check", "ds", "--baseline", "ci/baseline.json", cwd=ds)
    assert 0 == r.returncode, r.stdout + r.stderr
    assert "0 new findings; 3 known findings suppressed; 0 baseline entries fixed" in r.stdout
    assert "Contradictions (0)" in r.stdout

    new_claim(ds)
    r = run("check", "ds", "--baseline", "ci/baseline.json", cwd=ds)
    assert 1 == r.returncode
    assert "1 new finding; 3 known findings suppressed; 0 baseline entries fixed" in r.stdout
    assert "Contradictions (1)" in r.stdout and "n1" in r.stdout and "m1" not in r.stdout

    edit(ds, CLAIMS_FILE, "formula: aircraft_left = 40", "formula: aircraft_left = 60")
    edit(ds, ARTICLE, "Forty aircraft left", "Sixty aircraft left")
    edit(ds, CLAIMS_FILE, "quote: Forty aircraft left", "quote: Sixty aircraft left")
    r = run("check", "ds", "--baseline", "ci/baseline.json", "--format", "json", cwd=ds)
    assert 1 == r.returncode
    gate, _new = gate_of(r)
    assert (1, 2) == (gate["new"], gate["unchanged"])
    assert [("conclusion", "refuted", "c2")] == [
        (f["kind"], f["verdict"], f["claims"][0]["id"]) for f in gate["resolved"]
    ]
    assert "1 new finding; 2 known findings suppressed; 1 baseline entry fixed" in r.stderr


def test_baseline_states_in_sarif_and_junit(ds: Path) -> None:
    """SARIF marks each result new or unchanged; JUnit fails only on the new one."""
    assert 0 == run("baseline", "ds", "-o", "baseline.json", cwd=ds).returncode
    new_claim(ds)
    r = run("check", "ds", "--baseline", "baseline.json", "--format", "sarif", cwd=ds)
    assert 1 == r.returncode
    sarif = json.loads(r.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    states = sorted((x["baselineState"], x["ruleId"]) for x in sarif["runs"][0]["results"])
    assert [
        ("new", "contradiction"),
        ("unchanged", "conclusion"),
        ("unchanged", "conclusion"),
        ("unchanged", "contradiction"),
    ] == states
    r = run("check", "ds", "--baseline", "baseline.json", "--format", "junit", cwd=ds)
    assert 1 == r.returncode
    assert 'failures="1"' in r.stdout.split("\n")[1]
    assert "3 known findings suppressed by the gate" not in r.stdout  # spread over their testcases
    assert "known finding suppressed by the gate" in r.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline file 'b.json' does not exist"),
        ("{not json", "baseline file 'b.json' is not JSON"),
        ('{"schema_version": 99, "findings": []}', "baseline 'b.json' has schema_version 99"),
        ('{"schema_version": 1, "findings": [{"kind": "x"}]}', "must be a list of findings with a 'fingerprint'"),
    ],
)
def test_bad_baseline_files_are_input_errors(ds: Path, content: str | None, message: str) -> None:
    """A missing or malformed baseline: exit 2 with `bad-baseline`, before anything is solved."""
    if content is not None:
        (ds / "b.json").write_text(content, encoding="utf-8")
    r = run("check", "ds", "--baseline", "b.json", cwd=ds)
    assert 2 == r.returncode
    assert message in r.stderr and "[bad-baseline]" in r.stderr


@pytest.mark.skipif(not (SEED / "claims.yaml").exists(), reason="the seed dataset is not there")
def test_the_seed_baselines_and_checks_clean(tmp_path: Path) -> None:
    """The seed article, baselined, checks with exit 0 and suppresses every one of its findings."""
    shutil.copytree(SEED, tmp_path / "seed")
    r = run("baseline", "seed", "-o", "baseline.json", cwd=tmp_path)
    assert 0 == r.returncode, r.stderr
    doc = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))
    validate_report(doc)
    n = len(doc["findings"])
    assert n == doc["summary"]["failing"] > 0
    r = run("check", "seed", "--baseline", "baseline.json", cwd=tmp_path)
    assert 0 == r.returncode, r.stdout
    assert f"0 new findings; {n} known findings suppressed; 0 baseline entries fixed" in r.stdout


# --------------------------------------------------------------------------- pre-commit


def test_pre_commit_hooks_run_the_gates(repo: Path) -> None:
    """The hooks' entries are real commands: `claims-check-new` passes a reformatting and fails a new clash."""
    hooks = {h["id"]: h for h in YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert {"claims-check", "claims-check-new"} == set(hooks)
    assert {("python", False)} == {(h["language"], h["pass_filenames"]) for h in hooks.values()}

    def hook(hook_id: str, *args: str) -> int:
        entry = hooks[hook_id]["entry"].split()
        assert "claims" == entry[0]
        return run(*entry[1:], *args, cwd=repo).returncode

    reformat(repo)
    assert (0, 1) == (hook("claims-check-new", "ds"), hook("claims-check", "ds"))
    git(repo, "checkout", "--", "ds")
    changed_date(repo)
    assert 1 == hook("claims-check-new", "ds")
