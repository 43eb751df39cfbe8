"""Confirming and changing one's email address in a real browser, with axe on every page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from playwright.sync_api import Page, expect

from mutuality.web.outbox.models import Kind, OutgoingMessage
from tests.browser.signing_in import PASSWORD, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def user(live_server: Any) -> Any:
    """A co-producer (the password alone signs them in) whose address is not yet confirmed."""
    cache.clear()  # allauth counts requests for confirmation emails in the cache
    return get_user_model().objects.create_user(
        username="robin",
        email="robin@example.org",
        password=PASSWORD,
        display_name="Robin Hale",
        role="co_producer",
    )


def _heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _confirmation_link() -> str:
    message = OutgoingMessage.objects.filter(kind=Kind.EMAIL_CONFIRMATION).latest("pk")
    return str(re.findall(r"http://\S+/accounts/confirm-email/\S+/", message.body)[0])


def test_change_an_address_and_confirm_it_from_the_link(
    page: Page, live_server: Any, user: Any, axe: Callable[[Page], None]
) -> None:
    """From "Your account": the address shows as not confirmed; sending a new one asks for the
    password again, then a wrong new address is named as the problem; a right one is mailed a link, which asks to confirm and then does."""
    sign_in(page, "robin")
    page.goto("/accounts/")
    expect(page.locator("#email-status")).to_contain_text("Not confirmed")
    axe(page)

    page.get_by_role("link", name="Change your email address").click()
    _heading(page, "Change your email address")
    axe(page)
    page.get_by_label("New email address").fill("not an address")
    page.get_by_role("button", name="Send a confirmation link").click()
    _heading(page, "Confirm it is you")  # changing an address asks for the password again
    axe(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("in the correct format")
    axe(page)
    page.get_by_label("New email address").fill("robin.hale@example.org")
    page.get_by_role("button", name="Send a confirmation link").click()
    _heading(page, "Your account")
    expect(page.locator("#email-status")).to_contain_text("robin.hale@example.org")
    axe(page)

    page.goto(_confirmation_link())
    _heading(page, "Confirm your email address")
    axe(page)
    page.get_by_role("button", name="Confirm my email address").click()
    _heading(page, "Your account")
    expect(page.locator("#email-status")).to_contain_text("Confirmed")
    axe(page)
    assert EmailAddress.objects.get(user=user).email == "robin.hale@example.org"

    page.goto("/accounts/confirm-email/not-a-key/")
    _heading(page, "This link does not work")
    axe(page)
