"""Background work for an organisation's settings (a worker runs it; `MUTUALITY_TASKS=immediate`
runs it at once): after its policy changes, every relationship of it is assessed again, in
batches; and once a day, the records it has kept for longer than its period are deleted
(retention.py)."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from mutuality.web.accounts.models import Organisation
from mutuality.web.audit.actions import record
from mutuality.web.organisation import retention
from mutuality.web.outbox.models import ScheduledRun
from mutuality.web.relationships.actions import reassess_many
from mutuality.web.relationships.models import Relationship


@task()
def reassess_organisation(organisation_id: int, policy_revision: int) -> int:
    """Assess every relationship of the organisation by its policy as it now stands, then mark
    this change of policy as applied (unless a later one was applied first). Returns how many."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    done = reassess_many(
        Relationship.objects.filter(organisation_id=organisation_id),
        reason="the organisation's policy changed",
    )
    Organisation.objects.filter(pk=organisation_id, reassessed_revision__lt=policy_revision).update(
        reassessed_revision=policy_revision, reassessed_at=timezone.now()
    )
    record(
        user=None,
        action="reassess",
        obj=organisation,
        organisation_id=organisation_id,
        relationships=done,
        policy_revision=policy_revision,
    )
    return done


@task()
def apply_retention(organisation_id: int) -> int:
    """Delete the organisation's relationships whose work ended longer ago than it keeps
    records (retention.py); returns how many."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    return retention.apply(organisation, timezone.localdate()).deleted


def schedule_retention(now: datetime) -> int:
    """Ask for each organisation's retention work once on each day (the scheduler calls this
    every minute): the day's `ScheduledRun` is made once, so another scheduler, or this one
    again, asks for nothing more. Returns how many organisations it asked for."""
    day = timezone.localdate(now)
    with transaction.atomic():
        _, first = ScheduledRun.objects.get_or_create(name=f"retention:{day.isoformat()}")
        if not first:
            return 0
        ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
        for organisation_id in ids:  # after the commit, so a rolled-back day asks for nothing
            transaction.on_commit(partial(apply_retention.enqueue, organisation_id))
    return len(ids)
