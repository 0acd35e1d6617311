"""The docs cannot rot: the tutorial runs, the API reference is generated, the surface is fixed."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

DOCUMENTED_NAMES = [
    "Claim",
    "ClaimsError",
    "Conflict",
    "Contradiction",
    "Dataset",
    "Diagnostic",
    "InputError",
    "InvalidClaim",
    "Limits",
    "Reading",
    "Report",
    "Rule",
    "RuleConflict",
    "RuleError",
    "Scenario",
    "SolverError",
    "Source",
    "Span",
    "Unknown",
    "Verdict",
    "__version__",
    "check",
    "dataset",
    "load",
    "with_claim",
]


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


def test_tutorial_runs_importing_only_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every code block of the tutorial runs, in order, in one namespace; it imports nothing but claims."""
    blocks = python_blocks(ROOT / "docs" / "tutorial.md")
    assert len(blocks) >= 6
    imports = {m for b in blocks for m in re.findall(r"^\s*(?:import|from)\s+(\w+)", b, flags=re.M)}
    assert {"claims"} == imports
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, "docs/tutorial.md", "exec"), namespace)
    assert "pankov-offensive-continues" in out.getvalue()


def test_tutorial_script_runs_as_a_script_and_needs_its_guard(tmp_path: Path) -> None:
    """The tutorial's ``python script`` block runs as a user runs it, a file in a process of its own, with workers
    spawned; without its ``__main__`` guard it stops with the ClaimsError that names the guard, not a traceback of
    the pool."""
    [script] = re.findall(r"```python script\n(.*?)```", (ROOT / "docs" / "tutorial.md").read_text("utf-8"), flags=re.S)
    guarded = tmp_path / "check_many.py"
    guarded.write_text(script, encoding="utf-8")
    run = subprocess.run([sys.executable, str(guarded)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "1 contradiction\n10 contradictions\n"
    unguarded = tmp_path / "unguarded.py"
    body = script.replace('if __name__ == "__main__":\n    main()', "main()")
    assert body != script
    unguarded.write_text(body, encoding="utf-8")
    run = subprocess.run([sys.executable, str(unguarded)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode != 0
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("claims._base.errors.ClaimsError: a worker process of the check ended"), run.stderr
    assert "if __name__ ==" in last


@pytest.mark.parametrize("doc", ["README.md"])
def test_readme_library_example_runs(doc: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's library example runs as written."""
    monkeypatch.chdir(ROOT)
    for block in python_blocks(ROOT / doc):
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(block, doc, "exec"), {})


def test_api_reference_is_generated_from_docstrings() -> None:
    """docs/api.md equals what `python -m claims._run.apidoc` writes."""
    from claims._run.apidoc import render

    assert render() == (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


def test_public_surface_is_the_documented_list() -> None:
    """claims.__all__ is exactly the documented names, so the surface cannot grow by accident."""
    import claims

    assert DOCUMENTED_NAMES == claims.__all__
    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for name in DOCUMENTED_NAMES:
        assert f"`{name}`" in api


def test_no_z3_object_in_public_results() -> None:
    """Nothing reachable from a Report is a z3 object."""
    import claims

    report = claims.check(claims.load(str(ROOT / "seeds")))
    seen: set[int] = set()

    def walk(x: object) -> None:
        if id(x) in seen or isinstance(x, (str, int, float, bool, type(None))):
            return
        seen.add(id(x))
        assert not type(x).__module__.startswith("z3"), type(x)
        if isinstance(x, (tuple, list)):
            for y in x:
                walk(y)
        elif hasattr(x, "__attrs_attrs__"):
            for f in x.__attrs_attrs__:
                walk(getattr(x, f.name))

    walk(report)


def test_report_is_readable_in_a_repl_and_a_notebook() -> None:
    """repr() is one summary line; _repr_html_ is a table naming the claims."""
    import claims

    report = claims.check(claims.load(str(ROOT / "seeds")))
    assert repr(report).startswith(f"<Report {len(report.dataset.claims)} claims: 8 contradictions")
    html = report._repr_html_()
    assert html.startswith("<table>") and "ozerov-s400-kept" in html
    assert "Contradictions (8)" in str(report)


def test_errors_are_claims_errors_not_yaml_or_z3(tmp_path: Path) -> None:
    """A YAML syntax error surfaces as claims.InputError with a place, not a ruamel exception."""
    import claims

    bad = tmp_path / "bad.yaml"
    bad.write_text("claims: [\n", encoding="utf-8")
    with pytest.raises(claims.InputError) as info:
        claims.load(str(bad))
    assert isinstance(info.value, claims.ClaimsError)
    assert info.value.diagnostics[0].code == "yaml-syntax"
    assert os.path.basename(info.value.diagnostics[0].span.path) == "bad.yaml"
