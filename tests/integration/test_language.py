"""Each person's language: chosen on "Your account", kept on their login, and every page they
open is in it; signed out, pages follow the browser among the languages with a catalogue."""

from __future__ import annotations

from django.test import Client

from mutuality.web.accounts.models import User
from mutuality.web.audit.models import AuditEvent
from tests.factories import World
from tests.pseudo_translation import PSEUDO, pseudo_translated, transformed

LANGUAGE = "/accounts/language/"


def _signed_in(world: World, standing: str) -> Client:
    client = Client()
    client.force_login(world.users[standing])
    return client


def test_a_chosen_language_is_kept_audited_and_used_on_the_next_page(world: World) -> None:
    """The co-producer chooses a language: it is saved on their login, audited, and their
    account page then speaks it."""
    # Arrange
    client = _signed_in(world, "co_producer")
    person = world.users["co_producer"]

    # Act
    with pseudo_translated():
        response = client.post(LANGUAGE, {"language": PSEUDO})
        page = client.get("/accounts/")

    # Assert
    assert response.status_code == 302
    assert User.objects.get(pk=person.pk).language == PSEUDO
    event = AuditEvent.objects.get(action="update", object_id=str(person.pk))
    assert event.detail == {"field": "language", "before": "", "after": PSEUDO}
    assert page["Content-Language"] == PSEUDO
    assert f"<h1>{transformed('Your account')}</h1>" in page.content.decode()


def test_the_browser_choice_clears_a_chosen_language(world: World) -> None:
    """Choosing "the language your browser asks for" stores no language of one's own."""
    # Arrange
    User.objects.filter(pk=world.users["professional"].pk).update(language="en-gb")
    client = _signed_in(world, "professional")

    # Act
    response = client.post(LANGUAGE, {"language": "browser"})

    # Assert
    assert response.status_code == 302
    assert User.objects.get(pk=world.users["professional"].pk).language == ""


def test_a_language_not_offered_is_refused_beside_the_field(world: World) -> None:
    """A language that is not offered is refused with a message naming the field; nothing
    changes."""
    # Arrange
    client = _signed_in(world, "co_producer")

    # Act
    response = client.post(LANGUAGE, {"language": "xx"})

    # Assert
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_language_0">Choose a language from the list</a>' in html
    assert User.objects.get(pk=world.users["co_producer"].pk).language == ""
    assert not AuditEvent.objects.filter(detail__field="language").exists()


def test_signed_out_pages_follow_the_browser_only_to_a_language_with_a_catalogue(
    world: World,
) -> None:
    """Signed out, a browser asking for a language without a catalogue gets English."""
    # Arrange
    client = Client()

    # Act
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")

    # Assert
    assert response["Content-Language"] == "en-gb"
    assert "Accept-Language" in response["Vary"]
    assert '<html lang="en-gb">' in response.content.decode()
