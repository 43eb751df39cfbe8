"""Phone first (issue 13, point 6): every page fits a 320 px wide screen without scrolling
sideways, and axe finds nothing on it at that width (tables stacked, charts shrunk). The pages
each role reaches are checked so by the every-page walk (test_every_page.py), which opens each
once and checks it at a desktop's width and then a phone's; here, the pages anyone opens
signed out, and the check itself. A page that is too wide names the elements that stick out,
so the failure says what to fix."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.browser.phone import PHONE, too_wide
from tests.browser.waiting import settled
from tests.factories import World
from tests.integration.pages import public_pages, publish_transparency

pytestmark = pytest.mark.browser


def test_every_public_page_fits_a_phone(
    new_context: Callable[..., BrowserContext], world: World, axe: Callable[[Page], None]
) -> None:
    """The pages anyone can open signed out are at most 320 px wide."""
    publish_transparency(world)
    page = new_context(viewport=PHONE).new_page()
    problems = []

    for url in [p.url for p in public_pages() if p.html]:
        response = page.goto(url)
        assert response is not None and response.status < 500, url
        settled(page)
        if problem := too_wide(page):
            problems.append(problem)
        axe(page)

    assert not problems, "\n".join(problems)


def test_a_wide_page_is_reported_with_what_sticks_out(
    new_context: Callable[..., BrowserContext], world: World
) -> None:
    """The check itself can fail: a page with a 600 px block is too wide, and says which."""
    page = new_context(viewport=PHONE).new_page()
    page.goto("/accounts/login/")
    page.evaluate(
        "const block = document.createElement('div'); block.id = 'too-wide';"
        "block.style.width = '600px'; block.textContent = 'wide';"
        "document.querySelector('main').append(block);"
    )

    problem = too_wide(page)

    assert problem is not None and "div#too-wide" in problem
