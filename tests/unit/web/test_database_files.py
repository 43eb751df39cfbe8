"""The SQLite database and its -wal and -shm files are readable by their owner alone."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from mutuality.web.db.sqlite3.base import create_owner_only
from tests.unit.web.conftest import Manage


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# Migrate, then list the files while the connection is still open: SQLite removes the -wal
# and -shm files when the last connection closes.
MIGRATE_AND_LIST = """
import json, os, stat
from pathlib import Path
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
var = Path(os.environ["MUTUALITY_VAR_DIR"])
print(json.dumps({path.name: stat.S_IMODE(path.stat().st_mode) for path in var.iterdir()}))
"""


@pytest.mark.asvs("13.2.2", "13.3.2", "14.2.4")
@pytest.mark.slow
def test_migrate_makes_the_database_files_owner_only(
    production_env: dict[str, str], manage: Manage
) -> None:
    """Migrating a fresh MUTUALITY_VAR_DIR makes it 0700 and every mutuality.sqlite3* file
    in it 0600, the -wal and -shm files included."""
    var = Path(production_env["MUTUALITY_VAR_DIR"])

    result = manage("shell", "--no-imports", "-c", MIGRATE_AND_LIST, env=production_env)

    modes = json.loads(result.stdout)
    database_files = {name: mode for name, mode in modes.items() if "sqlite3" in name}
    assert set(database_files) == {
        "mutuality.sqlite3",
        "mutuality.sqlite3-wal",
        "mutuality.sqlite3-shm",
    }
    assert all(mode == 0o600 for mode in database_files.values()), database_files
    assert _mode(var) == 0o700


def test_an_existing_database_file_keeps_its_mode(tmp_path: Path) -> None:
    """A database the deployer already made is left as it is."""
    database = tmp_path / "mutuality.sqlite3"
    database.write_bytes(b"")
    database.chmod(0o640)

    create_owner_only(database)

    assert _mode(database) == 0o640


@pytest.mark.parametrize("name", [":memory:", "file:memorydb_default?mode=memory&cache=shared"])
def test_a_database_in_memory_makes_no_file(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An in-memory database (the tests') creates nothing on disk."""
    monkeypatch.chdir(tmp_path)

    create_owner_only(name)

    assert list(tmp_path.iterdir()) == []
