"""Migrations 0022 and 0023 give every participant already recorded a random identifier of
their own (ADR 0019): distinct, not made from the database's keys, and required from then on."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, transaction

from tests.integration.migrating import relationships_at

pytestmark = pytest.mark.usefixtures("latest_schema_afterwards")


@pytest.mark.django_db(transaction=True)
def test_everyone_recorded_gets_a_random_identifier_of_their_own() -> None:
    """Three participants in two relationships get three distinct random UUIDs; two people of
    one relationship cannot then share one."""
    # Arrange
    old = relationships_at("0021_consent_events")
    org = old.get_model("accounts", "Organisation").objects.create(slug="o", name="O")
    relationship = old.get_model("relationships", "Relationship")
    first = relationship.objects.create(organisation=org, title="t")
    second = relationship.objects.create(organisation=org, title="u")
    participant = old.get_model("relationships", "Participant")
    for r, slug in ((first, "a"), (first, "b"), (second, "a")):
        participant.objects.create(relationship=r, slug=slug, role="recipient")

    # Act
    new = relationships_at("0023_participant_uid_required")

    # Assert
    people = new.get_model("relationships", "Participant")
    uids = list(people.objects.values_list("uid", flat=True))
    assert len(set(uids)) == 3
    assert all(uuid.UUID(uid).version == 4 for uid in uids)
    b = people.objects.get(relationship_id=first.pk, slug="b")
    b.uid = people.objects.get(relationship_id=first.pk, slug="a").uid
    with pytest.raises(IntegrityError), transaction.atomic():
        b.save()
