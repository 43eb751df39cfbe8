"""Signing in through the pages, as a person does, for every browser test: the password, then
for staff the code their authenticator app would show (the factories give staff an app with
the known key tests.factories.TOTP_SECRET; ADR 0010).

The service refuses a code it has already taken while that code is current, and takes the code
of the step before and after the current one (clocks drift). So when a test signs the same
person in again within the same half-minute, the next code is typed instead.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from mutuality.web.accounts.models import User
from tests.factories import TOTP_SECRET, totp_code

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
    """Type a code this person's app would show now, that the service has not yet taken."""
    pk = User.objects.get(username=username).pk
    typed = _TYPED.setdefault(pk, set())
    code = next(code for step in (0, 1, -1) if (code := totp_code(step, TOTP_SECRET)) not in typed)
    typed.add(code)
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
