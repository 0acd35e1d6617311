"""claims: check claims taken from documents for contradictions and unsupported conclusions.

The implementation lives in private modules named after the pipeline stages
(load, resolve, encode, partition, solve, report); this module only
re-exports the public surface.

>>> import claims
>>> ds = claims.dataset(
...     [("a", "x > 5", "x is over five"), ("b", "x < 3", "x is under three")],
...     rules="const x: int",
... )
>>> report = claims.check(ds)
>>> [[c.id for c in k.claims] for k in report.contradictions]
[['a', 'b']]
"""

from claims._base.errors import ClaimsError, Diagnostic, InputError, InvalidClaim, RuleError, SolverError, Span
from claims._base.limits import Limits
from claims._base.version import __version__
from claims._front.build import dataset, with_claim
from claims._front.model import Claim, Dataset, Rule, Source
from claims._report import render as _render  # noqa: F401  (registers json; the other formats are declared)
from claims._report.findings import (
    Conflict,
    Contradiction,
    Reading,
    Report,
    RuleConflict,
    Scenario,
    Unknown,
    Verdict,
)
from claims._run.api import check
from claims._run.loader import load

__all__ = [
    "Claim",
    "ClaimsError",
    "Conflict",
    "Contradiction",
    "Dataset",
    "Diagnostic",
    "InputError",
    "InvalidClaim",
    "Limits",
    "Reading",
    "Report",
    "Rule",
    "RuleConflict",
    "RuleError",
    "Scenario",
    "SolverError",
    "Source",
    "Span",
    "Unknown",
    "Verdict",
    "__version__",
    "check",
    "dataset",
    "load",
    "with_claim",
]
