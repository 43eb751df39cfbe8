"""Signing in through the pages, as a person does, for every browser test: the password, then
for staff the code their authenticator app would show (the factories give staff an app with
the known key tests.factories.TOTP_SECRET; ADR 0010).

The service takes only the code of the current 30-second step, and refuses a code it has
already taken. The clock it checks codes against is held still for each test (the `totp_clock`
fixture, tests/conftest.py), so when a test signs the same person in again, the clock is moved
on to the app's next code first, as a person would wait for it.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from mutuality.web.accounts.models import User
from tests.factories import TOTP_SECRET, held_totp_clock, totp_code

PASSWORD = "a long browser test password"  # the browser tests' people's, unless they say
CODE_PAGE = "/accounts/2fa/authenticate/"
_TYPED: dict[int, set[str]] = {}  # each account's codes typed so far (by the account's id)


def sign_in(
    page: Page,
    username: str,
    password: str = PASSWORD,
    *,
    axe: Callable[[Page], None] | None = None,
    lands_on: str | None = "Your relationships",
) -> None:
    """Sign in through the sign-in page (and the code page for staff), checking each page with
    `axe` if given; then expect the page landed on to have the heading `lands_on`."""
    page.goto("/accounts/login/")
    if axe:
        axe(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password", exact=True).press("Enter")
    page.wait_for_load_state()
    if page.url.endswith(CODE_PAGE):
        if axe:
            axe(page)
        enter_code(page, username)
    if lands_on:
        expect(page.get_by_role("heading", level=1)).to_have_text(lands_on)
        if axe:
            axe(page)


def forget_typed_codes() -> None:
    """Start afresh, as the service does when the shared cache that records used codes is
    emptied (before each browser test; ids are used again from one test to the next)."""
    _TYPED.clear()


def enter_code(page: Page, username: str) -> None:
    """Type a code this person's app would show now, that the service has not yet taken
    (waiting for the next one, by moving the held clock on, when this one was typed)."""
    pk = User.objects.get(username=username).pk
    typed = _TYPED.setdefault(pk, set())
    while totp_code(secret=TOTP_SECRET) in typed:
        held_totp_clock().next_step()
    code = totp_code(secret=TOTP_SECRET)
    typed.add(code)
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
