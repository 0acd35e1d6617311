"""The symbol linter: each warning, where it is placed, and that it never changes a verdict."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

import claims
from claims._base.errors import ARITY_MISMATCH, DiagnosticSink, Span
from claims._front import lint as L
from claims._front.model import plain


def use(
    name: str, kind: str = "const", arity: int = 0, line: int = 1, group: str = "g", in_rule: bool = False
) -> L.Use:
    return L.Use(name=name, kind=kind, arity=arity, span=Span("f.yaml", line, 0), group=group, in_rule=in_rule)


def codes(uses: list[L.Use]) -> list[tuple[str, int, str]]:
    """(code, line, first words of the message) of every warning."""
    return [(d.code, d.span.line, d.message.split(";")[0]) for d in L.lint(uses)]


def test_checks_are_registered_with_codes() -> None:
    """Every check is a plain function in the registry, under a registered diagnostic code."""
    from claims._base.errors import ERROR_CODES

    assert ["symbol-once", "similar-symbols", "arity-mismatch", "free-variable"] == list(L.CHECKS)
    assert set(L.CHECKS) <= set(ERROR_CODES)


def test_symbol_used_once() -> None:
    """A symbol used once is flagged at its use; a containing name is suggested."""
    uses = [
        use("bonnie", line=1),
        use("bonnie", line=2),
        use("Perform", "pred", 2, line=3),
        use("PerformOftenIn", "pred", 2, line=4),
        use("PerformOftenIn", "pred", 2, line=5),
    ]
    (d,) = L.lint(uses)
    assert ("symbol-once", 3) == (d.code, d.span.line)
    assert (
        "predicate 'Perform' is used only once, so nothing else can say anything about it; "
        "did you mean 'PerformOftenIn'?"
    ) == d.message


def test_symbol_used_once_only_in_a_rule_is_vocabulary() -> None:
    """A symbol whose one use is in a rule is not blamed: rules are vocabulary."""
    assert [] == codes([use("p", "pred", 1, in_rule=True)])


@pytest.mark.parametrize(
    ("a", "b", "how"),
    [
        ("InActive", "Inactive", "by case"),
        ("highSchoolDance", "highSchoolDances", "by a plural ending"),
        ("box", "boxes", "by a plural ending"),
        ("Family", "Families", "by a plural ending"),
        ("Studen", "Student", "by one letter"),
        ("bonne", "bonnie", "by one letter"),
        ("GrewUpIn", "GrowUpIn", "by one letter"),
        ("Wirte", "Write", "by one letter"),  # a swap of two letters is one typo
    ],
)
def test_similar_symbols(a: str, b: str, how: str) -> None:
    """Two symbols that differ by case, a plural or one letter: the rarer one is flagged."""
    uses = [use(b, line=1), use(b, line=2), use(a, line=3)]
    (d,) = L.lint(uses)
    assert ("similar-symbols", 3) == (d.code, d.span.line)
    assert d.message.startswith(f"'{a}' and '{b}' differ only {how}; the solver reads them as two")
    assert "f.yaml:1:1" in d.message
    assert f"if they mean the same thing, write '{b}' here" == d.hint


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("At", "In"),  # short words are different words
        ("yr2003", "yr2004"),  # numbers differ on purpose
        ("Top10", "Top20"),
        ("WrittenBy", "WrittenIn"),  # two letters apart
    ],
)
def test_different_symbols_are_not_similar(a: str, b: str) -> None:
    """Short names, names that differ only in digits, and names two edits apart are not flagged."""
    assert None is L.similarity(a, b)
    assert [] == codes([use(a), use(a), use(b), use(b)])


def test_predicates_and_constants_are_not_compared() -> None:
    """A predicate Mammal and a constant mammal are the usual FOLIO idiom, not a slip."""
    assert [] == codes([use("Mammal", "pred", 1), use("Mammal", "pred", 1), use("mammal"), use("mammal")])


def test_arity_mismatch() -> None:
    """One name with two arities is flagged at the rarer shape, pointing at the common one."""
    uses = [use("Spend", "pred", 3, line=1), use("Spend", "pred", 3, line=2), use("Spend", "pred", 4, line=3)]
    (d,) = L.lint(uses)
    assert ("arity-mismatch", 3) == (d.code, d.span.line)
    assert (
        "'Spend' is used here as a predicate with 4 arguments but as a predicate with 3 arguments "
        "at f.yaml:1:1; these are two unrelated symbols"
    ) == d.message


def test_arity_mismatch_between_a_predicate_and_a_constant() -> None:
    """A name used as a predicate and as a constant is two symbols too."""
    uses = [use("Rain", "pred", 0, line=1), use("Rain", "pred", 0, line=2), use("Rain", line=3)]
    assert [
        ("arity-mismatch", 3, ("'Rain' is used here as a constant but as a proposition (no arguments) at f.yaml:1:1"))
    ] == codes(uses)


def test_free_variable_once_per_formula() -> None:
    """A variable no quantifier binds is flagged once per formula, with the constants as a hint."""
    uses = [
        use("x", "free", line=1, group="p6"),
        use("x", "free", line=1, group="p6"),
        use("x", "free", line=2, group="c1"),
        use("bonnie", line=1),
        use("bonnie", line=2),
    ]
    found = L.lint(uses)
    assert [("free-variable", 1), ("free-variable", 2)] == [(d.code, d.span.line) for d in found]
    assert found[0].message.startswith("variable 'x' is not bound by any quantifier")
    assert found[0].hint is not None and "(constants here: bonnie)" in found[0].hint


def test_lint_dataset_places_warnings_at_claims() -> None:
    """lint_dataset names the claim (file:line) that uses the symbol; rules count as uses."""
    ds = claims.dataset(
        [
            ("a", "Studen(bonnie)", "q"),
            ("b", "Student(bonnie)", "q"),
            ("c", "Student(bonnie)", "q"),
            ("d", "tall(bonnie)", "q"),
        ],
        rules="sort U\nconst bonnie: U\npred Studen(U)\npred Student(U)\npred tall(U)\n"
        'rule r: "tall people are students" forall x: U. tall(x) implies Student(x)',
    )
    found = L.lint_dataset(ds)
    assert [("similar-symbols", "<claims>", 1)] == [(d.code, d.span.path, d.span.line) for d in found]
    assert found[0].message.startswith("'Studen' and 'Student' differ only by one letter")


def test_check_reports_warnings_and_they_change_nothing() -> None:
    """claims.check fills Report.warnings; a warning alone leaves the report ok."""
    ds = claims.dataset([("a", "x > 1", "q"), ("b", "y > 2", "q")], rules="const x, y: int")
    report = claims.check(ds, jobs=1)
    assert ["symbol-once", "symbol-once"] == [d.code for d in report.warnings]
    assert report.ok
    assert "Warnings (2)" in str(report)


def test_lint_of_nothing_is_nothing() -> None:
    """No uses, no warnings."""
    assert () == L.lint([])


_NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,7}s?", fullmatch=True)


@given(st.lists(_NAMES, max_size=12, unique=True))
def test_similar_pairs_equal_the_brute_force(names: list[str]) -> None:
    """The indexed search finds exactly the pairs that comparing every pair finds."""
    brute = sorted(
        {
            (min(a, b), max(a, b), how)
            for a, b in itertools.combinations(names, 2)
            if (how := L.similarity(a, b)) is not None
        }
    )
    assert tuple(brute) == L.similar_pairs(tuple(sorted(names)))


@given(_NAMES, _NAMES)
def test_similarity_is_symmetric(a: str, b: str) -> None:
    """Whether two names are similar does not depend on their order."""
    assert L.similarity(a, b) == L.similarity(b, a)


def _closest_by_comparing_all(name: str, others: list[str]) -> str | None:
    """The definition: the shortest, then first, other name that contains ``name`` or is in it."""
    low = name.lower()
    if len(low) < L.TYPO_MIN_LENGTH:
        return None
    for o in sorted((o for o in others if o != name), key=lambda o: (len(o), o)):
        if len(o) >= L.TYPO_MIN_LENGTH and (low in o.lower() or o.lower() in low):
            return o
    return None


@given(st.lists(st.from_regex(r"[abAB_1]{1,9}", fullmatch=True), max_size=15, unique=True), st.data())
def test_containment_index_equals_comparing_every_name(names: list[str], data: st.DataObject) -> None:
    """The indexed look-up of 'used only once' hints finds what comparing every pair finds."""
    name = data.draw(st.sampled_from(names) if names else st.just("abab"))
    assert L._Containment(names).closest(name) == _closest_by_comparing_all(name, names)


def _arity_by_every_name(uses: list[L.Use], sink: DiagnosticSink) -> None:
    """``arity`` the obvious way (what it was): every name grouped by shape, names of one shape skipped."""
    from collections import defaultdict

    by: dict[str, list[L.Use]] = defaultdict(list)
    for u in uses:
        if u.kind != "free":
            by[u.name].append(u)
    for name, us in sorted(by.items()):
        shapes: dict[tuple[str, int], list[L.Use]] = defaultdict(list)
        for u in us:
            shapes[(L._category(u.kind), u.arity)].append(u)
        if len(shapes) < 2:
            continue
        ref = max(shapes, key=lambda s: (len(shapes[s]), -L._first(shapes[s]).span.line))
        ref_use = L._first(shapes[ref])
        for shape, group in sorted(shapes.items(), key=lambda p: L._first(p[1]).span):
            if shape != ref:
                sink.warning(
                    L._first(group).span,
                    ARITY_MISMATCH,
                    f"'{plain(name)}' is used here as {L._shape(shape)} but as {L._shape(ref)} at "
                    f"{ref_use.span}; these are two unrelated symbols",
                    "use one arity, or two different names",
                )


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(["pred", "func", "const", "free"]),
            st.integers(0, 2),
            st.integers(1, 6),
        ),
        max_size=25,
    )
)
def test_arity_groups_only_the_names_of_two_shapes_and_warns_as_grouping_every_name(
    drawn: list[tuple[str, str, int, int]],
) -> None:
    uses = [use(n, k, a, line) for n, k, a, line in drawn]
    fast, slow = DiagnosticSink(), DiagnosticSink()
    L.arity(uses, fast, L.similar_pairs)
    _arity_by_every_name(uses, slow)
    assert fast.items == slow.items
