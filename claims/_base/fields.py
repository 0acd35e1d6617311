"""The values of an object's named attributes as one tuple, read by ``operator.attrgetter`` (in C).

The file cache pickles a record as the tuple of its fields, and the reports
turn records into JSON objects field by field: both read the same few
fields of many thousands of records, and this is the one way they do it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any


def values_of(names: Sequence[str]) -> Callable[[object], tuple[Any, ...]]:
    """What gives the tuple of an object's attributes ``names``, in their order (``()`` for no name).

    ``operator.attrgetter`` of one name gives the value itself, not a
    tuple of one: that case is wrapped.
    """
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        one = operator.attrgetter(names[0])
        return lambda obj: (one(obj),)
    many: Callable[[object], tuple[Any, ...]] = operator.attrgetter(*names)
    return many
