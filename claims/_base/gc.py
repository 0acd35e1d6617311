"""The one place the cyclic garbage collector is tuned: paused while a stage builds many objects,
or off for a command line run, and on again in a forked worker.

Loading 100,000 claims allocates millions of small objects that all stay
alive; every full collection walks all of them again, which made the load
quadratic in practice (48 s at 100,000 claims with the collector on, 27 s
with it paused). Reference counting still frees what becomes unreachable;
cycles made meanwhile are collected after the stage, when the collector is
back on.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Disable the cyclic collector for the ``with`` body, if it was enabled; nesting is fine."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def off_for_the_run() -> None:
    """Disable the cyclic collector for the rest of the process (the ``claims check`` command).

    One run, then the process ends: what the dataset allocates stays alive
    until then, so the collector would only walk it again and again (measured:
    the same peak memory without it). :func:`paused` is then a no-op.
    """
    gc.disable()


def on_in_a_forked_worker() -> None:
    """Turn the collector on in a worker process, over what the worker makes (not what it inherits).

    A forked worker starts with its parent's collector, which a run pauses or
    turns off; a worker solves many components one after the other, and the
    cycles each leaves hold z3 objects, so it needs the collector on, as a
    spawned worker has it. What it inherits is frozen first (``gc.freeze``):
    collections neither walk the parent's objects nor copy their pages.
    """
    gc.freeze()
    gc.enable()
