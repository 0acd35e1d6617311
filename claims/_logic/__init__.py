"""Encode, partition, solve: a ``Dataset`` to per-component results, with the caches and executors."""
