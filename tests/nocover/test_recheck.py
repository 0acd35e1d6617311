"""The re-check from the last run's record: after any edit sequence, the bytes of a check without any cache.

``claims._logic.recheck`` keeps the last run's units and components and, on
the next run, encodes and groups again only what the edit touched. These
tests edit generated datasets (``benchmarks/generate.py``) file by file, the
way a person does (a formula, a vague word that changes only the strict
reading, a date, a kind, a claim dropped, copied or moved, a declaration, a
rule), check each state through one cache folder (the file cache, the result
cache and the record), and compare the JSON report with the one of a load and
check that use no cache at all. A record
that is damaged, unsigned or another engine's must be ignored, not trusted.
"""

from __future__ import annotations

import itertools
import marshal
import re
import shutil
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import claims
from benchmarks.generate import generate
from claims._base.limits import DEFAULT
from claims._base.sign import seal, unseal, user_key
from claims._front.lint import lint_dataset
from claims._front.model import Deferred, claim_key, kept_templates, kept_uses, symbol_uses, template_key, term_of
from claims._logic import recheck
from claims._logic.cache import ResultCache, engine_version
from claims._logic.encode import Encoder, claim_templates
from claims._logic.recheck import (
    _MAGIC,
    FORMAT,
    RECORD,
    Group,
    LastRun,
    Record,
    _decode,
    claim_keys,
    holding,
    outline,
    worth_writing,
)
from claims._logic.solve import Options
from claims._report.render import render

_LINE = re.compile(r"^  - \{id: (c\w+),.*\}$", re.M)
_FORMULA = re.compile(r'formula: "([^"]+)"')
_SAID = re.compile(r"said: (\d{4})-(\d\d)-(\d\d)")
_EXTRA_RULE = (
    '\nrule extra.no_offensive_withdrawn: "a withdrawn country launches no offensive"\n'
    "  forall c: Country. withdrawn(c) implies not offensive(c)\n"
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    generate(60, out, seed=11, claims_per_file=12)
    return out


def _report(articles: Path, cache: Path | None) -> str:
    """The JSON report of the dataset (or its error), through the cache folder ``cache`` (None: no cache)."""
    try:
        ds = claims.load(articles, cache=cache, jobs=1)
        report = claims.check(ds, cache=False if cache is None else ResultCache(cache), jobs=1)
    except claims.InputError as err:
        return "error: " + "\n".join(d.render() for d in err.diagnostics)
    return render("json", report)


def _edit(root: Path, op: str, which: int, arg: int, serial: int) -> None:
    """One edit of the dataset under ``root``: ``op`` on the ``which``-th claim file (its ``arg``-th claim line)."""
    files = sorted((root / "articles").glob("*.yaml"))
    if op == "rule":
        rules = root / "rules" / "bench.rules"
        text = rules.read_text(encoding="utf-8")
        rules.write_text(text.replace(_EXTRA_RULE, "") if _EXTRA_RULE in text else text + _EXTRA_RULE, "utf-8")
        return
    f = files[which % len(files)]
    text = f.read_text(encoding="utf-8")
    if op in ("unlink", "clone") and "declarations:" in text:
        return  # other files may use what it declares: an error, not an edit to re-check
    if op == "unlink":
        if len(files) > 1:
            f.unlink()
        return
    if op == "clone":  # a new file: the same claims under new ids
        f.with_name(f"b{serial:04d}.yaml").write_text(re.sub(r"id: (c\w+),", rf"id: \1f{serial},", text), "utf-8")
        return
    if op == "declare":
        extra = f"  const extra_{serial}: int\n"
        if "declarations: |\n" in text:
            f.write_text(text.replace("declarations: |\n", "declarations: |\n" + extra, 1), "utf-8")
        return
    lines = list(_LINE.finditer(text))
    if not lines:
        return
    m = lines[arg % len(lines)]
    line = m.group(0)
    if op == "formula":  # the same meaning, another text: a new key
        new = _FORMULA.sub(lambda g: f'formula: "({g.group(1)}) and true"', line)
    elif op == "vague":  # 'x is over N' <-> 'x > N': the stated reading kept, the strict one (near-contradictions) not
        if " is over " in line or " is under " in line:
            new = re.sub(r" is (over|under) ", lambda g: " > " if g.group(1) == "over" else " < ", line)
        else:
            word = {">": "over", "<": "under"}
            new = re.sub(r" ([<>]) (\d)", lambda g: f" is {word[g.group(1)]} {g.group(2)}", line)
    elif op == "negate":
        new = _FORMULA.sub(lambda g: f'formula: "not ({g.group(1)})"', line)
    elif op == "said":  # another day: the relevant days change
        new = _SAID.sub(lambda g: f"said: {g.group(1)}-{g.group(2)}-{1 + (int(g.group(3)) + arg) % 28:02d}", line)
    elif op == "kind":
        new = line[:-1] + ", kind: prediction}" if "kind:" not in line else line.replace(", kind: prediction", "")
    elif op == "drop":
        new = "" if len(lines) > 1 else line
    elif op == "copy":
        new = line + "\n" + line.replace(f"id: {m.group(1)},", f"id: {m.group(1)}x{serial},")
    else:  # move: the claim goes last in its file, the order of claims changes
        assert op == "move"
        text = text[: m.start()] + text[m.end() + 1 :] + line + "\n" if not text.endswith("\n\n") else text
        f.write_text(text, "utf-8")
        return
    end = m.end() + 1 if new == "" else m.end()
    f.write_text(text[: m.start()] + new + text[end:], "utf-8")


_EDITS = st.lists(
    st.tuples(
        st.sampled_from(
            ["formula", "vague", "negate", "said", "kind", "drop", "copy", "move", "declare", "rule", "unlink", "clone"]
        ),
        st.integers(0, 10),
        st.integers(0, 40),
        st.booleans(),  # the result pack lost before this run (kept components must then be solved)
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_EDITS)
def test_any_edit_sequence_rechecked_gives_the_bytes_of_a_check_without_cache(
    generated: Path, tmp_path_factory: pytest.TempPathFactory, edits: list[tuple[str, int, int, bool]]
) -> None:
    root = tmp_path_factory.mktemp("edits")
    shutil.copytree(generated / "articles", root / "articles")
    shutil.copytree(generated / "rules", root / "rules")
    cache = root / ".claims-cache"
    assert _report(root / "articles", cache) == _report(root / "articles", None)
    for serial, (op, which, arg, lose_pack) in enumerate(edits):
        _edit(root, op, which, arg, serial)
        if lose_pack:
            (cache / "results.pack").unlink(missing_ok=True)
        assert _report(root / "articles", cache) == _report(root / "articles", None), (op, which, arg)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_EDITS)
def test_a_recheck_from_an_older_record_gives_the_bytes_of_a_check_without_cache(
    generated: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    edits: list[tuple[str, int, int, bool]],
) -> None:
    """A run writes its record only when it drifted (``worth_writing``): here never once one is on disk (but
    after a change of context), so each re-check starts from the record of the first run, or of the last run
    whose context changed, whatever the edits since."""
    monkeypatch.setattr(recheck, "DRIFT_PER_WRITE", 0)
    root = tmp_path_factory.mktemp("older")
    shutil.copytree(generated / "articles", root / "articles")
    shutil.copytree(generated / "rules", root / "rules")
    cache = root / ".claims-cache"
    assert _report(root / "articles", cache) == _report(root / "articles", None)
    first = (cache / RECORD).read_bytes()
    for serial, (op, which, arg, lose_pack) in enumerate(edits):
        _edit(root, op, which, arg, serial)
        if lose_pack:
            (cache / "results.pack").unlink(missing_ok=True)
        assert _report(root / "articles", cache) == _report(root / "articles", None), (op, which, arg)
    if all(op in ("formula", "negate") and not lost for op, _, _, lost in edits):  # the context kept, the pack too
        assert (cache / RECORD).read_bytes() == first


def test_a_record_is_written_when_it_drifted_from_the_one_read() -> None:
    """worth_writing: no record read, another context, or more than one group in DRIFT_PER_WRITE new."""
    groups = tuple(Group((k,), (), f"n{k}", f"s{k}", f"k{k}") for k in range(3000))
    read = Record("ctx", tuple(f"c{k}" for k in range(3000)), (1,) * 3000, groups)
    assert worth_writing(read, None) == (True, ())
    assert worth_writing(attrs.evolve(read, context="other"), read) == (True, ())
    assert worth_writing(read, read) == (False, ())
    merged = Group((0, 1, 2), (), "n", "s", "k")  # an edit joined the first three groups
    write, gone = worth_writing(attrs.evolve(read, groups=(*groups[3:], merged)), read)
    assert not write and gone == groups[:3]  # 1 group new of 2,998: not written; the 3 it replaced kept
    remarked = groups[3]._replace(quiet=1)
    write, gone = worth_writing(attrs.evolve(read, groups=(remarked, *groups[4:], merged)), read)
    assert not write and gone == groups[:4]  # 2 new of 2,998 (a group marked anew is a new one)
    apart = tuple(Group((k,), (), f"m{k}", f"t{k}", f"j{k}") for k in range(4))  # an edit split one group in four
    write, gone = worth_writing(attrs.evolve(read, groups=(*groups[1:], *apart)), read)
    assert write and gone == ()  # 4 new of 3,003: written


def test_a_one_claim_edit_keeps_every_other_component(generated: Path, tmp_path: Path) -> None:
    """The record is used: after a formula edit all components but the edited claim's are kept."""
    shutil.copytree(generated, tmp_path / "d")
    articles = tmp_path / "d" / "articles"
    first = claims.load(articles, jobs=1)
    facts = frozenset(i for i, c in enumerate(first.claims) if c.kind == "fact")
    before = outline(first, limits=DEFAULT, opts=Options(), facts=facts, last=None)
    _edit(tmp_path / "d", "formula", 1, 3, 0)
    after = claims.load(articles, jobs=1)
    facts = frozenset(i for i, c in enumerate(after.claims) if c.kind == "fact")
    again = outline(after, limits=DEFAULT, opts=Options(), facts=facts, last=before.record)
    full = outline(after, limits=DEFAULT, opts=Options(), facts=facts, last=None)
    assert again.kept == len(full.comps) - 1
    assert again.record is not None and full.record is not None
    assert [(c.claims, c.conclusions, c.rules, c.shape) for c in again.comps] == [
        (c.claims, c.conclusions, c.rules, c.shape) for c in full.comps
    ]
    assert again.keys == full.keys
    assert again.record.keys == full.record.keys
    assert again.record.counts == full.record.counts
    assert sorted(again.record.groups) == sorted(full.record.groups)


def _file_of(c: claims.Claim) -> str:
    assert c.span is not None
    return c.span.path


def test_a_recheck_reads_the_kept_templates_of_the_claims_it_encodes_again_alone(
    generated: Path, tmp_path: Path
) -> None:
    """A file's kept templates are read when one of its claims is encoded again (a dirty component), else never."""
    shutil.copytree(generated, tmp_path / "d")
    articles = tmp_path / "d" / "articles"
    for _ in range(2):  # the file cache written, then read
        first = claims.load(articles, jobs=1, cache=tmp_path / "fc")
    facts = frozenset(i for i, c in enumerate(first.claims) if c.kind == "fact")
    before = outline(first, limits=DEFAULT, opts=Options(), facts=facts, last=None)
    _edit(tmp_path / "d", "formula", 1, 3, 0)
    after = claims.load(articles, jobs=1, cache=tmp_path / "fc")
    deferred = {_file_of(k[0]): k[1] for k in after._templates if isinstance(k[1], Deferred)}
    assert len(deferred) == len(after.files) - 1  # the edited file was resolved again: its templates are at hand
    facts = frozenset(i for i, c in enumerate(after.claims) if c.kind == "fact")
    again = outline(after, limits=DEFAULT, opts=Options(), facts=facts, last=before.record)
    assert again.kept == len(again.comps) - 1
    encoded = {_file_of(after.claims[i]) for c in again.comps if c.units for i in (*c.claims, *c.conclusions)}

    def read() -> set[str]:
        return {path for path, ts in deferred.items() if ts._items.cache_info().currsize}  # type: ignore[attr-defined]

    assert read() == encoded & deferred.keys()
    assert len(read()) < len(deferred)
    # the lint reads the uses the file cache kept apart, no template; they are the uses of the claims' terms
    lint_dataset(after)
    assert read() == encoded & deferred.keys()
    assert kept_uses(after) == [symbol_uses(term_of(c)) for c in claims.load(articles, jobs=1).claims]


def test_the_claim_keys_kept_in_the_file_cache_are_the_keys_made_again(generated: Path, tmp_path: Path) -> None:
    """A load through the file cache gives each claim the key it was kept with: the key made of it and its
    template now, so the claims' keys (and the record) are those of a load without the cache."""
    shutil.copytree(generated, tmp_path / "d")
    articles = tmp_path / "d" / "articles"
    _edit(tmp_path / "d", "formula", 2, 1, 0)
    fresh = claims.load(articles, jobs=1)
    made = claim_templates(fresh, Encoder(fresh, limits=DEFAULT))
    assert set(made.keys) == {""}  # nothing kept: the keys are made in claim_keys
    for _ in range(2):  # written, then read
        ds = claims.load(articles, jobs=1, cache=tmp_path / "fc")
    templates = claim_templates(ds, Encoder(ds, limits=DEFAULT))
    assert "" not in templates.keys
    assert templates.keys == [claim_key(c, t.timed, template_key(t)) for c, t in zip(ds.claims, templates, strict=True)]
    assert kept_templates(ds) == list(templates) == list(made)
    assert claim_keys(ds.claims, templates) == claim_keys(fresh.claims, made)


def _key() -> bytes:
    key = user_key()
    assert key is not None
    return key


@pytest.mark.parametrize(
    "damage", ["garbage", "flipped", "unsigned", "other-engine", "two-groups", "float-index", "foreign-key"]
)
def test_a_damaged_or_foreign_record_is_ignored(generated: Path, tmp_path: Path, damage: str) -> None:
    """A record that does not verify, parse or fit is never used: the run is the full computation's."""
    shutil.copytree(generated, tmp_path / "d")
    articles, cache = tmp_path / "d" / "articles", tmp_path / "d" / ".claims-cache"
    assert _report(articles, cache) == _report(articles, None)
    path = cache / RECORD
    sealed = path.read_bytes()
    doc = marshal.loads(unseal(_key(), _MAGIC, sealed) or b"N")
    assert LastRun(cache).read() is not None
    if damage == "garbage":
        path.write_bytes(seal(_key(), _MAGIC, b"{not marshal"))
    elif damage == "flipped":
        path.write_bytes(sealed[:-5] + bytes([sealed[-5] ^ 1]) + sealed[-4:])
    elif damage == "unsigned":
        path.write_bytes(marshal.dumps(doc))
    elif damage == "foreign-key":
        path.write_bytes(seal(b"k" * 32, _MAGIC, marshal.dumps(doc)))
    elif damage == "other-engine":
        path.write_bytes(seal(_key(), _MAGIC, marshal.dumps((doc[0], "claims 0.0", *doc[2:]))))
    elif damage == "float-index":  # what marshal could hold and JSON could not: a claim index as a float
        groups = tuple((tuple(float(i) for i in g[0]), *g[1:]) for g in doc[5])
        path.write_bytes(seal(_key(), _MAGIC, marshal.dumps((*doc[:5], groups))))
    else:  # every component claims the first claim too
        groups = tuple((tuple(sorted({0, *g[0]})), *g[1:]) for g in doc[5])
        path.write_bytes(seal(_key(), _MAGIC, marshal.dumps((*doc[:5], groups))))
    last = LastRun(cache)
    assert last.read() is None
    assert last.ignored == 1
    _edit(tmp_path / "d", "formula", 2, 1, 0)
    assert _report(articles, cache) == _report(articles, None)
    assert LastRun(cache).read() is not None  # written again, whole


def test_an_edit_of_the_strict_reading_alone_is_rechecked(tmp_path: Path) -> None:
    """'x > 520' and 'x is over 520' read the same as stated, not strictly: the edit is no kept component."""
    (tmp_path / "article.txt").write_text("About 500. Over 520.\n", encoding="utf-8")
    text = (
        "document: article.txt\n"
        "declarations: |\n  const x: int\n"
        "sources:\n  s: {name: S}\n"
        "claims:\n"
        '  - {id: a, source: s, said: 2020-01-01, quote: "About 500.", formula: "x is about 500"}\n'
        '  - {id: b, source: s, said: 2020-01-02, quote: "Over 520.", formula: "FORMULA"}\n'
    )
    cache = tmp_path / ".claims-cache"
    reports = []
    for formula in ("x > 520", "x is over 520", "x > 520"):
        (tmp_path / "claims.yaml").write_text(text.replace("FORMULA", formula), encoding="utf-8")
        reports.append(_report(tmp_path / "claims.yaml", cache))
        assert reports[-1] == _report(tmp_path / "claims.yaml", None), formula
    assert "near-contradiction" in reports[1]
    assert "near-contradiction" not in reports[0] and reports[0] == reports[2]


def _slow_decode(doc: Any) -> bool:
    """Whether ``doc`` is a record: every rule of LastRun's format, written out one by one."""
    if type(doc) is not tuple or len(doc) != 6 or doc[0] != FORMAT or doc[1] != engine_version():
        return False
    _, _, context, keys, counts, groups = doc
    if type(context) is not str or type(keys) is not tuple or any(type(k) is not str for k in keys):
        return False
    if type(counts) is not tuple or len(counts) != len(keys) or any(type(n) is not int for n in counts):
        return False
    if type(groups) is not tuple:
        return False
    every: list[Any] = []
    for g in groups:
        if type(g) is not tuple or len(g) != 6:
            return False
        claims_, rules, nodes, shape, key, quiet = g
        if type(claims_) is not tuple or type(rules) is not tuple or type(nodes) is not str:
            return False
        if type(shape) is not str or type(key) is not str or bool(claims_) != bool(shape) or bool(key) != bool(shape):
            return False
        if type(quiet) is not int or quiet < -1 or (quiet >= 0 and not shape):  # quiet: its checks, or -1
            return False
        for r in rules:
            if type(r) is not tuple or len(r) != 3 or type(r[0]) is not int or type(r[1]) is not int:
                return False
            if r[2] is not None and type(r[2]) is not int:
                return False
        every.extend(claims_)
    return all(type(i) is int for i in every) and sorted(every) == list(range(len(keys)))


_ODD = st.sampled_from([None, True, 1, 1.0, "", "x", (), (0,), (0, 0, None), [0], b"x"])


@st.composite
def _records(draw: st.DrawFn) -> Any:
    """A small record as LastRun.write writes it, then maybe damaged at one place."""
    n = draw(st.integers(0, 6))
    order = draw(st.permutations(list(range(n))))
    cuts = sorted(draw(st.lists(st.integers(0, n), max_size=3)))
    parts = [tuple(order[a:b]) for a, b in itertools.pairwise([0, *cuts, n])]
    rule = st.tuples(st.integers(0, 3), st.integers(0, 2), st.one_of(st.none(), st.integers(0, 9)))
    groups: list[Any] = [
        (
            p,
            tuple(draw(st.lists(rule, max_size=2))),
            "a\nb",
            "s" if p else "",
            "k" if p else "",
            draw(st.sampled_from([-1, 0, 3])) if p else -1,
        )
        for p in parts
    ]
    keys = tuple(f"k{i}" for i in range(n))
    doc: list[Any] = [FORMAT, engine_version(), "ctx", keys, tuple(range(n)), tuple(groups)]
    where = draw(st.sampled_from(["none", "top", "group", "field", "shape", "quiet", "claim", "rule", "unit"]))
    odd = draw(_ODD)
    if where == "top":
        doc[draw(st.integers(2, 5))] = odd
    elif where == "group" and groups:
        groups[draw(st.integers(0, len(groups) - 1))] = odd
    elif where == "field" and groups:
        k = draw(st.integers(0, len(groups) - 1))
        g: list[Any] = list(groups[k])
        g[draw(st.integers(0, 5))] = odd
        groups[k] = tuple(g)
    elif where == "shape":  # a group with claims and neither shape nor key, or one without claims with both
        groups.append(((), (), "", "s", "k", -1))
        k = draw(st.integers(0, len(groups) - 1))
        groups[k] = (*groups[k][:3], "" if groups[k][3] else "s", "" if groups[k][4] else "k", groups[k][5])
    elif where == "quiet" and groups:  # below -1, or quiet without claims
        k = draw(st.integers(0, len(groups) - 1))
        groups[k] = (*groups[k][:5], draw(st.sampled_from([-2, 0, 5])))
    elif where == "claim" and n:
        k = draw(st.sampled_from([k for k, g in enumerate(groups) if g[0]]))
        claims_: list[Any] = list(groups[k][0])
        claims_[draw(st.integers(0, len(claims_) - 1))] = odd
        groups[k] = (tuple(claims_), *groups[k][1:])
    elif where in ("rule", "unit") and any(g[1] for g in groups):
        k = draw(st.sampled_from([k for k, g in enumerate(groups) if g[1]]))
        units: list[Any] = [list(r) for r in groups[k][1]]
        if where == "rule":
            units[0] = odd
        else:
            units[0][draw(st.integers(0, 2))] = odd
        groups[k] = (groups[k][0], tuple(tuple(u) if type(u) is list else u for u in units), *groups[k][2:])
    doc[5] = tuple(groups) if type(doc[5]) is tuple else doc[5]
    return tuple(doc)


@settings(max_examples=400, deadline=None)
@given(doc=_records())
def test_a_record_damaged_anywhere_is_refused(doc: Any) -> None:
    """A damaged record (a wrong type, length or value at any place) is refused, and a sound one is taken whole."""
    try:
        record = _decode(doc)
    except (ValueError, TypeError, KeyError, IndexError):
        assert not _slow_decode(doc)
        return
    assert _slow_decode(doc)
    assert [tuple(g) for g in record.groups] == list(doc[5])
    assert all(type(g) is Group for g in record.groups)


_NODE = st.sampled_from(["|a|", "|b|", "|ab|", "|b a|", "sort S", "sort", "|c!1|", "|c!12|"])


@given(st.lists(st.lists(_NODE, max_size=4), max_size=6), st.lists(_NODE | st.just(""), max_size=5))
def test_the_groups_holding_some_nodes_are_those_a_map_of_every_node_names(
    parts: list[list[str]], nodes: list[str]
) -> None:
    """holding() against the obvious computation: a map of every node of every group to the groups holding it
    (nodes that are prefixes, suffixes or parts of others included, and groups with no node)."""
    groups = [Group((g,), (), "\n".join(ns), "", "") for g, ns in enumerate(parts)]
    every: dict[str, set[int]] = {}
    for g, ns in enumerate(parts):
        for x in ns:
            every.setdefault(x, set()).add(g)
    assert holding(groups, nodes) == set().union(*(every.get(x, set()) for x in nodes if x))


def test_a_recheck_asks_the_result_cache_for_no_quiet_component(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record marks the components found quiet (consistent, complete, nothing to report); a re-check takes
    them as they were, without asking the result cache, and reports the bytes and counts of a check without it."""
    shutil.copytree(generated, tmp_path / "d")
    articles, cache = tmp_path / "d" / "articles", tmp_path / "cache"
    claims.check(claims.load(articles, cache=cache, jobs=1), cache=ResultCache(cache), jobs=1)
    before = LastRun(cache).read()
    assert before is not None
    quiet = [g for g in before.groups if g.quiet >= 0]
    noisy = [g for g in before.groups if g.shape and g.quiet < 0]
    assert quiet and noisy, "the data must have both"
    _edit(tmp_path / "d", "formula", 1, 3, 0)
    asked: list[Any] = []
    get = ResultCache.get

    def counting(self: ResultCache, comp: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(comp)
        return get(self, comp, *args, **kwargs)

    monkeypatch.setattr(ResultCache, "get", counting)
    store = ResultCache(cache)
    again = claims.check(claims.load(articles, cache=cache, jobs=1), cache=store, jobs=1)
    fresh = claims.check(claims.load(articles, cache=None, jobs=1), cache=False, jobs=1)
    assert render("json", again) == render("json", fresh)
    assert (again.stats.components, again.stats.solver_checks) == (fresh.stats.components, fresh.stats.solver_checks)
    assert store.hits + store.misses == again.stats.components
    # every component asked for is one the record did not know quiet (or the edited one's)
    assert 0 < len(asked) <= len(noisy) + 2 < again.stats.components
    after = LastRun(cache).read()
    assert after is not None and sum(g.quiet >= 0 for g in after.groups) >= len(quiet) - 2


def test_a_record_whose_groups_are_no_tuple_is_refused() -> None:
    """What Hypothesis found in CI: groups written as an empty string (which iterates as no group) were taken."""
    odd: list[Any] = ["", [], b"", None]
    for groups in odd:
        with pytest.raises((ValueError, TypeError)):
            _decode((FORMAT, engine_version(), "ctx", (), (), groups))
    assert _decode((FORMAT, engine_version(), "ctx", (), (), ())).groups == ()
