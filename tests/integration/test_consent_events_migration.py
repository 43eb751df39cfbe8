"""Migration 0021 gives every participant and affected party already recorded one row of
consent history: the consent they have now, from the relationship's last change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("relationships", "0020_stored_words")
AFTER = ("relationships", "0021_consent_events")


def _migrate(target: tuple[str, str]) -> Any:
    """Relationships at `target`; every other app at its newest, as the database has it (the
    models of an older state of another app would miss its newer columns)."""
    executor = MigrationExecutor(connection)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != target[0]]
    targets = [target, *others]
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _latest_schema_afterwards() -> Iterator[None]:
    """Leave the database at the newest migrations, as the tests after this one expect."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_everyone_recorded_gets_one_row_with_their_consent_now() -> None:
    """Two participants (one never asked) and two affected parties (one whose consent is not
    needed) give four rows, each with its person's consent and contract version, at the
    relationship's last change."""
    # Arrange
    old = _migrate(BEFORE)
    org = old.get_model("accounts", "Organisation").objects.create(slug="o", name="O")
    r = old.get_model("relationships", "Relationship").objects.create(organisation=org, title="t")
    participant = old.get_model("relationships", "Participant")
    asked = participant.objects.create(
        relationship=r, slug="a", role="professional", consent="given", consent_version=3
    )
    unasked = participant.objects.create(relationship=r, slug="b", role="recipient")
    party = old.get_model("relationships", "AffectedParty")
    agreed = party.objects.create(relationship=r, name="x", consent="informed")
    not_needed = party.objects.create(relationship=r, name="y", consent="not_needed")

    # Act
    new = _migrate(AFTER)

    # Assert
    rows = new.get_model("relationships", "ConsentEvent").objects.order_by("pk")
    found = [(e.participant_id, e.affected_party_id, e.consent, e.contract_version) for e in rows]
    assert found == [
        (asked.pk, None, "given", 3),
        (unasked.pk, None, "not_sought", None),
        (None, agreed.pk, "informed", None),
        (None, not_needed.pk, "not_needed", None),
    ]
    assert {e.at for e in rows} == {r.updated}
    assert {e.relationship_id for e in rows} == {r.pk}
