"""Migration 0021 gives every participant and affected party already recorded one row of
consent history: the consent they have now, from the relationship's last change."""

from __future__ import annotations

import pytest

from tests.integration.migrating import relationships_at

pytestmark = pytest.mark.usefixtures("latest_schema_afterwards")
BEFORE = "0020_stored_words"
AFTER = "0021_consent_events"


@pytest.mark.django_db(transaction=True)
def test_everyone_recorded_gets_one_row_with_their_consent_now() -> None:
    """Two participants (one never asked) and two affected parties (one whose consent is not
    needed) give four rows, each with its person's consent and contract version, at the
    relationship's last change."""
    # Arrange
    old = relationships_at(BEFORE)
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
    new = relationships_at(AFTER)

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
