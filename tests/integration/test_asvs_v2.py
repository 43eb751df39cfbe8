"""OWASP ASVS 5.0.0, V2 (validation and business logic), through the web app: two people who
change the same thing from the same page cannot both win (SECURITY.md lists each requirement;
the other V2 tests are marked where they already were)."""

from __future__ import annotations

import pytest

from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.actions import StaleEdit, bump_revision
from mutuality.web.relationships.case_io import case_data
from mutuality.web.relationships.models import Relationship
from tests.factories import World

STALE = "Someone else changed this relationship after you opened this page."


def _fresh(world: World) -> Relationship:
    return Relationship.objects.get(pk=world.relationship.pk)


@pytest.mark.asvs("2.3.4")
def test_two_people_saving_from_the_same_page_cannot_both_win(world: World) -> None:
    """The co-producer and the professional open what they do together at the same revision;
    the first to save wins, and the second is told and changes nothing (no lost update)."""
    # Arrange
    url = f"/relationships/{world.relationship.pk}/together/"
    seen = _fresh(world).revision

    # Act
    first = world.client("co_producer").post(
        url, {"revision": seen, "co_produced_elements": "route planning"}
    )
    second = world.client("professional").post(
        url, {"revision": seen, "co_produced_elements": "nothing together"}
    )

    # Assert
    assert first.status_code == 302
    assert second.status_code == 200
    assert STALE in second.content.decode()
    assert case_data(_fresh(world))["approach"]["co_produced_elements"] == ["route planning"]
    assert _fresh(world).revision == seen + 1
    assert AuditEvent.objects.filter(action="update").count() == 1


@pytest.mark.asvs("2.3.4")
def test_the_revision_is_claimed_in_one_step_so_only_one_writer_gets_it(world: World) -> None:
    """Claiming a revision is one conditional update: of two writers holding the same
    revision, the second finds it taken and is refused, however close behind it comes."""
    # Arrange
    relationship = _fresh(world)
    held = relationship.revision

    # Act
    bump_revision(relationship, held)
    with pytest.raises(StaleEdit):
        bump_revision(relationship, held)

    # Assert
    assert _fresh(world).revision == held + 1
