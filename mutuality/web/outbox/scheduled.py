"""Scheduled messages (reminders, digests) posted when they fall due.

The msgs helper fills this module; until then nothing is scheduled. The scheduler
(`mutuality/web/outbox/scheduler.py`) calls `post_due` every minute; it must be idempotent
through message keys, so two schedulers at once post each message once.
"""

from __future__ import annotations

from datetime import datetime


def post_due(now: datetime) -> int:
    """Post every scheduled message due at `now` that is not yet posted; returns how many."""
    return 0
