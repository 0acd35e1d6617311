"""``claims draft``: a claim-file skeleton of an article's attributed statements.

The extraction is rule-based (regular expressions over sentences; no language
model), and every rule is here:

* **Sentences**: paragraphs are split at blank lines, sentences at ``.``, ``!``
  or ``?`` followed by a capital or an opening quote, never inside a quotation
  and never after an abbreviation (``U.S.``, ``Sept.``, ``a.m.``).
* **Direct quotes**: a quotation (``“...”`` or ``"..."``) of at least
  :data:`MIN_QUOTE_WORDS` words (fewer is a scare quote, "positive step").
  Its speaker is named outside the quotation in the same sentence (``“...,”
  X said``, ``X told AFP``, ``he reportedly said, adding: “...”``); a sentence
  that is only a quotation continues the last speaker.
* **Reported speech**: ``X said [DAY] [, according to Y,] that CLAUSE`` (also
  ``told``, ``added``, ``clarified``, ``announced`` ...; ``X announced`` takes
  what follows even without ``that``), split again at ``and said that``;
  ``CLAUSE, X said.`` and ``CLAUSE, X reported.`` at the end of a sentence;
  ``CLAUSE, according to Y.`` and ``According to Y, CLAUSE``.
* **Speakers**: an appositive gives the role (``Viktor Ozerov, head of the
  defense committee, said``); so does a title before a name (``Deputy Defense
  Minister Nikolai Pankov``). ``he``, ``she``, ``they`` and ``the ministry``
  (``the`` and one noun) are the last speaker (whose name holds that noun,
  if one does). Sources are merged by name: a name that ends another's
  (``Ozerov``, ``Viktor Ozerov``), an acronym given in parentheses
  (``the Associated Press (AP)``, then ``AP``), or two unnamed speakers with
  the same head noun (``a commander of the group``, ``a commander for the
  al-Nusra Front``).
* **Outlet**: ``told Y``, ``according [to] Y``, ``Y reported`` (its acronym
  when it gives one: ``Agence France-Presse (AFP)`` is ``AFP``).
* **Day**: the first weekday named in the sentence, the latest such day on or
  before the publication date; ``yesterday``, ``today``, ``last week`` (seven
  days before); else the publication date. The publication date is given, or
  else the first date written out in the text (``March 15, 2016``,
  ``2016-03-15``); the file says which.
* **Overlap**: statements are taken in the order of the text, and one that
  overlaps a statement taken before it is dropped, so quotes never overlap.

Every quote is a span of the article, and is checked with the loader's own
look-up (:class:`~claims._front.claimfile.Document`) before it is written.
Formulas are the placeholder :data:`~claims._front.claimfile.PLACEHOLDER`, a
``not-encoded`` error of ``claims check`` until they are written.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import attrs

from claims._base import errors as E
from claims._base.errors import DiagnosticSink, InputError, Span
from claims._base.text import plural
from claims._front.claimfile import PLACEHOLDER, Document
from claims._front.inputs import display_path, read_text
from claims._front.rulesets import load_rule_file
from claims._front.syntax import SymDecl, offset_to_place

MIN_QUOTE_WORDS = 4
"""A quotation of fewer words is not a statement ("positive step", “radically”)."""

MAX_SUGGESTIONS = 5
"""Symbols suggested per claim, at most."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MONTHS: tuple[str, ...] = ("january", "february", "march", "april", "may", "june")
_MONTHS += ("july", "august", "september", "october", "november", "december")
_MONTH_RE = "|".join(m.capitalize() for m in _MONTHS) + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
_FULL_DATE = re.compile(
    rf"\b(?:(?P<mon>{_MONTH_RE})\.? (?P<day>\d{{1,2}}), (?P<year>\d{{4}})|(?P<iso>\d{{4}}-\d\d-\d\d))\b"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_WORDS = re.compile(
    r"\b(?:(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?: (?:morning|afternoon|evening|night))?"
    r"|(?P<rel>yesterday|today|last week))\b"
)
_ABBREVIATIONS = _words(
    "a.m p.m mr mrs ms dr st sept jan feb mar apr jun jul aug oct nov dec gen col lt sen rep "
    "gov u.s u.n u.k e.g i.e no vs etc inc corp jr sr"
)
_VERBS = (
    "said|says|told|tells|added|adds|stated|explained|clarified|warned|noted|insisted|claimed|"
    "announced|confirmed|stressed|reported|wrote|declared|argued|maintained"
)
_ADVERBS = r"(?:(?:also|reportedly|later|then|further|previously|earlier)\s+)*"
_QUOTATION = re.compile(r"“[^“”]*”|\"[^\"\n]*\"")
_SENTENCE_END = re.compile('[.!?][”"\u2019)]*\\s+(?=[“"A-Z])')
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_PRONOUNS = frozenset({"he", "she", "they", "it", "we"})
_TITLES = _words(
    "minister president secretary ambassador spokesman spokeswoman spokesperson chief director "
    "general commander senator governor mayor chairman chairwoman chair head premier king queen "
    "prince envoy official officer adviser advisor leader councillor councilor"
)
_BREAKS = _words("as after while when because since and but that which who comes came also then")
_STOPWORDS = _words(
    "a an the of in on at to for from by with and or but not no is are was were be been being "
    "has have had will would can could may might must shall should do does did it its this that "
    "these those there their they them he she his her we our you your i me my as into about "
    "over after before than then so such which who whom what when where while if also some any "
    "all each other more most per up out day one"
)


@attrs.frozen
class Statement:
    """One attributed statement: where its quote lies in the article, who said it, through which outlet, when."""

    start: int
    end: int
    quote: str
    speaker: str
    role: str | None
    outlet: str | None
    said: datetime.date
    day_words: str | None


@attrs.frozen
class Source:
    """A speaker, merged by name over the statements."""

    id: str
    name: str
    role: str | None
    via: str | None


@attrs.frozen
class Symbol:
    """A symbol declared in a rule file, with the comment beside its declaration."""

    name: str
    declaration: str
    comment: str
    rule_set: str
    stems: frozenset[str]


# --------------------------------------------------------------------------- dates


def publication_date(text: str) -> tuple[datetime.date, str] | None:
    """The first date written out in full in ``text``, and the words that give it."""
    for m in _FULL_DATE.finditer(text):
        try:
            if m.group("iso"):
                return datetime.date.fromisoformat(m.group("iso")), m.group()
            mon = m.group("mon").lower()[:3]
            month = next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(mon))
            return datetime.date(int(m.group("year")), month, int(m.group("day"))), m.group()
        except ValueError:
            continue
    return None


def day_of(sentence: str, published: datetime.date) -> tuple[datetime.date, str | None]:
    """The day a statement was made: a weekday or relative day named in its sentence, else ``published``."""
    m = _DAY_WORDS.search(sentence)
    if m is None:
        return published, None
    if m.group("wd"):
        back = (published.weekday() - _WEEKDAYS.index(m.group("wd").lower())) % 7
        return published - datetime.timedelta(days=back), m.group()
    back = {"yesterday": 1, "today": 0, "last week": 7}[m.group("rel")]
    return published - datetime.timedelta(days=back), m.group()


# --------------------------------------------------------------------------- sentences


def _spans(text: str, pattern: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at every match of ``pattern`` (the match stays with the part before it)."""
    out, at = [], start
    for m in pattern.finditer(text, start, end):
        out.append((at, m.start() + len(m.group().rstrip())))
        at = m.end()
    out.append((at, end))
    return [(a, b) for a, b in out if text[a:b].strip()]


def _inside_quotation(text: str, start: int, at: int) -> bool:
    """True when offset ``at`` lies inside a quotation opened after ``start``."""
    part = text[start:at]
    return part.count("“") > part.count("”") or part.count('"') % 2 == 1


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of ``text``, as (start, end) offsets; paragraphs end sentences."""
    out: list[tuple[int, int]] = []
    for p0, p1 in _spans(text, _PARAGRAPH, 0, len(text)):
        at = p0
        for m in _SENTENCE_END.finditer(text, p0, p1):
            stop = m.start() + 1
            word = re.search(r"(\S+)\.$", text[at:stop])
            abbreviation = word is not None and (
                word.group(1).lower().lstrip('“"(') in _ABBREVIATIONS or len(word.group(1)) == 1
            )
            if abbreviation or _inside_quotation(text, at, stop):
                continue
            end = m.start() + len(m.group().rstrip())
            out.append((at, end))
            at = m.end()
        if text[at:p1].strip():
            out.append((at, p1))
    return [(a, a + len(text[a:b].rstrip())) for a, b in out]


# --------------------------------------------------------------------------- speakers


def _clean(phrase: str) -> str:
    return " ".join(phrase.strip(" ,;:\u2014\u2013-\n\t").split())


def _acronym(phrase: str) -> tuple[str, str | None]:
    """``the Associated Press (AP)`` → (``Associated Press``, ``AP``)."""
    phrase = _clean(phrase).rstrip(".")  # a sentence's end, not the name's
    m = re.match(r"^(.*?)\s*\(([A-Z][A-Za-z.-]{1,9})\)$", phrase)
    name, acr = (m.group(1), m.group(2)) if m else (phrase, None)
    name = re.sub(r"^(?:the|The)\s+", "", name)
    name = re.sub(r"\s+(?:news\s+)?agency$", "", name)
    return name, acr


def _outlet(outside: str) -> str | None:
    """The outlet a statement came through: ``told Y``, ``according [to] Y``."""
    m = re.search(
        r"\b(?:told|according(?:\s+to)?)\s+(?P<o>(?:the\s+)?[A-Z][\w\u2019'.-]*(?:\s+[A-Z][\w\u2019'.-]*)*"
        r"(?:\s+\([A-Z][A-Za-z.-]+\))?)",
        outside,
    )
    if m is None:
        return None
    name, acr = _acronym(m.group("o"))
    return acr or name


def _name_and_role(phrase: str) -> tuple[str, str | None]:
    """A speaker phrase split into its name and the role it gives (an appositive, or a title before a name)."""
    phrase = _clean(re.sub(_ADVERBS + "$", "", phrase + " ").strip())
    m = re.match(r"^(?P<name>[^,]+),\s*(?P<role>[a-z][^,]*)$", phrase)
    if m:
        return _clean(_subject(m.group("name"))), _clean(m.group("role"))
    phrase = _subject(phrase)
    words = phrase.split()
    for i in range(len(words) - 1, 0, -1):
        if words[i - 1].lower() in _TITLES and all(w[:1].isupper() for w in words[i:]):
            return " ".join(words[i:]), " ".join(words[:i])
    return phrase, None


def _subject(phrase: str) -> str:
    """The noun phrase at the end of ``phrase``: after the last clause word (``comes as``, ``after``)."""
    words = _clean(phrase).split()
    for i in range(len(words) - 1, -1, -1):
        if words[i].lower() in _BREAKS or words[i].endswith(","):
            words = words[i + 1 :]
            break
    while words and words[0] in ("The",):
        words = words[1:]
    return " ".join(words)


# --------------------------------------------------------------------------- statements


@attrs.frozen
class _Found:
    start: int
    end: int
    speaker: str  # as written: resolved by the caller
    outlet: str | None


_DATELINE = re.compile(r"[A-Z]{2,}[^\u2014\u2013\n]{0,40}?\s[\u2014\u2013]\s+")


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    """``text[a:b]`` without blanks around it, a dateline before it (``UPDATE: 7:27 a.m. EDT —``), or a
    comma, semicolon or colon after it."""
    while a < b and text[a] in " \n\t":
        a += 1
    m = _DATELINE.match(text, a, b)
    if m is not None:
        a = m.end()
    while b > a and text[b - 1] in " \n\t,;:":
        b -= 1
    return a, b


_PRE = re.compile(
    rf"(?P<spk>[^.;:“”\"]+?)\s+{_ADVERBS}(?P<verb>{_VERBS})\b(?P<mid>[^“”\"]*?)(?:\bthat\s+|(?<=announced)\s+(?=[a-z]))"
)
_POST = re.compile(
    rf",\s+(?P<spk>[^,;:“”\"]+?)\s+{_ADVERBS}(?:said|reported|added|told\s+(?P<o>[^.]+?))"
    r"\s*(?:in a statement\s*)?[.!]?$"
)
_TOLD = re.compile(
    rf"(?P<spk>[^.;:“”\"]+?)\s+{_ADVERBS}(?:told|tells)\s+(?P<o>[A-Z][\w.-]*(?:\s+\([A-Z][A-Za-z.-]+\))?)"
    r"\s+(?:that\s+)?(?=[a-z])"
)
_ACCORDING_END = re.compile(r",\s+according\s+(?:to\s+)?(?P<o>[^,.]+?)\s*[.!]?$")
_ACCORDING_START = re.compile(r"^According\s+to\s+(?P<o>[^,]+),\s+")
_AGAIN = re.compile(rf",?\s+(?:and|adding)\s+{_ADVERBS}(?:{_VERBS})\s+(?:that\s+)?")


def _direct(text: str, s0: int, s1: int) -> list[_Found]:
    """The quotations of one sentence, with the speaker named outside them ("" when none is)."""
    quotes = [m for m in _QUOTATION.finditer(text, s0, s1) if len(m.group().split()) >= MIN_QUOTE_WORDS]
    if not quotes:
        return []
    chars = list(text[s0:s1])
    for q in quotes:  # the sentence with its quotations blanked out
        chars[q.start() - s0 : q.end() - s0] = " " * (q.end() - q.start())
    outside = "".join(chars)
    speaker = ""
    m = re.search(rf"(?:^|[,.;:]|\s\s)\s*(?P<spk>[^,.;:]*?)\s+{_ADVERBS}(?:{_VERBS})\b", outside)
    if m is not None and m.group("spk").strip():
        speaker = m.group("spk")
    else:  # inverted: ``“...,” said Maria Lopez, the city's engineer.``
        m = re.search(r"\b(?:said|says|added|adds)\s+(?P<spk>[A-Z][^.;:]*?)\s*(?:[.;:]|\s\s|$)", outside)
        if m is not None:
            speaker = m.group("spk")
    outlet = _outlet(outside)
    out = []
    for q in quotes:
        a, b = _trim(text, q.start() + 1, q.end() - 1)
        out.append(_Found(a, b, speaker, outlet))
    return out


def _reported(text: str, s0: int, s1: int) -> list[_Found]:
    """The reported speech of one sentence that holds no quotation."""
    sentence = text[s0:s1]
    m = _POST.search(sentence)
    if m is not None:
        a, b = _trim(text, s0, s0 + m.start())
        outlet = None
        if m.group("o"):
            _, acr = _acronym(m.group("o"))
            outlet = acr or _acronym(m.group("o"))[0]
        elif m.group().rstrip(" .!").endswith("reported"):
            name, acr = _acronym(m.group("spk"))
            outlet = acr or name
        spk = m.group("spk")
        m2 = _ACCORDING_END.search(text[a:b] + ".")
        if m2 is not None:
            outlet = outlet or _acronym(m2.group("o"))[0]
        return [_Found(a, b, spk, outlet)]
    m = _ACCORDING_START.match(sentence)
    if m is not None:
        a, b = _trim(text, s0 + m.end(), s1)
        b -= 1 if text[b - 1] == "." else 0
        name, acr = _acronym(m.group("o"))
        return [_Found(a, b, m.group("o"), acr or name)]
    m = _TOLD.search(sentence) or _PRE.search(sentence)
    if m is not None and m.group("spk").strip():
        outlet = _outlet(m.group("mid")) if "mid" in m.re.groupindex else _acronym(m.group("o"))[1] or m.group("o")
        a = s0 + m.end()
        b = s1 - (1 if sentence.endswith(".") else 0)
        found = []
        for part in _AGAIN.finditer(text, a, b):
            found.append(_Found(*_trim(text, a, part.start()), m.group("spk"), outlet))
            a = part.end()
        found.append(_Found(*_trim(text, a, b), m.group("spk"), outlet))
        return [f for f in found if f.end > f.start]
    m = _ACCORDING_END.search(sentence)
    if m is not None:
        a, b = _trim(text, s0, s0 + m.start())
        name, acr = _acronym(m.group("o"))
        return [_Found(a, b, m.group("o"), acr or name)]
    return []


class _Speakers:
    """Speakers resolved (pronouns, ``the ministry``) and merged by name."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.roles: dict[str, str | None] = {}
        self.vias: dict[str, str | None] = {}
        self.acronyms: dict[str, str] = {}
        self.last: str | None = None
        self.renamed: dict[str, str] = {}  # a name merged into a longer one, and that one

    def resolve(self, written: str, outlet: str | None) -> str | None:
        phrase = _clean(written)
        low = phrase.lower()
        if not phrase or low in _PRONOUNS:
            name = self.last
        elif re.fullmatch(r"the\s+\w+", low) and (
            self.last is not None or any(low.split()[1] in n for n in self.names)
        ):
            noun = low.split()[1]
            name = next((n for n in reversed(self.names) if noun in n.lower().split()), self.last)
        else:
            full, acr = _acronym(phrase)
            person, role = _name_and_role(full)
            if acr is not None:
                self.acronyms[acr] = person
            person = self.acronyms.get(person, person)
            name = self._merge(person, role)
        if name is not None:
            if self.vias.get(name) is None and outlet is not None:
                self.vias[name] = outlet
            self.last = name
        return name

    def _merge(self, person: str, role: str | None) -> str:
        words = person.lower().split()
        for n in self.names:
            other = n.lower().split()
            same = (
                other[-len(words) :] == words
                or words[-len(other) :] == other
                or (words[:1] in (["a"], ["an"]) and other[:2] == words[:2])
            )
            if same:
                kept = n
                if len(words) > len(other) and words[:1] not in (["a"], ["an"]):
                    self._rename(n, person)
                    kept = person
                if self.roles.get(kept) is None:
                    self.roles[kept] = role
                return kept
        self.names.append(person)
        self.roles[person] = role
        return person

    def _rename(self, old: str, new: str) -> None:
        self.names[self.names.index(old)] = new
        self.roles[new] = self.roles.pop(old)
        self.vias[new] = self.vias.pop(old, None)
        for k, v in self.acronyms.items():
            if v == old:
                self.acronyms[k] = new
        self.renamed[old] = new


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-") or "source"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def extract(text: str, published: datetime.date) -> tuple[list[Statement], list[Source]]:
    """Every attributed statement of ``text``, in the order of the text, and their sources merged by name."""
    speakers = _Speakers()
    found: list[tuple[_Found, str, tuple[datetime.date, str | None]]] = []
    taken_end = -1
    for s0, s1 in sentences(text):
        items = _direct(text, s0, s1) or _reported(text, s0, s1)
        day = day_of(text[s0:s1], published)
        for f in items:
            name = speakers.resolve(f.speaker, f.outlet)
            if name is None or f.start < taken_end or f.end <= f.start:
                continue
            taken_end = f.end
            found.append((f, name, day))

    def final(name: str) -> str:
        while name in speakers.renamed:
            name = speakers.renamed[name]
        return name

    taken: set[str] = set()
    ids: dict[str, str] = {}
    sources: list[Source] = []
    statements: list[Statement] = []
    for f, written, (said, words) in found:
        name = final(written)
        if name not in ids:
            ids[name] = _slug(name, taken)
            sources.append(Source(ids[name], name, speakers.roles.get(name), speakers.vias.get(name)))
        statements.append(
            Statement(
                f.start,
                f.end,
                text[f.start : f.end],
                ids[name],
                speakers.roles.get(name),
                f.outlet,
                said,
                words,
            )
        )
    return statements, sources


# --------------------------------------------------------------------------- symbols


_IRREGULAR = {"kept": "keep", "defence": "defense", "left": "leave", "withdrew": "withdraw", "withdrawn": "withdraw"}
"""Forms no suffix rule joins (and British spellings), as their plain word."""


def _stem(word: str) -> str:
    word = word.replace("-", "")
    word = _IRREGULAR.get(word, word)
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def stems(text: str) -> frozenset[str]:
    """The content words of ``text``, lower-cased and stemmed (``remaining`` → ``remain``, ``S-400`` → ``s400``)."""
    words = re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text.lower().replace("_", " "))
    return frozenset(_stem(w) for w in words if w not in _STOPWORDS and len(w) > 1)


def declared_symbols(folder: Path, sink: DiagnosticSink) -> list[Symbol]:
    """The symbols declared in the ``*.rules`` files of ``folder`` (sorted by file), with their comments.

    A declaration's comment is the one at the end of its line, or else the comment lines just above it.
    """
    out: list[Symbol] = []
    for path in sorted(folder.glob("*.rules")):
        rs = load_rule_file(path, sink)
        if rs is None:
            continue
        lines = read_text(path, sink) or ""
        all_lines = lines.split("\n")
        place = offset_to_place(lines)
        for item in rs.items:
            if not isinstance(item, SymDecl):
                continue
            line = place(item.pos)[0] - 1
            own = all_lines[line]
            comment = own.split("#", 1)[1].strip() if "#" in own else ""
            above = line - 1
            while not comment and above >= 0 and all_lines[above].lstrip().startswith("#"):
                comment = all_lines[above].lstrip("# ").strip()
                above -= 1
            decl = own.split("#", 1)[0].strip()
            for name in item.names:
                out.append(Symbol(name, decl, comment, rs.name, stems(name) | stems(comment)))
    return out


def suggestions(quote: str, symbols: Sequence[Symbol]) -> list[tuple[Symbol, list[str]]]:
    """The symbols whose names or comments share words with ``quote``, best first, then by name.

    A shared word counts ``1/n`` when ``n`` symbols hold it: ``S-400``, held by two, says more
    than ``Syria``, held by ten.
    """
    holders: dict[str, int] = {}
    for s in symbols:
        for w in s.stems:
            holders[w] = holders.get(w, 0) + 1
    words = stems(quote)
    scored = [(s, sorted(s.stems & words)) for s in symbols]
    ranked = sorted(
        ((sum(Fraction(1, holders[w]) for w in shared), s, shared) for s, shared in scored if shared),
        key=lambda t: (-t[0], t[1].name),
    )
    return [(s, shared) for _, s, shared in ranked[:MAX_SUGGESTIONS]]


# --------------------------------------------------------------------------- the file


_NOT_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
"""Characters a YAML stream may not hold as they are, or reads as line breaks (U+0085, U+2028, U+2029),
where JSON leaves them: written as escapes."""


def _y(value: str) -> str:
    """A YAML double-quoted scalar: a JSON string is one, once the characters YAML does not print are escapes."""
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def render(
    statements: Sequence[Statement],
    sources: Sequence[Source],
    *,
    document: str,
    published: datetime.date,
    published_from: str | None,
    symbols: Sequence[Symbol] | None,
    rule_sets: Sequence[str] = (),
    root_note: str | None = None,
) -> str:
    """The claim file, as YAML text."""
    out = [
        f"# Drafted by `claims draft` from {document}: {plural(len(statements), 'attributed statement')}.",
        f"# Every formula is the placeholder {PLACEHOLDER}: `claims check` reports each as not-encoded",
        "# (exit 2) until it is written. Check speakers, roles, outlets and days against the article.",
        *([f"# {root_note}"] if root_note else []),
        f"document: {_y(document)}",
        f"published: {published.isoformat()}"
        + (f"  # from the text: {published_from}" if published_from else "  # given with --published"),
    ]
    if rule_sets:
        out.append(f"# rules: [{', '.join(rule_sets)}]  # the rule sets the symbols below come from")
    out.append("sources:" if sources else "sources: {}")
    for s in sources:
        out.append(f"  {s.id}:")
        out.append(f"    name: {_y(s.name)}")
        if s.role:
            out.append(f"    role: {_y(s.role)}")
        if s.via:
            out.append(f"    via: {_y(s.via)}")
    out.append("claims:" if statements else "claims: []  # no attributed statement was found")
    counts: dict[str, int] = {}
    for st in statements:
        counts[st.speaker] = counts.get(st.speaker, 0) + 1
        out.append(f"  - id: {st.speaker}-{counts[st.speaker]}")
        out.append(f"    source: {st.speaker}")
        said = f"    said: {st.said.isoformat()}"
        out.append(said + (f"  # {_y(st.day_words)}" if st.day_words else ""))
        out.append(f"    quote: {_y(st.quote)}")
        out.append(f"    formula: {PLACEHOLDER}")
        if symbols is not None:
            found = suggestions(st.quote, symbols)
            if found:
                out.append("    # symbols that share words with the quote:")
            for sym, shared in found:
                note = f"  -- {sym.comment}" if sym.comment else ""
                out.append(f"    #   {sym.declaration}{note}  [{sym.rule_set}: {', '.join(shared)}]")
    return "\n".join(out) + "\n"


def draft(
    article: Path,
    *,
    published: datetime.date | None = None,
    rules: Path | None = None,
    output: Path | None = None,
) -> str:
    """The claim file ``claims draft`` writes for ``article`` (to ``output``, or stdout when None).

    Raises :class:`~claims._base.errors.InputError` (file, line, column) when the article or a
    rule file cannot be read, or no publication date is given or written in the text.
    """
    sink = DiagnosticSink()
    text = read_text(article, sink)
    symbols: list[Symbol] | None = None
    rule_sets: list[str] = []
    if rules is not None:
        if not rules.is_dir():
            sink.error(Span(display_path(rules), 1, 0), E.FILE_MISSING, "--rules must name a folder of .rules files")
        else:
            symbols = declared_symbols(rules, sink)
            rule_sets = [p.stem for p in sorted(rules.glob("*.rules"))]
    if text is None or sink.items:
        raise InputError(sink.items)
    shown = display_path(article)
    published_from = None
    if published is None:
        found = publication_date(text)
        if found is None:
            sink.error(
                Span(shown, 1, 0),
                E.MISSING_FIELD,
                "no publication date: the article writes none in full (e.g. March 15, 2016)",
                "give it with --published YYYY-MM-DD",
            )
            raise InputError(sink.items)
        published, published_from = found
    statements, sources = extract(text, published)
    doc = Document(shown, text)
    # the loader's own look-up: a quote is a span of the text, so it is found (at that span, or at an
    # earlier place where the same words occur); one that were not would not be written
    statements = [st for st in statements if doc.find(st.quote) is not None]
    folder = (output.parent if output is not None else Path()).resolve()
    document = Path(os.path.relpath(article.resolve(), folder)).as_posix()
    root_note = None
    if document.startswith("../"):
        # `claims check FILE` reads only under FILE's folder unless told otherwise (see --root)
        common = display_path(Path(os.path.commonpath([article.resolve(), folder])))
        root_note = f"the document lies outside this file's folder: check it with --root {common}"
    return render(
        statements,
        sources,
        document=document,
        root_note=root_note,
        published=published,
        published_from=published_from,
        symbols=symbols,
        rule_sets=rule_sets,
    )
