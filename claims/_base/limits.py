"""Bounds on what one input may cost, so that a dataset from a pull request cannot exhaust the machine.

Each bound is far above what real datasets need (the 100,000-claim benchmark
stays well inside every one) and far below what would take minutes or
gigabytes. Input over a bound is an input error (``too-large``, exit 2) that
names the bound and how to raise it: ``claims check --limit NAME=N``, or
``Limits`` in the library. SECURITY.md lists them.
"""

from __future__ import annotations

import attrs

from claims._base.errors import ClaimsError


@attrs.frozen(kw_only=True)
class Limits:
    """The bounds; the defaults are what ``claims check`` uses."""

    file_bytes: int = 64 * 2**20
    """Bytes of one claim file, rule file or document (only regular files are read at all)."""

    formula_chars: int = 100_000
    """Characters of one formula, or of one item of a rule file or declarations block (a rule with its
    examples); measured before it is parsed."""

    yaml_nodes: int = 1_000_000
    """Nodes of one claim file, every alias counted at each place it is used (as the nodes of the value
    it names)."""

    instances: int = 2_000_000
    """Claim and rule instances over the relevant days (a claim holding on N of them counts N)."""

    expansion: int = 100_000
    """Terms one formula may grow to when quantifiers and predicates over closed sorts are expanded."""

    def names(self) -> tuple[str, ...]:
        """The bounds' names as ``--limit`` spells them (``file-bytes``, ...)."""
        return tuple(a.name.replace("_", "-") for a in attrs.fields(Limits))

    def with_text(self, text: str) -> Limits:
        """These limits with ``NAME=N`` applied; ValueError with what was meant otherwise."""
        name, sep, value = text.partition("=")
        key = name.strip().replace("-", "_")
        if not sep or key not in attrs.fields_dict(Limits):
            raise ValueError(f"'{text}' is not NAME=N; the limits are {', '.join(self.names())}")
        try:
            n = int(value.replace("_", "").replace(",", ""))
        except ValueError:
            raise ValueError(f"'{text}': {value.strip()!r} is not a whole number") from None
        if n < 1:
            raise ValueError(f"'{text}': a limit must be at least 1")
        return attrs.evolve(self, **{key: n})


DEFAULT = Limits()


class TooLarge(ClaimsError):
    """An input is over one of the :class:`Limits`.

    The stage that finds it turns it into a ``too-large`` diagnostic at the
    place it knows; one that reaches the command line is still a clean error.
    """

    def __init__(self, limit: str, size: int, bound: int, what: str, unit: str) -> None:
        self.limit, self.size, self.bound = limit, size, bound
        super().__init__(f"{what} ({size:,} {unit}, over the limit of {bound:,}: raise it with --limit {limit}={size})")
