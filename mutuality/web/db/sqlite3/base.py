"""Django's SQLite backend, except that a database file it creates has mode 0600.

SQLite would create the file with the process's umask (often 0644: readable by every user of
the machine). Creating it empty first, owner-only, before SQLite opens it, leaves no moment
when it is readable by others; SQLite then makes its -wal and -shm files with the same mode
as the database file. An existing file keeps the mode it has.
"""

from __future__ import annotations

import os
from typing import Any

from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper

OWNER_ONLY = 0o600


class DatabaseWrapper(SQLiteDatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        create_owner_only(conn_params["database"])
        return super().get_new_connection(conn_params)


def create_owner_only(database: str | os.PathLike[str]) -> None:
    """Create `database` empty with mode 0600 unless it exists or is not a file on disk."""
    name = os.fspath(database)
    if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return  # in memory, or a URI SQLite opens itself
    try:
        descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    except FileExistsError:
        return
    os.close(descriptor)
