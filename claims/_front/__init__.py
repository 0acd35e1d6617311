"""Load and resolve: claim files, rule sets and documents to a typed ``Dataset`` (with the linter)."""
