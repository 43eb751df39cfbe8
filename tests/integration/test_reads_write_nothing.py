"""A page that only reads writes nothing: no assessment made on the way, no row touched. The
exceptions: the audit trail, which records a read by anyone outside the relationship, and a
download's count towards its person's limit (mutuality/web/throttle.py) in the shared cache."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import World
from tests.integration.pages import pages_for
from tests.integration.test_access_matrix import OWN

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)
AUDIT_TABLES = ("audit_auditevent", "audit_auditlink", "audit_audithead")
"""The trail's rows, its links and its head (mutuality/web/audit/chain.py)."""


def _to_the_trail(sql: str) -> bool:
    written = sql.split("(")[0].split(" SET ")[0]
    return any(table in written for table in AUDIT_TABLES)


def counts_a_download(sql: str) -> bool:
    """Whether this write is a download's count towards its person's limit, kept in the
    database cache's table (settings.CACHES): a number, never anyone's data. Only a download
    is counted; opening any other page counts nothing, so writes nothing here."""
    return '"mutuality_cache"' in sql and ":throttle:" in sql and ":download:" in sql


@pytest.mark.asvs("3.5.3")
@pytest.mark.parametrize("standing", OWN)
def test_every_page_a_person_reads_writes_nothing_but_the_audit_trail(
    world: World, standing: str
) -> None:
    """Each page this standing can open, read twice, writes no row outside the audit trail
    (and, for a download, its count towards the person's limit)."""
    client = Client()
    client.force_login(world.users[standing])
    pages = pages_for(world, standing)

    writes: dict[str, list[str]] = {}
    for page in pages:
        client.get(page.url)  # the first read of a session may note it; the second must not
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.url)
        assert response.status_code == 200, page.url
        found = [q["sql"] for q in queries if WRITE.match(q["sql"])]
        writes[page.url] = [
            sql for sql in found if not _to_the_trail(sql) and not counts_a_download(sql)
        ]

    assert {url: sql for url, sql in writes.items() if sql} == {}
