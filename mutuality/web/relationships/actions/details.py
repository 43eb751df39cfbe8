"""Writes to what the case format says about a person and about the work: a person's access
needs, adjustments, vulnerability and whether they can decline; capacity (the professional's
record and each co-producer's own view, both kept for good); the work's name and setting; the
context; what the two people decide or make together; the approach.

Each is one atomic write: it claims the revision the page was loaded at (a stale page saves
nothing), changes the rows, records what changed in the audit trail and stores a fresh
assessment.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from mutuality.web.relationships.actions import audit, bump_revision, check_revision, reassess
from mutuality.web.relationships.models import (
    AssessmentRecord,
    CapacityView,
    Participant,
    Relationship,
)
from mutuality.web.stored_words import said

PERSON_FIELDS = (
    "access_needs",
    "adjustments",
    "other_roles",
    "vulnerability",
    "can_decline_freely",
)
ABOUT_FIELDS = ("title", "setting")
CONTEXT_FIELDS = (
    "best_interests",
    "compulsory",
    "court_ordered",
    "coproduced_elements_outside",
)
TOGETHER_FIELDS = ("co_produced_elements",)
APPROACH_FIELDS = (
    "professional_led_methods",
    "resource_review",
    "alternatives_considered",
    "outcome_plan",
)


def _apply(row: Any, values: dict[str, Any], fields: tuple[str, ...]) -> dict[str, list[Any]]:
    """Set the given fields on the row; returns what changed, as [before, after]."""
    changes = {}
    for field in fields:
        if field not in values:
            continue
        before, after = getattr(row, field), values[field]
        if before != after:
            changes[field] = [before, after]
            setattr(row, field, after)
    return changes


def _differs(row: Any, values: dict[str, Any], fields: tuple[str, ...]) -> bool:
    """Whether setting these values would change any of the row's fields."""
    return any(field in values and getattr(row, field) != values[field] for field in fields)


def _words(changes: dict[str, Any]) -> str:
    return ", ".join(field.replace("_", " ") for field in changes) or "nothing"


@transaction.atomic
def describe_person(
    *, person: Participant, by: Any, values: dict[str, Any], expected_revision: int | None
) -> AssessmentRecord | None:
    """A person's access needs and adjustments, and for a recipient their vulnerability and
    whether they can decline freely (`""` vulnerability: not given, the case format's
    default of not assessed)."""
    relationship = person.relationship
    if person.role != "recipient":  # the case format refuses these on a professional
        values = {
            k: v for k, v in values.items() if k not in ("vulnerability", "can_decline_freely")
        }
    person.refresh_from_db()
    if not _differs(person, values, PERSON_FIELDS):
        check_revision(relationship, expected_revision)
        return None
    bump_revision(relationship, expected_revision)
    changes = _apply(person, values, PERSON_FIELDS)
    person.save(update_fields=list(PERSON_FIELDS))
    audit(by, "update", person, relationship, participant=person.pk, changes=changes)
    return reassess(
        relationship,
        reason=said(
            gettext_noop("details of %(who)s changed (%(fields)s)"),
            who=person.slug,
            fields=_words(changes),
        ),
    )


@transaction.atomic
def record_capacity(
    *,
    person: Participant,
    by: Any,
    capacity: str,
    note: str,
    own_view: bool,
    expected_revision: int | None,
) -> AssessmentRecord:
    """A view of a person's capacity, kept beside every earlier one. The professional's
    (`own_view` false) is the record the case format's `capacity` holds; a co-producer's view
    of their own capacity is kept and shown beside it, and changes no assessment."""
    relationship = person.relationship
    bump_revision(relationship, expected_revision)
    view = CapacityView.objects.create(
        relationship=relationship,
        about=person,
        kind="view" if own_view else "record",
        capacity=capacity,
        note=note,
        by=by,
    )
    detail: dict[str, Any] = {"participant": person.slug, "kind": view.kind, "capacity": capacity}
    if not own_view and person.capacity != capacity:
        detail["changes"] = {"capacity": [person.capacity, capacity]}
        person.capacity = capacity
        person.save(update_fields=["capacity"])
    audit(by, "create", view, relationship, **detail)
    whose = (
        gettext_noop("their own view of %(who)s's capacity added")
        if own_view
        else gettext_noop("the record of %(who)s's capacity added")
    )
    return reassess(relationship, reason=said(whose, who=person.slug))


def _set_fields(
    relationship: Relationship,
    by: Any,
    values: dict[str, Any],
    fields: tuple[str, ...],
    expected_revision: int | None,
    what: str,
) -> AssessmentRecord | None:
    """Set some of the relationship's own fields in one audited write, then reassess (which
    also writes the title again into the rows lists read). None when they are as recorded:
    nothing is written."""
    relationship.refresh_from_db()
    if not _differs(relationship, values, fields):
        check_revision(relationship, expected_revision)
        return None
    bump_revision(relationship, expected_revision)
    relationship.refresh_from_db()
    changes = _apply(relationship, values, fields)
    relationship.save(update_fields=[*fields, "updated"])
    audit(by, "update", relationship, relationship, changes=changes)
    return reassess(
        relationship,
        reason=said(
            gettext_noop("%(what)s changed (%(fields)s)"), what=what, fields=_words(changes)
        ),
    )


@transaction.atomic
def set_about(
    *, relationship: Relationship, by: Any, values: dict[str, Any], expected_revision: int | None
) -> AssessmentRecord | None:
    """The work's name and its setting (the professional's, as when they proposed it)."""
    return _set_fields(relationship, by, values, ABOUT_FIELDS, expected_revision, "name or setting")


@transaction.atomic
def set_context(
    *, relationship: Relationship, by: Any, values: dict[str, Any], expected_revision: int | None
) -> AssessmentRecord | None:
    """The context of the work: best interests, compulsion, a court order, and whether the
    co-produced parts were agreed to lie outside them."""
    return _set_fields(relationship, by, values, CONTEXT_FIELDS, expected_revision, "context")


@transaction.atomic
def set_together(
    *, relationship: Relationship, by: Any, values: dict[str, Any], expected_revision: int | None
) -> AssessmentRecord | None:
    """The scope: what the two people decide or make together (either of them sets it)."""
    return _set_fields(
        relationship, by, values, TOGETHER_FIELDS, expected_revision, "what is done together"
    )


@transaction.atomic
def set_approach(
    *, relationship: Relationship, by: Any, values: dict[str, Any], expected_revision: int | None
) -> AssessmentRecord | None:
    """Professional-led methods, the resource review, alternatives and the outcome plan."""
    return _set_fields(relationship, by, values, APPROACH_FIELDS, expected_revision, "approach")
