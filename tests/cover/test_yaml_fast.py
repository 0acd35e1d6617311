"""The fast ways of reading a claim file's YAML give what the round-trip loader gives.

``yamlread._fast_load`` reads with PyYAML's libyaml composer when it can, else
with ruamel.yaml's, else answers ``_SLOW`` (the round-trip loader decides). Each
value it builds must be the round-trip loader's: the same type, the same value,
the same places of keys, values and items.
"""

from __future__ import annotations

from typing import Any

import yaml as pyyaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from claims._front import yamlread as Y
from tests.strategies import mutated

# scalars as a claim file may write them, with those where YAML 1.1 and 1.2 differ
_PLAIN = (
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Yes",
    "NO",
    "true",
    "False",
    "TRUE",
    "~",
    "null",
    "Null",
    "",
    "0",
    "12",
    "-3",
    "017",
    "0o17",
    "0x1F",
    "1_000",
    "1:20",
    "1.5",
    "1e3",
    ".inf",
    "-.Inf",
    ".nan",
    "+1",
    "2015-10-07",
    "2016-02-30",
    "2016-2-3",
    "2015-10-07T10:00:00",
    "2015-10-07 10:00:00 +01:00",
    "2015-10",
    "c000001",
    "s4",
    "troops(egypt) is at least 2634",
    "x != 3",
    "Smith & Co",
    "a#b",
    "c: d",
    "@x",
    "`x",
    "forall c: Country. p(c)",
    "é",
    "0.1",
    "00",
    "0b101",
    "=",
)


def _scalar(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(_PLAIN) | st.text(st.characters(codec="utf-8"), max_size=6))
    how = draw(st.sampled_from(("plain", "double", "single", "tagged", "anchored")))
    if how == "double":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if how == "single":
        return "'" + text.replace("'", "''") + "'"
    if how == "tagged":
        return draw(st.sampled_from(("!!str ", "!!int ", "! ", "!x ", "!!timestamp "))) + text
    if how == "anchored":
        return "&a " + text
    return text


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A small YAML document: block mappings of scalars, flow mappings and lists, literal blocks."""
    lines: list[str] = []
    for i in range(draw(st.integers(1, 5))):
        key = draw(st.sampled_from((f"k{i}", "k0", "yes", "1", '"q"', "2015-10-07")))
        form = draw(st.sampled_from(("scalar", "flow-map", "flow-seq", "block-seq", "literal", "block-map", "other")))
        if form == "scalar":
            lines.append(f"{key}: {_scalar(draw)}")
        elif form == "flow-map":
            items = ", ".join(f"f{j}: {_scalar(draw)}" for j in range(draw(st.integers(0, 3))))
            lines.append(f"{key}: {{{items}}}")
        elif form == "flow-seq":
            lines.append(f"{key}: [{', '.join(_scalar(draw) for _ in range(draw(st.integers(0, 3))))}]")
        elif form == "block-seq":
            lines.append(f"{key}:")
            lines.extend(f"  - {_scalar(draw)}" for _ in range(draw(st.integers(1, 3))))
        elif form == "block-map":
            lines.append(f"{key}:")
            lines.extend(f"  b{j}: {_scalar(draw)}" for j in range(draw(st.integers(1, 3))))
        elif form == "other":
            lines.append(draw(st.sampled_from(("# a comment", "? k9\n: v", "---", "...", "k8: x\n  y", "\t"))))
        else:
            lines.append(f"{key}: {draw(st.sampled_from(('|', '>', '|-')))}")
            lines.extend(f"  {draw(st.sampled_from(_PLAIN))}" for _ in range(draw(st.integers(1, 2))))
    if draw(st.booleans()):
        lines.append("alias: *a")
    return "\n".join(lines) + "\n"


def _rt() -> YAML:
    rt = YAML(typ="rt")
    rt.Constructor = Y._Constructor
    rt.Composer = Y._Composer
    return rt


def _same(a: Any, b: Any) -> None:
    """``a`` and ``b`` are the same value, of the same types, written at the same places."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, CommentedMap):
        assert list(a) == list(b)
        assert (a.lc.line, a.lc.col) == (b.lc.line, b.lc.col)
        assert a.lc.data == b.lc.data
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, CommentedSeq):
        assert len(a) == len(b)
        assert (a.lc.line, a.lc.col) == (b.lc.line, b.lc.col)
        assert a.lc.data == b.lc.data
        for x, y in zip(a, b, strict=True):
            _same(x, y)
    else:
        assert a == b or (a != a and b != b), (a, b)  # NaN is itself
        anchor = getattr(getattr(a, "anchor", None), "value", None)
        assert anchor == getattr(getattr(b, "anchor", None), "value", None)


@settings(max_examples=1000)
@given(documents() | documents().flatmap(mutated))
@example("a: yes\nb: 017\nc: 2016-02-30\nd: [1_000, 1:20, ~]\n")
@example("a: x != 3\nb: &a 1\nc: *a\n")
@example("a: !!str yes\nb: ! yes\n")
@example("a: |\n  x\nb: >\n  y\n  z\n")
@example("k0: {f0: 2015-10-07T10:00:00}\nk1: \n")
@example('k0: {"a":&x 1, b: *x}\n')
def test_pyyaml_way_reads_as_the_round_trip_loader(text: str) -> None:
    """What PyYAML's composer with the round-trip tags builds is exactly what ruamel.yaml's libyaml
    composer builds (the way a claim file took before), or when that answered _SLOW, what the
    round-trip loader builds."""
    fast = Y._pyyaml_load(text, _rt(), 10**6)
    if fast is Y._SLOW:
        return
    before = Y._ruamel_c_load(text, _rt(), 10**6)
    if before is not Y._SLOW:
        _same(fast, before)  # the places libyaml gives an empty value, as before (not the round-trip parser's)
        return
    _same(fast, _rt().load(text))


def test_a_directive_takes_the_round_trip_loader() -> None:
    """'%YAML 1.1' makes the round-trip resolver read 'yes' as true: no libyaml way reads such a text."""
    text = "%YAML 1.1\n---\na: yes\n"
    assert Y._fast_load(text, _rt()) is Y._SLOW
    assert _rt().load(text) == {"a": True}


def test_the_benchmark_files_take_the_pyyaml_way() -> None:
    """A generated claim file (formulas with '!=', dates, quotes) is read the PyYAML way, its claims as flow lines."""
    text = (
        'sources:\n  s1: {name: "A", role: "x", via: "AFP"}\nclaims:\n'
        '  - {id: c1, source: s1, said: 2015-10-07, quote: "q", formula: "x != 3"}\n'
    )
    fast = Y._pyyaml_load(text, _rt(), 10**6)
    assert fast is not Y._SLOW
    _same(fast, _rt().load(text))
    assert len(Y._PyYAMLWay(text, _rt(), 10**6).flow_lines()[1]) == 1  # its claim is read by regular expression


@given(documents(), st.integers(0, 40))
@example("# a comment\n", 0)
def test_pyyaml_way_counts_nodes_as_count_nodes(text: str, bound: int) -> None:
    """The PyYAML way counts the nodes as it builds them: it answers _SLOW exactly when
    ``_count_nodes`` finds more than the bound."""
    if Y._pyyaml_load(text, _rt(), 10**6) is Y._SLOW:
        return
    node = pyyaml.compose(text, Loader=pyyaml.CSafeLoader)
    if node is None:  # an empty document: no node to count
        return
    count = Y._count_nodes(node, 10**6, {})
    assert (Y._pyyaml_load(text, _rt(), bound) is Y._SLOW) == (count > bound)


@st.composite
def flow_line_documents(draw: st.DrawFn) -> str:
    """Documents with list items written as one-line flow mappings, as generated claim files write
    their claims, in the places such a line can stand (a list, a block text, a flow list, after a key)."""
    values = (st.sampled_from(_PLAIN) | st.text(max_size=5)).map(lambda v: v.replace('"', "").replace("\\", ""))

    def item(draw: st.DrawFn) -> str:
        entries = []
        for j in range(draw(st.integers(1, 4))):
            key = draw(st.sampled_from((f"f{j}", "f0", "yes", "id", "said", "1")))
            v = draw(values)
            quoted = draw(st.booleans())
            entries.append(f'{key}: "{v}"' if quoted else f"{key}: {v}")
        sep = draw(st.sampled_from((", ", ",", " , ")))
        return "{" + draw(st.sampled_from(("", " "))) + sep.join(entries) + draw(st.sampled_from(("", " "))) + "}"

    lines = []
    for i in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(("list",) * 6 + ("block-text", "flow", "nested", "comment", "top")))
        if where == "list":
            lines.append(f"k{i}:")
            lines.extend(f"  - {item(draw)}" for _ in range(draw(st.integers(1, 3))))
        elif where == "block-text":
            lines.append(f"k{i}: |")
            lines.append(f"  - {item(draw)}")
        elif where == "flow":
            lines.append(f"k{i}: [")
            lines.append(f"  - {item(draw)}")
            lines.append("  ]")
        elif where == "nested":
            lines.append(f"k{i}:")
            lines.append(f"  - - {item(draw)}")
            lines.append(f"    - {item(draw)}")
        elif where == "comment":
            lines.append(f"k{i}:")
            lines.append(f"  - {item(draw)} # note")
        else:
            lines.append(f"- {item(draw)}")
    return "\n".join(lines) + draw(st.sampled_from(("\n", "", "\n\n")))


@settings(max_examples=600)
@given(flow_line_documents() | flow_line_documents().flatmap(mutated))
@example('k0:\n  - {id: c1, said: 2015-10-07, quote: "a: b, {c}", f: 2016-02-30}\n')
@example("k0: |\n  - {a: b}\n")
@example("- {a: b, a: c}\n")
def test_flow_lines_read_as_libyaml_reads_them(text: str) -> None:
    """Reading the one-line flow mappings by regular expression gives exactly what composing the
    whole text gives (or _SLOW where that is _SLOW)."""
    way = Y._PyYAMLWay(text, _rt(), 10**6)
    whole = way.compose(text, {})
    fast = way.load()
    if whole is Y._SLOW:
        assert fast is Y._SLOW
    else:
        _same(fast, whole)
