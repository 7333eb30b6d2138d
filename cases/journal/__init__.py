"""The case journal: entries, corrections (revisions) and the concurrency check."""
