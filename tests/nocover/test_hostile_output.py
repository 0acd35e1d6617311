"""Where reports go, and text no output can carry, through the real CLI (issue 17, items 4 and 6).

``--output`` of every command keeps what is at its path for what it is (a symlink, a FIFO, a
device, ``-``); a write that fails is one line and exit 2, with no temporary file left. A
rule-set name or a FOLIO ``story_id`` too long for a file name, and a lone surrogate escape in a
claim file or a FOLIO line, are input errors with a place, never a traceback.

Devices are tested only in a private mount namespace (``unshare -m``) whose ``/dev`` is a tmpfs
with nodes made for the test: a bug that replaced ``/dev/null`` there would replace a copy.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLIO = ROOT / "tests" / "data" / "folio" / "folio_v2_validation.jsonl"

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symlinks, FIFOs, devices and mounts are POSIX")


def env_for(cwd: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "XDG_CACHE_HOME": str(cwd / "user-cache"),
    }


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``claims ARGS`` in ``cwd``, as the console script runs it."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env_for(cwd),
        timeout=300,
        check=False,
    )


def assert_clean(r: subprocess.CompletedProcess[str]) -> None:
    """No Python traceback, and no Python warning printed raw."""
    assert not re.search(r"Traceback|Exception ignored|Warning:", r.stderr), r.stderr


def kind(p: Path) -> str:
    mode = os.lstat(p).st_mode
    return (
        "link"
        if stat.S_ISLNK(mode)
        else "file"
        if stat.S_ISREG(mode)
        else "char"
        if stat.S_ISCHR(mode)
        else "fifo"
        if stat.S_ISFIFO(mode)
        else "dir"
        if stat.S_ISDIR(mode)
        else "other"
    )


# --------------------------------------------------------------------------- symlinks, FIFOs, stdout


@pytest.mark.parametrize("command", ["check", "baseline", "conformance"])
def test_every_writer_writes_through_a_symlink_and_keeps_it(ds: Path, command: str) -> None:
    """check --output, baseline -o and conformance --output: the link stays, its target gets the JSON."""
    (ds / "reports").mkdir()
    target = ds / "reports" / "out.json"
    target.write_text("old", encoding="utf-8")
    (ds / "out.json").symlink_to(Path("reports") / "out.json")
    args = {
        "check": ["check", "ds", "--format", "json", "--no-cache", "-o", "out.json"],
        "baseline": ["baseline", "ds", "-o", "out.json"],
        "conformance": ["conformance", "folio", str(FOLIO), "--format", "json", "-o", "out.json", "--timeout", "5"],
    }[command]
    r = run(*args, cwd=ds)
    assert_clean(r)
    assert r.returncode in (0, 1), r.stderr
    assert ("link", "file") == (kind(ds / "out.json"), kind(target))
    assert isinstance(json.loads(target.read_text(encoding="utf-8")), dict)
    assert ["out.json"] == sorted(p.name for p in (ds / "reports").iterdir())


@pytest.mark.parametrize("command", ["check", "baseline"])
def test_a_fifo_receives_the_report(ds: Path, command: str) -> None:
    """A FIFO at the output path is written into (a reader gets the whole report) and stays a FIFO."""
    fifo = ds / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    args = ["check", "ds", "--format", "json", "--no-cache"] if command == "check" else ["baseline", "ds"]
    r = run(*args, "-o", "pipe", cwd=ds)
    reader.join(30)
    assert_clean(r)
    assert r.returncode in (0, 1), r.stderr
    assert 1 == len(got) and json.loads(got[0])["schema_version"] == 2
    assert "fifo" == kind(fifo)


@pytest.mark.parametrize("command", ["check", "baseline", "conformance"])
def test_a_dash_writes_to_stdout(ds: Path, command: str) -> None:
    """``-o -`` is stdout: the JSON is there, and no file named '-' is made."""
    args = {
        "check": ["check", "ds", "--format", "json", "--no-cache"],
        "baseline": ["baseline", "ds"],
        "conformance": ["conformance", "folio", str(FOLIO), "--format", "json", "--timeout", "5"],
    }[command]
    r = run(*args, "-o", "-", cwd=ds)
    assert_clean(r)
    assert r.returncode in (0, 1), r.stderr
    assert isinstance(json.loads(r.stdout), dict)
    assert not (ds / "-").exists()


# --------------------------------------------------------------------------- devices, full disks, read-only folders


def _namespaces_work() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs tmpfs /mnt"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


needs_namespace = pytest.mark.skipif(
    not _namespaces_work(), reason="needs root and unshare -m (a private mount namespace)"
)


def in_namespace(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a shell script in a private mount namespace; ``$CLAIMS`` runs the CLI."""
    prelude = f"set -u\nCLAIMS='{sys.executable} -m cli'\n"
    return subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", prelude + textwrap.dedent(script)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env_for(cwd),
        timeout=300,
        check=False,
    )


PRIVATE_DEV = """
    mount -t tmpfs -o mode=755 tmpfs /dev
    mknod -m 666 /dev/null c 1 3
    mknod -m 666 /dev/full c 1 7
    mknod -m 666 /dev/zero c 1 5
    mknod -m 666 /dev/urandom c 1 9
    ln -s /proc/self/fd /dev/fd
    ln -s /proc/self/fd/1 /dev/stdout
    ln -s /proc/self/fd/2 /dev/stderr
"""


@needs_namespace
def test_dev_null_full_and_stdout_stay_what_they_are(ds: Path) -> None:
    """In a /dev of our own: /dev/null takes the report (exit 1: findings) and stays a character device;
    /dev/full is 'error: cannot write /dev/full: No space left on device', exit 2, no traceback, and
    stays a device; /dev/stdout leads into the file stdout is; /dev gains no temporary file."""
    r = in_namespace(
        PRIVATE_DEV
        + """
        ls -A /dev > before.txt
        $CLAIMS check ds --format json --no-cache -o /dev/null 2> null.err; echo "null $?"
        $CLAIMS check ds --format json --no-cache -o /dev/full 2> full.err; echo "full $?"
        $CLAIMS check ds --format json --no-cache -o /dev/stdout > stdout.json 2> stdout.err; echo "stdout $?"
        $CLAIMS baseline ds -o /dev/full 2> base.err; echo "baseline $?"
        ls -A /dev > after.txt
        stat -c '%n %F' /dev/null /dev/full
    """,
        ds,
    )
    assert 0 == r.returncode, r.stderr
    lines = r.stdout.splitlines()
    assert ["null 1", "full 2", "stdout 1", "baseline 2"] == lines[:4]
    assert ["/dev/null character special file", "/dev/full character special file"] == lines[4:]
    assert (ds / "before.txt").read_text() == (ds / "after.txt").read_text()
    assert "error: cannot write /dev/full: No space left on device\n" == (ds / "full.err").read_text()
    assert "error: cannot write /dev/full: No space left on device\n" == (ds / "base.err").read_text()
    assert "" == (ds / "null.err").read_text()
    assert 2 == json.loads((ds / "stdout.json").read_text())["schema_version"]


@needs_namespace
def test_a_full_disk_is_one_line_and_leaves_the_old_report_and_no_temporary_file(ds: Path) -> None:
    """A tmpfs of 16 KiB holds the old report; the HTML page does not fit: exit 2 with one line, the old
    report as it was, and nothing else in the folder."""
    r = in_namespace(
        """
        mkdir -p tiny
        mount -t tmpfs -o size=16k tmpfs tiny
        echo old > tiny/report.html
        $CLAIMS check ds --format html --no-cache -o tiny/report.html 2> err.txt; echo "rc $?"
        ls -A tiny; cat tiny/report.html
    """,
        ds,
    )
    assert 0 == r.returncode, r.stderr
    assert ["rc 2", "report.html", "old"] == r.stdout.splitlines()
    assert "error: cannot write tiny/report.html: No space left on device\n" == (ds / "err.txt").read_text()


@needs_namespace
def test_a_read_only_folder_is_one_line_and_exit_2(ds: Path) -> None:
    """A folder mounted read-only (root ignores permissions, not a read-only mount): exit 2, one line."""
    r = in_namespace(
        """
        mkdir -p ro
        mount --bind ro ro
        mount -o remount,ro,bind ro
        for cmd in "check ds --format sarif --no-cache" "baseline ds"; do
            $CLAIMS $cmd -o ro/out.json 2>> err.txt; echo "rc $?"
        done
        ls -A ro
    """,
        ds,
    )
    assert 0 == r.returncode, r.stderr
    assert ["rc 2", "rc 2"] == r.stdout.splitlines()
    assert ["error: cannot write ro/out.json: Read-only file system"] * 2 == (ds / "err.txt").read_text().splitlines()


def test_a_folder_that_cannot_be_made_is_one_line(ds: Path) -> None:
    """An output under a regular file (its folder cannot exist): exit 2 with one line, for every writer."""
    (ds / "afile").write_text("x", encoding="utf-8")
    for args in (
        ["check", "ds", "--no-cache"],
        ["baseline", "ds"],
        ["conformance", "folio", str(FOLIO), "--timeout", "5"],
    ):
        r = run(*args, "-o", "afile/report.txt", cwd=ds)
        assert_clean(r)
        assert 2 == r.returncode
        assert re.fullmatch(r"error: cannot write afile/report\.txt: [^\n]+\n", r.stderr), r.stderr


def test_an_import_into_a_file_is_one_line(tmp_path: Path) -> None:
    """``import folio -o`` under a regular file: exit 2 with 'error: cannot write ...', no traceback."""
    (tmp_path / "taken").write_text("x", encoding="utf-8")
    r = run("import", "folio", str(FOLIO), "-o", "taken/datasets", cwd=tmp_path)
    assert_clean(r)
    assert 2 == r.returncode
    assert r.stderr.startswith("error: cannot write "), r.stderr


# --------------------------------------------------------------------------- names too long, lone surrogates


DIAGNOSTIC = re.compile(r"[^\n]+:\d+:\d+: (error|warning): [^\n]+  \[[a-z-]+\]")


def dataset(folder: Path, *, name: str = "Alice", rules: str = "") -> Path:
    """A one-file dataset with one contradiction; ``name`` and ``rules`` are written into the YAML as they are."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "doc.txt").write_text("x y\n", encoding="utf-8")
    (folder / "claims.yaml").write_text(
        textwrap.dedent(f"""\
        document: doc.txt
        {rules}
        declarations: |
          const p: bool
        sources:
          a:
            name: {name}
        claims:
          - id: c1
            source: a
            said: 2020-01-01
            quote: "x"
            formula: p
          - id: c2
            source: a
            said: 2020-01-01
            quote: "y"
            formula: not p
        """),
        encoding="utf-8",
    )
    return folder


def test_a_rule_set_name_too_long_for_a_file_name_is_a_diagnostic(tmp_path: Path) -> None:
    """``rules: [x * 300]``: exit 2, one diagnostic at the name (line 2, column 9), no traceback."""
    dataset(tmp_path / "ds", rules=f"rules: [{'x' * 300}]")
    r = run("check", "ds", "--no-cache", cwd=tmp_path)
    assert_clean(r)
    assert 2 == r.returncode
    first = r.stderr.splitlines()[0]
    assert DIAGNOSTIC.fullmatch(first) and first.startswith("ds/claims.yaml:2:9: error: "), first
    assert first.endswith("File name too long  [unknown-rule-set]")


def test_a_story_id_too_long_for_a_folder_name_gets_a_short_one(tmp_path: Path) -> None:
    """A 10,000-character FOLIO story_id: the import and conformance run (exit 0); the folder's name is cut
    to fit and keeps a digest, and the dataset checks."""
    row = json.loads(FOLIO.read_text(encoding="utf-8").splitlines()[0])
    row["story_id"] = "s" * 10_000
    (tmp_path / "long.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    r = run("import", "folio", "long.jsonl", "-o", "out", cwd=tmp_path)
    assert_clean(r)
    assert 0 == r.returncode, r.stderr
    (folder,) = (tmp_path / "out").iterdir()
    assert re.fullmatch(r"story-s{67}-[0-9a-f]{12}", folder.name), folder.name
    assert run("check", str(folder.relative_to(tmp_path)), "--no-cache", cwd=tmp_path).returncode in (0, 1)
    r = run("conformance", "folio", "long.jsonl", "--timeout", "5", cwd=tmp_path)
    assert_clean(r)
    assert 0 == r.returncode, r.stderr


FORMATS = ("text", "json", "sarif", "junit", "html")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output"])
def test_a_lone_surrogate_escape_is_refused_where_it_is_written(tmp_path: Path, fmt: str, to_file: bool) -> None:
    """``name: "\\uD800"``: in every format, to stdout or a file, exit 2 and a bad-value diagnostic at the
    escape (line 7, column 13); the machine formats still write a document of that error."""
    dataset(tmp_path / "ds", name='"A\\uD800"')
    r = run("check", "ds", "--no-cache", "--format", fmt, *(["-o", "out"] if to_file else []), cwd=tmp_path)
    assert_clean(r)
    assert 2 == r.returncode
    first = r.stderr.splitlines()[0]
    assert first.startswith("ds/claims.yaml:7:13: error: the escape \\ud800 is half of a UTF-16 surrogate pair")
    assert first.endswith("[bad-value]") and DIAGNOSTIC.fullmatch(first)
    if fmt in ("text", "html"):  # errors go to stderr only
        assert ("", False) == (r.stdout, (tmp_path / "out").exists())
        return
    written = (tmp_path / "out").read_text(encoding="utf-8") if to_file else r.stdout
    if fmt in ("json", "sarif"):
        assert "bad-value" in json.dumps(json.loads(written))
    elif fmt == "junit":
        assert "bad-value" in ET.tostring(ET.fromstring(written), encoding="unicode")


def test_a_surrogate_pair_of_escapes_is_refused_with_the_one_escape_to_write(tmp_path: Path) -> None:
    """``"\\uD83D\\uDE00"`` (how JSON writes one character) is two lone surrogates in YAML: the hint
    gives the one escape YAML reads as that character."""
    dataset(tmp_path / "ds", name='"\\uD83D\\uDE00"')
    r = run("check", "ds", "--no-cache", cwd=tmp_path)
    assert_clean(r)
    assert 2 == r.returncode
    assert "  hint: write the character itself, or as one escape: \\U0001F600" in r.stderr.splitlines()


def test_a_lone_surrogate_in_a_folio_line_is_refused(tmp_path: Path) -> None:
    """A FOLIO line whose JSON holds ``\\ud800``: import and conformance exit 2 with a located bad-value."""
    row = json.loads(FOLIO.read_text(encoding="utf-8").splitlines()[0])
    row["premises"] = "\ud800" + row["premises"]
    (tmp_path / "bad.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    for args in (["import", "folio", "bad.jsonl", "-o", "out"], ["conformance", "folio", "bad.jsonl"]):
        r = run(*args, cwd=tmp_path)
        assert_clean(r)
        assert 2 == r.returncode
        first = r.stderr.splitlines()[0]
        assert re.fullmatch(r"bad\.jsonl:1:\d+: error: the escape \\ud800 is half of [^\n]+  \[bad-value\]", first)
    assert not (tmp_path / "out").exists()


def test_a_file_name_that_is_not_utf8_reaches_every_format(tmp_path: Path) -> None:
    """A claim file named with the byte 0xff: every format exits 1 (the findings), without a traceback;
    the JSON parses, SARIF's URI carries the byte (%FF), the HTML page parses strictly."""
    dataset(tmp_path / "ds")
    os.rename(tmp_path / "ds" / "claims.yaml", os.fsencode(tmp_path / "ds") + b"/bad\xff.yaml")
    for fmt in FORMATS:
        r = run("check", "ds", "--no-cache", "--format", fmt, "-o", f"out.{fmt}", cwd=tmp_path)
        assert_clean(r)
        assert 1 == r.returncode, (fmt, r.stderr)
    # the escape, written as the six characters \udcff, is what JSON reads back as that surrogate
    assert "ds/bad\\udcff.yaml" in (tmp_path / "out.json").read_text(encoding="utf-8")
    assert "ds/bad\udcff.yaml" in json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["files"]
    assert '"uri": "ds/bad%FF.yaml"' in (tmp_path / "out.sarif").read_text(encoding="utf-8")
    ET.fromstring((tmp_path / "out.junit").read_text(encoding="utf-8"))
    html5lib.HTMLParser(strict=True).parse((tmp_path / "out.html").read_text(encoding="utf-8"))
    r = run("check", "ds", "--no-cache", cwd=tmp_path)  # text to stdout, as a pipe gets it
    assert_clean(r)
    assert "ds/bad\\udcff.yaml" in r.stdout


def test_the_github_action_refuses_a_sarif_file_that_is_a_symlink(ds: Path, tmp_path: Path) -> None:
    """A link committed at the action's sarif-file would choose where the report goes: the check step
    refuses it (an error annotation, exit-code 2 for the last step), and the file it leads to is untouched."""
    from ruamel.yaml import YAML

    action = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))
    [step] = [s for s in action["runs"]["steps"] if s.get("id") == "check"]
    victim = tmp_path / "victim"
    victim.write_text("kept", encoding="utf-8")
    (ds / "claims.sarif").symlink_to(victim)
    outputs = tmp_path / "github_output"
    outputs.touch()
    env = {
        **os.environ,
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
        ["bash", "-c", str(step["run"])], cwd=ds, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert 0 == r.returncode, r.stderr
    assert "exit-code=2\n" == outputs.read_text(encoding="utf-8")
    assert r.stdout.startswith("::error title=claims::claims.sarif is a symbolic link")
    assert ("kept", "link") == (victim.read_text(encoding="utf-8"), kind(ds / "claims.sarif"))
