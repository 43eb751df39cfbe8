"""Rows built once and copied into later tests: the shared world (tests/factories.py) costs a
case import and two assessments each time it is built, and about two thousand tests ask for it.

The first test that builds something through `Copies.get` builds it the ordinary way and the
rows it added are noted; a later test of the same process that asks for the same thing, in the
same circumstances, gets those rows inserted as they were (their keys too), then fetched
afresh. What is copied is only what the builder wrote to the database: a build that also
changed a row already there, wrote to the audit trail (its digests cover its times), touched
a table without a model, the mail outbox or the callbacks waiting for a commit is never
copied, and nor is one made outside a test's transaction (a `transactional_db` test's rows
would be committed). The copy falls back to building when a row it would insert has its key
taken already (the test made rows of that table first).

"The same circumstances" are the key the caller gives (the case, say), today's date, the
language, every setting's value and the database: change any of them (a test that moves the
date, or changes a setting, before it asks) and the thing is built again. The times the build
took from the clock are moved on by the time since, so a copied row looks as fresh as a built
one; a time that came from the case file stays as it was.

Set MUTUALITY_TEST_COPIES=0 to build every time (to check that a failure is not the copy's).
tests/integration/test_world.py shows that a copy holds the rows a build wrote.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone, translation
from django.utils.functional import LazyObject

T = TypeVar("T")
K = TypeVar("K")
ON = os.environ.get("MUTUALITY_TEST_COPIES", "1") != "0"

Table = list[dict[str, Any]]


@dataclass(frozen=True)
class Rows:
    """The rows a build added, by model (in the order of the models that depend on none
    first, as far as their foreign keys go), and when the build began and ended."""

    began: datetime
    ended: datetime
    tables: list[tuple[type[models.Model], Table]]


@dataclass
class _Kept(Generic[K]):
    rows: Rows
    keys: K


@dataclass
class Copies(Generic[T, K]):
    """Things of one kind built once and copied: `keys` notes what a test needs of one (primary
    keys, say) and `fetch` makes it again from those keys once its rows have been copied in."""

    keys: Callable[[T], K]
    fetch: Callable[[K], T]
    _kept: dict[str, _Kept[K] | None] = field(default_factory=dict)
    made: dict[str, int] = field(default_factory=lambda: {"built": 0, "copied": 0})

    def get(self, key: str, build: Callable[[], T]) -> T:
        """The thing for `key`: copied when it was built before in these circumstances, else
        made by `build` (the ordinary way, through the app's own code)."""
        if not ON or not connection.in_atomic_block:
            return self._built(build)
        key = _circumstances(key)
        if key in self._kept:
            kept = self._kept[key]
            if kept is not None and _insert(kept.rows):
                self.made["copied"] += 1
                return self.fetch(kept.keys)
            return self._built(build)
        made, rows = _captured(build)
        self._kept[key] = None if rows is None else _Kept(rows, self.keys(made))
        self.made["built"] += 1
        return made

    def _built(self, build: Callable[[], T]) -> T:
        self.made["built"] += 1
        return build()


def _circumstances(key: str) -> str:
    """The key, with everything else a build reads that a test may have changed."""
    values = sorted(
        (name, _shown(getattr(settings, name))) for name in dir(settings) if name.isupper()
    )
    seen = [
        key,
        timezone.localdate().isoformat(),
        translation.get_language() or "",
        connection.vendor,
        str(connection.settings_dict["NAME"]),
        repr(values),
    ]
    return hashlib.sha256("\n".join(seen).encode()).hexdigest()


def _shown(value: Any) -> str:
    # A lazy object shows what it holds only once something has read it: read it now.
    return str(value) if isinstance(value, LazyObject) else repr(value)


def _models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _everything() -> dict[type[models.Model], dict[Any, dict[str, Any]]]:
    return {
        model: {row["pk"]: row for row in _rows(model, model._base_manager.all())}
        for model in _models()
    }


def _rows(model: type[models.Model], rows: models.QuerySet[Any]) -> Table:
    names = [f.attname for f in model._meta.concrete_fields]
    return [{**row, "pk": row[model._meta.pk.attname]} for row in rows.values(*names)]


def _other_tables() -> dict[str, int]:
    """Row counts of the tables that no model describes (the cache's, the migrations')."""
    known = {model._meta.db_table for model in _models()}
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            if table not in known:
                # The database's own table name, quoted: nothing typed by anyone.
                name = connection.ops.quote_name(table)
                cursor.execute(f"SELECT COUNT(*) FROM {name}")  # noqa: S608
                counts[table] = cursor.fetchone()[0]
    return counts


def _outside() -> tuple[dict[str, int], int, int]:
    return _other_tables(), len(getattr(mail, "outbox", [])), len(connection.run_on_commit)


def _captured(build: Callable[[], T]) -> tuple[T, Rows | None]:
    """Build, and the rows the build added (None if it did anything else a copy would miss)."""
    before, outside = _everything(), _outside()
    began = timezone.now()
    made = build()
    ended = timezone.now()
    after = _everything()
    if _outside() != outside or any(
        after[model].get(pk) != row for model, rows in before.items() for pk, row in rows.items()
    ):
        return made, None
    added = [
        (model, [row for pk, row in rows.items() if pk not in before[model]])
        for model, rows in after.items()
    ]
    if any(rows and model._meta.app_label == "audit" for model, rows in added):
        # The audit trail's rows are chained by digests over their times: a copy, its times
        # moved on, would not verify.
        return made, None
    tables = _in_key_order([(model, rows) for model, rows in added if rows])
    return made, Rows(began, ended, tables)


def _in_key_order(
    tables: list[tuple[type[models.Model], Table]],
) -> list[tuple[type[models.Model], Table]]:
    """The tables with each after those its foreign keys point at (the constraints are checked
    at the end of the test in any case; this keeps the inserts in an order a person expects)."""
    waiting, done = dict(tables), []
    while waiting:
        ready = [
            model
            for model in waiting
            if not any(
                f.related_model in waiting and f.related_model is not model
                for f in model._meta.concrete_fields
                if f.is_relation
            )
        ] or [next(iter(waiting))]  # a cycle: any order will do, the checks are deferred
        for model in ready:
            done.append((model, waiting.pop(model)))
    return done


def _insert(rows: Rows) -> bool:
    """Insert the rows as they were built, moved on in time; False (nothing inserted) when a
    key is taken already."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for model, table in rows.tables:
                fields = list(model._meta.concrete_fields)
                values = [
                    [f.get_db_prep_save(row[f.attname], connection) for f in fields]
                    for row in (_moved(model, row, rows) for row in table)
                ]
                # As few statements as the database takes parameters for: each is a round
                # trip to PostgreSQL.
                size = connection.ops.bulk_batch_size(fields, values) or len(values)
                for start in range(0, len(values), size):
                    batch = values[start : start + size]
                    cursor.execute(
                        _insert_sql(model, len(batch)), [v for row in batch for v in row]
                    )
            # PostgreSQL's sequences do not see keys given explicitly (SQLite's do).
            resets = connection.ops.sequence_reset_sql(no_style(), [m for m, _ in rows.tables])
            if resets:
                cursor.execute("\n".join(resets))
    except IntegrityError:  # a key is taken: the test made rows of that table first
        return False
    return True


def _insert_sql(model: type[models.Model], count: int) -> str:
    """An INSERT of `count` rows of every column of the model's table (names from the model,
    quoted)."""
    fields = model._meta.concrete_fields
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row = "({})".format(", ".join(["%s"] * len(fields)))
    return f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * count)}"  # noqa: S608


def _moved(model: type[models.Model], row: dict[str, Any], rows: Rows) -> dict[str, Any]:
    """The row's fields, each time the build took from the clock moved on to now (a time
    from the case file, outside the build's own minutes, stays as it is)."""
    # The build's last moment becomes now: no copied time is later than the test's own next.
    later = timezone.now() - rows.ended
    moved = {name: value for name, value in row.items() if name != "pk"}
    for f in model._meta.concrete_fields:
        value = moved.get(f.attname)
        if isinstance(f, models.DateTimeField) and value and rows.began <= value <= rows.ended:
            moved[f.attname] = value + later
    return moved
