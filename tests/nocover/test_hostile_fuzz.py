"""Whatever a pull request puts in a dataset, `claims check` ends cleanly and says what is wrong on one line.

Hypothesis writes claim files, rule files and FOLIO lines (mutations of valid
ones, and the hostile values the security review found: impossible dates,
huge numbers, YAML tags, control characters, lone surrogates, long names) and
runs the real command line in this process (click's runner), in every
format. For each input:

* the exit code is 0, 1 or 2 and nothing else escapes (no traceback);
* every diagnostic keeps its one-line form ``FILE:LINE:COL: error: MESSAGE  [code]``:
  each line on stderr is such a line, or an indented excerpt, caret or hint
  under one, or the closing count;
* the run ends in bounded time.
"""

from __future__ import annotations

import contextlib
import gc
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import cli
from tests.strategies import mutated

VALID = Path(__file__).resolve().parents[1] / "data" / "valid"
CLAIMS_TEXT = (VALID / "claims.yaml").read_text("utf-8")
RULES_TEXT = (VALID / "rules" / "mini.rules").read_text("utf-8")
FOLIO = Path(__file__).resolve().parents[1] / "data" / "folio" / "folio_v2_validation.jsonl"
FOLIO_LINE = FOLIO.read_text("utf-8").splitlines()[0]
SECONDS = 20.0  # per input, on a loaded machine; a bounded input takes well under one

DIAGNOSTIC = re.compile(r"^\S.*:\d+:\d+: (error|warning): [^\n]*  \[[a-z0-9-]+\]$")
UNDER_IT = re.compile(r"^  (\d+ \| .*| *\|? *\^+.*|hint: .*|  .*)$")
CLOSING = re.compile(r"^\d+ errors?; nothing was (checked|imported|written)$")
FORMATS = ("text", "json", "sarif", "junit", "html")
SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

HOSTILE_VALUES = [
    "9999-12",
    "9999-12-31",
    "0001-01-01",
    "2016-02-30",
    "1" * 4300,
    "-" + "9" * 5000,
    "!!float e",
    "!!binary AAAA",
    "!!python/object:os.system x",
    '"\\uD800"',
    '"\\x07bell"',
    '"a\\nb"',
    '"\\t"',
    '"\\u2028"',
    "x" * 10_001,
    "&a [*a, *a]",
    "*nowhere",
    "~",
    "[]",
    "{}",
    "1e309",
    ".nan",
    "-.inf",
    "/etc/passwd",
    "../../../../../../etc/passwd",
    "/dev/zero",
    "p and " * 20_000 + "p",
    "(" * 3000 + "p" + ")" * 3000,
]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile")
    shutil.copytree(VALID, path / "ds")
    return path


def _check(workdir: Path, claims_file: bytes, rules_file: bytes, fmt: str) -> None:
    (workdir / "ds" / "claims.yaml").write_bytes(claims_file)
    (workdir / "ds" / "rules" / "mini.rules").write_bytes(rules_file)
    _run(workdir, ["check", "ds", "--no-cache", "--format", fmt, "--jobs", "1", "--timeout", "5"])


def _run(workdir: Path, args: list[str]) -> None:
    runner = CliRunner()
    start = time.monotonic()
    try:
        with contextlib.chdir(workdir):
            result = runner.invoke(cli.main, args, catch_exceptions=True)
    finally:
        gc.enable()  # `check` turns the collector off for its one run: not for the test process
    took = time.monotonic() - start
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr[-3000:])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert took < SECONDS, f"{took:.1f} s"
    for line in result.stderr.splitlines():
        if line.strip() and not line.startswith(("error: ", "wrote ", "claims import", "warning: ")):
            assert DIAGNOSTIC.match(line) or UNDER_IT.match(line) or CLOSING.match(line), repr(line)


@st.composite
def hostile_claim_files(draw: st.DrawFn) -> str:
    """The valid claim file with one value replaced by a hostile one."""
    lines = CLAIMS_TEXT.splitlines()
    spots = [i for i, line in enumerate(lines) if re.match(r"^\s*-?\s*[a-z_]+: \S", line)]
    i = draw(st.sampled_from(spots))
    key = lines[i].split(":", 1)[0]
    lines[i] = f"{key}: {draw(st.sampled_from(HOSTILE_VALUES))}"
    return "\n".join(lines) + "\n"


@SLOW
@given(hostile_claim_files() | mutated(CLAIMS_TEXT), st.sampled_from(FORMATS))
@example(CLAIMS_TEXT.replace("holds: 2016-03", "holds: 9999-12"), "text")
@example(CLAIMS_TEXT.replace("Nikolai Pankov", '"\\uD800"'), "json")
@example(CLAIMS_TEXT.replace("Nikolai Pankov", '"\\uD800"'), "html")
@example(CLAIMS_TEXT.replace("name: Nikolai Pankov", "name: !!float e"), "sarif")
@example(CLAIMS_TEXT.replace("some 3000 to 6000", "some \x07 3000 to 6000"), "text")
@example(CLAIMS_TEXT.replace("y is between 3000 and 6000", "y is between 3000 and " + "6" * 4300), "junit")
@example(CLAIMS_TEXT.replace("document: article.txt", "document: /etc/passwd"), "json")
@example(CLAIMS_TEXT.replace("y is between 3000 and 6000", "(" * 3000 + "y > 1" + ")" * 3000), "text")
@example(CLAIMS_TEXT.replace("title: Russia", "title: &a [x, &b [*a]]\nx: Russia"), "text")
def test_hostile_claim_files(workdir: Path, text: str, fmt: str) -> None:
    _check(workdir, text.encode("utf-8", "surrogatepass"), RULES_TEXT.encode(), fmt)


@SLOW
@given(mutated(RULES_TEXT), st.sampled_from(FORMATS))
@example('rule r: "x"\n  d in 9999-12\nconst d: date\n', "text")
@example("const " + "n" * 300 + ": int\n", "json")
@example('const p: bool\nrule r: "x"\n  ' + "p and " * 5000 + "p\n", "sarif")
@example('const n: int\nrule r: "x"\n  n = ' + "1" * 4400 + "\n", "text")
def test_hostile_rule_files(workdir: Path, text: str, fmt: str) -> None:
    _check(workdir, CLAIMS_TEXT.encode(), text.encode("utf-8", "surrogatepass"), fmt)


@st.composite
def folio_lines(draw: st.DrawFn) -> str:
    data = json.loads(FOLIO_LINE)
    key = draw(st.sampled_from(sorted(data)))
    data[key] = draw(
        st.one_of(
            st.text(max_size=50),
            st.integers(),
            st.none(),
            st.just("x" * 10_000),
            st.lists(st.text(max_size=5), max_size=3),
            st.sampled_from(
                [
                    " ∧ ".join(["P(a)"] * 5000),
                    "¬" * 5000 + "P(a)",
                    "∀" + " ∀".join(f"x{i}" for i in range(500)) + " (P(x0))",
                    "P(" + "1" * 5000 + ")",
                    " ∧ ".join(["P(a)"] * 30_000),
                ]
            ),
        )
    )
    return json.dumps(data) if draw(st.booleans()) else json.dumps(data)[: draw(st.integers(0, 200))]


@SLOW
@given(st.lists(folio_lines(), min_size=1, max_size=3))
def test_hostile_folio_lines(workdir: Path, lines: list[str]) -> None:
    (workdir / "folio.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.rmtree(workdir / "imported", ignore_errors=True)
    _run(workdir, ["import", "folio", "folio.jsonl", "-o", "imported"])
    _run(workdir, ["conformance", "folio", "folio.jsonl", "--timeout", "5"])
