"""The transparency report's true counts, gathered from the database, and its publishing.

Each relationship is counted from its stored assessment of today (the typed rows `reassess`
writes: the framework's own recommendation, scrutiny level, findings and outcome changes), so
the report never applies a rule of its own; every count is one aggregate query, however many
relationships there are. `mutuality.transparency` then applies disclosure control.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, cast

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
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
from mutuality.web.reports.models import PublishedReport

NO_INDEPENDENT_SUPERVISOR = "competence.no_external_authority"
SUPERVISION_OVERDUE = "competence.supervision_overdue"
NO_AGREEMENT = "respect.contract_missing"
REVIEW_OVERDUE = "integrity.review_overdue"


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
    telling finding of the day (as the report's categories say)."""
    findings = current(CurrentFinding.objects.filter(relationship=OuterRef("pk")), today)

    def has(code: str) -> Q:
        return Q(Exists(findings.filter(code=code)))

    periods = current(AssessedPeriod.objects.filter(relationship=OuterRef("pk")), today)
    assessed = relationships.order_by().filter(Exists(periods))
    counts = assessed.aggregate(
        all=Count("pk"),
        no_supervisor=Count("pk", filter=has(NO_INDEPENDENT_SUPERVISOR)),
        supervision_overdue=Count(
            "pk", filter=~has(NO_INDEPENDENT_SUPERVISOR) & has(SUPERVISION_OVERDUE)
        ),
        no_agreement=Count("pk", filter=has(NO_AGREEMENT)),
        review_overdue=Count("pk", filter=~has(NO_AGREEMENT) & has(REVIEW_OVERDUE)),
    )
    supervision = {
        "no_independent_supervisor": counts["no_supervisor"],
        "overdue": counts["supervision_overdue"],
    }
    contract = {"no_agreement": counts["no_agreement"], "overdue": counts["review_overdue"]}
    supervision["up_to_date"] = counts["all"] - sum(supervision.values())
    contract["up_to_date"] = counts["all"] - sum(contract.values())
    return {
        "supervision": {key: n for key, n in supervision.items() if n},
        "contract": {key: n for key, n in contract.items() if n},
    }


def _changes(relationships: QuerySet[Relationship]) -> tuple[OutcomeChange, ...]:
    """Outcome changes the framework classified (ONS4 items have no reliable change)."""
    rows = (
        SeriesSummary.objects.filter(relationship__in=relationships, change__in=CHANGES)
        .order_by("relationship_id", "pk")
        .values_list("series_id", "first_score", "last_score", "change")
    )
    return tuple(
        OutcomeChange(series_id, float(last - first), cast(Change, change))
        for series_id, first, last, change in rows
    )


def gather(organisation: Organisation) -> OrganisationData:
    """True counts for the organisation (never published as they stand)."""
    today = timezone.localdate()
    relationships = Relationship.objects.filter(organisation=organisation)
    periods = current(AssessedPeriod.objects.filter(relationship__in=relationships), today)
    recommendations, levels = _levels(periods)
    assessed = _assessed(relationships, today)
    return OrganisationData(
        slug=organisation.slug,
        name=organisation.name,
        as_of=today.isoformat(),
        by_setting=_by("setting", relationships),
        by_stage=_by("stage", relationships),
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
