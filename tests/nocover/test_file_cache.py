"""The per-file cache of ``load``: a re-load parses only what changed, and never changes the answer.

Every test compares the cached load with a load that reads every file afresh
(``cache=None``), and counts the files parsed by wrapping the parser.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import claims
from claims._front.lint import lint_dataset
from claims._front.model import DeferredTerm, kept_templates, term_of

RULES = """\
const announced: date
timed const troops: int
rule troops-positive: "No negative troops"
  troops >= 0
"""

CLAIMS = str(Path(sys.executable).parent / "claims")

ARTICLE = "The minister said 4000 troops stayed. A general said 1000 troops stayed. It was announced on 2016-03-14.\n"


def _claim_file(n: int, value: int, *, extra_decl: str = "") -> str:
    return f"""\
document: article.txt
rules: [base]
declarations: |
  const local{n}: int
  const shared: int{extra_decl}
sources:
  s: {{name: Source {n}, via: Wire}}
claims:
  - {{id: a{n}, source: s, said: 2016-03-14, quote: "4000 troops stayed", formula: "troops = {value}"}}
  - {{id: b{n}, source: s, said: 2016-03-14, quote: "1000 troops stayed", formula: "local{n} = {value} and shared = 1"}}
  - {{id: c{n}, source: s, said: 2016-03-15, quote: "announced on 2016-03-14", formula: "announced = 2016-03-14"}}
"""


def _write(root: Path, values: list[int]) -> Path:
    (root / "rules").mkdir(parents=True, exist_ok=True)
    (root / "rules" / "base.rules").write_text(RULES, encoding="utf-8")
    (root / "article.txt").write_text(ARTICLE, encoding="utf-8")
    for n, v in enumerate(values):
        (root / f"f{n}.yaml").write_text(_claim_file(n, v), encoding="utf-8")
    return root


def _fresh(root: Path) -> claims.Dataset:
    return claims.load(root, cache=None)


def _same(a: claims.Dataset, b: claims.Dataset) -> None:
    assert a == b
    assert a.documents == b.documents  # not part of ==
    assert [c.span for c in a.claims] == [c.span for c in b.claims]
    assert [term_of(c) for c in a.claims] == [term_of(c) for c in b.claims]  # not part of == either
    # every other field too, those == leaves out included (the cache writes records as tuples of fields)
    fields = [f.name for f in attrs.fields(claims.Claim) if f.name != "term"]
    assert [[getattr(c, n) for n in fields] for c in a.claims] == [[getattr(c, n) for n in fields] for c in b.claims]


def test_a_second_load_parses_nothing_and_gives_the_same_dataset(tmp_path: Path, parses: list[str]) -> None:
    root = _write(tmp_path / "ds", [1, 2, 3])
    cache = tmp_path / "cache"
    first = claims.load(root, cache=cache)
    assert sorted(parses) == ["f0.yaml", "f1.yaml", "f2.yaml"]
    parses.clear()
    second = claims.load(root, cache=cache)
    assert parses == []
    _same(second, first)
    _same(second, _fresh(root))
    # claims and sources keep their hash (cache_hash): a claim read from the cache, whose term was set after it
    # was made, hashes as the claim made afresh does, and as a copy made now
    for c, f in zip(second.claims, _fresh(root).claims, strict=True):
        assert c == f and hash(c) == hash(f) == hash(attrs.evolve(c)) and hash(c.source) == hash(f.source)
        assert len({c, f, attrs.evolve(c, term=None)}) == 1


def test_cached_claims_read_their_terms_only_when_asked(tmp_path: Path, parses: list[str]) -> None:
    """A re-load defers the claims' terms: encode and lint use the templates, and nothing is lost."""
    root = _write(tmp_path / "ds", [1, 2, 3])
    cache = tmp_path / "cache"
    claims.load(root, cache=cache)
    second = claims.load(root, cache=cache)
    fresh = _fresh(root)
    assert all(isinstance(c.term, DeferredTerm) for c in second.claims)
    assert lint_dataset(second) == lint_dataset(fresh)
    assert lint_dataset(second), "the data must give the lint something to say"
    # a copy of a claim (no template of its own) and a pickled claim still have their terms
    moved = attrs.evolve(second.claims[0], kind="conclusion")
    edited = attrs.evolve(second, claims=(moved, *second.claims[1:]))
    assert all(t is not None for t in kept_templates(second))
    assert kept_templates(edited)[0] is None and kept_templates(edited)[1] is not None
    assert term_of(moved) == term_of(fresh.claims[0])
    copied = pickle.loads(pickle.dumps(second.claims[1]))
    assert not isinstance(copied.term, DeferredTerm) and copied.term == term_of(fresh.claims[1])
    as_conclusion = claims.check(edited, cache=False)
    want = claims.check(
        attrs.evolve(fresh, claims=(attrs.evolve(fresh.claims[0], kind="conclusion"), *fresh.claims[1:])), cache=False
    )
    assert str(as_conclusion) == str(want) and as_conclusion.conclusions


def test_a_one_claim_edit_parses_only_its_file(tmp_path: Path, parses: list[str]) -> None:
    root = _write(tmp_path / "ds", [1, 2, 3])
    cache = tmp_path / "cache"
    claims.load(root, cache=cache)
    (root / "f1.yaml").write_text(_claim_file(1, 7), encoding="utf-8")
    parses.clear()
    edited = claims.load(root, cache=cache)
    assert parses == ["f1.yaml"]
    assert edited.claim("a1").formula == "troops = 7"
    parses.clear()
    _same(edited, _fresh(root))


def test_an_edited_document_is_read_again(tmp_path: Path, parses: list[str]) -> None:
    root = _write(tmp_path / "ds", [1, 2])
    cache = tmp_path / "cache"
    before = claims.load(root, cache=cache)
    (root / "article.txt").write_text("A new first line.\n" + ARTICLE, encoding="utf-8")
    parses.clear()
    after = claims.load(root, cache=cache)
    assert sorted(parses) == ["f0.yaml", "f1.yaml"]  # both quote it
    line = before.claim("a0").quote_line
    assert line is not None
    assert after.claim("a0").quote_line == line + 1
    _same(after, _fresh(root))


def test_a_changed_rule_set_resolves_every_file_again(tmp_path: Path, parses: list[str]) -> None:
    root = _write(tmp_path / "ds", [1, 2])
    cache = tmp_path / "cache"
    claims.load(root, cache=cache)
    (root / "rules" / "base.rules").write_text(
        RULES.replace("const announced: date", "timed const announced: date"), encoding="utf-8"
    )
    parses.clear()
    after = claims.load(root, cache=cache)
    assert sorted(parses) == ["f0.yaml", "f1.yaml"]
    _same(after, _fresh(root))


def test_a_new_file_declaring_the_same_name_renames_it_everywhere(tmp_path: Path, parses: list[str]) -> None:
    # 'shared' is declared by every file: each gets its own 'shared#k'; with one
    # file it is plain 'shared'. Adding a second file changes the first file's
    # internal names, so the first file must be resolved again.
    root = _write(tmp_path / "ds", [1])
    cache = tmp_path / "cache"
    alone = claims.load(root, cache=cache)
    assert any(s.name == "shared" for s in alone.symbols)
    (root / "f1.yaml").write_text(_claim_file(1, 2), encoding="utf-8")
    after = claims.load(root, cache=cache)
    names = {s.name for s in after.symbols}
    assert "shared" not in names and {"shared#1", "shared#2"} <= names
    _same(after, _fresh(root))


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_entry_is_never_trusted_and_is_rewritten(tmp_path: Path, parses: list[str], damage: str) -> None:
    root = _write(tmp_path / "ds", [1, 2])
    cache = tmp_path / "cache"
    clean = claims.load(root, cache=cache)
    entries = sorted((cache / "files").rglob("*.pickle"))
    assert len(entries) == 2
    data = entries[0].read_bytes()
    entries[0].write_bytes(
        {
            "truncate": data[: len(data) // 2],
            "flip": data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],
            "garbage": b"\x80\x04not a pickle at all",
            "empty": b"",
        }[damage]
    )
    parses.clear()
    again = claims.load(root, cache=cache)
    assert len(parses) == 1  # the damaged file only
    _same(again, clean)
    parses.clear()
    claims.load(root, cache=cache)
    assert parses == []  # rewritten


def test_entries_signed_by_another_user_are_not_read(
    tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a .claims-cache/ committed to a repository holds pickles someone else wrote:
    # without this user's signature they are never unpickled
    root = _write(tmp_path / "ds", [1, 2])
    cache = tmp_path / "cache"
    claims.load(root, cache=cache)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    parses.clear()
    mine = claims.load(root, cache=cache)
    assert sorted(parses) == ["f0.yaml", "f1.yaml"]
    _same(mine, _fresh(root))


def test_errors_with_a_cache_are_the_errors_without(tmp_path: Path, parses: list[str]) -> None:
    root = _write(tmp_path / "ds", [1, 2])
    cache = tmp_path / "cache"
    claims.load(root, cache=cache)
    # f1 now uses claim id a0, which the cached f0 uses too
    (root / "f1.yaml").write_text(_claim_file(1, 2).replace("id: a1", "id: a0"), encoding="utf-8")
    with pytest.raises(claims.InvalidClaim) as cached:
        claims.load(root, cache=cache)
    with pytest.raises(claims.InvalidClaim) as fresh:
        _fresh(root)
    assert [str(d) for d in cached.value.diagnostics] == [str(d) for d in fresh.value.diagnostics]
    assert any("duplicate claim id 'a0'" in str(d) for d in fresh.value.diagnostics)


_EDITS = st.lists(
    st.one_of(
        st.tuples(st.just("value"), st.integers(0, 3), st.integers(0, 9)),
        st.tuples(st.just("add"), st.integers(0, 3), st.integers(0, 9)),
        st.tuples(st.just("remove"), st.integers(0, 3), st.just(0)),
        st.tuples(st.just("document"), st.just(0), st.integers(0, 3)),
        st.tuples(st.just("rules"), st.just(0), st.integers(0, 1)),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=25)
@given(_EDITS)
def test_any_sequence_of_edits_loads_what_a_fresh_load_gives(edits: list[tuple[str, int, int]]) -> None:
    """Whatever was cached before, a cached load equals a fresh one (or fails the same way)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = _write(Path(tmp) / "ds", [1, 2])
        cache = Path(tmp) / "cache"
        claims.load(root, cache=cache)
        for op, n, v in edits:
            f = root / f"f{n}.yaml"
            if op in ("value", "add"):
                f.write_text(_claim_file(n, v), encoding="utf-8")
            elif op == "remove" and f.exists() and len(list(root.glob("f*.yaml"))) > 1:
                f.unlink()
            elif op == "document":
                (root / "article.txt").write_text("\n" * v + ARTICLE, encoding="utf-8")
            elif op == "rules":
                (root / "rules" / "base.rules").write_text(
                    RULES + ("const later: int\n" if v else ""), encoding="utf-8"
                )
            _same(claims.load(root, cache=cache), _fresh(root))


def test_cli_recheck_after_an_edit_prints_what_no_cache_prints(tmp_path: Path) -> None:
    root = _write(tmp_path / "ds", [1, 2, 3])

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLAIMS, "check", "ds", *extra],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "u")},
            timeout=300,
        )

    first = run()
    assert (tmp_path / ".claims-cache" / "files").is_dir()
    (root / "f2.yaml").write_text(
        _claim_file(2, 9).replace("announced = 2016-03-14", "announced = 2016-03-15"), encoding="utf-8"
    )
    cached, fresh = run(), run("--no-cache")
    assert cached.returncode == fresh.returncode
    assert cached.stdout == fresh.stdout
    assert cached.stdout != first.stdout


def test_the_benchmark_end_to_end_run_solves_one_component_after_an_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``claims check`` around a one-claim edit, on a generated dataset (counted, not timed)."""
    from benchmarks.endtoend import run_end_to_end
    from benchmarks.generate import generate

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "u"))
    generate(400, tmp_path / "d", seed=7)
    row = run_end_to_end(str(tmp_path / "d"), jobs=1)
    assert row["same_bytes_cache"]
    assert row["cold_reused"] == 0 and row["cold_solved"] == row["warm_reused"] > 1
    assert row["warm_solved"] == 0
    # the edited component (with its strict reading, when it is a consistent one with a vague claim:
    # claims._logic.near), nothing else
    assert row["edit_solved"] == 1  # in each of the edits (another claim each time): at most one
    assert row["edit_reused"] == row["warm_reused"] - row["edit_solved"]
    # each edit undone: the dataset as generated, every component from the cache, the report of no cache
    assert row["back_solved"] == 0 and row["same_bytes_back"]
    assert row["edit_wall_min_s"] <= row["edit_wall_s"] <= row["edit_wall_max_s"]
