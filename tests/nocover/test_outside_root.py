"""A dataset reads nothing outside its root, and shows nothing of what lies there (issue 17, item 3).

Each attack is data: a claim file naming a secret document by an absolute
path, by ``../``, through a symlinked ``article.txt``, or naming a secret rule
file. Before, a quote not found printed the secret's "closest passage" to
stderr and into JSON, SARIF and JUnit, a quote found made the HTML embed it,
and a rule file's syntax error showed its lines. Now each is an
``outside-root`` error at the field (exit 2), and the secret's marker is in no
output: stdout, stderr, or the ``--output`` file of any format.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import claims
import cli

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "data" / "valid"
FORMATS = ("text", "json", "sarif", "junit", "html")
MARKER = "SECRET-MARKER-7f3a"
# every quote of the dataset is in it: read, it would load; one quote missing shows its closest passage
SECRET_TEXT = f"{MARKER}\n" + (VALID / "article.txt").read_text(encoding="utf-8") + f"{MARKER}\n"
SECRET_RULES = f'const x: int\nrule leak: "{MARKER}"\n  x > {MARKER} +\n'  # a syntax error on its line

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symlinks are POSIX")


def invoke(args: list[str], cwd: Path) -> Result:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli.main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
        gc.enable()  # `check` turns the collector off for its one run: not for the test process


@pytest.fixture
def place(tmp_path: Path) -> Path:
    """``tmp_path`` with the secrets beside the dataset ``ds`` (a copy of tests/data/valid)."""
    (tmp_path / "secret.txt").write_text(SECRET_TEXT, encoding="utf-8")
    (tmp_path / "secret.rules").write_text(SECRET_RULES, encoding="utf-8")
    shutil.copytree(VALID, tmp_path / "ds")
    return tmp_path


def name_document(place: Path, value: str) -> None:
    claims_file = place / "ds" / "claims.yaml"
    text = claims_file.read_text(encoding="utf-8")
    claims_file.write_text(text.replace("document: article.txt", f"document: {value}", 1), encoding="utf-8")


def name_rules(place: Path, value: str) -> None:
    claims_file = place / "ds" / "claims.yaml"
    text = claims_file.read_text(encoding="utf-8")
    claims_file.write_text(text.replace("rules: [mini]", f"rules: [mini, {value}]", 1), encoding="utf-8")


def absolute(place: Path) -> tuple[str, str]:
    name_document(place, str(place / "secret.txt"))
    return f"the document '{place / 'secret.txt'}' is outside the dataset's root 'ds'", "ds/claims.yaml:3:11"


def dotdot(place: Path) -> tuple[str, str]:
    name_document(place, "../../../../../../../../.." + str(place / "secret.txt"))
    return "the document '../../../../../../../../..", "ds/claims.yaml:3:11"


def symlink(place: Path) -> tuple[str, str]:
    (place / "ds" / "article.txt").unlink()
    (place / "ds" / "article.txt").symlink_to(place / "secret.txt")
    return (
        "the document 'article.txt' is outside the dataset's root 'ds' (through a symbolic link), so it is not read"
    ), "ds/claims.yaml:3:11"


def rules_path(place: Path) -> tuple[str, str]:
    name_rules(place, "../secret.rules")
    return "the rule set file '../secret.rules' is outside the dataset's root 'ds'", "ds/claims.yaml:6:15"


def rules_by_name(place: Path) -> tuple[str, str]:
    """``rules/leak.rules`` in the dataset is a symlink out of it; the claim file names ``leak``."""
    (place / "ds" / "rules" / "leak.rules").symlink_to(place / "secret.rules")
    name_rules(place, "leak")
    return (
        "the rule set 'leak', found as 'ds/rules/leak.rules', is outside the dataset's root 'ds' (through a "
        "symbolic link)"
    ), "ds/claims.yaml:6:15"


ATTACKS = [absolute, dotdot, symlink, rules_path, rules_by_name]


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.__name__ for a in ATTACKS])
def test_a_file_outside_the_root_is_refused_and_shown_nowhere(place: Path, attack: object) -> None:
    assert callable(attack)
    message, where = attack(place)
    for fmt in FORMATS:
        out = place / f"report.{fmt}"
        r = invoke(["check", "ds", "--no-cache", "--format", fmt, "--output", str(out)], place)
        assert 2 == r.exit_code, (fmt, r.stderr)
        first = r.stderr.splitlines()[0]
        assert first.startswith(f"{where}: error: {message}"), (fmt, first)
        assert first.endswith("[outside-root]")
        shown = r.stdout + r.stderr + (out.read_text(encoding="utf-8") if out.exists() else "")
        assert MARKER not in shown, fmt
        if fmt in ("json", "sarif", "junit"):
            assert "outside-root" in out.read_text(encoding="utf-8"), fmt  # the machine formats carry it


def test_the_secret_was_shown_without_the_root_rule(place: Path) -> None:
    """The marker reaches the output when the user names a root that holds the secret (the test can fail)."""
    absolute(place)
    (place / "ds" / "claims.yaml").write_text(
        (place / "ds" / "claims.yaml")
        .read_text(encoding="utf-8")
        .replace('"the country will continue its offensive"', '"SECRET-MARKER-7f3b"'),
        encoding="utf-8",
    )
    r = invoke(["check", "ds", "--no-cache", "--root", "."], place)
    assert 2 == r.exit_code
    assert "[quote-not-found]" in r.stderr and MARKER in r.stderr  # the closest passage, from the secret


def test_a_root_named_with_the_option_lets_the_dataset_name_files_under_it(place: Path) -> None:
    (place / "shared").mkdir()
    shutil.move(place / "ds" / "article.txt", place / "shared" / "article.txt")
    name_document(place, "../shared/article.txt")
    refused = invoke(["check", "ds", "--no-cache"], place)
    assert 2 == refused.exit_code and "[outside-root]" in refused.stderr
    ok = invoke(["check", "ds", "--no-cache", "--root", "."], place)
    assert ok.exit_code in (0, 1), ok.stderr
    baseline = invoke(["baseline", "ds", "--root", ".", "-o", "b.json"], place)
    assert 0 == baseline.exit_code, baseline.stderr


def test_a_root_that_does_not_hold_the_paths_is_an_error(place: Path) -> None:
    (place / "other").mkdir()
    r = invoke(["check", "ds", "--no-cache", "--root", "other"], place)
    assert 2 == r.exit_code
    assert "ds:1:1: error: 'ds' is outside the root 'other' it is checked under  [outside-root]" in r.stderr


def test_a_file_argument_is_rooted_at_its_folder(place: Path) -> None:
    """``claims check ds/claims.yaml``: the root is ``ds``, so ``../secret.txt`` is refused."""
    name_document(place, "../secret.txt")
    r = invoke(["check", "ds/claims.yaml", "--no-cache"], place)
    assert 2 == r.exit_code
    assert "the document '../secret.txt' is outside the dataset's root 'ds'" in r.stderr


def test_a_claim_file_found_through_a_symlinked_folder_is_refused(place: Path) -> None:
    """A folder of the dataset that is a link out of it brings no claim file in (its errors would show it)."""
    outside = place / "elsewhere"
    outside.mkdir()
    (outside / "leak.yaml").write_text(f"title: [{MARKER}\n", encoding="utf-8")  # a syntax error
    (place / "ds" / "more.yaml").symlink_to(outside / "leak.yaml")
    r = invoke(["check", "ds", "--no-cache"], place)
    assert 2 == r.exit_code
    assert "ds/more.yaml:1:1: error: the claim file 'ds/more.yaml' is outside the dataset's root 'ds'" in r.stderr
    assert MARKER not in r.stdout + r.stderr


def test_the_file_cache_does_not_bring_back_a_document_outside_the_root(
    place: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry cached under a wider root is not used under a narrower one: its document is refused again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(place / "user-cache"))
    (place / "shared").mkdir()
    shutil.move(place / "ds" / "article.txt", place / "shared" / "article.txt")
    name_document(place, "../shared/article.txt")
    wide = invoke(["check", "ds", "--root", ".", "--format", "html"], place)
    assert wide.exit_code in (0, 1) and "the country will continue" in wide.stdout
    narrow = invoke(["check", "ds", "--format", "html"], place)
    assert 2 == narrow.exit_code and "[outside-root]" in narrow.stderr
    assert "the country will continue" not in narrow.stdout


def test_claims_load_takes_a_root(place: Path) -> None:
    name_document(place, "../secret.txt")
    with pytest.raises(claims.InputError) as info:
        claims.load(place / "ds")
    [d] = info.value.diagnostics
    assert ("outside-root", 3, 10) == (d.code, d.span.line, d.span.column)
    assert MARKER not in str(d) + (d.hint or "") + (d.excerpt or "")
    ds = claims.load(place / "ds", root=place)
    assert any(MARKER in text for _, text in ds.documents)


def test_fuzz_refuses_a_rule_file_outside_the_root(place: Path) -> None:
    name_rules(place, "../secret.rules")
    r = invoke(["fuzz", "ds"], place)
    assert 2 == r.exit_code
    assert "[outside-root]" in r.stderr and MARKER not in r.stdout + r.stderr


def test_since_reads_the_revision_under_the_same_root(place: Path) -> None:
    """At the revision, a claim file naming ``../secret.txt`` is refused too: the revision's dataset has
    the root the working tree's has, in the folder it is written into, so it does not load and every
    finding counts as new (with ``--root .`` it loads, as the working tree would)."""

    def git(*args: str) -> None:
        subprocess.run(
            ["git", *args],
            cwd=place,
            check=True,
            capture_output=True,
            env={
                **os.environ,
                "GIT_AUTHOR_NAME": "t",
                "GIT_AUTHOR_EMAIL": "t@t",
                "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@t",
            },
        )

    git("init", "-q")
    name_document(place, "../secret.txt")
    git("add", ".")
    git("commit", "-qm", "old")
    name_document(place, "article.txt")  # (the replacement is of the first 'document:' line only)
    text = (place / "ds" / "claims.yaml").read_text(encoding="utf-8")
    (place / "ds" / "claims.yaml").write_text(
        text.replace("document: ../secret.txt", "document: article.txt"), encoding="utf-8"
    )
    r = invoke(["check", "ds", "--no-cache", "--since", "HEAD", "--format", "json"], place)
    assert r.exit_code in (0, 1), r.stderr
    assert "at HEAD the dataset did not load (1 error): every finding counts as introduced" in r.stderr
    assert MARKER not in r.stdout + r.stderr
    wide = invoke(["check", "ds", "--no-cache", "--since", "HEAD", "--format", "json", "--root", "."], place)
    assert "did not load" not in wide.stderr and "1 finding already there" in wide.stderr, wide.stderr
