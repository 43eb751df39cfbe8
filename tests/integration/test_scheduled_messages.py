"""Scheduled messages: a questionnaire reminder on each due date of the schedule the two people
agreed, the weekly digest of overdue supervision and reviews once a week, both idempotent by
key and in the same number of queries however many relationships there are."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mutuality.web.accounts.models import Organisation, Role
from mutuality.web.audit.models import AuditEvent
from mutuality.web.outbox.models import Kind, MessageChoice, OutgoingMessage
from mutuality.web.outbox.scheduled import occasion, post_due, weekly_digest
from mutuality.web.relationships.actions import reassess
from mutuality.web.relationships.due import questionnaires_due
from mutuality.web.relationships.models import (
    DueItem,
    OutcomeSeries,
    QuestionnaireSchedule,
    Relationship,
    Score,
)
from tests.factories import RelationshipFactory, UserFactory, World

AGREED = date(2026, 11, 2)  # a Monday
WEEK = timedelta(weeks=1)


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _with_addresses(world: World) -> None:
    for user in world.users.values():
        user.email = f"{user.username}@example.org"
        user.save()


def _measuring(relationship: Relationship, every_weeks: int = 2) -> OutcomeSeries:
    """The relationship active, a PHQ-9 started for its co-producer, and a schedule for it
    agreed on AGREED."""
    relationship.stage, relationship.as_of, relationship.started = "active", None, date(2026, 1, 1)
    relationship.save()
    series = OutcomeSeries.objects.create(
        relationship=relationship,
        of=relationship.participants.get(role="recipient"),
        instrument="phq9",
    )
    QuestionnaireSchedule.objects.create(
        relationship=relationship,
        instrument="phq9",
        every_weeks=every_weeks,
        set_at=_at(AGREED),
        agreed_at=_at(AGREED),
    )
    return series


@pytest.fixture
def series(world: World) -> OutcomeSeries:
    _with_addresses(world)
    return _measuring(world.relationship)


def _reminded() -> list[tuple[str, str]]:
    rows = OutgoingMessage.objects.filter(kind=Kind.QUESTIONNAIRE_DUE).select_related("recipient")
    return sorted((m.recipient.username, m.key.split(":")[2]) for m in rows)


def test_a_due_date_is_every_so_many_weeks_after_the_last_time() -> None:
    """Never filled in: due from the day agreed, then each period on while unfilled; filled
    in: due a period after that, and not before."""
    every = 2 * WEEK

    assert occasion(AGREED, agreed_on=AGREED, last=None, every=every) == AGREED
    assert occasion(AGREED + 13 * timedelta(days=1), agreed_on=AGREED, last=None, every=every) == (
        AGREED
    )
    assert occasion(AGREED + every, agreed_on=AGREED, last=None, every=every) == AGREED + every
    assert occasion(AGREED + WEEK, agreed_on=AGREED, last=AGREED, every=every) is None
    assert occasion(AGREED + 5 * WEEK, agreed_on=AGREED, last=AGREED, every=every) == (
        AGREED + 4 * WEEK
    )


def test_the_two_people_are_reminded_once_on_each_due_date(series: OutcomeSeries) -> None:
    """On the day agreed both people get one reminder; running again that day or the next
    posts nothing; a period later, still unfilled, each gets the next one."""
    first = post_due(_at(AGREED))
    again = post_due(_at(AGREED, 15)) + post_due(_at(AGREED + timedelta(days=1)))
    later = post_due(_at(AGREED + 2 * WEEK))

    assert (first, again, later) == (2, 0, 2)
    assert _reminded() == [
        ("co", "2026-11-02"),
        ("co", "2026-11-16"),
        ("pro", "2026-11-02"),
        ("pro", "2026-11-16"),
    ]
    message = OutgoingMessage.objects.filter(kind=Kind.QUESTIONNAIRE_DUE).first()
    assert message is not None
    assert "every 2 weeks" in message.body
    assert f"/relationships/{series.relationship_id}/outcomes/" in message.body


def test_filling_it_in_moves_the_next_reminder_on(series: OutcomeSeries) -> None:
    """Filled in a week after agreeing, the next reminder waits two weeks from then."""
    Score.objects.create(series=series, date=AGREED + WEEK, value=5)

    early = post_due(_at(AGREED + 2 * WEEK))
    due = post_due(_at(AGREED + 3 * WEEK))

    assert (early, due) == (0, 2)


def test_a_schedule_waiting_for_agreement_sends_nothing(series: OutcomeSeries) -> None:
    """Until the other person agrees, a schedule reminds nobody."""
    QuestionnaireSchedule.objects.update(agreed_at=None)

    assert post_due(_at(AGREED + 4 * WEEK)) == 0


def test_a_person_who_turned_reminders_off_gets_none(world: World, series: OutcomeSeries) -> None:
    """The co-producer turned questionnaire reminders off: only the professional is sent one."""
    MessageChoice.objects.create(
        user=world.users["co_producer"], kind=Kind.QUESTIONNAIRE_DUE, wanted=False
    )

    post_due(_at(AGREED))

    assert _reminded() == [("pro", "2026-11-02")]


def test_withdrawn_consent_stops_reminders(world: World, series: OutcomeSeries) -> None:
    """Once someone has withdrawn consent, the relationship's schedule reminds nobody."""
    world.relationship.participants.filter(role="recipient").update(consent="withdrawn")

    assert post_due(_at(AGREED)) == 0


def _overdue(relationship: Relationship, starts: date) -> DueItem:
    """A "supervision overdue" row, as `reassess` writes one, from `starts` on."""
    return DueItem.objects.create(
        relationship=relationship,
        organisation_id=relationship.organisation_id,
        title=relationship.title,
        category="overdue",
        rank=4,
        text="Supervision is overdue",
        code="competence.supervision_overdue",
        starts=starts,
        for_professional=True,
        for_supervisor=True,
    )


def test_the_digest_goes_once_a_week_to_the_staff_of_overdue_relationships(world: World) -> None:
    """From Monday 07:00, each professional, supervisor and reviewer of a relationship with
    something overdue gets one digest a week (never the co-producer or the admin)."""
    _with_addresses(world)
    _overdue(world.relationship, AGREED - WEEK)
    monday = AGREED + WEEK

    too_early = post_due(_at(monday, 6))
    first = post_due(_at(monday, 8))
    same_week = post_due(_at(monday + timedelta(days=3)))
    next_week = post_due(_at(monday + WEEK, 8))

    posted = OutgoingMessage.objects.filter(kind=Kind.OVERDUE_DIGEST).select_related("recipient")
    assert (too_early, first, same_week, next_week) == (0, 3, 0, 3)
    assert sorted(m.recipient.username for m in posted) == [
        "pro",
        "pro",
        "rev",
        "rev",
        "sup",
        "sup",
    ]
    assert {m.key.split(":")[1] for m in posted} == {"2026-W46", "2026-W47"}
    assert "in 1 relationship you work with" in posted[0].body
    assert world.relationship.title not in posted[0].body


def test_no_digest_without_anything_overdue(world: World) -> None:
    """A week with nothing overdue posts no digest."""
    _with_addresses(world)

    assert weekly_digest(_at(AGREED + WEEK)) == 0
    assert not OutgoingMessage.objects.exists()


def _service(size: int) -> None:
    """`size` relationships, each with its own two people (with addresses), a schedule agreed
    and something overdue."""
    home = Organisation.objects.get(slug="home")
    for n in range(size):
        relationship = RelationshipFactory(organisation=home)
        for role, participant_role in (
            (Role.PROFESSIONAL, "professional"),
            (Role.CO_PRODUCER, "recipient"),
        ):
            user = UserFactory(organisation=home, role=role, email=f"{role}{n}@example.org")
            relationship.participants.filter(role=participant_role).update(user=user)
        _measuring(relationship)
        _overdue(relationship, AGREED - WEEK)


def _queries(now: datetime) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        posted = post_due(now)
    return posted, len(queries)


def test_scheduled_messages_cost_the_same_queries_for_more_relationships(world: World) -> None:
    """Posting the reminders and digests of 2 relationships and of 6 takes as many queries."""
    _service(2)
    small = _queries(_at(AGREED + WEEK, 8))
    OutgoingMessage.objects.all().delete()
    _service(4)
    large = _queries(_at(AGREED + 2 * WEEK, 8))

    assert (small[0], large[0]) == (6, 18)
    assert small[1] == large[1]


def _schedule_page(world: World, standing: str, **data: object) -> Any:
    relationship = Relationship.objects.get(pk=world.relationship.pk)
    url = f"/relationships/{relationship.pk}/outcomes/schedule/"
    return world.client(standing).post(url, {"revision": relationship.revision, **data})


def test_one_sets_a_schedule_the_other_agrees_and_both_see_who(world: World) -> None:
    """The professional sets PHQ-9 every 3 weeks (audited, waiting); the professional cannot
    agree to their own; the co-producer agrees; the outcomes page names both."""
    _measuring(world.relationship)
    QuestionnaireSchedule.objects.all().delete()
    world.users["professional"].display_name = "Priya Shah"
    world.users["professional"].save()

    set_it = _schedule_page(world, "professional", instrument="phq9", every_weeks="3")
    schedule = QuestionnaireSchedule.objects.get()
    agree_url = f"/relationships/{world.relationship.pk}/outcomes/schedule/{schedule.pk}/agree/"
    revision = Relationship.objects.get(pk=world.relationship.pk).revision
    own = world.client("professional").post(agree_url, {"revision": revision})
    other = world.client("co_producer").post(agree_url, {"revision": revision})
    page = world.client("co_producer").get(f"/relationships/{world.relationship.pk}/outcomes/")

    schedule.refresh_from_db()
    assert (set_it.status_code, other.status_code) == (302, 302)
    assert "You set this schedule" in own.content.decode()
    assert (schedule.every_weeks, schedule.agreed_by) == (3, world.users["co_producer"])
    assert "Every 3 weeks. Set by Priya Shah" in page.content.decode()
    assert "Agreed by co" in page.content.decode()
    assert AuditEvent.objects.filter(object_type="relationships.QuestionnaireSchedule").count() == 2


def test_changing_a_schedule_waits_for_agreement_again(world: World) -> None:
    """The co-producer changes an agreed schedule: it is no longer agreed, so it reminds nobody."""
    _with_addresses(world)
    _measuring(world.relationship)

    _schedule_page(world, "co_producer", instrument="phq9", every_weeks="6")

    schedule = QuestionnaireSchedule.objects.get()
    assert (schedule.every_weeks, schedule.agreed_at, schedule.set_by) == (
        6,
        None,
        world.users["co_producer"],
    )
    assert post_due(_at(AGREED)) == 0


@pytest.mark.parametrize(
    ("weeks", "error"),
    [("0", "Enter at least 1 week"), ("53", "Enter 52 weeks or fewer"), ("x", "whole number")],
)
def test_a_wrong_number_of_weeks_is_named_and_nothing_changes(
    world: World, weeks: str, error: str
) -> None:
    """Weeks outside 1–52, or not a number, say so next to the field and save nothing."""
    _measuring(world.relationship)
    QuestionnaireSchedule.objects.all().delete()

    response = _schedule_page(world, "co_producer", instrument="phq9", every_weeks=weeks)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not QuestionnaireSchedule.objects.exists()


def test_an_agreed_schedule_sets_when_the_questionnaire_is_due(world: World) -> None:
    """Filled in 3 weeks ago: due on the dashboard on a 2-week schedule, not on the usual 4."""
    series = _measuring(world.relationship)
    Score.objects.create(series=series, date=timezone.localdate() - 3 * WEEK, value=5)
    QuestionnaireSchedule.objects.update(agreed_at=None)
    reassess(world.relationship, reason="usual")
    usual = questionnaires_due(world.relationship, timezone.localdate())

    QuestionnaireSchedule.objects.update(agreed_at=timezone.now())
    reassess(world.relationship, reason="agreed")

    assert usual == set()
    assert questionnaires_due(world.relationship, timezone.localdate()) == {series.pk}
