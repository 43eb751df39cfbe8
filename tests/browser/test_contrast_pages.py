"""Contrast counted from the answers (framework format 1.1), in a real browser.

Both people answer a new two-sided question `yes`; the scrutiny level on the relationship page
rises, and the contrast page names both answers as the source of the indicator. Every page
goes through axe.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from mutuality.web.relationships.models import Relationship
from tests.browser.test_questions_and_contract_pages import (
    _land_on_the_dashboard,  # noqa: F401 (a fixture, used by name)
    h1,
    open_relationship,
    question,
    relationship,  # noqa: F401 (a fixture, used by name)
    sign_in,
    sign_out,
)

pytestmark = pytest.mark.browser
SHARED_DECISIONS = {
    "priya": "Do you and the person make decisions about their care or treatment together?",
    "tomasz": "Do you and the professional make decisions about your care or treatment together?",
}


def _answer_yes(page: Page, username: str, pk: int) -> None:
    sign_in(page, username)
    page.goto(f"/relationships/{pk}/questions/")
    h1(page).to_have_text("Questions for both of you")
    question(page, SHARED_DECISIONS[username]).get_by_label("Yes").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Your answers are saved")


def test_answers_raise_the_level_and_the_contrast_page_names_them(
    page: Page,
    relationship: Relationship,  # noqa: F811 (the fixture imported above)
    axe: Callable[[Page], None],
) -> None:
    sign_in(page, "priya")
    open_relationship(page, relationship)
    expect(page.get_by_role("heading", name="Scrutiny: standard")).to_be_visible()
    sign_out(page)

    _answer_yes(page, "priya", relationship.pk)
    axe(page)
    sign_out(page)
    _answer_yes(page, "tomasz", relationship.pk)
    axe(page)

    page.goto(f"/relationships/{relationship.pk}/")
    expect(page.get_by_role("heading", name="Scrutiny: enhanced")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Say how your work differs from usual care").click()
    h1(page).to_contain_text("How your work differs from usual care")
    row = page.locator("#counted tr", has_text="You make clinical decisions together")
    expect(row).to_contain_text(f"You answered yes to “{SHARED_DECISIONS['tomasz']}”")
    expect(row).to_contain_text(f"priya answered yes to “{SHARED_DECISIONS['priya']}”")
    expect(page.locator("#counted")).to_contain_text("Declared by the people in the relationship")
    axe(page)
