"""The outbox's sending engine: claims and leases, retries with backoff, failure, posting once,
withdrawal, and sending only after the change commits (docs/messages.md)."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from mutuality.web.outbox import scheduler, sending
from mutuality.web.outbox.models import Kind, OutgoingMessage, State
from mutuality.web.outbox.posting import cancel_on_withdrawal, post
from tests.factories import World

pytestmark = pytest.mark.django_db


def _post(key: str = "reminder-1", kind: Kind = Kind.QUESTIONNAIRE_DUE, **extra: Any) -> Any:
    return post(
        kind=kind,
        key=key,
        to="sam@example.org",
        subject="A questionnaire is due",
        body="Open Mutuality to fill it in: http://testserver/relationships/",
        **extra,
    )


class Refusing:
    """An email backend whose server refuses every message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def open(self) -> bool:
        return True

    def close(self) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        raise smtplib.SMTPRecipientsRefused({"sam@example.org": (550, b"No such user")})


@pytest.fixture
def refusing() -> Iterator[None]:
    with override_settings(EMAIL_BACKEND=f"{__name__}.Refusing"):
        yield


def test_a_due_message_is_sent_with_a_message_id_made_from_its_key() -> None:
    """One send: the email goes out, the row is marked sent, and its Message-ID is the key's."""
    message = _post()

    sent, more = sending.send_due()

    message.refresh_from_db()
    assert (sent, more) == (1, False)
    assert message.state == State.SENT
    assert message.sent_at is not None
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert mail.outbox[0].extra_headers["Message-ID"] == sending.message_id("reminder-1")


def test_posting_the_same_key_twice_writes_one_message() -> None:
    """The key makes a second post a no-op, so the message is sent once."""
    first = _post()
    second = _post()

    sending.send_due()

    assert first.pk == second.pk
    assert OutgoingMessage.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_claimed_message_is_not_claimed_again_until_its_lease_expires() -> None:
    """A sender's lease keeps others off the row; once it expires (the sender died) it is free."""
    message = _post()
    now = timezone.now()
    first = sending.claim("dead-sender", now)

    during = sending.claim("second-sender", now + timedelta(seconds=1))
    after = sending.claim("second-sender", now + sending.lease() + timedelta(seconds=1))

    assert [m.pk for m in first] == [message.pk]
    assert during == []
    assert [m.pk for m in after] == [message.pk]
    assert OutgoingMessage.objects.get().claimed_by == "second-sender"


def test_a_sender_sends_nothing_another_has_since_claimed() -> None:
    """A sender whose lease was taken over renews, finds the row gone, and leaves it alone."""
    message = _post()
    now = timezone.now()
    stale = sending.claim("slow-sender", now - sending.lease() - timedelta(seconds=5))
    sending.claim("new-sender", now)

    with override_settings(OUTBOX_LEASE_SECONDS=0):  # the slow sender renews before each row
        sent = sending.send_batch("slow-sender", stale)

    assert sent == 0
    assert mail.outbox == []
    assert OutgoingMessage.objects.get(pk=message.pk).state == State.PENDING


def test_the_backoff_doubles_from_a_minute_to_at_most_an_hour() -> None:
    """1, 2, 4 … minutes after each failure, never longer than an hour."""
    waits = [sending.backoff(n) for n in range(1, 10)]

    assert [w.total_seconds() / 60 for w in waits] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


@pytest.mark.usefixtures("refusing")
@pytest.mark.asvs("16.5.2")
def test_a_refused_message_is_tried_again_later() -> None:
    """A failure counts an attempt, records what went wrong in general words, and waits."""
    message = _post()
    before = timezone.now()

    sent, _ = sending.send_due()

    message.refresh_from_db()
    assert sent == 0
    assert message.state == State.PENDING
    assert message.attempts == 1
    assert message.not_before >= before + timedelta(minutes=1)
    assert message.last_error == "The mail server refused the address."
    assert message.lease_until is None


@pytest.mark.usefixtures("refusing")
def test_a_message_that_keeps_failing_is_marked_failed_after_the_last_attempt() -> None:
    """After MAX_ATTEMPTS failures it stops being tried and shows as failed."""
    message = _post()
    OutgoingMessage.objects.filter(pk=message.pk).update(attempts=sending.MAX_ATTEMPTS - 1)

    sending.send_due()

    message.refresh_from_db()
    assert message.state == State.FAILED
    assert message.attempts == sending.MAX_ATTEMPTS
    assert "Open Mutuality" not in message.last_error


def test_withdrawal_cancels_pending_messages_but_not_safety_ones(world: World) -> None:
    """What is pending about the relationship is cancelled; a safety flag's message is still
    sent."""
    _post("questionnaire", relationship=world.relationship)
    _post("flag", kind=Kind.SAFETY_FLAG, relationship=world.relationship)
    _post("elsewhere", relationship=world.other)

    cancelled = cancel_on_withdrawal(world.relationship)
    sending.send_due()

    states = dict(OutgoingMessage.objects.values_list("key", "state"))
    assert cancelled == 1
    assert states == {"questionnaire": "cancelled", "flag": "sent", "elsewhere": "sent"}


def test_a_message_is_sent_when_its_change_commits(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Immediate mode: committing the change runs the sending task, once for many messages."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        _post("first")
        _post("second")

    assert len(callbacks) == 1
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        [sending.message_id("first"), sending.message_id("second")]
    )


def test_nothing_is_sent_when_the_change_rolls_back(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """A change that fails takes its message with it, and no sending is asked for."""

    class Failed(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Failed),
        transaction.atomic(),
    ):
        _post()
        raise Failed

    assert callbacks == []
    assert OutgoingMessage.objects.count() == 0
    assert mail.outbox == []


def test_the_scheduler_sends_what_waits_even_if_no_one_asked() -> None:
    """A message whose enqueue was lost is sent by the scheduler's next round."""
    OutgoingMessage.objects.create(
        kind=Kind.QUESTIONNAIRE_DUE,
        key="lost",
        to="sam@example.org",
        subject="A questionnaire is due",
        body="Open Mutuality.",
        not_before=timezone.now(),
    )

    scheduler.tick()

    assert OutgoingMessage.objects.get().state == State.SENT
    assert len(mail.outbox) == 1
