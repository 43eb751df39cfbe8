"""One's own API tokens in a real browser, by keyboard, with axe on every page: made (after
confirming it is them), shown once, listed, and revoked; and the API's documentation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from mutuality.web.api.models import ApiToken
from tests.browser.signing_in import PASSWORD, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def user(live_server: Any) -> Any:
    """A co-producer: the password alone signs them in, and confirms it is them."""
    return get_user_model().objects.create_user(
        username="robin", password=PASSWORD, display_name="Robin Hale", role="co_producer"
    )


def _heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _press(page: Page, name: str, role: str = "button") -> None:
    """Move the focus to a button or link and press Enter, as someone without a mouse does."""
    page.get_by_role(role, name=name).focus()  # type: ignore[arg-type]
    page.keyboard.press("Enter")


def test_a_token_is_made_shown_once_and_revoked_from_the_keyboard(
    page: Page, user: Any, axe: Callable[[Page], None]
) -> None:
    """From "Your account" to the tokens page; making one asks for the password first, then
    shows the token once; the list names it; revoking it says so and it leaves the list."""
    sign_in(page, "robin")
    page.goto("/accounts/")
    _press(page, "Let another computer system use Mutuality for you (API tokens)", "link")
    _heading(page, "Your API tokens")
    expect(page.get_by_text("You have no tokens.")).to_be_visible()
    axe(page)

    page.get_by_label("What will you call this token?").fill("My diary app")
    page.get_by_label("30 days").check()
    _press(page, "Make the token")
    _heading(page, "Confirm it is you")
    axe(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    _press(page, "Continue")

    _heading(page, "Your API tokens")
    secret = page.locator("#new-token code").inner_text()
    assert secret.startswith("mty_")
    expect(page.locator("#tokens")).to_contain_text("My diary app")
    axe(page)
    page.goto("/accounts/tokens/")
    expect(page.locator("#new-token")).to_have_count(0)  # shown once

    _press(page, "Revoke the token My diary app")
    expect(page.locator(".nhsuk-notification-banner--success")).to_contain_text("is revoked")
    expect(page.get_by_text("You have no tokens.")).to_be_visible()
    axe(page)
    assert ApiToken.objects.get(user=user).revoked is not None


def test_the_api_documentation_lists_every_endpoint(
    page: Page, axe: Callable[[Page], None]
) -> None:
    """Anyone can read how the API works; each endpoint in the contents leads to its part."""
    page.goto("/api/v1/docs")
    _heading(page, "The Mutuality API")
    axe(page)

    _press(page, "The relationships you can see", "link")

    expect(page.locator("section:target h3")).to_have_text("The relationships you can see")
    expect(page.locator("section:target")).to_contain_text("GET /api/v1/relationships")
