"""The people pages in a real browser, with axe on every page and the keyboard alone where it
matters: a professional proposes a relationship and invites a co-producer, who opens the link,
sets a password, lands on the relationship and records their consent."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from mutuality.web.accounts.models import Role, User
from mutuality.web.relationships.models import Relationship
from tests.browser.signing_in import PASSWORD, sign_in
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.browser

NEW_PASSWORD = "walking with the pushchair 42"
TITLE = "Planning the fathers' walking group together"


@pytest.fixture(autouse=True)
def _land_on_the_dashboard(settings: Any) -> None:
    settings.LOGIN_REDIRECT_URL = "relationships:dashboard"


@pytest.fixture
def people(live_server: Any) -> dict[str, User]:
    organisation = OrganisationFactory(slug="trust", name="Trust")
    return {
        username: UserFactory(
            username=username,
            password=PASSWORD,
            organisation=organisation,
            role=role,
            display_name=name,
        )
        for username, role, name in (
            ("priya", Role.PROFESSIONAL, "Priya Shah"),
            ("kaur", Role.SUPERVISOR, "Dr Kaur"),
        )
    }


def tab_to(page: Page, target: Locator, most: int = 80) -> None:
    """Press Tab until `target` has the focus (so it is reachable without a mouse)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {target}")


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def propose(page: Page, axe: Callable[[Page], None]) -> Relationship:
    """As the professional, from the dashboard: propose, seeing the errors on the way."""
    propose_button = page.get_by_role("link", name="Propose a relationship")
    tab_to(page, propose_button)
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Propose a relationship")
    expect(page.get_by_label("Your name in this relationship")).to_have_value("priya")
    axe(page)

    page.get_by_role("button", name="Propose the relationship").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a name for the relationship")
    expect(page).to_have_title(re.compile("^Error: "))
    axe(page)
    summary.get_by_role("link", name="Enter a name for the relationship").click()
    expect(page.get_by_label("What will you call this relationship?")).to_be_focused()

    page.keyboard.type(TITLE)
    page.get_by_label("Peer support").check()
    page.get_by_label("What will you decide or make together?").fill(
        "the routes\nthe meeting times"
    )
    page.get_by_label("A name for the person you will work with").fill("tomasz")
    page.get_by_label("Who supervises this work?").select_option(label="Dr Kaur")
    page.get_by_role("button", name="Propose the relationship").click()

    expect(heading(page)).to_have_text(TITLE)
    expect(page.get_by_text("Your relationship is proposed.")).to_be_visible()
    axe(page)
    return Relationship.objects.get(title=TITLE)


def invite(page: Page, axe: Callable[[Page], None]) -> str:
    """As the professional, on the relationship page: make the invitation link."""
    link = page.get_by_role("link", name="Invite the person you work with to set up their login")
    tab_to(page, link)
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Invite the person you work with")
    expect(page.get_by_label("Their name in this relationship")).to_have_value("tomasz")
    axe(page)

    name = page.get_by_label("Their full name")
    tab_to(page, name)
    page.keyboard.type("Tomasz Nowak")
    page.keyboard.press("Enter")

    expect(heading(page)).to_have_text("Send this link to Tomasz Nowak")
    axe(page)
    return page.get_by_label("Invitation link for tomasz").input_value()


def test_propose_invite_accept_and_consent(
    page: Page, people: dict[str, User], axe: Callable[[Page], None]
) -> None:
    """The whole first story, every page checked by axe."""
    sign_in(page, "priya")
    axe(page)
    relationship = propose(page, axe)
    expect(page.locator("#people + dl")).to_contain_text("Does not have a login yet")
    link = invite(page, axe)
    assert link.startswith("http")
    page.get_by_role("button", name="Sign out").click()

    page.goto(link)
    expect(heading(page)).to_have_text("Set up your login")
    expect(
        page.get_by_text(f"Priya Shah has invited you to work together on “{TITLE}”")
    ).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Tomasz Nowak")
    axe(page)
    page.get_by_label("Choose a username").fill("tomasz.n")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill("not the same password at all")
    page.get_by_role("button", name="Save and sign in").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("The two passwords are different")
    axe(page)
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").fill(NEW_PASSWORD)
    page.get_by_label("Type the password again").press("Enter")

    expect(heading(page)).to_have_text(TITLE)
    expect(page.get_by_text("Your password is saved and you are signed in.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Your account")).to_contain_text("Tomasz Nowak")
    axe(page)

    consent_link = page.get_by_role("link", name="Say whether you agree to working this way")
    tab_to(page, consent_link)
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Do you agree to working this way?")
    axe(page)
    first_choice = page.get_by_label(re.compile("^Yes, I agree, and the costs"))
    tab_to(page, first_choice)
    page.keyboard.press("Space")
    expect(first_choice).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save my answer"))
    page.keyboard.press("Enter")

    expect(heading(page)).to_have_text(TITLE)
    row = page.locator(
        "#people + dl .nhsuk-summary-list__row", has_text="Tomasz Nowak (co-producer)"
    )
    expect(row).to_contain_text("Agrees, and the costs, benefits and other options were explained")
    axe(page)
    relationship.refresh_from_db()
    assert relationship.participants.get(slug="tomasz").consent == "informed"

    # A new tab: the browser rightly logs the 410 response, which `page` would count as a fault.
    again = page.context.new_page()
    response = again.goto(link)
    assert response is not None and response.status == 410
    expect(heading(again)).to_have_text("This link does not work")
    expect(again.get_by_text("This link has expired or has already been used.")).to_be_visible()
    axe(again)


def test_staff_record_who_else_is_affected(
    page: Page, people: dict[str, User], axe: Callable[[Page], None]
) -> None:
    """Adding an affected party (with the reason rule), changing it, and the 'nobody' page."""
    sign_in(page, "priya")
    propose(page, axe)
    page.get_by_role("link", name="Record who else this relationship affects").click()
    expect(heading(page)).to_have_text("Who else this relationship affects")
    axe(page)
    page.get_by_role("link", name="Record that nobody else is affected").click()
    expect(heading(page)).to_have_text("Nobody else is affected")
    axe(page)
    page.get_by_role("link", name="Go back and add someone instead").click()

    page.get_by_label("Who else does this relationship affect?").fill("the other fathers")
    page.get_by_label("Their agreement is not needed (say why below)").check()
    page.get_by_role("button", name="Add this person").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Say why their agreement is not needed"
    )
    axe(page)
    page.get_by_label("Nobody has asked them yet").check()
    page.get_by_role("button", name="Add this person").click()
    expect(page.get_by_text("Added: the other fathers.")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Change what is recorded about the other fathers").click()
    expect(heading(page)).to_have_text("Change what is recorded about the other fathers")
    axe(page)
    page.get_by_label(re.compile("^They agree, and the costs")).check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("They agree, and the costs")
    page.get_by_role("link", name="Go back to the relationship").click()
    expect(page.locator("#people ~ ul").first).to_contain_text("the other fathers: agrees")
    axe(page)
