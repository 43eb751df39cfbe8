"""Background work for an organisation's settings: after its policy changes, every relationship
of it is assessed again, in batches (a worker runs it; `MUTUALITY_TASKS=immediate` runs it at
once)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from mutuality.web.accounts.models import Organisation
from mutuality.web.audit.actions import record
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
