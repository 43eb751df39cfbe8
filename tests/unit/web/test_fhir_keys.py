"""The pure parts of the FHIR export (mutuality/web/relationships/fhir.py): people's
pseudonymous keys and the policy a consent names. No database: the rows are never saved."""

from __future__ import annotations

import uuid

from mutuality.web.relationships.fhir import (
    CONSENT_STATUS,
    affected_party_key,
    consent_policy,
    participant_key,
)
from mutuality.web.relationships.models import AffectedParty, Participant


def _participant(relationship: int, pk: int, slug: str = "priya") -> Participant:
    return Participant(pk=pk, relationship_id=relationship, slug=slug, role="recipient")


def test_a_participants_key_is_their_own_random_uuid_that_holds_no_name() -> None:
    """The key is the participant's stored identifier: a random (version 4) UUID, the same
    each time it is read, kept when their slug changes, and not made from the database's keys
    (another participant with the same keys has another), ADR 0019."""
    # Arrange
    participant = _participant(1, 5)

    # Act
    key = participant_key(participant)
    participant.slug = "someone-else"

    # Assert
    assert uuid.UUID(key).version == 4 and str(uuid.UUID(key)) == key
    assert participant_key(participant) == key
    assert participant_key(_participant(1, 5)) != key
    assert "priya" not in key


def test_keys_differ_between_people_and_between_relationships() -> None:
    """Another participant, or the same key in another relationship, has another key."""
    # Act
    keys = {
        participant_key(_participant(1, 5)),
        participant_key(_participant(1, 6)),
        participant_key(_participant(2, 5)),
    }

    # Assert
    assert len(keys) == 3


def test_an_affected_partys_key_comes_from_its_record_id_in_its_relationship() -> None:
    """Two parties with one record id (one file imported twice) differ by relationship; a
    participant and an affected party never share a key."""
    # Arrange
    first = AffectedParty(pk=5, relationship_id=1, uid="a1", name="x")
    twin = AffectedParty(pk=9, relationship_id=2, uid="a1", name="x")

    # Act
    keys = {
        affected_party_key(first),
        affected_party_key(twin),
        participant_key(_participant(1, 5)),
    }

    # Assert
    assert len(keys) == 3


def test_a_policy_names_the_contract_version_when_there_is_one() -> None:
    """With a version, the URI ends with it; without one, it names the relationship's contract."""
    # Act / Assert
    assert consent_policy(12, 3) == "urn:mutuality:contract:12:version:3"
    assert consent_policy(12, None) == "urn:mutuality:contract:12"


def test_only_informed_and_given_consent_is_active() -> None:
    """Of the vocabulary's codes, the two that mean agreement are `active`, and nothing else is."""
    # Act
    active = {code for code, status in CONSENT_STATUS.items() if status == "active"}

    # Assert
    assert active == {"informed", "given"}
    assert "not_needed" not in CONSENT_STATUS
