"""Every integration module has been placed on purpose: either it runs on PostgreSQL too
(`make test-postgres`) or it stays on SQLite, in tests/integration/databases.py (ADR 0020)."""

from __future__ import annotations

from pathlib import Path

from tests.integration.databases import (
    EVERY_DATABASE,
    EVERY_DATABASE_GROUPS,
    SAME_ON_EVERY_DATABASE,
)

INTEGRATION = Path(__file__).resolve().parents[1] / "integration"


def _modules() -> set[str]:
    return {path.stem for path in INTEGRATION.glob("test_*.py")}


def test_every_integration_module_is_in_one_list() -> None:
    """A new integration module fails here until someone decides whether its checks could
    differ on PostgreSQL."""
    # Arrange
    modules = _modules()

    # Act
    unplaced = modules - EVERY_DATABASE - SAME_ON_EVERY_DATABASE

    # Assert
    assert sorted(unplaced) == [], (
        "Put each in EVERY_DATABASE_GROUPS (its checks could differ on PostgreSQL) or in "
        "SAME_ON_EVERY_DATABASE, in tests/integration/databases.py"
    )


def test_no_module_is_in_both_lists_or_named_without_existing() -> None:
    """A module is on one side only, each group holds it at most once, and every name in the
    lists is a module that exists (a renamed module is placed again)."""
    # Arrange
    modules = _modules()
    grouped = [name for group in EVERY_DATABASE_GROUPS.values() for name in group]

    # Act
    both = EVERY_DATABASE & SAME_ON_EVERY_DATABASE
    missing = (EVERY_DATABASE | SAME_ON_EVERY_DATABASE) - modules

    # Assert
    assert sorted(both) == []
    assert len(grouped) == len(set(grouped))
    assert sorted(missing) == []
