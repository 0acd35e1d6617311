"""The machine formats of `claims check`: JSON, SARIF 2.1.0 and JUnit XML, end to end.

Every test runs the real command on real files in a temporary folder. The
dataset is ``tests/data/ci/``: one contradiction (m1, g1), a supported (c1),
a refuted (c2) and an unsupported (c3) conclusion.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

import claims
from claims._front.lint import CHECKS
from claims._report import json_report
from claims._report.findings import Unknown, fingerprint
from claims._report.records import finding_records
from claims._report.render import render

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SARIF_SCHEMA = json.loads((DATA / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
REPORT_SCHEMA = json.loads(json_report.schema_path().read_text(encoding="utf-8"))
CLAIMS_FILE = "ds/withdrawal/claims.yaml"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``claims ARGS`` in ``cwd``, with the repository's cli.py first on the path.

    (An installed copy of cli.py can lag behind the working tree: hatch copies
    it into site-packages instead of linking it.)
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )


def validate_report(doc: Any) -> None:
    """Validate a JSON report against the schema shipped in the package (dates checked too)."""
    jsonschema.Draft202012Validator(
        REPORT_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(doc)


def validate_sarif(doc: Any) -> None:
    """Validate SARIF against the official OASIS schema (draft-04)."""
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(doc)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """The dataset with input errors: a misspelt field (so a missing one) and a quote not in the article."""
    where = tmp_path / "broken"
    shutil.copytree(DATA / "ci", where / "ds")
    f = where / CLAIMS_FILE
    text = f.read_text(encoding="utf-8")
    text = text.replace("source: general\n    said:", "source: general\n    sayd:").replace(
        "quote: Forty aircraft left the base", "quote: Fifty aircraft left the base"
    )
    f.write_text(text, encoding="utf-8")
    return where


def clean(tmp_path: Path) -> Path:
    """The dataset with its failing claims taken out: nothing to report."""
    shutil.copytree(DATA / "ci", tmp_path / "ds", dirs_exist_ok=True)
    f = tmp_path / CLAIMS_FILE
    text = f.read_text(encoding="utf-8")
    head, _, items = text.partition("claims:\n")
    kept = [b for b in items.split("  - id: ")[1:] if b.split("\n", 1)[0] in ("s1", "s2", "a2", "c1")]
    f.write_text(head + "claims:\n" + "".join("  - id: " + b for b in kept), encoding="utf-8")
    return tmp_path


# --------------------------------------------------------------------------- json


def test_json_validates_and_names_everything(ds: Path) -> None:
    """`--format json` validates against the shipped schema and names claims, rules and evidence."""
    r = run("check", "ds", "--format", "json", cwd=ds)
    assert 1 == r.returncode, r.stderr
    doc = json.loads(r.stdout)
    validate_report(doc)
    assert 2 == doc["schema_version"]
    assert {
        "name": "claims",
        "version": claims.__version__,
        "seed": 42,
        "timeout": 30.0,
        "max_per_component": None,
    } == {k: v for k, v in doc["tool"].items() if k != "z3_version"}
    assert doc["tool"]["z3_version"].startswith("5.")
    assert 1 == doc["exit_code"]
    by_kind = {(f["kind"], f.get("verdict")): f for f in doc["findings"]}
    assert {
        ("contradiction", None),
        ("conclusion", "supported"),
        ("conclusion", "refuted"),
        ("conclusion", "unsupported"),
    } == set(by_kind)
    contra = by_kind["contradiction", None]
    assert ["m1", "g1"] == [c["id"] for c in contra["claims"]]
    m1 = contra["claims"][0]
    assert {
        "id": "m1",
        "source": "Sergei Shoigu",
        "via": "Tass",
        "quote": "about 4000 troops were deployed in Syria",
        "file": CLAIMS_FILE,
        "line": 15,
        "column": 5,
    } == {k: m1[k] for k in ("id", "source", "via", "quote", "file", "line", "column")}
    assert (True, "error") == (contra["failing"], contra["level"])
    refuted = by_kind["conclusion", "refuted"]
    assert ["c2"] == [c["id"] for c in refuted["claims"]]
    assert ["a1"] == [p["id"] for p in refuted["premises"]]
    unsupported = by_kind["conclusion", "unsupported"]
    assert [{"symbol": "aircraft_total", "value": "40"}] == unsupported["countermodel"]
    supported = by_kind["conclusion", "supported"]
    assert (False, "note") == (supported["failing"], supported["level"])
    assert ["a2"] == [p["id"] for p in supported["premises"]]
    assert 3 == doc["summary"]["failing"]


def test_json_rules_are_named_with_their_place(ds: Path) -> None:
    """A contradiction that needs a rule names it with its rule set, file and line."""
    f = ds / CLAIMS_FILE
    f.write_text(
        f.read_text(encoding="utf-8").replace("announced = 2016-03-14", "announced = 2016-03-16"), encoding="utf-8"
    )
    r = run("check", "ds", "--format", "json", cwd=ds)
    doc = json.loads(r.stdout)
    validate_report(doc)
    [contra] = [f for f in doc["findings"] if f["kind"] == "contradiction" and f["rules"]]
    assert ["s1", "s2"] == [c["id"] for c in contra["claims"]]
    assert [{"id": "announced-first", "rule_set": "events", "file": "ds/rules/events.rules", "line": 10}] == [
        {k: r[k] for k in ("id", "rule_set", "file", "line")} for r in contra["rules"]
    ]


def test_json_input_errors_are_json_on_stdout(broken: Path) -> None:
    """Input errors under `--format json`: exit 2, a report of `error` findings on stdout, diagnostics on stderr."""
    r = run("check", "ds", "--format", "json", cwd=broken)
    assert 2 == r.returncode
    doc = json.loads(r.stdout)
    validate_report(doc)
    assert (2, None) == (doc["exit_code"], doc["stats"])
    assert [("error", "missing-field", 20), ("error", "unknown-field", 22), ("error", "quote-not-found", 48)] == [
        (f["kind"], f["code"], f["line"]) for f in doc["findings"]
    ]
    [misspelt] = [f for f in doc["findings"] if f["code"] == "unknown-field"]
    assert misspelt["message"].startswith("unknown field 'sayd' in claim 'g1'")
    assert "did you mean 'said'?" in misspelt["message"] + str(misspelt["hint"])
    assert "error: unknown field 'sayd' in claim 'g1'" in r.stderr


def test_json_input_errors_to_output_file(broken: Path) -> None:
    """With `--output`, the error report goes to the file and stdout stays empty."""
    r = run("check", "ds", "--format", "json", "--output", "out/report.json", cwd=broken)
    assert (2, "") == (r.returncode, r.stdout)
    validate_report(json.loads((broken / "out" / "report.json").read_text(encoding="utf-8")))


def test_schema_ships_in_the_wheel(tmp_path: Path) -> None:
    """The JSON schema is package data: the wheel holds it next to the code.

    Installed from a wheel (as .ci/run does), the installed files must list
    it; installed editable, the wheel is built here (with hatchling, the
    build backend, when this environment has it).
    """
    installed = {Path(str(f)).as_posix() for f in importlib.metadata.files("claims-check") or ()}
    if "claims/_report/json_report.py" in installed:
        assert "claims/" + json_report.SCHEMA_FILE in installed
        return
    pytest.importorskip("hatchling", reason="an editable install without the build backend builds no wheel")
    r = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert 0 == r.returncode, r.stderr
    [wheel] = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as z:
        shipped = json.loads(z.read("claims/" + json_report.SCHEMA_FILE))
    assert REPORT_SCHEMA == shipped


# --------------------------------------------------------------------------- sarif


def test_sarif_validates_against_the_official_schema(ds: Path) -> None:
    """`--format sarif` is valid SARIF 2.1.0 with rule ids, levels, places and fingerprints."""
    r = run("check", "ds", "--format", "sarif", cwd=ds)
    assert 1 == r.returncode, r.stderr
    sarif = json.loads(r.stdout)
    validate_sarif(sarif)
    [run_] = sarif["runs"]
    driver = run_["tool"]["driver"]
    assert ("claims", claims.__version__) == (driver["name"], driver["version"])
    assert {"seed": 42, "timeout": 30.0} == {k: driver["properties"][k] for k in ("seed", "timeout")}
    assert ["contradiction", "conclusion", "unknown", "rule-conflict", "error", *CHECKS] == [
        x["id"] for x in driver["rules"]
    ]
    results = run_["results"]
    assert [("contradiction", "error"), ("conclusion", "error"), ("conclusion", "warning")] == [
        (x["ruleId"], x["level"]) for x in results
    ]
    for x in results:
        assert driver["rules"][x["ruleIndex"]]["id"] == x["ruleId"]
        assert "baselineState" not in x
    contra = results[0]
    loc = contra["locations"][0]["physicalLocation"]
    assert {"uri": CLAIMS_FILE} == loc["artifactLocation"]
    assert {"startLine": 15, "startColumn": 5} == loc["region"]
    [rel] = contra["relatedLocations"]
    assert {"startLine": 20, "startColumn": 5} == rel["physicalLocation"]["region"]
    assert "[g1](1)" in contra["message"]["text"]
    json_doc = json.loads(run("check", "ds", "--format", "json", cwd=ds).stdout)
    assert [f["fingerprint"] for f in json_doc["findings"] if f["failing"]] == [
        x["partialFingerprints"]["claimsFingerprint/v1"] for x in results
    ]
    refuted = results[1]
    assert "refuted" == refuted["properties"]["verdict"]
    assert ["premise a1"] == [x["message"]["text"].split(" (")[0] for x in refuted["relatedLocations"]]


def test_sarif_rule_locations_and_input_errors(ds: Path, broken: Path) -> None:
    """Rules are related locations; input errors give a valid SARIF of `error` results and exit 2."""
    f = ds / CLAIMS_FILE
    f.write_text(
        f.read_text(encoding="utf-8").replace("announced = 2016-03-14", "announced = 2016-03-16"), encoding="utf-8"
    )
    sarif = json.loads(run("check", "ds", "--format", "sarif", cwd=ds).stdout)
    validate_sarif(sarif)
    [with_rule] = [x for x in sarif["runs"][0]["results"] if "announced-first" in x["message"]["text"]]
    assert ["ds/rules/events.rules"] == [
        x["physicalLocation"]["artifactLocation"]["uri"]
        for x in with_rule["relatedLocations"]
        if x["message"]["text"].startswith("rule ")
    ]

    r = run("check", "ds", "--format", "sarif", cwd=broken)
    assert 2 == r.returncode
    sarif = json.loads(r.stdout)
    validate_sarif(sarif)
    [run_] = sarif["runs"]
    assert {"executionSuccessful": False, "exitCode": 2} == run_["invocations"][0]
    assert [("error", 20), ("error", 22), ("error", 48)] == [
        (x["ruleId"], x["locations"][0]["physicalLocation"]["region"]["startLine"]) for x in run_["results"]
    ]


# --------------------------------------------------------------------------- junit


def junit(text: str) -> dict[str, tuple[str, str | None]]:
    """Parse JUnit XML with junitparser: testcase name → (result, failure type)."""
    xml = JUnitXml.fromstring(text)
    out = {}
    for suite in xml:
        for case in suite:
            results = case.result
            kind = "passed"
            if any(isinstance(x, Failure) for x in results):
                kind = "failure"
            elif any(isinstance(x, Error) for x in results):
                kind = "error"
            elif any(isinstance(x, Skipped) for x in results):
                kind = "skipped"
            out[case.name] = (kind, results[0].type if results else None)
    return out


def test_junit_parses_with_a_testcase_per_file_conclusion_and_rule_set(ds: Path) -> None:
    """JUnit: a claim file fails with its contradiction, each conclusion is a testcase, passing ones pass."""
    r = run("check", "ds", "--format", "junit", cwd=ds)
    assert 1 == r.returncode, r.stderr
    assert {
        CLAIMS_FILE: ("failure", "contradiction"),
        "c1": ("passed", None),
        "c2": ("failure", "conclusion"),
        "c3": ("failure", "conclusion"),
        "ds/rules/events.rules": ("passed", None),
        "conflict 1": ("passed", None),  # the repairs: notes, the contradiction fails its file's testcase
        "culprits": ("passed", None),
    } == junit(r.stdout)
    xml = JUnitXml.fromstring(r.stdout)
    assert (7, 3, 0) == (xml.tests, xml.failures, xml.errors)
    files = next(iter(xml))
    props = {p.name: p.value for p in files.properties()}  # type: ignore[no-untyped-call]  # junitparser: no hints
    assert {"claims.version": claims.__version__, "seed": "42", "timeout": "30.0"} == {
        k: props[k] for k in ("claims.version", "seed", "timeout")
    }
    assert props["z3.version"]
    failure = next(iter(files)).result[0]
    assert "m1" in failure.text and '"fewer than 1000 troops were deployed there"' in failure.text


def test_junit_allow_unsupported_and_input_errors(ds: Path, broken: Path) -> None:
    """`--allow-unsupported` passes the unsupported conclusion; input errors become `<error>` testcases."""
    r = run("check", "ds", "--format", "junit", "--allow-unsupported", cwd=ds)
    assert ("passed", None) == junit(r.stdout)["c3"]
    r = run("check", "ds", "--format", "junit", cwd=broken)
    assert 2 == r.returncode
    assert {CLAIMS_FILE: ("error", "error")} == junit(r.stdout)
    [suite] = list(JUnitXml.fromstring(r.stdout))
    [case] = list(suite)
    assert "unknown field 'sayd'" in case.result[0].text


# --------------------------------------------------------------------------- every format


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
def test_exit_codes_are_the_same_in_every_format(fmt: str, tmp_path: Path) -> None:
    """0 nothing found, 1 findings, 2 input error, whatever the format."""
    ok, found, bad = tmp_path / "ok", tmp_path / "found", tmp_path / "bad"
    clean(ok)
    shutil.copytree(DATA / "ci", found / "ds")
    shutil.copytree(DATA / "ci", bad / "ds")
    (bad / CLAIMS_FILE).write_text("claims: [", encoding="utf-8")
    assert [0, 1, 2] == [run("check", "ds", "--format", fmt, cwd=d).returncode for d in (ok, found, bad)]


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit"])
def test_output_is_byte_identical_across_runs(fmt: str, ds: Path) -> None:
    """Two runs give the same bytes, on stdout and through `--output`."""
    first = run("check", "ds", "--format", fmt, cwd=ds)
    second = run("check", "ds", "--format", fmt, "--output", "report.out", cwd=ds)
    assert ("", 1) == (second.stdout, second.returncode)
    assert first.stdout.encode("utf-8") == (ds / "report.out").read_bytes()


def test_rule_conflicts_and_undecided_parts_in_every_format(tmp_path: Path) -> None:
    """Rule conflicts and undecided parts (rare, so built here) render valid JSON, SARIF and JUnit."""
    shutil.copytree(DATA / "ci", tmp_path / "ds")
    rules = tmp_path / "ds" / "rules" / "events.rules"
    rules.write_text(
        rules.read_text(encoding="utf-8")
        + '\nrule few: "Few aircraft"\n  aircraft_total < 10\n'
        + 'rule many: "Many aircraft"\n  aircraft_total > 20\n',
        encoding="utf-8",
    )
    report = claims.check(claims.load(tmp_path / "ds"))
    assert 1 == len(report.rule_conflicts)
    recs = finding_records(report)
    validate_report(json.loads(render("json", report)))
    validate_sarif(json.loads(render("sarif", report)))
    assert ["rule-conflict"] == [r.kind for r in recs]
    cases = junit(render("junit", report))
    assert ("skipped", None) == cases["c1"]
    assert ("failure", "rule-conflict") == cases[str(rules)]

    ds = claims.load(DATA / "ci")
    base = claims.check(ds)
    part = ds.claims[:2]
    undecided = attrs.evolve(
        base, unknowns=(Unknown(part, "timeout", 0, fingerprint("unknown", part, ())),), complete=False
    )
    doc = json.loads(render("json", undecided))
    validate_report(doc)
    [u] = [f for f in doc["findings"] if f["kind"] == "unknown"]
    assert ("timeout", "warning", True) == (u["reason"], u["level"], u["failing"])
    validate_sarif(json.loads(render("sarif", undecided)))
    assert "contradiction,unknown" == junit(render("junit", undecided))[ds.files[0]][1]


# --------------------------------------------------------------------------- the GitHub Action


def action_step(step_id_or_name: str) -> str:
    """The shell script of one step of ``action.yml``."""
    from ruamel.yaml import YAML

    action = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))
    [step] = [s for s in action["runs"]["steps"] if step_id_or_name in (s.get("id"), s.get("name"))]
    assert "bash" == step["shell"]
    return str(step["run"])


def test_action_checks_annotates_and_fails_on_findings(ds: Path, tmp_path: Path) -> None:
    """The action's check step writes SARIF, annotates each finding and reports the exit code; the
    last step fails on 1 (unless told not to) and always on 2."""
    shims = tmp_path / "bin"
    shims.mkdir()
    for name, command in (("claims", f'"{sys.executable}" -m cli "$@"'), ("python", f'"{sys.executable}" "$@"')):
        (shims / name).write_text(f"#!/bin/sh\nPYTHONPATH='{ROOT}' exec {command}\n", encoding="utf-8")
        (shims / name).chmod(0o755)
    outputs = tmp_path / "github_output"
    outputs.touch()
    env = {
        **os.environ,
        "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(outputs),
        "CLAIMS_PATHS": "ds",
        "CLAIMS_BASELINE": "",
        "CLAIMS_SINCE": "",
        "CLAIMS_TIMEOUT": "30",
        "CLAIMS_ALLOW_UNSUPPORTED": "false",
        "CLAIMS_SARIF": "claims.sarif",
        "CLAIMS_ANNOTATIONS": "true",
    }
    r = subprocess.run(
        ["bash", "-c", action_step("check")], cwd=ds, env=env, capture_output=True, text=True, timeout=300
    )
    assert 0 == r.returncode, r.stderr
    assert "exit-code=1\nsarif-file=claims.sarif\n" == outputs.read_text(encoding="utf-8")
    validate_sarif(json.loads((ds / "claims.sarif").read_text(encoding="utf-8")))
    lines = r.stdout.splitlines()
    assert 3 == len(lines)
    assert lines[0] == (
        f"::error file={CLAIMS_FILE},line=15,col=5,title=claims%3A contradiction::"
        "Claims m1 and g1 cannot both be true: Sergei Shoigu vs Western general. See g1."
    )

    def fail_step(code: str, fail: str) -> int:
        return subprocess.run(
            ["bash", "-c", action_step("Fail on findings")],
            capture_output=True,
            env={**os.environ, "CLAIMS_CODE": code, "CLAIMS_FAIL": fail},
        ).returncode

    assert [0, 1, 0, 2, 2] == [
        fail_step("0", "true"),
        fail_step("1", "true"),
        fail_step("1", "false"),
        fail_step("2", "false"),
        fail_step("", "true"),
    ]


def test_junit_keeps_findings_of_claims_built_in_code() -> None:
    """A claim added with `with_claim` has no file of the dataset: its finding fails the first file's testcase."""
    ds = claims.dataset([("a", "x > 5", "x is over five")], rules="const x: int")
    ds = claims.with_claim(ds, "z", "x > 5 and x < 3", "x is over five and under three")
    report = claims.check(ds)
    assert [["z"]] == [[c.id for c in k.claims] for k in report.contradictions]
    assert {
        "<claims>": ("failure", "contradiction"),
        "conflict 1": ("passed", None),
        "culprits": ("passed", None),
    } == junit(render("junit", report))
    validate_sarif(json.loads(render("sarif", report)))
    validate_report(json.loads(render("json", report)))
