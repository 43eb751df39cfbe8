"""The audit trail is append-only and chained: the app refuses to change or delete a row, and
any change made behind its back (an edit, a deletion, an insertion, a reordering, or a chain
recomputed and its tail cut off) is caught by `verify`, the last against a head kept outside
the database."""

from __future__ import annotations

import json
import random
import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError

from mutuality.web.audit import chain
from mutuality.web.audit.actions import record, record_each
from mutuality.web.audit.models import AppendOnly, AuditEvent, AuditHead, AuditLink
from mutuality.web.commands import main
from mutuality.web.relationships.models import Relationship
from tests.audit_trail import erase_trail, forget, tampering
from tests.factories import World
from tests.integration.logs import captured_logs

TAMPERINGS = 1000
# PostgreSQL's run (make test-postgres) tampers 250 times: enough to try each kind of tampering
# on its stored rows many times over; the 1,000 of the SQLite run explore the same Python
# (ADR 0020, point 5).
TAMPERINGS_ON_POSTGRESQL = 250


def _trail(world: World, writes: int = 30) -> None:
    """A fresh trail: single writes about the relationship, and a read of many at once."""
    erase_trail()
    user = world.users["supervisor"]
    for n in range(writes):
        record(user=user, action="view", obj=world.relationship, n=n, note=f"ünïcode {n}")
    record_each(user=user, action="view", objects=Relationship.objects.all(), relationship="pk")
    for n in range(5):
        record(user=user, action="update", obj=world.other, field="stage", n=n)


@pytest.mark.django_db
def test_an_empty_trail_verifies_and_says_so() -> None:
    """Nothing to break: it passes, and says it is empty."""
    # Arrange
    erase_trail()

    # Act
    verdict = chain.verify()

    # Assert
    assert verdict.holds
    assert "empty" in verdict.line()


def test_a_trail_written_through_the_app_verifies(world: World) -> None:
    """Single writes and a many-row write each make a link, and the chain holds to the head."""
    # Arrange
    _trail(world)

    # Act
    verdict = chain.verify()

    # Assert
    assert verdict.holds, verdict.problem
    assert verdict.rows == AuditEvent.objects.count()
    assert verdict.links == 36  # 30 + the many-row read + 5
    assert verdict.head == AuditHead.objects.get().digest


def test_the_app_refuses_to_change_or_delete_a_row(world: World) -> None:
    """Saving an existing row, deleting it, or updating or deleting a query all refuse."""
    # Arrange
    _trail(world, writes=1)
    event = AuditEvent.objects.first()
    assert event is not None
    refusals: list[Callable[[], object]] = [
        event.save,
        event.delete,
        lambda: AuditEvent.objects.filter(pk=event.pk).update(action="x"),
        lambda: AuditEvent.objects.all().delete(),
        lambda: AuditLink.objects.all().delete(),
    ]

    # Act
    refused = 0
    for attempt in refusals:
        with pytest.raises(AppendOnly):
            attempt()
        refused += 1

    # Assert
    assert refused == len(refusals)
    assert chain.verify().holds


def test_a_fixture_that_forgets_its_rows_leaves_a_trail_that_verifies(world: World) -> None:
    """A module's fixture that deletes the rows it committed (`forget`) leaves the rest of the
    trail chained: no link is left over a row that has gone. Links left over once broke the
    twenty writers' test below whenever it was the next transactional test on that database."""
    # Arrange
    _trail(world)
    views = AuditEvent.objects.filter(action="view").count()

    # Act
    forget(AuditEvent.objects.filter(action="update"))
    verdict = chain.verify()

    # Assert
    assert verdict.holds, verdict.problem
    assert not AuditEvent.objects.filter(action="update").exists()
    assert verdict.rows == AuditEvent.objects.count() == views
    assert verdict.head == AuditHead.objects.get().digest


@pytest.mark.django_db
def test_on_postgresql_a_trigger_refuses_a_change_made_in_sql(world: World) -> None:
    """Even plain SQL cannot change or delete a row (PostgreSQL: the trigger)."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's (make test-postgres runs this)")
    # Arrange
    _trail(world, writes=1)

    # Act, Assert
    for sql in ("UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditlink"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)


# --- Tampering, as someone with the database's own keys could -----------------------------------


def _ids(cursor: Any, table: str) -> list[int]:
    cursor.execute(f"SELECT id FROM {table} ORDER BY id")  # noqa: S608 (a constant table)
    return [row[0] for row in cursor.fetchall()]


def _edit(cursor: Any, pick: random.Random) -> str:
    row = pick.choice(_ids(cursor, "audit_auditevent"))
    column, value = pick.choice(
        [
            ("action", "delete"),
            ("object_id", "999999"),
            ("relationship_id", 424242),
            ("user_id", 31337),
            ("detail", json.dumps({"changed": pick.random()})),
            ("at", "2001-01-01 00:00:00"),
        ]
    )
    cursor.execute(
        f"UPDATE audit_auditevent SET {column} = {_typed(column)} WHERE id = %s",  # noqa: S608
        [value, row],
    )
    return f"row {row}"


def _typed(column: str) -> str:
    """A parameter as the column's type (PostgreSQL will not take text for JSON or a time)."""
    kinds = {"detail": "jsonb", "at": "timestamptz"}
    if connection.vendor == "postgresql" and column in kinds:
        return f"CAST(%s AS {kinds[column]})"
    return "%s"


def _delete(cursor: Any, pick: random.Random) -> str:
    row = pick.choice(_ids(cursor, "audit_auditevent"))
    cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [row])
    return ""


def _insert(cursor: Any, pick: random.Random) -> str:
    ids = _ids(cursor, "audit_auditevent")
    row = pick.choice([max(ids) + pick.randint(1, 5), min(ids) - pick.randint(1, 5)])
    cursor.execute(
        "INSERT INTO audit_auditevent (id, at, action, object_type, object_id, detail) "
        "VALUES (%s, '2026-01-01 00:00:00', 'view', 'x.Y', '1', '{}')",
        [row],
    )
    return f"row {row}"


def _reorder(cursor: Any, pick: random.Random) -> str:
    """Two rows swap places (their ids)."""
    first, second = pick.sample(_ids(cursor, "audit_auditevent"), 2)
    for row, to in ((first, -1), (second, first), (-1, second)):
        cursor.execute("UPDATE audit_auditevent SET id = %s WHERE id = %s", [to, row])
    return ""


def _edit_link(cursor: Any, pick: random.Random) -> str:
    link = pick.choice(_ids(cursor, "audit_auditlink"))
    column = pick.choice(["digest", "previous", "first", "count"])
    value = "f" * 64 if column in ("digest", "previous") else 0
    cursor.execute(f"UPDATE audit_auditlink SET {column} = %s WHERE id = %s", [value, link])  # noqa: S608
    return ""


def _delete_link(cursor: Any, pick: random.Random) -> str:
    cursor.execute(
        "DELETE FROM audit_auditlink WHERE id = %s", [pick.choice(_ids(cursor, "audit_auditlink"))]
    )
    return ""


def _recompute_and_truncate(cursor: Any, pick: random.Random) -> str:
    """Cut rows off the end, and their links, and move the head back, so the chain left is
    whole: only the head kept outside catches it."""
    links = _ids(cursor, "audit_auditlink")
    keep = links[: pick.randint(1, len(links) - 1)]
    cursor.execute("SELECT last, digest FROM audit_auditlink WHERE id = %s", [keep[-1]])
    last, digest = cursor.fetchone()
    cursor.execute("DELETE FROM audit_auditlink WHERE id > %s", [keep[-1]])
    cursor.execute("DELETE FROM audit_auditevent WHERE id > %s", [last])
    cursor.execute("UPDATE audit_audithead SET digest = %s", [digest])
    return "head"


def _edit_and_recompute(cursor: Any, pick: random.Random) -> str:
    """Change a row, then write every link from there on again, and the head: a chain that
    holds on its own, which only the head kept outside catches."""
    row = pick.choice(_ids(cursor, "audit_auditevent"))
    cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [row])
    cursor.execute("SELECT id, first, last, previous FROM audit_auditlink ORDER BY id")
    previous = None
    for link, first, last, before in cursor.fetchall():
        previous = before if previous is None else previous
        rows = list(
            AuditEvent.objects.filter(pk__gte=first, pk__lte=last)
            .order_by("pk")
            .values(*chain.ROW_FIELDS)
        )
        digest = chain.link_digest(previous, rows)
        cursor.execute(
            "UPDATE audit_auditlink SET previous = %s, digest = %s WHERE id = %s",
            [previous, digest, link],
        )
        previous = digest
    cursor.execute("UPDATE audit_audithead SET digest = %s", [previous])
    return "head"


TAMPERS = [
    _edit,
    _delete,
    _insert,
    _reorder,
    _edit_link,
    _delete_link,
    _recompute_and_truncate,
    _edit_and_recompute,
]


def _names(problem: str, where: str) -> bool:
    """Whether the problem names the tampered row (or, in a link of many rows, its range)."""
    if where in problem:
        return True
    found = re.search(r"rows (\d+) to (\d+)", problem)
    row = int(where.removeprefix("row "))
    return found is not None and int(found[1]) <= row <= int(found[2])


class _Undo(Exception):
    """Rolls one tampering back."""


@pytest.mark.django_db
def test_a_thousand_random_tamperings_are_all_caught(world: World) -> None:
    """Each of 1,000 random tamperings (edit, delete, insert, reorder, a link changed or
    removed, a tail cut off, a chain recomputed) is caught, against the head kept outside
    (250 on PostgreSQL)."""
    # Arrange
    _trail(world)
    kept = chain.verify().head
    pick = random.Random(20261205)  # noqa: S311 (a repeatable choice of tamperings, not a secret)
    missed: list[str] = []
    caught = 0

    # Act
    tamperings = TAMPERINGS if connection.vendor == "sqlite" else TAMPERINGS_ON_POSTGRESQL
    with tampering() as cursor:
        for n in range(tamperings):
            tamper = pick.choice(TAMPERS)
            try:
                with transaction.atomic():
                    where = tamper(cursor, pick)
                    verdict = chain.verify(kept)
                    if verdict.holds:
                        missed.append(f"{n}: {tamper.__name__}")
                    elif where and not _names(verdict.problem, where):
                        missed.append(f"{n}: {tamper.__name__} named {verdict.problem!r}")
                    else:
                        caught += 1
                    raise _Undo
            except _Undo:
                pass

    # Assert
    assert missed == []
    assert caught == tamperings
    assert chain.verify(kept).holds  # every tampering was undone


# --- Many writers at once -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_twenty_writers_at_once_leave_a_chain_that_verifies(world_ids: dict[str, int]) -> None:
    """20 threads append 10,000 rows between them, each write in its own transaction
    (PostgreSQL only: SQLite writes one transaction at a time)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (make test-postgres runs this)")
    # Arrange
    relationship = Relationship.objects.get(pk=world_ids["relationship"])
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            for n in range(500):
                with transaction.atomic():
                    record(user=None, action="view", obj=relationship, writer=writer, n=n)
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(20)]
    before = AuditEvent.objects.filter(action="view").count()
    # What earlier tests committed to this database is the writers' start: a break found in it
    # is theirs, not the writers'.
    found = chain.verify()

    # Act
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    verdict = chain.verify()

    # Assert
    assert found.holds, f"broken before the writers began: {found.problem}\n{_what_is_there()}"
    assert failures == []
    assert verdict.holds, f"{verdict.problem}\n{_what_is_there()}"
    assert AuditEvent.objects.filter(action="view").count() - before == 10_000


def _what_is_there() -> str:
    """The trail as the database holds it now, for a failure's message: how many rows and
    links, their first and last, and the first few links (a broken chain is found faster)."""
    rows = AuditEvent.objects.order_by("pk").values_list("pk", flat=True)
    links = AuditLink.objects.order_by("pk").values("pk", "first", "last", "count")
    return (
        f"rows: {rows.count()} ({rows.first()} to {rows.last()}); "
        f"links: {links.count()}, the first {list(links[:5])}, the last {list(links.reverse()[:3])}; "
        f"head: {list(AuditHead.objects.values('pk', 'links', 'digest'))}"
    )


@pytest.fixture
def world_ids(transactional_db: None) -> dict[str, int]:
    """A relationship to write about, committed so that other threads see it."""
    from tests.factories import build_world

    world = build_world()
    return {"relationship": world.relationship.pk}


# --- The commands --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_commands_verify_print_the_head_and_export(
    capsys: pytest.CaptureFixture[str], world_ids: dict[str, int]
) -> None:
    """`audit head` prints the head, `audit verify --head` passes with it, `audit export`
    prints every row as CSV and as JSON; after a tampering `verify` exits 1 naming the row."""
    # Arrange
    relationship = Relationship.objects.get(pk=world_ids["relationship"])
    for n in range(5):
        record(user=None, action="view", obj=relationship, n=n)
    capsys.readouterr()

    # Act
    head_code = main(["audit", "head"])
    head = capsys.readouterr().out.strip()
    verify_code = main(["audit", "verify", "--head", head])
    verified = capsys.readouterr().out
    main(["audit", "export", "--format", "csv"])
    as_csv = capsys.readouterr().out.splitlines()
    main(["audit", "export", "--format", "json"])
    as_json = json.loads(capsys.readouterr().out)
    row = AuditEvent.objects.order_by("pk").values_list("pk", flat=True)[2]
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [row])
    broken_code = main(["audit", "verify"])
    broken = capsys.readouterr().err

    # Assert
    rows = AuditEvent.objects.count()
    assert (head_code, verify_code, broken_code) == (0, 0, 1)
    assert len(head) == 64 and "verifies" in verified
    assert (
        as_csv[0]
        == "id,at,user_id,organisation_id,action,object_type,object_id,relationship_id,detail,link"
    )
    assert len(as_csv) == rows + 1 and len(as_json) == rows
    assert all(entry["link"] for entry in as_json)
    assert f"row {row}" in broken


def test_the_log_writes_the_head_for_keeping_outside_the_database(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every so many links (here every one) the log has an `audit_head` line holding the head's
    digest and its count of links, which `audit verify --head` can later be given."""
    # Arrange
    monkeypatch.setattr(chain, "HEAD_LOGGED_EVERY", 1)

    # Act
    with captured_logs() as logs:
        record(user=None, action="view", obj=world.relationship)

    # Assert
    head = AuditHead.objects.get()
    (line,) = logs.events("audit_head")
    assert (line["head"], line["links"]) == (head.digest, head.links)
    assert chain.verify(kept_head=line["head"]).holds


@pytest.mark.django_db
def test_a_head_that_is_not_a_digest_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--head` must be 64 hexadecimal digits; anything else is one line, exit 2."""
    # Act
    code = main(["audit", "verify", "--head", "not-a-head"])

    # Assert
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "--head: got 'not-a-head'; expected 64 hexadecimal digits"
    )


# --- What a row keeps -----------------------------------------------------------------------------


def test_a_row_keeps_which_fields_a_write_held_never_what_they_said(world: World) -> None:
    """Names, titles, notes and answers are kept by their field's name only; codes stay."""
    # Arrange
    detail = {
        "field": "consent",
        "before": "given",
        "after": "informed",
        "title": "Walking with new dads",
        "changes": {"goal": ["feel calmer", "sleep better"]},
        "note": "said he felt low",
        "kind": "collusion",
    }

    # Act
    event = record(user=None, action="update", obj=world.relationship, **detail)

    # Assert
    assert AuditEvent.objects.get(pk=event.pk).detail == {
        "field": "consent",
        "before": "given",
        "after": "informed",
        "kind": "collusion",
        "fields": ["goal", "note", "title"],
    }


def test_a_field_that_is_not_a_code_keeps_no_value_before_or_after(world: World) -> None:
    """A change of answers (or of anything but a code) keeps the field's name alone."""
    # Act
    event = record(
        user=None,
        action="update",
        obj=world.relationship,
        field="answers",
        before={"can_decline": "no"},
        after={"can_decline": "yes"},
    )

    # Assert
    assert AuditEvent.objects.get(pk=event.pk).detail == {"field": "answers"}
