"""Sessions in a real browser: the warning before the idle limit (with short limits set through
Django's settings), "Stay signed in" from the keyboard, the sign-in page saying why, and the
sessions page, with axe on each."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import BrowserContext, Page, expect

from mutuality.web.accounts.sessions import ACTIVE_AT
from tests.browser.signing_in import enter_code, sign_in
from tests.factories import PASSWORD, USERNAMES, World
from tests.integration.test_access_matrix import OWN

pytestmark = pytest.mark.browser

WARNING = "You are about to be signed out"


@pytest.fixture
def short_limits(settings: Any) -> None:
    """A session ends after 8 seconds unused, with the warning 6 seconds before."""
    settings.SESSION_IDLE_SECONDS = 8
    settings.SESSION_WARNING_SECONDS = 6
    settings.SESSION_REFRESH_SECONDS = 1


def _sign_in(page: Page, standing: str = "professional") -> None:
    sign_in(page, USERNAMES[standing], PASSWORD)


def _last_active() -> int:
    (session,) = [s.get_decoded() for s in Session.objects.all() if s.get_decoded()]
    return int(session[ACTIVE_AT])


def test_the_warning_appears_and_stay_signed_in_works_from_the_keyboard(
    page: Page, world: World, short_limits: None, axe: Callable[[Page], None]
) -> None:
    """Near the limit the warning takes focus; Enter on "Stay signed in" closes it, gives the
    session longer and puts focus back where it was."""
    _sign_in(page)
    link = page.get_by_role("link", name="Mutuality", exact=True)
    link.focus()
    before = _last_active()

    warning = page.get_by_role("alertdialog", name=WARNING)
    expect(warning).to_be_visible(timeout=10_000)
    stay = warning.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    axe(page)
    page.keyboard.press("Enter")

    expect(warning).to_be_hidden()
    expect(link).to_be_focused()
    assert _last_active() > before
    expect(page.get_by_role("heading", level=1)).to_have_text("Your relationships")


def test_the_warning_writes_its_time_as_the_pages_language_does(
    page: Page, world: World, short_limits: None
) -> None:
    """The time in the warning follows <html lang>: American English gives a 12-hour clock,
    where the app's British English gives a 24-hour one."""
    _sign_in(page)
    page.evaluate("document.documentElement.lang = 'en-US'")

    warning = page.get_by_role("alertdialog", name=WARNING)
    expect(warning).to_be_visible(timeout=10_000)

    deadline = warning.locator("[data-session-when=renewable] [data-session-deadline]")
    expect(deadline).to_have_text(re.compile(r"^\d{1,2}:\d{2}\s?[AP]M$"))


def test_left_alone_the_page_goes_to_sign_in_saying_why(
    page: Page, world: World, short_limits: None, axe: Callable[[Page], None]
) -> None:
    """Nobody answers the warning: the page moves to sign in with the reason, and axe passes."""
    _sign_in(page)

    expect(page.get_by_role("alertdialog", name=WARNING)).to_be_visible(timeout=10_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in", timeout=15_000)

    expect(
        page.get_by_text("You were signed out because you had not used Mutuality for 8")
    ).to_be_visible()
    axe(page)


def test_the_sessions_page_ends_another_browser_from_the_keyboard(
    page: Page,
    new_context: Callable[..., BrowserContext],
    world: World,
    axe: Callable[[Page], None],
) -> None:
    """Signed in twice, the sessions page lists both and ends the other one by keyboard, once
    the password and a code are typed again (ASVS v5 7.5.2, 7.5.1)."""
    other = new_context().new_page()
    _sign_in(other)
    _sign_in(page)

    page.goto("/accounts/sessions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Where you are signed in")
    expect(page.get_by_role("row")).to_have_count(3)  # the header and two sessions
    axe(page)
    end = page.get_by_role("button", name="End the session of")
    end.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    axe(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password", exact=True).press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    axe(page)
    enter_code(page, USERNAMES["professional"])

    expect(page.get_by_text("Session ended.")).to_be_visible()
    expect(page.get_by_role("row")).to_have_count(2)
    axe(page)
    other.reload()
    expect(other.get_by_role("heading", level=1)).to_have_text("Sign in")


@pytest.mark.parametrize("standing", OWN)
def test_the_sessions_page_and_the_warning_pass_axe_for_every_role(
    page: Page, world: World, standing: str, short_limits: None, axe: Callable[[Page], None]
) -> None:
    """Each role's sessions page, and the warning over it, have no accessibility violation."""
    _sign_in(page, standing)

    page.goto("/accounts/sessions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Where you are signed in")
    axe(page)
    expect(page.get_by_role("alertdialog", name=WARNING)).to_be_visible(timeout=10_000)
    axe(page)
