"""Rows the reports keep (published transparency reports are frozen here)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from mutuality.web.accounts.models import Organisation


class FrozenReport(Exception):
    """Something tried to change a published version."""


class PublishedReport(models.Model):
    """One published version of an organisation's transparency report.

    `content` is the report's JSON form (disclosure control already applied), frozen when
    it is published: it is written once and never updated, so a version reads the same
    however the organisation's data changes afterwards.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="published_reports"
    )
    version = models.PositiveIntegerField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="published_reports",
    )
    content = models.JSONField()

    class Meta:
        ordering = ["organisation", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="one_report_per_version"
            ),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Write a new version; an existing one is frozen and is never written again."""
        if not self._state.adding:
            raise FrozenReport("A published report never changes: publish a new version.")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.organisation} transparency report, version {self.version}"
