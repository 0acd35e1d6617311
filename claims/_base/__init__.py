"""What every stage uses: errors and their codes, limits, the data model, text, files and signing."""
