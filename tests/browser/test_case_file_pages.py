"""The case file on the relationship page, in a real browser: the professional downloads it,
uploads it again with the keyboard, and a bad file is explained next to the field. Every page
passes axe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from mutuality.web.relationships.models import Relationship
from tests.browser.signing_in import PASSWORD, sign_in
from tests.factories import RelationshipFactory, UserFactory

pytestmark = pytest.mark.browser

CASE = Path(__file__).resolve().parents[2] / "examples" / "fathers-walking-group.yaml"


@pytest.fixture
def relationship(live_server: Any) -> Relationship:
    relationship = RelationshipFactory(organisation__slug="trust", organisation__name="Trust")
    user = UserFactory(username="priya", password=PASSWORD, organisation=relationship.organisation)
    relationship.participants.filter(slug="priya").update(user=user)
    return relationship


def test_the_case_file_goes_out_and_comes_back_in(
    page: Page, relationship: Relationship, axe: Callable[[Page], None], tmp_path: Path
) -> None:
    sign_in(page, "priya")
    page.goto(f"/relationships/{relationship.pk}/")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this relationship as a case file").click()
    saved = tmp_path / "case.yaml"
    download.value.save_as(saved)
    page.get_by_role("link", name="Upload a changed case file").click()
    axe(page)

    # A file that is not a case is explained next to the field, and the page still passes axe.
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: [unclosed\n", encoding="utf-8")
    page.get_by_label("Case file").set_input_files(broken)
    page.get_by_role("button", name="Upload the case file").click()
    expect(page.get_by_role("alert")).to_contain_text("The case file:")
    axe(page)

    page.get_by_label("Case file").set_input_files(saved)
    page.get_by_role("button", name="Upload the case file").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("The case file is uploaded.")).to_be_visible()
    axe(page)
