"""Recording audit events; the one function every write goes through."""

from __future__ import annotations

from typing import Any

from django.db import models

from mutuality.web.audit.models import AuditEvent


def record(
    *,
    user: Any,
    action: str,
    obj: models.Model,
    relationship_id: int | None = None,
    organisation_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Record who did what to which object, and when (the time is set by the database row)."""
    return AuditEvent.objects.create(
        user=user if getattr(user, "pk", None) else None,
        organisation_id=organisation_id,
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        relationship_id=relationship_id,
        detail=detail,
    )
