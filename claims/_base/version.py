"""What the engine is: its version (``claims.__version__``) and the digest of its own code.

Kept apart so that every stage can read them: the caches of every stage key
their entries on :func:`engine_digest`.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

__version__ = "0.1.0"

PACKAGE = Path(__file__).resolve().parent.parent
"""The folder of the ``claims`` package."""


def code_digest(root: Path) -> str:
    """The digest of every module and grammar under ``root``, in every folder, by relative path."""
    h = hashlib.sha256()
    files = [p for suffix in ("*.py", "*.lark") for p in root.rglob(suffix) if p.is_file()]
    for p in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        h.update(p.relative_to(root).as_posix().encode("utf-8") + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def engine_digest() -> str:
    """The digest of the engine's own code (:func:`code_digest` of the whole package), once a process.

    The caches key their entries on it: a change to any file of the engine's
    code, in any stage's folder, empties them.
    """
    return code_digest(PACKAGE)
