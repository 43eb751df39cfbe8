"""Wording and fields every relationship form shares."""

STALE = (
    "Someone else changed this relationship after you opened this page. "
    "Check the latest details below and try again."
)
"""Shown when a form was loaded from an older revision of the relationship (nothing is saved)."""
