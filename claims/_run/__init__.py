"""The pipeline wired: ``load`` and ``check``, and what runs it (the CI gate, the rule fuzzer, FOLIO)."""
