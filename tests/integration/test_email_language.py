"""Each email is written in its reader's language: the one they chose for their pages, else the
service's own (settings.LANGUAGE_CODE), and an invitation, whose reader has no login yet, in the
service's own whatever the sender's (docs/messages.md, "Language").

The pseudo-translation (tests/pseudo_translation.py) stands in for another language: a reader
who chose it gets every word transformed, and a reader who did not gets English."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from mutuality.web.accounts.models import User
from mutuality.web.outbox import events
from mutuality.web.outbox.models import Kind, OutgoingMessage
from mutuality.web.outbox.scheduled import post_due
from mutuality.web.relationships.models import DueItem, Relationship
from tests.factories import World, verify_email
from tests.pseudo_translation import PSEUDO, pseudo_translated, transformed

MONDAY = date(2026, 11, 9)


@pytest.fixture
def world(world: World) -> World:
    """The shared world with everyone's email address and display name; the supervisor and the
    co-producer read the pseudo-translation, everyone else English."""
    for standing, user in world.users.items():
        user.email = f"{user.username}@example.org"
        user.display_name = f"{standing.replace('_', ' ').title()} Person"
        user.language = PSEUDO if standing in ("supervisor", "co_producer") else ""
        user.save()
    return world


def _to(kind: Kind) -> dict[str, OutgoingMessage]:
    """The messages of this kind, by the username of the person each is to, else the address."""
    rows = OutgoingMessage.objects.filter(kind=kind).select_related("recipient")
    return {m.recipient.username if m.recipient else m.to: m for m in rows}


def _subject(words: str) -> str:
    """A subject line as the pseudo-translation writes it."""
    return transformed("Mutuality: %(subject)s") % {"subject": transformed(words)}


def test_a_message_goes_to_each_reader_in_their_own_language(world: World) -> None:
    """One event's message to two people is transformed for the one who reads the
    pseudo-translation and English for the one who reads English."""
    # Arrange
    readers = [world.users["professional"], world.users["supervisor"]]

    # Act
    with pseudo_translated():
        events.send_to(Kind.SAFETY_FLAG, "safety_flag:1", readers, link="https://x.example/")

    # Assert
    posted = _to(Kind.SAFETY_FLAG)
    assert posted["pro"].subject == "Mutuality: A safety flag needs your attention"
    assert posted["pro"].body.startswith("Hello Professional Person,\n\nA safety flag was raised")
    assert posted["sup"].subject == _subject("A safety flag needs your attention")
    assert posted["sup"].body.startswith(
        transformed("Hello %(name)s,") % {"name": "Supervisor Person"}
    )
    assert "safety flag" not in posted["sup"].body


def test_a_scheduled_digest_goes_to_each_reader_in_their_own_language(world: World) -> None:
    """The weekly digest, written by the scheduler in a batch, is transformed for the supervisor
    and English for the professional."""
    # Arrange
    relationship: Relationship = world.relationship
    DueItem.objects.create(
        relationship=relationship,
        organisation_id=relationship.organisation_id,
        title=relationship.title,
        category="overdue",
        rank=4,
        text="Supervision is overdue",
        code="competence.supervision_overdue",
        starts=MONDAY - timedelta(weeks=1),
        for_professional=True,
        for_supervisor=True,
    )

    # Act
    with pseudo_translated():
        post_due(timezone.make_aware(datetime.combine(MONDAY, time(9))))

    # Assert
    posted = _to(Kind.OVERDUE_DIGEST)
    assert posted["pro"].subject == "Mutuality: Supervision or reviews are overdue"
    assert "is overdue in 1 relationship you work with" in posted["pro"].body
    assert posted["sup"].subject == _subject("Supervision or reviews are overdue")
    assert "overdue" not in posted["sup"].body


def test_a_reset_email_is_in_the_language_of_its_login_not_of_the_browser(world: World) -> None:
    """A reset link asked for from an English browser is written in the language the login
    chose, and its subject line too."""
    # Arrange
    cache.clear()  # allauth counts requests for reset emails in the cache
    co_producer = verify_email(world.users["co_producer"])

    # Act
    with pseudo_translated():
        Client().post(
            "/accounts/password/reset/", {"email": co_producer.email}, HTTP_ACCEPT_LANGUAGE="en"
        )

    # Assert
    (message,) = OutgoingMessage.objects.filter(kind=Kind.PASSWORD_RESET)
    assert message.subject == _subject("Reset your password")
    assert message.body.startswith(transformed("Hello %(name)s,") % {"name": "Co Producer Person"})
    assert "password" not in message.body.replace("/password/", "/")


def test_an_invitation_is_in_the_services_language_not_the_senders(world: World) -> None:
    """A professional who reads the pseudo-translation sees the page in it, and the person they
    invite, who has no login to choose with yet, gets the invitation in English."""
    # Arrange
    User.objects.filter(pk=world.users["professional"].pk).update(language=PSEUDO)
    relationship = world.relationship
    relationship.participants.filter(slug="tomasz").update(user=None)
    relationship.refresh_from_db()

    # Act
    with pseudo_translated():
        page = world.client("professional").post(
            f"/relationships/{relationship.pk}/invite/",
            {
                "participant": "tomasz",
                "display_name": "Tomasz Nowak",
                "email": "tomasz@example.org",
                "revision": relationship.revision,
            },
        )

    # Assert
    (message,) = OutgoingMessage.objects.filter(kind=Kind.INVITATION)
    assert transformed("Send this link to %(name)s") % {"name": "Tomasz Nowak"} in (
        page.content.decode()
    )
    assert message.subject == "Mutuality: You are invited to Mutuality"
    assert message.body.startswith("Hello Tomasz Nowak,\n\nProfessional Person at ")
