"""The relationship report in a real browser: the co-producer finds it from the relationship page,
reads it (axe finds nothing), and downloads it as a PDF with the keyboard alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from mutuality.framework import HEADLINES, load_case
from mutuality.web.accounts.models import Role
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.actions import latest_assessment
from mutuality.web.relationships.models import Relationship
from mutuality.web.reports.views import relationship as report_views
from tests.browser.signing_in import PASSWORD, sign_in
from tests.factories import RelationshipFactory, UserFactory

pytestmark = pytest.mark.browser

CASE = Path(__file__).resolve().parents[2] / "examples" / "cbt-shared-formulation.yaml"
TITLE = "A shared formulation in CBT for panic and low mood"


@pytest.fixture
def relationship(live_server: Any) -> Relationship:
    """The CBT example, with gethin signed up as the co-producer."""
    relationship = RelationshipFactory(
        organisation__slug="trust", organisation__name="Trust", case=load_case(CASE)
    )
    user = UserFactory(
        username="gethin",
        password=PASSWORD,
        organisation=relationship.organisation,
        role=Role.CO_PRODUCER,
    )
    relationship.participants.filter(slug="gethin").update(user=user)
    return relationship


def tab_to(page: Page, name: str, limit: int = 80) -> None:
    """Press Tab until the link or button called `name` has the focus (as a keyboard user)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    pytest.fail(f"{name!r} cannot be reached with the Tab key")


def test_the_co_producer_reads_and_downloads_their_report(
    page: Page, relationship: Relationship, axe: Callable[[Page], None], tmp_path: Path
) -> None:
    """From the relationship page to the report, then the PDF, by keyboard; axe passes."""
    headline = HEADLINES[latest_assessment(relationship).recommendation]
    sign_in(page, "gethin")
    page.goto(f"/relationships/{relationship.pk}/")

    tab_to(page, "Read, print or download a report of this relationship")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page).to_have_title(f"Relationship report: {TITLE} – Mutuality")
    expect(page.locator(".report-headline")).to_contain_text(headline)
    expect(page.get_by_role("img", name="Wellbeing scores over time")).to_be_visible()
    expect(page.get_by_role("table", name="The same scores as a table")).to_be_visible()
    axe(page)

    tab_to(page, "Download this report as a PDF")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    assert download.suggested_filename.startswith(f"relationship-report-{relationship.pk}-")
    assert saved.read_bytes().startswith(b"%PDF-")
    assert AuditEvent.objects.filter(
        relationship_id=relationship.pk, action="export", user__username="gethin"
    ).exists()


def test_a_machine_that_cannot_make_pdfs_explains_in_an_accessible_page(
    new_context: Callable[..., BrowserContext],
    relationship: Relationship,
    axe: Callable[[Page], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The live server runs in this process, so WeasyPrint's failure can be staged here."""

    def no_pango(html: str) -> bytes:
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(report_views, "_pdf", no_pango)
    # Not the `page` fixture: Chromium logs the 503 status as a console error.
    page = new_context().new_page()
    sign_in(page, "gethin")

    page.goto(f"/reports/relationship/{relationship.pk}/report.pdf")

    expect(page.get_by_role("heading", level=1)).to_have_text("The PDF cannot be made just now")
    axe(page)
