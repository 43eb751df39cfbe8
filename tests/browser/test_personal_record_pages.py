"""A person's own record in a real browser: the co-producer finds it from "Your account" with
the keyboard, reads it (axe finds nothing), and downloads it as a PDF and as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from mutuality.framework import load_case
from mutuality.web.accounts.models import Role
from mutuality.web.relationships.models import Relationship
from mutuality.web.reports.views import personal_record as record_views
from tests.browser.signing_in import PASSWORD, sign_in
from tests.browser.test_relationship_report_pages import tab_to
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


def _download(page: Page, link: str, tmp_path: Path) -> tuple[str, bytes]:
    tab_to(page, link)
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    return download.suggested_filename, saved.read_bytes()


def test_the_co_producer_reads_and_downloads_their_record(
    page: Page, relationship: Relationship, axe: Callable[[Page], None], tmp_path: Path
) -> None:
    """From "Your account" to the record by keyboard; axe passes; the PDF and JSON download."""
    sign_in(page, "gethin")
    page.goto("/accounts/")

    tab_to(page, "See and download everything held about you")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your record")
    expect(page).to_have_title("Your record – Mutuality")
    expect(page.get_by_role("heading", level=2, name=TITLE)).to_be_visible()
    axe(page)
    pdf_name, pdf = _download(page, "Download your record as a PDF", tmp_path)
    json_name, data = _download(
        page,
        "Download your record as data (JSON), to keep or to take to another service",
        tmp_path,
    )

    assert pdf_name.endswith(".pdf") and pdf.startswith(b"%PDF-")
    assert json_name.endswith(".json")
    assert [r["title"] for r in json.loads(data)["relationships"]] == [TITLE]


def test_a_machine_that_cannot_make_the_pdf_explains_in_an_accessible_page(
    new_context: Callable[..., BrowserContext],
    relationship: Relationship,
    axe: Callable[[Page], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The live server runs in this process, so WeasyPrint's failure can be staged here."""

    def no_pango(html: str) -> bytes:
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(record_views, "_pdf", no_pango)
    # Not the `page` fixture: Chromium logs the 503 status as a console error.
    page = new_context().new_page()
    sign_in(page, "gethin")

    page.goto("/accounts/record.pdf")

    expect(page.get_by_role("heading", level=1)).to_have_text("The PDF cannot be made just now")
    axe(page)
