"""The transparency report in a real browser: an admin reviews the draft and publishes it by
keyboard alone; anyone then reads the public page without signing in. Every page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from mutuality.web.accounts.models import Organisation, Role
from mutuality.web.reports.models import PublishedReport
from tests.browser.signing_in import PASSWORD, sign_in
from tests.factories import OrganisationFactory, RelationshipFactory, UserFactory, example

pytestmark = pytest.mark.browser

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def organisation(live_server: Any) -> Organisation:
    """A trust with nine CBT relationships and two walking groups, and its admin."""
    trust = OrganisationFactory(slug="trust", name="North trust")
    for name, copies in (("cbt-shared-formulation.yaml", 9), ("fathers-walking-group.yaml", 2)):
        RelationshipFactory.create_batch(copies, organisation=trust, case=example(name))
    UserFactory(username="ada", password=PASSWORD, organisation=trust, role=Role.ADMIN)
    return trust


def tab_to(page: Page, name: str, most: int = 60) -> None:
    """Press Tab until the button called `name` has the focus, as a keyboard user would."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    pytest.fail(f"Tab never reached {name!r}")


def test_an_admin_reviews_and_publishes_by_keyboard_and_anyone_reads_it(
    page: Page, organisation: Organisation, axe: Callable[[Page], None]
) -> None:
    sign_in(page, "ada")
    page.goto("/reports/transparency/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review the transparency report")
    expect(page.get_by_role("table", name="Relationships by stage")).to_be_visible()
    expect(page.get_by_text("Nothing has been published yet.")).to_be_visible()
    axe(page)

    tab_to(page, "Publish this report")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Version 1 of the report is now public.")).to_be_visible()
    expect(page).to_have_url(f"{page.url.split('/reports/')[0]}/reports/public/trust/v1/")
    assert PublishedReport.objects.filter(organisation=organisation, version=1).exists()
    axe(page)
    page.get_by_role("button", name="Sign out").click()

    # Anyone reads it without signing in.
    page.goto("/reports/public/trust/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("North trust")
    expect(page.get_by_text("Version 1, published on")).to_be_visible()
    expect(
        page.get_by_role("link", name="Download version 1 as a spreadsheet (CSV)")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Relationships by kind of work")).to_be_visible()
    axe(page)
