"""The web tests' one world (tests/factories.py) is what its docstring promises."""

from __future__ import annotations

from mutuality.web.accounts.models import Role
from tests.factories import PASSWORD, USERNAMES, ParticipantFactory, World


def test_everyone_has_the_standing_their_name_says(world: World) -> None:
    """Each standing has its own login towards the relationship, and the outsiders are outside."""
    # Arrange
    relationship, other = world.relationship, world.other

    # Act
    professional = relationship.participants.get(role="professional").user
    co_producer = relationship.participants.get(role="recipient").user
    others = other.participants.get(role="professional").user

    # Assert
    assert {s: u.username for s, u in world.users.items()} == USERNAMES
    assert professional == world.users["professional"]
    assert co_producer == world.users["co_producer"]
    assert relationship.supervisor == world.users["supervisor"]
    assert list(relationship.reviewers.all()) == [world.users["reviewer"]]
    assert others == world.users["other_professional"]
    assert world.users["admin"].organisation == relationship.organisation == other.organisation
    assert world.users["other_admin"].organisation != relationship.organisation
    assert world.users["other_admin"].role == Role.ADMIN
    assert all(user.check_password(PASSWORD) for user in world.users.values())


def test_a_participant_added_by_the_factory_comes_after_the_case_files(world: World) -> None:
    """ParticipantFactory adds a person at the end of the relationship's list."""
    # Arrange
    before = world.relationship.participants.count()

    # Act
    added = ParticipantFactory(relationship=world.relationship, slug="gran")

    # Assert
    assert added.position == before
    assert list(world.relationship.participants.order_by("position"))[-1] == added
