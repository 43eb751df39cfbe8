"""Signing in and out in a real browser: keyboard only, errors in focus, no axe violations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture
def user(live_server: Any) -> Any:
    """A co-producer with a known password (the live server sees it: transactional DB), who
    signs in with it alone (staff's code step: test_second_factor_pages.py)."""
    return get_user_model().objects.create_user(
        username="alex", password=PASSWORD, display_name="Alex Morgan", role="co_producer"
    )


def tab_to(page: Page, selector: str, most: int = 10) -> int:
    """Press Tab until `selector` has focus; return how many presses it took."""
    target = page.locator(selector)
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return presses
    pytest.fail(f"{selector} was not reached in {most} presses of Tab")


def sign_in(page: Page, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_login_page_has_no_accessibility_violations(
    page: Page, live_server: Any, axe: Callable[[Page], None], width: int
) -> None:
    """The sign-in page is titled, has one main landmark and passes axe, wide and narrow."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/accounts/login/")

    expect(page).to_have_title("Sign in – Mutuality")
    expect(page.locator("main#maincontent")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    axe(page)


def test_sign_in_with_the_keyboard_only(
    page: Page, live_server: Any, user: Any, axe: Callable[[Page], None]
) -> None:
    """The skip link comes first; Tab, type and Enter sign in and land on the redirect target."""
    page.goto("/accounts/login/")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    tab_to(page, "#id_username")
    page.keyboard.type("alex")
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    with page.expect_request(f"{live_server.url}/"):  # LOGIN_REDIRECT_URL in these tests
        page.keyboard.press("Enter")

    # "/" sends a signed-in person on to their dashboard.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your relationships")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    axe(page)


def test_failed_sign_in_focuses_the_error_summary(
    page: Page, live_server: Any, user: Any, axe: Callable[[Page], None]
) -> None:
    """A wrong password shows a focused error summary whose link takes focus to the field."""
    sign_in(page, password="not the password")

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(
        "Enter a correct username and password. Both are case-sensitive."
    )
    expect(page).to_have_title("Error: Sign in – Mutuality")
    axe(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#id_username")).to_be_focused()


def test_empty_sign_in_names_each_missing_field(
    page: Page, live_server: Any, axe: Callable[[Page], None]
) -> None:
    """Sending the empty form lists both fields in the summary and marks each field in error."""
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator(".nhsuk-error-summary__list li")).to_have_text(
        ["Enter your username", "Enter your password"]
    )
    expect(page.locator("#id_password")).to_have_attribute("aria-invalid", "true")
    axe(page)


def test_sign_out(page: Page, live_server: Any, user: Any, axe: Callable[[Page], None]) -> None:
    """Sign out in the header ends the session and says so on the sign-in page."""
    sign_in(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    axe(page)

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("alert")).to_contain_text("You have signed out.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    axe(page)


def test_htmx_requests_carry_the_csrf_token(page: Page, live_server: Any, user: Any) -> None:
    """An htmx POST passes Django's CSRF check thanks to data-hx-headers on <body>."""
    sign_in(page)

    with page.expect_response(f"{live_server.url}/accounts/logout/") as sent:
        page.evaluate("htmx.ajax('POST', '/accounts/logout/', {swap: 'none'})")

    assert sent.value.status == 302  # signed out; a missing token would be a 403
    page.reload()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
