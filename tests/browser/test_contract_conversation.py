"""The contract as a conversation in a real browser, by keyboard, each person on their own login.

The co-producer proposes a change to the exit plan; the professional reads what changed,
tries to decline without a reason (refused beside the field), then declines with one; the
co-producer reads the reason. Every page visited goes through axe.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect

from mutuality.framework import validate_case
from mutuality.web.accounts.models import Role
from mutuality.web.relationships.models import ContractResponse, ContractVersion, Relationship
from tests.browser.signing_in import PASSWORD, sign_in
from tests.factories import RelationshipFactory, UserFactory

pytestmark = pytest.mark.browser

CASE = Path(__file__).resolve().parents[2] / "examples" / "fathers-walking-group.yaml"
NEW_EXIT = "Either of us can stop; tomasz keeps his place in the group"
REASON = "We have not talked about the group yet. Can we talk on Saturday?"


@pytest.fixture(autouse=True)
def _land_on_the_dashboard(settings: Any) -> None:
    settings.LOGIN_REDIRECT_URL = "relationships:dashboard"


@pytest.fixture
def relationship(live_server: Any) -> Relationship:
    """The walking group with version 1 of its contract agreed by both, and two logins."""
    data = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    relationship = RelationshipFactory(
        organisation__slug="trust",
        organisation__name="Trust",
        case=validate_case(data, "browser test"),
    )
    for username, role, participant_role in (
        ("priya", Role.PROFESSIONAL, "professional"),
        ("tomasz", Role.CO_PRODUCER, "recipient"),
    ):
        user = UserFactory(
            username=username, password=PASSWORD, organisation=relationship.organisation, role=role
        )
        relationship.participants.filter(role=participant_role).update(user=user)
    return relationship


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def press(page: Page, locator: Any, key: str = "Enter") -> None:
    """Move the keyboard's focus to a control, then press a key on it."""
    locator.focus()
    page.keyboard.press(key)


def h1(page: Page) -> Any:
    return expect(page.get_by_role("heading", level=1))


def test_a_proposal_declined_with_a_reason(
    page: Page, relationship: Relationship, axe: Callable[[Page], None]
) -> None:
    """The co-producer proposes, the professional declines with a reason, the co-producer
    reads it: all by keyboard, with axe on every page."""
    contract_url = f"/relationships/{relationship.pk}/contract/"

    # The co-producer proposes a change to the exit plan.
    sign_in(page, "tomasz")
    page.goto(contract_url)
    h1(page).to_have_text("The contract")
    axe(page)
    press(page, page.get_by_role("link", name="Propose a change"))
    h1(page).to_have_text("Propose a change to the contract")
    axe(page)
    exit_plan = page.get_by_label("How can either of you end this way of working?")
    press(page, exit_plan, "ControlOrMeta+a")
    page.keyboard.type(NEW_EXIT)
    press(page, page.get_by_role("button", name="Propose this change"))
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "Your proposal is saved as version 2"
    )
    axe(page)
    sign_out(page)

    # The professional reads what changed, and declines: first without a reason.
    sign_in(page, "priya")
    page.goto(contract_url)
    press(page, page.get_by_role("link", name="Read and agree to version 2"))
    h1(page).to_have_text("Agree to version 2 of the contract")
    changes = page.locator("#changes + ul")
    expect(changes).to_contain_text(re.compile(r"Exit plan changed from '.+' to '" + NEW_EXIT))
    axe(page)
    press(page, page.get_by_role("link", name="Decline version 2 or comment on it"))
    h1(page).to_contain_text("Decline or comment on version 2")
    axe(page)
    press(page, page.get_by_role("button", name="Send my answer"))
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    expect(page.locator("#id_reason_error")).to_contain_text(
        "Enter why you are declining this version"
    )
    expect(page.get_by_label("Decline this version, and say why")).to_be_checked()
    axe(page)
    press(page, page.get_by_role("link", name="Enter why you are declining this version"))
    expect(page.get_by_label("Your reason or comment")).to_be_focused()
    page.keyboard.type(REASON)
    press(page, page.get_by_role("button", name="Send my answer"))
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("You declined version 2")
    expect(page.locator("#declined")).to_contain_text("Version 2 was declined")
    axe(page)
    sign_out(page)

    # The co-producer reads the reason on the contract page.
    sign_in(page, "tomasz")
    page.goto(contract_url)
    said = page.locator("#conversation + ol [data-kind='declined']")
    expect(said).to_contain_text("priya (professional) declined version 2")
    expect(said).to_contain_text(REASON)
    expect(page.get_by_role("link", name="Propose a change")).to_be_visible()
    axe(page)
    latest = ContractVersion.objects.get(relationship=relationship, version=2)
    assert latest.declined_at is not None
    assert ContractResponse.objects.get(contract=latest, kind="declined").reason == REASON
