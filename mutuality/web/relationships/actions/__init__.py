"""Writes to relationships: each is atomic, audited, and followed by a fresh assessment."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F

from mutuality.framework import assess
from mutuality.web.audit.actions import record
from mutuality.web.relationships.case_io import to_case
from mutuality.web.relationships.models import AssessmentRecord, Participant, Relationship


def spoken_date(day: date) -> str:
    """A date as people read it in the history, "26 November 2026"."""
    return f"{day.day} {day:%B %Y}"


class Refused(Exception):
    """An action refused for a reason the person can act on; nothing is saved. The message is
    shown above the form (views/common.py `form_page`)."""


class StaleEdit(Exception):
    """Someone else changed the relationship since this person loaded it."""


def reassess(relationship: Relationship, *, reason: str) -> AssessmentRecord:
    """Assess the relationship as it now stands and keep the result in its history."""
    relationship.refresh_from_db()
    assessment = assess(to_case(relationship))
    return AssessmentRecord.objects.create(
        relationship=relationship,
        revision=relationship.revision,
        recommendation=assessment.recommendation,
        result=assessment.to_dict(),
        reason=reason[:300],
    )


def reassess_many(relationships: Iterable[Relationship], *, reason: str) -> int:
    """Reassess many relationships (after a bulk import, a generated service or a change of
    policy or engine); returns how many. The one writer of stored assessments, in bulk."""
    done = 0
    for relationship in relationships:
        reassess(relationship, reason=reason)
        done += 1
    return done


def latest_assessment(relationship: Relationship) -> AssessmentRecord:
    """The newest stored assessment, made now if there is none yet."""
    found = relationship.assessments.first()
    return found if found is not None else reassess(relationship, reason="first assessment")


def audit(by: Any, action: str, obj: Any, relationship: Relationship, **detail: Any) -> None:
    """Record a write to (or a read of) something in this relationship, with who and what."""
    record(
        user=by,
        action=action,
        obj=obj,
        relationship_id=relationship.pk,
        organisation_id=relationship.organisation_id,
        **detail,
    )


def bump_revision(relationship: Relationship, expected: int | None = None) -> None:
    """Mark a change; refuse it when the form was loaded from an older revision."""
    rows = Relationship.objects.filter(pk=relationship.pk)
    if expected is not None:
        rows = rows.filter(revision=expected)
    if rows.update(revision=F("revision") + 1) != 1:
        raise StaleEdit("This relationship was changed by someone else after you opened it.")


@transaction.atomic
def set_consent(
    *, participant: Participant, consent: str, by: Any, expected_revision: int | None = None
) -> AssessmentRecord:
    """Record a participant's consent (given, informed, declined or withdrawn)."""
    relationship = participant.relationship
    bump_revision(relationship, expected_revision)
    before = participant.consent
    participant.consent = consent
    participant.save(update_fields=["consent"])
    audit(by, "update", participant, relationship, field="consent", before=before, after=consent)
    if consent == "withdrawn":
        return reassess(relationship, reason=f"{participant.slug} withdrew consent")
    return reassess(relationship, reason=f"{participant.slug}'s consent is now {consent}")
