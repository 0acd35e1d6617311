"""Claims (and rules, within one run) are encoded from templates: made once, with the day left open,
and kept by the file cache.

The reference here is the definition: encode the claim's term on each of its
relevant days, one by one. Templates must give the same text, atoms and sorts.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import claims
from claims._front.model import Dataset, term_of, uses_context_time
from claims._logic import encode as E
from claims._logic.partition import partition
from tests.oracle import build, small_datasets

Data = tuple[list[tuple[str, str, str, str]], str]

REPO = Path(__file__).resolve().parents[2]


Unit = tuple[str, int, str, frozenset[str], frozenset[str]]  # kind, index, SMT text, atoms, sorts


def _by_definition(ds: Dataset) -> tuple[list[Unit], dict[str, E.Atom]]:
    enc = E.Encoder(ds)
    days: set[int] = set()
    for c in ds.claims:
        term = term_of(c)  # read now when the file cache deferred it
        assert term is not None
        if uses_context_time(term):
            days.update(d.toordinal() for d in c.interval)
        days |= E.explicit_days(term)
    for r in ds.rules:
        days |= E.rule_days(r)
    ordered = sorted(days)
    units: list[Unit] = []
    for i, c in enumerate(ds.claims):
        term = term_of(c)
        assert term is not None
        kind = "conclusion" if c.kind == "conclusion" else "claim"
        lo, hi = (d.toordinal() for d in c.interval)
        on = [d for d in ordered if lo <= d <= hi] if uses_context_time(term) else [None]
        parts = [enc.unit(kind, i, term, d) for d in on]
        smt = parts[0].smt if len(parts) == 1 else "(and " + " ".join(p.smt for p in parts) + ")"
        units.append(
            (kind, i, smt, frozenset().union(*(p.atoms for p in parts)), frozenset().union(*(p.sorts for p in parts)))
        )
    for j, r in enumerate(ds.rules):
        assert r.term is not None
        for piece in E.split_rule(r.term, enc):
            for d in ordered if uses_context_time(piece) and ordered else [None]:
                u = enc.unit("rule", j, piece, d)
                units.append((u.kind, u.index, u.smt, u.atoms, u.sorts))
    return units, enc.atoms


def _datasets(tmp_path: Path) -> list[Dataset]:
    from benchmarks.generate import generate

    generate(600, tmp_path / "gen", seed=3)
    out = []
    for root in (
        REPO / "seeds",
        REPO / "tests" / "data" / "valid",
        REPO / "tests" / "data" / "ci",
        tmp_path / "gen" / "articles",
    ):
        out.append(claims.load(root))  # templates made by encode itself
        out.append(claims.load(root, cache=tmp_path / f"cache-{len(out)}"))  # made by load, fresh
        out.append(claims.load(root, cache=tmp_path / f"cache-{len(out) - 1}"))  # read from the cache
    return out


def test_templates_encode_what_the_definition_encodes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "u"))
    timed = rules = 0
    for ds in _datasets(tmp_path):
        want, atoms = _by_definition(ds)
        got = E.encode(ds)
        assert [(u.kind, u.index, u.smt, u.atoms, u.sorts) for u in got.units] == want
        rules += sum(1 for u in got.units if u.kind == "rule")
        for _, _, _, used, sorts in want:
            assert all(got.atoms[a] == atoms[a] for a in used)
            assert all(got.sort_decls[s] for s in sorts)
        timed += sum(1 for c in ds.claims if (term := term_of(c)) is not None and uses_context_time(term))
    assert timed > 0 and rules > 0  # timed claims and rule instances were among them


def test_components_from_a_cached_load_are_those_of_a_fresh_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "u"))
    datasets = _datasets(tmp_path)
    for fresh, made, cached in zip(datasets[::3], datasets[1::3], datasets[2::3], strict=True):
        digests = [c.digest for c in partition(E.encode(fresh))]
        assert digests == [c.digest for c in partition(E.encode(made))]
        assert digests == [c.digest for c in partition(E.encode(cached))]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_datasets(max_claims=10, conclusions=True, bool_rules=1), st.randoms(use_true_random=False))
def test_equal_terms_share_a_template_that_each_would_make(data: Data, rnd: random.Random) -> None:
    """One encoder's templates (equal terms share one) are those a fresh encoder makes for each claim alone."""
    items, rules = data
    items = items + [(f"d{k}", f, q, kind) for k, (_, f, q, kind) in enumerate(rnd.sample(items, len(items) // 2))]
    ds = build(items, rules)
    enc = E.Encoder(ds)
    shared = [E.template(enc, c) for c in ds.claims]
    assert shared == [E.template(E.Encoder(ds), c) for c in ds.claims]
    assert len(enc.templates) <= len({(term_of(c), c.kind == "conclusion") for c in ds.claims})
