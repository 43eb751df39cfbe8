"""The audit trail's chain: each write's rows covered by a link whose digest is
SHA-256(previous digest, the rows), so that anyone can check the trail was not changed.

How it holds: every writer locks the one head row (`AuditHead`) before it adds rows, so links
follow one another and the rows of a link are exactly those with ids after the head's last
row; the lock is held to the end of the writer's transaction, so a link is never built on one
that is later rolled back. `verify` walks the links and rows in order and names the first row
where the chain breaks; given a head digest kept outside the database, it also catches a
chain recomputed from some point and a tail cut off (docs/security.md, "The audit trail").
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from mutuality.web.audit.models import AuditEvent, AuditHead, AuditLink

GENESIS = "0" * 64
"""The digest the first link follows."""

ROW_FIELDS = (
    "id",
    "at",
    "user_id",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "relationship_id",
    "detail",
)
"""What a row's digest covers: all of it."""

HEAD_LOGGED_EVERY = 100
"""The head is written to the log every this many links (and `mutuality audit head` prints it
at any time), for the operator to keep outside the database."""

log = logging.getLogger("mutuality.audit")


def canonical(row: Mapping[str, Any]) -> bytes:
    """A row as the bytes its digest is taken over: its fields in order, the time in UTC to
    the microsecond, the detail as JSON with sorted keys."""
    at = row["at"]
    when = at.astimezone(UTC).isoformat(timespec="microseconds") if at else None
    values = [row["id"], when, *(row[name] for name in ROW_FIELDS[2:8]), row["detail"]]
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link_digest(previous: str, rows: Iterable[Mapping[str, Any]]) -> str:
    """The digest of a link: its previous link's digest, then each of its rows."""
    digest = hashlib.sha256(previous.encode("ascii"))
    for row in rows:
        digest.update(b"\n")
        digest.update(canonical(row))
    return digest.hexdigest()


def locked_head() -> AuditHead:
    """The head row, locked to the end of the transaction (created with the first link)."""
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"digest": GENESIS}
    )
    return head


def last_row(head: AuditHead) -> int:
    """The id of the last row the chain covers."""
    link = AuditLink.objects.filter(digest=head.digest).values_list("last", flat=True).first()
    return link or 0


def chain(head: AuditHead, rows: list[Mapping[str, Any]]) -> AuditLink | None:
    """Cover `rows` (just added, in id order, under the head's lock) with a new link."""
    if not rows:
        return None
    digest = link_digest(head.digest, rows)
    link = AuditLink.objects.create(
        first=rows[0]["id"],
        last=rows[-1]["id"],
        count=len(rows),
        previous=head.digest,
        digest=digest,
    )
    head.digest, head.links = digest, head.links + 1
    head.save(update_fields=["digest", "links"])
    if head.links % HEAD_LOGGED_EVERY == 0:
        log.info(
            "Audit trail head", extra={"event": "audit_head", "head": digest, "links": head.links}
        )
    return link


def as_row(event: AuditEvent) -> dict[str, Any]:
    """An event just saved, as `canonical` reads it (its detail as the database gives it back:
    through JSON)."""
    return {
        "id": event.pk,
        "at": event.at,
        "user_id": event.user_id,
        "organisation_id": event.organisation_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "relationship_id": event.relationship_id,
        "detail": json.loads(json.dumps(event.detail)),
    }


@dataclass(frozen=True)
class Verdict:
    """What `verify` found: whether the chain holds, how much it covers, and where it broke."""

    holds: bool
    rows: int
    links: int
    head: str
    problem: str = ""

    def line(self) -> str:
        """One line for the operator."""
        if not self.holds:
            return f"The audit trail is broken: {self.problem}"
        if not self.rows:
            return "The audit trail is empty, so there is nothing to break: it verifies."
        return (
            f"The audit trail verifies: {self.rows:,} rows in {self.links:,} links; "
            f"head {self.head}."
        )


class _Broken(Exception):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def verify(kept_head: str | None = None) -> Verdict:
    """Walk the whole chain, oldest first; `kept_head` is a head digest kept outside the
    database, which the chain must still reach."""
    rows = _rows()
    previous, count, links, seen = GENESIS, 0, 0, {GENESIS}
    try:
        for link in AuditLink.objects.order_by("pk").values(*_LINK_FIELDS).iterator(2000):
            covered = _covered(link, rows, previous)
            count, links, previous = count + covered, links + 1, link["digest"]
            seen.add(previous)
        extra = next(rows, None)
        if extra is not None:
            raise _Broken(f"row {extra['id']} is in no link (added to the trail by hand)")
        _check_head_row(previous)
        if kept_head and kept_head.strip().lower() not in seen:
            raise _Broken(
                f"the chain no longer reaches the head kept outside it ({kept_head.strip()}): "
                "rows after it were cut off, or the chain was recomputed"
            )
    except _Broken as broken:
        return Verdict(False, count, links, previous, broken.problem)
    return Verdict(True, count, links, previous)


_LINK_FIELDS = ("pk", "first", "last", "count", "previous", "digest")


def _rows() -> _Peekable:
    return _Peekable(AuditEvent.objects.order_by("pk").values(*ROW_FIELDS).iterator(2000))


def _covered(link: Mapping[str, Any], rows: _Peekable, previous: str) -> int:
    """Check one link against the rows it covers; how many it covers."""
    first, last = link["first"], link["last"]
    if link["previous"] != previous:
        raise _Broken(f"row {first}: the link before it is missing or was changed")
    ahead = rows.peek()
    if ahead is not None and ahead["id"] < first:
        raise _Broken(f"row {ahead['id']} is in no link (added to the trail by hand)")
    mine = []
    while (ahead := rows.peek()) is not None and ahead["id"] <= last:
        mine.append(next(rows))
    if mine and (mine[0]["id"] != first or mine[-1]["id"] != last):
        raise _Broken(f"row {first}: the link that covers rows {first} to {last} was changed")
    if len(mine) != link["count"]:
        where = _missing(first, last, mine)
        raise _Broken(
            f"row {where}: rows {first} to {last} should be {link['count']}, "
            f"and {len(mine)} are there (a row was deleted or added)"
        )
    if link_digest(previous, mine) != link["digest"]:
        raise _Broken(f"row {first}{_which(first, last)} was changed, or rows were reordered")
    return len(mine)


def _which(first: int, last: int) -> str:
    return "" if first == last else f" (or another of rows {first} to {last})"


def _missing(first: int, last: int, present: Sequence[Mapping[str, Any]]) -> int:
    """The first id of the range with no row (the first row itself where rows were added)."""
    ids = [row["id"] for row in present]
    if first not in ids:
        return first
    gaps = [i for i in range(first, last + 1) if i not in set(ids)]
    return gaps[0] if gaps else first


def _check_head_row(last_digest: str) -> None:
    head = AuditHead.objects.filter(pk=1).values_list("digest", flat=True).first()
    if head is not None and head != last_digest:
        raise _Broken(
            "the newest link is not the head the database keeps (links were removed from the "
            "end, or added by hand)"
        )


class _Peekable:
    def __init__(self, items: Iterator[dict[str, Any]]) -> None:
        self._items = items
        self._next: dict[str, Any] | None = None
        self._done = False

    def peek(self) -> dict[str, Any] | None:
        if self._next is None and not self._done:
            self._next = next(self._items, None)
            self._done = self._next is None
        return self._next

    def __iter__(self) -> _Peekable:
        return self

    def __next__(self) -> dict[str, Any]:
        item = self.peek()
        if item is None:
            raise StopIteration
        self._next = None
        return item


def rows_for_export() -> Iterator[dict[str, Any]]:
    """Every row, oldest first, with the digest of the link that covers it."""
    links = AuditLink.objects.order_by("pk").values("first", "last", "digest").iterator(2000)
    link = next(links, None)
    for row in AuditEvent.objects.order_by("pk").values(*ROW_FIELDS).iterator(2000):
        while link is not None and link["last"] < row["id"]:
            link = next(links, None)
        covered = link is not None and link["first"] <= row["id"] <= link["last"]
        yield {
            **row,
            "at": row["at"].astimezone(UTC).isoformat(timespec="microseconds"),
            "link": link["digest"] if covered and link else "",
        }
