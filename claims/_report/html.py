"""Stage *report*, the person's page: one self-contained HTML file (``--format html``).

The page is built from the findings alone, like every other format, and is
meant to be read by a fact-checker, not by a machine:

- a summary: who contradicts whom, and the claims and sources most often
  in contradictions (with how often every fix, or the preferred one, sets
  them aside);
- a graph (inline SVG): one row per claim in a finding, grouped by source,
  and one lane per finding that joins its claims; every lane and row is a
  plain ``<a href="#...">`` link, so the graph works without a script;
- a card per contradiction, per independent conflict (its fixes: the
  minimal sets of claims to set aside) and per conclusion verdict (claims,
  rules, scenario; a vacuous one leads with what follows under the repairs);
- every source and claim, and the source documents with each quoted passage
  highlighted (``<mark>``) and linked both ways with its claim.

Self-contained on purpose: no network, no external URL of any kind, CSS inline
and no script, so the file can be mailed, archived or printed as it is. The
layout is computed, never random, and nothing depends on the clock: the same
report gives the same bytes. Everything that comes from the data goes through
:func:`_e` (attribute-safe escaping).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from claims._base.text import plural as _plural
from claims._base.text import quote_pattern
from claims._base.version import __version__
from claims._front.model import Claim, Dataset, Rule, Source
from claims._report.findings import FORMATS, Conflict, Contradiction, Report, Verdict, View, culprits, summary_line

__all__ = ["render_html"]

# Speaker colours: the Tableau-10 hues without its red, which the page keeps for clashes.
_PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#b07aa1",
    "#76b7b2",
    "#d4a72c",
    "#9c755f",
    "#2f4b7c",
    "#a05195",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
)

_VERDICT_TEXT = {
    "supported": "the premises entail it",
    "refuted": "the premises entail its negation",
    "unsupported": "the premises do not decide it",
    "vacuous": "the premises contradict each other",
    "unknown": "the solver could not decide",
}

# The graph shows at most this many lanes; every finding still has its card.
_MAX_LANES = 80


# What HTML5 forbids in a document, as text or as a character reference: the C0 controls but tab,
# newline, form feed and carriage return; DEL and the C1 controls; noncharacters; lone surrogates
# (which no encoding can carry). Any of them made the page fail a strict parse (issue 17, item 9).
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ud800-\udfff"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))
    + "]"
)


def _shown(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _e(value: object) -> str:
    """Escape text for HTML content and for double- or single-quoted attributes.

    A character HTML5 forbids is shown as its escape (``\\x07``, ``\\ufffe``), as diagnostics
    show it: a page cannot carry it, not even as ``&#7;``.
    """
    text = str(value)
    # isprintable() is fast, holds for most text (once line breaks are put aside), and rules out
    # every forbidden character; the pattern is slow on long text (a document), so it comes second
    if (
        not text.isprintable()
        and not text.replace("\n", " ").replace("\t", " ").isprintable()
        and _FORBIDDEN.search(text)
    ):
        text = _FORBIDDEN.sub(_shown, text)
    return html.escape(text, quote=True)


def _shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters."""
    one = " ".join(text.split())
    if len(one) <= limit:
        return one
    cut = one[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.") + "…"


# --------------------------------------------------------------------------- quotes in their documents


def _locate(ds: Dataset) -> dict[str, tuple[int, int, int]]:
    """Where each claim's quote is: ``claim id -> (document index, start, end)``.

    Loading found each quote and kept where it starts (``quote_offset``) in the
    document it looked in: the source's own, else its claim file's. The quote
    ends where its last word ends, the words read from that offset on (the
    quote matched up to whitespace); nothing is searched again.
    """
    index = {path: i for i, (path, _) in reversed(list(enumerate(ds.documents)))}
    file_document = {} if ds._context is None else {f.path: f.document for f in ds._context.files}
    out: dict[str, tuple[int, int, int]] = {}
    for c in ds.claims:
        if c.quote_offset is None:
            continue
        doc = c.source.document or (file_document.get(c.span.path) if c.span is not None else None)
        i = index.get(doc) if doc is not None else None
        if i is None:
            continue
        text = ds.documents[i][1]
        end = _quote_end(text, c.quote_offset, c.quote.split())
        if end is None:  # found with typographic quotes, dashes or an ellipsis written otherwise
            m = quote_pattern(c.quote, r"\s+").match(text, c.quote_offset)
            end = None if m is None else m.end()
        if end is not None:
            out[c.id] = (i, c.quote_offset, end)
    return out


def _quote_end(text: str, start: int, words: Sequence[str]) -> int | None:
    """Where the passage of ``text`` from ``start`` that is ``words`` (whitespace between them) ends; None
    when it is not there."""
    at = start
    for k, word in enumerate(words):
        if k:
            blank = at
            while at < len(text) and text[at].isspace():
                at += 1
            if at == blank:
                return None
        if not text.startswith(word, at):
            return None
        at += len(word)
    return at if words else None


# --------------------------------------------------------------------------- names and links


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.") or "x"


class _Page:
    """Lookups shared by every part of the page: numbers, anchors, colours, places."""

    def __init__(self, report: Report) -> None:
        ds = report.dataset
        self.report = report
        self.ds = ds
        taken: set[str] = set()

        def anchor(prefix: str, name: str) -> str:
            base = f"{prefix}-{_slug(name)}"
            a, k = base, 2
            while a in taken or f"{a}-h" in taken:  # each card's heading has the id of the card + "-h"
                a, k = f"{base}-{k}", k + 1
            taken.update((a, f"{a}-h"))
            return a

        for k in range(1, len(report.contradictions) + 1):
            taken.add(f"contradiction-{k}")
        for k in range(1, len(report.conclusions) + 1):
            taken.add(f"conclusion-{k}")
        self.claims: dict[str, Claim] = {}
        self.number: dict[str, int] = {}
        self.claim_id: dict[str, str] = {}
        self.passage_id: dict[str, str] = {}
        for c in self._all_claims():
            if c.id in self.claims:
                continue
            self.claims[c.id] = c
            self.number[c.id] = len(self.number) + 1
            self.claim_id[c.id] = anchor("claim", c.id)
            self.passage_id[c.id] = anchor("passage", c.id)
        self.sources: list[Source] = list(dict.fromkeys([*ds.sources, *(c.source for c in self.claims.values())]))
        self.source_id = {s: anchor("source", s.id) for s in self.sources}
        # colours go first to the sources in findings, so that those are told apart
        in_findings = [c.source for c in self._finding_claims()]
        ranked = list(dict.fromkeys([*in_findings, *self.sources]))
        self.color = {s: _PALETTE[k % len(_PALETTE)] for k, s in enumerate(ranked)}
        self.places = _locate(ds)
        # claim id -> the findings it takes part in, as (href, label, css class)
        self.findings: dict[str, list[tuple[str, str, str]]] = {}
        for k, con in enumerate(report.contradictions, 1):
            for c in con.claims:
                self.findings.setdefault(c.id, []).append((f"#contradiction-{k}", f"#{k}", "clash"))
        for k, v in enumerate(report.conclusions, 1):
            self.findings.setdefault(v.claim.id, []).append((f"#conclusion-{k}", f"C{k} {v.verdict}", f"v-{v.verdict}"))
            for c in v.premises:
                self.findings.setdefault(c.id, []).append((f"#conclusion-{k}", f"C{k} premise", f"v-{v.verdict}"))
        self.clashing = {c.id for con in report.contradictions for c in con.claims}
        self.concluding = {v.claim.id: v.verdict for v in report.conclusions}
        self.by_fingerprint = {con.fingerprint: k for k, con in enumerate(report.contradictions, 1)}

    def _finding_claims(self) -> Iterable[Claim]:
        r = self.report
        for con in r.contradictions:
            yield from con.claims
        for v in r.conclusions:
            yield v.claim
            yield from v.premises
        for u in r.unknowns:
            yield from u.claims

    def _all_claims(self) -> Iterable[Claim]:
        yield from self.ds.claims
        yield from self._finding_claims()

    def claim_ref(self, c: Claim) -> str:
        """A link to a claim's card, labelled with its number and id."""
        return (
            f'<a class="cref" href="#{self.claim_id[c.id]}"><span class="num">{self.number[c.id]}</span> {_e(c.id)}</a>'
        )

    def chip(self, s: Source) -> str:
        return f'<span class="chip" style="--chip:{self.color[s]}" aria-hidden="true"></span>'

    def mark_class(self, c: Claim) -> str:
        if c.id in self.concluding:
            return f"v-{self.concluding[c.id]}"
        return "clash" if c.id in self.clashing else "plain"


# --------------------------------------------------------------------------- pieces


def _when(c: Claim) -> str:
    out = f'<time datetime="{c.said.isoformat()}">{c.said.isoformat()}</time>'
    if c.holds is not None and c.holds != (c.said, c.said):
        lo, hi = c.holds
        out += f", holds {_e(lo.isoformat())}" + ("" if lo == hi else f"..{_e(hi.isoformat())}")
    return out


def _who(page: _Page, s: Source, *, link: bool = True) -> str:
    name = f'<span class="speaker">{_e(s.name)}</span>'
    if link:
        name = f'<a href="#{page.source_id[s]}">{name}</a>'
    out = page.chip(s) + name
    if s.via:
        out += f' <span class="via">via {_e(s.via)}</span>'
    if s.reference:
        out += ' <span class="badge ref-source" title="a reference work the articles assume">reference</span>'
    if s.role:
        out += f'<span class="role">{_e(s.role)}</span>'
    return out


def _where(c: Claim) -> str:
    if c.span is None:
        return ""
    return f'<span class="loc">{_e(c.span.path)}:{c.span.line}</span>'


def _claim_block(page: _Page, c: Claim, *, extra: str = "") -> str:
    """A claim inside a finding's card: who, when, the quote, its formula, and links."""
    links = [f'<a href="#{page.claim_id[c.id]}">claim <span class="num">{page.number[c.id]}</span></a>']
    if c.id in page.places:
        links.append(f'<a href="#{page.passage_id[c.id]}">quote in context</a>')
    return (
        f'<div class="claim-block" style="--chip:{page.color[c.source]}">'
        f'{extra}<p class="who">{_who(page, c.source)}</p>'
        f'<blockquote class="quote"><p>“{_e(c.quote)}”</p></blockquote>'
        f'<p class="meta">{_when(c)} · <code class="cid">{_e(c.id)}</code></p>'
        f'<p class="formula"><span class="sr">formula: </span><code>{_e(c.formula)}</code></p>'
        f'<p class="links">{" · ".join(links)} {_where(c)}</p>'
        "</div>"
    )


def _rules(rules: Sequence[Rule], heading: str, empty: str) -> str:
    if not rules:
        return f'<p class="norule">{_e(empty)}</p>'
    items = []
    for r in rules:
        loc = f' <span class="loc">{_e(r.span.path)}:{r.span.line}</span>' if r.span is not None else ""
        items.append(
            f'<li><code class="rid">{_e(r.id)}</code> {_e(r.description)}{loc}'
            f'<br><code class="rformula">{_e(r.formula)}</code></li>'
        )
    return f'<h4>{_e(heading)}</h4><ul class="rules">{"".join(items)}</ul>'


def _title_of(con: Contradiction) -> str:
    names = con.sources
    if len(names) == 1:
        return f"{names[0]} contradicts itself"
    return " vs ".join(names)


def _contradiction_card(page: _Page, k: int, con: Contradiction) -> str:
    blocks = [_claim_block(page, c) for c in con.claims]
    if len(blocks) == 2:
        body = f'<div class="pair">{blocks[0]}<div class="vs" aria-hidden="true">vs</div>{blocks[1]}</div>'
    else:
        body = f'<div class="group">{"".join(blocks)}</div>'
    meta = f"{_plural(len(con.claims), 'claim')} · {_plural(len(con.rules), 'rule')}"
    return (
        f'<article class="card clash" id="contradiction-{k}" aria-labelledby="contradiction-{k}-h">'
        f'<header><h3 id="contradiction-{k}-h"><span class="tag">#{k}</span> {_e(_title_of(con))}</h3>'
        f'<p class="sub">{meta} · cannot all be true together · '
        f'<span class="fp" title="fingerprint {_e(con.fingerprint)}">fingerprint {_e(con.fingerprint[:12])}</span>'
        "</p></header>"
        f'<h4 class="sr">Claims</h4>{body}'
        + _rules(con.rules, "Rules it needs", "No rule needed: the claims clash directly.")
        + "</article>"
    )


def _scenario(v: Verdict) -> str:
    if not v.countermodel:
        return '<p class="norule">The conclusion shares no symbol with any premise.</p>'
    rows = "".join(
        f'<tr><th scope="row"><code>{_e(s.symbol)}</code></th><td><code>{_e(s.value)}</code></td></tr>'
        for s in v.countermodel
    )
    return (
        "<p>In this scenario every premise holds and the conclusion is false, so the premises do "
        'not establish it.</p><div class="table-scroll"><table class="scenario"><caption>Scenario</caption><thead><tr><th scope="col">symbol</th><th scope="col">value</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def _conclusion_card(page: _Page, k: int, v: Verdict) -> str:
    parts = [
        (
            f'<article class="card verdict v-{_e(v.verdict)}" id="conclusion-{k}" '
            f'aria-labelledby="conclusion-{k}-h">'
            f'<header><h3 id="conclusion-{k}-h"><span class="tag">C{k}</span> '
            f'<span class="badge v-{_e(v.verdict)}">{_e(v.verdict)}</span> {_e(v.claim.source.name)}: '
            f"{_e(_shorten(v.claim.quote, 90))}</h3>"
            f'<p class="sub">conclusion {_e(v.claim.id)} · {_e(_VERDICT_TEXT.get(v.verdict, v.verdict))}</p></header>'
        ),
        _claim_block(page, v.claim),
    ]
    if v.verdict in ("supported", "refuted"):
        what = "entail it" if v.verdict == "supported" else "entail its negation"
        parts.append(f"<h4>These premises {what}</h4>")
        if v.premises:
            parts.append(f'<div class="group">{"".join(_claim_block(page, p) for p in v.premises)}</div>')
        else:
            parts.append('<p class="norule">No premise needed: the rules alone decide it.</p>')
        parts.append(_rules(v.rules, "With the rules", "No rule needed."))
    elif v.verdict == "unsupported":
        parts.append("<h4>Why it does not follow</h4>" + _scenario(v))
    elif v.verdict == "vacuous":
        if v.readings:
            parts.append(_readings(page, v))
        items = []
        for con in v.contradictions:
            k2 = page.by_fingerprint.get(con.fingerprint)
            names = ", ".join(page.claim_ref(c) for c in con.claims)
            items.append(f'<li><a href="#contradiction-{k2}">#{k2}</a>: {names}</li>' if k2 else f"<li>{names}</li>")
        parts.append(
            "<h4>Strictly, the premises contradict each other, so anything would follow</h4>"
            if v.readings
            else "<h4>The premises contradict each other, so anything would follow</h4>"
        )
        if len(items) <= VACUOUS_LISTED:
            parts.append(f'<ul class="plain">{"".join(items)}</ul>')
        else:  # a summary: the claims in most of them, then the whole list folded
            counts = Counter(c for con in v.contradictions for c in con.claims)
            top = sorted(counts.items(), key=lambda kv: (-kv[1], page.number[kv[0].id]))[:VACUOUS_LISTED]
            most = ", ".join(f"{page.claim_ref(c)} (in {n})" for c, n in top)
            parts.append(
                f"<p>They are in {len(items)} contradictions among {_plural(len(counts), 'claim')}; "
                f"the claims in most of them: {most}.</p>"
                f'<details><summary>All {len(items)} contradictions</summary><ul class="plain">{"".join(items)}</ul>'
                "</details>"
            )
    else:
        parts.append(f"<h4>Undecided</h4><p>The solver could not decide: {_e(v.reason or 'no reason given')}.</p>")
    parts.append("</article>")
    return "".join(parts)


_SEMANTICS = {
    "AR": "follows in every repair",
    "IAR": "follows from the premises in no contradiction",
    "brave": "follows in some repair",
    "preferred": "follows in the preferred repair",
}


def _refs(page: _Page, claims: Sequence[Claim]) -> str:
    return ", ".join(page.claim_ref(c) for c in claims)


def _readings(page: _Page, v: Verdict) -> str:
    """What a vacuous conclusion's premises still say under each tolerant reading (README, "Repairs")."""
    rows = []
    for rd in v.readings:
        by = [page.claim_ref(c) for c in rd.premises] + [f'<code class="rid">{_e(x.id)}</code>' for x in rd.rules]
        if rd.verdict == "unknown":
            decided = f"not decided: {_e(rd.reason or 'no reason given')}"
        else:
            decided = ("by " + ", ".join(by)) if by else ""
        aside = _refs(page, rd.set_aside) if rd.set_aside else '<span class="muted">nothing</span>'
        rows.append(
            f'<tr><th scope="row">{_e(rd.semantics)}<span class="detail">{_e(_SEMANTICS.get(rd.semantics, ""))}'
            f'</span></th><td><span class="badge v-{_e(rd.verdict)}">{_e(rd.verdict)}</span> {decided}</td>'
            f"<td>{aside}</td></tr>"
        )
    return (
        '<div class="table-scroll"><table class="readings"><caption>What follows whichever premise is wrong'
        '</caption><thead><tr><th scope="col">reading</th><th scope="col">verdict</th>'
        f'<th scope="col">sets aside</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    )


_REPAIRS_LEAD = (
    "Contradictions that share claims form one conflict; a fix is a minimal set of claims whose removal "
    "leaves the rest consistent."
)

REPAIRS_LISTED = 8
"""Repairs listed openly per conflict; beyond, they are folded."""


def _conflict_card(page: _Page, k: int, g: Conflict) -> str:
    """One independent conflict: its contradictions, its smallest and preferred fixes, and every fix."""
    links = " ".join(
        f'<a href="#contradiction-{page.by_fingerprint[c.fingerprint]}">#{page.by_fingerprint[c.fingerprint]}</a>'
        for c in g.contradictions
        if c.fingerprint in page.by_fingerprint
    )
    head = (
        f'<article class="card conflict" id="conflict-{k}" aria-labelledby="conflict-{k}-h">'
        f'<header><h3 id="conflict-{k}-h"><span class="tag">R{k}</span> Conflict {k}: {links}</h3>'
        f'<p class="sub">{_e(_plural(len(g.contradictions), "contradiction"))} · '
        f"{_e(_plural(len(g.claims), 'claim'))}</p></header>"
    )
    if not g.complete:
        return head + f'<p class="norule">Repairs not known: {_e(g.reason or "no reason given")}.</p></article>'
    smallest = g.smallest
    either = " <em>or</em> ".join(_refs(page, r) for r in smallest[:REPAIRS_LISTED])
    body = [f"<p>The smallest fix sets aside {_e(_plural(len(smallest[0]), 'claim'))}: {either}</p>"]
    if g.preferred is not None and not g.tied and (len(smallest) > 1 or g.preferred != smallest[0]):
        body.append(f"<p>The preferred fix (least total weight) sets aside {_refs(page, g.preferred)}</p>")
    if g.in_every_repair:
        body.append(f"<p>Set aside by every fix: {_refs(page, g.in_every_repair)}</p>")
    if len(g.repairs) > 1:
        items = [
            f"<li>{_refs(page, r)}"
            + (' <span class="badge pref">preferred</span>' if r == g.preferred and not g.tied else "")
            + "</li>"
            for r in g.repairs
        ]
        listed = f'<ol class="fixes">{"".join(items[:REPAIRS_LISTED])}</ol>'
        if len(items) > REPAIRS_LISTED:
            listed += (
                f"<details><summary>{len(items) - REPAIRS_LISTED} more fixes</summary>"
                f'<ol class="fixes" start="{REPAIRS_LISTED + 1}">{"".join(items[REPAIRS_LISTED:])}</ol></details>'
            )
        body.append(f"<h4>{_e(_plural(len(g.repairs), 'fix', 'fixes'))} in all</h4>{listed}")
    return head + "".join(body) + "</article>"


def _culprits(page: _Page) -> str:
    """The claims and the sources most implicated in contradictions (``culprits``), as two tables."""
    by_claim, by_source = culprits(page.report)
    out = []
    for caption, rows, label in (
        ("Claims most often in contradictions", by_claim, "claim"),
        ("Sources most often in contradictions", by_source, "source"),
    ):
        cells = []
        for row in rows[:CULPRITS_LISTED]:
            who = page.claim_ref(row.claims[0]) if label == "claim" else _e(row.name)
            cells.append(
                f"<tr><td>{who}</td><td>{row.contradictions}</td><td>{row.in_every_repair or ''}</td>"
                f"<td>{row.in_preferred or ''}</td></tr>"
            )
        out.append(
            f'<div class="table-scroll"><table class="culprits"><caption>{_e(caption)}</caption><thead><tr>'
            f'<th scope="col">{label}</th><th scope="col">contradictions</th>'
            '<th scope="col">in every fix</th><th scope="col">in the preferred fix</th></tr></thead>'
            f"<tbody>{''.join(cells)}</tbody></table></div>"
        )
    return "".join(out)


CULPRITS_LISTED = 5
"""Rows of each culprit table."""


VACUOUS_LISTED = 5
"""A vacuous conclusion lists this many contradictions at most; beyond, a summary and a folded list."""


# --------------------------------------------------------------------------- summary


def _summary(page: _Page) -> str:
    r, ds = page.report, page.ds
    kinds = Counter(c.kind for c in ds.claims)
    verdicts = Counter(v.verdict for v in r.conclusions)
    used_sources = {c.source for c in ds.claims}
    state = "complete" if r.complete else ("truncated (--max)" if r.truncated else "incomplete")

    def tile(label: str, value: object, detail: str = "", cls: str = "") -> str:
        d = f'<span class="detail">{detail}</span>' if detail else ""
        return f'<div class="tile {cls}"><dt>{_e(label)}</dt><dd><span class="big">{_e(value)}</span>{d}</dd></div>'

    kind_txt = ", ".join(_e(_plural(kinds[k], k)) for k in ("fact", "prediction", "conclusion") if kinds[k])
    verdict_txt = " ".join(
        f'<span class="badge v-{v}">{verdicts[v]} {v}</span>'
        for v in ("refuted", "unsupported", "vacuous", "unknown", "supported")
        if verdicts[v]
    )
    tiles = [
        tile(
            "Contradictions",
            len(r.contradictions),
            "minimal sets of claims that cannot all be true",
            "bad" if r.contradictions else "good",
        ),
        tile(
            "Conclusions",
            len(r.conclusions),
            verdict_txt or "none in the dataset",
            "bad" if r.failing_conclusions() else "",
        ),
        tile("Undecided", len(r.unknowns), f"enumeration {_e(state)}", "warn" if r.unknowns or not r.complete else ""),
        tile("Claims", len(ds.claims), kind_txt),
        tile("Sources", len(used_sources), "people and outlets quoted"),
        tile(
            "Files",
            len(ds.files),
            f"{_e(_plural(len(ds.documents), 'document'))}, {_e(_plural(len(ds.rules), 'rule'))}",
        ),
    ]
    if r.rule_conflicts:
        tiles.insert(0, tile("Rule conflicts", len(r.rule_conflicts), "the rules contradict each other", "bad"))
    out = [f'<dl class="tiles">{"".join(tiles)}</dl>']
    # who clashes with whom: the sources of each contradiction as one group. A clash of three
    # claims has no sides, so splitting it into pairs would set sources on the same side against
    # each other; a group says only that these sources cannot all be right together.
    groups: dict[tuple[Source, ...], list[int]] = {}
    order = {s: k for k, s in enumerate(page.sources)}
    for k, con in enumerate(r.contradictions, 1):
        groups.setdefault(tuple(sorted({c.source for c in con.claims}, key=order.__getitem__)), []).append(k)
    if groups:
        rows = []
        for srcs, ks in sorted(groups.items(), key=lambda g: (-len(g[1]), g[1])):
            links = " ".join(f'<a href="#contradiction-{k}">#{k}</a>' for k in ks)
            if len(srcs) == 1:
                who = f'{_who(page, srcs[0])} <span class="self">contradicts itself</span>'
            else:
                who = "".join(f"<li>{_who(page, s)}</li>" for s in srcs)
                many = " many" if len(srcs) > 2 else ""
                who = f'<ul class="clash-group{many}" aria-label="{len(srcs)} sources">{who}</ul>'
            rows.append(f"<tr><td>{who}</td><td>{len(ks)}</td><td>{links}</td></tr>")
        out.append(
            '<div class="table-scroll"><table class="whom"><caption>Sources that cannot all be right '
            "together</caption><thead><tr>"
            '<th scope="col">sources</th><th scope="col">count</th>'
            f'<th scope="col">contradictions</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
        )
    if r.contradictions:
        out.append(_culprits(page))
    return "".join(out)


# --------------------------------------------------------------------------- the graph


def _graph(page: _Page) -> str:
    """Claims in rows grouped by source; each finding a lane joining its claims' rows."""
    r = page.report
    lanes: list[tuple[str, str, str, list[Claim], Claim | None, str]] = []
    # (href, label, css class, claims, conclusion claim, accessible name)
    for k, con in enumerate(r.contradictions, 1):
        lanes.append(
            (
                f"contradiction-{k}",
                f"#{k}",
                "clash",
                list(con.claims),
                None,
                f"Contradiction {k}: {_title_of(con)}, {_plural(len(con.claims), 'claim')}",
            )
        )
    n_clash = len(lanes)
    for k, v in enumerate(r.conclusions, 1):
        lanes.append(
            (
                f"conclusion-{k}",
                f"C{k}",
                f"v-{v.verdict}",
                [v.claim, *v.premises],
                v.claim,
                f"Conclusion {k}, {v.verdict}: {v.claim.source.name}, {v.claim.id}",
            )
        )
    if not lanes:
        return '<p class="none">Nothing to draw: no contradiction and no conclusion.</p>'
    shown = lanes[:_MAX_LANES]
    n_clash = min(n_clash, len(shown))
    # rows: claims in order of first appearance, grouped by source in order of first appearance
    groups: dict[Source, list[Claim]] = {}
    for *_, claims, _c, _n in shown:
        for c in claims:
            g = groups.setdefault(c.source, [])
            if c not in g:
                g.append(c)
    row_h, head_h, gap, top = 24, 26, 10, 58
    label_w, lane_w, lane_gap = 520, 34, 22
    y = top
    row_y: dict[str, float] = {}
    svg_rows: list[str] = []
    n_concl = len(shown) - n_clash
    # room on the right for the lanes' headings ("CONTRADICTIONS" needs about 110 units)
    width = (
        label_w
        + max(lane_w * n_clash, 110 if n_clash else 0)
        + (lane_gap if n_clash and n_concl else 0)
        + max(lane_w * n_concl, 96 if n_concl else 0)
        + 16
    )
    clash_w = max(lane_w * n_clash, 110) if n_clash else 0
    right = 16
    for gi, (src, claims) in enumerate(groups.items()):
        gh = head_h + row_h * len(claims)
        band = "band" if gi % 2 == 0 else "band alt"
        svg_rows.append(f'<rect class="{band}" x="0" y="{y}" width="{width}" height="{gh}" rx="4"/>')
        via = f" · via {src.via}" if src.via else ""
        svg_rows.append(
            f'<a href="#{page.source_id[src]}" aria-label="{_e("Source: " + src.name + via)}">'
            f'<circle cx="14" cy="{y + 13}" r="6" fill="{page.color[src]}"/>'
            f'<text class="src" x="26" y="{y + 17.5}">{_e(_shorten(src.name, 44))}'
            f'<tspan class="via" dx="6">{_e(_shorten(via.lstrip(" ·"), 24)) if via else ""}</tspan></text></a>'
        )
        y += head_h
        for c in claims:
            cy = y + row_h / 2
            row_y[c.id] = cy
            label = f"{page.number[c.id]}"
            svg_rows.append(
                f'<a href="#{page.claim_id[c.id]}" aria-label="{_e(f"Claim {label}, {c.id}: {c.quote}")}">'
                f"<title>{_e(f'{c.id}: “{c.quote}”')}</title>"
                f'<rect class="hit" x="18" y="{y}" width="{label_w - 22}" height="{row_h}"/>'
                f'<text class="num" x="40" y="{cy + 4}" text-anchor="end">{label}</text>'
                f'<text class="q" x="48" y="{cy + 4}">“{_e(_shorten(c.quote, 74))}”</text></a>'
                f'<line class="row" x1="{label_w - 4}" y1="{cy}" x2="{width - right}" y2="{cy}"/>'
            )
            y += row_h
        y += gap
    height = y + 34
    svg_lanes: list[str] = []
    header = [f'<text class="lanes-h" x="{label_w}" y="18">Contradictions</text>'] if n_clash else []
    if n_clash < len(shown):
        cx0 = label_w + clash_w + (lane_gap if n_clash else 0)
        header.append(f'<text class="lanes-h" x="{cx0}" y="18">Conclusions</text>')
    for i, (href, label, cls, claims, concl, name) in enumerate(shown):
        x = (
            label_w + lane_w * i + lane_w / 2
            if i < n_clash
            else label_w + clash_w + (lane_gap if n_clash else 0) + lane_w * (i - n_clash) + lane_w / 2
        )
        ys = [row_y[c.id] for c in claims]
        y0, y1 = min(ys), max(ys)
        marks = []
        for c in claims:
            cy = row_y[c.id]
            if concl is not None and c.id == concl.id:
                marks.append(
                    f'<rect class="node concl" x="{x - 7}" y="{cy - 7}" width="14" height="14" '
                    f'transform="rotate(45 {x} {cy})"/>'
                )
            else:
                marks.append(f'<circle class="node" cx="{x}" cy="{cy}" r="6.5"/>')
        svg_lanes.append(
            f'<a class="lane {cls}" href="#{href}" aria-label="{_e(name)}"><title>{_e(name)}</title>'
            f'<rect class="hit" x="{x - lane_w / 2 + 1}" y="26" width="{lane_w - 2}" height="{height - 26}"/>'
            f'<rect class="pill" x="{x - 15}" y="28" width="30" height="20" rx="10"/>'
            f'<text class="lab" x="{x}" y="42" text-anchor="middle">{_e(label)}</text>'
            + (f'<line class="join" x1="{x}" y1="{y0}" x2="{x}" y2="{y1}"/>' if y1 > y0 else "")
            + "".join(marks)
            + "</a>"
        )
    legend_y = height - 12
    legend = (
        f'<g class="legend" aria-hidden="true"><circle class="node lg-clash" cx="{label_w + 6}" cy="{legend_y - 4}" r="5"/>'
        f'<text x="{label_w + 16}" y="{legend_y}">claims of one finding, joined</text>'
        f'<rect class="node lg-concl" x="{label_w + 210}" y="{legend_y - 9}" width="10" height="10" '
        f'transform="rotate(45 {label_w + 215} {legend_y - 4})"/>'
        f'<text x="{label_w + 226}" y="{legend_y}">the conclusion</text></g>'
    )
    title = "Graph of sources, claims and findings"
    desc = (
        f"{_plural(len(groups), 'source')} and {_plural(len(row_y), 'claim')} in rows; "
        f"{_plural(len(r.contradictions), 'contradiction')} and {_plural(len(r.conclusions), 'conclusion')} "
        "as vertical lanes joining the claims each one involves. Each lane links to its card."
    )
    note = ""
    if len(lanes) > len(shown):
        note = (
            f'<span class="note"> The graph shows the first {len(shown)} of {len(lanes)} findings; '
            "every one has its card below.</span>"
        )
    return (
        '<figure class="graph"><div class="graph-scroll" tabindex="0" role="region" aria-label="Graph (scrolls sideways)">'
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'style="max-width:{width}px" role="group" aria-labelledby="graph-title graph-desc">'
        f'<title id="graph-title">{_e(title)}</title><desc id="graph-desc">{_e(desc)}</desc>'
        + "".join(header)
        + "".join(svg_rows)
        + "".join(svg_lanes)
        + legend
        + "</svg></div>"
        f"<figcaption>Rows are claims, grouped under their source (speaker, outlet). Each lane joins the "
        "claims of one finding: red lanes are minimal contradictions, lanes marked C are conclusions, "
        "coloured by verdict (◆ the conclusion, ● its premises). Select a lane or a claim to open its card."
        f'<span class="hint"> The graph scrolls sideways.</span>{note}</figcaption></figure>'
    )


# --------------------------------------------------------------------------- sources, claims, documents


def _claims_section(page: _Page) -> str:
    out = []
    for s in page.sources:
        claims = [c for c in page.claims.values() if c.source == s]
        if not claims:
            continue
        items = []
        for c in claims:
            badges = "".join(
                f'<a class="badge {cls}" href="{href}">{_e(lab)}</a>' for href, lab, cls in page.findings.get(c.id, [])
            )
            ctx = (
                f'<a href="#{page.passage_id[c.id]}">quote in context</a>'
                if c.id in page.places
                else '<span class="muted">quote not located in a document</span>'
            )
            note = f'<p class="note">{_e(c.note)}</p>' if c.note else ""
            items.append(
                f'<article class="claim {page.mark_class(c)}" id="{page.claim_id[c.id]}" '
                f'aria-labelledby="{page.claim_id[c.id]}-h">'
                f'<h4 id="{page.claim_id[c.id]}-h"><span class="num">{page.number[c.id]}</span> '
                f'<code class="cid">{_e(c.id)}</code> <span class="kind">{_e(c.kind)}</span></h4>'
                f'<blockquote class="quote"><p>“{_e(c.quote)}”</p></blockquote>'
                f'<p class="meta">{_when(c)} · <code>{_e(c.formula)}</code></p>{note}'
                f'<p class="links">{ctx} {_where(c)}</p>'
                + (f'<p class="in">in {badges}</p>' if badges else "")
                + "</article>"
            )
        role = f'<p class="role">{_e(s.role)}</p>' if s.role else ""
        via = f' <span class="via">via {_e(s.via)}</span>' if s.via else ""
        out.append(
            f'<section class="source" id="{page.source_id[s]}" aria-labelledby="{page.source_id[s]}-h">'
            f'<h3 id="{page.source_id[s]}-h">{page.chip(s)}{_e(s.name)}{via} '
            f'<span class="count">{_e(_plural(len(claims), "claim"))}</span></h3>{role}'
            f'<div class="claims">{"".join(items)}</div></section>'
        )
    return "".join(out)


def _document_text(page: _Page, text: str, passages: list[tuple[int, int, Claim]]) -> str:
    """The document with every quoted passage in a ``<mark>``, nested where quotes nest.

    Quotes that overlap without nesting are split into pieces, so the markup
    stays well nested; the first piece carries the passage's id and the last
    is followed by a link to the claim.
    """
    passages = sorted(passages, key=lambda p: (p[0], -p[1], page.number[p[2].id]))
    cuts = sorted({0, len(text), *(p[0] for p in passages), *(p[1] for p in passages)})
    starts: dict[int, list[tuple[int, int, Claim]]] = {}
    for p in passages:
        starts.setdefault(p[0], []).append(p)
    out: list[str] = []
    stack: list[tuple[int, int, Claim]] = []
    opened: set[str] = set()

    def open_(p: tuple[int, int, Claim]) -> None:
        c = p[2]
        first = c.id not in opened
        opened.add(c.id)
        ident = f' id="{page.passage_id[c.id]}"' if first else ""
        label = f"claim {page.number[c.id]} ({c.id}), {c.source.name}"
        out.append(f'<mark class="q {page.mark_class(c)}{"" if first else " cont"}"{ident} title="{_e(label)}">')
        stack.append(p)

    for a, b in zip(cuts, [*cuts[1:], len(text)], strict=True):
        # close what ends here, reopening what was only in the way
        if any(p[1] == a for p in stack):
            low = min(i for i, p in enumerate(stack) if p[1] == a)
            popped = stack[low:]
            del stack[low:]
            for p in reversed(popped):
                out.append("</mark>")
                if p[1] == a:
                    c = p[2]
                    out.append(
                        f'<a class="ref" href="#{page.claim_id[c.id]}" '
                        f'aria-label="{_e(f"claim {page.number[c.id]}: {c.id}")}">{page.number[c.id]}</a>'
                    )
            for p in popped:
                if p[1] != a:
                    open_(p)
        for p in starts.get(a, []):
            open_(p)
        out.append(_e(text[a:b]))
    return "".join(out)


def _documents_section(page: _Page) -> str:
    if not page.ds.documents:
        return '<p class="none">No source document: the quotes were not located in any document.</p>'
    by_doc: dict[int, list[tuple[int, int, Claim]]] = {}
    for cid, (i, a, b) in page.places.items():
        by_doc.setdefault(i, []).append((a, b, page.claims[cid]))
    out = [
        (
            '<p class="doc-legend" aria-hidden="true"><span class="sw clash">in a contradiction</span> '
            '<span class="sw v-refuted">a conclusion</span> <span class="sw plain">another claim</span> '
            '<span class="ref">12</span> opens the claim</p>'
        )
    ]
    for i, (path, text) in enumerate(page.ds.documents):
        n = len(by_doc.get(i, []))
        out.append(
            f'<article class="document" id="document-{i + 1}" aria-labelledby="document-{i + 1}-h">'
            f'<h3 id="document-{i + 1}-h"><code>{_e(path)}</code> '
            f'<span class="count">{_e(_plural(n, "quoted passage"))}</span></h3>'
            f'<div class="doc-text">{_document_text(page, text, by_doc.get(i, []))}</div></article>'
        )
    return "".join(out)


def _unknowns(page: _Page) -> str:
    items = []
    for u in page.report.unknowns:
        refs = ", ".join(page.claim_ref(c) for c in u.claims)
        items.append(
            f'<article class="card warn"><h3>{_e(_plural(len(u.claims), "claim"))} undecided</h3>'
            f"<p>{_e(u.reason)}; {_e(_plural(u.found, 'contradiction'))} found before it stopped.</p>"
            f"<p>{refs}</p></article>"
        )
    return "".join(items)


def _warnings(page: _Page) -> str:
    items = []
    for d in page.report.warnings:
        hint = f'<br><span class="muted">hint: {_e(d.hint)}</span>' if d.hint else ""
        items.append(
            f'<li><code class="loc">{_e(d.span)}</code> {_e(d.message)} '
            f'<code class="muted">[{_e(d.code)}]</code>{hint}</li>'
        )
    return f'<ul class="warnings">{"".join(items)}</ul>'


def _rule_conflicts(page: _Page) -> str:
    return "".join(
        f'<article class="card clash"><h3>Rule conflict {k}</h3>'
        + _rules(rc.rules, "These rules contradict each other", "")
        + "</article>"
        for k, rc in enumerate(page.report.rule_conflicts, 1)
    )


# --------------------------------------------------------------------------- the page


_CSS = """
:root{--fg:#1d2433;--muted:#5b6475;--bg:#f6f7f9;--card:#fff;--line:#dde1e8;--accent:#2f5fb3;
--clash:#d92d20;--clash-bg:#fde8e6;--supported:#2e7d32;--refuted:#c4320a;--unsupported:#a46a00;
--vacuous:#9e3b9e;--unknown:#667085;--mark:#fff2a8;--mark-line:#d4a72c;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ef;--muted:#a4abb8;--bg:#15181e;--card:#1f242d;
--line:#343b47;--accent:#8fb4ff;--clash:#ff6b5e;--clash-bg:#4a1f1c;--mark:#5a4a12;--mark-line:#d4a72c;
--supported:#6cc070;--refuted:#ff8a5c;--unsupported:#e0b050;--vacuous:#e08be0;--unknown:#a4abb8}}
*{box-sizing:border-box}
html{scroll-behavior:smooth}
@media (prefers-reduced-motion:reduce){html{scroll-behavior:auto}}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
code{font:0.86em/1.4 ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace}
.skip{position:absolute;left:-999px;top:0;background:var(--card);padding:.5rem 1rem;z-index:9}
.skip:focus{left:1rem}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.page-head{background:#1d2433;color:#fff;padding:1.5rem 1rem 1rem}
.page-head a{color:#cfe0ff}
.wrap{max-width:1120px;margin:0 auto;padding:0 1rem}
.page-head .wrap{padding:0}
h1{margin:0 0 .25rem;font-size:1.7rem;line-height:1.2}
.files{margin:0;color:#c9d1e0;font-size:.95rem;overflow-wrap:anywhere}
.verdict-line{margin:.6rem 0 0;font-weight:600}
.status{display:inline-block;padding:.1rem .55rem;border-radius:1rem;margin-right:.4rem;font-size:.85rem}
.status.bad{background:var(--clash);color:#fff}.status.good{background:var(--supported);color:#fff}
nav.toc{background:var(--card);border-bottom:1px solid var(--line);position:sticky;top:0;z-index:5}
nav.toc ul{list-style:none;margin:0 auto;padding:.4rem 1rem;display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;
max-width:1120px}
nav.toc a{text-decoration:none;font-weight:600;font-size:.95rem}
main{display:block}
main>section{margin:2rem 0}
h2{font-size:1.35rem;border-bottom:2px solid var(--line);padding-bottom:.3rem;margin:0 0 1rem}
h3{font-size:1.08rem;margin:0}
h4{font-size:.95rem;margin:1rem 0 .4rem;color:var(--muted)}
.lead{color:var(--muted);margin-top:-.4rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(10.5rem,1fr));gap:.75rem;margin:0}
.tile{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.7rem .9rem;
border-top:4px solid var(--line)}
.tile.bad{border-top-color:var(--clash)}.tile.good{border-top-color:var(--supported)}
.tile.warn{border-top-color:var(--unsupported)}
.tile dt{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:700}
.tile dd{margin:0}.tile .big{display:block;font-size:1.9rem;font-weight:700;line-height:1.2}
.tile .detail{display:block;font-size:.85rem;color:var(--muted)}
table{border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:8px;
margin:1.2rem 0;font-size:.93rem;max-width:100%}
caption{text-align:left;font-weight:700;padding:.3rem 0 .5rem;caption-side:top}
th,td{text-align:left;padding:.4rem .7rem;border-bottom:1px solid var(--line);vertical-align:top}
thead th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
.table-scroll{overflow-x:auto;max-width:100%}
.clash-group{list-style:none;margin:0;padding:0}
.card.conflict{border-left-color:var(--accent)}.card.conflict .tag{background:var(--accent)}
.fixes{margin:.2rem 0 0;padding-left:1.4rem}.fixes li{margin:.2rem 0}
.badge.pref{--c:var(--accent)}.badge.ref-source{--c:var(--muted)}
.readings th .detail{display:block;font-weight:400;color:var(--muted);font-size:.82rem}
.clash-group li+li::before{content:"⟷ ";color:var(--clash);font-weight:700}
.clash-group.many li+li::before{content:"+ "}
.whom .role{display:none}
.self{color:var(--muted);font-style:italic}
.chip{display:inline-block;width:.7em;height:.7em;border-radius:50%;background:var(--chip);
margin-right:.35em;vertical-align:baseline;border:1px solid rgba(0,0,0,.15)}
.speaker{font-weight:700}
.via{color:var(--muted);font-weight:400}
.role{display:block;color:var(--muted);font-size:.85rem;margin:.1rem 0 0}
.graph{margin:0;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.8rem}
.graph-scroll{overflow-x:auto}
.graph svg{display:block;width:100%;height:auto;min-width:44rem;margin:0 auto;font-family:inherit}
.graph figcaption{color:var(--muted);font-size:.88rem;margin-top:.5rem}
.graph .band{fill:#f1f3f7}.graph .band.alt{fill:#fafbfc}
@media (prefers-color-scheme:dark){.graph .band{fill:#262c36}.graph .band.alt{fill:#1f242d}}
.graph text{fill:var(--fg);font-size:13px}
.graph .src{font-weight:700;font-size:13.5px}
.graph .via{fill:var(--muted);font-weight:400;font-size:12px}
.graph .num{fill:var(--muted);font-size:11px}
.graph .q{font-style:italic;font-size:12.5px}
.graph .lanes-h{font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.06em;fill:var(--muted)}
.graph .hit{fill:transparent}
.graph a:hover .hit,.graph a:focus .hit{fill:rgba(47,95,179,.08)}
.graph .row{stroke:var(--line);stroke-width:1;stroke-dasharray:2 3}
.graph .lane{--c:var(--clash)}
.graph .lane.v-supported{--c:var(--supported)}.graph .lane.v-refuted{--c:var(--refuted)}
.graph .lane.v-unsupported{--c:var(--unsupported)}.graph .lane.v-vacuous{--c:var(--vacuous)}
.graph .lane.v-unknown{--c:var(--unknown)}
.graph .join{stroke:var(--c);stroke-width:4;stroke-linecap:round}
.graph .node{fill:var(--c);stroke:var(--card);stroke-width:2}
.graph .node.concl{fill:var(--card);stroke:var(--c);stroke-width:3}
.graph .pill{fill:var(--c)}
.graph .lab{fill:#fff;font-weight:700;font-size:12px}
.graph .lane:hover .join,.graph .lane:focus .join{stroke-width:7}
.graph .lane:hover .node,.graph .lane:focus .node{r:8}
.graph a:focus{outline:none}.graph a:focus-visible .pill{stroke:var(--fg);stroke-width:2}
.graph .legend text{fill:var(--muted);font-size:12px}
.graph .lg-clash{fill:var(--clash)}.graph .lg-concl{fill:var(--card);stroke:var(--refuted);stroke-width:2.5}
.cards{display:grid;gap:1.1rem}
.card{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--clash);border-radius:10px;
padding:1rem 1.1rem;scroll-margin-top:3.5rem}
.card.verdict{border-left-color:var(--c,var(--unknown))}
.card>header{margin-bottom:.7rem}
.card .sub{margin:.15rem 0 0;color:var(--muted);font-size:.88rem}
.tag{display:inline-block;min-width:2.2em;text-align:center;background:var(--clash);color:#fff;border-radius:1em;
padding:0 .45em;margin-right:.3em;font-size:.92em}
.card.verdict .tag{background:var(--c,var(--unknown))}
.v-supported{--c:var(--supported)}.v-refuted{--c:var(--refuted)}.v-unsupported{--c:var(--unsupported)}
.v-vacuous{--c:var(--vacuous)}.v-unknown{--c:var(--unknown)}.clash{--c:var(--clash)}
.badge{display:inline-block;border:1.5px solid var(--c,var(--muted));color:var(--c,var(--muted));border-radius:1em;
padding:0 .5em;font-size:.8rem;font-weight:700;text-transform:uppercase;letter-spacing:.03em;
text-decoration:none;margin:0 .15rem .15rem 0;white-space:nowrap;vertical-align:.1em}
.pair{display:grid;grid-template-columns:1fr auto 1fr;gap:.7rem;align-items:stretch}
/* long unbroken text (an absolute path, an id) wraps inside its card instead of widening the page */
.card,.claim,.claim-block,.tile,.source,.warnings,.document,.rules{overflow-wrap:anywhere}
.pair>*,.group>*,.claims>*,.tiles>*{min-width:0}
.group{display:grid;grid-template-columns:repeat(auto-fit,minmax(17rem,1fr));gap:.7rem}
.vs{align-self:center;font-weight:800;color:var(--clash);font-size:.95rem;text-transform:uppercase}
.claim-block{border:1px solid var(--line);border-top:4px solid var(--chip);border-radius:8px;padding:.7rem .8rem;
background:var(--bg)}
.who{margin:0}
.quote{margin:.5rem 0;font-size:1.05rem;font-family:Georgia,"Times New Roman",serif;line-height:1.45}
.quote p{margin:0}
.meta,.formula,.links,.in{margin:.25rem 0 0;font-size:.86rem;color:var(--muted)}
.formula code{color:var(--fg);background:rgba(127,127,127,.12);padding:.05rem .3rem;border-radius:4px}
.loc{color:var(--muted);font-size:.82rem;margin-left:.4rem}
.cid{color:var(--muted)}
.links .num{min-width:0}
.claim-block .loc,.claim .loc{display:block;margin:0}
.claim .note{font-size:.86rem;font-style:italic;margin:.25rem 0 0}
.claim h4 .num,.claim-block .links .num{color:#fff;background:var(--accent);border-radius:.7em;padding:0 .4em}
.num{display:inline-block;min-width:1.6em;text-align:center;font-weight:700;font-variant-numeric:tabular-nums}
.rules{margin:.2rem 0 0;padding-left:1.2rem}
.rules li{margin:.3rem 0}
.rid{font-weight:700}
.rformula{color:var(--muted)}
.norule{color:var(--muted);font-style:italic;margin:.6rem 0 0}
.scenario{margin:.4rem 0}
.source{margin:1.3rem 0;scroll-margin-top:3.5rem}
.source>h3{margin-bottom:.1rem}
.count{color:var(--muted);font-weight:400;font-size:.85rem;margin-left:.4rem}
.claims{display:grid;grid-template-columns:repeat(auto-fill,minmax(18rem,1fr));gap:.6rem;margin-top:.5rem}
.claim{background:var(--card);border:1px solid var(--line);border-left:5px solid var(--c,var(--mark-line));
border-radius:8px;padding:.6rem .8rem;scroll-margin-top:3.5rem}
.claim.plain{--c:var(--mark-line)}
.claim h4{margin:0;color:var(--fg);font-size:.92rem}
.claim .quote{font-size:.98rem}
.kind{color:var(--muted);font-weight:400;font-size:.8rem}
.muted{color:var(--muted)}
.document{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1rem 1.2rem;margin:1rem 0}
.doc-text{white-space:pre-wrap;overflow-wrap:anywhere;font-family:Georgia,"Times New Roman",serif;
font-size:1.02rem;line-height:1.7;max-width:46rem;margin-top:.6rem}
mark.q{background:var(--mark);color:inherit;border-bottom:2px solid var(--mark-line);padding:.08em 0;
scroll-margin-top:5rem;-webkit-box-decoration-break:clone;box-decoration-break:clone}
mark.q.clash{background:rgba(217,45,32,.14);border-bottom-color:var(--clash)}
mark.q[class*="v-"]{background:rgba(164,106,0,.14);border-bottom:2px dashed var(--c)}
mark.q mark.q{background:rgba(217,45,32,.16);border-bottom-width:3px}
.doc-legend{font-size:.85rem;color:var(--muted);margin:0 0 .5rem}
.sw{display:inline-block;padding:0 .4em;margin-right:.6em;color:var(--fg);background:var(--mark);
border-bottom:2px solid var(--mark-line)}
.sw.clash{background:rgba(217,45,32,.14);border-bottom-color:var(--clash)}
.sw.v-refuted{background:rgba(164,106,0,.14);border-bottom:2px dashed var(--c)}
.ref{display:inline-block;font:700 .68rem/1.3 system-ui,sans-serif;vertical-align:super;text-decoration:none;
color:#fff;background:var(--accent);border-radius:.7em;padding:0 .38em;margin:0 .1em}
:target{animation:flash 1.6s ease-out 1}
mark.q:target{outline:3px solid var(--accent);outline-offset:2px}
.card:target,.claim:target{box-shadow:0 0 0 3px var(--accent)}
@keyframes flash{from{background-color:#ffe58a}}
@media (prefers-reduced-motion:reduce){:target{animation:none}}
.none,.note{color:var(--muted)}
.warnings{padding-left:1.2rem}.warnings li{margin:.35rem 0}.warnings .loc{margin:0 .3rem 0 0}
footer.page-foot{color:var(--muted);font-size:.85rem;border-top:1px solid var(--line);margin-top:2rem;padding:1rem 0 2rem}
.hint{display:none}
@media (max-width:720px){body{font-size:15px}nav.toc{position:static}.hint{display:inline}.pair{grid-template-columns:1fr}
.vs{justify-self:center}h1{font-size:1.35rem}.tile .big{font-size:1.5rem}
.whom thead th{letter-spacing:0}th,td{padding:.35rem .45rem}
.whom th:nth-child(2),.whom td:nth-child(2){display:none}}
@media print{
@page{margin:1.4cm}
body{background:#fff;color:#000;font-size:10.5pt}
:root{--bg:#fff;--card:#fff;--fg:#000;--muted:#444;--line:#bbb}
.skip,nav.toc{display:none}
.page-head{background:#fff;color:#000;border-bottom:2px solid #000;padding:0 1rem .5rem}
.hint{display:none!important}
.page-head a,.files{color:#000}
a{color:inherit;text-decoration:none}
.card,.claim,.tile,.claim-block,figure,tr{break-inside:avoid}
h2,h3{break-after:avoid}
.graph-scroll{overflow:visible}.graph svg{min-width:0}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact;box-shadow:none!important;animation:none!important}
.ref{color:#000;background:none;border:1px solid #000}
mark.q{outline:none}
}
"""


@FORMATS.register("html")
def _html(report: Report, view: View) -> str:
    del view  # the page has its own colours and reflows to the window
    return render_html(report)


def render_html(report: Report) -> str:
    """The person's page: one self-contained HTML document (no script, no external URL)."""
    page = _Page(report)
    r, ds = report, report.dataset
    bad = not r.ok
    files = ", ".join(f"<code>{_e(f)}</code>" for f in ds.files) or "claims given as strings"
    sections: list[tuple[str, str, str, str]] = []  # (id, heading, lead, body)
    sections.append(("summary", "Summary", "", _summary(page)))
    sections.append(
        (
            "graph",
            "Who contradicts whom",
            "Each lane joins claims that cannot all be true; follow a lane to its card.",
            _graph(page),
        )
    )
    if r.rule_conflicts:
        sections.append(
            (
                "rule-conflicts",
                "Rule conflicts",
                "The rules contradict each other before any claim, so no claim was checked.",
                _rule_conflicts(page),
            )
        )
    if r.conclusions:
        body = "".join(_conclusion_card(page, k, v) for k, v in enumerate(r.conclusions, 1))
        sections.append(
            (
                "conclusions",
                f"Conclusions ({len(r.conclusions)})",
                "Conclusions are judged against the facts; a vacuous one also under the repairs of its premises.",
                f'<div class="cards">{body}</div>',
            )
        )
    con_body = "".join(_contradiction_card(page, k, c) for k, c in enumerate(r.contradictions, 1))
    sections.append(
        (
            "contradictions",
            f"Contradictions ({len(r.contradictions)})",
            "Every proper subset of each set is consistent: drop any one claim and the clash goes away.",
            f'<div class="cards">{con_body}</div>'
            if con_body
            else '<p class="none">None' + ("." if r.complete else " found (enumeration incomplete).") + "</p>",
        )
    )
    if r.conflicts:
        body = "".join(_conflict_card(page, k, g) for k, g in enumerate(r.conflicts, 1))
        sections.append(
            (
                "repairs",
                f"Repairs ({len(r.conflicts)})",
                _REPAIRS_LEAD,
                f'<div class="cards">{body}</div>',
            )
        )
    if r.unknowns:
        sections.append(
            (
                "undecided",
                f"Undecided ({len(r.unknowns)})",
                "The solver hit a limit here; this is not a claim of consistency.",
                f'<div class="cards">{_unknowns(page)}</div>',
            )
        )
    sections.append(
        (
            "claims",
            "Sources and claims",
            "Every claim, under the source that made it; the number is the claim's mark in the document.",
            _claims_section(page),
        )
    )
    if r.warnings:
        sections.append(
            (
                "warnings",
                f"Warnings ({len(r.warnings)})",
                "From the symbol linter, and near-contradictions; they fail a check only under --fail-on-warnings.",
                _warnings(page),
            )
        )
    sections.append(
        (
            "documents",
            "Documents",
            (
                "Every quoted passage, highlighted in its document: red where the claim takes part in a "
                "contradiction, dashed for a conclusion, yellow otherwise. The number after a passage "
                "opens its claim."
            ),
            _documents_section(page),
        )
    )
    toc = "".join(f'<li><a href="#{sid}">{_e(h)}</a></li>' for sid, h, _, _ in sections)
    body = "".join(
        f'<section id="{sid}" aria-labelledby="{sid}-h"><h2 id="{sid}-h">{_e(h)}</h2>'
        + (f'<p class="lead">{_e(lead)}</p>' if lead else "")
        + f"{content}</section>"
        for sid, h, lead, content in sections
    )
    limits = f"timeout {r.timeout:g} s per check" if r.timeout is not None else "no timeout"
    if r.max_per_component is not None:
        limits += f", at most {r.max_per_component} contradictions per component"
    status = f'<span class="status {"bad" if bad else "good"}">{"findings" if bad else "nothing found"}</span>'
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="claims">'
        f"<title>claims report: {_e(', '.join(ds.files) or 'dataset')}</title>"
        f"<style>{_CSS}</style></head><body>"
        '<a class="skip" href="#main">Skip to the findings</a>'
        '<header class="page-head"><div class="wrap"><h1>Claims report</h1>'
        f'<p class="files">{files}</p>'
        f'<p class="verdict-line">{status}{_e(summary_line(r))}</p></div></header>'
        f'<nav class="toc" aria-label="Contents"><ul>{toc}</ul></nav>'
        f'<main id="main" class="wrap">{body}</main>'
        f'<footer class="page-foot wrap"><p>Made by claims {_e(__version__)} from the findings alone; '
        f"{_e(limits)}. Every contradiction is minimal and verified on a fresh solver. "
        "This page needs no network and no script.</p></footer>"
        "</body></html>\n"
    )
