"""The records pages' words that only a POST shows (a form's errors, the saved message) are
marked for translation too: under the pseudo-translation (tests/pseudo_translation.py) they come
back transformed, each one sentence with the field's name inside it, never English pieces."""

from __future__ import annotations

from django.test import Client
from django.utils.text import capfirst

from mutuality.web.accounts.models import User
from mutuality.web.relationships.models import ConsultationRequest, SupervisionRecord
from tests.factories import World
from tests.integration.page_text import visible_text
from tests.pseudo_translation import PSEUDO, pseudo_translated, transformed


def _signed_in(world: World, standing: str) -> Client:
    """This person, signed in, with the pseudo-translation as their language."""
    User.objects.filter(pk=world.users[standing].pk).update(language=PSEUDO)
    client = Client()
    client.force_login(world.users[standing])
    return client


def _url(world: World, path: str) -> str:
    return f"/relationships/{world.relationship.pk}/{path}"


def _revision(world: World) -> int:
    world.relationship.refresh_from_db()
    return world.relationship.revision


def test_a_bad_date_is_refused_in_one_translated_sentence_that_names_the_date(
    world: World,
) -> None:
    """A date that is not real is refused with one translated message holding the translated
    name of the date, and nothing is saved."""
    # Arrange
    client = _signed_in(world, "supervisor")
    bad = {"date_0": "31", "date_1": "2", "date_2": "2026", "revision": _revision(world)}
    what = capfirst(transformed("the date of the supervision"))
    expected = transformed("%(what)s must be a real date") % {"what": what}

    # Act
    with pseudo_translated():
        response = client.post(_url(world, "supervision/"), bad, HTTP_ACCEPT_LANGUAGE=PSEUDO)

    # Assert
    assert response.status_code == 200
    assert expected in visible_text(response.content.decode())
    assert not SupervisionRecord.objects.filter(relationship=world.relationship).exists()


def test_an_empty_required_box_is_named_in_the_translated_message(world: World) -> None:
    """An empty required box is refused with "Enter …" and the box's translated name, as one
    message, and nothing is saved."""
    # Arrange
    client = _signed_in(world, "co_producer")
    what = transformed("what you would like the consultation to think about")
    expected = transformed("Enter {what}").format(what=what)
    empty = {"reason": "", "revision": _revision(world)}

    # Act
    with pseudo_translated():
        response = client.post(
            _url(world, "consultations/request/"), empty, HTTP_ACCEPT_LANGUAGE=PSEUDO
        )

    # Assert
    assert response.status_code == 200
    assert expected in visible_text(response.content.decode())
    assert not ConsultationRequest.objects.filter(relationship=world.relationship).exists()


def test_the_saved_message_is_translated(world: World) -> None:
    """Saving a consultation request says so in the reader's language."""
    # Arrange
    client = _signed_in(world, "co_producer")
    form = {"reason": "Whether a group would suit me better", "revision": _revision(world)}
    expected = transformed(
        "You have asked for a consultation. The professional and the supervisor are told."
    )

    # Act
    with pseudo_translated():
        response = client.post(
            _url(world, "consultations/request/"), form, HTTP_ACCEPT_LANGUAGE=PSEUDO, follow=True
        )

    # Assert
    assert ConsultationRequest.objects.filter(relationship=world.relationship).count() == 1
    assert expected in visible_text(response.content.decode())


def test_ones_own_worry_reads_raised_by_you_as_one_sentence(world: World) -> None:
    """A worry the reader raised says "Raised by you on …" as one message, so a language can
    put "you" where it belongs, and nobody else's worry says it."""
    # Arrange
    client = _signed_in(world, "co_producer")
    mine = world.users["co_producer"]
    world.relationship.observations.create(
        date="2026-11-02", kind="collusion", by=mine.shown_name, raised_by=mine
    )
    world.relationship.observations.create(date="2026-11-01", kind="collusion", by="someone")
    own = transformed("Raised by you on %(on)s.").split("%(on)s")[0]
    others = transformed("Raised by %(by)s on %(on)s.").split("%(by)s")[0]

    # Act
    with pseudo_translated():
        response = client.get(_url(world, "records/"), HTTP_ACCEPT_LANGUAGE=PSEUDO)

    # Assert
    text = visible_text(response.content.decode())
    assert text.count(own) == 1
    assert f"{others}someone" in text
