"""The transparency report's true counts, gathered from the database, and its publishing.

Each relationship is counted from its latest stored assessment (the framework's own
recommendation, scrutiny level, findings and outcome changes), so the report never applies
a rule of its own. `mutuality.transparency` then applies disclosure control.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, cast

from django.db import transaction
from django.db.models import Count, Max
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
from mutuality.web.relationships.actions import current_result
from mutuality.web.relationships.models import AffectedParty, Participant, Relationship
from mutuality.web.reports.models import PublishedReport


def _supervision(codes: set[str]) -> str:
    if "competence.no_external_authority" in codes:
        return "no_independent_supervisor"
    return "overdue" if "competence.supervision_overdue" in codes else "up_to_date"


def _contract_review(codes: set[str]) -> str:
    if "respect.contract_missing" in codes:
        return "no_agreement"
    return "overdue" if "integrity.review_overdue" in codes else "up_to_date"


def _changes(result: dict[str, Any]) -> Iterable[OutcomeChange]:
    """Outcome changes the framework classified (ONS4 items have no reliable change)."""
    for outcome in result.get("outcomes") or []:
        change, difference = outcome.get("change"), outcome.get("difference")
        if change in CHANGES and difference is not None:
            yield OutcomeChange(str(outcome["instrument"]), float(difference), cast(Change, change))


def _by(field: str, rows: Any) -> dict[str, int]:
    grouped = rows.order_by().values(field).annotate(n=Count("pk"))
    return {row[field]: row["n"] for row in grouped}


def gather(organisation: Organisation) -> OrganisationData:
    """True counts for the organisation (never published as they stand)."""
    relationships = Relationship.objects.filter(organisation=organisation).order_by("pk")
    tallies: dict[str, Counter[str]] = {
        key: Counter() for key in ("recommendation", "scrutiny", "supervision", "contract")
    }
    outcomes: list[OutcomeChange] = []
    for relationship in relationships:
        result = current_result(relationship)
        codes = {finding["code"] for finding in result.get("findings", [])}
        tallies["recommendation"][result["recommendation"]] += 1
        tallies["scrutiny"][result["scrutiny"]["level"]] += 1
        tallies["supervision"][_supervision(codes)] += 1
        tallies["contract"][_contract_review(codes)] += 1
        outcomes.extend(_changes(result))
    return OrganisationData(
        slug=organisation.slug,
        name=organisation.name,
        as_of=timezone.localdate().isoformat(),
        by_setting=_by("setting", relationships),
        by_stage=_by("stage", relationships),
        by_recommendation=tallies["recommendation"],
        by_scrutiny=tallies["scrutiny"],
        supervision=tallies["supervision"],
        contract_review=tallies["contract"],
        co_producer_consent=_by(
            "consent",
            Participant.objects.filter(relationship__organisation=organisation, role="recipient"),
        ),
        affected_consent=_by(
            "consent", AffectedParty.objects.filter(relationship__organisation=organisation)
        ),
        outcomes=tuple(outcomes),
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
