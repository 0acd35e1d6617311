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
  templates, which fix every rule unit given ``D``), the limits, the solver
  options and the engine;
* each claim's *key*: its kind, a digest of its template and, when timed,
  its interval (:func:`claim_keys`), and how many instances it made;
* every group of units (the connected components of the sharing graph, rules
  alone included): its claims (by index), its rule units ``(rule, piece,
  day)``, its nodes, and the component's ``shape`` and result-cache key
  (``""`` for rules alone).

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
result cache, by the key the record keeps, which is the one the full
computation would make (:func:`~claims._logic.cache.component_key`: the
engine, the options, which of its claims are facts or conclusions, its rules
and its shape, all unchanged: a claim's kind is part of its key). One the
cache does not hold sends the caller back to the full computation
(:func:`outline` with no record).

After the solving, each group is marked with what its component was found
(:func:`settled`): *quiet* (consistent, complete, no conclusion, nothing
near: :func:`quiet`), with the solver checks it took, or not. A kept quiet
group makes no component: its result is the one kept under its key, and
the report of a quiet component adds only itself and its checks to the
counts (``assemble_report``'s ``quiet``). Most components of a large
dataset are quiet (24,500 of 26,895 at 100,000 claims), so a re-check
makes and looks up only the others.

Nothing above asks that the record be the last run's: any record this
engine wrote serves, the groups an edit since touched being made again. So
a run writes its record only when it drifted from the one it started from
by more than one group in a thousand (:func:`worth_writing`): a one-claim
edit of 100,000 claims leaves the record on disk as it was.

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

import bisect
import hashlib
import itertools
import marshal
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import attrs

from claims._base.files import write_atomic
from claims._base.limits import Limits
from claims._base.read import CACHE_FILE_BYTES, read_regular
from claims._base.sign import seal, unseal, user_key
from claims._front.model import ROW, Claim, Dataset, Row, Template, claim_key, rows, template_key
from claims._logic.cache import component_key, engine_version
from claims._logic.encode import (
    Encoded,
    Encoder,
    RuleInstance,
    Templates,
    UnitWriter,
    claim_days,
    claim_templates,
    encode_with,
    relates_days_anywhere,
    relevant_days,
    rule_instances,
    rule_templates,
)
from claims._logic.partition import Component, groups, nodes_of, outlines
from claims._logic.solve import ComponentResult, Options

FORMAT = 2
RECORD = "last-run.pack"
_MAGIC = b"claims-last-run\n"


def claim_keys(claims: Sequence[Claim], templates: Templates) -> tuple[str, ...]:
    """The key of each claim (:func:`~claims._front.model.claim_key`): what its unit is made of besides the days.

    A claim whose template the loader kept comes with its key
    (``templates.keys``, :data:`~claims._front.model.Kept`): made of that
    very claim and template when they were kept, so it is used as it is, and
    the template is not read. For the others, one template digest per
    template object.
    """
    if "" not in templates.keys:  # a load through the file cache: every key kept
        return tuple(templates.keys)
    made: dict[int, str] = {}
    out = []
    for i, (c, timed, kept) in enumerate(zip(claims, templates.timed, templates.keys, strict=True)):
        if kept:
            out.append(kept)
            continue
        t = templates[i]
        out.append(claim_key(c, timed, made.get(id(t)) or made.setdefault(id(t), template_key(t))))
    return tuple(out)


class Group(NamedTuple):
    """A connected component of the last run's units: claims (indices), rule units, nodes, component shape and key.

    ``nodes`` are written one a line (:func:`~claims._logic.partition.nodes_of`:
    an atom is a quoted SMT symbol, which holds no line break, or ``sort S``
    for a sort's name, which holds none either): one string is read much
    faster than many, and they are needed only when a claim is added.
    ``shape`` and ``key`` (the result cache's, :func:`~claims._logic.cache.component_key`)
    are ``""`` when it holds no claim. ``quiet``: when its component was
    solved and found *quiet* (:func:`quiet`: consistent, complete, no
    conclusion, nothing near), the solver checks that took, else -1.
    """

    claims: tuple[int, ...]
    rules: tuple[RuleInstance, ...]
    nodes: str
    shape: str
    key: str
    quiet: int = -1


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
    empty): their results must come from the result cache. ``keys``: each
    component's result-cache key. Without a record to keep (``keep=False``
    for :func:`outline`), neither keys nor record are made.
    """

    enc: Encoded
    comps: list[Component]
    keys: list[str] | None
    record: Record | None
    kept: int
    quiet: tuple[Group, ...] = ()  # kept groups known quiet: no component made, no result asked for (see quiet)


class LastRun:
    """The record of the last run, in ``directory`` (the result cache's folder), sealed with this user's key.

    Written with ``marshal`` (plain tuples, strings and numbers: a tenth of
    the time of JSON for 100,000 claims), inside the seal: only what this
    user's engine wrote is ever unmarshalled, and what it holds is checked
    (types, every claim in one group) before use.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self._key = user_key()
        self.path = Path(directory) / RECORD
        self.ignored = 0  # records that did not verify, did not parse, or are another engine's

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
            return _decode(marshal.loads(payload))
        except (ValueError, TypeError, KeyError, IndexError, EOFError):
            self.ignored += 1
            return None

    def write(self, record: Record) -> None:
        if self._key is None:
            return
        doc: Any = (
            FORMAT,
            engine_version(),
            record.context,
            record.keys,
            record.counts,
            tuple(tuple(g) for g in record.groups),
        )
        try:  # for this user only; a lost record costs a full encode and partition
            write_atomic(self.path, seal(self._key, _MAGIC, marshal.dumps(doc, 4)), mode=0o600, durable=False)
        except OSError:
            pass


def _decode(doc: Any) -> Record:
    """A record from what :meth:`LastRun.write` wrote; ValueError (or TypeError, ...) when it is not one."""
    if type(doc) is not tuple or len(doc) != 6 or doc[0] != FORMAT or doc[1] != engine_version():
        raise ValueError("another engine's record")
    _, _, context, keys, counts, groups = doc
    if type(keys) is not tuple or {type(k) for k in keys} - {str} or type(context) is not str:
        raise ValueError("damaged")
    if type(counts) is not tuple or len(counts) != len(keys) or {type(n) for n in counts} - {int}:
        raise ValueError("damaged")
    if type(groups) is not tuple:
        raise ValueError("damaged")
    out = []
    for g in groups:
        claims, rules, nodes, shape, key, checks = g
        if type(claims) is not tuple or type(nodes) is not str or type(rules) is not tuple:
            raise ValueError("damaged")
        if type(shape) is not str or type(key) is not str or bool(claims) != bool(shape) or bool(key) != bool(shape):
            raise ValueError("damaged")
        if type(checks) is not int or checks < -1 or (checks >= 0 and not shape):
            raise ValueError("damaged")
        for r in rules:
            if type(r) is not tuple or len(r) != 3 or {type(r[0]), type(r[1])} != {int} or type(r[2]) not in _DAY:
                raise ValueError("damaged")
        out.append(_GROUP(Group, g))  # Group(*g) without its __new__ in Python: 34,000 groups at 100k
    every = list(itertools.chain.from_iterable(g.claims for g in out))
    if {type(i) for i in every} - {int} or sorted(every) != list(range(len(keys))):
        raise ValueError("a claim in no group, or in two")
    return Record(context, keys, counts, tuple(out))


_DAY = (int, type(None))
_GROUP = tuple.__new__


def outline(
    ds: Dataset, *, limits: Limits, opts: Options, facts: frozenset[int], last: Record | None, keep: bool = True
) -> Outline:
    """The encoding and components of ``ds`` (no scripts), from ``last`` where the edit left it valid.

    The components are those of ``partition(encode(ds), scripts=False)``
    (see the module docstring), except that a kept one has no units; with
    each, its key in the result cache for ``facts`` and ``opts``, and the
    record for the next run (``keep=False``, when there is nowhere to keep
    it: neither, and no record is read). Raises what
    :func:`~claims._logic.encode.encode` raises.
    """
    enc = Encoder(ds, limits=limits)
    templates = claim_templates(ds, enc)
    days = relevant_days(ds, templates)
    pieces = rule_templates(ds, enc)
    bounded = frozenset().union(*templates.bounds, *(t.bounds for ps in pieces for t in ps))
    if not keep or relates_days_anywhere(templates, pieces):  # the timeline's days depend on every claim
        full = encode_with(ds, enc, templates, days, pieces, limits)
        return Outline(full, outlines(full, groups(full.units, bounded), scripts=False), None, None, 0)
    keys = claim_keys(ds.claims, templates)
    context = _context(days, bounded, pieces, limits, opts)
    if last is not None and last.context == context:
        made = _incremental(ds, enc, templates, keys, days, pieces, bounded, last, limits, facts, opts)
        if made is not None:
            return made
    full = encode_with(ds, enc, templates, days, pieces, limits)
    members = groups(full.units, bounded)
    comps = outlines(full, members, scripts=False)
    comp_keys = [component_key(c, facts, opts) for c in comps]
    counts = tuple(len(claim_days(c, timed, days)) for c, timed in zip(ds.claims, templates.timed, strict=True))
    record = Record(context, keys, counts, tuple(_groups_of(full, members, comps, comp_keys, bounded)))
    return Outline(full, comps, comp_keys, record, 0)


def _context(
    days: Sequence[int], bounded: frozenset[str], pieces: Sequence[Sequence[Template]], limits: Limits, opts: Options
) -> str:
    """What every unit and result key depends on besides its claims: days, bounded sorts, rules, limits, options."""
    rules = tuple(tuple(tuple(t) for t in ps) for ps in pieces)
    data: Any = (engine_version(), tuple(days), tuple(sorted(bounded)), rules, repr(limits), repr(opts))
    return hashlib.sha256(marshal.dumps(data, 2)).hexdigest()


def _groups_of(
    enc: Encoded,
    members: Sequence[Sequence[int]],
    comps: Sequence[Component],
    comp_keys: Sequence[str],
    bounded: frozenset[str],
) -> list[Group]:
    """The record's groups of the units ``members`` of ``enc`` (whose components, as outlined, are ``comps``)."""
    made = {c.units[0]: (c.shape, k) for c, k in zip(comps, comp_keys, strict=True)}
    out = []
    rule_at = dict(zip(range(len(enc.units) - len(enc.rules), len(enc.units)), enc.rules, strict=True))
    for group in members:
        units = [enc.units[k] for k in group]
        nodes: set[str] = set()
        for u in units:
            nodes.update(nodes_of(u, bounded))
        shape, key = made.get(group[0], ("", ""))
        out.append(
            Group(
                tuple(u.index for u in units if u.kind != "rule"),
                tuple(rule_at[k] for k in group if k in rule_at),
                "\n".join(sorted(nodes)),
                shape,
                key,
            )
        )
    return out


class Pairs(NamedTuple):
    """The claims of this run paired with the last run's (:func:`_pairs`)."""

    new_of_old: list[int]  # each old claim's partner among this run's (-1: none)
    added: list[int]  # this run's claims paired with none
    off: list[int]  # the old claims not paired with the claim at their own place (in order)


def _pairs(keys: Sequence[str], old: Sequence[str]) -> Pairs:
    """Each old claim's partner among ``keys`` (-1: none), the claims of ``keys`` with none (added), and the
    old claims whose partner is not at their own place.

    Equal keys are paired in order. Claims at the same place with the same
    key are paired first: the common case of an edit that keeps the number
    of claims pairs every unchanged claim with itself, and only the few
    claims whose keys differ are looked at again (a claim whose key differs
    from its old one is never paired with it: ``off`` holds just those).
    """
    if len(keys) == len(old):
        differ = [i for i, (a, b) in enumerate(zip(keys, old, strict=True)) if a != b]
        if not differ:
            return Pairs(list(range(len(keys))), [], [])
        new_of_old = list(range(len(keys)))
        for i in differ:
            new_of_old[i] = -1
        sub_new, sub_old = _pairs_by_key([keys[i] for i in differ], [old[i] for i in differ])
        for o, i in enumerate(sub_new):
            if i >= 0:
                new_of_old[differ[o]] = differ[i]
        return Pairs(new_of_old, [differ[i] for i in sub_old], differ)
    new_of_old, added = _pairs_by_key(keys, old)
    return Pairs(new_of_old, added, [o for o, i in enumerate(new_of_old) if i != o])


def _pairs_by_key(keys: Sequence[str], old: Sequence[str]) -> tuple[list[int], list[int]]:
    new_of_old = [-1] * len(old)
    added: list[int] = []
    free: dict[str, list[int]] = {}
    for o in range(len(old) - 1, -1, -1):
        free.setdefault(old[o], []).append(o)
    for i, k in enumerate(keys):
        olds = free.get(k)
        if olds:
            new_of_old[olds.pop()] = i
        else:
            added.append(i)
    return new_of_old, added


def _incremental(
    ds: Dataset,
    enc: Encoder,
    templates: Templates,
    keys: Sequence[str],
    days: Sequence[int],
    pieces: Sequence[Sequence[Template]],
    bounded: frozenset[str],
    last: Record,
    limits: Limits,
    facts: frozenset[int],
    opts: Options,
) -> Outline | None:
    """The outline from ``last`` (same context), or None when the full computation must run."""
    n = len(keys)
    new_of_old, added, off = _pairs(keys, last.keys)
    removed = [o for o in off if new_of_old[o] < 0]
    # each claim's count is its partner's: the old counts where the claims kept their places
    counts = list(last.counts) if n == len(last.keys) else [0] * n
    for o in off if n == len(last.keys) else range(len(new_of_old)):
        if new_of_old[o] >= 0:
            counts[new_of_old[o]] = last.counts[o]
    for i in added:
        counts[i] = len(claim_days(ds.claims[i], templates.timed[i], days))
    rules = rule_instances(pieces, days)
    if sum(counts) + len(rules) > limits.instances:
        return None  # the full computation says which claim, as encode does
    dirty: set[int] = set()
    if removed:
        gone = frozenset(removed)
        dirty.update(g for g, grp in enumerate(last.groups) if not gone.isdisjoint(grp.claims))
    writer = UnitWriter(enc)
    for i in added:
        writer.add(_kind(ds.claims[i]), i, templates[i], claim_days(ds.claims[i], templates.timed[i], days))
    if added:
        dirty.update(holding(last.groups, [x for u in writer.units for x in nodes_of(u, bounded)]))
    moved = any(new_of_old[o] >= 0 for o in off)  # a kept claim at another place
    kept: list[Group] = []
    for g, grp in enumerate(last.groups):
        if g in dirty:
            continue
        if moved:
            mapped = tuple(new_of_old[o] for o in grp.claims)
            if any(a >= b for a, b in itertools.pairwise(mapped)):
                dirty.add(g)  # its claims changed order: its shape may change
            else:
                kept.append(grp._replace(claims=mapped))
            continue
        kept.append(grp)
    # the dirty groups and the added claims, encoded and grouped again
    again = sorted([*added, *(i for g in dirty for o in last.groups[g].claims if (i := new_of_old[o]) >= 0)])
    redo_rules = sorted({r for g in dirty for r in last.groups[g].rules}, key=lambda r: (r[0], r[1], r[2] or 0))
    known = set(rules) if redo_rules else set()
    if not all(r in known for r in redo_rules):
        return None  # a rule unit this run does not have: not a record of this context
    writer = UnitWriter(enc)
    for i in again:
        writer.add(_kind(ds.claims[i]), i, templates[i], claim_days(ds.claims[i], templates.timed[i], days))
    for j, p, d in redo_rules:
        writer.add("rule", j, pieces[j][p], [d])
    part = writer.encoded(days, redo_rules)
    members = groups(part.units, bounded)
    fresh = outlines(part, members, scripts=False)
    fresh_keys = [component_key(c, facts, opts) for c in fresh]
    comps = [(min((*c.claims, *c.conclusions)), c, k) for c, k in zip(fresh, fresh_keys, strict=True)]
    every = rows(ds)
    comps += [(grp.claims[0], _kept_component(grp, every), grp.key) for grp in kept if grp.shape and grp.quiet < 0]
    comps.sort(key=lambda p: p[0])
    record = Record(
        last.context,
        tuple(keys),
        tuple(counts),
        (*kept, *_groups_of(part, members, fresh, fresh_keys, bounded)),
    )
    return Outline(
        part,
        [c for _, c, _ in comps],
        [k for _, _, k in comps],
        record,
        len(comps) - len(fresh),
        tuple(grp for grp in kept if grp.quiet >= 0),
    )


def quiet(res: ComponentResult) -> bool:
    """Whether a result says nothing but that its component is consistent: complete, no contradiction, no
    conclusion, nothing near (the result the report of such a component adds nothing for, but its count).

    A kept group whose component was found quiet (:func:`settled`) needs no
    component and no result from the cache on a re-check: its key is the one
    its result was kept under (the result cache's answer for it is this very
    result, as a key fixes its result), and the report of a quiet component
    adds only the component itself and its solver checks to the counts,
    which the group keeps (``Group.quiet``).
    """
    return (
        res.complete
        and not res.truncated
        and res.unknown_reason is None
        and not (res.muses or res.verdicts or res.conflicts or res.tolerant or res.near or res.premise_repairs)
    )


def settled(record: Record, keys: Sequence[str], results: Sequence[ComponentResult]) -> Record:
    """``record`` with each group whose component has one of ``keys`` marked quiet or not, by its result.

    ``keys`` and ``results``: the result-cache keys of the components of a
    run and their results. A group whose key is not among them (a quiet one
    this run did not ask for) keeps its mark; equal keys give equal results.
    """
    by_key = {k: (r.checks if quiet(r) else -1) for k, r in zip(keys, results, strict=True)}
    if not by_key:
        return record
    groups = tuple(
        g if not g.shape or by_key.get(g.key, g.quiet) == g.quiet else g._replace(quiet=by_key[g.key])
        for g in record.groups
    )  # a group whose mark stands is the same object (see worth_writing)
    return attrs.evolve(record, groups=groups)


DRIFT_PER_WRITE = 1000
"""A run writes its record when more than one of this many of its groups are not the record's it started from."""


def worth_writing(record: Record, read: Record | None) -> tuple[bool, tuple[Group, ...]]:
    """Whether a run's ``record`` is to replace ``read`` (the record the run started from) on disk; and, when
    not, the groups of ``read`` this run did not keep (their results are to be kept in the result cache).

    Any record this engine wrote is one a re-check may start from, however
    many runs ago it was written: nothing in the argument of the module
    docstring asks that the record be the last run's. A claim is paired with
    the record's by its key, whatever the record's age; a claim the record
    does not know, or knows under another key, is an added one, and its
    group and the groups it touches are made again, as after any edit; a
    group the record keeps is a component of the units of the claims it
    holds, with the key and mark of its result, whichever run wrote it. An
    older record costs a re-check only the groups it must make again (about
    0.3 ms a group: encoded, grouped, keyed, looked up), where writing the
    record costs about 2.5 µs a group, for every group (0.08 s at 100,000
    claims). So a run writes its record only when more than one group in
    :data:`DRIFT_PER_WRITE` are not the very objects of the record read
    (groups made again, or with claims at new places, or marked anew by
    :func:`settled`): a one-claim edit of 100,000 claims writes none, and a
    later run that differs from the record written by 34 groups or more
    writes it. A run that starts from no record (none, another context, or the
    full computation) always writes its own.

    A record that is not written keeps on disk the groups this run did not
    keep, whose results no run may ask for for a while: they are kept in the
    result cache as if this run had used them, so that a run that undoes the
    edit finds them there (:meth:`~claims._logic.cache.ResultCache.keep`).
    """
    if read is None or read.context != record.context:
        return True, ()
    known = {id(g) for g in record.groups}
    gone = tuple(g for g in read.groups if id(g) not in known)
    drift = len(record.groups) - (len(read.groups) - len(gone))
    if drift * DRIFT_PER_WRITE > len(record.groups):
        return True, ()
    return False, gone


def holding(parts: Sequence[Group], nodes: Iterable[str]) -> set[int]:
    """The groups (by position) that hold one of ``nodes`` among theirs.

    What a map of every group's nodes to its group answers, without making
    one: an edit adds a few nodes, and the groups of 100,000 claims hold
    hundreds of thousands. The nodes of every group are one text, each
    group's part ``"\\n" + nodes + "\\n"``, one after the other, and a node is
    found with a line break on each side. A node holds no line break and is
    not empty, so what is found is one whole line of one group's part: its
    first line break is that part's own, not the last of the part before
    (the node would then begin with the next part's line break). Each group
    that holds it is named (a node is in one group, as the groups are the
    connected parts of what shares a node).
    """
    wanted = {x for x in nodes if x}
    if not wanted or not parts:
        return set()
    text = "\n" + "\n\n".join(g.nodes for g in parts) + "\n"
    starts = list(itertools.accumulate((len(g.nodes) + 2 for g in parts), initial=0))
    out: set[int] = set()
    for x in wanted:
        needle = "\n" + x + "\n"
        at = text.find(needle)
        while at >= 0:
            out.add(bisect.bisect_right(starts, at) - 1)
            at = text.find(needle, at + 1)
    return out


def _kind(c: Claim) -> str:
    return "conclusion" if c.kind == "conclusion" else "claim"


def _kept_component(grp: Group, every: Sequence[Row]) -> Component:
    """The outline of a kept group's component, without units: what the result cache needs to find its result.

    ``every``: the rows of the dataset's claims (a kept group names only a few of them).
    """
    concl: tuple[int, ...] = ()
    claims = grp.claims
    kinds = [every[i][_KIND] for i in claims]
    if "conclusion" in kinds:
        claims = tuple(i for i, k in zip(grp.claims, kinds, strict=True) if k != "conclusion")
        concl = tuple(i for i, k in zip(grp.claims, kinds, strict=True) if k == "conclusion")
    return Component(
        claims=claims,
        conclusions=concl,
        rules=tuple(sorted({r[0] for r in grp.rules})),
        smt="",
        atoms=(),
        digest="",
        shape=grp.shape,
        units=(),
    )


_KIND = ROW["kind"]
