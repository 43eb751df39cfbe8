"""Pages of django-allauth and of the people in a relationship that the walk of
test_translation_ready.py does not reach (a link's page, a page after a form, a page behind
confirming one's password) come through the pseudo-translation with no text of their own
untranslated."""

from __future__ import annotations

import pytest
from django.test import Client

from mutuality.web.accounts.models import User
from tests.factories import PASSWORD, World
from tests.integration.test_translation_ready import _left_out, untransformed
from tests.pseudo_translation import PSEUDO, pseudo_translated


def _as(world: World, standing: str) -> Client:
    """A client signed in as this standing, who reads the pseudo-translation."""
    User.objects.filter(pk=world.users[standing].pk).update(language=PSEUDO)
    return world.client(standing)


def _invitation(world: World) -> str:
    """The professional makes an invitation link for the co-producer; the page that shows it."""
    relationship = world.relationship
    relationship.participants.filter(slug="tomasz").update(user=None)
    relationship.refresh_from_db()
    page = _as(world, "professional").post(
        f"/relationships/{relationship.pk}/invite/",
        {
            "participant": "tomasz",
            "display_name": "Tomasz Nowak",
            "email": "",
            "revision": relationship.revision,
        },
    )
    assert page.status_code == 200
    return page.content.decode()


def test_the_invitation_pages_come_through_the_pseudo_translation(world: World) -> None:
    """The page with a new invitation link, the page the link opens (signed out, the browser
    asking for the pseudo-translation) and the page of a link that does not work."""
    # Arrange
    with pseudo_translated():
        sent = _invitation(world)
    token = sent.split("/relationships/invitation/")[1].split("/")[0]
    visitor = Client(HTTP_ACCEPT_LANGUAGE=PSEUDO)

    # Act
    with pseudo_translated():
        opened = visitor.get(f"/relationships/invitation/{token}/")
        broken = visitor.get("/relationships/invitation/not-a-token/")

    # Assert
    assert (opened.status_code, broken.status_code) == (200, 404)
    link = f"http://testserver/relationships/invitation/{token}/"
    left_out = [*_left_out(world), "Tomasz Nowak", link]  # a name typed, a link made
    pages = {"sent": sent, "opened": opened.content.decode(), "broken": broken.content.decode()}
    found = {name: untransformed(html, left_out) for name, html in pages.items()}
    assert found == {"sent": [], "opened": [], "broken": []}


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/reauthenticate/",
        "/accounts/2fa/totp/activate/",
        "/accounts/2fa/webauthn/add/",
        "/accounts/password/set/",
    ],
)
def test_second_step_pages_come_through_the_pseudo_translation(world: World, url: str) -> None:
    """Confirming one's password, setting up an app or a passkey, and the page allauth sends
    someone with a password already to instead of setting one."""
    # Arrange
    client = _as(world, "co_producer")
    with pseudo_translated():
        client.post("/accounts/reauthenticate/", {"password": PASSWORD})

        # Act
        response = client.get(url, follow=True)

    # Assert
    secret = client.session.get("mfa.totp.secret")  # the new app's key, shown to type in
    left_out = [*_left_out(world), *([secret] if secret else [])]
    assert response.status_code == 200
    assert untransformed(response.content.decode(), left_out) == []
