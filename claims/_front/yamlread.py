"""Stage *load*: the YAML of a claim file, every value with its place.

:func:`read_yaml` is ruamel.yaml's round-trip loader (every mapping and list
knows where its keys and values are written), with libyaml's parser when it
can, an anchor defined twice refused, the nodes counted with every alias
expanded up to ``Limits.yaml_nodes``, and an impossible date kept as text.
What the fields mean is :mod:`claims._front.claimfile`'s business.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

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
    """
    if any(ch in text.replace("\r\n", "\n") for ch in _OTHER_BREAKS):
        return _SLOW  # libyaml counts these as line breaks; our places count only '\n'
    try:
        node = YAML(typ="safe", pure=False).compose(text)
    except Exception:  # noqa: BLE001 - any trouble: the reference loader decides and reports
        return _SLOW
    if node is None:
        return None
    constructor = rt.constructor
    try:
        _count_nodes(node, node_bound, {})
        return _from_node(node, constructor)
    except (_Slow, RecursionError):
        return _SLOW


_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
_MAX_DEPTH = 64  # deeper nesting is no claim file: the reference loader reports it


def _count_nodes(node: Any, bound: int, seen: dict[int, int], depth: int = 0) -> int:
    """The nodes of ``node``'s tree, each alias (a node met again) counted in full; ``_Slow`` past ``bound``.

    Each node is walked once (what it counts is remembered), so this takes the
    time of the file, not of its expansion.
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
    if isinstance(node, MappingNode):
        for k, v in node.value:
            n += _count_nodes(k, bound, seen, depth + 1) + _count_nodes(v, bound, seen, depth + 1)
            if n > bound:
                raise _Slow("too many nodes")
    elif isinstance(node, SequenceNode):
        for item in node.value:
            n += _count_nodes(item, bound, seen, depth + 1)
            if n > bound:
                raise _Slow("too many nodes")
    seen[id(node)] = n
    return n


def _from_node(node: Any, constructor: Any, depth: int = 0) -> Any:
    if node.tag not in _PLAIN_TAGS or depth > _MAX_DEPTH:
        raise _Slow(node.tag)
    line, col = node.start_mark.line, node.start_mark.column
    if isinstance(node, MappingNode):
        m = CommentedMap()
        m._yaml_set_line_col(line, col)
        for k, v in node.value:
            if not isinstance(k, ScalarNode) or k.tag == "tag:yaml.org,2002:merge":
                raise _Slow("key")
            key = constructor.construct_object(k, deep=True)
            if key in m:
                raise _Slow("duplicate key")
            m[key] = _from_node(v, constructor, depth + 1)
            m.lc.add_kv_line_col(key, [k.start_mark.line, k.start_mark.column, v.start_mark.line, v.start_mark.column])
        return m
    if isinstance(node, SequenceNode):
        seq = CommentedSeq()
        seq._yaml_set_line_col(line, col)
        for i, item in enumerate(node.value):
            seq.append(_from_node(item, constructor, depth + 1))
            seq.lc.add_kv_line_col(i, [item.start_mark.line, item.start_mark.column])
        return seq
    return constructor.construct_object(node, deep=True)


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
