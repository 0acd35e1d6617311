"""Generate ``docs/api.md`` from the public names' docstrings: ``python -m claims._run.apidoc``."""

from __future__ import annotations

import inspect
import sys

import attrs

import claims


def _fields(cls: type) -> list[str]:
    out = []
    for f in attrs.fields(cls):
        internal = not f.repr and f.name in ("term", "example_terms", "forbid_terms", "possible_terms")
        if f.name.startswith("_") or internal:
            continue
        t = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
        out.append(f"- `{f.name}: {t}`")
    return out


def render() -> str:
    """The Markdown API reference of every name in ``claims.__all__``."""
    lines = [
        "# API reference",
        "",
        "Generated from the docstrings by `python -m claims._run.apidoc > docs/api.md`;",
        "a test fails when this file and the code disagree. The public names, in order:",
        "",
        ", ".join(f"`{n}`" for n in claims.__all__),
        "",
    ]
    for name in claims.__all__:
        obj = getattr(claims, name)
        if name == "__version__":
            continue
        lines.append(f"## `claims.{name}`")
        lines.append("")
        if inspect.isfunction(obj):
            lines.append(f"```python\n{name}{inspect.signature(obj)}\n```")
            lines.append("")
        doc = inspect.getdoc(obj) or ""
        if doc:
            lines.append(doc)
            lines.append("")
        if inspect.isclass(obj) and attrs.has(obj):
            lines.append("Fields:")
            lines.append("")
            lines.extend(_fields(obj))
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(render())
