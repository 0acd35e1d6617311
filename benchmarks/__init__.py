"""Benchmarks of the ``claims`` pipeline on generated datasets with planted contradictions.

Run ``python -m benchmarks`` (``--help`` for the options). See
:mod:`benchmarks.generate` for the datasets, :mod:`benchmarks.oracle` for how
the generator knows their contradictions, :mod:`benchmarks.run` for what is
measured and :mod:`benchmarks.baseline` for the unpartitioned baseline.
"""
