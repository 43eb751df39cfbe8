"""Deleting the record of work that ended longer ago than its organisation keeps records
(`Organisation.retention_years`; ADR 0017).

A relationship is deleted, with every row of its record, once its work ended (stage `ended`,
`ended_on` set) more than the organisation's period ago: ended exactly that many years ago
today, it is kept until tomorrow. One with a safety flag still open is kept whatever its age,
until someone records what was done. Each deletion leaves a tombstone in the audit trail (the
relationship's id, `how: retention` and the period in years, never what it held), and takes
the relationship's share out of its organisation's tallies, so every report still adds up.

The work is done a batch at a time, each batch in one transaction and in the same number of
queries however many relationships it holds. The scheduler asks for it once a day for each
organisation (tasks.py), and `mutuality retention [--dry-run]` does it at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from mutuality.web.accounts.models import Organisation
from mutuality.web.audit.actions import record_each
from mutuality.web.relationships import tallies
from mutuality.web.relationships.models import Relationship, SafetyFlag, TallyShare

BATCH = 200
"""Relationships deleted together, in one transaction."""


def cutoff(today: date, years: int) -> date:
    """The same day `years` whole years before `today` (28 February for 29 February): work
    that ended before it has been kept longer than `years`."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February, in a year that has none
        return today.replace(year=today.year - years, day=28)


def _past(organisation: Organisation, today: date) -> QuerySet[Relationship]:
    """The organisation's relationships whose work ended more than its period ago."""
    return Relationship.objects.filter(
        organisation=organisation,
        stage="ended",
        ended_on__isnull=False,
        ended_on__lt=cutoff(today, organisation.retention_years),
    )


def _open_flag() -> Exists:
    return Exists(SafetyFlag.objects.filter(relationship=OuterRef("pk"), resolved_at__isnull=True))


def due(organisation: Organisation, today: date) -> QuerySet[Relationship]:
    """The relationships to delete today: past the period, with no safety flag open."""
    return _past(organisation, today).exclude(_open_flag())


@dataclass(frozen=True)
class Applied:
    """What applying the period to one organisation did (or, in a dry run, would do)."""

    organisation: str
    years: int
    before: date
    deleted: int
    held: int
    """Relationships past the period kept because a safety flag is still open."""


def apply(organisation: Organisation, today: date, *, dry_run: bool = False) -> Applied:
    """Delete every relationship of the organisation past its period, a batch at a time (or,
    in a dry run, only count them)."""
    ids = list(due(organisation, today).order_by("pk").values_list("pk", flat=True))
    held = _past(organisation, today).filter(_open_flag()).count()
    deleted = 0
    if not dry_run:
        for start in range(0, len(ids), BATCH):
            deleted += delete_batch(organisation, ids[start : start + BATCH], today)
    return Applied(
        organisation=organisation.slug,
        years=organisation.retention_years,
        before=cutoff(today, organisation.retention_years),
        deleted=len(ids) if dry_run else deleted,
        held=held,
    )


@transaction.atomic
def delete_batch(organisation: Organisation, ids: Sequence[int], today: date) -> int:
    """Delete these relationships, if they are still due (checked again here, in the deleting
    transaction), each with a tombstone in the audit trail; how many were deleted."""
    locked = due(organisation, today).filter(pk__in=list(ids)).select_for_update()
    chosen = list(locked.values_list("pk", flat=True))
    if not chosen:
        return 0
    going = Relationship.objects.filter(pk__in=chosen)
    record_each(
        user=None,
        action="delete",
        objects=going,
        relationship="pk",
        organisation="organisation_id",
        how="retention",
        years=organisation.retention_years,
    )
    # Their shares of the tallies are taken away together, once, rather than by the signal
    # that takes away one deleted share at a time (apps.py), which costs queries for each.
    shares = TallyShare.objects.filter(relationship_id__in=chosen)
    tallies.take_away_all(list(shares), today)
    shares._raw_delete(shares.db)  # taken away just above, so not by the signal again
    going.delete()
    return len(chosen)
