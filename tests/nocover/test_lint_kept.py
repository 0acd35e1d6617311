"""The lint's similar names kept between runs (``claims._front.lint.KeptPairs``): the same warnings, computed less."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import claims
from claims._base.sign import seal, user_key
from claims._front import lint as L

_NAMES = st.lists(st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,6}s?", fullmatch=True), max_size=10, unique=True)

# a claim file whose names a lint relates ('Studen'/'Student') and uses once ('count')
_FILE = """\
document: article.txt
declarations: |
  pred Student, Studen
  const count: int
sources:
  s: {name: S}
claims:
  - {id: a1, source: s, said: 2020-01-01, quote: "two students", formula: "Student"}
  - {id: a2, source: s, said: 2020-01-01, quote: "two students", formula: "Student and count > 1"}
  - {id: a3, source: s, said: 2020-01-01, quote: "two students", formula: "Studen"}
"""


@pytest.fixture
def user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A signing key of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return tmp_path


def _dataset(folder: Path) -> claims.Dataset:
    (folder / "article.txt").write_text("There were two students.\n", encoding="utf-8")
    (folder / "a.yaml").write_text(_FILE, encoding="utf-8")
    return claims.load(folder / "a.yaml", cache=None)


def test_a_second_lint_reads_the_similar_names_and_warns_the_same(user: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first lint keeps its answers; the second finds them and computes none, with the same warnings."""
    ds = _dataset(user)
    plain = L.lint_dataset(ds)
    assert any(d.code == "similar-symbols" for d in plain), "the data must give the check something to say"
    kept = user / "pairs"
    assert L.lint_dataset(ds, kept=kept) == plain
    assert kept.exists()
    asked: list[tuple[str, ...]] = []

    def counting(names: tuple[str, ...]) -> L.Pairs:
        asked.append(names)
        return L.similar_pairs(names)

    monkeypatch.setattr(L, "similar_pairs", counting)
    assert L.lint_dataset(ds, kept=kept) == plain
    assert asked == []


@settings(max_examples=50, deadline=None)
@given(_NAMES, _NAMES)
def test_the_answer_for_some_names_is_never_used_for_others(
    tmp_path_factory: pytest.TempPathFactory, a: list[str], b: list[str]
) -> None:
    """Answers are kept by the names they answer: asked about other names, the file gives nothing."""
    folder = tmp_path_factory.mktemp("kept")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(folder / "user-cache"))
        first = L.KeptPairs(folder / "pairs")
        first(tuple(sorted(a)))
        first.save()
        again = L.KeptPairs(folder / "pairs")
        assert again(tuple(sorted(b))) == L.similar_pairs(tuple(sorted(b)))


def test_a_file_not_sealed_by_this_user_is_not_read(user: Path) -> None:
    """Bytes planted where the answers are kept (a checkout may hold anything) are ignored."""
    names = ("Studen", "Student", "alice")
    kept = user / "pairs"
    key = L.KeptPairs(kept)
    key(names)
    key.save()
    sealed = kept.read_bytes()
    kept.write_bytes(b"claims-lint-pairs\n" + bytes(32) + sealed[len(b"claims-lint-pairs\n") + 32 :])
    assert L.KeptPairs(kept)(names) == L.similar_pairs(names)
    kept.write_bytes(b"not a cache file")
    assert L.KeptPairs(kept)(names) == L.similar_pairs(names)


@pytest.mark.parametrize(
    "planted",
    [
        (("Studen", "alice", "by one letter"),),  # a pair the names do not make
        (("Student", "Studen", "by one letter"),),  # out of order
        (("Studen", "Student", "by case"),),  # not how they differ
        (("Studen", "Zed", "by one letter"),),  # a name that is not asked about
    ],
)
def test_a_sealed_answer_that_names_a_wrong_pair_is_not_used(user: Path, planted: L.Pairs) -> None:
    """Even under this user's seal, an answer with a pair that similarity() does not make is computed again."""
    names = ("Studen", "Student", "alice")
    kept = user / "pairs"
    asker = L.KeptPairs(kept)
    asker(names)
    asker.save()
    key = user_key()
    assert key is not None
    # the same digest the lint asked under, with the planted answer
    stored = marshal.loads(memoryview(kept.read_bytes())[len(b"claims-lint-pairs\n") + 32 :])
    (digest,) = stored
    kept.write_bytes(seal(key, b"claims-lint-pairs\n", marshal.dumps({digest: planted}, 4)))
    assert L.KeptPairs(kept)(names) == L.similar_pairs(names) == (("Studen", "Student", "by one letter"),)
