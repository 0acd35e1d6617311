"""Signing what the caches keep, with a key private to this user.

A checkout is untrusted input: a ``.claims-cache/`` folder committed to a
repository, or edited in a pull request, must never decide an answer or run
code. So every cache file is sealed with an HMAC-SHA256 of its bytes under a
key that only this user can read (``~/.cache/claims-check/signing-key``,
mode 0600, or under ``$XDG_CACHE_HOME``), and a file whose seal does not
verify is ignored as if it were absent. Where the key cannot be kept, nothing
is cached.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

_SIG = hashlib.sha256().digest_size


def user_cache_dir() -> Path:
    """This user's folder of ``claims``: ``~/.cache/claims-check``, or under ``$XDG_CACHE_HOME``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "claims-check"


def user_key() -> bytes | None:
    """This user's signing key, made on first use; None when it cannot be kept."""
    path = user_cache_dir() / "signing-key"
    try:
        return _read_key(path)
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # the first writer wins; every process then reads the same key
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        return _read_key(path)
    except OSError:
        return None


def _read_key(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) < 16:
        raise OSError(f"{path}: too short to be a key")
    return key


def seal(key: bytes, magic: bytes, payload: bytes) -> bytes:
    """``payload`` with ``magic`` and its signature in front."""
    return magic + hmac.new(key, magic + payload, hashlib.sha256).digest() + payload


def unseal(key: bytes, magic: bytes, data: bytes) -> memoryview | None:
    """The payload of what :func:`seal` made with this key and magic; None for anything else.

    The payload is a view of ``data``, not a copy: the file cache unseals
    120 MB at 100,000 claims, and every reader (pickle, marshal, orjson)
    reads a view as it reads bytes.
    """
    head = len(magic) + _SIG
    if len(data) < head or not data.startswith(magic):
        return None
    payload = memoryview(data)[head:]
    mac = hmac.new(key, magic, hashlib.sha256)
    mac.update(payload)
    return payload if hmac.compare_digest(data[len(magic) : head], mac.digest()) else None
