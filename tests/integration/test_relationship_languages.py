"""The relationship pages in each person's language: what is written once and kept (the
dashboard's filters, stored reasons, audit events) is never served in the wrong language."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import translation

from mutuality.web.access import Permission, relationship_for
from mutuality.web.accounts.models import User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.actions import stored_reason
from mutuality.web.relationships.views.audit_log import describe
from tests.factories import World
from tests.pseudo_translation import PSEUDO, pseudo_translated, transformed


def test_the_dashboard_filters_come_in_each_readers_language(world: World) -> None:
    """The filters written once per process are written again for a reader of another
    language, not served in the first reader's."""
    # Arrange
    pseudo, english = world.client("professional"), world.client("co_producer")
    User.objects.filter(pk=world.users["professional"].pk).update(language=PSEUDO)

    # Act
    with pseudo_translated():
        first = pseudo.get("/relationships/").content.decode()
        then = english.get("/relationships/").content.decode()

    # Assert
    assert transformed("Search by title or person") in first
    assert "Search by title or person" in then
    assert transformed("Search by title or person") not in then


def test_a_reason_without_values_is_translated_and_one_with_values_is_shown_as_stored() -> None:
    """A stored reason written without a value is read in the reader's language; one with a
    name in it is shown as it was stored."""
    # Arrange
    plain, named = "imported from a case file", "sian withdrew consent"

    # Act
    with pseudo_translated(), translation.override(PSEUDO):
        shown = stored_reason(plain), stored_reason(named)

    # Assert
    assert shown == (transformed(plain), named)


def test_an_audit_event_is_described_in_the_readers_language() -> None:
    """An event reads as one translated sentence, with the app's codes in it as they are."""
    # Arrange
    event = AuditEvent(
        action="update", object_type="relationships.Participant", detail={"field": "consent"}
    )

    # Act
    english = describe(event)
    with pseudo_translated(), translation.override(PSEUDO):
        translated = describe(event)

    # Assert
    assert english == "Changed a participant: consent"
    assert translated == transformed("%(what)s: %(field)s") % {
        "what": transformed("Changed %(thing)s") % {"thing": transformed("a participant")},
        "field": "consent",
    }


def test_a_refusal_says_why_in_plain_words_in_the_readers_language(world: World) -> None:
    """A 403's reason names what the person cannot do in words, in their language."""
    # Arrange
    reviewer = world.users["reviewer"]

    # Act
    with pseudo_translated(), translation.override(PSEUDO):
        try:
            relationship_for(reviewer, world.relationship.pk, Permission.CO_PRODUCE)
        except PermissionDenied as refused:
            reason = str(refused)

    # Assert
    assert reason == transformed("You cannot change what the two people decide or make together")
