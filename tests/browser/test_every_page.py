"""Every page, for every role: each person signs in and opens every page the access matrix
lets them open (tests/integration/test_access_matrix.py), and axe finds nothing on any of them.
The pages that belong to no relationship (the dashboard, proposing one, the audit log, the
error pages) are checked for the roles that reach them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.signing_in import sign_in
from tests.browser.waiting import settled
from tests.factories import PASSWORD, USERNAMES, World
from tests.integration.pages import error_pages, pages_for
from tests.integration.test_access_matrix import OWN

pytestmark = pytest.mark.browser


def _pages_for(world: World, standing: str) -> list[str]:
    return [page.url for page in pages_for(world, standing) if page.html]


@pytest.mark.parametrize("standing", OWN)
def test_every_page_this_role_may_open_passes_axe(
    new_context: Callable[..., BrowserContext],
    world: World,
    standing: str,
    axe: Callable[[Page], None],
) -> None:
    # pytest-playwright's `new_context` closes the context (and its connections) at teardown.
    page = new_context().new_page()
    sign_in(page, USERNAMES[standing], PASSWORD, axe=axe)

    for url in _pages_for(world, standing):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        settled(page)  # htmx panels have loaded
        axe(page)

    # What people see when they cannot go on: a page that is not theirs, and one not for them.
    for url, status in error_pages(world, standing):
        response = page.goto(url)
        assert response is not None and response.status == status, url
        axe(page)


def test_the_sign_in_and_lockout_pages_pass_axe(
    new_context: Callable[..., BrowserContext], world: World, axe: Callable[[Page], None]
) -> None:
    # Not the `page` fixture: Chromium logs the lockout's 429 status as a console error.
    page = new_context().new_page()
    page.goto("/accounts/login/")
    axe(page)
    for _ in range(10):
        page.get_by_label("Username").fill("co")
        page.get_by_label("Password", exact=True).fill("not the password")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many tries to sign in")
    axe(page)
