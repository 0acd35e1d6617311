"""The package's version (``claims.__version__``), kept apart so that every stage can read it."""

__version__ = "0.1.0"
