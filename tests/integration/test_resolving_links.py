"""Each finding links to the page that resolves it, for people who may use that page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import NoReverseMatch

from mutuality.framework import load_case, registered_rules
from mutuality.web.accounts.models import User
from mutuality.web.relationships.models import Relationship
from mutuality.web.relationships.resolving import _PAGES, resolving_link
from tests.factories import build_world

CASE = Path(__file__).resolve().parents[2] / "examples" / "care-home-move-best-interests.yaml"


@pytest.fixture
def relationship(db: None) -> Relationship:
    """The shared world on the care-home example: professional `pro`, co-producer `co`, reviewer
    `rev`."""
    return build_world(load_case(CASE)).relationship


def test_every_mapped_code_is_a_real_finding_and_a_real_page(relationship: Relationship) -> None:
    """The map names only registered finding codes, and every page it names resolves."""
    codes = {rule.code for rule in registered_rules()}
    professional = User.objects.get(username="pro")

    assert set(_PAGES) <= codes
    for code in _PAGES:
        try:
            resolving_link(code, professional, relationship)
        except NoReverseMatch as error:  # pragma: no cover - the assertion explains
            pytest.fail(f"{code}: {error}")


def test_professional_sees_links_to_resolve_findings(relationship: Relationship) -> None:
    """The professional's page links the best-interests finding to recording a consultation."""
    client = Client()
    client.force_login(User.objects.get(username="pro"))

    html = client.get(f"/relationships/{relationship.pk}/").content.decode()

    assert f'href="/relationships/{relationship.pk}/consultations/new/"' in html


def test_reviewer_sees_no_links_to_pages_they_cannot_use(relationship: Relationship) -> None:
    """A read-only reviewer gets no link to a page that would refuse them."""
    client = Client()
    client.force_login(User.objects.get(username="rev"))

    html = client.get(f"/relationships/{relationship.pk}/").content.decode()

    assert not re.search(rf'href="/relationships/{relationship.pk}/consultations/new/"', html)
