"""Recording audit events; the one function every write goes through."""

from __future__ import annotations

from typing import Any

from django.db import connections, models, router, transaction
from django.db.models import F, Value
from django.db.models.functions import Cast
from django.utils import timezone

from mutuality.web.audit import chain
from mutuality.web.audit.models import AuditEvent

KEPT_AS_GIVEN = frozenset(
    {
        # Codes, ids, numbers, dates and yes-or-no: what the write was, never what it said.
        *("field", "kind", "date", "how", "page", "instrument", "via", "relationships"),
        # A participant by their id (`participant`, `of`, `proposed_by`), never their slug,
        # which is often their first name.
        *("participant", "version", "series", "of", "role", "every_weeks", "source"),
        *("logins", "seed", "batch", "outcome", "answers_requests", "upload", "kept"),
        *("previous_version", "proposed_by", "held_by_supervisor", "contract_version"),
        *("answered", "agreed", "nobody_else", "invited", "kinds", "ids", "policy_revision"),
        *("verified", "primary", "emailed", "consent", "rationale", "filtered_by"),
        # The service report's filters: a team's name, a professional's id, two dates.
        "filters",
        # An erasure's counts of what went, by kind; how many years records are kept.
        *("erased", "years"),
        # An API token's lifetime, and each request made with it: method, route, status.
        *("days", "method", "route", "answered"),
    }
)
"""The details an audit row keeps as they were given. Any other detail is kept by its name
alone (in `fields`): a name, a title, a note, an answer or a goal never enters the trail, which
is kept for years and never erased (docs/security.md, "The audit trail")."""

CODE_FIELDS = frozenset(
    {"consent", "role", "state", "status", "language", "agreed", "active", "stage", "fhir_names"}
)
"""The fields whose value before and after a change is a code (or yes or no), kept with it."""


def kept(detail: dict[str, Any]) -> dict[str, Any]:
    """What an audit row keeps of a write's detail (see `KEPT_AS_GIVEN`)."""
    out: dict[str, Any] = {}
    fields: set[str] = set()
    coded = detail.get("field") in CODE_FIELDS
    for key, value in detail.items():
        if key in KEPT_AS_GIVEN:
            out[key] = value
        elif key in ("before", "after"):
            if coded and (value is None or isinstance(value, str | bool | int)):
                out[key] = value
        elif key == "changes" and isinstance(value, dict):
            fields |= {str(name) for name in value}
        else:
            fields.add(key)
    if fields:
        out["fields"] = sorted(fields)
    return out


def record(
    *,
    user: Any,
    action: str,
    obj: models.Model,
    relationship_id: int | None = None,
    organisation_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Record who did what to which object, and when, chained to the trail (chain.py)."""
    with transaction.atomic():
        head = chain.locked_head()
        event = AuditEvent.objects.create(
            user=user if getattr(user, "pk", None) else None,
            organisation_id=organisation_id,
            action=action,
            object_type=obj._meta.label,
            object_id=str(obj.pk),
            relationship_id=relationship_id,
            detail=kept(detail),
        )
        chain.chain(head, [chain.as_row(event)])
    return event


def record_each(
    *,
    user: Any,
    action: str,
    objects: models.QuerySet[Any],
    relationship: str | None = None,
    organisation: str | None = None,
    **detail: Any,
) -> None:
    """Record the same event about every object of a query (a report read over thousands of
    relationships, say) with one INSERT … SELECT, so it costs the same few queries whatever
    their number (and one link of the chain covers them all).

    `relationship` and `organisation` name the objects' fields that hold those ids ("pk" when
    the objects are relationships); each event is as `record` would write it.
    """
    model = objects.model
    rows = model._default_manager.filter(pk__in=objects.order_by().values("pk")).order_by()
    values: dict[str, Any] = {
        "user_id": Value(getattr(user, "pk", None), output_field=models.BigIntegerField()),
        "organisation_id": _field_or_null(organisation),
        "action": Value(action, output_field=models.CharField()),
        "object_type": Value(model._meta.label, output_field=models.CharField()),
        "object_id": Cast("pk", output_field=models.CharField()),
        "relationship_id": _field_or_null(relationship),
        "detail": Value(kept(detail), output_field=models.JSONField()),
        "at": Value(timezone.now(), output_field=models.DateTimeField()),
    }
    # Annotations are selected in the order they were added, which is the column order below.
    chosen = rows.annotate(**{f"audit_{name}": value for name, value in values.items()})
    chosen = chosen.values(*(f"audit_{name}" for name in values))
    using = router.db_for_write(AuditEvent)
    select, params = chosen.query.get_compiler(using).as_sql()
    connection = connections[using]
    quote = connection.ops.quote_name
    column = {f.attname: f.column for f in AuditEvent._meta.concrete_fields}
    columns = ", ".join(quote(column[name]) for name in values)
    with transaction.atomic():
        head = chain.locked_head()
        after = chain.last_row(head)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({columns}) {select}", params
            )
        # Under the head's lock, the rows after the chain's last are exactly these.
        added = AuditEvent.objects.filter(pk__gt=after).order_by("pk").values(*chain.ROW_FIELDS)
        chain.chain(head, list(added))


def _field_or_null(name: str | None) -> Any:
    return F(name) if name else Value(None, output_field=models.BigIntegerField())
