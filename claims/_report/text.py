"""Stage *report*, the person's view: the text report (``--format text``) and the notebook's table.

Both register themselves in :data:`claims._report.findings.FORMATS`. Nothing here solves anything.
"""

from __future__ import annotations

import html
import io
import itertools
import re
from collections import Counter

import attrs
from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from claims._base.errors import printable as _u  # what the data says, on its line, control characters escaped
from claims._base.text import plural as _plural
from claims._front.model import Claim, Rule
from claims._report.findings import (
    FORMATS,
    Conflict,
    Contradiction,
    Reading,
    Report,
    Verdict,
    View,
    culprits,
    source_count,
    summary_line,
)

_VERDICT_STYLE = {
    "supported": "green",
    "refuted": "red",
    "unsupported": "yellow",
    "vacuous": "magenta",
    "unknown": "magenta",
}


def _block(text: Text | str, indent: int, style: str = "") -> Line:
    """A paragraph whose wrapped lines stay under its first line."""
    t = text if isinstance(text, Text) else Text(text, style=style)
    return Line(indent, t)


@attrs.frozen
class Line:
    """One paragraph of the text report: its indent and its (styled) text."""

    indent: int
    text: Text


class _Writer:
    """Collects the text report's lines.

    rich lays out every paragraph (wrapping, styles); but a paragraph of
    printable ASCII that fits the width, written without colour, comes out as
    the indent and the text, so it is written directly: the same bytes, and
    ten times faster on a report of 100,000 lines; a longer one is cut where
    rich's word-wrapping cuts it. Anything else goes to rich.
    """

    def __init__(self, color: bool, width: int) -> None:
        self.width = width
        self.color = color
        self.chunks: list[str] = []
        self.console = Console(
            file=io.StringIO(),
            width=width,
            force_terminal=color,
            no_color=not color,
            color_system="standard" if color else None,
            highlight=False,
            emoji=False,
            soft_wrap=False,
        )

    direct = True  # False: every line through rich (the tests compare both ways)

    def __call__(self, item: Line | Text | str = "") -> None:
        line = item if isinstance(item, Line) else Line(0, item if isinstance(item, Text) else Text(item))
        plain = line.text.plain
        if not plain:
            self.chunks.append("\n")  # rich prints nothing at all for an empty paragraph
            return
        if self.direct and not self.color and _PRINTABLE.fullmatch(plain):
            pad = " " * line.indent
            if line.indent + len(plain) <= self.width:
                self.chunks.append(pad + plain + "\n")
                return
            if line.indent < self.width:
                cuts = [0, *_breaks(plain, self.width - line.indent), len(plain)]
                self.chunks.extend(pad + plain[a:b] + "\n" for a, b in itertools.pairwise(cuts))
                return
        with self.console.capture() as cap:
            self.console.print(Padding(line.text, (0, 0, 0, line.indent), expand=False))
        self.chunks.append(cap.get())

    def text(self) -> str:
        # rich pads wrapped lines to the width; trailing blanks help nobody
        return "\n".join(line.rstrip(" ") for line in "".join(self.chunks).split("\n"))


_PRINTABLE = re.compile(r"[ -~]*")
_WORD = re.compile(r" *[^ ]+ *")  # a word, the blanks before it (at the start) and after it


def _breaks(text: str, width: int) -> list[int]:
    """Where rich's word-wrapping (``Text.wrap``, folding on) cuts ``text``, printable ASCII, into lines of ``width``.

    rich cuts before a word that does not fit what is left of the line (a line
    holds at least one word), and cuts a word longer than a whole line every
    ``width`` characters. Every character of printable ASCII is one cell wide.
    The tests compare the lines with rich's own.
    """
    cuts: list[int] = []
    used = 0  # cells on the current line
    for m in _WORD.finditer(text):
        start, word = m.start(), m.group()
        length = len(word.rstrip(" "))
        if width - used >= length:
            used += len(word)
        elif length > width:
            pieces = [word[i : i + width] for i in range(0, len(word), width)]
            for piece in pieces:
                if start:
                    cuts.append(start)
                start += len(piece)
            used = len(pieces[-1])
        elif used and start:
            cuts.append(start)
            used = len(word)
    return cuts


# Every text that comes from the data goes through _u (claims._base.errors.printable): a newline, a tab
# or an escape sequence (ESC, CSI) in a name or a quote would otherwise break the report's lines or
# reach the terminal as a command, and rich drops BEL and a few others silently (issue 17, item 8).


def _claim_lines(c: Claim, indent: int = 2) -> list[Line]:
    head = Text()
    head.append(_u(c.id), style="bold")
    when = c.said.isoformat()
    if c.holds is not None and c.holds != (c.said, c.said):
        lo, hi = c.holds
        when += f", holds {lo.isoformat()}" + ("" if lo == hi else f"..{hi.isoformat()}")
    head.append(f"  {when}", style="dim")
    who = c.source.label()
    out = [_block(head, indent), _block(_u(who), indent + 2)]
    out.append(_block(f'"{_u(c.quote)}"', indent + 2, "italic"))
    out.append(_block(_u(c.formula), indent + 2, "cyan"))
    if c.span is not None:
        out.append(_block(f"{_u(c.span.path)}:{c.span.line}", indent + 2, "dim"))
    return out


def _rule_line(r: Rule, indent: int = 2) -> Line:
    t = Text("rule ")
    t.append(_u(r.id), style="bold")
    t.append(f": {_u(r.description)}")
    if r.span is not None:
        t.append(f" ({_u(r.span.path)}:{r.span.line})", style="dim")
    return _block(t, indent)


def _contradiction(k: int, c: Contradiction) -> list[Line]:
    head = Text()
    head.append(f"#{k} ", style="bold red")
    head.append(_u(" vs ".join(dict.fromkeys(x.source.name for x in c.claims))), style="bold")
    head.append(f"  ({_plural(len(c.claims), 'claim')}, {_plural(len(c.rules), 'rule')})", style="dim")
    out = [_block(head, 0)]
    for x in c.claims:
        out.extend(_claim_lines(x))
    if c.rules:
        out.extend(_rule_line(r) for r in c.rules)
    else:
        out.append(_block("no rule needed: the claims clash directly", 2, "dim"))
    out.append(_block(f"fingerprint {c.fingerprint[:12]}", 2, "dim"))
    return out


def _ids(claims: tuple[Claim, ...] | list[Claim]) -> str:
    return _u(", ".join(c.id for c in claims))


def _reading(r: Reading) -> list[Line]:
    head = Text(f"{r.semantics:<10} ")
    head.append(r.verdict.upper(), style=f"bold {_VERDICT_STYLE.get(r.verdict, 'magenta')}")
    out = [_block(head, 6)]
    if r.verdict == "unknown":
        out.append(_block(f"not decided: {_u(str(r.reason))}", 8, "dim"))
        return out
    if r.premises or r.rules:
        by = ", ".join([*(c.id for c in r.premises), *(f"rule {x.id}" for x in r.rules)])
        out.append(_block(f"by {_u(by)}", 8))
    if r.set_aside and r.semantics == "AR":
        out.append(_block(f"it does not follow when setting aside {_ids(r.set_aside)}", 8))
    elif r.set_aside:
        out.append(_block(f"setting aside {_ids(r.set_aside)}", 8))
    return out


def _tolerant(v: Verdict, numbers: dict[str, int]) -> list[Line]:
    """A vacuous verdict: what follows under the repairs of its premises, then which contradictions make it so."""
    refs = ", ".join(f"#{numbers[c.fingerprint]}" for c in v.contradictions if c.fingerprint in numbers)
    out = [
        _block(
            f"the premises contradict each other ({_plural(len(v.contradictions), 'contradiction')}"
            + (f": {refs}" if refs else "")
            + "), so strictly anything follows; under the repairs of the premises:",
            4,
        )
    ]
    for r in v.readings:
        out.extend(_reading(r))
    return out


def _conflict(k: int, g: Conflict, numbers: dict[str, int]) -> list[Line]:
    refs = ", ".join(f"#{numbers[c.fingerprint]}" for c in g.contradictions if c.fingerprint in numbers)
    out = [_block(Text(f"conflict {k}: {refs}  ({_plural(len(g.claims), 'claim')})", style="bold"), 2)]
    if not g.complete:
        out.append(_block(f"repairs not known: {_u(str(g.reason))}", 4, "dim"))
        return out
    smallest = g.smallest
    either = " or ".join(_ids(r) for r in smallest[:_SHOWN]) + (" or ..." if len(smallest) > _SHOWN else "")
    out.append(_block(f"the smallest fix sets aside {_plural(len(smallest[0]), 'claim')}: {either}", 4))
    if g.preferred is not None and not g.tied and (len(smallest) > 1 or g.preferred != smallest[0]):
        out.append(_block(f"the preferred fix (least total weight) sets aside {_ids(g.preferred)}", 4))
    every = g.in_every_repair
    if every:
        out.append(_block(f"set aside by every fix: {_ids(every)}", 4))
    if len(g.repairs) > 1:
        out.append(_block(f"{_plural(len(g.repairs), 'fix', 'fixes')} in all:", 4))
        for r in g.repairs[:_SHOWN]:
            out.append(_block(_ids(r), 6))
        if len(g.repairs) > _SHOWN:
            out.append(_block(f"... and {len(g.repairs) - _SHOWN} more", 6, "dim"))
    return out


_SHOWN = 5
"""Repairs listed per conflict, and rows per culprit ranking, in the text report."""


def _verdict(v: Verdict, numbers: dict[str, int]) -> list[Line]:
    head = Text()
    head.append(v.verdict.upper(), style=f"bold {_VERDICT_STYLE[v.verdict]}")
    head.append("  ")
    out = [_block(head + Text(_u(v.claim.id), style="bold"), 2)]
    out.extend(_claim_lines(v.claim, indent=2)[1:])
    if v.verdict in ("supported", "refuted"):
        what = "entail it" if v.verdict == "supported" else "entail its negation"
        out.append(_block(f"these premises {what}:", 4))
        for p in v.premises:
            out.extend(_claim_lines(p, indent=6))
        out.extend(_rule_line(r, indent=6) for r in v.rules)
        if not v.premises:
            out.append(_block("(no premise needed: the rules alone decide it)", 6, "dim"))
    elif v.verdict == "unsupported":
        out.append(_block("a scenario where every premise holds and the conclusion fails:", 4))
        for s in v.countermodel:
            out.append(_block(_u(str(s)), 6))
        if not v.countermodel:
            out.append(_block("(the conclusion shares no symbol with any premise)", 6, "dim"))
    elif v.verdict == "vacuous" and v.readings:
        out.extend(_tolerant(v, numbers))
    elif v.verdict == "vacuous":
        out.append(_block("the premises contradict each other, so anything would follow; see:", 4))
        for c in v.contradictions:
            out.append(_block(_u(", ".join(x.id for x in c.claims)), 6))
    else:
        out.append(_block(f"the solver could not decide: {_u(str(v.reason))}", 4))
    return out


def _culprit_note(every: int, preferred: int) -> str:
    notes = []
    if every:
        notes.append(f"{every} in every fix" if every > 1 else "in every fix")
    if preferred:
        notes.append(f"{preferred} in the preferred fix" if preferred > 1 else "in the preferred fix")
    return f"  ({'; '.join(notes)})" if notes else ""


def render_text(report: Report, *, color: bool = False, width: int = 80) -> str:
    """The person's view: header, contradictions, conclusions, top sources, summary."""
    out = _Writer(color, width)
    ds = report.dataset
    kinds = Counter(c.kind for c in ds.claims)
    out(Text("claims check: " + _u(", ".join(ds.files)), style="bold"))
    kind_txt = ", ".join(_plural(kinds[k], k) for k in ("fact", "prediction", "conclusion") if kinds[k])
    out(
        f"{_plural(len(ds.claims), 'claim')} ({kind_txt}) from "
        f"{_plural(source_count(ds), 'source')}; "
        f"{_plural(len(ds.rules), 'rule')}; {_plural(report.stats.components, 'component')}"
    )
    if report.rule_conflicts:
        out()
        out(
            Text(
                f"Rule conflicts ({len(report.rule_conflicts)}): the rules contradict each other "
                "before any claim, so no claim was checked",
                style="bold red",
            )
        )
        for rc in report.rule_conflicts:
            for r in rc.rules:
                out(_rule_line(r))
            out()
    out()
    numbers = {c.fingerprint: k for k, c in enumerate(report.contradictions, 1)}
    if report.conclusions:
        # the conclusions lead: what follows, and under which repairs, before the evidence
        out(Text(f"Conclusions ({len(report.conclusions)})", style="bold underline"))
        for v in report.conclusions:
            out()
            for line in _verdict(v, numbers):
                out(line)
        out()
    out(Text(f"Contradictions ({len(report.contradictions)})", style="bold underline"))
    if not report.contradictions:
        out("  none" + ("" if report.complete else " found (enumeration incomplete)"))
    for k, c in enumerate(report.contradictions, 1):
        out()
        for line in _contradiction(k, c):
            out(line)
    if report.conflicts:
        out()
        out(Text(f"Repairs ({_plural(len(report.conflicts), 'independent conflict')})", style="bold underline"))
        for k, g in enumerate(report.conflicts, 1):
            out()
            for line in _conflict(k, g, numbers):
                out(line)
    if report.unknowns:
        out()
        out(Text(f"Undecided ({len(report.unknowns)})", style="bold underline"))
        for u in report.unknowns:
            out(
                f"  {_plural(len(u.claims), 'claim')} ({_u(', '.join(c.id for c in u.claims[:6]))}"
                f"{', ...' if len(u.claims) > 6 else ''}): {_u(u.reason)}; "
                f"{_plural(u.found, 'contradiction')} found before it stopped"
            )
    if report.contradictions:
        by_claim, by_source = culprits(report)
        out()
        out(Text("Claims most often in contradictions", style="bold underline"))
        for row in by_claim[:_SHOWN]:
            out(
                _block(f"{row.contradictions}  {_u(row.name)}{_culprit_note(row.in_every_repair, row.in_preferred)}", 2)
            )
        out()
        out(Text("Sources most often in contradictions", style="bold underline"))
        for row in by_source[:_SHOWN]:
            out(
                _block(f"{row.contradictions}  {_u(row.name)}{_culprit_note(row.in_every_repair, row.in_preferred)}", 2)
            )
    if report.warnings:
        out()
        out(Text(f"Warnings ({len(report.warnings)})", style="bold underline"))
        for d in report.warnings:
            out(Text(f"  {d}" + (f"\n    hint: {_u(d.hint)}" if d.hint else "")))
    out()
    out(Text("Summary: " + summary_line(report), style="bold"))
    return out.text()


def render_html_table(report: Report) -> str:
    """A compact HTML table of the findings, for Jupyter."""
    rows = []
    for k, c in enumerate(report.contradictions, 1):
        who = "<br>".join(
            f"<b>{html.escape(x.id)}</b> — {html.escape(x.source.label())}: <i>“{html.escape(x.quote)}”</i>"
            for x in c.claims
        )
        rules = ", ".join(html.escape(r.id) for r in c.rules) or "—"
        rows.append(f"<tr><td>contradiction #{k}</td><td>{who}</td><td>{rules}</td></tr>")
    for v in report.conclusions:
        rows.append(
            f"<tr><td>{html.escape(v.verdict)}</td><td><b>{html.escape(v.claim.id)}</b> — "
            f"<i>“{html.escape(v.claim.quote)}”</i></td><td>"
            f"{', '.join(html.escape(r.id) for r in v.rules) or '—'}</td></tr>"
        )
    return (
        "<table><thead><tr><th>finding</th><th>claims</th><th>rules</th></tr></thead><tbody>"
        + "".join(rows)
        + f"</tbody></table><p>{html.escape(summary_line(report))}</p>"
    )


@FORMATS.register("text")
def _text(report: Report, view: View) -> str:
    return render_text(report, color=view.color, width=view.width)


@FORMATS.register("notebook", listed=False)
def _notebook(report: Report, view: View) -> str:
    del view  # a table has no width and no terminal colours
    return render_html_table(report)
