"""The service report in a real browser: an organisation admin opens it, narrows it to one
team with the keyboard alone, and every page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from mutuality.web.accounts.models import Organisation, Role, User
from mutuality.web.relationships.actions import reassess
from mutuality.web.reports.views import service as service_views
from tests.browser.signing_in import PASSWORD, sign_in
from tests.factories import OrganisationFactory, RelationshipFactory, UserFactory, example

pytestmark = pytest.mark.browser

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def organisation(live_server: Any) -> Organisation:
    """Two teams' relationships, assessed, and the organisation's admin."""
    organisation = OrganisationFactory(slug="trust", name="Trust")
    UserFactory(username="ada", password=PASSWORD, organisation=organisation, role=Role.ADMIN)
    for name, team, case in (
        ("pat", "North", "cbt-shared-formulation.yaml"),
        ("quinn", "South", "supported-housing-collusion.yaml"),
        ("quinn2", "South", "gambling-harms-course.yaml"),
    ):
        professional = UserFactory(
            username=name, password=PASSWORD, organisation=organisation, team=team
        )
        relationship = RelationshipFactory(organisation=organisation, case=example(case))
        relationship.participants.filter(role="professional").update(user=professional)
        reassess(relationship, reason="imported")
    return organisation


def test_an_admin_narrows_the_service_report_to_a_team_by_keyboard(
    page: Page, organisation: Organisation, axe: Callable[[Page], None]
) -> None:
    """The admin opens the report, picks a team and applies it by keyboard; both pages pass axe."""
    sign_in(page, "ada")
    page.goto("/reports/service/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Service report")
    expect(page.locator("#relationship-count")).to_have_text("3")
    expect(page.get_by_role("img", name="Relationships by stage")).to_be_visible()
    axe(page)

    team = page.get_by_label("Team (optional)")
    team.focus()
    page.keyboard.press("ArrowDown")  # "Every team", then "North"
    expect(team).to_have_value("North")
    apply = page.get_by_role("button", name="Apply filters")
    for _ in range(20):
        if apply.evaluate("button => button === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(apply).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("#relationship-count")).to_have_text("1")
    expect(team).to_have_value("North")
    expect(page.get_by_role("link", name="Download these numbers as CSV")).to_have_attribute(
        "href",
        "/reports/service.csv?team=North&professional=&active_from_0=&active_from_1="
        "&active_from_2=&active_to_0=&active_to_1=&active_to_2=",
    )
    axe(page)


def test_with_many_professionals_the_admin_types_a_name(
    page: Page,
    organisation: Organisation,
    axe: Callable[[Page], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the listed number of professionals the choice is a text field: a name that matches
    two is an error beside the field, a login narrows the report; both pages pass axe."""
    monkeypatch.setattr(service_views, "LISTED_AT_MOST", 1)
    User.objects.filter(username="quinn").update(display_name="Quinn Jones")
    User.objects.filter(username="quinn2").update(display_name="Quinn Smith")
    sign_in(page, "ada")
    page.goto("/reports/service/")
    professional = page.get_by_label("Professional (optional)")
    expect(professional).to_have_attribute("type", "text")

    professional.fill("Quinn")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "More than one professional matches"
    )
    axe(page)

    page.get_by_label("Professional (optional)").fill("smith")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#relationship-count")).to_have_text("1")
    axe(page)
