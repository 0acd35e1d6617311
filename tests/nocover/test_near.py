"""Near-contradictions (issue 20, item 5): against a brute force over whole numbers, and through the CLI.

The oracle reads each quantity by its definition in the README (the stated
reading, and the strict one with half the slack), independently of the
engine's typer and encoder, and enumerates every subset of claims and every
whole number in a window wide enough for the bounds the strategy draws.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import claims
from claims._logic.near import Fit

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = str(Path(sys.executable).parent / "claims")
TOL = Fraction(1, 10)  # the default about_tolerance
WINDOW = range(-50, 400)  # every bound drawn is in 1..150, widened by at most 10%

Quantity = tuple[str, int, int]  # (kind, n, m): m is the upper bound of 'between'


def _formula(q: Quantity) -> str:
    kind, n, m = q
    return {
        "about": f"x is about {n}",
        "between": f"x is between {n} and {m}",
        "over": f"x is over {n}",
        "under": f"x is under {n}",
        "at_least": f"x >= {n}",
        "at_most": f"x <= {n}",
    }[kind]


def _holds(q: Quantity, strict: bool) -> Callable[[int], bool]:
    kind, n, m = q
    half = TOL / 2 if strict else TOL
    if kind == "about":
        return lambda x: n * (1 - half) <= x <= n * (1 + half)
    if kind == "between":
        quarter = Fraction(m - n, 4) if strict else 0
        return lambda x: n + quarter <= x <= m - quarter
    if kind == "over":
        margin = n * TOL / 2 if strict else 0
        return lambda x: x > n + margin
    if kind == "under":
        margin = n * TOL / 2 if strict else 0
        return lambda x: x < n - margin
    if kind == "at_least":
        return lambda x: x >= n
    return lambda x: x <= n


def _fits(qs: list[Quantity], strict: bool) -> list[int]:
    tests = [_holds(q, strict) for q in qs]
    return [x for x in WINDOW if all(t(x) for t in tests)]


quantities = st.builds(
    lambda kind, n, d: (kind, n, n + d),
    st.sampled_from(["about", "between", "over", "under", "at_least", "at_most"]),
    st.integers(1, 150),
    st.integers(0, 40),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(quantities, min_size=1, max_size=4))
def test_near_contradictions_are_the_minimal_strict_clashes(qs: list[Quantity]) -> None:
    """Warned = minimal sets of 2+ claims no whole number fits read strictly (when all fit as stated)."""
    ds = claims.dataset([(f"q{k}", _formula(q), f"quote {k}") for k, q in enumerate(qs)], rules="const x: int")
    report = claims.check(ds)
    warned = {
        frozenset(re.findall(r"'(q\d+)' \(", w.message)): w.message
        for w in report.warnings
        if w.code == "near-contradiction"
    }
    expected: set[frozenset[str]] = set()
    if _fits(qs, strict=False):  # an inconsistent dataset has contradictions, not near ones
        for size in range(2, len(qs) + 1):
            for subset in itertools.combinations(range(len(qs)), size):
                ids = frozenset(f"q{k}" for k in subset)
                if _fits([qs[k] for k in subset], strict=True):
                    continue
                if any(e < ids for e in expected):
                    continue
                if any(not _fits([qs[k] for k in sub], strict=True) for sub in itertools.combinations(subset, 1)):
                    continue  # a claim with no strict value alone is in no minimal clash of two or more
                expected.add(ids)
    assert expected == set(warned)
    for ids, message in warned.items():  # the values at which they fit, as stated
        fit = _fits([qs[int(i[1:])] for i in ids], strict=False)
        hi = max(fit) if max(fit) < WINDOW[-1] else None
        lo = min(fit) if min(fit) > WINDOW[0] else None
        shown = Fit("x", None if lo is None else Fraction(lo), False, None if hi is None else Fraction(hi), False)
        assert f"only for {shown};" in message


def test_the_readme_example_through_the_cli(tmp_path: Path) -> None:
    """The README's example is warned of, with the same words; it fails only with --fail-on-warnings."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Near-contradictions", 1)[1]
    shown = " ".join(section.split("```", 2)[1].split())
    (tmp_path / "spill.txt").write_text(
        "About 500 tonnes were recovered, the coast guard said. At least 540 tonnes were recovered, "
        "the company said.\n",
        encoding="utf-8",
    )
    (tmp_path / "claims.yaml").write_text(
        "document: spill.txt\n"
        "declarations: |\n"
        "  const recovered: int\n"
        "sources:\n"
        "  guard: {name: Coast guard}\n"
        "  company: {name: The company}\n"
        "claims:\n"
        "  - id: recovered-about\n"
        "    source: guard\n"
        "    said: 2010-05-01\n"
        "    quote: About 500 tonnes were recovered\n"
        "    formula: recovered is about 500\n"
        "  - id: recovered-at-least\n"
        "    source: company\n"
        "    said: 2010-05-02\n"
        "    quote: At least 540 tonnes were recovered\n"
        "    formula: recovered >= 540\n",
        encoding="utf-8",
    )

    def run(*flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLAIMS, "check", "claims.yaml", *flags], cwd=tmp_path, capture_output=True, text=True, timeout=120
        )

    plain = run()
    assert 0 == plain.returncode, plain.stderr
    assert shown in " ".join(plain.stdout.split())
    assert 1 == run("--fail-on-warnings").returncode
    # a comfortable fit is no near-contradiction
    text = (tmp_path / "claims.yaml").read_text(encoding="utf-8")
    (tmp_path / "claims.yaml").write_text(text.replace("recovered >= 540", "recovered >= 490"), encoding="utf-8")
    comfortable = run("--format", "json")
    assert (0, "") == (comfortable.returncode, comfortable.stderr)
    assert "near-contradiction" not in comfortable.stdout
