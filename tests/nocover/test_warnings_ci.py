"""Lint warnings reach CI: JSON, SARIF and JUnit carry them; `--fail-on-warnings` makes them fail
(issue 16, item 8).

The dataset is written here: a pump's flow rate, spelt ``flow_rate`` in two claims and
``flowrate`` in one (the rarer spelling, so the one blamed as the likely typo), and nothing
else to find. Every test runs the real command in a temporary folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from junitparser import Failure, JUnitXml

import claims
from claims._front.lint import CHECKS
from claims._report import json_report
from claims._report.records import warning_records
from claims._report.render import render

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SARIF_SCHEMA = json.loads((DATA / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
REPORT_SCHEMA = json.loads(json_report.schema_path().read_text(encoding="utf-8"))
CLAIMS_FILE = "ds/pump/claims.yaml"

DOCUMENT = (
    "The pump moved 40 litres a minute on Monday. On Tuesday the flow was over 30 litres a "
    "minute. On Wednesday it moved under 50 litres a minute.\n"
)
CLAIMS = """\
document: doc.txt
declarations: |
  const flow_rate: int
  const flowrate: int
sources:
  eng: {name: Site engineer}
claims:
  - id: monday
    source: eng
    said: 2016-03-14
    quote: The pump moved 40 litres a minute on Monday
    formula: flow_rate = 40
  - id: tuesday
    source: eng
    said: 2016-03-15
    quote: On Tuesday the flow was over 30 litres a minute
    formula: flowrate > 30
  - id: wednesday
    source: eng
    said: 2016-03-16
    quote: On Wednesday it moved under 50 litres a minute
    formula: flow_rate < 50
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``claims ARGS`` in ``cwd``, with the repository's cli.py first on the path."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300, check=False
    )


def validate_report(doc: Any) -> None:
    jsonschema.Draft202012Validator(
        REPORT_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(doc)


def validate_sarif(doc: Any) -> None:
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(doc)


def write(root: Path, text: str = CLAIMS) -> Path:
    """The pump dataset under ``root/ds/pump``; returns ``root``."""
    d = root / "ds" / "pump"
    d.mkdir(parents=True, exist_ok=True)
    (d / "doc.txt").write_text(DOCUMENT, encoding="utf-8")
    (d / "claims.yaml").write_text(text, encoding="utf-8")
    return root


def place_of(text: str, claim_id: str) -> tuple[int, int]:
    """Line and 1-based column of the claim ``claim_id`` in ``text`` (its ``id`` key, where the
    loader places a claim)."""
    for k, line in enumerate(text.splitlines(), start=1):
        if line.lstrip(" -").startswith(f"id: {claim_id}") and line.endswith(claim_id):
            return k, line.index("id:") + 1
    raise AssertionError(f"no claim {claim_id}")


@pytest.fixture
def pump(tmp_path: Path) -> Path:
    return write(tmp_path)


def test_the_typo_is_a_warning_in_json_sarif_and_junit_and_fails_nothing(pump: Path) -> None:
    """`flowrate` beside `flow_rate`: one `similar-symbols` warning at the `flowrate` claim's place, in
    the three machine formats, with one fingerprint; the run exits 0 and no JUnit testcase fails."""
    line, column = place_of(CLAIMS, "tuesday")
    out = {fmt: run("check", "ds", "--format", fmt, cwd=pump) for fmt in ("json", "sarif", "junit")}
    assert dict.fromkeys(out, 0) == {fmt: r.returncode for fmt, r in out.items()}, out["json"].stderr

    doc = json.loads(out["json"].stdout)
    validate_report(doc)
    [w] = doc["warnings"]
    assert {
        "code": "similar-symbols",
        "level": "warning",
        "failing": False,
        "file": CLAIMS_FILE,
        "line": line,
        "column": column,
    } == {k: w[k] for k in ("code", "level", "failing", "file", "line", "column")}
    assert w["message"].startswith("'flowrate' and 'flow_rate' differ only by one letter")
    assert ([], 0, 1, 0) == (doc["findings"], doc["exit_code"], doc["summary"]["warnings"], doc["summary"]["failing"])

    sarif = json.loads(out["sarif"].stdout)
    validate_sarif(sarif)
    [run_] = sarif["runs"]
    [result] = run_["results"]
    rule = run_["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert ("similar-symbols", "warning") == (result["ruleId"], result["level"])
    assert ("similar-symbols", "warning") == (rule["id"], rule["defaultConfiguration"]["level"])
    assert {"artifactLocation": {"uri": CLAIMS_FILE}, "region": {"startLine": line, "startColumn": column}} == (
        result["locations"][0]["physicalLocation"]
    )
    assert w["fingerprint"] == result["partialFingerprints"]["claimsFingerprint/v1"]
    assert {"executionSuccessful": True, "exitCode": 0} == run_["invocations"][0]

    xml = JUnitXml.fromstring(out["junit"].stdout)
    assert (0, 0) == (xml.failures, xml.errors)
    [case] = [c for suite in xml if suite.name == "warnings" for c in suite]
    assert ([], CLAIMS_FILE, str(line)) == (list(case.result), case._elem.get("file"), case._elem.get("line"))
    assert f"{CLAIMS_FILE}:{line}:{column}: warning: {w['message']}  [similar-symbols]" in case.system_out
    assert w["fingerprint"] in case.system_out


def test_every_lint_code_is_a_sarif_rule_described_by_its_check() -> None:
    """`tool.driver.rules` has a reportingDescriptor per lint code whatever was found, after the finding
    kinds, described by the code's registered text and its check's docstring."""
    report = claims.check(claims.load(DATA / "ci"))
    rules = json.loads(render("sarif", report))["runs"][0]["tool"]["driver"]["rules"]
    lint_rules = {r["id"]: r for r in rules[5:]}
    assert list(CHECKS) == list(lint_rules)
    for code, check in CHECKS.items():
        r = lint_rules[code]
        assert claims._base.errors.ERROR_CODES[code].description == r["shortDescription"]["text"]
        assert r["fullDescription"]["text"].startswith((check.__doc__ or "").strip().split("\n")[0])


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "html"])
def test_fail_on_warnings_turns_the_warning_into_a_failure(pump: Path, fmt: str) -> None:
    """Without the flag the run exits 0; with `--fail-on-warnings` it exits 1, in every format, and the
    machine formats say the warning fails."""
    assert 0 == run("check", "ds", "--format", fmt, cwd=pump).returncode
    r = run("check", "ds", "--format", fmt, "--fail-on-warnings", cwd=pump)
    assert 1 == r.returncode, r.stderr
    if fmt == "json":
        doc = json.loads(r.stdout)
        validate_report(doc)
        assert (1, [True]) == (doc["exit_code"], [w["failing"] for w in doc["warnings"]])
    elif fmt == "sarif":
        sarif = json.loads(r.stdout)
        validate_sarif(sarif)
        [run_] = sarif["runs"]
        assert (1, [True]) == (
            run_["invocations"][0]["exitCode"],
            [x["properties"]["failing"] for x in run_["results"]],
        )
    elif fmt == "junit":
        xml = JUnitXml.fromstring(r.stdout)
        [case] = [c for suite in xml if suite.name == "warnings" for c in suite]
        assert (1, ["similar-symbols"]) == (xml.failures, [x.type for x in case.result if isinstance(x, Failure)])
    elif fmt == "text":
        assert r.stdout.endswith("1 warning fails this check (--fail-on-warnings)\n")


def test_a_warning_changes_no_finding_and_no_junit_failure(ds: Path) -> None:
    """Adding a claim that brings a warning (and no finding) to the CI dataset leaves every finding's
    fingerprint, the exit code and the JUnit failure count as they were; JUnit gains a passing test."""
    before = {fmt: run("check", "ds", "--format", fmt, cwd=ds) for fmt in ("json", "junit")}
    f = ds / "ds" / "withdrawal" / "claims.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(
        text.replace("rules: [events]\n", "rules: [events]\ndeclarations: |\n  const aircraft_totals: int\n")
        + textwrap.indent(
            textwrap.dedent("""\
                     - id: a3
                       source: ministry
                       said: 2016-03-15
                       quote: at least 40 aircraft at the base
                       formula: aircraft_totals >= 40
                     """),
            "  ",
        ),
        encoding="utf-8",
    )
    after = {fmt: run("check", "ds", "--format", fmt, cwd=ds) for fmt in ("json", "junit")}
    assert [1, 1] == [after["json"].returncode, after["junit"].returncode], after["json"].stderr
    old, new = json.loads(before["json"].stdout), json.loads(after["json"].stdout)
    validate_report(new)
    assert [f["fingerprint"] for f in old["findings"]] == [f["fingerprint"] for f in new["findings"]]
    assert ([], ["similar-symbols"]) == ([w["code"] for w in old["warnings"]], [w["code"] for w in new["warnings"]])
    x_old, x_new = JUnitXml.fromstring(before["junit"].stdout), JUnitXml.fromstring(after["junit"].stdout)
    assert (x_old.failures, x_old.errors, x_old.tests + 1) == (x_new.failures, x_new.errors, x_new.tests)


def test_a_warnings_fingerprint_survives_moves_and_reformatting(tmp_path: Path) -> None:
    """Lines added above, claims reordered: the warning moves, its fingerprint stays; a change of the
    blamed claim's formula changes it."""

    def warning(text: str, where: str) -> dict[str, Any]:
        report = claims.check(claims.load(write(tmp_path / where, text) / "ds"))
        [w] = warning_records(report)
        return w.to_json()

    first = warning(CLAIMS, "a")
    head, _, items = CLAIMS.partition("claims:\n")
    blocks = ["  - id: " + b for b in items.split("  - id: ")[1:]]
    moved_text = "# a comment\n\n" + head + "claims:\n" + "".join(reversed(blocks))
    moved = warning(moved_text, "b")
    assert (place_of(moved_text, "tuesday")[0], first["fingerprint"]) == (moved["line"], moved["fingerprint"])
    assert moved["line"] != first["line"]
    edited = warning(CLAIMS.replace("flowrate > 30", "flowrate > 31"), "c")
    assert first["fingerprint"] != edited["fingerprint"]


def test_baselines_old_and_new_with_and_without_the_flag(pump: Path) -> None:
    """A baseline written before warnings were recorded (no `warnings`) still works: nothing new
    without the flag; under the flag the warning is new. A baseline written now knows it."""
    assert 0 == run("baseline", "ds", "-o", "new.json", cwd=pump).returncode
    new = json.loads((pump / "new.json").read_text(encoding="utf-8"))
    validate_report(new)
    assert ["similar-symbols"] == [w["code"] for w in new["warnings"]]
    old = {k: v for k, v in new.items() if k != "warnings"}
    old["summary"] = {k: v for k, v in old["summary"].items() if k != "warnings"}
    validate_report(old)  # a document of an earlier release is still schema version 1
    (pump / "old.json").write_text(json.dumps(old), encoding="utf-8")

    def code(baseline: str, *flags: str) -> int:
        return run("check", "ds", "--baseline", baseline, *flags, cwd=pump).returncode

    assert [0, 1, 0, 0] == [
        code("old.json"),
        code("old.json", "--fail-on-warnings"),
        code("new.json"),
        code("new.json", "--fail-on-warnings"),
    ]
    r = run("check", "ds", "--baseline", "old.json", "--fail-on-warnings", "--format", "json", cwd=pump)
    doc = json.loads(r.stdout)
    validate_report(doc)
    assert ([("similar-symbols", "new")], 1, 0) == (
        [(w["code"], w["baseline_state"]) for w in doc["warnings"]],
        doc["gate"]["new"],
        doc["gate"]["unchanged"],
    )
    r = run("check", "ds", "--baseline", "new.json", "--fail-on-warnings", "--format", "sarif", cwd=pump)
    validate_sarif(sarif := json.loads(r.stdout))
    assert ["unchanged"] == [x["baselineState"] for x in sarif["runs"][0]["results"]]
    r = run("check", "ds", "--baseline", "new.json", "--fail-on-warnings", "--format", "junit", cwd=pump)
    xml = JUnitXml.fromstring(r.stdout)
    [case] = [c for suite in xml if suite.name == "warnings" for c in suite]
    assert (0, 0, True) == (r.returncode, xml.failures, case.system_out.startswith("known warning suppressed"))


def test_since_fails_only_on_a_new_warning_under_the_flag(pump: Path) -> None:
    """`--since HEAD --fail-on-warnings`: the committed warning is known (exit 0); a new typo fails."""

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", *args],
            cwd=pump,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", "ds")
    git("commit", "-qm", "pump")
    assert 0 == run("check", "ds", "--since", "HEAD", "--fail-on-warnings", cwd=pump).returncode
    f = pump / CLAIMS_FILE
    f.write_text(
        f.read_text(encoding="utf-8")
        .replace("const flowrate: int", "const flowrate: int\n  const pressur: int")
        .replace("formula: flow_rate < 50", "formula: flow_rate < 50 and pressur > 1"),
        encoding="utf-8",
    )
    r = run("check", "ds", "--since", "HEAD", "--fail-on-warnings", "--format", "json", cwd=pump)
    assert 1 == r.returncode, r.stderr
    doc = json.loads(r.stdout)
    assert [("similar-symbols", "unchanged"), ("symbol-once", "new")] == sorted(
        (w["code"], w["baseline_state"]) for w in doc["warnings"]
    )
    assert 0 == run("check", "ds", "--since", "HEAD", cwd=pump).returncode


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit"])
def test_warnings_are_byte_identical_across_runs(pump: Path, fmt: str) -> None:
    """Two runs, one with a cache and one without, give the same bytes."""
    first = run("check", "ds", "--format", fmt, cwd=pump)
    second = run("check", "ds", "--format", fmt, "--no-cache", "--output", "report.out", cwd=pump)
    assert ("", 0) == (second.stdout, second.returncode)
    assert first.stdout.encode("utf-8") == (pump / "report.out").read_bytes()
