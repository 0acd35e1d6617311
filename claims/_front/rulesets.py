"""Stage *load*: rule sets, found by name or path and parsed into items with places.

A claim file names the rule sets it uses; :func:`rule_sets_of` finds each
one (a path beside the claim file, or a name in the rule search path:
:func:`locate_rule_set`) and parses its file once (:func:`load_rule_file`).
Nothing here knows what a name in a rule means.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import attrs

from claims._base import errors as E
from claims._base.errors import DiagnosticSink, Span, did_you_mean
from claims._base.limits import DEFAULT as DEFAULT_LIMITS
from claims._base.limits import Limits, TooLarge
from claims._base.read import Roots
from claims._front.inputs import (
    ANYWHERE,
    Inputs,
    Locator,
    display_path,
    outside_root,
    parse_given,
    read_text,
    refuse_outside,
    stat_problem,
)
from claims._front.syntax import Item, ParseError, offset_to_place, parse_items


@attrs.frozen
class RawRuleSet:
    name: str
    path: str
    items: tuple[Item, ...]
    locator: Locator = attrs.field(eq=False)


def packaged_rules_dir() -> Path | None:
    """The rule sets shipped with the package (a wheel), or the repository's ``rules/``."""
    pkg = resources.files("claims")
    candidate = Path(str(pkg)) / "_rules"
    if candidate.is_dir():
        return candidate
    repo = Path(str(pkg)).parent / "rules"
    return repo if repo.is_dir() else None


def rule_search_dirs(start: Path) -> list[Path]:
    """Where rule set names are looked up: ``rules/`` beside the claim file or above it, then the packaged ones."""
    dirs: list[Path] = []
    here = start.resolve()
    for d in [here, *here.parents]:
        cand = d / "rules"
        if cand.is_dir():
            dirs.append(cand)
            break
    pkg = packaged_rules_dir()
    if pkg is not None and all(pkg.resolve() != d.resolve() for d in dirs):
        dirs.append(pkg)
    return dirs


def names_a_path(rule_set: str) -> bool:
    """Whether a claim file names this rule set by path (``x.rules``, ``a/b``), not by name."""
    return rule_set.endswith(".rules") or "/" in rule_set


def locate_rule_set(
    name: str, claim_file: Path, span: Span, sink: DiagnosticSink, inputs: Inputs = ANYWHERE
) -> Path | None:
    """Find the file of rule set ``name`` used by ``claim_file``.

    A path (``x.rules``, ``a/b``) is read only under the dataset's roots; a name is
    looked up in the rule search path (:func:`rule_search_dirs`), and the file found
    there must not lead out of the folder it is found in (nor out of the roots).
    """
    if names_a_path(name):
        p = claim_file.parent / name
        if outside_root(p, name, "the rule set file", inputs, span, sink):
            return None
        problem = stat_problem(p)
        if problem is not None:
            sink.error(span, E.UNKNOWN_RULE_SET, f"cannot look up rule set file '{display_path(p)}': {problem}")
            return None
        if p.is_file():
            return p
        sink.error(span, E.UNKNOWN_RULE_SET, f"rule set file '{display_path(p)}' does not exist")
        return None
    dirs = rule_search_dirs(claim_file.parent)
    for d in dirs:
        p = d / f"{name}.rules"
        problem = stat_problem(p)
        if problem is not None:
            sink.error(span, E.UNKNOWN_RULE_SET, f"cannot look up rule set '{name}': {problem}")
            return None
        if p.is_file():
            if inputs.roots is not None and not _search_dir_holds(d, p, inputs.roots):
                refuse_outside(inputs.roots, p, f"the rule set '{name}', found as '{display_path(p)}',", span, sink)
                return None
            return p
    available = sorted({p.stem for d in dirs for p in d.glob("*.rules")})
    sink.error(
        span, E.UNKNOWN_RULE_SET, f"unknown rule set '{name}'", did_you_mean(name, available, "available rule sets")
    )
    return None


def _search_dir_holds(folder: Path, file: Path, roots: Roots) -> bool:
    """Whether ``file``, found by name in the rule search folder ``folder``, may be read.

    A ``rules/`` folder inside the dataset is the dataset's: what is found there
    must resolve under its roots. One above them (the repository's) or the
    shipped rule sets are the search path: what is found there must not lead
    out of the folder itself.
    """
    where = os.path.join(os.path.realpath(folder.parent), folder.name)  # the folder itself, not its target
    if roots.contains(where):
        return roots.holds(file)
    return Roots((os.path.realpath(folder),)).holds(file)


_ITEM_START = re.compile(r"^[ \t]*(?:rule|sort|timed|const|pred|func)\b", re.MULTILINE)


def longest_item(text: str) -> tuple[int, int]:
    """Where the longest item of a rule file or declarations block starts, and its length in characters.

    An item starts at a line that starts with ``rule``, ``sort``, ``const``, ...;
    a rule runs on with its formula and examples. This is measured before the
    text is parsed, which takes seconds per megabyte (``Limits.formula_chars``
    bounds one item as it bounds a claim's formula).
    """
    starts = [m.start() for m in _ITEM_START.finditer(text)]
    cuts = [0, *starts, len(text)]
    return max(((a, b - a) for a, b in itertools.pairwise(cuts)), key=lambda p: p[1])


def load_rule_file(
    path: Path,
    sink: DiagnosticSink,
    name: str | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
    text: str | None = None,
) -> RawRuleSet | None:
    """Parse one ``.rules`` file (``text``: its text as being edited, instead of what is saved)."""
    if text is None:
        text = read_text(path, sink, limits=limits)
    if text is None:
        return None
    shown = display_path(path)
    sink.remember_text(shown, text)
    loc = Locator(shown, offset_to_place(text))
    start, length = longest_item(text)
    if length > limits.formula_chars:
        sink.error(
            loc.span(start),
            E.TOO_LARGE,
            str(
                TooLarge(
                    "formula-chars",
                    length,
                    limits.formula_chars,
                    "this item of the rule file is too long",
                    "characters",
                )
            ),
        )
        return None
    try:
        items = parse_items(text)
    except ParseError as exc:
        sink.error(loc.span(exc.pos), E.FORMULA_SYNTAX, exc.message, exc.hint)
        return None
    return RawRuleSet(name or path.stem, shown, items, loc)


def load_rule_text(text: str, name: str, sink: DiagnosticSink) -> RawRuleSet | None:
    """Parse rules given as a string (the library's ``rules=`` argument)."""
    shown = f"<{name}>"
    items, loc = parse_given(text, shown, parse_items, sink)
    return RawRuleSet(name, shown, items, loc) if items is not None else None


def rule_sets_of(
    loaded: Sequence[tuple[Path, Sequence[tuple[str, Span]]]], sink: DiagnosticSink, inputs: Inputs
) -> list[RawRuleSet]:
    """Load each rule set the claim files use (each file's names, and where it writes them), once.

    Where a name leads depends only on the name and the claim file's folder
    (:func:`locate_rule_set` looks beside it, then up its search path, under
    the same roots), so the file found is looked up once per folder, not once
    per claim file. A name that leads nowhere is looked up again for each file
    that writes it: each gets its error, at its own place.
    """
    by_path: dict[str, RawRuleSet] = {}
    found: dict[tuple[str, Path], tuple[Path, str]] = {}  # (name, folder): the file found and its real path
    for path, names in loaded:
        for name, span in names:
            known = found.get((name, path.parent))
            if known is None:
                p = locate_rule_set(name, path, span, sink, inputs)
                if p is None:
                    continue
                known = found[(name, path.parent)] = (p, str(p.resolve()))
            p, key = known
            if key not in by_path:
                rs = load_rule_file(p, sink, limits=inputs.limits)
                if rs is not None:
                    by_path[key] = rs
    return sorted(by_path.values(), key=lambda r: (r.name, r.path))
