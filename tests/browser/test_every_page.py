"""Every page, for every role: each person signs in and opens every page the access matrix
lets them open (tests/integration/test_access_matrix.py), and axe finds nothing on any of them,
at a desktop's width and at a phone's (320 × 640), where each must also fit without scrolling
sideways (issue 13, point 6; tests/browser/phone.py). The pages that belong to no relationship
(the dashboard, proposing one, the audit log, the error pages) are checked for the roles that
reach them. Each page is opened once for both widths: the walks are the dearest browser tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.phone import PHONE, too_wide, with_wide_things
from tests.browser.signing_in import sign_in
from tests.browser.waiting import settled
from tests.factories import PASSWORD, USERNAMES, World
from tests.integration.pages import error_pages, pages_for
from tests.integration.test_access_matrix import OWN

pytestmark = pytest.mark.browser


def _pages_for(world: World, standing: str) -> list[str]:
    return [page.url for page in pages_for(world, standing) if page.html]


@pytest.fixture
def world(world: World) -> World:
    """The shared world with what makes pages wide on a phone (charts, a long link, a draft)."""
    return with_wide_things(world)


def _on_a_desktop_and_a_phone(page: Page, axe: Callable[[Page], None]) -> str | None:
    """axe at the desktop's width, then at a phone's; why the page is too wide for the phone."""
    desktop = page.viewport_size
    assert desktop is not None
    axe(page)
    page.set_viewport_size(PHONE)  # the CSS alone decides what a phone is shown
    problem = too_wide(page)
    axe(page)
    page.set_viewport_size(desktop)
    return problem


@pytest.mark.parametrize("standing", OWN)
def test_every_page_this_role_may_open_passes_axe_and_fits_a_phone(
    new_context: Callable[..., BrowserContext],
    world: World,
    standing: str,
    axe: Callable[[Page], None],
) -> None:
    # pytest-playwright's `new_context` closes the context (and its connections) at teardown.
    page = new_context().new_page()
    sign_in(page, USERNAMES[standing], PASSWORD, axe=axe)
    too_wide_for_a_phone = []

    for url in _pages_for(world, standing):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        settled(page)  # htmx panels have loaded
        if problem := _on_a_desktop_and_a_phone(page, axe):
            too_wide_for_a_phone.append(problem)

    # What people see when they cannot go on: a page that is not theirs, and one not for them.
    for url, status in error_pages(world, standing):
        response = page.goto(url)
        assert response is not None and response.status == status, url
        if problem := _on_a_desktop_and_a_phone(page, axe):
            too_wide_for_a_phone.append(problem)

    assert not too_wide_for_a_phone, "\n".join(too_wide_for_a_phone)


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
