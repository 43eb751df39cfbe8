"""Supervision, observations, disclosures, consultations, reviews, scrutiny and stage.

Each action is one atomic write: it claims the revision the person's page was loaded at
(`bump_revision`, so a stale page saves nothing), changes the rows, records an audit event
and stores a fresh assessment. If anything fails, nothing is saved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mutuality.framework import VOCABULARY, Case
from mutuality.web.outbox import events
from mutuality.web.relationships import assessed
from mutuality.web.relationships.actions import (
    Refused,
    audit,
    audit_held,
    bump_revision,
    check_revision,
    reassess,
)
from mutuality.web.relationships.case_merge import merge_case
from mutuality.web.relationships.models import (
    RAISED_PRIVATELY_BY,
    AssessmentRecord,
    Consultation,
    ConsultationRequest,
    Disclosure,
    Observation,
    Participant,
    PrivateWorry,
    Relationship,
    ReviewRecord,
    SupervisionRecord,
)
from mutuality.web.stored_words import said


class NoContract(Exception):
    """A contract review was asked for, but the relationship has no contract yet."""


def _later(current: date | None, new: date) -> date:
    return new if current is None or new > current else current


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _claim(relationship: Relationship, expected_revision: int | None) -> None:
    bump_revision(relationship, expected_revision)
    relationship.refresh_from_db()


@transaction.atomic
def record_supervision(
    *, relationship: Relationship, by: Any, on: date, note: str, expected_revision: int | None
) -> AssessmentRecord:
    """The supervisor records a session; `last_supervision` becomes the latest session's date."""
    _claim(relationship, expected_revision)
    session = SupervisionRecord.objects.create(
        relationship=relationship, date=on, recorded_by=by, note=note
    )
    before = relationship.last_supervision
    relationship.last_supervision = _later(before, on)
    relationship.save(update_fields=["last_supervision", "updated"])
    audit(
        by,
        "create",
        session,
        relationship,
        date=on.isoformat(),
        last_supervision=[_plain(before), _plain(relationship.last_supervision)],
    )
    return reassess(
        relationship, reason=said(gettext_noop("supervision on %(date)s recorded"), date=on)
    )


@transaction.atomic
def raise_observation(
    *,
    relationship: Relationship,
    by: Any,
    on: date,
    kind: str,
    note: str,
    expected_revision: int | None,
) -> AssessmentRecord:
    """Anyone in the relationship, or its supervisor, records a worrying dynamic on the shared
    record, named as its raiser."""
    _claim(relationship, expected_revision)
    observation = Observation.objects.create(
        relationship=relationship,
        date=on,
        kind=kind,
        by=by.shown_name[:300],
        note=note or None,
        raised_by=by,
    )
    audit(by, "create", observation, relationship, kind=kind, date=on.isoformat())
    events.worry_raised(relationship, key=observation.uid, by=by)
    return reassess(
        relationship,
        reason=said(gettext_noop("an observation of %(kind)s raised"), kind=kind.replace("_", " ")),
    )


@transaction.atomic
def raise_private_worry(
    *, relationship: Relationship, by: Any, on: date, kind: str, note: str
) -> PrivateWorry:
    """A co-producer raises a worry for the supervisor alone (ADR 0015). Nothing shared changes:
    not the revision (a page the professional has open still saves), not the assessment or its
    history; only the supervisor's list of what is due gains the worry."""
    worry = PrivateWorry.objects.create(
        relationship=relationship, date=on, kind=kind, note=note, raised_by=by
    )
    audit_held(by, "create", worry, relationship, kind=kind, date=on.isoformat())
    events.worry_raised(relationship, key=worry.uid, by=by)
    assessed.rewrite_due(relationship, timezone.localdate())
    return worry


class AlreadyActedOn(Refused):
    """The supervisor (in another tab, say) already acted on this private worry."""


def _act_on(worry: PrivateWorry, by: Any, state: str, **fields: Any) -> None:
    """Move a held worry to `state`, once: a worry already acted on is refused, not changed."""
    acted = PrivateWorry.objects.filter(pk=worry.pk, state="held").update(
        state=state, acted_by=by, acted_at=timezone.now(), **fields
    )
    if acted != 1:
        raise AlreadyActedOn(_("This worry was already dealt with. Nothing was changed."))
    worry.refresh_from_db()


@transaction.atomic
def put_worry_on_record(
    *, worry: PrivateWorry, by: Any, note: str, expected_revision: int | None
) -> AssessmentRecord:
    """The supervisor puts a private worry on the shared record: an observation like any other,
    raised "privately with the supervisor" and never by name, with the supervisor's words for
    the record (the raiser's own words stay private). It counts in the assessment from now."""
    relationship = worry.relationship
    _claim(relationship, expected_revision)
    _act_on(worry, by, "on_record")
    observation = Observation.objects.create(
        relationship=relationship,
        date=worry.date,
        kind=worry.kind,
        by=RAISED_PRIVATELY_BY,
        note=note or None,
        # The supervisor, who put it there: so no case file from either person can change it.
        raised_by=by,
    )
    worry.observation = observation
    worry.save(update_fields=["observation"])
    audit(by, "create", observation, relationship, kind=worry.kind, date=worry.date.isoformat())
    audit_held(by, "update", worry, relationship, field="state", before="held", after="on_record")
    kind = worry.kind.replace("_", " ")
    return reassess(
        relationship, reason=said(gettext_noop("an observation of %(kind)s raised"), kind=kind)
    )


@transaction.atomic
def resolve_worry_privately(*, worry: PrivateWorry, by: Any, note: str) -> None:
    """The supervisor resolves a private worry without putting it on the record, with a note
    (which the person who raised it may read). Nothing shared changes."""
    relationship = worry.relationship
    _act_on(worry, by, "resolved", resolution=note)
    audit_held(by, "update", worry, relationship, field="state", before="held", after="resolved")
    assessed.rewrite_due(relationship, timezone.localdate())


@transaction.atomic
def resolve_observation(
    *, observation: Observation, by: Any, expected_revision: int | None
) -> AssessmentRecord:
    """The supervisor marks an observation resolved (it stays on record)."""
    relationship = observation.relationship
    _claim(relationship, expected_revision)
    observation.refresh_from_db()
    before = observation.status
    observation.status = "resolved"
    observation.save(update_fields=["status"])
    audit(by, "update", observation, relationship, field="status", before=before, after="resolved")
    kind = VOCABULARY["observation_kind"].label(observation.kind).lower()
    return reassess(
        relationship, reason=said(gettext_noop("an observation of %(kind)s resolved"), kind=kind)
    )


@transaction.atomic
def record_disclosure(
    *,
    relationship: Relationship,
    by: Any,
    participant: Participant,
    on: date,
    about: str,
    rationale: str,
    expected_revision: int | None,
) -> AssessmentRecord:
    """The professional records something they shared about themselves, and why."""
    _claim(relationship, expected_revision)
    disclosure = Disclosure.objects.create(
        relationship=relationship, by=participant, date=on, about=about, rationale=rationale or None
    )
    audit(by, "create", disclosure, relationship, date=on.isoformat(), rationale=bool(rationale))
    return reassess(
        relationship,
        reason=said(gettext_noop("a self-disclosure by %(who)s recorded"), who=participant.slug),
    )


@transaction.atomic
def record_consultation(
    *,
    relationship: Relationship,
    by: Any,
    on: date,
    with_whom: str,
    outcome: str,
    expected_revision: int | None,
) -> AssessmentRecord:
    """A consultation about whether another model of helping would be more ethical."""
    _claim(relationship, expected_revision)
    consultation = Consultation.objects.create(
        relationship=relationship, date=on, with_whom=with_whom, outcome=outcome, recorded_by=by
    )
    # A consultation answers every request for one still open (they leave the lists of what is
    # due with the reassessment below).
    answered = list(
        relationship.consultation_requests.filter(answered_by__isnull=True).values_list(
            "pk", flat=True
        )
    )
    ConsultationRequest.objects.filter(pk__in=answered).update(answered_by=consultation)
    audit(
        by,
        "create",
        consultation,
        relationship,
        date=on.isoformat(),
        outcome=outcome,
        answers_requests=answered,
    )
    return reassess(
        relationship,
        reason=said(
            gettext_noop("a consultation (%(outcome)s) recorded"), outcome=outcome.replace("_", " ")
        ),
    )


@transaction.atomic
def request_consultation(
    *,
    relationship: Relationship,
    by: Any,
    participant: Participant,
    reason: str,
    expected_revision: int | None,
) -> ConsultationRequest:
    """The co-producer asks for a consultation about another model of helping: the professional
    and the supervisor are told, and it is on their lists of what is due until a consultation
    is recorded. The assessment is unchanged (the case format has no requests), so the lists
    are written again from the stored findings rather than reassessed."""
    _claim(relationship, expected_revision)
    request = ConsultationRequest.objects.create(
        relationship=relationship, requested_by=participant, reason=reason
    )
    audit(by, "create", request, relationship)
    events.consultation_requested(request, by=by)
    assessed.rewrite_due(relationship, timezone.localdate())
    return request


@transaction.atomic
def record_review(
    *,
    relationship: Relationship,
    by: Any,
    kind: str,
    on: date,
    note: str,
    expected_revision: int | None,
) -> AssessmentRecord:
    """A contract review (the current contract's `last_review`) or an independent review."""
    _claim(relationship, expected_revision)
    contract = relationship.contract_versions.order_by("-version").first()
    if kind == "contract" and contract is None:
        raise NoContract("There is no contract to review yet.")
    review = ReviewRecord.objects.create(
        relationship=relationship, date=on, kind=kind, recorded_by=by, note=note
    )
    if contract is not None and kind == "contract":
        before = contract.last_review
        contract.last_review = _later(before, on)
        contract.save(update_fields=["last_review"])
        after = contract.last_review
    else:
        before = relationship.last_independent_review
        relationship.last_independent_review = _later(before, on)
        relationship.save(update_fields=["last_independent_review", "updated"])
        after = relationship.last_independent_review
    audit(
        by,
        "create",
        review,
        relationship,
        kind=kind,
        date=on.isoformat(),
        last_review=[_plain(before), _plain(after)],
    )
    return reassess(
        relationship,
        reason=said(gettext_noop("%(kind)s review on %(date)s recorded"), kind=kind, date=on),
    )


SCRUTINY_FIELDS = (
    "supervision_every_days",
    "team_informed",
    "public_reporting",
    "contrast",
    "uncertain",
    "supervisor_is_participant",
)


@transaction.atomic
def update_scrutiny(
    *, relationship: Relationship, by: Any, values: dict[str, Any], expected_revision: int | None
) -> AssessmentRecord | None:
    """The professional's scrutiny settings: supervision interval, openness, contrast. None
    when they are as recorded: nothing is written."""
    relationship.refresh_from_db()
    if all(getattr(relationship, field) == values[field] for field in SCRUTINY_FIELDS):
        check_revision(relationship, expected_revision)
        return None
    _claim(relationship, expected_revision)
    changes = {}
    for field in SCRUTINY_FIELDS:
        before, after = getattr(relationship, field), values[field]
        if before != after:
            changes[field] = [before, after]
            setattr(relationship, field, after)
    relationship.save(update_fields=[*SCRUTINY_FIELDS, "updated"])
    audit(by, "update", relationship, relationship, changes=changes)
    changed = ", ".join(field.replace("_", " ") for field in changes) or "nothing"
    return reassess(
        relationship,
        reason=said(gettext_noop("scrutiny settings changed (%(changed)s)"), changed=changed),
    )


@transaction.atomic
def declare_contrast(
    *,
    relationship: Relationship,
    by: Any,
    declared: list[str],
    expected_revision: int | None,
) -> AssessmentRecord | None:
    """Either person says how the work departs from usual care (`[]`: they looked, and it
    does not). Scrutiny also counts what the answers and the record show, declared or not.
    None when it says what was already declared: nothing is written."""
    relationship.refresh_from_db()
    if relationship.contrast == declared:
        check_revision(relationship, expected_revision)
        return None
    _claim(relationship, expected_revision)
    before = relationship.contrast
    relationship.contrast = declared
    relationship.save(update_fields=["contrast", "updated"])
    audit(by, "update", relationship, relationship, changes={"contrast": [before, declared]})
    return reassess(relationship, reason="how the work differs from usual care declared")


@transaction.atomic
def change_stage(
    *,
    relationship: Relationship,
    by: Any,
    to: str,
    started: date | None,
    expected_revision: int | None,
) -> AssessmentRecord:
    """Move the work on: proposed → active (with its start date) → ending → ended."""
    _claim(relationship, expected_revision)
    before = relationship.stage
    relationship.stage = to
    fields = ["stage", "updated"]
    detail: dict[str, Any] = {"field": "stage", "before": before, "after": to}
    if to == "ended":
        relationship.ended_on = timezone.localdate()
        fields.append("ended_on")
        detail["ended_on"] = relationship.ended_on.isoformat()
    if started is not None:
        detail["started"] = [_plain(relationship.started), started.isoformat()]
        relationship.started = started
        fields.append("started")
    relationship.save(update_fields=fields)
    audit(by, "update", relationship, relationship, **detail)
    return reassess(
        relationship,
        reason=said(gettext_noop("stage changed from %(before)s to %(to)s"), before=before, to=to),
    )


@transaction.atomic
def upload_case(
    *, relationship: Relationship, by: Any, case: Case, expected_revision: int | None
) -> list[str]:
    """Bring an uploaded case file into the relationship (case_merge.py says how).

    Returns:
        Notes of what was kept rather than taken from the file.

    Raises:
        MergeRefused: the file would change someone's role (nothing is saved).
        CaseError: the result would not assess (nothing is saved).
    """
    _claim(relationship, expected_revision)
    merged = merge_case(relationship, case, by)
    audit(by, "update", relationship, relationship, upload=merged.changes, kept=merged.notes)
    reassess(relationship, reason="a case file was uploaded")
    return merged.notes
