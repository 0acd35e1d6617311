"""The inline formula builder and the memo give what lark's parse tree gives, places included.

``syntax.parse_formula`` builds the syntax tree straight from lark's reductions;
``syntax.parse_formula_tree`` is the reference (a parse tree with positions, its
depth checked, then built). Equality of syntax trees ignores places, so these
tests compare every field, places and all, and the errors' messages and offsets.
"""

from __future__ import annotations

import attrs
from hypothesis import example, given
from hypothesis import strategies as st

from claims._front import syntax as S
from tests.strategies import formulas, mutated, names


def _outcome(parse: object, text: str) -> object:
    """The tree with every field (places too), or the error's message, offset and hint."""
    try:
        tree = parse(text)  # type: ignore[operator]
    except S.ParseError as exc:
        return ("error", exc.message, exc.pos, exc.hint)
    return (type(tree), attrs.astuple(tree, recurse=True))


def _nodes(e: S.Expr) -> list[S.Expr]:
    """Every node that may be written in parentheses (not the part before 'of': '(40%) of x' is no syntax)."""
    out: list[S.Expr] = [e]
    for f in attrs.fields(type(e)):
        v = getattr(e, f.name)
        for x in v if isinstance(v, tuple) else (v,):
            if attrs.has(type(x)):
                kids = _nodes(x)
                out.extend(kids[1:] if isinstance(e, S.Binary) and e.op == "of" and x is e.left else kids)
    return out


@st.composite
def written(draw: st.DrawFn) -> str:
    """A formula as someone may write it: redundant parentheses around any part, odd spacing, edits."""
    text = S.to_text(draw(formulas()))
    for _ in range(draw(st.integers(0, 4))):
        nodes = _nodes(S.parse_formula_tree(text))
        node = draw(st.sampled_from(nodes))
        text = f"{text[: node.pos]}({text[node.pos : node.end]}){text[node.end :]}"
    if draw(st.booleans()):
        text = text.replace(" ", draw(st.sampled_from(("  ", "\n ", " \t"))))
    if draw(st.integers(0, 3)) == 0:
        text = draw(mutated(text))
    return text


@given(written())
@example("not (a and b)")
@example("(x) is about (5)")
@example("((a)) = (b) and (p(x, (y))@2016-01-01)")
@example("forall c: C. (p(c))")
@example("d in (2016-01-01)..(2016-02-01)")
@example("a and and b")
@example("x is")
@example(" and ".join(["a"] * 250))
@example("not " * 250 + "a")
@example("(" * 250 + "a" + ")" * 250)
def test_inline_builder_gives_the_tree_parser_s_result(text: str) -> None:
    """Same tree with the same places, or the same error at the same offset."""
    assert _outcome(S.parse_formula, text) == _outcome(S.parse_formula_tree, text)


@given(st.lists(st.sampled_from(("a and b", "p(x) implies q", "x is about 3", "a and", "(b)")), max_size=12))
def test_memo_gives_what_parsing_each_gives(texts: list[str]) -> None:
    """A memo shared by many claims gives each claim what parsing its text alone gives."""
    memo = S.FormulaMemo()
    for text in texts:
        assert _outcome(memo.parse, text) == _outcome(S.parse_formula, text)


@given(st.lists(formulas(max_depth=2), min_size=1, max_size=3), st.sampled_from(("plain", '"', "'", "|")), st.data())
def test_lazy_locator_places_as_the_eager_one(trees: list[S.Expr], style: str, data: st.DataObject) -> None:
    """A formula's locator, aligned on first use, gives every offset the place the eager alignment gave."""
    from pathlib import Path

    from claims._base.errors import DiagnosticSink
    from claims._front import claimfile as C
    from claims._front.yamlread import read_yaml

    lines = []
    for i, tree in enumerate(trees):
        f = S.to_text(tree)
        written = {"plain": f, '"': f'"{f}"', "'": f"'{f}'", "|": "|\n    " + f}[style]
        lines.append(f"k{i}: {written}")
    text = "\n".join(lines) + "\n"
    try:
        m = read_yaml(text)
    except Exception:  # noqa: BLE001 - a formula that is no plain YAML scalar: nothing to align
        return
    ctx = C._Ctx(Path("x.yaml"), text, DiagnosticSink())
    place = S.offset_to_place(text)
    for i in range(len(trees)):
        key = f"k{i}"
        formula = m[key]
        if not isinstance(formula, str):
            continue
        loc = C._formula_locator(ctx, m, key, formula)
        line0, col0 = ctx.value_pos(m, key)
        start = ctx.offset(line0, col0)
        if start < len(text) and text[start] in "|>":
            start = text.find("\n", start) + 1
        elif start < len(text) and text[start] in "\"'":
            start += 1
        eager = C._alignment(text, start, formula)  # made up front, as before it became lazy
        offsets = data.draw(st.lists(st.integers(-2, len(formula) + 2), max_size=5))
        for off in offsets:
            want = place(eager[max(0, min(max(off, 0), len(eager) - 1))])
            got = loc.span(off)
            assert (got.line, got.column) == want


def _items_outcome(parse: object, text: str) -> object:
    try:
        items = parse(text)  # type: ignore[operator]
    except S.ParseError as exc:
        return ("error", exc.message, exc.pos, exc.hint)
    return tuple((type(i), attrs.astuple(i, recurse=True)) for i in items)


@st.composite
def item_texts(draw: st.DrawFn) -> str:
    """A rule file or declarations block: sorts, symbols (timed, with arguments and results), rules with cases."""
    out = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(("sort", "sym", "rule")))
        if kind == "sort":
            members = draw(st.lists(names(), max_size=3))
            out.append(f"sort {draw(names())}" + (" = {" + ", ".join(members) + "}" if members else ""))
        elif kind == "sym":
            timed = "timed " if draw(st.booleans()) else ""
            decl = draw(st.sampled_from(("const", "pred", "func")))
            syms = ", ".join(draw(st.lists(names(), min_size=1, max_size=3)))
            args = draw(st.lists(names(), max_size=2))
            sig = f"({', '.join(args)})" if args else ""
            result = f": {draw(names())}" if draw(st.booleans()) else ""
            out.append(f"{timed}{decl} {syms}{sig}{result}")
        else:
            rule = f'rule r.{draw(names())}: "a \\"rule\\"" {S.to_text(draw(formulas(max_depth=2)))}'
            for _ in range(draw(st.integers(0, 2))):
                case = draw(st.sampled_from(("example", "forbids", "possible")))
                rule += f"\n  {case}: {S.to_text(draw(formulas(max_depth=2)))}"
            out.append(rule)
    text = draw(st.sampled_from(("\n", "\n\n# a comment\n", "  \n"))).join(out)
    return draw(mutated(text)) if text and draw(st.integers(0, 3)) == 0 else text


@given(item_texts())
@example('sort C = {a, b}\ntimed func f, g(C, int): real\npred p\nrule x.y: "d" p implies p\n  example: p')
@example('const x: int\nrule a: "d" ' + " and ".join(["p"] * 250))
@example("sort C = {a, b")
def test_inline_items_give_the_tree_parser_s_items(text: str) -> None:
    """Same items with every place (names, sorts, members, rules, cases), or the same error at the same offset."""
    assert _items_outcome(S.parse_items, text) == _items_outcome(S.parse_items_tree, text)
