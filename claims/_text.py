"""Text utilities shared by the stages that read documents (load) and show them (report)."""

from __future__ import annotations


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
