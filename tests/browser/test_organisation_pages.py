"""The organisation's own pages in a real browser, with axe on each and the keyboard alone where
it matters: an admin reaches them from the header, invites a member of staff (seeing the errors
first), opens a person, chooses a relationship's supervisor, goes through each settings form and
the audit log; the new member of staff opens their link and chooses a password."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from mutuality.web.accounts.models import Role, User
from tests.browser import signing_in
from tests.factories import OrganisationFactory, RelationshipFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "a long browser test password"


@pytest.fixture
def admin(live_server: Any) -> User:
    organisation = OrganisationFactory(slug="trust", name="Riverside Trust")
    UserFactory(
        username="kaur", organisation=organisation, role=Role.SUPERVISOR, display_name="Dr Kaur"
    )
    RelationshipFactory(organisation=organisation, title="Walking group")
    return UserFactory(
        username="ada", password=PASSWORD, organisation=organisation, role=Role.ADMIN
    )


def sign_in(page: Page) -> None:
    signing_in.sign_in(page, "ada", PASSWORD, lands_on=None)


def tab_to_and_press(page: Page, name: str, role: str = "link", most: int = 60) -> None:
    """Press Tab until the named link or button has the focus, then Enter (no mouse)."""
    target = page.get_by_role(role, name=name, exact=True).first  # type: ignore[arg-type]
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            page.keyboard.press("Enter")
            return
    pytest.fail(f"Tab never reached {name}")


def heading(page: Page) -> Any:
    return page.get_by_role("heading", level=1)


def test_an_admin_runs_their_organisation_from_the_keyboard(
    page: Page, admin: User, axe: Callable[[Page], None]
) -> None:
    """Every organisation page passes axe, its forms show their errors, and the keyboard
    reaches each step."""
    sign_in(page)
    tab_to_and_press(page, "Your organisation")
    expect(heading(page)).to_contain_text("Your organisation")
    axe(page)

    tab_to_and_press(page, "People")
    expect(heading(page)).to_contain_text("People")
    axe(page)
    tab_to_and_press(page, "Invite a member of staff", role="button")
    expect(heading(page)).to_have_text("Invite a member of staff")
    page.get_by_role("button", name="Make their login and link").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    axe(page)
    page.get_by_label("Their name").fill("Priya Shah")
    page.get_by_label("Their email address").fill("priya@example.org")
    page.get_by_label("Their username").fill("priya")
    page.get_by_label("Independent reviewer").check()
    page.get_by_role("button", name="Make their login and link").click()
    expect(heading(page)).to_have_text("Priya Shah is invited")
    axe(page)
    link = page.get_by_label("Their link to choose a password").input_value()

    page.goto("/organisation/people/")
    page.get_by_role("link", name="Dr Kaur").click()
    expect(heading(page)).to_have_text("Dr Kaur")
    axe(page)

    page.goto("/organisation/relationships/")
    axe(page)
    tab_to_and_press(page, "Change who supervises and reviews Walking group")
    page.get_by_label("Who supervises this work?").select_option(label="Dr Kaur")
    page.get_by_label("Priya Shah").check()
    axe(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="Dr Kaur")).to_be_visible()

    page.goto("/organisation/settings/")
    axe(page)
    for path, name in (
        ("policy", "Longest gap between independent reviews, in days"),
        ("crisis-lines-and-report-name", "Your organisation's own crisis lines (optional)"),
        ("instruments", "Your organisation's own instruments (optional)"),
    ):
        page.goto(f"/organisation/settings/{path}/")
        axe(page)
        field = page.get_by_label(name)
        field.fill("0" if path == "policy" else "- [" if path == "instruments" else "x" * 1001)
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".nhsuk-error-summary")).to_be_focused()
        axe(page)

    page.goto("/organisation/")
    tab_to_and_press(page, "Audit log")
    expect(heading(page)).to_have_text("Audit log")
    axe(page)

    page.context.clear_cookies()
    page.goto(link)
    expect(heading(page)).to_have_text("Set your password")
    axe(page)
    page.get_by_label("Choose a password").fill("walking with the pushchair 42")
    page.get_by_label("Type the password again").fill("walking with the pushchair 42")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_text("Your password is saved")).to_be_visible()
