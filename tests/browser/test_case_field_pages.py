"""The case format's descriptions of people and of the work, set in a real browser by
keyboard: the co-producer adds their access needs and their own view of their capacity and
changes what the two do together, the professional records capacity, sets the context and the
approach, and renames the work. Every page goes through axe."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from mutuality.web.relationships.models import Relationship
from tests.browser.test_questions_and_contract_pages import (
    _land_on_the_dashboard,  # noqa: F401 (a fixture, used by name)
    h1,
    open_relationship,
    relationship,  # noqa: F401 (a fixture, used by name)
    sign_in,
    sign_out,
)

pytestmark = pytest.mark.browser


def _follow(page: Page, name: str) -> None:
    """Move to a link by keyboard and press Enter on it."""
    link = page.get_by_role("link", name=name).first
    link.focus()
    page.keyboard.press("Enter")


def test_both_people_describe_the_work_by_keyboard(
    page: Page,
    relationship: Relationship,  # noqa: F811 (the fixture imported above)
    axe: Callable[[Page], None],
) -> None:
    """Both people set their parts of the case by keyboard, with axe at zero on each page."""
    sign_in(page, "priya")
    open_relationship(page, relationship)
    _follow(page, "Capacity, access needs and adjustments: see and change them")
    h1(page).to_contain_text("The people in this relationship")
    axe(page)
    tomasz = relationship.participants.get(slug="tomasz").pk  # his pages go by his number
    page.goto(f"/relationships/{relationship.pk}/people/{tomasz}/capacity/")
    h1(page).to_contain_text("capacity")
    page.get_by_label("Not sure").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save").press("Enter")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("capacity is saved")
    page.goto(f"/relationships/{relationship.pk}/context/")
    h1(page).to_contain_text("The context of the work")
    axe(page)
    page.get_by_label("You have agreed with others").check()
    page.get_by_role("button", name="Save").press("Enter")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Tick this only if")
    axe(page)
    page.goto(f"/relationships/{relationship.pk}/approach/")
    h1(page).to_have_text(f"{relationship.title} – How you work")
    axe(page)
    page.goto(f"/relationships/{relationship.pk}/")
    _follow(page, "Change the name of this work and where it happens")
    h1(page).to_contain_text("The name of this work and where it happens")
    axe(page)
    page.get_by_label("What do you call this relationship?").fill("")
    page.get_by_role("button", name="Save").press("Enter")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter a name for the relationship"
    )
    axe(page)
    page.get_by_label("What do you call this relationship?").fill("Walking with new dads")
    page.get_by_label("Community work").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save").press("Enter")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("name and setting are saved")
    h1(page).to_have_text("Walking with new dads")
    relationship.refresh_from_db()
    assert (relationship.title, relationship.setting) == ("Walking with new dads", "community")
    sign_out(page)

    sign_in(page, "tomasz")
    open_relationship(page, relationship)
    _follow(page, "Capacity, access needs and adjustments: see and change them")
    _follow(page, "Add your view of your capacity")
    h1(page).to_contain_text("Your view of your capacity")
    axe(page)
    page.get_by_label("I can make these decisions", exact=True).check()
    page.get_by_role("button", name="Save").press("Enter")
    expect(page.locator("body")).to_contain_text("Your own view: I can make these decisions")
    _follow(page, "Change the access needs of")
    h1(page).to_contain_text("for you")
    page.get_by_label("Access needs").fill("large print")
    page.get_by_role("button", name="Save").press("Enter")
    expect(page.locator("body")).to_contain_text("large print")
    axe(page)
    open_relationship(page, relationship)
    _follow(page, "Change what you decide or make together")
    h1(page).to_contain_text("What you decide or make together")
    axe(page)
    field = page.get_by_label("What do you decide or make together?")
    field.fill("the walking routes\nwhere we stop for tea")
    page.get_by_role("button", name="Save").press("Enter")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("What you do together")
    relationship.refresh_from_db()
    assert relationship.co_produced_elements == ["the walking routes", "where we stop for tea"]
