"""Benchmarks of the ``claims`` pipeline on generated datasets with planted contradictions.

Run ``python -m benchmarks`` (``--help`` for the options). See
:mod:`benchmarks.generate` for the datasets, :mod:`benchmarks.oracle` for how
the generator knows their contradictions and verdicts, :mod:`benchmarks.run`
for what is measured, :mod:`benchmarks.baseline` for baseline (a), one
unpartitioned MARCO, and :mod:`benchmarks.fresh` for baseline (b), a fresh
solver per query.
"""
