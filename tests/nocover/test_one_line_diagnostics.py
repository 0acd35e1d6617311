"""Every diagnostic is one line, whatever the input holds (issue 17, items 8 and 9).

Through the real CLI: each line of stderr is a diagnostic ``FILE:LINE:COL: severity: MESSAGE  [code]``,
one of its excerpt, caret or hint lines, or the closing count; no control character reaches
stderr but the newlines between lines; a control character is reported at its own line and
column. And the HTML page of data holding each class of control character parses strictly.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import html5lib
import pytest

ROOT = Path(__file__).resolve().parents[2]

DIAGNOSTIC = re.compile(r"(?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+): (error|warning): [^\n]+  \[[a-z-]+\]")
OTHER_LINES = (
    re.compile(r"  \d+ \| [^\n]*"),  # the excerpt
    re.compile(r" +\^+"),  # the caret
    re.compile(r"  hint: [^\n]*"),
    re.compile(r"\d+ errors?; nothing was (checked|written)"),
)
UNSHOWABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "XDG_CACHE_HOME": str(cwd / "user-cache"),
    }
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=cwd,
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
        text=True,
        errors="surrogateescape",
    )


def diagnostics(r: subprocess.CompletedProcess[str]) -> list[re.Match[str]]:
    """Exit 2, every stderr line in its form, no control character; the diagnostics' matches."""
    assert 2 == r.returncode, r.stderr
    assert "Traceback" not in r.stderr and "Warning" not in r.stderr, r.stderr
    assert not UNSHOWABLE.search(r.stderr), repr(r.stderr)
    found = []
    for line in r.stderr.splitlines():
        m = DIAGNOSTIC.fullmatch(line)
        if m is not None:
            found.append(m)
        else:
            assert any(p.fullmatch(line) for p in OTHER_LINES), f"not a diagnostic's line: {line!r}"
    assert found, r.stderr
    return found


CLAIMS = """\
document: doc.txt
declarations: |
  const p: bool
sources:
  a:
    name: {name}
claims:
  - id: {id}
    source: a
    said: 2020-01-01
    quote: "x"
    formula: p
"""


def write(folder: Path, text: str | bytes, name: str | bytes = "claims.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "doc.txt").write_text("x y\n", encoding="utf-8")
    path = os.path.join(os.fsencode(folder), os.fsencode(name))
    with open(path, "wb") as fh:
        fh.write(text.encode("utf-8") if isinstance(text, str) else text)
    return folder


@pytest.mark.parametrize(
    "char", ["\x07", "\x1b", "\x01", "\x7f", "\x9b", "\x0c", "\ufffe"], ids=lambda c: f"U+{ord(c):04X}"
)
def test_a_control_character_is_reported_at_its_place_on_one_line(tmp_path: Path, char: str) -> None:
    """A raw control character in a name (line 6, after 'name: Al'): reported there, escaped, on one line."""
    write(tmp_path / "ds", CLAIMS.format(name=f"Al{char}ice", id="c1"))
    (m,) = diagnostics(run("check", "ds", "--no-cache", cwd=tmp_path))
    assert ("ds/claims.yaml", "6", "13") == (m["file"], m["line"], m["col"])
    assert "[yaml-syntax]" in m.group()


def test_a_control_character_in_a_rule_file_keeps_the_excerpts_below_it_right(tmp_path: Path) -> None:
    """A form feed in a .rules file is a line break to no one: the excerpt of an error on the next line
    is that line (str.splitlines() broke at it, and every excerpt below was the line above)."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.rules").write_text("const p: bool\x0c\nrule r: p and and p\n", encoding="utf-8")
    write(tmp_path / "ds", "rules: [r]\n" + CLAIMS.format(name="A", id="c1"))
    r = run("check", "ds", "--no-cache", cwd=tmp_path)
    (m,) = diagnostics(r)
    assert ("rules/r.rules", "2") == (m["file"], m["line"])
    assert "  2 | rule r: p and and p" in r.stderr.splitlines()


def test_an_anchor_defined_twice_is_a_diagnostic_not_a_raw_warning(tmp_path: Path) -> None:
    """ruamel's ReusedAnchorWarning never reaches stderr: the second anchor is an error at its place."""
    write(
        tmp_path / "ds",
        CLAIMS.format(name="A", id="c1").replace("  a:\n    name: A\n", "  a: &s\n    name: A\n  b: &s\n    name: B\n"),
    )
    (m,) = diagnostics(run("check", "ds", "--no-cache", cwd=tmp_path))
    assert ("7", "6") == (m["line"], m["col"])
    assert "'&s' is defined a second time (first at line 5, column 6)" in m.group()


@pytest.mark.parametrize(
    "value",
    ['"c1\\nzz"', '"c1\\tzz"', '"c1\\e[31mzz"', '"c1\\u2028zz"'],
    ids=["newline", "tab", "escape", "line-separator"],
)
def test_an_id_with_a_control_character_is_one_line(tmp_path: Path, value: str) -> None:
    """An id written with an escape that makes a newline, tab, ESC or U+2028: the message shows it escaped."""
    write(tmp_path / "ds", CLAIMS.format(name="A", id=value))
    (m,) = diagnostics(run("check", "ds", "--no-cache", cwd=tmp_path))
    assert ("8", "9") == (m["line"], m["col"])
    assert "[bad-value]" in m.group()


def test_a_revision_or_baseline_with_a_newline_is_one_line(tmp_path: Path) -> None:
    """--since and --baseline with a newline in them: the diagnostic shows it as \\n."""
    write(tmp_path / "ds", CLAIMS.format(name="A", id="c1"))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (m,) = diagnostics(run("check", "ds", "--no-cache", "--since", "HEAD\nfoo", cwd=tmp_path))
    assert "HEAD\\nfoo" in m.group() and "[bad-revision]" in m.group()
    (m,) = diagnostics(run("check", "ds", "--no-cache", "--baseline", "base\n.json", cwd=tmp_path))
    assert m["file"] == "base\\n.json" and "[bad-baseline]" in m.group()


def test_a_file_name_with_control_characters_is_shown_escaped(tmp_path: Path) -> None:
    """A claim file named with ESC and a newline: its diagnostic names it escaped, on one line."""
    write(
        tmp_path / "ds",
        CLAIMS.format(name="A", id="c1").replace("formula: p", "formula: p and"),
        name="cl\x1b[31m\naims.yaml",
    )
    (m,) = diagnostics(run("check", "ds", "--no-cache", cwd=tmp_path))
    assert "ds/cl\\x1b[31m\\naims.yaml" == m["file"]


def test_a_quote_not_found_shows_its_passage_on_one_line(tmp_path: Path) -> None:
    """A missing quote's "closest passage" comes from a document with tabs and BEL: shown escaped."""
    write(tmp_path / "ds", CLAIMS.format(name="A", id="c1").replace('quote: "x"', 'quote: "ring the bell"'))
    (tmp_path / "ds" / "doc.txt").write_text("please\tring\x07 the\nbell now\n", encoding="utf-8")
    diagnostics(run("check", "ds", "--no-cache", cwd=tmp_path))


# --------------------------------------------------------------------------- the HTML page (item 9)


CLASSES = {  # each class of character a field may hold, as a YAML double-quoted escape
    "C0": "\\x01\\x1b",
    "NUL": "\\0",
    "DEL": "\\x7f",
    "C1": "\\x85\\x9b",
    "noncharacter": "\\ufdd0\\uFFFE",
    "astral-noncharacter": "\\U0001FFFE",
    "allowed-whitespace": "\\t\\u2028",
}


@pytest.mark.parametrize("cls", sorted(CLASSES))
def test_the_html_page_parses_strictly_whatever_the_fields_hold(tmp_path: Path, cls: str) -> None:
    """Names, role, via, id-free text (quote, note, document) and the file's own name hold the class:
    the page still parses under html5lib's strict parser, and shows the characters as escapes."""
    esc = CLASSES[cls]
    raw = esc.encode("ascii").decode("unicode_escape") if cls != "NUL" else "\x00"
    folder = tmp_path / "ds"
    folder.mkdir()
    doc_name = "doc" + (raw if cls in ("C0", "DEL") else "") + ".txt"
    in_quote = ("", "") if cls == "NUL" else (raw, esc)  # a NUL makes a document binary: fields only
    (folder / doc_name).write_text(f"He said: ring{in_quote[0]} the bell. Then: not so.\n", encoding="utf-8")
    (folder / f"claims{raw if cls in ('C0', 'DEL') else ''}.yaml").write_text(
        textwrap.dedent(f"""\
        document: "{doc_name.replace(raw, esc) if cls in ("C0", "DEL") else doc_name}"
        declarations: |
          const p: bool
        sources:
          a:
            name: "Al{esc}ice"
            role: "role{esc}"
            via: "via{esc}"
        claims:
          - id: c1
            source: a
            said: 2020-01-01
            quote: "ring{in_quote[1]} the bell"
            formula: p
            note: "note{esc}"
          - id: c2
            source: a
            said: 2020-01-01
            quote: "not so"
            formula: not p
        """),
        encoding="utf-8",
    )
    r = run("check", "ds", "--no-cache", "--format", "html", "-o", "page.html", cwd=tmp_path)
    assert 1 == r.returncode, r.stderr
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    html5lib.HTMLParser(strict=True).parse(page)
    assert f"Al{shown(raw)}ice" in page


def shown(text: str) -> str:
    """How the page shows characters HTML forbids: as escapes (tab and U+2028 are allowed as they are)."""

    def one(ch: str) -> str:
        code = ord(ch)
        if ch in "\t\u2028":
            return ch
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return "".join(one(ch) for ch in text)
