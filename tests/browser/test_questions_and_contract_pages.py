"""The questions and the contract in a real browser, each person on their own login.

The professional answers first; the co-producer's form unlocks; the co-producer answers and
sees both sets of answers side by side; the professional writes the contract; both agree to
it. Every page visited goes through axe, and the answers and agreements use the keyboard.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect

from mutuality.framework import validate_case
from mutuality.web.accounts.models import Role
from mutuality.web.relationships.models import ContractAgreement, Relationship
from tests.browser.signing_in import PASSWORD, sign_in
from tests.factories import RelationshipFactory, UserFactory

pytestmark = pytest.mark.browser

CASE = Path(__file__).resolve().parents[2] / "examples" / "fathers-walking-group.yaml"


@pytest.fixture(autouse=True)
def _land_on_the_dashboard(settings: Any) -> None:
    settings.LOGIN_REDIRECT_URL = "relationships:dashboard"


@pytest.fixture
def relationship(live_server: Any) -> Relationship:
    """The walking group before anyone has answered or written a contract, with two logins."""
    data = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    del data["contract"]
    for participant in data["participants"]:
        participant["answers"] = {}
    relationship = RelationshipFactory(
        organisation__slug="trust",
        organisation__name="Trust",
        case=validate_case(data, "browser test"),
    )
    for username, role, participant_role in (
        ("priya", Role.PROFESSIONAL, "professional"),
        ("tomasz", Role.CO_PRODUCER, "recipient"),
    ):
        user = UserFactory(
            username=username, password=PASSWORD, organisation=relationship.organisation, role=role
        )
        relationship.participants.filter(role=participant_role).update(user=user)
    return relationship


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def open_relationship(page: Page, relationship: Relationship) -> None:
    page.get_by_role("link", name=relationship.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(relationship.title)


def h1(page: Page) -> Any:
    return expect(page.get_by_role("heading", level=1))


def question(page: Page, wording: str) -> Any:
    return page.get_by_role("group", name=wording)


def test_both_answer_then_both_agree_the_contract(
    page: Page, relationship: Relationship, axe: Callable[[Page], None]
) -> None:
    """The whole story of this feature, with axe on every page."""
    # The co-producer cannot answer yet: the professional answers first.
    sign_in(page, "tomasz")
    open_relationship(page, relationship)
    axe(page)
    page.get_by_role("link", name="Answer the questions for both of you").click()
    h1(page).to_have_text("The professional answers first")
    # No form of the page's own (the header's Sign out and the session warning's are outside).
    expect(page.locator("main form[method=post]")).to_have_count(0)
    axe(page)
    sign_out(page)

    # The professional answers; an empty form is refused first.
    sign_in(page, "priya")
    open_relationship(page, relationship)
    page.get_by_role("link", name="Answer the questions for both of you").click()
    h1(page).to_have_text("Questions for both of you")
    axe(page)
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Answer at least one question")
    axe(page)
    question(page, "Could the person say no to this way of working").get_by_label("Yes").check()
    question(page, "How much change do you expect for the person").get_by_label("Some").check()
    question(page, "Who decides what our work together is aiming for?").get_by_label(
        "Both of us, together"
    ).check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Your answers are saved")
    expect(page.locator("#side-by-side")).to_contain_text("Not answered yet")
    axe(page)
    sign_out(page)

    # The co-producer's form has unlocked; they answer with the keyboard alone.
    sign_in(page, "tomasz")
    page.goto(f"/relationships/{relationship.pk}/questions/")
    h1(page).to_have_text("Questions for both of you")
    expect(page.locator("#side-by-side")).to_have_count(0)  # not before their own answers
    axe(page)
    goals = question(page, "Who decides what our work together is aiming for?")
    goals.get_by_label("The professional").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # moves to, and chooses, "Both of us, together"
    page.keyboard.press("Tab")  # on to the next question
    page.keyboard.press("ArrowDown")
    expect(goals.get_by_label("Both of us, together")).to_be_checked()
    methods = question(page, "Who decides how we do the work?")
    expect(methods.get_by_label("Both of us, together")).to_be_checked()
    decline = question(page, "Could you say no to this way of working")
    decline.get_by_label("No", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save my answers").focus()
    page.keyboard.press("Enter")
    table = page.locator("#side-by-side")
    expect(table).to_contain_text("Answer from priya (professional)")
    decline_row = table.locator("tr[data-question='can_decline']")
    expect(decline_row.locator("td").nth(1)).to_have_text("No")
    expect(decline_row.locator("td").nth(2)).to_have_text("Yes")
    expect(decline_row).to_contain_text("Your answers differ")
    axe(page)
    sign_out(page)

    # The professional writes the contract; a bad number of days is shown next to its field.
    sign_in(page, "priya")
    open_relationship(page, relationship)
    expect(page.locator("[data-code='respect.contract_missing']")).not_to_have_count(0)
    page.get_by_role("link", name="The contract (not written yet)").click()
    h1(page).to_have_text("The contract")
    axe(page)
    page.get_by_role("link", name="Write the contract").click()
    h1(page).to_have_text("Write the contract")
    axe(page)
    page.get_by_label("What this work may cost tomasz").fill("Two hours every Saturday")
    page.get_by_label("What tomasz may gain").fill("Paid sessional work\nA group he wished for")
    page.get_by_label("What this work may cost priya").fill("Weekend working")
    page.get_by_label("What priya may gain").fill("Reaching fathers we rarely see")
    page.get_by_label("tomasz (co-producer)", exact=True).check()
    page.get_by_label("priya (professional)", exact=True).check()
    question(page, "How is tomasz paid").get_by_label("A payment for this work").check()
    question(page, "How is priya paid").get_by_label("A salary").check()
    page.get_by_label("How can either of you end this way of working?").fill(
        "Either of us can step back at any time; tomasz keeps his support."
    )
    page.get_by_label("How often will you review the contract").fill("-30")
    page.get_by_role("button", name="Save the contract").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter a number of days from 1 to 36,500"
    )
    expect(page.get_by_label("What this work may cost tomasz")).to_have_value(
        "Two hours every Saturday"
    )  # nothing typed is lost
    axe(page)
    page.get_by_role("link", name="Enter a number of days from 1 to 36,500").click()
    expect(page.get_by_label("How often will you review the contract")).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("90")
    page.get_by_role("button", name="Save the contract").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("version 1")
    expect(page.locator("#agreements")).to_contain_text("None yet")
    axe(page)

    # The professional agrees, using the keyboard.
    page.get_by_role("link", name="Read and agree to version 1").click()
    h1(page).to_have_text("Agree to version 1 of the contract")
    expect(page.get_by_text("Paid sessional work")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="I agree to version 1").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#your-agreement")).to_contain_text(
        re.compile(r"You agreed to version 1 on \d{1,2} \w+ \d{4}")
    )
    axe(page)
    sign_out(page)

    # The co-producer reads the contract in plain English and agrees too.
    sign_in(page, "tomasz")
    open_relationship(page, relationship)
    page.get_by_role("link", name=re.compile(r"Read the contract \(version 1\)")).click()
    expect(page.locator("#your-agreement")).to_contain_text("You have not agreed")
    axe(page)
    page.get_by_role("link", name="Read and agree to version 1").click()
    axe(page)
    page.get_by_role("button", name="I agree to version 1").click()
    expect(page.locator("#your-agreement")).to_contain_text("You agreed to version 1 on")
    expect(page.locator("#agreements")).not_to_contain_text("Not yet")
    axe(page)
    page.get_by_role("link", name="Go back to the relationship").click()
    expect(page.locator("[data-code='respect.contract_missing']")).to_have_count(0)
    axe(page)
    assert ContractAgreement.objects.filter(contract__relationship=relationship).count() == 2
