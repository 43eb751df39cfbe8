"""What is due, per person: the to-do list on each person's dashboard, read from the typed rows.

`assessed.py` writes each relationship's due items when it is reassessed, with the day each
applies from and who sees it; this reads the ones that apply today to this person, across all
their relationships, in a constant number of queries. Whether supervision or a review is
overdue, or consent is missing, is the framework's judgement (the items carry its findings);
the rest are plain facts of the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import BooleanField, Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from mutuality.web.access import (
    Standing,
    by_standing_in_sql,
    held_by,
    seen_by,
    standing_in_sql,
)
from mutuality.web.accounts.models import Role
from mutuality.web.relationships.actions import current
from mutuality.web.relationships.assessed import (
    DEFAULT_QUESTIONNAIRE_EVERY_DAYS,
    questionnaire_every_days,
)
from mutuality.web.relationships.models import DueItem, Participant, Relationship
from mutuality.web.relationships.resolving import link_for
from mutuality.web.stored_words import read

CATEGORIES = {
    "safety": _("Safety: act on this now"),
    "withdrawn": _("Consent withdrawn"),
    "private_worries": _("Worries raised privately with you"),
    "consent": _("Consent missing"),
    "contract": _("Contract versions waiting for agreement"),
    "overdue": _("Supervision and reviews overdue"),
    "observations": _("Worries about the relationship still open"),
    "consultation_requests": _("Consultations asked for"),
    "questionnaires": _("Wellbeing questionnaires due"),
}
"""The dashboard's headings, in the order shown: a safety flag first, then a withdrawn consent."""

__all__ = [
    "CATEGORIES",
    "DEFAULT_QUESTIONNAIRE_EVERY_DAYS",
    "Item",
    "due_rows",
    "group",
    "questionnaire_every_days",
    "questionnaires_due",
]


@dataclass(frozen=True)
class Item:
    """One thing due: which relationship, what, and where to go to do it (if anywhere)."""

    relationship_id: int
    relationship_title: str
    text: str
    url: str | None = None


def due_rows(user: Any, today: date) -> QuerySet[DueItem]:
    """Every item due today for this person, safety first, then by relationship."""
    if not user.is_authenticated:
        return DueItem.objects.none()
    own = Participant.objects.filter(user=user).values("pk")
    # Items addressed to this person, and items ticked for their standing in the relationship.
    ticked = by_standing_in_sql(
        user, "relationship_id", {held: F(f"for_{held.value}") for held in Standing}, BooleanField()
    )
    addressed = Q(to_user=user) | Q(to_participant__in=own)
    mine = addressed | Q(ticked)
    rows = current(DueItem.objects.filter(_within_reach(user)), today)
    ordered: QuerySet[DueItem] = (
        rows.only(*_READ)
        .annotate(held=standing_in_sql(user, "relationship_id"), yours=_yours(addressed))
        .filter(mine)
        .exclude(except_participant__in=own)
        .order_by("yours", "rank", "title", "relationship_id", "position", "pk")
    )
    return ordered


YOURS = ("yours", _("For you"))
"""The heading of the items addressed to the person themselves: after safety, before the rest."""


def _yours(addressed: Q) -> Case:
    """0 for safety, 1 for an item addressed to this person, 2 for the rest (the list's order)."""
    return Case(
        When(category="safety", then=Value(0)),
        When(addressed, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def _within_reach(user: Any) -> Q:
    """`seen_by` for the due list. An admin's is their organisation's items (one index range);
    anyone else's relationships are found first, in the same query, and each one's items
    looked up in the index (`held_by`). (Given the rule's `IN` instead, PostgreSQL reads every
    current item of the database and joins.)"""
    if user.role == Role.ADMIN:
        return seen_by(user, "relationship_id")
    return held_by(user, "relationship_id")


_READ = ("relationship_id", "title", "category", "text", "words", "url", "code")
"""The fields of a due item the list shows (`_item`, `group`)."""


def questionnaires_due(relationship: Relationship, today: date) -> set[int]:
    """The ids of the relationship's questionnaires due today."""
    rows = current(relationship.due_items.filter(category="questionnaires"), today)
    return set(rows.values_list("series_id", flat=True))


def _item(row: DueItem) -> Item:
    url: str | None = row.url or None
    if row.code:
        link = link_for(row.code, Standing(_annotated(row, "held")), row.relationship_id)
        url = link[0] if link else None
    return Item(row.relationship_id, row.title, read(row.words, row.text), url)


def _annotated(row: DueItem, name: str) -> str:
    """A value the query added to the row (`due_rows` annotates each with these)."""
    return str(row.__dict__[name])


def group(rows: Any) -> list[tuple[str, str, list[Item]]]:
    """(key, heading, items) of each category with something due, in the dashboard's order:
    safety, then what is addressed to the person themselves ("For you"), then the rest."""
    found: dict[str, list[Item]] = {}
    for row in rows:
        key = YOURS[0] if row.__dict__.get("yours") == 1 else row.category
        found.setdefault(key, []).append(_item(row))
    headings = {"safety": CATEGORIES["safety"], YOURS[0]: YOURS[1], **CATEGORIES}
    return [(key, str(heading), found[key]) for key, heading in headings.items() if key in found]
