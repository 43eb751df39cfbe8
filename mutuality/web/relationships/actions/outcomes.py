"""Outcome evidence: starting a questionnaire series for a person, and recording one filled in.

Each action is one atomic write: it claims the revision the person's page was loaded at (a
stale page saves nothing), changes the rows, records an audit event and stores a fresh
assessment. The engine scores item responses itself (framework `_series.py`), so a
questionnaire is kept as the answers given, exactly as the case format keeps it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max

from mutuality.web.audit.actions import record
from mutuality.web.relationships.actions import bump_revision, reassess, spoken_date
from mutuality.web.relationships.models import (
    AssessmentRecord,
    OutcomeSeries,
    Participant,
    Relationship,
    Score,
)


def _audit(by: Any, action: str, obj: Any, relationship: Relationship, **detail: Any) -> None:
    record(
        user=by,
        action=action,
        obj=obj,
        relationship_id=relationship.pk,
        organisation_id=relationship.organisation_id,
        **detail,
    )


@transaction.atomic
def start_series(
    *,
    relationship: Relationship,
    by: Any,
    of: Participant,
    instrument: str,
    goal: str | None,
    expected_revision: int | None,
) -> OutcomeSeries:
    """Begin measuring one person's wellbeing with one instrument (or towards one goal)."""
    bump_revision(relationship, expected_revision)
    position = relationship.outcome_series.aggregate(last=Max("position"))["last"]
    series = OutcomeSeries.objects.create(
        relationship=relationship,
        of=of,
        instrument=instrument,
        goal=goal or None,
        position=0 if position is None else position + 1,
    )
    planned = relationship.outcome_plan
    if instrument not in planned:
        # Starting a questionnaire plans it: the case format keeps only series with scores.
        relationship.outcome_plan = [*planned, instrument]
        relationship.save(update_fields=["outcome_plan", "updated"])
    _audit(
        by,
        "create",
        series,
        relationship,
        of=of.slug,
        instrument=instrument,
        goal=goal,
        outcome_plan=[planned, relationship.outcome_plan],
    )
    reassess(relationship, reason=f"{instrument} questionnaires started for {of.slug}")
    return series


@transaction.atomic
def record_score(
    *,
    series: OutcomeSeries,
    by: Any,
    on: date,
    items: list[int | None] | None = None,
    value: float | None = None,
    expected_revision: int | None,
) -> AssessmentRecord:
    """Keep one filled-in questionnaire: its item answers, or the total when only that is known.

    Raises:
        CaseError: the answers do not fit the instrument (the assessment refuses them, and
            nothing is saved).
    """
    relationship = series.relationship
    bump_revision(relationship, expected_revision)
    score = Score.objects.create(series=series, date=on, items=items, value=value)
    _audit(
        by,
        "create",
        score,
        relationship,
        series=series.pk,
        instrument=series.instrument,
        of=series.of.slug,
        date=on.isoformat(),
    )
    return reassess(
        relationship,
        reason=f"{series.instrument} filled in for {series.of.slug} on {spoken_date(on)}",
    )
