"""Claims the file cache kept, made when first read (``claims._front.model.Unmade``): a fresh load's very claims."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

import claims
from claims._front import filecache
from claims._front.model import Claim, Unmade, row_of, rows, term_of
from claims._report.render import render
from tests.nocover.test_file_cache import _write

FIRST_TOUCH: dict[str, Callable[[Claim], Any]] = {
    "a field": lambda c: c.quote,
    "equality": lambda c: c == c,
    "inequality": lambda c: c != c,
    "equality from a made claim": lambda c: attrs.evolve(c) == c,
    "hash": hash,
    "repr": repr,
    "pickle": lambda c: pickle.loads(pickle.dumps(c)),
    "the file cache's pickler": lambda c: pickle.loads(filecache.dumps(c)),
    "copy": copy.copy,
    "evolve": lambda c: attrs.evolve(c, note="n"),
    "its term": term_of,
    "a set": lambda c: {c},
}


def _cached(tmp_path: Path, values: list[int]) -> tuple[Path, Path]:
    """A dataset written under ``tmp_path`` (see test_file_cache), loaded once into a cache folder: both."""
    root, cache = _write(tmp_path / "ds", values), tmp_path / "cache"
    claims.load(root, cache=cache)
    return root, cache


@pytest.mark.parametrize("touch", sorted(FIRST_TOUCH))
def test_a_kept_claim_is_the_claim_a_fresh_load_makes_whatever_reads_it_first(
    tmp_path: Path, parses: list[str], touch: str
) -> None:
    """Every field, the hash, the repr and the pickles of a kept claim are the fresh claim's, and it becomes a Claim."""
    root, cache = _cached(tmp_path, [1, 2, 3])
    kept = claims.load(root, cache=cache).claims
    fresh = claims.load(root, cache=None).claims
    assert all(type(c) is Unmade for c in kept)
    for k, f in zip(kept, fresh, strict=True):
        FIRST_TOUCH[touch](k)
        assert type(k) is Claim
        assert k == f and f == k
        assert hash(k) == hash(f) and repr(k) == repr(f)
        assert [getattr(k, a.name) for a in attrs.fields(Claim) if a.name != "term"] == [
            getattr(f, a.name) for a in attrs.fields(Claim) if a.name != "term"
        ]
        assert term_of(k) == term_of(f)
        assert pickle.loads(pickle.dumps(k)) == f
        assert attrs.evolve(k, note="n") == attrs.evolve(f, note="n")


def test_the_rows_of_a_cached_dataset_are_its_claims_rows(tmp_path: Path, parses: list[str]) -> None:
    """What the passes read instead of the claims is what the claims say (the terms aside: places, in a kept row)."""
    root, cache = _cached(tmp_path, [1, 2, 3])
    ds = claims.load(root, cache=cache)
    kept_rows = rows(ds)
    assert all(type(c) is Unmade for c in ds.claims)
    assert [r[:-1] for r in kept_rows] == [row_of(c)[:-1] for c in ds.claims]
    assert [r[:-1] for r in kept_rows] == [row_of(c)[:-1] for c in claims.load(root, cache=None).claims]
    # a dataset with other claims has its rows made again, of its claims
    fewer = attrs.evolve(ds, claims=ds.claims[1:])
    assert [r[:-1] for r in rows(fewer)] == [r[:-1] for r in kept_rows[1:]]


def test_a_check_through_the_cache_makes_only_the_claims_its_report_names(tmp_path: Path, parses: list[str]) -> None:
    """A re-check reads rows for its passes over every claim; the claims it makes are those its findings and
    warnings name, and its report is the bytes of a check without any cache."""
    root, cache = _cached(tmp_path, [1, 1, 1, 2])  # the last file's troops contradict the others'
    claims.check(claims.load(root, cache=cache), cache=cache, jobs=1)
    ds = claims.load(root, cache=cache)
    report = claims.check(ds, cache=cache, jobs=1)
    text = render("json", report)
    assert text == render("json", claims.check(claims.load(root, cache=None), cache=False, jobs=1))
    doc = json.loads(text)
    named = {c["id"] for f in doc["findings"] for c in [*f["claims"], *f.get("premises", [])]}
    places = {(w["file"], w["line"]) for w in doc["warnings"]}
    made = {c.id for c in ds.claims if type(c) is not Unmade}
    assert named and named <= made
    unnamed = {c.id for c in ds.claims if c.id not in named and (c.span and (c.span.path, c.span.line)) not in places}
    assert unnamed, "the data must leave claims that nothing names"
    assert not (made & unnamed)


def test_a_claim_added_to_a_cached_dataset_is_the_claim_added_to_a_fresh_one(tmp_path: Path, parses: list[str]) -> None:
    """``with_claim`` reads the file's declarations, which the file cache keeps apart: the same claim, and the same
    report, as on a dataset loaded without the cache."""
    root, cache = _cached(tmp_path, [1, 2, 3])
    kept = claims.with_claim(
        claims.load(root, cache=cache), "new", "local1 = 5", "4000 troops stayed", file=root / "f1.yaml"
    )
    fresh = claims.with_claim(
        claims.load(root, cache=None), "new", "local1 = 5", "4000 troops stayed", file=root / "f1.yaml"
    )
    assert kept.claim("new") == fresh.claim("new")
    assert term_of(kept.claim("new")) == term_of(fresh.claim("new"))
    assert render("json", claims.check(kept, cache=False, jobs=1)) == render(
        "json", claims.check(fresh, cache=False, jobs=1)
    )
