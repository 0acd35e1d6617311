"""Input an attacker controls cannot make a check run long or grow without bound.

Each case runs the real command in a child process under a cap on time and
on address space: the cap is far above what the case needs once bounded
(seconds, a few hundred MB), and far below what it took unbounded (the
issue's figures: minutes, gigabytes). A run must end inside the cap with an
exit code of 0, 1 or 2 and no traceback.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CAP_SECONDS = 60
CAP_BYTES = 3 * 2**30


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, CAP_BYTES))


def claims_run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    r = subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=CAP_SECONDS,
        preexec_fn=_capped,
    )
    assert r.returncode in (0, 1, 2), (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    return r


def dataset(root: Path, formulas: list[str], declarations: str, document: str = "The text.\n") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "a.txt").write_text(document, encoding="utf-8")
    lines = ["document: a.txt", "declarations: |"]
    lines += [f"  {d}" for d in declarations.splitlines()]
    lines += ["sources:", "  s: {name: S}", "claims:"]
    for i, f in enumerate(formulas):
        lines.append(f'  - {{id: c{i}, source: s, said: 2016-03-01, quote: The text, formula: "{f}"}}')
    (root / "claims.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_a_very_long_symbol_name_is_linted_in_linear_time(tmp_path: Path) -> None:
    """A 10,001-letter name took 71.5 s in the linter's containment look-up (length cubed)."""
    long = "a" * 10_001
    dataset(tmp_path / "ds", [f"{long} > 1", "abcd > 2", "aaaaaaa > 3"], f"const {long}, abcd, aaaaaaa: int")
    r = claims_run("check", "ds", "--no-cache", cwd=tmp_path)
    assert 0 == r.returncode, r.stdout


def test_a_closed_sort_expanded_past_its_limit_is_an_input_error(tmp_path: Path) -> None:
    """200 members and a three-variable exists: 8,000,000 terms (150 s and 1.4 GB unbounded)."""
    members = ", ".join(f"m{i}" for i in range(200))
    dataset(tmp_path / "ds", ["exists x: S, y: S, z: S. p(x, y, z)"], f"sort S = {{{members}}}\npred p(S, S, S)")
    r = claims_run("check", "ds", "--no-cache", cwd=tmp_path)
    assert 2 == r.returncode
    assert "ds/claims.yaml:8:5: error: claim 'c0': the formula grows too large" in r.stderr
    assert "--limit expansion=8000000" in r.stderr
    assert "[too-large]" in r.stderr


def _overlapping(root: Path, n: int) -> Path:
    """``n`` claims on one timed constant, each holding over years, each starting a day later."""
    import datetime

    root.mkdir(parents=True, exist_ok=True)
    (root / "a.txt").write_text("The text.\n", encoding="utf-8")
    lines = ["document: a.txt", "declarations: |", "  timed const x: int", "sources:", "  s: {name: S}", "claims:"]
    start = datetime.date(2010, 1, 1)
    for i in range(n):
        lo = start + datetime.timedelta(days=i)
        hi = lo + datetime.timedelta(days=4000)
        lines.append(
            f'  - {{id: c{i}, source: s, said: {lo}, holds: {lo}..{hi}, quote: The text, formula: "x > {i % 7}"}}'
        )
    (root / "claims.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_overlapping_intervals_past_the_instance_limit_are_an_input_error(tmp_path: Path) -> None:
    """3,200 overlapping intervals: ten million instances (8.6 GB and 'undecided' unbounded)."""
    _overlapping(tmp_path / "ds", 3200)
    r = claims_run("check", "ds", "--no-cache", "--format", "json", cwd=tmp_path)
    assert 2 == r.returncode
    assert "10,243,200 instances, over the limit of 2,000,000" in r.stderr
    assert "claim 'c0' alone holds on 3,201 of them" in r.stderr
    assert '"too-large"' in r.stdout  # the machine formats carry the error too


def test_a_limit_can_be_raised_and_a_bad_one_is_a_usage_error(tmp_path: Path) -> None:
    _overlapping(tmp_path / "ds", 40)  # 40 claims: 80 relevant days, 40 * 41 / 2 + ... instances
    low = claims_run("check", "ds", "--no-cache", "--limit", "instances=100", cwd=tmp_path)
    assert 2 == low.returncode and "--limit instances=" in low.stderr
    ok = claims_run(
        "check", "ds", "--no-cache", "--limit", "instances=100", "--limit", "instances=10_000", cwd=tmp_path
    )
    assert 0 == ok.returncode, ok.stderr
    bad = claims_run("check", "ds", "--limit", "instance=5", cwd=tmp_path)
    assert 2 == bad.returncode
    assert "the limits are file-bytes, formula-chars, yaml-nodes, instances, expansion" in bad.stderr


# --------------------------------------------------------------------------- what the claim file names and holds


SEED = ROOT / "seeds" / "russia-syria-2016"


def one_claim(
    root: Path, *, document: str = "a.txt", quote: str = "The text", formula: str = "x > 1", top: str = ""
) -> Path:
    """A dataset of one claim file (``root/claims.yaml``) whose one claim has this quote and formula."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "claims.yaml").write_text(
        f"document: {document}\ndeclarations: 'const x: int'\n{top}sources:\n  s: {{name: S}}\nclaims:\n"
        f'  - id: c0\n    source: s\n    said: 2016-03-01\n    quote: "{quote}"\n    formula: "{formula}"\n',
        encoding="utf-8",
    )
    return root


def timed_run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], float]:
    import time

    start = time.monotonic()
    r = claims_run(*args, cwd=cwd, env=env)
    return r, time.monotonic() - start


def test_an_alias_bomb_stops_at_the_node_limit(tmp_path: Path) -> None:
    """Seven levels of nine aliases: 4.8 million nodes from 600 bytes (120 s and 7.4 GB unbounded)."""
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdef", "bcdefg", strict=True):
        levels.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    ds = one_claim(tmp_path / "ds", top="title:\n" + "".join(f"  {line}\n" for line in levels))
    (ds / "a.txt").write_text("The text.\n", encoding="utf-8")
    r, took = timed_run("check", "ds", "--no-cache", cwd=tmp_path)
    assert 2 == r.returncode
    assert (
        "ds/claims.yaml:10:10: error: the claim file grows past the limit of 1,000,000 YAML nodes here (each "
        "alias counts the nodes of the value it names): raise it with --limit yaml-nodes=N  [too-large]"
    ) in r.stderr
    assert took < 20, took
    # six levels are 672,000 nodes: under the limit, aliases still work
    one_claim(ds, top="title:\n" + "".join(f"  {line}\n" for line in levels[:-1]))
    fine = claims_run("check", "ds", "--no-cache", cwd=tmp_path)
    assert 0 == fine.returncode, fine.stderr


def test_long_missing_quotes_against_the_seed_article_are_searched_in_linear_time(tmp_path: Path) -> None:
    """Ten 40 KB quotes not in the seed article: 25 s each with the search over every passage."""
    import random

    words = (SEED / "article.txt").read_text(encoding="utf-8").replace('"', "").split()
    rnd = random.Random(5)
    ds = tmp_path / "ds"
    ds.mkdir()
    shutil.copy(SEED / "article.txt", ds / "article.txt")
    claims_ = "".join(
        f"  - {{id: c{i}, source: s, said: 2016-03-01, formula: 'true', "
        f'quote: "{" ".join(rnd.choice(words) for _ in range(8000))[:40_000]}"}}\n'
        for i in range(10)
    )
    (ds / "claims.yaml").write_text(
        f"document: article.txt\nsources:\n  s: {{name: S}}\nclaims:\n{claims_}", encoding="utf-8"
    )
    r, took = timed_run("check", "ds", "--no-cache", cwd=tmp_path)
    assert 2 == r.returncode
    assert 10 == r.stderr.count("[quote-not-found]")
    assert 10 == r.stderr.count("hint: the closest passage is: ")
    assert took < 20, took


def test_a_missing_quote_against_a_10_mb_document_is_searched_in_linear_time(tmp_path: Path) -> None:
    """Eight words not in a 10 MB document: over 150 s with the search over every passage."""
    import random

    rnd = random.Random(3)
    vocab = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 9))) for _ in range(50_000)]
    text = " ".join(rnd.choice(vocab) for _ in range(1_750_000))
    ds = one_claim(tmp_path / "ds", quote=" ".join(rnd.choice(vocab) for _ in range(8)))
    (ds / "a.txt").write_text(text + "\n", encoding="utf-8")
    assert len(text) > 10_000_000
    r, took = timed_run("check", "ds", "--no-cache", cwd=tmp_path)
    assert 2 == r.returncode
    assert "[quote-not-found]" in r.stderr and "hint: the closest passage is: " in r.stderr
    assert took < 30, took


def test_a_10_mb_formula_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    """Parsing it took 54 s and 1.8 GB."""
    ds = one_claim(tmp_path / "ds", formula=" + ".join(["x"] * 2_600_000) + " > 1")
    (ds / "a.txt").write_text("The text.\n", encoding="utf-8")
    r, took = timed_run("check", "ds", "--no-cache", cwd=tmp_path)
    assert 2 == r.returncode
    assert (
        "ds/claims.yaml:10:14: error: the formula of claim 'c0' is too long (10,400,001 characters, over the "
        "limit of 100,000: raise it with --limit formula-chars=10400001)  [too-large]"
    ) in r.stderr
    assert took < 20, took


def test_a_rule_file_item_past_the_formula_limit_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    ds = one_claim(tmp_path / "ds", top="rules: [big]\n")
    (ds / "a.txt").write_text("The text.\n", encoding="utf-8")
    (ds / "rules").mkdir()
    (ds / "rules" / "big.rules").write_text(
        'const y: int\n\nrule big: "long"\n  ' + " + ".join(["y"] * 50_000) + " > 1\n", encoding="utf-8"
    )
    r = claims_run("check", "ds", "--no-cache", cwd=tmp_path)
    assert 2 == r.returncode
    assert (
        "ds/rules/big.rules:3:1: error: this item of the rule file is too long (200,021 characters, over the "
        "limit of 100,000: raise it with --limit formula-chars=200021)  [too-large]"
    ) in r.stderr


def test_a_file_past_the_byte_limit_is_not_read(tmp_path: Path) -> None:
    ds = one_claim(tmp_path / "ds")
    (ds / "a.txt").write_text("The text.\n" * 200_000, encoding="utf-8")
    r = claims_run("check", "ds", "--no-cache", "--limit", "file-bytes=1000000", cwd=tmp_path)
    assert 2 == r.returncode
    assert (
        "ds/claims.yaml:1:11: error: 'ds/a.txt' is too large (2,000,000 bytes, over the limit of 1,000,000: "
        "raise it with --limit file-bytes=2000000)  [too-large]"
    ) in r.stderr


def test_a_fifo_as_document_is_refused_without_blocking(tmp_path: Path) -> None:
    """Opening a FIFO for reading waits for a writer: forever."""
    ds = one_claim(tmp_path / "ds")
    os.mkfifo(ds / "a.txt")
    r = claims_run("check", "ds", "--no-cache", cwd=tmp_path)  # the subprocess timeout guards a hang
    assert 2 == r.returncode
    assert (
        "ds/claims.yaml:1:11: error: 'ds/a.txt' is a FIFO (named pipe), not a regular file: it is not read  "
        "[file-unreadable]"
    ) in r.stderr


def test_dev_zero_as_document_is_refused_twice_over(tmp_path: Path) -> None:
    """``/dev/zero`` never ends (memory ran out). Named outright or through a link it is outside the root;
    under ``--root /`` it is still not a regular file."""
    ds = one_claim(tmp_path / "ds")
    (ds / "a.txt").symlink_to("/dev/zero")
    r = claims_run("check", "ds", "--no-cache", cwd=tmp_path)
    assert 2 == r.returncode
    assert (
        "ds/claims.yaml:1:11: error: the document 'a.txt' is outside the dataset's root 'ds' (through a "
        "symbolic link), so it is not read  [outside-root]"
    ) in r.stderr
    r = claims_run("check", "ds", "--no-cache", "--root", "/", cwd=tmp_path)
    assert 2 == r.returncode
    assert (
        "ds/claims.yaml:1:11: error: 'ds/a.txt' is a character device, not a regular file: it is not read  "
        "[file-unreadable]"
    ) in r.stderr
    one_claim(tmp_path / "ds", document="/dev/zero")
    r = claims_run("check", "ds", "--no-cache", cwd=tmp_path)
    assert 2 == r.returncode
    assert "the document '/dev/zero' is outside the dataset's root 'ds', so it is not read" in r.stderr
    r = claims_run("check", "ds", "--no-cache", "--root", "/", cwd=tmp_path)
    assert 2 == r.returncode
    assert "'/dev/zero' is a character device, not a regular file: it is not read" in r.stderr


def test_fifos_in_the_cache_folder_are_ignored_without_blocking(tmp_path: Path) -> None:
    """A checkout may carry ``.claims-cache/`` with FIFOs where the result pack and a file's entry go."""
    from claims._front.filecache import FileCache

    env = {"XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    ds = one_claim(tmp_path / "ds")
    (ds / "a.txt").write_text("The text.\n", encoding="utf-8")
    first = claims_run("check", "ds", cwd=tmp_path, env=env)
    assert 0 == first.returncode, first.stderr
    cache = tmp_path / ".claims-cache"
    (cache / "results.pack").unlink()
    os.mkfifo(cache / "results.pack")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        entry = FileCache(".claims-cache")._path("ds/claims.yaml")
    finally:
        os.chdir(old)
    (tmp_path / entry).unlink()
    os.mkfifo(tmp_path / entry)
    again = claims_run("check", "ds", "--verbose", cwd=tmp_path, env=env)
    assert 0 == again.returncode, again.stderr
    assert first.stdout == again.stdout


def test_a_fifo_or_dev_zero_as_baseline_is_refused_without_blocking(tmp_path: Path) -> None:
    """``--baseline`` may name a file of the checkout, which a pull request can make a FIFO."""
    ds = one_claim(tmp_path / "ds")
    (ds / "a.txt").write_text("The text.\n", encoding="utf-8")
    os.mkfifo(tmp_path / "baseline.json")
    r = claims_run("check", "ds", "--no-cache", "--baseline", "baseline.json", cwd=tmp_path)
    assert 2 == r.returncode
    assert (
        "baseline.json:1:1: error: cannot read baseline file 'baseline.json': it is a FIFO (named pipe), "
        "not a regular file  [bad-baseline]"
    ) in r.stderr
    r = claims_run("check", "ds", "--no-cache", "--baseline", "/dev/zero", cwd=tmp_path)
    assert 2 == r.returncode
    assert "it is a character device, not a regular file  [bad-baseline]" in r.stderr


def test_folio_formulas_too_long_or_too_deep_are_errors_not_tracebacks(tmp_path: Path) -> None:
    """A premise of 200,000 '∧': 33 s, then a RecursionError traceback; 5,000: the traceback at once."""
    import json

    line = json.loads(
        (ROOT / "tests" / "data" / "folio" / "folio_v2_validation.jsonl").read_text(encoding="utf-8").splitlines()[0]
    )
    rest = line["premises-FOL"].split("\n", 1)[1]
    for name, premise in [
        ("long", " ∧ ".join(["P(a)"] * 200_000)),
        ("deep", " ∧ ".join(["P(a)"] * 5_000)),
        ("quantifiers", "∀" + " ∀".join(f"x{i}" for i in range(3000)) + " (P(x0))"),
    ]:
        (tmp_path / f"{name}.jsonl").write_text(
            json.dumps({**line, "premises-FOL": f"{premise}\n{rest}"}) + "\n", encoding="utf-8"
        )
    r = claims_run("import", "folio", "long.jsonl", "-o", "out", cwd=tmp_path)
    assert 2 == r.returncode
    assert (
        "long.jsonl:1:896: error: premise 1 of example 1014 is too long (1,399,997 characters, over the "
        "limit of 100,000 of a formula)  [too-large]"
    ) in r.stderr
    r = claims_run("conformance", "folio", "deep.jsonl", cwd=tmp_path)
    assert 0 == r.returncode  # the example is a disagreement ("got error"), with the reason
    assert (
        "deep.jsonl:1:896: error: in premise 1 of example 1014: the formula nests 5001 levels deep; at most "
        "200 are allowed  [formula-syntax]"
    ) in r.stdout
    r = claims_run("import", "folio", "quantifiers.jsonl", "-o", "out", cwd=tmp_path)
    assert 2 == r.returncode
    assert "the formula nests 3002 levels deep; at most 200 are allowed" in r.stderr
    assert not (tmp_path / "out").exists()
