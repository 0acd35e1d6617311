"""Baseline (a): one MARCO over all claims at once, without partitioning, under a hard cap.

Every encoded unit that the partitioned run would solve (the claims and the
rule instances connected to them) goes into ONE component, built with the
same ``claims._logic.partition.build`` and solved by the same
``claims._logic.solve.solve_component``. MARCO must then list every maximal
satisfiable subset of the whole set, and k independent two-claim clashes have
2^k of them, so it rarely finishes. Conclusions are left out: they are never
part of a contradiction, and in one component with the contradictions every
one of them would be vacuous.

It runs in a child process (``multiprocessing``, spawn) that streams each
contradiction as it is verified (and each choice of members of a class of
identical formulas, which the engine verifies once per class); the parent
kills the child when the time limit is up, so the cap is hard, and reports
what was found until then. The cap
counts solving only: loading, encoding and building the one component come
first (``baseline_build_s`` is the encoding and building) and are bounded only
by a generous setup limit. :func:`run_capped` is that protocol, shared with
baseline (b) in :mod:`benchmarks.fresh`. The child never outlives its time
or its parent: if the benchmark is stopped, its children stop too (a child
left running would slow every later measurement on the machine).
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import multiprocessing as mp
import os
import queue as queue_mod
import resource
import signal
import time
from collections.abc import Callable
from typing import Any, NamedTuple

SETUP_LIMIT_S = 900.0
"""Loading and building before the cap starts must not hang forever (100,000 claims take minutes)."""


def rss_mib() -> float:
    """The peak resident set size of this process so far, in MiB.

    On Linux it is ``VmHWM`` of ``/proc/self/status``: ``ru_maxrss`` keeps the
    parent's peak across fork and exec, so a child started by a large parent
    would report the parent's size (the 500-claim row once showed 258 MiB for
    an 82 MiB run).
    """
    own = _child_peak_mib("self")
    return own if own is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child_peak_mib(pid: int | str) -> float | None:
    """The peak resident set size of a live process, in MiB (Linux: ``VmHWM`` in /proc), else None."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


class Capped(NamedTuple):
    """How a capped child ended."""

    finished: bool  # it put "done"
    elapsed_s: float | None  # from its "start" to the end (None: it never started)
    peak_mib: float | None  # its peak memory, read just before the kill (None: not killed)
    crashed: bool  # it ended on its own without "done" (its traceback is on stderr)


def run_capped(
    target: Callable[..., None], args: tuple[Any, ...], limit_s: float, handle: Callable[[tuple[Any, ...]], None]
) -> Capped:
    """Run ``target(*args, queue)`` in a spawned child and pass every message it puts to ``handle``.

    The child puts ``("start", ...)`` when the capped part begins and
    ``("done", ...)`` when it has finished; ``limit_s`` seconds after the
    start the child is killed. Messages the child put before the kill are
    still handled.
    """
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=bounded, args=(target, os.getpid(), SETUP_LIMIT_S + limit_s + 30, *args, q), daemon=True)
    p.start()
    started: float | None = None
    finished = False
    deadline = time.monotonic() + SETUP_LIMIT_S
    while True:
        now = time.monotonic()
        if started is not None and now - started >= limit_s:
            break
        if now > deadline or (not p.is_alive() and q.empty()):
            break
        wait = 0.5 if started is None else max(0.01, min(0.5, limit_s - (now - started)))
        try:
            msg = q.get(timeout=wait)
        except queue_mod.Empty:
            continue
        handle(msg)
        if msg[0] == "start":
            started = time.monotonic()
        elif msg[0] == "done":
            finished = True
            break
    end = time.monotonic()
    if not finished:
        try:  # what the child put before the kill
            while True:
                handle(q.get_nowait())
        except queue_mod.Empty:
            pass
    peak = None
    crashed = not finished and not p.is_alive() and p.exitcode != 0
    if p.is_alive():
        peak = _child_peak_mib(p.pid) if p.pid is not None else None
        p.kill()
    p.join(timeout=10)
    return Capped(finished, None if started is None else end - started, peak, crashed)


def bounded(
    target: Callable[..., None], parent: int, lifetime_s: float, *args: Any
) -> None:  # pragma: no cover - runs in the child
    """Run ``target(*args)`` in a child that ends when ``parent`` ends or after ``lifetime_s``.

    The parent kills the child at the cap; these bounds hold when the parent
    cannot (it was killed itself): on Linux the kernel sends SIGKILL when the
    parent ends (``PR_SET_PDEATHSIG``), and everywhere SIGALRM ends the child
    once its lifetime is over, even inside the solver.
    """
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the lifetime alone bounds the child
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)  # the parent ended before the request above
    if hasattr(signal, "alarm"):
        signal.alarm(max(1, math.ceil(lifetime_s)))
    target(*args)


def _worker(data_dir: str, prefix: int | None, q: Any) -> None:  # pragma: no cover - runs in the child
    import attrs

    import claims
    from claims._base.groups import UnionFind
    from claims._logic import solve as _solve
    from claims._logic.encode import encode
    from claims._logic.partition import build
    from claims._logic.solve import Options, solve_component

    ds = claims.load(f"{data_dir}/articles")
    if prefix is not None:
        ds = attrs.evolve(ds, claims=ds.claims[:prefix])
    t0 = time.perf_counter()
    enc = encode(ds)
    # the units the partitioned run solves for contradictions: the claims, and the
    # rule instances in a group that holds a claim (conclusions left out)
    units = [u for u in enc.units if u.kind != "conclusion"]
    uf = UnionFind()
    for u in units:
        atoms = sorted(u.atoms)
        for a in atoms[1:]:
            uf.union(atoms[0], a)
    with_claims = {uf.find(min(u.atoms)) for u in units if u.kind == "claim" and u.atoms}
    members = [
        k
        for k, u in enumerate(enc.units)
        if u.kind == "claim" or (u.kind == "rule" and u.atoms and uf.find(min(u.atoms)) in with_claims)
    ]
    units = [enc.units[k] for k in members]
    comp = build(enc, members)
    facts = [i for i, c in enumerate(ds.claims) if c.kind == "fact"]
    q.put(("start", time.perf_counter() - t0, len(comp.claims), len(units), rss_mib()))

    # every contradiction the enumeration keeps is made as a RawMus after its
    # verification: a verified set, or one choice of members of a verified class
    original, raw_mus = _solve._Component.verify, _solve.RawMus
    checks = [0]

    def verify(self: Any, mus: list[str]) -> Any:
        out = original(self, mus)
        checks[0] = self.chk.checks
        return out

    def streamed(members: tuple[int, ...], rules: tuple[int, ...]) -> Any:
        q.put(("mus", time.perf_counter() - t0, [ds.claims[i].id for i in members], checks[0], rss_mib()))
        return raw_mus(members, rules)

    _solve._Component.verify = verify  # type: ignore[method-assign]  # counted: the checks of each MUS
    _solve.RawMus = streamed  # type: ignore[misc,assignment]  # each MUS streamed as it is found
    res = solve_component(comp, facts, Options())
    q.put(("done", time.perf_counter() - t0, len(res.muses), res.complete, res.checks, rss_mib()))


def run_baseline(data_dir: str, prefix: int | None, limit_s: float) -> dict[str, Any]:
    """Run the unpartitioned MARCO on the dataset (its first ``prefix`` claims); kill it after ``limit_s`` s."""
    st: dict[str, Any] = {
        "build_s": 0.0,
        "claims": 0,
        "units": 0,
        "found": {},
        "first": None,
        "checks": 0,
        "rss": 0.0,
        "elapsed": None,
        "complete": None,
    }

    def handle(msg: tuple[Any, ...]) -> None:
        if msg[0] == "start":
            st["build_s"], st["claims"], st["units"], st["rss"] = msg[1], msg[2], msg[3], msg[4]
        elif msg[0] == "mus":
            st["found"].setdefault(frozenset(msg[2]), msg[2])  # (a class's first choice comes twice)
            st["first"] = msg[1] if st["first"] is None else st["first"]
            st["checks"], st["rss"] = msg[3], msg[4]
        elif msg[0] == "done":
            st["elapsed"], st["complete"], st["checks"], st["rss"] = msg[1], msg[3], msg[4], msg[5]

    finished, capped, peak, crashed = run_capped(_worker, (data_dir, prefix), limit_s, handle)
    st["rss"] = max(st["rss"], peak or 0.0)
    elapsed = st["elapsed"] if finished else st["build_s"] + (capped or 0.0)
    return {
        "baseline_claims": st["claims"],
        "baseline_units": st["units"],
        "baseline_build_s": round(st["build_s"], 3),
        "baseline_total_s": round(elapsed, 3),
        # finished means: every contradiction listed. A run that stopped because one of its
        # checks was undecided (the engine's per-check timeout) gave up, and did not finish.
        "baseline_finished": finished and bool(st["complete"]),
        "baseline_stopped": finished,  # it ended by itself (listed everything, or gave up)
        "baseline_crashed": crashed,
        "baseline_complete": st["complete"],
        "baseline_limit_s": limit_s,
        "baseline_contradictions_found": len(st["found"]),
        "baseline_first_contradiction_s": None if st["first"] is None else round(st["first"], 3),
        "baseline_solver_checks": st["checks"],  # when stopped: as of the last contradiction found
        "baseline_peak_rss_mib": round(st["rss"], 1) if st["rss"] else None,
        "baseline_found": list(st["found"].values()),
    }
