"""The relationship pages in a real browser: both people see the same assessment, and a
co-producer's withdrawal of consent takes effect at once and reaches the professional."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from mutuality.web.accounts.models import Role
from mutuality.web.relationships.models import Relationship
from tests.browser.signing_in import PASSWORD, sign_in
from tests.factories import RelationshipFactory, UserFactory

pytestmark = pytest.mark.browser

CASE = Path(__file__).resolve().parents[2] / "examples" / "fathers-walking-group.yaml"


@pytest.fixture(autouse=True)
def _land_on_the_dashboard(settings: Any) -> None:
    settings.LOGIN_REDIRECT_URL = "relationships:dashboard"


@pytest.fixture
def relationship(live_server: Any) -> Relationship:
    """The walking-group example, with a professional and a co-producer who can sign in."""
    relationship = RelationshipFactory(organisation__slug="trust", organisation__name="Trust")
    for username, role, participant_role in (
        ("priya", Role.PROFESSIONAL, "professional"),
        ("sam", Role.CO_PRODUCER, "recipient"),
    ):
        user = UserFactory(
            username=username, password=PASSWORD, organisation=relationship.organisation, role=role
        )
        relationship.participants.filter(role=participant_role).update(user=user)
    return relationship


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_co_producer_withdraws_consent_and_the_professional_sees_it_first(
    page: Page, relationship: Relationship, axe: Callable[[Page], None]
) -> None:
    """Dashboard, assessment, withdrawal and the professional's dashboard all pass axe."""
    sign_in(page, "sam")
    axe(page)
    page.get_by_role("link", name=relationship.title).click()
    expect(page.locator("#recommendation")).to_contain_text("Go ahead")
    axe(page)

    page.get_by_role("link", name="Withdraw my consent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw your consent")
    axe(page)
    page.get_by_role("button", name="Withdraw my consent").click()

    expect(page.locator("#recommendation")).to_contain_text(
        "Co-production seems less suitable here"
    )
    expect(page.locator("[data-code='respect.consent_refused']")).to_have_count(1)
    axe(page)
    sign_out(page)
    sign_in(page, "priya")
    first_card = page.locator(".nhsuk-card").first
    expect(first_card).to_contain_text(relationship.title)
    expect(first_card).to_contain_text("Co-production seems less suitable here")
    axe(page)


def test_the_case_file_downloads_from_the_relationship_page(
    page: Page, relationship: Relationship
) -> None:
    """The download link gives the relationship as a YAML case file."""
    sign_in(page, "sam")
    page.goto(f"/relationships/{relationship.pk}/")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this relationship as a case file").click()

    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("mutuality: 1\n")
    assert relationship.title in text
