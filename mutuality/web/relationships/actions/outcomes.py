"""Outcome evidence: starting a questionnaire series for a person, and recording one filled in.

Each action is one atomic write: it claims the revision the person's page was loaded at (a
stale page saves nothing), changes the rows, records an audit event and stores a fresh
assessment. The engine scores item responses itself (framework `_series.py`), so a
questionnaire is kept as the answers given, exactly as the case format keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from mutuality.framework import case_instruments
from mutuality.outcomes import Instrument, safety_answers, shipped_instruments
from mutuality.web.outbox import events
from mutuality.web.relationships import assessed
from mutuality.web.relationships.actions import (
    Refused,
    audit,
    bump_revision,
    reassess,
)
from mutuality.web.relationships.case_io import to_case
from mutuality.web.relationships.models import (
    AssessmentRecord,
    OutcomeSeries,
    Participant,
    QuestionnaireDraft,
    QuestionnaireSchedule,
    Relationship,
    SafetyFlag,
    Score,
)
from mutuality.web.stored_words import Said, said


def shipped_or_own_instrument(series: OutcomeSeries) -> Instrument | None:
    """The series' instrument: shipped, or defined by the relationship (None if unknown)."""
    shipped = shipped_instruments().get(series.instrument)
    if shipped is not None:
        return shipped
    return case_instruments(to_case(series.relationship))[0].get(series.instrument)


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
    audit(
        by,
        "create",
        series,
        relationship,
        of=of.pk,
        instrument=instrument,
        goal=goal,
        outcome_plan=[planned, relationship.outcome_plan],
    )
    reassess(
        relationship,
        reason=said(
            gettext_noop("%(instrument)s questionnaires started for %(who)s"),
            instrument=instrument,
            who=of.slug,
        ),
    )
    return series


@dataclass(frozen=True)
class Recorded:
    """A questionnaire kept, the assessment that followed, and any safety flags it raised."""

    assessment: AssessmentRecord
    flags: list[SafetyFlag]


@transaction.atomic
def record_score(
    *,
    series: OutcomeSeries,
    by: Any,
    on: date,
    items: list[int | None] | None = None,
    value: float | None = None,
    expected_revision: int | None,
) -> Recorded:
    """Keep one filled-in questionnaire: its item answers, or the total when only that is known.

    A safety item answered above its lowest response (PHQ-9 item 9), or a reliable
    deterioration in the new assessment, raises a safety flag for the professional and the
    supervisor (docs/safety/hazard-log.md).

    Raises:
        CaseError: the answers do not fit the instrument (the assessment refuses them, and
            nothing is saved).
    """
    relationship = series.relationship
    bump_revision(relationship, expected_revision)
    score = Score.objects.create(series=series, date=on, items=items, value=value)
    draft = QuestionnaireDraft.objects.filter(series=series, by=by).first()
    audit(
        by,
        "create",
        score,
        relationship,
        series=series.pk,
        instrument=series.instrument,
        of=series.of_id,
        date=on.isoformat(),
    )
    assessment = reassess(
        relationship,
        reason=said(
            gettext_noop("%(instrument)s filled in for %(who)s on %(date)s"),
            instrument=series.instrument,
            who=series.of.slug,
            date=on,
        ),
    )
    already = draft.raised if draft else None
    flags = [
        *_safety_item_flags(series, items, by, already=already),
        *deterioration_flags(series, assessment, by),
    ]
    if draft:  # finished: the answers are a score now
        _delete_draft(draft, by, reason="finished")
    if flags:  # they head the dashboards of the professional and the supervisor
        assessed.rewrite_due(relationship, timezone.localdate())
    return Recorded(assessment, flags)


def _raise(series: OutcomeSeries, kind: str, detail: Said, by: Any) -> SafetyFlag:
    flag = SafetyFlag.objects.create(
        relationship=series.relationship,
        about=series.of,
        kind=kind,
        series=series,
        detail=detail.english(),
        words=detail.words(),
    )
    audit(by, "create", flag, series.relationship, kind=kind, series=series.pk)
    events.safety_flag(flag)
    return flag


def self_harm_answers(series: OutcomeSeries, items: list[int | None] | None) -> list[int]:
    """The numbers of the questions answered in a way that asks for help now (PHQ-9 item 9)."""
    instrument = shipped_or_own_instrument(series)
    if items is None or instrument is None:
        return []
    return list(safety_answers(instrument, items))


def _safety_item_flags(
    series: OutcomeSeries,
    items: list[int | None] | None,
    by: Any,
    *,
    already: SafetyFlag | None = None,
) -> list[SafetyFlag]:
    """A flag for each safety answer, except one `already` raised for the same answer (by the
    draft this questionnaire was finished from)."""
    instrument = shipped_or_own_instrument(series)
    if items is None or instrument is None:
        return []
    flags = []
    for number in safety_answers(instrument, items):
        detail = said(
            gettext_noop(
                "%(name)s answered %(answer)s to question %(number)s of the %(instrument)s, "
                "which asks about thoughts of being better off dead or of self-harm."
            ),
            name=series.of.called,
            answer=str(items[number - 1]),
            number=number,
            instrument=instrument.name,
        )
        if already is None or already.detail != detail.english():
            flags.append(_raise(series, "self_harm_thoughts", detail, by))
    return flags


# --- answers saved to finish later --------------------------------------------------------------


@transaction.atomic
def save_draft(
    *, series: OutcomeSeries, by: Any, answers: dict[str, str], items: list[int | None] | None
) -> QuestionnaireDraft:
    """Keep someone's answers so far, for them alone, until they finish or discard them.

    Nothing the assessment reads changes (no revision, no reassessment). But a self-harm answer
    is never just stored, in a draft either: it raises the same flag a finished questionnaire
    would (once for the draft, however often it is saved), and the caller shows the help.
    """
    draft, created = QuestionnaireDraft.objects.select_for_update().get_or_create(
        series=series, by=by, defaults={"answers": answers}
    )
    if not created:
        draft.answers = answers
    if draft.raised is None:
        draft.raised = next(iter(_safety_item_flags(series, items, by)), None)
        if draft.raised is not None:  # it heads the professional's and supervisor's lists
            assessed.rewrite_due(series.relationship, timezone.localdate())
    draft.save()
    # The answers are health data: the audit trail says a draft was kept, never what it holds.
    audit(
        by,
        "create" if created else "update",
        draft,
        series.relationship,
        series=series.pk,
        instrument=series.instrument,
        of=series.of_id,
        answered=sum(1 for key, given in answers.items() if key != "date" and given),
    )
    return draft


@transaction.atomic
def discard_draft(*, series: OutcomeSeries, by: Any) -> bool:
    """Delete this person's saved answers to the questionnaire; False if there were none."""
    draft = QuestionnaireDraft.objects.filter(series=series, by=by).first()
    if draft is None:
        return False
    _delete_draft(draft, by, reason="discarded")
    return True


def _delete_draft(draft: QuestionnaireDraft, by: Any, *, reason: str) -> None:
    series = draft.series
    # `how` (a code: finished or discarded) rather than `reason`, which is what people write.
    audit(by, "delete", draft, series.relationship, series=series.pk, how=reason)
    draft.delete()


def deterioration_flags(
    series: OutcomeSeries, assessment: AssessmentRecord, by: Any
) -> list[SafetyFlag]:
    """A series of this person the new assessment finds reliably worse, once while open."""
    still_open = SafetyFlag.objects.filter(
        relationship=series.relationship,
        about=series.of,
        kind="reliable_deterioration",
        resolved_at__isnull=True,
    )
    flags = []
    for outcome in assessment.result["outcomes"]:
        if outcome["of"] != series.of.slug or outcome["change"] != "reliable_deterioration":
            continue
        which = f"{series.of.called}'s {outcome['instrument']} scores are reliably worse"
        # Flags raised before people were named by name began with their id.
        as_before = f"{series.of.slug}'s {outcome['instrument']} scores are reliably worse"
        if not still_open.filter(
            Q(detail__startswith=which) | Q(detail__startswith=as_before)
        ).exists():
            detail = said(
                gettext_noop(
                    "%(name)s's %(instrument)s scores are reliably worse: %(first)s at first, "
                    "%(latest)s now."
                ),
                name=series.of.called,
                instrument=outcome["instrument"],
                first=f"{outcome['first']:g}",
                latest=f"{outcome['latest']:g}",
            )
            flags.append(_raise(series, "reliable_deterioration", detail, by))
    return flags


class AlreadyResolved(Exception):
    """Someone else recorded what was done about the flag first."""


@transaction.atomic
def resolve_flag(*, flag: SafetyFlag, by: Any, action_taken: str) -> SafetyFlag:
    """Record what was done about a safety flag; it leaves the dashboards but stays on record.

    Raises:
        AlreadyResolved: someone else recorded what was done first.
    """
    claimed = SafetyFlag.objects.filter(pk=flag.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=by, action_taken=action_taken
    )
    if claimed != 1:
        raise AlreadyResolved(flag.pk)
    flag.refresh_from_db()
    audit(by, "update", flag, flag.relationship, field="resolved", action_taken=action_taken)
    assessed.rewrite_due(flag.relationship, timezone.localdate())
    return flag


# --- the schedule the two people agree ---------------------------------------------------------


@transaction.atomic
def set_schedule(
    *,
    relationship: Relationship,
    by: Any,
    instrument: str,
    every_weeks: int,
    expected_revision: int | None,
) -> QuestionnaireSchedule:
    """Either person sets how often a questionnaire is due. A new or changed schedule waits for
    the other person's agreement before any reminder is sent (`agree_schedule`)."""
    bump_revision(relationship, expected_revision)
    schedule = relationship.questionnaire_schedules.filter(instrument=instrument).first()
    now = timezone.now()
    if schedule is None:
        schedule = QuestionnaireSchedule.objects.create(
            relationship=relationship,
            instrument=instrument,
            every_weeks=every_weeks,
            set_by=by,
            set_at=now,
        )
        audit(by, "create", schedule, relationship, instrument=instrument, every_weeks=every_weeks)
    else:
        before = schedule.every_weeks
        schedule.every_weeks, schedule.set_by, schedule.set_at = every_weeks, by, now
        schedule.agreed_by, schedule.agreed_at = None, None
        schedule.save()
        audit(
            by,
            "update",
            schedule,
            relationship,
            instrument=instrument,
            every_weeks=[before, every_weeks],
            agreed=False,
        )
    # Only the "what is due" rows follow a schedule: the assessment does not read it.
    assessed.rewrite_due(relationship, timezone.localdate())
    return schedule


@transaction.atomic
def agree_schedule(
    *, schedule: QuestionnaireSchedule, by: Any, expected_revision: int | None
) -> QuestionnaireSchedule:
    """The other person agrees to a schedule; from then on its reminders are sent.

    Raises:
        Refused: the person set it themselves, or it is already agreed.
    """
    relationship = schedule.relationship
    bump_revision(relationship, expected_revision)
    schedule.refresh_from_db()
    if schedule.set_by_id == by.pk:
        raise Refused(
            gettext("You set this schedule. The other person in the relationship agrees to it.")
        )
    if schedule.agreed_at is not None:
        raise Refused(gettext("This schedule is already agreed."))
    schedule.agreed_by, schedule.agreed_at = by, timezone.now()
    schedule.save(update_fields=["agreed_by", "agreed_at"])
    audit(by, "update", schedule, relationship, field="agreed", before=False, after=True)
    assessed.rewrite_due(relationship, timezone.localdate())
    return schedule
