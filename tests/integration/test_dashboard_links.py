"""The dashboard offers each person the reports they may open, and no others."""

from __future__ import annotations

import pytest
from django.test import Client

from mutuality.web.accounts.models import Organisation, Role, User


@pytest.mark.parametrize(
    ("role", "service", "transparency"),
    [
        (Role.ADMIN, True, True),
        (Role.SUPERVISOR, True, False),
        (Role.PROFESSIONAL, False, False),
        (Role.CO_PRODUCER, False, False),
        (Role.REVIEWER, False, False),
    ],
)
def test_report_links_follow_the_role(
    db: None, role: str, service: bool, transparency: bool
) -> None:
    organisation = Organisation.objects.create(slug="home", name="Home")
    user = User.objects.create_user(
        username="u", password="a long test password 123", organisation=organisation, role=role
    )
    client = Client()
    client.force_login(user)

    page = client.get("/relationships/").content.decode()

    assert ('href="/reports/service/"' in page) is service
    assert ('href="/reports/transparency/"' in page) is transparency
