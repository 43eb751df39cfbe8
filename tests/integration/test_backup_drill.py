"""The backup drill: back up while writers are running, restore into an empty database, and
show that what was restored is a consistent prefix of what was committed (every write
acknowledged before the backup began is there; no write is there in part) and that the audit
trail verifies. Each step runs as an operator would run it: `mutuality backup`, `mutuality
restore`, `mutuality audit verify`, on database files of their own (SQLite)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MUTUALITY = Path(sys.executable).with_name("mutuality")
WRITERS = 3
PARTS = 3
"""Each write is one transaction of this many audit rows with the same `batch`."""

WRITER = f"""
import sys, django
django.setup()
from django.db import transaction
from mutuality.web.accounts.models import Organisation
from mutuality.web.audit.actions import record
organisation = Organisation.objects.get(slug="drill")
writer, n = sys.argv[1], 0
while True:
    with transaction.atomic():
        for part in range({PARTS}):
            record(user=None, action="create", obj=organisation, batch=f"{{writer}}-{{n}}", version=part)
    print(f"{{writer}}-{{n}}", flush=True)
    n += 1
"""


def _url(database: Path | str) -> str:
    """A database file's URL, or a PostgreSQL database's URL as it is."""
    return database if isinstance(database, str) else f"sqlite:///{database}"


def _env(database: Path | str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": _url(database),
        "DJANGO_SETTINGS_MODULE": "mutuality.web.settings",
        "MUTUALITY_DEMO": "1",
    }


def _run(*args: str, database: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*args], env=_env(database), cwd=ROOT, capture_output=True, text=True, check=False
    )


class _Writers:
    """Writer processes, and each write they acknowledged (printed after its commit)."""

    def __init__(self, database: Path | str) -> None:
        self.acknowledged: list[str] = []
        self._lock = threading.Lock()
        self.processes = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, str(n)],
                env=_env(database),
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            for n in range(WRITERS)
        ]
        self.readers = [
            threading.Thread(target=self._read, args=(process,), daemon=True)
            for process in self.processes
        ]
        for reader in self.readers:
            reader.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with self._lock:
                self.acknowledged.append(line.strip())

    def so_far(self) -> set[str]:
        with self._lock:
            return set(self.acknowledged)

    def stop(self) -> None:
        for process in self.processes:
            process.kill()
            process.wait()
        for reader, process in zip(self.readers, self.processes, strict=True):
            reader.join()  # the pipe has ended: read to its end, then closed
            assert process.stdout is not None
            process.stdout.close()


def _migrated(database: Path | str) -> Path | str:
    """The database migrated, with an organisation to write about."""
    migrated = _run(sys.executable, "manage.py", "migrate", "-v0", database=database)
    assert migrated.returncode == 0, migrated.stderr
    made = _run(
        sys.executable,
        "-c",
        "import django; django.setup(); from mutuality.web.accounts.models import Organisation; "
        "Organisation.objects.create(slug='drill', name='Drill')",
        database=database,
    )
    assert made.returncode == 0, made.stderr
    return database


@pytest.fixture
def source(tmp_path: Path) -> Path | str:
    """A migrated SQLite database file."""
    return _migrated(tmp_path / "live.sqlite3")


# The SQLite drill and the refusals use database files of their own whatever database the
# tests run on: `make test-postgres`, which runs this module for the PostgreSQL drill, leaves
# them to the SQLite run (tests/integration/databases.py).
ON_SQLITE_FILES = pytest.mark.same_on_every_database


@pytest.fixture(params=[pytest.param("sqlite", marks=ON_SQLITE_FILES), "postgresql"])
def databases(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Path | str, Path | str]]:
    """A migrated database to back up and an empty one to restore into, of each engine
    (PostgreSQL's when the tests run on it: make test-postgres)."""
    if request.param == "sqlite":
        yield _migrated(tmp_path / "live.sqlite3"), tmp_path / "restored.sqlite3"
        return
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        pytest.skip("the PostgreSQL drill needs PostgreSQL (make test-postgres runs this)")
    names = [f"drill_{which}_{os.getpid()}" for which in ("live", "restored")]
    urls = [server.rsplit("/", 1)[0] + "/" + name for name in names]
    _sql(server, *(f"CREATE DATABASE {name}" for name in names))
    try:
        yield _migrated(urls[0]), urls[1]
    finally:
        _sql(server, *(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)" for name in names))


def _sql(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)  # type: ignore[arg-type]


def _batches(database: Path | str) -> Counter[str]:
    """How many rows each write left (read straight from the database)."""
    if isinstance(database, Path):
        with sqlite3.connect(database) as read:
            rows = read.execute(
                "SELECT json_extract(detail, '$.batch') FROM audit_auditevent "
                "WHERE json_extract(detail, '$.batch') IS NOT NULL"
            ).fetchall()
        return Counter(batch for (batch,) in rows)
    import psycopg

    with psycopg.connect(database) as read:
        found = read.execute(
            "SELECT detail->>'batch' FROM audit_auditevent WHERE detail ? 'batch'"
        ).fetchall()
    return Counter(batch for (batch,) in found)


def test_a_backup_taken_while_writers_run_restores_a_consistent_prefix(
    databases: tuple[Path | str, Path | str], tmp_path: Path
) -> None:
    """Every write acknowledged before the backup began is restored, whole; no write is
    restored in part; the restored trail verifies."""
    # Arrange
    source, restored = databases
    backup = tmp_path / "drill.backup"
    writers = _Writers(source)
    try:
        while len(writers.so_far()) < 30:  # the writers are well under way
            time.sleep(0.05)
        before = writers.so_far()

        # Act
        made = _run(str(MUTUALITY), "backup", str(backup), database=source)
        time.sleep(0.5)  # and they go on writing after it
    finally:
        writers.stop()
    put_back = _run(str(MUTUALITY), "restore", str(backup), database=restored)
    verified = _run(str(MUTUALITY), "audit", "verify", database=restored)

    # Assert
    assert made.returncode == 0, made.stderr
    assert put_back.returncode == 0, put_back.stderr
    assert verified.returncode == 0, verified.stderr + verified.stdout
    there = _batches(restored)
    assert before <= set(there), "a write acknowledged before the backup is missing"
    assert {batch: n for batch, n in there.items() if n != PARTS} == {}, "a write in part"
    assert len(_batches(source)) > len(there), "the writers went on after the backup"
    assert backup.stat().st_mode & 0o077 == 0, "the backup is readable by others"


@ON_SQLITE_FILES
def test_a_file_that_is_not_a_backup_is_refused_in_one_line_and_changes_nothing(
    tmp_path: Path,
) -> None:
    """Restoring a file that is not a Mutuality backup says so in one line; no database file
    appears."""
    # Arrange
    bogus, database = tmp_path / "notes.txt", tmp_path / "empty.sqlite3"
    bogus.write_text("these are not the rows you are looking for\n")

    # Act
    done = _run(str(MUTUALITY), "restore", str(bogus), database=database)

    # Assert
    assert done.returncode == 2
    assert done.stderr.strip() == f"mutuality restore: {bogus} is not a Mutuality backup"
    assert not database.exists() or database.stat().st_size == 0


@ON_SQLITE_FILES
def test_a_backup_from_a_newer_version_is_refused(source: Path, tmp_path: Path) -> None:
    """A backup whose database has a migration this version does not know is refused."""
    # Arrange
    backup, target = tmp_path / "newer.backup", tmp_path / "empty.sqlite3"
    assert _run(str(MUTUALITY), "backup", str(backup), database=source).returncode == 0
    data = backup.read_bytes().replace(
        b'"audit": "0003_chained_append_only"', b'"audit": "0099_from_the_future"', 1
    )
    backup.write_bytes(data)

    # Act
    done = _run(str(MUTUALITY), "restore", str(backup), database=target)

    # Assert
    assert done.returncode == 2
    assert "newer version of Mutuality (it has audit.0099_from_the_future)" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
