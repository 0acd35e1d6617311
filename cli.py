"""The ``claims`` command line: a thin layer over the library (no solving here).

Exit codes: 0 nothing found, 1 findings, 2 usage or input error (or a report that cannot be
written), 130 stopped by SIGINT (Ctrl-C), 143 stopped by SIGTERM.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from types import CodeType, FrameType
from typing import NoReturn

import click

import claims
from claims._base import gc as _gc
from claims._base.errors import FILE_EXISTS, Diagnostic, Span, printable
from claims._base.files import write_output
from claims._base.text import plural
from claims._logic.cache import ResultCache
from claims._report import render as _render
from claims._report.findings import FORMATS, View
from claims._report.policy import exit_status
from claims._report.records import Records
from claims._run import gate as _gate

EXIT_SUCCESS = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
CACHE_DIR = ".claims-cache"


def _write(output: str | None, text: str, color: bool = False) -> None:
    """Write ``text`` to ``output`` (``None`` or ``-``: stdout); a write that fails exits 2 with one line.

    See :func:`claims._base.files.write_output` for what is done with a symlink, a hard link, a
    device or a pipe at ``output``.
    """
    if output is None or output == "-":
        try:
            click.echo(text, nl=False, color=color)
            sys.stdout.flush()
        except OSError as exc:
            # nothing more can go to this stdout, not even at exit (a closed pipe, a full disk)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
            _cannot_write("the report to stdout", exc)
        return
    try:
        write_output(output, text)
    except OSError as exc:
        _cannot_write(output, exc)


def _cannot_write(what: str, exc: OSError) -> NoReturn:
    click.echo(f"error: cannot write {printable(what)}: {printable(exc.strerror or str(exc))}", err=True)
    sys.exit(EXIT_ERROR)


def _fail_input(err: claims.InputError, color: bool) -> NoReturn:
    """Print every diagnostic to stderr and exit 2."""
    for d in err.diagnostics:
        click.echo(d.render(), err=True, color=color)
    n = len(err.diagnostics)
    click.echo(f"{plural(n, 'error')}; nothing was checked", err=True)
    sys.exit(EXIT_ERROR)


class _Progress:
    """Progress on stderr for long runs (only when stderr is a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < 50:
            return
        pct = done * 100 // total
        if pct != self.last:
            self.last = pct
            click.echo(f"\rsolving components: {done}/{total} ({pct}%)", err=True, nl=done == total)


def _parse_limits(_ctx: click.Context, _param: click.Parameter, values: Sequence[str]) -> claims.Limits:
    limits = claims.Limits()
    for v in values:
        try:
            limits = limits.with_text(v)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return limits


def _limits(f: Callable[..., None]) -> Callable[..., None]:
    """``--timeout``, ``--max``, ``--limit`` and ``--root``: shared by ``check`` and ``baseline``, since
    they change what is found."""
    f = click.option(
        "--root",
        metavar="DIR",
        type=click.Path(file_okay=False, path_type=str),
        default=None,
        help="The folder every document and rule file the claim files name must lie under "
        "[default: the folders given, or each file's own folder].",
    )(f)
    f = click.option(
        "--limit",
        "limits",
        metavar="NAME=N",
        multiple=True,
        callback=_parse_limits,
        help="Raise (or lower) a bound on what the input may cost, e.g. --limit instances=5000000; "
        "the bounds and their defaults are in SECURITY.md.",
    )(f)
    f = click.option(
        "--max",
        "max_",
        type=click.IntRange(min=1),
        default=None,
        help="Stop after N contradictions per component (the report says it is truncated).",
    )(f)
    return click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=30.0,
        show_default=True,
        help="Seconds per solver check; a check that hits it is reported as unknown.",
    )(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(claims.__version__, prog_name="claims")
def main() -> None:
    """Check claims taken from documents for contradictions and unsupported conclusions."""
    # A character no encoding can carry (a file name that is not UTF-8) is written as its
    # escape rather than ending the run with UnicodeEncodeError (issue 17, item 6).
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS.names()), default="text", show_default=True, help="Output format."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write the report to FILE instead of stdout: a regular file atomically, through a "
    "symlink to its target, straight into a device or pipe; - is stdout.",
)
@_limits
@click.option(
    "--allow-unsupported",
    is_flag=True,
    help="Do not fail (exit 1) on unsupported conclusions; refuted ones still fail.",
)
@click.option(
    "--fail-on-warnings",
    is_flag=True,
    help="Fail (exit 1) on warnings too: the symbol linter's (similar-symbols, symbol-once, ...) and "
    "near-contradictions; under --baseline or --since, on new ones only.",
)
@click.option("--no-color", is_flag=True, help="No colour, even on a terminal.")
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="Fail only on findings not in this baseline file (see `claims baseline`).",
)
@click.option(
    "--since",
    metavar="REV",
    default=None,
    help="Fail only on findings introduced since git revision REV (read from git, never checked out).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for independent components [default: the number of cores].",
)
@click.option("--no-cache", is_flag=True, help="Solve every component afresh instead of reusing .claims-cache/.")
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where components are solved: this machine, or a Dask cluster (--scheduler).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="The Dask scheduler's address (tcp://HOST:PORT), with --executor dask.",
)
@click.option("--verbose", "-v", is_flag=True, help="Say on stderr what the result cache gave and what it ignored.")
def check(
    paths: Sequence[str],
    fmt: str,
    output: str | None,
    timeout: float,
    max_: int | None,
    limits: claims.Limits,
    root: str | None,
    allow_unsupported: bool,
    fail_on_warnings: bool,
    no_color: bool,
    baseline: str | None,
    since: str | None,
    jobs: int | None,
    no_cache: bool,
    executor: str,
    scheduler: str | None,
    verbose: bool,
) -> None:
    """Check claim files (or directories of them) for contradictions and conclusions.

    Exit 0 when nothing is found, 1 on findings (a contradiction, a refuted or
    unsupported conclusion, an undecided part), 2 on a usage or input error.
    Warnings (the linter's, near-contradictions) are reported in every format
    and fail only with --fail-on-warnings. Under --baseline or --since, exit 1 only on findings
    that are new.
    """
    if baseline is not None and since is not None:
        raise click.UsageError("--baseline and --since cannot be used together; choose one")
    if executor == "dask" and scheduler is None:
        raise click.UsageError("--executor dask needs --scheduler ADDRESS")
    if executor != "dask" and scheduler is not None:
        raise click.UsageError("--scheduler is used only with --executor dask")
    _gc.off_for_the_run()
    color = (not no_color) and "NO_COLOR" not in os.environ and output is None and sys.stdout.isatty()
    err_color = (not no_color) and sys.stderr.isatty()

    def stop(err: claims.InputError) -> NoReturn:
        _stop(err, fmt, output, paths, timeout, max_, err_color)

    with _ending_on_errors(stop):
        ds = claims.load(*paths, cache=None if no_cache else CACHE_DIR, root=root, limits=limits, jobs=jobs)
        ref = _gate.reference(baseline=baseline, since=since, paths=paths)
    progress = _Progress(sys.stderr.isatty())
    store = None if no_cache else ResultCache(CACHE_DIR)
    with _ending_on_errors(stop):
        report = claims.check(
            ds,
            timeout=timeout,
            max_per_component=max_,
            progress=progress,
            jobs=jobs,
            cache=False if store is None else store,
            executor=executor,
            scheduler=scheduler,
            limits=limits,
        )
    records = Records.of(report, allow_unsupported=allow_unsupported, fail_on_warnings=fail_on_warnings)
    with _ending_on_errors(stop):
        # The revision's dataset is solved as this one was (and shares its cache: unchanged
        # components are not solved again).
        gate = (
            None
            if ref is None
            else ref.gate(
                records.findings,
                allow_unsupported=allow_unsupported,
                timeout=timeout,
                max_per_component=max_,
                jobs=jobs,
                limits=limits,
                root=root,
                cache=False if no_cache else CACHE_DIR,
                executor=executor,
                scheduler=scheduler,
            )
        )
    if verbose and store is not None:
        click.echo(
            f"result cache ({CACHE_DIR}): {store.hits} reused, {store.misses} solved, "
            f"{store.corrupt} damaged, {store.ignored} ignored (not signed by you: "
            "a cache that came with the input decides nothing)",
            err=True,
        )
    view = View(
        color=color,
        width=80,
        gate=gate,
        allow_unsupported=allow_unsupported,
        fail_on_warnings=fail_on_warnings,
        records=records,
    )
    _emit(_render.render(fmt, report, view), output, color)
    if gate is not None and fmt != "text":
        click.echo(_render.gate_text(records, gate).strip("\n"), err=True)
    global _DONE
    _DONE = True
    sys.exit(exit_status(report, records, gate))


_DONE = False  # a check ran to its end: what is left is only freeing memory


class Stopped(BaseException):
    """SIGINT or SIGTERM arrived: the run unwinds (ending its children on the way) and exits 128 + signal.

    A ``BaseException`` like ``KeyboardInterrupt``, so that no ``except Exception`` takes it
    for a failure; but not ``KeyboardInterrupt`` itself, which click turns into "Aborted!"
    and exit 1, the code for findings (issue 17, item 7).
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_stopping: int | None = None  # the signal being acted on; another one ends the process at once
_deferred: int | None = None  # a signal that arrived inside a finalizer, delivered again shortly


def _on_signal(signum: int, frame: FrameType | None) -> None:
    """Stop the run: raise :class:`Stopped` where the main thread is, unless that is a finalizer."""
    global _stopping, _deferred
    if _stopping is not None:
        # a second signal while the run unwinds (Ctrl-C pressed again; a CI runner's SIGTERM after
        # its SIGINT): stop now, without waiting for the workers to end
        _exit_stopped(_stopping, wait=False)
    if _in_finalizer(frame):
        # Raised inside a __del__ (z3's objects have them), an exception is printed with a
        # traceback and ignored, and the run goes on; so it is raised a moment later, outside.
        _deferred = signum
        signal.setitimer(signal.ITIMER_REAL, 0.01)
        return
    _deferred = None
    _stopping = signum
    raise Stopped(signum)


def _on_alarm(_signum: int, frame: FrameType | None) -> None:
    if _deferred is not None and _stopping is None:
        _on_signal(_deferred, frame)


def _finalizer_codes() -> frozenset[CodeType]:
    """The code of the finalizer callbacks whose exceptions Python prints and ignores, as it does
    for ``__del__``: multiprocessing's (they release the worker pool's semaphores) and weakref's."""
    import weakref

    return frozenset({multiprocessing.util.Finalize.__call__.__code__, weakref.finalize.__call__.__code__})


_FINALIZERS = _finalizer_codes()


def _in_finalizer(frame: FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code.co_name == "__del__" or frame.f_code in _FINALIZERS:
            return True
        frame = frame.f_back
    return False


def _exit_stopped(signum: int, *, wait: bool = True) -> NoReturn:
    """One line on stderr, every child of ours ended, and out without running finalizers."""
    for child in multiprocessing.active_children():  # a safety net: the executor ends its own
        child.kill()
        if wait:
            child.join(5)
    if wait:
        # What the run left is freed now, and multiprocessing's own exit runs, so that the worker
        # pool's semaphores are released (else its resource tracker warns of them as "leaked").
        # That exit function is CPython's private one (registered with atexit, which os._exit
        # skips); no public call does its work. Should a later CPython lack it, the only cost is
        # that warning, so it is looked up, not assumed.
        gc.collect()
        exit_function = getattr(multiprocessing.util, "_exit_function", None)
        if callable(exit_function):
            exit_function()
    name = signal.Signals(signum).name
    how = " (Ctrl-C)" if signum == signal.SIGINT else ""
    try:
        sys.stderr.write(f"claims: stopped by {name}{how}; the run did not finish\n")
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed stream: the exit code says it all
        pass
    # no interpreter shutdown: z3's finalizers could print tracebacks from half-freed objects
    os._exit(128 + signum)


def run() -> None:
    """The console script: ``main``, then, after a whole check, exit at once.

    Freeing the objects of 100,000 claims one by one at interpreter exit takes
    a third of a second, for a process that is ending anyway; like mypy's
    ``hard_exit``, a finished check flushes its output and leaves without it.
    Everything else (errors, other commands) exits the usual way.

    SIGINT and SIGTERM stop any command: worker processes and the lint's child
    are ended as the run unwinds, one line says so on stderr, and the exit code
    is 130 or 143 (128 + the signal, as a shell reports it).
    """
    for sig in _STOP_SIGNALS:
        signal.signal(sig, _on_signal)
    signal.signal(signal.SIGALRM, _on_alarm)
    try:
        main()
    except Stopped:
        pass  # out of the handler first: its traceback holds the run's frames, and so its pools
    except SystemExit as exc:
        if _stopping is None:
            if not _DONE or not isinstance(exc.code, int):
                raise
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(exc.code)
        # else a signal arrived while the run was ending anyway
    if _stopping is not None:
        _exit_stopped(_stopping)


@contextlib.contextmanager
def _ending_on_errors(stop: Callable[[claims.InputError], NoReturn]) -> Iterator[None]:
    """An input error ends the run through ``stop``; any other error of the engine in one line, exit 2."""
    try:
        yield
    except claims.InputError as err:
        stop(err)
    except claims.ClaimsError as err:
        click.echo(f"error: {printable(str(err))}", err=True)
        sys.exit(EXIT_ERROR)


def _stop(
    err: claims.InputError,
    fmt: str,
    output: str | None,
    paths: Sequence[str],
    timeout: float,
    max_: int | None,
    color: bool,
) -> NoReturn:
    """Input errors: the machine formats still write a document (of ``error`` findings), then exit 2."""
    _emit(_render.render_errors(fmt, err.diagnostics, files=paths, timeout=timeout, max_per_component=max_), output)
    _fail_input(err, color=color)


def _emit(text: str | None, output: str | None, color: bool = False) -> None:
    """Write a report to ``output`` or to stdout; nothing when there is none."""
    if text is None:
        return
    _write(output, text, color)


@main.command("baseline")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=str),
    help="The baseline file to write (as check --output writes; - is stdout).",
)
@_limits
@click.option(
    "--allow-unsupported",
    is_flag=True,
    help="Leave unsupported conclusions out of the baseline (they do not fail the check).",
)
def baseline_cmd(
    paths: Sequence[str],
    output: str,
    timeout: float,
    max_: int | None,
    limits: claims.Limits,
    root: str | None,
    allow_unsupported: bool,
) -> None:
    """Write the current failing findings to a baseline file for `claims check --baseline`.

    The baseline is a JSON report (schema claims/schemas/report-v2.schema.json)
    that names each finding by its fingerprint. Exit 0 when it is written,
    findings or not; 2 on a usage or input error (nothing is written).
    """
    try:
        ds = claims.load(*paths, root=root, limits=limits)
        report = claims.check(
            ds, timeout=timeout, max_per_component=max_, progress=_Progress(sys.stderr.isatty()), limits=limits
        )
    except claims.InputError as err:
        _fail_input(err, color=sys.stderr.isatty())
    text, n = _gate.baseline_text(report, Records.of(report, allow_unsupported=allow_unsupported))
    _write(output, text)
    click.echo(f"wrote {plural(n, 'finding')} to {printable(output)}", err=True)
    sys.exit(EXIT_SUCCESS)


@main.command("draft")
@click.argument("article", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--published",
    metavar="YYYY-MM-DD",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day the article was published, which weekdays are counted back from "
    "[default: the first date the text writes in full].",
)
@click.option(
    "--rules",
    "rules_dir",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Suggest, beside each claim, the symbols declared in DIR/*.rules that share words with its quote.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="Write the claim file to FILE (atomically) instead of stdout.",
)
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists already.")
def draft_cmd(
    article: str, published: datetime.datetime | None, rules_dir: str | None, output: str | None, overwrite: bool
) -> None:
    """Draft a claim file from ARTICLE: every attributed statement, with its speaker, outlet, day and quote.

    Each formula is the placeholder TODO, which `claims check` reports as
    not-encoded (exit 2) until it is written. Exit 0 when the file is written,
    2 on an input error or when FILE exists (unless --overwrite); nothing is written then.
    """
    from pathlib import Path

    from claims._front.draft import draft

    if output is not None and output != "-" and os.path.lexists(output) and not overwrite:
        exists = Diagnostic(span=Span(output, 1, 0), code=FILE_EXISTS.code, message="the file exists already")
        _fail_diagnostics(claims.InputError([exists]), "nothing was written (use --overwrite)")
    target = None if output is None or output == "-" else Path(output)
    try:
        text = draft(
            Path(article),
            published=published.date() if published is not None else None,
            rules=Path(rules_dir) if rules_dir is not None else None,
            output=target,
        )
    except claims.InputError as err:
        _fail_diagnostics(err, "nothing was written")
    _write(output, text)
    if target is not None:
        click.echo(f"wrote {printable(str(target))}", err=True)


# --------------------------------------------------------------------------- external benchmarks


def _fail_diagnostics(err: claims.InputError, what: str) -> None:
    """Print every diagnostic to stderr, say what did not happen, and exit 2."""
    color = sys.stderr.isatty()
    for d in err.diagnostics:
        click.echo(d.render(), err=True, color=color)
    n = len(err.diagnostics)
    click.echo(f"{plural(n, 'error')}; {what}", err=True)
    sys.exit(EXIT_ERROR)


@main.group("import")
def import_group() -> None:
    """Import an external benchmark as claim datasets."""


@import_group.command("folio")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--output",
    "-o",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=str),
    help="Directory for the datasets: one folder per story (claims.yaml and story.txt).",
)
@click.option(
    "--overwrite", is_flag=True, help="Replace files of ours that exist already (other files are never touched)."
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Leave out stories and conclusions whose formulas cannot be read, instead of writing nothing.",
)
def import_folio(file: str, out_dir: str, overwrite: bool, skip_invalid: bool) -> None:
    """Write each story of a FOLIO JSON Lines FILE as a claim dataset.

    Premises become facts and each example's conclusion a conclusion; check a
    story with `claims check DIR/story-ID`. Nothing is written when a file
    exists already (unless --overwrite) or a formula cannot be read (unless
    --skip-invalid). Exit 0 when written, 2 on an input error.
    """
    from claims._run import folio as _folio

    try:
        imp = _folio.import_folio(file, out_dir, overwrite=overwrite, skip_invalid=skip_invalid, write=write_output)
    except claims.InputError as err:
        _fail_diagnostics(err, "nothing was written")
    except OSError as exc:
        _cannot_write(exc.filename if isinstance(exc.filename, str) else out_dir, exc)
    for d in imp.diagnostics:
        click.echo(str(d) + (f"\n  hint: {printable(d.hint)}" if d.hint else ""), err=True)
    click.echo(_folio.import_summary(imp, out_dir))


@main.group("conformance")
def conformance_group() -> None:
    """Run an external benchmark with gold labels through the pipeline."""


@conformance_group.command("folio")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write the report to FILE instead of stdout (as check --output writes).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds per solver check; a check that hits it answers unknown.",
)
@click.option(
    "--min-agreement",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Exit 1 when fewer than N examples agree with their gold label.",
)
@click.option(
    "--free-variables",
    type=click.Choice(["auto", "universal", "constant"]),
    default="auto",
    show_default=True,
    help="How a variable that no quantifier binds is read: as 'for all' around its formula (universal), as a "
    "constant, or (auto) as 'for all' unless that makes its formula false in every model. See docs/folio.md.",
)
def conformance_folio(
    file: str, fmt: str, output: str | None, timeout: float, min_agreement: int | None, free_variables: str
) -> None:
    """Check every example of a FOLIO JSON Lines FILE and compare with its gold label.

    Each story is imported as `claims import folio` writes it and checked by
    `claims check`: supported is True, refuted False, unsupported Uncertain;
    vacuous, unknown and unreadable examples are disagreements. Exit 0, 1
    when --min-agreement is not met, 2 on an input error.
    """
    from claims._run import folio as _folio

    try:
        result = _folio.run_conformance(
            file, timeout=timeout, progress=_Progress(sys.stderr.isatty()), free_variables=free_variables
        )
    except claims.InputError as err:
        _fail_diagnostics(err, "nothing was checked")
    text = _folio.FORMATS[fmt](result)
    _write(output, text)
    sys.exit(EXIT_FINDINGS if min_agreement is not None and result.agree < min_agreement else EXIT_SUCCESS)


@main.command("fuzz")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--max-examples",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Examples per scenario search (Hypothesis max_examples).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="The scenario searches' random seed: the same seed gives the same report.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds per solver check; a question that hits it is reported as undecided.",
)
def fuzz_cmd(paths: Sequence[str], max_examples: int, seed: int, fmt: str, timeout: float) -> None:
    """Check rule sets on their own: conflicts, dead and redundant rules, examples.

    PATHS are .rules files, directories of them, or claim files and dataset
    directories (their rule sets are checked). Exit 0 when nothing is found,
    1 on findings, 2 on a usage or input error. See docs/fuzz.md.
    """
    from claims._report import fuzz as _fuzz_report
    from claims._run import fuzz as _fuzz

    try:
        report = _fuzz.fuzz_paths(paths, max_examples=max_examples, seed=seed, timeout=timeout)
    except claims.InputError as err:
        _fail_input(err, color=sys.stderr.isatty())
    click.echo(_fuzz_report.FORMATS[fmt](report), nl=False)
    sys.exit(_fuzz_report.exit_status(report))


@main.command("lsp")
def lsp_cmd() -> None:
    """Run the language server on stdin and stdout, for an editor.

    Diagnostics as you type in claim files and rule files (the codes and
    messages of `claims check`), hover, go to definition and completion.
    Needs the lsp extra: pip install 'claims-check[lsp]'. See docs/editors.md.
    """
    from claims._run import lsp as _lsp

    missing = _lsp.missing_extra()
    if missing:
        click.echo(f"error: claims lsp needs {missing}, of the lsp extra: {_lsp.INSTALL}", err=True)
        sys.exit(EXIT_ERROR)
    _lsp.serve()


if __name__ == "__main__":  # pragma: no cover
    run()
