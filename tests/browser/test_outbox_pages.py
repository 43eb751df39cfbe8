"""The messages' pages in a real browser: an admin tries an undelivered message again by
keyboard alone, and anyone signed out reads the demo's mailbox. Every page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend
from django.utils import timezone
from playwright.sync_api import Page, expect

from mutuality.web.accounts.models import Organisation, Role
from mutuality.web.outbox.models import Kind, OutgoingMessage, State
from tests.browser.test_transparency_pages import PASSWORD, sign_in, tab_to
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def organisation(live_server: Any) -> Organisation:
    """An organisation, its admin, and an invitation that could not be delivered."""
    trust = OrganisationFactory(slug="trust", name="North trust")
    UserFactory(username="ada", password=PASSWORD, organisation=trust, role=Role.ADMIN)
    OutgoingMessage.objects.create(
        kind=Kind.STAFF_INVITATION,
        key="invitation-1",
        to="new.colleague@example.org",
        subject="Join North trust on Mutuality",
        body="Follow the link to join.",
        organisation=trust,
        state=State.FAILED,
        attempts=8,
        not_before=timezone.now(),
        last_error="The mail server could not be reached.",
    )
    return trust


def test_an_admin_tries_an_undelivered_message_again_by_keyboard(
    page: Page, organisation: Organisation, axe: Callable[[Page], None]
) -> None:
    """The admin finds the failed invitation, presses "Try again", and the list empties."""
    sign_in(page, "ada")
    page.goto("/messages/undelivered/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Messages that could not be delivered"
    )
    expect(page.locator("#undelivered-messages")).to_contain_text("new.colleague@example.org")
    axe(page)

    tab_to(
        page,
        "Try again: an invitation to join the organisation to new.colleague@example.org "
        "(who has no login yet)",
    )
    page.keyboard.press("Enter")

    expect(page.get_by_text("We will try again to send the message")).to_be_visible()
    expect(page.get_by_text("Every message has been delivered.")).to_be_visible()
    axe(page)


def test_anyone_reads_the_demo_mailbox_signed_out(
    page: Page, live_server: Any, settings: Any, tmp_path: Path, axe: Callable[[Page], None]
) -> None:
    """The demo's emails, newest first, with their links to follow."""
    settings.EMAIL_FILE_PATH = tmp_path
    EmailBackend(file_path=str(tmp_path)).send_messages(
        [
            EmailMessage(
                "Mutuality: reset your password",
                "Choose a new password here: http://127.0.0.1:8000/accounts/password/reset/",
                to=["sam@example.org"],
            )
        ]
    )

    page.goto("/demo/mail/")

    expect(page.get_by_role("main").get_by_role("heading", level=2)).to_have_text(
        "Mutuality: reset your password"
    )
    expect(
        page.get_by_role("link", name="http://127.0.0.1:8000/accounts/password/reset/")
    ).to_have_attribute("href", "http://127.0.0.1:8000/accounts/password/reset/")
    axe(page)
