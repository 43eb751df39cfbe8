"""Access to relationships, as a matrix of every page × every standing × theirs or not."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from mutuality.framework import load_case
from mutuality.web.accounts.models import Organisation, Role, User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.case_io import import_case
from mutuality.web.relationships.models import Relationship

CASE = Path(__file__).resolve().parents[2] / "examples" / "fathers-walking-group.yaml"


@dataclass
class World:
    relationship: Relationship
    other: Relationship
    users: dict[str, User]


def _user(name: str, organisation: Organisation, role: str = Role.PROFESSIONAL) -> User:
    return User.objects.create_user(
        username=name, password="a long test password 123", organisation=organisation, role=role
    )


@pytest.fixture
def world(db: None) -> World:
    """One relationship with a person in every standing, another one, and outsiders."""
    home = Organisation.objects.create(slug="home", name="Home trust")
    away = Organisation.objects.create(slug="away", name="Away trust")
    relationship = import_case(load_case(CASE), home)
    other = import_case(load_case(CASE), home)
    users = {
        "professional": _user("pro", home),
        "co_producer": _user("co", home, Role.CO_PRODUCER),
        "supervisor": _user("sup", home, Role.SUPERVISOR),
        "reviewer": _user("rev", home, Role.REVIEWER),
        "admin": _user("adm", home, Role.ADMIN),
        "other_professional": _user("pro2", home),
        "other_admin": _user("adm2", away, Role.ADMIN),
    }
    professional, recipient = relationship.participants.order_by("position")[:2]
    professional.user, recipient.user = users["professional"], users["co_producer"]
    professional.save()
    recipient.save()
    relationship.supervisor = users["supervisor"]
    relationship.save()
    relationship.reviewers.add(users["reviewer"])
    other.participants.filter(role="professional").update(user=users["other_professional"])
    return World(relationship, other, users)


STANDINGS = [
    "professional",
    "co_producer",
    "supervisor",
    "reviewer",
    "admin",
    "other_professional",
    "other_admin",
    "anonymous",
]
# page → the standings that may open it on their own relationship (others get 404, or a
# redirect to sign in when anonymous; a standing that can see but not act gets 403).
PAGES = {
    "detail": {
        "professional": 200,
        "co_producer": 200,
        "supervisor": 200,
        "reviewer": 200,
        "admin": 200,
    },
    "export": {
        "professional": 200,
        "co_producer": 200,
        "supervisor": 200,
        "reviewer": 403,
        "admin": 200,
    },
    "withdraw-consent": {
        "professional": 200,
        "co_producer": 200,
        "supervisor": 403,
        "reviewer": 403,
        "admin": 403,
    },
}


def _client(world: World, standing: str) -> Client:
    client = Client()
    if standing != "anonymous":
        client.force_login(world.users[standing])
    return client


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("standing", STANDINGS)
def test_page_access_on_their_relationship(world: World, page: str, standing: str) -> None:
    """Each standing gets exactly the access the matrix gives on the relationship."""
    url = (
        f"/relationships/{world.relationship.pk}/"
        + {"detail": "", "export": "case.yaml", "withdraw-consent": "consent/withdraw/"}[page]
    )

    response = _client(world, standing).get(url)

    expected = 302 if standing == "anonymous" else PAGES[page].get(standing, 404)
    assert response.status_code == expected
    if standing == "anonymous":
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("standing", STANDINGS[:-1])
def test_nobody_sees_a_relationship_they_are_not_part_of(world: World, standing: str) -> None:
    """The other relationship is invisible (404) to all but its professional and the admin."""
    response = _client(world, standing).get(f"/relationships/{world.other.pk}/")

    visible = {"other_professional", "admin"}
    assert response.status_code == (200 if standing in visible else 404)


@pytest.mark.parametrize("standing", STANDINGS[:-1])
def test_dashboard_lists_only_visible_relationships(world: World, standing: str) -> None:
    """The dashboard lists exactly the relationships the access rules let this person see."""
    response = _client(world, standing).get("/relationships/")

    titles = response.content.decode().count(world.relationship.title)
    expected = {
        "professional": 1,
        "co_producer": 1,
        "supervisor": 1,
        "reviewer": 1,
        "admin": 2,
        "other_professional": 1,
        "other_admin": 0,
    }[standing]
    assert response.status_code == 200
    assert titles == expected


@pytest.mark.parametrize(
    ("standing", "audited"),
    [
        ("professional", False),
        ("co_producer", False),
        ("supervisor", True),
        ("reviewer", True),
        ("admin", True),
    ],
)
def test_views_by_non_participants_are_audited(world: World, standing: str, audited: bool) -> None:
    """A view by someone outside the relationship is recorded; participants' views are not."""
    _client(world, standing).get(f"/relationships/{world.relationship.pk}/")

    views = AuditEvent.objects.filter(action="view", relationship_id=world.relationship.pk)
    assert views.exists() is audited
    if audited:
        assert views.get().user == world.users[standing]


def test_downloaded_case_file_hides_supervisor_only_notes_from_others(world: World) -> None:
    """A co-producer's supervisor-only note is in the supervisor's download and no one else's."""
    world.relationship.observations.create(
        date="2026-11-01",
        kind="collusion",
        by="someone in the relationship",
        note="private worry 7f3a",
        supervisor_only=True,
    )
    url = f"/relationships/{world.relationship.pk}/case.yaml"

    texts = {
        standing: _client(world, standing).get(url).content.decode()
        for standing in ("professional", "co_producer", "supervisor", "admin")
    }

    assert "private worry 7f3a" in texts["supervisor"]
    assert all(
        "private worry 7f3a" not in texts[s] for s in ("professional", "co_producer", "admin")
    )
    assert all("kind: collusion" in text for text in texts.values())
