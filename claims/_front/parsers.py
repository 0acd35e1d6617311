"""lark parsers built once per grammar and kept, sealed, in this user's cache folder.

Building the LALR parser of the formula grammar (its tables, its contextual
lexer) takes about 60 ms, more than re-checking a one-claim edit spends
parsing the edited file. So :func:`kept_parser` keeps what it builds with
lark's own serialisation (``Lark.save``, the one lark's ``cache=`` option
uses) under ``~/.cache/claims-check/parsers/``, and a later process loads it
in about 4 ms (``Lark.load``).

Exact: ``Lark.load`` gives the parser ``Lark.save`` saved, with the same
tables, terminals, rules and callbacks (its transformer included); the file
is named by a digest of everything the parser is built from (the grammar's
text, the options, the transformer's class, lark's and Python's versions),
so a changed grammar or lark gets a parser of its own. ``tests/cover/test_parsers.py``
checks a loaded parser against a built one on generated texts.

Trust: the file holds a pickle, so it is sealed with this user's key
(``claims._base.sign``), as the caches are, and one whose seal does not
verify, that does not load or is not a parser is never used: the parser is
built again and the file written anew (atomically). lark's own ``cache=``
is not used: it reads a pickle from a shared temporary folder, which any
user may write. Where the key cannot be kept, nothing is kept.
"""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path
from typing import Any

import lark

from claims._base.files import write_atomic
from claims._base.read import CACHE_FILE_BYTES, read_regular
from claims._base.sign import seal, unseal, user_cache_dir, user_key

FORMAT = 1
_MAGIC = b"claims-lark-parser\n"


def kept_parser(grammar: str, transformer: object, **options: Any) -> lark.Lark:
    """``lark.Lark(grammar, transformer=transformer, **options)``, loaded when this user's engine kept it."""
    key = user_key()
    if key is None:
        return lark.Lark(grammar, transformer=transformer, **options)
    made_of = (FORMAT, grammar, sorted(options.items()), type(transformer).__qualname__, lark.__version__)
    name = hashlib.sha256(repr((made_of, sys.version_info[:2])).encode("utf-8")).hexdigest()
    path = user_cache_dir() / "parsers" / f"{name}.pickle"
    kept = _load(path, key, type(transformer))
    if kept is not None:
        return kept
    parser = lark.Lark(grammar, transformer=transformer, **options)
    out = io.BytesIO()
    parser.save(out)
    try:
        write_atomic(path, seal(key, _MAGIC, out.getvalue()), mode=0o600, durable=False)
    except OSError:
        pass  # not kept: the next process builds it again
    return parser


def _load(path: Path, key: bytes, transformer: type) -> lark.Lark | None:
    """The parser kept at ``path``, when its seal verifies and it loads as a parser with such a transformer."""
    try:
        data = read_regular(path, CACHE_FILE_BYTES)
    except OSError:
        return None
    payload = unseal(key, _MAGIC, data)
    if payload is None:
        return None
    try:
        parser = lark.Lark.load(io.BytesIO(payload))
    except Exception:  # noqa: BLE001 (sealed by this user, yet not loadable: another lark's, say)
        return None
    ok = isinstance(parser, lark.Lark) and type(parser.options.transformer) is transformer
    return parser if ok else None
