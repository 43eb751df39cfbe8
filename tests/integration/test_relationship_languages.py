"""The relationship pages in each person's language: what is written once and kept (the
dashboard's filters, stored reasons, audit events) is never served in the wrong language."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from mutuality.web.access import Permission, relationship_for
from mutuality.web.accounts.models import User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.actions import reassess, stored_reason
from mutuality.web.relationships.models import AssessmentRecord, Relationship, SafetyFlag
from mutuality.web.relationships.views.audit_log import describe
from mutuality.web.stored_words import said
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


def test_a_reason_kept_before_its_words_were_reads_through_the_catalogue_or_as_written() -> None:
    """An old reason without a value is read in the reader's language; an old one with a name
    in it is shown as it was stored."""
    # Arrange
    plain = AssessmentRecord(reason="imported from a case file")
    named = AssessmentRecord(reason="sian withdrew consent")

    # Act
    with pseudo_translated(), translation.override(PSEUDO):
        shown = stored_reason(plain), stored_reason(named)

    # Assert
    assert shown == (transformed("imported from a case file"), "sian withdrew consent")


def test_a_reason_with_values_is_kept_in_english_and_read_in_the_readers_language(
    world: World,
) -> None:
    """A reason written with a date in it is stored in English, whoever's request wrote it, and
    shown in each reader's language with its date spoken in it."""
    # Arrange
    reason = said(gettext_noop("supervision on %(date)s recorded"), date=date(2026, 3, 2))

    # Act
    with pseudo_translated(), translation.override(PSEUDO):
        record = reassess(world.relationship, reason=reason)
        shown = stored_reason(record)
    english = stored_reason(record)

    # Assert
    assert record.reason == "supervision on 2 March 2026 recorded"
    assert english == "supervision on 2 March 2026 recorded"
    month = transformed("March")
    assert shown == transformed("supervision on %(date)s recorded") % {
        "date": transformed("%(day)s %(month)s %(year)s") % {"day": 2, "month": month, "year": 2026}
    }


def test_a_safety_flag_and_what_is_due_are_read_in_the_readers_language(world: World) -> None:
    """A flag raised by a questionnaire keeps English in its text and is shown to a reader of
    another language in theirs, on the relationship page and on the list of what is due."""
    # Arrange
    relationship = world.relationship
    Relationship.objects.filter(pk=relationship.pk).update(
        stage="active", started=timezone.localdate() - timedelta(days=120), as_of=None
    )
    relationship.refresh_from_db()
    series = relationship.outcome_series.get_or_create(
        of=relationship.participants.get(role="recipient"), instrument="phq9"
    )[0]
    today = timezone.localdate()
    answers = {f"item_{n}": "0" for n in range(1, 9)} | {"item_9": "2"}
    User.objects.filter(pk=world.users["professional"].pk).update(language=PSEUDO)

    # Act
    world.client("co_producer").post(
        f"/relationships/{relationship.pk}/outcomes/{series.pk}/",
        {
            "date_0": today.day,
            "date_1": today.month,
            "date_2": today.year,
            "revision": relationship.revision,
            **answers,
        },
    )
    flag = SafetyFlag.objects.get(relationship=relationship)
    with pseudo_translated():
        page = world.client("professional").get(f"/relationships/{relationship.pk}/")
        due = world.client("professional").get("/relationships/due/")

    # Assert
    assert "better off dead" in flag.detail  # the row keeps English
    # Letter for letter, the end of the flag's message as the reader's language says it.
    said_to_reader = transformed("which asks about thoughts of being better off dead")[1:-1]
    for html in (page.content.decode(), due.content.decode()):
        assert "better off dead" not in html
        assert said_to_reader in html


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
