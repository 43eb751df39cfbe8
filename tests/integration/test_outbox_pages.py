"""The messages' pages: undelivered messages for an organisation's admins (with "try again"),
and the demo's mailbox, open signed out in the demo and nowhere else."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mutuality.web.audit.models import AuditEvent
from mutuality.web.outbox.models import Kind, OutgoingMessage, State
from mutuality.web.relationships.views.audit_log import describe
from tests.factories import World
from tests.integration.test_access_matrix import STANDINGS

pytestmark = pytest.mark.django_db
UNDELIVERED = "/messages/undelivered/"
BODY = "Sam's questionnaire about low mood is due"


def _failed(world: World, key: str, organisation: Any = None, **extra: Any) -> OutgoingMessage:
    return OutgoingMessage.objects.create(
        kind=Kind.QUESTIONNAIRE_DUE,
        key=key,
        to="sam@example.org",
        subject="A questionnaire is due",
        body=BODY,
        recipient=world.users["co_producer"],
        relationship=world.relationship,
        organisation=organisation or world.relationship.organisation,
        state=State.FAILED,
        attempts=8,
        not_before=timezone.now(),
        last_error="The mail server refused the address.",
        **extra,
    )


@pytest.mark.parametrize("standing", [s for s in STANDINGS if s not in ("admin", "other_admin")])
def test_only_the_organisations_admins_see_undelivered_messages(
    world: World, standing: str
) -> None:
    """Everyone else is told the page does not exist (signed out: sent to sign in)."""
    response = world.client(standing).get(UNDELIVERED)

    assert response.status_code == (302 if standing == "anonymous" else 404)


def test_undelivered_messages_say_what_to_whom_and_why_but_not_what_it_said(
    world: World,
) -> None:
    """A failed message shows its kind, its recipient by name and the error in general words;
    a sent one and another organisation's are not listed."""
    _failed(world, "failed")
    OutgoingMessage.objects.filter(pk=_failed(world, "sent").pk).update(state=State.SENT)

    html = world.client("admin").get(UNDELIVERED).content.decode()
    elsewhere = world.client("other_admin").get(UNDELIVERED).content.decode()

    rows = html.split('id="undelivered-messages"')[1].split("<tbody")[1].split("<tr>")[1:]
    assert len(rows) == 1
    assert "A questionnaire is due" in rows[0]
    assert world.users["co_producer"].shown_name in rows[0]
    assert "The mail server refused the address." in rows[0]
    assert BODY not in html
    assert "Every message has been delivered." in elsewhere


def test_trying_again_puts_the_message_back_in_the_outbox_and_audits_it(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """The admin's "try again" makes the message pending from its first attempt, records who
    did it, and asks for sending once the change commits."""
    message = _failed(world, "failed")

    with django_capture_on_commit_callbacks() as callbacks:
        response = world.client("admin").post(f"{UNDELIVERED}{message.pk}/try-again/")

    message.refresh_from_db()
    event = AuditEvent.objects.get(object_type="outbox.OutgoingMessage")
    assert response.status_code == 302
    assert (message.state, message.attempts, message.last_error) == (State.PENDING, 0, "")
    assert event.user == world.users["admin"]
    assert describe(event).startswith("Changed an undelivered message: state from failed")
    assert len(callbacks) == 1


@pytest.mark.asvs("8.4.1")
def test_another_organisations_admin_cannot_try_a_message_again(world: World) -> None:
    """Their "try again" is a 404 and changes nothing; nor may the page be changed by GET."""
    message = _failed(world, "failed")

    refused = world.client("other_admin").post(f"{UNDELIVERED}{message.pk}/try-again/")
    read = world.client("admin").get(f"{UNDELIVERED}{message.pk}/try-again/")

    message.refresh_from_db()
    assert refused.status_code == 404
    assert read.status_code == 405
    assert message.state == State.FAILED
    assert not AuditEvent.objects.filter(object_type="outbox.OutgoingMessage").exists()


@pytest.mark.parametrize("rows", [2, 30])
def test_the_undelivered_list_costs_the_same_queries_however_long(world: World, rows: int) -> None:
    """Session, user, count and one page with its recipients: no query per row."""
    for n in range(rows):
        _failed(world, f"failed-{n}")
    client = world.client("admin")

    with CaptureQueriesContext(connection) as queries:
        client.get(UNDELIVERED)

    # (The tests' own check that every write is audited counts audit events: not the page's.)
    mine = [q["sql"] for q in queries if "audit_auditevent" not in q["sql"]]
    assert len(mine) == 4, mine


def _write_demo_mail(folder: Path, subject: str, body: str) -> None:
    backend = EmailBackend(file_path=str(folder))
    backend.send_messages([EmailMessage(subject, body, to=["sam@example.org"])])


def test_the_demo_mailbox_shows_the_emails_newest_first_with_links(
    world: World, tmp_path: Path
) -> None:
    """Signed out, the demo's emails are listed newest first, and a link in one is a link."""
    _write_demo_mail(tmp_path, "First email", "Nothing to do.")
    _write_demo_mail(tmp_path, "Reset your password", "Open http://testserver/accounts/x/ now.")

    with override_settings(EMAIL_FILE_PATH=tmp_path):
        html = world.client("anonymous").get("/demo/mail/").content.decode()

    assert html.index("Reset your password") < html.index("First email")
    assert '<a href="http://testserver/accounts/x/"' in html


@pytest.mark.asvs("15.2.3")
@pytest.mark.asvs("13.4.5")
def test_outside_the_demo_there_is_no_mailbox(world: World, tmp_path: Path) -> None:
    """With MUTUALITY_DEMO off, /demo/mail/ does not exist, for anyone."""
    _write_demo_mail(tmp_path, "Reset your password", "Open http://testserver/accounts/x/ now.")

    with override_settings(DEMO=False, EMAIL_FILE_PATH=tmp_path):
        response = world.client("admin").get("/demo/mail/")

    assert response.status_code == 404
    assert b"Reset your password" not in response.content


def test_trying_again_twice_puts_the_message_back_once(world: World) -> None:
    """A second "try again" (from another tab, say) changes and audits nothing more."""
    message = _failed(world, "failed")
    admin = world.client("admin")
    admin.post(f"{UNDELIVERED}{message.pk}/try-again/")

    second = admin.post(f"{UNDELIVERED}{message.pk}/try-again/", follow=True)

    assert "no longer waiting to be tried again" in second.content.decode()
    assert AuditEvent.objects.filter(object_type="outbox.OutgoingMessage").count() == 1
