"""Messages in a real browser: a person unticks a kind of message on their messages page with the
keyboard; the professional sets how often a questionnaire is due, and the co-producer agrees to
it. Every page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mutuality.web.accounts.models import Role
from mutuality.web.outbox.models import Kind, MessageChoice
from mutuality.web.relationships.models import OutcomeSeries, QuestionnaireSchedule, Relationship
from tests.browser.signing_in import sign_in
from tests.factories import RelationshipFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "a long browser test password"


@pytest.fixture(autouse=True)
def _land_on_the_dashboard(settings: Any) -> None:
    settings.LOGIN_REDIRECT_URL = "relationships:dashboard"


@pytest.fixture
def relationship(live_server: Any) -> Relationship:
    """The walking-group example under way, its two people with addresses, a PHQ-9 started."""
    relationship = RelationshipFactory(
        organisation__slug="trust",
        organisation__name="Trust",
        stage="active",
        started=timezone.localdate() - timedelta(days=30),
        as_of=None,
    )
    for username, role, slug, name in (
        ("priya", Role.PROFESSIONAL, "priya", "Priya Shah"),
        ("tomasz", Role.CO_PRODUCER, "tomasz", "Tomasz Nowak"),
    ):
        user = UserFactory(
            username=username,
            password=PASSWORD,
            organisation=relationship.organisation,
            role=role,
            email=f"{username}@example.org",
            display_name=name,
        )
        relationship.participants.filter(slug=slug).update(user=user)
    OutcomeSeries.objects.create(
        relationship=relationship,
        of=relationship.participants.get(slug="tomasz"),
        instrument="phq9",
    )
    return relationship


def test_a_kind_of_message_is_turned_off_with_the_keyboard(
    page: Page, relationship: Relationship, axe: Callable[[Page], None]
) -> None:
    sign_in(page, "tomasz")
    page.goto("/accounts/messages/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages you get by email")
    expect(page.get_by_text("tomasz@example.org")).to_be_visible()
    axe(page)

    contract = page.get_by_label("A new version of a contract is waiting for your agreement")
    expect(contract).to_be_checked()
    contract.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save your choices").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    expect(contract).not_to_be_checked()
    axe(page)
    assert MessageChoice.objects.filter(kind=Kind.CONTRACT_WAITING, wanted=False).count() == 1


def test_one_sets_the_schedule_and_the_other_agrees(
    page: Page, relationship: Relationship, axe: Callable[[Page], None]
) -> None:
    sign_in(page, "priya")
    page.goto(f"/relationships/{relationship.pk}/outcomes/")
    axe(page)
    page.get_by_role("link", name="Set or change how often a questionnaire is due").click()
    axe(page)
    page.get_by_role("button", name="Save the schedule").click()  # nothing filled in
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter how many weeks apart the questionnaire is due"
    )
    axe(page)
    page.get_by_label("How many weeks apart?").fill("3")
    page.get_by_role("button", name="Save the schedule").click()
    expect(page.get_by_text("Waiting for agreement")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "tomasz")
    page.goto(f"/relationships/{relationship.pk}/outcomes/")
    page.get_by_role("link", name="Agree to the PHQ-9 schedule").click()
    expect(page.get_by_text("Priya Shah suggests filling in the PHQ-9")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Agree to this schedule").click()
    expect(page.get_by_text("Agreed by Tomasz Nowak")).to_be_visible()
    axe(page)
    assert QuestionnaireSchedule.objects.get().agreed_at is not None
