"""The help page, the accessibility statement and the privacy notice: every page's footer links
them, and everyone reaches them, signed in or not, staff still setting up a second factor too."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from tests.factories import World
from tests.integration.page_text import visible_text
from tests.integration.pages import ABOUT_PAGES

STANDINGS = ["professional", "co_producer", "supervisor", "reviewer", "admin", "anonymous"]
URLS = [page.url for page in ABOUT_PAGES]


def _client(world: World, standing: str) -> Client:
    client = Client()
    if standing != "anonymous":
        client.force_login(world.users[standing])
    return client


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("standing", STANDINGS)
def test_everyone_reaches_the_about_pages(world: World, url: str, standing: str) -> None:
    """Each page opens for every standing and for someone signed out."""
    # Arrange
    client = _client(world, standing)

    # Act
    response = client.get(url)

    # Assert
    assert response.status_code == 200


@pytest.mark.parametrize("url", URLS)
def test_staff_without_a_second_factor_reach_the_about_pages(world: World, url: str) -> None:
    """A professional sent to set up a second factor can still read help and privacy."""
    # Arrange
    Authenticator.objects.filter(user=world.users["professional"]).delete()
    client = _client(world, "professional")

    # Act
    response = client.get(url)

    # Assert
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/accounts/login/", "/relationships/", "/about/help/"])
def test_every_footer_links_the_three_pages(world: World, url: str) -> None:
    """The footer of a page, signed out or in, links help, accessibility and privacy."""
    # Arrange
    client = _client(world, "anonymous" if url == "/accounts/login/" else "co_producer")

    # Act
    html = client.get(url).content.decode()
    footer = html[html.index("<footer") :]

    # Assert
    assert all(f'href="{about}"' in footer for about in URLS)


def test_the_privacy_notice_names_the_readers_organisation(world: World) -> None:
    """Signed in, the notice names who holds the reader's information; signed out, it speaks
    of the service that invited them."""
    # Arrange
    name = world.relationship.organisation.name

    # Act
    signed_in = visible_text(_client(world, "co_producer").get("/about/privacy/").content.decode())
    signed_out = visible_text(_client(world, "anonymous").get("/about/privacy/").content.decode())

    # Assert
    assert f"{name} runs this service" in signed_in
    assert "The service that invited you runs this service" in signed_out
    assert name not in signed_out


def test_post_is_refused(world: World) -> None:
    """The pages only read: a POST is not allowed."""
    # Arrange
    client = _client(world, "co_producer")

    # Act
    response = client.post("/about/help/")

    # Assert
    assert response.status_code == 405
