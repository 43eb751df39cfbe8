"""Forgotten and changed passwords in a real browser, with axe on every page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from playwright.sync_api import Page, expect

from mutuality.web.outbox.models import Kind, OutgoingMessage
from tests.factories import verify_email

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a new and long enough password"


@pytest.fixture
def user(live_server: Any) -> Any:
    """A co-producer with a verified email address (only such an address gets a reset link)
    and a known password (the live server sees it); a co-producer, so that signing in needs
    the password alone (staff: test_second_factor_pages)."""
    cache.clear()  # allauth counts requests for reset emails in the cache
    person = get_user_model().objects.create_user(
        username="alex",
        email="alex@example.org",
        password=PASSWORD,
        display_name="Alex Morgan",
        role="co_producer",
    )
    return verify_email(person)


def _heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def test_forgotten_password_email_new_password_sign_in(
    page: Page, live_server: Any, user: Any, axe: Callable[[Page], None]
) -> None:
    """From the sign-in page: ask for an email, follow its link, choose a new password, sign
    in with it by email address; the used link then says it no longer works."""
    page.goto("/accounts/login/")
    page.get_by_role("link", name="get an email to set a new one").click()
    _heading(page, "Reset your password")
    axe(page)
    page.get_by_role("button", name="Send the email").click()  # nothing typed yet
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter your email address")
    axe(page)

    page.get_by_label("Email address").fill("alex@example.org")
    page.get_by_role("button", name="Send the email").click()
    _heading(page, "Check your email")
    axe(page)
    (message,) = OutgoingMessage.objects.filter(kind=Kind.PASSWORD_RESET)
    link = re.findall(r"http://\S+/accounts/password/reset/key/\S+/", message.body)[0]

    page.goto(link)
    _heading(page, "Choose a new password")
    axe(page)
    page.get_by_label("Choose a new password").fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()
    _heading(page, "Your password has been changed")
    axe(page)

    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("alex@example.org")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    _heading(page, "Your relationships")
    axe(page)

    page.goto(link)
    _heading(page, "This link does not work")
    axe(page)
    page.get_by_role("link", name="Ask for a new link").click()
    _heading(page, "Reset your password")


def test_change_password(
    page: Page, live_server: Any, user: Any, axe: Callable[[Page], None]
) -> None:
    """Signed in, sending the form first asks for the password again (ASVS v5 7.5.1), then a
    wrong current password is named in the error summary; the right one changes the
    password."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/accounts/password/change/")
    _heading(page, "Change your password")
    axe(page)

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("Choose a new password").fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()
    _heading(page, "Confirm it is you")  # the form is not kept: it holds the new password
    axe(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    _heading(page, "Change your password")
    page.get_by_label("Current password").fill("not it")
    page.get_by_label("Choose a new password").fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter your current password")
    axe(page)
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("Choose a new password").fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()

    expect(page.get_by_role("alert")).to_contain_text("Your password has been changed.")
    axe(page)
