"""Wellbeing questionnaires in a real browser: the professional starts the PHQ-9 for the person
they work with, who fills it in with the keyboard alone and sees its credit; the relationship
page then draws the score; the dashboard lists what is due. Every page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mutuality.web.accounts.models import Role
from mutuality.web.relationships.models import Relationship, Score
from tests.browser.signing_in import PASSWORD, sign_in
from tests.factories import RelationshipFactory, UserFactory

pytestmark = pytest.mark.browser

CASE = Path(__file__).resolve().parents[2] / "examples" / "fathers-walking-group.yaml"


@pytest.fixture(autouse=True)
def _land_on_the_dashboard(settings: Any) -> None:
    settings.LOGIN_REDIRECT_URL = "relationships:dashboard"


@pytest.fixture
def relationship(live_server: Any) -> Relationship:
    """The walking-group example, under way, with its professional and co-producer."""
    relationship = RelationshipFactory(
        organisation__slug="trust",
        organisation__name="Trust",
        stage="active",
        started=timezone.localdate() - timedelta(days=30),
        as_of=None,
    )
    for username, role, slug in (
        ("priya", Role.PROFESSIONAL, "priya"),
        ("tomasz", Role.CO_PRODUCER, "tomasz"),
    ):
        user = UserFactory(
            username=username, password=PASSWORD, organisation=relationship.organisation, role=role
        )
        relationship.participants.filter(slug=slug).update(user=user)
    return relationship


def test_a_questionnaire_is_started_filled_in_by_keyboard_and_drawn(
    page: Page, relationship: Relationship, axe: Callable[[Page], None]
) -> None:
    sign_in(page, "priya")
    page.goto(f"/relationships/{relationship.pk}/outcomes/")
    axe(page)
    page.get_by_role("link", name="Start a new questionnaire").click()
    axe(page)
    page.get_by_label("PHQ-9").check()
    page.get_by_role("button", name="Start the questionnaire").click()
    expect(page.get_by_text("questionnaire is started for tomasz")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The co-producer finds it on their dashboard, first under what is due: their own.
    sign_in(page, "tomasz")
    expect(page.get_by_role("heading", name="For you")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="PHQ-9 for you").click()
    expect(page.get_by_text("Little interest or pleasure in doing things")).to_be_visible()
    expect(page.get_by_text("Pfizer", exact=False).first).to_be_visible()
    axe(page)

    # Keyboard alone: each item is one radio group, so Tab moves to the next question and
    # the arrow keys choose within it; the first radio of a group takes the focus.
    page.get_by_label("Year").focus()
    for _ in range(9):
        page.keyboard.press("Tab")
        page.keyboard.press("ArrowRight")  # from "0" to "1"
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save the questionnaire")).to_be_focused()
    page.keyboard.press("Enter")

    # Question 9 answered 1 (thoughts of self-harm): the help comes first, with nothing above it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Help is there for you now")
    expect(page.get_by_text("The assessment is up to date")).to_have_count(0)
    score = Score.objects.get(series__relationship=relationship)
    assert score.items == [1] * 9
    page.goto(f"/relationships/{relationship.pk}/")
    expect(page.get_by_role("img", name="Wellbeing scores over time")).to_be_visible()
    page.get_by_text("The same scores as a table").click()
    expect(page.locator("details table").get_by_role("cell", name="9", exact=True)).to_be_visible()
    axe(page)


def test_a_questionnaire_with_a_missing_answer_says_which(
    page: Page, relationship: Relationship, axe: Callable[[Page], None]
) -> None:
    series = relationship.outcome_series.create(
        of=relationship.participants.get(slug="tomasz"), instrument="gad7"
    )
    sign_in(page, "tomasz")
    page.goto(f"/relationships/{relationship.pk}/outcomes/{series.pk}/")
    page.get_by_role("button", name="Save the questionnaire").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose an answer to question 1")
    axe(page)
    summary.get_by_role("link", name="Choose an answer to question 3").click()
    expect(page.locator("#id_item_3_0")).to_be_focused()
