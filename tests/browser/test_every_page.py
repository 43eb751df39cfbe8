"""Every page, for every role: each person signs in and opens every page the access matrix
lets them open (tests/integration/test_access_matrix.py), and axe finds nothing on any of them.
The pages that belong to no relationship (the dashboard, proposing one, the audit log, the
error pages) are checked for the roles that reach them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from mutuality.framework import load_case
from mutuality.web.accounts.models import Organisation, Role, User
from mutuality.web.relationships.case_io import import_case
from tests.integration.test_access_matrix import CASE, MATRIX, OWN, World, _url

pytestmark = pytest.mark.browser

PASSWORD = "a long browser test password"
USERNAMES = {
    "professional": "pro",
    "co_producer": "co",
    "supervisor": "sup",
    "reviewer": "rev",
    "admin": "adm",
}
ROLES = {
    "professional": Role.PROFESSIONAL,
    "co_producer": Role.CO_PRODUCER,
    "supervisor": Role.SUPERVISOR,
    "reviewer": Role.REVIEWER,
    "admin": Role.ADMIN,
}


@pytest.fixture
def world(live_server: Any) -> World:
    """The walking-group example with a person in every standing (and another one)."""
    home = Organisation.objects.create(slug="home", name="Home trust")
    relationship = import_case(load_case(CASE), home)
    other = import_case(load_case(CASE), home)
    users = {
        standing: User.objects.create_user(
            username=USERNAMES[standing],
            password=PASSWORD,
            organisation=home,
            role=ROLES[standing],
        )
        for standing in OWN
    }
    relationship.participants.filter(role="professional").update(user=users["professional"])
    relationship.participants.filter(role="recipient").update(user=users["co_producer"])
    relationship.supervisor = users["supervisor"]
    relationship.save()
    relationship.reviewers.add(users["reviewer"])
    return World(relationship, other, users)


def _pages_for(world: World, standing: str) -> list[str]:
    own = [
        _url(world, world.relationship, name)
        for name, row in MATRIX.items()
        if dict(zip(OWN, row.split(), strict=True))[standing] == "200"
        and name != "export"  # a file to download, not a page
    ]
    report = f"/reports/relationship/{world.relationship.pk}/"
    extra = {
        "professional": ["/relationships/propose/"],
        "supervisor": ["/reports/service/"],
        "admin": ["/relationships/audit/", "/reports/service/", "/reports/transparency/"],
    }
    return ["/relationships/", *extra.get(standing, []), report, *own]


@pytest.mark.parametrize("standing", OWN)
def test_every_page_this_role_may_open_passes_axe(
    new_context: Callable[..., BrowserContext],
    world: World,
    standing: str,
    axe: Callable[[Page], None],
) -> None:
    # pytest-playwright's `new_context` closes the context (and its connections) at teardown.
    page = new_context().new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(USERNAMES[standing])
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password", exact=True).press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your relationships")

    for url in _pages_for(world, standing):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        page.wait_for_load_state("networkidle")  # htmx panels have loaded
        axe(page)

    # What people see when they cannot go on: a page that is not theirs, and one not for them.
    for url, status in (
        (f"/relationships/{world.other.pk}/", 200 if standing == "admin" else 404),
        (_url(world, world.relationship, "supervision"), 200 if standing == "supervisor" else 403),
    ):
        response = page.goto(url)
        assert response is not None and response.status == status, url
        axe(page)


def test_the_sign_in_and_lockout_pages_pass_axe(
    new_context: Callable[..., BrowserContext], world: World, axe: Callable[[Page], None]
) -> None:
    # Not the `page` fixture: Chromium logs the lockout's 429 status as a console error.
    page = new_context().new_page()
    page.goto("/accounts/login/")
    axe(page)
    for _ in range(10):
        page.get_by_label("Username").fill("co")
        page.get_by_label("Password", exact=True).fill("not the password")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many tries to sign in")
    axe(page)
