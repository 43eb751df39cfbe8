"""`mutuality backup FILE` and `mutuality restore FILE`: the whole database, consistent, in one
file, and back into an empty database (docs/operations.md, "Backups").

A backup file is a line naming the format, a line of JSON saying what it holds (the database
engine and the newest migration of each app), then the database: SQLite's own file, copied with
its online backup API (one consistent copy while others write), or PostgreSQL's `pg_dump`
custom format (one consistent snapshot). Restoring checks all of that first and changes nothing
when it refuses: a file that is not a Mutuality backup, one from another engine or from a newer
version of Mutuality, or a database that is not empty.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from glob import glob
from pathlib import Path
from typing import Any, BinaryIO

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

MAGIC = b"MUTUALITY-BACKUP\n"
FORMAT = "mutuality.backup/1"
HEADER_LIMIT = 64 * 1024


class BackupError(Exception):
    """A backup or a restore that cannot go ahead; its message is one line saying why."""


def backup(path: Path) -> dict[str, Any]:
    """Write the whole database to `path`; what its header says."""
    header = {
        "format": FORMAT,
        "engine": connection.vendor,
        "migrations": _applied(),
        "made": timezone.now().isoformat(),
    }
    with tempfile.TemporaryDirectory() as scratch:
        payload = Path(scratch) / "database"
        if connection.vendor == "sqlite":
            _sqlite_copy(_sqlite_name(), payload)
        elif connection.vendor == "postgresql":
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(payload)]
            )
        else:
            raise BackupError(f"cannot back up a {connection.vendor} database")
        # Owner-only from the start, like the database itself: it holds everything.
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
            out.write(MAGIC)
            out.write(json.dumps(header, sort_keys=True).encode() + b"\n")
            with payload.open("rb") as database:
                shutil.copyfileobj(database, out)
    return header


def restore(path: Path) -> dict[str, Any]:
    """Put the backup at `path` into this (empty) database; what its header said."""
    with _opened(path) as (header, rest):
        _check(header)
        with tempfile.TemporaryDirectory() as scratch:
            payload = Path(scratch) / "database"
            with payload.open("wb") as database:
                shutil.copyfileobj(rest, database)
            connection.close()
            if header["engine"] == "sqlite":
                _sqlite_copy(payload, Path(_sqlite_name()))
            else:
                _run(
                    [
                        "pg_restore",
                        "--no-owner",
                        "--no-privileges",
                        "--exit-on-error",
                        "--single-transaction",
                        "-d",
                        _pg_dbname(),
                        str(payload),
                    ]
                )
    return header


@contextmanager
def _opened(path: Path) -> Iterator[tuple[dict[str, Any], BinaryIO]]:
    try:
        file = path.open("rb")
    except OSError as error:
        raise BackupError(f"{path}: cannot be read ({error.strerror or error})") from error
    with file:
        if file.read(len(MAGIC)) != MAGIC:
            raise BackupError(f"{path} is not a Mutuality backup")
        line = file.readline(HEADER_LIMIT)
        try:
            header = json.loads(line)
        except ValueError as error:
            raise BackupError(
                f"{path} is not a Mutuality backup (its header is damaged)"
            ) from error
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise BackupError(
                f"{path} is a backup in a format this version cannot read "
                f"({header.get('format') if isinstance(header, dict) else 'unknown'}); "
                f"expected {FORMAT}"
            )
        yield header, file


def _check(header: dict[str, Any]) -> None:
    """Refuse a backup of another engine or a newer version, or a database in use."""
    if header.get("engine") != connection.vendor:
        raise BackupError(
            f"this is a backup of a {header.get('engine')} database; the database here is "
            f"{connection.vendor}"
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = sorted(
        f"{app}.{name}"
        for app, name in (header.get("migrations") or {}).items()
        if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            f"this backup comes from a newer version of Mutuality (it has {unknown[0]}); "
            "upgrade Mutuality, then restore it"
        )
    if _tables():
        raise BackupError(
            "the database here is not empty: restore into an empty database (a new file, or "
            "a database just created)"
        )


def _applied() -> dict[str, str]:
    """The newest migration applied of each app."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        return {app: name for app, name in cursor.fetchall()}


def _tables() -> list[str]:
    return [t for t in connection.introspection.table_names() if not t.startswith("sqlite_")]


def _sqlite_name() -> str:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("the database is in memory: there is no file to back up or restore")
    return name


def _sqlite_copy(source: Path | str, target: Path) -> None:
    """Copy one SQLite database into another with SQLite's online backup API: one consistent
    copy, whatever other connections write meanwhile."""
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


_PG_TLS = {
    "sslmode": "PGSSLMODE",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslrootcert": "PGSSLROOTCERT",
}
"""libpq's connection options that DATABASE_URL may carry, and the variables pg_dump reads."""


def _pg_env() -> dict[str, str]:
    settings = connection.settings_dict
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings.get(key):
            env[name] = str(settings[key])
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    # TLS and a client certificate given in DATABASE_URL's query (sslmode=verify-full&sslcert=…)
    # hold for pg_dump and pg_restore too, so a backup connects as the app does.
    options = settings.get("OPTIONS") or {}
    for option, name in _PG_TLS.items():
        if options.get(option):
            env[name] = str(options[option])
    env["PGDATABASE"] = _pg_dbname()
    return env


def _pg_dbname() -> str:
    return str(connection.settings_dict["NAME"])


def _run(command: list[str]) -> None:
    tool = shutil.which(command[0]) or _newest(command[0])
    if tool is None:
        raise BackupError(f"{command[0]} is needed: install postgresql-client")
    done = subprocess.run(  # noqa: S603 (PostgreSQL's own tools, our own arguments)
        [tool, *command[1:]], env=_pg_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise BackupError(f"{command[0]} failed: {last}")


def _newest(tool: str) -> str | None:
    found = sorted(glob(f"/usr/lib/postgresql/*/bin/{tool}"))
    return found[-1] if found else None
