"""Each person's lists cost the same number of queries with 10 relationships as with 200, and
show at most one page of rows; no page that only reads writes anything."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mutuality.framework import load_case
from mutuality.web.accounts.models import Organisation, Role, User
from mutuality.web.relationships.case_io import import_case
from mutuality.web.relationships.models import Relationship
from mutuality.web.relationships.views.dashboard import PAGE_SIZE

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))
STANDINGS = ("professional", "co_producer", "supervisor", "reviewer", "admin")
ROLES = {
    "professional": Role.PROFESSIONAL,
    "co_producer": Role.CO_PRODUCER,
    "supervisor": Role.SUPERVISOR,
    "reviewer": Role.REVIEWER,
    "admin": Role.ADMIN,
}


SIZES = (10, 200)


@dataclass
class Service:
    """An organisation whose relationships all have the same five people in them."""

    organisation: Organisation
    users: dict[str, User]

    @classmethod
    def of_size(cls, count: int) -> Service:
        """An organisation of `count` relationships, made from the examples in turn."""
        organisation = Organisation.objects.create(slug=f"size-{count}", name=f"{count} trust")
        users = {
            standing: User.objects.create_user(
                username=f"{standing}-{count}",
                password="x",
                organisation=organisation,
                role=ROLES[standing],
                has_second_factor=True,  # staff need one (ADR 0010)
            )
            for standing in STANDINGS
        }
        cases = itertools.cycle(EXAMPLES)
        for _ in range(count):
            relationship = import_case(load_case(next(cases)), organisation)
            people = relationship.participants.order_by("position")
            people.filter(role="professional").update(user=users["professional"])
            people.filter(pk=people.filter(role="recipient")[:1]).update(user=users["co_producer"])
            relationship.supervisor = users["supervisor"]
            relationship.save(update_fields=["supervisor"])
            relationship.reviewers.add(users["reviewer"])
        return cls(organisation, users)

    def client(self, standing: str) -> Client:
        client = Client()
        client.force_login(self.users[standing])
        return client

    def first(self) -> Relationship:
        found = Relationship.objects.filter(organisation=self.organisation).order_by("pk")
        return found[0]


@pytest.fixture(scope="module")
def services(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[int, Service]]:
    """A small and a large organisation, made once for the module (each test rolls back its
    own writes) and deleted afterwards."""
    with django_db_blocker.unblock():
        made = {size: Service.of_size(size) for size in SIZES}
    yield made
    with django_db_blocker.unblock():
        for service in made.values():
            Relationship.objects.filter(organisation=service.organisation).delete()
            User.objects.filter(organisation=service.organisation).delete()
            service.organisation.delete()


def _queries(client: Client, url: str) -> tuple[int, str]:
    client.get(url)  # the session is warm, as it is for anyone working
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


def _cards(page: str) -> int:
    return page.count('class="nhsuk-card nhsuk-card--clickable"')


def _due_items(page: str) -> int:
    lists = re.findall(
        r'<ul class="nhsuk-list nhsuk-list--bullet" data-due="\w+">(.*?)</ul>', page, re.S
    )
    return sum(chunk.count("<li>") for chunk in lists)


def _both(services: dict[int, Service], standing: str, url: str) -> list[tuple[int, str]]:
    return [_queries(services[size].client(standing), url) for size in SIZES]


@pytest.mark.django_db
@pytest.mark.parametrize("standing", STANDINGS)
def test_a_dashboard_costs_the_same_at_10_and_200_relationships(
    services: dict[int, Service], standing: str
) -> None:
    """The dashboard's queries do not grow with the relationships; it shows one page of them."""
    (small, _), (large, page) = _both(services, standing, "/relationships/")

    assert large == small
    assert _cards(page) == PAGE_SIZE
    assert 0 < _due_items(page) <= PAGE_SIZE


# The session and the user, then the page of relationships (counted, with what needs doing on
# each card), the people of the relationships on that page (by name, so that what needs doing
# speaks to its reader) and the first of what is due; an admin's asks first whether they
# belong to any relationship outside their organisation.
DASHBOARD_QUERIES = {standing: 5 for standing in STANDINGS} | {"admin": 6}
# At most: the session, the user, the relationship (with today's assessment, its contract's
# version and whether one reviews it) and its people, its scores (series, then scores) and its
# history; an outsider's view is audited; the professional and the supervisor see its open
# safety flags; its affected parties once they are said (these examples say none).
CHAINED = 4
"""What chaining an audited read adds to its one INSERT (the same at any size): the trail's head
locked, the link written and the head moved, inside a savepoint (mutuality/web/audit/chain.py)."""
RELATIONSHIP_PAGE_QUERIES = {
    "professional": 9,
    "co_producer": 8,
    "supervisor": 10 + CHAINED,
    "reviewer": 9 + CHAINED,
    "admin": 9 + CHAINED,
}
AUDIT_CHECK = 1
"""The query tests/integration/conftest.py adds to each request (whether it wrote unaudited)."""


@pytest.mark.django_db
@pytest.mark.parametrize("standing", STANDINGS)
def test_a_dashboard_and_a_relationship_page_keep_to_their_queries(
    services: dict[int, Service], standing: str
) -> None:
    """Each costs the queries listed above for its standing, and no more."""
    service = services[SIZES[-1]]

    dashboard, _ = _queries(service.client(standing), "/relationships/")
    page, _ = _queries(service.client(standing), f"/relationships/{service.first().pk}/")

    assert dashboard - AUDIT_CHECK == DASHBOARD_QUERIES[standing]
    assert page - AUDIT_CHECK <= RELATIONSHIP_PAGE_QUERIES[standing]


@pytest.mark.django_db
@pytest.mark.parametrize("standing", STANDINGS)
def test_what_is_due_costs_the_same_at_10_and_200_relationships(
    services: dict[int, Service], standing: str
) -> None:
    """The page of everything due costs the same at any size and shows one page of it."""
    (small, _), (large, page) = _both(services, standing, "/relationships/due/")

    assert large == small
    assert 0 < _due_items(page) <= PAGE_SIZE


@pytest.mark.django_db
@pytest.mark.parametrize("standing", STANDINGS)
def test_a_relationship_page_costs_the_same_at_10_and_200_relationships(
    services: dict[int, Service], standing: str
) -> None:
    """A relationship's own page reads only that relationship (the same example in both)."""
    small, large = (
        _queries(services[size].client(standing), f"/relationships/{services[size].first().pk}/")
        for size in SIZES
    )

    assert large[0] == small[0]
