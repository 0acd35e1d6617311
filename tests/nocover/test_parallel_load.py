"""A load that parses claim files in forked processes gives the dataset, and the errors, of a load in one.

``claims.load(..., jobs=N)`` cuts the files to parse into N slices and parses
all but one in forked children (``claims._run.loader._parse_side_by_side``),
which keep them and resolve them too (``_resolve_side_by_side``).
The slow, obvious computation is ``jobs=1``: every file parsed here, in order.
The size thresholds are lowered to 0 so that small datasets take the parallel way,
except end to end, where the CLI runs on a dataset over it.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import claims
from benchmarks.generate import generate
from claims._front.model import kept_templates
from claims._run import loader
from claims._run.api import components_of


@pytest.fixture
def _parallel_from_the_first_character(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "PARALLEL_LOAD_CHARS", 0)


@pytest.mark.usefixtures("_parallel_from_the_first_character")
@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(400, 1000), jobs=st.integers(2, 3))
def test_a_parallel_load_is_the_load_in_one_process(
    tmp_path_factory: pytest.TempPathFactory, seed: int, n: int, jobs: int
) -> None:
    d = tmp_path_factory.mktemp("d")
    generate(n, d, seed=seed)
    files = sorted((d / "articles").glob("*.yaml"))
    sizes = [len(f.read_text(encoding="utf-8")) for f in files]
    # a child parses some files: two files whose first is shorter than a child's share are one slice
    # (what CI's Hypothesis found: seed 128, 400 claims), and nothing is done beside
    assume(len(loader._slices(files, sizes, [loader.CHILD_SHARE] * (jobs - 1) + [1.0])) > 1)
    one = claims.load(d / "articles", jobs=1)
    many = claims.load(d / "articles", jobs=jobs)
    assert many == one
    assert [c.formula for c in many.claims] == [c.formula for c in one.claims]
    # the templates made beside are those a load through the file cache keeps, and encode makes the same problem
    cached = claims.load(d / "articles", jobs=1, cache=d / "fc")
    assert kept_templates(many) == kept_templates(cached)
    assert all(t is not None for t in kept_templates(many))
    assert components_of(many) == components_of(one)
    # the file cache written by a parallel load (headers from the children) gives the same dataset back
    for _ in range(2):  # written, then read
        again = claims.load(d / "articles", jobs=jobs, cache=d / "fc-many")
        assert again == one
        assert kept_templates(again) == kept_templates(cached)
    assert len(list((d / "fc-many").rglob("*.pickle"))) == len(list((d / "articles").glob("*.yaml")))


@pytest.mark.usefixtures("_parallel_from_the_first_character")
def test_a_parallel_load_with_an_error_reports_what_one_process_reports(tmp_path: Path) -> None:
    generate(300, tmp_path / "d", seed=3)
    articles = tmp_path / "d" / "articles"
    last = sorted(articles.glob("*.yaml"))[-1]  # in the slice parsed by the parent
    first = sorted(articles.glob("*.yaml"))[0]  # in a slice parsed by a child
    for f in (first, last):
        text = f.read_text(encoding="utf-8")
        f.write_text(text.replace('formula: "', 'formula: "((', 1), encoding="utf-8")
    with pytest.raises(claims.InvalidClaim) as one:
        claims.load(articles, jobs=1)
    with pytest.raises(claims.InvalidClaim) as many:
        claims.load(articles, jobs=2)
    assert many.value.diagnostics == one.value.diagnostics
    assert {d.span.path for d in one.value.diagnostics} == {
        str(first.relative_to(Path.cwd())) if first.is_relative_to(Path.cwd()) else str(first),
        str(last.relative_to(Path.cwd())) if last.is_relative_to(Path.cwd()) else str(last),
    }


@pytest.mark.usefixtures("_parallel_from_the_first_character")
def test_a_parallel_load_with_a_typing_error_reports_what_one_process_reports(tmp_path: Path) -> None:
    """Errors found while resolving (an unknown name in a formula, an unknown sort in a file's declarations)
    are reported from whichever process resolved the file: none is dropped with its claim."""
    generate(2000, tmp_path / "d", seed=3)
    articles = tmp_path / "d" / "articles"
    files = sorted(articles.glob("*.yaml"))
    first, last = files[0], files[-1]  # resolved beside, and here
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace('formula: "', 'formula: "nosuchname(x) and ', 1), encoding="utf-8")
    text = last.read_text(encoding="utf-8")
    last.write_text(
        text.replace("declarations: |\n", "declarations: |\n  const zzz: NoSuchSort\n", 1), encoding="utf-8"
    )
    with pytest.raises(claims.InvalidClaim) as one:
        claims.load(articles, jobs=1)
    with pytest.raises(claims.InvalidClaim) as many:
        claims.load(articles, jobs=2)
    assert many.value.diagnostics == one.value.diagnostics
    assert {d.code for d in one.value.diagnostics} >= {"unknown-symbol", "unknown-sort"}


@pytest.mark.usefixtures("_parallel_from_the_first_character")
def test_a_cold_parallel_load_with_an_id_used_twice_reports_what_one_process_reports(tmp_path: Path) -> None:
    """A cold load with the file cache takes the files a child resolved as the entries it packed, which keep no
    id places: an id used in a child's file and in the parent's is still reported as a load without the cache
    reports it (the load starts again without the cache), and the entries written are those a warm load reads."""
    generate(2000, tmp_path / "d", seed=5)
    articles = tmp_path / "d" / "articles"
    files = sorted(articles.glob("*.yaml"))
    first, last = files[0], files[-1]  # resolved beside, and here
    taken = re.search(r"id: (c\d+)", last.read_text(encoding="utf-8"))
    assert taken is not None
    text = first.read_text(encoding="utf-8")
    first.write_text(re.sub(r"id: c\d+", f"id: {taken.group(1)}", text, count=1), encoding="utf-8")
    with pytest.raises(claims.InvalidClaim) as one:
        claims.load(articles, jobs=1)
    with pytest.raises(claims.InvalidClaim) as many:
        claims.load(articles, jobs=2, cache=tmp_path / "fc")
    assert many.value.diagnostics == one.value.diagnostics
    assert "duplicate-id" in {d.code for d in one.value.diagnostics}
    first.write_text(text, encoding="utf-8")
    fresh = claims.load(articles, jobs=1)
    assert claims.load(articles, jobs=2, cache=tmp_path / "fc") == fresh  # cold: the children's entries
    assert claims.load(articles, jobs=1, cache=tmp_path / "fc") == fresh  # warm: every file from the cache


def test_the_cli_output_is_the_same_for_any_jobs(tmp_path: Path) -> None:
    """End to end: ``claims check --jobs 1`` and ``--jobs 2`` (the load parses side by side) print the same."""
    generate(2000, tmp_path / "d", seed=11)
    chars = sum(len(f.read_text(encoding="utf-8")) for f in (tmp_path / "d" / "articles").glob("*.yaml"))
    assert chars > loader.PARALLEL_LOAD_CHARS > 0  # the CLI's own threshold: big enough to go side by side
    shutil.copytree(tmp_path / "d" / "rules", tmp_path / "rules")
    exe = str(Path(sys.executable).parent / "claims")
    env = {"PATH": "/usr/bin:/bin"}
    runs = [
        subprocess.run(
            [exe, "check", str(tmp_path / "d" / "articles"), "--no-cache", "--format", "json", "--jobs", j],
            capture_output=True,
            env=env,
            cwd=tmp_path,
        )
        for j in ("1", "2")
    ]
    assert runs[0].returncode == runs[1].returncode == 1, runs[0].stderr
    assert runs[0].stdout == runs[1].stdout


@given(
    sizes=st.lists(st.integers(1, 50), min_size=0, max_size=30),
    shares=st.lists(st.sampled_from([0.5, loader.CHILD_SHARE, 1.0, 2.0]), min_size=1, max_size=4),
)
def test_the_slices_keep_every_file_in_order_and_follow_the_shares(sizes: list[int], shares: list[float]) -> None:
    """The slices are the files in order, at most one a share, none empty; each cut is the first file at
    which the sizes so far reach that share's end (the obvious computation, file by file)."""
    items = list(range(len(sizes)))
    got = loader._slices(items, sizes, shares)
    assert [x for part in got for x in part] == items
    assert len(got) <= len(shares) and all(got)
    total, whole = sum(sizes), sum(shares)
    expected_cuts, acc, k = [], 0, 0
    for i, size in enumerate(sizes[:-1]):
        acc += size
        if k < len(shares) - 1 and acc >= total * sum(shares[: k + 1]) / whole:
            expected_cuts.append(i + 1)
            k += 1
    assert [len(part) for part in got[:-1]] == [b - a for a, b in itertools.pairwise([0, *expected_cuts])]
