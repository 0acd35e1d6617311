"""End-to-end (issue 20): repairs, reliability and tolerant readings through the real `claims check`.

The dataset is the issue's trial in miniature: two sources disagree on how much oil was spilled,
so both conclusions are ``vacuous``, as they were before repairs; each now gets its readings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from claims._report.json_report import schema_path

CLAIMS = str(Path(sys.executable).parent / "claims")

ARTICLE = (
    "The encyclopedia says about 500 tonnes of oil were spilled. The press release says at least 800 tonnes "
    "were spilled. Crews recovered 300 tonnes. Most of the oil was never recovered. Less oil was recovered "
    "than was spilled.\n"
)

HEAD = """\
document: article.txt
declarations: |
  const spilled_tonnes, recovered_tonnes: int
outlet_reliability: {Congress: OUTLET}
sources:
  wiki:
    name: Wikipedia
    via: Wikipedia
    reliability: WIKI
  press:
    name: Press release
    via: Congress
  crews:
    name: Coast Guard
claims:
"""

CLAIMS_YAML = """\
  - {id: wiki-500, source: wiki, said: 2010-05-01, quote: "about 500 tonnes of oil were spilled",
     formula: spilled_tonnes is about 500}
  - {id: press-800, source: press, said: 2010-05-01, quote: "at least 800 tonnes were spilled",
     formula: spilled_tonnes is at least 800}
  - {id: crews-300, source: crews, said: 2010-05-01, quote: "Crews recovered 300 tonnes",
     formula: recovered_tonnes = 300}
  - {id: most-not-recovered, source: press, said: 2010-05-01, quote: "Most of the oil was never recovered",
     formula: 2 * recovered_tonnes < spilled_tonnes, kind: conclusion}
  - {id: less-recovered, source: wiki, said: 2010-05-01, quote: "Less oil was recovered than was spilled",
     formula: recovered_tonnes < spilled_tonnes, kind: conclusion}
"""


def dataset(tmp: Path, wiki: str = "0.9", outlet: str = "0.5") -> Path:
    d = tmp / "spill"
    d.mkdir(exist_ok=True)
    (d / "article.txt").write_text(ARTICLE, encoding="utf-8")
    text = HEAD.replace("OUTLET", outlet).replace("WIKI", wiki) + CLAIMS_YAML
    (d / "claims.yaml").write_text(text, encoding="utf-8")
    return d


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLAIMS, *args], capture_output=True, text=True, timeout=300)


def readings(doc: dict[str, object], conclusion: str) -> dict[str, dict[str, object]]:
    findings = doc["findings"]
    assert isinstance(findings, list)
    (f,) = [f for f in findings if f["kind"] == "conclusion" and f["claims"][0]["id"] == conclusion]
    assert f["verdict"] == "vacuous"  # the strict verdict stays
    return {r["semantics"]: r for r in f["readings"]}


def test_vacuous_conclusions_get_tolerant_readings(tmp_path: Path) -> None:
    d = dataset(tmp_path)
    res = run("check", "--no-cache", "--format", "json", str(d))
    assert res.returncode == 1, res.stderr
    doc = json.loads(res.stdout)
    jsonschema.Draft202012Validator(json.loads(schema_path().read_text(encoding="utf-8"))).validate(doc)
    most = readings(doc, "most-not-recovered")
    # the two repairs disagree: 800 tonnes makes it follow, about 500 refutes it
    assert most["AR"]["verdict"] == "unsupported"
    assert most["brave"]["verdict"] == "supported" and most["brave"]["set_aside"] == ["wiki-500"]
    assert most["IAR"]["verdict"] == "unsupported" and most["IAR"]["set_aside"] == ["wiki-500", "press-800"]
    # the press release's outlet is trusted less (0.5 < 0.9): the preferred repair sets it aside
    assert most["preferred"]["verdict"] == "refuted" and most["preferred"]["set_aside"] == ["press-800"]
    assert most["preferred"]["premises"] == ["wiki-500", "crews-300"]
    less = readings(doc, "less-recovered")
    assert less["AR"]["verdict"] == "supported" and less["IAR"]["verdict"] == "unsupported"
    (conflict,) = doc["conflicts"]
    assert conflict["repairs"] == [["wiki-500"], ["press-800"]] and conflict["preferred"] == ["press-800"]
    assert doc["culprits"]["claims"][0]["name"] == "press-800"
    text = run("check", "--no-cache", str(d)).stdout
    assert text.index("Conclusions (2)") < text.index("Contradictions (1)")  # the readings lead
    assert "preferred  REFUTED" in text and "the preferred fix (least total weight) sets aside press-800" in text


def test_reliability_changes_only_the_preferred_reading(tmp_path: Path) -> None:
    """Trusting the press release more than the encyclopedia flips the preferred repair, and nothing else."""
    doc = json.loads(run("check", "--no-cache", "--format", "json", str(dataset(tmp_path, wiki="0.3"))).stdout)
    most = readings(doc, "most-not-recovered")
    assert most["preferred"]["verdict"] == "supported" and most["preferred"]["set_aside"] == ["wiki-500"]
    assert most["AR"]["verdict"] == "unsupported" and most["brave"]["verdict"] == "supported"


@pytest.mark.parametrize(
    ("wiki", "outlet", "where", "what"),
    [
        ("0", "0.5", ":9:18:", "the reliability of source 'wiki' must be a number greater than 0 and at most 1"),
        ("1.5", "0.5", ":9:18:", "not 1.5"),
        ("yes", "0.5", ":9:18:", "not 'yes'"),
        ("0.9", "-1", ":4:32:", "the reliability of outlet 'Congress' must be a number greater than 0"),
    ],
)
def test_a_bad_reliability_is_an_error_at_its_place(
    tmp_path: Path, wiki: str, outlet: str, where: str, what: str
) -> None:
    res = run("check", "--no-cache", str(dataset(tmp_path, wiki=wiki, outlet=outlet)))
    assert res.returncode == 2
    line = res.stderr.splitlines()[0]
    assert "claims.yaml" + where in line and what in line and "[field-type]" in line, res.stderr
    assert "Traceback" not in res.stderr


def test_a_truncated_enumeration_lists_no_repair_and_decides_no_reading(tmp_path: Path) -> None:
    """Under --max the MUSes may not all be known: no hitting set of them is presented as a repair."""
    doc = json.loads(run("check", "--no-cache", "--max", "1", "--format", "json", str(dataset(tmp_path))).stdout)
    (conflict,) = doc["conflicts"]
    assert not conflict["complete"] and conflict["repairs"] == [] and "--max" in conflict["reason"]
    for r in readings(doc, "most-not-recovered").values():
        assert r["verdict"] == "unknown" and r["reason"]
