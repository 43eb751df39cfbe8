"""Second factors in a real browser (ADR 0010): staff sign in with a password and then a code;
staff without a second factor are taken to set one up and reach no relationship until they
have; a co-producer is offered one and never made to. Every page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from mutuality.web.accounts.models import Role
from mutuality.web.relationships.models import Relationship
from tests.browser.signing_in import PASSWORD, enter_code, sign_in
from tests.factories import RelationshipFactory, UserFactory, totp_code

pytestmark = pytest.mark.browser


@pytest.fixture
def relationship(live_server: Any) -> Relationship:
    """The walking-group example with its professional (with an app), its co-producer (with
    none), and a supervisor new to the service, who has no second factor yet."""
    relationship = RelationshipFactory(organisation__slug="trust", organisation__name="Trust")
    for username, role, participant_role in (
        ("priya", Role.PROFESSIONAL, "professional"),
        ("sam", Role.CO_PRODUCER, "recipient"),
    ):
        user = UserFactory(
            username=username, password=PASSWORD, organisation=relationship.organisation, role=role
        )
        relationship.participants.filter(role=participant_role).update(user=user)
    relationship.supervisor = UserFactory(
        username="kaur",
        password=PASSWORD,
        organisation=relationship.organisation,
        role=Role.SUPERVISOR,
        second_factor=False,
    )
    relationship.save()
    return relationship


def h1(page: Page) -> Any:
    return page.get_by_role("heading", level=1)


def test_staff_sign_in_with_a_password_then_a_code(
    page: Page, relationship: Relationship, axe: Callable[[Page], None]
) -> None:
    """The professional types their password, then the code their app shows, by keyboard,
    and reaches their relationships; a wrong code first is named in the error summary."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("priya")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password", exact=True).press("Enter")
    expect(h1(page)).to_have_text("Enter your code")
    expect(page.locator("#demo-code")).to_contain_text("This is the demo")
    axe(page)

    wrong = "000000" if totp_code() != "000000" else "111111"
    page.get_by_label("Code", exact=True).fill(wrong)
    page.get_by_label("Code", exact=True).press("Enter")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("That code is not right")
    axe(page)
    enter_code(page, "priya")

    expect(h1(page)).to_have_text("Your relationships")
    expect(page.get_by_role("link", name="Your account")).to_be_visible()
    axe(page)


def test_staff_without_a_second_factor_set_one_up_before_anything_else(
    page: Page, relationship: Relationship, axe: Callable[[Page], None]
) -> None:
    """The supervisor, who has no second factor, is taken to set one up; the relationship
    sends them back there; they confirm their password, add the app with its first code, see
    their recovery codes, and then reach the relationship."""
    sign_in(page, "kaur", lands_on="Second step when you sign in", axe=axe)
    expect(page.locator(".nhsuk-warning-callout")).to_contain_text("Set up a second step")

    page.goto(f"/relationships/{relationship.pk}/")
    expect(h1(page)).to_have_text("Second step when you sign in")

    page.get_by_role("button", name="Set up an authenticator app").click()
    expect(h1(page)).to_have_text("Confirm it is you")
    axe(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(h1(page)).to_have_text("Set up an authenticator app")
    expect(
        page.get_by_role("img", name="QR code to scan with your authenticator app")
    ).to_be_visible()
    page.get_by_text("If you cannot scan the QR code").click()
    axe(page)
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Code from your authenticator app").fill(totp_code(secret=secret))
    page.get_by_role("button", name="Turn on the app").click()

    expect(h1(page)).to_have_text("Your recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    axe(page)
    page.get_by_role("button", name="I have saved my codes: continue").click()
    expect(h1(page)).to_have_text("Your relationships")
    page.goto(f"/relationships/{relationship.pk}/")
    expect(h1(page)).not_to_have_text("Second step when you sign in")


def test_a_co_producer_is_offered_a_second_factor_and_not_made_to(
    page: Page, relationship: Relationship, axe: Callable[[Page], None]
) -> None:
    """The co-producer signs in with a password alone, reaches their relationship, and finds
    the offer on their account page, which says nothing is required of them."""
    sign_in(page, "sam")
    page.goto(f"/relationships/{relationship.pk}/")
    expect(h1(page)).not_to_have_text("Second step when you sign in")

    page.get_by_role("link", name="Your account").click()
    expect(h1(page)).to_have_text("Your account")
    expect(page.locator("#account-links")).to_contain_text("Change your password")
    axe(page)
    page.get_by_role("link", name="Set up a second step when you sign in").click()

    expect(h1(page)).to_have_text("Second step when you sign in")
    expect(page.locator(".nhsuk-warning-callout")).to_have_count(0)
    axe(page)


def test_staff_manage_their_app_and_recovery_codes(
    page: Page, relationship: Relationship, axe: Callable[[Page], None]
) -> None:
    """The professional's account page leads to their second factors, and to removing the app
    (after confirming it is them with their password and a code); the pages pass axe."""
    sign_in(page, "priya")
    page.get_by_role("link", name="Your account").click()
    expect(page.locator("#account-links")).to_contain_text("Manage the second step")
    axe(page)
    page.get_by_role("link", name="Manage the second step when you sign in").click()
    expect(h1(page)).to_have_text("Second step when you sign in")
    axe(page)

    page.get_by_role("link", name="Remove your authenticator app").click()
    expect(h1(page)).to_have_text("Confirm it is you")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(h1(page)).to_have_text("Confirm it is you")  # then the code (ASVS v5 7.5.1)
    axe(page)
    enter_code(page, "priya")

    expect(h1(page)).to_have_text("Remove your authenticator app")
    expect(page.locator(".nhsuk-warning-callout")).to_contain_text("another")
    axe(page)
