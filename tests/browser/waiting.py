"""Waiting for a page to finish what htmx started, without Playwright's "networkidle" (which
always waits half a second of silence, on every page of the every-page walks)."""

from __future__ import annotations

from playwright.sync_api import Page

# A panel htmx loads once the page has (data-hx-trigger="load": the relationship page's
# records panel) is replaced by its content, which has no trigger; htmx marks an element while
# its request is out and while the answer is swapped in and settles.
_STILL_LOADING = (
    "() => !document.querySelector("
    '\'[data-hx-trigger="load"], [hx-trigger="load"], '
    ".htmx-request, .htmx-swapping, .htmx-settling')"
)


def settled(page: Page) -> None:
    """Wait until every panel htmx loads with the page is in place."""
    page.wait_for_function(_STILL_LOADING)
