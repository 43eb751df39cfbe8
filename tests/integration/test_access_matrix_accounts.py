"""Access to a person's own account pages (/accounts/, second factors), as a matrix of every
page × every standing, with and without a second factor: the relationship pages' matrix is
test_access_matrix.py."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from mutuality.web.urls import SECOND_FACTOR_PAGES
from tests.factories import World
from tests.integration.databases import refusal_on_sqlite_alone

STANDINGS = ["professional", "co_producer", "supervisor", "reviewer", "admin", "anonymous"]
# What a GET gets, for: professional, co-producer, supervisor, reviewer, admin, signed out.
# Staff have an authenticator app (the factories'); the co-producer has none. Pages that change
# how someone signs in, or show recovery codes, first ask for the password again (302 to
# reauthenticate), before saying whether there is anything to show; confirming with a passkey
# or a code sends someone without one to the password instead. The code step belongs to a
# sign-in under way, so a signed-in GET is sent to the sign-in page.
MATRIX = {
    "accounts:account": "200 200 200 200 200 302",
    "account_reauthenticate": "200 200 200 200 200 302",
    "mfa_index": "200 200 200 200 200 302",
    "mfa_authenticate": "302 302 302 302 302 302",
    "mfa_reauthenticate": "200 302 200 200 200 302",
    "mfa_activate_totp": "302 302 302 302 302 302",
    "mfa_deactivate_totp": "302 302 302 302 302 302",
    "mfa_view_recovery_codes": "302 302 302 302 302 302",
    "mfa_generate_recovery_codes": "302 302 302 302 302 302",
    "mfa_download_recovery_codes": "302 302 302 302 302 302",
    "mfa_list_webauthn": "200 200 200 200 200 302",
    "mfa_add_webauthn": "302 302 302 302 302 302",
    "mfa_reauthenticate_webauthn": "302 302 302 302 302 302",
    "mfa_edit_webauthn": "302 302 302 302 302 302",
    "mfa_remove_webauthn": "302 302 302 302 302 302",
}
# A passkey's pages name it; no one has this one (whose it is, is tested in test_passkeys.py).
ARGUMENTS = {"mfa_edit_webauthn": {"pk": 999999}, "mfa_remove_webauthn": {"pk": 999999}}
# Staff without a second factor reach their account pages (to set one up) and nothing else.
WITHOUT = {"accounts:account": 200, "mfa_index": 200, "account_reauthenticate": 200}


def test_the_matrix_has_every_account_page() -> None:
    """A second-factor or account page cannot be added without deciding who may open it."""
    names = {str(page.name) for page in SECOND_FACTOR_PAGES}

    assert names | {"accounts:account", "account_reauthenticate"} == set(MATRIX)


@pytest.mark.parametrize(
    ("page", "standing"),
    [
        pytest.param(page, standing, id=f"{standing}-{page}", marks=refusal_on_sqlite_alone(status))
        for page, row in MATRIX.items()
        for standing, status in zip(STANDINGS, (int(x) for x in row.split()), strict=True)
    ],
)
def test_account_page_access(world: World, page: str, standing: str) -> None:
    """Each standing gets exactly what the matrix gives on their own account's pages."""
    expected = dict(zip(STANDINGS, (int(x) for x in MATRIX[page].split()), strict=True))

    response = world.client(standing).get(reverse(page, kwargs=ARGUMENTS.get(page)))

    assert response.status_code == expected[standing], response.get("Location")
    if standing == "anonymous":
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("standing", STANDINGS)
def test_the_email_confirmation_page_opens_for_everyone(world: World, standing: str) -> None:
    """allauth's confirmation page (account_confirm_email) is opened from an email, perhaps
    signed out: every standing gets the page, which says an unknown link does not work."""
    response = world.client(standing).get(reverse("account_confirm_email", args=["nonsense"]))

    assert response.status_code == 200
    assert "This link does not work" in response.content.decode()


@pytest.mark.parametrize("page", list(MATRIX))
@pytest.mark.parametrize("standing", ["professional", "supervisor", "reviewer", "admin"])
def test_staff_without_a_second_factor_reach_only_its_setup(
    world: World, page: str, standing: str
) -> None:
    """Staff whose second factor was removed still reach their account and the setup pages,
    and are never sent round in a circle."""
    Authenticator.objects.filter(user=world.users[standing]).delete()
    client = Client()
    client.force_login(world.users[standing])

    response = client.get(reverse(page, kwargs=ARGUMENTS.get(page)))

    assert response.status_code in (200, 302, 404)
    if page in WITHOUT:
        assert response.status_code == WITHOUT[page]
    if response.status_code == 302:
        assert response["Location"] != reverse(page, kwargs=ARGUMENTS.get(page))


@pytest.mark.asvs("6.3.3")
@pytest.mark.parametrize("standing", ["professional", "supervisor", "reviewer", "admin"])
def test_staff_without_a_second_factor_reach_no_relationship_or_report(
    world: World, standing: str
) -> None:
    """Every relationship, report and list page sends staff without a second factor to set
    one up (/accounts/2fa/)."""
    Authenticator.objects.filter(user=world.users[standing]).delete()
    client = Client()
    client.force_login(world.users[standing])
    pages = [
        "/",
        "/relationships/",
        f"/relationships/{world.relationship.pk}/",
        f"/relationships/{world.relationship.pk}/case.yaml",
        "/reports/service/",
        f"/reports/relationship/{world.relationship.pk}/",
    ]

    answers = {url: client.get(url) for url in pages}

    assert {url: r.status_code for url, r in answers.items()} == dict.fromkeys(pages, 302)
    assert {r["Location"] for r in answers.values()} == {"/accounts/2fa/"}


def test_a_co_producer_without_a_second_factor_is_never_made_to_set_one_up(world: World) -> None:
    """Co-producers are offered a second factor and never forced: their pages open."""
    client = world.client("co_producer")

    response = client.get(f"/relationships/{world.relationship.pk}/")
    offer = client.get("/accounts/")

    assert response.status_code == 200
    assert "Set up a second step when you sign in" in offer.content.decode()
