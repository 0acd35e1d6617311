"""A result cache for solved components (like the caches of ruff and mypy).

A component's key is the digest of its SMT-LIB2 text up to the numbering of
its claims (``Component.shape``: every claim literal read as its claim's
position inside the component), plus which of its claims are facts, the
solver options and the engine version. So a component
keeps its key when claims elsewhere are added, removed or reordered, and a
re-check after a one-claim edit solves only the component that changed.

The entries live in one JSON pack written atomically (a temporary file,
then a rename) and sealed with this user's key (``claims._base.sign``): a
cache folder that came with a checkout decides nothing. A pack whose seal
does not verify (forged, copied from another user, damaged) or that does not
parse is ignored and rewritten, never trusted; ``ignored`` counts them. An
entry is found by its key, and must decode into a result over the asking
component's claims, or it is a miss. Without a place for the key, nothing is
kept on disk.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeGuard

import attrs
import orjson

from claims._base.files import write_atomic
from claims._base.read import CACHE_FILE_BYTES, read_regular
from claims._base.sign import seal, unseal, user_key
from claims._base.version import __version__, engine_digest
from claims._logic.near import Fit, RawNear
from claims._logic.partition import Component
from claims._logic.repairs import Outcome
from claims._logic.solve import ComponentResult, Options, RawConflict, RawMus, RawTolerant
from claims._logic.solver import SEED, z3_version
from claims._logic.verdicts import RawVerdict

FORMAT = 6
PACK = "results.pack"
_MAGIC = b"claims-result-cache\n"
_CLAIM_LIT = re.compile(r"\|(c|q\+|q-)!(\d+)\|")


@functools.lru_cache(maxsize=1)
def engine_version() -> str:
    """What a cached result depends on besides its component: the engine's code, z3 and the seed."""
    return f"claims {__version__}; code {engine_digest()[:16]}; z3 {z3_version()}; seed {SEED}; cache format {FORMAT}"


@attrs.frozen
class _Local:
    """A component in local terms: its key and the maps between local and global indices."""

    key: str
    claims: tuple[int, ...]  # local position -> global claim index (claims, then conclusions)


def component_key(comp: Component, facts: frozenset[int], opts: Options) -> str:
    """The key of ``comp``'s result (see the module docstring): what :meth:`ResultCache.get` may be given."""
    return _localise(comp, facts, opts).key


def _order(comp: Component) -> tuple[int, ...]:
    """The claims of ``comp`` (its claims and conclusions) in their order: local position -> global index."""
    return tuple(sorted({*comp.claims, *comp.conclusions}))


def _localise(comp: Component, facts: frozenset[int], opts: Options, key: str | None = None) -> _Local:
    order = _order(comp)
    if key is not None:
        return _Local(key, order)
    kinds = "".join("f" if g in facts else ("c" if g in comp.conclusions else "p") for g in order)
    payload = "\n".join(
        [
            engine_version(),
            repr((opts.timeout, opts.max_per_component, opts.max_repairs)),
            kinds,
            repr(comp.rules),
            comp.shape or _local_text(comp, order),
        ]
    )
    if comp.strict and not comp.shape:  # the shape covers the strict readings (near-contradictions) too
        local = {g: i for i, g in enumerate(order)}
        payload += "\n" + repr([(local[i], text) for i, text in comp.strict])
    return _Local(hashlib.sha256(payload.encode("utf-8")).hexdigest(), order)


def _local_text(comp: Component, order: tuple[int, ...]) -> str:
    """The script with every claim literal renamed to its claim's place in ``order``."""
    local = {g: i for i, g in enumerate(order)}
    return _CLAIM_LIT.sub(lambda m: f"|{m.group(1)}!L{local[int(m.group(2))]}|", comp.smt)


Entry = dict[str, Any] | list[Any] | int
"""A result as the pack keeps it (:func:`_to_json`): an object, or for an empty result a list or a number."""


def _to_json(res: ComponentResult, loc: _Local) -> Entry:
    """``res`` as the pack keeps it, its claims by their place in the component (``loc``).

    An *empty* result (no contradiction, verdict, conflict, tolerant reading,
    near-contradiction or premise repair, all known), as most components' are
    (22,000 of 27,000 at 100,000 claims), is kept short: its solver checks
    alone when it is complete, else ``[complete, truncated, unknown_reason,
    checks]``. Those are a sixth of the bytes of the object, and a pack of
    them is read and written in less time (:func:`_from_json` reads each form).
    """
    if not (res.muses or res.verdicts or res.conflicts or res.tolerant or res.near) and res.premise_repairs == ():
        if res.complete and not res.truncated and res.unknown_reason is None:
            return res.checks
        return [res.complete, res.truncated, res.unknown_reason, res.checks]
    to_local = {g: i for i, g in enumerate(loc.claims)}
    return {
        "muses": [[[to_local[c] for c in m.claims], list(m.rules)] for m in res.muses],
        "complete": res.complete,
        "truncated": res.truncated,
        "unknown_reason": res.unknown_reason,
        "verdicts": [
            {
                "conclusion": to_local[v.conclusion],
                "verdict": v.verdict,
                "premises": [to_local[p] for p in v.premises],
                "rules": list(v.rules),
                "countermodel": [list(t) for t in v.countermodel],
                "reason": v.reason,
            }
            for v in res.verdicts
        ],
        "checks": res.checks,
        "conflicts": [
            [list(g.muses), [[to_local[c] for c in r] for r in g.repairs], g.complete, g.reason] for g in res.conflicts
        ],
        "premise_repairs": None
        if res.premise_repairs is None
        else [[to_local[c] for c in r] for r in res.premise_repairs],
        "tolerant": [
            {
                "conclusion": to_local[t.conclusion],
                "outcomes": None if t.outcomes is None else [_outcome_json(o, to_local) for o in t.outcomes],
                "iar": None if t.iar is None else _outcome_json(t.iar, to_local),
                "reason": t.reason,
            }
            for t in res.tolerant
        ],
        "near": [
            [
                [to_local[c] for c in n.claims],
                [[f.symbol, _frac(f.low), f.low_open, _frac(f.high), f.high_open, f.date] for f in n.fits],
            ]
            for n in res.near
        ],
    }


def _checks(n: Any) -> int:
    if type(n) is not int or n < 0:
        raise ValueError("solver checks are a count")
    return n


def _frac(v: Fraction | None) -> str | None:
    return None if v is None else str(v)


def _frac_of(v: Any) -> Fraction | None:
    if v is None:
        return None
    if type(v) is not str:
        raise TypeError("a bound is a string")
    return Fraction(v)


def _outcome_json(o: Outcome, to_local: dict[int, int]) -> list[Any]:
    return [o.verdict, [to_local[p] for p in o.premises], list(o.rules), o.reason]


def _outcome_of(data: list[Any], g: tuple[int, ...]) -> Outcome:
    verdict, premises, rules, reason = data
    return Outcome(str(verdict), tuple(g[p] for p in premises), tuple(int(r) for r in rules), reason)


@functools.lru_cache(maxsize=256)
def _empty_result(complete: bool, truncated: bool, unknown_reason: str | None, checks: int) -> ComponentResult:
    """The result of a component with no contradiction, verdict or near-contradiction: one object for equal ones.

    A result is frozen, so the 22,000 consistent components of 100,000
    claims share the few distinct ones (most are ``complete`` after one check).
    """
    return ComponentResult(
        muses=(),
        complete=complete,
        truncated=truncated,
        unknown_reason=unknown_reason,
        verdicts=(),
        checks=checks,
    )


def _from_json(data: Entry, comp: Component) -> ComponentResult:
    """The result ``data`` holds for ``comp``; KeyError, IndexError, TypeError or ValueError when it holds none.

    Most components are consistent and judge no conclusion: their result is
    kept short (:func:`_to_json`), or is empty lists and a few scalars, and is
    made here without mapping any claim (what the general way below makes of
    the same empty lists, and only when each is exactly an empty list).
    """
    if type(data) is int:
        return _empty_result(True, False, None, _checks(data))
    if type(data) is list:
        complete, truncated, reason, checks = data
        if (
            type(complete) is not bool
            or type(truncated) is not bool
            or (reason is not None and type(reason) is not str)
        ):
            raise TypeError("not an empty result")
        return _empty_result(complete, truncated, reason, _checks(checks))
    if type(data) is not dict:
        raise TypeError("not a result")
    if (
        data["muses"] == []
        and data["verdicts"] == []
        and data["conflicts"] == []
        and data["premise_repairs"] == []
        and data["tolerant"] == []
        and data["near"] == []
    ):
        reason = data["unknown_reason"]
        if reason is not None and type(reason) is not str:
            raise TypeError("unknown_reason")
        return _empty_result(bool(data["complete"]), bool(data["truncated"]), reason, int(data["checks"]))
    g = _order(comp)
    muses = tuple(RawMus(tuple(g[c] for c in cl), tuple(int(r) for r in rl)) for cl, rl in data["muses"])
    verdicts = tuple(
        RawVerdict(
            conclusion=g[v["conclusion"]],
            verdict=str(v["verdict"]),
            premises=tuple(g[p] for p in v["premises"]),
            rules=tuple(int(r) for r in v["rules"]),
            countermodel=tuple((str(a), str(b), str(c)) for a, b, c in v["countermodel"]),
            reason=v["reason"],
        )
        for v in data["verdicts"]
    )
    return ComponentResult(
        muses=muses,
        complete=bool(data["complete"]),
        truncated=bool(data["truncated"]),
        unknown_reason=data["unknown_reason"],
        verdicts=verdicts,
        checks=int(data["checks"]),
        conflicts=tuple(
            RawConflict(tuple(int(k) for k in ms), tuple(tuple(g[c] for c in r) for r in rs), bool(ok), why)
            for ms, rs, ok, why in data["conflicts"]
        ),
        premise_repairs=None
        if data["premise_repairs"] is None
        else tuple(tuple(g[c] for c in r) for r in data["premise_repairs"]),
        tolerant=tuple(
            RawTolerant(
                conclusion=g[t["conclusion"]],
                outcomes=None if t["outcomes"] is None else tuple(_outcome_of(o, g) for o in t["outcomes"]),
                iar=None if t["iar"] is None else _outcome_of(t["iar"], g),
                reason=t["reason"],
            )
            for t in data["tolerant"]
        ),
        near=tuple(
            RawNear(
                tuple(g[c] for c in cl),
                tuple(
                    Fit(str(sym), _frac_of(lo), bool(lo_open), _frac_of(hi), bool(hi_open), bool(date))
                    for sym, lo, lo_open, hi, hi_open, date in fits
                ),
            )
            for cl, fits in data["near"]
        ),
    )


class ResultCache:
    """Component results in memory and, when ``directory`` is given, on disk in one file.

    On disk the results are one pack (``results.pack``, JSON, sealed), read
    whole on the first lookup and written whole, atomically, at :meth:`flush`
    when the run added or used something the pack did not hold. A cold run of
    27,000 components writes one file, not 27,000, and a re-check reads one.

    The pack keeps what the runs before used: an entry no run used for
    :data:`MAX_AGE` runs in a row is dropped, so a ``--since`` or
    ``--baseline`` run, or a check of another folder into the same cache,
    does not push out the entries of the main one, and the pack does not
    grow without end.

    Trust: the pack is sealed with this user's key (``claims._base.sign``);
    one whose seal does not verify, that does not parse or that another
    engine wrote gives nothing (``ignored`` counts the unsealed ones), and an
    entry that does not decode into a result for the component asking is a
    miss (``corrupt``): the component is solved, never answered from it.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None, memory_items: int = 100_000) -> None:
        self._key = user_key() if directory is not None else None
        # no key, no disk: an unsigned entry could not be trusted on the next run
        self.directory = Path(directory) if directory is not None and self._key is not None else None
        self._memory: OrderedDict[str, Entry] = OrderedDict()
        self._limit = memory_items
        self._packed: dict[str, Any] | None = None  # read on first use
        self._ages: dict[str, int] = {}  # of the pack's entries the last run did not use: runs since use
        self._used: dict[str, Entry] = {}  # what this run read or wrote, for the next pack
        self._stale = False  # this run used a result the pack did not give
        self.hits = 0
        self.misses = 0
        self.corrupt = 0
        self.ignored = 0  # packs on disk whose seal did not verify

    def get(
        self, comp: Component, facts: frozenset[int], opts: Options, key: str | None = None
    ) -> ComponentResult | None:
        """The result of ``comp`` when the cache holds it; ``key``: its :func:`component_key`, when known."""
        if key is None:
            key = component_key(comp, facts, opts)
        for packed in (False, True):
            data = self._from_pack(key) if packed else self._memory.get(key)
            if data is None:
                continue
            try:
                result = _from_json(data, comp)
            except (KeyError, IndexError, TypeError, ValueError):
                self.corrupt += 1
                continue
            self.hits += 1
            self._remember(key, data)
            self._stale = self._stale or not packed
            return result
        self.misses += 1
        return None

    def rules_consistent(self, smt: str, rules: Sequence[int]) -> bool:
        """Whether a run before found the rules of ``smt`` (the script of the rules alone) consistent.

        Only that answer is kept (:meth:`keep_rules_consistent`): a
        satisfiable script is satisfiable whatever the time limit, and the
        same text gives z3 the same problem. Any other answer (rules that
        contradict each other, unknown) is asked of the solver every time.
        """
        key = _rules_key(smt, rules)
        data = self._memory.get(key)
        if data is None:
            data = self._from_pack(key)
        if data != _CONSISTENT:
            return False
        self._remember(key, _CONSISTENT)
        return True

    def keep_rules_consistent(self, smt: str, rules: Sequence[int]) -> None:
        """Keep that the rules of ``smt`` are consistent (the solver said ``sat``), for :meth:`rules_consistent`."""
        self._remember(_rules_key(smt, rules), _CONSISTENT)
        self._stale = True

    def touch(self, keys: Iterable[str]) -> None:
        """Count the results of ``keys`` as reused, and keep their entries in the pack as if read.

        For results a run knew without reading them (the quiet components of
        the last run's record: ``claims._logic.recheck.quiet``).
        """
        self.hits += self._keep_entries(keys)

    def keep(self, keys: Iterable[str]) -> None:
        """Keep the entries of ``keys`` in the pack as if read, without counting them as reused.

        For results a later run may ask for that this one did not (the
        groups of a record on disk that this run did not keep:
        ``claims._logic.recheck.worth_writing``).
        """
        self._keep_entries(keys)

    def _keep_entries(self, keys: Iterable[str]) -> int:
        """Keep the pack's entry of each of ``keys`` (that it has) for the next pack; how many keys there were."""
        pack = self._pack() if self.directory is not None else {}
        n = 0
        for k in keys:
            n += 1
            data = pack.get(k)
            if _is_entry(data):
                self._used[k] = data
        return n

    def put(
        self, comp: Component, facts: frozenset[int], opts: Options, result: ComponentResult, key: str | None = None
    ) -> None:
        """Keep ``result`` as ``comp``'s; ``key``: its :func:`component_key`, when known."""
        loc = _localise(comp, facts, opts, key)
        self._remember(loc.key, _to_json(result, loc))
        self._stale = True

    def _remember(self, key: str, data: Entry) -> None:
        self._memory[key] = data
        self._memory.move_to_end(key)
        while len(self._memory) > self._limit:
            self._memory.popitem(last=False)
        if self.directory is not None:
            self._used[key] = data

    def _pack(self) -> dict[str, Any]:
        """The entries of the pack on disk (none when it is absent, damaged, foreign or unsealed)."""
        assert self.directory is not None
        if self._packed is None:
            self._packed = {}
            try:
                raw = self._unsealed(read_regular(self.directory / PACK, CACHE_FILE_BYTES))
                pack = orjson.loads(raw or b"null")  # JSONDecodeError is a ValueError
                if (
                    isinstance(pack, dict)
                    and pack.get("engine") == engine_version()
                    and isinstance(pack.get("entries"), dict)
                ):
                    self._packed = pack["entries"]
                    ages = pack.get("unused")
                    if isinstance(ages, dict):
                        self._ages = {k: v for k, v in ages.items() if isinstance(v, int)}
            except (OSError, ValueError):
                pass  # no pack, or a damaged one: every component is solved
        return self._packed

    def _from_pack(self, key: str) -> Entry | None:
        if self.directory is None:
            return None
        data = self._pack().get(key)
        return data if _is_entry(data) else None

    def flush(self) -> None:
        """Write the pack: what this run used, and what the runs before used (up to :data:`MAX_AGE` runs ago).

        Nothing is written when the pack on disk already holds exactly what this run used.
        """
        if self.directory is None or not self._used:
            return
        old = self._pack()
        if not self._stale and old.keys() == self._used.keys():
            self._used = {}
            return
        entries = dict(self._used)
        ages: dict[str, int] = {}
        for k in sorted(old.keys() - entries.keys()):  # the old entries this run did not use (few after an edit)
            data, age = old[k], self._ages.get(k, 0) + 1
            if _is_entry(data) and age <= MAX_AGE:
                entries[k], ages[k] = data, age
        self._atomic_write(
            self.directory / PACK, _pack_text({"engine": engine_version(), "entries": entries, "unused": ages})
        )
        self._packed, self._ages, self._used, self._stale = entries, ages, {}, False

    def _unsealed(self, data: bytes) -> memoryview | None:
        assert self._key is not None
        payload = unseal(self._key, _MAGIC, data)
        if payload is None:
            self.ignored += 1
        return payload

    def _atomic_write(self, path: Path, text: bytes) -> None:
        assert self._key is not None
        try:  # for this user only; a lost pack costs a re-solve
            write_atomic(path, seal(self._key, _MAGIC, text), mode=0o600, durable=False)
        except OSError:
            pass  # a cache that cannot be written is only a slower run


def _pack_text(pack: dict[str, Any]) -> bytes:
    """The pack as compact JSON, keys sorted: by orjson, or by ``json`` what orjson refuses.

    orjson writes the pack of 27,000 components (6.5 MB) in a tenth of the
    time (measured: 4 ms against 58); it reads it no faster than ``json``
    (making the objects is the cost), but is the reader the round trip is
    tested with.

    An entry holds lists, strings, small integers, booleans and None
    (:func:`_to_json`), which orjson writes and reads back as they were; a
    string orjson refuses (a lone surrogate) is written by ``json``, and a
    pack orjson cannot read back is a damaged one: every component is solved.
    """
    try:
        return orjson.dumps(pack, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        return json.dumps(pack, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _is_entry(data: object) -> TypeGuard[Entry]:
    """Whether ``data`` has the form of an entry (:data:`Entry`); what it holds is checked as it is read."""
    return type(data) in _ENTRY_TYPES


_ENTRY_TYPES = frozenset((dict, list, int))

MAX_AGE = 4
"""Runs in a row a pack entry may go unused before it is dropped."""


_CONSISTENT: dict[str, Any] = {"rules": "sat"}


def _rules_key(smt: str, rules: Sequence[int]) -> str:
    """The key of the rules alone in the pack (never a component's: those are bare hex digests)."""
    text = "\0".join((engine_version(), smt, ",".join(map(str, rules))))
    return "rules " + hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def split_cached(
    cache: ResultCache | None,
    comps: Sequence[Component],
    facts: frozenset[int],
    opts: Options,
    keys: Sequence[str] | None = None,
) -> tuple[dict[int, ComponentResult], list[int]]:
    """Results already known (by position) and the positions still to solve; ``keys``: the components' keys."""
    known: dict[int, ComponentResult] = {}
    todo: list[int] = []
    for k, c in enumerate(comps):
        hit = cache.get(c, facts, opts, None if keys is None else keys[k]) if cache is not None else None
        if hit is None:
            todo.append(k)
        else:
            known[k] = hit
    return known, todo
