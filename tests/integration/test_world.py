"""The web tests' one world (tests/factories.py) is what its docstring promises, and a copy of it
(tests/copies.py) is the world built afresh."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import transaction

from mutuality.web.accounts.models import Role
from mutuality.web.audit.actions import record
from tests.copies import Copies
from tests.factories import (
    PASSWORD,
    USERNAMES,
    OrganisationFactory,
    ParticipantFactory,
    World,
    built_world,
    example,
    fetched_world,
    world_keys,
)


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


def _every_row() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table of the app's models, by model, in key order."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def _clock_times(rows: dict[str, list[dict[str, Any]]]) -> list[tuple[str, str, Any]]:
    return [
        (label, name, value)
        for label, table in rows.items()
        for row in table
        for name, value in row.items()
        if isinstance(value, datetime)
    ]


def _without_clock_times(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[Any]]:
    return {
        label: [{n: v for n, v in row.items() if not isinstance(v, datetime)} for row in table]
        for label, table in rows.items()
    }


def test_a_copied_world_holds_every_row_the_built_one_wrote(db: None) -> None:
    """The world a later test is given as a copy (tests/copies.py) is the world built the
    ordinary way: every row of every table the same, with the same keys, and its times as
    late or later."""
    # Arrange
    worlds = Copies(world_keys, fetched_world)
    with transaction.atomic():
        built = worlds.get("walking group", lambda: built_world(example()))
        rows_built, keys_built = _every_row(), world_keys(built)
        transaction.set_rollback(True)

    # Act
    with transaction.atomic():
        copied = worlds.get("walking group", lambda: built_world(example()))
        rows_copied, keys_copied = _every_row(), world_keys(copied)
        role_of_professional = copied.users["professional"].role
        transaction.set_rollback(True)

    # Assert
    assert worlds.made == {"built": 1, "copied": 1}
    assert keys_copied == keys_built
    assert _without_clock_times(rows_copied) == _without_clock_times(rows_built)
    times_built, times_copied = _clock_times(rows_built), _clock_times(rows_copied)
    assert [t[:2] for t in times_copied] == [t[:2] for t in times_built]
    assert all(c[2] >= b[2] for c, b in zip(times_copied, times_built, strict=True))
    assert role_of_professional == Role.PROFESSIONAL


def test_a_world_is_built_again_when_its_keys_are_taken_or_a_setting_changed(
    db: None, settings: Any
) -> None:
    """A test that made a row with a key the copy would use, or changed a setting, before it
    asked for the world gets one built the ordinary way, whole."""
    # Arrange
    worlds = Copies(world_keys, fetched_world)
    with transaction.atomic():
        home = worlds.get("walking group", lambda: built_world(example())).relationship
        transaction.set_rollback(True)

    # Act
    with transaction.atomic():
        OrganisationFactory(pk=home.organisation_id, slug="the-tests-own")
        taken = worlds.get("walking group", lambda: built_world(example()))
        taken_home = taken.relationship.organisation_id
        transaction.set_rollback(True)
    settings.LANGUAGE_CODE = "cy"
    with transaction.atomic():
        changed = worlds.get("walking group", lambda: built_world(example()))
        changed_users = {s: u.username for s, u in changed.users.items()}
        transaction.set_rollback(True)

    # Assert
    assert worlds.made == {"built": 3, "copied": 0}
    assert taken_home != home.organisation_id
    assert changed_users == USERNAMES


def test_a_build_that_writes_to_the_audit_trail_is_built_every_time(db: None) -> None:
    """A build that records an audit event is never copied: the trail's digests cover its
    times, which a copy would move on, so a copied trail would not verify."""
    # Arrange
    worlds = Copies(world_keys, fetched_world)

    def audited() -> World:
        made = built_world(example())
        admin = made.users["admin"]
        record(
            user=admin, action="view", obj=made.relationship, organisation_id=admin.organisation_id
        )
        return made

    # Act
    for _ in range(2):
        with transaction.atomic():
            worlds.get("walking group, audited", audited)
            transaction.set_rollback(True)

    # Assert
    assert worlds.made == {"built": 2, "copied": 0}
