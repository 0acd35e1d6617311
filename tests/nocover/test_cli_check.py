"""End-to-end: the real `claims check` command on real files."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
CLAIMS = str(Path(sys.executable).parent / "claims")


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLAIMS, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def write_dataset(tmp: Path, claims_yaml: str, rules: str = "", doc: str = "") -> Path:
    """A dataset folder: document, rule set `local`, and claims.yaml."""
    d = tmp / "ds"
    (d / "rules").mkdir(parents=True)
    (d / "rules" / "local.rules").write_text(rules, encoding="utf-8")
    (d / "doc.txt").write_text(doc or "A said one thing. B said another. C said a third. D too.", encoding="utf-8")
    head = (
        "document: doc.txt\nrules: [local]\nsources:\n  a: {name: Alice, role: minister, via: Tass}\n"
        "  b: {name: Bob, role: officer, via: AP}\n"
    )
    (d / "claims.yaml").write_text(head + textwrap.dedent(claims_yaml), encoding="utf-8")
    return d


def claim(
    cid: str,
    formula: str,
    src: str = "a",
    quote: str = "A said one thing",
    kind: str = "fact",
    said: str = "2016-03-15",
) -> str:
    return (
        f'  - id: {cid}\n    source: {src}\n    said: {said}\n    quote: "{quote}"\n'
        f'    formula: "{formula}"\n    kind: {kind}\n'
    )


# --------------------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed_run() -> subprocess.CompletedProcess[str]:
    return run("check", "seeds/")


def _blocks(out: str) -> list[str]:
    """The contradiction blocks of the text report."""
    body = re.split(
        r"\n(?:Repairs \(|Claims most often|Undecided \(|Warnings \(|Summary:)", out.split("Contradictions (", 1)[1]
    )[0]
    return ["#" + b for b in body.split("\n#")[1:]]


def test_seed_exits_1_with_findings(seed_run: subprocess.CompletedProcess[str]) -> None:
    """The seed article has contradictions, so `check` exits 1 and prints no error."""
    assert 1 == seed_run.returncode
    assert "" == seed_run.stderr
    assert "Traceback" not in seed_run.stdout


def test_seed_operation_end_against_pankov(seed_run: subprocess.CompletedProcess[str]) -> None:
    """Russia Today's 'end of the operation' clashes with Pankov's 'offensive continues', named and quoted."""
    block = next(b for b in _blocks(seed_run.stdout) if "pankov-offensive-continues" in b)
    assert "rt-operation-ended" in block
    assert "Nikolai Pankov (Deputy Defence Minister of Russia), via Reuters" in block
    assert "Russia Today (Russian state broadcaster), via Russia Today" in block
    assert '"the country will continue its offensive against the Islamic State group' in block
    assert '"The planes\' departure marks the end to an anti-terror operation in Syria"' in block
    assert "rule operation.offensive-is-operation" in block
    assert "(2 claims, 1 rule)" in block


def test_seed_full_withdrawal_against_ozerov_s400(seed_run: subprocess.CompletedProcess[str]) -> None:
    """The full withdrawal clashes with Ozerov's 'S-400 retained' (via AP), with the two rules that make it a clash."""
    block = next(b for b in _blocks(seed_run.stdout) if "ozerov-s400-kept" in b)
    assert "narration-withdrawal-of-troops" in block
    assert "Viktor Ozerov" in block and "via AP" in block
    assert '"Russia will keep its long-range S-400 air defense missiles"' in block
    assert "rule withdrawal.s400-needs-crews" in block
    assert "rule withdrawal.full-leaves-no-personnel" in block


def test_seed_flags_nothing_consistent(seed_run: subprocess.CompletedProcess[str]) -> None:
    """Numbers within the stated ranges and the five-month campaign between the real dates are not flagged."""
    blocks = "\n".join(_blocks(seed_run.stdout))
    for cid in (
        "us-personnel-estimate",
        "putin-most-troops-out",
        "putin-five-month-campaign",
        "ozerov-s400-deployed-november",
        "rt-operation-started",
        "mod-first-group-make-up",
        "ap-aircraft-deployed",
        "caption-jets-leave",
        "mod-first-group-left",
    ):
        assert cid not in blocks, cid
    assert "Contradictions (8)" in seed_run.stdout


def test_seed_conclusions(seed_run: subprocess.CompletedProcess[str]) -> None:
    """The al-Nusra 'defeat' is refuted by the Kremlin's 'tasks completed' and a named rule; Putin's is unsupported."""
    concl = seed_run.stdout.split("\nConclusions (", 1)[1]
    refuted = concl.split("REFUTED", 1)[1].split("UNSUPPORTED", 1)[0]
    assert "nusra-russia-defeated" in refuted
    assert "kremlin-tasks-completed" in refuted
    assert "rule outcome.completed-tasks-is-no-defeat" in refuted
    unsupported = concl.split("UNSUPPORTED", 1)[1]
    assert "putin-turned-the-tide" in unsupported
    assert "campaign_turned_tide = false" in unsupported


def test_seed_output_is_byte_identical(seed_run: subprocess.CompletedProcess[str]) -> None:
    """Two runs print the same bytes."""
    assert seed_run.stdout == run("check", "seeds/").stdout


def test_no_color_when_not_a_tty(seed_run: subprocess.CompletedProcess[str]) -> None:
    """Piped output carries no ANSI escapes, and --no-color is accepted."""
    assert "\x1b[" not in seed_run.stdout
    assert seed_run.stdout == run("check", "--no-color", "seeds/").stdout


def test_fits_80_columns(seed_run: subprocess.CompletedProcess[str]) -> None:
    """The report is readable in an 80-column terminal."""
    assert max(len(line) for line in seed_run.stdout.splitlines()) <= 80


# --------------------------------------------------------------------------- small datasets

RULES = "const x, y, z: int\npred p, q\n"


def test_consistent_dataset_exits_0(tmp_path: Path) -> None:
    """A dataset whose claims fit together exits 0 and says there is no contradiction."""
    d = write_dataset(
        tmp_path,
        "claims:\n" + claim("a1", "x is between 3000 and 6000") + claim("b1", "x is about 4000", "b", "B said another"),
        RULES,
    )
    r = run("check", str(d))
    assert 0 == r.returncode, r.stdout + r.stderr
    assert "Contradictions (0)" in r.stdout
    assert "Summary: 0 contradictions; enumeration complete" in r.stdout


def test_two_independent_clashes_reported_exactly(tmp_path: Path) -> None:
    """Two clashes over unrelated symbols give exactly two contradictions."""
    d = write_dataset(
        tmp_path,
        "claims:\n"
        + claim("a1", "x > 5")
        + claim("b1", "x < 3", "b", "B said another")
        + claim("a2", "p")
        + claim("b2", "not p", "b", "B said another")
        + claim("a3", "y = 1"),
        RULES,
    )
    r = run("check", str(d))
    assert 1 == r.returncode
    blocks = _blocks(r.stdout)
    assert 2 == len(blocks)
    assert "a1" in blocks[0] and "b1" in blocks[0]
    assert "a2" in blocks[1] and "b2" in blocks[1]


def test_overlapping_clashes_are_each_minimal(tmp_path: Path) -> None:
    """One claim in two clashes gives two minimal contradictions, not one big set."""
    d = write_dataset(
        tmp_path,
        "claims:\n"
        + claim("a1", "x > 5")
        + claim("b1", "x < 3", "b", "B said another")
        + claim("b2", "x = 0", "b", "B said another"),
        RULES,
    )
    blocks = _blocks(run("check", str(d)).stdout)
    assert [("a1" in b, "b1" in b, "b2" in b) for b in blocks] == [(True, True, False), (True, False, True)]


def test_time_indexed_claims_clash_only_on_the_same_day(tmp_path: Path) -> None:
    """'X commands the base' in 2015 and 'Y commands it' in 2016 do not clash; the same day does."""
    rules = "sort Person = {x_person, y_person}\ntimed const commander: Person\n"
    ok = write_dataset(
        tmp_path / "ok",
        "claims:\n"
        + claim("a1", "commander = x_person", said="2015-10-01")
        + claim("b1", "commander = y_person", "b", "B said another", said="2016-03-15"),
        rules,
    )
    assert 0 == run("check", str(ok)).returncode
    bad = write_dataset(
        tmp_path / "bad",
        "claims:\n"
        + claim("a1", "commander = x_person", said="2016-03-15")
        + claim("b1", "commander = y_person", "b", "B said another", said="2016-03-15"),
        rules,
    )
    assert 1 == run("check", str(bad)).returncode


def test_holds_interval_clashes_with_a_day_inside_it(tmp_path: Path) -> None:
    """A claim that holds over an interval clashes with a claim on a day inside it, not outside."""
    rules = "timed pred offensive\n"
    body = (
        "claims:\n"
        + claim("a1", "offensive").replace("    kind: fact\n", "    kind: fact\n    holds: 2015-09-30..2016-03-14\n")
        + claim("b1", "not offensive", "b", "B said another", said="{day}")
    )
    inside = write_dataset(tmp_path / "in", body.format(day="2016-01-10"), rules)
    outside = write_dataset(tmp_path / "out", body.format(day="2016-03-15"), rules)
    assert 1 == run("check", str(inside)).returncode
    assert 0 == run("check", str(outside)).returncode


def test_max_truncates_and_says_so(tmp_path: Path) -> None:
    """--max 1 stops after one contradiction per component and the report says it is truncated."""
    d = write_dataset(
        tmp_path,
        "claims:\n"
        + claim("a1", "x > 5")
        + claim("b1", "x < 3", "b", "B said another")
        + claim("b2", "x = 0", "b", "B said another"),
        RULES,
    )
    r = run("check", "--max", "1", str(d))
    assert 1 == r.returncode
    assert 1 == len(_blocks(r.stdout))
    assert "enumeration truncated (--max)" in r.stdout


def test_rules_alone_inconsistent_blames_the_rules(tmp_path: Path) -> None:
    """Rules that contradict each other are reported as such, not blamed on claims."""
    rules = RULES + 'rule r1: "x is big" x > 10\nrule r2: "x is small" x < 5\nrule r3: "fine" y > 0\n'
    d = write_dataset(tmp_path, "claims:\n" + claim("a1", "y = 3"), rules)
    r = run("check", str(d))
    assert 1 == r.returncode
    assert "Rule conflicts (1)" in r.stdout
    assert "rule r1" in r.stdout and "rule r2" in r.stdout and "rule r3:" not in r.stdout


# --------------------------------------------------------------------------- conclusions


def _verdict_of(tmp_path: Path, facts: str, conclusion: str, *extra: str) -> subprocess.CompletedProcess[str]:
    d = write_dataset(
        tmp_path,
        "claims:\n" + facts + claim("k", conclusion, "b", "B said another", kind="conclusion"),
        RULES + 'rule pq: "p brings q" p implies q\n',
    )
    return run("check", *extra, str(d))


def test_conclusion_supported(tmp_path: Path) -> None:
    """A conclusion the premises entail is supported, with the minimal premises and rule."""
    r = _verdict_of(tmp_path, claim("a1", "p") + claim("a2", "x = 3"), "q")
    assert 0 == r.returncode, r.stdout
    assert "SUPPORTED  k" in r.stdout
    part = r.stdout.split("SUPPORTED  k", 1)[1]
    assert "a1" in part and "a2" not in part and "rule pq" in part


def test_conclusion_refuted(tmp_path: Path) -> None:
    """A conclusion whose negation follows is refuted, and the run fails."""
    r = _verdict_of(tmp_path, claim("a1", "x = 3"), "x > 4")
    assert 1 == r.returncode
    assert "REFUTED  k" in r.stdout


def test_conclusion_unsupported_with_scenario(tmp_path: Path) -> None:
    """An undecided conclusion is unsupported, with a scenario in the dataset's words; a flag relaxes the exit code."""
    r = _verdict_of(tmp_path, claim("a1", "x > 3"), "x > 10")
    assert 1 == r.returncode
    assert "UNSUPPORTED  k" in r.stdout
    scenario = r.stdout.split("conclusion fails:", 1)[1].split("\n\n")[0]
    value = int(scenario.split("x = ", 1)[1].split()[0])
    assert 3 < value <= 10
    assert 0 == _verdict_of(tmp_path / "again", claim("a1", "x > 3"), "x > 10", "--allow-unsupported").returncode


def test_conclusion_vacuous(tmp_path: Path) -> None:
    """Contradictory premises make a conclusion vacuous, pointing at the contradiction."""
    r = _verdict_of(tmp_path, claim("a1", "x > 5") + claim("a2", "x < 2"), "x = 100")
    assert 1 == r.returncode
    assert "VACUOUS  k" in r.stdout
    assert "a1, a2" in r.stdout.split("VACUOUS  k", 1)[1]


def test_conclusion_unknown_on_timeout(tmp_path: Path) -> None:
    """A hard non-linear formula with a tiny --timeout gives unknown, never a verdict or 'consistent'."""
    hard = "x * x * x + y * y * y = z * z * z and x > 0 and y > 0 and z > 0"  # Fermat, n = 3
    r = _verdict_of(tmp_path, claim("a1", hard), "x > 5", "--timeout", "0.001")
    assert 1 == r.returncode
    assert "UNKNOWN  k" in r.stdout
    assert "--timeout" in r.stdout
    assert "INCOMPLETE" in r.stdout


def test_installed_rule_sets_serve_a_dataset_outside_the_repository(tmp_path: Path) -> None:
    """A dataset with no rules/ folder near it uses the rule sets shipped with the package."""
    import shutil

    d = tmp_path / "elsewhere"
    shutil.copytree(SEEDS / "russia-syria-2016", d)
    r = run("check", str(d), cwd=tmp_path)
    assert 1 == r.returncode, r.stderr
    assert "Contradictions (8)" in r.stdout


def test_rule_conflict_on_a_day_the_rule_names(tmp_path: Path) -> None:
    """A rule that fails only on a day it names with '@' is a rule conflict, found before any claim."""
    rules = 'timed const troops: int\nrule grow: "troops only grow after March 1" troops > troops@2016-03-01\n'
    d = write_dataset(tmp_path, "claims:\n" + claim("a1", "troops = 5"), rules)
    r = run("check", str(d))
    assert 1 == r.returncode
    assert "Rule conflicts (1)" in r.stdout and "rule grow" in r.stdout


def test_claims_on_a_day_a_rule_names_are_checked_there(tmp_path: Path) -> None:
    """A claim about a day a rule names is checked against the rule on that day too."""
    rules = (
        "timed const troops: int\n"
        'rule floor: "from the 1st on, at least as many as on March 1" '
        "troops >= troops@2016-03-01 or troops < 0\n"
    )
    d = write_dataset(
        tmp_path,
        "claims:\n"
        + claim("a1", "troops@2016-03-01 = 10", said="2016-03-20")
        + claim("b1", "troops = 3", "b", "B said another", said="2016-03-20"),
        rules,
    )
    r = run("check", str(d))
    assert 1 == r.returncode, r.stdout
    assert "a1" in r.stdout and "b1" in r.stdout and "rule floor" in r.stdout
