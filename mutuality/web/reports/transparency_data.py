"""The transparency report's true counts, gathered from the database, and its publishing.

Each relationship is counted from its stored assessment of today (the typed rows `reassess`
writes: the framework's own recommendation, scrutiny level, findings and outcome changes), so
the report never applies a rule of its own; every count is one aggregate query, however many
relationships there are. `mutuality.transparency` then applies disclosure control. By stage, work
under way in which someone withdrew their consent is counted as `withdrawn`, as the service
report counts it (`service_report.by_reported_stage`).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, cast

from django.db import transaction
from django.db.models import Case, Count, F, Max, Q, QuerySet, Value, When
from django.utils import timezone

from mutuality.transparency import (
    CHANGES,
    Change,
    OrganisationData,
    OutcomeChange,
    Report,
    build_report,
)
from mutuality.web.accounts.models import Organisation
from mutuality.web.audit.actions import record
from mutuality.web.relationships.actions import current
from mutuality.web.relationships.models import (
    AffectedParty,
    AssessedPeriod,
    CurrentFinding,
    Participant,
    Relationship,
    SeriesSummary,
)
from mutuality.web.relationships.tallies import (
    NO_AGREEMENT,
    NO_INDEPENDENT_SUPERVISOR,
    REVIEW_OVERDUE,
    SUPERVISION_OVERDUE,
)
from mutuality.web.reports import tallied
from mutuality.web.reports.models import PublishedReport
from mutuality.web.reports.service_report import by_reported_stage


def _by(field: str, rows: QuerySet[Any]) -> dict[str, int]:
    grouped = rows.order_by().values(field).annotate(n=Count("pk"))
    return {row[field]: row["n"] for row in grouped}


def _levels(periods: QuerySet[AssessedPeriod]) -> tuple[dict[str, int], dict[str, int]]:
    """Relationships by recommendation and by scrutiny level, from one grouped count."""
    recommendations: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    grouped = periods.order_by().values_list("recommendation", "scrutiny_level")
    for recommendation, level, n in grouped.annotate(n=Count("pk")):
        recommendations[recommendation] += n
        levels[level] += n
    return dict(recommendations), dict(levels)


def _assessed(relationships: QuerySet[Relationship], today: date) -> dict[str, dict[str, int]]:
    """Supervision and the written agreement, each relationship counted once by its most
    telling finding of the day (as the report's categories say): one query, which flags each
    relationship with these findings and counts the flags."""
    codes = (NO_INDEPENDENT_SUPERVISOR, SUPERVISION_OVERDUE, NO_AGREEMENT, REVIEW_OVERDUE)
    findings = current(
        CurrentFinding.objects.filter(relationship__in=relationships, code__in=codes), today
    )

    def flag(code: str) -> Max:
        return Max(Case(When(code=code, then=Value(1)), default=Value(0)))

    flagged = (
        findings.order_by()
        .values("relationship_id")
        .annotate(**{f"has_{i}": flag(code) for i, code in enumerate(codes)})
    )
    no_supervisor, supervision_late, no_agreement, review_late = (
        Q(**{f"has_{i}": 1}) for i in range(4)
    )
    counts = flagged.aggregate(
        no_supervisor=Count("relationship_id", filter=no_supervisor),
        supervision_overdue=Count("relationship_id", filter=~no_supervisor & supervision_late),
        no_agreement=Count("relationship_id", filter=no_agreement),
        review_overdue=Count("relationship_id", filter=~no_agreement & review_late),
    )
    assessed = current(AssessedPeriod.objects.filter(relationship__in=relationships), today)
    everyone = assessed.order_by().count()
    supervision = {
        "no_independent_supervisor": counts["no_supervisor"],
        "overdue": counts["supervision_overdue"],
    }
    contract = {"no_agreement": counts["no_agreement"], "overdue": counts["review_overdue"]}
    supervision["up_to_date"] = everyone - sum(supervision.values())
    contract["up_to_date"] = everyone - sum(contract.values())
    return {
        "supervision": {key: n for key, n in supervision.items() if n},
        "contract": {key: n for key, n in contract.items() if n},
    }


def _changes(relationships: QuerySet[Relationship]) -> tuple[OutcomeChange, ...]:
    """Outcome changes the framework classified (ONS4 items have no reliable change), counted
    by measure, change and difference: a few hundred rows whatever the number of people."""
    rows = (
        SeriesSummary.objects.filter(relationship__in=relationships, change__in=CHANGES)
        .order_by()
        .annotate(difference=F("last_score") - F("first_score"))
        .values_list("series_id", "change", "difference")
        .annotate(people=Count("pk"))
        .order_by("series_id", "change", "difference")
    )
    return tuple(
        OutcomeChange(series_id, float(difference), cast(Change, change), people)
        for series_id, change, difference, people in rows
    )


def gather(organisation: Organisation) -> OrganisationData:
    """True counts for the organisation (never published as they stand): from its tallies
    (ADR 0008), or counted when the tallies cannot say."""
    today = timezone.localdate()
    return tallied.transparency_data(organisation, today) or count(organisation, today)


def count(organisation: Organisation, today: date) -> OrganisationData:
    """True counts for the organisation, counted from the typed rows."""
    relationships = Relationship.objects.filter(organisation=organisation)
    periods = current(AssessedPeriod.objects.filter(relationship__in=relationships), today)
    recommendations, levels = _levels(periods)
    assessed = _assessed(relationships, today)
    return OrganisationData(
        slug=organisation.slug,
        name=organisation.public_name,  # the name it chose for its public report
        as_of=today.isoformat(),
        by_setting=_by("setting", relationships),
        by_stage=by_reported_stage(relationships),
        by_recommendation=recommendations,
        by_scrutiny=levels,
        supervision=assessed["supervision"],
        contract_review=assessed["contract"],
        co_producer_consent=_by(
            "consent",
            Participant.objects.filter(relationship__organisation=organisation, role="recipient"),
        ),
        affected_consent=_by(
            "consent", AffectedParty.objects.filter(relationship__organisation=organisation)
        ),
        outcomes=_changes(relationships),
    )


def draft_report(organisation: Organisation) -> Report:
    """The report as it would be published now, with disclosure control applied."""
    return build_report(gather(organisation))


@transaction.atomic
def publish(organisation: Organisation, *, by: Any) -> PublishedReport:
    """Freeze the current draft as the organisation's next version, and audit it."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    versions = PublishedReport.objects.filter(organisation=organisation)
    latest = versions.aggregate(latest=Max("version"))["latest"]
    version = (latest or 0) + 1
    published_at = timezone.now()
    content = draft_report(organisation).to_dict()
    content.update(version=version, published_at=published_at.isoformat(timespec="seconds"))
    report = PublishedReport.objects.create(
        organisation=organisation,
        version=version,
        published_at=published_at,
        published_by=by,
        content=content,
    )
    record(
        user=by,
        action="publish",
        obj=report,
        organisation_id=organisation.pk,
        version=version,
    )
    return report
