"""The one periodic scheduler (`manage.py run_scheduler`, started by `make run`).

Every minute it posts the scheduled messages that have fallen due (reminders, digests:
`scheduled.post_due`) and, when a message waits, enqueues `send_pending`, so a message whose
enqueue was lost or whose sender died is still sent. On its first round of each day it also
asks for every organisation's retention work (`organisation.tasks.schedule_retention`). It
works with every task backend, and two schedulers at once do no harm: posting is idempotent
through message keys, senders share the outbox through leases, and the day's retention is
asked for once (a `ScheduledRun`).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from mutuality.web.outbox import scheduled, sending

logger = logging.getLogger(__name__)

INTERVAL = 60.0  # seconds between ticks


def tick(now: datetime | None = None) -> int:
    """One round: post what is due, then ask for sending if anything waits, and for the
    day's retention work if it is the day's first round; how many messages it posted."""
    from mutuality.web.organisation.tasks import schedule_retention  # its tasks import the outbox

    now = now or timezone.now()
    with transaction.atomic():
        posted = scheduled.post_due(now)
    # Posting asked for sending already when it posted; otherwise ask if anything waits.
    if not posted and sending.is_any_due():
        sending.enqueue_sending()
    schedule_retention(now)
    return posted
