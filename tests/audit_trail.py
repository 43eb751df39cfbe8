"""For tests that must change the audit trail as only someone with the database's own keys
could (the app refuses, and on PostgreSQL a trigger refuses too): the trigger switched off for
the moment, and plain SQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from mutuality.web.audit import chain
from mutuality.web.audit.models import AuditEvent

TABLES = ("audit_auditevent", "audit_auditlink")


@contextmanager
def tampering() -> Iterator[Any]:
    """Within: a cursor that may change the trail's tables."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            for table in TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        try:
            yield cursor
        finally:
            if postgres:
                for table in TABLES:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def erase_trail() -> None:
    """Empty the trail, its links and its head (a test that wants only its own events)."""
    with tampering() as cursor:
        for table in (*TABLES, "audit_audithead"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (the tables' own names)


def forget(events: QuerySet[AuditEvent]) -> None:
    """Delete these rows of the trail and chain the rows left again, from the start, as one
    link (a module's fixture cleaning up what it committed).

    Deleting the rows alone would leave their links behind, over rows no longer there: a
    broken trail for every later test on this database, until a transactional test's flush
    empties it.
    The chain is made again, not mended, so a head kept outside no longer matches: this is
    for a test database only."""
    with transaction.atomic(), tampering() as cursor:
        events._raw_delete(events.db)
        for table in ("audit_auditlink", "audit_audithead"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (the tables' own names)
        left = AuditEvent.objects.order_by("pk").values(*chain.ROW_FIELDS)
        chain.chain(chain.locked_head(), list(left))
