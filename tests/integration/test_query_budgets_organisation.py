"""The organisation's lists cost the same number of queries with 10 people (or relationships)
as with 10,000, and show one page of them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mutuality.web.accounts.models import Organisation, Role, User
from mutuality.web.organisation.views import PAGE_SIZE
from mutuality.web.relationships.models import Relationship

SIZES = (10, 10_000)


def _service(size: int) -> User:
    """An organisation of `size` people and `size` relationships, and its admin."""
    organisation = Organisation.objects.create(slug=f"people-{size}", name=f"{size} trust")
    password = make_password(None)
    User.objects.bulk_create(
        User(
            username=f"p{size}-{n}",
            email=f"p{size}-{n}@example.org",
            password=password,
            organisation=organisation,
            role=Role.SUPERVISOR if n % 2 else Role.PROFESSIONAL,
        )
        for n in range(size)
    )
    Relationship.objects.bulk_create(
        Relationship(organisation=organisation, title=f"Work {n}") for n in range(size)
    )
    return User.objects.create_user(
        username=f"admin-{size}", organisation=organisation, role=Role.ADMIN, has_second_factor=True
    )


@pytest.fixture(scope="module")
def admins(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[int, User]]:
    with django_db_blocker.unblock():
        made = {size: _service(size) for size in SIZES}
        yield made
        for admin in made.values():
            organisation = admin.organisation
            Relationship.objects.filter(organisation=organisation).delete()
            User.objects.filter(organisation=organisation).delete()
            Organisation.objects.filter(pk=organisation.pk).delete()


def _queries(admin: User, url: str) -> tuple[int, str]:
    client = Client()
    client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/organisation/people/", "/organisation/relationships/"])
def test_an_organisation_list_costs_the_same_at_10_and_10000(
    admins: dict[int, User], url: str
) -> None:
    """The people and the relationships lists read a page in the same queries at any size."""
    small, _ = _queries(admins[10], url)

    large, html = _queries(admins[10_000], url)

    assert small == large
    assert html.count("<tr>") == PAGE_SIZE + 1  # a page of rows and the header
