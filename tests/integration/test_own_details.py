"""Correcting one's own details (/accounts/details/): a person corrects the name everyone sees
for them, in every relationship they are in; bad input is refused beside the field, changing
nothing; a change is audited by the field's name, never its values; and the page says where
to correct the rest."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from mutuality.web.accounts.models import User
from mutuality.web.audit.models import AuditEvent
from tests.factories import World

URL = "/accounts/details/"
NEW_NAME = "Siân Evans-Okafor"


def _name(world: World, standing: str) -> str:
    return User.objects.get(pk=world.users[standing].pk).display_name


def test_a_person_corrects_their_name_everywhere_they_are_named(world: World) -> None:
    """The co-producer's new name is saved, they go back to their account with a message, and
    the professional's page of the relationship's people names them by it."""
    # Arrange
    client = world.client("co_producer")

    # Act
    response = client.post(URL, {"display_name": f"  {NEW_NAME} "}, follow=True)

    # Assert
    assert response.redirect_chain == [(reverse("accounts:account"), 302)]
    assert "Your name is saved." in response.content.decode()
    assert _name(world, "co_producer") == NEW_NAME
    people = world.client("professional").get(
        reverse("relationships:people", args=[world.relationship.pk])
    )
    assert NEW_NAME in people.content.decode()


def test_a_correction_is_audited_without_the_name(world: World) -> None:
    """One audit row by the person about their own login names the field changed and holds
    neither the old name nor the new one."""
    # Arrange
    User.objects.filter(pk=world.users["co_producer"].pk).update(display_name="Old Name 4c1")
    before = AuditEvent.objects.count()

    # Act
    world.client("co_producer").post(URL, {"display_name": NEW_NAME})

    # Assert
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    person = world.users["co_producer"]
    assert (event.user_id, event.action, event.object_type, event.object_id) == (
        person.pk,
        "update",
        "accounts.User",
        str(person.pk),
    )
    assert event.detail == {"field": "display_name"}
    assert "Old Name 4c1" not in json.dumps(event.detail)
    assert NEW_NAME not in json.dumps(event.detail)


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("", "Enter your name"),
        ("   ", "Enter your name"),
        ("x" * 201, "Your name must be 200 characters or fewer"),
    ],
    ids=["empty", "spaces", "too-long"],
)
def test_bad_input_is_refused_beside_the_field_and_changes_nothing(
    world: World, given: str, said: str
) -> None:
    """An empty name, one of spaces alone and one too long are shown again with a message that
    names the field, in the error summary and beside the field; nothing is saved or audited."""
    # Arrange
    User.objects.filter(pk=world.users["co_producer"].pk).update(display_name="Kept Name")
    before = AuditEvent.objects.count()

    # Act
    response = world.client("co_producer").post(URL, {"display_name": given})

    # Assert
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count(said) >= 2  # the error summary and the field's own message
    assert 'href="#id_display_name"' in page
    assert _name(world, "co_producer") == "Kept Name"
    assert AuditEvent.objects.count() == before


def test_the_same_name_changes_nothing(world: World) -> None:
    """Saving the name already held says nothing changed and records nothing."""
    # Arrange
    User.objects.filter(pk=world.users["co_producer"].pk).update(display_name=NEW_NAME)
    before = AuditEvent.objects.count()

    # Act
    response = world.client("co_producer").post(URL, {"display_name": NEW_NAME}, follow=True)

    # Assert
    assert "Nothing changed." in response.content.decode()
    assert AuditEvent.objects.count() == before


def test_the_page_says_where_to_correct_the_rest(world: World) -> None:
    """The co-producer's page holds their name to correct, links to their own page in their
    relationship, where they describe themselves, and says whom to ask about what others
    wrote."""
    # Arrange
    me = world.relationship.participants.get(user=world.users["co_producer"])
    User.objects.filter(pk=world.users["co_producer"].pk).update(display_name="Prefilled 3d")

    # Act
    page = world.client("co_producer").get(URL).content.decode()

    # Assert
    own_page = reverse("relationships:person", args=[world.relationship.pk, me.pk])
    assert f'href="{own_page}"' in page
    assert f'href="{reverse("accounts:email")}"' in page
    assert "ask the person who wrote it, or the supervisor" in page
    assert 'value="Prefilled 3d"' in page


def test_staff_in_no_relationship_are_offered_no_relationship_page(world: World) -> None:
    """The supervisor is no participant, so their page lists no relationship of their own."""
    # Act
    page = world.client("supervisor").get(URL).content.decode()

    # Assert
    assert 'id="relationship-pages"' not in page
    assert 'id="ask-others"' in page


def test_the_account_page_links_to_it(world: World) -> None:
    """ "Your account" offers the page."""
    # Act
    page = world.client("co_producer").get(reverse("accounts:account")).content.decode()

    # Assert
    assert f'href="{URL}"' in page


def test_someone_signed_out_is_sent_to_sign_in(world: World) -> None:
    """Signed out, nobody reaches it, and a POST changes nothing."""
    # Act
    response = world.client("anonymous").post(URL, {"display_name": NEW_NAME})

    # Assert
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not User.objects.filter(display_name=NEW_NAME).exists()
