"""Supervision and records in a real browser: the supervisor records supervision and raises
an observation that the assessment takes up; a co-producer raises one privately, which the
supervisor puts on the record; the co-producer asks for a consultation and the reviewer records
a review; every page passes axe, and the forms work with the keyboard alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mutuality.web.accounts.models import Role
from mutuality.web.relationships.models import Observation, Relationship, SupervisionRecord
from tests.browser.signing_in import PASSWORD, sign_in
from tests.factories import RelationshipFactory, UserFactory

pytestmark = pytest.mark.browser

CASE = Path(__file__).resolve().parents[2] / "examples" / "fathers-walking-group.yaml"
SECRET = "He asked me to keep our Saturday meet-ups from the team"


@pytest.fixture(autouse=True)
def _land_on_the_dashboard(settings: Any) -> None:
    settings.LOGIN_REDIRECT_URL = "relationships:dashboard"


@pytest.fixture
def relationship(live_server: Any) -> Relationship:
    """The walking-group example with its professional, co-producer and supervisor."""
    relationship = RelationshipFactory(organisation__slug="trust", organisation__name="Trust")
    people = {}
    for username, role, shown in (
        ("priya", Role.PROFESSIONAL, "Priya Shah"),
        ("tomasz", Role.CO_PRODUCER, "Tomasz Nowak"),
        ("kaur", Role.SUPERVISOR, "Dr Kaur"),
    ):
        people[username] = UserFactory(
            username=username,
            password=PASSWORD,
            organisation=relationship.organisation,
            role=role,
            display_name=shown,
        )
    relationship.participants.filter(role="professional").update(user=people["priya"])
    relationship.participants.filter(role="recipient").update(user=people["tomasz"])
    relationship.supervisor = people["kaur"]
    relationship.save()
    return relationship


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def open_relationship(page: Page, relationship: Relationship) -> None:
    """From the dashboard to the relationship page, once htmx has loaded the records panel."""
    page.get_by_role("link", name=relationship.title).click()
    expect(page.locator("section#records-panel")).to_be_visible()


def fill_today(page: Page) -> None:
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))


def test_supervisor_records_supervision_and_raises_an_observation(
    page: Page, relationship: Relationship, axe: Callable[[Page], None]
) -> None:
    """Supervision and a collusion observation change the assessment; resolving undoes it."""
    sign_in(page, "kaur")
    axe(page)
    open_relationship(page, relationship)
    expect(page.locator("[data-code='competence.collusion']")).to_have_count(0)
    axe(page)

    page.get_by_role("link", name="Record a supervision session").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a supervision session")
    axe(page)
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save the supervision session").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "The date of the supervision must be a real date"
    )
    expect(page).to_have_title("Error: Record a supervision session – Mutuality")
    axe(page)
    fill_today(page)
    page.get_by_label("Anything to note").fill("Talked about the first walks")
    page.get_by_role("button", name="Save the supervision session").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("is recorded")
    expect(page.locator("section#records-panel")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Record a worry about the relationship").click()
    axe(page)
    fill_today(page)
    page.get_by_label("Collusion").check()
    page.get_by_label("What have you noticed?").fill("Neither of us brings up the payments")
    page.get_by_role("button", name="Record the worry").click()

    expect(page.locator("[data-code='competence.collusion']")).to_have_count(1)
    expect(page.get_by_role("heading", name="Scrutiny: intensive")).to_be_visible()
    expect(page.locator("#observations")).to_contain_text("Neither of us brings up the payments")
    axe(page)

    page.get_by_role("link", name="Mark as resolved").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mark this worry as resolved")
    axe(page)
    page.get_by_role("button", name="Mark as resolved").click()
    expect(page.locator("[data-code='competence.collusion']")).to_have_count(0)
    expect(page.locator("section#records-panel")).to_contain_text("Resolved")
    axe(page)
    assert SupervisionRecord.objects.filter(relationship=relationship).count() == 1


def test_a_worry_raised_privately_stays_with_the_supervisor_until_they_act(
    page: Page, relationship: Relationship, axe: Callable[[Page], None]
) -> None:
    """Tomasz raises a worry privately: Priya never learns of it; Dr Kaur sees it with the
    assessment as it would be, and puts it on the record by keyboard, without his name."""
    sign_in(page, "tomasz")
    open_relationship(page, relationship)
    page.get_by_role("link", name="Record a worry about the relationship").click()
    axe(page)
    page.get_by_role("button", name="Record the worry").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose what kind of worry")
    axe(page)
    page.get_by_label("Boundaries slipping").check()
    page.get_by_label("What have you noticed?").fill(SECRET)
    page.get_by_label("Tell only the supervisor").check()
    page.get_by_role("button", name="Record the worry").click()

    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("nobody else knows of it")
    expect(page.locator("[data-code='competence.boundary_drift']")).to_have_count(0)
    page.get_by_role("link", name="Worries you raised privately with the supervisor").click()
    expect(page.locator("#private-worries")).to_contain_text("who has not decided yet")
    axe(page)
    sign_out(page)

    sign_in(page, "priya")
    open_relationship(page, relationship)
    expect(page.locator("[data-code='competence.boundary_drift']")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(SECRET)
    expect(page.locator("body")).not_to_contain_text("privately")
    sign_out(page)

    sign_in(page, "kaur")
    open_relationship(page, relationship)
    _tab_to(page, "el.textContent.trim().startsWith('Worries raised privately with you')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Worries raised privately")
    axe(page)
    _tab_to(page, "el.textContent.trim().startsWith('Decide what to do')")
    page.keyboard.press("Enter")
    expect(page.locator("#what-if")).to_contain_text("With this worry on the record")
    expect(page.locator("body")).to_contain_text(SECRET)
    axe(page)
    _tab_to(page, "el.id === 'id_note'")
    page.keyboard.type("Contact between sessions has grown")
    _tab_to(page, "el.textContent.trim() === 'Put it on the record'")
    page.keyboard.press("Enter")
    expect(page.locator("#private-worries")).to_contain_text("On the record")
    axe(page)
    sign_out(page)

    sign_in(page, "priya")
    open_relationship(page, relationship)
    # The finding's words say how it came, never who raised it (its actions name both people,
    # as every action the two of them share does).
    finding = page.locator("[data-code='competence.boundary_drift'] > p").first
    expect(finding).to_contain_text("by someone who spoke privately with the supervisor")
    expect(finding).not_to_contain_text("Tomasz")
    expect(page.locator("#observations")).to_contain_text("Contact between sessions has grown")
    expect(page.locator("body")).not_to_contain_text(SECRET)
    axe(page)
    assert not Observation.objects.filter(by__icontains="Tomasz").exists()


def test_the_co_producer_asks_for_a_consultation_and_the_reviewer_records_a_review(
    page: Page, relationship: Relationship, axe: Callable[[Page], None]
) -> None:
    """Both by keyboard, with axe on every page: Tomasz's request reaches the consultation page
    Priya opens; the assigned reviewer records an independent review."""
    reviewer = UserFactory(
        username="rhys",
        password=PASSWORD,
        organisation=relationship.organisation,
        role=Role.REVIEWER,
        display_name="Rhys Evans",
    )
    relationship.reviewers.add(reviewer)
    sign_in(page, "tomasz")
    open_relationship(page, relationship)
    _tab_to(page, "el.textContent.trim().startsWith('Ask for a consultation')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ask for a consultation")
    axe(page)
    _tab_to(page, "el.textContent.trim() === 'Ask for a consultation'")
    page.keyboard.press("Enter")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter what you would like")
    axe(page)
    _tab_to(page, "el.id === 'id_reason'")
    page.keyboard.type("Would a peer group suit me better?")
    _tab_to(page, "el.textContent.trim() === 'Ask for a consultation'")
    page.keyboard.press("Enter")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("asked for a consultation")
    sign_out(page)

    sign_in(page, "priya")
    open_relationship(page, relationship)
    page.get_by_role("link", name="Record a consultation about the way of helping").click()
    expect(page.locator("#consultation-requests")).to_contain_text("Would a peer group suit me")
    axe(page)
    sign_out(page)

    sign_in(page, "rhys")
    open_relationship(page, relationship)
    _tab_to(page, "el.textContent.trim() === 'Record an independent review'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record an independent review")
    axe(page)
    _tab_to(page, "el.id === 'id_date_0'")
    page.keyboard.type(str(timezone.localdate().day))
    _tab_to(page, "el.id === 'id_date_1'")
    page.keyboard.type(str(timezone.localdate().month))
    _tab_to(page, "el.id === 'id_date_2'")
    page.keyboard.type(str(timezone.localdate().year))
    _tab_to(page, "el.textContent.trim() === 'Save the review'")
    page.keyboard.press("Enter")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("independent review")
    axe(page)
    relationship.refresh_from_db()
    assert relationship.last_independent_review == timezone.localdate()


def _tab_to(page: Page, check: str, limit: int = 120) -> None:
    """Press Tab until the focused element passes the JavaScript test `check`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return {check}; }}"):
            return
    pytest.fail(f"Tab never reached an element where {check}")


def test_the_records_forms_work_with_the_keyboard_alone(
    page: Page, relationship: Relationship, axe: Callable[[Page], None]
) -> None:
    """The supervisor reaches a form, chooses a kind of worry and saves it without a mouse."""
    sign_in(page, "kaur")
    open_relationship(page, relationship)

    _tab_to(page, "el.textContent.trim() === 'Record a worry about the relationship'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a worry")
    _tab_to(page, "el.id === 'id_date_0'")
    page.keyboard.press("Control+A")
    page.keyboard.type(str(timezone.localdate().day))
    _tab_to(page, "el.name === 'kind'")
    page.keyboard.press("ArrowDown")  # from the first kind to the second: collusion
    _tab_to(page, "el.id === 'id_note'")
    page.keyboard.type("Typed with the keyboard")
    _tab_to(page, "el.textContent.trim() === 'Record the worry'")
    page.keyboard.press("Enter")

    expect(page.locator("[data-code='competence.collusion']")).to_have_count(1)
    expect(page.locator("#observations")).to_contain_text("Typed with the keyboard")
    axe(page)
