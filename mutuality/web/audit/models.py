"""The audit trail: every write, and every read by someone outside a relationship.

The trail is append-only and chained (docs/security.md, "The audit trail"): rows are added,
never changed or deleted (the model refuses, and on PostgreSQL a trigger does too); each
write's rows are covered by a link whose digest is the hash of the previous link's digest and
of the rows, so an edit, a deletion, an insertion or a reordering breaks the chain where it
was made (chain.py). People are named by their id, never by name, so erasing a person leaves
the trail as it was: the ids are kept, not joined (no foreign key constraint)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone

APPEND_ONLY = "the audit trail is append-only: rows are added, never changed or deleted"


class AppendOnly(Exception):
    """An attempt to change or delete a row of the audit trail."""


class _AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly(APPEND_ONLY)

    def delete(self) -> NoReturn:
        raise AppendOnly(APPEND_ONLY)


class _AppendOnlyModel(models.Model):
    """A row that can be added and read, never changed or deleted through the app."""

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly(APPEND_ONLY)


class AuditEvent(_AppendOnlyModel):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Ids kept as they were when the row was written: deleting or erasing a person or an
    # organisation never changes the trail (DO_NOTHING, and no constraint to stop it).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
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


class AuditLink(_AppendOnlyModel):
    """One write's rows of the trail (ids `first` to `last`, `count` of them), chained to the
    link before: `digest` is SHA-256 of the previous link's digest and the rows (chain.py)."""

    first = models.BigIntegerField()
    last = models.BigIntegerField()
    count = models.PositiveIntegerField()
    previous = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["pk"]


class AuditHead(models.Model):
    """The newest link's digest, in the one row every writer locks while it appends, so links
    are written one after another (the lock is held to the end of the writer's transaction)."""

    digest = models.CharField(max_length=64)
    links = models.PositiveBigIntegerField(default=0)
