"""The imports of ``claims/`` follow the pipeline: a module imports only modules of earlier stages.

:data:`STAGES` is the order (README, "How it works", is the same map in words).
Every import counts, at module level or inside a function, and so does one
under ``if TYPE_CHECKING:``: a later stage's name in an earlier stage's
annotation is a reach back all the same.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import claims

PACKAGE = Path(claims.__file__).resolve().parent

STAGES = (
    # _base: what every stage uses
    "claims._base.version",
    "claims._base.errors",
    "claims._base.limits",
    "claims._base.gc",
    "claims._base.background",
    "claims._base.files",
    "claims._base.read",
    "claims._base.sign",
    "claims._base.text",
    "claims._base.groups",
    "claims._base.fields",
    # _front: files to a typed Dataset
    "claims._front.lalr",
    "claims._front.parsers",
    "claims._front.syntax",
    "claims._front.model",
    "claims._front.inputs",
    "claims._front.yamlread",
    "claims._front.rulesets",
    "claims._front.claimfile",
    "claims._front.resolve",
    "claims._front.lint",
    "claims._front.filecache",
    "claims._front.build",
    "claims._front.folio",
    "claims._front.draft",
    # _logic: a Dataset to per-component results
    "claims._logic.timeline",
    "claims._logic.encode",
    "claims._logic.partition",
    "claims._logic.solver",
    "claims._logic.marco",
    "claims._logic.probe",
    "claims._logic.values",
    "claims._logic.repairs",
    "claims._logic.verdicts",
    "claims._logic.near",
    "claims._logic.solve",
    "claims._logic.rulecheck",
    "claims._logic.cache",
    "claims._logic.recheck",
    "claims._logic.executor",
    # _report: results to findings, findings to formats
    "claims._report.registry",
    "claims._report.gating",
    "claims._report.findings",
    "claims._report.assemble",
    "claims._report.text",
    "claims._report.records",
    "claims._report.policy",
    "claims._report.json_report",
    "claims._report.sarif",
    "claims._report.junit",
    "claims._report.html",
    "claims._report.claimreview",
    "claims._report.render",
    "claims._report.fuzz",
    # _run: the pipeline wired, and what runs it
    "claims._run.loader",
    "claims._run.api",
    "claims._run.gate",
    "claims._run.fuzz",
    "claims._run.folio",
    "claims._run.lsp",
    "claims",
    "claims._run.apidoc",  # writes docs/api.md from the public names
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ``claims`` that ``path`` imports (``from claims._x import y`` names y if it is a module)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "claims")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            if base.split(".")[0] != "claims":
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return found


def test_every_module_has_a_stage() -> None:
    modules = set(_modules())
    packages = {m for m in modules if (PACKAGE.parent / m.replace(".", "/") / "__init__.py").exists()} - {"claims"}
    assert modules - packages - set(STAGES) == set(), "a new module: give it its place in STAGES"
    assert set(STAGES) - modules == set(), "STAGES names a module that does not exist"


def test_the_stage_packages_import_nothing() -> None:
    modules = _modules()
    for name, path in modules.items():
        if path.name == "__init__.py" and name != "claims":
            assert _imports(name, path, set(modules)) == set(), f"{name} imports: keep package files empty"


@pytest.mark.parametrize("name", STAGES)
def test_imports_only_from_earlier_stages(name: str) -> None:
    modules = _modules()
    rank = {m: i for i, m in enumerate(STAGES)}
    later = sorted(m for m in _imports(name, modules[name], set(modules)) if m in rank and rank[m] >= rank[name])
    assert later == [], f"{name} imports {later}, which come at or after it in the pipeline"


def test_no_cycles() -> None:
    """Implied by the order, and checked on its own so that a wrong STAGES cannot hide one."""
    modules = _modules()
    graph = {m: _imports(m, p, set(modules)) & set(modules) for m, p in modules.items()}
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> None:
        if state.get(m) == 2:
            return
        assert state.get(m) != 1, "import cycle: " + " -> ".join([*path, m])
        state[m] = 1
        for n in sorted(graph[m]):
            visit(n, [*path, m])
        state[m] = 2

    for m in sorted(graph):
        visit(m, [])


def test_the_readme_map_lists_the_stages_in_order() -> None:
    """README's "How it works" map names every module of STAGES, folder by folder, in the same order."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    listed: list[str] = []
    folder = ""
    for line in readme.split("## How it works", 1)[1].split("\n## ", 1)[0].splitlines():
        cells = line.split("|")
        if len(cells) < 3 or not cells[1].strip().startswith(("`", "**`")):
            continue
        first = cells[1].strip()
        if first.startswith("**`claims/"):
            folder = first.removeprefix("**`").removesuffix("/`**").replace("/", ".")
            continue
        listed += [f"{folder}.{name.strip().strip('`')}" for name in first.split(",")]
    assert listed == [m for m in STAGES if m.count(".") == 2]
