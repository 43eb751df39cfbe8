"""Writes to relationships: each is atomic, audited, and followed by a fresh assessment."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, override

from mutuality.framework import assess, assess_over_time
from mutuality.web import spoken
from mutuality.web.audit.actions import record
from mutuality.web.organisation.policy import policy_of
from mutuality.web.outbox import events
from mutuality.web.outbox.posting import cancel_on_withdrawal
from mutuality.web.relationships import assessed, consent_history, tallies
from mutuality.web.relationships.case_io import to_case, with_records
from mutuality.web.relationships.models import (
    AssessedPeriod,
    AssessmentRecord,
    Participant,
    Relationship,
)
from mutuality.web.stored_words import Said, said


def spoken_date(day: date) -> str:
    """A date as people read it in the history, "26 November 2026" (`mutuality.web.spoken`)."""
    return spoken.spoken_date(day)


class Refused(Exception):
    """An action refused for a reason the person can act on; nothing is saved. The message is
    shown above the form (`mutuality.web.forms_flow`)."""


class StaleEdit(Exception):
    """Someone else changed the relationship since this person loaded it."""


def reassess(relationship: Relationship, *, reason: str | Said) -> AssessmentRecord:
    """Assess the relationship as it now stands, keep the result in its history and rewrite
    the typed rows every list reads (assessed.py). The one writer of stored assessments: call it
    inside the transaction of the change that needs it."""
    records = _reassess_batch([relationship.pk], reason=reason)
    relationship.refresh_from_db()
    return records[0]


REASSESS_BATCH = 200
"""Relationships reassessed together: one query per kind of record for the whole batch."""


def reassess_many(
    relationships: QuerySet[Relationship] | Iterable[int],
    *,
    reason: str | Said,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Reassess many relationships (after a bulk import, a generated service or a change of
    policy or engine), a batch per transaction; returns how many. `progress` is told how many
    each batch held."""
    if isinstance(relationships, QuerySet):
        ids = list(relationships.order_by("pk").values_list("pk", flat=True))
    else:
        ids = list(relationships)
    for start in range(0, len(ids), REASSESS_BATCH):
        batch = ids[start : start + REASSESS_BATCH]
        with transaction.atomic():
            _reassess_batch(batch, reason=reason)
        if progress is not None:
            progress(len(batch))
    return len(ids)


READ_AS_WRITTEN = frozenset(
    {
        gettext_noop("imported from a case file"),
        gettext_noop("a case file was uploaded"),  # actions/records.py's upload_case
        gettext_noop("how the work differs from usual care declared"),  # its declare_contrast
    }
)
"""The reasons for an assessment written without a value in them, which are translated when
shown; a reason with values in it is a `Said` (stored_words), kept as its message and values."""


def stored_reason(record: AssessmentRecord) -> str:
    """Why an assessment was made, in the reader's language (one kept before reasons kept
    their words reads through the catalogue if it has no value in it, else as written)."""
    if not record.reason_words and record.reason in READ_AS_WRITTEN:
        return gettext(record.reason)
    return record.reason_said()


def _reassess_batch(ids: list[int], *, reason: str | Said) -> list[AssessmentRecord]:
    # The stored assessment and the rows every list reads are the record: written in the
    # service's language whoever's request wrote them (a finding spoken in one reader's
    # language must not be stored for everyone), and translated when a page reads them.
    with override(settings.LANGUAGE_CODE):
        return _reassess_batch_written(ids, reason=reason)


def _reassess_batch_written(ids: list[int], *, reason: str | Said) -> list[AssessmentRecord]:
    today = timezone.localdate()
    if not isinstance(reason, Said):  # a reason with no value in it
        reason = said(reason) if reason in READ_AS_WRITTEN else Said(reason)
    found = with_records(Relationship.objects.filter(pk__in=ids))
    relationships = {r.pk: r for r in found.prefetch_related(*assessed.DUE_RECORDS)}
    since = assessed.open_since(ids, today)
    assessed.clear(ids)
    rows = assessed.Rows()
    records = []
    for pk in ids:
        relationship = relationships[pk]
        case = to_case(relationship, fetched=True)
        policy = policy_of(relationship.organisation)  # with_records read it in the same query
        periods = list(assess_over_time(case, policy=policy, today=today))
        people = {p.slug: p for p in relationship.participants.all()}
        rows.add(relationship, periods, since[pk], people, today)
        rows.series(relationship, case, people)
        records.append(
            AssessmentRecord(
                relationship=relationship,
                revision=relationship.revision,
                recommendation=periods[0][1].recommendation,
                result=periods[0][1].to_dict(),
                reason=reason.english()[:300],
                reason_words=reason.words()
                if reason.message in READ_AS_WRITTEN or reason.values
                else {},
            )
        )
    rows.save()
    tallies.keep(rows.shares([relationships[pk] for pk in ids]), today)
    return AssessmentRecord.objects.bulk_create(records, batch_size=500)


def latest_assessment(relationship: Relationship) -> AssessmentRecord:
    """The newest entry of the relationship's assessment history (never made here: reading
    writes nothing). Raises AssessmentRecord.DoesNotExist if it was never assessed."""
    found = relationship.assessments.first()
    if found is None:
        raise AssessmentRecord.DoesNotExist(f"relationship {relationship.pk} was never assessed")
    return found


def current_period(relationship: Relationship) -> AssessedPeriod | None:
    """The stored assessment that applies today, or None if it was never assessed. Reading
    it writes nothing: `reassess` keeps it current, and the periods carry it through time."""
    return current(relationship.periods.all(), timezone.localdate()).first()


def current_result(relationship: Relationship) -> dict[str, Any]:
    """Today's assessment as framework JSON, for the relationship's own pages. One never
    assessed (imported before assessments were stored) is assessed here and not stored."""
    period = current_period(relationship)
    if period is not None:
        return dict(period.result)
    return assess(to_case(relationship), policy=policy_of(relationship.organisation)).to_dict()


def current(rows: QuerySet[Any], today: date) -> QuerySet[Any]:
    """The rows of a span (a period, a finding, a due item) that apply on this day."""
    return rows.filter(Q(starts__lte=today) & (Q(ends__isnull=True) | Q(ends__gt=today)))


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


def audit_held(by: Any, action: str, obj: Any, relationship: Relationship, **detail: Any) -> None:
    """Record a write to (or a read of) a private worry (ADR 0015): in the same audit trail, with
    its relationship, but outside the organisation's own log (no organisation in its column, so
    the admin's audit pages and CSV never list it), because the event alone would tell an admin
    that a worry exists and, with two people in a relationship, who raised it. The organisation
    is kept in the detail, for whoever runs the service to investigate."""
    record(
        user=by,
        action=action,
        obj=obj,
        relationship_id=relationship.pk,
        organisation_id=None,
        held_by_supervisor=True,
        organisation=relationship.organisation_id,
        **detail,
    )


def bump_revision(relationship: Relationship, expected: int | None = None) -> None:
    """Mark a change; refuse it when the form was loaded from an older revision."""
    rows = Relationship.objects.filter(pk=relationship.pk)
    if expected is not None:
        rows = rows.filter(revision=expected)
    if rows.update(revision=F("revision") + 1) != 1:
        raise StaleEdit("This relationship was changed by someone else after you opened it.")


def check_revision(relationship: Relationship, expected: int | None) -> None:
    """Refuse a page loaded before the latest change, as `bump_revision` does, without marking
    a change: for a save that turns out to change nothing (the flow's UNCHANGED)."""
    if expected is None:
        return
    if not Relationship.objects.filter(pk=relationship.pk, revision=expected).exists():
        raise StaleEdit("This relationship was changed by someone else after you opened it.")


@transaction.atomic
def set_consent(
    *, participant: Participant, consent: str, by: Any, expected_revision: int | None = None
) -> AssessmentRecord:
    """Record a participant's consent (given, informed, declined or withdrawn)."""
    relationship = participant.relationship
    bump_revision(relationship, expected_revision)
    before = participant.consent
    was = consent_history.state(participant)
    participant.consent = consent
    # Consent is given for the contract as it stands: the latest version's number (ADR 0014).
    latest = relationship.contract_versions.order_by("-version").first()
    participant.consent_version = (
        latest.version if latest is not None and consent in ("informed", "given") else None
    )
    participant.save(update_fields=["consent", "consent_version"])
    consent_history.consent_changed(participant, was)
    audit(
        by,
        "update",
        participant,
        relationship,
        field="consent",
        before=before,
        after=consent,
        contract_version=participant.consent_version,
    )
    if consent == "withdrawn":
        assessment = reassess(
            relationship,
            reason=said(gettext_noop("%(who)s withdrew consent"), who=participant.slug),
        )
        # Nothing more goes out about the relationship but safety messages and this notice.
        cancel_on_withdrawal(relationship)
        events.consent_withdrawn(participant, by=by)
        return assessment
    return reassess(
        relationship,
        reason=said(
            gettext_noop("%(who)s's consent is now %(consent)s"),
            who=participant.slug,
            consent=consent,
        ),
    )
