"""The README stays true: its table of diagnostic codes is the generated one."""

from pathlib import Path

from claims._base.errors import code_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_code_table_is_generated() -> None:
    """The codes table between the markers equals claims._base.errors.code_table()."""
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- codes:start -->\n", 1)[1].split("\n<!-- codes:end -->", 1)[0]
    assert code_table() == table


def test_readme_starts_with_the_two_commands() -> None:
    """The first code block installs and runs `claims check seeds/`, then runs the tests."""
    block = README.read_text(encoding="utf-8").split("```sh\n", 1)[1].split("```", 1)[0]
    lines = block.strip().splitlines()
    assert "claims check seeds/" in lines[0] and "pip install" in lines[0]
    assert lines[1].endswith("-m pytest")


def test_readme_seed_excerpt_is_real_output() -> None:
    """The seed excerpt the README shows is what `claims check seeds/` prints, line for line."""
    import subprocess
    import sys

    text = README.read_text(encoding="utf-8")
    excerpt = text.split("```\n#3 ", 1)[1].split("```", 1)[0]
    exe = str(Path(sys.executable).parent / "claims")
    out = subprocess.run(
        [exe, "check", "--no-cache", "seeds/"], capture_output=True, text=True, cwd=README.parent
    ).stdout
    assert ("#3 " + excerpt).rstrip("\n") in out
    for head in ("  conflict 1:", "Claims most often in contradictions\n"):
        block = text.split("```\n" + head, 1)[1].split("```", 1)[0]
        assert (head + block).rstrip("\n") in out


def test_code_table_needs_no_other_module() -> None:
    """Every code is made in claims._base.errors: the table is whole without the FOLIO modules imported."""
    import subprocess
    import sys

    script = (
        "import sys; from claims._base.errors import code_table; sys.stdout.write(code_table()); "
        "assert not {'claims._front.folio', 'claims._run.folio'} & set(sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    text = README.read_text(encoding="utf-8")
    assert out == text.split("<!-- codes:start -->\n", 1)[1].split("\n<!-- codes:end -->", 1)[0]


def test_a_code_registers_itself_once() -> None:
    """Making an ErrorCode registers it; making one with a code already made is refused."""
    import pytest

    from claims._base.errors import ERROR_CODES, FILE_MISSING, ErrorCode

    assert ERROR_CODES["file-missing"] is FILE_MISSING
    with pytest.raises(ValueError, match="made twice"):
        ErrorCode("file-missing", "another meaning")
    assert ERROR_CODES["file-missing"] is FILE_MISSING
