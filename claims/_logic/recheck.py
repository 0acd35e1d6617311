"""Encode and partition again only what an edit touched, from a record of the last run.

A re-check after a one-claim edit used to encode every claim, group every
unit into components and digest every component again. Each claim's unit
(``claims._logic.encode``) is a function of a few things: its kind, its
template, its interval (when it is timed) and the dataset's relevant days
``D``; the partition groups units by the nodes they share (their atoms, and
the sorts of the dataset's bounded set ``B`` they mention:
:func:`~claims._logic.partition.nodes_of`). So the last run leaves a
:class:`Record` (in the result cache's folder, sealed like its pack):

* the *context*: a digest of ``D``, ``B``, the rules' pieces (their
  templates, which fix every rule unit given ``D``), the limits and the engine;
* each claim's *key*: a digest of its kind, template and, when timed, its
  interval (:func:`claim_key`), and how many instances it made;
* every group of units (the connected components of the sharing graph, rules
  alone included): its claims (by index), its rule units ``(rule, piece,
  day)``, its nodes, and the component's ``shape`` (``""`` for rules alone).

A re-check (:func:`outline`) computes the templates, ``D``, ``B``, the rules'
pieces and every key (cheap: no unit is made), and when the context is the
record's, pairs the claims with the record's by key (equal keys first with
first). A group is *kept* when every claim of it is paired, none of its nodes
is a node of an *added* claim's unit (one paired with none), and its claims
keep their order; every other group is *dirty*: its paired claims, its rule
units and the added claims are encoded again (:class:`~claims._logic.encode.UnitWriter`)
and grouped again (:func:`~claims._logic.partition.groups`).

Why this is what :func:`~claims._logic.partition.partition` of
:func:`~claims._logic.encode.encode` gives. Equal keys under an equal
context mean equal units: a unit is made from the kind, the template, the
claim's days (its interval cut from ``D``) and, for a rule, its piece and
day, and nothing else (the claim's index is only its literal's name). So the
units of this run are those of the record's claims paired, plus the added
claims', with the same rule units (same pieces, same ``D``), and each unit
has the same nodes (same ``B``). A kept group is a connected component of
this run's graph too: its units are all still there, so it stays connected;
a node of it is shared by no other unit, since the record's groups share no
node (they are components), the unpaired claims of the record are gone, and
no added unit has one. The dirty groups' units and the added ones are the
rest of the units, so their components, computed again, are the rest of the
components. A kept group's component holds its claims under their new
indices; as they keep their order, every claim keeps its place among the
component's claims, and its script up to the numbering of claims, its
``shape``, is the same (it is a digest of the declarations and, in order,
of each unit's kind, place and text). Components come in the order of their
first claim, as :func:`~claims._logic.partition.outlines` sorts them. A kept
component has no script here (``units`` empty): its result comes from the
result cache, by the same key the full computation would use (made from
its claims' kinds, rules and shape); one the cache does not hold sends the
caller back to the full computation (:func:`outline` with no record).

The too-large check of :func:`encode` is kept: the instances of a paired
claim are the record's count (a function of its key and ``D``), an added
claim's are counted, and over the limit the full computation runs and
reports it. Everything the record holds came from this engine (sealed with
this user's key, same engine version, same format); one that does not
verify, parse or fit (an index out of range, a claim in two groups, a rule
unit this run does not have) is ignored: the full computation runs, and
writes a new one.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import marshal
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from claims._base.files import write_atomic
from claims._base.limits import Limits
from claims._base.read import CACHE_FILE_BYTES, read_regular
from claims._base.sign import seal, unseal, user_key
from claims._front.model import Claim, Dataset, Template
from claims._logic.cache import engine_version
from claims._logic.encode import (
    Encoded,
    Encoder,
    RuleInstance,
    UnitWriter,
    claim_days,
    claim_templates,
    encode_with,
    relevant_days,
    rule_instances,
    rule_templates,
)
from claims._logic.partition import Component, bounded_of, groups, nodes_of, outlines

FORMAT = 1
RECORD = "last-run.pack"
_MAGIC = b"claims-last-run\n"


def claim_key(c: Claim, t: Template) -> str:
    """What the unit of ``c`` (of template ``t``) is made of besides the relevant days, as a digest.

    Its kind, the template's fields that make the unit (all but the lint's
    ``uses``) and, when the template is timed, the interval (which of the
    relevant days it holds on). ``marshal`` version 2 writes no references,
    so the bytes are a function of the values.
    """
    interval = (c.interval[0].toordinal(), c.interval[1].toordinal()) if t.timed else None
    data = (c.kind, t.timed, t.explicit, t.smt, t.atoms, t.sort_decls, t.bounds, interval)
    return hashlib.blake2b(marshal.dumps(data, 2), digest_size=16).hexdigest()


_KEY_CHARS = 32


@attrs.frozen
class Group:
    """A connected component of the last run's units: claims (indices), rule units, nodes, component shape."""

    claims: tuple[int, ...]
    rules: tuple[RuleInstance, ...]
    nodes: tuple[str, ...]
    shape: str  # "" when it holds no claim


@attrs.frozen
class Record:
    """What :func:`outline` keeps of a run for the next (see the module docstring)."""

    context: str
    keys: tuple[str, ...]
    counts: tuple[int, ...]
    groups: tuple[Group, ...]


@attrs.frozen
class Outline:
    """The encoding and the components of a dataset (scripts unwritten), and what it keeps for the next run.

    ``kept``: components taken from the record, with no units (``units`` is
    empty): their results must come from the result cache.
    """

    enc: Encoded
    comps: list[Component]
    record: Record
    kept: int
    changed: bool  # the record differs from the one read


class LastRun:
    """The record of the last run, in ``directory`` (the result cache's folder), sealed with this user's key."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self._key = user_key()
        self.path = Path(directory) / RECORD
        self.ignored = 0  # records that did not verify or did not parse

    def read(self) -> Record | None:
        """The record on disk; None when there is none, or it is damaged, foreign or of another engine."""
        if self._key is None:
            return None
        try:
            data = read_regular(self.path, CACHE_FILE_BYTES)
        except OSError:
            return None
        payload = unseal(self._key, _MAGIC, data)
        try:
            if payload is None:
                raise ValueError("not sealed by this user")
            return _decode(json.loads(payload))
        except (ValueError, TypeError, KeyError, IndexError):
            self.ignored += 1
            return None

    def write(self, record: Record) -> None:
        if self._key is None:
            return
        doc = {
            "format": FORMAT,
            "engine": engine_version(),
            "context": record.context,
            "keys": "".join(record.keys),
            "counts": list(record.counts),
            "groups": [[list(g.claims), [list(r) for r in g.rules], list(g.nodes), g.shape] for g in record.groups],
        }
        try:  # for this user only; a lost record costs a full encode and partition
            text = json.dumps(doc, separators=(",", ":")).encode("utf-8")
            write_atomic(self.path, seal(self._key, _MAGIC, text), mode=0o600, durable=False)
        except OSError:
            pass


def _decode(doc: Any) -> Record:
    """A record from its JSON; ValueError (or TypeError, KeyError, IndexError) when it is not one of this engine."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("engine") != engine_version():
        raise ValueError("another engine's record")
    keys_text, counts, context = doc["keys"], doc["counts"], doc["context"]
    if not isinstance(keys_text, str) or len(keys_text) % _KEY_CHARS or not isinstance(context, str):
        raise ValueError("damaged")
    keys = tuple(keys_text[k : k + _KEY_CHARS] for k in range(0, len(keys_text), _KEY_CHARS))
    if not isinstance(counts, list) or len(counts) != len(keys) or not all(type(n) is int for n in counts):
        raise ValueError("damaged")
    out = []
    seen = [False] * len(keys)
    for claims, rules, nodes, shape in doc["groups"]:
        if not (isinstance(claims, list) and isinstance(rules, list) and isinstance(nodes, list)):
            raise ValueError("damaged")
        if not all(type(i) is int and 0 <= i < len(keys) and not seen[i] for i in claims):
            raise ValueError("a claim out of range or in two groups")
        for i in claims:
            seen[i] = True
        rule_units = tuple((int(j), int(p), None if d is None else int(d)) for j, p, d in rules)
        if not all(isinstance(n, str) for n in nodes) or not isinstance(shape, str) or bool(claims) != bool(shape):
            raise ValueError("damaged")
        out.append(Group(tuple(claims), rule_units, tuple(nodes), shape))
    if not all(seen):
        raise ValueError("a claim in no group")
    return Record(context, keys, tuple(counts), tuple(out))


def outline(ds: Dataset, *, limits: Limits, last: Record | None) -> Outline:
    """The encoding and components of ``ds`` (no scripts), from ``last`` where the edit left it valid.

    The components are those of ``partition(encode(ds), scripts=False)``
    (see the module docstring), except that a kept one has no units. Raises
    what :func:`~claims._logic.encode.encode` raises.
    """
    enc = Encoder(ds, limits=limits)
    templates = claim_templates(ds, enc)
    days = relevant_days(ds, templates)
    pieces = rule_templates(ds, enc)
    keys = tuple(claim_key(c, t) for c, t in zip(ds.claims, templates, strict=True))
    bounded = frozenset().union(*(t.bounds for t in templates), *(t.bounds for ps in pieces for t in ps))
    context = _context(days, bounded, pieces, limits)
    if last is not None and last.context == context:
        made = _incremental(ds, enc, templates, keys, days, pieces, bounded, last, limits)
        if made is not None:
            return made
    full = encode_with(ds, enc, templates, days, pieces, limits)
    assert bounded == bounded_of(full.units)
    members = groups(full.units, bounded)
    comps = outlines(full, members, scripts=False)
    counts = tuple(len(claim_days(c, t, days)) for c, t in zip(ds.claims, templates, strict=True))
    record = Record(context, keys, counts, tuple(_groups_of(full, members, comps, bounded)))
    return Outline(full, comps, record, 0, True)


def _context(days: Sequence[int], bounded: frozenset[str], pieces: Sequence[Sequence[Template]], limits: Limits) -> str:
    """What every unit depends on besides its own claim: the relevant days, the bounded sorts, the rules."""
    rules = tuple(tuple(tuple(t) for t in ps) for ps in pieces)
    data: Any = (engine_version(), tuple(days), tuple(sorted(bounded)), rules, repr(limits))
    return hashlib.sha256(marshal.dumps(data, 2)).hexdigest()


def _groups_of(
    enc: Encoded, members: Sequence[Sequence[int]], comps: Sequence[Component], bounded: frozenset[str]
) -> list[Group]:
    """The record's groups of the units ``members`` of ``enc`` (whose components, as outlined, are ``comps``)."""
    shape = {c.units[0]: c.shape for c in comps}
    out = []
    rule_at = dict(zip(range(len(enc.units) - len(enc.rules), len(enc.units)), enc.rules, strict=True))
    for group in members:
        units = [enc.units[k] for k in group]
        nodes: set[str] = set()
        for u in units:
            nodes.update(nodes_of(u, bounded))
        out.append(
            Group(
                tuple(u.index for u in units if u.kind != "rule"),
                tuple(rule_at[k] for k in group if k in rule_at),
                tuple(sorted(nodes)),
                shape.get(group[0], ""),
            )
        )
    return out


def _incremental(
    ds: Dataset,
    enc: Encoder,
    templates: Sequence[Template],
    keys: Sequence[str],
    days: Sequence[int],
    pieces: Sequence[Sequence[Template]],
    bounded: frozenset[str],
    last: Record,
    limits: Limits,
) -> Outline | None:
    """The outline from ``last`` (same context), or None when the full computation must run."""
    n = len(keys)
    same = tuple(keys) == last.keys
    # pair this run's claims with the record's by key, equal keys in order
    new_of_old: list[int] = list(range(n)) if same else [-1] * len(last.keys)
    added: list[int] = []
    if not same:
        free: dict[str, list[int]] = {}
        for o in range(len(last.keys) - 1, -1, -1):
            free.setdefault(last.keys[o], []).append(o)
        for i, k in enumerate(keys):
            olds = free.get(k)
            if olds:
                new_of_old[olds.pop()] = i
            else:
                added.append(i)
    removed = [o for o, i in enumerate(new_of_old) if i < 0]
    counts = [0] * n
    for o, i in enumerate(new_of_old):
        if i >= 0:
            counts[i] = last.counts[o]
    for i in added:
        counts[i] = len(claim_days(ds.claims[i], templates[i], days))
    rules = rule_instances(pieces, days)
    if sum(counts) + len(rules) > limits.instances:
        return None  # the full computation says which claim, as encode does
    group_of = [0] * len(last.keys)
    for g, grp in enumerate(last.groups):
        for o in grp.claims:
            group_of[o] = g
    dirty = {group_of[o] for o in removed}
    writer = UnitWriter(enc)
    for i in added:
        writer.add(_kind(ds.claims[i]), i, templates[i], claim_days(ds.claims[i], templates[i], days))
    if added:
        node_group = {x: g for g, grp in enumerate(last.groups) for x in grp.nodes}
        for u in writer.units:
            dirty.update(node_group[x] for x in nodes_of(u, bounded) if x in node_group)
    kept: list[tuple[int, Group]] = []
    for g, grp in enumerate(last.groups):
        if g in dirty:
            continue
        mapped = tuple(new_of_old[o] for o in grp.claims)
        if any(a >= b for a, b in itertools.pairwise(mapped)):
            dirty.add(g)  # its claims changed order: its shape may change
        else:
            kept.append((g, attrs.evolve(grp, claims=mapped)))
    # the dirty groups and the added claims, encoded and grouped again
    again = sorted([*added, *(i for g in dirty for o in last.groups[g].claims if (i := new_of_old[o]) >= 0)])
    redo_rules = sorted({r for g in dirty for r in last.groups[g].rules}, key=lambda r: (r[0], r[1], r[2] or 0))
    known = set(rules) if redo_rules else set()
    if not all(r in known for r in redo_rules):
        return None  # a rule unit this run does not have: not a record of this context
    writer = UnitWriter(enc)
    for i in again:
        writer.add(_kind(ds.claims[i]), i, templates[i], claim_days(ds.claims[i], templates[i], days))
    for j, p, d in redo_rules:
        writer.add("rule", j, pieces[j][p], [d])
    part = writer.encoded(days, redo_rules)
    members = groups(part.units, bounded)
    fresh = outlines(part, members, scripts=False)
    comps = [(min((*c.claims, *c.conclusions)), c) for c in fresh]
    for _, grp in kept:
        if grp.shape:
            comps.append((min(grp.claims), _kept_component(ds, grp)))
    comps.sort(key=lambda p: p[0])
    record = Record(
        last.context,
        tuple(keys),
        tuple(counts),
        (*(grp for _, grp in kept), *_groups_of(part, members, fresh, bounded)),
    )
    changed = not same or bool(dirty)
    return Outline(part, [c for _, c in comps], record, sum(1 for _, grp in kept if grp.shape), changed)


def _kind(c: Claim) -> str:
    return "conclusion" if c.kind == "conclusion" else "claim"


def _kept_component(ds: Dataset, grp: Group) -> Component:
    """The outline of a kept group's component, without units: what the result cache needs to find its result."""
    return Component(
        claims=tuple(i for i in grp.claims if ds.claims[i].kind != "conclusion"),
        conclusions=tuple(i for i in grp.claims if ds.claims[i].kind == "conclusion"),
        rules=tuple(sorted({j for j, _, _ in grp.rules})),
        smt="",
        atoms=(),
        digest="",
        shape=grp.shape,
        units=(),
    )
