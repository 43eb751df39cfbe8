"""A safety signal in a real browser: the co-producer answers PHQ-9 question 9 and is shown
where to get help now; the professional and the supervisor then see the flag at the top of
their dashboards, and the supervisor records what was done. Every page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from mutuality.web.accounts.models import Role
from mutuality.web.relationships.actions import reassess
from mutuality.web.relationships.models import Relationship, SafetyFlag
from tests.browser.signing_in import PASSWORD, sign_in
from tests.factories import RelationshipFactory, UserFactory

pytestmark = pytest.mark.browser

CASE = Path(__file__).resolve().parents[2] / "examples" / "fathers-walking-group.yaml"


@pytest.fixture(autouse=True)
def _land_on_the_dashboard(settings: Any) -> None:
    settings.LOGIN_REDIRECT_URL = "relationships:dashboard"


@pytest.fixture
def relationship(live_server: Any) -> Relationship:
    relationship = RelationshipFactory(organisation__slug="trust", organisation__name="Trust")
    relationship.stage = "active"
    relationship.started = timezone.localdate() - timedelta(days=30)
    relationship.as_of = None
    users = {
        name: UserFactory(
            username=name, password=PASSWORD, organisation=relationship.organisation, role=role
        )
        for name, role in (
            ("priya", Role.PROFESSIONAL),
            ("tomasz", Role.CO_PRODUCER),
            ("kaur", Role.SUPERVISOR),
        )
    }
    relationship.supervisor = users["kaur"]
    relationship.save()
    relationship.participants.filter(slug="priya").update(user=users["priya"])
    relationship.participants.filter(slug="tomasz").update(user=users["tomasz"])
    relationship.outcome_series.create(
        of=relationship.participants.get(slug="tomasz"), instrument="phq9"
    )
    reassess(relationship, reason="set up for the test")  # as every action does
    return relationship


def _sign_in(new_context: Callable[..., BrowserContext], username: str) -> Page:
    # pytest-playwright's `new_context` closes each context (and its connections) at teardown.
    page = new_context().new_page()
    sign_in(page, username)
    return page


def test_an_answer_about_self_harm_reaches_help_and_the_people_responsible(
    new_context: Callable[..., BrowserContext],
    relationship: Relationship,
    axe: Callable[[Page], None],
) -> None:
    tomasz = _sign_in(new_context, "tomasz")
    tomasz.get_by_role("link", name="PHQ-9 for you").click()
    for number in range(1, 9):
        tomasz.locator(f"#id_item_{number}_0").check()  # "0 – Not at all"
    tomasz.locator("#id_item_9_1").check()  # "1 – Several days"
    tomasz.get_by_role("button", name="Save the questionnaire").click()

    expect(tomasz.get_by_role("heading", level=1)).to_have_text("Help is there for you now")
    expect(tomasz.get_by_text("116 123")).to_be_visible()
    axe(tomasz)

    for name in ("priya", "kaur"):
        staff = _sign_in(new_context, name)
        flags = staff.locator("#safety-flags")
        expect(flags).to_contain_text("question 9 of the PHQ-9")
        first_heading = staff.locator("main h3").first
        expect(first_heading).to_have_text("Safety: act on this now")
        axe(staff)

    # The supervisor records what was done, with the keyboard; the flag leaves the dashboard.
    kaur = staff
    flags.get_by_role("link").first.click()
    axe(kaur)
    kaur.get_by_label("What was done").fill("Phoned Tomasz the same hour; he is safe.")
    kaur.get_by_label("What was done").press("Tab")
    kaur.keyboard.press("Enter")
    expect(kaur.get_by_text("What was done is recorded")).to_be_visible()
    kaur.get_by_role("banner").get_by_role("link", name="Mutuality").click()
    expect(kaur.locator("#safety-flags")).to_have_count(0)
    assert SafetyFlag.objects.get().resolved_by is not None
