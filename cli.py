"""The ``claims`` command line: a thin layer over the library (no solving here).

Exit codes: 0 nothing found, 1 findings, 2 usage or input error.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import click

import claims
from claims._report import FORMATS

EXIT_SUCCESS = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


def _fail_input(err: claims.InputError, color: bool) -> None:
    """Print every diagnostic to stderr and exit 2."""
    for d in err.diagnostics:
        click.echo(d.render(), err=True, color=color)
    n = len(err.diagnostics)
    click.echo(f"{n} error{'s' if n != 1 else ''}; nothing was checked", err=True)
    sys.exit(EXIT_ERROR)


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically: a temporary file in the same folder, then rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(claims.__version__, prog_name="claims")
def main() -> None:
    """Check claims taken from documents for contradictions and unsupported conclusions."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="text", show_default=True,
              help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str),
              help="Write the report to FILE (atomically) instead of stdout.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0, show_default=True,
              help="Seconds per solver check; a check that hits it is reported as unknown.")
@click.option("--max", "max_", type=click.IntRange(min=1), default=None,
              help="Stop after N contradictions per component (the report says it is truncated).")
@click.option("--allow-unsupported", is_flag=True,
              help="Do not fail (exit 1) on unsupported conclusions; refuted ones still fail.")
@click.option("--no-color", is_flag=True, help="No colour, even on a terminal.")
def check(paths: Sequence[str], fmt: str, output: str | None, timeout: float, max_: int | None,
          allow_unsupported: bool, no_color: bool) -> None:
    """Check claim files (or directories of them) for contradictions and conclusions.

    Exit 0 when nothing is found, 1 on findings (a contradiction, a refuted or
    unsupported conclusion, an undecided part), 2 on a usage or input error.
    """
    color = (not no_color) and "NO_COLOR" not in os.environ and output is None and sys.stdout.isatty()
    try:
        ds = claims.load(*paths)
    except claims.InputError as err:
        _fail_input(err, color=(not no_color) and sys.stderr.isatty())
    progress = _Progress(sys.stderr.isatty())
    report = claims.check(ds, timeout=timeout, max_per_component=max_, progress=progress)
    text = FORMATS[fmt](report, color=color, width=80)
    if output:
        write_atomic(output, text)
    else:
        click.echo(text, nl=False, color=color)
    failing = (report.contradictions or report.unknowns or report.rule_conflicts or report.truncated
               or report.failing_conclusions(allow_unsupported=allow_unsupported))
    sys.exit(EXIT_FINDINGS if failing else EXIT_SUCCESS)


if __name__ == "__main__":  # pragma: no cover
    main()
