"""Report: findings in the dataset's own terms, and their text, JSON, SARIF, JUnit and HTML forms."""
