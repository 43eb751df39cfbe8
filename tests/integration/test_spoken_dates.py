"""Dates in a page's text are spoken ("31 January 2026"): no ISO date (2026-01-31) shows on any
page any role reaches, signed in or not. `<time datetime>`, CSV and JSON keep ISO."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mutuality.web.relationships.actions import reassess
from mutuality.web.relationships.models import Consultation, Disclosure, Observation
from tests.factories import World
from tests.integration.page_text import visible_text
from tests.integration.pages import pages_for, public_pages, publish_transparency
from tests.integration.test_access_matrix import OWN

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture
def world(world: World) -> World:
    """The shared world with records whose dates the assessment's sentences name: an open
    observation, a consultation that advised another model, and a disclosure with no reason
    given."""
    relationship = world.relationship
    day = timezone.localdate() - timedelta(days=20)
    professional = relationship.participants.get(role="professional")
    Observation.objects.create(
        relationship=relationship, date=day, kind="collusion", by="supervisor"
    )
    Consultation.objects.create(
        relationship=relationship, date=day, with_whom="the team", outcome="switch_model"
    )
    Disclosure.objects.create(relationship=relationship, by=professional, date=day, about="grief")
    reassess(relationship, reason="records with dates")
    return world


def _iso_dates(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return ISO_DATE.findall(visible_text(response.content.decode()))


def test_no_page_shows_an_iso_date(world: World) -> None:
    """Every HTML page of every role, and every public page, writes its dates in words."""
    # Arrange
    publish_transparency(world)
    seen: dict[str, list[str]] = {}

    # Act
    for standing in OWN:
        client = Client()
        client.force_login(world.users[standing])
        for page in pages_for(world, standing):
            if page.html and (found := _iso_dates(client, page.url)):
                seen[f"{standing}: {page.url}"] = found
    for page in public_pages():
        if page.html and (found := _iso_dates(Client(), page.url)):
            seen[f"signed out: {page.url}"] = found

    # Assert
    assert seen == {}
