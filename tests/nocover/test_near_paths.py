"""Near-contradictions solved with their components, against the pass they replaced (issue 19).

The near-contradictions used to be found after the solve: the vague claims of
the consistent components typed again strictly from their formulas' text, the
encoding made again with those claims read strictly, and the strict
components solved by a second run of the solve. Now each claim's strict
reading is typed while its file is resolved and kept with its template, each
unit and component carries its strict text, and the worker that solves a
component solves its strict reading right after (``claims._logic.near``).
These tests keep that old computation, verbatim, as the oracle: on generated
datasets, loaded every way the loader can load them (one process without the
file cache, side by side, through the file cache), the strict scripts are the
old encoding's and the warnings are the old pass's, byte for byte.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import claims
from benchmarks.generate import generate
from claims._base.errors import Diagnostic, DiagnosticSink
from claims._base.limits import DEFAULT
from claims._front.inputs import parse_given
from claims._front.model import Claim, Dataset
from claims._front.resolve import Typer, vocabulary_of
from claims._front.syntax import parse_formula
from claims._logic.encode import Encoded, Encoder, _days_within, _instances, encode, template
from claims._logic.near import fit, warning
from claims._logic.partition import build, partition, strict_script
from claims._logic.solve import Options, solve_component

_VAGUE_WORD = re.compile(r"\b(about|between|over|under|than)\b")


def old_strict_claims(ds: Dataset, indices: Iterable[int]) -> dict[int, Claim]:
    """``claims._front.build.strict_claims`` as it was, without its memo: each vague claim parsed again from its
    text and typed strictly in its claim file's vocabulary, built again for it."""
    context = ds._context
    assert context is not None
    scopes = {f.path: f for f in context.files}
    out: dict[int, Claim] = {}
    for i in indices:
        c = ds.claims[i]
        scope = scopes.get(c.span.path) if c.span is not None else None
        if scope is None or not _VAGUE_WORD.search(c.formula):
            continue
        sink = DiagnosticSink()
        tree, loc = parse_given(c.formula, f"<claim {c.id}>", parse_formula, sink)
        assert tree is not None and not sink.items  # it was typed once already
        typer = Typer(vocabulary_of(context, scope, sink), loc, scope.about_tolerance, strict=True)
        term = typer.statement(tree, f"the formula of claim '{c.id}'")
        if term is not None and typer.vague and not sink.items:
            out[i] = attrs.evolve(c, term=term)
    return out


def old_reencode(ds: Dataset, enc: Encoded, read: Mapping[int, Claim]) -> Encoded:
    """``claims._logic.encode.reencode`` as it was: the claims of ``read`` encoded again, in their units' places."""
    encoder = Encoder(ds, limits=DEFAULT)
    units = list(enc.units)
    for k, u in enumerate(enc.units):
        c = read.get(u.index) if u.kind == "claim" else None
        if c is None:
            continue
        t = template(encoder, c)
        smt, atoms = _instances(t, _days_within(c, enc.days) if t.timed else [None])
        names = frozenset(a[0] for a in atoms)
        if names == u.atoms and all(a[0] in enc.atoms for a in atoms):
            units[k] = attrs.evolve(u, smt=smt)
    return attrs.evolve(enc, units=tuple(units))


def old_near_pass(ds: Dataset, opts: Options) -> tuple[Diagnostic, ...]:
    """The near-contradiction pass as it was (``claims._run.api._near_contradictions``), in one process."""
    enc = encode(ds)
    comps = partition(enc)
    facts = frozenset(i for i, c in enumerate(ds.claims) if c.kind == "fact")
    results = [solve_component(c, sorted(facts & set(c.claims)), opts) for c in comps]
    chosen = [
        k
        for k, (comp, res) in enumerate(zip(comps, results, strict=True))
        if res.complete and not res.muses and res.unknown_reason is None and len(comp.claims) + len(comp.rules) > 1
    ]
    read = old_strict_claims(ds, [i for k in chosen for i in comps[k].claims])
    enc2 = old_reencode(ds, enc, read)
    out = []
    for k in chosen:
        if not any(i in read for i in comps[k].claims):
            continue
        res = solve_component(build(enc2, comps[k].units), sorted(facts & set(comps[k].claims)), opts)
        for mus in res.muses:
            if len(mus.claims) + len(mus.rules) < 2:
                continue
            out.append(warning(ds, mus.claims, fit(comps[k], mus.claims, opts.timeout)))
    return tuple(sorted(out, key=lambda d: (d.span, d.message)))


def _loaded_every_way(articles: Path, cache: Path) -> list[Dataset]:
    """The dataset loaded in one process without the file cache (no templates kept: the strict readings are
    typed from the text), side by side (templates made in forked children), and through the file cache (cold,
    then warm: templates read back)."""
    return [
        claims.load(articles, jobs=1),
        claims.load(articles, jobs=2),
        claims.load(articles, cache=cache, jobs=1),
        claims.load(articles, cache=cache, jobs=1),
    ]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), n=st.integers(80, 240), tolerance=st.sampled_from([None, "0.2", "0.05"]))
def test_the_strict_readings_and_warnings_are_the_old_passes(
    tmp_path_factory: pytest.TempPathFactory, seed: int, n: int, tolerance: str | None
) -> None:
    root = tmp_path_factory.mktemp("near")
    generate(n, root, seed=seed, claims_per_file=12)
    if tolerance is not None:  # a file of its own tolerance: its strict readings differ
        first = sorted((root / "articles").glob("*.yaml"))[0]
        first.write_text(f"about_tolerance: {tolerance}\n" + first.read_text(encoding="utf-8"), encoding="utf-8")
    try:
        loaded = _loaded_every_way(root / "articles", root / ".claims-cache")
    except claims.InputError:  # the generator leaves a file without claims now and then: not a dataset
        reject()
    opts = Options()
    expected = old_near_pass(loaded[0], opts)
    every = [partition(encode(ds)) for ds in loaded]
    assert all(comps == every[0] for comps in every[1:])  # strict texts and shapes too
    ds, comps = loaded[0], every[0]
    enc = encode(ds)
    read = old_strict_claims(ds, [i for c in comps for i in c.claims])
    enc2 = old_reencode(ds, enc, read)
    for comp in comps:  # the strict script is the old strict encoding's script
        assert strict_script(comp).smt == build(enc2, comp.units).smt
        assert bool(comp.strict) == (build(enc2, comp.units).smt != comp.smt)
    for data in loaded:
        for jobs in (1, 2):
            report = claims.check(data, cache=False, jobs=jobs)
            got = tuple(w for w in report.warnings if w.code == "near-contradiction")
            assert got == expected


def test_a_near_contradiction_comes_back_from_the_result_cache(tmp_path: Path) -> None:
    """A warm run takes the near-contradictions from the result cache with their components: the same warnings."""
    generate(300, tmp_path / "d", seed=3, claims_per_file=12)
    articles = tmp_path / "d" / "articles"
    ds = claims.load(articles, jobs=1)
    expected = old_near_pass(ds, Options())
    assert expected  # the generator plants some
    store = tmp_path / "results"
    cold = claims.check(ds, cache=store, jobs=1)
    warm = claims.check(claims.load(articles, jobs=1), cache=store, jobs=1)
    for report in (cold, warm):
        assert tuple(w for w in report.warnings if w.code == "near-contradiction") == expected
    assert warm.stats.solved_components == 0 < cold.stats.solved_components
    shutil.rmtree(store)
