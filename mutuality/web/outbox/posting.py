"""Posting a message to the outbox, and cancelling what is pending (docs/messages.md).

`post` is called inside the transaction of the change that causes the message; the sending task
is enqueued only when that transaction commits, so a rolled-back change sends nothing, and once
per transaction however many messages it posts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from mutuality.web.outbox.models import SURVIVE_WITHDRAWAL, Kind, OutgoingMessage, State

# Set by the sending engine (mutuality/web/outbox/sending.py) when it loads: what to call once a
# message has been committed. Kept as a hook so that posting never imports the engine.
after_commit: list[Callable[[], Any]] = []


def _committed() -> None:
    for hook in after_commit:
        hook()


def send_after_commit() -> None:
    """Call the hooks when the current transaction commits, once however often this is asked
    (a rolled-back transaction, or savepoint, drops the callback with it)."""
    if any(entry[1] is _committed for entry in connection.run_on_commit):
        return
    transaction.on_commit(_committed, robust=True)


def post(
    *,
    kind: Kind,
    key: str,
    to: str,
    subject: str,
    body: str,
    recipient: Any = None,
    relationship: Any = None,
    organisation: Any = None,
) -> OutgoingMessage:
    """Write one message to the outbox (once per `key`); it is sent after the commit."""
    message, _ = OutgoingMessage.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "to": to,
            "subject": subject,
            "body": body,
            "recipient": recipient,
            "relationship": relationship,
            "organisation": organisation
            if organisation is not None
            else getattr(relationship, "organisation", None),
            "not_before": timezone.now(),
        },
    )
    send_after_commit()
    return message


def cancel_on_withdrawal(relationship: Any) -> int:
    """Withdrawn consent cancels every pending message about the relationship but safety
    messages and the withdrawal notice itself; returns how many."""
    return (
        OutgoingMessage.objects.filter(relationship=relationship, state=State.PENDING)
        .exclude(kind__in=SURVIVE_WITHDRAWAL)
        .update(state=State.CANCELLED)
    )
