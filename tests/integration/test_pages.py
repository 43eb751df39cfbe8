"""The list of every page each role can reach (pages.py) is right: each opens for its role."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import World
from tests.integration.pages import (
    error_pages,
    pages_for,
    public_pages,
    publish_transparency,
)
from tests.integration.test_access_matrix import OWN


@pytest.mark.parametrize("standing", OWN)
def test_every_listed_page_opens_for_its_role(world: World, standing: str) -> None:
    """Each page listed for a role answers 200 to that role, and the error pages as listed."""
    client = Client()
    client.force_login(world.users[standing])

    statuses = {page.url: client.get(page.url).status_code for page in pages_for(world, standing)}
    errors = {url: client.get(url).status_code for url, _ in error_pages(world, standing)}

    assert statuses == dict.fromkeys(statuses, 200)
    assert errors == dict(error_pages(world, standing))


def test_every_public_page_opens_signed_out(world: World) -> None:
    """The sign-in page and a published transparency report open for anyone."""
    publish_transparency(world)

    statuses = {page.url: Client().get(page.url).status_code for page in public_pages()}

    assert statuses == dict.fromkeys(statuses, 200)
