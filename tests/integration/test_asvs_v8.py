"""OWASP ASVS 5.0.0 V8 (authorisation), where the access matrix does not already show it: a
record of one relationship cannot be reached through another's address, and one
organisation's admin reaches nothing of another organisation (the tenants)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from mutuality.web.accounts.models import Role
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.models import Relationship
from tests.factories import UserFactory, World
from tests.integration.test_access_matrix import MATRIX, OWN, _kwargs

# The pages of a relationship that name one of its records by a number in their address.
NESTED = {
    "outcomes-fill-in": "series_pk",
    "outcomes-schedule-agree": "schedule_pk",
    "affected-change": "party",
    "observation-resolve": "observation_pk",
    "safety-flag": "flag_pk",
    "private-worry": "worry_pk",
    "private-worry-resolve": "worry_pk",
}


def _entitled(page: str) -> str:
    """The first standing the matrix lets open this page of their own relationship."""
    statuses = zip(OWN, MATRIX[page].split(), strict=True)
    return next(standing for standing, status in statuses if status == "200")


@pytest.mark.asvs("8.2.2")
@pytest.mark.parametrize("page", list(NESTED))
def test_a_record_of_another_relationship_is_not_found_through_ones_own(
    world: World, page: str
) -> None:
    """Someone allowed on this page of their own relationship, asking for a record of another
    relationship by its number, is told it does not exist, and a POST to it changes nothing."""
    # Arrange
    standing = _entitled(page)
    theirs = _kwargs(world, world.other, page)
    url = reverse(
        f"relationships:{page}",
        kwargs={**theirs, "pk": world.relationship.pk},
    )
    client = world.client(standing)
    revision = Relationship.objects.get(pk=world.relationship.pk).revision

    # Act
    read = client.get(url)
    written = client.post(url, {"revision": revision})

    # Assert
    assert (read.status_code, written.status_code) == (404, 404)
    assert Relationship.objects.get(pk=world.relationship.pk).revision == revision
    assert not AuditEvent.objects.exclude(action="view").exists()


@pytest.mark.asvs("8.4.1")
def test_an_admin_cannot_make_someone_of_another_organisation_a_reviewer(world: World) -> None:
    """An independent reviewer of another organisation is refused on the assignment form,
    naming the field, and the relationship keeps its reviewers."""
    # Arrange
    away = world.users["other_admin"].organisation
    stranger = UserFactory(username="rev2", organisation=away, role=Role.REVIEWER)
    relationship = Relationship.objects.get(pk=world.relationship.pk)

    # Act
    response = world.client("admin").post(
        f"/organisation/relationships/{relationship.pk}/",
        {"revision": relationship.revision, "reviewers": [stranger.pk]},
    )

    # Assert
    assert response.status_code == 200
    assert response.context["form"].errors["reviewers"] == ["Choose reviewers from the list"]
    assert list(relationship.reviewers.all()) == [world.users["reviewer"]]


@pytest.mark.asvs("8.4.1")
def test_another_organisations_admin_downloads_none_of_this_organisations_trail(
    world: World,
) -> None:
    """Events of this organisation (an admin's view of one of its relationships) are in its
    admin's audit-log download and in no row of the other organisation's admin's."""
    # Arrange
    world.client("admin").get(f"/relationships/{world.relationship.pk}/")

    # Act
    ours = world.client("admin").get("/relationships/audit.csv")
    theirs = world.client("other_admin").get("/relationships/audit.csv")

    # Assert
    rows = {
        name: list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))
        for name, r in (("ours", ours), ("theirs", theirs))
    }
    assert (ours.status_code, theirs.status_code) == (200, 200)
    assert any(world.relationship.title in row for row in rows["ours"][1:])
    assert all(world.relationship.title not in row for row in rows["theirs"])
    home = world.relationship.organisation_id
    assert not AuditEvent.objects.filter(
        organisation_id=home, user=world.users["other_admin"]
    ).exists()
