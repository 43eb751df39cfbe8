"""Moving the test database to an older migration and back, for the tests of data migrations
(each asks for the `latest_schema_afterwards` fixture of conftest.py, so that the tests after
it find the newest schema)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def apps_at(targets: list[tuple[str, str]]) -> Any:
    """The database migrated to `targets`, and the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def relationships_at(target: str) -> Any:
    """The relationships app at `target`, every other app at its newest, as the database has
    it (the models of an older state of another app would miss its newer columns)."""
    executor = MigrationExecutor(connection)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "relationships"]
    return apps_at([("relationships", target), *others])


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
