"""Scheduled messages (reminders, digests) posted when they fall due.

The scheduler (`mutuality/web/outbox/scheduler.py`) calls `post_due` every minute. Each message's
key names its occasion (`questionnaire_due:{schedule}:{date}:{person}`,
`digest:{iso-week}:{person}`), so calling again, or two schedulers at once, posts each message
once. The work is done a batch at a time, in the same few queries per batch however many
relationships there are:

- A questionnaire is due on the schedule the two people agreed (`QuestionnaireSchedule`): every
  so many weeks after it was last filled in, or from the day they agreed if it never was. The
  person it is about and the professional are reminded once on each due date while it stays
  unfilled. Nothing is sent for an ended relationship or one where consent was withdrawn.
- Once a week (from Monday at 07:00), each professional, supervisor and reviewer with
  supervision or a review overdue in any of their relationships gets one digest, counted from
  the typed "what is due" rows (`DueItem`, category `overdue`) that `reassess` keeps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from mutuality.web.outbox import choices, posting
from mutuality.web.outbox.events import SUBJECTS, language_for, link, subject_line
from mutuality.web.outbox.models import Kind, OutgoingMessage, ScheduledRun
from mutuality.web.relationships.actions import current
from mutuality.web.relationships.assessed import MEASURING_STAGES
from mutuality.web.relationships.models import (
    DueItem,
    OutcomeSeries,
    Participant,
    QuestionnaireSchedule,
    Relationship,
)

BATCH = 500
"""Relationships (for reminders) or people (for digests) handled together."""

DIGEST_FROM = time(7, 0)
"""The week's digest goes from Monday at this local time (or at the first run after it)."""

T = TypeVar("T")


@dataclass(frozen=True)
class Due:
    """One message to post: its key, kind, person, and what the text needs."""

    key: str
    kind: Kind
    user_id: int
    relationship_id: int | None
    context: dict[str, Any]


def post_due(now: datetime) -> int:
    """Post every scheduled message due at `now` that is not yet posted; returns how many."""
    return questionnaire_reminders(now) + weekly_digest(now)


# --- questionnaires due ------------------------------------------------------------------------


def occasion(today: date, *, agreed_on: date, last: date | None, every: timedelta) -> date | None:
    """The latest due date on or before today: `every` after the last time it was filled in
    (or the day it was agreed, if never), then every `every` while it stays unfilled."""
    first = last + every if last is not None else agreed_on
    if first > today:
        return None
    return first + ((today - first) // every) * every


def questionnaire_reminders(now: datetime) -> int:
    """Remind the two people of each questionnaire due today on their agreed schedule."""
    today = timezone.localdate(now)
    withdrawn = Participant.objects.filter(relationship=OuterRef("pk"), consent="withdrawn")
    scheduled = list(
        Relationship.objects.filter(
            stage__in=MEASURING_STAGES,
            pk__in=QuestionnaireSchedule.objects.filter(agreed_at__isnull=False).values(
                "relationship_id"
            ),
        )
        .exclude(Exists(withdrawn))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    posted = 0
    for ids in _chunks(scheduled):
        with transaction.atomic():
            posted += _post(now, list(_reminders(ids, today)))
    return posted


def _reminders(ids: Sequence[int], today: date) -> Iterator[Due]:
    schedules = {
        (s.relationship_id, s.instrument): s
        for s in QuestionnaireSchedule.objects.filter(
            relationship_id__in=ids, agreed_at__isnull=False
        )
    }
    series = (
        OutcomeSeries.objects.filter(relationship_id__in=ids, of__role="recipient")
        .annotate(last=Max("scores__date"))
        .values("relationship_id", "instrument", "of__user_id", "last")
    )
    professionals: dict[int, list[int]] = {}
    for relationship_id, user_id in Participant.objects.filter(
        relationship_id__in=ids, role="professional", user__isnull=False
    ).values_list("relationship_id", "user_id"):
        professionals.setdefault(relationship_id, []).append(user_id)
    for row in series:
        schedule = schedules.get((row["relationship_id"], row["instrument"]))
        if schedule is None or schedule.agreed_at is None:
            continue
        on = occasion(
            today,
            agreed_on=timezone.localdate(schedule.agreed_at),
            last=row["last"],
            every=timedelta(weeks=schedule.every_weeks),
        )
        if on is None:
            continue
        people = {row["of__user_id"], *professionals.get(row["relationship_id"], [])} - {None}
        url = link(reverse("relationships:outcomes", kwargs={"pk": row["relationship_id"]}))
        for user_id in people:
            yield Due(
                key=f"questionnaire_due:{schedule.pk}:{on.isoformat()}:{user_id}",
                kind=Kind.QUESTIONNAIRE_DUE,
                user_id=user_id,
                relationship_id=row["relationship_id"],
                context={"link": url, "every_weeks": schedule.every_weeks},
            )


# --- the weekly digest -------------------------------------------------------------------------


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def weekly_digest(now: datetime) -> int:
    """The week's digest of overdue supervision and reviews, worked out once a week."""
    local = timezone.localtime(now)
    if local.isoweekday() == 1 and local.time() < DIGEST_FROM:
        return 0
    week = iso_week(local.date())
    with transaction.atomic():
        _, first = ScheduledRun.objects.get_or_create(name=f"digest:{week}")
        if not first:
            return 0
        counts = _overdue_counts(local.date())
        url = link(reverse("relationships:due"))
        due = (
            Due(
                key=f"digest:{week}:{user_id}",
                kind=Kind.OVERDUE_DIGEST,
                user_id=user_id,
                relationship_id=None,
                context={"link": url, "count": count},
            )
            for user_id, count in sorted(counts.items())
        )
        return sum(_post(now, batch) for batch in _chunks(due))


def _overdue_counts(today: date) -> Counter[int]:
    """How many relationships with something overdue each member of staff holds (as its
    professional, supervisor or reviewer), counted once each."""
    withdrawn = Participant.objects.filter(
        relationship_id=OuterRef("relationship_id"), consent="withdrawn"
    )
    overdue = (
        current(DueItem.objects.filter(category="overdue"), today)
        .exclude(Exists(withdrawn))
        .values("relationship_id")
    )
    reviewers = Relationship.reviewers.through.objects
    pairs = {
        *Participant.objects.filter(
            relationship_id__in=overdue, role="professional", user__isnull=False
        ).values_list("user_id", "relationship_id"),
        *Relationship.objects.filter(pk__in=overdue, supervisor__isnull=False).values_list(
            "supervisor_id", "pk"
        ),
        *reviewers.filter(relationship_id__in=overdue).values_list("user_id", "relationship_id"),
    }
    return Counter(user_id for user_id, _ in pairs)


# --- posting a batch ---------------------------------------------------------------------------


def _post(now: datetime, due: Sequence[Due]) -> int:
    """Post the batch's messages not yet posted, to people who can and chose to get them, in
    a constant number of queries."""
    if not due:
        return 0
    users = _reachable({d.user_id for d in due})
    off = {kind: choices.turned_off(users, kind) for kind in {d.kind for d in due}}
    wanted = [d for d in due if d.user_id in users and d.user_id not in off[d.kind]]
    posted = set(
        OutgoingMessage.objects.filter(key__in=[d.key for d in wanted]).values_list(
            "key", flat=True
        )
    )
    new = [_message(d, users[d.user_id], now) for d in wanted if d.key not in posted]
    # Another scheduler may have posted some since: their keys are kept, ours skipped.
    OutgoingMessage.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        for hook in posting.after_commit:
            transaction.on_commit(hook)
    return len(new)


def _reachable(ids: Iterable[int]) -> dict[int, Any]:
    """These people, by id, who have an active login and an email address."""
    return {
        user.pk: user
        for user in get_user_model()
        .objects.filter(pk__in=list(ids), is_active=True)
        .exclude(email="")
        .only("email", "organisation_id", "language", *get_user_model().SHOWN_NAME_FIELDS)
    }


def _message(due: Due, user: Any, now: datetime) -> OutgoingMessage:
    with translation.override(language_for(user)):  # each in its reader's language
        context = {"name": user.shown_name, **due.context}
        body = render_to_string(f"email/{due.kind.value}.txt", context)
        subject = subject_line(SUBJECTS[due.kind])
    return OutgoingMessage(
        key=due.key,
        kind=due.kind,
        to=user.email,
        subject=subject,
        body=body,
        recipient_id=user.pk,
        relationship_id=due.relationship_id,
        organisation_id=user.organisation_id,
        not_before=now,
    )


def _chunks(items: Iterable[T]) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
