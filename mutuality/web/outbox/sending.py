"""The sending engine: claim due messages with a lease, send each by Django's mail, mark it.

The delivery guarantee (docs/messages.md): nothing is lost, and nothing is sent twice except
when a sender dies (or stalls past its lease) between the mail server accepting a message and
its row being marked sent; then that message is sent at most once more. Each row is marked the
moment it is sent, so a death costs at most the one message in flight.

- Claiming writes a lease (`lease_until`) and a token of this run (`claimed_by`) on a batch of
  due rows whose lease is empty or expired. On PostgreSQL the batch is read FOR UPDATE SKIP
  LOCKED, so two senders take different rows without waiting; on SQLite every transaction
  takes the write lock (transaction_mode IMMEDIATE), and the UPDATE is conditional on the
  lease anyway, so two senders never hold the same row.
- A row is sent only while its lease is this run's; a lease past half its time is renewed
  first, so a long batch never sends a row another sender has since claimed.
- Each message's Message-ID is made from its key, so a mail server that drops duplicates
  drops the rare second copy.
- A failure adds an attempt and backs off exponentially; after `MAX_ATTEMPTS` the message is
  failed, with the error in general words, and its organisation's admins see it
  (/messages/undelivered/).

`send_pending` is the task (Django's Tasks API): the database worker (`manage.py db_worker`),
RQ (`manage.py rqworker`) and the immediate backend run it alike. It is enqueued after every
commit that posted a message, and every minute by the scheduler (`manage.py run_scheduler`),
so a message whose enqueue was lost, or whose sender died, is still sent.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import socket
import time
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from mutuality.web.outbox.models import OutgoingMessage, State

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
"""Sending is tried this many times (over about two hours) before a message is failed."""
FIRST_BACKOFF = timedelta(minutes=1)
LONGEST_BACKOFF = timedelta(hours=1)
BATCH = 50


def lease() -> timedelta:
    """How long a claim holds (a test's worker shortens it through its settings)."""
    return timedelta(seconds=float(getattr(settings, "OUTBOX_LEASE_SECONDS", 300)))


def time_budget() -> float:
    """Seconds one `send_pending` run sends for before handing on to a fresh task, so no task
    outlives a queue's timeout (RQ's is five minutes)."""
    return float(getattr(settings, "OUTBOX_TASK_SECONDS", 60))


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 1, 2, 4 … minutes, at most an hour."""
    doublings: int = 2 ** max(attempts - 1, 0)
    return min(FIRST_BACKOFF * doublings, LONGEST_BACKOFF)


def message_id(key: str) -> str:
    """The Message-ID of the message with this key: the same for every copy of it."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def _due(now: datetime) -> Q:
    return Q(state=State.PENDING, not_before__lte=now) & (
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )


def is_any_due(now: datetime | None = None) -> bool:
    """Whether a message waits that a sender could claim now."""
    return OutgoingMessage.objects.filter(_due(now or timezone.now())).exists()


def claim(token: str, now: datetime, limit: int = BATCH) -> list[OutgoingMessage]:
    """Lease up to `limit` due messages, oldest first, to the run `token`; return them."""
    with transaction.atomic():
        due = OutgoingMessage.objects.filter(_due(now)).order_by("not_before", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        # Conditional on the lease still being free, so a sender that read the same rows
        # (where rows cannot be locked) takes none of them.
        OutgoingMessage.objects.filter(_due(now), pk__in=ids).update(
            lease_until=now + lease(), claimed_by=token
        )
    return list(
        OutgoingMessage.objects.filter(claimed_by=token, state=State.PENDING).order_by(
            "not_before", "pk"
        )
    )


def _renew(token: str) -> set[int]:
    """Extend this run's leases; the ids of the rows it still holds."""
    now = timezone.now()
    held = OutgoingMessage.objects.filter(
        claimed_by=token, state=State.PENDING, lease_until__gt=now
    )
    held.update(lease_until=now + lease())
    return set(
        OutgoingMessage.objects.filter(claimed_by=token, state=State.PENDING).values_list(
            "pk", flat=True
        )
    )


def general_words(error: BaseException) -> str:
    """What went wrong, for an admin: never the message's content."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "The mail server refused the address."
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "The mail server refused Mutuality's sign-in (check MUTUALITY_EMAIL_URL)."
    if isinstance(error, smtplib.SMTPResponseException):
        return f"The mail server refused the message (code {error.smtp_code})."
    if isinstance(error, OSError):  # refused, timed out, disconnected (SMTPException too)
        return "The mail server could not be reached."
    return "The message could not be handed to the mail server."


def _record_failure(message: OutgoingMessage, token: str, error: BaseException) -> None:
    attempts = message.attempts + 1
    failed = attempts >= MAX_ATTEMPTS
    # The error's kind (a refusal, a lost connection, a failed TLS handshake), never its text,
    # which may quote the address or the message.
    logger.warning(
        "message %s not sent (attempt %d of %d): %s",
        message.pk,
        attempts,
        MAX_ATTEMPTS,
        type(error).__name__,
        extra={"event": "send_failed"},
    )
    OutgoingMessage.objects.filter(pk=message.pk, claimed_by=token, state=State.PENDING).update(
        attempts=attempts,
        state=State.FAILED if failed else State.PENDING,
        not_before=timezone.now() + backoff(attempts),
        lease_until=None,
        last_error=general_words(error)[:500],
    )


def _send_one(message: OutgoingMessage, token: str, mail: BaseEmailBackend) -> bool:
    """Send one claimed message and mark it; whether it was sent."""
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        to=[message.to],
        headers={"Message-ID": message_id(message.key)},
        connection=mail,
    )
    try:
        mail.open()
        email.send()
    except Exception as error:  # any failure of the mail server is retried later
        _record_failure(message, token, error)
        return False
    # Marked straight away: a sender that dies before this line sends the message once more.
    OutgoingMessage.objects.filter(pk=message.pk, state=State.PENDING).update(
        state=State.SENT, sent_at=timezone.now(), lease_until=None, attempts=message.attempts + 1
    )
    return True


def send_batch(token: str, messages: Sequence[OutgoingMessage]) -> int:
    """Send the claimed `messages` over one connection; how many were sent."""
    sent = 0
    renew_at = time.monotonic() + lease().total_seconds() / 2
    held = {message.pk for message in messages}
    mail = get_connection()
    try:
        for message in messages:
            if time.monotonic() >= renew_at:
                held = _renew(token)
                renew_at = time.monotonic() + lease().total_seconds() / 2
            if message.pk in held:
                sent += _send_one(message, token, mail)
    finally:
        mail.close()
    return sent


def send_due(budget: float | None = None) -> tuple[int, bool]:
    """Send due messages for up to `budget` seconds: how many were sent, and whether due ones
    may remain."""
    token = f"{socket.gethostname()[:40]}:{uuid.uuid4().hex}"
    deadline = time.monotonic() + (time_budget() if budget is None else budget)
    sent = 0
    while time.monotonic() < deadline:
        batch = claim(token, timezone.now())
        if not batch:
            return sent, False
        sent += send_batch(token, batch)
    return sent, True


@task()
def send_pending() -> int:
    """Send the outbox's due messages; hand on to a fresh task when time runs out."""
    sent, more = send_due()
    if more:
        enqueue_sending()
    return sent


def enqueue_sending() -> None:
    """Ask a worker to send. A failure is only logged: the scheduler enqueues every minute."""
    try:
        send_pending.enqueue()
    except Exception:  # the queue (Redis, say) is down; the outbox row is safe
        logger.exception("could not enqueue send_pending; the scheduler will within a minute")
