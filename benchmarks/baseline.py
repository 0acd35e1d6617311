"""The naive baseline: one MARCO over all claims at once, without partitioning, under a hard cap.

Every encoded unit that the partitioned run would solve (the claims and the
rule instances connected to them) goes into ONE component, built with the
same ``claims._partition.build`` and solved by the same
``claims._solve.solve_component``. MARCO must then list every maximal
satisfiable subset of the whole set, and k independent two-claim clashes have
2^k of them, so it rarely finishes.

It runs in a child process (``multiprocessing``, spawn) that streams each
contradiction as it is verified; the parent kills the child when the time limit
is up, so the cap is hard, and reports what was found until then.
"""

from __future__ import annotations

import multiprocessing as mp
import queue as queue_mod
import resource
import time
from typing import Any


def _worker(data_dir: str, prefix: int, q: Any) -> None:  # pragma: no cover - runs in the child
    import attrs

    import claims
    from claims import _solve
    from claims._encode import encode
    from claims._partition import _UnionFind, build
    from claims._solve import Options, solve_component

    ds = claims.load(f"{data_dir}/articles")
    ds = attrs.evolve(ds, claims=ds.claims[:prefix])
    t0 = time.perf_counter()
    enc = encode(ds)
    # the units the partitioned run solves: those in a group that holds a claim
    uf = _UnionFind()
    for u in enc.units:
        atoms = sorted(u.atoms)
        for a in atoms[1:]:
            uf.union(atoms[0], a)
    with_claims = {uf.find(min(u.atoms)) for u in enc.units if u.kind != "rule" and u.atoms}
    units = [u for u in enc.units if u.kind != "rule" or (u.atoms and uf.find(min(u.atoms)) in with_claims)]
    comp = build(enc, units)
    facts = [i for i, c in enumerate(ds.claims) if c.kind == "fact"]
    q.put(("start", time.perf_counter() - t0, len(comp.claims), len(units)))

    original = _solve._Component.verify

    def verify(self: Any, mus: list[str]) -> Any:
        found = original(self, mus)
        if found is not None:
            q.put(("mus", time.perf_counter() - t0, [ds.claims[i].id for i in found.claims],
                   self.chk.checks, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
        return found

    _solve._Component.verify = verify  # type: ignore[method-assign]
    res = solve_component(comp, facts, Options())
    q.put(("done", time.perf_counter() - t0, len(res.muses), res.complete, res.checks,
           resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def run_baseline(data_dir: str, prefix: int, limit_s: float) -> dict[str, Any]:
    """Run the unpartitioned MARCO on the first ``prefix`` claims, killed after ``limit_s`` seconds of solving."""
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_worker, args=(data_dir, prefix, q), daemon=True)
    p.start()
    started: float | None = None
    build_s = 0.0
    claims_in = units = 0
    found: list[list[str]] = []
    first: float | None = None
    checks = 0
    rss = 0.0
    finished = False
    elapsed = 0.0
    deadline = time.monotonic() + 600.0  # loading is not capped, but must not hang forever
    while True:
        now = time.monotonic()
        if started is not None and now - started >= limit_s:
            break
        if now > deadline or not p.is_alive() and q.empty():
            break
        wait = 0.5 if started is None else max(0.01, min(0.5, limit_s - (now - started)))
        try:
            msg = q.get(timeout=wait)
        except queue_mod.Empty:
            continue
        if msg[0] == "start":
            started = time.monotonic()
            build_s, claims_in, units = msg[1], msg[2], msg[3]
        elif msg[0] == "mus":
            found.append(msg[2])
            first = msg[1] if first is None else first
            checks, rss = msg[3], msg[4]
        elif msg[0] == "done":
            finished = True
            elapsed = msg[1]
            checks, rss = msg[4], msg[5]
            break
    if not finished:
        elapsed = build_s + (time.monotonic() - started if started is not None else 0.0)
        # drain what the child verified before the kill
        try:
            while True:
                msg = q.get_nowait()
                if msg[0] == "mus":
                    found.append(msg[2])
                    first = msg[1] if first is None else first
                    checks, rss = msg[3], msg[4]
        except queue_mod.Empty:
            pass
    if p.is_alive():
        p.kill()
    p.join(timeout=10)
    return {
        "baseline_claims": claims_in,
        "baseline_units": units,
        "baseline_build_s": round(build_s, 3),
        "baseline_total_s": round(elapsed, 3),
        "baseline_finished": finished,
        "baseline_limit_s": limit_s,
        "baseline_contradictions_found": len(found),
        "baseline_first_contradiction_s": None if first is None else round(first, 3),
        "baseline_solver_checks": checks,
        "baseline_peak_rss_mib": round(rss, 1) if rss else None,
        "baseline_found": found,
    }
