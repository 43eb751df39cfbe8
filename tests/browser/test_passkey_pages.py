"""Passkeys in a real browser (ADR 0010), with Chromium's virtual authenticator standing in
for a laptop's fingerprint reader: a supervisor with no second factor adds a passkey, names
it, signs out, and signs in with their password and then the passkey; they rename and
remove it. allauth's passkey scripts run under the site's CSP. Every page passes axe.

The live server is http://localhost (pytest-django's default), which WebAuthn accepts: a secure
context with a domain for the relying party (an address such as 127.0.0.1 has none)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import CDPSession, Page, expect

from mutuality.web.accounts.models import Role, User
from mutuality.web.audit.models import AuditEvent
from tests.browser.signing_in import PASSWORD
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def authenticator(page: Page) -> Iterator[CDPSession]:
    """A platform authenticator that keeps passkeys and verifies its user, as a laptop's
    fingerprint reader does, for this page's browser context (Chrome DevTools Protocol)."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    added = session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    yield session
    session.send(
        "WebAuthn.removeVirtualAuthenticator", {"authenticatorId": added["authenticatorId"]}
    )


@pytest.fixture
def kaur(live_server: Any) -> User:
    """A supervisor new to the service, with no second factor yet."""
    user: User = UserFactory(
        username="kaur",
        password=PASSWORD,
        organisation=OrganisationFactory(),
        role=Role.SUPERVISOR,
        second_factor=False,
    )
    return user


def h1(page: Page) -> Any:
    return page.get_by_role("heading", level=1)


def _password(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("kaur")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password", exact=True).press("Enter")
    page.wait_for_load_state()


def test_a_supervisor_adds_a_passkey_and_signs_in_with_it(
    page: Page, kaur: User, authenticator: CDPSession, axe: Callable[[Page], None]
) -> None:
    """Sent to set up a second step, the supervisor adds a passkey by keyboard, keeps the
    recovery codes, signs out, and signs in with the password and then the passkey; then
    renames and removes it."""
    _password(page)
    page.goto("/relationships/")
    expect(h1(page)).to_have_text("Second step when you sign in")
    axe(page)
    page.get_by_role("button", name="Add a passkey").click()
    expect(h1(page)).to_have_text("Confirm it is you")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(h1(page)).to_have_text("Add a passkey")
    axe(page)
    page.get_by_label("Name for this passkey").fill("Work laptop")
    page.get_by_role("button", name="Add a passkey").focus()
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text("Your recovery codes")
    expect(page.get_by_text("Your passkey is added.")).to_be_visible()
    assert User.objects.get(pk=kaur.pk).has_second_factor
    assert AuditEvent.objects.filter(user=kaur, detail__how="added", detail__kind="passkey")

    page.goto("/accounts/")
    page.get_by_role("button", name="Sign out").click()
    _password(page)
    expect(h1(page)).to_have_text("Use your passkey")
    axe(page)
    page.get_by_role("button", name="Use your passkey").click()
    expect(h1(page)).to_have_text("Your relationships")

    page.goto("/accounts/2fa/")
    page.get_by_role("link", name="See, rename or remove your passkeys").click()
    expect(h1(page)).to_have_text("Your passkeys")
    expect(page.get_by_role("term")).to_have_text("Work laptop")
    axe(page)
    page.get_by_role("link", name="Rename Work laptop").click()
    expect(h1(page)).to_have_text("Confirm it is you")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(h1(page)).to_have_text("Confirm it is you")  # then the passkey (ASVS v5 7.5.1)
    axe(page)
    page.get_by_role("button", name="Use your passkey").click()
    expect(h1(page)).to_have_text("Rename your passkey")
    axe(page)
    page.get_by_label("Name for this passkey").fill("Home laptop")
    page.get_by_role("button", name="Save the name").click()
    expect(page.get_by_role("term")).to_have_text("Home laptop")
    page.get_by_role("link", name="Remove Home laptop").click()
    expect(h1(page)).to_have_text('Remove your passkey "Home laptop"')
    axe(page)
    page.get_by_role("button", name="Remove the passkey").click()
    expect(h1(page)).to_have_text("Your passkeys")
    expect(page.get_by_text("You have no passkeys.")).to_be_visible()
    assert not Authenticator.objects.filter(user=kaur, type=Authenticator.Type.WEBAUTHN)
    assert not User.objects.get(pk=kaur.pk).has_second_factor


def test_a_cancelled_passkey_says_so_plainly(
    page: Page, kaur: User, authenticator: CDPSession, axe: Callable[[Page], None]
) -> None:
    """When the browser makes no passkey (the person cancelled its dialogue), the page says so
    in an error summary and nothing is added."""
    _password(page)
    page.goto("/accounts/2fa/webauthn/add/")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(h1(page)).to_have_text("Add a passkey")
    page.evaluate(
        "() => { navigator.credentials.create = () =>"
        " Promise.reject(new DOMException('The person cancelled', 'NotAllowedError')); }"
    )

    page.get_by_role("button", name="Add a passkey").click()

    expect(page.locator("#passkey-error")).to_be_visible()
    expect(page.locator("#passkey-error")).to_contain_text("No passkey was made")
    axe(page)
    assert not Authenticator.objects.filter(user=kaur)
