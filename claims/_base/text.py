"""Text utilities shared by the stages that read documents (load) and show them (report)."""

from __future__ import annotations

import bisect
import difflib
import heapq
import itertools
import re
from array import array
from collections import Counter
from collections.abc import Sequence


def normalise_ws(text: str) -> tuple[str, list[int]]:
    """Collapse whitespace runs to one space; return the text and each character's original offset.

    Quotes are found in their documents, and highlighted in the HTML report,
    up to whitespace: both use this one definition of "up to whitespace".
    """
    out: list[str] = []
    index: list[int] = []
    in_ws = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_ws and out:
                out.append(" ")
                index.append(i)
            in_ws = True
        else:
            out.append(ch)
            index.append(i)
            in_ws = False
    if out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), index


_WORD = re.compile(r"\S+")

# What a quote may write with a plain ASCII character where its document prints a typographic one
# (or the other way round): these match each other, as a run of blanks matches one space.
_ALIKE = {
    '"': '"\u201c\u201d\u201e\u201f\u00ab\u00bb',  # curly double quotes, low-9, guillemets
    "'": "'\u2018\u2019\u201a\u201b\u2032",  # curly single quotes (apostrophes), low-9, prime
    "-": "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212",  # hyphens, figure, en and em dashes, minus
}
_CLASS = {ch: "[" + re.escape(group) + "]" for group in _ALIKE.values() for ch in group}
_ELLIPSIS = re.compile(r"(\.\.\.|\u2026)")
_FOLDED = re.compile("[" + re.escape("".join(_ALIKE.values())) + "\u2026]|\\.\\.\\.")


def has_look_alike(quote: str) -> bool:
    """Whether ``quote`` holds a character :func:`quote_pattern` matches with others (or ``...``).

    Only such a quote needs the pattern; any other is found as it is.
    """
    return _FOLDED.search(quote) is not None


def quote_pattern(quote: str, blank: str = " ") -> re.Pattern[str]:
    """A pattern for ``quote`` in which typographic and straight quotes, dashes and ellipses match.

    Straight and typographic double quotes (U+201C-U+201F, guillemets) match
    each other, so do single quotes and apostrophes (U+2018-U+201B, the
    prime), hyphens and dashes (U+2010-U+2015, the minus sign), and the
    ellipsis U+2026 matches ``...``. Its blanks are ``blank``: one space to search a text
    normalised by :func:`normalise_ws` (or :class:`Normalised`), ``\\s+`` to
    match the text itself.
    """
    parts = []
    for k, piece in enumerate(_ELLIPSIS.split(" ".join(quote.split()))):
        if k % 2:
            parts.append(r"(?:\.\.\.|\u2026)")
            continue
        for word_k, word in enumerate(piece.split(" ")):
            if word_k:
                parts.append(blank)
            parts.extend(_CLASS.get(ch) or re.escape(ch) for ch in word)
    return re.compile("".join(parts))


def differences(quote: str, passage: str) -> list[tuple[str, str]]:
    """The characters where ``passage`` differs from ``quote`` (blanks normalised), when they are few.

    Pairs (the quote's character, the passage's), at most three and none
    next to another, for texts of the same length that differ only by
    characters put for others (a typo, a look-alike); empty otherwise,
    where a list would not help.
    """
    a, b = " ".join(quote.split()), " ".join(passage.split())
    if len(a) != len(b) or len(a) > _DIFF_CHARS:
        return []
    at = [k for k, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if not 0 < len(at) <= 3 or any(k2 - k1 < 2 for k1, k2 in itertools.pairwise(at)):
        return []  # side by side they are another word ("pieces", "peace."), not a typo
    return [(a[k], b[k]) for k in at]


_DIFF_CHARS = 1_000
"""Quotes longer than this get no list of differing characters (the closest passage still)."""


class Normalised:
    """A text with its whitespace collapsed as :func:`normalise_ws` does, and the way back to the text.

    Built for documents of megabytes: the text is split by a regular
    expression, and the way back is kept per word (two arrays of offsets), not
    per character as :func:`normalise_ws` keeps it.
    """

    def __init__(self, text: str) -> None:
        words = _WORD.findall(text)
        self.norm = " ".join(words)
        self._text_at = array("q", (m.start() for m in _WORD.finditer(text)))
        self._norm_at = (
            array("q", itertools.accumulate((len(w) + 1 for w in words[:-1]), initial=0)) if words else array("q")
        )

    def original(self, at: int) -> int:
        """The offset in the text of offset ``at`` of :attr:`norm` (a space: the first blank it stands for)."""
        k = bisect.bisect_right(self._norm_at, at) - 1
        return self._text_at[k] + (at - self._norm_at[k])

    def words(self) -> list[str]:
        return self.norm.split(" ") if self.norm else []


# --------------------------------------------------------------------------- the closest passage

MAX_WINDOW_WORDS = 200
"""A quote longer than this is compared with passages of this many words."""

_CANDIDATES = 64  # passages ranked by difflib's ratio (256 for a quote of 100 characters or less, 8 over 300)
_RATIO_CHARS = 1_000  # a longer quote is ranked by shared trigrams alone (difflib's ratio is quadratic)


def _grams(word: str) -> list[str]:
    padded = f" {word.lower()} "
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


def closest_passage(words: Sequence[str], quote: str) -> tuple[str, int]:
    """The passage of ``words`` (a document split at its blanks) that looks most like ``quote``, and its cost.

    A passage has as many words as the quote (at most :data:`MAX_WINDOW_WORDS`).
    Every passage is scored by the character trigrams it shares with the quote,
    in one pass over the document (each word's shared trigrams are found once
    per distinct word, and a passage's score is updated as it slides by one
    word); then the best few passages are ranked by ``difflib``'s ratio, as
    every passage was before. So a search takes time proportional to the
    document plus the quote, not to their product (an 8-word quote against
    10 MB took over 150 s, issue 17, item 5). The cost returned is the work
    done, in words and characters looked at.
    """
    q = " ".join(quote.split())
    if not words or not q:
        return "", 0
    qwords = q.split(" ")
    n = min(len(qwords), MAX_WINDOW_WORDS)
    if len(words) <= n:
        return " ".join(words), len(words)
    want = Counter(g for w in qwords for g in _grams(w))
    shared: dict[str, tuple[str, ...]] = {}
    cost = len(words) + len(q)
    for w in set(words):
        shared[w] = tuple(g for g in _grams(w) if g in want)
        cost += len(w)
    # slide a window of n words: score = the trigrams it shares with the quote, counted at most
    # as often as the quote has them
    have: dict[str, int] = dict.fromkeys(want, 0)
    score = 0
    scores = [0] * (len(words) - n + 1)
    for i, w in enumerate(words):
        for g in shared[w]:
            if have[g] < want[g]:
                score += 1
            have[g] += 1
        if i >= n:
            for g in shared[words[i - n]]:
                have[g] -= 1
                if have[g] < want[g]:
                    score -= 1
        if i >= n - 1:
            scores[i - n + 1] = score
    k = _CANDIDATES * 4 if len(q) <= 100 else _CANDIDATES if len(q) <= 300 else 8
    best = heapq.nlargest(k, range(len(scores)), key=scores.__getitem__)
    if len(q) > _RATIO_CHARS:
        return " ".join(words[best[0] : best[0] + n]), cost
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(q)
    found, found_key = "", (-1.0, 0)
    for i in best:  # best score first, so that the bounds below soon skip most of the others
        cand = " ".join(words[i : i + n])
        matcher.set_seq1(cand)
        cost += len(cand)
        if matcher.real_quick_ratio() < found_key[0] or matcher.quick_ratio() < found_key[0]:
            continue
        key = (matcher.ratio(), -i)  # of equal ratios, the first in the document wins, as before
        if key > found_key:
            found, found_key = cand, key
    return found, cost


def plural(n: int, word: str, plural: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is 1: ``1 claim``, ``3 claims``.

    ``plural`` is the plural when it is not ``word + 's'``.
    """
    return f"{n} {word if n == 1 else (plural or word + 's')}"
