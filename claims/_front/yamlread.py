"""Stage *load*: the YAML of a claim file, every value with its place.

:func:`read_yaml` is ruamel.yaml's round-trip loader (every mapping and list
knows where its keys and values are written), with libyaml's parser (PyYAML's,
else ruamel.yaml's) when it can, an anchor defined twice refused, the nodes counted with every alias
expanded up to ``Limits.yaml_nodes``, and an impossible date kept as text.
What the fields mean is :mod:`claims._front.claimfile`'s business.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import yaml as pyyaml  # PyYAML, for its libyaml composer (see _pyyaml_load)
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.tag import Tag

from claims._base.limits import DEFAULT as DEFAULT_LIMITS


class TooManyNodes(ComposerError):
    """A claim file grows past ``Limits.yaml_nodes`` nodes, every alias counted where it is used."""


class _Composer(Composer):
    """ruamel's composer, except for anchors and aliases.

    * An anchor defined twice is an error with both places. ruamel only warns
      (``ReusedAnchorWarning``, printed raw to stderr), and an alias then means
      the later definition; libyaml refuses such a file. A reader of a claim file
      cannot tell which one ``*name`` means, so neither may the checker (issue 17, item 8).
    * Nodes are counted as they are composed, each alias as the nodes of the value it
      names, and composing stops with :class:`TooManyNodes` at the node or alias that
      passes ``node_bound``. Seven levels of nine aliases are 4.8 million nodes in
      a 600-byte file, and everything after loading walks them (issue 17, item 5);
      legitimate anchors still work.
    * An alias used inside the value it names (``&a [*a]``) is an error: that value
      would be endless.
    """

    node_bound: int = DEFAULT_LIMITS.yaml_nodes

    def compose_document(self: Any) -> Any:
        self.nodes = 0
        self.sizes: dict[Any, int] = {}  # anchor -> nodes of its value, aliases expanded
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        anchor = getattr(event, "anchor", None)
        if isinstance(event, AliasEvent):
            node = super().compose_node(parent, index)  # an undefined alias is an error here
            size = self.sizes.get(anchor)
            if size is None:
                raise ComposerError(
                    None,
                    None,
                    f"the alias '*{anchor}' is used inside the value it names, which would make that value endless",
                    event.start_mark,
                )
            self._count(size, event.start_mark)
            return node
        if anchor is not None and anchor in self.anchors:
            first = self.anchors[anchor].start_mark
            raise ComposerError(
                None,
                None,
                f"the anchor '&{anchor}' is defined a second time (first at line "
                f"{first.line + 1}, column {first.column + 1}), so '*{anchor}' is ambiguous",
                event.start_mark,
            )
        before = self.nodes
        node = super().compose_node(parent, index)
        self._count(1, event.start_mark)
        if anchor is not None:
            self.sizes[anchor] = self.nodes - before
        return node

    def _count(self, n: int, mark: Any) -> None:
        self.nodes += n
        if self.nodes > self.node_bound:
            raise TooManyNodes(None, None, f"over {self.node_bound:,} nodes", mark)


class _Constructor(RoundTripConstructor):
    """ruamel's round-trip constructor, except that an impossible date stays text.

    ruamel turns ``said: 2016-02-30`` into a bare ``ValueError`` in the middle of
    loading, with no place; kept as text it reaches the field checks and becomes
    a ``bad-date`` diagnostic that points at the value.
    """

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return self.construct_scalar(node)

    def construct_non_recursive_object(self, node: Any, tag: str | None = None) -> Any:
        # '!!int abc' and '!!float abc' fail with a bare ValueError as well ('!!float e' with an
        # IndexError); give it the node's place
        try:
            return super().construct_non_recursive_object(node, tag)
        except (ValueError, IndexError) as exc:
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            value = str(node.value) if isinstance(node.value, str) else ""
            shown = repr(value if len(value) <= 40 else value[:40] + "...")
            # an IndexError says nothing a reader can use ('string index out of range'), nor Python's
            # advice on sys.set_int_max_str_digits
            why = f": {exc}" if isinstance(exc, ValueError) and str(exc) else ""
            if "Exceeds the limit" in why:
                digits = sum(ch.isdigit() for ch in value)
                why = f": a number of {digits:,} digits is too long to read (at most 4,300)"
            raise ConstructorError(None, None, f"cannot read {shown} as a {tag} value{why}", node.start_mark) from None


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


class _Slow(Exception):
    """The fast path met something only the round-trip loader handles exactly."""


_SLOW: Any = object()
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)


def _fast_load(text: str, rt: YAML, node_bound: int = DEFAULT_LIMITS.yaml_nodes) -> Any:
    """Load like ``rt.load(text)``, with libyaml's parser when ``ruamel.yaml.clib`` is there.

    The round-trip loader is pure Python and was most of the time of loading
    10,000 claims. libyaml composes the node tree (with every node's line and
    column) about nine times faster; the round-trip constructor then makes
    each scalar, and the mappings and lists are built here with the places
    the round-trip loader would record. Anything unusual (a syntax error, a
    merge key, a duplicate key, a non-scalar key, a custom tag) returns
    ``_SLOW``: the caller loads with the round-trip loader, whose results and
    diagnostics are the reference. So does a tree of more than ``node_bound``
    nodes, aliases expanded (counted before anything is built), or one whose
    alias is used inside the value it names: the round-trip loader's composer
    reports either at its place.

    A text with a directive (``%YAML 1.1``) goes to the round-trip loader: it
    changes that loader's resolver, which neither composer here sees. Any other
    text is first composed by PyYAML's libyaml loader (:func:`_pyyaml_load`),
    which is faster still, and by ruamel.yaml's when that answers ``_SLOW``.
    """
    if any(ch in text.replace("\r\n", "\n") for ch in _OTHER_BREAKS):
        return _SLOW  # libyaml counts these as line breaks; our places count only '\n'
    if _DIRECTIVE.search(text) is not None:
        return _SLOW  # '%YAML 1.1' changes how the round-trip resolver reads 'yes' or '017'
    data = _pyyaml_load(text, rt, node_bound)
    return data if data is not _SLOW else _ruamel_c_load(text, rt, node_bound)


def _ruamel_c_load(text: str, rt: YAML, node_bound: int) -> Any:
    """:func:`_fast_load` through ruamel.yaml's own libyaml composer (``ruamel.yaml.clib``)."""
    try:
        node = YAML(typ="safe", pure=False).compose(text)
    except Exception:  # noqa: BLE001 - any trouble: the reference loader decides and reports
        return _SLOW
    if node is None:
        return None
    constructor = rt.constructor

    def scalar(n: Any) -> Any:
        return constructor.construct_object(n, deep=True)

    try:
        _count_nodes(node, node_bound, {})
        return _from_node(node, scalar)
    except (_Slow, RecursionError):
        return _SLOW


_DIRECTIVE = re.compile(r"^%", re.MULTILINE)
_PROPERTIES = re.compile(r"(?:^|[\s\[\{,:])&")
"""Where an anchor (``&a``) may be written.

PyYAML's composer keeps no anchor on its nodes, and an anchored scalar is a
``PlainScalarString`` for the round-trip constructor. A match may be inside a
quoted text (``"Smith & Co"``): that text just takes the slower way. (After ':' too:
``{"a":&x 1}`` is an anchor in a flow mapping.) A written
tag is seen on the node itself (see :class:`_Resolved`).
"""


_FLOW = re.compile(r"[\[\{]")


class _Resolved(str):
    """A tag the resolver gave: no tag was written (any other tag sends the text the slower way)."""

    __slots__ = ()


_STR_TAG = _Resolved("tag:yaml.org,2002:str")
_MAP_TAG = _Resolved("tag:yaml.org,2002:map")
_SEQ_TAG = _Resolved("tag:yaml.org,2002:seq")
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_YMD = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class _CLoader(pyyaml.CSafeLoader):
    """PyYAML's libyaml composer, with the tags ruamel.yaml's round-trip resolver gives (``tag_of``).

    PyYAML resolves plain scalars by YAML 1.1 (``yes`` is true, ``0777`` octal,
    ``1:20`` sexagesimal); the reference reads YAML 1.2, so every tag comes
    from the reference's own resolver: the composer calls ``resolve`` for every
    node whose tag is not written (or is the non-specific ``!``, which libyaml
    hands ruamel.yaml's composer to resolve alike), and a tag that is written
    is no :class:`_Resolved`.
    """

    tag_of: Callable[[Any, str, tuple[bool, bool]], str]

    def resolve(self, kind: Any, value: str, implicit: tuple[bool, bool]) -> str:
        return self.tag_of(kind, value, implicit)


def _pyyaml_load(text: str, rt: YAML, node_bound: int) -> Any:
    """:func:`_fast_load` through PyYAML's libyaml composer; ``_SLOW`` for anything unusual,
    or a text that may hold an anchor (:data:`_PROPERTIES`).

    Exact: the nodes are those libyaml composes for ruamel.yaml (the same
    parser, the same lines and columns), with the tags of the round-trip
    resolver (:class:`_CLoader`); a text is read as ``str`` unless it is a
    literal or folded block, a ``YYYY-MM-DD`` timestamp as the round-trip
    constructor makes it (``create_timestamp``: a ``datetime.date``), every
    other scalar by the round-trip constructor itself, from a ruamel node of the
    same tag, value and style; a list item written as a simple one-line flow
    mapping (a generated claim file's claims) is read by regular expression
    (:meth:`_PyYAMLWay.flow_lines`). Whatever raises sends the text the slower
    way (ruamel.yaml's libyaml, then the round-trip loader).
    tests/cover/test_yaml_fast.py checks this against those ways.
    """
    if _PROPERTIES.search(text) is not None:
        return _SLOW
    return _PyYAMLWay(text, rt, node_bound).load()


class _PyYAMLWay:
    """One text read the PyYAML way (see :func:`_pyyaml_load`)."""

    def __init__(self, text: str, rt: YAML, node_bound: int) -> None:
        self.text = text
        self.node_bound = node_bound
        self.constructor = rt.constructor
        # ruamel's VersionedResolver.resolve for a plain scalar, with its table looked up once: the
        # patterns by first character of YAML 1.2, the version read when no directive says otherwise
        self.table = rt.resolver.versioned_resolver
        self.anywhere = list(self.table.get(None, []))
        self.tags: dict[str, _Resolved] = {}  # a pattern's tag -> the tag as the reference's node names it

    def tag_of(self, kind: Any, value: str, implicit: tuple[bool, bool]) -> _Resolved:
        if kind is pyyaml.MappingNode:
            return _MAP_TAG
        if kind is pyyaml.SequenceNode:
            return _SEQ_TAG
        if not implicit[0]:
            return _STR_TAG  # quoted: the round-trip resolver tries no pattern
        for suffix, regexp in self.table.get(value[0] if value else "", []) + self.anywhere:
            if regexp.match(value):
                tag = self.tags.get(suffix)
                if tag is None:
                    tag = self.tags[suffix] = _Resolved(str(Tag(suffix=suffix)))
                return tag
        return _STR_TAG

    def scalar(self, n: Any) -> Any:
        tag, value, style = n.tag, n.value, n.style or None
        if type(tag) is not _Resolved:
            raise _Slow(tag)
        if style is None and (":" in value or "?" in value) and _FLOW.search(self.text) is not None:
            raise _Slow("libyaml 0.1.7 refuses ':' and '?' in a plain scalar inside [...] or {...}")
        if tag == _STR_TAG and style not in ("|", ">"):
            return value
        if tag == _TIMESTAMP_TAG:
            date = _date(value)
            if date is not None:
                return date
        node = ScalarNode(tag, value, n.start_mark, n.end_mark, style)
        return self.constructor.construct_object(node, deep=True)

    def load(self) -> Any:
        """The text's value: with its one-line flow mappings read here (:meth:`flow_lines`), else as it is."""
        short, maps = self.flow_lines()
        if maps:
            data = self.compose(short, maps)
            if data is not _SLOW:
                return data
        return self.compose(self.text, {})

    def compose(self, text: str, maps: dict[tuple[int, int], tuple[CommentedMap, int]]) -> Any:
        try:
            loader = _CLoader(text)
        except Exception:  # noqa: BLE001 - a text libyaml cannot take (a lone surrogate): the next loader reports
            return _SLOW
        loader.tag_of = self.tag_of
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            # no anchor, so no alias: each node is met once, and counted as it is built
            data = _from_node(node, self.scalar, resolved=True, budget=[self.node_bound], maps=maps)
            if maps:
                raise _Slow("a '{}' left in place of a flow mapping is no mapping of its own")
            return data
        except Exception:  # noqa: BLE001 - any trouble: the next loader decides and reports
            return _SLOW
        finally:
            loader.dispose()

    def flow_lines(self) -> tuple[str, dict[tuple[int, int], tuple[CommentedMap, int]]]:
        """The text with each list item written as a simple one-line flow mapping (:data:`_FLOW_LINE`,
        such as every claim of a generated claim file) emptied to ``{}``, and those mappings, built
        here, by the line and column of their ``{`` (with the number of their nodes).

        Exact: such a line holds only ``- {key: value, ...}`` with plain keys, plain values of
        letters, digits and ``_.-``, and double-quoted values without escapes or characters libyaml
        refuses, so libyaml reads its mapping as this regular expression does: each key and value
        where it is written, a quoted text as written, a plain one by the same resolver
        (:meth:`tag_of`); a line whose keys or values are anything but text and dates is left as it
        is, as is a mapping with a key twice. Emptying a mapping to ``{}`` changes no other line nor
        anything before the ``{``, so the composer reaches the ``{}`` in the state it reached the
        mapping in and leaves it in the state it left the mapping in; :meth:`compose` takes each
        built mapping where libyaml finds an empty mapping at its place, and answers ``_SLOW`` (the
        text is then read as it is) if any is not found so (a ``- {...}`` line inside a block text).
        """
        text = self.text
        pieces: list[str] = []
        maps: dict[tuple[int, int], tuple[CommentedMap, int]] = {}
        done = line = 0  # text[:done] is in pieces; line: the line of offset done
        for m in _FLOW_LINE.finditer(text):
            built = self.flow_map(text, m.start(1), m.end(1))
            if built is None:
                continue
            brace = m.start(1)
            line += text.count("\n", done, brace)
            col = brace - (text.rfind("\n", 0, brace) + 1)
            mapping, entries = built
            mapping._yaml_set_line_col(line, col)
            lc = mapping.lc
            for key, (kcol, vcol) in entries:
                lc.add_kv_line_col(key, [line, col + kcol, line, col + vcol])
            maps[line, col] = (mapping, 1 + 2 * len(entries))
            pieces.append(text[done:brace])
            pieces.append("{}")
            done = m.end(1)
            line += text.count("\n", brace, done)
        pieces.append(text[done:])
        return "".join(pieces), maps

    def flow_map(
        self, text: str, start: int, end: int
    ) -> tuple[CommentedMap, list[tuple[str, tuple[int, int]]]] | None:
        """The mapping written in ``text[start:end]`` and where each key and value starts (relative
        to ``start``), or None when it holds a key twice, a key that is no text, or a value neither
        text nor a date."""
        mapping = CommentedMap()
        entries: list[tuple[str, tuple[int, int]]] = []
        for e in _FLOW_ENTRY.finditer(text, start, end):
            key = e[1]
            if key in mapping or self.tag_of(pyyaml.ScalarNode, key, (True, False)) is not _STR_TAG:
                return None
            if e[2] is not None:
                value: Any = e[2]
                vstart = e.start(2) - 1  # the opening quote
            else:
                value = e[3]
                vstart = e.start(3)
                tag = self.tag_of(pyyaml.ScalarNode, value, (True, False))
                if tag == _TIMESTAMP_TAG:
                    value = _date(value)
                    if value is None:
                        return None
                elif tag is not _STR_TAG:
                    return None
            mapping[key] = value
            entries.append((key, (e.start(1) - start, vstart - start)))
        return mapping, entries


def _date(value: str) -> datetime.date | None:
    """A ``YYYY-MM-DD`` timestamp as the round-trip constructor makes it (``create_timestamp``); None
    for any other (the constructor itself reads it) or an impossible date (it keeps that as text)."""
    ymd = _YMD.fullmatch(value)
    if ymd is None:
        return None
    try:
        return datetime.date(int(ymd[1]), int(ymd[2]), int(ymd[3]))
    except ValueError:
        return None


_QUOTED = r"[\x20\x21\x23-\x5b\x5d-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*"
_ENTRY = r'[A-Za-z_][A-Za-z0-9_]*: +(?:"' + _QUOTED + r'"|[A-Za-z0-9][A-Za-z0-9_.-]*)'
_FLOW_LINE = re.compile(r"^ *- (\{ *" + _ENTRY + r"(?: *, *" + _ENTRY + r")* *\}) *$", re.MULTILINE)
"""A list item that is a one-line flow mapping of plain keys to plain or simply quoted values.

A quoted value holds no quote, backslash or line break, and only characters libyaml reads as
they are (printable, no control character); a plain one only letters, digits and ``_.-``.
"""
_FLOW_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*): +(?:\"(" + _QUOTED + r")\"|([A-Za-z0-9][A-Za-z0-9_.-]*))")


_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
_MAX_DEPTH = 64  # deeper nesting is no claim file: the reference loader reports it


def _count_nodes(node: Any, bound: int, seen: dict[int, int], depth: int = 0) -> int:
    """The nodes of ``node``'s tree, each alias (a node met again) counted in full; ``_Slow`` past ``bound``.

    Each node is walked once (what it counts is remembered), so this takes the
    time of the file, not of its expansion. ``node`` is ruamel's or PyYAML's:
    both name their kind in ``id``.
    """
    known = seen.get(id(node))
    if known is not None:
        if known < 0:
            raise _Slow("an alias inside the value it names")
        return known
    if depth > _MAX_DEPTH:
        raise _Slow("deep")
    seen[id(node)] = -1
    n = 1
    if node.id == "mapping":
        for k, v in node.value:
            n += _count_nodes(k, bound, seen, depth + 1) + _count_nodes(v, bound, seen, depth + 1)
            if n > bound:
                raise _Slow("too many nodes")
    elif node.id == "sequence":
        for item in node.value:
            n += _count_nodes(item, bound, seen, depth + 1)
            if n > bound:
                raise _Slow("too many nodes")
    seen[id(node)] = n
    return n


def _from_node(
    node: Any,
    scalar: Callable[[Any], Any],
    depth: int = 0,
    resolved: bool = False,
    budget: list[int] | None = None,
    maps: dict[tuple[int, int], tuple[CommentedMap, int]] | None = None,
) -> Any:
    """The value of ``node`` as the round-trip loader builds it; each scalar made by ``scalar``.

    ``resolved``: only tags the resolver gave are plain (PyYAML's nodes, see :class:`_Resolved`).
    ``budget``: the nodes still allowed, counted here (``_Slow`` past it) instead of by
    :func:`_count_nodes` beforehand; only for a tree without aliases, where each node is met once.
    ``maps``: mappings built already, each taken (and removed) where an empty mapping is at its
    line and column (see :meth:`_PyYAMLWay.flow_lines`), with its nodes counted.
    """
    if node.tag not in _PLAIN_TAGS or depth > _MAX_DEPTH or (resolved and type(node.tag) is not _Resolved):
        raise _Slow(node.tag)
    if budget is not None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _Slow("too many nodes")
    line, col = node.start_mark.line, node.start_mark.column
    if node.id == "mapping":
        if maps and not node.value:
            found = maps.pop((line, col), None)
            if found is not None:
                if depth + 1 > _MAX_DEPTH:
                    raise _Slow("deep")
                assert budget is not None
                budget[0] -= found[1] - 1
                if budget[0] < 0:
                    raise _Slow("too many nodes")
                return found[0]
        m = CommentedMap()
        m._yaml_set_line_col(line, col)
        lc = m.lc
        for k, v in node.value:
            if k.id != "scalar" or k.tag == "tag:yaml.org,2002:merge":
                raise _Slow("key")
            if budget is not None:
                budget[0] -= 1  # the key's node
            key = scalar(k)
            if key in m:
                raise _Slow("duplicate key")
            m[key] = _from_node(v, scalar, depth + 1, resolved, budget, maps)
            lc.add_kv_line_col(key, [k.start_mark.line, k.start_mark.column, v.start_mark.line, v.start_mark.column])
        return m
    if node.id == "sequence":
        seq = CommentedSeq()
        seq._yaml_set_line_col(line, col)
        lc = seq.lc
        for i, item in enumerate(node.value):
            seq.append(_from_node(item, scalar, depth + 1, resolved, budget, maps))
            lc.add_kv_line_col(i, [item.start_mark.line, item.start_mark.column])
        return seq
    return scalar(node)


def read_yaml(text: str, node_bound: int = DEFAULT_LIMITS.yaml_nodes) -> Any:
    """A claim file's YAML as the loader reads it: round-trip (every value knows its place), with
    libyaml when it can (:func:`_fast_load`), at most ``node_bound`` nodes once aliases are expanded.

    Raises:
        YAMLError: what ruamel.yaml raises on text that is no YAML; :class:`TooManyNodes` past
            the bound. Its warnings (a duplicate key) go where the caller's filter sends them.
    """
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Composer = _Composer
    yaml.composer.node_bound = node_bound
    data = _fast_load(text, yaml, node_bound)
    return yaml.load(text) if data is _SLOW else data
