"""The audit trail: every write, and every read by someone outside a relationship."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20)  # create | update | delete | view | import …
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    relationship_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        # An organisation's trail, newest first, a page at a time, through one index.
        indexes = [models.Index(fields=["organisation", "-at", "-id"], name="audit_newest_first")]
