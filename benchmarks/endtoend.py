"""``claims check`` end to end, as a user runs it: without the cache, with a cold and a warm one, after an edit.

On a copy of a generated dataset (``articles/`` and ``rules/``), each run a
process of its own, timed from start to exit, with the CPU seconds and peak
resident memory of the process and of the workers it waited for (``wait4``):

1. ``claims check articles --format json --output report.json --no-cache``;
2. the same with the cache, cold (it fills ``.claims-cache/``);
3. the same again, nothing changed (a warm cache);
4. one claim's formula edited (``F`` becomes ``(F) and true``: the same
   meaning, new text, so its component is new to the cache), run again;
   then the edit undone and run again (``back``: another one-claim edit,
   whose report must be the bytes of run 1); :data:`EDITS` times, each time
   a claim of another file, and the row gives the median of each
   (``edit_wall_s``, ``back_wall_s``, with the fastest and slowest: one
   run's time moves by a tenth with what else the machine does), and the
   most components any of them solved (``edit_solved``: 1);
5. with ``dask=True``: ``--no-cache`` again, its components solved by a local
   Dask cluster of separate ``dask scheduler`` and ``dask worker`` processes
   (one thread each) on 127.0.0.1, against run 1 (``--jobs`` workers).

The row says whether runs 1, 2, 3, every ``back`` (and 5) wrote the same
report, byte for byte (``same_bytes_*``): the cache, the re-check from the
last run's record and the executor must not change a byte.
What the runs with the cache did is what ``--verbose`` says of it (components
reused and solved), and, for run 4, the cache files it wrote.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_FORMULA = re.compile(r'formula: "([^"]+)"')
_SOLVED = re.compile(r"result cache \(.*?\): (\d+) reused, (\d+) solved")
_BIN = Path(sys.executable).parent
START_TIMEOUT = 90.0
EDITS = 5
"""How many times the one-claim edit is made and undone (each a re-check of its own)."""


def _claims_command() -> list[str]:
    exe = _BIN / "claims"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cli"]


def _entries(cache: Path) -> dict[str, int]:
    """Every cache file with its modification time (none when there is no cache)."""
    if not cache.exists():
        return {}
    return {str(p.relative_to(cache)): p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}


def timed_run(cmd: Sequence[str], cwd: Path) -> tuple[dict[str, float], str]:
    """Run ``cmd`` to its end: wall seconds, CPU seconds and peak RSS (MiB) of it and the children it waited for.

    Also its standard error.
    """
    t = time.perf_counter()
    with subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as proc:
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)  # reaped here, for its resource use: Popen's wait returns at once
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode(errors='replace')[-2000:]}")
    measures = {
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_mib": round(usage.ru_maxrss / 1024, 1),
    }
    return measures, err.decode(errors="replace")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def local_dask_cluster(workers: int, directory: Path) -> Iterator[str]:
    """A ``dask scheduler`` and ``workers`` single-thread ``dask worker`` processes on 127.0.0.1; its address."""
    dask = str(_BIN / "dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs: list[subprocess.Popen[bytes]] = []

    def spawn(name: str, args: list[str]) -> None:
        with open(directory / f"{name}.log", "wb") as log:
            procs.append(
                subprocess.Popen(
                    [dask, *args],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    cwd=directory,
                    start_new_session=True,
                )
            )

    try:
        spawn("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"])
        for k in range(workers):
            spawn(
                f"worker{k}",
                [
                    "worker",
                    address,
                    "--host",
                    "127.0.0.1",
                    "--nworkers",
                    "1",
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                    "--memory-limit",
                    "0",
                ],
            )
        _wait_for_workers(address, workers, procs, directory)
        yield address
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def _wait_for_workers(address: str, n: int, procs: Sequence[subprocess.Popen[bytes]], directory: Path) -> None:
    import distributed  # the dask extra

    make_client: Any = distributed.Client  # untyped in distributed
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        dead = [p for p in procs if p.poll() is not None]
        if dead:
            logs = "\n".join(f.read_text(errors="replace")[-1500:] for f in sorted(directory.glob("*.log")))
            raise RuntimeError(f"a dask process exited while the cluster started:\n{logs}")
        try:
            with make_client(address, timeout=5) as client:
                client.wait_for_workers(n, timeout=max(1.0, deadline - time.monotonic()))
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def run_end_to_end(data_dir: str, jobs: int | None = None, dask: bool = False) -> dict[str, Any]:
    """The runs of the module docstring on a copy of ``data_dir``; one row of measures."""
    with tempfile.TemporaryDirectory(prefix="claims-e2e-") as tmp:
        root = Path(tmp)
        shutil.copytree(Path(data_dir) / "articles", root / "articles")
        shutil.copytree(Path(data_dir) / "rules", root / "rules")
        base = [*_claims_command(), "check", "articles", "--format", "json", "--verbose"]
        if jobs is not None:
            base += ["--jobs", str(jobs)]
        report = root / "report.json"
        row: dict[str, Any] = {}
        reports: dict[str, bytes] = {}

        def run(name: str, extra: Sequence[str]) -> dict[str, float]:
            m, err = timed_run([*base, "--output", str(report), *extra], root)
            row.update({f"{name}_{k}": v for k, v in m.items()})
            said = _SOLVED.search(err)
            if said is not None:  # -v: what the result cache gave (not said under --no-cache)
                row[f"{name}_reused"], row[f"{name}_solved"] = int(said.group(1)), int(said.group(2))
            reports[name] = report.read_bytes()
            return m

        run("no_cache", ["--no-cache"])
        run("cold", [])
        cache = root / ".claims-cache"
        row["cold_over_no_cache_cpu"] = round(row["cold_cpu_s"] / row["no_cache_cpu_s"], 3)
        row["cold_over_no_cache_wall"] = round(row["cold_wall_s"] / row["no_cache_wall_s"], 3)
        row["cache_files"] = len(_entries(cache))
        run("warm", [])
        runs: dict[str, list[dict[str, float]]] = {"edit": [], "back": []}
        solved: dict[str, list[int]] = {"edit": [], "back": []}
        same_back = True
        files = sorted((root / "articles").glob("*.yaml"))
        for k in range(EDITS):
            # another claim each time, so that each edit is new to the cache
            path = files[k % len(files)]
            text = path.read_text(encoding="utf-8")
            m = _FORMULA.search(text)
            assert m is not None, f"no formula in {path}"
            formula = m.group(1)
            for _ in range(1 + k // len(files)):
                formula = f"({formula}) and true"
            edited = text[: m.start()] + f'formula: "{formula}"' + text[m.end() :]
            before = _entries(cache)
            for name, body in (("edit", edited), ("back", text)):  # back: the dataset as generated
                path.write_text(body, encoding="utf-8")
                runs[name].append(run(name, []))
                solved[name].append(row.get(f"{name}_solved", -1))
                if k == 0 and name == "edit":
                    row["edit_cache_files_written"] = len([p for p, t in _entries(cache).items() if before.get(p) != t])
            same_back = same_back and reports["back"] == reports["no_cache"]
        for name, measured in runs.items():
            walls = sorted(r["wall_s"] for r in measured)
            row[f"{name}_wall_s"] = statistics.median(walls)
            row[f"{name}_cpu_s"] = statistics.median(r["cpu_s"] for r in measured)
            row[f"{name}_peak_mib"] = max(r["peak_mib"] for r in measured)
            row[f"{name}_wall_min_s"], row[f"{name}_wall_max_s"] = walls[0], walls[-1]
            row[f"{name}_solved"] = max(solved[name])
        row["same_bytes_cache"] = reports["no_cache"] == reports["cold"] == reports["warm"]
        row["same_bytes_back"] = same_back
        if dask:
            with local_dask_cluster(jobs or 2, root) as address:
                run("dask", ["--no-cache", "--executor", "dask", "--scheduler", address])
            row["dask_over_jobs_wall"] = round(row["dask_wall_s"] / row["no_cache_wall_s"], 3)
            row["same_bytes_dask"] = reports["dask"] == reports["no_cache"]
        return row
