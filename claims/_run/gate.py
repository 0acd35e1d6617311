"""Gating CI runs: which findings are new, against a baseline file or a git revision.

Both compare fingerprints (``claims._report.findings.fingerprint``), which name a
finding by what its claims and rules mean, not by where they stand: so a
reordered, reformatted or unrelated edit brings no new finding.

- ``claims baseline PATH... -o FILE`` writes the failing findings of a run as
  a JSON report (``"document": "baseline"``, schema ``report-v2``);
  ``claims check --baseline FILE`` fails only on findings whose fingerprint
  the baseline does not hold.
- ``claims check --since REV`` checks the dataset as it is and as it was at
  git revision REV, and fails only on findings introduced since. The files at
  REV are read with ``git ls-tree`` and ``git cat-file`` into a temporary
  directory: the working tree and the index are never touched.
"""

from __future__ import annotations

import json
import os
import posixpath
import subprocess
import tempfile
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
from ruamel.yaml.error import YAMLError

from claims._base import errors as E
from claims._base.errors import Diagnostic, InputError, Span
from claims._base.limits import DEFAULT as DEFAULT_LIMITS
from claims._base.read import read_regular
from claims._base.text import plural
from claims._front.inputs import display_path
from claims._front.rulesets import names_a_path
from claims._front.yamlread import read_yaml
from claims._report.findings import Report
from claims._report.gating import JSON, Gate, compare
from claims._report.json_report import SCHEMA_VERSION, dumps, report_document
from claims._report.records import FindingRecord, Records
from claims._run.api import check
from claims._run.loader import load

# Codes of the gate's own input errors, made in claims._base.errors with every other code (so the
# README's table, generated from there, lists them whatever was imported); docs/ci.md explains them.
BAD_BASELINE = E.BAD_BASELINE
BAD_REVISION = E.BAD_REVISION


def _error(
    path: str, code: E.ErrorCode, message: str, hint: str | None = None, line: int = 1, column: int = 0
) -> InputError:
    return InputError(
        [Diagnostic(span=Span(path, line, column), code=code.code, message=message, severity="error", hint=hint)]
    )


# --------------------------------------------------------------------------- baseline


def baseline_text(report: Report, records: Records) -> tuple[str, int]:
    """The baseline file for ``report`` (its failing findings, of its ``records``) and how many it holds."""
    doc = report_document(report, records, document="baseline")
    return dumps(doc), len(doc["findings"])


@attrs.frozen
class Baseline:
    """A baseline file, read: the findings it lists."""

    path: str
    findings: tuple[JSON, ...]
    warnings: tuple[str, ...] = ()  # fingerprints of its lint warnings (none in baselines before them)

    @classmethod
    def read(cls, path: str) -> Baseline:
        """Read a baseline (or any JSON report of schema version 1).

        Raises:
            InputError: ``bad-baseline`` when the file is missing, is not
                JSON, or is not a claims report of a version this release reads.
        """
        try:
            # the baseline may be a file of the checkout: a FIFO there must not block, nor /dev/zero run on
            text = read_regular(path, DEFAULT_LIMITS.file_bytes).decode("utf-8")
        except FileNotFoundError:
            raise _error(
                path,
                BAD_BASELINE,
                f"baseline file '{path}' does not exist",
                "write one with `claims baseline PATH... -o FILE`",
            ) from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise _error(path, BAD_BASELINE, f"cannot read baseline file '{path}': {why}") from None
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _error(
                path,
                BAD_BASELINE,
                f"baseline file '{path}' is not JSON: {exc.msg}",
                line=exc.lineno,
                column=exc.colno - 1,
            ) from None
        if not isinstance(doc, dict) or "findings" not in doc or "schema_version" not in doc:
            raise _error(
                path,
                BAD_BASELINE,
                f"'{path}' is not a claims baseline: it has no 'schema_version' and 'findings'",
                "write one with `claims baseline PATH... -o FILE`",
            )
        # version 2 only added fields: a baseline's findings and fingerprints read the same in 1
        if doc["schema_version"] not in (1, SCHEMA_VERSION):
            raise _error(
                path,
                BAD_BASELINE,
                f"baseline '{path}' has schema_version {doc['schema_version']!r}; this "
                f"release reads versions 1 and {SCHEMA_VERSION}",
                "write it again with `claims baseline`",
            )
        findings = doc["findings"]
        if not isinstance(findings, list) or not all(
            isinstance(f, dict) and isinstance(f.get("fingerprint"), str) for f in findings
        ):
            raise _error(
                path, BAD_BASELINE, f"'findings' of baseline '{path}' must be a list of findings with a 'fingerprint'"
            )
        warnings = doc.get("warnings", [])
        if not isinstance(warnings, list) or not all(
            isinstance(w, dict) and isinstance(w.get("fingerprint"), str) for w in warnings
        ):
            raise _error(
                path, BAD_BASELINE, f"'warnings' of baseline '{path}' must be a list of warnings with a 'fingerprint'"
            )
        return cls(path, tuple(findings), tuple(w["fingerprint"] for w in warnings))

    def gate(self, current: Sequence[FindingRecord], *, allow_unsupported: bool = False, **_: Any) -> Gate:
        """Compare the findings of a run (its records, ``current``) with this baseline."""
        return compare("baseline", self.path, _failing(current), self.findings, warnings_before=self.warnings)


# --------------------------------------------------------------------------- since REV


def _git(args: Sequence[str], cwd: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    # GIT_OPTIONAL_LOCKS=0: read-only commands must not even refresh the index.
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    try:
        return subprocess.run(
            ["git", "--literal-pathspecs", *args], cwd=cwd, input=stdin, capture_output=True, check=False, env=env
        )
    except FileNotFoundError:
        raise _error(cwd, BAD_REVISION, "--since needs git, and git is not installed") from None


def _ls_tree(root: str, commit: str, specs: Iterable[str]) -> dict[str, str]:
    """The blobs at ``commit`` under ``specs`` (repository-relative): path → object id."""
    specs = sorted(set(specs))
    if not specs:
        return {}
    args = ["ls-tree", "-r", "-z", "--full-tree", commit]
    if "." not in specs:
        args += ["--", *specs]
    proc = _git(args, root)
    if proc.returncode != 0:
        raise _error(root, BAD_REVISION, f"git ls-tree failed: {proc.stderr.decode(errors='replace').strip()}")
    out: dict[str, str] = {}
    for entry in proc.stdout.decode("utf-8", errors="surrogateescape").split("\0"):
        if not entry:
            continue
        meta, _, path = entry.partition("\t")
        mode, kind, oid = meta.split(" ")
        if kind == "blob" and mode in ("100644", "100755"):  # no symlinks, no submodules
            out[path] = oid
    return out


def _inside(root: str, into: str, p: str) -> Path:
    """Where the tree path ``p`` goes under ``into``; an error for a path that would leave it.

    ``git checkout`` refuses such trees, but ``git mktree`` makes them: a
    commit is input like any other (``..``, an absolute path, an empty or
    ``.`` part, a backslash or a NUL).
    """
    parts = p.split("/")
    if any(part in ("", ".", "..") or "\\" in part or "\0" in part for part in parts):
        raise _error(
            root,
            BAD_REVISION,
            f"--since: the revision's tree holds the path {p!r}, which would "
            "leave the folder it is read into; nothing was written",
            "a tree made by hand (git mktree) can hold such paths; git checkout refuses them too",
        )
    target = Path(into, *parts)
    base = os.path.realpath(into)
    if os.path.commonpath([base, os.path.realpath(target)]) != base:  # pragma: no cover - parts are plain
        raise _error(root, BAD_REVISION, f"--since: the tree path {p!r} leads outside {into}")
    return target


def _write_blobs(root: str, blobs: dict[str, str], into: str) -> None:
    """Write blobs into the directory ``into`` with one ``git cat-file --batch``."""
    if not blobs:
        return
    paths = sorted(blobs)
    proc = _git(["cat-file", "--batch"], root, "".join(blobs[p] + "\n" for p in paths).encode())
    if proc.returncode != 0:
        raise _error(root, BAD_REVISION, f"git cat-file failed: {proc.stderr.decode(errors='replace').strip()}")
    data, at = proc.stdout, 0
    for p in paths:
        nl = data.index(b"\n", at)
        size = int(data[at:nl].split(b" ")[2])
        target = _inside(root, into, p)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data[nl + 1 : nl + 1 + size])
        at = nl + 1 + size + 1


def _references(text: str) -> list[str]:
    """The files a claim file names by path: its documents and the rule sets it names by path.

    Read as the loader reads a claim file; [] when it is no mapping (the loader will say what is wrong).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a duplicate key: the loader reports it
            data = read_yaml(text)
    except (YAMLError, RecursionError):
        return []
    if not isinstance(data, dict):
        return []
    refs = [data.get("document")]
    sources = data.get("sources")
    if isinstance(sources, dict):
        refs += [s.get("document") for s in sources.values() if isinstance(s, dict)]
    rules = data.get("rules")
    for r in rules if isinstance(rules, list) else [rules]:
        if isinstance(r, str) and names_a_path(r):
            refs.append(r)
    return [r for r in refs if isinstance(r, str) and r]


def _failing(records: Iterable[FindingRecord]) -> list[str]:
    """The fingerprints of the failing findings among ``records``."""
    return [r.fingerprint for r in records if r.failing]


@attrs.frozen
class Revision:
    """A git revision to compare with, resolved: its repository, commit and the paths in it."""

    rev: str
    commit: str
    root: str
    paths: tuple[str, ...]  # repository-relative, "/"-separated ("." for the root)

    @classmethod
    def resolve(cls, paths: Sequence[str], rev: str) -> Revision:
        """Find the repository holding ``paths`` and the commit ``rev`` names.

        Raises:
            InputError: ``bad-revision`` when the paths are not in one git
                repository or ``rev`` names no commit.
        """
        first = os.path.abspath(paths[0])
        start = first if os.path.isdir(first) else os.path.dirname(first)
        while not os.path.isdir(start):
            start = os.path.dirname(start)
        top = _git(["rev-parse", "--show-toplevel"], start)
        if top.returncode != 0:
            raise _error(paths[0], BAD_REVISION, f"--since {rev}: '{paths[0]}' is not in a git repository")
        root = os.path.realpath(top.stdout.decode().strip())
        if rev.startswith("-"):
            raise _error(paths[0], BAD_REVISION, f"--since {rev}: a revision cannot start with '-'")
        found = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root)
        if found.returncode != 0:
            raise _error(
                paths[0],
                BAD_REVISION,
                f"--since {rev}: git knows no commit '{rev}'",
                "name a commit, branch or tag (in CI, fetch it first: actions/checkout with fetch-depth: 0)",
            )
        rels = []
        for p in paths:
            rel = os.path.relpath(os.path.realpath(os.path.abspath(p)), root)
            if rel == ".." or rel.startswith(".." + os.sep):
                raise _error(p, BAD_REVISION, f"--since {rev}: '{p}' is outside the git repository {root}")
            rels.append(Path(rel).as_posix())
        return cls(rev, found.stdout.decode().strip(), root, tuple(rels))

    def materialize(self, into: str) -> list[str]:
        """Write the dataset as it was at the commit into ``into``; return the paths that existed.

        Along with the claim files come what they need at the same commit:
        the ``rules/`` directories on the way up to the repository's root,
        and the documents and rule files they name by path.
        """
        wanted = set(self.paths)
        for rel in self.paths:
            d = "" if rel == "." else rel
            while True:
                wanted.add(posixpath.join(d, "rules") if d else "rules")
                if not d:
                    break
                d = posixpath.dirname(d)
        blobs = _ls_tree(self.root, self.commit, wanted)
        _write_blobs(self.root, blobs, into)

        def under(rel: str, p: str) -> bool:
            return rel == "." or p == rel or p.startswith(rel + "/")

        refs = set()
        for p in blobs:
            if p.endswith((".yaml", ".yml")) and any(under(rel, p) for rel in self.paths):
                for ref in _references(Path(into, *p.split("/")).read_text(encoding="utf-8", errors="replace")):
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(p), ref))
                    if not target.startswith("../") and target != ".." and target not in blobs:
                        refs.add(target)
        _write_blobs(
            self.root, {p: oid for p, oid in _ls_tree(self.root, self.commit, refs).items() if p not in blobs}, into
        )
        return [rel for rel in self.paths if any(under(rel, p) for p in blobs)]

    def gate(
        self,
        current: Sequence[FindingRecord],
        *,
        allow_unsupported: bool = False,
        root: str | None = None,
        **check_options: Any,
    ) -> Gate:
        """Check the dataset at the commit and compare the findings of a run (its records, ``current``) with it.

        ``check_options`` (``timeout``, ``max_per_component``, ``limits``, ...) go to
        :func:`claims.check`: use those of the run, so that both sides are
        solved alike. The revision's dataset is loaded under the same root as the
        working tree's: ``root`` (the run's ``--root``) or the paths given, in the
        folder it is written into; never anything outside that folder.
        """
        notes: list[str] = []
        before: list[JSON] = []
        warnings_before: list[str] = []
        with tempfile.TemporaryDirectory(prefix="claims-since-") as made:
            tmp = os.path.realpath(made)
            present = self.materialize(tmp)
            missing = [p for p in self.paths if p not in present]
            if missing:
                notes.append(f"not in {self.rev}: {', '.join(missing)}")
            if present:
                try:
                    # the revision's dataset is as untrusted as the working tree's: what it names
                    # must lie in the folder it was written into, within the same limits
                    old = load(
                        *(os.path.join(tmp, *p.split("/")) for p in present),
                        root=self._root_in(tmp, root),
                        limits=check_options.get("limits", DEFAULT_LIMITS),
                    )
                except InputError as err:
                    n = len(err.diagnostics)
                    notes.append(
                        f"at {self.rev} the dataset did not load ({plural(n, 'error')}): "
                        "every finding counts as introduced"
                    )
                else:
                    then = Records.of(check(old, **check_options), allow_unsupported=allow_unsupported)
                    before = [_remap(r.to_json(), self._back(tmp)) for r in then.findings]
                    # a warning's fingerprint holds no path: no remapping
                    warnings_before = [w.fingerprint for w in then.warnings]
        return compare(
            "since",
            self.rev,
            _failing(current),
            before,
            notes=notes,
            commit=self.commit,
            warnings_before=warnings_before,
        )

    def _root_in(self, tmp: str, root: str | None) -> str | None:
        """The run's ``--root`` as it is in the copy at ``tmp``: None (the paths given) when there is none,
        ``tmp`` itself when it holds the whole repository."""
        if root is None:
            return None
        rel = os.path.relpath(os.path.realpath(root), self.root)
        if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep):
            return tmp
        inside = os.path.join(tmp, rel)
        os.makedirs(inside, exist_ok=True)  # (the revision may have had nothing there)
        return inside

    def _back(self, tmp: str) -> Callable[[str], str]:
        """Map a path shown for the temporary copy back to the path shown for the working tree."""

        def back(shown: str) -> str:
            full = os.path.abspath(shown)
            if full.startswith(tmp + os.sep):
                # as the loader shows it (git gives the root as a real path, as os.getcwd() is)
                return display_path(Path(self.root, full[len(tmp) + 1 :]))
            return shown

        return back


def _remap(value: Any, back: Callable[[str], str]) -> Any:
    """A record's JSON with every ``file`` field mapped through ``back``."""
    if isinstance(value, dict):
        return {k: (back(v) if k == "file" and isinstance(v, str) else _remap(v, back)) for k, v in value.items()}
    if isinstance(value, list):
        return [_remap(v, back) for v in value]
    return value


Reference = Baseline | Revision


def reference(*, baseline: str | None, since: str | None, paths: Sequence[str]) -> Reference | None:
    """What ``claims check`` compares with: a baseline file, a git revision, or nothing.

    Raises:
        InputError: when the baseline cannot be read or the revision cannot be found.
    """
    if baseline is not None:
        return Baseline.read(baseline)
    if since is not None:
        return Revision.resolve(paths, since)
    return None
