"""Reports (issue 5): the relationship report both people read and keep, the service report
that governs practice, and the public transparency report."""
