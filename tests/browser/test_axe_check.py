"""The accessibility check itself (the `axe` fixture, tests/browser/conftest.py) can fail: it
reports a violation on a page, and again on the same page checked a second time, where axe-core
is already in the document (as the every-page walk checks each page at two widths)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

IMAGE_WITHOUT_WORDS = (
    "const image = document.createElement('img'); image.src = '/static/images/favicon.svg';"
    "document.querySelector('main').append(image);"
)


def test_a_violation_is_reported_on_a_first_and_a_second_check(
    page: Page, axe: Callable[[Page], None]
) -> None:
    """The sign-in page passes; with an image without alternative text it fails, naming the
    rule, though axe-core was put into the page by the first check."""
    # Arrange
    page.goto("/accounts/login/")
    axe(page)  # passes, and leaves axe-core in the document

    # Act
    page.evaluate(IMAGE_WITHOUT_WORDS)

    # Assert
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        axe(page)
