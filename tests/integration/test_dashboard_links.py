"""The dashboard offers each person the reports they may open, and no others."""

from __future__ import annotations

import pytest
from django.test import Client

from mutuality.web.accounts.models import Role
from tests.factories import UserFactory


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
    user = UserFactory(username="u", role=role)
    client = Client()
    client.force_login(user)

    page = client.get("/relationships/").content.decode()

    assert ('href="/reports/service/"' in page) is service
    assert ('href="/reports/transparency/"' in page) is transparency
